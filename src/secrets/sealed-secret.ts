/**
 * The Bitnami SealedSecret object (bitnami.com/v1alpha1) for a declared
 * Secret. Rendering passes the stored ciphertexts through unchanged, so the
 * output is deterministic and holds no plaintext; the controller in the
 * cluster unseals it into a Secret with the same name, namespace, labels and
 * type.
 */
import type { SealingScope, Secret, SecretType } from '../model/types.js';

export const SEALED_SECRET_API_VERSION = 'bitnami.com/v1alpha1';
export const SEALED_SECRET_KIND = 'SealedSecret';

/** Annotations the controller reads (on the SealedSecret itself) to pick the label for a scope. */
export const NAMESPACE_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/namespace-wide';
export const CLUSTER_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/cluster-wide';

const KUBERNETES_SECRET_TYPES: Readonly<Record<SecretType, string>> = {
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
const REQUIRED_KEYS: Readonly<Record<SecretType, readonly string[]>> = {
  SECRET_TYPE_OPAQUE: [],
  SECRET_TYPE_DOCKER_CONFIG_JSON: ['.dockerconfigjson'],
  SECRET_TYPE_BASIC_AUTH: ['username', 'password'],
  SECRET_TYPE_SSH_AUTH: ['ssh-privatekey'],
  SECRET_TYPE_TLS: ['tls.crt', 'tls.key'],
};

/** The Kubernetes `type` of a Secret for a SecretType (proto enum name). */
export function kubernetesSecretType(type: SecretType): string {
  const t = KUBERNETES_SECRET_TYPES[type];
  if (!t) throw new Error(`unknown secret type ${String(type)}`);
  return t;
}

/** The keys a Secret of this type must have; a fresh array each call. */
export function requiredKeysForType(type: SecretType): string[] {
  const keys = REQUIRED_KEYS[type];
  if (!keys) throw new Error(`unknown secret type ${String(type)}`);
  return [...keys];
}

/** The scope annotations kubeseal writes for a scope (none for strict). */
export function scopeAnnotations(scope: SealingScope): Record<string, string> {
  switch (scope) {
    case 'SEALING_SCOPE_NAMESPACE_WIDE':
      return { [NAMESPACE_WIDE_ANNOTATION]: 'true' };
    case 'SEALING_SCOPE_CLUSTER_WIDE':
      return { [CLUSTER_WIDE_ANNOTATION]: 'true' };
    default:
      return {};
  }
}

function sorted(record: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(record ?? {}).sort()) out[k] = record![k]!;
  return out;
}

/**
 * The SealedSecret manifest for a model Secret. Keys of every map are sorted
 * and empty maps are left out, so the same Secret always gives the same
 * object. The scope annotations go on the SealedSecret (the controller derives
 * the decryption label from them) and, as kubeseal does, on the template.
 */
export function sealedSecretManifest(secret: Secret): Record<string, unknown> {
  const scope: SealingScope = secret.scope ?? 'SEALING_SCOPE_STRICT';
  const type: SecretType = secret.type ?? 'SECRET_TYPE_OPAQUE';
  const labels = sorted(secret.labels);
  const annotations = scopeAnnotations(scope);

  const meta = (): Record<string, unknown> => {
    const m: Record<string, unknown> = { name: secret.name, namespace: secret.namespace };
    if (Object.keys(labels).length > 0) m.labels = { ...labels };
    if (Object.keys(annotations).length > 0) m.annotations = { ...annotations };
    return m;
  };

  return {
    apiVersion: SEALED_SECRET_API_VERSION,
    kind: SEALED_SECRET_KIND,
    metadata: meta(),
    spec: {
      encryptedData: sorted(secret.encrypted_data),
      template: {
        metadata: meta(),
        type: kubernetesSecretType(type),
      },
    },
  };
}
