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
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../errors/diagnostic.js';
import { loadCommit } from '../model/load.js';
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

  async build(repoDir: string, sha: string): Promise<ModelBuild> {
    if (!this.workerScript) {
      const result = await loadCommit(repoDir, sha);
      return { sha: result.sha, model: result.model, diagnostics: result.diagnostics };
    }
    const worker = this.ensureWorker(this.workerScript);
    const id = this.nextId++;
    return new Promise<ModelBuild>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, repoDir, sha } satisfies BuildRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private ensureWorker(script: string): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(script);
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
