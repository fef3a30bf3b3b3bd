/**
 * Optional bearer-token authentication (RFC 6750 §2.1): the `authorization`
 * metadata must be exactly `Bearer <token>` with one of the tokens of
 * --auth-token-file. The scheme is matched case-insensitively (RFC 7235
 * §2.1: auth-schemes are case-insensitive), then one space, then the token
 * in b64token syntax and nothing else: no second space, no trailing
 * whitespace, no second authorization value.
 *
 * Token file: one token per line; blank lines and lines starting with # are
 * ignored, spaces around a line are dropped. A line that is not a b64token
 * (a space inside it, a control character, ...) could never be presented,
 * so the server refuses to start and names the line (never its content).
 *
 * Tokens are kept only as SHA-256 hashes and compared with
 * crypto.timingSafeEqual against every configured hash.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import { McpoError } from '../core/errors.js';

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const HEADER = /^bearer ([A-Za-z0-9\-._~+/]+=*)$/i;
/** Longer than any token worth configuring; a longer header is refused before hashing. */
const MAX_HEADER_CHARS = 4096;

export class BearerAuth {
  private readonly digests: readonly Buffer[];

  /** `tokens` as given (tests, embedding); each must be a b64token. */
  constructor(tokens: readonly string[]) {
    if (tokens.length === 0) throw new McpoError('usage', 'no auth tokens given');
    tokens.forEach((t, i) => {
      if (!B64TOKEN.test(t)) throw new McpoError('usage', `auth token ${i + 1} is not a bearer token (RFC 6750: letters, digits and -._~+/ then optional =)`);
    });
    this.digests = tokens.map(digest);
  }

  static fromFile(path: string): BearerAuth {
    const tokens: string[] = [];
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((raw, i) => {
        const line = raw.trim();
        if (line.length === 0 || line.startsWith('#')) return;
        if (!B64TOKEN.test(line)) {
          throw new McpoError(
            'usage',
            `${path}:${i + 1}: not a bearer token: a token is one word of letters, digits and -._~+/ (then optional =), and a line with a space or other character can never be sent as "authorization: Bearer <token>"`,
          );
        }
        tokens.push(line);
      });
    if (tokens.length === 0) throw new McpoError('usage', `${path} holds no token (one token per line)`);
    return new BearerAuth(tokens);
  }

  /** True when the call's metadata carries exactly one `Bearer <token>` with a configured token. */
  check(metadata: grpc.Metadata): boolean {
    return this.checkValues(metadata.get('authorization'));
  }

  /** The same check over every `authorization` value of a call (gRPC metadata or HTTP headers). */
  checkValues(values: readonly (string | Buffer)[]): boolean {
    const header = values.length === 1 && typeof values[0] === 'string' && values[0].length <= MAX_HEADER_CHARS ? values[0] : '';
    const match = HEADER.exec(header);
    const presented = digest(match?.[1] ?? '');
    let ok = false;
    for (const d of this.digests) ok = timingSafeEqual(d, presented) || ok;
    return ok && match !== null;
  }
}
