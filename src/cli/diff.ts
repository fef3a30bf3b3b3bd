/**
 * mcpo diff: what a change does to the rendered manifests.
 *
 *   mcpo diff BASE [HEAD] [--repo DIR]
 *
 * Renders the declarations of git revision BASE and of HEAD (a revision, or
 * the working tree when omitted) straight from the object store, without a
 * checkout, each with the mcpo.yaml of its side, and prints a unified diff per rendered file (one object per
 * file, plus the kustomization.yaml files). Like diff(1): exit 0 when equal,
 * 1 when different, 2 on trouble (usage, a revision that is not a commit,
 * invalid declarations at either side).
 */
import type { Command } from 'commander';
import { FILE_HEADERS_ONLY, createTwoFilesPatch } from 'diff';
import { bridgeImage, readCommitRepoConfig, readRepoConfig, type RepoConfig } from '../declarations/repo-config.js';
import { buildModel } from '../model/build.js';
import { readCommitFiles } from '../source/commit.js';
import { readWorkingTreeFiles } from '../source/working-tree.js';
import type { LoadResult } from '../model/types.js';
import { renderModel } from '../render/app.js';
import { echo } from '../core/echo.js';
import { compareStrings } from '../core/order.js';
import { action } from './command.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { printDiagnostics } from './output.js';
import { errorMessage, McpoError } from '../core/errors.js';

interface Side {
  /** How the side is named in the output, e.g. "main (1a2b3c4)" or "working tree". */
  label: string;
  files: Map<string, string>;
}

async function loadSide(repo: string, rev: string | undefined): Promise<Side> {
  let result: LoadResult;
  let label: string;
  let config: RepoConfig;
  if (rev === undefined) {
    label = 'working tree';
    result = buildModel(await readWorkingTreeFiles(repo));
    config = readRepoConfig(repo);
  } else {
    let commit: LoadResult & { sha: string };
    try {
      const read = await readCommitFiles(repo, rev);
      commit = { sha: read.sha, ...buildModel(read) };
      config = await readCommitRepoConfig(repo, read.sha);
    } catch (err) {
      if (err instanceof McpoError && err.kind === 'invalid') throw new McpoError('invalid', `${echo(rev)}: ${err.message}`, { hint: err.hint });
      if (err instanceof McpoError && err.kind === 'usage') throw err;
      throw new McpoError('unavailable', `cannot read ${JSON.stringify(rev)} in ${repo}: ${errorMessage(err)}`, { cause: err });
    }
    label = `${rev} (${commit.sha.slice(0, 12)})`;
    result = commit;
  }
  if (!result.model) throw new McpoError('invalid', `the declarations at ${label} are invalid; nothing to compare`, { diagnostics: result.diagnostics });
  try {
    return { label, files: renderModel(result.model, { bridgeImage: bridgeImage(config) }) };
  } catch (err) {
    throw new McpoError('internal', `cannot render ${label}: ${errorMessage(err)}`, { cause: err });
  }
}

export interface RenderedDiff {
  readonly patch: string;
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
}

/** Unified diffs, one per differing file, in path order. */
export function diffRendered(base: Side, head: Side): RenderedDiff {
  const paths = [...new Set([...base.files.keys(), ...head.files.keys()])].sort(compareStrings);
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  let patch = '';
  for (const path of paths) {
    const before = base.files.get(path);
    const after = head.files.get(path);
    if (before === after) continue;
    if (before === undefined) added.push(path);
    else if (after === undefined) removed.push(path);
    else changed.push(path);
    patch += createTwoFilesPatch(
      before === undefined ? '/dev/null' : `a/${path}`,
      after === undefined ? '/dev/null' : `b/${path}`,
      before ?? '',
      after ?? '',
      base.label,
      head.label,
      { headerOptions: FILE_HEADERS_ONLY },
    );
  }
  return { patch, added, removed, changed };
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('render two revisions (HEAD omitted: the working tree) and print how the manifests differ; exit 0 equal, 1 different, 2 trouble')
    .argument('<base>', 'git revision to compare from (branch, tag, SHA, HEAD~1, ...)')
    .argument('[head]', 'git revision to compare to (default: the working tree)')
    .option('--repo <dir>', 'config repository', '.')
    .action(
      action(async (base: string, head: string | undefined, opts: { repo: string }) => {
        let sides: [Side, Side];
        try {
          sides = [await loadSide(opts.repo, base), await loadSide(opts.repo, head)];
        } catch (err) {
          // diff's exit codes: 1 means "different", so every kind of trouble is 2.
          if (!(err instanceof McpoError)) throw err;
          printDiagnostics(err.diagnostics, 'text');
          process.stderr.write(`mcpo diff: ${err.message}${err.hint ? ` (${err.hint})` : ''}\n`);
          return EXIT_USAGE;
        }
        const [from, to] = sides;
        const result = diffRendered(from, to);
        const count = result.added.length + result.removed.length + result.changed.length;
        if (count === 0) {
          process.stderr.write(`no difference in the rendered manifests between ${from.label} and ${to.label}\n`);
          return EXIT_OK;
        }
        process.stdout.write(result.patch);
        process.stderr.write(
          `${count} file${count === 1 ? ' differs' : 's differ'} between ${from.label} and ${to.label}: ${result.changed.length} changed, ${result.added.length} added, ${result.removed.length} removed\n`,
        );
        return EXIT_INVALID;
      }),
    );
}
