/** What a Secret's type demands and what a sealed value looks like. */
import type { SecretType } from './types.js';

const REQUIRED_KEYS: Record<string, readonly string[]> = {
  SECRET_TYPE_DOCKER_CONFIG_JSON: ['.dockerconfigjson'],
  SECRET_TYPE_BASIC_AUTH: ['username', 'password'],
  SECRET_TYPE_SSH_AUTH: ['ssh-privatekey'],
  SECRET_TYPE_TLS: ['tls.crt', 'tls.key'],
};

/** Keys Kubernetes requires for a Secret of this type. */
export function requiredKeysForType(type: SecretType | string): readonly string[] {
  return REQUIRED_KEYS[type] ?? [];
}

/** The Kubernetes `type:` of a Secret. */
export const KUBERNETES_SECRET_TYPE: Readonly<Record<SecretType, string>> = {
  SECRET_TYPE_OPAQUE: 'Opaque',
  SECRET_TYPE_DOCKER_CONFIG_JSON: 'kubernetes.io/dockerconfigjson',
  SECRET_TYPE_BASIC_AUTH: 'kubernetes.io/basic-auth',
  SECRET_TYPE_SSH_AUTH: 'kubernetes.io/ssh-auth',
  SECRET_TYPE_TLS: 'kubernetes.io/tls',
};

/**
 * Whether a value has the shape of a Sealed Secrets ciphertext: base64 of
 * uint16BE(len) || RSA ciphertext (a 1024..8192-bit key) || AES-GCM output (≥ 16-byte tag).
 * It cannot prove sealing, but it catches plaintext pasted by mistake.
 */
export function looksSealed(value: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return false;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < 2) return false;
  const rsaLength = bytes.readUInt16BE(0);
  return rsaLength >= 128 && rsaLength <= 1024 && rsaLength % 64 === 0 && bytes.length >= 2 + rsaLength + 16;
}
