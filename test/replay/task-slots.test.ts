// The replay kernel holds the tasks alive at a time, not every task of the part (task-slots.ts):
// slots of done tasks are recycled, the slots grow when they run out, and none of it changes a bit.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ReplayInput } from '../../src/model/tasks.ts';
import { mergeRuns, prepareReplay, replayCore, simulate, simulateCells } from '../../src/systems/giantvm/replay.ts';
import { simulateReference } from '../../src/systems/giantvm/reference.ts';
import { SLOT_TUNING } from '../../src/systems/giantvm/task-slots.ts';
import { POLICIES, type ReplayParams } from '../../src/systems/giantvm/types.ts';
import { randomTrace, tasksOf } from './helpers.ts';

const initial = SLOT_TUNING.initial;
afterEach(() => { SLOT_TUNING.initial = initial; });

/** `n` tasks, `perSecond` arriving each second, each running `seconds` s: about perSecond × seconds alive at a time. */
function stream(n: number, perSecond: number, seconds: number): ReplayInput {
  const rows: [number, number, number, number][] = [];
  for (let i = 0; i < n; i++) rows.push([Math.floor(i / perSecond), seconds, 0.01 + (i % 7) * 0.002, i % 3]);
  return { tasks: tasksOf(rows), start: 0, end: (Math.ceil(n / perSecond) + 2 * seconds) * 1e6 };
}

describe('task slots', () => {
  it('a long trace with few tasks alive at a time: the part holds slots for about those, far fewer than its tasks', () => {
    const n = 200_000;
    const input = stream(n, 10, 6);
    for (const usage of ['request', 'synthetic'] as const) {
      const prep = prepareReplay(input, { machines: 16, usage, policy: 'cpu_usage' });
      expect(prep.tasks.id.length).toBe(n);
      const part = simulateCells(prep);
      const s = part.taskSlots!;
      // Alive at once: ~60 running plus the arrivals staged ahead of one replayStep call
      // (a progress chunk, or a 5-minute window period: ≤ 10 × 313); the slots double from 1,024.
      expect(s.capacity, usage).toBeLessThanOrEqual(4096);
      expect(s.capacity * s.bytesPerSlot, usage).toBeLessThan((n * s.bytesPerSlot) / 40);
      expect(mergeRuns(prep, [part]).info!.finished).toBe(n);
    }
    // The instance's memory (the arena at its largest, this file's thread) stays far below the
    // ≈ 150 bytes per task the all-task layout needed for the task columns alone.
    expect(replayCore().memory.buffer.byteLength).toBeLessThan(n * 150 / 3);
  });

  it('materialised windows (several per task) keep one slot per task', () => {
    const input = randomTrace(3, { tasks: 300, seconds: 900, windows: 1, windowSeconds: 60 });
    const prep = prepareReplay(input, { machines: 6, usage: 'trace' });
    expect(prep.traceUsage).toBeUndefined();
    expect(simulateCells(prep).taskSlots!.capacity).toBe(prep.tasks.id.length);
  });

  const scenario = fc.record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    tasks: fc.integer({ min: 1, max: 300 }),
    seconds: fc.integer({ min: 60, max: 1200 }),
    windows: fc.constantFrom(0, 0.5, 1),
    machines: fc.integer({ min: 1, max: 12 }),
    cellSize: fc.integer({ min: 1, max: 4 }),
    interval: fc.integer({ min: 1, max: 8 }),
    usage: fc.constantFrom('request', 'synthetic', 'trace') as fc.Arbitrary<ReplayParams['usage']>,
    policy: fc.constantFrom(...POLICIES),
    migratedRequest: fc.constantFrom('follows', 'stays') as fc.Arbitrary<ReplayParams['migratedRequest']>,
    tick: fc.constantFrom(1e6, 7e6),
    initial: fc.constantFrom(1, 2, 5),
  });

  it('slots that start at 1, 2 or 5 and grow while tasks are recycled: the JSON of the reference', () => {
    fc.assert(fc.property(scenario, (s) => {
      SLOT_TUNING.initial = s.initial;
      const input = randomTrace(s.seed, { tasks: s.tasks, seconds: s.seconds, windows: s.windows, windowSeconds: 60, atZero: 0.1 });
      const params: Partial<ReplayParams> = {
        policy: s.policy, machines: s.machines, cellSize: s.cellSize, interval: s.interval, usage: s.usage, seed: s.seed,
        tick: s.tick, migratedRequest: s.migratedRequest,
      };
      expect(JSON.stringify(simulate(input, params))).toBe(JSON.stringify(simulateReference(input, params)));
    }), { numRuns: 60 });
  });

  it('parts of cells (picked tasks) recycle their own slots: the merge is the single part', () => {
    SLOT_TUNING.initial = 1;
    const input = stream(3000, 1, 20);
    for (const usage of ['request', 'synthetic'] as const) {
      const prep = prepareReplay(input, { machines: 12, cellSize: 2, usage, policy: 'cpu_usage' });
      const parts = [simulateCells(prep, { first: 0, count: 2 }), simulateCells(prep, { first: 2, count: 3 }), simulateCells(prep, { first: 5, count: 1 })];
      const one = JSON.stringify(mergeRuns(prep, [simulateCells(prep)]));
      expect(JSON.stringify(mergeRuns(prep, parts))).toBe(one);
      expect(one).toBe(JSON.stringify(simulateReference(input, { machines: 12, cellSize: 2, usage, policy: 'cpu_usage' })));
      // ≥ 500 tasks a part; a 5-minute window period's arrivals (≤ 300) staged ahead plus ~20 running.
      for (const p of parts) expect(p.taskSlots!.capacity).toBeLessThanOrEqual(512);
    }
  });
});
