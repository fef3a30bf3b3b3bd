/**
 * Every check is linear in its input: n times the input takes about n times
 * as long, a quadratic check n² times. Times are the best of a few runs, and
 * the bounds are loose (2.5n) so that a busy machine does not fail them.
 */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build.js';
import { fakeSealed, NAMESPACE, PRESET } from './fixtures.js';

function best(runs: number, fn: () => void): number {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

function load(files: Record<string, string>) {
  return buildModel({
    files: Object.entries({ 'resources/namespace.yaml': NAMESPACE, 'resources/preset.yaml': PRESET, ...files }).map(([path, text]) => ({
      path,
      content: Buffer.from(text),
    })),
  });
}

/** A Namespace whose labels mapping has `n` keys. */
function bigMap(n: number, duplicateLast = false): string {
  const lines = ['kind: Namespace', 'name: big', 'labels:'];
  for (let i = 0; i < n; i++) lines.push(`  k${i.toString(36)}: v`);
  if (duplicateLast) lines.push('  k0: again');
  return `${lines.join('\n')}\n`;
}

/** A template with `n` environment variables whose name and value are numbers (shape errors, then missing fields). */
function manyBadEnvVars(n: number): string {
  const lines = ['kind: McpTemplate', 'name: t', 'namespace: default', 'image: x', 'command: [x]', 'resource_limit_name: n1-standard-nano', 'env_vars:'];
  for (let i = 0; i < n; i++) lines.push(`  - {name: ${i}, value: ${i}}`);
  return `${lines.join('\n')}\n`;
}

describe('checks stay linear in their input', () => {
  it('one mapping of 5k and 40k keys: duplicate keys are found in linear time', () => {
    const small = bigMap(5_000);
    const large = bigMap(40_000);
    expect(load({ 'resources/big.yaml': large }).model).toBeDefined();
    const tSmall = best(3, () => load({ 'resources/big.yaml': small }));
    const tLarge = best(2, () => load({ 'resources/big.yaml': large }));
    expect(tLarge / tSmall, `${tSmall.toFixed(0)} ms for 5k keys, ${tLarge.toFixed(0)} ms for 40k`).toBeLessThan(20);
  }, 300_000);

  it('a duplicate key among 40k is still reported where it is', () => {
    const result = load({ 'resources/big.yaml': bigMap(40_000, true) });
    expect(result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`)).toEqual([
      'resources/big.yaml:40004:3: duplicate mapping key: each key may appear once',
    ]);
  });

  it('1k and 16k errors in one list: knowing what was already reported is not a scan', () => {
    const tSmall = best(3, () => load({ 'resources/t.yaml': manyBadEnvVars(1_000) }));
    const tLarge = best(2, () => load({ 'resources/t.yaml': manyBadEnvVars(16_000) }));
    const result = load({ 'resources/t.yaml': manyBadEnvVars(16_000) });
    expect(result.diagnostics).toHaveLength(32_000); // two per item: the missing name and value are not reported again
    expect(tLarge / tSmall, `${tSmall.toFixed(0)} ms for 1k, ${tLarge.toFixed(0)} ms for 16k`).toBeLessThan(40); // 16x the input: 16 linear, 256 quadratic
  }, 300_000);

  it('a reference to a missing key of a secret with 2k keys: a short hint, no 2k edit distances', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `    key-${i}: ${fakeSealed(1)}`).join('\n');
    const secret = `kind: Secret\nname: s\nnamespace: default\nsealed:\n  encrypted_data:\n${keys}\n`;
    const template =
      'kind: McpTemplate\nname: t\nnamespace: default\nimage: x\ncommand: [x]\nresource_limit_name: n1-standard-nano\nenv_vars:\n  - name: A\n    secret_key_ref: {name: s, key: key-20000}\n';
    const [d, ...rest] = load({ 'resources/s.yaml': secret, 'resources/t.yaml': template }).diagnostics;
    expect(rest.map((r) => r.message)).toEqual([]);
    expect(d!.message).toBe('secret "s" has no key "key-20000"');
    expect(d!.hint).toMatch(/^its keys: key-0, key-1, key-10, .* and 1980 more$/);
  });
});
