/**
 * grpc.health.v1 for `mcpo serve`, and the watch on the followed branch.
 *
 * - "" and the service name: SERVING once a commit is loaded (the server
 *   answers from it), NOT_SERVING before and while shutting down.
 * - "mcpo.reload": SERVING only while the served commit is the newest one
 *   and the followed branch can be read; NOT_SERVING while the newest commit
 *   failed to load, or the branch or repository cannot be read (deleted
 *   branch, unreadable or vanished repository, failed fetch). The last good
 *   snapshot keeps being served meanwhile.
 *
 * Health is open to callers without a token and answers only a status.
 */
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { echo } from '../core/echo.js';
import type { Logger } from './log.js';

export const HEALTH_SERVICE = 'grpc.health.v1.Health';
/** Health entry that is NOT_SERVING while the newest commit failed to load or the branch cannot be read. */
export const RELOAD_HEALTH_NAME = 'mcpo.reload';

export interface HealthInputs {
  stopping: boolean;
  /** A snapshot is being served. */
  loaded: boolean;
  /** The newest commit failed to load. */
  reloadFailed: boolean;
  /** The followed branch cannot be read now. */
  sourceFailing: boolean;
}

export class ServeHealth {
  private readonly impl: HealthImplementation;

  constructor(private readonly serviceName: string) {
    this.impl = new HealthImplementation({ '': 'NOT_SERVING', [serviceName]: 'NOT_SERVING', [RELOAD_HEALTH_NAME]: 'NOT_SERVING' });
  }

  addToServer(server: grpc.Server): void {
    this.impl.addToServer(server);
  }

  /** The state of "" (a commit is loaded and the server is not stopping): HTTP /readyz. */
  ready = false;

  update(s: HealthInputs): void {
    const serving = !s.stopping && s.loaded ? 'SERVING' : 'NOT_SERVING';
    this.ready = serving === 'SERVING';
    this.impl.setStatus('', serving);
    this.impl.setStatus(this.serviceName, serving);
    this.impl.setStatus(RELOAD_HEALTH_NAME, serving === 'SERVING' && !s.reloadFailed && !s.sourceFailing ? 'SERVING' : 'NOT_SERVING');
  }
}

export interface SourceWatchOptions {
  log: Logger;
  /** First repeat of the failure log (default 1 min); doubles up to maxLogIntervalMs (default 15 min). */
  logIntervalMs?: number;
  maxLogIntervalMs?: number;
  /** After each change between readable and failing, and of the reason while failing. */
  onChange: () => void;
  /** The commit served now, for the log (none: nothing is served). */
  serving?: () => string | undefined;
}

/**
 * Whether the followed branch can be read, from the follower's polls. Logs
 * once when reading starts failing, then again at a doubling interval while
 * it keeps failing, and once when it recovers — not on every poll.
 */
export class SourceWatch {
  private failingSince: number | undefined;
  private failures = 0;
  private nextLogAt = 0;
  private interval: number;
  private readonly firstInterval: number;
  private readonly maxInterval: number;

  constructor(private readonly opts: SourceWatchOptions) {
    this.firstInterval = opts.logIntervalMs ?? 60_000;
    this.maxInterval = opts.maxLogIntervalMs ?? 15 * 60_000;
    this.interval = this.firstInterval;
  }

  get failing(): boolean {
    return this.failingSince !== undefined;
  }

  /** Why the branch cannot be read (escaped, bounded), while it cannot. */
  get reason(): string | undefined {
    return this.failingSince === undefined ? undefined : this.lastError;
  }

  private lastError: string | undefined;

  failed(err: Error): void {
    const now = Date.now();
    this.failures++;
    const error = echo(err.message, 1000);
    const changed = error !== this.lastError;
    this.lastError = error;
    if (this.failingSince === undefined) {
      this.failingSince = now;
      this.nextLogAt = now + this.interval;
      const serving = this.opts.serving?.() ?? null;
      this.opts.log.warn(
        serving
          ? 'cannot read the followed branch; still serving the last good commit, health mcpo.reload NOT_SERVING'
          : 'cannot read the followed branch; nothing to serve until it can be read, health NOT_SERVING',
        { error, serving },
      );
      this.opts.onChange();
      return;
    }
    if (changed) this.opts.onChange();
    if (now >= this.nextLogAt) {
      this.interval = Math.min(this.interval * 2, this.maxInterval);
      this.nextLogAt = now + this.interval;
      this.opts.log.warn('still cannot read the followed branch', { error, failingForMs: now - this.failingSince, failedPolls: this.failures });
    }
  }

  readable(): void {
    if (this.failingSince === undefined) return;
    this.opts.log.info('the followed branch can be read again', { failedForMs: Date.now() - this.failingSince, failedPolls: this.failures });
    this.failingSince = undefined;
    this.lastError = undefined;
    this.failures = 0;
    this.interval = this.firstInterval;
    this.opts.onChange();
  }
}
