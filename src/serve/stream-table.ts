/**
 * Each node:http2 session keeps its open streams in a Map
 * (`session[kState].streams`), with one set and one delete per call. A V8 Map
 * churned like that rehashes every few inserts, and each table it leaves
 * behind points to its successor (for live iterators). Once a full GC has
 * moved the current table to the old generation, each dead table keeps the
 * next one alive through the old-to-new remembered set, with every stream any
 * of them held: from then on every scavenge promotes every call's objects
 * (~3 MB a scavenge instead of ~0.3 under Get load, scavenges 5–8× longer)
 * until the next full GC starts it again. An object keyed by stream id has no
 * such chain, so each session the gRPC server accepts gets one instead.
 *
 * This reaches into node:http2's private state. Where that state is not what
 * is expected, the session is left alone: it serves the same, only with the
 * Map's GC cost. test/serve/sessions.test.ts fails then.
 */

/** The part of a Map node:http2 uses on `streams` (Node 20: get, set, delete, size, forEach). */
interface MapLike {
  readonly size: number;
  get(id: number): unknown;
  set(id: number, value: unknown): unknown;
  delete(id: number): boolean;
  forEach(visit: (value: unknown, id: number) => void): void;
}

/** Streams by id, in an object whose dead entries nothing old points to. */
export class StreamTable<V> implements MapLike {
  private readonly entries: Record<number, V> = Object.create(null) as Record<number, V>;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: number): V | undefined {
    return this.entries[id];
  }

  has(id: number): boolean {
    return id in this.entries;
  }

  set(id: number, value: V): this {
    if (!(id in this.entries)) this.count++;
    this.entries[id] = value;
    return this;
  }

  delete(id: number): boolean {
    if (!(id in this.entries)) return false;
    delete this.entries[id];
    this.count--;
    return true;
  }

  /** In id order (the order streams open); an entry deleted during the walk is not visited, as with a Map. */
  forEach(visit: (value: V, id: number, table: this) => void): void {
    for (const key of Object.keys(this.entries)) {
      const id = Number(key);
      if (id in this.entries) visit(this.entries[id]!, id, this);
    }
  }
}

/** node:http2's per-session state object (behind its `Symbol('state')`), if it has one. */
export function sessionState(session: object): { streams?: unknown } | undefined {
  const key = Object.getOwnPropertySymbols(session).find((s) => s.description === 'state');
  const state: unknown = key === undefined ? undefined : (session as Record<symbol, unknown>)[key];
  return typeof state === 'object' && state !== null ? (state as { streams?: unknown }) : undefined;
}

// node:http2's SafeMap has a null prototype chain, so it is no `instanceof Map`.
function isEmptyMapLike(value: unknown): value is MapLike {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Partial<Record<keyof MapLike, unknown>>;
  return m.size === 0 && [m.get, m.set, m.delete, m.forEach].every((f) => typeof f === 'function');
}

/** Gives a new session a StreamTable; true when its streams are kept in one. */
export function useStreamTable(session: object): boolean {
  const state = sessionState(session);
  if (state === undefined) return false;
  if (state.streams instanceof StreamTable) return true;
  if (!isEmptyMapLike(state.streams)) return false;
  state.streams = new StreamTable();
  return true;
}
