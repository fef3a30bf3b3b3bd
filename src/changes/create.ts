/**
 * `mcpo create -f FILE`: validate new declarations and write each where it
 * belongs (resources/<kind>/[<namespace>/]<name>.yaml). Existing resources
 * are refused, as kubectl create does.
 */
import { readDeclaration } from '../declarations/documents.js';
import { parseYamlFile } from '../declarations/parse-yaml.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { joinDocuments } from './documents.js';
import { collectionOf } from './find.js';
import { canonicalPath } from '../core/repository.js';
import { type ChangeOutcome, type FileChange, changeRepository, refused } from './working-tree.js';

/**
 * `content` is the input as it was read once (bounded) by the caller; it is
 * parsed here, and checked against the tree read under the repository lock.
 */
export async function createDeclarations(repoDir: string, inputName: string, content: Buffer, options: { dryRun?: boolean } = {}): Promise<ChangeOutcome> {
  const parsed = parseYamlFile(inputName, content);
  return changeRepository(
    repoDir,
    ({ model }) => {
      const problems: Diagnostic[] = [...parsed.diagnostics];
      const changes: FileChange[] = [];
      const notes: string[] = [];
      for (const document of parsed.documents) {
        const { declaration, diagnostics: found } = readDeclaration(document);
        problems.push(...found);
        if (!declaration || found.length > 0) continue;
        const name = String(declaration.value.name ?? '');
        const namespace = typeof declaration.value.namespace === 'string' ? declaration.value.namespace : undefined;
        const key = namespace ? `${namespace}/${name}` : name;
        const existing = collectionOf(model, declaration.kind).get(key);
        if (existing) {
          problems.push({
            code: 'resource.duplicate',
            severity: 'error',
            message: `${declaration.kind} "${key}" already exists`,
            file: inputName,
            ...declaration.start,
            kind: declaration.kind,
            name: key,
            hint: `it is declared in ${existing.source.file}; edit that file instead`,
          });
          continue;
        }
        const path = canonicalPath(declaration.kind, name, namespace);
        if (changes.some((c) => c.path === path)) continue; // a duplicate in the input: validation names it
        changes.push({ path, content: joinDocuments([document.doc]) });
        notes.push(`created ${declaration.kind} "${key}" in ${path}`);
      }
      if (problems.length > 0) return refused(problems, ['nothing was written']);
      if (changes.length === 0)
        return refused([
          {
            code: 'usage',
            severity: 'error',
            message: 'the input holds no declaration',
            file: inputName,
            hint: 'give a YAML file with one or more documents that each have a kind:',
          },
        ]);
      return { changes, notes };
    },
    { dryRun: options.dryRun, purpose: `create -f ${inputName}` },
  );
}
