/**
 * List pagination with opaque page tokens.
 *
 * A token is base64url of a small JSON object: the commit SHA of the
 * snapshot the listing started on, the offset of the next item, and a hash
 * of the method and its filters. The next page is cut from the same
 * snapshot (kept while the server retains it), so one listing never mixes
 * two commits even when a new commit is served meanwhile. A token used with
 * other filters is INVALID_ARGUMENT. A token whose commit this server does
 * not hold is loaded on demand when the followed branch contains it
 * (on-demand.ts: another replica issued it, or it was dropped from the
 * retained ones), else FAILED_PRECONDITION ("restart the listing"). Tokens
 * carry no secret and no server state: another replica, or a restarted
 * server, continues a listing.
 */
import { createHash } from 'node:crypto';
import { McpoError } from '../core/errors.js';
import { compareStrings } from '../core/order.js';

/** page_size 0 means this (service.proto). */
export const DEFAULT_PAGE_SIZE = 50;
/** page_size above this is clamped to it (service.proto). */
export const MAX_PAGE_SIZE = 500;

const TOKEN_VERSION = 1;

export interface PageToken {
  /** Commit SHA of the snapshot the listing reads ('' for live cluster lists). */
  readonly sha: string;
  /** Index of the first item of the next page. */
  readonly offset: number;
  /** Hash of the method name and the filters. */
  readonly filters: string;
}

/** Canonical JSON (object keys sorted at every level), so equal filters hash equally. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareStrings(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Hash of a list method and its filters (everything but page_size and page_token). */
export function filterHash(method: string, filters: Record<string, unknown>): string {
  return createHash('sha256').update(method).update('\0').update(canonical(filters)).digest('base64url').slice(0, 16);
}

export function encodePageToken(token: PageToken): string {
  return Buffer.from(JSON.stringify({ v: TOKEN_VERSION, s: token.sha, o: token.offset, f: token.filters })).toString('base64url');
}

export function decodePageToken(text: string): PageToken {
  const invalid = (): never => {
    throw new McpoError('usage', 'invalid page_token: pass the next_page_token of the previous response unchanged, or none to start the listing');
  };
  if (text.length > 512 || !/^[A-Za-z0-9_-]+$/.test(text)) return invalid();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return invalid();
  }
  const t = raw as { v?: unknown; s?: unknown; o?: unknown; f?: unknown };
  if (
    !raw ||
    typeof raw !== 'object' ||
    t.v !== TOKEN_VERSION ||
    typeof t.s !== 'string' ||
    !/^([0-9a-f]{40}|[0-9a-f]{64}|)$/.test(t.s) ||
    typeof t.o !== 'number' ||
    !Number.isSafeInteger(t.o) ||
    t.o < 0 ||
    typeof t.f !== 'string'
  ) {
    return invalid();
  }
  return { sha: t.s, offset: t.o, filters: t.f };
}

/** The effective page size: 0 → 50, above 500 → 500, negative → INVALID_ARGUMENT. */
export function effectivePageSize(pageSize: number): number {
  if (!Number.isInteger(pageSize) || pageSize < 0) throw new McpoError('usage', `page_size must not be negative (got ${pageSize})`);
  if (pageSize === 0) return DEFAULT_PAGE_SIZE;
  return Math.min(pageSize, MAX_PAGE_SIZE);
}

export interface ListRequest {
  page_size?: number;
  page_token?: string;
}

export interface PageStart {
  /** The snapshot SHA the page must be cut from; undefined: the current one. */
  sha: string | undefined;
  offset: number;
  size: number;
  filters: string;
}

/**
 * Reads page_size and page_token of a list request. A token must carry the
 * same filter hash; its SHA names the snapshot to continue on.
 */
export function startPage(method: string, req: ListRequest, filters: Record<string, unknown>): PageStart {
  const size = effectivePageSize(req.page_size ?? 0);
  const hash = filterHash(method, filters);
  if (!req.page_token) return { sha: undefined, offset: 0, size, filters: hash };
  const token = decodePageToken(req.page_token);
  if (token.filters !== hash) {
    throw new McpoError(
      'usage',
      `page_token was issued for a ${method} call with other filters; repeat the filters of the first call, or start the listing again without a page_token`,
    );
  }
  return { sha: token.sha, offset: token.offset, size, filters: hash };
}

export interface Page<T> {
  items: T[];
  next_page_token: string;
  total_count: number;
}

/** Cuts one page of `items` (already filtered, in listing order) and the token for the next. */
export function cutPage<T>(items: readonly T[], start: PageStart, sha: string): Page<T> {
  if (start.offset > items.length) {
    throw new McpoError('usage', 'invalid page_token: it points past the end of the listing; start the listing again');
  }
  const end = Math.min(items.length, start.offset + start.size);
  const next = end < items.length ? encodePageToken({ sha, offset: end, filters: start.filters }) : '';
  return { items: items.slice(start.offset, end), next_page_token: next, total_count: items.length };
}

/** label_selector matching: every pair of the selector is present on the labels. */
export function matchesLabels(labels: Readonly<Record<string, string>>, selector: Readonly<Record<string, string>> | undefined): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector)) {
    if (!Object.prototype.hasOwnProperty.call(labels, key) || labels[key] !== value) return false;
  }
  return true;
}
