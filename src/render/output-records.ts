/**
 * Reading what the output folder holds, for incremental synth: the input
 * record (input-line.ts) of every regular object file in it, read without
 * following symlinks, without waiting on a FIFO and bounded. At 10,000
 * templates that is ~21,000 files to open and hash, so `mcpo synth` starts it
 * on a worker thread before it reads the declarations, and the two go on side
 * by side; run from the TypeScript sources (tests) or on one core, it is read
 * on this thread. What is read is the same either way.
 */
import { closeSync, constants, existsSync, lstatSync, openSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { readFdBounded } from '../source/read-bounded.js';
import { type InputRecord, inputRecord } from './input-line.js';
import { listTree } from './write.js';

/** A rendered object file is a few KiB; a bigger one was not written by synth (and is rendered again). */
const MAX_OBJECT_FILE_BYTES = 4 * 1024 * 1024;

/** Output path ('/'-separated, relative) → the record of its file. */
export type OutputRecords = Map<string, InputRecord>;

export interface OutputReading {
  readonly records: Promise<OutputRecords>;
  /** Stops reading (when nothing will be rendered after all). */
  stop(): void;
}

export type OutputReply = { records: [string, string, string][] } | { error: string };

/** The records of the object files in `outDir`, read on this thread. A missing folder holds none. */
export function readOutputRecords(outDir: string): OutputRecords {
  const dir = resolve(outDir);
  const records: OutputRecords = new Map();
  const { regular } = listTree(dir);
  const scratch = Buffer.allocUnsafe(MAX_OBJECT_FILE_BYTES + 1);
  for (const path of regular) {
    if (!path.endsWith('.yaml')) continue;
    let fd: number;
    try {
      // Not through a link that appeared since, and not waiting on a FIFO that did.
      fd = openSync(join(dir, ...path.split('/')), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch {
      continue; // a symlink, or gone: rendered and written again
    }
    try {
      const read = readFdBounded(fd, MAX_OBJECT_FILE_BYTES, scratch);
      const record = read.ok ? inputRecord(read.content) : undefined;
      if (record) records.set(path, record);
    } catch {
      // not a readable file (a folder, a device that fails): rendered again, and write.ts replaces it
    } finally {
      closeSync(fd);
    }
  }
  return records;
}

const WORKER = fileURLToPath(new URL('./_output-worker.js', import.meta.url));

/** Starts reading the records of `outDir`: on a worker thread when there is a compiled one and a second core. */
export function startReadingOutput(outDir: string): OutputReading {
  const info = lstatSync(outDir, { throwIfNoEntry: false });
  // A path that is not a folder is refused by listTree, with its usage error: on this thread.
  if (availableParallelism() < 2 || !existsSync(WORKER) || (info && !info.isDirectory())) {
    let records: Promise<OutputRecords> | undefined;
    // Read when first asked, on this thread.
    return {
      get records() {
        return (records ??= new Promise<OutputRecords>((done) => done(readOutputRecords(outDir))));
      },
      stop() {},
    };
  }
  // Not `--input-type` (a script run with `node --input-type=module -e`): a worker refuses it.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
  const worker = new Worker(WORKER, { workerData: resolve(outDir), execArgv });
  const records = new Promise<OutputRecords>((done, fail) => {
    worker.once('message', (reply: OutputReply) => {
      if ('error' in reply) fail(new Error(reply.error));
      else done(new Map(reply.records.map(([path, stored, rest]) => [path, { stored, rest }])));
    });
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the output reader stopped with code ${code}`)));
  });
  // Awaited by synthFiles; a failure there is its error, not an unhandled one here.
  records.catch(() => undefined);
  return {
    records,
    stop: () => void worker.terminate(),
  };
}
