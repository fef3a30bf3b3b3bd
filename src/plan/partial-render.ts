/**
 * Renders only what differs: on each side, the objects of the affected
 * declarations (rendered from their planned inputs, as mcpo synth renders
 * them: src/render/inputs.ts), and the
 * kustomization.yaml files that can differ, which depend on nothing but the
 * set of object paths and so come from the layout without rendering anything.
 *
 * Every file given is byte-identical to the one a full render of that side
 * gives (test/plan/partial.test.ts compares both over random change sets);
 * a path not given is equal on both sides.
 */
import type { GitopsConfig } from '../declarations/repo-config.js';
import type { Model } from '../model/types.js';
import { renderObjects } from '../render/app.js';
import { planObjects } from '../render/inputs.js';
import { layoutFiles } from '../render/kustomization.js';
import { CLUSTER_DIR, KUSTOMIZATION_FILE, NAMESPACES_DIR, objectPath, type ObjectIdentity } from '../render/layout.js';
import type { Affected } from './affected.js';

export interface RenderedSide {
  /** Path → text, for the affected objects present on this side and the kustomization.yaml files that can differ. */
  readonly files: Map<string, string>;
  /** The object each object path holds (kustomization files have none). */
  readonly objects: Map<string, ObjectIdentity>;
}

/** Every object a full render of the model gives, by path, without rendering. */
export function objectPaths(model: Model): Map<string, ObjectIdentity> {
  const out = new Map<string, ObjectIdentity>();
  const put = (id: ObjectIdentity) => out.set(objectPath(id), id);
  for (const ns of model.namespaces.values()) put({ kind: 'Namespace', name: ns.name });
  for (const t of model.templates.values()) {
    put({ kind: 'Deployment', namespace: t.namespace, name: t.name });
    put({ kind: 'Service', namespace: t.namespace, name: t.name });
  }
  for (const s of model.secrets.values()) put({ kind: 'SealedSecret', namespace: s.namespace, name: s.name });
  return out;
}

/** The objects of what `affected` touches that this side has, by path. */
function wantedObjects(model: Model, affected: Affected): Map<string, ObjectIdentity> {
  const wanted = new Map<string, ObjectIdentity>();
  const want = (id: ObjectIdentity) => wanted.set(objectPath(id), id);
  for (const name of affected.namespaces) if (model.namespaces.has(name)) want({ kind: 'Namespace', name });
  for (const key of affected.templates.keys()) {
    const t = model.templates.get(key);
    if (!t) continue;
    want({ kind: 'Deployment', namespace: t.namespace, name: t.name });
    want({ kind: 'Service', namespace: t.namespace, name: t.name });
  }
  for (const key of affected.secrets) {
    const s = model.secrets.get(key);
    if (s) want({ kind: 'SealedSecret', namespace: s.namespace, name: s.name });
  }
  return wanted;
}

/** The affected objects (rendered as synth renders each: from its planned input, the same text) and the layout files that can differ. */
export function renderAffected(model: Model, bridgeImage: string, affected: Affected, gitops?: GitopsConfig): RenderedSide {
  const wanted = wantedObjects(model, affected);
  const rendered = wanted.size > 0 ? renderObjects(planObjects(model, { bridgeImage, gitops }, (path) => wanted.has(path))) : new Map<string, string>();
  const files = new Map<string, string>();
  for (const path of wanted.keys()) {
    const text = rendered.get(path);
    if (text === undefined) throw new Error(`partial render gave no ${path}`);
    files.set(path, text);
  }
  for (const [path, text] of touchedKustomizations(model, affected, gitops)) files.set(path, text);
  return { files, objects: wanted };
}

const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/'));

/**
 * The kustomization.yaml files that can differ: a folder's list changes only
 * when an object in it is added or removed, and such an object is affected;
 * so the root's, the namespaces folder's, the cluster folder's and those of
 * the folders of affected objects, from the same folders on both sides.
 * Other folders are each represented by one object (so the folders above
 * list them) and their own files are left out.
 */
function touchedKustomizations(model: Model, affected: Affected, gitops: GitopsConfig | undefined): Map<string, string> {
  const touched = new Set([CLUSTER_DIR, NAMESPACES_DIR]);
  for (const key of [...affected.templates.keys(), ...affected.secrets]) touched.add(`${NAMESPACES_DIR}/${key.slice(0, key.indexOf('/'))}`);
  const paths: string[] = [];
  const represented = new Set<string>();
  for (const path of objectPaths(model).keys()) {
    const dir = dirOf(path);
    if (touched.has(dir)) paths.push(path);
    else if (!represented.has(dir)) {
      represented.add(dir);
      paths.push(path);
    }
  }
  const out = new Map<string, string>();
  // The files of the layout (the gitops/ objects too) depend only on the set of folders, which the
  // paths keep; only an untouched folder's own kustomization.yaml would list its one representative.
  for (const [path, text] of layoutFiles(paths, gitops)) {
    const dir = path === KUSTOMIZATION_FILE ? '' : dirOf(path);
    if (path.endsWith(`/${KUSTOMIZATION_FILE}`) && represented.has(dir)) continue;
    out.set(path, text);
  }
  return out;
}
