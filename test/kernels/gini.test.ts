import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gini } from '../../src/kernels/gini.ts';
import { giniReference } from '../../src/reference/gini.ts';
import { errorOf } from './helpers.ts';
import { Rng } from '../../src/rng.ts';

const values = fc.array(fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(0), fc.integer({ min: 0, max: 5 })), { maxLength: 300 });


describe('gini gives the thesis values (SPEC §2)', () => {
  it('all ones → 0', () => expect(gini(new Array(100).fill(1))).toBe(0));
  it('one 1 among 1000 zeros → 1000/1001', () => {
    const x = new Float64Array(1001);
    x[500] = 1;
    expect(gini(x)).toBeCloseTo(1000 / 1001, 14);
  });
  it('uniform on [0, 1] → ≈ 1/3', () => {
    const r = new Rng(3);
    const x = Float64Array.from({ length: 200_000 }, () => r.next());
    expect(gini(x)).toBeCloseTo(1 / 3, 2);
  });
  it('empty, single, all-zero and all-equal inputs → 0', () => {
    expect(gini([])).toBe(0);
    expect(gini([7])).toBe(0);
    expect(gini(new Float64Array(50))).toBe(0);
    expect(gini([2.5, 2.5, 2.5, 2.5])).toBe(0);
  });
  it('a hand-worked case: [0.1, 0.2, 0.3, 0.9] → 0.41666…', () => {
    // Σ(2i−n+1)x = −3·0.1 −1·0.2 + 1·0.3 + 3·0.9 = 2.5; n·Σx = 4·1.5 = 6.
    expect(gini([0.9, 0.1, 0.3, 0.2])).toBeCloseTo(2.5 / 6, 15);
  });
});

describe('gini in WebAssembly equals the reference', () => {
  it('on random non-negative inputs, exactly', () => {
    fc.assert(fc.property(values, (x) => {
      expect(gini(x)).toBe(giniReference(x));
    }), { numRuns: 300 });
  });
  it('on 10^6 values', () => {
    const r = new Rng(11);
    const x = Float64Array.from({ length: 1_000_000 }, () => r.next() ** 3 * 100);
    expect(gini(x)).toBe(giniReference(x));
  });
  it('with -0, subnormals and huge values mixed in', () => {
    const x = [-0, 0, 5e-324, 1e300, 1, 1e-300, 2];
    expect(gini(x)).toBe(giniReference(x));
  });
  it('rejects bad input with the same error as the reference', () => {
    fc.assert(fc.property(values, fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity, -1, -1e-9), (x, at, bad) => {
      const y = [...x];
      const where = at % (y.length + 1);
      y.splice(where, 0, bad);
      const e = errorOf(() => gini(y));
      expect(e).toBeDefined();
      expect(e).toEqual(errorOf(() => giniReference(y)));
      expect(e!.message).toContain(`values[${where}]`);
    }), { numRuns: 100 });
  });
});

describe('gini invariants', () => {
  it('lies in [0, 1 − 1/n], ignores order and scale', () => {
    // Subnormals would underflow to 0 when scaled: keep to normal values here.
    const normal = values.map((x) => x.map((v) => (v < 1e-100 ? 0 : v))).filter((x) => x.length > 0);
    fc.assert(fc.property(normal, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (x, k) => {
      const g = gini(x);
      expect(g).toBeGreaterThanOrEqual(-1e-12);
      expect(g).toBeLessThanOrEqual(1 - 1 / x.length + 1e-12);
      expect(gini([...x].reverse())).toBe(g);
      expect(gini(x.map((v) => v * k))).toBeCloseTo(g, 9);
    }), { numRuns: 200 });
  });
  it('names NaN, negatives and infinities by index', () => {
    expect(() => gini([1, NaN])).toThrow(/values\[1\] must be a finite number/);
    expect(() => gini([1, 2, -3])).toThrow(/values\[2\] must be ≥ 0/);
    expect(() => gini([Infinity])).toThrow(expect.objectContaining({ code: 'NOT_FINITE' }));
  });
});

describe('inputs that are no array', () => {
  it('are INVALID_OPTION naming values (or matrix), not a TypeError, in the kernel and the reference', () => {
    for (const bad of [null, undefined, 5, 'x']) {
      for (const f of [gini, giniReference]) expect(errorOf(() => f(bad as never)), String(bad)).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/^values must/) });
    }
  });
  it('nor is an array-like of a length no array has (1e10 was a RangeError from the reference\'s copy; found by an API fuzz)', () => {
    for (const length of [1e10, 2 ** 32 + 1]) {
      for (const f of [gini, giniReference]) expect(errorOf(() => f({ length } as never)), String(length)).toEqual({ code: 'INVALID_OPTION', message: `values must be an array of numbers, got an object of length ${length}` });
    }
  });
  it("an array-like of 2^32 values, whose copy does not fit, is OUT_OF_MEMORY in both (the reference's was a RangeError)", () => {
    const huge = { length: 2 ** 32, 0: 1 } as never;
    for (const f of [gini, giniReference]) {
      const e = errorOf(() => f(huge));
      // A machine that can allocate 32 GiB gets as far as values[1], undefined.
      expect(e?.code === 'OUT_OF_MEMORY' || /^values\[1\]/.test(e?.message ?? ''), `${f.name}: ${e?.code} ${e?.message}`).toBe(true);
    }
  });
});
