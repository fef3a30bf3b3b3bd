/**
 * Which declarations differ between two models, and which rendered objects
 * that touches. What an object is rendered from (src/render/):
 *
 *   Namespace object       its Namespace declaration
 *   Deployment of T        T, T's preset, the sealed values of the secrets T reads
 *                          (secretKeyRef, same namespace), the bridge image when T is stdio
 *   Service of T           T
 *   SealedSecret of S      S
 *
 * and every object's file header names its declaration's file. A declaration
 * is compared with everything but its line and column, which no output shows.
 */
import { compareStrings } from '../core/order.js';
import { namespacedKey } from '../model/queries.js';
import type { Declaration, McpTemplate, Model } from '../model/types.js';

export type ChangeKind = 'added' | 'changed' | 'removed';

export interface DeclarationRef {
  readonly kind: Declaration['kind'];
  /** Absent for the cluster-scoped kinds (Namespace, ResourceLimit). */
  readonly namespace?: string;
  readonly name: string;
  /** The declaring file on the side that has it (head when both do). */
  readonly file: string;
}

export interface DeclarationChanges {
  readonly added: DeclarationRef[];
  readonly changed: DeclarationRef[];
  readonly removed: DeclarationRef[];
}

/** What a template's objects are rendered again for. */
export type Cause =
  | { readonly kind: 'template' }
  | { readonly kind: 'preset'; readonly name: string }
  | { readonly kind: 'secret'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'bridge-image'; readonly before: string; readonly after: string };

export interface Affected {
  readonly declarations: DeclarationChanges;
  /** namespace/name of every template whose objects must be rendered on both sides, with why. */
  readonly templates: ReadonlyMap<string, readonly Cause[]>;
  /** namespace/name of the secrets that differ. */
  readonly secrets: ReadonlySet<string>;
  /** Names of the namespaces that differ. */
  readonly namespaces: ReadonlySet<string>;
  /** Names of the presets that differ. */
  readonly presets: ReadonlySet<string>;
}

/** Everything of a declaration that reaches the output: all but its line and column. */
function fingerprint(d: Declaration): string {
  const { source, ...rest } = d;
  return JSON.stringify([source.file, rest]);
}

function ref(d: Declaration): DeclarationRef {
  return { kind: d.kind, ...('namespace' in d && { namespace: d.namespace }), name: d.name, file: d.source.file };
}

/** Keys of a map whose entries differ between two sides (added, removed or changed), with the changes recorded. */
function differing<T extends Declaration>(
  before: ReadonlyMap<string, T>,
  after: ReadonlyMap<string, T>,
  out: { added: DeclarationRef[]; changed: DeclarationRef[]; removed: DeclarationRef[] },
): Set<string> {
  const keys = new Set<string>();
  for (const [key, b] of before) {
    const a = after.get(key);
    if (a === undefined) {
      out.removed.push(ref(b));
      keys.add(key);
    } else if (a !== b && fingerprint(a) !== fingerprint(b)) {
      out.changed.push(ref(a));
      keys.add(key);
    }
  }
  for (const [key, a] of after) {
    if (!before.has(key)) {
      out.added.push(ref(a));
      keys.add(key);
    }
  }
  return keys;
}

const secretNames = (t: McpTemplate): string[] => [...new Set(t.env_vars.flatMap((e) => (e.secret_key_ref ? [e.secret_key_ref.name] : [])))];

export function findAffected(base: Model, head: Model, baseBridge: string, headBridge: string): Affected {
  const declarations = { added: [] as DeclarationRef[], changed: [] as DeclarationRef[], removed: [] as DeclarationRef[] };
  const namespaces = differing(base.namespaces, head.namespaces, declarations);
  const presets = differing(base.presets, head.presets, declarations);
  const changedTemplates = differing(base.templates, head.templates, declarations);
  const secrets = differing(base.secrets, head.secrets, declarations);
  const bridgeChanged = baseBridge !== headBridge;

  const templates = new Map<string, Cause[]>();
  const add = (key: string, cause: Cause): void => {
    const causes = templates.get(key);
    if (!causes) templates.set(key, [cause]);
    else if (!causes.some((c) => JSON.stringify(c) === JSON.stringify(cause))) causes.push(cause);
  };
  for (const key of changedTemplates) add(key, { kind: 'template' });
  // A template that did not change itself is rendered again for what it reads (the same on both sides, then).
  if (presets.size > 0 || secrets.size > 0 || bridgeChanged) {
    for (const model of [base, head]) {
      for (const [key, t] of model.templates) {
        if (presets.has(t.resource_limit_name)) add(key, { kind: 'preset', name: t.resource_limit_name });
        for (const name of secretNames(t)) if (secrets.has(namespacedKey(t.namespace, name))) add(key, { kind: 'secret', namespace: t.namespace, name });
        if (bridgeChanged && t.transport === 'TRANSPORT_STDIO') add(key, { kind: 'bridge-image', before: baseBridge, after: headBridge });
      }
    }
  }
  const order = (refs: DeclarationRef[]) =>
    refs.sort((x, y) => compareStrings(x.kind, y.kind) || compareStrings(x.namespace ?? '', y.namespace ?? '') || compareStrings(x.name, y.name));
  return {
    declarations: { added: order(declarations.added), changed: order(declarations.changed), removed: order(declarations.removed) },
    templates: new Map([...templates].sort(([x], [y]) => compareStrings(x, y))),
    secrets,
    namespaces,
    presets,
  };
}
