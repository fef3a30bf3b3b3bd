/**
 * deploy/ as a GitOps tool consumes it: the real kustomize (pinned, installed
 * by test/tools/install.sh) builds it, the output applies to a real
 * kube-apiserver by server-side apply, a second apply changes nothing, the
 * Deployment's pod passes the restricted Pod Security the namespace enforces,
 * and the ServiceAccount can read pods and nothing else.
 */
import { AuthorizationV1Api, CoreV1Api, type KubeConfig, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeApiServer, serverSideApply, startKubeApiServer } from '../support/kube-apiserver.js';
import { INSTALL_TIMEOUT_MS } from '../tools/tools.js';
import { kustomizeBuild } from './_container.js';

let kube: KubeApiServer;
let kc: KubeConfig;
let built: ReturnType<typeof kustomizeBuild>;

beforeAll(async () => {
  built = kustomizeBuild();
  kube = await startKubeApiServer();
  kc = kube.kubeConfig();
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await kube?.stop();
});

const byKind = (kind: string): Record<string, any> => built.objects.find((o) => o.kind === kind)!;

describe('deploy/', () => {
  it('builds with kustomize into the objects a cluster needs, all in the mcp-orchestrator namespace', () => {
    expect(built.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [
        'ClusterRole/mcpo-serve-pod-reader',
        'ClusterRoleBinding/mcpo-serve-pod-reader',
        `ConfigMap/${byKind('ConfigMap').metadata.name as string}`,
        'Deployment/mcpo-serve',
        'Namespace/mcp-orchestrator',
        'NetworkPolicy/mcpo-serve',
        'PodDisruptionBudget/mcpo-serve',
        'Service/mcpo-serve',
        'ServiceAccount/mcpo-serve',
      ].sort(),
    );
    for (const o of built.objects)
      if (!['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind)) expect(o.metadata.namespace).toBe('mcp-orchestrator');
    const deployment = byKind('Deployment');
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.replicas).toBe(2);
    expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'kubernetes.io/hostname', maxSkew: 1 });
    // The ConfigMap's generated name is the one the Deployment reads.
    expect(pod.containers[0].envFrom[0].configMapRef.name).toBe(byKind('ConfigMap').metadata.name);
    expect(pod.containers[0].image).toBe('ghcr.io/mcp-orchestrator/mcpo:0.1.0');
    expect(pod.containers[0].readinessProbe.grpc.port).toBe(50051);
    expect(pod.containers[0].livenessProbe.httpGet.path).toBe('/healthz');
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(byKind('PodDisruptionBudget').spec.minAvailable).toBe(1);
    expect(byKind('Service').spec.ports.map((p: { name: string; port: number }) => `${p.name}:${p.port}`)).toEqual(['grpc:50051', 'http:8080']);
  });

  it('applies to a real API server by server-side apply, and a second apply changes nothing', async () => {
    const first = await serverSideApply(kc, built.objects as KubernetesObject[], 'mcpo-deploy-test');
    expect(first.map((r) => r.action)).toEqual(first.map(() => 'created'));
    const again = await serverSideApply(kc, built.objects as KubernetesObject[], 'mcpo-deploy-test');
    expect(again.map((r) => `${r.kind}/${r.name} ${r.action}`)).toEqual(first.map((r) => `${r.kind}/${r.name} unchanged`));
    const versions = (rs: typeof first) =>
      rs.map((r) => [r.object.metadata?.resourceVersion, JSON.stringify(r.object.metadata?.managedFields?.map((f) => [f.manager, f.operation, f.fieldsV1]))]);
    expect(versions(again)).toEqual(versions(first));
  });

  it("the Deployment's pod is admitted in the restricted namespace, and its ServiceAccount reads pods and nothing else", async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const template = byKind('Deployment').spec.template;
    const pod: V1Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { ...template.metadata, name: 'mcpo-serve-admission' }, spec: template.spec };
    const admitted = await core.createNamespacedPod({ namespace: 'mcp-orchestrator', body: pod, dryRun: 'All' });
    expect(admitted.spec?.containers[0]?.securityContext?.readOnlyRootFilesystem).toBe(true);
    // The namespace really enforces: the same pod allowed to escalate is refused.
    const loose = structuredClone(pod);
    loose.spec!.containers[0]!.securityContext = { ...loose.spec!.containers[0]!.securityContext, allowPrivilegeEscalation: true };
    const refused = await core.createNamespacedPod({ namespace: 'mcp-orchestrator', body: loose, dryRun: 'All' }).then(
      () => undefined,
      (err: { code?: number }) => err,
    );
    expect(refused?.code).toBe(403);

    const authz = kc.makeApiClient(AuthorizationV1Api);
    const can = async (verb: string, resource: string, namespace = 'default') =>
      (
        await authz.createSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: { user: 'system:serviceaccount:mcp-orchestrator:mcpo-serve', resourceAttributes: { verb, resource, namespace } },
          },
        })
      ).status?.allowed;
    expect([await can('list', 'pods'), await can('watch', 'pods'), await can('get', 'pods', 'team-a')]).toEqual([true, true, true]);
    expect([await can('delete', 'pods'), await can('get', 'secrets', 'mcp-orchestrator'), await can('list', 'configmaps')]).toEqual([false, false, false]);
  });
});
