/** `mcpo create -f FILE` and `mcpo delete KIND NAME`: declarations changed in the working tree, ready for a pull request. */
import type { Command } from 'commander';
import { createDeclarations } from '../changes/create.js';
import { deleteDeclaration } from '../changes/delete.js';
import { parseKind } from '../changes/find.js';
import { readDeclarationInput } from '../changes/input.js';
import { LOCK_HELP } from '../changes/lock.js';
import { refused } from '../changes/working-tree.js';
import { quoted } from '../core/echo.js';
import { action } from './command.js';
import { reportChange } from './output.js';

export function registerChangeCommands(program: Command): void {
  program
    .command('create')
    .description('validate new declarations from a file and write each where it belongs under resources/')
    .requiredOption('-f, --filename <file>', 'YAML file with one or more declarations ("-" for stdin)')
    .option('--repo <dir>', 'config repository', '.')
    .option('--dry-run', 'check and report, write nothing')
    .addHelpText('after', LOCK_HELP)
    .action(
      action(async (opts: { filename: string; repo: string; dryRun?: boolean }) => {
        const input = readDeclarationInput(opts.filename);
        if (!input.ok) return reportChange(refused([input.diagnostic], []));
        return reportChange(await createDeclarations(opts.repo, input.name, input.content, { dryRun: opts.dryRun }), opts.dryRun);
      }),
    );

  program
    .command('delete')
    .description('delete a declaration; a preset or namespace still in use is refused unless --force')
    .argument('<kind>', 'template | resourcelimit (preset) | namespace | secret')
    .argument('<name>')
    .option('-n, --namespace <namespace>', 'namespace of a template or secret')
    .option('--force', 'delete even while other declarations refer to it (they are then broken)')
    .option('--repo <dir>', 'config repository', '.')
    .option('--dry-run', 'check and report, write nothing')
    .addHelpText('after', LOCK_HELP)
    .action(
      action(async (kindText: string, name: string, opts: { namespace?: string; force?: boolean; repo: string; dryRun?: boolean }) => {
        const kind = parseKind(kindText);
        if (!kind)
          return reportChange(
            refused([
              {
                code: 'usage',
                severity: 'error',
                file: '<arguments>',
                message: `unknown kind ${quoted(kindText)}`,
                hint: 'expected template, resourcelimit, namespace or secret',
              },
            ]),
          );
        const outcome = await deleteDeclaration(opts.repo, { kind, name, namespace: opts.namespace, force: opts.force, dryRun: opts.dryRun });
        return reportChange(outcome, opts.dryRun);
      }),
    );
}
