/** A pod as an McpServer message: what a front end needs to know about a running MCP server. */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { CONTAINER_NAME, TEMPLATE_LABEL } from '../core/names.js';
import type { McpServerMessage } from './reader.js';

const seconds = (t: Date | string | undefined): number => (t ? Math.floor(new Date(t).getTime() / 1000) : 0);

/**
 * Why a pod is not healthy, most telling first: a container waiting
 * (CrashLoopBackOff, ImagePullBackOff…), a container that just terminated
 * (OOMKilled, Error), the last termination of a restarting one, the pod's own reason.
 */
function whyUnhealthy(pod: V1Pod): { reason: string; message: string } {
  const statuses: V1ContainerStatus[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    if (waiting?.reason && waiting.reason !== 'ContainerCreating' && waiting.reason !== 'PodInitializing')
      return { reason: waiting.reason, message: waiting.message ?? lastTermination(s) };
  }
  for (const s of statuses) {
    const terminated = s.state?.terminated;
    if (terminated?.reason && terminated.reason !== 'Completed') return { reason: terminated.reason, message: terminated.message ?? '' };
  }
  for (const s of statuses) {
    const last = s.lastState?.terminated;
    if (last?.reason && !s.ready) return { reason: last.reason, message: last.message ?? '' };
  }
  return { reason: pod.status?.reason ?? '', message: pod.status?.message ?? '' };
}

function lastTermination(s: V1ContainerStatus): string {
  const last = s.lastState?.terminated;
  return last?.reason ? `last terminated: ${last.reason}${last.exitCode !== undefined ? ` (exit code ${last.exitCode})` : ''}` : '';
}

export function toMcpServer(pod: V1Pod): McpServerMessage {
  const labels = pod.metadata?.labels ?? {};
  const container = pod.spec?.containers.find((c) => c.name === CONTAINER_NAME) ?? pod.spec?.containers[0];
  const resources = container?.resources;
  const pair = (r: Record<string, string> | undefined) => (r ? { cpu: r.cpu ?? '', memory: r.memory ?? '' } : undefined);
  return {
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? '',
    template_name: labels[TEMPLATE_LABEL] ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    restart_count: (pod.status?.containerStatuses ?? []).reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
    ...whyUnhealthy(pod),
    pod_ip: pod.status?.podIP ?? '',
    node_name: pod.spec?.nodeName ?? '',
    start_time: seconds(pod.status?.startTime),
    labels,
    created_at: seconds(pod.metadata?.creationTimestamp),
    requests: pair(resources?.requests as Record<string, string> | undefined),
    limits: pair(resources?.limits as Record<string, string> | undefined),
  };
}
