/**
 * The gateway's routes and JSON come from spec/, not from a table kept by
 * hand: the router holds exactly the `google.api.http` rules of
 * service.proto (the mapping decided for issue 13), a rule or a field added
 * to a copy of spec/ appears with no code change, and requests and answers
 * follow the proto3 JSON mapping.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { messageFromJson, messageText } from '../../src/serve/http/json.js';
import { buildRequest } from '../../src/serve/http/request.js';
import { buildRoutes, matchRoute, type Route } from '../../src/serve/http/routes.js';
import { DescriptorPool } from '../../src/serve/descriptors.js';
import { importName, loadSpec, messageType, SERVICE_NAME, specDir } from '../../src/spec/proto.js';
import { REPO_ROOT } from '../support/build.js';

const routes = buildRoutes(loadSpec().lookupService(SERVICE_NAME));
const table = (rs: readonly Route[]): string[] => rs.map((r) => `${r.method} ${r.verb} ${r.template}${r.body ? ` body=${r.body}` : ''}`).sort();

/** The mapping as issue 13 decided it (HTTP-CONTRACT.md). */
const CONTRACT = [
  'ListMcpTemplates GET /v1/templates',
  'ListMcpTemplates GET /v1/namespaces/{namespace}/templates',
  'GetMcpTemplate GET /v1/namespaces/{namespace}/templates/{name}',
  'CreateMcpTemplate POST /v1/namespaces/{template.namespace}/templates body=template',
  'DeleteMcpTemplate DELETE /v1/namespaces/{namespace}/templates/{name}',
  'ListNamespaces GET /v1/namespaces',
  'GetNamespace GET /v1/namespaces/{name}',
  'CreateNamespace POST /v1/namespaces body=namespace',
  'DeleteNamespace DELETE /v1/namespaces/{name}',
  'ListSecrets GET /v1/secrets',
  'ListSecrets GET /v1/namespaces/{namespace}/secrets',
  'GetSecret GET /v1/namespaces/{namespace}/secrets/{name}',
  'CreateSecret POST /v1/namespaces/{namespace}/secrets body=*',
  'UpdateSecret PATCH /v1/namespaces/{namespace}/secrets/{name} body=*',
  'DeleteSecret DELETE /v1/namespaces/{namespace}/secrets/{name}',
  'ListResourceLimits GET /v1/resource-limits',
  'GetResourceLimit GET /v1/resource-limits/{name}',
  'CreateResourceLimit POST /v1/resource-limits body=resource_limit',
  'DeleteResourceLimit DELETE /v1/resource-limits/{name}',
  'ListMcpServers GET /v1/servers',
  'ListMcpServers GET /v1/namespaces/{namespace}/servers',
  'GetMcpServer GET /v1/namespaces/{namespace}/servers/{name}',
  'GetServingStatus GET /v1/status',
];

/** The rules as written in service.proto, read from its text (independently of protobufjs). */
function rulesInText(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/rpc (\w+)\(\w+\) returns \(\w+\) \{([\s\S]*?)\n {2}\}/g)) {
    const [, name, block] = m;
    const body = /body: "([^"]+)"/.exec(block!)?.[1];
    for (const b of block!.matchAll(/(get|post|patch|delete|put): "([^"]+)"/g)) {
      const additional = block!.slice(0, b.index).includes('additional_bindings');
      out.push(`${name} ${b[1]!.toUpperCase()} ${b[2]}${body && !additional ? ` body=${body}` : ''}`);
    }
  }
  return out.sort();
}

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** A copy of spec/ with `edit` applied to one file. */
function editedSpec(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpo-spec-'));
  temps.push(dir);
  cpSync(specDir(), dir, { recursive: true });
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(path, after);
  return dir;
}

describe('routes from the google.api.http rules', () => {
  it('every RPC has exactly its annotated routes, which are the decided mapping', () => {
    const service = loadSpec().lookupService(SERVICE_NAME);
    expect(new Set(routes.map((r) => r.method))).toEqual(new Set(service.methodsArray.map((m) => m.name)));
    expect(table(routes)).toEqual(rulesInText(readFileSync(join(specDir(), 'service.proto'), 'utf8')));
    expect(table(routes)).toEqual([...CONTRACT].sort());
  });

  it('reflection sends the same google.api.http options as buf compiles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpo-buf-'));
    temps.push(dir);
    const image = join(dir, 'image.binpb');
    execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'buf'), ['build', '--exclude-source-info', '-o', image], { cwd: REPO_ROOT, stdio: 'pipe' });
    // spec/'s own root knows descriptor.proto extended by google.api.http, so it decodes the option.
    const spec = loadSpec();
    const Set = spec.lookupType('google.protobuf.FileDescriptorSet');
    const File = spec.lookupType('google.protobuf.FileDescriptorProto');
    type Methods = { service: { method: { name: string; options?: Record<string, unknown> }[] }[] };
    const optionsOf = (file: Methods) => Object.fromEntries(file.service[0]!.method.map((m) => [m.name, m.options?.['.google.api.http']]));
    const buf = (Set.toObject(Set.decode(readFileSync(image)), { arrays: true }) as { file: (Methods & { name: string })[] }).file.find(
      (f) => f.name === 'service.proto',
    )!;
    const pool = new DescriptorPool();
    pool.addRoot(spec, (f) => importName(f));
    const ours = File.toObject(File.decode(pool.withDependencies('service.proto')![0]!), { arrays: true }) as Methods;
    expect(optionsOf(ours)).toEqual(optionsOf(buf));
    expect(optionsOf(ours).ListMcpTemplates).toEqual({
      get: '/v1/templates',
      additional_bindings: [{ get: '/v1/namespaces/{namespace}/templates', additional_bindings: [] }],
    });
  });

  it('a binding added to spec/ is routed with no code change', () => {
    const dir = editedSpec('service.proto', (t) =>
      t.replace('get: "/v1/namespaces/{name}"', 'get: "/v1/namespaces/{name}"\n      additional_bindings {get: "/v1/ns/{name}"}'),
    );
    const more = buildRoutes(loadSpec(dir).lookupService(SERVICE_NAME));
    expect(table(more)).toContain('GetNamespace GET /v1/ns/{name}');
    const match = matchRoute(more, 'GET', '/v1/ns/tools');
    expect(match && 'route' in match && match.route.method).toBe('GetNamespace');
  });

  it('a field added to a message appears in the JSON out and is accepted in', () => {
    const dir = editedSpec('mcp_template.proto', (t) => t.replace(/message McpTemplate \{/, 'message McpTemplate {\n  string owner_team = 99;'));
    const type = loadSpec(dir).lookupType('mcp.orchestrator.v1.McpTemplate');
    expect(JSON.parse(messageText(type, { name: 'a', owner_team: 'platform' }))).toEqual({ name: 'a', ownerTeam: 'platform' });
    expect(messageFromJson(type, { ownerTeam: 'x' })).toEqual({ owner_team: 'x' });
  });

  it('matches paths: variables take one percent-decoded segment; other verbs are 405, other paths 404', () => {
    const m = matchRoute(routes, 'GET', '/v1/namespaces/default/templates/my%2Dserver');
    expect(m && 'route' in m && [m.route.method, m.vars.map((v) => [v.field.join('.'), v.value])]).toEqual([
      'GetMcpTemplate',
      [
        ['namespace', 'default'],
        ['name', 'my-server'],
      ],
    ]);
    expect(matchRoute(routes, 'POST', '/v1/namespaces/default')).toEqual({ allowed: ['DELETE', 'GET'] });
    expect(matchRoute(routes, 'GET', '/v1/namespaces/default/templates/a/b')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/v1/templates/')).toBeUndefined();
    const nested = matchRoute(routes, 'POST', '/v1/namespaces/tools/templates');
    expect(nested && 'route' in nested && nested.vars[0]!.field).toEqual(['template', 'namespace']);
  });
});

describe('requests and answers in the proto3 JSON mapping', () => {
  const route = (method: string, verb = 'GET'): Route => routes.find((r) => r.method === method && r.verb === verb)!;

  it('query parameters by proto or JSON name, maps as field[key], path and body bound', () => {
    const list = route('ListMcpTemplates');
    expect(
      buildRequest(list, [], new URLSearchParams('pageSize=2&label_selector[app]=web&labelSelector[env]=prod&resource_limit_name=nano'), undefined),
    ).toMatchObject({
      page_size: 2,
      label_selector: { app: 'web', env: 'prod' },
      resource_limit_name: 'nano',
    });
    expect(() => buildRequest(list, [], new URLSearchParams('page_size=1&pageSize=2'), undefined)).toThrow(/given twice/);
    expect(() => buildRequest(list, [], new URLSearchParams('label_selector=x'), undefined)).toThrow(/label_selector\[key\]=value/);
    const del = route('DeleteNamespace', 'DELETE');
    expect(buildRequest(del, [{ field: ['name'], value: 'tools' }], new URLSearchParams('force=true'), undefined)).toMatchObject({
      name: 'tools',
      force: true,
    });
    expect(() => buildRequest(del, [{ field: ['name'], value: 'tools' }], new URLSearchParams('name=other'), undefined)).toThrow(/bound by the path/);
    expect(() => buildRequest(route('GetNamespace'), [{ field: ['name'], value: 'x' }], new URLSearchParams(), { name: 'y' })).toThrow(/takes no request body/);

    // body "template": the body is the template; the path variable lands inside it and wins.
    const create = route('CreateMcpTemplate', 'POST');
    expect(
      buildRequest(create, [{ field: ['template', 'namespace'], value: 'tools' }], new URLSearchParams(), {
        name: 'x',
        namespace: 'other',
        resource_limit_name: 'nano',
      }),
    ).toMatchObject({
      template: { name: 'x', namespace: 'tools', resource_limit_name: 'nano' },
    });
    // body "*": every field from the body, original or JSON names, enums by name or number.
    const update = route('UpdateSecret', 'PATCH');
    expect(
      buildRequest(
        update,
        [
          { field: ['namespace'], value: 'default' },
          { field: ['name'], value: 's' },
        ],
        new URLSearchParams(),
        { strategy: 1, removeKeys: ['a'], data: { k: 'dg==' } },
      ),
    ).toMatchObject({ name: 's', namespace: 'default', remove_keys: ['a'], data: { k: 'dg==' } });
    expect(() => buildRequest(update, [], new URLSearchParams('name=x'), {})).toThrow(/bound by the request body/);
  });

  it('rejects unknown fields, wrong types and a field given by both names', () => {
    const type = messageType('McpTemplate');
    expect(() => messageFromJson(type, { nmae: 'x' })).toThrow(/nmae: McpTemplate has no such field/);
    expect(() => messageFromJson(type, { replicas: 'two' })).toThrow(/replicas: expected an integer/);
    expect(() => messageFromJson(type, { replicas: 2 ** 40 })).toThrow(/replicas: expected an integer/);
    expect(() => messageFromJson(type, { transport: 'TRANSPORT_CARRIER_PIGEON' })).toThrow(/transport: expected one of/);
    expect(() => messageFromJson(type, { env_vars: {} })).toThrow(/env_vars: expected a JSON array/);
    expect(() => messageFromJson(type, { resource_limit_name: 'a', resourceLimitName: 'b' })).toThrow(/given twice/);
    expect(() => messageFromJson(type, { labels: null, labels_: 1 })).toThrow(/labels_: McpTemplate has no such field/);
    expect(() => messageFromJson(type, { envVars: null, env_vars: [] })).toThrow(/given twice/);
    expect(messageFromJson(type, { createdAt: '1700000000', labels: null })).toEqual({ created_at: 1_700_000_000 });
    // Names of Object.prototype are not fields, and map keys are only keys.
    for (const key of ['__proto__', 'constructor', 'toString']) {
      expect(() => messageFromJson(type, JSON.parse(`{"${key}": {}}`))).toThrow(/has no such field/);
    }
    const labels = messageFromJson(type, JSON.parse('{"labels": {"__proto__": "x", "constructor": "y"}}')).labels as Record<string, string>;
    expect(Object.entries(labels)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    const list = routes.find((r) => r.method === 'ListMcpTemplates')!;
    // The decoded request is what protobufjs makes of it, as for gRPC (which cannot keep such a key either).
    expect(
      Object.getPrototypeOf(
        (buildRequest(list, [], new URLSearchParams('label_selector[__proto__]=x'), undefined) as { label_selector: object }).label_selector,
      ),
    ).toBe(Object.prototype);
    expect(() => buildRequest(list, [], new URLSearchParams('constructor=1'), undefined)).toThrow(/unknown query parameter/);
  });

  it('answers with json names, int64 as strings, enums by name and defaults omitted', () => {
    const type = messageType('McpTemplate');
    const text = messageText(type, {
      name: 'a',
      namespace: '',
      command: [],
      labels: {},
      created_at: 1_700_000_000,
      transport: 'TRANSPORT_STDIO',
      replicas: 0,
      env_vars: [{ name: 'X', value: '' }],
    });
    expect(JSON.parse(text)).toEqual({ name: 'a', createdAt: '1700000000', transport: 'TRANSPORT_STDIO', replicas: 0, envVars: [{ name: 'X', value: '' }] });
  });
});
