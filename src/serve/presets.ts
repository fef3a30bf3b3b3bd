/** ResourceLimit (preset) calls: Get/List from the snapshot with usage_count; writes answer how to make the change. */
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
import { type PresetMessage, sourceKey } from './snapshot.js';
import { McpoError } from '../core/errors.js';

type GetRequest = NamedRequest;
type DeleteRequest = ForceDeleteRequest;

interface CreateRequest {
  resource_limit?: { name?: string };
}

function get(req: GetRequest, ctx: CallContext): { resource_limit: PresetMessage } {
  const name = required(req.name, 'name');
  const preset = ctx.snapshot().presetByName.get(name);
  if (!preset) throw new McpoError('not-found', `ResourceLimit ${echo(name)} not found`);
  return { resource_limit: preset };
}

function list(req: ListRequest, ctx: CallContext) {
  const selector = normalizedSelector(req.label_selector);
  const matchLabels = labelFilter<PresetMessage>(selector);
  return ctx.list(
    'ListResourceLimits',
    req,
    { label_selector: selector },
    (s) => s.presets.filter(matchLabels),
    (page) => ({ resource_limits: page.items, next_page_token: page.next_page_token, total_count: page.total_count }),
  );
}

function create(req: CreateRequest, ctx: CallContext): never {
  return refuseCreate(ctx, 'ResourceLimit', req.resource_limit?.name || 'NAME');
}

function remove(req: DeleteRequest, ctx: CallContext): never {
  const name = req.name || 'NAME';
  const snapshot = ctx.peek();
  const existing = snapshot?.files.get(sourceKey('ResourceLimit', name));
  const users = snapshot?.templatesByPreset.get(name) ?? [];
  const file = declarationFile(existing, 'ResourceLimit', name);
  const inUse =
    users.length > 0
      ? `${users.length} template(s) use it (${users.slice(0, 5).join(', ')}${users.length > 5 ? ', ...' : ''}): change them first, or the delete needs --force and leaves them broken (the commit then fails validation).`
      : undefined;
  return readOnly(
    `delete ResourceLimit ${echo(name)}`,
    `remove its declaration from ${echo(file)}`,
    `mcpo delete resourcelimit ${echo(name)}${users.length > 0 || req.force ? ' --force' : ''}`,
    inUse,
  );
}

export const presetHandlers: Handlers = {
  GetResourceLimit: get,
  ListResourceLimits: list,
  CreateResourceLimit: create,
  DeleteResourceLimit: remove,
};
