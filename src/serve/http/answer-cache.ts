/**
 * Encoded answers of GETs that are a function of one commit (CallContext.fromCommit),
 * kept for the current snapshot. A snapshot is immutable and a page token names
 * its commit, so while the current snapshot stays the same one URL gets the same
 * bytes; the cache empties when another snapshot is current. Headers that do not
 * come from the commit (x-mcpo-reload-error, CORS) are computed per request, and
 * answers from the cluster (pods) are never cached.
 *
 * Bounded by entries and bytes (URLs count too: callers choose them), oldest out
 * first; a page larger than a sixteenth of the budget is not kept.
 */
export interface CachedAnswer {
  readonly body: Buffer;
  /** The commit the answer came from (a page token's, or the current one). */
  readonly sha: string;
  /** `"<sha>"`, made once. */
  readonly etag: string;
  /** For the call log. */
  readonly method: string;
  readonly route: string;
}

export class AnswerCache {
  private snapshot: object | undefined;
  private readonly entries = new Map<string, CachedAnswer>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = 1024,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  get(snapshot: object | undefined, url: string): CachedAnswer | undefined {
    if (snapshot === undefined || snapshot !== this.snapshot) return undefined;
    return this.entries.get(url);
  }

  set(snapshot: object, url: string, answer: CachedAnswer): void {
    if (snapshot !== this.snapshot) {
      this.snapshot = snapshot;
      this.entries.clear();
      this.bytes = 0;
    }
    const size = answer.body.length + url.length;
    if (size > this.maxBytes / 16 || this.entries.has(url)) return;
    for (const [oldest, old] of this.entries) {
      if (this.entries.size < this.maxEntries && this.bytes + size <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.body.length + oldest.length;
    }
    this.entries.set(url, answer);
    this.bytes += size;
  }

  get size(): number {
    return this.entries.size;
  }
}
