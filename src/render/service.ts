/**
 * What a client needs to reach a template's pods: a ClusterIP Service named
 * like the template, port `mcp` → the container's named port. Clients inside
 * the cluster connect to http://<template>.<namespace>.svc:<port>/mcp for
 * STDIO templates (the bridge's endpoint) or to the server's own path.
 *
 * sessionAffinity ClientIP: MCP sessions (the bridge's stateful sessions,
 * SSE streams) live in one pod, so a client's requests must keep reaching the
 * same pod when there is more than one replica.
 */
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { ServiceInput } from './inputs.js';
import { selectorLabels, templateLabels } from './labels.js';
import { PORT_NAME } from '../core/names.js';

export function renderService(scope: Construct, template: ServiceInput): k8s.KubeService {
  return new k8s.KubeService(scope, `Service-${template.name}`, {
    metadata: {
      name: template.name,
      namespace: template.namespace,
      labels: templateLabels(template),
    },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(template),
      ports: [
        {
          name: PORT_NAME,
          port: template.port,
          targetPort: k8s.IntOrString.fromString(PORT_NAME),
          protocol: 'TCP',
          appProtocol: 'http',
        },
      ],
      sessionAffinity: 'ClientIP',
    },
  });
}
