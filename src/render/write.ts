/**
 * Writing rendered files to an output folder (dist/): afterwards the folder
 * holds exactly those files. Stale files are removed, but only inside the
 * folder: symlinks are removed as links and never followed, paths are checked
 * to stay inside, and a folder that is a filesystem root or a git repository
 * root is refused. Unchanged files are not rewritten.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { lstat, mkdir, readFile, readdir, rmdir, unlink } from 'node:fs/promises';
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

/** Every entry under dir (files and symlinks by relative path, directories separately); symlinks are not followed. */
async function listTree(dir: string): Promise<{ files: string[]; dirs: string[] }> {
  const files: string[] = [];
  const dirs: string[] = [];
  async function walk(abs: string, rel: string): Promise<void> {
    for (const name of (await readdir(abs)).sort(compareStrings)) {
      const childAbs = join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      const info = await lstat(childAbs);
      if (info.isDirectory()) {
        dirs.push(childRel);
        await walk(childAbs, childRel);
      } else {
        files.push(childRel);
      }
    }
  }
  const info = await lstat(dir).catch(() => undefined);
  if (!info) return { files, dirs };
  if (!info.isDirectory()) throw new McpoError('usage', `output path is not a directory: ${dir}`);
  await walk(dir, '');
  return { files, dirs };
}

async function readIfRegular(path: string): Promise<string | undefined> {
  const info = await lstat(path).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  return readFile(path, 'utf8');
}

/** How the folder differs from the rendered files; reads only. */
export async function compareWithDir(files: RenderedFiles, outDir: string): Promise<Staleness> {
  const dir = resolve(outDir);
  const { files: present } = await listTree(dir);
  const presentSet = new Set(present);
  const missing: string[] = [];
  const changed: string[] = [];
  for (const [path, text] of files) {
    checkRelative(path);
    if (!presentSet.has(path)) missing.push(path);
    else if ((await readIfRegular(join(dir, ...path.split('/')))) !== text) changed.push(path);
  }
  const extra = present.filter((p) => !files.has(p));
  return { missing, changed, extra };
}

/** Writes exactly `files` into outDir and removes everything else in it. */
export async function writeRendered(files: RenderedFiles, outDir: string): Promise<WriteResult> {
  const dir = checkOutDir(outDir);
  for (const path of files.keys()) checkRelative(path);
  await mkdir(dir, { recursive: true });
  const { files: present, dirs } = await listTree(dir);

  // Remove what is not rendered, and anything (a symlink, a folder) standing where a file must go.
  const removed: string[] = [];
  const kept = new Set<string>();
  for (const path of present) {
    if (files.has(path)) {
      const info = await lstat(join(dir, ...path.split('/')));
      if (info.isFile()) {
        kept.add(path);
        continue;
      }
    }
    await unlink(join(dir, ...path.split('/')));
    removed.push(path);
  }
  const wantedDirs = new Set<string>();
  for (const path of files.keys()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) wantedDirs.add(parts.slice(0, i).join('/'));
  }
  for (const d of [...dirs].sort(compareStrings).reverse()) {
    if (wantedDirs.has(d)) continue;
    const abs = join(dir, ...d.split('/'));
    // Folders are emptied above (their files were stale); a rendered path below one would have kept it.
    await rmdir(abs).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  // Synchronous on purpose: tens of thousands of small files, one after another,
  // are written several times faster without a promise per syscall.
  const written: string[] = [];
  const unchanged: string[] = [];
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
  return { written, unchanged, removed };
}
