/**
 * Where each rendered object goes in dist/, a layout that Argo CD (a
 * directory app, with or without recurse, or the Kustomize app it detects
 * from the root kustomization.yaml) and Flux (a Kustomization with
 * spec.path at dist/ or any folder below) both accept:
 *
 *   kustomization.yaml                      resources: [cluster, namespaces]
 *   cluster/kustomization.yaml              the cluster-scoped objects (Namespaces)
 *   cluster/namespace-<name>.yaml
 *   namespaces/kustomization.yaml           one entry per namespace folder
 *   namespaces/<ns>/kustomization.yaml      the objects of that namespace
 *   namespaces/<ns>/<kind>-<name>.yaml      one object per file
 *
 * One object per file, named by lower-case kind and name inside a folder per
 * namespace, so two objects of the same kind and name in different
 * namespaces never share a file. Nothing else is written.
 *
 * That is `gitops.layout: single` (the default). With `layout: units`
 * (mcpo.yaml) the same folders and object files are written, but each folder
 * that holds objects is a build unit of its own and nothing aggregates them:
 * kustomize's cost grows much faster than the object count (the whole
 * 21,050-object output of the 10,000-template benchmark took 49 minutes), one
 * namespace folder builds in seconds.
 *
 *   cluster/kustomization.yaml              the cluster unit (Namespaces)
 *   namespaces/<ns>/kustomization.yaml      one unit per namespace
 *   gitops/argocd/...                       the ApplicationSet over the units (gitops.argocd)
 *   gitops/flux/...                         one Flux Kustomization per unit (gitops.flux)
 *
 * No unit includes gitops/ (see gitops.ts); each of its folders has a
 * kustomization.yaml of its own for `kubectl apply -k`.
 */

export const CLUSTER_DIR = 'cluster';
export const NAMESPACES_DIR = 'namespaces';
export const KUSTOMIZATION_FILE = 'kustomization.yaml';
export const GITOPS_DIR = 'gitops';
export const ARGOCD_DIR = `${GITOPS_DIR}/argocd`;
export const FLUX_DIR = `${GITOPS_DIR}/flux`;

export interface ObjectIdentity {
  readonly kind: string;
  readonly name: string;
  /** undefined for cluster-scoped objects. */
  readonly namespace?: string;
}

/** Path of an object's file, relative to dist/, with forward slashes. */
export function objectPath(id: ObjectIdentity): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(id.kind)) throw new Error(`cannot place an object of kind "${id.kind}"`);
  for (const part of [id.name, id.namespace]) {
    if (part !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(part)) throw new Error(`cannot place an object named "${part}"`);
  }
  const file = `${id.kind.toLowerCase()}-${id.name}.yaml`;
  return id.namespace === undefined ? `${CLUSTER_DIR}/${file}` : `${NAMESPACES_DIR}/${id.namespace}/${file}`;
}
