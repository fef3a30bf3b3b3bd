/**
 * The plan: what merging HEAD into BASE changes, as data the formats print.
 * Built from the comparison (comparison.ts), so it costs what the change
 * touches, not the size of the repository, but for the per-namespace totals,
 * which sum the templates of the namespaces the change touches.
 */
import { createHash } from 'node:crypto';
import { Yaml } from 'cdk8s';
import { parse as parseYaml } from 'yaml';
import { compareStrings } from '../core/order.js';
import { namespacedKey, templatesUsingPreset } from '../model/queries.js';
import type { McpTemplate, Model, Secret } from '../model/types.js';
import { imagePullPolicy } from '../render/_pod-runtime.js';
import { KUSTOMIZATION_FILE, type ObjectIdentity } from '../render/layout.js';
import type { Cause, ChangeKind, DeclarationChanges } from './affected.js';
import type { FileChange } from './compare.js';
import type { Comparison } from './comparison.js';
import { type Amounts, namespaceTotals } from './quantities.js';

export interface SideRef {
  readonly ref: string | null;
  readonly sha: string | null;
  readonly label: string;
}

export interface ObjectChange extends ObjectIdentity {
  readonly path: string;
  readonly change: ChangeKind;
  /** Dotted paths of the fields that differ (updated objects; at most MAX_FIELDS). */
  readonly fields?: readonly string[];
}

export interface Rollout {
  readonly namespace: string;
  readonly name: string;
  readonly file: string;
  readonly causes: readonly Cause[];
}

export interface NamespaceTotals {
  readonly namespace: string;
  readonly before: Amounts | null;
  readonly after: Amounts | null;
}

export interface SecretKeyChanges {
  readonly namespace: string;
  readonly name: string;
  readonly file: string;
  readonly change: ChangeKind;
  /** Key names only: never a value or a ciphertext. */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

export type WarningCode = 'template-removed' | 'preset-wide' | 'image-unpinned' | 'replicas-zero' | 'namespace-removed';

export interface Warning {
  readonly code: WarningCode;
  readonly message: string;
}

export interface Plan {
  readonly base: SideRef;
  readonly head: SideRef;
  readonly declarations: DeclarationChanges;
  readonly objects: { readonly created: ObjectChange[]; readonly updated: ObjectChange[]; readonly deleted: ObjectChange[] };
  readonly rollouts: readonly Rollout[];
  readonly totals: readonly NamespaceTotals[];
  readonly secrets: readonly SecretKeyChanges[];
  readonly warnings: readonly Warning[];
  /** Every differing rendered file (objects and kustomization.yaml), with sealed values replaced by a digest. */
  readonly files: readonly FileChange[];
}

export const MAX_FIELDS = 20;

/** Leaf paths where two parsed objects differ, at most `max`. */
export function differingFields(before: unknown, after: unknown, max = MAX_FIELDS): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (out.length >= max) return;
    if (a === b) return;
    const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
    if (!bothObjects) {
      if (JSON.stringify(a) !== JSON.stringify(b)) out.push(path || '.');
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`);
      return;
    }
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort(compareStrings)) walk(ra[key], rb[key], path ? `${path}.${key}` : key);
  };
  walk(before, after, '');
  return out;
}

const SEALED_PLACEHOLDER = (ciphertext: string) => `<sealed value, sha256:${createHash('sha256').update(ciphertext).digest('hex').slice(0, 12)}>`;

/**
 * A SealedSecret's text with every ciphertext replaced by a short digest of
 * it: the plan says that a sealed value changed, never what it is.
 */
export function redactSealed(text: string): string {
  const newline = text.indexOf('\n');
  const header = text.startsWith('#') ? text.slice(0, newline + 1) : '';
  const object = parseYaml(text.slice(header.length)) as { spec?: { encryptedData?: Record<string, unknown> } } | null;
  const data = object?.spec?.encryptedData;
  if (data && typeof data === 'object') for (const key of Object.keys(data)) data[key] = SEALED_PLACEHOLDER(String(data[key]));
  return header + Yaml.stringify(object);
}

function redactChange(c: FileChange, objects: ReadonlyMap<string, ObjectIdentity>): FileChange {
  if (objects.get(c.path)?.kind !== 'SealedSecret') return c;
  return { ...c, before: c.before === undefined ? undefined : redactSealed(c.before), after: c.after === undefined ? undefined : redactSealed(c.after) };
}

/** True for an image Kubernetes pulls again on every start: no tag or digest, or `latest`. */
export function unpinnedImage(image: string): boolean {
  return imagePullPolicy(image) === 'Always';
}

function secretKeys(before: Secret | undefined, after: Secret | undefined): SecretKeyChanges | undefined {
  const b = before?.encrypted_data ?? {};
  const a = after?.encrypted_data ?? {};
  const added = Object.keys(a).filter((k) => !Object.hasOwn(b, k));
  const removed = Object.keys(b).filter((k) => !Object.hasOwn(a, k));
  const changed = Object.keys(a).filter((k) => Object.hasOwn(b, k) && a[k] !== b[k]);
  if (added.length + removed.length + changed.length === 0) return undefined;
  const s = (after ?? before)!;
  return {
    namespace: s.namespace,
    name: s.name,
    file: s.source.file,
    change: before === undefined ? 'added' : after === undefined ? 'removed' : 'changed',
    added: added.sort(compareStrings),
    removed: removed.sort(compareStrings),
    changed: changed.sort(compareStrings),
  };
}

const podTemplate = (text: string | undefined): string | undefined => {
  if (text === undefined) return undefined;
  const object = parseYaml(text) as { spec?: { template?: unknown } } | null;
  return JSON.stringify(object?.spec?.template ?? null);
};

const templateName = (t: { namespace: string; name: string }) => `${t.namespace}/${t.name}`;

export function buildPlan(base: { ref: SideRef; model: Model }, head: { ref: SideRef; model: Model }, comparison: Comparison): Plan {
  const { affected, changes } = comparison;
  const objectsOf = new Map([...comparison.base.objects, ...comparison.head.objects]);

  // ---- objects in dist/ ----
  const created: ObjectChange[] = [];
  const updated: ObjectChange[] = [];
  const deleted: ObjectChange[] = [];
  const rollouts: Rollout[] = [];
  for (const c of changes) {
    if (c.path === KUSTOMIZATION_FILE || c.path.endsWith(`/${KUSTOMIZATION_FILE}`)) continue;
    const id = objectsOf.get(c.path);
    if (!id) continue;
    const entry = { ...id, path: c.path, change: c.change };
    if (c.change === 'added') created.push(entry);
    else if (c.change === 'removed') deleted.push(entry);
    else {
      const fields = differingFields(parseYaml(c.before!), parseYaml(c.after!));
      // Sealed values are named by their key, and the field path stops there.
      updated.push({ ...entry, fields });
      if (id.kind === 'Deployment' && podTemplate(c.before) !== podTemplate(c.after)) {
        const key = namespacedKey(id.namespace!, id.name);
        const t = head.model.templates.get(key)!;
        rollouts.push({ namespace: t.namespace, name: t.name, file: t.source.file, causes: affected.templates.get(key) ?? [] });
      }
    }
  }

  // ---- requests and limits of the namespaces the change touches ----
  const touched = new Set<string>();
  for (const key of affected.templates.keys()) {
    const t = base.model.templates.get(key) ?? head.model.templates.get(key);
    if (t) touched.add(t.namespace);
  }
  const before = namespaceTotals(base.model, touched);
  const after = namespaceTotals(head.model, touched);
  const totals: NamespaceTotals[] = [];
  for (const ns of [...touched].sort(compareStrings)) {
    const b = base.model.namespaces.has(ns) || before.get(ns)!.pods > 0 ? before.get(ns)! : null;
    const a = head.model.namespaces.has(ns) || after.get(ns)!.pods > 0 ? after.get(ns)! : null;
    if (JSON.stringify(b) !== JSON.stringify(a)) totals.push({ namespace: ns, before: b, after: a });
  }

  // ---- secrets whose keys change ----
  const secrets: SecretKeyChanges[] = [];
  for (const key of [...affected.secrets].sort(compareStrings)) {
    const change = secretKeys(base.model.secrets.get(key), head.model.secrets.get(key));
    if (change) secrets.push(change);
  }

  // ---- warnings ----
  const warnings: Warning[] = [];
  const removedTemplates = affected.declarations.removed.filter((d) => d.kind === 'McpTemplate');
  for (const d of removedTemplates)
    warnings.push({
      code: 'template-removed',
      message: `McpTemplate ${d.namespace}/${d.name} is removed: its Deployment and Service are deleted from the cluster (pruned by Argo CD or Flux)`,
    });
  for (const d of affected.declarations.removed.filter((r) => r.kind === 'Namespace'))
    warnings.push({ code: 'namespace-removed', message: `Namespace ${d.name} is removed: deleting it deletes everything in it` });
  for (const name of [...affected.presets].sort(compareStrings)) {
    if (!base.model.presets.has(name) || !head.model.presets.has(name)) continue;
    const users = templatesUsingPreset(head.model, name).length;
    if (users > 0) warnings.push({ code: 'preset-wide', message: `ResourceLimit ${name} changes ${users} template${users === 1 ? '' : 's'} that use it` });
  }
  const declared = new Set(
    [...affected.declarations.added, ...affected.declarations.changed].filter((d) => d.kind === 'McpTemplate').map((d) => namespacedKey(d.namespace!, d.name)),
  );
  const changedTemplates: McpTemplate[] = [...declared].sort(compareStrings).flatMap((k) => head.model.templates.get(k) ?? []);
  for (const t of changedTemplates) {
    if (unpinnedImage(t.image))
      warnings.push({
        code: 'image-unpinned',
        message: `McpTemplate ${templateName(t)}: image ${t.image} is ${t.image.slice(t.image.lastIndexOf('/') + 1).includes(':') ? 'tagged latest' : 'untagged'}: each pod start may run a different image`,
      });
  }
  for (const t of changedTemplates) {
    if (t.replicas === 0) warnings.push({ code: 'replicas-zero', message: `McpTemplate ${templateName(t)} has replicas: 0: no pod runs it` });
  }

  return {
    base: base.ref,
    head: head.ref,
    declarations: affected.declarations,
    objects: { created, updated, deleted },
    rollouts,
    totals,
    secrets,
    warnings,
    files: changes.map((c) => redactChange(c, objectsOf)),
  };
}
