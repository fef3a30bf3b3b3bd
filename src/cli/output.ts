/** How commands print diagnostics: text on stderr, or JSON on stdout for bots. */
import { InvalidArgumentError } from 'commander';
import { type Diagnostic, formatDiagnostic } from '../core/diagnostic.js';
import { ERROR_KINDS } from '../core/errors.js';
import { reportView } from './report-view.js';

export type OutputFormat = 'text' | 'json';

/** `mcpo validate` also speaks the pull-request formats (report-github, report-sarif, report-rdjson). */
export type ValidateFormat = OutputFormat | 'github' | 'sarif' | 'rdjson';

export const VALIDATE_FORMATS: readonly ValidateFormat[] = ['text', 'json', 'github', 'sarif', 'rdjson'];

export function parseFormat(value: string): OutputFormat {
  if (value !== 'text' && value !== 'json') throw new InvalidArgumentError('expected text or json');
  return value;
}

export function parseValidateFormat(value: string): ValidateFormat {
  const format = VALIDATE_FORMATS.find((f) => f === value);
  if (!format) throw new InvalidArgumentError(`expected ${VALIDATE_FORMATS.slice(0, -1).join(', ')} or ${VALIDATE_FORMATS.at(-1)}`);
  return format;
}

export function printDiagnostics(diagnostics: readonly Diagnostic[], format: OutputFormat, extra: Record<string, unknown> = {}): void {
  if (format === 'json') {
    const view = reportView(diagnostics);
    const report = { valid: view.errors === 0, errors: view.errors, warnings: view.warnings, diagnostics: view.entries.map((e) => e.diagnostic), ...extra };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
}

/** Prints what a change did (stdout) or why it was refused (stderr) and gives the exit code. */
export function reportChange(outcome: { applied: boolean; diagnostics: readonly Diagnostic[]; notes: readonly string[] }, dryRun = false): number {
  for (const d of outcome.diagnostics) process.stderr.write(`${formatDiagnostic(outcome.applied ? { ...d, severity: 'warning' } : d)}\n`);
  const stream = outcome.applied ? process.stdout : process.stderr;
  for (const note of outcome.notes) stream.write(`${dryRun && outcome.applied ? '(dry run) ' : ''}${note}\n`);
  if (outcome.applied) return 0;
  const usage = outcome.diagnostics.length > 0 && outcome.diagnostics.every((d) => d.code === 'usage');
  return ERROR_KINDS[usage ? 'usage' : 'invalid'].exitCode;
}
