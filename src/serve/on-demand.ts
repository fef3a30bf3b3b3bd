/**
 * Commits loaded for page tokens this server did not issue.
 *
 * Replicas behind one Service poll at their own pace, so a listing started on
 * one can continue on another that has not seen the token's commit yet. When
 * a token names a commit the store does not hold, the commit is loaded here
 * if the followed branch contains it (RepoFollower.reachable: a fetch of the
 * branch for a URL, never of the object the token names) and kept like the
 * other retained snapshots; otherwise the call gets the usual "page token
 * expired".
 *
 * A token is untrusted input, so this is bounded: its SHA syntax is checked
 * before any git call (pagination.ts), one commit loads at a time, at most
 * `maxWaiting` calls wait for a load (more are refused at once), none longer
 * than `maxWaitMs`, and a SHA found not to be on the branch is refused
 * without git for `refuseMs`.
 */
import type { Logger } from './log.js';
import type { ModelBuilder } from './model-builder.js';
import { buildSnapshot, type Snapshot, type SnapshotStore } from './snapshot.js';
import { errorMessage } from '../core/errors.js';
import { echo } from '../core/echo.js';

export interface OnDemandOptions {
  store: SnapshotStore;
  /** A builder of its own: the reloader's abandons its worker's builds for newer commits. */
  builder: ModelBuilder;
  repoDir: string;
  /** Whether the followed branch contains `sha` (RepoFollower.reachable). */
  reachable: (sha: string) => Promise<boolean>;
  log: Logger;
  /** Calls waiting for a load at once; more are refused (default 16). */
  maxWaiting?: number;
  /** How long a SHA found not on the branch is refused without git (default 30 s). */
  refuseMs?: number;
  /**
   * Longest a call waits for a load (default 10 s; a fetch may take up to
   * its own timeout): past it the call is refused, and the load, if it
   * succeeds, serves the next page.
   */
  maxWaitMs?: number;
}

const MAX_REFUSED = 1024;

export class OnDemandLoader {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pending = new Map<string, Promise<Snapshot | undefined>>();
  private readonly refused = new Map<string, number>();
  private waiting = 0;
  private stopped = false;

  constructor(private readonly opts: OnDemandOptions) {}

  /** The snapshot of `sha`: retained, loaded now, or undefined when the branch does not contain it. */
  load(sha: string): Promise<Snapshot | undefined> {
    const held = this.opts.store.get(sha);
    if (held) return Promise.resolve(held);
    if (this.stopped || (this.refused.get(sha) ?? 0) > Date.now()) return Promise.resolve(undefined);
    const joined = this.pending.get(sha);
    if (joined) return this.bounded(joined);
    if (this.waiting >= (this.opts.maxWaiting ?? 16)) return Promise.resolve(undefined);
    this.waiting++;
    const loading = this.queue
      .then(() => this.loadNow(sha))
      .finally(() => {
        this.waiting--;
        this.pending.delete(sha);
      });
    this.queue = loading.catch(() => undefined);
    this.pending.set(sha, loading);
    return this.bounded(loading);
  }

  private bounded(loading: Promise<Snapshot | undefined>): Promise<Snapshot | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.opts.maxWaitMs ?? 10_000);
      timer.unref();
    });
    return Promise.race([loading, timeout]).finally(() => clearTimeout(timer));
  }

  stop(): void {
    this.stopped = true;
  }

  private async loadNow(sha: string): Promise<Snapshot | undefined> {
    const { store, log } = this.opts;
    const held = store.get(sha);
    if (held || this.stopped) return held;
    const started = performance.now();
    try {
      if (!(await this.opts.reachable(sha))) {
        this.refuse(sha);
        // debug: a caller chooses the tokens it sends, and so how often this happens.
        log.debug('page token names a commit the followed branch does not contain; refused', { commit: sha });
        return undefined;
      }
      const result = await buildSnapshot(this.opts.repoDir, sha, undefined, this.opts.builder);
      // A commit that does not load cannot have issued a token.
      if (!result.ok) {
        this.refuse(sha);
        return undefined;
      }
      store.adopt(result.snapshot);
      log.info('loaded commit for a page token issued elsewhere', { commit: sha, ms: Math.round(performance.now() - started) });
      return result.snapshot;
    } catch (err) {
      log.warn('cannot load the commit of a page token', { commit: sha, error: echo(errorMessage(err), 500) });
      return undefined;
    }
  }

  private refuse(sha: string): void {
    if (this.refused.size >= MAX_REFUSED) this.refused.delete(this.refused.keys().next().value!);
    this.refused.set(sha, Date.now() + (this.opts.refuseMs ?? 30_000));
  }
}
