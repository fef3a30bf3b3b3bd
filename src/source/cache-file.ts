/**
 * One cache file per repository, kept between runs in mcp-orchestrator's
 * cache folder (cache-dir.ts): the check cache (model/check-cache.ts) and the
 * input-hash memo (render/input-memo.ts) share how such a file is named,
 * read and written.
 *
 * - Named by the sha256 of the real path of the repository's resources/, in
 *   a folder of its own per kind of cache.
 * - Read bounded; a file that is missing, unreadable, too large or starts
 *   with another header line (another format, or made by other code) counts
 *   as empty.
 * - Written to a temporary file of its own and renamed over the old one, so
 *   a reader sees one whole file or the other; two runs at once both write a
 *   valid file and the last rename wins, so no lock is needed. Private: 0600,
 *   in a 0700 folder. A file that cannot be written is skipped (it is a cache).
 * - At most MAX_CACHED_REPOS files per folder: the least recently written go.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RESOURCES_DIR } from '../core/repository.js';
import { defaultCacheDir } from './cache-dir.js';
import { readFileBounded } from './read-bounded.js';

/** At most this many repositories' caches are kept in each folder; the least recently written go first. */
export const MAX_CACHED_REPOS = 64;

/** The cache file of the repository at `repoDir` in `cacheDir`/`folder`. */
export function repoCacheFile(repoDir: string, folder: string, cacheDir: string = defaultCacheDir()): string {
  let where = resolve(repoDir, RESOURCES_DIR);
  try {
    where = realpathSync(where);
  } catch {
    // no resources/ yet: keyed by the path as given
  }
  return join(cacheDir, folder, `${createHash('sha256').update(where).digest('hex').slice(0, 32)}.cache`);
}

/** The text after the header line of the cache file at `path`, or undefined when it has another header, is larger than `maxBytes` or cannot be read. */
export function readCacheFile(path: string, header: string, maxBytes: number): string | undefined {
  let read;
  try {
    read = readFileBounded(path, maxBytes);
  } catch {
    return undefined; // missing or unreadable
  }
  if (!read.ok) return undefined;
  const text = read.content.toString('utf8');
  const first = `${header}\n`;
  return text.startsWith(first) ? text.slice(first.length) : undefined;
}

/** Writes the header line and the lines (each without its newline) to `path`, as the module comment says; failures are skipped. */
export function writeCacheFile(path: string, header: string, lines: Iterable<string>): void {
  const dir = dirname(path);
  const temp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = openSync(temp, 'wx', 0o600);
    try {
      let text = `${header}\n`;
      for (const line of lines) {
        text += `${line}\n`;
        if (text.length > 1 << 20) {
          writeSync(fd, text);
          text = '';
        }
      }
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    prune(dir, path);
  } catch {
    rmSync(temp, { force: true });
  }
}

/** Removes the oldest caches beyond MAX_CACHED_REPOS (test runs and CI make many short-lived repositories). */
function prune(dir: string, keep: string): void {
  const caches = readdirSync(dir)
    .filter((n) => n.endsWith('.cache') && join(dir, n) !== keep)
    .map((n) => ({ path: join(dir, n), at: statSync(join(dir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.at - a.at);
  for (const old of caches.slice(MAX_CACHED_REPOS - 1)) rmSync(old.path, { force: true });
}
