/** The layout of a config repository: where declarations live and where a new one is written. */
import type { KindName } from './kinds.js';

/** Folder with the declarations inside a config repo. */
export const RESOURCES_DIR = 'resources';

const KIND_FOLDER: Readonly<Record<KindName, string>> = {
  Namespace: 'namespaces',
  ResourceLimit: 'resource-limits',
  McpTemplate: 'templates',
  Secret: 'secrets',
};

/**
 * The file a new declaration is written to: resources/<kind folder>/[<namespace>/]<name>.yaml.
 * Names are validated (DNS-1123) before they get here, so they cannot climb out.
 */
export function canonicalPath(kind: KindName, name: string, namespace?: string): string {
  return [RESOURCES_DIR, KIND_FOLDER[kind], ...(namespace ? [namespace] : []), `${name}.yaml`].join('/');
}

export function isDeclarationFile(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}
