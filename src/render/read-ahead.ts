/**
 * The output folder's records (output-records.ts), read on the second core:
 * at 10,000 templates that is 21,000 object files to open and hash, while this
 * thread reads the declarations, builds the model and plans the objects.
 * (Reading the declarations there as well was measured slower: this thread
 * then waits for them, and on a busy machine the worker is late.)
 *
 * The worker runs the same function this thread would, so what is read is
 * the same either way. Run from the TypeScript sources (tests), on one core,
 * with flags a worker refuses, or should the worker fail, this thread reads.
 */
import { existsSync, lstatSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../core/worker.js';
import { type OutputRecords, readOutputRecords } from './output-records.js';

export type ReadAheadReply = { records: [string, string, string][] } | { error: string };

export interface ReadAhead {
  readonly records: Promise<OutputRecords>;
  /**
   * The worker, once it gave the records: it then loads the renderers and runs render jobs
   * (parallel-render.ts `warm`). Undefined when this thread read them, or the worker stopped.
   */
  renderer(): Worker | undefined;
  /** Stops the worker (whether reading or waiting for a render job). */
  stop(): void;
}

const WORKER = fileURLToPath(new URL('./_read-ahead-worker.js', import.meta.url));

/** Starts reading the records of the object files in `outDir`. */
export function startReadAhead(outDir: string): ReadAhead {
  const out = lstatSync(outDir, { throwIfNoEntry: false });
  // An output path that is not a folder is refused by listTree with its usage error: here.
  if (availableParallelism() < 2 || !existsSync(WORKER) || (out && !out.isDirectory())) return readHere(outDir);
  // Inherited flags, but not `--input-type` (a script run with `node --input-type=module -e`), which a worker refuses.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
  let worker: Worker;
  try {
    worker = startWorker(WORKER, { workerData: resolve(outDir), execArgv: execArgv.length === process.execArgv.length ? undefined : execArgv });
  } catch {
    return readHere(outDir);
  }
  let gave = false;
  let exited = false;
  let stopped = false;
  const fromWorker = new Promise<OutputRecords>((done, fail) => {
    worker.once('message', (reply: ReadAheadReply) => {
      if ('error' in reply) return fail(new Error(reply.error));
      gave = true;
      // Waiting for a render job, it must not keep the process alive (a job refs it while it runs).
      worker.unref();
      done(new Map(reply.records.map(([path, stored, rest]) => [path, { stored, rest }])));
    });
    worker.once('error', fail);
    worker.once('exit', (code) => {
      exited = true;
      fail(new Error(`the output reader stopped with code ${code}`));
    });
  });
  // What the worker did not give, this thread reads (and a reading error is thrown here); not after stop().
  const records = fromWorker.catch(() => (stopped ? new Map() : readOutputRecords(outDir)));
  records.catch(() => undefined); // awaited by synthFiles: its error there, not an unhandled one here
  return {
    records,
    renderer: () => (gave && !exited && !stopped ? worker : undefined),
    stop: () => {
      stopped = true;
      void worker.terminate();
    },
  };
}

/** Reads on this thread, when first asked. */
function readHere(outDir: string): ReadAhead {
  let records: Promise<OutputRecords> | undefined;
  return {
    get records() {
      return (records ??= new Promise<OutputRecords>((done) => done(readOutputRecords(outDir))));
    },
    renderer: () => undefined,
    stop() {},
  };
}
