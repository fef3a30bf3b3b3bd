/**
 * mcpo diff: what a change does to the rendered manifests.
 *
 *   mcpo diff BASE [HEAD] [--repo DIR]
 *
 * Reads the declarations of git revision BASE and of HEAD (a revision, or
 * the working tree when omitted) straight from the object store, without a
 * checkout, each with the mcpo.yaml of its side, renders only the
 * declarations that differ and those that depend on them (src/plan/, shared
 * with mcpo plan), and prints a unified diff per differing rendered file (one
 * object per file, plus the kustomization.yaml files), byte for byte what a
 * full render of both sides would give. Like diff(1): exit 0 when equal,
 * 1 when different, 2 on trouble (usage, a revision that is not a commit,
 * invalid declarations at either side).
 */
import type { Command } from 'commander';
import { errorMessage, McpoError } from '../core/errors.js';
import { compareModels, openSides, requireModel, type Side, unifiedDiff } from '../plan/index.js';
import { noCacheOption } from './check-cache-option.js';
import { storedChecks } from './stored-checks.js';
import { action } from './command.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { printDiagnostics } from './output.js';

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('render two revisions (HEAD omitted: the working tree) and print how the manifests differ; exit 0 equal, 1 different, 2 trouble')
    .argument('<base>', 'git revision to compare from (branch, tag, SHA, HEAD~1, ...)')
    .argument('[head]', 'git revision to compare to (default: the working tree)')
    .option('--repo <dir>', 'config repository', '.')
    .addOption(noCacheOption('every declaration file of both revisions'))
    .action(
      action(async (base: string, head: string | undefined, opts: { repo: string; cache: boolean }) => {
        let from: Side;
        let to: Side;
        let result;
        try {
          const stored = storedChecks(opts);
          const sides = openSides(opts.repo, base, head, stored);
          from = await sides.base();
          const fromModel = requireModel(from);
          to = await sides.head();
          stored?.save();
          const toModel = requireModel(to);
          try {
            result = compareModels(
              { model: fromModel, bridgeImage: from.bridgeImage, gitops: from.config.gitops },
              { model: toModel, bridgeImage: to.bridgeImage, gitops: to.config.gitops },
            );
          } catch (err) {
            throw new McpoError('internal', `cannot render: ${errorMessage(err)}`, { cause: err });
          }
        } catch (err) {
          // diff's exit codes: 1 means "different", so every kind of trouble is 2.
          if (!(err instanceof McpoError)) throw err;
          printDiagnostics(err.diagnostics, 'text');
          process.stderr.write(`mcpo diff: ${err.message}${err.hint ? ` (${err.hint})` : ''}\n`);
          return EXIT_USAGE;
        }
        const count = result.changes.length;
        if (count === 0) {
          process.stderr.write(`no difference in the rendered manifests between ${from.label} and ${to.label}\n`);
          return EXIT_OK;
        }
        const changed = result.changes.filter((c) => c.change === 'changed').length;
        const added = result.changes.filter((c) => c.change === 'added').length;
        process.stdout.write(unifiedDiff(result.changes, from.label, to.label));
        process.stderr.write(
          `${count} file${count === 1 ? ' differs' : 's differ'} between ${from.label} and ${to.label}: ${changed} changed, ${added} added, ${count - changed - added} removed\n`,
        );
        return EXIT_INVALID;
      }),
    );
}
