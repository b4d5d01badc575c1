import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gini, giniColumns } from '../../src/kernels/gini.ts';
import { giniColumnsReference } from '../../src/reference/gini.ts';
import { errorOf, sameBits } from './helpers.ts';

/** A rows × cols matrix of non-negative values with NaN holes (machines not up), dims included. */
const matrix = fc
  .record({ rows: fc.integer({ min: 0, max: 90 }), cols: fc.integer({ min: 0, max: 21 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      values: fc.array(fc.oneof(fc.double({ min: 0, max: 1e3, noNaN: true }), fc.constant(NaN), fc.constant(0), fc.constant(-0), fc.integer({ min: 0, max: 3 })), { minLength: rows * cols, maxLength: rows * cols }),
    }),
  );

describe('giniColumns gives the Gini of each column, NaN skipped', () => {
  it('a hand-worked 3 × 2 case', () => {
    // Rows [1, 0], [1, 2], [NaN, 1]. Column 0: [1, 1] → 0. Column 1: sorted [0, 1, 2] →
    // Σ(2i−n+1)x = −2·0 + 0·1 + 2·2 = 4, n·Σx = 3·3 = 9.
    const m = Float64Array.of(1, 0, 1, 2, NaN, 1);
    const g = giniColumns(m, 3, 2);
    expect(g[0]).toBe(0);
    expect(g[1]).toBeCloseTo(4 / 9, 15);
  });
  it('a column of NaN only and an empty matrix give 0 / nothing', () => {
    expect([...giniColumns(Float64Array.of(NaN, 3, NaN, 1), 2, 2)]).toEqual([0, giniColumns(Float64Array.of(3, 1), 2, 1)[0]]);
    expect(giniColumns(new Float64Array(0), 0, 5)).toEqual(new Float64Array(5));
    expect(giniColumns(new Float64Array(0), 4, 0)).toEqual(new Float64Array(0));
  });
  it('each column equals gini of its non-NaN entries, bit for bit, across column blocks', () => {
    fc.assert(fc.property(matrix, ({ rows, cols, values }) => {
      const m = Float64Array.from(values);
      const g = giniColumns(m, rows, cols);
      for (let c = 0; c < cols; c++) {
        const col: number[] = [];
        for (let r = 0; r < rows; r++) if (!Number.isNaN(m[r * cols + c]!)) col.push(m[r * cols + c]!);
        expect(Object.is(g[c], gini(col))).toBe(true);
      }
    }), { numRuns: 150 });
  });
});

describe('giniColumns in WebAssembly equals the reference', () => {
  it('on random matrices, exactly', () => {
    fc.assert(fc.property(matrix, ({ rows, cols, values }) => {
      const m = Float64Array.from(values);
      expect(sameBits(giniColumns(m, rows, cols), giniColumnsReference(m, rows, cols))).toBe(true);
    }), { numRuns: 200 });
  });
  it('on a 1000 × 500 matrix (the size of a replay series)', () => {
    const m = new Float64Array(1000 * 500);
    let s = 12345;
    for (let i = 0; i < m.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      m[i] = s % 17 === 0 ? NaN : (s / 2 ** 32) ** 2 * 1.3;
    }
    expect(sameBits(giniColumns(m, 1000, 500), giniColumnsReference(m, 1000, 500))).toBe(true);
  });
  it('rejects a bad entry with the same error, naming its flat index (first in row-major order)', () => {
    fc.assert(fc.property(matrix.filter(({ rows, cols }) => rows * cols > 0), fc.nat(), fc.constantFrom(Infinity, -Infinity, -1, -1e-9), ({ rows, cols, values }, at, bad) => {
      const m = Float64Array.from(values);
      const where = at % m.length;
      m[where] = bad;
      const e = errorOf(() => giniColumns(m, rows, cols));
      expect(e).toBeDefined();
      expect(e).toEqual(errorOf(() => giniColumnsReference(m, rows, cols)));
      expect(e!.message).toContain(`matrix[${where}]`);
    }), { numRuns: 100 });
  });
  it('rejects a matrix whose length is not rows × cols, in both', () => {
    const e = errorOf(() => giniColumns(new Float64Array(5), 2, 3));
    expect(e?.code).toBe('DIMENSION_MISMATCH');
    expect(e).toEqual(errorOf(() => giniColumnsReference(new Float64Array(5), 2, 3)));
    expect(errorOf(() => giniColumns(new Float64Array(0), -1, 0))?.code).toBe('INVALID_OPTION');
  });
});
