import { type Command, Option } from 'commander';
import { isError } from '../core/diagnostic.js';
import { buildModel } from '../model/build.js';
import { readWorkingTreeFiles } from '../source/working-tree.js';
import { action } from './command.js';
import { EXIT_INVALID, EXIT_OK } from './exit-codes.js';
import { parseFormat, printDiagnostics } from './output.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check every declaration under resources/ against spec/ and the semantic rules (the pull-request check)')
    .option('--repo <dir>', 'config repository', '.')
    .addOption(new Option('--format <format>', 'text or json').default('text').argParser(parseFormat))
    .action(
      action(async (opts: { repo: string; format: 'text' | 'json' }) => {
        const { model, diagnostics } = buildModel(await readWorkingTreeFiles(opts.repo));
        const counts = model && {
          namespaces: model.namespaces.size,
          resource_limits: model.presets.size,
          templates: model.templates.size,
          secrets: model.secrets.size,
        };
        printDiagnostics(diagnostics, opts.format, counts ? { counts } : {});
        if (opts.format === 'text') {
          const errors = diagnostics.filter(isError).length;
          if (counts)
            process.stdout.write(
              `valid: ${counts.namespaces} namespaces, ${counts.resource_limits} resource limits, ${counts.templates} templates, ${counts.secrets} secrets\n`,
            );
          else process.stderr.write(`${errors} error${errors === 1 ? '' : 's'}\n`);
        }
        return model ? EXIT_OK : EXIT_INVALID;
      }),
    );
}
