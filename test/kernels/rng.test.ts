import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, SEED_MAX, SEED_MIN } from '../../src/rng.ts';
import { withScratch } from '../../src/wasm/module.ts';

function wasmDraws(seed: number, n: number): Float64Array {
  return withScratch((core) => {
    const state = core.alloc(16);
    const out = core.alloc(n * 8);
    core.exports.rngFill(seed, n, state, out);
    return core.f64(out, n).slice();
  });
}

describe('the WebAssembly PRNG draws exactly what the TypeScript one draws', () => {
  it('for any seed', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
      const r = new Rng(seed);
      const ts = Float64Array.from({ length: 64 }, () => r.next());
      expect(wasmDraws(seed, 64)).toEqual(ts);
    }), { numRuns: 200 });
  });
  it('draws look uniform (mean ≈ 0.5, all in [0, 1))', () => {
    const x = wasmDraws(7, 100_000);
    let s = 0;
    let outside = 0;
    for (const v of x) { if (!(v >= 0 && v < 1)) outside++; s += v; }
    expect(outside).toBe(0);
    expect(Math.abs(s / x.length - 0.5)).toBeLessThan(0.01);
  });
  it('drawn in chunks (rngFill, then rngFillNext): the same sequence as in one call', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 6 }), (seed, chunks) => {
      const n = chunks.reduce((a, b) => a + b, 0);
      const got = withScratch((core) => {
        const state = core.alloc(16), out = core.alloc(Math.max(1, n) * 8);
        let at = 0;
        for (const [k, c] of chunks.entries()) {
          if (k === 0) core.exports.rngFill(seed, c, state, out);
          else core.exports.rngFillNext(c, state, out + at * 8);
          at += c;
        }
        return core.f64(out, n).slice();
      });
      expect(got).toEqual(wasmDraws(seed, n));
    }), { numRuns: 200 });
  });
  it('different seeds give different sequences', () => {
    expect(wasmDraws(1, 8)).not.toEqual(wasmDraws(2, 8));
  });
});

describe('the TypeScript PRNG refuses what it cannot draw from', () => {
  it('a seed that is not a 32-bit integer (NaN, "x" and 2^32 drew seed 0\'s numbers) and a bound outside (0, 2^32] (−5 gave −3, NaN gave NaN)', () => {
    for (const seed of [NaN, 'x', 2 ** 32, 1.5, -(2 ** 31) - 1, null]) {
      expect(() => new Rng(seed as number)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'seed' } }));
    }
    const r = new Rng(7);
    for (const n of [-5, 0, NaN, 2 ** 32 + 1, Infinity, '3']) expect(() => r.below(n as number)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'n' } }));
    // A refusal draws nothing; the bounds themselves draw.
    expect(r.below(2 ** 32)).toBe(new Rng(7).below(2 ** 32));
    expect([new Rng(SEED_MIN).below(10), new Rng(SEED_MAX).below(10)].every(Number.isInteger)).toBe(true);
  });
});
