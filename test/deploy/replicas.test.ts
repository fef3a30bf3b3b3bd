/**
 * Replicas behind one Service agree: a page token issued by one `mcpo serve`
 * continues on another that has not polled since the token's commit, because
 * the second fetches the followed branch and loads that commit on demand. A
 * token naming a commit the branch does not contain is refused quickly, and
 * never fetched by its SHA.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePageToken, filterHash } from '../../src/serve/pagination.js';
import { type Served, startMcpoServe } from '../support/mcpo.js';
import { TestRepo } from '../support/git-repo.js';
import { httpGitServer } from './_git-servers.js';
import { startServer } from '../../src/serve/server.js';
import { silentLogger } from '../../src/serve/log.js';
import { cleanupsAfterEach, NAMESPACE_DEFAULT, PRESET_NANO, template } from '../serve/_support.js';

const cleanups = cleanupsAfterEach();

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10 }));
  return dir;
}

/** `mcpo serve` on a URL with its own clone cache and a poll interval no test waits for. */
async function replica(url: string, extra: string[] = []): Promise<Served & { base: string }> {
  const served = await startMcpoServe([
    ...extra,
    '--repo',
    url,
    '--http-port',
    '0',
    '--poll-interval',
    '10m',
    '--cache-dir',
    tempDir('mcpo-replica-'),
    '--log-level',
    'debug',
  ]);
  cleanups.push(() => served.kill());
  const listening = served.logs().find((l) => l.msg === 'listening')!;
  return { ...served, base: `http://127.0.0.1:${listening.httpPort as number}` };
}

async function get(url: string): Promise<{ status: number; commit: string | null; body: any; ms: number }> {
  const started = performance.now();
  const res = await fetch(url);
  return { status: res.status, commit: res.headers.get('x-mcpo-commit'), body: await res.json(), ms: performance.now() - started };
}

/** A bare repository (what a git server holds) and a work tree that pushes to it. */
async function origin(): Promise<{ bare: TestRepo; work: TestRepo; push: (ref?: string) => void }> {
  const bare = await TestRepo.create({ bare: true, prefix: 'mcpo-origin-' });
  const work = await TestRepo.create();
  cleanups.push(
    () => bare.dispose(),
    () => work.dispose(),
  );
  work.git('remote', 'add', 'origin', bare.dir);
  return { bare, work, push: (ref = 'main') => void work.git('push', '--quiet', '--force', 'origin', `HEAD:refs/heads/${ref}`) };
}

describe('replicas', () => {
  it('a listing started on a replica that saw a new commit continues on one that has not polled since', async () => {
    const { bare, work, push } = await origin();
    work.writeAll({
      'resources/namespaces/default.yaml': NAMESPACE_DEFAULT,
      'resources/resource-limits/n1-standard-nano.yaml': PRESET_NANO,
      'resources/templates/default/a.yaml': template('a'),
      'resources/templates/default/c.yaml': template('c'),
    });
    const first = await work.commit('first');
    push();
    const late = await replica(bare.url);

    // A new commit lands; only the replica started after it has it.
    work.write('resources/templates/default/b.yaml', template('b'));
    work.write('resources/templates/default/d.yaml', template('d'));
    const second = await work.commit('second');
    push();
    const early = await replica(bare.url);

    const page1 = await get(`${early.base}/v1/templates?page_size=2`);
    expect(page1).toMatchObject({ status: 200, commit: second });
    expect(page1.body.templates.map((t: { name: string }) => t.name)).toEqual(['a', 'b']);
    expect((await get(`${late.base}/v1/templates`)).commit).toBe(first);

    const page2 = await get(`${late.base}/v1/templates?page_size=2&page_token=${page1.body.nextPageToken as string}`);
    expect(page2).toMatchObject({ status: 200, commit: second });
    expect(page2.body.templates.map((t: { name: string }) => t.name)).toEqual(['c', 'd']);
    expect(page2.body.totalCount).toBe(4);
    expect(page2.body.nextPageToken ?? '').toBe('');
    // Created_at agrees too: the same commit, read the same way.
    expect(page2.body.templates).toEqual((await get(`${early.base}/v1/templates?page_size=2&page_token=${page1.body.nextPageToken as string}`)).body.templates);
    // The late replica still serves its own head for new listings (it loaded `second` only for the token).
    expect(late.logs().some((l) => l.msg === 'loaded commit for a page token issued elsewhere' && l.commit === second)).toBe(true);

    // A token for a commit the branch does not contain: one on another branch of the origin, and one nobody has.
    work.git('checkout', '--quiet', '-b', 'other');
    work.write('resources/templates/default/x.yaml', template('x'));
    const offBranch = await work.commit('off the branch');
    push('other');
    const filters = filterHash('ListMcpTemplates', { namespace: '', resource_limit_name: '', label_selector: {} });
    for (const sha of [offBranch, 'f'.repeat(40), '0123456789abcdef'.repeat(4)]) {
      const token = encodePageToken({ sha, offset: 2, filters });
      const refused = await get(`${late.base}/v1/templates?page_size=2&page_token=${token}`);
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/^page token expired/);
      expect(refused.ms).toBeLessThan(3000);
      // Asked again at once: refused without another fetch.
      const again = await get(`${late.base}/v1/templates?page_size=2&page_token=${token}`);
      expect(again.status).toBe(400);
    }
    const refusedLogs = late.logs().filter((l) => l.msg === 'page token names a commit the followed branch does not contain; refused');
    expect(refusedLogs.map((l) => l.commit)).toEqual([offBranch, 'f'.repeat(40), '0123456789abcdef'.repeat(4)]);
  });

  it('made-up SHAs cost at most one fetch per 2 s; while the remote hangs a token is refused within the fetch timeout, and the replica keeps answering', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mcpo-http-root-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true, maxRetries: 10 }));
    const { work, push } = await origin();
    work.writeAll({ 'resources/namespaces/default.yaml': NAMESPACE_DEFAULT });
    const first = await work.commit('first');
    work.git('init', '--quiet', '--bare', join(root, 'config.git'));
    work.git('push', '--quiet', join(root, 'config.git'), 'HEAD:refs/heads/main');
    push();
    const http = await httpGitServer(root);
    cleanups.push(() => http.close());
    const r = await replica(http.url('config.git'), ['--fetch-timeout', '1s', '--branch', 'main']);
    const filtersOf = filterHash('ListNamespaces', { label_selector: {} });

    // A burst of tokens naming SHAs nobody has: refused, with at most one fetch per 2 s between them.
    const fetchesBefore = http.requests.filter((q) => q.includes('/info/refs')).length;
    const burstStarted = performance.now();
    for (let i = 0; i < 10; i++) {
      const token = encodePageToken({ sha: randomBytes(20).toString('hex'), offset: 1, filters: filtersOf });
      expect((await get(`${r.base}/v1/namespaces?page_token=${token}`)).status).toBe(400);
    }
    const burstMs = performance.now() - burstStarted;
    const fetches = http.requests.filter((q) => q.includes('/info/refs')).length - fetchesBefore;
    expect(fetches).toBeGreaterThanOrEqual(1);
    expect(fetches).toBeLessThanOrEqual(1 + Math.floor(burstMs / 2000));

    http.mode = 'hang';
    const filters = filterHash('ListNamespaces', { label_selector: {} });
    const refused = await get(`${r.base}/v1/namespaces?page_token=${encodePageToken({ sha: 'a'.repeat(40), offset: 1, filters })}`);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/^page token expired/);
    expect(refused.ms).toBeLessThan(5000);
    expect(await get(`${r.base}/v1/namespaces`)).toMatchObject({ status: 200, commit: first });
  });

  it('a token for a commit this server no longer keeps, still on the branch, is loaded again (a local repository, no fetch)', async () => {
    const repo = await TestRepo.create();
    cleanups.push(() => repo.dispose());
    repo.writeAll({ 'resources/namespaces/default.yaml': NAMESPACE_DEFAULT, 'resources/namespaces/tools.yaml': 'kind: Namespace\nname: tools\n' });
    const first = await repo.commit('first');
    const server = await startServer({ repo: repo.dir, port: 0, httpPort: 0, pollIntervalMs: 50, logger: silentLogger, retain: 1, buildWorker: null });
    cleanups.push(() => server.stop(0));
    const base = `http://127.0.0.1:${server.http!.port}`;
    const page1 = await get(`${base}/v1/namespaces?page_size=1`);
    expect(page1.body.namespaces.map((n: { name: string }) => n.name)).toEqual(['default']);
    repo.write('resources/namespaces/extra.yaml', 'kind: Namespace\nname: extra\n');
    await server.waitForCommit(await repo.commit('second'));
    expect(server.current().retained).not.toContain(first);

    const page2 = await get(`${base}/v1/namespaces?page_size=1&page_token=${page1.body.nextPageToken as string}`);
    expect(page2).toMatchObject({ status: 200, commit: first });
    expect(page2.body.namespaces.map((n: { name: string }) => n.name)).toEqual(['tools']);
    expect(page2.body.totalCount).toBe(2);
  });
});
