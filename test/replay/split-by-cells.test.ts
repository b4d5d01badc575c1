// Splitting a replay by cells and merging gives the bytes of one full run.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeRuns, prepareReplay, simulate, simulateCells } from '../../src/systems/giantvm/replay.ts';
import { POLICIES } from '../../src/systems/giantvm/types.ts';
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
