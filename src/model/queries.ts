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

/** The container resources of a template: its preset, with the template's own requests on top. */
export function containerResources(preset: ResourceLimitPreset, template?: McpTemplate): ContainerResources {
  const l = preset.limits;
  const own = template?.resources ?? {};
  return {
    requests: { cpu: own.cpu ?? l.cpu, memory: own.memory ?? l.memory, 'ephemeral-storage': l.ephemeral_storage },
    limits: { cpu: l.cpu_limit, memory: l.memory_limit, 'ephemeral-storage': l.ephemeral_storage },
  };
}
