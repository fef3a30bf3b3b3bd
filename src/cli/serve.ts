/** `mcpo serve`: the read-only gRPC query server, and its HTTP/JSON face with --http-port (src/serve/server.ts). */
import { type Command, InvalidArgumentError, Option } from 'commander';
// The server, grpc-js and client-node load only when `serve` runs: the other commands do not pay for them.
import type { PodInformer } from '../cluster/pod-informer.js';
import { createLogger, isLogLevel, LOG_LEVELS, type Logger, type LogLevel } from '../serve/log.js';
import type { RunningServer } from '../serve/server.js';
import { action } from './command.js';
import { EXIT_OK } from './exit-codes.js';
import { McpoError, errorMessage } from '../core/errors.js';

/** "500ms", "1s", "2m", or a number of seconds → milliseconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected a duration like 500ms, 1s or 2m');
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
  if (ms < 50) throw new InvalidArgumentError('must be at least 50ms');
  return Math.round(ms);
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number (0-65535; 0 picks a free one)');
  return n;
}

/** An origin as browsers send it: scheme://host[:port], nothing after. */
function parseOrigin(value: string, previous: string[]): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an origin like https://ui.example.com');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== value) {
    throw new InvalidArgumentError(`expected an origin like https://ui.example.com (scheme, host and port only; did you mean ${url.origin}?)`);
  }
  return [...previous, value];
}

function parseLogLevel(value: string): LogLevel {
  if (!isLogLevel(value)) throw new InvalidArgumentError(`expected one of ${LOG_LEVELS.join(', ')}`);
  return value;
}

interface ServeCliOptions {
  repo: string;
  branch?: string;
  port: number;
  host: string;
  httpPort?: number;
  httpHost?: string;
  corsOrigin: string[];
  pollInterval?: number;
  logLevel: LogLevel;
  tlsCert?: string;
  tlsKey?: string;
  authTokenFile?: string;
  keepSnapshots: number;
  cacheDir?: string;
  fetchTimeout: number;
  gitTokenFile?: string;
  gitCredentialsDir?: string;
  gitUsername?: string;
  gitSshKeyFile?: string;
  gitKnownHostsFile?: string;
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  maxConcurrentStreams?: number;
  idleTimeout?: number;
}

/**
 * The pod informer for McpServer calls, when a cluster is configured. It
 * starts in the background: the server never waits for the cluster.
 */
async function clusterReader(opts: ServeCliOptions, log: Logger): Promise<PodInformer | undefined> {
  const options = { kubeconfig: opts.kubeconfig, context: opts.context, inCluster: opts.inCluster };
  const noCluster = (why: string): undefined => {
    if (opts.kubeconfig || opts.context || opts.inCluster) throw new McpoError('usage', why);
    log.info('no cluster configured: McpServer calls answer UNAVAILABLE', { why });
    return undefined;
  };
  // Decided before the Kubernetes client is loaded: without a cluster it never is (it weighs tens of MiB of heap).
  const { clusterSource } = await import('../cluster/cluster-source.js');
  const source = clusterSource(options);
  if ('why' in source) return noCluster(source.why);
  const { loadClusterConfig } = await import('../cluster/kubeconfig.js');
  const { PodInformer } = await import('../cluster/pod-informer.js');
  const config = loadClusterConfig(options);
  if (!config.kubeConfig) return noCluster(config.why);
  const informer = new PodInformer(config.kubeConfig, config.describe, {
    onStateChange: (state, detail) =>
      state === 'synced'
        ? log.info('watching MCP server pods', { cluster: config.describe })
        : log.warn('cannot watch MCP server pods; retrying', { cluster: config.describe, error: detail }),
  });
  void informer.start();
  return informer;
}

/** Resolves on the first SIGTERM or SIGINT (caught from the start, so a signal during start-up still stops cleanly). */
function untilSignal(): { signal: Promise<NodeJS.Signals>; dispose: () => void } {
  let on: (signal: NodeJS.Signals) => void = () => undefined;
  const dispose = (): void => {
    process.off('SIGTERM', on);
    process.off('SIGINT', on);
  };
  const signal = new Promise<NodeJS.Signals>((resolveSignal) => {
    on = (s) => {
      dispose();
      resolveSignal(s);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
  return { signal, dispose };
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the declarations of a repository over gRPC, read only (mcp.orchestrator.v1.McpOrchestratorService, health, reflection), ' +
        'and with --http-port the same API as HTTP/JSON (the google.api.http routes of spec/service.proto, /openapi.json, /docs, /healthz, /readyz); ' +
        'follows new commits of the branch and keeps serving the last good commit when a new one is invalid',
    )
    .addOption(
      new Option(
        '--repo <path-or-url>',
        'config repository: a local path (its commits are read in place; uncommitted files are not served) or a git URL (cloned into the cache and fetched)',
      )
        .default('.')
        .env('MCPO_REPO'),
    )
    .addOption(new Option('--branch <branch>', 'branch to follow (default: the current branch, or the remote default branch)').env('MCPO_BRANCH'))
    .addOption(new Option('--port <port>', 'port to listen on (0 picks a free one)').default(50051).argParser(parsePort))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(
      new Option(
        '--http-port <port>',
        'also serve HTTP/JSON on this port (0 picks a free one): GET /v1/templates, /v1/namespaces/NS/templates/NAME, ... as in spec/service.proto; ' +
          'errors as google.rpc.Status JSON; same auth and TLS as gRPC',
      ).argParser(parsePort),
    )
    .option('--http-host <host>', 'address of the HTTP port (default: --host)')
    .addOption(
      new Option('--cors-origin <origin>', 'allow browser pages from this origin to call the HTTP API (repeatable; default: CORS off)')
        .default([], 'none')
        .argParser(parseOrigin),
    )
    .addOption(
      new Option('--poll-interval <duration>', 'how often to look for a new commit (default: 1s for a path, 30s for a URL)')
        .env('MCPO_POLL_INTERVAL')
        .argParser(parseDuration),
    )
    .addOption(
      new Option('--log-level <level>', `${LOG_LEVELS.join(' | ')}; JSON lines on stderr`).default('info').env('MCPO_LOG_LEVEL').argParser(parseLogLevel),
    )
    .option('--tls-cert <file>', 'PEM certificate chain; serve TLS (with --tls-key), gRPC and HTTPS')
    .option('--tls-key <file>', 'PEM private key (with --tls-cert)')
    .addOption(
      new Option(
        '--auth-token-file <file>',
        'require "authorization: Bearer <token>" with one of the tokens in this file (one per line, # comments), over gRPC and HTTP; callers without one get UNAUTHENTICATED (HTTP 401) and nothing else; health, /healthz and /readyz stay open',
      ).env('MCPO_AUTH_TOKEN_FILE'),
    )
    .addOption(
      new Option('--keep-snapshots <n>', 'how many commits page tokens can continue on').default(8).argParser((v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
        return n;
      }),
    )
    .option(
      '--kubeconfig <file>',
      'kubeconfig of the cluster whose MCP server pods GetMcpServer/ListMcpServers report (default: $KUBECONFIG, ~/.kube/config, or in-cluster)',
    )
    .option('--context <name>', 'kubeconfig context to use')
    .option('--in-cluster', "use the pod's service account (needs get/list/watch on pods: docs/rbac.yaml)")
    .addOption(
      new Option('--max-concurrent-streams <n>', 'calls one connection may have open at once (advertised to clients, which queue the rest)')
        .default(100)
        .argParser((v) => {
          const n = Number(v);
          if (!Number.isInteger(n) || n < 1 || n > 2 ** 31 - 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
          return n;
        }),
    )
    .addOption(
      new Option('--idle-timeout <duration>', 'close a connection that has had no call for this long').default(5 * 60_000, '5m').argParser(parseDuration),
    )
    .option('--cache-dir <dir>', 'where URL clones live (default: ${MCPO_CACHE_DIR:-~/.cache/mcp-orchestrator}/repos)')
    .addOption(
      new Option(
        '--fetch-timeout <duration>',
        'kill a fetch of a URL repository that runs longer (a first clone gets five times this); the last good commit keeps being served',
      )
        .default(120_000, '2m')
        .env('MCPO_FETCH_TIMEOUT')
        .argParser(parseDuration),
    )
    .addOption(
      new Option(
        '--git-token-file <file>',
        'HTTPS token for the repository URL, read from this file by a git credential helper on every fetch (a rotated Secret is picked up); never on a command line or in a log',
      ).env('MCPO_GIT_TOKEN_FILE'),
    )
    .addOption(
      new Option(
        '--git-credentials-dir <dir>',
        'a mounted Secret: token (or username + password) for an https:// URL, ssh-privatekey + known_hosts for SSH; looked at on every fetch',
      ).env('MCPO_GIT_CREDENTIALS_DIR'),
    )
    .addOption(
      new Option('--git-username <name>', 'user name sent with the token (default x-access-token, which GitHub and GitLab take; Bitbucket: x-token-auth)').env(
        'MCPO_GIT_USERNAME',
      ),
    )
    .addOption(new Option('--git-ssh-key-file <file>', 'SSH private key for an ssh:// or git@host: repository').env('MCPO_GIT_SSH_KEY_FILE'))
    .addOption(new Option('--git-known-hosts-file <file>', "known_hosts with the SSH server's host key (checked strictly)").env('MCPO_GIT_KNOWN_HOSTS_FILE'))
    .action(
      action(async (opts: ServeCliOptions) => {
        if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) throw new McpoError('usage', '--tls-cert and --tls-key go together');
        const { signal, dispose } = untilSignal();
        const logger = createLogger(opts.logLevel);
        let cluster: PodInformer | undefined;
        let server: RunningServer;
        try {
          cluster = await clusterReader(opts, logger);
          const { startServer } = await import('../serve/server.js');
          server = await startServer({
            logger,
            cluster,
            repo: opts.repo,
            branch: opts.branch,
            host: opts.host,
            port: opts.port,
            httpPort: opts.httpPort,
            httpHost: opts.httpHost,
            corsOrigins: opts.corsOrigin,
            pollIntervalMs: opts.pollInterval,
            logLevel: opts.logLevel,
            tlsCertFile: opts.tlsCert,
            tlsKeyFile: opts.tlsKey,
            authTokenFile: opts.authTokenFile,
            retain: opts.keepSnapshots,
            cacheDir: opts.cacheDir,
            fetchTimeoutMs: opts.fetchTimeout,
            gitCredentials: {
              dir: opts.gitCredentialsDir,
              tokenFile: opts.gitTokenFile,
              username: opts.gitUsername,
              sshKeyFile: opts.gitSshKeyFile,
              knownHostsFile: opts.gitKnownHostsFile,
            },
            limits: { maxConcurrentStreams: opts.maxConcurrentStreams, idleTimeoutMs: opts.idleTimeout },
          });
        } catch (err) {
          dispose();
          await cluster?.stop();
          if (err instanceof McpoError) throw err;
          throw new McpoError('unavailable', `cannot start the server: ${errorMessage(err)}`, { cause: err });
        }
        await signal;
        await server.stop();
        await cluster?.stop();
        return EXIT_OK;
      }),
    );
}
