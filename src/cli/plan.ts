/**
 * mcpo plan: what merging a change does, as a reviewer reads it.
 *
 *   mcpo plan BASE [HEAD] [--repo DIR] [--format text|markdown|json] [--output FILE]
 *
 * BASE and HEAD as for mcpo diff (HEAD omitted: the working tree). Prints
 * (or writes atomically to FILE) the declarations added, changed and
 * removed, the objects created, updated and deleted in dist/, the templates
 * whose pods roll and why, requests and limits per namespace before → after,
 * the secrets whose keys change (names only) and warnings. markdown is one
 * pull-request comment of at most 65,536 bytes, starting with
 * `<!-- mcpo-plan -->`. Exit 0 planned (changes or not), 1 a side's
 * declarations are invalid (diagnostics on stderr; the markdown and json
 * bodies still say so), 2 usage or trouble.
 */
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { writeFilesAtomically } from '../changes/atomic-write.js';
import { type Diagnostic, safeDiagnostic } from '../core/diagnostic.js';
import { echo } from '../core/echo.js';
import { errorMessage, McpoError } from '../core/errors.js';
import { buildPlan, compareModels, formatInvalidMarkdown, formatJson, formatMarkdown, formatText, openSides, type Side } from '../plan/index.js';
import { noCacheOption } from './check-cache-option.js';
import { storedChecks } from './stored-checks.js';
import { action } from './command.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { printDiagnostics } from './output.js';

type PlanFormat = 'text' | 'markdown' | 'json';

function parsePlanFormat(value: string): PlanFormat {
  if (value !== 'text' && value !== 'markdown' && value !== 'json') throw new InvalidArgumentError('expected text, markdown or json');
  return value;
}

async function emit(text: string, output: string | undefined): Promise<void> {
  if (output === undefined) {
    process.stdout.write(text);
    return;
  }
  const target = resolve(output);
  await writeFilesAtomically([{ target, content: text }], target);
}

const sideRef = (s: Side) => ({ ref: s.ref ?? null, sha: s.sha, label: s.label });

function invalidBody(format: PlanFormat, sides: Side[]): string | undefined {
  const bad = sides.filter((s) => !s.model);
  if (format === 'markdown') return formatInvalidMarkdown(bad.map((s) => ({ label: s.label, diagnostics: s.diagnostics })));
  if (format === 'json') {
    const [base, head] = sides as [Side, Side];
    return `${JSON.stringify(
      {
        base: { ref: base.ref ?? null, sha: base.sha },
        head: { ref: head.ref ?? null, sha: head.sha },
        valid: false,
        invalid: bad.map((s) => ({ ref: s.ref ?? null, sha: s.sha, diagnostics: s.diagnostics.map(safeDiagnostic) })),
      },
      null,
      2,
    )}\n`;
  }
  return undefined;
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('what merging HEAD (default: the working tree) into BASE changes: declarations, objects in dist/, rollouts, totals, secrets, warnings')
    .argument('<base>', 'git revision the change is merged into (branch, tag, SHA, ...)')
    .argument('[head]', 'git revision of the change (default: the working tree)')
    .option('--repo <dir>', 'config repository', '.')
    .addOption(noCacheOption('every declaration file of both revisions'))
    .addOption(new Option('--format <format>', 'text, markdown (one pull-request comment) or json').default('text').argParser(parsePlanFormat))
    .option('--output <file>', 'write the plan to FILE (atomically) instead of stdout')
    .action(
      action(async (base: string, head: string | undefined, opts: { repo: string; format: PlanFormat; output?: string; cache: boolean }) => {
        const fail = (message: string, diagnostics: readonly Diagnostic[] = []): number => {
          printDiagnostics(diagnostics, 'text');
          process.stderr.write(`mcpo plan: ${message}\n`);
          return EXIT_USAGE;
        };
        let sides: [Side, Side];
        try {
          const stored = storedChecks(opts);
          const open = openSides(opts.repo, base, head, stored);
          sides = [await open.base(), await open.head()];
          stored?.save();
        } catch (err) {
          if (!(err instanceof McpoError)) throw err;
          return fail(`${err.message}${err.hint ? ` (${err.hint})` : ''}`, err.diagnostics);
        }
        const [from, to] = sides;
        if (!from.model || !to.model) {
          for (const side of sides) {
            if (side.model) continue;
            printDiagnostics(side.diagnostics, 'text');
            process.stderr.write(`mcpo plan: the declarations at ${side.label} are invalid; nothing planned\n`);
          }
          const body = invalidBody(opts.format, sides);
          if (body !== undefined) {
            try {
              await emit(body, opts.output);
            } catch (err) {
              return fail(`cannot write ${echo(opts.output ?? '')}: ${errorMessage(err)}`);
            }
          }
          return EXIT_INVALID;
        }
        let text: string;
        try {
          const comparison = compareModels(
            { model: from.model, bridgeImage: from.bridgeImage, gitops: from.config.gitops },
            { model: to.model, bridgeImage: to.bridgeImage, gitops: to.config.gitops },
          );
          const plan = buildPlan({ ref: sideRef(from), model: from.model }, { ref: sideRef(to), model: to.model }, comparison);
          text = opts.format === 'markdown' ? formatMarkdown(plan) : opts.format === 'json' ? formatJson(plan) : formatText(plan);
        } catch (err) {
          return fail(`cannot plan: ${errorMessage(err)}`);
        }
        try {
          await emit(text, opts.output);
        } catch (err) {
          return fail(`cannot write ${echo(opts.output ?? '')}: ${errorMessage(err)}`);
        }
        return EXIT_OK;
      }),
    );
}
