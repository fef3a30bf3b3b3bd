/** Where each kind of declaration belongs in a config repo. */
import type { KindName } from '../core/kinds.js';
import { RESOURCES_DIR } from '../source/working-tree.js';

const FOLDER: Record<KindName, string> = {
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
  return [RESOURCES_DIR, FOLDER[kind], ...(namespace ? [namespace] : []), `${name}.yaml`].join('/');
}
