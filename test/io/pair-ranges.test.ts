/**
 * The spilling reader's identities (src/io/google/pair-ranges.ts): dense ids
 * by job runs equal a Map's ids in order of first appearance, whatever the
 * order of jobs and indexes; the open id → slot map equals a Map through any
 * sequence of opens and closes (deletion by backward shift across growths).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OpenSlots, PairRanges } from '../../src/io/google/pair-ranges.ts';

/** The reference: a Map of "job|index" keys, ids in order of first appearance. */
function referenceIds(pairs: [number, number][]): number[] {
  const m = new Map<string, number>();
  return pairs.map(([j, i]) => {
    const k = `${Object.is(j, -0) ? 0 : j}|${i}`;
    let id = m.get(k);
    if (id === undefined) m.set(k, (id = m.size));
    return id;
  });
}

describe('PairRanges', () => {
  it('gives the ids of first appearance for any order of pairs (property)', () => {
    const job = fc.oneof(fc.integer({ min: 0, max: 6 }).map((j) => 6e9 + j), fc.constantFrom(0, -0, 2 ** 53 - 1, 1.5, -7));
    const index = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom(-2147483648, 2147483647));
    fc.assert(
      fc.property(fc.array(fc.tuple(job, index), { minLength: 1, maxLength: 300, size: 'large' }), (pairs) => {
        const r = new PairRanges();
        expect(pairs.map(([j, i]) => r.id(j, i))).toEqual(referenceIds(pairs));
        expect(r.count).toBe(new Set(referenceIds(pairs)).size);
      }),
      { numRuns: 300 },
    );
  });

  it('holds a job submitted as one burst as one run: jobs grow, the overflow does not', () => {
    const r = new PairRanges();
    const pairs: [number, number][] = [];
    // 5,000 jobs of 1–40 tasks each, each job's tasks first seen in index order, then events again.
    for (let j = 0; j < 5000; j++) for (let i = 0; i < 1 + (j % 40); i++) pairs.push([6e9 + j * 3, i]);
    for (let j = 0; j < 5000; j += 7) pairs.push([6e9 + j * 3, j % 40]);
    expect(pairs.map(([j, i]) => r.id(j, i))).toEqual(referenceIds(pairs));
    expect(r.jobs).toBe(5000);
    expect(r.overflow).toBe(0);
  });

  it('puts a task seen out of its job run in the overflow, and finds it there again', () => {
    const r = new PairRanges();
    expect(r.id(10, 0)).toBe(0);
    expect(r.id(10, 1)).toBe(1);
    expect(r.id(20, 0)).toBe(2);
    expect(r.id(10, 2)).toBe(3); // after another job's new task: not id 2, so not in job 10's run
    expect(r.id(10, 5)).toBe(4); // out of index order
    expect(r.overflow).toBe(2);
    expect([r.id(10, 5), r.id(10, 2), r.id(10, 1), r.id(20, 0)]).toEqual([4, 3, 1, 2]);
    expect(r.count).toBe(5);
  });

  it('grows its tables past thousands of jobs and overflow pairs', () => {
    const r = new PairRanges();
    const pairs: [number, number][] = [];
    // Two jobs' tasks alternate: every second task of each overflows.
    for (let j = 0; j < 3000; j += 2) for (let i = 0; i < 6; i++) pairs.push([j, i], [j + 1, i]);
    expect(pairs.map(([j, i]) => r.id(j, i))).toEqual(referenceIds(pairs));
    expect(r.overflow).toBeGreaterThan(3000);
    expect(pairs.map(([j, i]) => r.id(j, i))).toEqual(referenceIds(pairs));
  });

  it('refuses a task index that is not an int32, naming the field', () => {
    expect(() => new PairRanges().id(1, 2 ** 31)).toThrow(/task index/);
  });
});

describe('OpenSlots', () => {
  it('equals a Map through any sequence of opens and closes (property)', () => {
    // Ids drawn at random over the int range collide and form clusters (consecutive ids would be
    // spread evenly by the multiplicative hash, and deletion inside a cluster never tried).
    const pool = fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 31 - 2 }), { minLength: 20, maxLength: 120 });
    const ops = fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.nat(1000)), { minLength: 300, maxLength: 1500 });
    fc.assert(
      fc.property(pool, ops, (ids, seq) => {
        const slots = new OpenSlots();
        const ref = new Map<number, number>();
        for (const [n, [open, k, slot]] of seq.entries()) {
          const id = ids[k % ids.length]!;
          if (open && !ref.has(id)) {
            slots.set(id, slot);
            ref.set(id, slot);
          } else if (!open && ref.has(id)) {
            slots.delete(id);
            ref.delete(id);
          }
          expect(slots.get(id)).toBe(ref.get(id) ?? -1);
          if (n % 25 === 0) for (const i of ids) expect(slots.get(i)).toBe(ref.get(i) ?? -1);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps its size to the ids open at once, however many pass through', () => {
    const slots = new OpenSlots();
    for (let id = 0; id < 200_000; id++) {
      slots.set(id, id % 97);
      if (id >= 30) slots.delete(id - 30);
    }
    for (let id = 200_000 - 30; id < 200_000; id++) expect(slots.get(id)).toBe(id % 97);
    expect(slots.get(200_000 - 31)).toBe(-1);
    expect(slots.capacity).toBeLessThanOrEqual(128);
  });
});
