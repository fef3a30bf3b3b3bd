/** The Kubernetes name syntax a kind's names must follow. */
export type NameRule = 'dns1123-label' | 'dns1035-label' | 'dns1123-subdomain';

/** What each declarable `kind:` is checked against. */
export interface KindInfo {
  /** Message in spec/ the document must match. */
  readonly message: string;
  /** Whether the resource lives in a namespace. */
  readonly namespaced: boolean;
  readonly nameRule: NameRule;
}

export const KINDS = {
  // Names a Deployment and a Service (Service names must be DNS-1035 labels).
  McpTemplate: { message: 'McpTemplate', namespaced: true, nameRule: 'dns1035-label' },
  // Cluster-scoped; used as a label value on what it renders, so a label.
  ResourceLimit: { message: 'ResourceLimitPreset', namespaced: false, nameRule: 'dns1123-label' },
  Namespace: { message: 'Namespace', namespaced: false, nameRule: 'dns1123-label' },
  Secret: { message: 'Secret', namespaced: true, nameRule: 'dns1123-subdomain' },
} as const satisfies Record<string, KindInfo>;

export type KindName = keyof typeof KINDS;

export function isKindName(kind: string): kind is KindName {
  return Object.hasOwn(KINDS, kind);
}

/**
 * String fields holding Kubernetes quantities. Unquoted numbers are accepted
 * there (`cpu: 1`, `cpu: 0.5`) as Kubernetes accepts them.
 */
export const QUANTITY_FIELDS: ReadonlySet<string> = new Set(['cpu', 'memory', 'cpu_limit', 'memory_limit', 'ephemeral_storage', 'size_limit']);
