/**
 * The one place every call passes through (a grpc-js server interceptor, so
 * it covers the orchestrator service, reflection v1/v1alpha and health
 * alike): authentication, our response metadata, status hygiene and the
 * call log.
 *
 * Policy:
 * - With auth configured, a call without a valid token to any service but
 *   grpc.health.v1.Health ends before its handler runs, with UNAUTHENTICATED,
 *   a fixed message and no metadata of ours (initial or trailing).
 * - Only calls of the orchestrator service get `x-mcpo-commit` and
 *   `x-mcpo-reload-error`; health and reflection answers carry nothing of ours.
 * - Every status message leaving the server has control characters escaped
 *   and is cut (a handler already quotes what it echoes; this is the net).
 * - Error details (`grpc-status-details-bin`, see status.ts) come only from a
 *   handler's error, so a call refused for auth never gets any.
 */
import * as grpc from '@grpc/grpc-js';
import { type Diagnostic, formatDiagnostic } from '../core/diagnostic.js';
import type { BearerAuth } from './auth.js';
import { CallContext, dispatchNow, type Handlers } from './_context.js';
import type { Logger } from './log.js';
import type { SnapshotStore } from './snapshot.js';
import { asciiHeader, statusMessage, toStatus } from './status.js';

export const COMMIT_HEADER = 'x-mcpo-commit';
export const RELOAD_ERROR_HEADER = 'x-mcpo-reload-error';
/** Why the followed branch cannot be read (a fetch failed), while it cannot: the answer may be from an older commit. */
export const SOURCE_ERROR_HEADER = 'x-mcpo-source-error';
export const UNAUTHENTICATED_MESSAGE = 'missing or invalid bearer token: send the metadata "authorization: Bearer <token>"';
export { MAX_STATUS_CHARS } from './status.js';

const HEALTH_PREFIX = '/grpc.health.v1.Health/';

/** What the interceptor and the handler of one call share. */
interface CallState {
  readonly ctx: CallContext;
  /** The error a handler threw, for the log (the client only sees its status). */
  error?: unknown;
}

/**
 * The call's state travels on the Metadata object the interceptor hands to the
 * handler, under a property of ours (a WeakMap entry per call cost an ephemeron
 * in every GC under load).
 */
const STATE = Symbol('mcpo.call');
type WithState = grpc.Metadata & { [STATE]?: CallState };

/** What a method path tells the interceptor, worked out once per path (grpc-js only intercepts registered methods, so these are few). */
interface MethodInfo {
  readonly service: string;
  readonly name: string;
  /** A call of the orchestrator service (gets our metadata). */
  readonly ours: boolean;
  /** Health: answered without a token. */
  readonly health: boolean;
}

export interface InterceptorOptions {
  store: SnapshotStore;
  log: Logger;
  /** Full name of the service whose answers carry our metadata. */
  serviceName: string;
  auth?: BearerAuth;
}

/** `<sha>: N error(s); first: file:line:col: ...` — built from the diagnostics only, ASCII, bounded. */
export function reloadErrorHeader(failure: { sha: string; diagnostics: readonly Diagnostic[] }): string {
  const first = failure.diagnostics[0];
  const text = `${failure.sha}: ${failure.diagnostics.length} error(s)${first ? `; first: ${formatDiagnostic(first).split('\n')[0] ?? ''}` : ''}`;
  return asciiHeader(text);
}

/**
 * Our headers on an orchestrator answer, both faces: the commit it came from
 * (or the one served now) and, while the newest commit failed, the reload error.
 */
export function answerHeaders(ctx: CallContext, store: SnapshotStore): Record<string, string> {
  return commitHeaders(ctx.sha ?? store.current()?.sha, store, {});
}

/** Adds the headers of an answer from `commit` to `out`. */
export function commitHeaders<T extends Record<string, string | number>>(commit: string | undefined, store: SnapshotStore, out: T): T {
  const headers = out as Record<string, string | number>;
  eachCommitHeader(commit, store, (key, value) => (headers[key] = value));
  return out;
}

/** The headers of an answer from `commit`, one by one. */
function eachCommitHeader(commit: string | undefined, store: SnapshotStore, set: (key: string, value: string) => void): void {
  if (commit) set(COMMIT_HEADER, commit);
  const failure = store.failure();
  if (failure) set(RELOAD_ERROR_HEADER, reloadErrorHeader(failure));
  if (store.sourceError) set(SOURCE_ERROR_HEADER, asciiHeader(store.sourceError));
}

type Listener = Parameters<grpc.ServerInterceptingCallInterface['start']>[0];
type SentStatus = Parameters<grpc.ServerInterceptingCallInterface['sendStatus']>[0];

/**
 * One call between grpc-js's call below and the handler's listener above:
 * both the call the layer above talks to and the listener of the call below.
 * A class of its own rather than grpc-js's ServerInterceptingCall with a
 * responder and a listener of closures: three objects a call (this, its
 * state and context) instead of about twenty, and no callback hop per event.
 */
class GuardedCall implements grpc.ServerInterceptingCallInterface, Listener {
  private listener: Listener | undefined;
  private metadataSent = false;
  /** Once the call is cancelled the handler hears of nothing else (as with grpc-js's own listener). */
  private cancelled = false;
  private readonly started = performance.now();
  private readonly state: CallState;

  constructor(
    private readonly next: grpc.ServerInterceptingCallInterface,
    private readonly method: MethodInfo,
    private readonly opts: InterceptorOptions,
  ) {
    this.state = { ctx: new CallContext(opts.store) };
  }

  start(listener: Listener): void {
    this.listener = listener;
    this.next.start(this);
  }

  onReceiveMetadata(metadata: grpc.Metadata): void {
    if (this.cancelled) return;
    const { auth } = this.opts;
    if (auth && !this.method.health && !auth.check(metadata)) {
      const status = { code: grpc.status.UNAUTHENTICATED, details: UNAUTHENTICATED_MESSAGE, metadata: new grpc.Metadata() };
      this.logCall(status);
      // Straight to the call below: nothing of ours is added, the handler never runs.
      this.next.sendStatus(status);
      return;
    }
    (metadata as WithState)[STATE] = this.state;
    this.listener!.onReceiveMetadata(metadata);
  }

  onReceiveMessage(message: unknown): void {
    if (!this.cancelled) this.listener!.onReceiveMessage(message);
  }

  onReceiveHalfClose(): void {
    if (!this.cancelled) this.listener!.onReceiveHalfClose();
  }

  onCancel(): void {
    this.cancelled = true;
    this.listener!.onCancel();
  }

  sendMetadata(metadata: grpc.Metadata): void {
    this.metadataSent = true;
    if (this.method.ours) {
      const { store } = this.opts;
      eachCommitHeader(this.state.ctx.sha ?? store.current()?.sha, store, (key, value) => metadata.set(key, value));
    }
    this.next.sendMetadata(metadata);
  }

  sendMessage(message: unknown, callback: () => void): void {
    if (!this.metadataSent) this.sendMetadata(new grpc.Metadata());
    this.next.sendMessage(message, callback);
  }

  sendStatus(status: SentStatus): void {
    // An error answered without initial metadata would carry ours only as trailers: send them first.
    if (!this.metadataSent && this.method.ours) this.sendMetadata(new grpc.Metadata());
    const details = status.details ?? '';
    // grpc-js's own "OK" of every answered call needs no escaping.
    const safe = details === 'OK' ? details : statusMessage(details);
    const clean = safe === status.details ? status : { ...status, details: safe };
    this.logCall(clean);
    this.next.sendStatus(clean);
  }

  startRead(): void {
    this.next.startRead();
  }

  getPeer(): string {
    return this.next.getPeer();
  }

  getDeadline(): ReturnType<grpc.ServerInterceptingCallInterface['getDeadline']> {
    return this.next.getDeadline();
  }

  getHost(): string {
    return this.next.getHost();
  }

  getAuthContext(): ReturnType<grpc.ServerInterceptingCallInterface['getAuthContext']> {
    return this.next.getAuthContext();
  }

  getConnectionInfo(): ReturnType<grpc.ServerInterceptingCallInterface['getConnectionInfo']> {
    return this.next.getConnectionInfo();
  }

  getMetricsRecorder(): ReturnType<grpc.ServerInterceptingCallInterface['getMetricsRecorder']> {
    return this.next.getMetricsRecorder();
  }

  private logCall(status: { code: grpc.status; details?: string }): void {
    const { log } = this.opts;
    const failed = status.code === grpc.status.INTERNAL || status.code === grpc.status.UNKNOWN;
    // Only a line that is written costs its fields (the peer's address is a string built per call).
    if (!failed && !log.enabled('debug')) return;
    const { service, name, ours } = this.method;
    const fields = {
      service,
      method: name,
      code: grpc.status[status.code],
      ms: Math.round((performance.now() - this.started) * 10) / 10,
      peer: this.getPeer(),
    };
    if (failed) {
      const err = this.state.error;
      log.error('call failed', {
        ...fields,
        details: status.details,
        error: err instanceof Error ? (err.stack ?? err.message) : err === undefined ? undefined : String(err),
      });
    } else {
      log.debug('call', { ...fields, commit: ours ? this.state.ctx.sha : undefined, details: status.code === grpc.status.OK ? undefined : status.details });
    }
  }
}

export function createInterceptor(opts: InterceptorOptions): grpc.ServerInterceptor {
  const servicePrefix = `/${opts.serviceName}/`;
  const methods = new Map<string, MethodInfo>();
  const methodInfo = (path: string): MethodInfo => {
    let info = methods.get(path);
    if (!info) {
      const [service = '', name = ''] = path.slice(1).split('/');
      info = { service, name, ours: path.startsWith(servicePrefix), health: path.startsWith(HEALTH_PREFIX) };
      methods.set(path, info);
    }
    return info;
  };
  // grpc-js's type names its ServerInterceptingCall class, but it only calls the interface's methods on what an interceptor returns.
  return (method, call) => new GuardedCall(call, methodInfo(method.path), opts) as unknown as grpc.ServerInterceptingCall;
}

/**
 * grpc-js implementations for unary handlers `(request, ctx) => response`:
 * the context comes from the interceptor; a thrown error becomes its status
 * (status.ts) and is kept for the interceptor's log.
 */
export function unaryImplementation(methods: readonly string[], handlers: Handlers): grpc.UntypedServiceImplementation {
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const name of methods) {
    implementation[name] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const state = (call.metadata as WithState)[STATE];
      const fail = (err: unknown): void => {
        if (state) state.error = err;
        callback(toStatus(err));
      };
      let answer: unknown;
      try {
        if (!state) throw new Error(`${name} was called without the server interceptor`);
        answer = dispatchNow(handlers, name, call.request, state.ctx);
      } catch (err) {
        fail(err);
        return;
      }
      // Most calls answer from the snapshot at once; only a page token's load (or a cluster read) waits.
      if (answer instanceof Promise) answer.then((value) => callback(null, value), fail);
      else callback(null, answer);
    };
  }
  return implementation;
}
