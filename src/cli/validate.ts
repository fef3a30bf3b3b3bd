import { appendFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Command, Option } from 'commander';
import { type Diagnostic, isError } from '../core/diagnostic.js';
import { echo } from '../core/echo.js';
import { BuildCache, buildModel } from '../model/build.js';
import { noCacheOption } from './check-cache-option.js';
import { storedChecks } from './stored-checks.js';
import { readWorkingTreeFiles } from '../source/working-tree.js';
import { action } from './command.js';
import { EXIT_INVALID, EXIT_OK } from './exit-codes.js';
import { parseValidateFormat, printDiagnostics, type ValidateFormat } from './output.js';
import { githubAnnotations, githubStepSummary, STEP_SUMMARY_MAX_BYTES } from './report-github.js';
import { rdjsonResult } from './report-rdjson.js';
import { sarifLog } from './report-sarif.js';
import { reportView, type SourceTexts } from './report-view.js';

type Counts = { namespaces: number; resource_limits: number; templates: number; secrets: number };

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check every declaration under resources/ against spec/ and the semantic rules (the pull-request check)')
    .option('--repo <dir>', 'config repository', '.')
    .addOption(noCacheOption())
    .addOption(
      new Option('--format <format>', 'text, json, github (workflow commands and step summary), sarif (SARIF 2.1.0) or rdjson (reviewdog)')
        .default('text')
        .argParser(parseValidateFormat),
    )
    .action(
      action(async (opts: { repo: string; format: ValidateFormat; cache: boolean }) => {
        const cache = new BuildCache(storedChecks(opts));
        const source = await readWorkingTreeFiles(opts.repo, { known: cache.known });
        const { model, diagnostics } = buildModel(source, cache);
        cache.stored?.save();
        const counts: Counts | undefined = model && {
          namespaces: model.namespaces.size,
          resource_limits: model.presets.size,
          templates: model.templates.size,
          secrets: model.secrets.size,
        };
        // By path, the bytes read only for the files a report shows (unchanged files were not read: working-tree.ts `known`).
        const byPath = new Map(source.files.map((f) => [f.path, f]));
        const sources: SourceTexts = { get: (path) => byPath.get(path)?.content };
        if (opts.format === 'text') printText(diagnostics, counts);
        else if (opts.format === 'json') printDiagnostics(diagnostics, 'json', counts ? { counts } : {});
        else printPullRequestReport(diagnostics, opts.format, sources, counts);
        return model ? EXIT_OK : EXIT_INVALID;
      }),
    );
}

function describeCounts(c: Counts): string {
  return `${c.namespaces} namespaces, ${c.resource_limits} resource limits, ${c.templates} templates, ${c.secrets} secrets`;
}

function printText(diagnostics: readonly Diagnostic[], counts: Counts | undefined): void {
  printDiagnostics(diagnostics, 'text');
  const errors = diagnostics.filter(isError).length;
  if (counts) process.stdout.write(`valid: ${describeCounts(counts)}\n`);
  else process.stderr.write(`${errors} error${errors === 1 ? '' : 's'}\n`);
}

function toolVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

function printPullRequestReport(
  diagnostics: readonly Diagnostic[],
  format: 'github' | 'sarif' | 'rdjson',
  sources: SourceTexts,
  counts: Counts | undefined,
): void {
  const view = reportView(diagnostics, sources);
  if (format === 'sarif') process.stdout.write(`${JSON.stringify(sarifLog(view, { version: toolVersion() }), null, 2)}\n`);
  else if (format === 'rdjson') process.stdout.write(`${JSON.stringify(rdjsonResult(view), null, 2)}\n`);
  else process.stdout.write(githubAnnotations(view, appendStepSummary(view, counts)));
}

/** Appends every diagnostic to $GITHUB_STEP_SUMMARY when the runner set it; says whether it did. */
function appendStepSummary(view: ReturnType<typeof reportView>, counts: Counts | undefined): boolean {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  try {
    let used = 0;
    try {
      used = statSync(file).size;
    } catch {
      // not there yet: the append creates it
    }
    appendFileSync(file, githubStepSummary(view, STEP_SUMMARY_MAX_BYTES - used, counts && describeCounts(counts)));
    return true;
  } catch (err) {
    process.stderr.write(`mcpo: cannot write the step summary ${echo(file)} (${(err as NodeJS.ErrnoException).code ?? 'error'})\n`);
    return false;
  }
}
