/**
 * What one client can make the server hold: concurrent streams per
 * connection are capped (and advertised, so a real client queues the rest),
 * idle connections are closed, and text from a request comes back in a
 * status message cut and escaped.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/serve/lifecycle.js';
import { silentLogger } from '../../src/serve/log.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import type { TestRepo } from '../support/git-repo.js';
import { CLIENT_DIR, clientPython, PyClient, rawConnection, SETUP_TIMEOUT_MS, seededRepo } from './_support.js';

const execFileAsync = promisify(execFile);
let repo: TestRepo;
const servers: RunningServer[] = [];

beforeAll(async () => {
  clientPython();
  ({ repo } = await seededRepo());
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  for (const s of servers) await s.stop();
  repo?.dispose();
});

async function serve(limits: Parameters<typeof startServer>[0]['limits'] = undefined): Promise<RunningServer> {
  const server = await startServer({ repo: repo.dir, port: 0, logger: silentLogger, limits });
  servers.push(server);
  return server;
}

describe('concurrent streams', () => {
  it('are capped per connection by default, and the cap is advertised', async () => {
    const server = await serve();
    const conn = await rawConnection(server.port);
    expect(conn.maxConcurrentStreams).toBe(DEFAULT_LIMITS.maxConcurrentStreams);
  });

  it('beyond the cap wait: a Python grpcio client with 6 open streams and a cap of 4 gets 4 answered, the rest after streams close', async () => {
    const server = await serve({ maxConcurrentStreams: 4 });
    // Not spawnSync: the server answers from this process's event loop.
    const run = await execFileAsync(
      clientPython(),
      [join(CLIENT_DIR, 'mcpo_client.py'), '--target', `127.0.0.1:${server.port}`, 'streams', '6', '--wait', '1.5'],
      { timeout: 60_000 },
    );
    const result = JSON.parse(run.stdout.trim()) as Record<string, unknown>;
    expect(result).toEqual({ answered: 4, check_while_open: 'DEADLINE_EXCEEDED', answered_after_cancel: 6, check_after: 'OK' });
  });
});

describe('idle connections', () => {
  it('are closed after the idle timeout', async () => {
    const server = await serve({ idleTimeoutMs: 300 });
    const conn = await rawConnection(server.port);
    const ms = await Promise.race([conn.closed, new Promise<number>((r) => setTimeout(() => r(Infinity), 5000))]);
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(3000);
  });
});

describe('text from a request in a status message', () => {
  let client: PyClient;
  beforeAll(async () => {
    client = new PyClient(`127.0.0.1:${(await serve()).port}`);
  });
  afterAll(() => client?.close());

  it('is cut: a 1 MB name comes back as its first characters and a count', async () => {
    const name = 'n'.repeat(1024 * 1024);
    for (const [method, request] of [
      ['GetMcpTemplate', { name, namespace: 'default' }],
      ['GetNamespace', { name }],
      ['GetResourceLimit', { name }],
      ['GetSecret', { name, namespace: name }],
      ['DeleteMcpTemplate', { name, namespace: 'default' }],
      ['CreateNamespace', { namespace: { name } }],
    ] as const) {
      const r = await client.call(method, request);
      expect([method, r.code === 'NOT_FOUND' || r.code === 'UNIMPLEMENTED']).toEqual([method, true]);
      expect(r.details.length, method).toBeLessThan(2100);
      expect(r.details, method).toContain('more characters');
    }
  });

  it('is escaped: control characters arrive as \\x escapes, never raw', async () => {
    const r = await client.call('GetNamespace', { name: 'evil\u001b[2J\r\nname\u0007' });
    expect(r.code).toBe('NOT_FOUND');
    expect(r.details).toBe('Namespace evil\\x1b[2J\\r\\nname\\x07 not found');
    expect(r.details).not.toMatch(/[\u0000-\u001f\u007f]/);
  });
});
