/** Manifests on disk: every YAML document under a folder, as Kubernetes objects. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

/**
 * Loads every *.yaml / *.yml file under dir (recursively, sorted by path; multi-document;
 * kustomization.yaml skipped; `kind: *List` documents flattened into their items).
 */
export async function readManifestsDir(dir: string): Promise<KubernetesObject[]> {
  const files: string[] = [];
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (/\.ya?ml$/i.test(entry.name) && !/^kustomization\.ya?ml$/i.test(entry.name)) files.push(p);
    }
  };
  await walk(dir);
  files.sort();
  const out: KubernetesObject[] = [];
  for (const file of files) {
    const docs = parseAllDocuments(await readFile(file, 'utf8'));
    for (const doc of docs) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const value = doc.toJSON() as unknown;
      if (value === null || value === undefined) continue;
      if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${file}: a document is not an object`);
      const obj = value as KubernetesObject & { items?: unknown[] };
      if (obj.kind?.endsWith('List') && Array.isArray(obj.items)) out.push(...(obj.items as KubernetesObject[]));
      else out.push(obj);
    }
  }
  return out;
}
