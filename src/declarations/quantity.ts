/**
 * Kubernetes resource quantities, parsed exactly (the grammar of
 * k8s.io/apimachinery resource.Quantity) into a fraction of bigints so that
 * "0.5" and "500m" compare equal and nothing is lost to floating point.
 * client-node's quantityToScalar is not used: it accepts "100 m" and rejects "1.5Gi".
 */
export interface Quantity {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

const GRAMMAR = /^([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|m|k|M|G|T|P|E|)$/;
const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** The parsed quantity, or undefined when the text is not one. */
export function parseQuantity(text: string): Quantity | undefined {
  const m = GRAMMAR.exec(text);
  if (!m) return undefined;
  const [, sign, number, suffix] = m as unknown as [string, string, string, string];
  const [whole, fraction = ''] = number.split('.');
  let numerator = BigInt((whole || '0') + fraction) * (sign === '-' ? -1n : 1n);
  let denominator = 10n ** BigInt(fraction.length);
  if (suffix in BINARY) {
    numerator *= BINARY[suffix]!;
  } else {
    const exponent = suffix.startsWith('e') || suffix.startsWith('E') ? Number(suffix.slice(1)) : DECIMAL[suffix]!;
    if (Math.abs(exponent) > 64) return undefined;
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else denominator *= 10n ** BigInt(-exponent);
  }
  return { numerator, denominator };
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function isPositive(q: Quantity): boolean {
  return q.numerator > 0n;
}
