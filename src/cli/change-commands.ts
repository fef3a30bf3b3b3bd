/** `mcpo create -f FILE` and `mcpo delete KIND NAME`: declarations changed in the working tree, ready for a pull request. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createDeclarations } from '../changes/create.js';
import { deleteDeclaration } from '../changes/delete.js';
import { parseKind } from '../changes/find.js';
import { action } from './command.js';
import { reportChange, UsageError } from './output.js';

export function registerChangeCommands(program: Command): void {
  program
    .command('create')
    .description('validate new declarations from a file and write each where it belongs under resources/')
    .requiredOption('-f, --filename <file>', 'YAML file with one or more declarations ("-" for stdin)')
    .option('--repo <dir>', 'config repository', '.')
    .option('--dry-run', 'check and report, write nothing')
    .action(
      action(async (opts: { filename: string; repo: string; dryRun?: boolean }) => {
        const content = opts.filename === '-' ? await readStdin() : await readFile(opts.filename).catch(() => {
          throw new UsageError(`cannot read ${opts.filename}`);
        });
        return reportChange(await createDeclarations(opts.repo, opts.filename, content, { dryRun: opts.dryRun }), opts.dryRun);
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
    .action(
      action(async (kindText: string, name: string, opts: { namespace?: string; force?: boolean; repo: string; dryRun?: boolean }) => {
        const kind = parseKind(kindText);
        if (!kind) throw new UsageError(`unknown kind "${kindText}": expected template, resourcelimit, namespace or secret`);
        const outcome = await deleteDeclaration(opts.repo, { kind, name, namespace: opts.namespace, force: opts.force, dryRun: opts.dryRun });
        return reportChange(outcome, opts.dryRun);
      }),
    );
}

export async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
