/**
 * The one view of a validation result that every machine-readable report
 * (json, github, sarif, rdjson) is printed from. Each diagnostic goes through
 * safeDiagnostic here and nowhere else, so no format can print a field that
 * skipped escaping and bounding; formats then only add their own escaping.
 */
import { type Diagnostic, isError, safeDiagnostic } from '../core/diagnostic.js';

/** Where the project is described; SARIF and reviewdog link the tool's name to it. */
export const TOOL_INFORMATION_URI = 'https://github.com/mcp-orchestrator/mcp-orchestrator';

export interface ReportEntry {
  /** The diagnostic made safe: control characters escaped, each text field bounded. */
  readonly diagnostic: Diagnostic;
  /** What is wrong, without the location: `kind/name: field.path: message (hint)`. */
  readonly text: string;
  /** The column counted in UTF-8 bytes of its line (reviewdog's unit), when the line was read. */
  readonly byteColumn?: number;
}

export interface ReportView {
  readonly entries: readonly ReportEntry[];
  readonly errors: number;
  readonly warnings: number;
}

/** Files the diagnostics point into, by repo-relative path: only used to count columns in UTF-8 bytes. */
export type SourceTexts = Pick<ReadonlyMap<string, Buffer>, 'get'>;

export function reportView(diagnostics: readonly Diagnostic[], sources: SourceTexts = new Map()): ReportView {
  const lines = new LineIndex(sources);
  const entries = diagnostics.map((raw): ReportEntry => {
    const diagnostic = safeDiagnostic(raw);
    const byteColumn = lines.byteColumn(raw);
    return byteColumn === undefined ? { diagnostic, text: describe(diagnostic) } : { diagnostic, text: describe(diagnostic), byteColumn };
  });
  const errors = diagnostics.filter(isError).length;
  return { entries, errors, warnings: diagnostics.length - errors };
}

function describe(d: Diagnostic): string {
  const parts: string[] = [];
  if (d.kind || d.name) parts.push(`${d.kind ?? '?'}/${d.name ?? '?'}`);
  if (d.path) parts.push(d.path);
  parts.push(d.hint ? `${d.message} (${d.hint})` : d.message);
  return parts.join(': ');
}

/**
 * Line starts of each file, found once per file on first use, so that
 * converting every diagnostic's column stays linear in the files' size.
 */
class LineIndex {
  private readonly starts = new Map<string, number[]>();

  constructor(private readonly sources: SourceTexts) {}

  /** Columns are counted in UTF-16 code units of the decoded line; reviewdog counts UTF-8 bytes. */
  byteColumn(d: Diagnostic): number | undefined {
    if (d.file === undefined || d.line === undefined || d.column === undefined) return undefined;
    const content = this.sources.get(d.file);
    if (!content) return undefined;
    const starts = this.lineStarts(d.file, content);
    const start = starts[d.line - 1];
    if (start === undefined) return undefined;
    const end = starts[d.line] ?? content.length;
    const line = content.toString('utf8', start, end);
    if (d.column - 1 > line.length) return undefined;
    return Buffer.byteLength(line.slice(0, d.column - 1), 'utf8') + 1;
  }

  private lineStarts(file: string, content: Buffer): number[] {
    let starts = this.starts.get(file);
    if (!starts) {
      starts = [0];
      for (let i = content.indexOf(10); i !== -1; i = content.indexOf(10, i + 1)) starts.push(i + 1);
      this.starts.set(file, starts);
    }
    return starts;
  }
}
