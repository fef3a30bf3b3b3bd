/**
 * Where `mcpo serve` would read a cluster from (kubeconfig.ts), decided from
 * the options, the environment and which files exist, without loading
 * @kubernetes/client-node: a server with no cluster never loads the library
 * (its code and source text held about 40 MiB of the server's heap).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ClusterOptions {
  /** --kubeconfig FILE */
  readonly kubeconfig?: string;
  /** --context NAME */
  readonly context?: string;
  /** --in-cluster: the pod's service account. */
  readonly inCluster?: boolean;
}

export type ClusterSource = { inCluster: true } | { inCluster: false; file: string } | { why: string };

export function clusterSource(options: ClusterOptions, env: NodeJS.ProcessEnv = process.env): ClusterSource {
  if (options.inCluster) {
    if (!env.KUBERNETES_SERVICE_HOST) return { why: '--in-cluster given, but KUBERNETES_SERVICE_HOST is not set: not running in a pod' };
    return { inCluster: true };
  }
  const file = options.kubeconfig ?? env.KUBECONFIG?.split(':').find((f) => f && existsSync(f)) ?? defaultFile();
  if (file) return { inCluster: false, file };
  if (env.KUBERNETES_SERVICE_HOST) return { inCluster: true };
  return { why: 'no kubeconfig found (--kubeconfig, $KUBECONFIG, ~/.kube/config) and not running in a cluster' };
}

function defaultFile(): string | undefined {
  const file = join(homedir(), '.kube', 'config');
  return existsSync(file) ? file : undefined;
}
