/**
 * Random Kubernetes quantities in every spelling the grammar allows (signs,
 * leading zeros, fractions, every suffix, exponents), for property tests and
 * for the API server oracle (test/k8s/quantities.test.ts). Non-negative, with
 * exponents small enough that the API server does no huge arithmetic.
 */
import { prng, type Rng } from '../support/random.js';

export { prng, type Rng };

const SUFFIXES = ['', '', '', 'n', 'u', 'm', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Mi', 'Gi', 'Gi', 'Ti', 'Pi', 'Ei'];

function digits(r: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += r.next() < 0.35 ? '0' : String(r.int(10));
  return s;
}

/** A quantity text such as "1536Mi", "+007.250k", "12e-4", ".5", "1000000000000000000000". */
export function randomQuantity(r: Rng): string {
  let s = r.next() < 0.1 ? '+' : '';
  if (r.next() < 0.15) s += '0'.repeat(1 + r.int(3));
  const whole = r.next() < 0.75 ? 1 + r.int(5) : r.int(22);
  const fraction = r.next() < 0.6 ? 0 : r.next() < 0.8 ? 1 + r.int(4) : r.int(14);
  s += digits(r, whole);
  if (fraction > 0 || (whole > 0 && r.next() < 0.05)) s += `.${digits(r, fraction)}`;
  if (!/[0-9]/.test(s)) s += '1';
  if (r.next() < 0.2) {
    const sign = ['', '', '+', '-'][r.int(4)]!;
    s += `${r.next() < 0.5 ? 'e' : 'E'}${sign}${r.next() < 0.1 ? '0' : ''}${r.int(r.next() < 0.8 ? 25 : 40)}`;
  } else s += SUFFIXES[r.int(SUFFIXES.length)]!;
  return s;
}
