/**
 * The text the Kubernetes API server stores for a quantity: what
 * k8s.io/apimachinery resource.Quantity does in ParseQuantity followed by
 * String() (CanonicalizeBytes), which is what a Deployment's
 * `resources.limits.memory` reads back as. Rendering quantities in this form
 * means the manifest in dist/ and the live object agree byte for byte, so a
 * second server-side-apply manager (Argo CD beside Flux, or an admin's
 * `kubectl apply --server-side`) applying the same manifest sees no
 * difference and gets no conflict.
 *
 * The rules, as apimachinery v0.36 applies them (exact, in BigInt):
 * - a binary suffix (Ki…Ei) stays binary when the value is a whole number of
 *   at least 1024: the largest power of 1024 that divides it ("1.5Gi" →
 *   "1536Mi", "1024Mi" → "1Gi"); smaller or fractional values are written as
 *   decimal SI ("0.5Ki" → "512", "1.1Ki" → "1126400m"); binary values are
 *   capped at 2^63-1;
 * - decimal SI ("", n, u, m, k, M, G, T, P, E) keeps the largest suffix with a
 *   whole mantissa ("0.5" → "500m", "1000m" → "1", "1.5k" → "1500"); an
 *   exponent form stays an exponent form in steps of 3 ("1e1" → "10",
 *   "1.5e3" → "1500", "1e-1" → "100e-3");
 * - sub-nano precision is rounded up, away from zero, to a whole nano ("0.1n"
 *   → "1n");
 * - the server keeps the text as written when its parser deems it already
 *   canonical, which also keeps a few non-canonical spellings: "1e3", "1E3",
 *   "+1", "007", "1.500k" and "01Ki" are stored as written (a plus sign or
 *   leading zeros are not looked at; a mantissa of up to 18 digits with
 *   suffix exponent a multiple of 3 and no "000" at its end is kept);
 * - a decimal value whose exponent lands past 10^18 loses its suffix in
 *   apimachinery ("1000E" is stored as "1"); that is reproduced, since it is
 *   what the server stores.
 *
 * Exponents are 32-bit in apimachinery and wrap around; that is reproduced
 * too. Work is linear in the text, which is at most MAX_QUANTITY_CHARS long:
 * no power of ten is ever built from an exponent.
 */
import { MAX_QUANTITY_CHARS } from '../core/limits.js';

type Format = 'DecimalSI' | 'DecimalExponent' | 'BinarySI';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));
/** int32(float32(exponent)*3/10) for the binary exponents: the digits the fast path reserves. */
const BINARY_PRECISION: Readonly<Record<number, number>> = { 10: 3, 20: 6, 30: 9, 40: 12, 50: 15, 60: 18 };
const SUFFIX_LETTERS = 'eEinumkKMGTP';
/** Digits an int64 mantissa is trusted with on the fast path (apimachinery's maxInt64Factors). */
const MAX_INT64_FACTORS = 18;
const NANO_SCALE = 9;
/** apimachinery's resource.Milli. */
const MILLI_SCALE = -3;

/** Go's int32 arithmetic: wraps around. */
const i32 = (n: number): number => n | 0;
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const abs = (n: bigint): bigint => (n < 0n ? -n : n);
const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Trailing zeros of a non-zero integer's decimal digits, and the integer without them. */
function removeTens(n: bigint): { rest: bigint; times: number } {
  const digits = abs(n).toString();
  let end = digits.length;
  while (end > 1 && digits[end - 1] === '0') end--;
  const times = digits.length - end;
  return { rest: times === 0 ? n : n / pow10(times), times };
}

interface Scanned {
  positive: boolean;
  /** Digits before the point, leading zeros stripped ("0" when none are left). */
  num: string;
  /** Digits after the point, as written. */
  denom: string;
  /** The number as written (sign, zeros, point), without the suffix. */
  value: string;
  suffix: string;
}

/** apimachinery's parseQuantityString, step for step; undefined where it reports ErrFormatWrong. */
function scan(str: string): Scanned | undefined {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-' || str[0] === '+') {
    positive = str[0] === '+';
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', value: '0', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  if (i >= end) return { positive, num, denom: '', value: str, suffix: '' };
  pos = i;
  if (num === '') num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, num, denom, value: str, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  while (pos < end && SUFFIX_LETTERS.includes(str[pos]!)) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) return undefined;
  return { positive, num, denom, value, suffix: str.slice(suffixStart) };
}

/** apimachinery's suffix interpretation: base, exponent (int32) and format; undefined for an unknown suffix. */
function interpret(suffix: string): { base: 2 | 10; exponent: number; format: Format } | undefined {
  if (Object.hasOwn(DECIMAL_SUFFIXES, suffix)) return { base: 10, exponent: DECIMAL_SUFFIXES[suffix]!, format: 'DecimalSI' };
  if (Object.hasOwn(BINARY_SUFFIXES, suffix)) return { base: 2, exponent: BINARY_SUFFIXES[suffix]!, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    // strconv.ParseInt(s, 10, 64), then int32(...)
    const digits = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(digits)) return undefined;
    const parsed = BigInt(digits);
    if (parsed > INT64_MAX || parsed < INT64_MIN) return undefined;
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return undefined;
}

/**
 * inf.Dec: the value unscaled × 10^tens × 10^-scale, whose Go unscaled integer is
 * unscaled × 10^tens. `tens` keeps a rescale by a huge power of ten symbolic.
 */
interface Dec {
  readonly unscaled: bigint;
  readonly tens: number;
  /** int32, as in Go. */
  readonly scale: number;
}

/** inf.Dec Round(x, s, RoundUp): to scale s, away from zero. */
function roundUp(x: Dec, s: number): Dec {
  if (x.scale <= s) return { unscaled: x.unscaled, tens: x.tens + (s - x.scale), scale: s };
  const drop = x.scale - s - x.tens;
  const magnitude = abs(x.unscaled);
  if (drop <= 0) return { unscaled: x.unscaled, tens: -drop, scale: s };
  // More dropped digits than the text can hold: a non-zero value rounds up to one unit, zero stays zero.
  const q = drop > MAX_QUANTITY_CHARS + 64 ? (magnitude === 0n ? 0n : 1n) : (magnitude + pow10(drop) - 1n) / pow10(drop);
  return { unscaled: x.unscaled < 0n ? -q : q, tens: 0, scale: s };
}

/** The Go unscaled integer of a Dec whose rescale is small (binary quantities). */
function unscaledOf(x: Dec): bigint {
  return x.unscaled * pow10(x.tens);
}

/** infDecAmount.AsCanonicalBytes: the mantissa text and a base-10 exponent that is a multiple of 3. */
function decCanonicalBytes(x: Dec): { number: string; exponent: number } {
  let exponent = i32(-x.scale);
  const { rest, times } = removeTens(x.unscaled);
  let amount = rest;
  exponent = i32(exponent + i32(times + x.tens));
  while (exponent % 3 !== 0) {
    amount *= 10n;
    exponent = i32(exponent - 1);
  }
  return { number: amount.toString(), exponent };
}

/** int64Amount.AsCanonicalBytes, falling back to the Dec form where apimachinery's int64 math would overflow. */
function int64CanonicalBytes(value: bigint, scale: number): { number: string; exponent: number } {
  const { rest, times } = removeTens(value);
  let exponent = i32(scale + times);
  let amount = rest;
  const r = exponent % 3;
  const factor = r === 1 || r === -2 ? 10n : r === 2 || r === -1 ? 100n : 1n;
  if (factor !== 1n) {
    amount *= factor;
    if (amount > INT64_MAX || amount < INT64_MIN) return decCanonicalBytes({ unscaled: value, tens: 0, scale: i32(-scale) });
    exponent = i32(exponent - (factor === 10n ? 1 : 2));
  }
  return { number: amount.toString(), exponent };
}

function decimalText({ number, exponent }: { number: string; exponent: number }, format: Format): string {
  if (format === 'DecimalExponent') return exponent === 0 ? number : `${number}e${exponent}`;
  // constructBytes finds no suffix past E (10^18) or below n, and apimachinery then writes none.
  return number + (DECIMAL_BY_EXPONENT.get(exponent) ?? '');
}

function binaryText(integer: bigint): string {
  let amount = integer;
  let exponent = 0;
  while (amount !== 0n && amount % 1024n === 0n && abs(amount) >= 1024n) {
    amount /= 1024n;
    exponent++;
  }
  return amount.toString() + (BINARY_BY_EXPONENT.get(exponent * 10) ?? '');
}

/**
 * Where a quantity sits in an object, which decides what the server does to it:
 * - 'ResourceList': an entry of a core/v1 ResourceList (a container's
 *   `resources.requests`/`limits`, a ResourceQuota's `hard`): defaulting
 *   rounds it up to a whole milli first (SetDefaults_ResourceList), so "0.1m"
 *   is stored as "1m" and "1500u" as "2m";
 * - 'Quantity': a plain quantity field (an emptyDir's `sizeLimit`), kept at
 *   nano precision.
 */
export type QuantityField = 'ResourceList' | 'Quantity';

/**
 * The text the API server returns for `text` in that kind of field, or
 * undefined when Kubernetes refuses it (or it is longer than
 * MAX_QUANTITY_CHARS, which the validator refuses first). That is two rounds
 * of decode (parse, defaulting) and String(): the server writes String() of
 * the decoded request to etcd and decodes that again when the object is read,
 * and one round is not always a fixed point ("2062.5Ki" → "2112000" → "2112k").
 */
export function canonicalQuantity(text: string, field: QuantityField): string | undefined {
  const key = `${field === 'ResourceList' ? 'L' : 'Q'}${text}`;
  if (known.has(key)) return known.get(key);
  const milli = field === 'ResourceList';
  const stored = serialize(text, milli);
  const result = stored === undefined ? undefined : serialize(stored, milli);
  if (known.size >= MAX_KNOWN) known.clear();
  known.set(key, result);
  return result;
}

/** Presets repeat the same few texts across thousands of templates: the answers are kept, a bounded number of them. */
const known = new Map<string, string | undefined>();
const MAX_KNOWN = 4096;

/** One round: ParseQuantity, RoundUp(Milli) when `milli`, then String(). */
function serialize(text: string, milli: boolean): string | undefined {
  if (text.length === 0 || text.length > MAX_QUANTITY_CHARS) return undefined;
  if (text === '0') return '0';
  const s = scan(text);
  if (!s) return undefined;
  const suffix = interpret(s.suffix);
  if (!suffix) return undefined;
  const { base, exponent } = suffix;
  let format = suffix.format;

  // The int64 fast path (and, with it, keeping the text as written).
  let precision: number;
  let scale = 0;
  let mantissa = 1n;
  if (format === 'BinarySI') {
    if (exponent >= 0 && s.denom.length === 0) {
      mantissa = 1n << BigInt(exponent);
      precision = 15 - s.num.length - BINARY_PRECISION[exponent]! - 1;
    } else precision = -1;
  } else {
    scale = exponent;
    precision = MAX_INT64_FACTORS - (s.num.length + s.denom.length);
  }
  if (precision >= 0) {
    scale = i32(scale - s.denom.length);
    if (scale >= -NANO_SCALE) {
      const shifted = s.num + s.denom;
      const value = BigInt(shifted);
      const product = value * mantissa;
      if (product <= INT64_MAX) {
        // RoundUp(Milli) leaves a scale of milli or coarser alone (the text with it) and rounds a finer one up.
        const rounds = milli && scale < MILLI_SCALE;
        const kept = format === 'BinarySI' ? (value & 7n) !== 0n : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
        if (kept && !rounds) return text;
        let result = s.positive ? product : -product;
        if (rounds) {
          const unit = pow10(MILLI_SCALE - scale);
          result = (product + unit - 1n) / unit;
          if (!s.positive) result = -result;
          scale = MILLI_SCALE;
        }
        if (result === 0n) return '0';
        if (format === 'BinarySI') return result > -1024n && result < 1024n ? decimalText(int64CanonicalBytes(result, 0), 'DecimalSI') : binaryText(result);
        return decimalText(int64CanonicalBytes(result, scale), format);
      }
    }
  }

  // The inf.Dec path.
  const point = s.value.indexOf('.');
  const digits = s.value.replace('.', '').replace(/^[+-]/, '');
  if (digits === '') return undefined; // inf.Dec SetString: "no digits read"
  let amount: Dec = { unscaled: BigInt(digits), tens: 0, scale: point < 0 ? 0 : s.value.length - point - 1 };
  if (base === 10) amount = { ...amount, scale: i32(amount.scale + i32(-exponent)) };
  else amount = { ...amount, unscaled: amount.unscaled << BigInt(exponent) };
  if (amount.unscaled !== 0n) amount = roundUp(amount, NANO_SCALE);
  if (format === 'BinarySI') {
    // Binary quantities have a small scale (the digits after the point), so the value is materialized.
    const value = unscaledOf(amount);
    const unit = pow10(amount.scale);
    if (value > INT64_MAX * unit) amount = { unscaled: INT64_MAX, tens: 0, scale: 0 };
    if (value > 0n && value < unit) format = 'DecimalSI';
  }
  if (milli) amount = roundUp(amount, -MILLI_SCALE);
  if (amount.unscaled === 0n) return '0';
  if (!s.positive) amount = { ...amount, unscaled: -amount.unscaled };

  if (format === 'BinarySI') {
    // Whole and at least 1024 in magnitude stays binary; otherwise decimal SI, which is exact.
    const value = unscaledOf(amount);
    const unit = pow10(amount.scale);
    if (abs(value) >= 1024n * unit && value % unit === 0n) return binaryText(value / unit);
    format = 'DecimalSI';
  }
  return decimalText(decCanonicalBytes(amount), format);
}
