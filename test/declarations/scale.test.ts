/**
 * Every check is linear in its input: four times the input takes about four
 * times as long (a quadratic check takes sixteen). Times are the best of a
 * few runs, and the bound is loose (8x) so that a busy machine does not fail it.
 */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/load.js';
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
  return buildModel(Object.entries({ 'resources/namespace.yaml': NAMESPACE, 'resources/preset.yaml': PRESET, ...files }).map(([path, text]) => ({ path, content: Buffer.from(text) })));
}

/** A Namespace whose labels mapping has `n` keys. */
function bigMap(n: number, duplicateLast = false): string {
  const lines = ['kind: Namespace', 'name: big', 'labels:'];
  for (let i = 0; i < n; i++) lines.push(`  k${i.toString(36)}: v`);
  if (duplicateLast) lines.push('  k0: again');
  return `${lines.join('\n')}\n`;
}

/** A template with `n` environment variables whose name is a number (a shape error, then a missing name). */
function manyBadEnvVars(n: number): string {
  const lines = ['kind: McpTemplate', 'name: t', 'namespace: default', 'image: x', 'command: [x]', 'resource_limit_name: n1-standard-nano', 'env_vars:'];
  for (let i = 0; i < n; i++) lines.push(`  - {name: ${i}, value: x}`);
  return `${lines.join('\n')}\n`;
}

describe('checks stay linear in their input', () => {
  it('one mapping of 10k and 40k keys: duplicate keys are found in linear time', () => {
    const small = bigMap(10_000);
    const large = bigMap(40_000);
    expect(load({ 'resources/big.yaml': large }).model).toBeDefined();
    const tSmall = best(3, () => load({ 'resources/big.yaml': small }));
    const tLarge = best(2, () => load({ 'resources/big.yaml': large }));
    expect(tLarge / tSmall, `${tSmall.toFixed(0)} ms for 10k keys, ${tLarge.toFixed(0)} ms for 40k`).toBeLessThan(8);
  }, 300_000);

  it('a duplicate key among 40k is still reported where it is', () => {
    const result = load({ 'resources/big.yaml': bigMap(40_000, true) });
    expect(result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`)).toEqual([
      'resources/big.yaml:40004:3: duplicate mapping key: each key may appear once',
    ]);
  });

  it('3k and 12k errors in one list: knowing what was already reported is not a scan', () => {
    const tSmall = best(3, () => load({ 'resources/t.yaml': manyBadEnvVars(3_000) }));
    const tLarge = best(2, () => load({ 'resources/t.yaml': manyBadEnvVars(12_000) }));
    const result = load({ 'resources/t.yaml': manyBadEnvVars(12_000) });
    expect(result.diagnostics).toHaveLength(12_000); // one per item: the missing name is not reported again
    expect(tLarge / tSmall, `${tSmall.toFixed(0)} ms for 3k, ${tLarge.toFixed(0)} ms for 12k`).toBeLessThan(8);
  }, 300_000);

  it('a reference to a missing key of a secret with 2k keys: a short hint, no 2k edit distances', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `    key-${i}: ${fakeSealed(1)}`).join('\n');
    const secret = `kind: Secret\nname: s\nnamespace: default\nsealed:\n  encrypted_data:\n${keys}\n`;
    const template = 'kind: McpTemplate\nname: t\nnamespace: default\nimage: x\ncommand: [x]\nresource_limit_name: n1-standard-nano\nenv_vars:\n  - name: A\n    secret_key_ref: {name: s, key: key-20000}\n';
    const [d, ...rest] = load({ 'resources/s.yaml': secret, 'resources/t.yaml': template }).diagnostics;
    expect(rest.map((r) => r.message)).toEqual([]);
    expect(d!.message).toBe('secret "s" has no key "key-20000"');
    expect(d!.hint).toMatch(/^its keys: key-0, key-1, key-10, .* and 1980 more$/);
  });
});
