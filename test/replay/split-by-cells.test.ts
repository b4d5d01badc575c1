// Splitting a replay by cells and merging gives the bytes of one full run.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeRuns, picksFor, prepareReplay, simulate, simulateCells, withoutSeries } from '../../src/systems/giantvm/replay.ts';
import { splitCells } from '../../src/systems/giantvm/cell-parts.ts';
import { POLICIES } from '../../src/systems/giantvm/types.ts';
import { NPT } from '../../src/systems/giantvm/merge.ts';
import { FairfitError } from '../../src/errors.ts';
import { randomTrace } from './helpers.ts';

describe('simulateCells + mergeRuns', () => {
  it('1 part and 3 parts give identical JSON for every policy', () => {
    const input = randomTrace(7, { tasks: 400, seconds: 600, windows: 0.7, windowSeconds: 60, maxRequest: 0.3 });
    for (const policy of POLICIES) {
      const prep = prepareReplay(input, { policy, machines: 24, usage: 'trace', interval: 5 });
      expect(prep.cells).toBe(6);
      const one = JSON.stringify(mergeRuns(prep, [simulateCells(prep)]));
      const three = JSON.stringify(mergeRuns(prep, [
        simulateCells(prep, { first: 0, count: 1 }), simulateCells(prep, { first: 1, count: 3 }), simulateCells(prep, { first: 4, count: 2 }),
      ]));
      expect(three).toBe(one);
      expect(JSON.stringify(simulate(input, { policy, machines: 24, usage: 'trace', interval: 5 }))).toBe(one);
    }
  });

  it('withoutSeries: parts carry no point sums, the run the same metrics and info with series {} (unless Gini series-mean needs the points)', () => {
    const input = randomTrace(11, { tasks: 300, seconds: 900, windows: 0.6, windowSeconds: 60, maxRequest: 0.4 });
    for (const gini of ['time-mean', 'series-mean'] as const) {
      for (const policy of ['no_migration', 'cpu_usage', 'coarse_grained'] as const) {
        const prep = prepareReplay(input, { policy, machines: 16, usage: 'trace', interval: 5, gini });
        expect(prep.points).toBeGreaterThan(16); // more points than the kernel's ring holds
        const full = mergeRuns(prep, [simulateCells(prep, { first: 0, count: 2 }), simulateCells(prep, { first: 2, count: 2 })]);
        const lean = withoutSeries(prep);
        const parts = [simulateCells(lean, { first: 0, count: 2 }), simulateCells(lean, { first: 2, count: 2 })];
        const keeps = gini === 'series-mean';
        for (const part of parts) {
          expect(part.cellPt.length).toBe(keeps ? part.count * prep.points * NPT : 0);
          expect(part.machPt.length).toBe(keeps ? part.machines * prep.points : 0);
        }
        const run = mergeRuns(lean, parts);
        expect(run.metrics).toEqual(full.metrics);
        expect(run.info).toEqual(full.info);
        expect(run.series).toEqual(keeps ? full.series : {});
        expect(Object.keys(full.series).length).toBeGreaterThan(0);
      }
    }
  });

  it('any partition into contiguous ranges gives the same bytes (machine events included)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9999 }), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 8 }), fc.constantFrom(...POLICIES), (seed, sizes, policy) => {
      const input = randomTrace(seed, { tasks: 120, seconds: 200, windows: 0.5, windowSeconds: 20, traceMachines: 15, maxRequest: 0.3 });
      const prep = prepareReplay(input, { policy, machines: 'trace', cellSize: 3, interval: 4, seed });
      const parts = [];
      for (let c = 0, i = 0; c < prep.cells; i++) {
        const count = Math.min(sizes[i % sizes.length]!, prep.cells - c);
        parts.push(simulateCells(prep, { first: c, count }));
        c += count;
      }
      expect(JSON.stringify(mergeRuns(prep, parts))).toBe(JSON.stringify(mergeRuns(prep, [simulateCells(prep)])));
    }), { numRuns: 25 });
  });

  it('rejects parts out of order, overlapping or missing cells, and ranges outside the replay', () => {
    const input = randomTrace(3, { tasks: 50, seconds: 100 });
    const prep = prepareReplay(input, { machines: 12 });
    const a = simulateCells(prep, { first: 0, count: 1 }), b = simulateCells(prep, { first: 1, count: 2 });
    const code = (f: () => unknown): string | undefined => { try { f(); } catch (e) { return e instanceof FairfitError ? e.code : 'other'; } return undefined; };
    expect(code(() => mergeRuns(prep, [b, a]))).toBe('INVALID_OPTION');
    expect(code(() => mergeRuns(prep, [a]))).toBe('INVALID_OPTION');
    expect(code(() => mergeRuns(prep, [a, a, b]))).toBe('INVALID_OPTION');
    expect(code(() => simulateCells(prep, { first: 2, count: 2 }))).toBe('INVALID_OPTION');
    expect(code(() => simulateCells(prep, { first: -1, count: 1 }))).toBe('INVALID_OPTION');
  });

  it('the prepared replay survives structuredClone (it goes to worker threads) and still gives the same run', () => {
    const input = randomTrace(11, { tasks: 200, seconds: 300, windows: 1 });
    const prep = prepareReplay(input, { policy: 'mem_usage', machines: 16 });
    const clone = structuredClone(prep);
    const parts = [simulateCells(clone, { first: 0, count: 2 }), structuredClone(simulateCells(clone, { first: 2, count: 2 }))];
    expect(JSON.stringify(mergeRuns(prep, parts))).toBe(JSON.stringify(mergeRuns(prep, [simulateCells(prep)])));
  });
});

describe('picksFor', () => {
  it("gives each range of a split the tasks on its machines, in task order — what one scan a range gives; undefined for a range of every machine", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 12 }), (seed, machines, cellSize, parts) => {
      const input = randomTrace(seed, { tasks: 150, seconds: 300, windows: 0, windowSeconds: 60, maxRequest: 0.3 });
      const prep = prepareReplay(input, { policy: 'fine_grained', machines, cellSize, usage: 'request' });
      const ranges = splitCells(prep.cells, parts);
      const picks = picksFor(prep, ranges);
      expect(picks).toHaveLength(ranges.length);
      ranges.forEach((r, i) => {
        const m0 = r.first * cellSize, m1 = Math.min((r.first + r.count) * cellSize, machines);
        if (m0 === 0 && m1 === machines) return expect(picks[i]).toBeUndefined();
        const expected = [...prep.tasks.machine.keys()].filter((j) => prep.tasks.machine[j]! >= m0 && prep.tasks.machine[j]! < m1);
        expect([...picks[i]!]).toEqual(expected);
      });
    }), { numRuns: 60 });
  });
});
