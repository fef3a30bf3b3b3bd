/**
 * Loading the commits the follower reports into the snapshot store.
 *
 * - The newest commit wins: when one arrives while an older one is still
 *   building, the older build is abandoned (its worker thread terminated)
 *   and the newest is built; a slow commit never holds up the next.
 * - A commit whose declarations are invalid fails for good: its diagnostics
 *   are final for that SHA and it is not tried again.
 * - A commit that could not be read (git or filesystem error, a corrupt or
 *   missing object, a repository being repacked) may heal: it is
 *   tried again after 1 s, 2 s, 4 s, … up to the cap, while it is still the
 *   newest commit.
 */
import { type Diagnostic, formatDiagnostic } from '../core/diagnostic.js';
import { echo } from '../core/echo.js';
import { isObjectStoreProblem } from '../source/commit.js';
import type { Logger } from './log.js';
import { BuildAbandoned, type ModelBuilder } from './model-builder.js';
import { buildSnapshot, type SnapshotStore } from './snapshot.js';
import { errorMessage } from '../core/errors.js';

export interface RetryPolicy {
  /** First wait after a failed read (default 1 s). */
  initialMs: number;
  /** Longest wait (default 60 s). */
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 1000, maxMs: 60_000 };

export interface ReloaderOptions {
  repoDir: string;
  store: SnapshotStore;
  builder: ModelBuilder;
  log: Logger;
  retry?: Partial<RetryPolicy>;
  /** After each commit has loaded or failed. */
  onSettled: () => void;
}

interface Build {
  readonly sha: string;
  readonly abort: AbortController;
  readonly done: Promise<void>;
}

export class Reloader {
  /** The newest commit offered. */
  head: string | undefined;
  private active: Build | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retrySha: string | undefined;
  private retryDelay = 0;
  private stopped = false;
  private readonly retry: RetryPolicy;

  constructor(private readonly opts: ReloaderOptions) {
    this.retry = { initialMs: opts.retry?.initialMs ?? DEFAULT_RETRY.initialMs, maxMs: opts.retry?.maxMs ?? DEFAULT_RETRY.maxMs };
  }

  /** Loads `sha` (abandoning an older build); resolves once it has loaded, failed, or been superseded. */
  offer(sha: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.head = sha;
    if (this.retrySha !== sha) this.clearRetry();
    if (this.active?.sha === sha) return this.active.done;
    if (this.active) {
      this.opts.log.info('abandoning the build of an older commit for a newer one', { commit: this.active.sha, newer: sha });
      this.active.abort.abort();
    }
    const abort = new AbortController();
    const build: Build = {
      sha,
      abort,
      done: this.load(sha, abort.signal).finally(() => {
        if (this.active === build) this.active = undefined;
      }),
    };
    this.active = build;
    return build.done;
  }

  /** Abandons the build in progress and any retry; resolves when the build has let go. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearRetry();
    const active = this.active;
    active?.abort.abort();
    await active?.done;
  }

  private async load(sha: string, signal: AbortSignal): Promise<void> {
    const { store, log } = this.opts;
    const current = store.current();
    if (current?.sha === sha) {
      store.swap(current); // back on a good commit: clears a failure
      this.opts.onSettled();
      return;
    }
    const started = performance.now();
    let diagnostics: readonly Diagnostic[];
    let healable: boolean;
    try {
      const result = await buildSnapshot(this.opts.repoDir, sha, current?.times, this.opts.builder, signal, current);
      if (signal.aborted) return;
      if (result.ok) {
        const s = result.snapshot;
        store.swap(s);
        this.clearRetry();
        log.info('loaded commit', {
          commit: sha,
          ms: Math.round(performance.now() - started),
          templates: s.templates.length,
          presets: s.presets.length,
          namespaces: s.namespaces.length,
          secrets: s.secrets.length,
          warnings: s.warnings.length,
        });
        this.opts.onSettled();
        return;
      }
      diagnostics = result.diagnostics;
      // A blob the object store could not give (corrupt, or not there yet) is the repository's fault, not the commit's.
      healable = diagnostics.some(isObjectStoreProblem);
    } catch (err) {
      if (signal.aborted || err instanceof BuildAbandoned) return;
      healable = true;
      const why = errorMessage(err);
      diagnostics = [
        { code: 'internal', severity: 'error', message: `cannot read commit: ${echo(why, 500)}`, hint: 'git or the filesystem failed; the server tries again' },
      ];
    }
    store.fail({ sha, at: Date.now(), diagnostics });
    const retryInMs = healable ? this.scheduleRetry(sha) : undefined;
    log.error('commit failed to load; still serving the last good commit', {
      commit: sha,
      serving: store.current()?.sha ?? null,
      errors: diagnostics.length,
      diagnostics: diagnostics.slice(0, 50).map(formatDiagnostic),
      retryInMs,
    });
    this.opts.onSettled();
  }

  private scheduleRetry(sha: string): number {
    this.retryDelay = this.retrySha === sha ? Math.min(this.retryDelay * 2, this.retry.maxMs) : this.retry.initialMs;
    this.retrySha = sha;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.stopped || this.head !== sha || this.active) return;
      void this.offer(sha);
    }, this.retryDelay);
    this.retryTimer.unref();
    return this.retryDelay;
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.retrySha = undefined;
    this.retryDelay = 0;
  }
}
