/**
 * Which configurations run together (src/systems/giantvm/policy-groups.ts): under synthetic usage a
 * policy group's configurations run in lockstep (one draw for all); on a pool with fewer groups
 * than two a worker, each group is cut into as few chunks as give every worker as many.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lockstepChunks, lockstepGroups } from '../../src/systems/giantvm/policy-groups.ts';
import { defaultParams } from '../../src/systems/giantvm/replay.ts';
import { POLICIES } from '../../src/systems/giantvm/types.ts';

describe('lockstepChunks', () => {
  it('worked values', () => {
    // All eight policies on 2 workers: 2 chunks of 4 (two draws, not eight).
    expect(lockstepChunks([{ first: 0, count: 8 }], 2)).toEqual([{ first: 0, count: 4 }, { first: 4, count: 4 }]);
    // Two groups on 2 workers: whole groups.
    expect(lockstepChunks([{ first: 0, count: 8 }, { first: 8, count: 8 }], 2)).toEqual([{ first: 0, count: 8 }, { first: 8, count: 8 }]);
    // Three groups on 2 workers: each in 2 chunks, 3 a worker.
    expect(lockstepChunks([{ first: 0, count: 8 }, { first: 8, count: 8 }, { first: 16, count: 8 }], 2).map((c) => c.count)).toEqual([4, 4, 4, 4, 4, 4]);
    // One policy on 3 workers: one chunk (never an empty one).
    expect(lockstepChunks([{ first: 0, count: 1 }], 3)).toEqual([{ first: 0, count: 1 }]);
    expect(lockstepChunks([{ first: 0, count: 8 }], 3).map((c) => c.count)).toEqual([2, 3, 3]);
  });

  it('covers every configuration once, in order, inside its group; chunks of a group differ by at most one', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 8 }), (sizes, workers) => {
      const groups = sizes.map((count, i) => ({ first: sizes.slice(0, i).reduce((a, b) => a + b, 0), count }));
      const chunks = lockstepChunks(groups, workers);
      let next = 0;
      for (const c of chunks) {
        expect(c.first).toBe(next);
        expect(c.count).toBeGreaterThan(0);
        const g = groups.find((x) => c.first >= x.first && c.first < x.first + x.count)!;
        expect(c.first + c.count).toBeLessThanOrEqual(g.first + g.count);
        next += c.count;
      }
      expect(next).toBe(sizes.reduce((a, b) => a + b, 0));
      for (const g of groups) {
        const mine = chunks.filter((c) => c.first >= g.first && c.first < g.first + g.count).map((c) => c.count);
        expect(Math.max(...mine) - Math.min(...mine)).toBeLessThanOrEqual(1);
      }
      // When no group is cut short by its size, every worker gets as many chunks.
      if (groups.every((g) => g.count >= workers)) expect(chunks.length % workers).toBe(0);
    }), { numRuns: 200 });
  });
});

describe('lockstepGroups', () => {
  it('policy groups under synthetic usage; single configurations under any other usage', () => {
    const syn = POLICIES.map((policy) => defaultParams({ usage: 'synthetic', policy }));
    const req = POLICIES.slice(0, 3).map((policy) => defaultParams({ usage: 'request', policy }));
    const other = POLICIES.slice(0, 2).map((policy) => defaultParams({ usage: 'synthetic', machines: 50, policy }));
    expect(lockstepGroups([...syn, ...req, ...other])).toEqual([
      { first: 0, count: 8 }, { first: 8, count: 1 }, { first: 9, count: 1 }, { first: 10, count: 1 }, { first: 11, count: 2 },
    ]);
  });
});
