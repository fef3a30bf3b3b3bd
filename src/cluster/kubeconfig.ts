/**
 * Which cluster `mcpo serve` reads pods from. Explicit on purpose: client-node's
 * loadFromDefault() falls back to http://localhost:8080 when nothing is
 * configured, which would make a server with no cluster hang on a port that
 * is not there instead of saying "no cluster configured".
 */
import { KubeConfig } from '@kubernetes/client-node';
import { type ClusterOptions, clusterSource } from './cluster-source.js';

export type { ClusterOptions };

export type ClusterConfig = { kubeConfig: KubeConfig; describe: string } | { kubeConfig?: undefined; why: string };

export function loadClusterConfig(options: ClusterOptions, env: NodeJS.ProcessEnv = process.env): ClusterConfig {
  const source = clusterSource(options, env);
  if ('why' in source) return { why: source.why };
  const kc = new KubeConfig();
  if (source.inCluster) {
    kc.loadFromCluster();
    return { kubeConfig: kc, describe: 'in-cluster service account' };
  }
  const { file } = source;
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
