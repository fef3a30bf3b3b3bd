/**
 * The files of the output that follow from the set of object paths (and the
 * options) alone, never from an object's content: the kustomization.yaml
 * files. One place, used by the full render (app.ts) and the incremental one
 * (incremental.ts), which loads it without the renderers (cdk8s-plus-28).
 */
import { kustomizations } from './kustomization.js';
import type { RenderOptions } from './mcp-server-workload.js';

export function layoutFiles(objectPaths: Iterable<string>, _options: RenderOptions): Map<string, string> {
  return kustomizations(objectPaths);
}
