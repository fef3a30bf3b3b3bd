/** McpTemplate calls: Get/List from the snapshot; Create/Delete answer how to make the change. */
import { echo } from '../core/echo.js';
import { namespacedKey } from '../model/queries.js';
import {
  type CallContext,
  declarationFile,
  type Handlers,
  labelFilter,
  normalizedSelector,
  readOnly,
  refuseCreate,
  required,
  type FilteredListRequest as BaseListRequest,
  type NamespacedRequest,
} from './_context.js';
import { sourceKey, type TemplateMessage } from './snapshot.js';
import { McpoError } from '../core/errors.js';

type GetRequest = NamespacedRequest;

interface ListRequest extends BaseListRequest {
  namespace: string;
  resource_limit_name: string;
}

interface CreateRequest {
  template?: { name?: string; namespace?: string };
}

function get(req: GetRequest, ctx: CallContext): { template: TemplateMessage } {
  const name = required(req.name, 'name');
  const namespace = required(req.namespace, 'namespace');
  const template = ctx.snapshot().templateByKey.get(namespacedKey(namespace, name));
  if (!template) throw new McpoError('not-found', `McpTemplate ${echo(namespace)}/${echo(name)} not found`);
  return { template };
}

function list(req: ListRequest, ctx: CallContext) {
  const selector = normalizedSelector(req.label_selector);
  const filters = { namespace: req.namespace, resource_limit_name: req.resource_limit_name, label_selector: selector };
  const matchLabels = labelFilter<TemplateMessage>(selector);
  return ctx.list(
    'ListMcpTemplates',
    req,
    filters,
    (s) =>
      s.templates.filter(
        (t) =>
          (!req.namespace || t.namespace === req.namespace) &&
          (!req.resource_limit_name || t.resource_limit_name === req.resource_limit_name) &&
          matchLabels(t),
      ),
    (page) => ({ templates: page.items, next_page_token: page.next_page_token, total_count: page.total_count }),
  );
}

function create(req: CreateRequest, ctx: CallContext): never {
  return refuseCreate(ctx, 'McpTemplate', req.template?.name || 'NAME', req.template?.namespace || 'NAMESPACE');
}

function remove(req: GetRequest, ctx: CallContext): never {
  const name = req.name || 'NAME';
  const namespace = req.namespace || 'NAMESPACE';
  const existing = ctx.peek()?.files.get(sourceKey('McpTemplate', namespacedKey(namespace, name)));
  const file = declarationFile(existing, 'McpTemplate', name, namespace);
  return readOnly(
    `delete McpTemplate ${echo(namespace)}/${echo(name)}`,
    `remove its declaration from ${echo(file)}`,
    `mcpo delete template ${echo(name)} -n ${echo(namespace)}`,
  );
}

export const templateHandlers: Handlers = {
  GetMcpTemplate: get,
  ListMcpTemplates: list,
  CreateMcpTemplate: create,
  DeleteMcpTemplate: remove,
};
