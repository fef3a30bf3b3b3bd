/**
 * What list calls compute from a snapshot, kept for the next call with the
 * same arguments: a snapshot never changes, so a filter's selection and a
 * page's answer (and, through the serializers, its encoded bytes and JSON
 * text) are computed once per snapshot, filter and page.
 *
 * One cache per SnapshotStore, shared by all the snapshots it retains, with
 * one budget: at most `maxEntries` entries and `maxItems` items referenced
 * (the weight of an entry: a page's or a selection's length), oldest out
 * first. A snapshot's entries go when the store lets the snapshot go. Callers
 * choose their filters and page sizes, so the bound is what keeps many
 * distinct ones from growing memory.
 */
/** A snapshot, as far as the cache needs one: a key compared by identity. */
type Snapshot = object;

interface Entry {
  readonly snapshot: Snapshot;
  readonly key: string;
  readonly value: unknown;
  readonly weight: number;
}

export interface PageCacheLimits {
  /** Entries, pages and selections together (default 1024). */
  maxEntries: number;
  /** Items referenced by all entries together (default 50,000; a page of 50 weighs 50). */
  maxItems: number;
}

export const DEFAULT_PAGE_CACHE_LIMITS: PageCacheLimits = { maxEntries: 1024, maxItems: 50_000 };

export class PageCache {
  private readonly bySnapshot = new Map<Snapshot, Map<string, Entry>>();
  /** Every entry, oldest first. */
  private readonly order = new Set<Entry>();
  private items = 0;
  readonly limits: PageCacheLimits;

  constructor(limits: Partial<PageCacheLimits> = {}) {
    this.limits = { ...DEFAULT_PAGE_CACHE_LIMITS, ...limits };
  }

  get<T>(snapshot: Snapshot, key: string): T | undefined {
    return this.bySnapshot.get(snapshot)?.get(key)?.value as T | undefined;
  }

  /** Keeps `value` (weighing `weight` items) for `snapshot` and `key`; one heavier than the whole budget is not kept. */
  set(snapshot: Snapshot, key: string, value: unknown, weight: number): void {
    if (weight > this.limits.maxItems || this.bySnapshot.get(snapshot)?.has(key)) return;
    for (const oldest of this.order) {
      if (this.order.size < this.limits.maxEntries && this.items + weight <= this.limits.maxItems) break;
      this.remove(oldest);
    }
    let entries = this.bySnapshot.get(snapshot);
    if (!entries) this.bySnapshot.set(snapshot, (entries = new Map()));
    const entry: Entry = { snapshot, key, value, weight };
    entries.set(key, entry);
    this.order.add(entry);
    this.items += weight;
  }

  /** Drops every entry of `snapshot` (the store no longer holds it). */
  drop(snapshot: Snapshot): void {
    const entries = this.bySnapshot.get(snapshot);
    if (!entries) return;
    for (const entry of entries.values()) {
      this.order.delete(entry);
      this.items -= entry.weight;
    }
    this.bySnapshot.delete(snapshot);
  }

  private remove(entry: Entry): void {
    this.order.delete(entry);
    this.items -= entry.weight;
    const entries = this.bySnapshot.get(entry.snapshot);
    entries?.delete(entry.key);
    if (entries?.size === 0) this.bySnapshot.delete(entry.snapshot);
  }

  /** Entries held, the items they reference, and the snapshots they belong to. */
  get size(): { entries: number; items: number; snapshots: number } {
    return { entries: this.order.size, items: this.items, snapshots: this.bySnapshot.size };
  }
}
