// Every task's machine is the next draw of Rng(seed) in task order (docs/model.md), drawn in chunks.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../src/rng.ts';
import { PREPARE_TUNING, prepareReplay } from '../../src/systems/giantvm/prepare.ts';
import { randomTrace } from './helpers.ts';

const chunk = PREPARE_TUNING.drawChunk;
afterEach(() => { PREPARE_TUNING.drawChunk = chunk; });

describe('machine draws', () => {
  it('task i gets the i-th draw of Rng(seed).below(machines), whatever the chunk size', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 9 }), (seed, tasks, machines, drawChunk) => {
      PREPARE_TUNING.drawChunk = drawChunk;
      const input = randomTrace(seed, { tasks, seconds: 600, windows: 0, windowSeconds: 60 });
      const prep = prepareReplay(input, { machines, seed, usage: 'request' });
      const rng = new Rng(seed);
      const want = Array.from({ length: tasks }, () => rng.below(machines));
      const t = prep.tasks;
      expect(Array.from(t.id, (i) => want[i])).toEqual(Array.from(t.machine));
    }), { numRuns: 100 });
  });
});
