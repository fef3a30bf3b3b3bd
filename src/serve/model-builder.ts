/**
 * Reads and validates one commit into a model, in a worker thread when the
 * compiled worker script is available (so calls keep being answered while a
 * large commit loads), in-process otherwise (e.g. running from TypeScript
 * sources under a test runner). Either way the result is the same: the
 * model (plain objects and Maps, structured-cloned across the thread) or the
 * diagnostics.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../core/worker.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { buildModel } from '../model/build.js';
import { readCommitFiles } from '../source/commit.js';
import type { Model } from '../model/types.js';

export interface BuildRequest {
  id: number;
  repoDir: string;
  sha: string;
}

export type BuildReply = { id: number; sha: string; model: Model | undefined; diagnostics: Diagnostic[] } | { id: number; error: string };

export interface ModelBuild {
  sha: string;
  model: Model | undefined;
  diagnostics: readonly Diagnostic[];
}

/** The compiled worker next to this module, if there is one. */
export function defaultWorkerScript(): string | undefined {
  const path = fileURLToPath(new URL('./_build-worker.js', import.meta.url));
  return existsSync(path) ? path : undefined;
}

/** A build given up because a newer commit arrived (see the `signal` of ModelBuilder.build). */
export class BuildAbandoned extends Error {
  constructor(readonly sha: string) {
    super(`build of ${sha} abandoned for a newer commit`);
    this.name = 'BuildAbandoned';
  }
}

/** Reads commit `sha` from the object store and validates it: what one build does, in a worker or in-process. */
export async function buildCommit(repoDir: string, sha: string): Promise<ModelBuild> {
  const read = await readCommitFiles(repoDir, sha);
  const { model, diagnostics } = buildModel(read);
  return { sha: read.sha, model, diagnostics };
}

export class ModelBuilder {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (b: ModelBuild) => void; reject: (e: Error) => void }>();

  /** `workerScript`: a compiled _build-worker.js; `null` builds in-process. */
  constructor(private readonly workerScript: string | null | undefined = defaultWorkerScript()) {}

  /** Whether builds run in a worker thread. */
  get threaded(): boolean {
    return Boolean(this.workerScript);
  }

  /**
   * Builds commit `sha`. When `signal` aborts, the build rejects with
   * BuildAbandoned at once and its worker thread is terminated (in-process,
   * the build cannot be stopped: its result is dropped when it ends).
   */
  async build(repoDir: string, sha: string, signal?: AbortSignal): Promise<ModelBuild> {
    if (signal?.aborted) throw new BuildAbandoned(sha);
    if (!this.workerScript) {
      const result = await buildCommit(repoDir, sha);
      if (signal?.aborted) throw new BuildAbandoned(sha);
      return result;
    }
    const worker = this.ensureWorker(this.workerScript);
    const id = this.nextId++;
    return new Promise<ModelBuild>((resolve, reject) => {
      const onAbort = (): void => {
        if (!this.pending.has(id)) return;
        // A worker runs one build at a time: terminating it is the only way to stop this one.
        this.discard(worker, new BuildAbandoned(sha));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (b) => {
          done();
          resolve(b);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      worker.postMessage({ id, repoDir, sha } satisfies BuildRequest);
    });
  }

  /** Stops `worker` and fails what it was building with `err`. */
  private discard(worker: Worker, err: Error): void {
    if (this.worker === worker) this.worker = undefined;
    worker.removeAllListeners('exit');
    worker.removeAllListeners('error');
    void worker.terminate();
    for (const [id, waiter] of this.pending) {
      this.pending.delete(id);
      waiter.reject(err);
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private ensureWorker(script: string): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(script);
    worker.unref();
    worker.on('message', (reply: BuildReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if ('error' in reply) waiter.reject(new Error(reply.error));
      else waiter.resolve({ sha: reply.sha, model: reply.model, diagnostics: reply.diagnostics });
      // Commits are rare; a worker kept between them holds a whole heap (about 120 MiB at
      // 10,000 templates). Starting one again costs a fraction of a second per commit.
      if (this.pending.size === 0 && this.worker === worker) {
        this.worker = undefined;
        worker.removeAllListeners('exit');
        worker.removeAllListeners('error');
        void worker.terminate();
      }
    });
    const fail = (err: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, waiter] of this.pending) {
        this.pending.delete(id);
        waiter.reject(err);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`model build worker exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}
