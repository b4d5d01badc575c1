/**
 * How many parts a configuration runs in on a pool (`balancedParts`,
 * src/systems/giantvm/schedule.ts): the size's count, rounded up so that every
 * worker gets as many parts, never past the cap, never by a pool's size or
 * more. Worked values, then the rule for any input (property). That the part
 * count never changes a run's JSON is tested with the replays themselves
 * (test/replay/spilled-prepare.test.ts: 1 and 15 parts a configuration, 1 and 2 workers).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { balancedParts, PART_TUNING } from '../../src/systems/giantvm/schedule.ts';

describe('balancedParts', () => {
  it('worked values', () => {
    expect(balancedParts(3, 1, 2)).toBe(4); // one policy, 614k tasks, 2 workers
    expect(balancedParts(2, 1, 2)).toBe(2);
    expect(balancedParts(3, 8, 2)).toBe(3); // all eight: 24 parts already share out evenly
    expect(balancedParts(1, 3, 2)).toBe(2); // three small configurations: 6 parts, 3 a worker
    expect(balancedParts(5, 1, 4)).toBe(8);
    expect(balancedParts(PART_TUNING.maxParts, 1, 3)).toBe(PART_TUNING.maxParts); // the cap holds
    expect(balancedParts(7, 1, 1)).toBe(7);
  });

  it('rounds up by less than the workers, to the cap at most, and to an even share when it rounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: PART_TUNING.maxParts }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 64 }), (parts, configs, workers) => {
        const n = balancedParts(parts, configs, workers);
        expect(n).toBeGreaterThanOrEqual(parts);
        expect(n - parts).toBeLessThan(workers);
        expect(n).toBeLessThanOrEqual(PART_TUNING.maxParts);
        if (n !== parts) expect((configs * n) % workers).toBe(0);
        // When an even share is within reach, it is taken (the smallest such count).
        for (let m = parts; m < n; m++) expect((configs * m) % workers).not.toBe(0);
      }),
    );
  });
});
