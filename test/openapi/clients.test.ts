/**
 * The generated clients against the real `mcpo serve --http-port` with a
 * bearer token: @mcp-orchestrator/client (clients/typescript, imported from
 * source) and clients/python (run by the venv of test/openapi/setup.sh).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpoClient } from '../../clients/typescript/src/index.js';
import { REPO_ROOT } from '../support/build.js';
import { type HttpServed, openapiTools, SETUP_TIMEOUT_MS, seededRepo, serveHttp, TOKEN } from './_server.js';

let http: HttpServed;
let head: string;

beforeAll(async () => {
  openapiTools();
  const repo = await seededRepo();
  head = repo.head();
  http = await serveHttp(repo);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await http?.stop();
  http?.repo.dispose();
});

const ALL = ['default/my-memory-server', 'tools/fetch', 'tools/git'];

describe('the TypeScript client', () => {
  it('sends the bearer token: without one the answer is 401 with google.rpc.Status', async () => {
    const anonymous = createMcpoClient({ baseUrl: http.base });
    const { data, error, response } = await anonymous.GET('/v1/templates');
    expect(response.status).toBe(401);
    expect(data).toBeUndefined();
    expect(error).toMatchObject({ code: 16, message: expect.stringMatching(/Bearer/) });
  });

  it('lists templates page by page with pageToken, on one commit', async () => {
    const mcpo = createMcpoClient({ baseUrl: `${http.base}/`, token: TOKEN });
    const names: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const { data, error, response } = await mcpo.GET('/v1/templates', { params: { query: { pageSize: 2, pageToken } } });
      expect(error).toBeUndefined();
      expect(response.headers.get('x-mcpo-commit')).toBe(head);
      expect(data!.totalCount).toBe(3);
      names.push(...data!.templates!.map((t) => `${t.namespace}/${t.name}`));
      pageToken = data!.nextPageToken || undefined;
      pages++;
    } while (pageToken);
    expect(pages).toBe(2);
    expect(names.sort()).toEqual(ALL);
  });

  it('gets preset n1-standard-nano with usageCount 1, and a template with its resolved resources', async () => {
    const mcpo = createMcpoClient({ baseUrl: http.base, token: TOKEN });
    const preset = await mcpo.GET('/v1/resource-limits/{name}', { params: { path: { name: 'n1-standard-nano' } } });
    expect(preset.data?.resourceLimit).toMatchObject({ name: 'n1-standard-nano', usageCount: 1, limits: { cpuLimit: '200m', memoryLimit: '512Mi' } });
    const t = await mcpo.GET('/v1/namespaces/{namespace}/templates/{name}', { params: { path: { namespace: 'default', name: 'my-memory-server' } } });
    expect(t.data?.template).toMatchObject({ image: 'node:24-alpine3.21', transport: 'TRANSPORT_STDIO', resolvedRequests: { cpu: '100m', memory: '256Mi' } });
  });

  it('filters by namespace (the additional binding) and by label selector (deepObject query)', async () => {
    const mcpo = createMcpoClient({ baseUrl: http.base, token: TOKEN });
    const tools = await mcpo.GET('/v1/namespaces/{namespace}/templates', { params: { path: { namespace: 'tools' } } });
    expect(tools.data?.templates?.map((t) => t.name).sort()).toEqual(['fetch', 'git']);
    const git = await mcpo.GET('/v1/templates', { params: { query: { labelSelector: { app: 'git' } } } });
    expect(git.error).toBeUndefined();
    expect(git.data?.templates?.map((t) => `${t.namespace}/${t.name}`)).toEqual(['tools/git']);
  });

  it('returns the 404 of a missing template as google.rpc.Status', async () => {
    const mcpo = createMcpoClient({ baseUrl: http.base, token: TOKEN });
    const { error, response } = await mcpo.GET('/v1/namespaces/{namespace}/templates/{name}', { params: { path: { namespace: 'default', name: 'nope' } } });
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ code: 5, message: expect.stringContaining('nope') });
  });
});

describe('the Python client', () => {
  it('lists with page tokens, gets the preset with usageCount 1, and reads errors as google.rpc.Status', () => {
    const run = spawnSync(openapiTools().python, [join(REPO_ROOT, 'test/openapi/py_client.py'), http.base, TOKEN], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, PYTHONPATH: join(REPO_ROOT, 'clients/python'), PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.anonymous).toEqual({ status: 401, code: 16, isStatus: true });
    expect(out.pages).toEqual([
      { names: expect.any(Array), total: 3, next: true, commit: head },
      { names: expect.any(Array), total: 3, next: false, commit: head },
    ]);
    expect(out.pages.flatMap((p: { names: string[] }) => p.names).sort()).toEqual(ALL);
    expect(out.preset).toEqual({ name: 'n1-standard-nano', usageCount: 1, cpuLimit: '200m' });
    expect(out.tools).toEqual(['fetch', 'git']);
    expect(out.selected).toEqual(['tools/git']);
    expect(out.template).toEqual({ image: 'node:24-alpine3.21', transport: 'TRANSPORT_STDIO', requests: { cpu: '100m', memory: '256Mi' } });
    expect(out.missing).toEqual({ status: 404, code: 5, message: expect.stringContaining('no-such-template') });
  });
});
