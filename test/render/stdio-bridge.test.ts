import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bridgeCommandLine, shellJoin, shellQuote } from '../../src/render/stdio-bridge.js';
import { fakeSealed } from '../declarations/fixtures.js';
import { object, render } from './helpers.js';

describe('shellJoin (the bridge runs the declared command with /bin/sh -c)', () => {
  it('leaves plain words bare, as in the seed example', () => {
    expect(shellJoin(['npx', '-y', '@modelcontextprotocol/server-memory'])).toBe('npx -y @modelcontextprotocol/server-memory');
    expect(shellQuote('')).toBe("''");
  });

  it('gives a real /bin/sh exactly the same argv back', () => {
    const argv = ["it's", 'two words', '$HOME', '$(id)', '`id`', 'a"b', 'back\\slash', '*', '', 'line\nbreak', '~', 'x;y', 'a|b', '#c', "''", 'ünïcode'];
    const script = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))';
    const result = spawnSync('/bin/sh', ['-c', shellJoin([process.execPath, '-e', script, ...argv])], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(argv);
  });
});

/**
 * Stands in for the kubelet: its expansion of `$(VAR)` in a container's command and args,
 * written from the rules the Kubernetes API documents for Container.args, not from src/:
 * "Variable references $(VAR_NAME) are expanded using the container's environment. If a
 * variable cannot be resolved, the reference in the input string will be unchanged. Double $$
 * are reduced to a single $, which allows for escaping the $(VAR_NAME) syntax: i.e.
 * "$$(VAR_NAME)" will produce the string literal "$(VAR_NAME)". Escaped references will never
 * be expanded, regardless of whether the variable exists or not." A `$(` with no `)` is not a
 * reference.
 */
function kubeletExpand(input: string, env: Readonly<Record<string, string>>): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === '$' && input[i + 1] === '$') {
      out += '$';
      i++;
    } else if (c === '$' && input[i + 1] === '(' && input.indexOf(')', i + 2) >= 0) {
      const close = input.indexOf(')', i + 2);
      const name = input.slice(i + 2, close);
      out += Object.hasOwn(env, name) ? env[name] : `$(${name})`;
      i = close;
    } else {
      out += c;
    }
  }
  return out;
}

describe('$(VAR) references in a stdio template (Kubernetes expands them in args before the container starts)', () => {
  const secret = `kind: Secret
name: api-token
namespace: default
sealed:
  scope: SEALING_SCOPE_STRICT
  encrypted_data:
    token: ${fakeSealed(1)}
`;
  const script = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))';
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
  ];
  const template = `kind: McpTemplate
name: with-ref
namespace: default
image: node:24-alpine3.21
command: [${JSON.stringify(process.execPath)}]
args: ${JSON.stringify(['-e', script, '--', ...declaredArgs])}
resource_limit_name: n1-standard-nano
env_vars:
  - name: API_TOKEN
    secret_key_ref: { name: api-token, key: token }
  - name: dotted.name
    value: dotted-value
`;
  const container = object(render({ 'resources/secret.yaml': secret, 'resources/t.yaml': template }), 'namespaces/default/deployment-with-ref.yaml').spec
    .template.spec.containers[0];
  const args: string[] = container.args;
  const line = args[args.indexOf('--stdio') + 1]!;

  /** The container's environment as the kubelet builds it, with `tokenValue` as the secret's value. */
  const containerEnv = (tokenValue: string): Record<string, string> =>
    Object.fromEntries((container.env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e.valueFrom ? tokenValue : e.value!]));

  // Values that break out of any shell quoting if the shell ever parses them.
  const hostile = [
    `x'; touch "$MARK"; echo '`,
    `"; touch "$MARK"; echo "`,
    '`touch "$MARK"`',
    '$(touch "$MARK")',
    `}"; touch "$MARK"; echo "{`,
    '\' || touch "$MARK" || \'',
    'two  words\nand a line',
    '*',
    '',
  ];

  it.each(hostile)('never lets the shell parse a value: %j reaches the server as one verbatim argument', (value) => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpo-bridge-'));
    const mark = join(dir, 'ran');
    try {
      const env = containerEnv(value);
      // The kubelet expands the rendered args; supergateway then runs the --stdio line with /bin/sh -c.
      const result = spawnSync('/bin/sh', ['-c', kubeletExpand(line, env)], {
        encoding: 'utf8',
        env: { ...env, PATH: process.env.PATH ?? '', MARK: mark },
      });
      expect(existsSync(mark)).toBe(false);
      expect(result.stderr).toBe('');
      // Exactly what Kubernetes gives a container that runs the declared args without the bridge.
      expect(JSON.parse(result.stdout)).toEqual(declaredArgs.map((a) => kubeletExpand(a, env)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves nothing in the rendered line for the kubelet to expand', () => {
    for (const value of hostile) expect(kubeletExpand(line, containerEnv(value))).toBe(kubeletExpand(line, containerEnv('other')));
  });

  it('keeps a reference to a name the shell cannot expand inert: the literal text, never the value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpo-bridge-'));
    const mark = join(dir, 'ran');
    try {
      const line = bridgeCommandLine(['printf', '%s\\n', '$(dotted.name)'], () => true);
      const env = { 'dotted.name': `'; touch "$MARK"; '` };
      const result = spawnSync('/bin/sh', ['-c', kubeletExpand(line, env)], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', MARK: mark } });
      expect(existsSync(mark)).toBe(false);
      expect(result.stdout).toBe('$(dotted.name)\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('renders a line without $( exactly as before (the shellJoin of the declared argv)', () => {
    const plain = ['npx', '-y', '@modelcontextprotocol/server-memory', "it's", '$HOME', 'a b'];
    expect(bridgeCommandLine(plain, () => true)).toBe(shellJoin(plain));
  });
});
