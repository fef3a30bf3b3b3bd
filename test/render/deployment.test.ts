import { describe, expect, it } from 'vitest';
import { fakeSealed } from '../declarations/fixtures.js';
import { DEFAULT_BRIDGE_IMAGE, RESERVED_VOLUME_NAMES, TEMPLATE_LABEL, reservedMountPath } from '../../src/core/names.js';
import { renderModel } from '../../src/render/app.js';
import type { Model } from '../../src/model/types.js';
import { model, object, render } from './helpers.js';

const DEPLOYMENT = 'namespaces/default/deployment-my-memory-server.yaml';
const SERVICE = 'namespaces/default/service-my-memory-server.yaml';

const HTTP_TEMPLATE = `kind: McpTemplate
name: fetch
namespace: default
image: ghcr.io/example/mcp-fetch:1.2.3
command: [/app/server]
args: ["--listen", "0.0.0.0:9000", "--name=it's $HOME"]
transport: TRANSPORT_STREAMABLE_HTTP
port: 9000
replicas: 3
resource_limit_name: big
`;

const BIG_PRESET = `kind: ResourceLimit
name: big
limits:
  cpu: "0.5"
  memory: 1024Mi
  memory_limit: 1.5Gi
  ephemeral_storage: 512Mi
volumes:
  - name: scratch
    mount_path: /scratch
    empty_dir: { size_limit: 65536Ki, memory: true }
  - name: tmp
    mount_path: /tmp
    empty_dir: {}
`;

function secret(password: string): string {
  return `kind: Secret
name: api-token
namespace: default
sealed:
  encrypted_data:
    token: ${password}
    unused: ${fakeSealed(9)}
`;
}

describe('the Deployment of the seed template my-memory-server', () => {
  const files = render();
  const deployment = object(files, DEPLOYMENT);
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  it('runs one replica of exactly the declared image with the preset resources', () => {
    expect(deployment.apiVersion).toBe('apps/v1');
    expect(deployment.metadata).toMatchObject({ name: 'my-memory-server', namespace: 'default' });
    expect(deployment.spec.replicas).toBe(1);
    expect(pod.containers).toHaveLength(1);
    expect(container.image).toBe('node:24-alpine3.21');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '200m', memory: '512Mi' } });
  });

  it('runs the bridge from the init container in front of exactly the declared command + args, no shell, no npm package of ours', () => {
    expect(container.command).toEqual(['/mcpo/bin/mcpo-bridge']);
    expect(container.args).toEqual(['--listen', ':8000', '--path', '/mcp', '--', 'npx', '-y', '@modelcontextprotocol/server-memory']);
    expect(container.ports).toEqual([{ name: 'mcp', containerPort: 8000, protocol: 'TCP' }]);
    for (const text of files.values()) expect(text).not.toMatch(/supergateway|\/bin\/sh/);
  });

  it('gets the bridge binary from an init container of the bridge image, into a read-only emptyDir', () => {
    expect(pod.initContainers).toEqual([
      {
        name: 'mcpo-bridge',
        image: 'ghcr.io/mcp-orchestrator/mcpo-bridge:0.1.0',
        imagePullPolicy: 'IfNotPresent',
        command: ['/mcpo-bridge'],
        args: ['--copy-self', '/mcpo/bin/mcpo-bridge'],
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
        securityContext: container.securityContext,
        terminationMessagePolicy: 'FallbackToLogsOnError',
        volumeMounts: [{ name: 'mcpo-bridge', mountPath: '/mcpo/bin' }],
      },
    ]);
    expect(pod.volumes).toContainEqual({ name: 'mcpo-bridge', emptyDir: { sizeLimit: '64Mi' } });
    expect(container.volumeMounts).toContainEqual({ name: 'mcpo-bridge', mountPath: '/mcpo/bin', readOnly: true });
  });

  it('is ready once the server answered initialize (/readyz), alive while the bridge serves (/healthz)', () => {
    expect(container.readinessProbe).toEqual({
      httpGet: { path: '/readyz', port: 'mcp', scheme: 'HTTP' },
      periodSeconds: 10,
      timeoutSeconds: 2,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'mcp', scheme: 'HTTP' });
    expect(container.startupProbe).toBeUndefined();
  });

  it('takes the bridge image it is given (bridge.image in mcpo.yaml), pulled by the same rule as any image', () => {
    const digest = `registry.example.com/mirror/mcpo-bridge@sha256:${'a'.repeat(64)}`;
    const init = (image: string) => object(render({}, true, image), DEPLOYMENT).spec.template.spec.initContainers[0];
    expect(init(digest)).toMatchObject({ image: digest, imagePullPolicy: 'IfNotPresent' });
    expect(init('registry.example.com/mcpo-bridge:latest')).toMatchObject({ imagePullPolicy: 'Always' });
  });

  it('serves the declared path', () => {
    const template = `kind: McpTemplate
name: pathed
namespace: default
image: node:24-alpine3.21
command: [npx]
args: [-y, some-mcp]
path: /v1/mcp
port: 9100
resource_limit_name: n1-standard-nano
`;
    const args: string[] = object(render({ 'resources/p.yaml': template }), 'namespaces/default/deployment-pathed.yaml').spec.template.spec.containers[0].args;
    expect(args.slice(0, 5)).toEqual(['--listen', ':9100', '--path', '/v1/mcp', '--']);
  });

  it('keeps the declared env (after HOME and the cache locations)', () => {
    expect(container.env).toEqual([
      { name: 'HOME', value: '/home/mcp' },
      { name: 'TMPDIR', value: '/tmp' },
      { name: 'XDG_CACHE_HOME', value: '/home/mcp/.cache' },
      { name: 'npm_config_cache', value: '/home/mcp/.npm' },
      { name: 'npm_config_update_notifier', value: 'false' },
      { name: 'NODE_ENV', value: 'production' },
    ]);
  });

  it('runs as non-root on a read-only root filesystem, with HOME and /tmp writable', () => {
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
    expect(container.volumeMounts).toEqual([
      { name: 'mcpo-home', mountPath: '/home/mcp' },
      { name: 'mcpo-tmp', mountPath: '/tmp' },
      { name: 'mcpo-bridge', mountPath: '/mcpo/bin', readOnly: true },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'mcpo-home', emptyDir: {} },
      { name: 'mcpo-tmp', emptyDir: {} },
      { name: 'mcpo-bridge', emptyDir: { sizeLimit: '64Mi' } },
    ]);
  });

  it('carries the template labels plus ours, and selects on our two stable labels only', () => {
    const labels = {
      app: 'mcp-server',
      env: 'prod',
      'app.kubernetes.io/name': 'my-memory-server',
      'app.kubernetes.io/instance': 'my-memory-server',
      'app.kubernetes.io/component': 'mcp-server',
      'app.kubernetes.io/managed-by': 'mcp-orchestrator',
      [TEMPLATE_LABEL]: 'my-memory-server',
    };
    expect(deployment.metadata.labels).toEqual(labels);
    expect(deployment.spec.template.metadata.labels).toEqual(labels);
    expect(deployment.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/managed-by': 'mcp-orchestrator', [TEMPLATE_LABEL]: 'my-memory-server' } });
  });

  it('has none of the cdk8s-plus-28 defaults', () => {
    for (const text of files.values()) expect(text).not.toContain('cdk8s.io/metadata.addr');
    expect(container.startupProbe).toBeUndefined();
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(pod.dnsPolicy).toBeUndefined();
    expect(pod.restartPolicy).toBeUndefined();
    expect(deployment.spec.minReadySeconds).toBeUndefined();
    expect(deployment.spec.progressDeadlineSeconds).toBeUndefined();
  });

  it('has a Service on the port for clients, selecting the same pods', () => {
    const service = object(files, SERVICE);
    expect(service.metadata).toMatchObject({ name: 'my-memory-server', namespace: 'default', labels: deployment.metadata.labels });
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: deployment.spec.selector.matchLabels,
      ports: [{ name: 'mcp', port: 8000, targetPort: 'mcp', protocol: 'TCP', appProtocol: 'http' }],
      sessionAffinity: 'ClientIP',
    });
  });
});

describe('templates that listen themselves, presets with volumes', () => {
  const files = render({ 'resources/big.yaml': BIG_PRESET, 'resources/fetch.yaml': HTTP_TEMPLATE });
  const deployment = object(files, 'namespaces/default/deployment-fetch.yaml');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  it('run the declared command and args unchanged (no bridge) on the declared port', () => {
    expect(deployment.spec.replicas).toBe(3);
    expect(container.command).toEqual(['/app/server']);
    expect(container.args).toEqual(['--listen', '0.0.0.0:9000', "--name=it's $HOME"]);
    expect(container.ports).toEqual([{ name: 'mcp', containerPort: 9000, protocol: 'TCP' }]);
    expect(container.readinessProbe.tcpSocket).toEqual({ port: 'mcp' });
    expect(container.readinessProbe.httpGet).toBeUndefined();
    expect(container.livenessProbe).toBeUndefined();
    expect(pod.initContainers).toBeUndefined();
    expect(object(files, 'namespaces/default/service-fetch.yaml').spec.ports[0]).toMatchObject({ port: 9000, targetPort: 'mcp' });
  });

  it('get the quantities in the form the API server stores ("0.5" → 500m, 1024Mi → 1Gi, 1.5Gi → 1536Mi), ephemeral storage as request and limit', () => {
    expect(container.resources).toEqual({
      requests: { cpu: '500m', memory: '1Gi', 'ephemeral-storage': '512Mi' },
      limits: { memory: '1536Mi', 'ephemeral-storage': '512Mi' },
    });
  });

  it("mount the preset's volumes; a preset volume at /tmp replaces ours", () => {
    expect(pod.volumes).toEqual([
      { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'tmp', emptyDir: {} },
      { name: 'mcpo-home', emptyDir: {} },
    ]);
    expect(container.volumeMounts).toEqual([
      { name: 'scratch', mountPath: '/scratch' },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'mcpo-home', mountPath: '/home/mcp' },
    ]);
  });

  it('pull untagged and :latest images always, as Kubernetes would', () => {
    const latest = render({ 'resources/big.yaml': BIG_PRESET, 'resources/fetch.yaml': HTTP_TEMPLATE.replace(':1.2.3', ':latest') });
    expect(object(latest, 'namespaces/default/deployment-fetch.yaml').spec.template.spec.containers[0].imagePullPolicy).toBe('Always');
    const untagged = render({ 'resources/big.yaml': BIG_PRESET, 'resources/fetch.yaml': HTTP_TEMPLATE.replace(':1.2.3', '') });
    expect(object(untagged, 'namespaces/default/deployment-fetch.yaml').spec.template.spec.containers[0].imagePullPolicy).toBe('Always');
  });
});

describe('stdio arguments with characters a shell would interpret', () => {
  it('reach the server as the declared words, one argv entry each', () => {
    const tricky = ['-y', 'pkg@1.0.0', "it's", 'two words', '$HOME', '`id`', 'a"b', 'back\\slash', '*', '', 'line\nbreak', '--', ';rm'];
    const template = `kind: McpTemplate
name: tricky
namespace: default
image: node:24-alpine3.21
command: ["npx"]
args: ${JSON.stringify(tricky)}
resource_limit_name: n1-standard-nano
`;
    const files = render({ 'resources/tricky.yaml': template });
    const args: string[] = object(files, 'namespaces/default/deployment-tricky.yaml').spec.template.spec.containers[0].args;
    expect(args.slice(args.indexOf('--') + 1)).toEqual(['npx', ...tricky]);
  });
});

describe('env from a secret key', () => {
  const template = (extra: string) =>
    `kind: McpTemplate
name: with-token
namespace: default
image: node:24-alpine3.21
command: [npx]
args: [-y, some-mcp]
resource_limit_name: n1-standard-nano
env_vars:
  - name: HOME
    value: /data/home
  - name: API_TOKEN
    secret_key_ref: { name: api-token, key: token }
${extra}`;

  const rendered = (sealed: string, unused = fakeSealed(9)) =>
    object(
      render({ 'resources/secret.yaml': secret(sealed).replace(fakeSealed(9), unused), 'resources/t.yaml': template('') }),
      'namespaces/default/deployment-with-token.yaml',
    );

  it('becomes a secretKeyRef, and a declared HOME replaces ours', () => {
    const container = rendered(fakeSealed(1)).spec.template.spec.containers[0];
    expect(container.env.filter((e: { name: string }) => ['HOME', 'API_TOKEN'].includes(e.name))).toEqual([
      { name: 'HOME', value: '/data/home' },
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api-token', key: 'token' } } },
    ]);
    expect(container.env.map((e: { name: string }) => e.name)).toEqual([
      'TMPDIR',
      'XDG_CACHE_HOME',
      'npm_config_cache',
      'npm_config_update_notifier',
      'HOME',
      'API_TOKEN',
    ]);
  });

  it('rolls the pods when the referenced sealed value changes, and only then', () => {
    const digest = (d: Record<string, any>) => d.spec.template.metadata.annotations['mcp-orchestrator.io/secrets-sha256'];
    const a = digest(rendered(fakeSealed(1)));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(digest(rendered(fakeSealed(1)))).toBe(a);
    expect(digest(rendered(fakeSealed(1), fakeSealed(7)))).toBe(a);
    expect(digest(rendered(fakeSealed(2)))).not.toBe(a);
  });

  it('without secrets, the pod template has no annotations', () => {
    expect(object(render(), DEPLOYMENT).spec.template.metadata.annotations).toBeUndefined();
  });
});

describe('reserved names and paths, even in a model the validator did not see', () => {
  const withVolume = (volume: { name: string; mount_path: string }): Model => {
    const seed = model();
    const preset = seed.presets.get('n1-standard-nano')!;
    return { ...seed, presets: new Map([[preset.name, { ...preset, volumes: [{ ...volume, empty_dir: { memory: false } }] }]]) };
  };

  it('every volume and mount path render adds to a stdio pod is reserved, so no preset can collide with it', () => {
    const pod = object(render(), DEPLOYMENT).spec.template.spec;
    const ours = pod.volumes.map((v: { name: string }) => v.name);
    expect(ours).toContain('mcpo-bridge');
    for (const name of ours) expect(RESERVED_VOLUME_NAMES.has(name), name).toBe(true);
    for (const c of [...pod.initContainers, ...pod.containers])
      for (const m of c.volumeMounts as { mountPath: string }[])
        expect(['/home/mcp', '/tmp'].includes(m.mountPath) || reservedMountPath(m.mountPath) !== undefined, m.mountPath).toBe(true);
  });

  it('a preset volume never hides the bridge at /mcpo/bin, nor takes one of our volume names', () => {
    for (const mount_path of ['/mcpo/bin', '/mcpo', '/mcpo/bin/', '/mcpo/x', '/data/../mcpo/bin'])
      expect(() => renderModel(withVolume({ name: 'data', mount_path }), { bridgeImage: DEFAULT_BRIDGE_IMAGE }), mount_path).toThrow(
        /mount path ".*" is inside \/mcpo, reserved by mcp-orchestrator/,
      );
    for (const name of ['mcpo-bridge', 'mcpo-home', 'mcpo-tmp'])
      expect(() => renderModel(withVolume({ name, mount_path: '/data' }), { bridgeImage: DEFAULT_BRIDGE_IMAGE }), name).toThrow(
        /is reserved by mcp-orchestrator/,
      );
    expect(() => renderModel(withVolume({ name: 'data', mount_path: '/data' }), { bridgeImage: DEFAULT_BRIDGE_IMAGE })).not.toThrow();
  });
});
