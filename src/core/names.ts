/**
 * Names that more than one stage must agree on: the labels put on rendered
 * objects (the validator refuses them in declarations, the cluster reader
 * selects pods by them) and the names render reserves in every pod.
 */
import { posix } from 'node:path';

/** Label every rendered object carries to tie it to its template. */
export const TEMPLATE_LABEL = 'mcp-orchestrator.io/template';
export const MANAGED_BY = 'mcp-orchestrator';

/** Labels on every object mcp-orchestrator renders for a template or namespace. */
export const MANAGED_BY_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/managed-by': MANAGED_BY };

/** Annotation prefix for what mcp-orchestrator writes besides labels. */
export const ANNOTATION_PREFIX = 'mcp-orchestrator.io/';

/**
 * Labels mcp-orchestrator puts on everything it renders for a template (with
 * the declared ones); declarations may not use these keys.
 */
export function templateOwnLabels(templateName: string): Record<string, string> {
  return {
    ...MANAGED_BY_LABELS,
    'app.kubernetes.io/name': templateName,
    'app.kubernetes.io/instance': templateName,
    'app.kubernetes.io/component': 'mcp-server',
    [TEMPLATE_LABEL]: templateName,
  };
}

/** Label keys a template may not declare. */
export const RESERVED_LABEL_KEYS: ReadonlySet<string> = new Set(Object.keys(templateOwnLabels('')));

/** The MCP server's container in every rendered pod. */
export const CONTAINER_NAME = 'mcp-server';
/** The init container of a stdio template's pod: it copies the bridge binary into BRIDGE_DIR. */
export const BRIDGE_CONTAINER_NAME = 'mcpo-bridge';
/** The named container port the Service targets. */
export const PORT_NAME = 'mcp';

/**
 * Volume names render adds to pods (the writable HOME and /tmp of every pod,
 * the bridge binary of a stdio template's pod); a preset's volumes may not take them.
 */
export const HOME_VOLUME = 'mcpo-home';
export const TMP_VOLUME = 'mcpo-tmp';
export const BRIDGE_VOLUME = 'mcpo-bridge';
export const RESERVED_VOLUME_NAMES: ReadonlySet<string> = new Set([HOME_VOLUME, TMP_VOLUME, BRIDGE_VOLUME]);

/** Where the bridge binary is in a stdio template's pod (an emptyDir the init container fills). */
export const BRIDGE_DIR = '/mcpo/bin';
/**
 * Mount paths of mcp-orchestrator's own in every pod: a preset volume may be
 * mounted neither at one of them nor below it (HOME and /tmp are different:
 * a preset volume at that very path replaces ours).
 */
export const RESERVED_MOUNT_PATHS: readonly string[] = ['/mcpo'];

/** The reserved mount path `path` is at or below, if any, however it is spelled (`//`, `.`, `..`, a trailing `/`). */
export function reservedMountPath(path: string): string | undefined {
  const normalized = posix.normalize(path).replace(/(.)\/$/, '$1');
  return RESERVED_MOUNT_PATHS.find((r) => normalized === r || normalized.startsWith(`${r}/`));
}

/**
 * The bridge image when mcpo.yaml sets no `bridge.image`: the image built
 * from bridge/Dockerfile and published with this version of mcp-orchestrator.
 */
export const DEFAULT_BRIDGE_IMAGE = 'ghcr.io/mcp-orchestrator/mcpo-bridge:0.1.0';
