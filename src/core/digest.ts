import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: string | Buffer, encoding: 'hex' | 'base64') => string;
/** crypto.hash (Node ≥ 20.12): half the cost of createHash for the many small inputs hashed here. */
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/** sha256 of a text (as UTF-8) or bytes. */
export function sha256(data: string | Buffer, encoding: 'hex' | 'base64' = 'hex'): string {
  return oneShot ? oneShot('sha256', data, encoding) : crypto.createHash('sha256').update(data).digest(encoding);
}

/** A file's digest as the check cache keys it (sha256, base64). */
export function fileDigest(content: Buffer): string {
  return sha256(content, 'base64');
}
