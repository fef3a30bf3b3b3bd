/**
 * McpServer calls: running pods, read from the cluster, not from git.
 *
 * The seam: a ClusterReader (the informer in src/cluster/ implements it)
 * hands over the current pods as McpServer messages. Without one, both calls
 * answer UNAVAILABLE while everything else keeps working. Page tokens of
 * these listings carry no commit (pods are live state): a page is cut from
 * the list as it is when the page is asked for.
 */
import { echo } from '../core/echo.js';
import {
  type CallContext,
  type Handlers,
  labelFilter,
  normalizedSelector,
  required,
  type FilteredListRequest as BaseListRequest,
  type NamespacedRequest,
} from './_context.js';
import type { ClusterReader, McpServerMessage } from '../cluster/reader.js';
import { cutPage, startPage } from './pagination.js';
import { McpoError } from '../core/errors.js';

export type { ClusterReader, McpServerMessage };

type GetRequest = NamespacedRequest;

interface ListRequest extends BaseListRequest {
  namespace: string;
  template_name: string;
}

const NO_CLUSTER =
  'no cluster configured: pass --kubeconfig FILE (or run mcpo serve inside the cluster) to read MCP server pods; templates, presets, namespaces and secrets are served without one';

export function mcpServerHandlers(cluster: ClusterReader | undefined): Handlers {
  const reader = (): ClusterReader => {
    if (!cluster) throw new McpoError('unavailable', NO_CLUSTER);
    return cluster;
  };

  async function get(req: GetRequest, ctx: CallContext) {
    ctx.peek();
    const name = required(req.name, 'name');
    const namespace = required(req.namespace, 'namespace');
    const server = (await reader().servers()).find((s) => s.namespace === namespace && s.name === name);
    if (!server) throw new McpoError('not-found', `McpServer ${echo(namespace)}/${echo(name)} not found`);
    return { server };
  }

  async function list(req: ListRequest, ctx: CallContext) {
    ctx.peek();
    const selector = normalizedSelector(req.label_selector);
    const start = startPage('ListMcpServers', req, { namespace: req.namespace, template_name: req.template_name, label_selector: selector });
    const matchLabels = labelFilter<McpServerMessage>(selector);
    const all = await reader().servers();
    const items = all.filter(
      (s) => (!req.namespace || s.namespace === req.namespace) && (!req.template_name || s.template_name === req.template_name) && matchLabels(s),
    );
    const page = cutPage(items, start, '');
    return { servers: page.items, next_page_token: page.next_page_token, total_count: page.total_count };
  }

  return { GetMcpServer: get, ListMcpServers: list };
}
