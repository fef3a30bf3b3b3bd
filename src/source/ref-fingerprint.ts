/**
 * Whether a local ref can have moved, without running git: the fingerprints
 * (fingerprint.ts) of the files git rewrites when it moves one. A following
 * server polls its repository every second; with this, a poll of a
 * repository where nothing happened is a few lstats instead of a `git
 * rev-parse` process (about 2 µs of every call's CPU at 6,000 calls a
 * second, and a process start on the other core).
 *
 * The files: HEAD, each loose ref the followed ref names on the way to a
 * commit (a symbolic ref's target, as `ref: refs/heads/main`), packed-refs,
 * and reftable's tables.list. git replaces each of them by renaming a lock
 * file over it, so a move gives the file a new inode and change time, and a
 * ref stored elsewhere at another time (a loose ref packed, a packed ref made
 * loose) changes one of the files in the list.
 *
 * Only a plain repository's git dir is fingerprinted (`.git` or a bare
 * repository): a linked worktree's refs live in another directory
 * (`commondir`), and such a repository is always asked with git.
 */
import { lstatSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { settledFingerprint } from './fingerprint.js';
import { readRegularFileBounded } from './read-bounded.js';

/** How many symbolic refs are followed before giving up (git's own limit is 5). */
const MAX_SYMREF_DEPTH = 5;
/** A loose ref or HEAD holds a hash or `ref: <name>`; anything longer is not one. */
const MAX_REF_FILE_BYTES = 1024;
/** refs/… with plain segments only (no `.`, `..` or empty segment), so it names a file under the git dir. */
const PLAIN_REF = /^refs(\/(?!\.\.?(\/|$))[A-Za-z0-9._-]+)+$/;

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/**
 * A fingerprint of everything that decides where `ref` (HEAD or refs/…) of
 * the repository in `gitDir` points, or undefined when it cannot be trusted:
 * a file written less than SETTLE_MS before `now`, a linked worktree, a ref
 * name that is not a plain path, a chain of symbolic refs too long. Equal
 * fingerprints mean git would resolve the ref to the same commit.
 */
export function refFingerprint(gitDir: string, ref: string, now = Date.now()): string | undefined {
  if (lstatOrUndefined(join(gitDir, 'commondir'))) return undefined;
  const parts: string[] = [];
  /** Adds the file's fingerprint: its stat, 'missing', or undefined when it cannot be trusted. */
  const add = (name: string): Stats | 'missing' | undefined => {
    const info = lstatOrUndefined(join(gitDir, name));
    if (!info) {
      parts.push(`${name}=-`);
      return 'missing';
    }
    const fingerprint = info.isFile() ? settledFingerprint(info, now) : undefined;
    if (!fingerprint) return undefined;
    parts.push(`${name}=${fingerprint}`);
    return info;
  };
  if (!add('packed-refs') || !add(join('reftable', 'tables.list'))) return undefined;
  let name = ref;
  for (let depth = 0; depth <= MAX_SYMREF_DEPTH; depth++) {
    if (name !== 'HEAD' && !PLAIN_REF.test(name)) return undefined;
    const info = add(name);
    if (!info) return undefined;
    // A missing loose ref is packed (or absent): packed-refs, fingerprinted above, decides.
    if (info === 'missing') return parts.join('\n');
    const read = readRegularFileBounded(join(gitDir, name), MAX_REF_FILE_BYTES);
    if (!read?.read.ok) return undefined;
    const target = /^ref: (\S+)\s*$/.exec(read.read.content.toString('utf8'))?.[1];
    if (!target) return parts.join('\n');
    name = target;
  }
  return undefined;
}
