import { describe, expect, it } from 'vitest';
import { BRIDGE_DIR } from '../../src/core/names.js';
import { sealedSecretYaml } from '../declarations/fixtures.js';
import { kubeletExpand, object, render } from './helpers.js';

describe('$(VAR) references in a stdio template (Kubernetes expands them in args before the container starts)', () => {
  const secret = sealedSecretYaml('api-token', 'token');
  // What a user may write in args, with what Kubernetes would make of each for a plain container.
  const declaredArgs = [
    '--token',
    '$(API_TOKEN)',
    '--mixed=a$(API_TOKEN)b$(API_TOKEN)',
    'escaped $$(API_TOKEN) stays literal',
    '$(NOT_DECLARED)',
    '$(HOME)/data',
    'a lone $ and $x',
    'open $( never closed',
    '$$$(API_TOKEN)',
    '$(dotted.name)',
  ];
  const template = (path = '') => `kind: McpTemplate
name: with-ref
namespace: default
image: node:24-alpine3.21
command: ["/usr/bin/$(TOOL)"]
args: ${JSON.stringify(declaredArgs)}
resource_limit_name: n1-standard-nano
${path}env_vars:
  - name: API_TOKEN
    secret_key_ref: { name: api-token, key: token }
  - name: dotted.name
    value: dotted-value
  - name: TOOL
    value: server
`;
  const containerOf = (path?: string) =>
    object(render({ 'resources/secret.yaml': secret, 'resources/t.yaml': template(path) }), 'namespaces/default/deployment-with-ref.yaml').spec.template.spec
      .containers[0];

  /** The container's environment as the kubelet builds it, with `tokenValue` as the secret's value. */
  const containerEnv = (container: Record<string, any>, tokenValue: string): Record<string, string> =>
    Object.fromEntries((container.env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e.valueFrom ? tokenValue : e.value!]));

  // Values that would break out of shell quoting if a shell ever parsed them; the bridge execs, so none does.
  const hostile = [`x'; touch "$MARK"; echo '`, '`touch "$MARK"`', '$(touch "$MARK")', 'two  words\nand a line', '*', '', '$(API_TOKEN)'];

  it.each(hostile)('the server gets exactly the argv Kubernetes gives a container running it directly (secret value %j)', (value) => {
    const container = containerOf();
    const env = containerEnv(container, value);
    const argv = [...container.command, ...container.args].map((word: string) => kubeletExpand(word, env));
    const dashes = argv.indexOf('--');
    expect(argv.slice(0, dashes)).toEqual([`${BRIDGE_DIR}/mcpo-bridge`, '--listen', ':8000', '--path', '/mcp']);
    expect(argv.slice(dashes + 1)).toEqual(['/usr/bin/server', ...declaredArgs.map((a) => kubeletExpand(a, env))]);
    expect(argv[dashes + 2]).toBe('--token');
    expect(argv[dashes + 3]).toBe(value);
  });

  it("the bridge's own flags are literal: a path with $(NAME) is served as written", () => {
    const container = containerOf('path: /m/$(API_TOKEN)/$$x\n');
    const argv = (container.args as string[]).map((word) => kubeletExpand(word, containerEnv(container, 'secret-value')));
    expect(argv.slice(0, 5)).toEqual(['--listen', ':8000', '--path', '/m/$(API_TOKEN)/$$x', '--']);
  });
});
