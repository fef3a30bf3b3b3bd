import { deepFreeze } from './freeze.js';

/**
 * The proto enums declarations use (by name, as in spec/), the one place
 * their defaults are decided, and what each secret type means to Kubernetes.
 */
export type Transport = 'TRANSPORT_STDIO' | 'TRANSPORT_STREAMABLE_HTTP' | 'TRANSPORT_SSE';
export type SecretType = 'SECRET_TYPE_OPAQUE' | 'SECRET_TYPE_DOCKER_CONFIG_JSON' | 'SECRET_TYPE_BASIC_AUTH' | 'SECRET_TYPE_SSH_AUTH' | 'SECRET_TYPE_TLS';
export type SealingScope = 'SEALING_SCOPE_STRICT' | 'SEALING_SCOPE_NAMESPACE_WIDE' | 'SEALING_SCOPE_CLUSTER_WIDE';

/** What a declaration gets for a field it leaves out. */
export const DEFAULTS = {
  replicas: 1,
  port: 8000,
  /** The MCP endpoint path; SSE servers conventionally serve theirs at /sse. */
  path: '/mcp',
  ssePath: '/sse',
  transport: 'TRANSPORT_STDIO',
  secretType: 'SECRET_TYPE_OPAQUE',
  sealingScope: 'SEALING_SCOPE_STRICT',
} as const satisfies {
  replicas: number;
  port: number;
  path: string;
  ssePath: string;
  transport: Transport;
  secretType: SecretType;
  sealingScope: SealingScope;
};

/** The declared enum value, or the default when it is left out ('' or *_UNSPECIFIED). The value is assumed checked. */
export function enumOrDefault<T extends string>(declared: unknown, fallback: T): T {
  return typeof declared === 'string' && declared !== '' && !declared.endsWith('_UNSPECIFIED') ? (declared as T) : fallback;
}

/** The Kubernetes `type` of a Secret for each SecretType. */
export const KUBERNETES_SECRET_TYPES: Readonly<Record<SecretType, string>> = {
  SECRET_TYPE_OPAQUE: 'Opaque',
  SECRET_TYPE_DOCKER_CONFIG_JSON: 'kubernetes.io/dockerconfigjson',
  SECRET_TYPE_BASIC_AUTH: 'kubernetes.io/basic-auth',
  SECRET_TYPE_SSH_AUTH: 'kubernetes.io/ssh-auth',
  SECRET_TYPE_TLS: 'kubernetes.io/tls',
};

/**
 * Keys that Kubernetes requires in a Secret of each type (the API server
 * rejects the unsealed Secret without them). Opaque requires none.
 */
export const REQUIRED_SECRET_KEYS: Readonly<Record<SecretType, readonly string[]>> = deepFreeze({
  SECRET_TYPE_OPAQUE: [],
  SECRET_TYPE_DOCKER_CONFIG_JSON: ['.dockerconfigjson'],
  SECRET_TYPE_BASIC_AUTH: ['username', 'password'],
  SECRET_TYPE_SSH_AUTH: ['ssh-privatekey'],
  SECRET_TYPE_TLS: ['tls.crt', 'tls.key'],
});
