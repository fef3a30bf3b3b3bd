/**
 * The real server on a loopback port, over a real git repository, called by
 * an independent client (Python grpcio with stubs compiled from spec/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAME } from '../../src/spec/proto.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { silentLogger } from '../../src/serve/log.js';
import type { TestRepo } from '../support/git-repo.js';
import { clientPython, fakeSealed, PyClient, SETUP_TIMEOUT_MS, seededRepo, template } from './_support.js';

let repo: TestRepo;
let first: string;
let second: string;
let server: RunningServer;
let client: PyClient;

beforeAll(async () => {
  clientPython();
  ({ repo, first, second } = await seededRepo());
  // More templates for pagination: 12 in "bulk" namespace... kept in default to test filters.
  for (let i = 0; i < 12; i++) {
    repo.write(
      `resources/templates/default/bulk-${String(i).padStart(2, '0')}.yaml`,
      template(`bulk-${String(i).padStart(2, '0')}`, { labels: { app: 'bulk', env: i % 2 ? 'dev' : 'prod' } }),
    );
  }
  await repo.commit('bulk templates', { time: 1_700_172_800 });
  server = await startServer({ repo: repo.dir, port: 0, pollIntervalMs: 100, logger: silentLogger });
  client = new PyClient(`127.0.0.1:${server.port}`);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await client?.close();
  await server?.stop();
  repo?.dispose();
});

describe('reads', () => {
  it('GetMcpTemplate returns the template with resolved resources, created_at and the commit in metadata', async () => {
    const r = await client.call('GetMcpTemplate', { name: 'my-memory-server', namespace: 'default' });
    expect(r.code).toBe('OK');
    expect(r.metadata['x-mcpo-commit']).toBe(repo.head());
    const t = r.response.template;
    expect(t).toMatchObject({
      name: 'my-memory-server',
      namespace: 'default',
      image: 'node:24-alpine3.21',
      command: ['npx'],
      args: ['-y', '@modelcontextprotocol/server-memory'],
      env_vars: [{ name: 'NODE_ENV', value: 'production' }],
      labels: { app: 'mcp-server', env: 'prod' },
      resource_limit_name: 'n1-standard-nano',
      replicas: 1,
      transport: 'TRANSPORT_STDIO',
      port: 8000,
      path: '/mcp',
      resolved_requests: { cpu: '100m', memory: '256Mi' },
      resolved_limits: { cpu: '200m', memory: '512Mi' },
    });
    // int64 in proto3 JSON is a string; first commit's time.
    expect(Number(t.created_at)).toBe(1_700_000_000);
  });

  it('created_at is the time of the commit that added each file', async () => {
    const r = await client.call('GetMcpTemplate', { name: 'git', namespace: 'tools' });
    expect(Number(r.response.template.created_at)).toBe(1_700_086_400);
    expect(r.response.template.resolved_requests).toEqual({ cpu: '500m', memory: '1Gi' });
    expect(r.response.template.resolved_limits).toEqual({ cpu: '', memory: '' });
  });

  it('GetResourceLimit carries usage_count', async () => {
    const nano = await client.call('GetResourceLimit', { name: 'n1-standard-nano' });
    expect(nano.code).toBe('OK');
    expect(nano.response.resource_limit).toMatchObject({
      name: 'n1-standard-nano',
      limits: { cpu: '100m', memory: '256Mi', cpu_limit: '200m', memory_limit: '512Mi' },
      labels: { tier: 'small' },
      usage_count: 14,
    });
    expect(Number(nano.response.resource_limit.created_at)).toBe(1_700_000_000);
    const small = await client.call('GetResourceLimit', { name: 'n1-standard-small' });
    expect(small.response.resource_limit.usage_count).toBe(1);
  });

  it('GetNamespace carries template_count and secret_count', async () => {
    const r = await client.call('GetNamespace', { name: 'default' });
    expect(r.response.namespace).toMatchObject({ name: 'default', labels: { team: 'platform' }, template_count: 14, secret_count: 1 });
    const tools = await client.call('GetNamespace', { name: 'tools' });
    expect(tools.response.namespace).toMatchObject({ name: 'tools', display_name: 'Tools', template_count: 1, secret_count: 0 });
  });

  it('GetSecret returns keys, type, labels and created_at, never the sealed values', async () => {
    const r = await client.call('GetSecret', { name: 'db-credentials', namespace: 'default' });
    expect(r.code).toBe('OK');
    expect(r.response.secret).toEqual({
      name: 'db-credentials',
      namespace: 'default',
      type: 'SECRET_TYPE_BASIC_AUTH',
      labels: { app: 'db' },
      keys: ['password', 'username'],
      created_at: '1700086400',
    });
    const list = await client.call('ListSecrets', {});
    const text = JSON.stringify([r, list]);
    expect(text).not.toContain(fakeSealed(7).slice(0, 40));
    expect(text).not.toContain(fakeSealed(8).slice(0, 40));
    expect(text).not.toContain('sealed');
    expect(text).not.toContain('encrypted');
  });

  it('ListNamespaces and ListResourceLimits list everything sorted by name', async () => {
    const ns = await client.call('ListNamespaces', {});
    expect(ns.response.namespaces.map((n: { name: string }) => n.name)).toEqual(['default', 'tools']);
    expect(ns.response.total_count).toBe(2);
    expect(ns.response.next_page_token).toBe('');
    const rl = await client.call('ListResourceLimits', {});
    expect(rl.response.resource_limits.map((n: { name: string }) => n.name)).toEqual(['n1-standard-nano', 'n1-standard-small']);
  });

  it('ListSecrets filters by namespace', async () => {
    expect((await client.call('ListSecrets', { namespace: 'default' })).response.total_count).toBe(1);
    expect((await client.call('ListSecrets', { namespace: 'tools' })).response.total_count).toBe(0);
  });
});

describe('lists: pagination and filters', () => {
  async function listAll(request: Record<string, unknown>): Promise<{ names: string[]; pages: number; totals: number[]; commits: string[] }> {
    const names: string[] = [];
    const totals: number[] = [];
    const commits: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const r = await client.call('ListMcpTemplates', { ...request, page_token: token });
      expect(r.code, r.details).toBe('OK');
      names.push(...r.response.templates.map((t: { namespace: string; name: string }) => `${t.namespace}/${t.name}`));
      totals.push(r.response.total_count);
      commits.push(r.metadata['x-mcpo-commit']!);
      token = r.response.next_page_token;
      pages++;
    } while (token && pages < 100);
    return { names, pages, totals, commits };
  }

  it('pages to the end with total_count and next_page_token', async () => {
    const { names, pages, totals, commits } = await listAll({ page_size: 4 });
    expect(names).toHaveLength(15);
    expect(new Set(names).size).toBe(15);
    expect(names).toEqual([...names].sort());
    expect(pages).toBe(4);
    expect(new Set(totals)).toEqual(new Set([15]));
    expect(new Set(commits).size).toBe(1);
  });

  it('page_size 0 means 50 and sizes above 500 are clamped', async () => {
    const r = await client.call('ListMcpTemplates', { page_size: 0 });
    expect(r.response.templates).toHaveLength(15);
    expect(r.response.next_page_token).toBe('');
    const big = await client.call('ListMcpTemplates', { page_size: 100000 });
    expect(big.code).toBe('OK');
    expect(big.response.templates).toHaveLength(15);
    const negative = await client.call('ListMcpTemplates', { page_size: -1 });
    expect(negative.code).toBe('INVALID_ARGUMENT');
  });

  it('label_selector matches when every pair is present', async () => {
    const prod = await listAll({ label_selector: { env: 'prod' }, page_size: 3 });
    expect(prod.names).toEqual([
      'default/bulk-00',
      'default/bulk-02',
      'default/bulk-04',
      'default/bulk-06',
      'default/bulk-08',
      'default/bulk-10',
      'default/my-memory-server',
      'tools/git',
    ]);
    const both = await listAll({ label_selector: { env: 'prod', app: 'bulk' } });
    expect(both.names).toHaveLength(6);
    const none = await listAll({ label_selector: { env: 'prod', app: 'nothing' } });
    expect(none.names).toEqual([]);
    expect(none.totals).toEqual([0]);
    const ns = await client.call('ListNamespaces', { label_selector: { team: 'platform' } });
    expect(ns.response.namespaces.map((n: { name: string }) => n.name)).toEqual(['default']);
    const rl = await client.call('ListResourceLimits', { label_selector: { tier: 'small' } });
    expect(rl.response.resource_limits.map((n: { name: string }) => n.name)).toEqual(['n1-standard-nano']);
  });

  it('filters by namespace and resource_limit_name', async () => {
    expect((await listAll({ namespace: 'tools' })).names).toEqual(['tools/git']);
    expect((await listAll({ resource_limit_name: 'n1-standard-small' })).names).toEqual(['tools/git']);
    expect((await listAll({ namespace: 'default', resource_limit_name: 'n1-standard-small' })).names).toEqual([]);
  });

  it('a page token used with other filters is INVALID_ARGUMENT', async () => {
    const p1 = await client.call('ListMcpTemplates', { page_size: 2, namespace: 'default' });
    const token = p1.response.next_page_token;
    expect(token).not.toBe('');
    const changed = await client.call('ListMcpTemplates', { page_size: 2, namespace: 'tools', page_token: token });
    expect(changed.code).toBe('INVALID_ARGUMENT');
    expect(changed.details).toMatch(/other filters/);
    const labels = await client.call('ListMcpTemplates', { page_size: 2, namespace: 'default', label_selector: { a: 'b' }, page_token: token });
    expect(labels.code).toBe('INVALID_ARGUMENT');
    const otherMethod = await client.call('ListNamespaces', { page_token: token });
    expect(otherMethod.code).toBe('INVALID_ARGUMENT');
    // Same filters, other page size: fine.
    const same = await client.call('ListMcpTemplates', { page_size: 5, namespace: 'default', page_token: token });
    expect(same.code).toBe('OK');
    expect(same.response.templates[0].name).toBe('bulk-02');
  });

  it('a garbage page token is INVALID_ARGUMENT', async () => {
    const r = await client.call('ListMcpTemplates', { page_token: 'not-a-token' });
    expect(r.code).toBe('INVALID_ARGUMENT');
    expect(r.details).toMatch(/invalid page_token/);
  });
});

describe('errors', () => {
  it('Get of a missing resource is NOT_FOUND naming it', async () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ['GetMcpTemplate', { name: 'nope', namespace: 'default' }, /McpTemplate default\/nope not found/],
      ['GetResourceLimit', { name: 'nope' }, /ResourceLimit nope not found/],
      ['GetNamespace', { name: 'nope' }, /Namespace nope not found/],
      ['GetSecret', { name: 'nope', namespace: 'default' }, /Secret default\/nope not found/],
    ];
    for (const [method, request, message] of cases) {
      const r = await client.call(method, request);
      expect(r.code, method).toBe('NOT_FOUND');
      expect(r.details).toMatch(message);
      expect(r.metadata['x-mcpo-commit']).toBe(repo.head());
    }
  });

  it('an empty required name is INVALID_ARGUMENT', async () => {
    for (const method of ['GetMcpTemplate', 'GetResourceLimit', 'GetNamespace', 'GetSecret']) {
      const r = await client.call(method, {});
      expect(r.code, method).toBe('INVALID_ARGUMENT');
      expect(r.details).toMatch(/name is required/);
    }
    const r = await client.call('GetMcpTemplate', { name: 'git' });
    expect(r.details).toMatch(/namespace is required/);
  });

  it('every write is UNIMPLEMENTED and says which file to change, the mcpo command, and to open a pull request', async () => {
    const cases: [string, Record<string, unknown>, RegExp[]][] = [
      ['CreateMcpTemplate', { template: { name: 'new-one', namespace: 'default' } }, [/resources\/templates\/default\/new-one\.yaml/, /mcpo create -f/]],
      ['CreateMcpTemplate', { template: { name: 'git', namespace: 'tools' } }, [/resources\/templates\/tools\/git\.yaml/]],
      ['DeleteMcpTemplate', { name: 'git', namespace: 'tools' }, [/resources\/templates\/tools\/git\.yaml/, /mcpo delete template git -n tools/]],
      ['CreateNamespace', { namespace: { name: 'team-a' } }, [/resources\/namespaces\/team-a\.yaml/, /mcpo create -f/]],
      ['DeleteNamespace', { name: 'tools' }, [/resources\/namespaces\/tools\.yaml/, /mcpo delete namespace tools --force/, /1 template/]],
      [
        'CreateSecret',
        { name: 'api', namespace: 'default', data: { token: 'c2VjcmV0LXZhbHVl' } },
        [/resources\/secrets\/default\/api\.yaml/, /mcpo secret create api -n default/],
      ],
      [
        'UpdateSecret',
        { name: 'db-credentials', namespace: 'default', data: { password: 'c2VjcmV0LXZhbHVl' }, strategy: 'SECRET_UPDATE_STRATEGY_PATCH' },
        [/resources\/secrets\/default\/db-credentials\.yaml/, /mcpo secret update db-credentials -n default --strategy patch/],
      ],
      ['DeleteSecret', { name: 'db-credentials', namespace: 'default' }, [/mcpo delete secret db-credentials -n default/]],
      ['CreateResourceLimit', { resource_limit: { name: 'n2-large' } }, [/resources\/resource-limits\/n2-large\.yaml/, /mcpo create -f/]],
      [
        'DeleteResourceLimit',
        { name: 'n1-standard-nano' },
        [/resources\/resource-limits\/n1-standard-nano\.yaml/, /mcpo delete resourcelimit n1-standard-nano --force/, /14 template\(s\) use it/],
      ],
      ['DeleteResourceLimit', { name: 'unused-one' }, [/mcpo delete resourcelimit unused-one`/]],
    ];
    for (const [method, request, patterns] of cases) {
      const r = await client.call(method, request);
      expect(r.code, method).toBe('UNIMPLEMENTED');
      expect(r.details, method).toMatch(/read-only/);
      expect(r.details, method).toMatch(/open a pull request/);
      for (const p of patterns) expect(r.details, method).toMatch(p);
      // Values sent with secret writes are never echoed.
      expect(r.details).not.toContain('c2VjcmV0LXZhbHVl');
      expect(r.metadata['x-mcpo-commit'], method).toBe(repo.head());
    }
  });

  it('McpServer calls are UNAVAILABLE without a cluster, and the rest keeps working', async () => {
    for (const [method, request] of [
      ['GetMcpServer', { name: 'x', namespace: 'default' }],
      ['ListMcpServers', { namespace: 'default' }],
    ] as const) {
      const r = await client.call(method, request);
      expect(r.code, method).toBe('UNAVAILABLE');
      expect(r.details).toMatch(/no cluster configured: pass --kubeconfig/);
    }
    expect((await client.call('ListNamespaces', {})).code).toBe('OK');
  });
});

describe('health', () => {
  it('reports SERVING for the server, the service and the reload state', async () => {
    for (const service of ['', SERVICE_NAME, 'mcpo.reload']) {
      const r = await client.call('grpc.health.v1.Health/Check', { service });
      expect(r.code, service).toBe('OK');
      expect(r.response.status, service).toBe('SERVING');
    }
    const unknown = await client.call('grpc.health.v1.Health/Check', { service: 'nope' });
    expect(unknown.code).toBe('NOT_FOUND');
  });

  it('current() tells the served commit and what was kept', () => {
    const state = server.current();
    expect(state.sha).toBe(repo.head());
    expect(state.reloadError).toBeUndefined();
    expect(state.counts).toEqual({ templates: 15, presets: 2, namespaces: 2, secrets: 1 });
    expect(first).not.toBe(second);
  });
});
