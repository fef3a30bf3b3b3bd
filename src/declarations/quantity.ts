/**
 * Kubernetes resource quantities, parsed exactly (k8s.io/apimachinery
 * resource.Quantity) into a fraction of bigints so that "0.5" and "500m"
 * compare equal and nothing is lost to floating point.
 * client-node's quantityToScalar is not used: it accepts "100 m" and rejects "1.5Gi".
 *
 *   quantity  ::= signedNumber suffix
 *   suffix    ::= Ki | Mi | Gi | Ti | Pi | Ei            binary: 2^10 ... 2^60
 *               | n | u | m | "" | k | M | G | T | P | E  decimal: 10^-9 ... 10^18
 *               | (e | E) signedInteger                  exponent: 10^integer
 *   number    ::= digits | digits "." digits | digits "." | "." digits
 *
 * So "1E" is exa (10^18) and "1E3" is 1000; "1e" and "1 m" are not quantities.
 * Like Kubernetes, a value is rounded up to a whole nano (10^-9); it is capped
 * at 2^63-1, as Kubernetes caps binary values (decimal ones that large are
 * nonsense as resources, and compare equal here). Unlike Kubernetes, the parse
 * is one pass over at most MAX_QUANTITY_CHARS characters (Kubernetes keeps 19
 * significant digits; longer text is a mistake or an attack), the quirks of
 * its parser that read "+", "." or "e3" as 0 are refused, and so is an
 * exponent beyond ±10^9: Kubernetes computes exponents in 32 bits and wraps
 * around ("1e4294967296" is 1 there, "1e-2147483648" is huge). The text the API server stores for a quantity is canonicalQuantity
 * (canonical-quantity.ts).
 */
import { MAX_QUANTITY_CHARS } from '../core/limits.js';
export interface Quantity {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const NANO = 10n ** 9n;
/** Kubernetes does exponent arithmetic in 32 bits, which wraps around near 2^31: refused well before. */
const MAX_EXPONENT = 1_000_000_000;
/** Kubernetes' largest quantity, 2^63-1, in nanos. */
const MAX_NANOS = ((1n << 63n) - 1n) * NANO;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The parsed quantity, or undefined when the text is not one. */
export function parseQuantity(text: string): Quantity | undefined {
  if (text.length === 0 || text.length > MAX_QUANTITY_CHARS) return undefined;
  let i = 0;
  let negative = false;
  if (text[0] === '+' || text[0] === '-') {
    negative = text[0] === '-';
    i++;
  }
  const wholeStart = i;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  const whole = text.slice(wholeStart, i);
  let fraction = '';
  if (text[i] === '.') {
    const fractionStart = ++i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    fraction = text.slice(fractionStart, i);
  }
  if (whole === '' && fraction === '') return undefined;
  const suffix = text.slice(i);

  // value = digits * 2^binary * 10^exponent
  const digits = BigInt(whole + fraction);
  let exponent = -fraction.length;
  let binary = 1n;
  if (Object.hasOwn(BINARY, suffix)) binary = BINARY[suffix]!;
  else if (Object.hasOwn(DECIMAL, suffix)) exponent += DECIMAL[suffix]!;
  else if (/^[eE][+-]?\d+$/.test(suffix)) {
    const declared = Number(suffix.slice(1));
    if (!Number.isSafeInteger(declared) || Math.abs(declared) > MAX_EXPONENT) return undefined;
    exponent += declared;
  } else return undefined;

  // In nanos, rounded up (away from zero) as Kubernetes does, and capped.
  let nanos: bigint;
  const scale = exponent + 9;
  if (digits === 0n) nanos = 0n;
  else if (scale >= 0) {
    // digits has at most 64 digits: past 10^40 nanos the cap applies anyway.
    nanos = scale > 40 ? MAX_NANOS : digits * binary * 10n ** BigInt(scale);
  } else {
    const divisor = -scale > 80 ? 10n ** 80n : 10n ** BigInt(-scale);
    const product = digits * binary;
    nanos = (product + divisor - 1n) / divisor;
  }
  if (nanos > MAX_NANOS) nanos = MAX_NANOS;
  return { numerator: negative ? -nanos : nanos, denominator: NANO };
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
