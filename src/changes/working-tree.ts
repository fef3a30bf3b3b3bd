/**
 * The one write path of every change command. Under the repository lock:
 * read the working tree, plan the change from what was read, validate the
 * whole repository with the change applied in memory (files checked exactly
 * as the validator will read them, size limit included), and only when the
 * result is valid (or every remaining error is one the caller accepted, as
 * `delete --force` does) write the files, each one atomically. Nothing
 * written by another change between the read and the write can be lost,
 * because no other change can write in between.
 */
import { join, relative, resolve, sep } from 'node:path';
import { type Diagnostic, isError } from '../core/diagnostic.js';
import { echo } from '../core/echo.js';
import { RESOURCES_DIR } from '../core/repository.js';
import { type InputFile, readWorkingTreeFiles } from '../source/working-tree.js';
import { buildModel } from '../model/build.js';
import type { Model } from '../model/types.js';
import { writeFilesAtomically } from './atomic-write.js';
import { lockRepository } from './lock.js';

/** A new content for a repo-relative path, or null to delete the file. */
export interface FileChange {
  readonly path: string;
  readonly content: string | null;
}

export interface ChangeOutcome {
  readonly applied: boolean;
  readonly changes: readonly FileChange[];
  /** Why it was refused, or (when applied) errors the caller accepted. */
  readonly diagnostics: readonly Diagnostic[];
  /** What happened, for a person; never secret values. */
  readonly notes: readonly string[];
}

export function refused(diagnostics: Diagnostic[], notes: string[] = []): ChangeOutcome {
  return { applied: false, changes: [], diagnostics, notes };
}

/** A valid working tree as it was read under the lock. */
export interface Tree {
  readonly model: Model;
  readonly files: readonly InputFile[];
  /** The text of a file that was read, by repo-relative path. */
  text(path: string): string;
}

/** What a change will do, decided from the tree it was given. */
export interface Plan {
  readonly changes: readonly FileChange[];
  readonly notes: string[];
  /** Errors the change knowingly leaves behind (a forced delete's broken references). */
  readonly accept?: (d: Diagnostic) => boolean;
}

export interface ChangeOptions {
  readonly dryRun?: boolean;
  /** What the change does, for the lock file and a waiting command's message: names only, never values. */
  readonly purpose: string;
}

export async function changeRepository(repoDir: string, plan: (tree: Tree) => Plan | ChangeOutcome, options: ChangeOptions): Promise<ChangeOutcome> {
  // A dry run writes nothing: it needs no lock (every write is atomic, so it still reads whole files).
  const lock = options.dryRun ? undefined : await lockRepository(repoDir, `mcpo ${options.purpose}`);
  if (lock && !('release' in lock)) return refused([lock], ['nothing was written']);
  try {
    const { files, problems } = await readWorkingTreeFiles(repoDir);
    const { model, diagnostics } = buildModel({ files, problems });
    if (!model) return refused([...diagnostics], ['the repository is not valid now: fix it before changing it']);
    const byPath = new Map(files.map((f) => [f.path, f]));
    const tree: Tree = {
      model,
      files,
      text: (path) => {
        const file = byPath.get(path);
        if (!file) throw new Error(`${path} was not read from the working tree`);
        return file.content.toString('utf8');
      },
    };
    const planned = plan(tree);
    if ('applied' in planned) return planned;
    return await apply(repoDir, byPath, problems, planned, options.dryRun);
  } finally {
    if (lock && 'release' in lock) await lock.release();
  }
}

async function apply(repoDir: string, byPath: Map<string, InputFile>, problems: Diagnostic[], plan: Plan, dryRun = false): Promise<ChangeOutcome> {
  const { changes } = plan;
  for (const change of changes) {
    assertInsideResources(repoDir, change.path);
    if (change.content === null) byPath.delete(change.path);
    // buildModel refuses a file over the size limit, so a change cannot write one.
    else byPath.set(change.path, { path: change.path, content: Buffer.from(change.content) });
  }
  const { diagnostics } = buildModel({ files: [...byPath.values()], problems });
  const blocking = diagnostics.filter((d) => isError(d) && !plan.accept?.(d));
  if (blocking.length > 0)
    return { applied: false, changes, diagnostics: blocking, notes: ['nothing was written: the repository would not be valid after this change'] };
  if (!dryRun) {
    try {
      await writeFilesAtomically(
        changes.map((c) => ({ target: join(repoDir, c.path), content: c.content })),
        join(repoDir, RESOURCES_DIR),
      );
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return refused(
        [
          {
            code: 'internal',
            severity: 'error',
            file: e.path ? echo(relative(resolve(repoDir), e.path)) : undefined,
            message: `cannot write the change: ${echo(e.code ?? e.message)}`,
            hint: 'free disk space or fix permissions, check `git status`, and run the command again',
          },
        ],
        [],
      );
    }
  }
  return { applied: true, changes, diagnostics: diagnostics.filter(isError), notes: plan.notes };
}

function assertInsideResources(repoDir: string, path: string): void {
  const root = resolve(repoDir, RESOURCES_DIR);
  const target = resolve(repoDir, path);
  if (!target.startsWith(root + sep)) throw new Error(`refusing to write outside ${RESOURCES_DIR}/: ${path}`);
}
