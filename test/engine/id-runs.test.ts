/**
 * Numbered task ids as runs (src/engine/id-runs.ts): ids made from runs are
 * found as those runs (merged where they continue), and the runs name, find
 * and list exactly those ids; ids that cannot be in a run, or too many runs,
 * give none; a snapshot's runs are checked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRuns, IdRuns, RunTracker, splitId, type IdRun } from '../../src/engine/id-runs.ts';

/** The runs a tracker keeps for `ids` added in order (an engine's plain ids). */
function findRuns(ids: readonly string[]): IdRun[] | undefined {
  const t = new RunTracker([], 0);
  for (const id of ids) t.push(id);
  return t.runs;
}

const ids = (runs: readonly IdRun[]): string[] => runs.flatMap(([p, s, c]) => Array.from({ length: c }, (_, k) => p + String(s + k)));

/** Runs whose ids are all different: distinct prefixes (none ending in a digit), any starts and counts. */
const runsArb = fc.uniqueArray(fc.string({ maxLength: 4 }).map((p) => p.replace(/[0-9]+$/, '')), { minLength: 1, maxLength: 6 })
  .chain((prefixes) => fc.tuple(...prefixes.map((p) => fc.tuple(fc.constant(p), fc.oneof(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 1e15 - 200 })), fc.integer({ min: 1, max: 30 })))))
  .map((runs) => runs as IdRun[]);

describe('id runs', () => {
  it('split an id at its canonical decimal end, or not at all (worked values)', () => {
    expect(splitId('t42')).toEqual(['t', 42]);
    expect(splitId('0')).toEqual(['', 0]);
    expect(splitId('a#10')).toEqual(['a#', 10]);
    for (const bad of ['t', '', 't05', '00', 'x1y', '1234567890123456']) expect(splitId(bad), bad).toBeUndefined();
    expect(findRuns(['t8', 't9', 't10', 't11', '7', 't12'])).toEqual([['t', 8, 4], ['', 7, 1], ['t', 12, 1]]);
    expect(findRuns(['t99', 't100', 't1000'])).toEqual([['t', 99, 2], ['t', 1000, 1]]);
    expect(findRuns(['t1', 'a'])).toBeUndefined();
    // Past 64 runs, more than one run per 16 ids is a text.
    expect(findRuns(Array.from({ length: 64 }, (_, i) => `p${'x'.repeat(i)}0`))).toHaveLength(64);
    expect(findRuns(Array.from({ length: 65 }, (_, i) => `p${'x'.repeat(i)}0`))).toBeUndefined();
    expect(findRuns([...Array.from({ length: 1024 }, (_, i) => `q${i}`), ...Array.from({ length: 64 }, (_, i) => `p${'x'.repeat(i)}0`), 'r7'])).toHaveLength(66);
    // A tracker continues the runs it is given.
    const t = new RunTracker([['t', 0, 3]], 3);
    for (const id of ['t3', 't4', 'u1']) t.push(id);
    expect(t.runs).toEqual([['t', 0, 5], ['u', 1, 1]]);
  });

  it('find the runs ids were made of, and name, find and list those ids (property)', () => {
    fc.assert(fc.property(runsArb, fc.integer({ min: 0, max: 5 }), (runs, lead) => {
      const list = ids(runs);
      const found = findRuns(list);
      expect(found).toBeDefined();
      expect(ids(found!)).toEqual(list);
      expect(found!.length).toBeLessThanOrEqual(runs.length);
      expect(checkRuns(found, list.length)).toBeUndefined();
      // Places before `lead` name their own task; the others task 1000 + place.
      const L = Math.min(lead, list.length);
      const taskOf = Int32Array.from({ length: list.length - L }, (_, i) => 1000 + L + i);
      const table = new IdRuns(found!, L, taskOf);
      expect(table.list()).toEqual(list);
      list.forEach((id, r) => {
        expect(table.idAt(r)).toBe(id);
        expect(table.find(id)).toBe(r < L ? r : 1000 + r);
      });
      expect(table.withHash).toBe(list.filter((id) => id.includes('#')).length);
      for (const [p, s, c] of runs) {
        expect(table.find(p + String(s + c))).toBe(list.includes(p + String(s + c)) ? expect.any(Number) : -1);
        if (s > 0 && !list.includes(p + String(s - 1))) expect(table.find(p + String(s - 1))).toBe(-1);
      }
    }), { numRuns: 200 });
  });

  it('refuse runs that are not [prefix, start, count], overlap, end a prefix in a digit or miscount', () => {
    expect(checkRuns([['t', 0, 3]], 3)).toBeUndefined();
    expect(checkRuns('x', 3)).toMatch(/not a list/);
    expect(checkRuns([['t', 0]], 2)).toMatch(/not \[prefix, start, count\]/);
    expect(checkRuns([['t1', 0, 2]], 2)).toMatch(/ends in a non-digit/);
    expect(checkRuns([['t', -1, 2]], 2)).toMatch(/bad numbers/);
    expect(checkRuns([['t', 0, 0]], 0)).toMatch(/bad numbers/);
    expect(checkRuns([['t', 1e15 - 1, 2]], 2)).toMatch(/bad numbers/);
    expect(checkRuns([['t', 0, 3]], 4)).toMatch(/hold 3 ids, the columns 4/);
    expect(checkRuns([['t', 0, 3], ['u', 0, 1], ['t', 2, 1]], 5)).toMatch(/overlap/);
  });
});
