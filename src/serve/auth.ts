/**
 * Optional bearer-token authentication: `authorization: Bearer <token>` must
 * carry one of the tokens of --auth-token-file (one per line; blank lines and
 * lines starting with # are ignored). Tokens are kept only as SHA-256 hashes
 * and compared with crypto.timingSafeEqual against every configured hash.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type * as grpc from '@grpc/grpc-js';

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export class BearerAuth {
  private readonly digests: readonly Buffer[];

  constructor(tokens: readonly string[]) {
    const clean = tokens.map((t) => t.trim()).filter((t) => t.length > 0);
    if (clean.length === 0) throw new Error('no auth tokens given');
    this.digests = clean.map(digest);
  }

  static fromFile(path: string): BearerAuth {
    const lines = readFileSync(path, 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0 && !l.startsWith('#'));
    if (lines.length === 0) throw new Error(`${path} holds no token (one token per line)`);
    return new BearerAuth(lines);
  }

  /** True when the call's metadata carries a configured token. */
  check(metadata: grpc.Metadata): boolean {
    const values = metadata.get('authorization');
    const header = values.length === 1 && typeof values[0] === 'string' ? values[0] : '';
    const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
    const presented = digest(match?.[1] ?? '');
    let ok = false;
    for (const d of this.digests) ok = timingSafeEqual(d, presented) || ok;
    return ok && match !== null;
  }
}
