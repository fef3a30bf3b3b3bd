/**
 * Seeded randomness for tests that generate repositories, change sets or
 * values: mulberry32, so the same seed replays the same run.
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  pick<T>(list: readonly T[]): T;
  chance(p: number): boolean;
}

export function prng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(list: readonly T[]): T => list[int(list.length)]!, chance: (p: number) => next() < p };
}

/** A value of the sealed shape (2-byte RSA length, RSA part, GCM data and tag); nothing can decrypt it. */
export function fakeSealed(r: Rng, rsaBytes = 512): string {
  const bytes = Buffer.alloc(2 + rsaBytes + 32);
  bytes.writeUInt16BE(rsaBytes, 0);
  for (let i = 2; i < bytes.length; i++) bytes[i] = r.int(256);
  return bytes.toString('base64');
}
