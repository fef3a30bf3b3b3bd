/**
 * The contract test: the real `mcpo serve --http-port` (with a real
 * kube-apiserver holding one MCP server pod, so every GET has data) answers
 * every GET operation of the OpenAPI document it serves at /openapi.json, and
 * every answer matches the schema documented for it: 2xx against the
 * operation's response, the 404 of a missing name against `default`
 * (google.rpc.Status). Schemas are closed (_validator.ts): a field the
 * document does not describe fails, as does a wrong type.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../support/build.js';
import { type KubeApiServer, startKubeApiServer } from '../support/kube-apiserver.js';
import { mcpo } from '../support/mcpo.js';
import { type HttpServed, SETUP_TIMEOUT_MS, seededRepo, serveHttp, TOKEN } from './_server.js';
import { OpenapiValidator } from './_validator.js';

const POD = 'my-memory-server-5f7d8c9b6-x2k4q';

/** Path parameter values from the seed, by the collection the variable follows. */
const SEED: Record<string, string> = {
  namespaces: 'default',
  templates: 'my-memory-server',
  'resource-limits': 'n1-standard-nano',
  secrets: 'db-credentials',
  servers: POD,
};

let kube: KubeApiServer;
let http: HttpServed;
let dist: string;

beforeAll(async () => {
  kube = await startKubeApiServer();
  const repo = await seededRepo();
  dist = mkdtempSync(join(tmpdir(), 'mcpo-openapi-dist-'));
  const synth = mcpo(['synth', '--repo', repo.dir, '--out', dist]);
  if (synth.code !== 0) throw new Error(synth.stderr);

  // The pod the rendered Deployment would create, with the status a kubelet would report.
  const deployment = parseAllDocuments(readFileSync(join(dist, 'namespaces/default/deployment-my-memory-server.yaml'), 'utf8'))[0]!.toJS();
  const core = kube.kubeConfig().makeApiClient(CoreV1Api);
  const pod: V1Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...deployment.spec.template.metadata, name: POD, namespace: 'default' },
    spec: { ...deployment.spec.template.spec, nodeName: 'node-a' },
  };
  await core.createNamespacedPod({ namespace: 'default', body: pod });
  const stored = await core.readNamespacedPod({ name: POD, namespace: 'default' });
  stored.status = {
    phase: 'Running',
    podIP: '10.0.0.7',
    startTime: new Date(1_700_000_100_000),
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [
      {
        name: stored.spec!.containers[0]!.name,
        image: stored.spec!.containers[0]!.image!,
        imageID: '',
        ready: true,
        restartCount: 2,
        started: true,
        state: { running: { startedAt: new Date(1_700_000_110_000) } },
      },
    ],
  };
  await core.replaceNamespacedPodStatus({ name: POD, namespace: 'default', body: stored });

  http = await serveHttp(repo, ['--kubeconfig', kube.kubeconfigPath]);
  // The pod informer syncs after start: wait until the server reports the pod.
  const end = Date.now() + 15_000;
  for (;;) {
    const r = await get(`/v1/namespaces/default/servers/${POD}`);
    if (r.status === 200) break;
    if (Date.now() > end) throw new Error(`the server never reported pod ${POD}: ${r.status} ${JSON.stringify(r.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await http?.stop();
  http?.repo.dispose();
  await kube?.stop();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

async function get(path: string): Promise<{ status: number; body: any; type: string | null }> {
  const res = await fetch(`${http.base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
}

/** `/v1/namespaces/{namespace}/templates/{name}` with seed values, or with `name` replaced by `missing`. */
function fill(template: string, missing?: string): string {
  const parts = template.split('/');
  return parts
    .map((part, i) => {
      const v = /^\{(.+)\}$/.exec(part)?.[1];
      if (!v) return part;
      const collection = parts[i - 1]!;
      if (missing && v === 'name') return missing;
      const value = v === 'namespace' ? 'default' : SEED[collection];
      if (value === undefined) throw new Error(`no seed value for {${v}} after /${collection}/ in ${template}: add one to SEED`);
      return encodeURIComponent(value);
    })
    .join('/');
}

describe('the served OpenAPI document', () => {
  it('is openapi/openapi.yaml of this repository', async () => {
    const served = await get('/openapi.json');
    expect(served.status).toBe(200);
    expect(served.type).toMatch(/^application\/json/);
    expect(served.body).toEqual(parse(readFileSync(join(REPO_ROOT, 'openapi/openapi.yaml'), 'utf8')));
  });

  it('describes every answer of every GET operation, with the seed', async () => {
    const doc = (await get('/openapi.json')).body;
    const validator = new OpenapiValidator(doc);
    const gets = Object.entries(doc.paths as Record<string, any>).filter(([, item]) => item.get);
    expect(gets.length).toBeGreaterThanOrEqual(13);
    const problems: string[] = [];
    for (const [template] of gets) {
      const url = fill(template);
      const r = await get(url);
      expect(r.status, `GET ${url}: ${JSON.stringify(r.body)}`).toBe(200);
      expect(r.type, url).toMatch(/^application\/json/);
      // Not vacuous: each answer carries the seed (a list its items, a get its resource; the status its commit).
      expect(
        Object.values(r.body).some((v) => (Array.isArray(v) ? v.length > 0 : typeof v === 'object')) || /^[0-9a-f]{40}$/.test(String(r.body.commit)),
        `GET ${url}: ${JSON.stringify(r.body)}`,
      ).toBe(true);
      for (const p of validator.check(template, 'get', r.status, r.body)) problems.push(`GET ${url} ${r.status}: ${p}`);
    }
    expect(problems).toEqual([]);
  });

  it('describes the 404 of a missing name as google.rpc.Status (the default response)', async () => {
    const doc = (await get('/openapi.json')).body;
    const validator = new OpenapiValidator(doc);
    const named = Object.keys(doc.paths).filter((t) => doc.paths[t].get && t.endsWith('/{name}'));
    expect(named.length).toBeGreaterThanOrEqual(5);
    const problems: string[] = [];
    for (const template of named) {
      const url = fill(template, 'no-such-name');
      const r = await get(url);
      expect(r.status, `GET ${url}: ${JSON.stringify(r.body)}`).toBe(404);
      expect(validator.forResponse(template, 'get', 404).documented).toBe('default');
      expect(r.body).toMatchObject({ code: 5, message: expect.stringContaining('no-such-name') });
      for (const p of validator.check(template, 'get', r.status, r.body)) problems.push(`GET ${url} ${r.status}: ${p}`);
    }
    expect(problems).toEqual([]);
  });
});
