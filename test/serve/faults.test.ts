/**
 * The server when the repository misbehaves: a corrupt object that is then
 * repaired, a followed branch that disappears (or a repository that cannot be
 * read) and comes back, and a slow commit followed by a fast one. Real git
 * repositories, the real server, the Python grpcio client for health.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { REPO_ROOT } from '../support/build.js';
import type { TestRepo } from '../support/git-repo.js';
import { clientPython, PyClient, recordingLogger, SETUP_TIMEOUT_MS, seededRepo, template, until, cleanupsAfterEach } from './_support.js';

const cleanups = cleanupsAfterEach();

beforeAll(() => {
  clientPython();
}, SETUP_TIMEOUT_MS);

async function fixture(): Promise<{ repo: TestRepo; second: string }> {
  const seeded = await seededRepo();
  cleanups.push(() => seeded.repo.dispose());
  return seeded;
}

async function serve(opts: Parameters<typeof startServer>[0]): Promise<{ server: RunningServer; client: PyClient }> {
  const server = await startServer(opts);
  cleanups.push(() => server.stop());
  const client = new PyClient(`127.0.0.1:${server.port}`);
  cleanups.push(() => client.close());
  return { server, client };
}

async function health(client: PyClient, service: string): Promise<string> {
  return (await client.call('grpc.health.v1.Health/Check', { service })).response?.status;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a commit that cannot be read', () => {
  it('is tried again (with backoff) and served once the object store is repaired', async () => {
    const { repo, second } = await fixture();
    const rec = recordingLogger();
    const { server, client } = await serve({ repo: repo.dir, port: 0, pollIntervalMs: 50, logger: rec.logger, retry: { initialMs: 100, maxMs: 400 } });
    expect(server.current().sha).toBe(second);

    // A commit made on the side, its new blob corrupted, then the followed branch moved onto it.
    repo.git('checkout', '--quiet', '-b', 'side');
    repo.write('resources/namespaces/late.yaml', `kind: Namespace\nname: late\ndisplay_name: late ${Date.now()}\n`);
    const late = await repo.commit('late namespace');
    repo.git('checkout', '--quiet', 'main');
    const blob = repo.git('rev-parse', `${late}:resources/namespaces/late.yaml`);
    const object = join(repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2));
    const saved = readFileSync(object);
    chmodSync(object, 0o644);
    writeFileSync(object, 'not a zlib stream');
    repo.git('update-ref', 'refs/heads/main', late);

    const failed = await server.waitForCommit(late);
    expect(failed.sha).toBe(second);
    expect(failed.reloadError?.sha).toBe(late);
    expect(await health(client, 'mcpo.reload')).toBe('NOT_SERVING');
    await until(
      () => rec.lines().filter((l) => l.msg === 'commit failed to load; still serving the last good commit' && l.commit === late).length >= 3,
      10_000,
      'retries',
    );
    const delays = rec
      .lines()
      .filter((l) => l.commit === late && l.retryInMs !== undefined)
      .map((l) => l.retryInMs);
    expect(delays.slice(0, 3)).toEqual([100, 200, 400]);

    writeFileSync(object, saved);
    expect(spawnSync('git', ['-C', repo.dir, 'fsck', '--no-progress'], { encoding: 'utf8' }).status).toBe(0);
    await until(() => server.current().sha === late, 5000, 'the repaired commit to load');
    expect(server.current().reloadError).toBeUndefined();
    expect((await client.call('GetNamespace', { name: 'late' })).code).toBe('OK');
    expect(await health(client, 'mcpo.reload')).toBe('SERVING');
  });

  it('but a commit with invalid declarations is not tried again: its diagnostics are final', async () => {
    const { repo } = await fixture();
    const rec = recordingLogger();
    const { server } = await serve({ repo: repo.dir, port: 0, pollIntervalMs: 50, logger: rec.logger, retry: { initialMs: 50, maxMs: 50 } });
    repo.write('resources/templates/default/broken.yaml', 'kind: McpTemplate\nname: broken\nbogus: 1\n');
    const bad = await repo.commit('broken');
    await server.waitForCommit(bad);
    await sleep(600);
    const failures = rec.lines().filter((l) => l.msg === 'commit failed to load; still serving the last good commit' && l.commit === bad);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.retryInMs).toBeUndefined();
  });
});

describe('a followed branch that cannot be read', () => {
  const breakages: [string, (repo: TestRepo) => () => void][] = [
    [
      'the branch is deleted',
      (repo) => {
        repo.git('checkout', '--quiet', '-b', 'elsewhere');
        repo.git('branch', '-D', 'main');
        return () => repo.git('branch', 'main', 'elsewhere');
      },
    ],
    [
      'the repository is unreadable',
      (repo) => {
        renameSync(join(repo.dir, '.git'), join(repo.dir, '.git-away'));
        return () => renameSync(join(repo.dir, '.git-away'), join(repo.dir, '.git'));
      },
    ],
  ];

  for (const [what, breakIt] of breakages) {
    it(`makes mcpo.reload NOT_SERVING while ${what}, keeps serving, logs once, and once when it recovers`, async () => {
      const { repo, second } = await fixture();
      const rec = recordingLogger();
      const { client } = await serve({ repo: repo.dir, branch: 'main', port: 0, pollIntervalMs: 50, logger: rec.logger });
      expect(await health(client, 'mcpo.reload')).toBe('SERVING');

      const repair = breakIt(repo);
      await until(async () => (await health(client, 'mcpo.reload')) === 'NOT_SERVING', 5000, 'mcpo.reload NOT_SERVING');
      expect(await health(client, '')).toBe('SERVING');
      const r = await client.call('GetNamespace', { name: 'default' });
      expect(r.code).toBe('OK');
      expect(r.metadata['x-mcpo-commit']).toBe(second);
      await sleep(1000); // about 20 polls
      const warnings = rec.lines().filter((l) => l.level === 'warn');
      expect(warnings.map((l) => l.msg)).toEqual(['cannot read the followed branch; still serving the last good commit, health mcpo.reload NOT_SERVING']);

      repair();
      await until(async () => (await health(client, 'mcpo.reload')) === 'SERVING', 5000, 'mcpo.reload SERVING again');
      await sleep(300);
      expect(rec.lines().filter((l) => l.msg === 'the followed branch can be read again')).toHaveLength(1);
      expect(rec.lines().filter((l) => l.level === 'warn')).toHaveLength(1);
    });
  }
});

describe('a slow commit followed by a newer one', () => {
  it('is abandoned: its worker is stopped and the newer commit loads without waiting for it', async () => {
    const { repo, second } = await fixture();
    const rec = recordingLogger();
    const worker = join(REPO_ROOT, 'build', 'serve', '_build-worker.js');
    const { server, client } = await serve({ repo: repo.dir, port: 0, pollIntervalMs: 50, logger: rec.logger, buildWorker: worker });
    expect(server.current().sha).toBe(second);

    const data = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;
    const fastImport = (stream: string): string => {
      const run = spawnSync('git', ['-C', repo.dir, 'fast-import', '--quiet'], { input: stream });
      expect(run.status, run.stderr?.toString()).toBe(0);
      return repo.head('main');
    };
    // 12,000 templates: seconds of validation in the worker.
    const files: string[] = [];
    for (let i = 0; i < 12_000; i++) files.push(`M 100644 inline resources/templates/bulk/t-${i}.yaml\n${data(template(`t-${i}`, { namespace: 'bulk' }))}`);
    const slow = fastImport(
      `commit refs/heads/main\ncommitter Gen <gen@example.test> 1700200000 +0000\n${data('slow')}from refs/heads/main^0\nM 100644 inline resources/namespaces/bulk.yaml\n${data('kind: Namespace\nname: bulk\n')}${files.join('')}`,
    );
    await until(() => server.current().head === slow, 5000, 'the slow commit to start building');

    const started = performance.now();
    const fast = fastImport(
      `commit refs/heads/main\ncommitter Gen <gen@example.test> 1700200060 +0000\n${data('fast')}from refs/heads/main^0\nD resources/templates/bulk\nD resources/namespaces/bulk.yaml\nM 100644 inline resources/namespaces/late.yaml\n${data('kind: Namespace\nname: late\n')}`,
    );
    await server.waitForCommit(fast, 60_000);
    const ms = performance.now() - started;
    process.stderr.write(`[faults] newer commit loaded ${Math.round(ms)} ms after it arrived, the 12,000-template commit abandoned\n`);
    expect(server.current().sha).toBe(fast);
    expect((await client.call('GetNamespace', { name: 'late' })).code).toBe('OK');
    expect(
      rec
        .lines()
        .filter((l) => l.msg === 'abandoning the build of an older commit for a newer one')
        .map((l) => l.commit),
    ).toEqual([slow]);
    expect(
      rec
        .lines()
        .filter((l) => l.msg === 'loaded commit')
        .map((l) => l.commit),
    ).not.toContain(slow);
    expect(server.current().retained).not.toContain(slow);
  }, 120_000);
});
