/**
 * The input-hash memo: each planned object's input hash, kept on disk
 * between runs of `mcpo synth` with the declaration files it was made from,
 * so that a synth after a small change builds and hashes the inputs of the
 * objects whose files changed only (inputs.ts planObjects; what an object's
 * input is made from, and why that list is complete, is said there).
 *
 * One file per repository, beside the check cache:
 * `${MCPO_CACHE_DIR:-~/.cache/mcp-orchestrator}/inputs/<repository>.cache`
 * (source/cache-file.ts: named, read and written like it, private, at most
 * MAX_CACHED_REPOS kept). Its header line names the format and a key
 * (inputs.ts memoKey: the renderer key, the render options and a digest of
 * the code); then one line per object,
 *
 *   <object path> \t <deps> \t <hash>
 *
 * in plan order (the model's), where deps lists, space-separated,
 * `"<declaration file>" <sha256 of its bytes, base64>` for every file the
 * object's input is made from; and last `end <number of object lines>`. A
 * hash is used only when the header is this run's and the object's deps are
 * exactly those of now (compared in place, part by part: no line is split
 * or parsed, and a plan in the order written finds each line where the last
 * one ended). A memo made by anything else, or truncated (no such last
 * line), counts as empty; a line damaged in its path or deps is a miss, and
 * one without a whole hash too. (Like the check cache, it does not guard
 * against bytes changed on disk into another well-formed line.) Only the
 * objects planned in a run are written back, so a removed declaration
 * leaves the memo; it is written only when more than 1/64 of its lines
 * differ (a line left as it was is only a miss).
 */
import { readCacheFile, repoCacheFile, writeCacheFile } from '../source/cache-file.js';
import type { HashMemo } from './inputs.js';

const FORMAT = 'mcpo-input-memo 1';
/** ~300 bytes an object: 20,000 objects make ~6 MiB. A bigger file is not ours. */
const MAX_MEMO_BYTES = 512 * 1024 * 1024;
const HASH = /^[0-9a-f]{64}$/;
/** The memo is written again when more than 1/STALE_SHARE of its lines differ from this run's (see save). */
const STALE_SHARE = 64;

export class InputMemo implements HashMemo {
  /** The object lines read (the text after the header, without the last line), and how many there are. */
  private text = '';
  private count = 0;
  /** Where the next object's line is expected: plans go in the model's order, as the lines were written. */
  private cursor = 0;
  /** Where each object's line starts, by path: made when an object is not where it is expected. */
  private index: Map<string, number> | undefined;
  /** This run's lines, in plan order: a line made now, or where a line read (and kept) starts. */
  private readonly next: (string | number)[] = [];
  private key: string | undefined;
  /** How many of this run's lines were made now (not kept from the memo read). */
  private made = 0;

  /**
   * The memo at `path`, read when a plan begins (a missing, foreign or
   * damaged one is empty); `digestOf` gives a declaration file's digest by
   * repository path (model/build.ts BuildCache.digestOf).
   */
  constructor(
    readonly path: string,
    private readonly digests: (file: string) => string | undefined,
  ) {}

  begin(key: string): void {
    this.key = key;
    const read = objectLines(readCacheFile(this.path, `${FORMAT} ${key}`, MAX_MEMO_BYTES));
    this.text = read?.text ?? '';
    this.count = read?.count ?? 0;
    this.cursor = 0;
    this.index = undefined;
    this.next.length = 0;
    this.made = 0;
  }

  digestOf(file: string): string | undefined {
    return this.digests(file);
  }

  recall(path: string, deps: readonly string[]): string | undefined {
    const text = this.text;
    let at = this.cursor;
    if (!(text.startsWith(path, at) && text.charCodeAt(at + path.length) === 0x09)) {
      // Not where the last line ended: a new object, or one after a removed one.
      at = this.lineOf(path) ?? -1;
      if (at < 0) return undefined;
    }
    const end = text.indexOf('\n', at) + 1;
    this.cursor = end;
    // The deps, part by part, in place.
    let p = at + path.length + 1;
    for (let i = 0; i < deps.length; i++) {
      if (i > 0 && text.charCodeAt(p++) !== 0x20) return undefined;
      if (!text.startsWith(deps[i]!, p)) return undefined;
      p += deps[i]!.length;
    }
    if (text.charCodeAt(p) !== 0x09 || end - p !== 66) return undefined;
    const hash = text.slice(p + 1, end - 1);
    if (!HASH.test(hash)) return undefined;
    this.next.push(at);
    return hash;
  }

  record(path: string, deps: readonly string[], hash: string): void {
    this.next.push(`${path}\t${deps.join(' ')}\t${hash}`);
    this.made++;
  }

  /**
   * Writes what the last plan recorded, unless it differs from the memo read
   * in at most 1/64 of its lines (made now, or read and no longer planned):
   * a line not written is a miss next time, never a wrong hash, and a
   * one-template change then costs two hashes instead of writing ~6 MiB. A
   * memo that cannot be written is skipped.
   */
  save(): void {
    if (this.key === undefined) return;
    const differing = this.made + (this.count - (this.next.length - this.made));
    if (this.count > 0 ? differing * STALE_SHARE <= this.count : this.next.length === 0) return;
    const text = this.text;
    const lines = this.next.map((line) => (typeof line === 'string' ? line : text.slice(line, text.indexOf('\n', line))));
    writeCacheFile(this.path, `${FORMAT} ${this.key}`, [...lines, `end ${lines.length}`]);
  }

  private lineOf(path: string): number | undefined {
    if (!this.index) {
      this.index = new Map();
      for (let at = 0; at < this.text.length; at = this.text.indexOf('\n', at) + 1) {
        const tab = this.text.indexOf('\t', at);
        if (tab < 0) break;
        this.index.set(this.text.slice(at, tab), at);
      }
    }
    return this.index.get(path);
  }
}

/**
 * The object lines of a memo's text after its header, and how many: none
 * when the text does not end with the line that counts them (truncated).
 * Object paths (render/layout.ts) hold no tab, newline or space.
 */
function objectLines(text: string | undefined): { text: string; count: number } | undefined {
  if (text === undefined || !text.endsWith('\n')) return undefined;
  const last = text.lastIndexOf('\n', text.length - 2) + 1;
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < last; at = text.indexOf('\n', at + 1)) count++;
  return text.slice(last, -1) === `end ${count}` ? { text: text.slice(0, last), count } : undefined;
}

/** The input-hash memo of the repository at `repoDir`, in `cacheDir`/inputs. */
export function repoInputMemo(repoDir: string, digestOf: (file: string) => string | undefined, cacheDir?: string): InputMemo {
  return new InputMemo(repoCacheFile(repoDir, 'inputs', cacheDir), digestOf);
}
