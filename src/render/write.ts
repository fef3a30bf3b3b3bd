/**
 * Writing rendered files to an output folder (dist/): afterwards the folder
 * holds exactly those files. Stale files are removed, but only inside the
 * folder: symlinks are removed as links and never followed, paths are checked
 * to stay inside, and a folder that is a filesystem root or a git repository
 * root is refused. Unchanged files are not rewritten.
 */
import { type Dirent, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, parse, resolve, sep } from 'node:path';
import type { RenderedFiles } from './app.js';
import { compareStrings } from '../core/order.js';
import { McpoError } from '../core/errors.js';

export interface WriteResult {
  readonly written: string[];
  readonly unchanged: string[];
  readonly removed: string[];
}

export interface Staleness {
  /** Rendered but not in the folder. */
  readonly missing: string[];
  /** In both, with different content. */
  readonly changed: string[];
  /** In the folder but not rendered (would be removed). */
  readonly extra: string[];
}

export function isStale(s: Staleness): boolean {
  return s.missing.length + s.changed.length + s.extra.length > 0;
}

function checkRelative(path: string): void {
  const parts = path.split('/');
  if (path === '' || isAbsolute(path) || path.includes('\\') || path.includes('\0') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`refusing to write outside the output folder: ${JSON.stringify(path)}`);
  }
}

function checkOutDir(outDir: string): string {
  const dir = resolve(outDir);
  if (parse(dir).root === dir) throw new McpoError('usage', `refusing to use a filesystem root as the output folder: ${dir}`);
  if (existsSync(join(dir, '.git'))) throw new McpoError('usage', `refusing to use a git repository root as the output folder: ${dir}`);
  return dir;
}

/**
 * Every entry under dir (files and symlinks by relative path, directories separately); symlinks are not followed.
 * Synchronous, from the directory entries' own types: one call per folder, none per file.
 */
export function listTree(dir: string): { files: string[]; dirs: string[]; regular: Set<string> } {
  const files: string[] = [];
  const dirs: string[] = [];
  /** The files that are regular files (not symlinks, sockets, FIFOs or devices). */
  const regular = new Set<string>();
  const walk = (abs: string, rel: string): void => {
    const entries: Dirent[] = readdirSync(abs, { withFileTypes: true }).sort((a, b) => compareStrings(a.name, b.name));
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      // Some filesystems do not say; ask then.
      if (!isDir && !entry.isFile() && !entry.isSymbolicLink()) isDir = lstatSync(join(abs, entry.name)).isDirectory();
      if (isDir) {
        dirs.push(childRel);
        walk(join(abs, entry.name), childRel);
      } else {
        files.push(childRel);
        if (entry.isFile()) regular.add(childRel);
        else if (!entry.isSymbolicLink() && lstatSync(join(abs, entry.name)).isFile()) regular.add(childRel);
      }
    }
  };
  const info = lstatSync(dir, { throwIfNoEntry: false });
  if (!info) return { files, dirs, regular };
  if (!info.isDirectory()) throw new McpoError('usage', `output path is not a directory: ${dir}`);
  walk(dir, '');
  return { files, dirs, regular };
}

function readIfRegular(path: string): string | undefined {
  const info = lstatSync(path, { throwIfNoEntry: false });
  if (!info?.isFile()) return undefined;
  return readFileSync(path, 'utf8');
}

/**
 * How the folder differs from the rendered files; reads only. `verified`:
 * paths already known to hold what a render would write (incremental.ts),
 * expected in the folder but not read again.
 */
export async function compareWithDir(files: RenderedFiles, outDir: string, verified: ReadonlySet<string> = new Set()): Promise<Staleness> {
  const dir = resolve(outDir);
  const { files: present } = listTree(dir);
  const presentSet = new Set(present);
  const missing: string[] = [];
  const changed: string[] = [];
  for (const [path, text] of files) {
    checkRelative(path);
    if (!presentSet.has(path)) missing.push(path);
    else if (readIfRegular(join(dir, ...path.split('/'))) !== text) changed.push(path);
  }
  for (const path of verified) if (!presentSet.has(path)) missing.push(path);
  const extra = present.filter((p) => !files.has(p) && !verified.has(p));
  const order = (list: string[]) => list.sort(compareStrings);
  return { missing: order(missing), changed: order(changed), extra };
}

/**
 * Writes exactly `files` into outDir and removes everything else in it but
 * the `verified` paths (files already holding what a render would write,
 * which are left as they are).
 */
export async function writeRendered(files: RenderedFiles, outDir: string, verified: ReadonlySet<string> = new Set()): Promise<WriteResult> {
  const dir = checkOutDir(outDir);
  for (const path of files.keys()) checkRelative(path);
  for (const path of verified) checkRelative(path);
  mkdirSync(dir, { recursive: true });
  const { files: present, dirs, regular } = listTree(dir);

  // Remove what is not rendered, and anything (a symlink, a folder) standing where a file must go.
  const removed: string[] = [];
  const kept = new Set<string>();
  const unchanged: string[] = [];
  const keptVerified = new Set<string>();
  for (const path of present) {
    if (files.has(path) || verified.has(path)) {
      if (regular.has(path)) {
        if (verified.has(path) && !files.has(path)) {
          unchanged.push(path);
          keptVerified.add(path);
        } else kept.add(path);
        continue;
      }
    }
    unlinkSync(join(dir, ...path.split('/')));
    removed.push(path);
  }
  const wantedDirs = new Set<string>();
  let lastDir = '';
  const want = (path: string) => {
    const slash = path.lastIndexOf('/');
    // Paths come grouped by folder: the folder of the path before is not sliced again.
    if (slash < 0 || (slash === lastDir.length && path.startsWith(lastDir))) return;
    lastDir = path.slice(0, slash);
    for (let dir = lastDir; dir !== '' && !wantedDirs.has(dir); dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/')))) wantedDirs.add(dir);
  };
  for (const path of files.keys()) want(path);
  for (const path of verified) want(path);
  for (const d of [...dirs].sort(compareStrings).reverse()) {
    if (wantedDirs.has(d)) continue;
    // Folders are emptied above (their files were stale); a rendered path below one would have kept it.
    try {
      rmdirSync(join(dir, ...d.split('/')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  const gone = keptVerified.size === verified.size ? [] : [...verified].filter((p) => !files.has(p) && !keptVerified.has(p));
  if (gone.length > 0) throw new Error(`files checked a moment ago are gone from the output folder: ${gone.slice(0, 3).join(', ')}`);

  // Synchronous on purpose: tens of thousands of small files, one after another,
  // are written several times faster without a promise per syscall.
  const written: string[] = [];
  const made = new Set<string>();
  for (const [path, text] of files) {
    const target = join(dir, ...path.split('/'));
    if (!resolve(target).startsWith(dir + sep)) throw new Error(`refusing to write outside the output folder: ${path}`);
    if (kept.has(path) && readFileSync(target, 'utf8') === text) {
      unchanged.push(path);
      continue;
    }
    const parent = dirname(target);
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    // Write then rename, so a reader never sees half a file.
    const temp = `${target}.mcpo-tmp`;
    writeFileSync(temp, text, 'utf8');
    renameSync(temp, target);
    written.push(path);
  }
  return { written, unchanged: unchanged.sort(compareStrings), removed };
}
