/**
 * Seeded randomness for tests that generate repositories, change sets or
 * values: mulberry32, so the same seed replays the same run.
 */
import { join } from 'node:path';
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  pick<T>(list: readonly T[]): T;
  chance(p: number): boolean;
}

/** The benchmark generator's mulberry32 (bench/generate.mjs), so tests and bench/ share one seeded source. */
export const prng = ((await import(join(import.meta.dirname, '..', '..', 'bench', 'generate.mjs'))) as { prng(seed: number): Rng }).prng;

/** A value of the sealed shape (2-byte RSA length, RSA part, GCM data and tag); nothing can decrypt it. */
export function fakeSealed(r: Rng, rsaBytes = 512): string {
  const bytes = Buffer.alloc(2 + rsaBytes + 32);
  bytes.writeUInt16BE(rsaBytes, 0);
  for (let i = 2; i < bytes.length; i++) bytes[i] = r.int(256);
  return bytes.toString('base64');
}
