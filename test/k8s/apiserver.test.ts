import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KubernetesObjectApi, VersionApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { installSealedSecretCrd, objectRef, readManifestsDir, serverSideApply, startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver.js';

const FIELD_MANAGER = 'mcpo-test';
const NS = 'mcpo-apply-test';

const manifests: KubernetesObject[] = [
  {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NS, labels: { 'app.kubernetes.io/managed-by': 'mcp-orchestrator' } },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'echo', namespace: NS, labels: { app: 'echo' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'echo' } },
      template: {
        metadata: { labels: { app: 'echo' } },
        spec: {
          containers: [
            {
              name: 'echo',
              image: 'ghcr.io/example/echo-mcp:1.0.0',
              args: ['--port', '8080'],
              ports: [{ name: 'http', containerPort: 8080 }],
              envFrom: [{ secretRef: { name: 'echo-secrets' } }],
            },
          ],
        },
      },
    },
  } as KubernetesObject,
  {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'echo-secrets', namespace: NS },
    spec: {
      encryptedData: { API_KEY: 'AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq' },
      template: { metadata: { name: 'echo-secrets', namespace: NS }, type: 'Opaque' },
    },
  } as KubernetesObject,
];

describe('real kube-apiserver', () => {
  let kube: KubeApiServer;
  let kc: KubeConfig;
  let api: KubernetesObjectApi;

  // Normally global-setup.ts has the binaries ready; with MCPO_SKIP_KUBE_BUILD=1 on a fresh
  // machine startKubeApiServer() compiles them first, hence the long timeout.
  beforeAll(async () => {
    kube = await startKubeApiServer();
    kc = kube.kubeConfig();
    api = KubernetesObjectApi.makeApiClient(kc);
  }, 30 * 60_000);

  afterAll(async () => {
    await kube?.stop();
  });

  it('serves /version as the built release', async () => {
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
  });

  it('installs the SealedSecret CRD from the sealed-secrets module', async () => {
    const result = await installSealedSecretCrd(kc);
    expect(result.kind).toBe('CustomResourceDefinition');
    expect(result.name).toBe('sealedsecrets.bitnami.com');
    const crd = (await api.read({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'sealedsecrets.bitnami.com' },
    })) as KubernetesObject & { status?: { conditions?: { type: string; status: string }[] } };
    expect(crd.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Established', status: 'True' }));
  });

  it('server-side applies a Namespace, a Deployment and a SealedSecret', async () => {
    const results = await serverSideApply(kc, manifests, FIELD_MANAGER);
    expect(results.map((r) => [r.kind, r.action])).toEqual([
      ['Namespace', 'created'],
      ['Deployment', 'created'],
      ['SealedSecret', 'created'],
    ]);
    for (const m of manifests) {
      const live = await api.read(objectRef(m));
      expect(live.metadata?.name).toBe(m.metadata!.name);
      expect(live.metadata?.uid).toBeTruthy();
      expect(live.metadata?.managedFields?.some((f) => f.manager === FIELD_MANAGER && f.operation === 'Apply')).toBe(true);
    }
    const sealed = (await api.read({
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'echo-secrets', namespace: NS },
    })) as KubernetesObject & { spec?: { encryptedData?: Record<string, string> } };
    expect(sealed.spec?.encryptedData?.API_KEY).toBe('AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq');
  });

  it('re-applying the same manifests changes nothing', async () => {
    const before = await Promise.all(manifests.map((m) => api.read(objectRef(m))));
    const results = await serverSideApply(kc, manifests, FIELD_MANAGER);
    expect(results.map((r) => r.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    results.forEach((r, i) => {
      expect(r.object.metadata?.resourceVersion).toBe(before[i]!.metadata?.resourceVersion);
      expect(r.object.metadata?.generation).toBe(before[i]!.metadata?.generation);
    });
  });

  it('a changed field is reported as configured and bumps the generation', async () => {
    const changed = structuredClone(manifests[1]!) as KubernetesObject & { spec: { replicas: number } };
    changed.spec.replicas = 2;
    const [result] = await serverSideApply(kc, [changed], FIELD_MANAGER);
    expect(result!.action).toBe('configured');
    expect(result!.object.metadata?.generation).toBe(2);
  });

  it('applies a directory of YAML read by readManifestsDir', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mcpo-manifests-'));
    try {
      await mkdir(path.join(dir, 'nested'));
      await writeFile(
        path.join(dir, 'config.yaml'),
        [
          '# leading comment',
          'apiVersion: v1',
          'kind: ConfigMap',
          'metadata: {name: echo-config, namespace: ' + NS + '}',
          'data: {LOG_LEVEL: debug}',
          '---',
          '---',
          'apiVersion: v1',
          'kind: Service',
          'metadata: {name: echo, namespace: ' + NS + '}',
          'spec: {selector: {app: echo}, ports: [{port: 80, targetPort: http}]}',
          '',
        ].join('\n'),
      );
      await writeFile(path.join(dir, 'kustomization.yaml'), 'resources: [config.yaml]\n');
      await writeFile(
        path.join(dir, 'nested', 'role.yml'),
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: mcpo-reader}\n' +
          'rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]\n',
      );
      const objs = await readManifestsDir(dir);
      expect(objs.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual(['ConfigMap/echo-config', 'Service/echo', 'ClusterRole/mcpo-reader']);
      const results = await serverSideApply(kc, objs, FIELD_MANAGER);
      expect(results.map((r) => r.action)).toEqual(['created', 'created', 'created']);
      const svc = (await api.read(objectRef(objs[1]!))) as KubernetesObject & { spec?: { clusterIP?: string } };
      expect(svc.spec?.clusterIP).toMatch(/^10\.0\.0\.\d+$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers again after restart(), with the data kept', async () => {
    const url = kube.url;
    await kube.restart();
    expect(kube.url).toBe(url);
    // The same KubeConfig / client keeps working against the restarted server.
    const ns = await api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    expect(ns.metadata?.name).toBe(NS);
    const sealed = await api.read({
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'echo-secrets', namespace: NS },
    });
    expect(sealed.metadata?.name).toBe('echo-secrets');
  });
});
