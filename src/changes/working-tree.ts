/**
 * Changes to a working tree are all-or-nothing: the whole repository is
 * validated with the change applied in memory, and files are written only
 * when the result is valid (or every remaining error is one the caller
 * accepted, as `delete --force` does).
 */
import { mkdir, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { type Diagnostic, isError } from '../errors/diagnostic.js';
import { type InputFile, readWorkingTreeFiles, RESOURCES_DIR } from '../declarations/read-files.js';
import { buildModel } from '../model/load.js';
import type { Model } from '../model/types.js';

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

/** The current state of the working tree: its files and, when valid, its model. */
export async function readTree(repoDir: string): Promise<{ files: InputFile[]; problems: Diagnostic[]; model?: Model; diagnostics: readonly Diagnostic[] }> {
  const { files, problems } = await readWorkingTreeFiles(repoDir);
  const { model, diagnostics } = buildModel(files, problems);
  return { files, problems, model, diagnostics };
}

export async function applyChanges(
  repoDir: string,
  changes: readonly FileChange[],
  options: { accept?: (d: Diagnostic) => boolean; dryRun?: boolean; notes?: string[] } = {},
): Promise<ChangeOutcome> {
  const { files, problems } = await readWorkingTreeFiles(repoDir);
  const byPath = new Map(files.map((f) => [f.path, f]));
  for (const change of changes) {
    assertInsideResources(repoDir, change.path);
    if (change.content === null) byPath.delete(change.path);
    else byPath.set(change.path, { path: change.path, content: Buffer.from(change.content) });
  }
  const { diagnostics } = buildModel([...byPath.values()], problems);
  const blocking = diagnostics.filter((d) => isError(d) && !options.accept?.(d));
  if (blocking.length > 0) return { applied: false, changes, diagnostics: blocking, notes: ['nothing was written: the repository would not be valid after this change'] };
  if (!options.dryRun) {
    for (const change of changes) {
      const target = join(repoDir, change.path);
      if (change.content === null) {
        await rm(target, { force: true });
        await removeEmptyParents(repoDir, dirname(target));
      } else {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, change.content);
      }
    }
  }
  return { applied: true, changes, diagnostics: diagnostics.filter(isError), notes: options.notes ?? [] };
}

function assertInsideResources(repoDir: string, path: string): void {
  const root = resolve(repoDir, RESOURCES_DIR);
  const target = resolve(repoDir, path);
  if (!target.startsWith(root + sep)) throw new Error(`refusing to write outside ${RESOURCES_DIR}/: ${path}`);
}

async function removeEmptyParents(repoDir: string, dir: string): Promise<void> {
  const stop = resolve(repoDir, RESOURCES_DIR);
  for (let current = resolve(dir); current.startsWith(stop + sep); current = dirname(current)) {
    if ((await readdir(current)).length > 0) return;
    await rmdir(current);
  }
}
