/**
 * A declared Namespace becomes a Kubernetes Namespace.
 *
 * Namespaces are protected from pruning by both GitOps engines: deleting a
 * Namespace deletes everything in it, including objects mcp-orchestrator does
 * not manage. When a declaration is removed, the objects we rendered into it
 * are pruned one by one; the Namespace itself stays (also when the Argo CD
 * Application or Flux Kustomization is deleted) until someone deletes it by
 * hand.
 */
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { Namespace } from '../model/types.js';
import { descriptiveAnnotations, namespaceLabels, nonEmpty } from './labels.js';

/** Flux kustomize-controller: never garbage-collect this object. */
export const FLUX_PRUNE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/prune';
/** Argo CD: never prune this object during a sync, nor delete it with the Application. */
export const ARGOCD_SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

export function renderNamespace(scope: Construct, namespace: Namespace): k8s.KubeNamespace {
  return new k8s.KubeNamespace(scope, `Namespace-${namespace.name}`, {
    metadata: {
      name: namespace.name,
      labels: namespaceLabels(namespace),
      annotations: nonEmpty({
        ...descriptiveAnnotations(namespace),
        [FLUX_PRUNE_ANNOTATION]: 'disabled',
        [ARGOCD_SYNC_OPTIONS_ANNOTATION]: 'Prune=false,Delete=false',
      }),
    },
  });
}
