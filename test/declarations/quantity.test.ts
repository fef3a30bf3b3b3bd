/**
 * The quantity grammar of k8s.io/apimachinery resource.Quantity: suffixes,
 * exponents, signs, and the rounding (up to a nano) and cap (2^63-1) the
 * cluster applies, so that comparisons agree with what Kubernetes will do.
 */
import { describe, expect, it } from 'vitest';
import { MAX_QUANTITY_CHARS } from '../../src/core/limits.js';
import { compareQuantities, parseQuantity } from '../../src/declarations/quantity.js';
import { check, PRESET } from './fixtures.js';

/** The value in nanos, as a string, or undefined when not a quantity. */
function nanos(text: string): string | undefined {
  const q = parseQuantity(text);
  return q && String((q.numerator * 10n ** 9n) / q.denominator);
}
const n = (value: bigint) => String(value * 10n ** 9n);

describe('Kubernetes quantities', () => {
  it.each([
    ['1E', n(10n ** 18n)],
    ['1e3', n(1000n)],
    ['1E3', n(1000n)],
    ['1e+3', n(1000n)],
    ['1e-3', n(1n).slice(0, -3)],
    ['1Ei', n(1n << 60n)],
    ['1Ki', n(1024n)],
    ['1.5Gi', n(3n << 29n)],
    ['.5', '500000000'],
    ['+1', n(1n)],
    ['-1', n(-1n)],
    ['1.', n(1n)],
    ['1.G', n(10n ** 9n)],
    ['100m', '100000000'],
    ['250u', '250000'],
    ['7n', '7'],
    ['1k', n(1000n)],
    ['0.1n', '1'], // rounded up to a nano, as Kubernetes does
    ['1e-20', '1'],
    ['1e30', String((1n << 63n) - 1n) + '000000000'], // capped at 2^63-1
    ['1e1000000000', String((1n << 63n) - 1n) + '000000000'],
    ['1e-1000000000', '1'],
    ['0', '0'],
  ])('%s is %s nanos', (text, expected) => {
    expect(nanos(text)).toBe(expected);
  });

  it.each([
    '1e',
    'e3',
    'E',
    '1 m',
    ' 1',
    '1K',
    '1i',
    '1Mi3',
    '1e3.5',
    '1e3e',
    '+',
    '-',
    '.',
    '',
    '1m3',
    '0x10',
    '1,5',
    '１',
    '1e99999999999999999999',
    '1e4294967296', // Kubernetes wraps exponents at 32 bits: 1 there
    '1e-2147483648', // huge there
    '1e1000000001',
    '1e-1000000001',
  ])('%j is not a quantity', (text) => {
    expect(nanos(text)).toBeUndefined();
  });

  it('compares as the cluster does', () => {
    expect(compareQuantities(parseQuantity('0.5')!, parseQuantity('500m')!)).toBe(0);
    expect(compareQuantities(parseQuantity('1E')!, parseQuantity('1e18')!)).toBe(0);
    expect(compareQuantities(parseQuantity('1Ki')!, parseQuantity('1k')!)).toBe(1);
  });

  it('"1E" is exa, so a request of 1E is above a 512Mi limit', () => {
    const { lines } = check({
      'resources/template.yaml':
        'kind: McpTemplate\nname: t\nnamespace: default\nimage: x\ncommand: [x]\nresource_limit_name: n1-standard-nano\nresources:\n  memory: "1E"\n',
    });
    expect(lines).toEqual([
      'resources/template.yaml:8:11: McpTemplate/default/t: resources.memory: memory request 1E is above the memory limit 512Mi of preset "n1-standard-nano" (a request must not exceed its limit)',
    ]);
  });

  it(`a quantity over ${MAX_QUANTITY_CHARS} characters is refused before it is parsed, in time linear in nothing`, () => {
    const long = '1'.repeat(900_000);
    const started = performance.now();
    const { lines } = check({ 'resources/preset.yaml': PRESET.replace('memory: 256Mi', `memory: "${long}x"`) });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(lines).toEqual([
      `resources/preset.yaml:5:11: ResourceLimit/n1-standard-nano: limits.memory: a quantity of 900001 characters is over the limit of ${MAX_QUANTITY_CHARS} (write it like "100m", "0.5", "256Mi" or "1Gi")`,
    ]);
  }, 60_000);
});
