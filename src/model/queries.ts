import type { ContainerResources, McpTemplate, Model, ResourceLimitPreset } from './types.js';

/** Key of a namespaced resource in the model maps. */
export function namespacedKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Templates that use a preset, sorted by namespace/name. */
export function templatesUsingPreset(model: Model, presetName: string): McpTemplate[] {
  const out: McpTemplate[] = [];
  for (const t of model.templates.values()) if (t.resource_limit_name === presetName) out.push(t);
  return out;
}

/** The container resources a preset gives, in Kubernetes form. */
export function containerResources(preset: ResourceLimitPreset): ContainerResources {
  const l = preset.limits;
  return {
    requests: { cpu: l.cpu, memory: l.memory, 'ephemeral-storage': l.ephemeral_storage },
    limits: { cpu: l.cpu_limit, memory: l.memory_limit, 'ephemeral-storage': l.ephemeral_storage },
  };
}

/** Label every rendered object carries to tie it to its template. */
export const TEMPLATE_LABEL = 'mcp-orchestrator.io/template';
export const MANAGED_BY = 'mcp-orchestrator';
