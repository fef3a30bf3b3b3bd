/**
 * `mcpo serve`: the read-only gRPC query server.
 *
 * Follows a repository (local path or URL), loads each new commit of the
 * branch into an immutable snapshot off to the side, and swaps it in when it
 * validates; a commit that fails keeps the last good snapshot and is
 * reported. Serves mcp.orchestrator.v1.McpOrchestratorService from spec/,
 * grpc.health.v1 and server reflection (v1 + v1alpha).
 *
 * What operators see:
 * - every response's initial metadata: `x-mcpo-commit` (the commit the
 *   answer came from) and, while the newest commit of the branch failed to
 *   load, `x-mcpo-reload-error` ("<sha>: N error(s); first: file:line:col: ...");
 * - health: "" and the service name are SERVING once a commit is loaded
 *   (NOT_SERVING before, and while shutting down); "mcpo.reload" is
 *   NOT_SERVING while the newest commit failed to load, SERVING otherwise;
 * - logs (JSON lines on stderr): each reload at info, each failed reload at
 *   error with its diagnostics, each call at debug, server errors at error.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import protobuf from 'protobufjs';
import { type Diagnostic, formatDiagnostic } from '../errors/diagnostic.js';
import { RepoFollower } from '../git/follow.js';
import { loadSpec, SERVICE_NAME, specDir } from '../spec/proto.js';
import { relative, sep } from 'node:path';
import { BearerAuth } from './auth.js';
import { CallContext, type Handlers } from './_context.js';
import { DescriptorPool } from './descriptors.js';
import { createLogger, type Logger, type LogLevel } from './log.js';
import { type ClusterReader, mcpServerHandlers } from './mcp-servers.js';
import { namespaceHandlers } from './namespaces.js';
import { presetHandlers } from './presets.js';
import { addReflection, loadReflectionRoot, REFLECTION_VERSIONS } from './reflection.js';
import { secretHandlers } from './secrets.js';
import { protoServiceDefinition } from './service.js';
import { defaultWorkerScript, ModelBuilder } from './model-builder.js';
import { buildSnapshot, type Snapshot, SnapshotStore } from './snapshot.js';
import { asciiHeader, ServeError, toStatus } from './status.js';
import { templateHandlers } from './templates.js';

export const HEALTH_SERVICE = 'grpc.health.v1.Health';
/** Health entry that is NOT_SERVING while the newest commit failed to load. */
export const RELOAD_HEALTH_NAME = 'mcpo.reload';
export const COMMIT_HEADER = 'x-mcpo-commit';
export const RELOAD_ERROR_HEADER = 'x-mcpo-reload-error';

export interface ServeOptions {
  /** Local repository path or git URL. */
  repo: string;
  /** Branch to follow (default: the current branch, or the remote's default branch). */
  branch?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 50051; 0 picks a free port. */
  port?: number;
  /** How often to look for a new commit (default 1 s local, 30 s URL). */
  pollIntervalMs?: number;
  logLevel?: LogLevel;
  logger?: Logger;
  /** PEM files for TLS; both or neither. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** One bearer token per line. */
  authTokenFile?: string;
  /** Bearer tokens given directly (tests, embedding). */
  authTokens?: readonly string[];
  /** Where URL clones are cached. */
  cacheDir?: string;
  /** Cluster access for McpServer calls (src/cluster); UNAVAILABLE without. */
  cluster?: ClusterReader;
  /** How many snapshots page tokens can continue on (default 8). */
  retain?: number;
  /** How long shutdown waits for calls in flight before cancelling them (default 5 s). */
  shutdownGraceMs?: number;
  /**
   * Compiled model-build worker script; default: the one next to the server
   * module when present (compiled builds), `null` to validate in-process.
   */
  buildWorker?: string | null;
}

export interface ServerState {
  /** Commit served now, if any. */
  sha: string | undefined;
  commitTime: number | undefined;
  /** When it was loaded (ms since epoch). */
  loadedAt: number | undefined;
  /** SHAs page tokens may continue on, oldest first. */
  retained: string[];
  /** The newest commit seen on the branch. */
  head: string | undefined;
  /** Set while the newest commit failed to load. */
  reloadError: { sha: string; at: number; diagnostics: readonly Diagnostic[] } | undefined;
  counts: { templates: number; presets: number; namespaces: number; secrets: number } | undefined;
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  /** The repository commits are read from (the clone for a URL). */
  readonly repoDir: string;
  current(): ServerState;
  /** Resolves once `sha` has been loaded or has failed (or rejects after timeoutMs). */
  waitForCommit(sha: string, timeoutMs?: number): Promise<ServerState>;
  /** Graceful stop: health NOT_SERVING, tryShutdown, forceShutdown after the grace period. */
  stop(graceMs?: number): Promise<void>;
}

/** Loader file names → the names clients import (spec files by their base name). */
function descriptorPool(): { pool: DescriptorPool; services: string[] } {
  const pool = new DescriptorPool();
  const spec = specDir();
  pool.addRoot(loadSpec(), (file) => relative(spec, file).split(sep).join('/'));
  const health = new protobuf.Root();
  health.loadSync(healthProtoPath, { keepCase: true });
  pool.addRoot(health, () => 'grpc/health/v1/health.proto');
  for (const { pkg, file } of REFLECTION_VERSIONS) pool.addRoot(loadReflectionRoot(pkg, file), () => file);
  return { pool, services: [SERVICE_NAME, HEALTH_SERVICE, ...REFLECTION_VERSIONS.map((v) => `${v.pkg}.ServerReflection`)] };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

/** Starts the server; resolves once it listens and the first commit has been tried. */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const log = opts.logger ?? createLogger(opts.logLevel ?? 'info');
  const host = opts.host ?? '127.0.0.1';
  const store = new SnapshotStore(opts.retain ?? 8);
  const follower = new RepoFollower({ source: opts.repo, branch: opts.branch, pollIntervalMs: opts.pollIntervalMs, cacheDir: opts.cacheDir });

  let auth: BearerAuth | undefined;
  if (opts.authTokenFile) auth = BearerAuth.fromFile(opts.authTokenFile);
  else if (opts.authTokens && opts.authTokens.length > 0) auth = new BearerAuth(opts.authTokens);

  if ((opts.tlsCertFile === undefined) !== (opts.tlsKeyFile === undefined)) {
    throw new ServeError('usage', '--tls-cert and --tls-key go together');
  }
  const credentials = opts.tlsCertFile
    ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: readFileSync(opts.tlsCertFile), private_key: readFileSync(opts.tlsKeyFile!) }], false)
    : grpc.ServerCredentials.createInsecure();

  const repoDir = await follower.prepare();
  const builder = new ModelBuilder(opts.buildWorker === undefined ? defaultWorkerScript() : opts.buildWorker);
  log.info('following repository', { repo: follower.description, ref: follower.followedRef, dir: repoDir, buildThread: builder.threaded });

  // ---- health ----
  const health = new HealthImplementation({ '': 'NOT_SERVING', [SERVICE_NAME]: 'NOT_SERVING', [RELOAD_HEALTH_NAME]: 'NOT_SERVING' });
  let stopping = false;
  const updateHealth = (): void => {
    const serving = !stopping && store.current() !== undefined ? 'SERVING' : 'NOT_SERVING';
    health.setStatus('', serving);
    health.setStatus(SERVICE_NAME, serving);
    health.setStatus(RELOAD_HEALTH_NAME, !stopping && store.current() && !store.failure() ? 'SERVING' : 'NOT_SERVING');
  };

  // ---- reloads: one at a time, the newest pending commit next ----
  let head: string | undefined;
  let pending: string | undefined;
  let building: Promise<void> | undefined;
  const waiters = new Set<() => void>();
  const settled = (): void => {
    for (const w of [...waiters]) w();
  };

  const loadOne = async (sha: string): Promise<void> => {
    const current = store.current();
    if (current?.sha === sha) {
      store.swap(current); // back on a good commit: clears a failure
      return;
    }
    const started = performance.now();
    let diagnostics: readonly Diagnostic[];
    try {
      const result = await buildSnapshot(repoDir, sha, current?.times, builder);
      if (result.ok) {
        const s = result.snapshot;
        store.swap(s);
        log.info('loaded commit', {
          commit: sha,
          ms: Math.round(performance.now() - started),
          templates: s.templates.length,
          presets: s.presets.length,
          namespaces: s.namespaces.length,
          secrets: s.secrets.length,
          warnings: s.warnings.length,
        });
        return;
      }
      diagnostics = result.diagnostics;
    } catch (err) {
      diagnostics = [{ code: 'internal', severity: 'error', message: `cannot load commit: ${err instanceof Error ? err.message : String(err)}` }];
    }
    store.fail({ sha, at: Date.now(), diagnostics });
    log.error('commit failed to load; still serving the last good commit', {
      commit: sha,
      serving: store.current()?.sha ?? null,
      errors: diagnostics.length,
      diagnostics: diagnostics.slice(0, 50).map(formatDiagnostic),
    });
  };

  const reload = (sha: string): Promise<void> => {
    head = sha;
    pending = sha;
    if (!building) {
      building = (async () => {
        while (pending !== undefined) {
          const next = pending;
          pending = undefined;
          await loadOne(next);
          updateHealth();
          settled();
        }
      })().finally(() => {
        building = undefined;
      });
    }
    return building;
  };

  // ---- calls ----
  const metadataFor = (sha: string | undefined): grpc.Metadata => {
    const md = new grpc.Metadata();
    const commit = sha ?? store.current()?.sha;
    if (commit) md.set(COMMIT_HEADER, commit);
    const failure = store.failure();
    if (failure) {
      const first = failure.diagnostics[0];
      const text = `${failure.sha}: ${failure.diagnostics.length} error(s)${first ? `; first: ${firstLine(formatDiagnostic(first))}` : ''}`;
      md.set(RELOAD_ERROR_HEADER, asciiHeader(text));
    }
    return md;
  };

  const unauthenticated = (): ServeError =>
    new ServeError('unauthenticated', 'missing or invalid bearer token: send the metadata "authorization: Bearer <token>"');

  const handlers: Handlers = {
    ...templateHandlers,
    ...presetHandlers,
    ...namespaceHandlers,
    ...secretHandlers,
    ...mcpServerHandlers(opts.cluster),
  };
  const service = loadSpec().lookupService(SERVICE_NAME);
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of service.methodsArray) {
    const handler = handlers[method.name];
    const name = method.name;
    implementation[name] = async (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const started = performance.now();
      const ctx = new CallContext(store);
      try {
        if (auth && !auth.check(call.metadata)) throw unauthenticated();
        if (!handler) throw new ServeError('unimplemented', `${name} is not implemented by this server`);
        const response = await (handler as (req: unknown, ctx: CallContext) => unknown)(call.request, ctx);
        call.sendMetadata(metadataFor(ctx.sha));
        callback(null, response);
        if (log.enabled('debug')) log.debug('call', { method: name, code: 'OK', ms: round(started), commit: ctx.sha, peer: call.getPeer() });
      } catch (err) {
        const status = toStatus(err);
        call.sendMetadata(metadataFor(ctx.sha));
        callback(status);
        const fields = { method: name, code: grpc.status[status.code], details: status.details, ms: round(started), peer: call.getPeer() };
        if (status.code === grpc.status.INTERNAL || status.code === grpc.status.UNKNOWN) {
          log.error('call failed', { ...fields, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
        } else {
          log.debug('call', fields);
        }
      }
    };
  }

  const server = new grpc.Server({
    'grpc.max_receive_message_length': 4 * 1024 * 1024,
    'grpc.keepalive_permit_without_calls': 1,
  });
  server.addService(protoServiceDefinition(service), implementation);
  health.addToServer(server);
  const { pool, services } = descriptorPool();
  addReflection(server, pool, services, (call) => (auth && !auth.check(call.metadata) ? toServiceError(unauthenticated()) : undefined));

  // First commit before listening, so a started server answers from it.
  try {
    const sha = await follower.head();
    await reload(sha);
  } catch (err) {
    log.error('cannot read the followed branch', { error: err instanceof Error ? err.message : String(err) });
  }
  updateHealth();

  if (!isLoopback(host) && !auth) {
    log.warn('listening on a non-loopback address without authentication: anyone who can reach it can read the declarations; pass --auth-token-file', { host });
  }
  let port: number;
  try {
    port = await new Promise<number>((resolvePort, reject) => {
      const address = isIP(host) === 6 ? `[${host}]:${opts.port ?? 50051}` : `${host}:${opts.port ?? 50051}`;
      server.bindAsync(address, credentials, (err, bound) => (err ? reject(err) : resolvePort(bound)));
    });
  } catch (err) {
    await builder.close();
    server.forceShutdown();
    throw err;
  }
  log.info('listening', { host, port, tls: Boolean(opts.tlsCertFile), auth: Boolean(auth), commit: store.current()?.sha ?? null });

  follower.start(
    (sha) => {
      log.debug('new commit on the followed branch', { commit: sha });
      void reload(sha);
    },
    (err) => log.warn('cannot check the followed branch', { error: err.message }),
    head,
  );

  const state = (): ServerState => {
    const s: Snapshot | undefined = store.current();
    const failure = store.failure();
    return {
      sha: s?.sha,
      commitTime: s?.commitTime,
      loadedAt: s?.loadedAt,
      retained: store.retainedShas(),
      head,
      reloadError: failure ? { sha: failure.sha, at: failure.at, diagnostics: failure.diagnostics } : undefined,
      counts: s ? { templates: s.templates.length, presets: s.presets.length, namespaces: s.namespaces.length, secrets: s.secrets.length } : undefined,
    };
  };

  let stopped: Promise<void> | undefined;
  return {
    host,
    port,
    repoDir,
    current: state,
    waitForCommit(sha: string, timeoutMs = 10_000): Promise<ServerState> {
      const done = (): boolean => {
        const st = state();
        return st.sha === sha || st.reloadError?.sha === sha;
      };
      if (done()) return Promise.resolve(state());
      return new Promise((resolveWait, reject) => {
        const check = (): void => {
          if (!done()) return;
          cleanup();
          resolveWait(state());
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`commit ${sha} not loaded within ${timeoutMs} ms (serving ${state().sha ?? 'nothing'})`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(poll);
        };
        const poll = (): void => {
          setImmediate(check);
        };
        waiters.add(poll);
      });
    },
    stop(graceMs = opts.shutdownGraceMs ?? 5000): Promise<void> {
      stopped ??= (async () => {
        stopping = true;
        follower.stop();
        updateHealth();
        await new Promise<void>((resolveStop) => {
          const force = setTimeout(() => {
            log.warn('calls still running after the grace period: cancelling them', { graceMs });
            server.forceShutdown();
            resolveStop();
          }, graceMs);
          server.tryShutdown(() => {
            clearTimeout(force);
            resolveStop();
          });
        });
        if (building) await building.catch(() => undefined);
        await builder.close();
        log.info('stopped');
      })();
      return stopped;
    },
  };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\./.test(h) || h === '::ffff:127.0.0.1';
}

function round(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function toServiceError(err: ServeError): grpc.ServiceError {
  const status = toStatus(err);
  return Object.assign(new Error(status.details), { code: status.code, details: status.details, metadata: status.metadata ?? new grpc.Metadata() });
}
