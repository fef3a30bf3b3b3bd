/**
 * `mcpo create -f FILE`: validate new declarations and write each where it
 * belongs (resources/<kind>/[<namespace>/]<name>.yaml). Existing resources
 * are refused, as kubectl create does.
 */
import { readDeclaration } from '../declarations/documents.js';
import { parseYamlFile } from '../declarations/parse-yaml.js';
import type { Diagnostic } from '../errors/diagnostic.js';
import { joinDocuments } from './documents.js';
import { collectionOf } from './find.js';
import { canonicalPath } from './paths.js';
import { type ChangeOutcome, type FileChange, applyChanges, readTree, refused } from './working-tree.js';

export async function createDeclarations(repoDir: string, inputName: string, content: Buffer, options: { dryRun?: boolean } = {}): Promise<ChangeOutcome> {
  const { model, diagnostics } = await readTree(repoDir);
  if (!model) return refused([...diagnostics], ['the repository is not valid now: fix it before changing it']);

  const parsed = parseYamlFile(inputName, content);
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
  if (changes.length === 0) return refused([{ code: 'usage', severity: 'error', message: `${inputName} holds no declaration` }]);
  return applyChanges(repoDir, changes, { dryRun: options.dryRun, notes });
}
