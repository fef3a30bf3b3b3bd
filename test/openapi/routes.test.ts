/**
 * openapi/openapi.yaml against the google.api.http rules of spec/service.proto,
 * read independently with protobufjs: every binding of every RPC is documented
 * with its verb, URL template, path and query parameters, body and response,
 * and nothing else is. The generator, its fix-ups and the annotations cannot drift.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSpec, SERVICE_NAME } from '../../src/spec/proto.js';
import { REPO_ROOT } from '../support/build.js';

const VERBS = ['get', 'put', 'post', 'delete', 'patch'] as const;
type Verb = (typeof VERBS)[number];

interface Binding {
  rpc: string;
  verb: Verb;
  path: string;
  body?: string;
  primary: boolean;
}

function bindings(service: protobuf.Service): Binding[] {
  return service.methodsArray.flatMap((method) => {
    const option = (method.parsedOptions ?? []).find((o: Record<string, unknown>) => '(google.api.http)' in o)?.['(google.api.http)'];
    if (!option) return [];
    const extra = option.additional_bindings;
    const rules: Record<string, string>[] = [option, ...(Array.isArray(extra) ? extra : extra ? [extra] : [])];
    return rules.map((rule, i) => {
      const verb = VERBS.find((v) => typeof rule[v] === 'string');
      if (!verb) throw new Error(`${method.name}: rule without a verb`);
      return { rpc: method.name, verb, path: rule[verb]!, body: rule.body, primary: i === 0 };
    });
  });
}

/** `/v1/namespaces/{template.namespace}/templates` → `/v1/namespaces/{}/templates`: one URL template, whatever the variables are called. */
const shape = (path: string) => path.replace(/\{[^}]*\}/g, '{}');
const variables = (path: string) => [...path.matchAll(/\{([^}=]+)\}/g)].map((m) => m[1]!);

const openapi = parse(readFileSync(join(REPO_ROOT, 'openapi/openapi.yaml'), 'utf8'));
const service = loadSpec().lookupService(SERVICE_NAME);
const all = bindings(service);

function documented(): { verb: string; path: string; op: any }[] {
  return Object.entries(openapi.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([verb]) => (VERBS as readonly string[]).includes(verb))
      .map(([verb, op]) => ({ verb, path, op })),
  );
}

function find(b: Binding): { path: string; op: any } {
  const hits = documented().filter((d) => d.verb === b.verb && shape(d.path) === shape(b.path));
  expect(hits, `${b.verb.toUpperCase()} ${b.path} (${b.rpc})`).toHaveLength(1);
  return hits[0]!;
}

const ref = (name: string) => `#/components/schemas/${name}`;

describe('openapi/openapi.yaml and the google.api.http rules of spec/service.proto', () => {
  it('has an annotated route for every RPC of the service', () => {
    const annotated = new Set(all.map((b) => b.rpc));
    expect(service.methodsArray.map((m) => m.name).filter((m) => !annotated.has(m))).toEqual([]);
    expect(all.length).toBeGreaterThanOrEqual(service.methodsArray.length);
  });

  it('documents every binding once, and nothing that is not a binding, with unique operationIds', () => {
    const expected = all.map((b) => `${b.verb} ${shape(b.path)}`).sort();
    const actual = documented()
      .map((d) => `${d.verb} ${shape(d.path)}`)
      .sort();
    expect(actual).toEqual(expected);
    // One path item per URL template (OpenAPI: templates that differ only in variable names are identical).
    const shapes = Object.keys(openapi.paths).map(shape);
    expect(shapes.filter((s, i) => shapes.indexOf(s) !== i)).toEqual([]);
    const ids = documented().map((d) => d.op.operationId as string);
    expect(new Set(ids).size).toBe(ids.length);
    for (const b of all) {
      const { op } = find(b);
      expect(op.operationId, `${b.rpc} ${b.path}`).toMatch(new RegExp(`^${service.name}_${b.rpc}${b.primary ? '$' : '_\\d+$'}`));
    }
  });

  it('gives each binding its path variables, query parameters, body and response from the request and response messages', () => {
    for (const b of all) {
      const what = `${b.verb.toUpperCase()} ${b.path}`;
      const { path, op } = find(b);
      const method = service.methods[b.rpc]!;
      const request = method.resolvedRequestType!;
      const params: any[] = op.parameters ?? [];
      const inPath = params.filter((p) => p.in === 'path');
      const inQuery = params.filter((p) => p.in === 'query');

      // Path: the documented template's variables are the parameters, one per annotated variable.
      expect(
        inPath.map((p) => p.name),
        what,
      ).toEqual(variables(path));
      expect(variables(path)).toHaveLength(variables(b.path).length);
      for (const p of inPath) expect(p.required, what).toBe(true);

      // Query: every request field not bound by the path or the body, by its JSON name.
      const bound = new Set([...variables(b.path).map((v) => v.split('.')[0]!), ...(b.body && b.body !== '*' ? [b.body] : [])]);
      const expectedQuery =
        b.body === '*'
          ? []
          : request.fieldsArray
              .filter((f) => !bound.has(f.name))
              .map((f) => protobuf.util.camelCase(f.name))
              .sort();
      expect(inQuery.map((p) => p.name).sort(), what).toEqual(expectedQuery);
      for (const p of inQuery) {
        const field = request.fieldsArray.find((f) => protobuf.util.camelCase(f.name) === p.name)!;
        if (field.map) expect(p, `${what} ${p.name}`).toMatchObject({ style: 'deepObject', explode: true, schema: { type: 'object' } });
      }

      // Body: the whole request, one field of it, or none.
      const body = op.requestBody?.content?.['application/json']?.schema?.$ref;
      if (!b.body) expect(op.requestBody, what).toBeUndefined();
      else if (b.body === '*') expect(body, what).toBe(ref(request.name));
      else expect(body, what).toBe(ref((request.fields[b.body]!.resolvedType as protobuf.Type).name));

      // Responses: the response message on 200, google.rpc.Status for every other code.
      expect(op.responses['200'].content['application/json'].schema.$ref, what).toBe(ref(method.resolvedResponseType!.name));
      expect(op.responses.default.content['application/json'].schema.$ref, what).toBe(ref('Status'));
    }
  });

  it('describes every field of every response message reachable from the routes, by its JSON name', () => {
    const schemas = openapi.components.schemas as Record<string, any>;
    const seen = new Set<string>();
    const visit = (type: protobuf.Type) => {
      if (seen.has(type.fullName)) return;
      seen.add(type.fullName);
      const schema = schemas[type.name];
      expect(schema, type.name).toBeDefined();
      expect(Object.keys(schema.properties ?? {}).sort(), type.name).toEqual(type.fieldsArray.map((f) => protobuf.util.camelCase(f.name)).sort());
      for (const f of type.fieldsArray) if (f.resolvedType instanceof protobuf.Type) visit(f.resolvedType);
    };
    for (const m of service.methodsArray) visit(m.resolvedResponseType!);
    expect(seen.size).toBeGreaterThan(10);
  });
});
