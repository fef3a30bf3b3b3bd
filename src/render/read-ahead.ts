/**
 * What `mcpo synth` reads before it can render, read on the second core: the
 * declaration files (source/working-tree.ts) and then the records of the
 * output folder's object files (output-records.ts). At 10,000 templates that
 * is 11,000 and 21,000 files; this thread meanwhile loads its modules and
 * the check cache, builds the model from the declarations as soon as they
 * arrive, and plans the objects while the output folder is still being read.
 *
 * The worker runs the same functions this thread would, so what is read is
 * the same either way; the declarations' bytes come back in one transferred
 * buffer. Run from the TypeScript sources (tests), on one core, with flags a
 * worker refuses, or should the worker fail, this thread reads instead.
 */
import { existsSync, lstatSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../core/diagnostic.js';
import { readWorkingTreeFiles, type SourceFiles } from '../source/working-tree.js';
import { type OutputRecords, readOutputRecords } from './output-records.js';

export interface ReadAheadJob {
  readonly repoDir: string;
  /** The output folder whose records to read; none with `synth --full`. */
  readonly outDir?: string;
}

export type ReadAheadReply = { sources: SourcesReply } | { records: [string, string, string][] } | { error: string; stage: 'sources' | 'records' };

/** The declarations as the worker sends them: every file's bytes in one buffer, and each file's sha256 as the check cache keys it. */
export interface SourcesReply {
  paths: string[];
  ends: number[];
  digests: string[];
  bytes: ArrayBuffer;
  problems: Diagnostic[];
}

export interface ReadAhead {
  readonly sources: Promise<SourceFiles>;
  /** The sha256 of each file's bytes (CheckCache.digest) made by the worker, by the buffer it was made of. */
  readonly digests: WeakMap<Buffer, string>;
  /** Undefined when the job had no output folder. */
  readonly records: Promise<OutputRecords> | undefined;
  /** Stops reading (nothing will be rendered after all). */
  stop(): void;
}

const WORKER = fileURLToPath(new URL('./_read-ahead-worker.js', import.meta.url));

/** Starts reading the declarations and the output folder's records. */
export function startReadAhead(job: ReadAheadJob): ReadAhead {
  const out = job.outDir && lstatSync(job.outDir, { throwIfNoEntry: false });
  // An output path that is not a folder is refused by listTree with its usage error: here.
  if (availableParallelism() < 2 || !existsSync(WORKER) || (out && !out.isDirectory())) return readHere(job);
  // Inherited flags, but not `--input-type` (a script run with `node --input-type=module -e`), which a worker refuses.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
  let worker: Worker;
  try {
    worker = new Worker(WORKER, {
      workerData: { repoDir: resolve(job.repoDir), outDir: job.outDir && resolve(job.outDir) } satisfies ReadAheadJob,
      execArgv: execArgv.length === process.execArgv.length ? undefined : execArgv,
    });
  } catch {
    return readHere(job);
  }
  const digests = new WeakMap<Buffer, string>();
  let gotSources: (s: SourceFiles) => void;
  let gotRecords: (r: OutputRecords) => void;
  let failed: (stage: 'sources' | 'records') => void;
  const fromWorker = {
    sources: new Promise<SourceFiles>((done, fail) => {
      gotSources = done;
      failed = (stage) => {
        fail(new Error(stage));
        failRecords();
      };
    }),
    records: undefined as Promise<OutputRecords> | undefined,
  };
  let failRecords = () => {};
  if (job.outDir)
    fromWorker.records = new Promise<OutputRecords>((done, fail) => {
      gotRecords = done;
      failRecords = () => fail(new Error('records'));
    });
  worker.on('message', (reply: ReadAheadReply) => {
    if ('sources' in reply) gotSources(sourcesOf(reply.sources, digests));
    else if ('records' in reply) gotRecords(new Map(reply.records.map(([path, stored, rest]) => [path, { stored, rest }])));
    else if (reply.stage === 'sources') failed('sources');
    else failRecords();
  });
  worker.once('error', () => failed('sources'));
  worker.once('exit', () => failed('sources'));
  // Whatever the worker did not give, this thread reads (and a reading error, such as a usage error, is thrown here).
  // Not after stop(): nothing will be rendered then.
  const outDir = job.outDir;
  let stopped = false;
  return {
    digests,
    sources: fromWorker.sources.catch(() => readWorkingTreeFiles(job.repoDir)),
    records: fromWorker.records && outDir ? fromWorker.records.catch(() => (stopped ? new Map() : readOutputRecords(outDir))) : undefined,
    stop: () => {
      stopped = true;
      void worker.terminate();
    },
  };
}

/** The declarations' bytes, each a view of the one buffer they came in. */
function sourcesOf(s: SourcesReply, digests: WeakMap<Buffer, string>): SourceFiles {
  const all = Buffer.from(s.bytes);
  let start = 0;
  const files = s.paths.map((path, i) => {
    const content = all.subarray(start, s.ends[i]);
    start = s.ends[i]!;
    digests.set(content, s.digests[i]!);
    return { path, content };
  });
  return { files, problems: s.problems };
}

/** Reads on this thread: the declarations now, the records when first asked. */
function readHere(job: ReadAheadJob): ReadAhead {
  let records: Promise<OutputRecords> | undefined;
  const outDir = job.outDir;
  return {
    digests: new WeakMap(),
    sources: readWorkingTreeFiles(job.repoDir),
    get records() {
      return outDir === undefined ? undefined : (records ??= new Promise<OutputRecords>((done) => done(readOutputRecords(outDir))));
    },
    stop() {},
  };
}
