// What gnostic's protoc-gen-openapi v0.7.1 gets wrong or cannot say, fixed after
// `buf generate` (scripts/gen-openapi.sh) from the google.api.http rules in
// spec/service.proto; test/openapi/routes.test.ts checks the result against them.
//
// 1. Every additional_bindings route gets the RPC's operationId again, which
//    OpenAPI forbids and both client generators trip over (google/gnostic#372).
//    As gnostic's later fix (#478, in no release yet) does, the primary binding
//    keeps `Service_Method` and additional binding k (from 1) becomes
//    `Service_Method_{k+1}`.
// 2. Map fields left to the query string (label_selector) are dropped ("Map
//    types are not allowed in query parameters"), yet grpc-gateway binds them as
//    `label_selector[key]=value`: each becomes a deepObject parameter under its
//    JSON name, so clients send `labelSelector[app]=…`.
// 3. A path variable bound to a nested field (`{template.namespace}`) is kept
//    as the path's own template, so POST /v1/namespaces/{template.namespace}/templates
//    and GET /v1/namespaces/{namespace}/templates are two path items for one URL
//    template, which OpenAPI forbids (and openapi-python-client refuses dots).
//    The variable is named after the field's last part (`namespace`; the name is
//    not on the wire) and the operation joins the other path item.
// 4. The bearer token of `--auth-token-file` as an optional security scheme
//    (the API is open when the server runs without a token file).
//
//   node scripts/openapi-fixups.mjs <spec dir> <openapi.yaml>   (rewrites the file)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import protobuf from 'protobufjs';
import { isMap, parseDocument } from 'yaml';

const [specDir, file] = process.argv.slice(2);
if (!specDir || !file) {
  console.error('usage: node scripts/openapi-fixups.mjs <spec dir> <openapi.yaml>');
  process.exit(2);
}

const VERBS = ['get', 'put', 'post', 'delete', 'patch'];
const SCALAR_SCHEMA = { string: { type: 'string' } };

const root = new protobuf.Root();
// google/protobuf/descriptor.proto (imported by google/api/http.proto) comes with protobufjs.
const bundled = dirname(createRequire(import.meta.url).resolve('protobufjs/package.json'));
root.resolvePath = (_origin, target) => {
  const own = resolve(specDir, target);
  return existsSync(own) || !target.startsWith('google/protobuf/') ? own : join(bundled, target);
};
root.loadSync('service.proto', { keepCase: true, alternateCommentMode: true });
root.resolveAll();

/** The HTTP rules of a method, primary first, from its parsed `(google.api.http)` option. */
function httpRules(method) {
  const option = (method.parsedOptions ?? []).find((o) => '(google.api.http)' in o)?.['(google.api.http)'];
  if (!option) return [];
  const extra = option.additional_bindings;
  return [option, ...(Array.isArray(extra) ? extra : extra ? [extra] : [])];
}

function verbAndPath(rule) {
  const verb = VERBS.find((v) => typeof rule[v] === 'string');
  if (!verb) throw new Error(`an HTTP rule without a verb (or with custom): ${JSON.stringify(rule)}`);
  return { verb, path: rule[verb] };
}

/** The request fields a path template binds (`{template.namespace}` binds `template`). */
function pathFields(path) {
  return [...path.matchAll(/\{([^}=]+)\}/g)].map((m) => m[1].split('.')[0]);
}

const undotted = (path) => path.replace(/\{([^}=]+)\}/g, (_m, v) => `{${v.split('.').pop()}}`);

const services = [];
const walk = (ns) => {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Service) services.push(nested);
    else if (nested.nestedArray) walk(nested);
  }
};
walk(root);

const doc = parseDocument(readFileSync(file, 'utf8'));
const paths = doc.get('paths', true);
const counts = { renamed: 0, maps: 0, moved: 0 };

function operation(verb, path) {
  const op = paths.getIn([path, verb], true);
  if (!op) throw new Error(`${verb.toUpperCase()} ${path} (annotated in spec/service.proto) is missing from ${file}`);
  return op;
}

for (const service of services) {
  for (const method of service.methodsArray) {
    const request = method.resolvedRequestType;
    httpRules(method).forEach((rule, k) => {
      const { verb, path } = verbAndPath(rule);
      const op = operation(verb, path);
      if (k > 0) {
        op.set('operationId', `${service.name}_${method.name}_${k + 1}`);
        counts.renamed++;
      }
      if (rule.body !== '*') {
        const bound = new Set([...pathFields(path), ...(rule.body ? [rule.body] : [])]);
        for (const field of request.fieldsArray) {
          if (!field.map || bound.has(field.name)) continue;
          const values = SCALAR_SCHEMA[field.type];
          if (!values) throw new Error(`${request.name}.${field.name}: a map of ${field.type} in the query string is not handled here`);
          const params = op.get('parameters', true) ?? doc.createNode([]);
          params.add(
            doc.createNode({
              name: protobuf.util.camelCase(field.name),
              in: 'query',
              description: [(field.comment ?? '').trim(), `\`${field.name}[key]=value\`, one per pair (grpc-gateway's map syntax; the JSON name works too).`]
                .filter(Boolean)
                .join(' '),
              style: 'deepObject',
              explode: true,
              schema: { type: 'object', additionalProperties: values },
            }),
          );
          op.set('parameters', params);
          counts.maps++;
        }
      }
      const plain = undotted(path);
      if (plain !== path) {
        for (const param of op.get('parameters', true)?.items ?? []) {
          const name = param.get('name');
          if (param.get('in') === 'path' && name.includes('.')) {
            param.set('name', name.split('.').pop());
            if (!param.has('description')) param.set('description', `Bound to \`${name}\` of the request.`);
          }
        }
        const target = paths.get(plain, true) ?? doc.createNode({});
        if (target.has(verb)) throw new Error(`${verb.toUpperCase()} ${plain} is bound twice (once as ${path})`);
        target.set(verb, op);
        paths.set(plain, target);
        paths.getIn([path]).delete(verb);
        if (paths.getIn([path]).items.length === 0) paths.delete(path);
        counts.moved++;
      }
    });
  }
}

// Path items in order, as gnostic writes them (a moved operation's item may be new).
paths.items.sort((a, b) => (String(a.key) < String(b.key) ? -1 : String(a.key) > String(b.key) ? 1 : 0));
for (const pair of paths.items) {
  if (isMap(pair.value)) pair.value.items.sort((a, b) => VERBS.indexOf(String(a.key)) - VERBS.indexOf(String(b.key)));
}

doc.setIn(
  ['components', 'securitySchemes'],
  doc.createNode({
    bearerAuth: {
      type: 'http',
      scheme: 'bearer',
      description: 'A token from the file given to `mcpo serve --auth-token-file`; not needed when the server runs without one.',
    },
  }),
);
// Either the token or nothing: which one a server wants is its operator's choice.
doc.set('security', doc.createNode([{ bearerAuth: [] }, {}]));

writeFileSync(file, doc.toString({ indent: 4, indentSeq: true, lineWidth: 0 }));
console.error(
  `openapi-fixups: ${counts.renamed} operationIds of additional bindings renamed, ${counts.maps} map query parameters added, ${counts.moved} nested path variables renamed`,
);
