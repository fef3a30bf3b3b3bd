/**
 * Which cluster `mcpo serve` reads pods from. Explicit on purpose: client-node's
 * loadFromDefault() falls back to http://localhost:8080 when nothing is
 * configured, which would make a server with no cluster hang on a port that
 * is not there instead of saying "no cluster configured".
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export interface ClusterOptions {
  /** --kubeconfig FILE */
  readonly kubeconfig?: string;
  /** --context NAME */
  readonly context?: string;
  /** --in-cluster: the pod's service account. */
  readonly inCluster?: boolean;
}

export type ClusterConfig = { kubeConfig: KubeConfig; describe: string } | { kubeConfig?: undefined; why: string };

export function loadClusterConfig(options: ClusterOptions, env: NodeJS.ProcessEnv = process.env): ClusterConfig {
  const kc = new KubeConfig();
  if (options.inCluster) {
    if (!env.KUBERNETES_SERVICE_HOST) return { why: '--in-cluster given, but KUBERNETES_SERVICE_HOST is not set: not running in a pod' };
    kc.loadFromCluster();
    return { kubeConfig: kc, describe: 'in-cluster service account' };
  }
  const file = options.kubeconfig ?? env.KUBECONFIG?.split(':').find((f) => f && existsSync(f)) ?? defaultFile();
  if (!file) {
    if (env.KUBERNETES_SERVICE_HOST) {
      kc.loadFromCluster();
      return { kubeConfig: kc, describe: 'in-cluster service account' };
    }
    return { why: 'no kubeconfig found (--kubeconfig, $KUBECONFIG, ~/.kube/config) and not running in a cluster' };
  }
  try {
    kc.loadFromFile(file);
  } catch (err) {
    return { why: `cannot read kubeconfig ${file}: ${(err as Error).message}` };
  }
  if (options.context) {
    if (!kc.getContexts().some((c) => c.name === options.context)) return { why: `kubeconfig ${file} has no context "${options.context}"` };
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) return { why: `kubeconfig ${file} has no current cluster` };
  return { kubeConfig: kc, describe: `${file} (context ${kc.getCurrentContext()})` };
}

function defaultFile(): string | undefined {
  const file = join(homedir(), '.kube', 'config');
  return existsSync(file) ? file : undefined;
}
