/**
 * One shape for every problem the tool reports: the validator produces them,
 * the CLI prints them, `--format json` emits them, and the gRPC server maps
 * their code to a status.
 */
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

/** `path:line:col: kind/name: field.path: message (hint)` */
export function formatDiagnostic(d: Diagnostic): string {
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
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    a.message.localeCompare(b.message)
  );
}

/** An error that carries diagnostics, thrown where a value cannot be returned. */
export class McpoError extends Error {
  constructor(
    readonly code: DiagnosticCode,
    message: string,
    readonly diagnostics: Diagnostic[] = [],
  ) {
    super(message);
    this.name = 'McpoError';
  }
}
