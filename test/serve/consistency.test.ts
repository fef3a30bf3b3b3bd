/**
 * Reloads under load: commits land in the followed repository while
 * independent clients page through lists. No call fails, no listing mixes
 * two commits, a bad commit keeps the last good one (and says so), and page
 * tokens outlive a reload until their snapshot is evicted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAME } from '../../src/spec/proto.js';
import { silentLogger } from '../../src/serve/log.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import type { TestRepo } from '../support/git-repo.js';
import { clientPython, PyClient, SETUP_TIMEOUT_MS, seededRepo, template, cleanupsAfterEach } from './_support.js';

const cleanups = cleanupsAfterEach();

beforeAll(() => {
  clientPython();
}, SETUP_TIMEOUT_MS);

async function serve(repo: TestRepo, opts: { retain?: number } = {}): Promise<{ server: RunningServer; client: PyClient }> {
  const server = await startServer({ repo: repo.dir, port: 0, pollIntervalMs: 50, logger: silentLogger, retain: opts.retain });
  const client = new PyClient(`127.0.0.1:${server.port}`);
  cleanups.push(
    () => server.stop(),
    () => client.close(),
  );
  return { server, client };
}

async function repoFixture(): Promise<TestRepo> {
  const { repo } = await seededRepo();
  cleanups.push(() => repo.dispose());
  return repo;
}

interface Listing {
  names: string[];
  commits: Set<string>;
  totals: Set<number>;
  failures: string[];
  calls: number;
}

async function listAll(client: PyClient, pageSize: number): Promise<Listing> {
  const listing: Listing = { names: [], commits: new Set(), totals: new Set(), failures: [], calls: 0 };
  let token = '';
  do {
    const r = await client.call('ListMcpTemplates', { page_size: pageSize, page_token: token });
    listing.calls++;
    if (!r.ok) {
      listing.failures.push(`${r.code}: ${r.details}`);
      break;
    }
    listing.commits.add(r.metadata['x-mcpo-commit']!);
    listing.totals.add(r.response.total_count);
    listing.names.push(...r.response.templates.map((t: { namespace: string; name: string }) => `${t.namespace}/${t.name}`));
    token = r.response.next_page_token;
  } while (token);
  return listing;
}

describe('reloads while clients page through lists', () => {
  it('no failed call and no listing that mixes two commits', async () => {
    const repo = await repoFixture();
    const { server } = await serve(repo);
    const clients = [0, 1, 2].map(() => new PyClient(`127.0.0.1:${server.port}`));
    cleanups.push(async () => {
      for (const c of clients) await c.close();
    });
    // Warm up (Python start-up is not part of the measurement).
    await Promise.all(clients.map((c) => c.call('ListNamespaces', {})));

    // Template count per commit, to check each listing against its own commit.
    const countAt = new Map<string, number>([[repo.head(), 3]]);
    const stopAt = Date.now() + 2500;
    let committing = true;
    const writer = (async () => {
      let i = 0;
      while (Date.now() < stopAt) {
        repo.write(`resources/templates/default/added-${i}.yaml`, template(`added-${i}`));
        const sha = await repo.commit(`add ${i}`);
        countAt.set(sha, 4 + i);
        i++;
        await new Promise((r) => setTimeout(r, 150));
      }
      committing = false;
      return i;
    })();
    // Bounded: each client stops after the commits end or 1000 calls, whichever comes first.
    const readers = clients.map(async (client) => {
      const listings: Listing[] = [];
      let calls = 0;
      while ((committing || listings.length === 0) && calls < 1000) {
        const l = await listAll(client, 2);
        calls += l.calls;
        listings.push(l);
      }
      return listings;
    });
    const commits = await writer;
    const listings = (await Promise.all(readers)).flat();

    const calls = listings.reduce((n, l) => n + l.calls, 0);
    const failures = listings.flatMap((l) => l.failures);
    expect(failures).toEqual([]);
    // Loose lower bounds: the machine may be busy with other work.
    expect(commits).toBeGreaterThanOrEqual(5);
    expect(calls).toBeGreaterThan(100);
    const seen = new Set<string>();
    for (const l of listings) {
      expect(l.commits.size, 'commits within one listing').toBe(1);
      const [sha] = [...l.commits];
      seen.add(sha!);
      expect(l.totals.size).toBe(1);
      expect(l.names.length).toBe([...l.totals][0]);
      expect(new Set(l.names).size).toBe(l.names.length);
      expect(l.names.length, `templates at ${sha}`).toBe(countAt.get(sha!));
    }
    // The listings saw the reloads happen.
    expect(seen.size).toBeGreaterThan(2);
    await server.waitForCommit(repo.head());
    expect(server.current().sha).toBe(repo.head());
    process.stderr.write(`[consistency] ${calls} calls in ${listings.length} listings over ${commits} commits, ${seen.size} commits seen, 0 failures\n`);
  }, 30_000);
});

describe('a bad commit', () => {
  it('keeps the last good commit and says so in health, metadata and state; a fix clears it', async () => {
    const repo = await repoFixture();
    const { server, client } = await serve(repo);
    const good = repo.head();

    repo.write('resources/templates/default/broken.yaml', 'kind: McpTemplate\nname: broken\n  bad: [indentation\n');
    const bad = await repo.commit('break it');
    const state = await server.waitForCommit(bad);
    expect(state.sha).toBe(good);
    expect(state.head).toBe(bad);
    expect(state.reloadError?.sha).toBe(bad);
    expect(state.reloadError?.diagnostics[0]).toMatchObject({ file: 'resources/templates/default/broken.yaml', severity: 'error' });

    const r = await client.call('ListMcpTemplates', {});
    expect(r.code).toBe('OK');
    expect(r.metadata['x-mcpo-commit']).toBe(good);
    expect(r.response.total_count).toBe(3);
    expect(r.metadata['x-mcpo-reload-error']).toMatch(new RegExp(`^${bad}: \\d+ error\\(s\\); first: resources/templates/default/broken\\.yaml:\\d+`));

    expect((await client.call('grpc.health.v1.Health/Check', { service: '' })).response.status).toBe('SERVING');
    expect((await client.call('grpc.health.v1.Health/Check', { service: SERVICE_NAME })).response.status).toBe('SERVING');
    expect((await client.call('grpc.health.v1.Health/Check', { service: 'mcpo.reload' })).response.status).toBe('NOT_SERVING');

    repo.remove('resources/templates/default/broken.yaml');
    repo.write('resources/templates/default/fixed.yaml', template('fixed'));
    const fixed = await repo.commit('fix it');
    const after = await server.waitForCommit(fixed);
    expect(after.sha).toBe(fixed);
    expect(after.reloadError).toBeUndefined();
    const r2 = await client.call('ListMcpTemplates', {});
    expect(r2.metadata['x-mcpo-commit']).toBe(fixed);
    expect(r2.metadata['x-mcpo-reload-error']).toBeUndefined();
    expect(r2.response.total_count).toBe(4);
    expect((await client.call('grpc.health.v1.Health/Check', { service: 'mcpo.reload' })).response.status).toBe('SERVING');
  });

  it('a server whose first commit is invalid is NOT_SERVING and answers UNAVAILABLE until a good commit', async () => {
    const repo = await repoFixture();
    repo.write('resources/templates/default/broken.yaml', 'kind: McpTemplate\nname: broken\nimage: 5\n');
    const bad = await repo.commit('broken from the start');
    const { server, client } = await serve(repo);
    expect(server.current()).toMatchObject({ sha: undefined, head: bad });
    expect((await client.call('grpc.health.v1.Health/Check', { service: '' })).response.status).toBe('NOT_SERVING');
    const r = await client.call('GetNamespace', { name: 'default' });
    expect(r.code).toBe('UNAVAILABLE');
    expect(r.details).toMatch(new RegExp(`no valid commit loaded yet: commit ${bad.slice(0, 12)}`));
    expect(r.metadata['x-mcpo-reload-error']).toContain(bad);

    repo.remove('resources/templates/default/broken.yaml');
    const fixed = await repo.commit('fix');
    await server.waitForCommit(fixed);
    expect((await client.call('grpc.health.v1.Health/Check', { service: '' })).response.status).toBe('SERVING');
    expect((await client.call('GetNamespace', { name: 'default' })).code).toBe('OK');
  });
});

describe('page tokens across reloads', () => {
  it('continue on the commit they started on', async () => {
    const repo = await repoFixture();
    const { server, client } = await serve(repo);
    const start = repo.head();
    const p1 = await client.call('ListMcpTemplates', { page_size: 2 });
    expect(p1.metadata['x-mcpo-commit']).toBe(start);

    repo.remove('resources/templates/tools/git.yaml');
    const next = await repo.commit('remove tools/git');
    await server.waitForCommit(next);

    const p2 = await client.call('ListMcpTemplates', { page_size: 2, page_token: p1.response.next_page_token });
    expect(p2.code).toBe('OK');
    expect(p2.metadata['x-mcpo-commit']).toBe(start);
    expect(p2.response.templates.map((t: { name: string }) => `${t.name}`)).toEqual(['git']);
    expect(p2.response.total_count).toBe(3);
    // A new listing reads the new commit.
    const fresh = await client.call('ListMcpTemplates', { page_size: 2 });
    expect(fresh.metadata['x-mcpo-commit']).toBe(next);
    expect(fresh.response.total_count).toBe(2);
  });

  it('expire with a clear error once their snapshot is no longer kept', async () => {
    const repo = await repoFixture();
    const { server, client } = await serve(repo, { retain: 2 });
    const p1 = await client.call('ListNamespaces', { page_size: 1 });
    for (let i = 0; i < 2; i++) {
      repo.write(`resources/namespaces/extra-${i}.yaml`, `kind: Namespace\nname: extra-${i}\n`);
      await server.waitForCommit(await repo.commit(`extra ${i}`));
    }
    // A commit the branch still contains is loaded again on demand (replicas: test/deploy/replicas.test.ts); rewrite the history so it is gone.
    repo.git('checkout', '--quiet', '--orphan', 'rewritten');
    await server.waitForCommit(await repo.commit('rewritten'));
    expect(server.current().retained).toHaveLength(2);
    const p2 = await client.call('ListNamespaces', { page_size: 1, page_token: p1.response.next_page_token });
    expect(p2.code).toBe('FAILED_PRECONDITION');
    expect(p2.details).toMatch(/page token expired.*restart the listing/);
  });
});
