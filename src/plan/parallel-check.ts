/**
 * Parsing and checking the base's files on two threads: most of a plan's
 * time at 10,000 templates is YAML parsing, and the machine has a second
 * core. The worker is started before the files are read, so that its own
 * start (loading the parser and the proto contract) overlaps git's work;
 * then this thread and the worker take chunks of the files from a shared
 * counter (a worker that starts late or a busy core just takes fewer), and
 * the results go into the BuildCache the sides are built with. The
 * diagnostics and the model are exactly those of a build on one thread:
 * only who runs checkFile changes.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../core/worker.js';
import { newChunkCounter, nextChunk } from '../core/chunk-counter.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { RawDeclaration } from '../declarations/documents.js';
import { type BuildCache, checkFile } from '../model/build.js';
import type { InputFile } from '../source/files.js';
import { MAX_FILE_BYTES } from '../core/limits.js';

/** Below this many files the worker is not asked: posting and cloning would cost more than it saves. */
export const PARALLEL_MIN_FILES = 1000;
const CHUNK_FILES = 100;

export interface CheckJob {
  readonly files: readonly { readonly path: string; readonly content: Uint8Array }[];
  readonly chunkSize: number;
  /** SharedArrayBuffer holding one Int32: the next chunk to take. */
  readonly counter: SharedArrayBuffer;
}

export type CheckReply = { start: number; checks: { diagnostics: Diagnostic[]; declarations: RawDeclaration[]; exact: boolean }[] } | { done: true };

const WORKER = fileURLToPath(new URL('./_check-worker.js', import.meta.url));

export class ParallelChecker {
  private worker: Worker | undefined;

  constructor() {
    // Run from the TypeScript sources (tests) there is no compiled worker, and on one core no second
    // thread to run it: everything is checked on this thread then.
    if (!existsSync(WORKER) || availableParallelism() < 2) return;
    this.worker = startWorker(WORKER);
    this.worker.unref();
  }

  /**
   * Fills `cache` with the checks of `files`, on this thread and the worker; resolves once every
   * file is in. Should the worker fail, what is missing is checked by buildModel on this thread.
   */
  async check(all: readonly InputFile[], cache: BuildCache): Promise<void> {
    const worker = this.worker;
    // Files whose check is kept (the check cache) are not parsed again, nor read when listed unread
    // (so reuse is asked first). Files over the limit are refused by buildModel before any parse.
    const files = all.filter((f) => !cache.reuse(f) && f.content.length <= MAX_FILE_BYTES);
    if (!worker || files.length < PARALLEL_MIN_FILES) return;
    const counter = newChunkCounter();
    const shared = new Int32Array(counter);
    const done = new Promise<void>((resolve, reject) => {
      const onMessage = (reply: CheckReply) => {
        if ('done' in reply) {
          worker.off('message', onMessage);
          return resolve();
        }
        reply.checks.forEach((check, i) => {
          const file = files[reply.start + i]!;
          cache.files.set(file.path, { file, ...check });
        });
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the check worker stopped with code ${code}`)));
    });
    const job: CheckJob = { files: files.map((f) => ({ path: f.path, content: f.content })), chunkSize: CHUNK_FILES, counter };
    worker.postMessage(job);
    for (let chunk = nextChunk(shared); chunk * CHUNK_FILES < files.length; chunk = nextChunk(shared)) {
      for (const file of files.slice(chunk * CHUNK_FILES, (chunk + 1) * CHUNK_FILES)) cache.files.set(file.path, checkFile(file));
      // Between chunks the event loop runs: the worker's results are taken in as they come, and the
      // head's git reads go on.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done.catch(() => this.close());
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
