import { describe, expect, it } from 'vitest';
import { gini } from '../../src/kernels/gini.ts';

describe('gini gives the thesis values', () => {
  it('all ones → 0', () => expect(gini(new Array(100).fill(1))).toBe(0));
  it('one 1 among 1000 zeros → 1000/1001', () => {
    const x = new Float64Array(1001);
    x[500] = 1;
    expect(gini(x)).toBeCloseTo(1000 / 1001, 14);
  });
});
