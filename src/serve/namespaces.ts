/** Namespace calls: Get/List from the snapshot with template and secret counts; writes answer how to make the change. */
import { echo } from '../core/echo.js';
import {
  type CallContext,
  declarationFile,
  type ForceDeleteRequest,
  type Handlers,
  type FilteredListRequest as ListRequest,
  type NamedRequest,
  labelFilter,
  normalizedSelector,
  readOnly,
  refuseCreate,
  required,
} from './_context.js';
import { type NamespaceMessage, sourceKey } from './snapshot.js';
import { McpoError } from '../core/errors.js';

type GetRequest = NamedRequest;
type DeleteRequest = ForceDeleteRequest;

interface CreateRequest {
  namespace?: { name?: string };
}

function get(req: GetRequest, ctx: CallContext): { namespace: NamespaceMessage } {
  const name = required(req.name, 'name');
  const namespace = ctx.snapshot().namespaceByName.get(name);
  if (!namespace) throw new McpoError('not-found', `Namespace ${echo(name)} not found`);
  return { namespace };
}

function list(req: ListRequest, ctx: CallContext) {
  const selector = normalizedSelector(req.label_selector);
  const matchLabels = labelFilter<NamespaceMessage>(selector);
  return ctx.list(
    'ListNamespaces',
    req,
    { label_selector: selector },
    (s) => s.namespaces.filter(matchLabels),
    (page) => ({ namespaces: page.items, next_page_token: page.next_page_token, total_count: page.total_count }),
  );
}

function create(req: CreateRequest, ctx: CallContext): never {
  return refuseCreate(ctx, 'Namespace', req.namespace?.name || 'NAME');
}

function remove(req: DeleteRequest, ctx: CallContext): never {
  const name = req.name || 'NAME';
  const snapshot = ctx.peek();
  const existing = snapshot?.namespaceByName.get(name);
  const file = declarationFile(snapshot?.files.get(sourceKey('Namespace', name)), 'Namespace', name);
  const held = existing ? existing.template_count + existing.secret_count : 0;
  const inUse = held > 0 ? `; ${held} template(s) and secret(s) are declared in it, so it is refused without --force` : '';
  return readOnly(
    `delete Namespace ${echo(name)}${inUse}`,
    `remove its declaration from ${echo(file)}`,
    `mcpo delete namespace ${echo(name)}${held > 0 || req.force ? ' --force' : ''}`,
  );
}

export const namespaceHandlers: Handlers = {
  GetNamespace: get,
  ListNamespaces: list,
  CreateNamespace: create,
  DeleteNamespace: remove,
};
