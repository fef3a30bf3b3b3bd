/**
 * Finding the sealing certificate: `--cert FILE|URL` on the command line, or
 * once per repository in `mcpo.yaml` at the repo root (read by
 * declarations/repo-config.ts):
 *
 *   sealing:
 *     # a path relative to mcpo.yaml, or the controller's http(s) URL for /v1/cert.pem
 *     certificate: sealing-cert.pem
 *
 * Only the public certificate is ever read; nothing here can decrypt.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRepoConfig, REPO_CONFIG_FILE } from '../declarations/repo-config.js';
import { readFileBounded } from '../source/read-bounded.js';
import { parseSealingCertificate, type SealingKey } from './seal.js';
import { McpoError } from '../core/errors.js';

/** A certificate is a few KiB; anything much larger is not one. */
const MAX_CERTIFICATE_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 15_000;

export type CertificateSource =
  | { readonly kind: 'file'; readonly path: string; readonly origin: CertificateOrigin }
  | { readonly kind: 'url'; readonly url: string; readonly origin: CertificateOrigin };

/** Where the setting came from, for messages. */
export type CertificateOrigin = '--cert' | `${typeof REPO_CONFIG_FILE} sealing.certificate`;

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

function toSource(value: string, base: string, origin: CertificateOrigin): CertificateSource {
  if (URL_SCHEME.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new McpoError('invalid', `${origin}: ${JSON.stringify(value)} is not a valid URL`);
    }
    if (url.protocol === 'file:') return { kind: 'file', path: fileURLToPath(url), origin };
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new McpoError('invalid', `${origin}: unsupported URL scheme ${url.protocol} (use a file path or an http(s) URL)`);
    }
    return { kind: 'url', url: url.toString(), origin };
  }
  return { kind: 'file', path: isAbsolute(value) ? value : resolve(base, value), origin };
}

export interface CertificateOptions {
  /** The `--cert` value (file path or URL); wins over the repo config. Relative paths are from `cwd`. */
  readonly cert?: string;
  /** Repository root, where `mcpo.yaml` is; relative paths in it are from here. */
  readonly repoRoot: string;
  /** Base for a relative `--cert` path; defaults to process.cwd(). */
  readonly cwd?: string;
  /** Timeout for fetching a URL, in milliseconds. */
  readonly timeoutMs?: number;
  /** Clock for the expiry check (tests). */
  readonly now?: Date;
}

/** Decide where the certificate comes from, without reading it. */
export async function resolveCertificateSource(options: CertificateOptions): Promise<CertificateSource> {
  if (options.cert !== undefined && options.cert.trim() !== '') {
    return toSource(options.cert.trim(), options.cwd ?? process.cwd(), '--cert');
  }
  const config = readRepoConfig(options.repoRoot);
  const configured = config.sealing?.certificate;
  if (!configured) {
    throw new McpoError(
      'invalid',
      `no sealing certificate: pass --cert FILE|URL, or set sealing.certificate in ${REPO_CONFIG_FILE} ` +
        `at the repository root (a path, or the controller's URL ending in /v1/cert.pem)`,
    );
  }
  return toSource(configured, options.repoRoot, `${REPO_CONFIG_FILE} sealing.certificate`);
}

/** A source for messages: paths relative to the repo root when inside it. */
export function describeCertificateSource(source: CertificateSource, repoRoot?: string): string {
  if (source.kind === 'url') return source.url;
  if (repoRoot) {
    const rel = relative(repoRoot, source.path);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return rel.split('\\').join('/');
  }
  return source.path;
}

/** Read the certificate bytes from a source. */
export async function readCertificate(source: CertificateSource, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Buffer> {
  if (source.kind === 'file') {
    try {
      const read = readFileBounded(source.path, MAX_CERTIFICATE_BYTES);
      if (!read.ok) {
        throw new McpoError(
          'invalid',
          `sealing certificate ${source.path} (${source.origin}) is too large to be a certificate (over ${MAX_CERTIFICATE_BYTES} bytes)`,
        );
      }
      return read.content;
    } catch (err) {
      if (err instanceof McpoError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'file not found' : (err as Error).message;
      throw new McpoError('invalid', `sealing certificate ${source.path} (${source.origin}): ${why}`);
    }
  }

  let response: Response;
  try {
    response = await fetch(source.url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/x-pem-file, */*' },
      redirect: 'follow',
    });
  } catch (err) {
    const cause = (err as { cause?: Error }).cause;
    const why = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause?.message ?? (err as Error).message);
    throw new McpoError('invalid', `cannot fetch sealing certificate from ${source.url} (${source.origin}): ${why}`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new McpoError(
      'invalid',
      `cannot fetch sealing certificate from ${source.url} (${source.origin}): HTTP ${response.status} ${response.statusText}`.trimEnd(),
    );
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_CERTIFICATE_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    throw new McpoError('invalid', `sealing certificate from ${source.url} is too large to be a certificate`);
  }
  const data = await readBodyBounded(response, MAX_CERTIFICATE_BYTES);
  if (!data) throw new McpoError('invalid', `sealing certificate from ${source.url} is too large to be a certificate (over ${MAX_CERTIFICATE_BYTES} bytes)`);
  return data;
}

/** The body, or undefined as soon as it passes `limit` bytes (a stated length is not trusted: a chunked body states none). */
async function readBodyBounded(response: Response, limit: number): Promise<Buffer | undefined> {
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, total);
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
}

/**
 * Find, read and parse the sealing certificate: `--cert` if given, otherwise
 * `sealing.certificate` from `mcpo.yaml`. Every failure is a McpoError whose
 * message says where the certificate was looked for.
 */
export async function loadSealingCertificate(options: CertificateOptions): Promise<{ key: SealingKey; source: CertificateSource }> {
  const source = await resolveCertificateSource(options);
  const data = await readCertificate(source, options.timeoutMs);
  try {
    return { key: parseSealingCertificate(data, { now: options.now }), source };
  } catch (err) {
    if (err instanceof McpoError) {
      throw new McpoError('invalid', `${describeCertificateSource(source, options.repoRoot)} (${source.origin}): ${err.message}`);
    }
    throw err;
  }
}
