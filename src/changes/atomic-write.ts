/**
 * Writing files so that a reader sees the old content or the new, never an
 * empty or half-written file: the new content goes to a temp file in the same
 * folder (same file system, so the rename is atomic), is flushed to disk, and
 * is renamed over the target; then the folder is flushed so the rename itself
 * survives a crash. Temp names start with a dot, which the declaration reader
 * skips, so a validator running meanwhile never reads one.
 *
 * A change of several files stages every new content first and renames only
 * when all of them are on disk: a failure while staging leaves every file as
 * it was.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readdir, realpath, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';

export interface FileWrite {
  /** Absolute path. */
  readonly target: string;
  /** New content, or null to delete the file. */
  readonly content: string | Buffer | null;
}

interface Staged {
  readonly target: string;
  readonly temp: string;
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    // Some file systems cannot fsync a directory; the rename is still atomic there.
    if (!['EINVAL', 'ENOTSUP', 'EISDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle.close();
  }
}

async function stage(target: string, content: string | Buffer): Promise<Staged> {
  const dir = dirname(target);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  // A replaced file keeps its permissions.
  const mode = await stat(target).then(
    (s) => s.mode & 0o7777,
    () => undefined,
  );
  const handle = await open(temp, 'wx', mode ?? 0o666);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  if (mode !== undefined) await chmod(temp, mode);
  return { target, temp };
}

/**
 * Applies every write, each one atomic. Empty folders left by a deletion are
 * removed up to (not including) `keepRoot`.
 */
export async function writeFilesAtomically(writes: readonly FileWrite[], keepRoot: string): Promise<void> {
  const staged: Staged[] = [];
  try {
    // Through a symlink (the reader follows those that stay inside the repository), the file it points at is replaced.
    for (const w of writes) if (w.content !== null) staged.push(await stage(await realpath(w.target).catch(() => w.target), w.content));
  } catch (err) {
    await Promise.all(staged.map((s) => rm(s.temp, { force: true })));
    throw err;
  }
  const dirs = new Set<string>();
  for (const s of staged) {
    await rename(s.temp, s.target);
    dirs.add(dirname(s.target));
  }
  for (const w of writes) {
    if (w.content !== null) continue;
    await rm(w.target, { force: true });
    dirs.add(await removeEmptyParents(dirname(w.target), keepRoot));
  }
  for (const dir of dirs) await syncDir(dir);
}

/** Removes empty folders from `dir` upwards, stopping below `keepRoot`; returns the folder that was left. */
async function removeEmptyParents(dir: string, keepRoot: string): Promise<string> {
  const stop = resolve(keepRoot);
  let current = resolve(dir);
  for (; current.startsWith(stop + sep); current = dirname(current)) {
    if ((await readdir(current)).length > 0) return current;
    await rmdir(current);
  }
  return current;
}
