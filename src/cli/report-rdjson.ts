/**
 * `mcpo validate --format rdjson`: reviewdog's Diagnostic Format as one JSON
 * document (DiagnosticResult), which `reviewdog -f=rdjson` posts as review
 * comments on GitLab, Bitbucket, Gerrit or GitHub.
 */
import { RESOURCES_DIR } from '../core/repository.js';
import { TOOL_INFORMATION_URI, type ReportView } from './report-view.js';

const SEVERITY = { error: 'ERROR', warning: 'WARNING' } as const;

export function rdjsonResult(view: ReportView): object {
  return {
    source: { name: 'mcpo', url: TOOL_INFORMATION_URI },
    diagnostics: view.entries.map(({ diagnostic: d, text, byteColumn }) => {
      // reviewdog counts columns in UTF-8 bytes; without the line's text only an ASCII prefix is certain, so the column is left out.
      const start = d.line !== undefined ? { line: d.line, ...(byteColumn !== undefined ? { column: byteColumn } : {}) } : undefined;
      return {
        message: text,
        // A diagnostic about no file is placed on the declarations folder, as in SARIF.
        location: { path: d.file ?? RESOURCES_DIR, ...(start ? { range: { start } } : {}) },
        severity: SEVERITY[d.severity],
        code: { value: d.code },
      };
    }),
  };
}
