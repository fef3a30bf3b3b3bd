/**
 * An McpTemplate becomes a Deployment running exactly the declared image,
 * command, args and env (behind the stdio bridge for STDIO servers, which an
 * init container brings into the pod), with the preset's resources and volumes.
 *
 * Rendered with the typed L1 construct (k8s.KubeDeployment from
 * cdk8s-plus-28), not the L2 `Deployment`: every field is written here on
 * purpose, so none of the L2 defaults (2 replicas, 1 CPU / 512Mi requests,
 * imagePullPolicy Always, a TCP startup probe, the cdk8s.io/metadata.addr
 * selector) can slip in, and quantities reach the manifest in the form the
 * API server stores ("0.5" → "500m", "1024Mi" → "1Gi"; canonicalQuantity)
 * instead of being converted by cdk8s's Size/Cpu, so a second server-side
 * apply manager sees no difference. docs/render.md lists each decision.
 */
import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { quoted } from '../core/echo.js';
import { ANNOTATION_PREFIX, CONTAINER_NAME, HOME_VOLUME, PORT_NAME, RESERVED_VOLUME_NAMES, TMP_VOLUME, reservedMountPath } from '../core/names.js';
import { canonicalQuantity, type QuantityField } from '../declarations/canonical-quantity.js';
import { containerResources, namespacedKey } from '../model/queries.js';
import type { McpTemplate, ResourceLimitPreset, Secret } from '../model/types.js';
import type { GitopsConfig } from '../declarations/repo-config.js';
import { descriptiveAnnotations, nonEmpty, selectorLabels, templateLabels } from './labels.js';
import { HOME_DIR, RUNTIME_ENV, TMP_DIR, containerSecurityContext, imagePullPolicy, podSecurityContext } from './_pod-runtime.js';
import { BRIDGE_HEALTH_PATH, BRIDGE_READY_PATH, bridgeInitContainer, bridgeVolume, containerCommand } from './stdio-bridge.js';

/**
 * Pod template annotation: a digest of the sealed values the pod reads
 * through secretKeyRef, so that re-sealing a referenced key rolls the pods
 * (env from a Secret is read only when a container starts). It changes only
 * when those ciphertexts change.
 */
export const SECRETS_DIGEST_ANNOTATION = `${ANNOTATION_PREFIX}secrets-sha256`;

/** Seconds the pod gets to stop; the bridge drains its children within its 10 s grace, well inside this. */
export const TERMINATION_GRACE_SECONDS = 30;

/** What rendering takes besides the model: decided per repository (mcpo.yaml), passed in so render stays pure. */
export interface RenderOptions {
  /** The mcpo-bridge image of stdio templates' init container. */
  readonly bridgeImage: string;
  /** mcpo.yaml's gitops section: the layout of the output, and the Argo CD / Flux objects (kustomization.ts). */
  readonly gitops?: GitopsConfig;
}

export function renderDeployment(
  scope: Construct,
  template: McpTemplate,
  preset: ResourceLimitPreset,
  secrets: ReadonlyMap<string, Secret>,
  options: RenderOptions,
): k8s.KubeDeployment {
  const labels = templateLabels(template);
  const stdio = template.transport === 'TRANSPORT_STDIO';
  const { volumes, volumeMounts } = podVolumes(template, preset);
  const secretsDigest = referencedSecretsDigest(template, secrets);
  return new k8s.KubeDeployment(scope, `Deployment-${template.name}`, {
    metadata: {
      name: template.name,
      namespace: template.namespace,
      labels,
      annotations: nonEmpty(descriptiveAnnotations(template)),
    },
    spec: {
      replicas: template.replicas,
      selector: { matchLabels: selectorLabels(template) },
      // Surge one new pod before stopping an old one: a server stays reachable while it rolls.
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
      },
      template: {
        metadata: {
          labels,
          annotations: nonEmpty(secretsDigest ? { [SECRETS_DIGEST_ANNOTATION]: secretsDigest } : {}),
        },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext(),
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          ...(stdio && { initContainers: [bridgeInitContainer(options.bridgeImage)] }),
          containers: [
            {
              name: CONTAINER_NAME,
              image: template.image,
              imagePullPolicy: imagePullPolicy(template.image),
              ...containerCommand(template),
              env: env(template),
              ports: [{ name: PORT_NAME, containerPort: template.port, protocol: 'TCP' }],
              readinessProbe: readinessProbe(template),
              ...(stdio && { livenessProbe: livenessProbe() }),
              resources: resources(template, preset),
              securityContext: containerSecurityContext(),
              terminationMessagePolicy: 'FallbackToLogsOnError',
              volumeMounts,
            },
          ],
          volumes,
        },
      },
    },
  });
}

/** Runtime env first (HOME, caches), then the declared env in declared order; a declared name replaces ours. */
function env(template: McpTemplate): k8s.EnvVar[] {
  const declared = new Set(template.env_vars.map((e) => e.name));
  const out: k8s.EnvVar[] = RUNTIME_ENV.filter((e) => !declared.has(e.name)).map((e) => ({ name: e.name, value: e.value }));
  for (const e of template.env_vars) {
    if (e.secret_key_ref) out.push({ name: e.name, valueFrom: { secretKeyRef: { name: e.secret_key_ref.name, key: e.secret_key_ref.key } } });
    else out.push({ name: e.name, value: e.value ?? '' });
  }
  return out;
}

/** The quantity as the API server will store it; the validator has accepted it, so undefined means a model built some other way. */
function quantity(text: string, field: QuantityField, where: string): k8s.Quantity {
  const canonical = canonicalQuantity(text, field);
  if (canonical === undefined) throw new Error(`${where}: ${quoted(text)} is not a Kubernetes quantity`);
  return k8s.Quantity.fromString(canonical);
}

/** Requests and limits as declared, in the API server's canonical form; a missing limit stays missing. */
function resources(template: McpTemplate, preset: ResourceLimitPreset): k8s.ResourceRequirements {
  const r = containerResources(preset, template);
  const quantities = (side: Readonly<Record<string, string | undefined>>): Record<string, k8s.Quantity> | undefined => {
    const out: Record<string, k8s.Quantity> = {};
    for (const key of Object.keys(side).sort()) {
      const value = side[key];
      if (value !== undefined && value !== '') out[key] = quantity(value, 'ResourceList', `template ${template.namespace}/${template.name}: ${key}`);
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  return { requests: quantities(r.requests), limits: quantities(r.limits) };
}

const PROBE_TIMING = { periodSeconds: 10, timeoutSeconds: 2, successThreshold: 1, failureThreshold: 3 } as const;

/**
 * STDIO: ready once the bridge's warm child has answered `initialize` (the
 * server really speaks MCP; a first start that downloads packages just stays
 * unready). STREAMABLE_HTTP/SSE: a TCP connect, since an HTTP GET on an MCP
 * endpoint is no health check (400/405/406 without a session, or an SSE
 * stream that never ends). No startup probe: nothing here restarts a slow start.
 */
function readinessProbe(template: McpTemplate): k8s.Probe {
  const port = k8s.IntOrString.fromString(PORT_NAME);
  if (template.transport === 'TRANSPORT_STDIO') return { httpGet: { path: BRIDGE_READY_PATH, port, scheme: 'HTTP' }, ...PROBE_TIMING };
  return { tcpSocket: { port }, ...PROBE_TIMING };
}

/**
 * STDIO only: the bridge's /healthz answers from its first instant, whatever
 * the server behind it does, so a bridge that stops serving is restarted and
 * a slow server is not. Servers that listen themselves get none: we cannot
 * tell a slow start from a hang.
 */
function livenessProbe(): k8s.Probe {
  return { httpGet: { path: BRIDGE_HEALTH_PATH, port: k8s.IntOrString.fromString(PORT_NAME), scheme: 'HTTP' }, ...PROBE_TIMING };
}

/**
 * The preset's volumes (declared order), then HOME and /tmp as emptyDirs
 * unless a preset volume is mounted at that very path, then (STDIO) the
 * bridge's read-only emptyDir. Reserved names and paths are refused by the
 * validator; the checks here keep a model built some other way from
 * rendering a pod whose bridge a preset volume hides.
 */
function podVolumes(template: McpTemplate, preset: ResourceLimitPreset): { volumes: k8s.Volume[]; volumeMounts: k8s.VolumeMount[] } {
  const volumes: k8s.Volume[] = [];
  const volumeMounts: k8s.VolumeMount[] = [];
  for (const v of preset.volumes) {
    const where = `ResourceLimit ${preset.name} (template ${template.namespace}/${template.name})`;
    if (RESERVED_VOLUME_NAMES.has(v.name)) throw new Error(`${where}: volume name "${v.name}" is reserved by mcp-orchestrator`);
    const reserved = reservedMountPath(v.mount_path);
    if (reserved) throw new Error(`${where}: mount path "${v.mount_path}" is inside ${reserved}, reserved by mcp-orchestrator`);
    const emptyDir: k8s.EmptyDirVolumeSource = {
      ...(v.empty_dir?.memory && { medium: 'Memory' }),
      ...(v.empty_dir?.size_limit && { sizeLimit: quantity(v.empty_dir.size_limit, 'Quantity', `${where}: volume ${v.name} size_limit`) }),
    };
    volumes.push({ name: v.name, emptyDir });
    volumeMounts.push({ name: v.name, mountPath: v.mount_path });
  }
  const taken = new Set(preset.volumes.map((v) => v.mount_path.replace(/\/+$/, '')));
  for (const [name, path] of [
    [HOME_VOLUME, HOME_DIR],
    [TMP_VOLUME, TMP_DIR],
  ] as const) {
    if (taken.has(path)) continue;
    volumes.push({ name, emptyDir: {} });
    volumeMounts.push({ name, mountPath: path });
  }
  if (template.transport === 'TRANSPORT_STDIO') {
    const bridge = bridgeVolume();
    volumes.push(bridge.volume);
    volumeMounts.push(bridge.mount);
  }
  return { volumes, volumeMounts };
}

/** sha256 over the (secret, key, ciphertext) triples the template reads; undefined when it reads none. */
function referencedSecretsDigest(template: McpTemplate, secrets: ReadonlyMap<string, Secret>): string | undefined {
  const refs = new Set<string>();
  for (const e of template.env_vars) if (e.secret_key_ref) refs.add(`${e.secret_key_ref.name}\u0000${e.secret_key_ref.key}`);
  if (refs.size === 0) return undefined;
  const hash = createHash('sha256');
  for (const ref of [...refs].sort()) {
    const [name = '', key = ''] = ref.split('\u0000');
    const sealed = secrets.get(namespacedKey(template.namespace, name))?.encrypted_data[key] ?? '';
    hash.update(`${name}\u0000${key}\u0000${sealed}\n`);
  }
  return hash.digest('hex');
}
