/**
 * `mcpo validate --format github`: GitHub Actions workflow commands on stdout
 * (`::error file=…,line=…::message`), which the runner turns into annotations
 * on the pull request's files, and a Markdown step summary listing every
 * diagnostic. The runner shows at most 10 annotations of each kind per step,
 * so the first 10 errors and 10 warnings are annotations and a notice points
 * at the summary for the rest.
 */
import type { ReportEntry, ReportView } from './report-view.js';

/** Annotations of one kind that the runner shows for a step. */
export const ANNOTATIONS_PER_KIND = 10;

/** GitHub refuses a step summary over 1 MiB; a little is kept for the runner's own framing. */
export const STEP_SUMMARY_MAX_BYTES = 1_000_000;

/** Workflow command data: the runner decodes %25, %0D and %0A. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command property value: as data, and `:` and `,` too, which end a property. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(entry: ReportEntry): string {
  const d = entry.diagnostic;
  const props: string[] = [];
  if (d.file !== undefined) {
    props.push(`file=${escapeProperty(d.file)}`);
    if (d.line !== undefined) {
      props.push(`line=${d.line}`);
      if (d.column !== undefined) props.push(`col=${d.column}`);
      props.push(`endLine=${d.line}`);
    }
  }
  props.push(`title=${escapeProperty(`mcpo ${d.code}`)}`);
  return `::${d.severity} ${props.join(',')}::${escapeData(entry.text)}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The workflow commands for stdout. `summaryWritten` says whether the step
 * summary holds every diagnostic, which the notice about the rest points to.
 */
export function githubAnnotations(view: ReportView, summaryWritten: boolean): string {
  let out = '';
  const shown = { error: 0, warning: 0 };
  for (const entry of view.entries) {
    const severity = entry.diagnostic.severity;
    if (shown[severity] >= ANNOTATIONS_PER_KIND) continue;
    shown[severity]++;
    out += annotation(entry);
  }
  const more = [
    ...(view.errors > shown.error ? [plural(view.errors - shown.error, 'more error')] : []),
    ...(view.warnings > shown.warning ? [plural(view.warnings - shown.warning, 'more warning')] : []),
  ];
  if (more.length > 0) {
    const where = summaryWritten ? 'are listed in the step summary' : 'are not annotated; run mcpo validate to see every one';
    out += `::notice title=${escapeProperty('mcpo validate')}::${escapeData(`${more.join(' and ')} ${where}`)}\n`;
  }
  return out;
}

/**
 * Text from the repository in Markdown: every ASCII punctuation character
 * backslash-escaped (CommonMark lets any of them be), so a message cannot
 * open a link, an image, an HTML tag, a mention, a table cell or emphasis.
 * Control characters are already escaped by the safe view.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * The step summary: a heading with the counts and one table row per
 * diagnostic, cut with a note before `maxBytes` (the summary file is shared
 * with earlier commands of the step, whose bytes count too).
 */
export function githubStepSummary(view: ReportView, maxBytes: number = STEP_SUMMARY_MAX_BYTES, valid?: string): string {
  const heading =
    view.entries.length === 0
      ? `### mcpo validate: ${valid ? `valid, ${valid}` : 'valid'}\n`
      : `### mcpo validate: ${plural(view.errors, 'error')}, ${plural(view.warnings, 'warning')}\n\n| | File | Line | Column | Code | Problem |\n| --- | --- | --- | --- | --- | --- |\n`;
  const parts = [heading];
  let bytes = Buffer.byteLength(heading);
  const reserve = 200;
  for (let i = 0; i < view.entries.length; i++) {
    const entry = view.entries[i]!;
    const d = entry.diagnostic;
    const row = `| ${d.severity} | ${escapeMarkdown(d.file ?? '')} | ${d.line ?? ''} | ${d.column ?? ''} | ${escapeMarkdown(d.code)} | ${escapeMarkdown(entry.text)} |\n`;
    const size = Buffer.byteLength(row);
    if (bytes + size + reserve > maxBytes) {
      parts.push(
        `\n${plural(view.entries.length - i, 'more diagnostic')} not listed: the step summary is limited to 1 MiB. Run \`mcpo validate\` to see every one.\n`,
      );
      break;
    }
    parts.push(row);
    bytes += size;
  }
  return parts.join('');
}
