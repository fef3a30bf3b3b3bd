/**
 * Secret calls. Answers carry key names, type, labels and created_at only:
 * the served Secret message is built without the sealed data (snapshot.ts),
 * and write requests, which carry values, are never echoed or logged.
 */
import { echo } from '../core/echo.js';
import { namespacedKey } from '../model/queries.js';
import {
  type CallContext,
  declarationFile,
  type Handlers,
  labelFilter,
  normalizedSelector,
  readOnly,
  required,
  type FilteredListRequest as BaseListRequest,
  type NamespacedRequest,
} from './_context.js';
import { type SecretMessage, sourceKey } from './snapshot.js';
import { McpoError } from '../core/errors.js';

type GetRequest = NamespacedRequest;

interface ListRequest extends BaseListRequest {
  namespace: string;
}

interface UpdateRequest {
  name: string;
  namespace: string;
  strategy: string;
}

const STRATEGY_FLAG: Record<string, string> = {
  SECRET_UPDATE_STRATEGY_REPLACE: 'replace',
  SECRET_UPDATE_STRATEGY_MERGE: 'merge',
  SECRET_UPDATE_STRATEGY_PATCH: 'patch',
};

function get(req: GetRequest, ctx: CallContext): { secret: SecretMessage } {
  const name = required(req.name, 'name');
  const namespace = required(req.namespace, 'namespace');
  const secret = ctx.snapshot().secretByKey.get(namespacedKey(namespace, name));
  if (!secret) throw new McpoError('not-found', `Secret ${echo(namespace)}/${echo(name)} not found`);
  return { secret };
}

function list(req: ListRequest, ctx: CallContext) {
  const selector = normalizedSelector(req.label_selector);
  const matchLabels = labelFilter<SecretMessage>(selector);
  return ctx.list(
    'ListSecrets',
    req,
    { namespace: req.namespace, label_selector: selector },
    (s) => s.secrets.filter((x) => (!req.namespace || x.namespace === req.namespace) && matchLabels(x)),
    (page) => ({ secrets: page.items, next_page_token: page.next_page_token, total_count: page.total_count }),
  );
}

// Only name and namespace are read from write requests: their data holds values.
function create(req: GetRequest, ctx: CallContext): never {
  const name = req.name || 'NAME';
  const namespace = req.namespace || 'NAMESPACE';
  const existing = ctx.peek()?.files.get(sourceKey('Secret', namespacedKey(namespace, name)));
  const file = declarationFile(existing, 'Secret', name, namespace);
  return readOnly(
    `create Secret ${echo(namespace)}/${echo(name)}`,
    `seal its values into ${echo(file)} on your machine (values never go to the server or the repository in plaintext)`,
    `mcpo secret create ${echo(name)} -n ${echo(namespace)} --from-literal KEY=VALUE`,
  );
}

function update(req: UpdateRequest, ctx: CallContext): never {
  const name = req.name || 'NAME';
  const namespace = req.namespace || 'NAMESPACE';
  const existing = ctx.peek()?.files.get(sourceKey('Secret', namespacedKey(namespace, name)));
  const file = declarationFile(existing, 'Secret', name, namespace);
  const strategy = STRATEGY_FLAG[req.strategy] ?? 'replace|merge|patch';
  return readOnly(
    `update Secret ${echo(namespace)}/${echo(name)}`,
    `re-seal the changed keys into ${echo(file)} on your machine`,
    `mcpo secret update ${echo(name)} -n ${echo(namespace)} --strategy ${strategy} --from-literal KEY=VALUE`,
  );
}

function remove(req: GetRequest, ctx: CallContext): never {
  const name = req.name || 'NAME';
  const namespace = req.namespace || 'NAMESPACE';
  const existing = ctx.peek()?.files.get(sourceKey('Secret', namespacedKey(namespace, name)));
  const file = declarationFile(existing, 'Secret', name, namespace);
  return readOnly(
    `delete Secret ${echo(namespace)}/${echo(name)}`,
    `remove its declaration from ${echo(file)}`,
    `mcpo delete secret ${echo(name)} -n ${echo(namespace)}`,
  );
}

export const secretHandlers: Handlers = {
  GetSecret: get,
  ListSecrets: list,
  CreateSecret: create,
  UpdateSecret: update,
  DeleteSecret: remove,
};
