/**
 * One HTTP request → the request message of its RPC, as grpc-gateway
 * builds it: the body (the whole message for `body: "*"`, one field for
 * `body: "field"`), then the path variables, then the query parameters for
 * every field not bound by either. Unknown or bound query parameters and a
 * body on a route without one are INVALID_ARGUMENT, so a typo is not
 * silently ignored.
 */
import protobuf from 'protobufjs';
import { quoted } from '../../core/echo.js';
import { McpoError } from '../../core/errors.js';
import { asRequest, fieldByName, fieldPath, messageFromJson, scalarFromJson } from './json.js';
import type { Route } from './routes.js';

/** More query parameters than any request of the service has fields for. */
export const MAX_QUERY_PARAMETERS = 256;

const usage = (message: string): McpoError => new McpoError('usage', message);

/** Sets a scalar given as text at a field path (creating the messages on the way). */
function setText(type: protobuf.Type, target: Record<string, unknown>, path: readonly string[], text: string, where: string, mapKey?: string): void {
  let t = type;
  let obj = target;
  for (let i = 0; i < path.length; i++) {
    const field = t.fields[path[i]!]!;
    field.resolve();
    const last = i === path.length - 1;
    if (!last) {
      if (!(field.resolvedType instanceof protobuf.Type) || field.repeated || field.map) throw usage(`${where}: not a message field`);
      const next = (obj[field.name] ??= {}) as Record<string, unknown>;
      t = field.resolvedType;
      obj = next;
      continue;
    }
    if (field.map) {
      if (mapKey === undefined) throw usage(`${where}: a map: give each entry as ${where}[key]=value`);
      if (field.resolvedType instanceof protobuf.Type) throw usage(`${where}: a map of messages cannot be given in the query`);
      const map = (obj[field.name] ??= Object.create(null)) as Record<string, unknown>;
      if (Object.prototype.hasOwnProperty.call(map, mapKey)) throw usage(`${where}[${mapKey}]: given twice`);
      map[mapKey] = scalarFromJson(field, text, `${where}[${mapKey}]`, true);
    } else {
      if (mapKey !== undefined) throw usage(`${where}: not a map`);
      if (field.resolvedType instanceof protobuf.Type) throw usage(`${where}: a message: give its fields as ${where}.field=value`);
      const value = scalarFromJson(field, text, where, true);
      if (field.repeated) ((obj[field.name] ??= []) as unknown[]).push(value);
      else if (Object.prototype.hasOwnProperty.call(obj, field.name)) throw usage(`${where}: given twice`);
      else obj[field.name] = value;
    }
  }
}

/** A query parameter name → proto field path (and the map key of `field[key]`). */
function queryField(type: protobuf.Type, name: string): { path: string[]; mapKey?: string } | undefined {
  const map = /^([^[\]]+)\[([^[\]]*)\]$/.exec(name);
  const path = fieldPath(type, map ? map[1]! : name);
  return path && { path, mapKey: map ? map[2] : undefined };
}

/** The request message (as the gRPC deserializer makes it) for a matched route. */
export function buildRequest(route: Route, vars: readonly { field: readonly string[]; value: string }[], query: URLSearchParams, body: unknown): unknown {
  const type = route.request;
  let plain: Record<string, unknown> = {};
  if (body !== undefined) {
    if (!route.body) throw usage(`${route.verb} ${route.template} takes no request body`);
    if (route.body === '*') {
      plain = messageFromJson(type, body);
    } else {
      const field = fieldByName(type, route.body)!;
      plain[field.name] = messageFromJson(field.resolvedType as protobuf.Type, body, field.name);
    }
  }
  for (const v of vars) {
    // The path wins over the body, as in grpc-gateway; a nested path variable lands inside the body's message.
    const path = v.field;
    let obj = plain;
    let t = type;
    for (const name of path.slice(0, -1)) {
      const f = t.fields[name]!;
      obj = (obj[name] ??= {}) as Record<string, unknown>;
      t = f.resolvedType as protobuf.Type;
    }
    const last = path[path.length - 1]!;
    delete obj[last];
    setText(t, obj, [last], v.value, path.join('.'));
  }
  let count = 0;
  for (const [name, value] of query) {
    if (++count > MAX_QUERY_PARAMETERS) throw usage(`more than ${MAX_QUERY_PARAMETERS} query parameters`);
    const found = queryField(type, name);
    if (!found) throw usage(`unknown query parameter ${quoted(name)}: ${type.name} has no such field`);
    if (route.body === '*' || route.bound.has(found.path[0]!)) {
      throw usage(
        `query parameter ${quoted(name)} is bound by the ${route.body === '*' || !vars.some((v) => v.field[0] === found.path[0]) ? 'request body' : 'path'}`,
      );
    }
    setText(type, plain, found.path, value, found.path.join('.'), found.mapKey);
  }
  return asRequest(type, plain);
}
