/**
 * Shared bits of the bridge's end-to-end tests: the rendered main container of a stdio
 * template run on this machine, as the kubelet would run it, and the official MCP
 * TypeScript SDK client talking to it over Streamable HTTP.
 *
 * From a container spec (command, args, env; renderedContainer gives the renderer's) to a
 * running bridge:
 *   - `/mcpo/bin/mcpo-bridge` (the init container's copy in the emptyDir) is mapped to
 *     build/bridge/mcpo-bridge (`npm run build:bridge`, run by test/bridge/setup.sh);
 *   - `--listen` is rewritten to 127.0.0.1 and a free port;
 *   - the environment is the container's (secret refs get test values), with paths under
 *     the pod's HOME and /tmp mapped into a temp dir, then `$(VAR)` in command and args is
 *     expanded from it as the kubelet does (kubeletExpand of test/render/helpers.ts);
 *     npm's and uv's caches are the ones setup.sh warmed, used offline, so no test waits
 *     for a download or needs a registry;
 *   - the bridge is spawned itself (its own pid, no wrapper), `/readyz` is awaited, and
 *     after each test it is stopped (SIGTERM, then SIGKILL) with every child it logged.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach } from 'vitest';
import { HOME_DIR, TMP_DIR } from '../../src/render/_pod-runtime.js';
import { BRIDGE_BINARY as POD_BRIDGE_PATH } from '../../src/render/stdio-bridge.js';
import { kubeletExpand, object, render } from '../render/helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(here, '..', '..');
export const FIXTURE_SERVER = join(here, 'fixtures', 'server.mjs');
/**
 * The bridge on this machine, for the pod's POD_BRIDGE_PATH (where the init container copies it).
 * MCPO_BRIDGE_BIN (as test/render/bridge-run.test.ts reads it): another build to run the same
 * tests against, e.g. one with a defect, to see them fail.
 */
export const BRIDGE_BINARY = process.env.MCPO_BRIDGE_BIN ?? join(REPO_ROOT, 'build', 'bridge', 'mcpo-bridge');
export { POD_BRIDGE_PATH };
/** Pinned in test/bridge/setup.sh, which warms uv's cache with it. */
export const MCP_SERVER_TIME = 'mcp-server-time@2026.10.19';

// ---- test/bridge/setup.sh: uv, warm caches, the bridge binary ----

let setupDir: string | undefined;
/** The cache dir of test/bridge/setup.sh (runs it once per process; quick when all is cached). */
export function bridgeSetup(): string {
  if (setupDir) return setupDir;
  const run = spawnSync('bash', [join(here, 'setup.sh')], { encoding: 'utf8', timeout: 600_000 });
  if (run.status !== 0) throw new Error(`test/bridge/setup.sh failed (${run.error?.message ?? run.status}):\n${run.stderr}`);
  const dir = run.stdout.trim().split('\n').pop() ?? '';
  if (!existsSync(join(dir, 'uv', 'bin', 'uvx')) || !existsSync(BRIDGE_BINARY))
    throw new Error(`test/bridge/setup.sh left no uvx in ${dir} or no ${BRIDGE_BINARY}`);
  setupDir = dir;
  return dir;
}

// ---- the container spec ----

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: unknown;
}
/** What the harness needs of a rendered container. */
export interface ContainerSpec {
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly EnvVar[];
}

/** The repository's own declarations under resources/ (the seed: namespace, preset, my-memory-server). */
export function seedFiles(): Record<string, string> {
  const paths = ['resources/namespaces/default.yaml', 'resources/resource-limits/n1-standard-nano.yaml', 'resources/templates/default/my-memory-server.yaml'];
  return Object.fromEntries(paths.map((p) => [p, readFileSync(join(REPO_ROOT, p), 'utf8')]));
}

/** The seed declarations plus `files`, rendered; the main container of one template's Deployment. */
export function renderedContainer(files: Record<string, string>, name: string, namespace = 'default'): ContainerSpec {
  const all = { ...seedFiles(), ...files };
  const deployment = object(render(all, false), `namespaces/${namespace}/deployment-${name}.yaml`);
  const rendered = deployment.spec.template.spec.containers[0] as ContainerSpec;
  if (rendered.command?.[0] !== POD_BRIDGE_PATH) throw new Error(`the main container does not run ${POD_BRIDGE_PATH}: ${JSON.stringify(rendered.command)}`);
  return rendered;
}

/** A stdio template declaration (YAML) that runs `command` and `args` (e.g. a fixture under node). */
export function stdioTemplate(name: string, command: readonly string[], args: readonly string[], extra = ''): string {
  return `kind: McpTemplate
name: ${name}
namespace: default
image: node:24-alpine3.21
command: ${JSON.stringify(command)}
args: ${JSON.stringify(args)}
resource_limit_name: n1-standard-nano
${extra}`;
}

/** The main container of a stdio template running the fixture server (test/bridge/fixtures/server.mjs) with `args`. */
export function fixtureContainer(...args: string[]): ContainerSpec {
  return renderedContainer({ 'resources/templates/default/fixture.yaml': stdioTemplate('fixture', [process.execPath], [FIXTURE_SERVER, ...args]) }, 'fixture');
}

// ---- running it ----

export interface LogLine {
  readonly msg?: string;
  readonly level?: string;
  readonly [key: string]: unknown;
}

export interface StartOptions {
  /** Bridge flags added before `--` (they win over the rendered ones: the last of a flag counts). */
  readonly flags?: readonly string[];
  /** Values for env vars the container takes from a secret (by name). */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Added to the container's environment (e.g. where a server keeps its data; paths in the pod's HOME are mapped). */
  readonly env?: Readonly<Record<string, string>>;
  /** Wait for /readyz (default); false: only for `listening`. */
  readonly ready?: boolean;
  readonly readyTimeoutMs?: number;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunningBridge {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly base: string;
  /** The MCP endpoint. */
  readonly url: URL;
  /** The argv the bridge was spawned with (after the mapping and $(VAR) expansion). */
  readonly argv: readonly string[];
  /** Everything it wrote on stderr so far. */
  stderr(): string;
  /** Its stderr lines parsed as JSON (a line that is not JSON fails the test that reads logs). */
  logs(): LogLine[];
  /** Resolves with the first log line matching, or rejects after timeoutMs. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** The pids of every child it logged as started. */
  childPids(): number[];
  readonly exited: Promise<Exit>;
  /** SIGTERM, SIGKILL after killAfterMs; resolves with how it exited. */
  stop(killAfterMs?: number): Promise<Exit>;
}

const running = new Set<{ bridge: RunningBridge; dir: string }>();
const sessions = new Set<Session>();

/** Registers the afterEach that closes clients and stops every bridge (and its children) a test started. */
export function useBridges(): void {
  afterEach(async () => {
    // DELETE first: a client that only drops its connections keeps the bridge's drain waiting (2 s).
    await Promise.allSettled([...sessions].map(async (s) => (await s.transport.terminateSession().catch(() => undefined), await s.client.close())));
    sessions.clear();
    for (const entry of [...running]) {
      await entry.bridge.stop();
      // Whatever the bridge left behind is the test's failure to see, not the next test's process.
      for (const pid of entry.bridge.childPids()) if (alive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(entry.dir, { recursive: true, force: true });
      running.delete(entry);
    }
  });
}

/** Whether a process exists (signal 0) and is not a zombie waiting for its parent. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The container's environment on this machine: the pod's HOME and /tmp mapped into `dir`, caches pre-warmed. */
function containerEnvironment(spec: ContainerSpec, dir: string, options: StartOptions): Record<string, string> {
  const cache = bridgeSetup();
  const home = join(dir, 'home');
  const tmp = join(dir, 'tmp');
  mkdirSync(home, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  const mapPath = (value: string): string =>
    value === HOME_DIR || value.startsWith(`${HOME_DIR}/`) ? home + value.slice(HOME_DIR.length) : value === TMP_DIR ? tmp : value;
  // The image's environment: this machine's PATH (node, npx) with uvx in front.
  const env: Record<string, string> = { PATH: `${join(cache, 'uv', 'bin')}:${process.env.PATH ?? ''}` };
  for (const v of spec.env ?? []) {
    if (v.value !== undefined) env[v.name] = mapPath(kubeletExpand(v.value, env));
    else if (v.valueFrom !== undefined) {
      const secret = options.secrets?.[v.name];
      if (secret === undefined) throw new Error(`env ${v.name} comes from a secret: pass its value in options.secrets`);
      env[v.name] = secret;
    }
  }
  return {
    ...env,
    // The caches test/bridge/setup.sh warmed, instead of an empty HOME's, used offline: a test
    // neither waits for a registry nor depends on reaching one.
    npm_config_cache: join(cache, 'npm-cache'),
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    UV_CACHE_DIR: join(cache, 'uv-cache'),
    UV_PYTHON: readFileSync(join(cache, 'python.path'), 'utf8').trim(),
    UV_PYTHON_DOWNLOADS: 'never',
    UV_OFFLINE: '1',
    ...Object.fromEntries(Object.entries(options.env ?? {}).map(([k, v]) => [k, mapPath(v)])),
  };
}

/** The argv to spawn: the pod's bridge path mapped, --listen on loopback, extra flags, $(VAR) expanded. */
function bridgeArgv(spec: ContainerSpec, env: Readonly<Record<string, string>>, port: number, flags: readonly string[]): string[] {
  const argv = [...(spec.command ?? []), ...(spec.args ?? [])].map((word) => kubeletExpand(word, env));
  if (argv[0] !== POD_BRIDGE_PATH) throw new Error(`the container does not run ${POD_BRIDGE_PATH}: ${JSON.stringify(argv)}`);
  const end = argv.indexOf('--');
  if (end < 0) throw new Error(`no -- before the server's command: ${JSON.stringify(argv)}`);
  const own = argv.slice(1, end);
  const listen = own.findIndex((a) => a === '--listen' || a === '-listen');
  if (listen >= 0) own.splice(listen, 2);
  const eq = own.findIndex((a) => /^--?listen=/.test(a));
  if (eq >= 0) own.splice(eq, 1);
  return [BRIDGE_BINARY, ...own, '--listen', `127.0.0.1:${port}`, ...flags, ...argv.slice(end)];
}

/** The value of a bridge flag (`--name V` or `--name=V`, the last one counts) before `--`. */
function flagValue(argv: readonly string[], name: string): string | undefined {
  const end = argv.indexOf('--');
  let value: string | undefined;
  argv.slice(0, end < 0 ? argv.length : end).forEach((a, i, own) => {
    if (a === name) value = own[i + 1];
    else if (a.startsWith(`${name}=`)) value = a.slice(name.length + 1);
  });
  return value;
}

/** Starts the bridge of a container spec and waits until it is ready. */
export async function startBridge(spec: ContainerSpec, options: StartOptions = {}): Promise<RunningBridge> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpo-bridge-e2e-'));
  const env = containerEnvironment(spec, dir, options);
  const port = await freePort();
  const argv = bridgeArgv(spec, env, port, options.flags ?? []);
  const child = spawn(argv[0]!, argv.slice(1), { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exit: Exit | undefined;
  void exited.then((e) => {
    exit = e;
    for (const w of [...waiters]) w();
  });
  const logs = (): LogLine[] =>
    stderr
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        try {
          return JSON.parse(l) as LogLine;
        } catch {
          throw new Error(`the bridge wrote a line that is not JSON on stderr: ${l}`);
        }
      });
  const base = `http://127.0.0.1:${port}`;
  const bridge: RunningBridge = {
    child,
    pid: child.pid!,
    port,
    base,
    url: new URL(flagValue(argv, '--path') ?? '/mcp', base),
    argv,
    stderr: () => stderr,
    logs,
    waitForLog: (match, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const found = logs().find(match);
          if (found) {
            done();
            resolve(found);
          } else if (exit) {
            done();
            reject(new Error(`the bridge exited (${JSON.stringify(exit)}) before the log line; stderr:\n${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no such log line within ${timeoutMs} ms; stderr:\n${stderr}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    childPids: () => logs().flatMap((l) => (l.msg === 'child started' && typeof l.pid === 'number' ? [l.pid] : [])),
    exited,
    stop: async (killAfterMs = 15_000) => {
      if (!exit) {
        const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
  running.add({ bridge, dir });
  if (!child.pid) throw new Error(`could not spawn ${argv[0]}`);
  await bridge.waitForLog((l) => l.msg === 'listening', 10_000);
  if (options.ready !== false) await waitReady(bridge, options.readyTimeoutMs ?? 60_000);
  return bridge;
}

/** Polls GET /readyz until 200; fails when the bridge exits or the time is up. */
export async function waitReady(bridge: RunningBridge, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = '';
  while (performance.now() < deadline) {
    if (bridge.child.exitCode !== null || bridge.child.signalCode !== null)
      throw new Error(`the bridge exited before it was ready; stderr:\n${bridge.stderr()}`);
    try {
      const res = await fetch(`${bridge.base}/readyz`);
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`not ready within ${timeoutMs} ms (last /readyz: ${last}); stderr:\n${bridge.stderr()}`);
}

// ---- the client ----

export interface Session {
  readonly client: Client;
  readonly transport: StreamableHTTPClientTransport;
  /** The Mcp-Session-Id the bridge gave. */
  readonly id: string;
  /** How long connect (= initialize and its initialized notification) took, ms. */
  readonly connectMs: number;
}

/** A new MCP session with the official SDK client (closed after the test by useBridges). */
export async function connect(bridge: RunningBridge): Promise<Session> {
  const client = new Client({ name: 'mcpo-bridge-e2e', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(bridge.url);
  const started = performance.now();
  await client.connect(transport);
  const connectMs = performance.now() - started;
  const id = transport.sessionId;
  if (!id) throw new Error('the bridge gave no Mcp-Session-Id');
  const session = { client, transport, id, connectMs };
  sessions.add(session);
  return session;
}

/** The `session started` log line of a session (its child's pid, whether it was warm). */
export function sessionLog(bridge: RunningBridge, session: Session): Promise<LogLine & { pid: number; warm: boolean }> {
  return bridge.waitForLog((l) => l.msg === 'session started' && l.session === session.id) as Promise<LogLine & { pid: number; warm: boolean }>;
}

/** The text of a tool result's first content item. */
export function text(result: Awaited<ReturnType<Client['callTool']>>): string {
  const first = (result.content as { type: string; text?: string }[] | undefined)?.[0];
  if (first?.type !== 'text' || first.text === undefined) throw new Error(`not a text result: ${JSON.stringify(result)}`);
  return first.text;
}
