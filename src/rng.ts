/**
 * fairfit's seeded PRNG: xoshiro128** seeded by splitmix32, 32-bit integer
 * maths only (no BigInt), mirrored bit for bit by `assembly/rng.ts` so the
 * TypeScript reference and the WebAssembly core draw the same numbers.
 *
 * @module
 */
import { FairfitError, shown } from './errors.ts';

/** Smallest seed taken: −2^31, the smallest 32-bit signed integer. */
export const SEED_MIN = -(2 ** 31);
/** Largest seed taken: 2^32 − 1. The generators keep a seed's low 32 bits, so a larger one would silently be another seed's twin. */
export const SEED_MAX = 2 ** 32 - 1;

/**
 * Throws `INVALID_OPTION` naming `field` unless `value` is an integer in
 * [{@link SEED_MIN}, {@link SEED_MAX}]. Negative seeds are taken as their
 * 32-bit pattern (−1 draws what 4294967295 draws), as they always were.
 */
export function checkSeed(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < SEED_MIN || value > SEED_MAX) {
    throw new FairfitError('INVALID_OPTION', `${field} must be an integer in [${SEED_MIN}, ${SEED_MAX}] (seeds are 32 bits), got ${shown(value)}`, { field });
  }
  return value;
}

/** A seeded, reproducible random number generator (xoshiro128**). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * `seed` an integer in [−2^31, 2^32 − 1]; the same seed always gives the same sequence.
   * @throws FairfitError `INVALID_OPTION` otherwise (NaN, 'x' and 2^32 all drew seed 0's numbers).
   */
  constructor(seed: number) {
    let s = checkSeed(seed, 'seed') >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c = (this.c ^ this.a) >>> 0;
    this.d = (this.d ^ this.b) >>> 0;
    this.b = (this.b ^ this.c) >>> 0;
    this.a = (this.a ^ this.d) >>> 0;
    this.c = (this.c ^ t) >>> 0;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * Uniform integer in [0, n) for 0 < n ≤ 2^32 (multiply-shift, no modulo bias worth noting for n ≪ 2^32).
   * @throws FairfitError `INVALID_OPTION` for another n (−5 gave −3, NaN gave NaN).
   */
  below(n: number): number {
    if (typeof n !== 'number' || !(n > 0 && n <= 4294967296)) throw new FairfitError('INVALID_OPTION', `n must be a number in (0, 2^32], got ${shown(n)}`, { field: 'n' });
    return Math.floor(this.next() * n);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
