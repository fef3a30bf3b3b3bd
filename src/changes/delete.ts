/**
 * Deleting a declaration. A preset still used by templates, or a namespace
 * that still holds templates or secrets, is refused with the count of what
 * refers to it, unless forced; a forced delete says what it broke.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KindName } from '../declarations/kinds.js';
import { templatesUsingPreset } from '../model/queries.js';
import type { Model } from '../model/types.js';
import { removeDeclaration } from './documents.js';
import { findDeclaration } from './find.js';
import { type ChangeOutcome, applyChanges, readTree, refused } from './working-tree.js';

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
  const { model, diagnostics } = await readTree(repoDir);
  if (!model) return { ...refused([...diagnostics], ['the repository is not valid now: fix it before changing it']), referencedBy: [] };
  const found = findDeclaration(model, request.kind, request.name, request.namespace);
  if (!('source' in found)) return { ...refused([found]), referencedBy: [] };

  const referencedBy = referencesTo(model, request.kind, request.name);
  const what = request.kind === 'ResourceLimit' ? 'templates use' : 'resources are declared in';
  if (referencedBy.length > 0 && !request.force) {
    return {
      ...refused([
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
      ]),
      referencedBy,
    };
  }

  const text = await readFile(join(repoDir, found.source.file), 'utf8');
  const content = removeDeclaration(text, { kind: request.kind, name: request.name, namespace: request.namespace });
  const notes = [`deleted ${request.kind} "${request.name}" from ${found.source.file}${content === null ? ' (file removed)' : ''}`];
  if (referencedBy.length > 0) notes.push(`forced: ${referencedBy.length} ${what} it and are now broken: ${referencedBy.join(', ')}`);
  // A forced delete accepts exactly the broken references it announced.
  const outcome = await applyChanges(repoDir, [{ path: found.source.file, content }], {
    dryRun: request.dryRun,
    notes,
    accept: (d) => !!request.force && d.code === 'reference.missing',
  });
  return { ...outcome, referencedBy };
}
