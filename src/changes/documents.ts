/** Editing YAML declaration files document by document, keeping comments and layout. */
import { type Document, parseAllDocuments, stringify } from 'yaml';
import type { KindName } from '../core/kinds.js';

export interface Identity {
  readonly kind: KindName;
  readonly name: string;
  readonly namespace?: string;
}

function matches(doc: Document, id: Identity): boolean {
  const js = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown> | null;
  return !!js && js.kind === id.kind && js.name === id.name && (id.namespace === undefined || js.namespace === id.namespace);
}

const OPTIONS = { lineWidth: 0 } as const;

/** Splits a file into its documents. */
export function documentsOf(text: string): Document.Parsed[] {
  return parseAllDocuments(text) as Document.Parsed[];
}

export function joinDocuments(docs: readonly Document[]): string {
  return docs.map((d) => d.toString(OPTIONS).replace(/^---\n/, '')).join('---\n');
}

/** The file without the declaration, or null when nothing else is left in it. */
export function removeDeclaration(text: string, id: Identity): string | null {
  const docs = documentsOf(text);
  const kept = docs.filter((d) => !matches(d, id));
  if (kept.length === docs.length) throw new Error(`${id.kind} ${id.name} not found in the file`);
  const meaningful = kept.filter((d) => d.contents !== null);
  return meaningful.length === 0 ? null : joinDocuments(kept);
}

/** The file with the declaration's document edited in place. */
export function editDeclaration(text: string, id: Identity, edit: (doc: Document) => void): string {
  const docs = documentsOf(text);
  const target = docs.find((d) => matches(d, id));
  if (!target) throw new Error(`${id.kind} ${id.name} not found in the file`);
  edit(target);
  return joinDocuments(docs);
}

/** A new one-document file. */
export function newDeclarationFile(value: Record<string, unknown>, comment?: string): string {
  const body = stringify(value, OPTIONS);
  return comment
    ? `${comment
        .split('\n')
        .map((l) => `# ${l}`.trimEnd())
        .join('\n')}\n${body}`
    : body;
}
