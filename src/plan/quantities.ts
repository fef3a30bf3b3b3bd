/**
 * Requests and limits per namespace: the sum over its templates of the main
 * container's resources times replicas, exactly (bigint nanos from
 * declarations/quantity.ts), printed in Kubernetes units.
 */
import { parseQuantity } from '../declarations/quantity.js';
import { containerResources } from '../model/queries.js';
import type { Model } from '../model/types.js';

export const RESOURCE_NAMES = ['cpu', 'memory', 'ephemeral-storage'] as const;
export type ResourceName = (typeof RESOURCE_NAMES)[number];

export interface Sum {
  /** Kubernetes quantity text, e.g. "1500m", "3Gi", "0". */
  readonly total: string;
  /** Pods (templates × replicas) that set no value for it: a limit they do not have is no bound. */
  readonly unset: number;
}

export interface Amounts {
  readonly pods: number;
  readonly requests: Readonly<Record<ResourceName, Sum>>;
  readonly limits: Readonly<Record<ResourceName, Sum>>;
}

const NANO = 10n ** 9n;

/** CPU in cores or millicores (finer when it must be), as kubectl shows it. */
export function formatCpu(nanos: bigint): string {
  if (nanos % NANO === 0n) return String(nanos / NANO);
  if (nanos % 1_000_000n === 0n) return `${nanos / 1_000_000n}m`;
  if (nanos % 1_000n === 0n) return `${nanos / 1_000n}u`;
  return `${nanos}n`;
}

const BINARY: [string, bigint][] = [
  ['Ei', 1n << 60n],
  ['Pi', 1n << 50n],
  ['Ti', 1n << 40n],
  ['Gi', 1n << 30n],
  ['Mi', 1n << 20n],
  ['Ki', 1n << 10n],
];
const DECIMAL: [string, bigint][] = [
  ['E', 10n ** 18n],
  ['P', 10n ** 15n],
  ['T', 10n ** 12n],
  ['G', 10n ** 9n],
  ['M', 10n ** 6n],
  ['k', 10n ** 3n],
];

/** Bytes with the largest binary (else decimal) suffix that divides them exactly. */
export function formatBytes(nanos: bigint): string {
  if (nanos % NANO !== 0n) return nanos % 1_000_000n === 0n ? `${nanos / 1_000_000n}m` : `${nanos}n`;
  const bytes = nanos / NANO;
  if (bytes === 0n) return '0';
  for (const [suffix, size] of BINARY) if (bytes % size === 0n) return `${bytes / size}${suffix}`;
  for (const [suffix, size] of DECIMAL) if (bytes % size === 0n) return `${bytes / size}${suffix}`;
  return String(bytes);
}

const format = (name: ResourceName, nanos: bigint) => (name === 'cpu' ? formatCpu(nanos) : formatBytes(nanos));

/** Totals of the given namespaces (all present, even with no templates). */
export function namespaceTotals(model: Model, namespaces: ReadonlySet<string>): Map<string, Amounts> {
  type Acc = { pods: number; requests: Record<ResourceName, { n: bigint; unset: number }>; limits: Record<ResourceName, { n: bigint; unset: number }> };
  const blank = (): Record<ResourceName, { n: bigint; unset: number }> => ({
    cpu: { n: 0n, unset: 0 },
    memory: { n: 0n, unset: 0 },
    'ephemeral-storage': { n: 0n, unset: 0 },
  });
  const acc = new Map<string, Acc>([...namespaces].map((ns) => [ns, { pods: 0, requests: blank(), limits: blank() }]));
  for (const t of model.templates.values()) {
    const a = acc.get(t.namespace);
    const preset = model.presets.get(t.resource_limit_name);
    if (!a || !preset) continue;
    const r = containerResources(preset, t);
    const replicas = BigInt(t.replicas);
    a.pods += t.replicas;
    for (const side of ['requests', 'limits'] as const) {
      for (const name of RESOURCE_NAMES) {
        const text = r[side][name];
        const q = text === undefined || text === '' ? undefined : parseQuantity(text);
        if (q === undefined) a[side][name].unset += t.replicas;
        // The validator accepted these quantities; parseQuantity gives nanos (denominator 10^9).
        else a[side][name].n += (q.numerator * NANO * replicas) / q.denominator;
      }
    }
  }
  const out = new Map<string, Amounts>();
  for (const [ns, a] of acc) {
    const sums = (side: Acc['requests']) =>
      Object.fromEntries(RESOURCE_NAMES.map((name) => [name, { total: format(name, side[name].n), unset: side[name].unset }])) as Record<ResourceName, Sum>;
    out.set(ns, { pods: a.pods, requests: sums(a.requests), limits: sums(a.limits) });
  }
  return out;
}
