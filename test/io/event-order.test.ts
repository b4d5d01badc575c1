/**
 * `timeOrder` is a stable sort by time (checked against a comparator sort on
 * random keys with many ties, over several digit widths), and `mergeStreams`
 * visits events in (time, task, rank) order.
 */
import { describe, expect, it } from 'vitest';
import { mergeStreams, timeOrder } from '../../src/io/event-order.ts';
import { Rng } from '../../src/rng.ts';

function reference(keys: Float64Array, items: number[]): number[] {
  return items.map((it, k) => [it, k] as const).sort((x, y) => keys[x[0]]! - keys[y[0]]! || x[1] - y[1]).map((x) => x[0]);
}

describe('timeOrder', () => {
  it('equals a stable comparator sort, ties in the given order, for keys of 1 to 4 digits', () => {
    const rng = new Rng(5);
    const base = 600e6;
    for (const range of [10, 70_000, 2 ** 40, 2 ** 52]) {
      const n = 5000;
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = base + Math.floor(rng.next() * rng.next() * range); // skewed: ties near 0
      const all = Array.from({ length: n }, (_, i) => i);
      expect(Array.from(timeOrder(keys, n, base)!)).toEqual(reference(keys, all));
      const some = all.filter(() => rng.next() < 0.5).reverse(); // an item list not in index order
      expect(Array.from(timeOrder(keys, Uint32Array.from(some), base)!)).toEqual(reference(keys, some));
    }
  });

  it('returns null when the items are already in order', () => {
    expect(timeOrder(Float64Array.from([3, 3, 5, 9]), 4, 0)).toBeNull();
    expect(timeOrder(Float64Array.from([9, 3, 5]), Uint32Array.from([1, 2, 0]), 0)).toBeNull();
  });
});

describe('mergeStreams', () => {
  it('visits the events of all streams by time, then task, then rank', async () => {
    const a = { n: 3, order: null, times: Float64Array.from([1, 5, 5]), tasks: Int32Array.from([0, 1, 2]), rank: 0, rankByItem: false };
    const b = { n: 3, order: Uint32Array.from([2, 0, 1]), times: Float64Array.from([5, 7, 1]), tasks: null, rank: 1, rankByItem: false };
    const c = { n: 2, order: null, times: Float64Array.from([5, 5]), tasks: Int32Array.from([1, 1]), rank: 2, rankByItem: true };
    const seen: string[] = [];
    await mergeStreams([a, b, c], (s, it) => void seen.push(`${'abc'[s]}${it}`));
    // time 1: a0 (task 0), b2 (task 2); time 5: b0 (task 0), a1 (task 1, rank 0), c0 (rank 2), c1 (rank 3), a2 (task 2); time 7: b1
    expect(seen).toEqual(['a0', 'b2', 'b0', 'a1', 'c0', 'c1', 'a2', 'b1']);
  });
});
