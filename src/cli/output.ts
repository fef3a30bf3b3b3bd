/** How commands print diagnostics: text on stderr, or JSON on stdout for bots. */
import { InvalidArgumentError } from 'commander';
import { type Diagnostic, formatDiagnostic, isError, safeDiagnostic } from '../core/diagnostic.js';
import { ERROR_KINDS } from '../core/errors.js';

export type OutputFormat = 'text' | 'json';

export function parseFormat(value: string): OutputFormat {
  if (value !== 'text' && value !== 'json') throw new InvalidArgumentError('expected text or json');
  return value;
}

export function printDiagnostics(diagnostics: readonly Diagnostic[], format: OutputFormat, extra: Record<string, unknown> = {}): void {
  const errors = diagnostics.filter(isError).length;
  if (format === 'json') {
    process.stdout.write(
      `${JSON.stringify({ valid: errors === 0, errors, warnings: diagnostics.length - errors, diagnostics: diagnostics.map(safeDiagnostic), ...extra }, null, 2)}\n`,
    );
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
