/**
 * `mcpo validate --format sarif`: a SARIF 2.1.0 log for code scanning
 * (github/codeql-action/upload-sarif and other SARIF viewers). One run; the
 * rules are the diagnostic codes; file locations are repository-relative URIs
 * against SRCROOT, the checkout's root.
 */
import type { DiagnosticCode } from '../core/diagnostic.js';
import { RESOURCES_DIR } from '../core/repository.js';
import { TOOL_INFORMATION_URI, type ReportView } from './report-view.js';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** What each code means, for the rule list; the type makes a new code fail to compile until it is described here. */
const RULES: Readonly<Record<DiagnosticCode, string>> = {
  'yaml.syntax': 'The file is not valid YAML.',
  'yaml.duplicate-key': 'A YAML mapping repeats a key.',
  'yaml.alias-limit': 'YAML aliases expand past the limit.',
  'file.too-large': 'A declaration file is over the size limit.',
  'file.encoding': 'A file or its name is not UTF-8.',
  'file.outside-repo': 'A symlink leads outside the repository.',
  'file.unreadable': 'A file cannot be read.',
  'declaration.not-a-mapping': 'A YAML document is not a mapping.',
  'declaration.unknown-kind': 'A declaration names an unknown kind.',
  'declaration.missing-kind': 'A declaration has no kind.',
  'field.unknown': 'A field is not part of the kind.',
  'field.output-only': 'A field that only the server sets is written in a declaration.',
  'field.type': 'A field has the wrong type.',
  'field.required': 'A required field is missing.',
  'field.enum': 'A value is not one of the allowed values.',
  'field.oneof': 'More than one of a set of exclusive fields is set.',
  'field.range': 'A value is out of range.',
  'name.invalid': 'A name is not valid.',
  'label.invalid': 'A label is not valid.',
  'quantity.invalid': 'A value is not a Kubernetes quantity.',
  'quantity.request-over-limit': 'A request is over its limit.',
  'reference.missing': 'A reference names nothing declared.',
  'resource.duplicate': 'The same resource is declared twice.',
  'secret.type-keys': "A secret's keys do not fit its type.",
  'secret.sealing': 'A secret value is not a Sealed Secrets ciphertext.',
  usage: 'The command was used wrongly.',
  'not-found': 'Something named does not exist.',
  'failed-precondition': 'The repository is not in a state that allows this.',
  internal: 'An internal error.',
};

const RULE_IDS = Object.keys(RULES) as DiagnosticCode[];
const RULE_INDEX = new Map(RULE_IDS.map((id, i) => [id, i]));

/** A repo-relative path as a URI reference: each segment percent-encoded, the slashes kept. */
export function pathUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function sarifLog(view: ReportView, tool: { version: string }): object {
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'mcpo',
            fullName: 'mcp-orchestrator validate',
            version: tool.version,
            informationUri: TOOL_INFORMATION_URI,
            rules: RULE_IDS.map((id) => ({ id, shortDescription: { text: RULES[id] } })),
          },
        },
        // Columns come from JavaScript string offsets of the decoded line.
        columnKind: 'utf16CodeUnits',
        results: view.entries.map(({ diagnostic: d, text }) => {
          // Code scanning refuses a result without a file; one about no file is placed on the declarations folder.
          const region =
            d.file !== undefined && d.line !== undefined ? { startLine: d.line, ...(d.column !== undefined ? { startColumn: d.column } : {}) } : undefined;
          return {
            ruleId: d.code,
            ...(RULE_INDEX.has(d.code) ? { ruleIndex: RULE_INDEX.get(d.code) } : {}),
            level: d.severity,
            message: { text },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: pathUri(d.file ?? RESOURCES_DIR), uriBaseId: 'SRCROOT' },
                  ...(region ? { region } : {}),
                },
              },
            ],
          };
        }),
      },
    ],
  };
}
