/**
 * canonicalQuantity: the text the API server returns for a quantity. The
 * real server is the oracle in test/k8s/quantities.test.ts; here, the
 * properties that hold for every quantity, the documented examples, the cost
 * bound, and the class in the renderer: every quantity rendered is already in
 * that form, so applying it cannot change it.
 */
import { describe, expect, it } from 'vitest';
import { MAX_QUANTITY_CHARS } from '../../src/core/limits.js';
import { canonicalQuantity, type QuantityField } from '../../src/declarations/canonical-quantity.js';
import { parseQuantity } from '../../src/declarations/quantity.js';
import { object, render } from '../render/helpers.js';
import { prng, randomQuantity } from './quantity-samples.js';

const NANO = 10n ** 9n;
const MAX_NANOS = ((1n << 63n) - 1n) * NANO;
const FIELDS: QuantityField[] = ['ResourceList', 'Quantity'];

function nanos(text: string): bigint {
  const q = parseQuantity(text);
  if (!q) throw new Error(`not a quantity: ${text}`);
  return (q.numerator * NANO) / q.denominator;
}

/** Rounded up, away from zero, to a whole milli (what defaulting does to a ResourceList entry). */
function toMilli(n: bigint): bigint {
  const unit = 1_000_000n;
  const magnitude = n < 0n ? -n : n;
  const rounded = ((magnitude + unit - 1n) / unit) * unit;
  return n < 0n ? -rounded : rounded;
}

/** Random quantities, a tenth of them negative. */
function samples(seed: number, count: number): string[] {
  const r = prng(seed);
  return Array.from({ length: count }, () => {
    const q = randomQuantity(r);
    return r.next() < 0.1 ? `-${q.replace(/^\+/, '')}` : q;
  });
}

describe('canonicalQuantity', () => {
  it.each([
    ['0.5', '500m', '500m'],
    ['.5', '500m', '500m'],
    ['1000m', '1', '1'],
    ['1500m', '1500m', '1500m'],
    ['1.5', '1500m', '1500m'],
    ['1024Mi', '1Gi', '1Gi'],
    ['2048Mi', '2Gi', '2Gi'],
    ['1.5Gi', '1536Mi', '1536Mi'],
    ['0.5Ki', '512', '512'],
    ['1.1Ki', '1126400m', '1126400m'],
    ['2062.5Ki', '2112k', '2112k'], // "2112000" when written to etcd, "2112k" once read back
    ['0.00001Ki', '11m', '10240u'],
    ['1000', '1k', '1k'],
    ['1k', '1k', '1k'],
    // An exponent form stays one, in steps of 3.
    ['1e3', '1e3', '1e3'],
    ['1e1', '10', '10'],
    ['1.5e3', '1500', '1500'],
    ['1e-1', '100e-3', '100e-3'],
    ['1e-10', '1e-3', '1e-9'],
    // Rounding up: to a nano always, to a milli in a ResourceList.
    ['0.1n', '1m', '1n'],
    ['1500u', '2m', '1500u'],
    ['100n', '1m', '100n'],
    ['0', '0', '0'],
    ['0.000', '0', '0'],
    // What the server keeps as written.
    ['+1', '+1', '+1'],
    ['007', '007', '007'],
    ['1.500k', '1.500k', '1.500k'],
    ['01Ki', '01Ki', '01Ki'],
    // Binary values are capped at 2^63-1; a decimal SI value past 10^20 loses its suffix in apimachinery.
    ['8Ei', '9223372036854775807', '9223372036854775807'],
    ['1000E', '1', '1'],
    ['-1.5Gi', '-1536Mi', '-1536Mi'],
    ['-0.5Ki', '-512', '-512'],
  ])('%s is %s in a ResourceList and %s elsewhere', (text, list, plain) => {
    expect(canonicalQuantity(text, 'ResourceList')).toBe(list);
    expect(canonicalQuantity(text, 'Quantity')).toBe(plain);
  });

  it.each(['', '1 m', '1K', '1e', 'x', '1Mi3', '1..5', '.e-20', '1'.repeat(MAX_QUANTITY_CHARS + 1)])('%j is refused', (text) => {
    for (const field of FIELDS) expect(canonicalQuantity(text, field)).toBeUndefined();
  });

  it('is defined for every quantity the validator accepts, idempotent, and keeps the value exactly (up to the documented rounding)', () => {
    for (const text of samples(7, 20_000)) {
      if (!parseQuantity(text)) continue;
      for (const field of FIELDS) {
        const once = canonicalQuantity(text, field);
        expect(once, `${text} (${field})`).toBeDefined();
        expect(canonicalQuantity(once!, field), `${text} → ${once} (${field})`).toBe(once);
        const value = nanos(text);
        // parseQuantity caps every value at 2^63-1 (apimachinery now caps binary ones only); compare below the cap.
        if ((value < 0n ? -value : value) >= MAX_NANOS / 1000n) continue;
        expect(nanos(once!), `${text} → ${once} (${field})`).toBe(field === 'ResourceList' ? toMilli(value) : value);
      }
    }
  });

  it('writes no fraction and no redundant zeros unless the server keeps the text as written', () => {
    const shape = /^-?[0-9]+(?:[numkMGTPE]|[KMGTPE]i|e-?[0-9]+)?$/;
    for (const text of samples(11, 5_000)) {
      const once = canonicalQuantity(text, 'Quantity');
      if (once === undefined || once === text) continue;
      expect(once, text).toMatch(shape);
      expect(once === '0' || !/^-?0/.test(once), `${text} → ${once}`).toBe(true);
    }
  });

  it('costs time linear in the text: huge exponents build no huge powers of ten', () => {
    // Distinct texts each time (answers are remembered), each with an exponent near 32 bits or a long mantissa.
    const hard = (i: number) => [
      `${i}e-999999999`,
      `${i}e2147483647`,
      `${'9'.repeat(40)}${i}e-999999999`,
      `${'9'.repeat(40)}${i}e999999999`,
      `${i}e9223372036854775807`,
      `0.${'9'.repeat(50)}${i}Ei`,
    ];
    const started = performance.now();
    for (let i = 0; i < 2_000; i++) for (const text of hard(i)) for (const field of FIELDS) canonicalQuantity(text, field);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(canonicalQuantity('9'.repeat(40) + 'e-999999999', 'Quantity')).toBe('1e-9');
    expect(canonicalQuantity('9'.repeat(40) + 'e-999999999', 'ResourceList')).toBe('1e-3');
  });
});

describe('rendered quantities', () => {
  /** Presets declaring random (valid, positive) spellings, one template on each. */
  const r = prng(23);
  const positive = () => {
    for (;;) {
      const q = randomQuantity(r);
      if (parseQuantity(q) && nanos(q) > 0n && nanos(q) < MAX_NANOS / 1000n) return q;
    }
  };
  const declared = Array.from({ length: 30 }, (_, i) => ({ i, cpu: positive(), memory: positive(), storage: positive(), size: positive() }));
  const files: Record<string, string> = {};
  for (const d of declared) {
    const q = JSON.stringify;
    files[`resources/preset-${d.i}.yaml`] =
      `kind: ResourceLimit\nname: p${d.i}\nlimits:\n  cpu: ${q(d.cpu)}\n  memory: ${q(d.memory)}\n  cpu_limit: ${q(d.cpu)}\n  memory_limit: ${q(d.memory)}\n` +
      `  ephemeral_storage: ${q(d.storage)}\nvolumes:\n  - { name: scratch, mount_path: /scratch, empty_dir: { size_limit: ${q(d.size)} } }\n`;
    files[`resources/t-${d.i}.yaml`] = `kind: McpTemplate\nname: t${d.i}\nnamespace: default\nimage: x:1\ncommand: [x]\nresource_limit_name: p${d.i}\n`;
  }
  const rendered = render(files);

  it('are the canonical form of what was declared', () => {
    for (const d of declared) {
      const pod = object(rendered, `namespaces/default/deployment-t${d.i}.yaml`).spec.template.spec;
      const list = (t: string) => canonicalQuantity(t, 'ResourceList');
      expect(pod.containers[0].resources).toEqual({
        requests: { cpu: list(d.cpu), memory: list(d.memory), 'ephemeral-storage': list(d.storage) },
        limits: { cpu: list(d.cpu), memory: list(d.memory), 'ephemeral-storage': list(d.storage) },
      });
      expect(pod.volumes.find((v: { name: string }) => v.name === 'scratch').emptyDir.sizeLimit).toBe(canonicalQuantity(d.size, 'Quantity'));
    }
  });

  it('every quantity in every rendered object (the bridge init container and volume too) is already canonical', () => {
    let seen = 0;
    for (const path of rendered.keys()) {
      const o = object(rendered, path);
      if (o.kind !== 'Deployment') continue;
      const pod = o.spec.template.spec;
      for (const c of [...(pod.initContainers ?? []), ...pod.containers])
        for (const side of ['requests', 'limits'])
          for (const [name, value] of Object.entries<string>(c.resources?.[side] ?? {})) {
            expect(canonicalQuantity(value, 'ResourceList'), `${path} ${c.name} ${side}.${name}`).toBe(value);
            seen++;
          }
      for (const v of pod.volumes ?? [])
        if (v.emptyDir?.sizeLimit !== undefined) {
          expect(canonicalQuantity(v.emptyDir.sizeLimit, 'Quantity'), `${path} volume ${v.name}`).toBe(v.emptyDir.sizeLimit);
          seen++;
        }
    }
    expect(seen).toBeGreaterThan(declared.length * 7);
  });
});
