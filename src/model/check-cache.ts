/**
 * The check cache: each declaration file's parse and shape check, kept on
 * disk between runs and keyed by the file's path and the sha256 of its bytes,
 * so that `mcpo synth` and `mcpo validate` after a one-file change parse one
 * file, not 11,000. The rules and the model are made again every time, from
 * every declaration: only what depends on one file's bytes alone is kept.
 *
 * Only files with nothing to report are kept (no shape, no rule diagnostic),
 * and they are kept as the fast reader gives them: without field positions.
 * A rule that later reports in such a file has it read again exactly
 * (build.ts), as for any fast-read file, so every file:line:col shown is
 * still the exact reader's. A file with any diagnostic is checked each time.
 *
 * Each kept file also has its fingerprint (source/fingerprint.ts: inode,
 * size, times) when it was read, once its times had settled: the next walk
 * of the working tree lists a file with the same fingerprint unread, with
 * the kept digest (source/working-tree.ts `known`), and reads it only if
 * its bytes are asked for. It also has the git object name of those bytes
 * (a blob's name is the hash of its content): `mcpo plan` and `mcpo diff`
 * list a commit's file with a kept name unread (source/commit.ts `known`),
 * so the two revisions of a pull request cost git a tree listing, not
 * 11,000 blob reads, whichever command kept the file.
 *
 * The cache is a cache: its key names the format, mcp-orchestrator's version
 * and a digest of the checking code and spec/ (checkerKey), and a cache made
 * by anything else, damaged, too large or unreadable counts as empty. It is
 * written to a temporary file of its own and renamed over the old one, so a
 * reader sees one whole cache or the other; two runs at once both write a
 * valid cache and the last rename wins, so no lock is needed. It holds what
 * the declaration files hold and nothing else (0600, in a 0700 folder;
 * source/cache-file.ts names, reads and writes it).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileDigest } from '../core/digest.js';
import { isKindName, type KindName } from '../core/kinds.js';
import type { PlainMessage } from '../declarations/check-shape.js';
import type { RawDeclaration } from '../declarations/documents.js';
import type { Position } from '../declarations/parse-yaml.js';
import { specDir } from '../spec/proto.js';
import { readCacheFile, repoCacheFile, writeCacheFile } from '../source/cache-file.js';

export { MAX_CACHED_REPOS } from '../source/cache-file.js';

const FORMAT = 'mcpo-check-cache 3';
/** ~800 bytes a declaration file: 10,000 templates make ~9 MiB. A bigger file is not ours. */
const MAX_CACHE_BYTES = 1024 * 1024 * 1024;
const EMPTY_MAP: ReadonlyMap<string, Position> = new Map();
const EMPTY_SET: ReadonlySet<string> = new Set();

/**
 * One kept file: the digest of its bytes, its fingerprint then ('' when it had not settled), the git
 * object name of its bytes and its line in the cache file.
 */
interface Entry {
  readonly digest: string;
  readonly fingerprint: string;
  readonly blob: string;
  /** `digest \t JSON(path) \t fingerprint \t blob \t JSON(Kept[])` */
  readonly line: string;
}

/** A declaration as kept: kind, display name, start and value (the file is the entry's path). */
type Kept = [KindName, string, Position, PlainMessage];

export class CheckCache {
  /** Lines to write: every clean file of this run, by quoted path. */
  private readonly next = new Map<string, Entry>();
  /** The declarations handed out by lookup: checked by these rules before, with nothing reported (rules.ts `checked`). */
  private readonly handedOut = new WeakSet<RawDeclaration>();
  private changed = false;

  private read: ReadonlyMap<string, Entry> | undefined;

  private constructor(readonly path: string) {}

  /** The cache at `path` (a missing, foreign or damaged one is empty), read when first asked (a synth from its state may not ask). */
  static open(path: string): CheckCache {
    return new CheckCache(path);
  }

  private get loaded(): ReadonlyMap<string, Entry> {
    return (this.read ??= readEntries(this.path));
  }

  /** sha256 of a file's bytes, as the cache keys it. */
  static digest(content: Buffer): string {
    return fileDigest(content);
  }

  /**
   * The digest kept for this file when it had this fingerprint then (source/fingerprint.ts): its bytes are
   * still those, so the working tree need not read them (source/working-tree.ts `known`).
   */
  digestOf(file: string, fingerprint: string): string | undefined {
    const entry = this.loaded.get(JSON.stringify(file));
    return entry && entry.fingerprint !== '' && entry.fingerprint === fingerprint ? entry.digest : undefined;
  }

  /** The digest kept for this file when its bytes make the git object `blob`: a commit's file need not be read (source/commit.ts `known`). */
  digestOfBlob(file: string, blob: string): string | undefined {
    const entry = this.loaded.get(JSON.stringify(file));
    return entry && entry.blob === blob ? entry.digest : undefined;
  }

  /** The declarations kept for this file when its bytes are the ones kept, else undefined. */
  lookup(file: string, digest: string): RawDeclaration[] | undefined {
    const entry = this.loaded.get(JSON.stringify(file));
    if (!entry || entry.digest !== digest) return undefined;
    try {
      const pathEnd = entry.line.indexOf('\t', digest.length + 1);
      const kept = JSON.parse(entry.line.slice(pathEnd + 1 + entry.fingerprint.length + 1 + entry.blob.length + 1)) as unknown;
      if (!Array.isArray(kept) || !kept.every(isKept)) return undefined;
      return kept.map(([kind, displayName, start, value]) => {
        const declaration: RawDeclaration = {
          kind,
          displayName,
          start,
          value,
          file,
          positions: EMPTY_MAP,
          reported: EMPTY_SET,
          reportedUnder: EMPTY_SET,
        };
        this.handedOut.add(declaration);
        return declaration;
      });
    } catch {
      return undefined; // a damaged line: checked again
    }
  }

  /** True for a declaration this cache gave (lookup): the rules that only read it found nothing in it before (the key covers their code). */
  isKept(declaration: RawDeclaration): boolean {
    return this.handedOut.has(declaration);
  }

  /**
   * Records a file that had nothing to report, for the next run, with its fingerprint when it had
   * settled; `blob` gives the git object name of its bytes, asked only when the entry kept for the
   * file has other bytes (so a file listed unread is not read for it).
   */
  keep(file: string, digest: string, declarations: readonly RawDeclaration[], fingerprint: string | undefined, blob: () => string): void {
    const key = JSON.stringify(file);
    const old = this.loaded.get(key);
    fingerprint ??= '';
    if (old && old.digest === digest && old.fingerprint === fingerprint) {
      this.next.set(key, old);
      return;
    }
    const name = old && old.digest === digest ? old.blob : blob();
    const kept: Kept[] = declarations.map((d) => [d.kind, d.displayName, d.start, d.value]);
    this.next.set(key, { digest, fingerprint, blob: name, line: `${digest}\t${key}\t${fingerprint}\t${name}\t${JSON.stringify(kept)}` });
    this.changed = true;
  }

  /** Writes the cache when it differs from the one read; a cache that cannot be written is skipped. */
  save(): void {
    if (!this.changed && this.next.size === this.loaded.size) return;
    writeCacheFile(
      this.path,
      `${FORMAT} ${checkerKey()}`,
      [...this.next.values()].map((e) => e.line),
    );
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A kept declaration of the right shape (a damaged cache can hold any JSON). */
function isKept(k: unknown): k is Kept {
  return (
    Array.isArray(k) &&
    k.length === 4 &&
    typeof k[0] === 'string' &&
    isKindName(k[0]) &&
    typeof k[1] === 'string' &&
    isObject(k[2]) &&
    typeof k[2].line === 'number' &&
    typeof k[2].column === 'number' &&
    isObject(k[3])
  );
}

function readEntries(path: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  const text = readCacheFile(path, `${FORMAT} ${checkerKey()}`, MAX_CACHE_BYTES);
  if (text === undefined) return entries;
  for (let at = 0; at < text.length;) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end);
    at = end + 1;
    const pathStart = line.indexOf('\t');
    const pathEnd = pathStart < 0 ? -1 : line.indexOf('\t', pathStart + 1);
    const printEnd = pathEnd < 0 ? -1 : line.indexOf('\t', pathEnd + 1);
    const blobEnd = printEnd < 0 ? -1 : line.indexOf('\t', printEnd + 1);
    if (blobEnd < 0) continue;
    entries.set(line.slice(pathStart + 1, pathEnd), {
      digest: line.slice(0, pathStart),
      fingerprint: line.slice(pathEnd + 1, printEnd),
      blob: line.slice(printEnd + 1, blobEnd),
      line,
    });
  }
  return entries;
}

let key: string | undefined;

/**
 * What a kept check depends on besides the file: mcp-orchestrator's version,
 * the code that parses and checks (this package's core, spec, declarations
 * and model folders, compiled or not), spec/'s proto files, and the versions
 * of the YAML readers.
 */
export function checkerKey(): string {
  if (key !== undefined) return key;
  const hash = createHash('sha256');
  const here = dirname(fileURLToPath(import.meta.url));
  const require = createRequire(import.meta.url);
  const version = (pkg: string) => (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  hash.update(`${(require('../../package.json') as { version: string }).version} yaml ${version('yaml')} js-yaml ${version('js-yaml')}\n`);
  const folder = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (!/\.(js|ts|proto)$/.test(name)) continue;
      hash.update(`${name}\n`).update(readFileSync(join(dir, name)));
    }
  };
  for (const stage of ['core', 'spec', 'declarations', 'model']) folder(join(here, '..', stage));
  folder(specDir());
  key = hash.digest('hex').slice(0, 32);
  return key;
}

/** The check cache of the repository at `repoDir`: one file per repository folder, in `cacheDir`/checks. */
export function repoCheckCache(repoDir: string, cacheDir?: string): CheckCache {
  return CheckCache.open(repoCacheFile(repoDir, 'checks', cacheDir));
}
