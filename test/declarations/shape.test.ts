import { describe, expect, it } from 'vitest';
import { check, TEMPLATE } from './fixtures.js';

const T = 'resources/template.yaml';

describe('proto shape of declarations', () => {
  it('accepts the seed examples and builds the model with defaults', () => {
    const { model, lines } = check({});
    expect(lines).toEqual([]);
    const t = model!.templates.get('default/my-memory-server')!;
    expect(t.replicas).toBe(1);
    expect(t.transport).toBe('TRANSPORT_STDIO');
    expect(t.port).toBe(8000);
    expect(t.command).toEqual(['npx']);
    expect(t.args).toEqual(['-y', '@modelcontextprotocol/server-memory']);
    expect(t.env_vars).toEqual([{ name: 'NODE_ENV', value: 'production' }]);
    expect(model!.presets.get('n1-standard-nano')!.limits).toMatchObject({ cpu: '100m', memory_limit: '512Mi' });
  });

  it('names an unknown field with a did-you-mean hint and no redundant "required"', () => {
    const { model, lines } = check({ [T]: TEMPLATE.replace('image:', 'imagee:') });
    expect(model).toBeUndefined();
    expect(lines).toEqual([
      'resources/template.yaml:4:1: McpTemplate/default/my-memory-server: imagee: unknown field "imagee" in McpTemplate (did you mean "image"?)',
    ]);
  });

  it('points camelCase keys at their proto name', () => {
    const { lines } = check({ [T]: TEMPLATE.replace('resource_limit_name:', 'resourceLimitName:') });
    expect(lines).toEqual([
      'resources/template.yaml:7:1: McpTemplate/default/my-memory-server: resourceLimitName: unknown field "resourceLimitName" in McpTemplate (did you mean "resource_limit_name"?)',
    ]);
  });

  it('reports wrong types at the value with the field path', () => {
    const { lines } = check({
      [T]: TEMPLATE.replace('command: [npx]', 'command: npx').replace('value: production', 'value: 42').replace('env: prod', 'env: true'),
    });
    expect(lines).toEqual([
      'resources/template.yaml:5:10: McpTemplate/default/my-memory-server: command: expected a list, got a string (write it as a list: ["npx"])',
      'resources/template.yaml:10:12: McpTemplate/default/my-memory-server: env_vars[0].value: expected a string, got a number (quote it: "42")',
      'resources/template.yaml:13:8: McpTemplate/default/my-memory-server: labels["env"]: expected a string, got a boolean (quote it: "true")',
    ]);
  });

  it('takes enum values by name and suggests the full name', () => {
    const { lines } = check({ [T]: `${TEMPLATE}transport: STREAMABLE_HTTP\n` });
    expect(lines).toEqual([
      'resources/template.yaml:14:12: McpTemplate/default/my-memory-server: transport: "STREAMABLE_HTTP" is not a Transport: expected one of TRANSPORT_STDIO, TRANSPORT_STREAMABLE_HTTP, TRANSPORT_SSE (did you mean "TRANSPORT_STREAMABLE_HTTP"?)',
    ]);
    const numeric = check({ [T]: `${TEMPLATE}transport: 2\n` });
    expect(numeric.lines[0]).toContain(
      'transport: expected one of TRANSPORT_STDIO, TRANSPORT_STREAMABLE_HTTP, TRANSPORT_SSE, got a number (enum values are written by name)',
    );
  });

  it('refuses output-only fields', () => {
    const { lines } = check({ [T]: `${TEMPLATE}created_at: 5\n` });
    expect(lines).toEqual([
      'resources/template.yaml:14:1: McpTemplate/default/my-memory-server: created_at: "created_at" is computed by mcp-orchestrator and cannot be declared (remove it)',
    ]);
  });

  it('refuses two members of a oneof', () => {
    const { lines } = check({
      [T]: TEMPLATE.replace('value: production', 'value: production\n    secret_key_ref: {name: db, key: pw}'),
    });
    expect(lines).toContain(
      'resources/template.yaml:11:5: McpTemplate/default/my-memory-server: env_vars[0].secret_key_ref: only one of "value", "secret_key_ref" may be set (source)',
    );
  });

  it('checks integer ranges', () => {
    const { lines } = check({ [T]: `${TEMPLATE}replicas: 3000000000\nport: 70000\n` });
    expect(lines).toEqual([
      'resources/template.yaml:14:11: McpTemplate/default/my-memory-server: replicas: 3000000000 is out of range for int32',
      'resources/template.yaml:15:7: McpTemplate/default/my-memory-server: port: port 70000 must be between 1 and 65535',
    ]);
  });

  it('reads several documents per file and reports each at its own line', () => {
    const { model, lines } = check({ 'resources/more.yaml': 'kind: Namespace\nname: team-a\n---\nkind: Namespace\nname: Team_B\n' });
    expect(model).toBeUndefined();
    expect(lines).toEqual([
      'resources/more.yaml:5:7: Namespace/Team_B: name: "Team_B" is not a DNS-1123 label: lowercase letters, digits and \'-\', starting and ending with a letter or digit',
    ]);
  });

  it('reports every error of every file in one run, sorted by file and line', () => {
    const { lines } = check({
      'resources/a.yaml': 'kind: Namespace\nnam: x\n',
      'resources/b.yaml': 'kind: Namespace\nname: ok\nlabels: {"bad key!": v}\n',
    });
    expect(lines).toEqual([
      'resources/a.yaml:2:1: Namespace/?: nam: unknown field "nam" in Namespace (did you mean "name"?)',
      "resources/b.yaml:3:10: Namespace/ok: labels[\"bad key!\"]: label key \"bad key!\" is invalid: letters, digits, '-', '_' and '.', starting and ending with a letter or digit, with an optional DNS prefix and '/'",
    ]);
  });
});
