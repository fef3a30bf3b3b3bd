/**
 * The HTTP/JSON face of `mcpo serve --http-port`, as a user meets it: the
 * real CLI in its own process, called with curl and fetch, next to the gRPC
 * port of the same process (grpcurl for the page-token round trip).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/serve/log.js';
import { startServer } from '../../src/serve/server.js';
import { REPO_ROOT } from '../support/build.js';
import { type Served, startMcpoServe } from '../support/mcpo.js';
import type { TestRepo } from '../support/git-repo.js';
import { goTool, INSTALL_TIMEOUT_MS } from '../tools/tools.js';
import { cleanupsAfterEach, fakeSealed, seededRepo, template, until } from './_support.js';
import { selfSignedLocalhost } from '../support/tls.js';

const cleanups = cleanupsAfterEach();
let grpcurl: string;

beforeAll(() => {
  grpcurl = goTool('grpcurl');
}, INSTALL_TIMEOUT_MS);

interface HttpServed extends Served {
  base: string;
}

/** `mcpo serve --port 0 --http-port 0 ...`; the HTTP port is in the "listening" log line. */
async function serve(args: string[]): Promise<HttpServed> {
  const served = await startMcpoServe(['--http-port', '0', ...args]);
  cleanups.push(() => served.kill());
  const listening = served.logs().find((l) => l.msg === 'listening')!;
  const scheme = args.includes('--tls-cert') ? 'https' : 'http';
  return { ...served, base: `${scheme}://${scheme === 'https' ? 'localhost' : '127.0.0.1'}:${listening.httpPort as number}` };
}

async function seeded(): Promise<{ repo: TestRepo; first: string; second: string }> {
  const s = await seededRepo();
  cleanups.push(() => s.repo.dispose());
  return s;
}

interface CurlResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** curl as a user types it (-g: `[key]` in a query is not a curl glob). */
function curl(...args: string[]): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '-g', '-i', ...args], { encoding: 'utf8', timeout: 30_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`curl ${args.join(' ')} failed: ${stderr}`));
      // The last header block (after any 100 Continue).
      const blocks = stdout.split('\r\n\r\n');
      let i = 0;
      while (blocks[i + 1] !== undefined && /^HTTP\/[\d.]+ 100/.test(blocks[i]!)) i++;
      const [statusLine, ...lines] = blocks[i]!.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const c = l.indexOf(':');
        headers[l.slice(0, c).toLowerCase()] = l.slice(c + 1).trim();
      }
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: blocks.slice(i + 1).join('\r\n\r\n') });
    });
  });
}

function grpcurlCall(port: number, method: string, request: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(
      grpcurl,
      ['-plaintext', '-d', JSON.stringify(request), `127.0.0.1:${port}`, `mcp.orchestrator.v1.McpOrchestratorService/${method}`],
      { encoding: 'utf8', timeout: 30_000 },
      (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(JSON.parse(stdout) as Record<string, unknown>)),
    );
  });
}

describe('mcpo serve --http-port', () => {
  it('answers the README examples against this repository', async () => {
    const s = await serve(['--repo', REPO_ROOT]);
    const list = await curl(`${s.base}/v1/templates`);
    expect(list.status).toBe(200);
    expect(list.headers['content-type']).toBe('application/json');
    expect((JSON.parse(list.body) as { templates: { name: string }[] }).templates.map((t) => t.name)).toContain('my-memory-server');

    const preset = await curl(`${s.base}/v1/resource-limits/n1-standard-nano`);
    expect(JSON.parse(preset.body)).toMatchObject({ resourceLimit: { name: 'n1-standard-nano', usageCount: 1 } });

    const secret = JSON.parse((await curl(`${s.base}/v1/namespaces/default/secrets/db-credentials`)).body) as { secret: Record<string, unknown> };
    expect(secret.secret.keys).toEqual(['password', 'username']);
  });

  it('serves the seed in the proto3 JSON mapping with the commit as header and ETag', async () => {
    const { repo } = await seeded();
    const s = await serve(['--repo', repo.dir]);
    const list = await curl(`${s.base}/v1/templates`);
    expect(list.status).toBe(200);
    expect(list.headers['x-mcpo-commit']).toBe(repo.head());
    expect(list.headers.etag).toBe(`"${repo.head()}"`);
    const body = JSON.parse(list.body) as { templates: Record<string, unknown>[]; totalCount: number };
    expect(body.totalCount).toBe(3);
    expect(body.templates.map((t) => `${t.namespace as string}/${t.name as string}`)).toEqual(['default/fetch', 'default/my-memory-server', 'tools/git']);
    // lowerCamelCase names, int64 as a string, enums by name.
    expect(body.templates[1]).toMatchObject({ resourceLimitName: 'n1-standard-nano', envVars: [{ name: 'NODE_ENV', value: 'production' }] });
    expect(typeof body.templates[1]!.createdAt).toBe('string');
    expect(body.templates[1]!.transport).toMatch(/^TRANSPORT_[A-Z]+$/);
    expect(Object.keys(body.templates[1]!).some((k) => k.includes('_'))).toBe(false);

    const small = JSON.parse((await curl(`${s.base}/v1/resource-limits/n1-standard-small`)).body);
    expect(small).toMatchObject({ resourceLimit: { name: 'n1-standard-small', usageCount: 1 } });

    const secret = await curl(`${s.base}/v1/namespaces/default/secrets/db-credentials`);
    expect(JSON.parse(secret.body)).toMatchObject({ secret: { name: 'db-credentials', keys: ['password', 'username'] } });
    expect(secret.body).not.toContain(fakeSealed(7).slice(0, 40));
    expect(secret.body).not.toMatch(/encrypted|ciphertext|"data"|"value"/i);

    // The same commit: 304 without a body; a stale ETag: the answer.
    const cached = await curl('-H', `If-None-Match: "${repo.head()}"`, `${s.base}/v1/templates`);
    expect(cached.status).toBe(304);
    expect(cached.body).toBe('');
    expect(cached.headers.etag).toBe(`"${repo.head()}"`);
    expect((await curl('-H', 'If-None-Match: "0000000000000000000000000000000000000000"', `${s.base}/v1/templates`)).status).toBe(200);
  });

  it('answers every GET with what grpcurl (Go protojson) prints for the same RPC over gRPC', async () => {
    const { repo } = await seeded();
    const s = await serve(['--repo', repo.dir]);
    const pairs: [string, string, object][] = [
      ['/v1/namespaces/default/templates/my-memory-server', 'GetMcpTemplate', { namespace: 'default', name: 'my-memory-server' }],
      ['/v1/templates?page_size=2', 'ListMcpTemplates', { page_size: 2 }],
      ['/v1/namespaces/tools/templates', 'ListMcpTemplates', { namespace: 'tools' }],
      ['/v1/resource-limits/n1-standard-nano', 'GetResourceLimit', { name: 'n1-standard-nano' }],
      ['/v1/resource-limits', 'ListResourceLimits', {}],
      ['/v1/namespaces/tools', 'GetNamespace', { name: 'tools' }],
      ['/v1/namespaces', 'ListNamespaces', {}],
      ['/v1/namespaces/default/secrets/db-credentials', 'GetSecret', { namespace: 'default', name: 'db-credentials' }],
      ['/v1/secrets?label_selector[app]=db', 'ListSecrets', { label_selector: { app: 'db' } }],
    ];
    for (const [path, method, request] of pairs) {
      const http = await curl(`${s.base}${path}`);
      expect(http.status, path).toBe(200);
      expect(JSON.parse(http.body), path).toEqual(await grpcurlCall(s.port, method, request));
    }
  });

  it('answers errors as google.rpc.Status JSON with grpc-gateway HTTP codes, and writes 501 with their guidance', async () => {
    const { repo } = await seeded();
    const s = await serve(['--repo', repo.dir, '--log-level', 'debug']);
    const missing = await curl(`${s.base}/v1/namespaces/default/templates/nope`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({ code: 5, message: 'McpTemplate default/nope not found' });
    expect(missing.headers['x-mcpo-commit']).toBe(repo.head());
    expect(missing.headers.etag).toBeUndefined();

    const write = await curl('-X', 'POST', '-H', 'Content-Type: application/json', '-d', '{"name":"new-one"}', `${s.base}/v1/namespaces/default/templates`);
    expect(write.status).toBe(501);
    const status = JSON.parse(write.body) as { code: number; message: string };
    expect(status.code).toBe(12);
    expect(status.message).toContain('mcpo serve is read-only');
    expect(status.message).toContain('mcpo create -f resources/templates/default/new-one.yaml');

    // The secret's value in a write body is never echoed or logged.
    const update = await curl(
      '-X',
      'PATCH',
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"data":{"password":"cGxhaW50ZXh0LXBhc3N3b3Jk"}}',
      `${s.base}/v1/namespaces/default/secrets/db-credentials`,
    );
    expect(update.status).toBe(501);
    expect(update.body).not.toContain('cGxhaW50ZXh0LXBhc3N3b3Jk');
    expect(s.stderr()).not.toContain('cGxhaW50ZXh0LXBhc3N3b3Jk');
    expect(s.logs().find((l) => l.method === 'UpdateSecret')).toMatchObject({ transport: 'http', verb: 'PATCH', code: 'UNIMPLEMENTED' });

    const bad = await curl(`${s.base}/v1/templates?page_size=many`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ code: 3, message: 'page_size: expected an integer (int32)' });
    const typo = await curl(`${s.base}/v1/templates?pagesize=1`);
    expect(typo.status).toBe(400);
    expect(JSON.parse(typo.body).message).toMatch(/unknown query parameter "pagesize"/);

    const nowhere = await curl(`${s.base}/v2/nothing`);
    expect(nowhere.status).toBe(404);
    expect(JSON.parse(nowhere.body)).toMatchObject({ code: 5 });
    expect(nowhere.headers['content-type']).toBe('application/json');
    expect(nowhere.headers['x-mcpo-commit']).toBe(repo.head());

    const wrong = await curl('-X', 'PUT', `${s.base}/v1/templates`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, HEAD');
    expect(JSON.parse(wrong.body)).toMatchObject({ code: 12 });

    const dir = mkdtempSync(join(tmpdir(), 'mcpo-http-big-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'body.json'), `{"name":"${'x'.repeat(1024 * 1024 + 10)}"}`);
    const big = await curl('-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', `@${join(dir, 'body.json')}`, `${s.base}/v1/namespaces`);
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ code: 8 });
  });

  it('pages with pageSize/pageToken, and a page token continues across gRPC and HTTP both ways', async () => {
    const { repo } = await seeded();
    const s = await serve(['--repo', repo.dir]);
    const names: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const r = await curl(`${s.base}/v1/templates?pageSize=1${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`);
      expect(r.status).toBe(200);
      const page = JSON.parse(r.body) as { templates: { name: string }[]; nextPageToken?: string; totalCount: number };
      expect(page.totalCount).toBe(3);
      names.push(...page.templates.map((t) => t.name));
      token = page.nextPageToken ?? '';
      pages++;
    } while (token && pages < 10);
    expect(names).toEqual(['fetch', 'my-memory-server', 'git']);

    // gRPC first page → HTTP second page.
    const first = await grpcurlCall(s.port, 'ListMcpTemplates', { page_size: 1 });
    const second = JSON.parse((await curl(`${s.base}/v1/templates?page_size=1&page_token=${first.nextPageToken as string}`)).body);
    expect(second.templates.map((t: { name: string }) => t.name)).toEqual(['my-memory-server']);
    // HTTP page → gRPC next page.
    const third = await grpcurlCall(s.port, 'ListMcpTemplates', { page_size: 1, page_token: second.nextPageToken });
    expect((third.templates as { name: string }[]).map((t) => t.name)).toEqual(['git']);
    expect(third.nextPageToken).toBeUndefined();

    // A token is bound to its filters over HTTP as over gRPC.
    const other = await curl(`${s.base}/v1/namespaces/tools/templates?page_size=1&page_token=${first.nextPageToken as string}`);
    expect(other.status).toBe(400);
  });

  it('filters by label selector (grpc-gateway map syntax) and by the namespace in the path', async () => {
    const { repo } = await seeded();
    const s = await serve(['--repo', repo.dir]);
    const names = async (url: string): Promise<string[]> => {
      const r = await curl(url);
      expect(r.status, r.body).toBe(200);
      return ((JSON.parse(r.body) as { templates?: { name: string }[] }).templates ?? []).map((t) => t.name);
    };
    expect(await names(`${s.base}/v1/templates?label_selector[app]=fetch`)).toEqual(['fetch']);
    expect(await names(`${s.base}/v1/templates?labelSelector[env]=prod`)).toEqual(['my-memory-server', 'git']);
    expect(await names(`${s.base}/v1/templates?label_selector%5Benv%5D=prod&label_selector%5Bapp%5D=git`)).toEqual(['git']);
    expect(await names(`${s.base}/v1/templates?label_selector[app]=nothing`)).toEqual([]);
    expect(await names(`${s.base}/v1/namespaces/tools/templates`)).toEqual(['git']);
    expect(await names(`${s.base}/v1/templates?resourceLimitName=n1-standard-small`)).toEqual(['git']);
    const secrets = JSON.parse((await curl(`${s.base}/v1/secrets?label_selector[app]=db`)).body) as { secrets: { name: string }[] };
    expect(secrets.secrets.map((x) => x.name)).toEqual(['db-credentials']);
  });

  it('requires the bearer token like gRPC; the probes stay open and carry nothing of ours', async () => {
    const { repo } = await seeded();
    const dir = mkdtempSync(join(tmpdir(), 'mcpo-http-auth-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'tokens'), 's3cr3t-token\n');
    const s = await serve(['--repo', repo.dir, '--auth-token-file', join(dir, 'tokens'), '--log-level', 'debug']);

    for (const args of [
      [],
      ['-H', 'Authorization: Bearer wrong'],
      ['-H', 'Authorization: Basic czNjcjN0LXRva2Vu'],
      ['-H', 'Authorization: Bearer  s3cr3t-token'],
    ]) {
      const r = await curl(...args, `${s.base}/v1/templates`);
      expect(r.status, args.join(' ')).toBe(401);
      expect(JSON.parse(r.body)).toEqual({ code: 16, message: 'missing or invalid bearer token: send the header "Authorization: Bearer <token>"' });
      expect(r.headers['www-authenticate']).toBe('Bearer');
      expect(Object.keys(r.headers).filter((h) => h.startsWith('x-mcpo') || h === 'etag')).toEqual([]);
    }
    // Two authorization headers are refused, as two metadata values are over gRPC.
    expect((await curl('-H', 'Authorization: Bearer s3cr3t-token', '-H', 'Authorization: Bearer s3cr3t-token', `${s.base}/v1/templates`)).status).toBe(401);
    // Unknown paths do not tell an unauthenticated caller what exists.
    expect((await curl(`${s.base}/v2/nothing`)).status).toBe(401);
    expect((await curl(`${s.base}/openapi.json`)).status).toBe(401);

    const ok = await curl('-H', 'Authorization: Bearer s3cr3t-token', `${s.base}/v1/templates`);
    expect(ok.status).toBe(200);
    expect(ok.headers['x-mcpo-commit']).toBe(repo.head());
    expect((await curl('-H', 'authorization: bearer s3cr3t-token', `${s.base}/v1/namespaces/default`)).status).toBe(200);

    for (const probe of ['/healthz', '/readyz']) {
      const r = await curl(`${s.base}${probe}`);
      expect(r.status).toBe(200);
      expect(Object.keys(r.headers).filter((h) => h.startsWith('x-mcpo') || h === 'etag')).toEqual([]);
    }
    expect(s.stderr()).not.toContain('s3cr3t-token');
    const calls = s.logs().filter((l) => l.msg === 'call' && l.transport === 'http');
    expect(calls.some((l) => l.code === 'UNAUTHENTICATED')).toBe(true);
    expect(calls.find((l) => l.method === 'ListMcpTemplates' && l.code === 'OK')).toMatchObject({ verb: 'GET', route: '/v1/templates', commit: repo.head() });
  });

  it('allows CORS only for the --cors-origin allow-list', async () => {
    const { repo } = await seeded();
    const s = await serve(['--repo', repo.dir, '--cors-origin', 'https://ui.example.com', '--cors-origin', 'http://localhost:3000']);
    const allowed = await curl('-H', 'Origin: https://ui.example.com', `${s.base}/v1/templates`);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://ui.example.com');
    expect(allowed.headers['access-control-expose-headers']).toContain('x-mcpo-commit');
    const other = await curl('-H', 'Origin: https://evil.example.com', `${s.base}/v1/templates`);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();

    const preflight = (origin: string) =>
      curl(
        '-X',
        'OPTIONS',
        '-H',
        `Origin: ${origin}`,
        '-H',
        'Access-Control-Request-Method: GET',
        '-H',
        'Access-Control-Request-Headers: authorization',
        `${s.base}/v1/templates`,
      );
    const ok = await preflight('http://localhost:3000');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(ok.headers['access-control-allow-headers']).toContain('authorization');
    const refused = await preflight('https://evil.example.com');
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();

    // Without the flag, CORS is off.
    const plain = await serve(['--repo', repo.dir]);
    expect((await curl('-H', 'Origin: https://ui.example.com', `${plain.base}/v1/templates`)).headers['access-control-allow-origin']).toBeUndefined();
    expect(
      (await curl('-X', 'OPTIONS', '-H', 'Origin: https://ui.example.com', '-H', 'Access-Control-Request-Method: GET', `${plain.base}/v1/templates`)).status,
    ).toBe(403);
  });

  it('answers one URL again from each new commit, keeps a page token on its commit, and still says when the newest commit fails', async () => {
    const { repo, second } = await seeded();
    const s = await serve(['--repo', repo.dir]);
    const names = (body: string): string[] => ((JSON.parse(body) as { templates?: { name: string }[] }).templates ?? []).map((t) => t.name);
    const page1 = await curl(`${s.base}/v1/templates?pageSize=2`);
    expect(names(page1.body)).toEqual(['fetch', 'my-memory-server']);
    expect((await curl(`${s.base}/v1/templates?pageSize=2`)).body).toBe(page1.body); // the same bytes again
    const token = (JSON.parse(page1.body) as { nextPageToken: string }).nextPageToken;

    repo.write('resources/templates/default/alpha.yaml', template('alpha'));
    const third = await repo.commit('alpha');
    await until(async () => (await curl(`${s.base}/v1/templates?pageSize=2`)).headers['x-mcpo-commit'] === third, 20_000, 'the new commit');
    const after = await curl(`${s.base}/v1/templates?pageSize=2`);
    expect(names(after.body)).toEqual(['alpha', 'fetch']);
    expect(after.headers.etag).toBe(`"${third}"`);
    // The token was issued on the commit before: its listing goes on there.
    const page2 = await curl(`${s.base}/v1/templates?pageSize=2&pageToken=${encodeURIComponent(token)}`);
    expect(page2.headers['x-mcpo-commit']).toBe(second);
    expect(names(page2.body)).toEqual(['git']);

    repo.write('resources/namespaces/bad.yaml', 'kind: Namespace\nname: Not_A_DNS_Name\n');
    const bad = await repo.commit('bad');
    await until(async () => (await curl(`${s.base}/v1/templates?pageSize=2`)).headers['x-mcpo-reload-error'] !== undefined, 20_000, 'the reload error');
    const stale = await curl(`${s.base}/v1/templates?pageSize=2`);
    expect(stale.headers['x-mcpo-commit']).toBe(third);
    expect(stale.headers['x-mcpo-reload-error']).toMatch(new RegExp(`^${bad}: 1 error`));
    expect(stale.body).toBe(after.body);

    // The whole story in one answer: the commit served, its time, and every diagnostic of the newest.
    const status = await curl(`${s.base}/v1/status`);
    expect(status.status).toBe(200);
    const body = JSON.parse(status.body) as {
      commit: string;
      commitTime: string;
      newestCommitErrors: { commit: string; totalCount: number; diagnostics: { file: string; line: number; code: string }[] };
    };
    expect(body.commit).toBe(third);
    const committed = Number(repo.git('show', '-s', '--format=%ct', third).trim());
    expect(Number(body.commitTime)).toBe(committed);
    expect(body.newestCommitErrors).toMatchObject({ commit: bad, totalCount: 1 });
    expect(body.newestCommitErrors.diagnostics[0]).toMatchObject({ file: 'resources/namespaces/bad.yaml', line: 2 });
    // Not an answer from one commit, so its ETag is its content's: a poll while nothing changes is a 304.
    expect(status.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect((await curl('-H', `If-None-Match: ${status.headers.etag}`, `${s.base}/v1/status`)).status).toBe(304);
  });

  it('sends the failed commit as google.rpc.Status details with @type, and /readyz says not ready', async () => {
    const { TestRepo } = await import('../support/git-repo.js');
    const repo = await TestRepo.create();
    cleanups.push(() => repo.dispose());
    repo.write('resources/namespaces/bad.yaml', 'kind: Namespace\nname: Not_A_DNS_Name\n');
    const bad = await repo.commit('bad');
    const s = await serve(['--repo', repo.dir]);
    const r = await curl(`${s.base}/v1/templates`);
    expect(r.status).toBe(503);
    const status = JSON.parse(r.body) as { code: number; details: Record<string, unknown>[] };
    expect(status.code).toBe(14);
    expect(status.details[0]).toMatchObject({ '@type': 'type.googleapis.com/mcp.orchestrator.v1.Diagnostics', commit: bad, totalCount: 1 });
    expect(r.headers['x-mcpo-reload-error']).toMatch(new RegExp(`^${bad}: 1 error\\(s\\)`));
    expect((await curl(`${s.base}/readyz`)).status).toBe(503);
    expect((await curl(`${s.base}/healthz`)).status).toBe(200);
  });

  it('serves HTTPS with the gRPC TLS files', async () => {
    const { repo } = await seeded();
    const dir = mkdtempSync(join(tmpdir(), 'mcpo-http-tls-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { cert, key } = selfSignedLocalhost(dir);
    const s = await serve(['--repo', repo.dir, '--tls-cert', cert, '--tls-key', key]);
    const r = await curl('--cacert', cert, `${s.base}/v1/namespaces/default`);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ namespace: { name: 'default', labels: { team: 'platform' } } });
    // Plain HTTP on the TLS port gets no answer.
    await expect(curl(`${s.base.replace('https:', 'http:')}/v1/namespaces/default`)).rejects.toThrow(/Empty reply|reset/);
  });

  it('fetch() from Node reads lists, and the documentation page is offline with a strict CSP', async () => {
    const { repo } = await seeded();
    const s = await serve(['--repo', repo.dir]);
    const res = await fetch(`${s.base}/v1/namespaces?pageSize=1`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { namespaces: { name: string }[]; nextPageToken: string; totalCount: number };
    expect(page.namespaces.map((n) => n.name)).toEqual(['default']);
    expect(page.totalCount).toBe(2);
    const next = (await (await fetch(`${s.base}/v1/namespaces?pageSize=1&pageToken=${page.nextPageToken}`)).json()) as { namespaces: { name: string }[] };
    expect(next.namespaces.map((n) => n.name)).toEqual(['tools']);

    const docs = await fetch(`${s.base}/docs`);
    expect(docs.status).toBe(200);
    const csp = docs.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    const html = await docs.text();
    expect(html).not.toMatch(/https?:\/\//);
    for (const src of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)) {
      expect((await fetch(`${s.base}${src}`)).status, src).toBe(200);
    }
    expect(await (await fetch(`${s.base}/docs/init.js`)).text()).toContain("'/openapi.json'");
  });

  it('serves the OpenAPI document as JSON when the file is there', async () => {
    const { repo } = await seeded();
    const dir = mkdtempSync(join(tmpdir(), 'mcpo-http-openapi-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      join(dir, 'openapi.yaml'),
      'openapi: 3.0.3\ninfo:\n  title: McpOrchestratorService API\n  version: 0.0.1\npaths:\n  /v1/templates:\n    get:\n      operationId: ListMcpTemplates\n',
    );
    const server = await startServer({ repo: repo.dir, port: 0, httpPort: 0, logger: silentLogger, openapiFile: join(dir, 'openapi.yaml') });
    cleanups.push(() => server.stop(100));
    const res = await fetch(`http://127.0.0.1:${server.http!.port}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({
      openapi: '3.0.3',
      info: { title: 'McpOrchestratorService API', version: '0.0.1' },
      paths: { '/v1/templates': { get: { operationId: 'ListMcpTemplates' } } },
    });
  });

  it('bounds connections and closes one that sends its headers too slowly', async () => {
    const { repo } = await seeded();
    const server = await startServer({ repo: repo.dir, port: 0, httpPort: 0, logger: silentLogger, httpLimits: { maxConnections: 2, headersTimeoutMs: 500 } });
    cleanups.push(() => server.stop(100));
    const port = server.http!.port;
    const open = (): Promise<{ closedAfterMs: Promise<number>; write: (s: string) => void }> =>
      new Promise((resolve) => {
        const started = performance.now();
        const socket = connect(port, '127.0.0.1', () => resolve({ closedAfterMs: closed, write: (text) => socket.write(text) }));
        const closed = new Promise<number>((r) => socket.on('close', () => r(performance.now() - started)));
        socket.on('error', () => undefined);
        // Read what the server sends (a 408), so its close is seen.
        socket.resume();
        cleanups.push(() => void socket.destroy());
      });
    const slow = await open();
    slow.write('GET /v1/templates HTTP/1.1\r\nHost: x\r\n');
    const second = await open();
    second.write('GET /v1/templates HTTP/1.1\r\nHost: x\r\n');
    // A third connection over the bound is closed at once.
    const third = await open();
    expect(await third.closedAfterMs).toBeLessThan(400);
    // Headers not complete within headersTimeoutMs: closed.
    const slowClosed = await slow.closedAfterMs;
    expect(slowClosed).toBeGreaterThanOrEqual(450);
    expect(slowClosed).toBeLessThan(5000);
    await second.closedAfterMs;
    // Room again: a new connection is answered.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('server reflection carries the google.api.http rules, so grpcurl shows the route of each RPC', async () => {
    const { repo } = await seeded();
    const server = await startServer({ repo: repo.dir, port: 0, logger: silentLogger });
    cleanups.push(() => server.stop(100));
    const describe = (symbol: string): Promise<string> =>
      new Promise((resolve, reject) =>
        execFile(grpcurl, ['-plaintext', `127.0.0.1:${server.port}`, 'describe', symbol], { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) =>
          err ? reject(new Error(stderr)) : resolve(stdout),
        ),
      );
    const list = await describe('mcp.orchestrator.v1.McpOrchestratorService.ListMcpTemplates');
    expect(list).toContain('option (.google.api.http)');
    expect(list).toContain('get: "/v1/templates"');
    expect(list).toContain('{ get: "/v1/namespaces/{namespace}/templates" }');
    const create = await describe('mcp.orchestrator.v1.McpOrchestratorService.CreateMcpTemplate');
    expect(create).toMatch(/post: "\/v1\/namespaces\/\{template.namespace\}\/templates",\s+body: "template"/);
  });
});
