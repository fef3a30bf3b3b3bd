/**
 * What a handler gets besides its request: the snapshot to answer from
 * (recorded, so the response metadata names its commit) and shared helpers
 * for validation, listing and the read-only answers of write calls.
 */
import { canonicalPath } from '../core/repository.js';
import type { KindName } from '../core/kinds.js';
import { canonical, cutPage, decodePageToken, effectivePageSize, type ListRequest, matchesLabels, type Page, startPage } from './pagination.js';
import { type Snapshot, type SnapshotStore, sourceKey } from './snapshot.js';
import { namespacedKey } from '../model/queries.js';
import { echo } from '../core/echo.js';
import { McpoError } from '../core/errors.js';
import { CommitError } from './status.js';
import { compareStrings } from '../core/order.js';

export class CallContext {
  /** The commit the answer came from (set when a snapshot is taken). */
  sha: string | undefined;
  /**
   * True when the answer is a function of the commit `sha` alone (Get/List
   * of declarations), so the commit can serve as its HTTP ETag; false for
   * live cluster state and write calls, which only name the commit.
   */
  fromCommit = false;

  /** The snapshot loaded on demand for this call's page token (held here so no swap can drop it mid-call). */
  private tokenSnapshot: Snapshot | undefined;

  constructor(readonly store: SnapshotStore) {}

  /**
   * Before a handler runs: when the request carries a page token naming a
   * commit the store does not hold (another replica issued it), has the store
   * load it if the followed branch contains it. Anything wrong with the token
   * is left to the handler, which refuses it as usual.
   */
  holdTokenCommit(request: unknown): Promise<void> | undefined {
    const text = (request as { page_token?: unknown } | null | undefined)?.page_token;
    if (typeof text !== 'string' || text === '' || !this.store.loadMissing) return undefined;
    let sha: string;
    try {
      sha = decodePageToken(text).sha;
    } catch {
      return undefined;
    }
    if (sha === '' || this.store.get(sha)) return undefined;
    return this.store.loadMissing(sha).then((snapshot) => {
      this.tokenSnapshot = snapshot;
    });
  }

  /** The current snapshot; UNAVAILABLE when no commit has loaded yet. */
  snapshot(): Snapshot {
    const snapshot = this.store.current();
    if (!snapshot) {
      const failure = this.store.failure();
      if (failure) {
        // The failed commit's diagnostics travel as the status details (status.ts).
        throw new CommitError(
          'unavailable',
          `no valid commit loaded yet: commit ${failure.sha.slice(0, 12)} has ${failure.diagnostics.length} error(s) (see x-mcpo-reload-error, the server log, or \`mcpo validate\`)`,
          failure.sha,
          { diagnostics: failure.diagnostics },
        );
      }
      if (this.store.sourceError) throw new McpoError('unavailable', `the repository cannot be read, so nothing is served yet: ${this.store.sourceError}`);
      throw new McpoError('unavailable', 'the repository is still loading; retry shortly');
    }
    this.sha = snapshot.sha;
    this.fromCommit = true;
    return snapshot;
  }

  /** The current snapshot if there is one (write calls use it to name the existing file). */
  peek(): Snapshot | undefined {
    const snapshot = this.store.current();
    if (snapshot) this.sha = snapshot.sha;
    return snapshot;
  }

  /** A retained snapshot (for a page token), or the current one when `sha` is undefined. */
  snapshotAt(sha: string | undefined): Snapshot {
    if (sha === undefined) return this.snapshot();
    const snapshot = this.store.get(sha) ?? (this.tokenSnapshot?.sha === sha ? this.tokenSnapshot : undefined);
    if (!snapshot) {
      throw new McpoError(
        'precondition',
        `page token expired: the listing started on commit ${sha.slice(0, 12)}, which this server no longer keeps; restart the listing without a page_token`,
      );
    }
    this.sha = snapshot.sha;
    this.fromCommit = true;
    return snapshot;
  }

  /**
   * The answer of a list call: filters are hashed into the token, the
   * snapshot comes from the token (or is the current one), `select` picks the
   * matching items of that snapshot in listing order, `shape` makes the
   * response message of a page.
   *
   * The answer is a function of the snapshot and the request, so it is kept
   * (frozen, in the store's page cache) for the next call with the same
   * filters, page size and token: such a call does a lookup, and the
   * serializers send the bytes they made for it the first time.
   */
  list<T, A extends object>(
    method: string,
    req: ListRequest,
    filters: Record<string, unknown>,
    select: (snapshot: Snapshot) => readonly T[],
    shape: (page: Page<T>) => A,
  ): A {
    const size = effectivePageSize(req.page_size ?? 0);
    const key = `${method}\0${size}\0${req.page_token ?? ''}\0${canonical(filters)}`;
    const held = this.heldSnapshot(req.page_token);
    const hit = held && this.store.pages.get<A>(held, key);
    if (hit) {
      this.sha = held.sha;
      this.fromCommit = true;
      return hit;
    }
    // Checked in full as on the first call (a token for other filters, or past the end, is refused and nothing is kept).
    const start = startPage(method, req, filters);
    const snapshot = this.snapshotAt(start.sha);
    const items = this.selected(snapshot, `select\0${method}\0${start.filters}`, () => select(snapshot));
    const page = cutPage(items, start, snapshot.sha);
    Object.freeze(page.items);
    const answer = Object.freeze(shape(page));
    if (this.store.holds(snapshot)) this.store.pages.set(snapshot, key, answer, page.items.length + 1);
    return answer;
  }

  /**
   * The snapshot a list request reads, when it is at hand without any check:
   * the current one for the first page, the token's commit for a later one
   * (retained, or loaded for this call); undefined otherwise.
   */
  private heldSnapshot(token: string | undefined): Snapshot | undefined {
    if (!token) return this.store.current();
    let sha: string;
    try {
      sha = decodePageToken(token).sha;
    } catch {
      return undefined;
    }
    return this.store.get(sha) ?? (this.tokenSnapshot?.sha === sha ? this.tokenSnapshot : undefined);
  }

  /** What a filter selects from a snapshot (the same for every page of every listing with those filters). */
  private selected<T>(snapshot: Snapshot, key: string, select: () => readonly T[]): readonly T[] {
    const hit = this.store.pages.get<readonly T[]>(snapshot, key);
    if (hit) return hit;
    const items = Object.freeze(select());
    if (this.store.holds(snapshot)) this.store.pages.set(snapshot, key, items, items.length + 1);
    return items;
  }
}

/** Requests as protobufjs decodes them: proto field names, defaults filled in. */
export interface NamedRequest {
  name: string;
}
export interface NamespacedRequest extends NamedRequest {
  namespace: string;
}
export interface FilteredListRequest extends ListRequest {
  label_selector: Record<string, string>;
}
export interface ForceDeleteRequest extends NamedRequest {
  force: boolean;
}
export type Handler = (req: never, ctx: CallContext) => unknown;
export type Handlers = Record<string, Handler>;

/**
 * Runs one call of the orchestrator service: the one code path behind both
 * faces (the gRPC implementation in interceptor.ts and the HTTP gateway in
 * http/gateway.ts). `request` is a plain object as the gRPC deserializer
 * makes it (proto field names, defaults filled in).
 */
export async function dispatch(handlers: Handlers, method: string, request: unknown, ctx: CallContext): Promise<unknown> {
  return dispatchNow(handlers, method, request, ctx);
}

/**
 * dispatch without a promise of its own: the handler's answer as it returns
 * it (a value, or a promise when it waits), thrown errors thrown. The gRPC
 * face answers most calls at once this way, without two promises and their
 * microtasks per call.
 */
export function dispatchNow(handlers: Handlers, method: string, request: unknown, ctx: CallContext): unknown {
  const handler = handlers[method] as ((req: unknown, ctx: CallContext) => unknown) | undefined;
  if (!handler) throw new McpoError('unimplemented', `${method} is not implemented by this server`);
  // Only a call whose page token names a commit not held waits (for its load); every other call runs at once.
  const loading = ctx.holdTokenCommit(request);
  return loading ? loading.then(() => handler(request, ctx)) : handler(request, ctx);
}

/** A required string field: INVALID_ARGUMENT when empty. */
export function required(value: string | undefined, field: string): string {
  if (!value) throw new McpoError('usage', `${field} is required`);
  return value;
}

/** A label_selector as a predicate (an empty selector matches everything). */
export function labelFilter<T extends { labels: Readonly<Record<string, string>> }>(selector: Record<string, string> | undefined): (item: T) => boolean {
  const sel = selector && Object.keys(selector).length > 0 ? selector : undefined;
  return (item) => matchesLabels(item.labels, sel);
}

/** Sorted copy of a label selector (so token hashes do not depend on map order). */
export function normalizedSelector(selector: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(selector ?? {}).sort(([a], [b]) => compareStrings(a, b)));
}

/**
 * UNIMPLEMENTED for a write call, saying how to make the change: which file
 * to edit, the mcpo command that does it, and that it lands by pull request.
 */
export function readOnly(what: string, how: string, command: string, note?: string): never {
  throw new McpoError(
    'unimplemented',
    `mcpo serve is read-only; changes are pull requests to the config repository. To ${what}, ${how} (\`${command}\`), then open a pull request; the server picks up the commit once it is merged.${note ? ` ${note}` : ''}`,
  );
}

/**
 * The answer to a create call for a declaration (read-only): edit the file
 * that already declares it, or add one where `mcpo create` would.
 */
export function refuseCreate(ctx: CallContext, kind: KindName, name: string, namespace?: string): never {
  const shown = namespace === undefined ? echo(name) : `${echo(namespace)}/${echo(name)}`;
  const existing = ctx.peek()?.files.get(sourceKey(kind, namespace === undefined ? name : namespacedKey(namespace, name)));
  if (existing) return readOnly(`change ${kind} ${shown}`, `edit its declaration in ${echo(existing)}`, 'mcpo validate');
  const file = declarationFile(undefined, kind, name, namespace);
  return readOnly(`create ${kind} ${shown}`, `add ${echo(file)} with \`kind: ${kind}\``, `mcpo create -f ${echo(file)}`);
}

const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** The file holding a declaration, or where `mcpo create` puts a new one. */
export function declarationFile(existing: string | undefined, kind: KindName, name: string, namespace?: string): string {
  if (existing) return existing;
  const safeName = DNS_NAME.test(name) ? name : 'NAME';
  const safeNamespace = namespace === undefined ? undefined : DNS_NAME.test(namespace) ? namespace : 'NAMESPACE';
  return canonicalPath(kind, safeName, safeNamespace);
}
