/**
 * A declared Secret becomes a Bitnami SealedSecret: the manifest comes from
 * src/secrets/sealed-secret.ts (ciphertexts passed through unchanged, so the
 * output is deterministic and holds no plaintext); cdk8s renders it like any
 * other object. The SealedSecret CRD and controller must be installed in the
 * cluster.
 */
import { ApiObject, type ApiObjectProps } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Secret } from '../model/types.js';
import { sealedSecretManifest } from '../secrets/sealed-secret.js';

export function renderSealedSecret(scope: Construct, secret: Secret): ApiObject {
  const manifest = sealedSecretManifest(secret) as unknown as ApiObjectProps;
  return new ApiObject(scope, `SealedSecret-${secret.name}`, manifest);
}
