/** Finding a declared resource in a model by kind and name. */
import type { Diagnostic } from '../core/diagnostic.js';
import type { KindName } from '../core/kinds.js';
import { KINDS } from '../core/kinds.js';
import { nearest } from '../declarations/names.js';
import { quoted } from '../core/echo.js';
import { namespacedKey } from '../model/queries.js';
import type { Declaration, Model } from '../model/types.js';

export function collectionOf(model: Model, kind: KindName): ReadonlyMap<string, Declaration> {
  switch (kind) {
    case 'Namespace':
      return model.namespaces;
    case 'ResourceLimit':
      return model.presets;
    case 'McpTemplate':
      return model.templates;
    case 'Secret':
      return model.secrets;
  }
}

export function findDeclaration(model: Model, kind: KindName, name: string, namespace?: string): Declaration | Diagnostic {
  const namespaced = KINDS[kind].namespaced;
  if (namespaced && !namespace)
    return { code: 'usage', severity: 'error', file: '<arguments>', message: `${kind} is namespaced: the namespace is missing`, hint: 'pass -n NAMESPACE' };
  const key = namespaced ? namespacedKey(namespace!, name) : name;
  const found = collectionOf(model, kind).get(key);
  if (found) return found;
  const guess = nearest(key, collectionOf(model, kind).keys());
  return {
    code: 'not-found',
    severity: 'error',
    message: `${kind} ${quoted(key)} is not declared`,
    kind,
    name: key,
    hint: guess ? `did you mean "${guess}"?` : declaredHint(model, kind),
  };
}

/** A few of the declared names of a kind, so a typo is easy to see. */
function declaredHint(model: Model, kind: KindName): string {
  const MAX_SHOWN = 5;
  const keys: string[] = [];
  for (const k of collectionOf(model, kind).keys()) {
    if (keys.length === MAX_SHOWN) break;
    keys.push(k);
  }
  const total = collectionOf(model, kind).size;
  if (total === 0) return `no ${kind} is declared`;
  return `declared: ${keys.join(', ')}${total > MAX_SHOWN ? ` and ${total - MAX_SHOWN} more` : ''}`;
}

const KIND_ALIASES: Record<string, KindName> = {
  mcptemplate: 'McpTemplate',
  template: 'McpTemplate',
  resourcelimit: 'ResourceLimit',
  'resource-limit': 'ResourceLimit',
  preset: 'ResourceLimit',
  rl: 'ResourceLimit',
  namespace: 'Namespace',
  ns: 'Namespace',
  secret: 'Secret',
};

/** kubectl-style kind names: `template`, `templates`, `mcptemplate`, `rl`, `preset`, `ns`… */
export function parseKind(text: string): KindName | undefined {
  const k = text.toLowerCase();
  return KIND_ALIASES[k] ?? KIND_ALIASES[k.replace(/s$/, '')];
}
