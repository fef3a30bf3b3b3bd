/**
 * Sealing secret values for the Bitnami Sealed Secrets controller, in process
 * and with node:crypto only, so a plaintext value never has to be written
 * anywhere: it goes in, a ciphertext that only the controller's private key
 * can open comes out.
 *
 * The format is the controller's hybrid scheme (sealed-secrets pkg/crypto),
 * applied to every value on its own:
 *
 *   sessionKey = 32 random bytes
 *   rsaCT      = RSA-OAEP(SHA-256, label)(certificate's public key, sessionKey)
 *   aesCT      = AES-256-GCM(sessionKey, nonce = 12 zero bytes, no AAD)(value) || 16-byte tag
 *   sealed     = base64( uint16BE(len(rsaCT)) || rsaCT || aesCT )
 *
 * The zero nonce is safe because every session key encrypts exactly one value.
 *
 * The OAEP label binds the ciphertext to where it may be unsealed; the
 * controller recomputes it from the SealedSecret's own name, namespace and
 * scope annotation, so a value sealed for one place does not open in another:
 *
 *   strict          "<namespace>/<name>"
 *   namespace-wide  "<namespace>"
 *   cluster-wide    ""  (empty label)
 */
import { constants, createCipheriv, createHash, publicEncrypt, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import type { SealingScope } from '../core/enums.js';
import { checkSealedValue, MIN_RSA_BITS } from '../declarations/sealed-value.js';
import { McpoError } from '../core/errors.js';

export { checkSealedValue, MIN_RSA_BITS };

/** Size of the per-value AES-256 session key, in bytes. */
export const SESSION_KEY_BYTES = 32;
/** AES-GCM nonce: always zero, the session key is used once. */
const GCM_NONCE_BYTES = 12;

/** The public half of the controller's key pair, parsed from its certificate. */
export interface SealingKey {
  readonly publicKey: KeyObject;
  /** RSA modulus size in bits (the controller's default is 4096). */
  readonly modulusBits: number;
  /** `SHA256:<base64>` of the key in SSH wire form, as the controller and `ssh-keygen -l` print it. */
  readonly fingerprint: string;
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The certificate as it was read (PEM, first CERTIFICATE block only). */
  readonly certificatePem: string;
}

/** Where a sealed value may be unsealed. */
export interface SealingTarget {
  readonly namespace: string;
  readonly name: string;
  readonly scope: SealingScope;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n[\s\S]*?-----END CERTIFICATE-----/;

/**
 * Parse the PEM certificate the controller publishes at `/v1/cert.pem`
 * (also what `kubeseal --fetch-cert` prints). Like kubeseal, the first
 * certificate in the input is used, it must hold an RSA key, and an expired
 * certificate is refused.
 */
export function parseSealingCertificate(pem: string | Buffer, options: { now?: Date } = {}): SealingKey {
  const text = typeof pem === 'string' ? pem : pem.toString('utf8');
  const block = CERT_BLOCK.exec(text)?.[0];
  if (!block) throw new McpoError('invalid', describeNonCertificate(text));

  let cert: X509Certificate;
  try {
    cert = new X509Certificate(block);
  } catch (err) {
    throw new McpoError('invalid', `sealing certificate: the CERTIFICATE block could not be parsed as X.509 (${(err as Error).message})`);
  }

  const publicKey = cert.publicKey;
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new McpoError(
      'invalid',
      `sealing certificate: expected an RSA public key, found ${publicKey.asymmetricKeyType ?? 'an unknown key type'} ` +
        `(Sealed Secrets uses RSA-OAEP; is this the controller's certificate?)`,
    );
  }
  const modulusBits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (modulusBits < MIN_RSA_BITS) {
    throw new McpoError('invalid', `sealing certificate: RSA key of ${modulusBits} bits is too small (at least ${MIN_RSA_BITS})`);
  }

  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  const now = options.now ?? new Date();
  if (!Number.isNaN(notAfter.getTime()) && now.getTime() > notAfter.getTime()) {
    throw new McpoError(
      'invalid',
      `sealing certificate expired on ${notAfter.toISOString().slice(0, 10)}; ` +
        `fetch the controller's current certificate (/v1/cert.pem or \`kubeseal --fetch-cert\`)`,
    );
  }

  return {
    publicKey,
    modulusBits,
    fingerprint: sshFingerprint(publicKey),
    subject: cert.subject,
    notBefore,
    notAfter,
    certificatePem: block.endsWith('\n') ? block : `${block}\n`,
  };
}

function describeNonCertificate(text: string): string {
  const base = 'sealing certificate: no PEM "-----BEGIN CERTIFICATE-----" block found';
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    return (
      `${base}; this is a PRIVATE key. Sealing needs only the controller's public certificate ` + `(/v1/cert.pem); never put a private key in the repository`
    );
  }
  if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(text)) {
    return `${base}; this is a bare public key, but Sealed Secrets publishes and expects a certificate (/v1/cert.pem)`;
  }
  if (/<html|<!doctype/i.test(text)) {
    return `${base}; the input looks like an HTML page (wrong URL?)`;
  }
  if (text.trim() === '') return `${base}; the input is empty`;
  return `${base}; expected the controller's certificate as published at /v1/cert.pem`;
}

/** `SHA256:` + unpadded base64 of sha256("ssh-rsa" wire encoding of e and n). */
function sshFingerprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const e = Buffer.from(jwk.e ?? '', 'base64url');
  const n = Buffer.from(jwk.n ?? '', 'base64url');
  const sshString = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  // SSH mpint: big-endian, a leading zero byte when the high bit is set.
  const mpint = (b: Buffer) => sshString(b.length > 0 && (b[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.alloc(1), b]) : b);
  const wire = Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(e), mpint(n)]);
  return `SHA256:${createHash('sha256').update(wire).digest('base64').replace(/=+$/, '')}`;
}

/**
 * The OAEP label for a target, exactly as the controller computes it from the
 * SealedSecret it unseals.
 */
export function sealingLabel(target: SealingTarget): Buffer {
  const { namespace, name, scope } = target;
  switch (scope) {
    case 'SEALING_SCOPE_CLUSTER_WIDE':
      return Buffer.alloc(0);
    case 'SEALING_SCOPE_NAMESPACE_WIDE':
      requireName('namespace', namespace, scope);
      return Buffer.from(namespace, 'utf8');
    case 'SEALING_SCOPE_STRICT':
      requireName('namespace', namespace, scope);
      requireName('name', name, scope);
      return Buffer.from(`${namespace}/${name}`, 'utf8');
    default:
      throw new McpoError('invalid', `unknown sealing scope ${String(scope)}`);
  }
}

function requireName(what: string, value: string, scope: SealingScope): void {
  if (typeof value !== 'string' || value === '') {
    throw new McpoError('invalid', `sealing with ${scope} needs a ${what}`);
  }
  // Kubernetes names never contain '/', and the strict label relies on it.
  if (value.includes('/')) throw new McpoError('invalid', `${what} ${JSON.stringify(value)} must not contain "/"`);
}

/**
 * Seal one value for the target. Every call uses a fresh session key, so the
 * same value sealed twice gives different ciphertexts.
 */
export function sealValue(key: SealingKey, target: SealingTarget, plaintext: Buffer): string {
  if (!(plaintext instanceof Uint8Array)) throw new McpoError('invalid', 'sealValue: plaintext must be a Buffer');
  const label = sealingLabel(target);
  if (!key || !key.publicKey) throw new McpoError('invalid', 'sealValue: no sealing key; use parseSealingCertificate()');
  const sessionKey = randomBytes(SESSION_KEY_BYTES);
  try {
    const rsaCiphertext = publicEncrypt({ key: key.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label }, sessionKey);
    const cipher = createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(GCM_NONCE_BYTES));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(rsaCiphertext.length);
    return Buffer.concat([length, rsaCiphertext, body]).toString('base64');
  } finally {
    sessionKey.fill(0);
  }
}

/**
 * Seal every value of a key → plaintext map for one target. The result has
 * its keys sorted, ready for `encrypted_data`.
 */
export function sealData(key: SealingKey, target: SealingTarget, data: Readonly<Record<string, Buffer>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(data).sort()) out[k] = sealValue(key, target, data[k]!);
  return out;
}
