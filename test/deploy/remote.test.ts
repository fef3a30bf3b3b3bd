/**
 * Following a remote holds up: a fetch that hangs is killed (git and its
 * helpers), a force-push is followed, and while the remote cannot be read
 * the last snapshot keeps being served with the reason in health, in the
 * x-mcpo-source-error header and in the log (once, not per poll).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RepoFollower } from '../../src/source/follow.js';
import { type Served, startMcpoServe } from '../support/mcpo.js';
import { TestRepo } from '../support/git-repo.js';
import { cleanupsAfterEach, clientPython, NAMESPACE_DEFAULT, PRESET_NANO, PyClient, SETUP_TIMEOUT_MS, template, until } from '../serve/_support.js';
import { httpGitServer, silentPort } from './_git-servers.js';

const cleanups = cleanupsAfterEach();

beforeAll(() => {
  clientPython();
}, SETUP_TIMEOUT_MS);

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10 }));
  return dir;
}

/** Processes whose command line contains `text` (git, git-remote-http, ssh of a fetch). */
export function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(text) && Number(pid) !== process.pid) found.push(`${pid}: ${cmdline}`);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** A bare repository under a server root and a work tree that force-pushes to it. */
async function origin(root: string): Promise<{ work: TestRepo; push: () => void }> {
  const bare = join(root, 'config.git');
  const work = await TestRepo.create();
  cleanups.push(() => work.dispose());
  work.git('init', '--quiet', '--bare', bare);
  work.git('remote', 'add', 'origin', bare);
  work.writeAll({
    'resources/namespaces/default.yaml': NAMESPACE_DEFAULT,
    'resources/resource-limits/n1-standard-nano.yaml': PRESET_NANO,
    'resources/templates/default/a.yaml': template('a'),
  });
  await work.commit('first');
  const push = (): void => void work.git('push', '--quiet', '--force', 'origin', 'HEAD:refs/heads/main');
  push();
  return { work, push };
}

describe('a remote that hangs', () => {
  it('a clone and a fetch that hang are killed at the timeout, helpers included', async () => {
    const silent = await silentPort();
    cleanups.push(() => silent.close());
    const url = `http://127.0.0.1:${silent.port}/config.git`;
    const follower = new RepoFollower({ source: url, cacheDir: tempDir('mcpo-cache-'), fetchTimeoutMs: 300 });
    const started = performance.now();
    await expect(follower.head()).rejects.toThrow(/cannot clone http:\/\/127\.0\.0\.1:\d+\/config\.git: git clone timed out after 1500 ms/);
    expect(performance.now() - started).toBeLessThan(5000);
    await until(() => processesMentioning(`127.0.0.1:${silent.port}`).length === 0, 3000, 'no git process left');

    // Cloned fine, then the server hangs: the fetch is killed at its own timeout.
    const root = tempDir('mcpo-http-root-');
    await origin(root);
    const http = await httpGitServer(root);
    cleanups.push(() => http.close());
    const cloned = new RepoFollower({ source: http.url('config.git'), branch: 'main', cacheDir: tempDir('mcpo-cache-'), fetchTimeoutMs: 500 });
    const sha = await cloned.head();
    http.mode = 'hang';
    const fetchStarted = performance.now();
    await expect(cloned.head()).rejects.toThrow(/fetch from .* failed: git fetch timed out after 500 ms/);
    expect(performance.now() - fetchStarted).toBeLessThan(3000);
    await until(() => processesMentioning(http.url('config.git')).length === 0, 3000, 'no git process left');
    // The clone is intact: reading without a fetch still works.
    expect(await cloned.head(false)).toBe(sha);
  });
});

describe('mcpo serve following a URL', () => {
  it('follows a force-push, keeps serving through a hung and a down remote with the reason in health, headers and one log line, and recovers', async () => {
    const root = tempDir('mcpo-http-root-');
    const { work, push } = await origin(root);
    const http = await httpGitServer(root);
    cleanups.push(() => http.close());
    const served: Served = await startMcpoServe([
      '--repo',
      http.url('config.git'),
      '--branch',
      'main',
      '--http-port',
      '0',
      '--poll-interval',
      '200ms',
      '--fetch-timeout',
      '1s',
      '--cache-dir',
      tempDir('mcpo-cache-'),
    ]);
    cleanups.push(() => served.kill());
    const base = `http://127.0.0.1:${served.logs().find((l) => l.msg === 'listening')!.httpPort as number}`;
    const client = new PyClient(`127.0.0.1:${served.port}`);
    cleanups.push(() => client.close());
    const health = async (service: string): Promise<string> => (await client.call('grpc.health.v1.Health/Check', { service })).response?.status;
    const commitServed = async (): Promise<string | null> => (await fetch(`${base}/v1/templates`)).headers.get('x-mcpo-commit');

    // A force-push: history rewritten, the old tip no longer on the branch.
    const before = work.head();
    expect(await commitServed()).toBe(before);
    work.write('resources/templates/default/b.yaml', template('b'));
    work.git('add', '-A');
    work.git('commit', '--quiet', '--amend', '-m', 'first, rewritten');
    const rewritten = work.head();
    push();
    await until(async () => (await commitServed()) === rewritten, 10_000, 'the force-pushed commit served');
    expect(await health('mcpo.reload')).toBe('SERVING');

    // The remote hangs: each fetch is killed at 1 s, the last snapshot is served, and says why.
    http.mode = 'hang';
    await until(async () => (await health('mcpo.reload')) === 'NOT_SERVING', 10_000, 'mcpo.reload NOT_SERVING');
    let res = await fetch(`${base}/v1/templates`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-mcpo-commit')).toBe(rewritten);
    expect(res.headers.get('x-mcpo-source-error')).toMatch(/fetch from http:\/\/127\.0\.0\.1:\d+\/config\.git failed: git fetch timed out after 1000 ms/);
    expect(await health('')).toBe('SERVING');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    // GET /v1/status (what the console shows) says the same, with the commit still served.
    const status = (await (await fetch(`${base}/v1/status`)).json()) as { commit: string; sourceError?: string };
    expect(status.commit).toBe(rewritten);
    expect(status.sourceError).toMatch(/git fetch timed out after 1000 ms/);
    // The gRPC face says the same in its metadata.
    const call = await client.call('ListMcpTemplates', {});
    expect(call.code).toBe('OK');
    expect(call.metadata['x-mcpo-commit']).toBe(rewritten);
    expect(call.metadata['x-mcpo-source-error']).toMatch(/git fetch timed out after 1000 ms/);
    // Several timed-out polls later there is still at most the one fetch in flight.
    await new Promise((r) => setTimeout(r, 2500));
    expect(processesMentioning(http.url('config.git')).filter((p) => !p.includes('mcpo.js')).length).toBeLessThanOrEqual(2);

    // Down (connection refused): the reason follows.
    http.mode = 'down';
    await until(
      async () =>
        /Failed to connect|Could not connect|Connection refused|connection|Recv failure|Empty reply/i.test(
          (await fetch(`${base}/v1/templates`)).headers.get('x-mcpo-source-error') ?? '',
        ),
      10_000,
      'the reason to change',
    );
    const warnings = served
      .logs()
      .filter((l) => l.msg === 'cannot read the followed branch; still serving the last good commit, health mcpo.reload NOT_SERVING');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', serving: rewritten });

    // Back: a new commit is served and the reason is gone.
    http.mode = 'ok';
    work.write('resources/templates/default/c.yaml', template('c'));
    const next = await work.commit('next');
    push();
    await until(async () => (await commitServed()) === next, 10_000, 'the next commit served');
    res = await fetch(`${base}/v1/templates`);
    expect(res.headers.get('x-mcpo-source-error')).toBeNull();
    expect(((await (await fetch(`${base}/v1/status`)).json()) as { sourceError?: string }).sourceError).toBeUndefined();
    expect(await health('mcpo.reload')).toBe('SERVING');
    expect(served.logs().filter((l) => l.msg === 'the followed branch can be read again')).toHaveLength(1);
  });
});
