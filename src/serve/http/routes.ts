/**
 * The HTTP routes of the service, derived at start from each RPC's
 * `google.api.http` rule in spec/service.proto (not a hand-kept table):
 * the rule's verb and path template, its `body`, and its
 * `additional_bindings`. Templates are compiled once into literal and
 * variable segments; a variable names a field path of the request
 * (`{name}`, `{template.namespace}`) and matches one path segment.
 *
 * Request fields not bound by the path or the body are query parameters,
 * in grpc-gateway's syntax: `?page_size=10` (or `pageSize`), nested fields
 * by dots, repeated fields by repetition, maps as `label_selector[app]=web`.
 */
import protobuf from 'protobufjs';
import { McpoError } from '../../core/errors.js';
import { fieldByName, fieldPath } from './json.js';

export const HTTP_VERBS = ['get', 'put', 'post', 'delete', 'patch'] as const;
export type HttpVerb = (typeof HTTP_VERBS)[number];

type Segment = { literal: string } | { field: string[] };

export interface Route {
  /** RPC name, e.g. "GetMcpTemplate". */
  readonly method: string;
  /** Upper-case HTTP method. */
  readonly verb: string;
  /** The template as written in the rule. */
  readonly template: string;
  readonly segments: readonly Segment[];
  /** "*" (the whole request), a top-level field name, or undefined (no body). */
  readonly body: string | undefined;
  readonly request: protobuf.Type;
  readonly response: protobuf.Type;
  /** Top-level request fields taken by the path or body: never query parameters. */
  readonly bound: ReadonlySet<string>;
}

interface HttpRule {
  body?: string;
  additional_bindings?: HttpRule | HttpRule[];
  [verb: string]: unknown;
}

/** Every `(google.api.http)` rule of a method, the primary one first, then its additional bindings. */
export function httpRules(method: protobuf.Method): { verb: string; template: string; body: string | undefined }[] {
  const out: { verb: string; template: string; body: string | undefined }[] = [];
  const add = (rule: HttpRule): void => {
    const verbs = HTTP_VERBS.filter((v) => typeof rule[v] === 'string');
    if (verbs.length !== 1) throw new Error(`${method.name}: a google.api.http rule needs exactly one of ${HTTP_VERBS.join(', ')}`);
    out.push({ verb: verbs[0]!.toUpperCase(), template: rule[verbs[0]!] as string, body: rule.body || undefined });
    const more = rule.additional_bindings;
    for (const r of Array.isArray(more) ? more : more ? [more] : []) add(r);
  };
  for (const option of (method.parsedOptions ?? []) as Record<string, unknown>[]) {
    const rule = option['(google.api.http)'];
    if (rule && typeof rule === 'object') add(rule as HttpRule);
  }
  return out;
}

/** A field path (`template.namespace`) → proto field names, checked against the request type. */
function boundField(type: protobuf.Type, path: string, where: string): string[] {
  const names = fieldPath(type, path);
  if (!names) throw new Error(`${where}: ${path} is not a field of ${type.name}`);
  return names;
}

function compile(template: string, request: protobuf.Type, where: string): Segment[] {
  if (!template.startsWith('/') || template.includes(':')) throw new Error(`${where}: unsupported path template ${template}`);
  return template
    .slice(1)
    .split('/')
    .map((part) => {
      const variable = /^\{([A-Za-z0-9_.]+)(=\*)?\}$/.exec(part);
      if (variable) return { field: boundField(request, variable[1]!, where) };
      if (/[{}*]/.test(part) || part === '') throw new Error(`${where}: unsupported path template ${template}`);
      return { literal: part };
    });
}

/** The routes of every RPC of `service`, in declaration order. */
export function buildRoutes(service: protobuf.Service): Route[] {
  const routes: Route[] = [];
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType!;
    const response = method.resolvedResponseType!;
    for (const rule of httpRules(method)) {
      const where = `${method.name} ${rule.verb} ${rule.template}`;
      const segments = compile(rule.template, request, where);
      const bound = new Set<string>();
      for (const s of segments) if ('field' in s) bound.add(s.field[0]!);
      if (rule.body && rule.body !== '*') {
        const field = fieldByName(request, rule.body);
        if (!field || !(field.resolvedType instanceof protobuf.Type) || field.repeated) throw new Error(`${where}: body ${rule.body} is not a message field`);
        bound.add(field.name);
      }
      routes.push({ method: method.name, verb: rule.verb, template: rule.template, segments, body: rule.body, request, response, bound });
    }
  }
  return routes;
}

export type Match = { route: Route; vars: { field: string[]; value: string }[] } | { allowed: string[] } | undefined;

/**
 * The route for a verb and a raw path (percent-encoded, no query): a match
 * with the path variables, the verbs the path has when none is `verb`
 * (405), or undefined (404). HEAD matches GET routes.
 */
export function matchRoute(routes: readonly Route[], verb: string, rawPath: string): Match {
  if (!rawPath.startsWith('/')) return undefined;
  const parts = rawPath.slice(1).split('/');
  let decoded: string[];
  try {
    decoded = parts.map((p) => decodeURIComponent(p));
  } catch {
    throw new McpoError('usage', 'the path is not valid percent-encoded UTF-8');
  }
  const wanted = verb === 'HEAD' ? 'GET' : verb;
  const allowed = new Set<string>();
  for (const route of routes) {
    if (route.segments.length !== decoded.length) continue;
    const vars: { field: string[]; value: string }[] = [];
    let ok = true;
    for (let i = 0; i < decoded.length && ok; i++) {
      const s = route.segments[i]!;
      const part = decoded[i]!;
      if ('literal' in s) ok = s.literal === part;
      else if (part === '') ok = false;
      else vars.push({ field: s.field, value: part });
    }
    if (!ok) continue;
    if (route.verb === wanted) return { route, vars };
    allowed.add(route.verb);
  }
  return allowed.size > 0 ? { allowed: [...allowed].sort() } : undefined;
}
