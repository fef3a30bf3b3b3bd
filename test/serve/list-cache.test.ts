/**
 * List answers are made once per snapshot, filter, page size and token, and
 * kept (src/serve/page-cache.ts); Get answers are their template's cached
 * bytes; a reload reuses the previous snapshot's unchanged messages. What a
 * client must never see from that: an answer of another commit, a stale
 * message after a change (also one that only changes through a preset), or
 * bytes other than a fresh encoding. And the cache must stay within its
 * budget whatever filters callers send.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:http2';
import { silentLogger } from '../../src/serve/log.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { loadSpec, PROTO_PACKAGE } from '../../src/spec/proto.js';
import type { TestRepo } from '../support/git-repo.js';
import { cleanupsAfterEach, clientPython, PRESET_NANO, PyClient, SETUP_TIMEOUT_MS, seededRepo, template } from './_support.js';

const cleanups = cleanupsAfterEach();

beforeAll(() => {
  clientPython();
}, SETUP_TIMEOUT_MS);

async function serve(opts: { pageCache?: { maxEntries?: number; maxItems?: number } } = {}): Promise<{
  repo: TestRepo;
  server: RunningServer;
  client: PyClient;
  base: string;
}> {
  const { repo } = await seededRepo();
  cleanups.push(() => repo.dispose());
  const server = await startServer({ repo: repo.dir, port: 0, httpPort: 0, pollIntervalMs: 50, logger: silentLogger, pageCache: opts.pageCache });
  const client = new PyClient(`127.0.0.1:${server.port}`);
  cleanups.push(
    () => server.stop(),
    () => client.close(),
  );
  return { repo, server, client, base: `http://127.0.0.1:${server.http!.port}` };
}

type Template = { name: string; namespace: string; image: string; resolved_limits: { cpu: string; memory: string } };

describe('kept list answers', () => {
  it('after a reload the same call answers from the new commit, and a page token of the old commit still continues on it', async () => {
    const { repo, server, client, base } = await serve();
    const first = { page_size: 2 };
    const a1 = await client.call('ListMcpTemplates', first);
    const a2 = await client.call('ListMcpTemplates', first); // now from the cache
    expect(a2.response).toEqual(a1.response);
    const oldSha = a1.metadata['x-mcpo-commit']!;
    expect(a2.metadata['x-mcpo-commit']).toBe(oldSha);
    const http1 = await fetch(`${base}/v1/templates?pageSize=2`);
    expect(http1.headers.get('etag')).toBe(`"${oldSha}"`);

    // Change a template of the first page: its image, and a new one sorting first.
    repo.write(
      'resources/templates/default/fetch.yaml',
      template('fetch', { labels: { app: 'fetch', env: 'dev' } }).replace('node:24-alpine3.21', 'node:25-alpine'),
    );
    repo.write('resources/templates/default/aaa.yaml', template('aaa'));
    const newSha = await repo.commit('change fetch, add aaa');
    await server.waitForCommit(newSha);

    const b = await client.call('ListMcpTemplates', first);
    expect(b.metadata['x-mcpo-commit']).toBe(newSha);
    expect(b.response.total_count).toBe(a1.response.total_count + 1);
    expect((b.response.templates as Template[]).map((t) => `${t.namespace}/${t.name}:${t.image}`)).toEqual([
      'default/aaa:node:24-alpine3.21',
      'default/fetch:node:25-alpine',
    ]);
    const http2 = await fetch(`${base}/v1/templates?pageSize=2`);
    expect(http2.headers.get('etag')).toBe(`"${newSha}"`);
    const body = (await http2.json()) as { templates: { name: string; image: string }[] };
    expect(body.templates.map((t) => `${t.name}:${t.image}`)).toEqual(['aaa:node:24-alpine3.21', 'fetch:node:25-alpine']);

    // The old listing goes on on its own commit, twice the same (the second from the cache).
    for (let i = 0; i < 2; i++) {
      const next = await client.call('ListMcpTemplates', { ...first, page_token: a1.response.next_page_token });
      expect(next.ok, next.details).toBe(true);
      expect(next.metadata['x-mcpo-commit']).toBe(oldSha);
      expect((next.response.templates as Template[]).map((t) => `${t.namespace}/${t.name}`)).toEqual(['tools/git']);
    }
    // A Get of the changed template is the new message, not the previous snapshot's bytes.
    const got = await client.call('GetMcpTemplate', { namespace: 'default', name: 'fetch' });
    expect(got.response.template.image).toBe('node:25-alpine');
  });

  it('a preset change reaches every template that uses it, in Get and List, over gRPC and HTTP', async () => {
    const { repo, server, client, base } = await serve();
    const before = await client.call('GetMcpTemplate', { namespace: 'default', name: 'my-memory-server' });
    expect(before.response.template.resolved_limits).toEqual({ cpu: '200m', memory: '512Mi' });
    await client.call('ListMcpTemplates', {});
    await fetch(`${base}/v1/templates`);

    repo.write('resources/resource-limits/n1-standard-nano.yaml', PRESET_NANO.replace('cpu_limit: 200m', 'cpu_limit: 300m'));
    const sha = await repo.commit('raise the nano cpu limit');
    await server.waitForCommit(sha);

    const got = await client.call('GetMcpTemplate', { namespace: 'default', name: 'my-memory-server' });
    expect(got.response.template.resolved_limits).toEqual({ cpu: '300m', memory: '512Mi' });
    const listed = await client.call('ListMcpTemplates', {});
    const limits = Object.fromEntries((listed.response.templates as Template[]).map((t) => [t.name, t.resolved_limits.cpu]));
    // git uses the small preset (no cpu limit): unchanged.
    expect(limits).toEqual({ fetch: '300m', 'my-memory-server': '300m', git: '' });
    const body = (await (await fetch(`${base}/v1/templates`)).json()) as { templates: { name: string; resolvedLimits?: { cpu?: string } }[] };
    expect(Object.fromEntries(body.templates.map((t) => [t.name, t.resolvedLimits?.cpu ?? '']))).toEqual(limits);
  });

  it('stays within its budget under many distinct filters and page sizes, and every answer is still right', async () => {
    const { server, client } = await serve({ pageCache: { maxEntries: 16, maxItems: 40 } });
    for (let i = 0; i < 120; i++) {
      // Distinct selectors (none matches), and distinct page sizes of the full listing.
      const none = await client.call('ListMcpTemplates', { label_selector: { app: `nothing-${i}` } });
      expect(none.response.total_count ?? 0).toBe(0);
      const all = await client.call('ListMcpTemplates', { page_size: 1 + (i % 7) });
      expect(all.response.total_count).toBe(3);
      expect(all.response.templates.length).toBe(Math.min(3, 1 + (i % 7)));
      const cached = server.current().cachedAnswers;
      expect(cached.entries).toBeLessThanOrEqual(16);
      expect(cached.items).toBeLessThanOrEqual(40);
    }
    expect(server.current().cachedAnswers.entries).toBeGreaterThan(0);
  });

  it('the bytes on the wire, first and kept, are a fresh protobuf encoding of the answer', async () => {
    const { server } = await serve();
    const root = loadSpec();
    for (const [method, request, type] of [
      ['ListMcpTemplates', { page_size: 2 }, 'McpTemplates'],
      ['GetMcpTemplate', { namespace: 'tools', name: 'git' }, 'McpTemplate'],
      ['ListSecrets', {}, 'Secrets'],
      ['ListResourceLimits', { page_size: 1 }, 'ResourceLimits'],
    ] as const) {
      const Req = root.lookupType(`${PROTO_PACKAGE}.${method}Request`);
      const Res = root.lookupType(`${PROTO_PACKAGE}.${method}Response`);
      const sent: Buffer[] = [];
      for (let i = 0; i < 2; i++) sent.push(await rawCall(server.port, method, Buffer.from(Req.encode(Req.fromObject(request)).finish())));
      expect(sent[1], `${method}: the kept answer`).toEqual(sent[0]);
      const fresh = Buffer.from(Res.encode(Res.decode(sent[0]!)).finish());
      expect(sent[0], `${method} (${type})`).toEqual(fresh);
      expect(sent[0]!.length).toBeGreaterThan(10);
    }
  });
});

/** One unary call over a bare HTTP/2 connection; the response message's bytes as sent. */
async function rawCall(port: number, method: string, message: Buffer): Promise<Buffer> {
  const session = connect(`http://127.0.0.1:${port}`);
  try {
    const frame = Buffer.alloc(5 + message.length);
    frame.writeUInt32BE(message.length, 1);
    message.copy(frame, 5);
    const stream = session.request({
      ':method': 'POST',
      ':path': `/mcp.orchestrator.v1.McpOrchestratorService/${method}`,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    stream.end(frame);
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const status = await new Promise<string | undefined>((resolve, reject) => {
      stream.on('trailers', (t) => resolve(String(t['grpc-status'])));
      stream.on('error', reject);
    });
    await new Promise((r) => stream.on('close', r));
    expect(status).toBe('0');
    const body = Buffer.concat(chunks);
    expect(body.readUInt32BE(1)).toBe(body.length - 5);
    return body.subarray(5);
  } finally {
    session.close();
  }
}
