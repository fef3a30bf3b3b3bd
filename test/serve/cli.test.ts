/**
 * `mcpo serve` as an operator runs it: the real CLI (bin/mcpo.js, compiled by
 * the build globalSetup) in its own process, TLS and bearer-token auth, JSON
 * logs on stderr, graceful stop on SIGTERM, and a URL source.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isLoopback } from '../../src/serve/server.js';
import { REPO_ROOT } from '../support/build.js';
import { mcpo, type Served, startMcpoServe } from '../support/mcpo.js';
import type { TestRepo } from '../support/git-repo.js';
import { clientPython, fakeSealed, PyClient, rawConnection, SETUP_TIMEOUT_MS, seededRepo, cleanupsAfterEach } from './_support.js';
import { selfSignedLocalhost } from '../support/tls.js';
import { goTool, INSTALL_TIMEOUT_MS } from '../tools/tools.js';

const cleanups = cleanupsAfterEach();

beforeAll(() => {
  clientPython();
}, SETUP_TIMEOUT_MS);

/** Starts `mcpo serve ... --port 0`; killed after the test. */
async function mcpoServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const served = await startMcpoServe(args, env);
  cleanups.push(() => served.kill());
  return served;
}

async function fixture(): Promise<TestRepo> {
  const { repo } = await seededRepo();
  cleanups.push(() => repo.dispose());
  return repo;
}

function client(target: string, opts: { token?: string; ca?: string } = {}): PyClient {
  const c = new PyClient(target, opts);
  cleanups.push(() => c.close());
  return c;
}

describe('mcpo serve', () => {
  it('serves a repository, logs JSON lines without payloads or secret values, and stops cleanly on SIGTERM', async () => {
    const repo = await fixture();
    const served = await mcpoServe(['--repo', repo.dir, '--log-level', 'debug']);
    const c = client(`127.0.0.1:${served.port}`);
    const r = await c.call('GetSecret', { name: 'db-credentials', namespace: 'default' });
    expect(r.code).toBe('OK');
    expect(r.metadata['x-mcpo-commit']).toBe(repo.head());
    const w = await c.call('UpdateSecret', { name: 'db-credentials', namespace: 'default', data: { password: 'cGxhaW50ZXh0LXBhc3N3b3Jk' } });
    expect(w.code).toBe('UNIMPLEMENTED');

    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    const logs = served.logs();
    expect(logs.find((l) => l.msg === 'loaded commit')).toMatchObject({ level: 'info', commit: repo.head(), templates: 3 });
    expect(logs.filter((l) => l.msg === 'call').map((l) => [l.method, l.code])).toEqual([
      ['GetSecret', 'OK'],
      ['UpdateSecret', 'UNIMPLEMENTED'],
    ]);
    // A call line names its caller and its time (worked out only for lines that are written).
    for (const l of logs.filter((l) => l.msg === 'call'))
      expect(l).toMatchObject({
        peer: expect.stringMatching(/^(127\.0\.0\.1|\[?::1\]?|::ffff:127\.0\.0\.1):\d+$/),
        ms: expect.any(Number),
      });
    expect(logs[logs.length - 1]).toMatchObject({ msg: 'stopped' });
    for (const l of logs) expect(typeof l.time).toBe('string');
    const text = served.stderr();
    expect(text).not.toContain('cGxhaW50ZXh0LXBhc3N3b3Jk');
    expect(text).not.toContain(fakeSealed(7).slice(0, 40));
  });

  it(
    'on SIGTERM, ends a call still running after the grace period (grpcurl watching health) and exits',
    async () => {
      const grpcurl = goTool('grpcurl');
      const repo = await fixture();
      const served = await mcpoServe(['--repo', repo.dir]);
      let watchOutput = '';
      const watch = new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(
          grpcurl,
          ['-plaintext', '-d', '{}', `127.0.0.1:${served.port}`, 'grpc.health.v1.Health/Watch'],
          { encoding: 'utf8', timeout: 60_000 },
          (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
        );
        child.stdout?.on('data', (chunk: string) => (watchOutput += chunk));
      });
      for (let i = 0; i < 300 && !watchOutput.includes('SERVING'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(watchOutput).toContain('"status": "SERVING"');

      served.child.kill('SIGTERM');
      expect(await served.exited).toBe(0);
      const ended = await watch;
      // The stream is cut, not answered: grpcurl reports the code it got.
      expect(ended.stderr).toMatch(/Code: (Canceled|Unavailable)/);
      expect(served.logs().map((l) => l.msg)).toEqual(expect.arrayContaining(['calls still running after the grace period: cancelling them', 'stopped']));
    },
    INSTALL_TIMEOUT_MS,
  );

  it('logs a failed reload at error level with its diagnostics', async () => {
    const repo = await fixture();
    const served = await mcpoServe(['--repo', repo.dir, '--poll-interval', '100ms']);
    repo.write('resources/namespaces/bad.yaml', 'kind: Namespace\nname: Not_A_DNS_Name\n');
    const bad = await repo.commit('bad namespace');
    const until = Date.now() + 10_000;
    while (!served.logs().some((l) => l.level === 'error') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const error = served.logs().find((l) => l.level === 'error');
    expect(error).toMatchObject({ msg: 'commit failed to load; still serving the last good commit', commit: bad });
    expect((error!.diagnostics as string[])[0]).toMatch(/^resources\/namespaces\/bad\.yaml:2:7: /);
    served.child.kill('SIGINT');
    expect(await served.exited).toBe(0);
  });

  it('tells loopback addresses apart (a non-loopback one without auth is warned about), and refuses half a TLS pair', async () => {
    // Tests never listen beyond loopback: the warning's condition is checked directly.
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.1.2.3', 'example.test']) expect(isLoopback(h), h).toBe(false);

    const repo = await fixture();
    const half = spawn(process.execPath, [join(REPO_ROOT, 'bin/mcpo.js'), 'serve', '--repo', repo.dir, '--tls-cert', '/nonexistent.pem'], { stdio: 'pipe' });
    let err = '';
    half.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise((resolve) => half.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/--tls-cert and --tls-key go together/);
  });

  it('requires a bearer token from --auth-token-file, with health left open', async () => {
    const repo = await fixture();
    const dir = mkdtempSync(join(tmpdir(), 'mcpo-auth-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const tokens = join(dir, 'tokens');
    writeFileSync(tokens, '# operators\nfirst-token-0123456789\n\nsecond-token-abcdef\n');
    const served = await mcpoServe(['--repo', repo.dir, '--auth-token-file', tokens]);
    const target = `127.0.0.1:${served.port}`;

    const anonymous = await client(target).call('ListNamespaces', {});
    expect(anonymous.code).toBe('UNAUTHENTICATED');
    expect(anonymous.details).toMatch(/authorization: Bearer/);
    expect((await client(target, { token: 'wrong-token' }).call('ListNamespaces', {})).code).toBe('UNAUTHENTICATED');
    expect((await client(target, { token: 'second-token-abcdef' }).call('ListNamespaces', {})).code).toBe('OK');
    expect((await client(target, { token: 'first-token-0123456789' }).call('GetNamespace', { name: 'default' })).code).toBe('OK');
    const health = await client(target).call('grpc.health.v1.Health/Check', { service: '' });
    expect(health.response.status).toBe('SERVING');
    expect(served.stderr()).not.toContain('first-token-0123456789');
  });

  it('refuses to start on a token file line that can never match, naming the line and not the token', async () => {
    const repo = await fixture();
    const dir = mkdtempSync(join(tmpdir(), 'mcpo-auth-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const tokens = join(dir, 'tokens');
    writeFileSync(tokens, 'good-token\nhunter2 with-space\n');
    const r = mcpo(['serve', '--repo', repo.dir, '--port', '0', '--auth-token-file', tokens]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${tokens}:2:`);
    expect(r.stderr).not.toContain('hunter2');
  });

  it('--max-concurrent-streams and --idle-timeout reach the connection', async () => {
    const repo = await fixture();
    const served = await mcpoServe(['--repo', repo.dir, '--max-concurrent-streams', '7', '--idle-timeout', '500ms']);
    const conn = await rawConnection(served.port);
    expect(conn.maxConcurrentStreams).toBe(7);
    expect(await conn.closed).toBeLessThan(5000);
    const bad = mcpo(['serve', '--repo', repo.dir, '--max-concurrent-streams', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-concurrent-streams/);
  });

  it('serves TLS with --tls-cert and --tls-key', async () => {
    const repo = await fixture();
    const dir = mkdtempSync(join(tmpdir(), 'mcpo-tls-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { cert, key } = selfSignedLocalhost(dir);
    const served = await mcpoServe(['--repo', repo.dir, '--tls-cert', cert, '--tls-key', key]);
    const secure = await client(`localhost:${served.port}`, { ca: cert }).call('GetNamespace', { name: 'default' });
    expect(secure.code).toBe('OK');
    expect(secure.metadata['x-mcpo-commit']).toBe(repo.head());
    const plain = await client(`127.0.0.1:${served.port}`).call('GetNamespace', { name: 'default' });
    expect(plain.code).toBe('UNAVAILABLE');
  });

  it('follows a git URL: clones into the cache dir and fetches new commits', async () => {
    const repo = await fixture();
    const cache = mkdtempSync(join(tmpdir(), 'mcpo-cache-'));
    cleanups.push(() => rmSync(cache, { recursive: true, force: true }));
    const served = await mcpoServe(['--repo', repo.url, '--branch', 'main', '--poll-interval', '200ms', '--cache-dir', cache]);
    const c = client(`127.0.0.1:${served.port}`);
    expect((await c.call('ListNamespaces', {})).metadata['x-mcpo-commit']).toBe(repo.head());
    repo.write('resources/namespaces/later.yaml', 'kind: Namespace\nname: later\n');
    const later = await repo.commit('later');
    const until = Date.now() + 15_000;
    let r = await c.call('GetNamespace', { name: 'later' });
    while (r.code !== 'OK' && Date.now() < until) {
      await new Promise((res) => setTimeout(res, 100));
      r = await c.call('GetNamespace', { name: 'later' });
    }
    expect(r.code).toBe('OK');
    expect(r.metadata['x-mcpo-commit']).toBe(later);
  });
});
