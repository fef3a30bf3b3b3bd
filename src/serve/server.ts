/**
 * `mcpo serve`: the read-only gRPC query server. This module composes the
 * parts: follower (src/source/follow.ts) → reloader (reloader.ts) → snapshot
 * store (snapshot.ts) ← handlers, behind one interceptor (interceptor.ts:
 * auth, response metadata, call log), with health (health.ts) and the grpc-js
 * server's limits and lifecycle (lifecycle.ts).
 *
 * Follows a repository (local path or URL), loads each new commit of the
 * branch into an immutable snapshot off to the side, and swaps it in when it
 * validates; a commit that fails keeps the last good snapshot and is
 * reported. Serves mcp.orchestrator.v1.McpOrchestratorService from spec/,
 * grpc.health.v1 and server reflection (v1 + v1alpha).
 *
 * What operators see:
 * - every orchestrator answer's initial metadata (authenticated callers
 *   only): `x-mcpo-commit` (the commit the answer came from) and, while the
 *   newest commit of the branch failed to load, `x-mcpo-reload-error`
 *   ("<sha>: N error(s); first: file:line:col: ..."), and while the branch
 *   cannot be read (a failed fetch, a rejected credential),
 *   `x-mcpo-source-error` (why);
 * - health: "" and the service name are SERVING once a commit is loaded
 *   (NOT_SERVING before, and while shutting down); "mcpo.reload" is
 *   NOT_SERVING while the newest commit failed to load or the followed
 *   branch cannot be read, SERVING otherwise;
 * - logs (JSON lines on stderr): each reload at info, each failed reload at
 *   error with its diagnostics, the branch becoming unreadable/readable
 *   again at warn/info, each call at debug, server errors at error.
 */
import { constants as perfConstants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import protobuf from 'protobufjs';
import type { Diagnostic } from '../core/diagnostic.js';
import { type GitCredentials, RepoFollower } from '../source/follow.js';
import { importName, loadSpec, SERVICE_NAME, specDir } from '../spec/proto.js';
import { BearerAuth } from './auth.js';
import type { Handlers } from './_context.js';
import { DescriptorPool } from './descriptors.js';
import { HEALTH_SERVICE, RELOAD_HEALTH_NAME, ServeHealth, SourceWatch } from './health.js';
import { COMMIT_HEADER, createInterceptor, RELOAD_ERROR_HEADER, unaryImplementation } from './interceptor.js';
import { createGrpcServer, isLoopback, listen, type ServerLimits, serverCredentials, shutdown } from './lifecycle.js';
import { createLogger, type Logger, type LogLevel } from './log.js';
import { type ClusterReader, mcpServerHandlers } from './mcp-servers.js';
import { defaultWorkerScript, ModelBuilder } from './model-builder.js';
import { namespaceHandlers } from './namespaces.js';
import { presetHandlers } from './presets.js';
import { addReflection, loadReflectionRoot, REFLECTION_VERSIONS } from './reflection.js';
import { OnDemandLoader } from './on-demand.js';
import { Reloader, type RetryPolicy } from './reloader.js';
import { secretHandlers } from './secrets.js';
import { servingStatusHandlers } from './serving-status.js';
import { protoServiceDefinition } from './service.js';
import type { PageCacheLimits } from './page-cache.js';
import { type Snapshot, SnapshotStore } from './snapshot.js';
import { templateHandlers } from './templates.js';
import { type HttpLimits, type RunningGateway, startGateway } from './http/gateway.js';
import { buildRoutes } from './http/routes.js';

export { COMMIT_HEADER, HEALTH_SERVICE, isLoopback, RELOAD_ERROR_HEADER, RELOAD_HEALTH_NAME };
export type { HttpLimits, ServerLimits };

export interface ServeOptions {
  /** Local repository path or git URL. */
  repo: string;
  /** Branch to follow (default: the current branch, or the remote's default branch). */
  branch?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 50051; 0 picks a free port. */
  port?: number;
  /** Serve HTTP/JSON (http/gateway.ts) on this port too; 0 picks a free one; undefined: no HTTP. */
  httpPort?: number;
  /** Address of the HTTP face (default: `host`). */
  httpHost?: string;
  /** Origins allowed by CORS on the HTTP face (exact match); none: CORS off. */
  corsOrigins?: readonly string[];
  /** Limits of the HTTP face (http/gateway.ts). */
  httpLimits?: Partial<HttpLimits>;
  /** The OpenAPI document served at /openapi.json (default: openapi/openapi.yaml of this package). */
  openapiFile?: string;
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
  /** How a URL repository is authenticated to (token file, SSH key and known_hosts). */
  gitCredentials?: GitCredentials;
  /** A clone or fetch running longer is killed (default 2 min; a first clone gets five times this). */
  fetchTimeoutMs?: number;
  /** Cluster access for McpServer calls (src/cluster); UNAVAILABLE without. */
  cluster?: ClusterReader;
  /** How many snapshots page tokens can continue on (default 8). */
  retain?: number;
  /** Bounds of the list answers kept for the retained snapshots (page-cache.ts). */
  pageCache?: Partial<PageCacheLimits>;
  /** How long shutdown waits for calls in flight before cancelling them (default 5 s). */
  shutdownGraceMs?: number;
  /** Per-connection limits of the gRPC server (lifecycle.ts). */
  limits?: Partial<ServerLimits>;
  /** Waits before a commit that could not be read is tried again (reloader.ts). */
  retry?: Partial<RetryPolicy>;
  /** First repeat of the "cannot read the followed branch" log (default 1 min, doubling). */
  sourceLogIntervalMs?: number;
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
  /** List answers and selections kept (page-cache.ts), and the items they reference. */
  cachedAnswers: { entries: number; items: number };
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  /** The HTTP face, when httpPort was given. */
  readonly http: { readonly host: string; readonly port: number } | undefined;
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
  pool.addRoot(loadSpec(), (file) => importName(file, spec));
  const health = new protobuf.Root();
  health.loadSync(healthProtoPath, { keepCase: true });
  pool.addRoot(health, () => 'grpc/health/v1/health.proto');
  for (const { pkg, file } of REFLECTION_VERSIONS) pool.addRoot(loadReflectionRoot(pkg, file), () => file);
  return { pool, services: [SERVICE_NAME, HEALTH_SERVICE, ...REFLECTION_VERSIONS.map((v) => `${v.pkg}.ServerReflection`)] };
}

/**
 * How much garbage V8 lets the old generation gather past what is live, in
 * MiB: a budget in MiB, not a multiple of the live heap. Under load grpc-js
 * promotes a steady trickle of short-lived call objects; every full GC that
 * trickle triggers costs Get about a fifth of its throughput at 10,000
 * templates, so the old generation should grow far before one, but a
 * growth proportional to the live heap (V8's own, up to 4×) held 489 MiB of
 * RSS when the live heap was 50 MiB. With this budget the growth percent
 * (`--heap-growing-percent`, read by V8 at every full GC) is set after each
 * full GC to budget ÷ live, within 100–300 %: a 25 MiB live heap (10,000
 * templates, no cluster) may grow 250 %, a larger one proportionally less.
 * An operator's own --heap-growing-percent wins.
 */
export const OLD_GENERATION_BUDGET_MIB = 64;
const GROWING_PERCENT_RANGE = [100, 300] as const;

/** The growth percent for a live heap of `liveBytes`: the budget over it, within the range. */
export function heapGrowingPercent(liveBytes: number): number {
  const [min, max] = GROWING_PERCENT_RANGE;
  const percent = Math.round(((OLD_GENERATION_BUDGET_MIB * 1024 * 1024) / Math.max(1, liveBytes)) * 100);
  return Math.min(max, Math.max(min, percent));
}

let heapTuned = false;

function tuneHeap(log: Logger): void {
  if (heapTuned) return;
  heapTuned = true;
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => /heap[-_]growing[-_]percent/.test(a));
  if (given) return;
  let current = 0;
  const retune = (): void => {
    const live = getHeapStatistics().used_heap_size;
    const percent = heapGrowingPercent(live);
    if (percent === current) return;
    current = percent;
    setFlagsFromString(`--heap-growing-percent=${percent}`);
    log.debug('old-generation growth set', { heapGrowingPercent: percent, liveMiB: Math.round(live / 1048576) });
  };
  retune();
  // After a full GC the used heap is what is live; the next full GC grows from it.
  new PerformanceObserver((entries) => {
    if (entries.getEntries().some((e) => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR))
      retune();
  }).observe({ entryTypes: ['gc'] });
}

/** Starts the server; resolves once it listens and the first commit has been tried. */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const log = opts.logger ?? createLogger(opts.logLevel ?? 'info');
  tuneHeap(log);
  const host = opts.host ?? '127.0.0.1';
  const auth = opts.authTokenFile ? BearerAuth.fromFile(opts.authTokenFile) : opts.authTokens?.length ? new BearerAuth(opts.authTokens) : undefined;
  const credentials = serverCredentials(opts.tlsCertFile, opts.tlsKeyFile);
  const store = new SnapshotStore(opts.retain ?? 8, opts.pageCache);
  const follower = new RepoFollower({
    source: opts.repo,
    branch: opts.branch,
    pollIntervalMs: opts.pollIntervalMs,
    cacheDir: opts.cacheDir,
    fetchTimeoutMs: opts.fetchTimeoutMs,
    credentials: opts.gitCredentials,
  });
  const repoDir = await follower.prepare();
  const builder = new ModelBuilder(opts.buildWorker === undefined ? defaultWorkerScript() : opts.buildWorker);
  const c = opts.gitCredentials;
  log.info('following repository', {
    repo: follower.description,
    ref: follower.followedRef,
    dir: repoDir,
    buildThread: builder.threaded,
    // Which files, never what is in them.
    ...(c?.dir && { gitCredentialsDir: c.dir }),
    ...(c?.tokenFile && { gitTokenFile: c.tokenFile, gitUsername: c.username || 'x-access-token' }),
    ...(c?.sshKeyFile && { gitSshKeyFile: c.sshKeyFile }),
    ...(c?.knownHostsFile && { gitKnownHostsFile: c.knownHostsFile }),
  });
  const url = URL.canParse(opts.repo) ? new URL(opts.repo) : undefined;
  if ((c?.tokenFile || c?.dir) && url?.protocol === 'http:' && !isLoopback(url.hostname)) {
    log.warn('the repository URL is http://, not https://: a token would cross the network in the clear', { repo: follower.description });
  }

  let stopping = false;
  const health = new ServeHealth(SERVICE_NAME);
  const source = new SourceWatch({ log, logIntervalMs: opts.sourceLogIntervalMs, onChange: () => updateHealth(), serving: () => store.current()?.sha });
  const waiters = new Set<() => void>();
  const updateHealth = (): void => {
    store.sourceError = source.reason;
    health.update({ stopping, loaded: store.current() !== undefined, reloadFailed: store.failure() !== undefined, sourceFailing: source.failing });
  };
  const reloader = new Reloader({
    repoDir,
    store,
    builder,
    log,
    retry: opts.retry,
    onSettled: () => {
      updateHealth();
      for (const w of [...waiters]) w();
    },
  });

  // Page tokens of other replicas: their commits load on demand, with a builder of their own.
  const tokenBuilder = new ModelBuilder(opts.buildWorker === undefined ? defaultWorkerScript() : opts.buildWorker);
  const onDemand = new OnDemandLoader({ store, builder: tokenBuilder, repoDir, reachable: (sha) => follower.reachable(sha), log });
  store.loadMissing = (sha) => onDemand.load(sha);

  const handlers: Handlers = {
    ...templateHandlers,
    ...presetHandlers,
    ...namespaceHandlers,
    ...secretHandlers,
    ...mcpServerHandlers(opts.cluster),
    ...servingStatusHandlers,
  };
  const service = loadSpec().lookupService(SERVICE_NAME);
  const server = createGrpcServer(opts.limits, [createInterceptor({ store, log, auth, serviceName: SERVICE_NAME })]);
  server.addService(
    protoServiceDefinition(service),
    unaryImplementation(
      service.methodsArray.map((m) => m.name),
      handlers,
    ),
  );
  health.addToServer(server);
  const { pool, services } = descriptorPool();
  addReflection(server, pool, services);

  // First commit before listening, so a started server answers from it.
  try {
    await reloader.offer(await follower.head());
  } catch (err) {
    source.failed(err instanceof Error ? err : new Error(String(err)));
  }
  updateHealth();

  if (!isLoopback(host) && !auth) {
    log.warn('listening on a non-loopback address without authentication: anyone who can reach it can read the declarations; pass --auth-token-file', { host });
  }
  let port: number;
  let gateway: RunningGateway | undefined;
  try {
    port = await listen(server, host, opts.port ?? 50051, credentials);
    if (opts.httpPort !== undefined) {
      gateway = await startGateway({
        host: opts.httpHost ?? host,
        port: opts.httpPort,
        routes: buildRoutes(service),
        handlers,
        store,
        log,
        serviceName: SERVICE_NAME,
        auth,
        tls: opts.tlsCertFile && opts.tlsKeyFile ? { certFile: opts.tlsCertFile, keyFile: opts.tlsKeyFile } : undefined,
        corsOrigins: opts.corsOrigins,
        limits: opts.httpLimits,
        ready: () => health.ready,
        openapiFile: opts.openapiFile,
      });
      if (!isLoopback(gateway.host) && !auth) {
        log.warn('HTTP on a non-loopback address without authentication: anyone who can reach it can read the declarations; pass --auth-token-file', {
          host: gateway.host,
        });
      }
    }
  } catch (err) {
    onDemand.stop();
    await reloader.stop();
    await Promise.all([builder.close(), tokenBuilder.close()]);
    server.forceShutdown();
    throw err;
  }
  const http = gateway ? { host: gateway.host, port: gateway.port } : undefined;
  log.info('listening', {
    host,
    port,
    tls: Boolean(opts.tlsCertFile),
    auth: Boolean(auth),
    commit: store.current()?.sha ?? null,
    ...(http ? { httpHost: http.host, httpPort: http.port } : {}),
  });

  follower.start(
    (sha) => {
      log.debug('new commit on the followed branch', { commit: sha });
      void reloader.offer(sha);
    },
    (err) => source.failed(err),
    reloader.head,
    () => source.readable(),
  );

  const state = (): ServerState => stateOf(store, reloader.head);

  let stopped: Promise<void> | undefined;
  return {
    host,
    port,
    http,
    repoDir,
    current: state,
    waitForCommit: (sha, timeoutMs) => waitFor(state, waiters, sha, timeoutMs),
    stop(graceMs = opts.shutdownGraceMs ?? 5000): Promise<void> {
      stopped ??= (async () => {
        stopping = true;
        follower.stop();
        updateHealth();
        await Promise.all([shutdown(server, graceMs, log), gateway?.stop(graceMs)]);
        onDemand.stop();
        await reloader.stop();
        await Promise.all([builder.close(), tokenBuilder.close()]);
        log.info('stopped');
      })();
      return stopped;
    },
  };
}

function stateOf(store: SnapshotStore, head: string | undefined): ServerState {
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
    cachedAnswers: { entries: store.pages.size.entries, items: store.pages.size.items },
  };
}

/** Resolves once `sha` has loaded or failed (checked after each settled reload). */
function waitFor(state: () => ServerState, waiters: Set<() => void>, sha: string, timeoutMs = 10_000): Promise<ServerState> {
  const done = (): boolean => {
    const st = state();
    return st.sha === sha || st.reloadError?.sha === sha;
  };
  if (done()) return Promise.resolve(state());
  return new Promise((resolveWait, reject) => {
    const poll = (): void => {
      setImmediate(() => {
        if (!done()) return;
        cleanup();
        resolveWait(state());
      });
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`commit ${sha} not loaded within ${timeoutMs} ms (serving ${state().sha ?? 'nothing'})`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      waiters.delete(poll);
    };
    waiters.add(poll);
  });
}
