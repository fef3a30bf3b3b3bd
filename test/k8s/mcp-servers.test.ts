/**
 * Against a real kube-apiserver + etcd (built from Go modules, see test/kube):
 * this repository's dist/ is applied with server-side apply, then `mcpo serve`
 * (the real CLI, with --kubeconfig) reports MCP server pods to an independent
 * Python grpcio client as they change. No kube-controller-manager, scheduler
 * or kubelet runs, so the test creates the pods a Deployment would create and
 * sets their status through the status subresource, as a kubelet would.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizationV1Api, CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../support/build.js';
import { TestRepo } from '../support/git-repo.js';
import { installSealedSecretCrd, type KubeApiServer, readManifestsDir, serverSideApply, startKubeApiServer } from '../support/kube-apiserver.js';
import { mcpo, type Served, startMcpoServe } from '../support/mcpo.js';
import { type CallResult, clientPython, PyClient, SETUP_TIMEOUT_MS } from '../serve/_support.js';

/** The promise: the API reflects a change in the cluster within 2 s. */
const FRESH_MS = 2000;

let kube: KubeApiServer;
let kc: KubeConfig;
let core: CoreV1Api;
let repo: TestRepo;
let served: Served;
let client: PyClient;
let dist: string;

beforeAll(async () => {
  clientPython();
  kube = await startKubeApiServer();
  kc = kube.kubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  await installSealedSecretCrd(kc);
  dist = mkdtempSync(join(tmpdir(), 'mcpo-dist-'));
  const synth = mcpo(['synth', '--out', dist]);
  if (synth.code !== 0) throw new Error(synth.stderr);

  repo = await TestRepo.create();
  repo.write('resources/.keep', '');
  for (const file of [
    'namespaces/default.yaml',
    'resource-limits/n1-standard-nano.yaml',
    'templates/default/my-memory-server.yaml',
    'secrets/default/db-credentials.yaml',
  ])
    repo.write(`resources/${file}`, readFileSync(join(REPO_ROOT, 'resources', file)));
  await repo.commit('seed');
  served = await startMcpoServe(['--repo', repo.dir, '--kubeconfig', kube.kubeconfigPath, '--log-level', 'debug']);
  client = new PyClient(`127.0.0.1:${served.port}`);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  client?.close();
  await served?.kill();
  await kube?.stop();
  repo?.dispose();
});

/** Calls until `accept` holds, at most `within` ms; returns the last result and how long it took. */
async function until(method: string, request: Record<string, unknown>, accept: (r: CallResult) => boolean, within = FRESH_MS) {
  const started = Date.now();
  for (;;) {
    const result = await client.call(method, request);
    const elapsed = Date.now() - started;
    if (accept(result)) return { result, elapsed };
    if (elapsed > within) throw new Error(`${method} did not reach the expected state within ${within} ms; last answer: ${JSON.stringify(result)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A pod as the Deployment in dist/ would create it. */
function podFromDist(name: string, nodeName?: string): V1Pod {
  const text = readFileSync(join(dist, 'namespaces/default/deployment-my-memory-server.yaml'), 'utf8');
  const deployment = parseAllDocuments(text)[0]!.toJS() as { spec: { template: { metadata: V1Pod['metadata']; spec: V1Pod['spec'] } } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...deployment.spec.template.metadata, name, namespace: 'default' },
    spec: { ...deployment.spec.template.spec!, nodeName },
  };
}

async function setStatus(name: string, status: V1Pod['status']): Promise<void> {
  const pod = await core.readNamespacedPod({ name, namespace: 'default' });
  pod.status = status;
  await core.replaceNamespacedPodStatus({ name, namespace: 'default', body: pod });
}

const servers = (r: CallResult) => (r.response?.servers ?? []) as Array<Record<string, unknown>>;

describe('dist/ on a real API server', () => {
  it('every rendered object is accepted by server-side apply, and applying again changes nothing', async () => {
    const manifests = await readManifestsDir(dist);
    expect(manifests.map((m) => `${m.kind}/${m.metadata?.name}`).sort()).toEqual([
      'Deployment/my-memory-server',
      'Namespace/default',
      'SealedSecret/db-credentials',
      'Service/my-memory-server',
    ]);
    const first = await serverSideApply(kc, manifests, 'mcpo');
    expect(first.map((r) => r.action).filter((a) => a !== 'created' && a !== 'configured')).toEqual([]);
    const again = await serverSideApply(kc, manifests, 'mcpo');
    expect(again.map((r) => `${r.kind}/${r.name}: ${r.action}`)).toEqual(manifests.map((m) => `${m.kind}/${m.metadata?.name}: unchanged`));
  });

  it('the rendered pod (init container with the bridge, main container running it) meets Pod Security "restricted"', async () => {
    const namespace = 'mcpo-restricted';
    await serverSideApply(
      kc,
      [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' } },
        },
      ],
      'mcpo',
    );
    const pod = podFromDist('restricted-ok');
    expect(pod.spec!.initContainers!.map((c) => [c.name, c.command, c.args])).toEqual([
      ['mcpo-bridge', ['/mcpo-bridge'], ['--copy-self', '/mcpo/bin/mcpo-bridge']],
    ]);
    expect(pod.spec!.containers[0]!.command).toEqual(['/mcpo/bin/mcpo-bridge']);
    // Dry run: admission (Pod Security included) decides, nothing is stored for the informer of the tests below.
    const created = await core.createNamespacedPod({ namespace, body: { ...pod, metadata: { ...pod.metadata, namespace } }, dryRun: 'All' });
    expect(created.spec?.initContainers?.[0]?.image).toBe('ghcr.io/mcp-orchestrator/mcpo-bridge:0.1.0');
    expect(created.spec?.volumes?.find((v) => v.name === 'mcpo-bridge')?.emptyDir).toEqual({ sizeLimit: '64Mi' });

    // The namespace really enforces: the same pod with an init container that may escalate privileges is refused.
    const loose = podFromDist('restricted-refused');
    loose.spec!.initContainers![0]!.securityContext = {};
    const refused = await core.createNamespacedPod({ namespace, body: { ...loose, metadata: { ...loose.metadata, namespace } }, dryRun: 'All' }).then(
      () => undefined,
      (err: { code?: number; body?: unknown }) => err,
    );
    expect(refused?.code).toBe(403);
    expect((JSON.parse(String(refused?.body)) as { message: string }).message).toMatch(/violates PodSecurity "restricted:latest".*container "mcpo-bridge"/);
  });

  it('the RBAC in docs/rbac.yaml lets the server read pods and nothing more', async () => {
    const docs = parseAllDocuments(readFileSync(join(REPO_ROOT, 'docs/rbac.yaml'), 'utf8')).map((d) => d.toJS());
    await serverSideApply(kc, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mcp-orchestrator' } }, ...docs], 'mcpo');
    const authz = kc.makeApiClient(AuthorizationV1Api);
    const can = async (verb: string, resource: string) =>
      (
        await authz.createSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: { user: 'system:serviceaccount:mcp-orchestrator:mcpo-serve', resourceAttributes: { verb, resource, namespace: 'default' } },
          },
        })
      ).status?.allowed;
    expect([await can('list', 'pods'), await can('watch', 'pods'), await can('get', 'pods')]).toEqual([true, true, true]);
    expect([await can('delete', 'pods'), await can('create', 'pods'), await can('get', 'secrets')]).toEqual([false, false, false]);
  });
});

describe('GetMcpServer / ListMcpServers follow the cluster', () => {
  it('a new pod appears, with the template it came from and the resources it runs with', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: podFromDist('my-memory-server-7d9f-abcde', 'node-1') });
    // A pod that mcp-orchestrator did not render is never shown.
    await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'unrelated', labels: { app: 'mcp-server' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    });
    const { result } = await until('ListMcpServers', {}, (r) => servers(r).length === 1);
    expect(result.code).toBe('OK');
    expect(result.response.total_count).toBe(1);
    expect(servers(result)[0]).toMatchObject({
      name: 'my-memory-server-7d9f-abcde',
      namespace: 'default',
      template_name: 'my-memory-server',
      phase: 'Pending',
      ready: false,
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { cpu: '200m', memory: '512Mi' },
    });
  });

  it('running and ready, with pod IP, node and start time', async () => {
    await setStatus('my-memory-server-7d9f-abcde', {
      phase: 'Running',
      podIP: '10.1.2.3',
      startTime: new Date('2026-01-01T00:00:00Z'),
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        {
          name: 'mcp-server',
          image: 'node:24-alpine3.21',
          imageID: '',
          ready: true,
          restartCount: 0,
          state: { running: { startedAt: new Date('2026-01-01T00:00:01Z') } },
        },
      ],
    });
    const { result } = await until('GetMcpServer', { name: 'my-memory-server-7d9f-abcde', namespace: 'default' }, (r) => r.response?.server?.ready === true);
    expect(result.response.server).toMatchObject({
      phase: 'Running',
      ready: true,
      pod_ip: '10.1.2.3',
      node_name: 'node-1',
      start_time: '1767225600',
      restart_count: 0,
      reason: '',
    });
  });

  it('CrashLoopBackOff after an OOM kill, with restarts', async () => {
    await setStatus('my-memory-server-7d9f-abcde', {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        {
          name: 'mcp-server',
          image: 'node:24-alpine3.21',
          imageID: '',
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
          lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
        },
      ],
    });
    const { result } = await until(
      'GetMcpServer',
      { name: 'my-memory-server-7d9f-abcde', namespace: 'default' },
      (r) => r.response?.server?.reason === 'CrashLoopBackOff',
    );
    expect(result.response.server).toMatchObject({
      ready: false,
      restart_count: 3,
      reason: 'CrashLoopBackOff',
      message: 'back-off 40s restarting failed container',
    });
  });

  it('filters by namespace, template and labels, and pages like every list', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: podFromDist('my-memory-server-7d9f-fghij') });
    await until('ListMcpServers', {}, (r) => r.response?.total_count === 2);
    const first = await client.call('ListMcpServers', { page_size: 1, template_name: 'my-memory-server', label_selector: { env: 'prod' } });
    expect(servers(first).map((s) => s.name)).toEqual(['my-memory-server-7d9f-abcde']);
    expect(first.response.total_count).toBe(2);
    const second = await client.call('ListMcpServers', {
      page_size: 1,
      template_name: 'my-memory-server',
      label_selector: { env: 'prod' },
      page_token: first.response.next_page_token,
    });
    expect(servers(second).map((s) => s.name)).toEqual(['my-memory-server-7d9f-fghij']);
    expect(second.response.next_page_token).toBe('');
    expect((await client.call('ListMcpServers', { namespace: 'other' })).response.total_count).toBe(0);
    expect((await client.call('ListMcpServers', { template_name: 'other' })).response.total_count).toBe(0);
    expect((await client.call('ListMcpServers', { label_selector: { env: 'dev' } })).response.total_count).toBe(0);
  });

  it('a deleted pod disappears; an unknown one is NOT_FOUND', async () => {
    await core.deleteNamespacedPod({ name: 'my-memory-server-7d9f-fghij', namespace: 'default', gracePeriodSeconds: 0 });
    await until('ListMcpServers', {}, (r) => r.response?.total_count === 1);
    const missing = await client.call('GetMcpServer', { name: 'my-memory-server-7d9f-fghij', namespace: 'default' });
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.details).toContain('default/my-memory-server-7d9f-fghij');
  });

  it('survives the API server going away and coming back', async () => {
    await kube.restart();
    // After the restart the watch resumes by itself: a pod created now is seen.
    await core.createNamespacedPod({ namespace: 'default', body: podFromDist('my-memory-server-7d9f-after') });
    const { result } = await until('ListMcpServers', {}, (r) => r.code === 'OK' && servers(r).some((s) => s.name === 'my-memory-server-7d9f-after'), 15_000);
    expect(result.response.total_count).toBe(2);
    expect(served.logs().some((l) => l.msg === 'cannot watch MCP server pods; retrying')).toBe(true);
    // Everything else kept working throughout.
    expect((await client.call('ListMcpTemplates', {})).response.total_count).toBe(1);
  }, 60_000);
});
