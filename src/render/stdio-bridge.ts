/**
 * The stdio bridge: how a template whose server speaks MCP on stdin/stdout
 * (transport STDIO, the seed's example) becomes a pod that stays up and is
 * reachable over the network.
 *
 * A container whose stdin is closed sees EOF at once and a stdio MCP server
 * exits. So the pod gets mcpo-bridge, our static binary (bridge/): an init
 * container from the bridge image copies it into an emptyDir, and the main
 * container (the template's image, unchanged) runs it from there. The bridge
 * serves MCP Streamable HTTP on the template's port and path and runs the
 * declared command and args, exec'd with no shell, as one child per MCP
 * session. The declared argv is handed over as the bridge's own argv after
 * `--`, so Kubernetes' `$(VAR)` expansion applies to it exactly as to a
 * container running it directly, and the image needs neither a shell nor
 * Node nor the network at start.
 *
 * See docs/render.md for why this design and its limits.
 */
import { k8s } from 'cdk8s-plus-28';
import { BRIDGE_CONTAINER_NAME, BRIDGE_DIR, BRIDGE_VOLUME } from '../core/names.js';
import type { McpTemplate } from '../model/types.js';
import { containerSecurityContext, imagePullPolicy } from './_pod-runtime.js';

/** Where the main container finds the binary the init container copied. */
export const BRIDGE_BINARY = `${BRIDGE_DIR}/mcpo-bridge`;
/** The binary's path inside the bridge image (FROM scratch, the binary only). */
export const BRIDGE_IMAGE_BINARY = '/mcpo-bridge';
/** 200 while the bridge process serves: the liveness probe. */
export const BRIDGE_HEALTH_PATH = '/healthz';
/** 200 once a warm child has answered `initialize` (the server really speaks MCP): the readiness probe. */
export const BRIDGE_READY_PATH = '/readyz';
/** The emptyDir holds one static binary (~10 MB); the limit keeps a runaway copy from filling the node. */
export const BRIDGE_VOLUME_SIZE = '64Mi';
/**
 * The init container only copies a file. Its requests are below any preset's
 * (the pod's effective request is the larger of the init container's and the
 * sum of the others', so these add nothing); explicit limits keep it
 * admissible in namespaces whose ResourceQuota or LimitRange demands them.
 */
export const BRIDGE_INIT_RESOURCES = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } } as const;

export interface ContainerCommand {
  /** undefined: keep the image's ENTRYPOINT. */
  readonly command?: string[];
  /** undefined: keep the image's CMD (only when command is undefined too). */
  readonly args?: string[];
}

/** Text the kubelet passes through unchanged: `$$` is its escape for `$`. */
function kubernetesLiteral(text: string): string {
  return text.replace(/\$/g, '$$$$');
}

/**
 * What the container runs for a template: the bridge in front of the
 * declared command for STDIO, the declared command and args unchanged
 * otherwise.
 */
export function containerCommand(template: McpTemplate): ContainerCommand {
  if (template.transport !== 'TRANSPORT_STDIO') {
    return {
      ...(template.command.length > 0 && { command: [...template.command] }),
      ...(template.args.length > 0 && { args: [...template.args] }),
    };
  }
  if (template.command.length === 0) {
    // The validator refuses this (field.required on command); never render a bridge with nothing to run.
    throw new Error(`McpTemplate ${template.namespace}/${template.name}: a stdio server needs a command`);
  }
  return {
    command: [BRIDGE_BINARY],
    // Our own words are literal (a path may hold "$"); the declared ones mean what Kubernetes says.
    args: ['--listen', `:${template.port}`, '--path', kubernetesLiteral(template.path), '--', ...template.command, ...template.args],
  };
}

/** The init container that puts the bridge binary into the pod's BRIDGE_VOLUME. */
export function bridgeInitContainer(bridgeImage: string): k8s.Container {
  return {
    name: BRIDGE_CONTAINER_NAME,
    image: bridgeImage,
    imagePullPolicy: imagePullPolicy(bridgeImage),
    command: [BRIDGE_IMAGE_BINARY],
    args: ['--copy-self', BRIDGE_BINARY],
    resources: {
      requests: quantities(BRIDGE_INIT_RESOURCES.requests),
      limits: quantities(BRIDGE_INIT_RESOURCES.limits),
    },
    securityContext: containerSecurityContext(),
    terminationMessagePolicy: 'FallbackToLogsOnError',
    volumeMounts: [{ name: BRIDGE_VOLUME, mountPath: BRIDGE_DIR }],
  };
}

/** The emptyDir the init container fills and the main container reads. */
export function bridgeVolume(): { volume: k8s.Volume; mount: k8s.VolumeMount } {
  return {
    volume: { name: BRIDGE_VOLUME, emptyDir: { sizeLimit: k8s.Quantity.fromString(BRIDGE_VOLUME_SIZE) } },
    mount: { name: BRIDGE_VOLUME, mountPath: BRIDGE_DIR, readOnly: true },
  };
}

function quantities(side: Readonly<Record<string, string>>): Record<string, k8s.Quantity> {
  return Object.fromEntries(Object.entries(side).map(([k, v]) => [k, k8s.Quantity.fromString(v)]));
}
