/**
 * What a Sealed Secrets ciphertext looks like from outside (Bitnami's hybrid
 * format: a 2-byte length, the RSA-OAEP-wrapped session key, then AES-256-GCM
 * data and tag). The validator uses it to refuse pasted plaintext; sealing
 * (src/secrets) produces values of this shape.
 */

/** The controller generates 4096-bit keys; anything under 2048 is refused. */
export const MIN_RSA_BITS = 2048;
/** Upper bound used only to recognise values that are not sealed at all. */
const MAX_RSA_BITS = 16384;
export const GCM_TAG_BYTES = 16;

/**
 * Check that a stored value has the shape of a sealed value, without being
 * able to decrypt it: base64, a length prefix that fits, room for the GCM tag,
 * and (given the certificate) an RSA part of the certificate's modulus size.
 * Returns a description of the problem, or undefined when the shape is right.
 */
export function checkSealedValue(value: string, key?: { readonly modulusBits: number; readonly fingerprint: string }): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'empty value; expected a base64 sealed value';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) {
    return 'not standard base64; expected a value sealed with `mcpo` or kubeseal';
  }
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < 2) return 'too short to be a sealed value';
  const rsaLength = bytes.readUInt16BE(0);
  if (rsaLength < MIN_RSA_BITS / 8 || rsaLength > MAX_RSA_BITS / 8) {
    return 'not a sealed value (no RSA part of a plausible size); was a plaintext value base64-encoded instead of sealed?';
  }
  if (bytes.length < 2 + rsaLength + GCM_TAG_BYTES) {
    return 'truncated sealed value (shorter than its RSA part plus the AES-GCM tag)';
  }
  if (key && rsaLength !== key.modulusBits / 8) {
    return `sealed for a ${rsaLength * 8}-bit key, but the sealing certificate (${key.fingerprint}) has ${key.modulusBits} bits; reseal it`;
  }
  return undefined;
}
