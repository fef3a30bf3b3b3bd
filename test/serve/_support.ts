/**
 * Shared by the test/serve files: the independent Python client (grpcio +
 * stubs compiled from spec/ by test/client/setup.sh), seed declarations, and
 * a seeded config repository.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { connect } from 'node:http2';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createLogger, type Logger } from '../../src/serve/log.js';
import { TestRepo } from '../support/git-repo.js';
import { afterEach } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
export const CLIENT_DIR = join(here, '..', 'client');

/** First run creates the venv (pip install): allow minutes. */
export const SETUP_TIMEOUT_MS = 10 * 60 * 1000;

let python: string | undefined;

/** The venv python with grpcio and the compiled stubs (runs test/client/setup.sh once per process). */
export function clientPython(): string {
  if (python) return python;
  const run = spawnSync('bash', [join(CLIENT_DIR, 'setup.sh')], { encoding: 'utf8', timeout: SETUP_TIMEOUT_MS });
  if (run.status !== 0) {
    throw new Error(`test/client/setup.sh failed (${run.error ?? run.status}); it needs python3 -m venv and PyPI:\n${run.stdout}${run.stderr}`);
  }
  const lines = run.stdout.trim().split('\n');
  python = lines[lines.length - 1]!;
  return python;
}

export interface CallResult {
  ok: boolean;
  code: string;
  details: string;
  metadata: Record<string, string>;
  trailers: Record<string, string>;
  response: any;
}

/** One long-lived Python client process; calls go over its stdin/stdout as JSON lines. */
export class PyClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<number, (r: CallResult) => void>();
  private nextId = 1;
  private stderr = '';

  constructor(target: string, opts: { token?: string; ca?: string } = {}) {
    const args = [join(CLIENT_DIR, 'mcpo_client.py'), '--target', target];
    if (opts.token) args.push('--token', opts.token);
    if (opts.ca) args.push('--ca', opts.ca);
    args.push('lines');
    this.child = spawn(clientPython(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (c: Buffer) => {
      this.stderr += c.toString();
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as CallResult & { id: number };
      this.waiting.get(msg.id)?.(msg);
      this.waiting.delete(msg.id);
    });
    this.child.on('exit', (code) => {
      for (const [id, resolve] of this.waiting) {
        resolve({ ok: false, code: 'CLIENT_EXITED', details: `python client exited (${code}): ${this.stderr}`, metadata: {}, trailers: {}, response: null });
        this.waiting.delete(id);
      }
    });
  }

  call(method: string, request: Record<string, unknown> = {}, metadata?: Record<string, string>): Promise<CallResult> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin.write(`${JSON.stringify({ id, method, request, metadata })}\n`);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.stdin.end();
    });
  }
}

/** A Sealed-Secrets-shaped ciphertext (2-byte length, 256-byte RSA part, GCM part); not a real seal. */
export function fakeSealed(seed: number): string {
  const bytes = Buffer.alloc(2 + 256 + 32, seed);
  bytes.writeUInt16BE(256, 0);
  return bytes.toString('base64');
}

export const NAMESPACE_DEFAULT = 'kind: Namespace\nname: default\nlabels: {team: platform}\n';
export const NAMESPACE_TOOLS = 'kind: Namespace\nname: tools\ndisplay_name: Tools\n';
export const PRESET_NANO = `kind: ResourceLimit
name: n1-standard-nano
limits: {cpu: 100m, memory: 256Mi, cpu_limit: 200m, memory_limit: 512Mi}
labels: {tier: small}
`;
export const PRESET_SMALL = `kind: ResourceLimit
name: n1-standard-small
limits: {cpu: 500m, memory: 1Gi}
`;

export function template(name: string, opts: { namespace?: string; preset?: string; labels?: Record<string, string> } = {}): string {
  const labels = opts.labels ?? { app: 'mcp-server', env: 'prod' };
  return `kind: McpTemplate
name: ${name}
namespace: ${opts.namespace ?? 'default'}
image: node:24-alpine3.21
command: [npx]
args: [-y, "@modelcontextprotocol/server-memory"]
resource_limit_name: ${opts.preset ?? 'n1-standard-nano'}
env_vars: [{name: NODE_ENV, value: production}]
labels: {${Object.entries(labels)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')}}
`;
}

export function secret(name: string, namespace = 'default', seed = 7): string {
  return `kind: Secret
name: ${name}
namespace: ${namespace}
type: SECRET_TYPE_BASIC_AUTH
labels: {app: db}
sealed:
  scope: SEALING_SCOPE_STRICT
  encrypted_data:
    username: ${fakeSealed(seed)}
    password: ${fakeSealed(seed + 1)}
`;
}

/**
 * The seed repository: namespaces default + tools, presets nano + small,
 * templates in both namespaces, one secret. Commits at known times.
 */
export async function seededRepo(): Promise<{ repo: TestRepo; first: string; second: string }> {
  const repo = await TestRepo.create();
  repo.writeAll({
    'README.md': '# config\n',
    'resources/namespaces/default.yaml': NAMESPACE_DEFAULT,
    'resources/resource-limits/n1-standard-nano.yaml': PRESET_NANO,
    'resources/templates/default/my-memory-server.yaml': template('my-memory-server'),
  });
  const first = await repo.commit('seed', { time: 1_700_000_000 });
  repo.writeAll({
    'resources/namespaces/tools.yaml': NAMESPACE_TOOLS,
    'resources/resource-limits/n1-standard-small.yaml': PRESET_SMALL,
    'resources/templates/default/fetch.yaml': template('fetch', { labels: { app: 'fetch', env: 'dev' } }),
    'resources/templates/tools/git.yaml': template('git', { namespace: 'tools', preset: 'n1-standard-small', labels: { app: 'git', env: 'prod' } }),
    'resources/secrets/default/db-credentials.yaml': secret('db-credentials'),
  });
  const second = await repo.commit('more', { time: 1_700_086_400 });
  return { repo, first, second };
}

/** A logger that keeps its JSON lines (debug and up) for assertions. */
export function recordingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { logger: createLogger('debug', (line) => lines.push(JSON.parse(line) as Record<string, unknown>)), lines: () => lines };
}

/** Polls `check` until it is true (or throws after timeoutMs). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An HTTP/2 connection with no gRPC on it: what the server advertises, and when it hangs up. */
export function rawConnection(port: number): Promise<{ maxConcurrentStreams: number | undefined; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const opened = performance.now();
    const session = connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const closed = new Promise<number>((resolveClosed) => {
      const done = () => resolveClosed(performance.now() - opened);
      session.once('goaway', done);
      session.once('close', done);
    });
    session.once('remoteSettings', (settings) => resolve({ maxConcurrentStreams: settings.maxConcurrentStreams, closed }));
    setTimeout(() => session.destroy(), 10_000).unref();
  });
}

/**
 * What a test registers to undo (servers, repositories, clients), run after
 * each test in reverse order of registration.
 */
export function cleanupsAfterEach(): (() => Promise<void> | void)[] {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return cleanups;
}
