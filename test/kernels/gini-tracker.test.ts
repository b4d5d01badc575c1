import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GiniTracker, gini } from '../../src/kernels/gini.ts';
import { giniReference } from '../../src/reference/gini.ts';
import { Core } from '../../src/wasm/module.ts';
import { errorOf } from './helpers.ts';

// Values with ties, zeros and −0 among them: the merge must find a removed value among its equals.
const value = fc.oneof(fc.constantFrom(0, -0, 0.5, 1, 1e-300, 5e-324), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 5 }));
const bad = fc.constantFrom(NaN, Infinity, -Infinity, -1, -1e-9);
/** One call's change of the vector: some values set, or the length changed, or a bad value put in (refused). */
const change = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.tuple(fc.nat(), value), { maxLength: 40 }).map((set) => ({ kind: 'set' as const, set })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 400 }).map((length) => ({ kind: 'length' as const, length })) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), bad).map(([at, v]) => ({ kind: 'bad' as const, at, v })) },
);

/** Values of x whose bits differ from y's (−0 as +0), for the same length. */
function differing(x: Float64Array, y: Float64Array): number {
  let c = 0;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i]! + 0, y[i]! + 0)) c++;
  return c;
}

describe('GiniTracker equals gini on every call', () => {
  it('over random sequences of small and large changes, length changes and refused calls', () => {
    fc.assert(fc.property(fc.array(value, { minLength: 0, maxLength: 300 }), fc.array(change, { maxLength: 30 }), (start, changes) => {
      using t = new GiniTracker();
      let x = Float64Array.from(start);
      let last: Float64Array | undefined;
      const call = (): void => {
        expect(t.gini(x)).toBe(giniReference(x));
        expect(t.gini(x)).toBe(gini(x)); // the same values again: nothing changed
        expect(t.changed).toBe(0);
        last = x.slice();
      };
      call();
      for (const c of changes) {
        if (c.kind === 'bad') {
          const y = x.slice();
          if (y.length === 0) continue;
          const at = c.at % y.length;
          y[at] = c.v;
          const e = errorOf(() => t.gini(y));
          expect(e).toEqual(errorOf(() => gini(y)));
          expect(e!.message).toContain(`values[${at}]`);
          // Refused: the next call compares with the last good one.
          const g = t.gini(x);
          expect(g).toBe(gini(x));
          expect(t.changed).toBe(0);
          continue;
        }
        const y = c.kind === 'length' ? Float64Array.from({ length: c.length }, (_, i) => x[i % Math.max(1, x.length)] ?? 0) : x.slice();
        if (c.kind === 'set' && y.length > 0) for (const [i, v] of c.set) y[i % y.length] = v;
        const g = t.gini(y);
        expect(g).toBe(giniReference(y));
        const d = differing(y, last!);
        // A quarter or fewer changed, of as many values as last time: merged (the count of them); else sorted again.
        expect(t.changed).toBe(y.length === last!.length && d <= y.length >> 2 ? d : -1);
        x = y;
        last = y.slice();
      }
    }), { numRuns: 300 });
  });

  it('on 10^5 values where a few change per call (the merge), and then most of them (a sort)', () => {
    let s = 12345;
    const next = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const x = Float64Array.from({ length: 100_000 }, () => Math.floor(next() * 1000) / 997);
    using t = new GiniTracker();
    expect(t.gini(x)).toBe(gini(x));
    expect(t.changed).toBe(-1);
    for (let call = 0; call < 20; call++) {
      for (let k = 0; k < 50; k++) x[Math.floor(next() * x.length)] = Math.floor(next() * 1000) / 997;
      expect(t.gini(x)).toBe(gini(x));
      expect(t.changed).toBeGreaterThan(0);
      expect(t.changed).toBeLessThanOrEqual(50);
    }
    for (let i = 0; i < x.length; i += 2) x[i] = next();
    expect(t.gini(x)).toBe(gini(x));
    expect(t.changed).toBe(-1);
  });

  it('hand-worked: [0.1, 0.2, 0.3, 0.9] then the 0.9 made 0.1 and a 0.1 made 0.9 (the same multiset)', () => {
    using t = new GiniTracker();
    // Σ(2i−n+1)x = −3·0.1 −1·0.2 + 1·0.3 + 3·0.9 = 2.5; n·Σx = 4·1.5 = 6. Four values: a change of one
    // is a quarter (merged).
    expect(t.gini([0.9, 0.1, 0.3, 0.2])).toBe(gini([0.9, 0.1, 0.3, 0.2]));
    expect(t.gini([0.9, 0.1, 0.3, 0.2])).toBeCloseTo(2.5 / 6, 15);
    expect(t.gini([0.9, 0.1, 0.3, 0.1])).toBe(gini([0.1, 0.1, 0.3, 0.9]));
    expect(t.changed).toBe(1);
    expect(t.gini([0.1, 0.9, 0.3, 0.1])).toBe(gini([0.1, 0.1, 0.3, 0.9]));
    expect(t.changed).toBe(-1); // two of four: past a quarter
  });

  it('lives in a given core beside other kernels, and refuses calls once closed', () => {
    const core = new Core();
    const a = new GiniTracker({ core }), b = new GiniTracker({ core });
    expect(a.gini([1, 2, 3])).toBe(gini([1, 2, 3]));
    expect(b.gini([5, 0, 0, 0, 0])).toBe(gini([5, 0, 0, 0, 0]));
    expect(a.gini([1, 2, 4])).toBe(gini([1, 2, 4]));
    a.close();
    expect(errorOf(() => a.gini([1]))?.code).toBe('INVALID_OPTION');
    expect(b.gini([5, 1, 0, 0, 0])).toBe(gini([5, 1, 0, 0, 0]));
    b.close();
  });
});
