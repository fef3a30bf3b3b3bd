/**
 * Reads the declaration files of a working tree, refusing what could hurt:
 * files over the size limit, symlinks that leave the repository, loops, names
 * that are not UTF-8. A problem with one entry is reported for that entry and
 * the walk goes on: one bad file never hides the others.
 */
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { readFileBounded } from './read-bounded.js';

/** Declarations are small; anything larger is refused unread. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Folder with the declarations inside a config repo. */
export const RESOURCES_DIR = 'resources';

export interface InputFile {
  /** Relative to the repo root, forward slashes, e.g. resources/templates/x.yaml. */
  readonly path: string;
  readonly content: Buffer;
}

export function isDeclarationFile(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

export function tooLarge(path: string, size: number): Diagnostic {
  return {
    code: 'file.too-large',
    severity: 'error',
    message: `file is ${size} bytes, over the ${MAX_FILE_BYTES}-byte limit for a declaration file`,
    file: path,
    hint: 'split it into several files',
  };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A file name's bytes as text, or undefined when they are not UTF-8. */
export function decodeName(bytes: Buffer): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A name that is not UTF-8, shown with its undecodable bytes as \xNN. */
export function escapedName(bytes: Buffer): string {
  let out = '';
  let start = 0;
  // Decode the longest valid runs; each byte that does not decode is escaped.
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i]! < 0x80) continue;
    if (i === bytes.length) {
      out += bytes.toString('utf8', start, i);
      break;
    }
    const length = bytes[i]! >= 0xf0 ? 4 : bytes[i]! >= 0xe0 ? 3 : bytes[i]! >= 0xc0 ? 2 : 1;
    const sequence = decodeName(bytes.subarray(i, i + length));
    out += bytes.toString('utf8', start, i);
    if (sequence !== undefined && length > 1) {
      out += sequence;
      i += length - 1;
    } else out += `\\x${bytes[i]!.toString(16).padStart(2, '0')}`;
    start = i + 1;
  }
  return out;
}

export function notUtf8Name(path: string): Diagnostic {
  return {
    code: 'file.encoding',
    severity: 'error',
    message: 'file name is not valid UTF-8; it is not read',
    file: path,
    hint: 'rename it with a UTF-8 name',
  };
}

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
  return { code: 'file.outside-repo', severity: 'error', message: 'symlink leads outside the repository; it is not read', file: path, hint: 'copy the file into the repository instead' };
}

/**
 * Every *.yaml / *.yml under repoDir/resources, sorted by path. The walk is
 * synchronous: thousands of small files read one after another are much
 * faster without a promise per syscall. Names are read as bytes: a name that
 * is not UTF-8 is reported, not turned into a lossy string that names no file.
 */
export async function readWorkingTreeFiles(repoDir: string, under: string = RESOURCES_DIR): Promise<{ files: InputFile[]; problems: Diagnostic[] }> {
  const root = realpathSync(repoDir);
  const files: InputFile[] = [];
  const problems: Diagnostic[] = [];
  const visited = new Set<string>();
  const inside = (real: string) => real === root || real.startsWith(root + sep);

  /** `dir` is a path on disk (bytes); `shown` the same path relative to the repo, as text. */
  function walk(dir: Buffer, shown: string): void {
    const real = realpathSync(dir).toString();
    if (visited.has(real)) return;
    visited.add(real);
    const entries = (readdirSync(dir, { encoding: 'buffer' }) as Buffer[]).sort(Buffer.compare);
    for (const entry of entries) {
      if (entry[0] === 0x2e) continue; // a dotfile
      const name = decodeName(entry);
      const path = Buffer.concat([dir, Buffer.from('/'), entry]);
      if (name === undefined) {
        // Reported when it would have been read: a folder or a *.yaml file.
        const escaped = `${shown}/${escapedName(entry)}`;
        if (isDeclarationFile(escaped) || isFolder(path)) problems.push(notUtf8Name(escaped));
        continue;
      }
      const repoPath = `${shown}/${name}`;
      try {
        visitEntry(path, repoPath, name);
      } catch (err) {
        problems.push(unreadable(repoPath, err));
      }
    }
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
      const read = readFileBounded(path.toString(), MAX_FILE_BYTES);
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
