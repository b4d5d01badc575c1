// Policies in lockstep (docs/model.md): several replays of one preparation in one instance, each
// window period's synthetic usage drawn once for all of them, give each policy's run bit for bit.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FairfitError } from '../../src/errors.ts';
import { LOCKSTEP_TUNING, mergeRuns, prepareReplay, simulateCells, simulateCellsInLockstep, withPolicy, withoutSeries } from '../../src/systems/giantvm/replay.ts';
import { slotBytes } from '../../src/systems/giantvm/task-slots.ts';
import { POLICIES, type ReplayParams } from '../../src/systems/giantvm/types.ts';
import { randomTrace, tasksOf } from './helpers.ts';

describe('policies in lockstep', () => {
  const scenario = fc.record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    tasks: fc.integer({ min: 1, max: 400 }),
    seconds: fc.integer({ min: 60, max: 2400 }),
    windows: fc.constantFrom(0, 0.5, 1),
    machines: fc.integer({ min: 1, max: 12 }),
    cellSize: fc.integer({ min: 1, max: 4 }),
    interval: fc.integer({ min: 1, max: 8 }),
    usage: fc.constantFrom('synthetic', 'synthetic', 'request') as fc.Arbitrary<ReplayParams['usage']>,
    policies: fc.array(fc.constantFrom(...POLICIES), { minLength: 1, maxLength: 10 }),
    migratedRequest: fc.constantFrom('follows', 'stays') as fc.Arbitrary<ReplayParams['migratedRequest']>,
    destinationCheck: fc.constantFrom('usage', 'request') as fc.Arbitrary<ReplayParams['destinationCheck']>,
    tasksRule: fc.constantFrom('all', 'ended', 'finished') as fc.Arbitrary<ReplayParams['tasks']>,
    tick: fc.constantFrom(1e6, 7e6),
    split: fc.integer({ min: 1, max: 3 }),
    series: fc.boolean(),
  });

  it('any policies (repeated, in any order), in parts of cells: each run equals its own replay', () => {
    fc.assert(fc.property(scenario, (s) => {
      const input = randomTrace(s.seed, { tasks: s.tasks, seconds: s.seconds, windows: s.windows, windowSeconds: 60, atZero: 0.1, lastEvents: s.tasksRule === 'finished' });
      const params: Partial<ReplayParams> = {
        policy: s.policies[0], machines: s.machines, cellSize: s.cellSize, interval: s.interval, usage: s.usage, seed: s.seed,
        tick: s.tick, migratedRequest: s.migratedRequest, destinationCheck: s.destinationCheck, tasks: s.tasksRule,
      };
      const base = s.series ? prepareReplay(input, params) : withoutSeries(prepareReplay(input, params));
      const preps = s.policies.map((p) => withPolicy(base, p));
      // The cells in `split` ranges (fewer when there are fewer cells).
      const n = base.cells, k = Math.min(s.split, n);
      const ranges = Array.from({ length: k }, (_, i) => ({ first: Math.floor((i * n) / k), count: Math.floor(((i + 1) * n) / k) - Math.floor((i * n) / k) }));
      const together = ranges.map((r) => simulateCellsInLockstep(preps, r));
      // The same ranges one after another, the series folded over cells as they go.
      const folded: ReturnType<typeof simulateCellsInLockstep>[] = [];
      for (const r of ranges) folded.push(simulateCellsInLockstep(preps, r, undefined, folded.at(-1) ?? true));
      preps.forEach((prep, i) => {
        const alone = JSON.stringify(mergeRuns(prep, ranges.map((r) => simulateCells(prep, r))));
        expect(JSON.stringify(mergeRuns(prep, together.map((parts) => parts[i]!))), `${prep.params.policy} (${i})`).toBe(alone);
        expect(JSON.stringify(mergeRuns(prep, folded.map((parts) => parts[i]!))), `${prep.params.policy} (${i}), folded`).toBe(alone);
        for (const parts of folded) expect(parts[i]!.cellPt.length).toBe(0);
      });
    }), { numRuns: 50 });
  });

  it('a long stream with few tasks alive: the live list outlives a task done in one replay while another still runs it', () => {
    // 12,000 tasks of 5–40 minutes, one every 2 s: a few hundred alive at a time, each over
    // several 5-minute windows, on 64 machines, and the policies (moving tasks, or not) finish them at different ticks.
    const rows: [number, number, number, number, number][] = [];
    for (let i = 0; i < 12_000; i++) rows.push([2 * i, 300 + ((i * 7919) % 2100), 0.02 + ((i * 31) % 9) * 0.01, i % 3, 0.01 + ((i * 17) % 5) * 0.01]);
    const input = { tasks: tasksOf(rows), start: 0, end: 26_000 * 1e6 };
    const base = prepareReplay(input, { machines: 64, usage: 'synthetic', overcommit: 0.8 });
    const preps = POLICIES.map((p) => withPolicy(base, p));
    const together = simulateCellsInLockstep(preps);
    const runs = preps.map((prep, i) => JSON.stringify(mergeRuns(prep, [together[i]!])));
    preps.forEach((prep, i) => {
      const alone = simulateCells(prep);
      expect(runs[i], prep.params.policy).toBe(JSON.stringify(mergeRuns(prep, [alone])));
      // Each replay lets a slot go when it would alone (done there, or past its last window): it uses as many.
      expect(together[i]!.taskSlots!.used, prep.params.policy).toBe(alone.taskSlots!.used);
      expect(alone.taskSlots!.used).toBeLessThan(prep.tasks.id.length / 4);
    });
    // The policies do differ here, so the test is not of eight copies of one run.
    expect(new Set(runs.map((r) => JSON.parse(r).metrics.meanCpu)).size).toBeGreaterThan(1);
  });

  it('past the slot budget, smaller groups one after another: the same runs, progress to the end', () => {
    const input = randomTrace(8, { tasks: 300, seconds: 1500, windows: 1, windowSeconds: 60 });
    const base = prepareReplay(input, { machines: 12, usage: 'synthetic' });
    const preps = POLICIES.map((p) => withPolicy(base, p));
    const want = simulateCellsInLockstep(preps, undefined, undefined, true).map((part, i) => JSON.stringify(mergeRuns(preps[i]!, [part])));
    const saved = LOCKSTEP_TUNING.slotBytes;
    try {
      // Room for three replays' slots at a time: groups of 3, 3 and 2.
      LOCKSTEP_TUNING.slotBytes = 3 * base.tasks.id.length * slotBytes('synthetic');
      const seen: number[] = [];
      const parts = simulateCellsInLockstep(preps, undefined, (d, t) => seen.push(d / t), true);
      expect(parts.map((part, i) => JSON.stringify(mergeRuns(preps[i]!, [part])))).toEqual(want);
      expect(seen.at(-1)).toBe(1);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
      expect(seen.some((f) => Math.abs(f - 3 / 8) < 1e-12)).toBe(true);
    } finally {
      LOCKSTEP_TUNING.slotBytes = saved;
    }
  });

  it('refuses preparations that differ in more than their policy, and a range outside the cells', () => {
    const input = randomTrace(3, { tasks: 50, seconds: 600, windows: 1, windowSeconds: 60 });
    const a = prepareReplay(input, { machines: 8, usage: 'synthetic' });
    const b = prepareReplay(input, { machines: 8, usage: 'synthetic' });
    expect(() => simulateCellsInLockstep([a, b])).toThrow(FairfitError);
    expect(() => simulateCellsInLockstep([a, withPolicy(a, 'fine_grained')], { first: 1, count: a.cells })).toThrow(/not a range/);
    expect(simulateCellsInLockstep([])).toEqual([]);
  });

  it('a fold continues the folded parts of the cells just before, or starts at cell 0; a run\'s parts are all folded or none', () => {
    const input = randomTrace(5, { tasks: 200, seconds: 1200, windows: 1, windowSeconds: 60 });
    const prep = prepareReplay(input, { machines: 24, cellSize: 4, usage: 'synthetic' });
    expect(prep.cells).toBe(6);
    const bad = (f: () => unknown) => expect(f).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: expect.objectContaining({ field: 'fold' }) }));
    bad(() => simulateCellsInLockstep([prep], { first: 2, count: 2 }, undefined, true));
    const a = simulateCellsInLockstep([prep], { first: 0, count: 2 }, undefined, true);
    bad(() => simulateCellsInLockstep([prep], { first: 3, count: 3 }, undefined, a)); // a gap
    bad(() => simulateCellsInLockstep([prep, withPolicy(prep, 'cpu_usage')], { first: 2, count: 4 }, undefined, a)); // one part for two replays
    bad(() => simulateCellsInLockstep([prep], { first: 2, count: 4 }, undefined, [simulateCells(prep, { first: 0, count: 2 })])); // not folded
    const b = simulateCellsInLockstep([prep], { first: 2, count: 4 }, undefined, a);
    expect(JSON.stringify(mergeRuns(prep, [a[0]!, b[0]!]))).toBe(JSON.stringify(mergeRuns(prep, [simulateCells(prep)])));
    // Mixed in one merge: refused, naming the part.
    expect(() => mergeRuns(prep, [a[0]!, simulateCells(prep, { first: 2, count: 4 })])).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: expect.objectContaining({ field: 'parts', index: 1 }) }));
  });
});
