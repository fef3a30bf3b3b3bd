/**
 * Reads the declaration files of a working tree, refusing what could hurt:
 * files over the size limit, symlinks that leave the repository, loops, names
 * that are not UTF-8. A problem with one entry is reported for that entry and
 * the walk goes on: one bad file never hides the others.
 */
import { type Dirent, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { MAX_FILE_BYTES } from '../core/limits.js';
import { isDeclarationFile, RESOURCES_DIR } from '../core/repository.js';
import { McpoError } from '../core/errors.js';
import { decodeName, escapedName, notUtf8Name, type SourceFiles, tooLarge } from './files.js';
import { settledFingerprint } from './fingerprint.js';
import { readFileBounded, readRegularFileBounded } from './read-bounded.js';

export type { InputFile, SourceFiles } from './files.js';
import type { InputFile } from './files.js';

const SLASH = Buffer.from('/');

function isFolder(path: Buffer): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function unreadable(path: string, err: unknown): Diagnostic {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  return { code: 'file.unreadable', severity: 'error', message: `cannot read it (${code})`, file: path };
}

function outsideRepo(path: string): Diagnostic {
  return {
    code: 'file.outside-repo',
    severity: 'error',
    message: 'symlink leads outside the repository; it is not read',
    file: path,
    hint: 'copy the file into the repository instead',
  };
}

/** The digest of the bytes a file had when it had this fingerprint (fingerprint.ts), if known: the check cache's (model/check-cache.ts). */
export type KnownDigest = (path: string, fingerprint: string) => string | undefined;

export interface WorkingTreeOptions {
  /** The folder to read, relative to the repository (default resources/). */
  readonly under?: string;
  /**
   * Files whose fingerprint gives a known digest are not read: their bytes are read only when
   * asked for (InputFile.content), as when a rule reports in such a file and needs its positions.
   */
  readonly known?: KnownDigest;
  /** When the walk counts as begun, for fingerprints (fingerprint.ts SETTLE_MS); tests move it. Default: now. */
  readonly now?: number;
}

/**
 * Every *.yaml / *.yml under repoDir/resources, sorted by path. The walk is
 * synchronous: thousands of small files read one after another are much
 * faster without a promise per syscall. Names are read as bytes: a name that
 * is not UTF-8 is reported, not turned into a lossy string that names no file.
 */
export async function readWorkingTreeFiles(repoDir: string, opts: WorkingTreeOptions = {}): Promise<SourceFiles> {
  const { under = RESOURCES_DIR, known, now = Date.now() } = opts;
  const root = realpathSync(repoDir);
  const files: InputFile[] = [];
  const problems: Diagnostic[] = [];
  const visited = new Set<string>();
  let scratch: Buffer | undefined;
  const inside = (real: string) => real === root || real.startsWith(root + sep);

  /** `dir` is a path on disk (bytes); `shown` the same path relative to the repo, as text. */
  function walk(dir: Buffer, shown: string): void {
    const real = realpathSync(dir).toString();
    if (visited.has(real)) return;
    visited.add(real);
    // With their types, so a regular file is read without an lstat of its own (one is made only to compare its fingerprint: `known`).
    const dirents = (readdirSync(dir, { encoding: 'buffer', withFileTypes: true }) as unknown as Dirent<Buffer>[]).sort((a, b) =>
      Buffer.compare(a.name, b.name),
    );
    for (const dirent of dirents) {
      const entry = dirent.name;
      if (entry[0] === 0x2e) continue; // a dotfile
      const name = decodeName(entry);
      const path = Buffer.concat([dir, SLASH, entry]);
      if (name === undefined) {
        // Reported when it would have been read: a folder or a *.yaml file.
        const escaped = `${shown}/${escapedName(entry)}`;
        if (isDeclarationFile(escaped) || isFolder(path)) problems.push(notUtf8Name(escaped));
        continue;
      }
      const repoPath = `${shown}/${name}`;
      try {
        if (dirent.isFile() && isDeclarationFile(name) && ((known && knownFile(path, repoPath, known)) || readRegularFile(path, repoPath))) continue;
        visitEntry(path, repoPath, name);
      } catch (err) {
        problems.push(unreadable(repoPath, err));
      }
    }
  }

  /** Reads a file the folder listing says is regular; false when it no longer is (it is looked at again). */
  function readRegularFile(path: Buffer, repoPath: string): boolean {
    const regular = readRegularFileBounded(path, MAX_FILE_BYTES, (scratch ??= Buffer.allocUnsafe(MAX_FILE_BYTES + 1)));
    if (!regular) return false;
    if (regular.read.ok) files.push({ path: repoPath, content: Buffer.from(regular.read.content), fingerprint: settledFingerprint(regular.info, now) });
    else problems.push(tooLarge(repoPath, regular.info.size));
    return true;
  }

  /** A regular file whose settled fingerprint gives a known digest: listed unread; false for any other. */
  function knownFile(path: Buffer, repoPath: string, digestOf: KnownDigest): boolean {
    const info = lstatSync(path, { throwIfNoEntry: false });
    const fingerprint = info?.isFile() ? settledFingerprint(info, now) : undefined;
    const digest = fingerprint === undefined ? undefined : digestOf(repoPath, fingerprint);
    if (digest === undefined) return false;
    let content: Buffer | undefined;
    files.push({
      path: repoPath,
      digest,
      fingerprint,
      get content() {
        return (content ??= readUnchanged(path, repoPath));
      },
    });
    return true;
  }

  function visitEntry(path: Buffer, repoPath: string, name: string): void {
    let info = lstatSync(path);
    if (info.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync(path).toString();
      } catch {
        problems.push({ code: 'file.outside-repo', severity: 'error', message: 'symlink points at nothing', file: repoPath });
        return;
      }
      if (!inside(target)) {
        problems.push(outsideRepo(repoPath));
        return;
      }
      info = statSync(path);
    }
    if (info.isDirectory()) walk(path, repoPath);
    else if (info.isFile() && isDeclarationFile(name)) {
      if (info.size > MAX_FILE_BYTES) {
        problems.push(tooLarge(repoPath, info.size));
        return;
      }
      // Bounded: the file may have grown since lstat.
      const read = readFileBounded(path.toString(), MAX_FILE_BYTES, (scratch ??= Buffer.allocUnsafe(MAX_FILE_BYTES + 1)));
      if (read.ok) files.push({ path: repoPath, content: read.content });
      else problems.push(tooLarge(repoPath, MAX_FILE_BYTES + 1));
    }
  }

  const folder = under.replace(/^\.?\/+|\/+$/g, '');
  const start = Buffer.from(`${root}/${folder}`);
  try {
    const real = realpathSync(start).toString();
    // resources/ itself may be a symlink: only to a folder inside the repository.
    if (!inside(real)) problems.push(outsideRepo(folder));
    else if (!statSync(start).isDirectory()) problems.push({ code: 'file.unreadable', severity: 'error', message: `${folder} is not a folder`, file: folder });
    else walk(start, folder);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push({
      code: 'file.unreadable',
      severity: 'error',
      message: code === 'ENOENT' ? `no ${folder}/ folder in ${repoDir}` : `cannot read ${folder}/ (${code ?? 'error'})`,
      file: folder,
      hint: code === 'ENOENT' ? 'declarations live in resources/**/*.yaml; pass --repo DIR for another repository' : undefined,
    });
  }
  return { files, problems };
}

/** The bytes of a file listed unread (its fingerprint unchanged), read when asked for; a file that went meanwhile is an error. */
function readUnchanged(path: Buffer, repoPath: string): Buffer {
  let regular;
  try {
    regular = readRegularFileBounded(path, MAX_FILE_BYTES);
  } catch (err) {
    throw new McpoError('unavailable', `${repoPath} changed while it was read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: 'run the command again',
    });
  }
  if (!regular?.read.ok) throw new McpoError('unavailable', `${repoPath} changed while it was read`, { hint: 'run the command again' });
  return regular.read.content;
}
