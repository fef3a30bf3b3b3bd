/**
 * A small seeded PRNG (mulberry32) so every generated document can be
 * replayed from its seed: MCPO_FUZZ_SEED picks another seed.
 */
export const DEFAULT_SEED = 0x5eed_c0de;

export function fuzzSeed(): number {
  const fromEnv = process.env.MCPO_FUZZ_SEED;
  if (fromEnv === undefined || fromEnv === '') return DEFAULT_SEED;
  const n = Number(fromEnv);
  if (!Number.isSafeInteger(n)) throw new Error(`MCPO_FUZZ_SEED must be an integer, got ${JSON.stringify(fromEnv)}`);
  return n >>> 0;
}

export class Rng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight: [[weight, value], ...]. */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    const total = items.reduce((s, [w]) => s + w, 0);
    let r = this.next() * total;
    for (const [w, v] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1]![1];
  }

  /** A derived generator, so one document's randomness does not shift the others'. */
  fork(salt: number): Rng {
    return new Rng((Math.imul(this.seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(salt + 1, 0xc2b2ae35)) >>> 0);
  }
}
