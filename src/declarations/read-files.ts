/**
 * Reads the declaration files of a working tree, refusing what could hurt:
 * files over the size limit, symlinks that leave the repository, loops.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Diagnostic } from '../errors/diagnostic.js';

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

/**
 * Every *.yaml / *.yml under repoDir/resources, sorted by path. The walk is
 * synchronous: thousands of small files read one after another are much
 * faster without a promise per syscall.
 */
export async function readWorkingTreeFiles(repoDir: string, under: string = RESOURCES_DIR): Promise<{ files: InputFile[]; problems: Diagnostic[] }> {
  const root = realpathSync(repoDir);
  const files: InputFile[] = [];
  const problems: Diagnostic[] = [];
  const visited = new Set<string>();
  const toRepoPath = (p: string) => relative(repoDir, p).split(sep).join('/');

  function walk(dir: string): void {
    const real = realpathSync(dir);
    if (visited.has(real)) return;
    visited.add(real);
    const entries = readdirSync(dir).sort();
    for (const entry of entries) {
      if (entry.startsWith('.')) continue;
      const path = join(dir, entry);
      let info = lstatSync(path);
      if (info.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(path);
        } catch {
          problems.push({ code: 'file.outside-repo', severity: 'error', message: 'symlink points at nothing', file: toRepoPath(path) });
          continue;
        }
        if (target !== root && !target.startsWith(root + sep)) {
          problems.push({ code: 'file.outside-repo', severity: 'error', message: 'symlink leads outside the repository; it is not read', file: toRepoPath(path), hint: 'copy the file into the repository instead' });
          continue;
        }
        info = statSync(path);
      }
      if (info.isDirectory()) walk(path);
      else if (info.isFile() && isDeclarationFile(entry)) {
        if (info.size > MAX_FILE_BYTES) problems.push(tooLarge(toRepoPath(path), info.size));
        else files.push({ path: toRepoPath(path), content: readFileSync(path) });
      }
    }
  }

  const start = join(repoDir, under);
  try {
    walk(start);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push({
      code: 'file.unreadable',
      severity: 'error',
      message: code === 'ENOENT' ? `no ${under}/ folder in ${repoDir}` : `cannot read ${under}/: ${(err as Error).message}`,
      file: under,
      hint: code === 'ENOENT' ? 'declarations live in resources/**/*.yaml; pass --repo DIR for another repository' : undefined,
    });
  }
  return { files, problems };
}
