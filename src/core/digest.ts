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

/**
 * git's object name of a blob holding these bytes, in a SHA-1 repository (sha1 of
 * `blob <size>\0` and the bytes): what `git ls-tree` lists for a file with this content.
 */
export function gitBlobName(content: Buffer): string {
  return crypto.createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}
