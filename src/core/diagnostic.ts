/**
 * One shape for every problem the tool reports: the validator produces them,
 * the CLI prints them, `--format json` emits them, and the gRPC server maps
 * their code to a status.
 */
import { bounded } from './echo.js';
import { compareStrings } from './order.js';

export type DiagnosticCode =
  | 'yaml.syntax'
  | 'yaml.duplicate-key'
  | 'yaml.alias-limit'
  | 'file.too-large'
  | 'file.encoding'
  | 'file.outside-repo'
  | 'file.unreadable'
  | 'declaration.not-a-mapping'
  | 'declaration.unknown-kind'
  | 'declaration.missing-kind'
  | 'field.unknown'
  | 'field.output-only'
  | 'field.type'
  | 'field.required'
  | 'field.enum'
  | 'field.oneof'
  | 'field.range'
  | 'name.invalid'
  | 'label.invalid'
  | 'quantity.invalid'
  | 'quantity.request-over-limit'
  | 'reference.missing'
  | 'resource.duplicate'
  | 'secret.type-keys'
  | 'secret.sealing'
  | 'usage'
  | 'not-found'
  | 'failed-precondition'
  | 'internal';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  /** For a person: what is wrong. */
  message: string;
  /** Path relative to the repository root, with forward slashes. */
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
  /** e.g. McpTemplate */
  kind?: string;
  /** e.g. default/my-memory-server, or n1-standard-nano for cluster-scoped kinds */
  name?: string;
  /** Dotted field path inside the declaration, e.g. env_vars[0].name */
  path?: string;
  /** What to do about it, when it is clear. */
  hint?: string;
}

export function isError(d: Diagnostic): boolean {
  return d.severity === 'error';
}

/**
 * Longest text field of a diagnostic once made safe. Messages quote outside
 * text through echo(), which cuts it much shorter; this is the bound for
 * what a message forgot to cut (file names and paths are outside text too).
 */
export const MAX_DIAGNOSTIC_FIELD_CHARS = 2000;

/** Each text field and its bound: a name is at most namespace/name (63 + 1 + 253) when valid. */
const TEXT_FIELDS = { message: MAX_DIAGNOSTIC_FIELD_CHARS, hint: MAX_DIAGNOSTIC_FIELD_CHARS, file: 1000, path: 1000, kind: 64, name: 320 } as const;

/**
 * The diagnostic with every text field safe to print: control characters
 * escaped (an ESC or CR cannot rewrite a terminal or CI log line) and each
 * field bounded. Applied where diagnostics leave the validator (buildModel)
 * and again by formatDiagnostic, so a diagnostic built anywhere else is
 * safe when printed too.
 */
export function safeDiagnostic(d: Diagnostic): Diagnostic {
  let safe: Diagnostic | undefined;
  for (const [field, max] of Object.entries(TEXT_FIELDS) as Array<[keyof typeof TEXT_FIELDS, number]>) {
    const value = d[field];
    if (value === undefined) continue;
    const text = bounded(String(value), max);
    if (text !== value) (safe ??= { ...d })[field] = text;
  }
  return safe ?? d;
}

/** `path:line:col: kind/name: field.path: message (hint)` */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const d = safeDiagnostic(diagnostic);
  const parts: string[] = [];
  let where = d.file ?? '<repo>';
  if (d.line !== undefined) where += `:${d.line}`;
  if (d.line !== undefined && d.column !== undefined) where += `:${d.column}`;
  parts.push(where);
  if (d.kind || d.name) parts.push(`${d.kind ?? '?'}/${d.name ?? '?'}`);
  if (d.path) parts.push(d.path);
  let text = `${parts.join(': ')}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
  if (d.hint) text += ` (${d.hint})`;
  return text;
}

/** Stable order: by file, line, column, then message. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compareStrings(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || compareStrings(a.message, b.message)
  );
}
