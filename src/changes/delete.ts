/**
 * Deleting a declaration. A preset still used by templates, or a namespace
 * that still holds templates or secrets, is refused with the count of what
 * refers to it, unless forced; a forced delete says what it broke.
 */
import type { KindName } from '../core/kinds.js';
import { templatesUsingPreset } from '../model/queries.js';
import type { Model } from '../model/types.js';
import { removeDeclaration } from './documents.js';
import { findDeclaration } from './find.js';
import { type ChangeOutcome, changeRepository, refused } from './working-tree.js';

export interface DeleteRequest {
  readonly kind: KindName;
  readonly name: string;
  readonly namespace?: string;
  readonly force?: boolean;
  readonly dryRun?: boolean;
}

export interface DeleteOutcome extends ChangeOutcome {
  /** namespace/name of what still refers to the deleted resource (the seed's referenced_templates_count is its length). */
  readonly referencedBy: readonly string[];
}

/** Resources that refer to the one being deleted. */
export function referencesTo(model: Model, kind: KindName, name: string): string[] {
  if (kind === 'ResourceLimit') return templatesUsingPreset(model, name).map((t) => `${t.namespace}/${t.name}`);
  if (kind === 'Namespace')
    return [...model.templates.values(), ...model.secrets.values()].filter((r) => r.namespace === name).map((r) => `${r.kind} ${r.namespace}/${r.name}`);
  return [];
}

export async function deleteDeclaration(repoDir: string, request: DeleteRequest): Promise<DeleteOutcome> {
  let referencedBy: string[] = [];
  const what = request.kind === 'ResourceLimit' ? 'templates use' : 'resources are declared in';
  const outcome = await changeRepository(
    repoDir,
    (tree) => {
      const found = findDeclaration(tree.model, request.kind, request.name, request.namespace);
      if (!('source' in found)) return refused([found]);
      referencedBy = referencesTo(tree.model, request.kind, request.name);
      if (referencedBy.length > 0 && !request.force) {
        return refused([
          {
            code: 'failed-precondition',
            severity: 'error',
            message: `${request.kind} "${request.name}" is still in use: ${referencedBy.length} ${what} it (${referencedBy.join(', ')})`,
            file: found.source.file,
            line: found.source.line,
            column: found.source.column,
            kind: request.kind,
            name: request.name,
            hint: 'change those first, or pass --force to delete it anyway and leave them broken',
          },
        ]);
      }
      const content = removeDeclaration(tree.text(found.source.file), { kind: request.kind, name: request.name, namespace: request.namespace });
      const notes = [`deleted ${request.kind} "${request.name}" from ${found.source.file}${content === null ? ' (file removed)' : ''}`];
      if (referencedBy.length > 0) notes.push(`forced: ${referencedBy.length} ${what} it and are now broken: ${referencedBy.join(', ')}`);
      // A forced delete accepts exactly the broken references it announced.
      return { changes: [{ path: found.source.file, content }], notes, accept: (d) => !!request.force && d.code === 'reference.missing' };
    },
    { dryRun: request.dryRun, purpose: `delete ${request.kind} ${request.namespace ? `${request.namespace}/` : ''}${request.name}` },
  );
  return { ...outcome, referencedBy };
}
