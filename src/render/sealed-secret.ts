/**
 * A declared Secret becomes a Bitnami SealedSecret (bitnami.com/v1alpha1).
 * The stored ciphertexts pass through unchanged, so the output is
 * deterministic and holds no plaintext; the controller in the cluster unseals
 * it into a Secret with the same name, namespace, labels and type. The
 * SealedSecret CRD and controller must be installed in the cluster.
 */
import { ApiObject, type ApiObjectProps } from 'cdk8s';
import type { Construct } from 'constructs';
import { KUBERNETES_SECRET_TYPES, type SealingScope } from '../core/enums.js';
import { sortedRecord } from '../core/order.js';
import type { Secret } from '../model/types.js';

export const SEALED_SECRET_API_VERSION = 'bitnami.com/v1alpha1';
export const SEALED_SECRET_KIND = 'SealedSecret';

/** Annotations the controller reads (on the SealedSecret itself) to pick the label for a scope. */
export const NAMESPACE_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/namespace-wide';
export const CLUSTER_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/cluster-wide';

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

/**
 * The SealedSecret manifest for a model Secret. Keys of every map are sorted
 * and empty maps are left out, so the same Secret always gives the same
 * object. The scope annotations go on the SealedSecret (the controller derives
 * the decryption label from them) and, as kubeseal does, on the template.
 */
export function sealedSecretManifest(secret: Secret): Record<string, unknown> {
  const labels = sortedRecord(secret.labels);
  const annotations = scopeAnnotations(secret.scope);

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
      encryptedData: sortedRecord(secret.encrypted_data),
      template: {
        metadata: meta(),
        type: KUBERNETES_SECRET_TYPES[secret.type],
      },
    },
  };
}

export function renderSealedSecret(scope: Construct, secret: Secret): ApiObject {
  return new ApiObject(scope, `SealedSecret-${secret.name}`, sealedSecretManifest(secret) as unknown as ApiObjectProps);
}
