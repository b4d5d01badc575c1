// Synthetic usage drawn on demand (UsageFeed, in WebAssembly) gives, at every tick, exactly the
// window syntheticUsage materialises for that time, and replays of multi-hour
// traces (many chained windows per task) stay identical to the reference.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { syntheticUsage } from '../../src/io/synthetic-usage.ts';
import { mergeRuns, prepareReplay, simulate, simulateCells } from '../../src/systems/giantvm/replay.ts';
import { simulateReference } from '../../src/systems/giantvm/reference.ts';
import { UsageFeed } from '../../src/systems/giantvm/usage-feed.ts';
import { REPLAY } from '../../src/systems/giantvm/replay-layouts.ts';
import { SLOT_TUNING, TaskSlots } from '../../src/systems/giantvm/task-slots.ts';
import { Core, wasmModule } from '../../src/wasm/module.ts';
import { POLICIES, type ReplayParams } from '../../src/systems/giantvm/types.ts';
import { randomTrace } from './helpers.ts';

/** Per input task, its syntheticUsage rows (in start order). */
function rowsByTask(u: ReturnType<typeof syntheticUsage>, tasks: number): number[][] {
  const by: number[][] = Array.from({ length: tasks }, () => []);
  for (let r = 0; r < u.count; r++) by[u.task[r]!]!.push(r);
  return by;
}

/** The trace with every time moved by `offset` µs (windows are aligned to the trace start, not to 0). */
function shifted(input: ReturnType<typeof randomTrace>, offset: number): ReturnType<typeof randomTrace> {
  for (let i = 0; i < input.tasks.count; i++) input.tasks.submit[i]! += offset;
  return { ...input, start: input.start + offset, end: input.end + offset };
}

const initial = SLOT_TUNING.initial;

describe('synthetic usage on demand', () => {
  it('the slot of every arrived task holds the syntheticUsage window of the tick (any tick length, any subset of tasks)', () => {
    let checked = 0;
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 120 }), fc.integer({ min: 600, max: 4 * 3600 }),
      fc.constantFrom(1e6, 7e6, 60e6, 299e6, 300e6, 301e6, 900e6), fc.boolean(), fc.constantFrom(0, 600e6, 1_234_567_891),
      (seed, n, seconds, tick, subset, offset) => {
        const input = shifted(randomTrace(seed, { tasks: n, seconds }), offset);
        const prep = prepareReplay(input, { usage: 'synthetic', seed, tick, machines: 4 });
        const syn = prep.synthetic!;
        const rows = syntheticUsage(input.tasks, { seed, start: prep.start, end: prep.end });
        const by = rowsByTask(rows, input.tasks.count);
        const all = prep.tasks.id.length;
        const pick = subset ? Int32Array.from({ length: Math.ceil(all / 2) }, (_, x) => 2 * x) : undefined;
        const nT = pick ? pick.length : all;
        // The debug build: its asserts check the live list never outgrows the slots.
        const core = new Core(wasmModule('debug'));
        const feed = new UsageFeed(core, prep, syn);
        // No kernel: nothing is done, so slots are never freed and local task x is in slot x (the slots grow from 4).
        const replay = core.alloc(REPLAY.size);
        SLOT_TUNING.initial = 4;
        const taskSlots = new TaskSlots(core, prep, pick, 0, nT, 'synthetic');
        SLOT_TUNING.initial = initial;
        taskSlots.attach(replay, feed);
        for (let k = 0; k < prep.ticks;) {
          taskSlots.stage(feed.next(k));
          const next = Math.min(prep.ticks, feed.feed(k));
          const slots = taskSlots.views().win;
          // Every tick of the period sees the same slots; check its first and last tick.
          for (const kk of new Set([k, next - 1])) {
            const t = prep.start + kk * prep.tick;
            for (let x = 0; x < nT; x++) {
              const j = pick ? pick[x]! : x;
              if (prep.tasks.submitTick[j]! > kk || syn.count[j]! === 0) continue;
              const mine = by[prep.tasks.id[j]!]!;
              expect(mine.length).toBe(syn.count[j]);
              let w = mine.findIndex((r) => t < rows.end[r]!);
              if (w < 0 || w === mine.length - 1) w = mine.length - 1;
              const r = mine[w]!;
              expect([slots.cpu(x), slots.mai(x)]).toEqual([rows.cpu[r], rows.mai[r]]);
              // Memory and max CPU are left for the kernel to draw when it reads them: NaN and
              // −(window + 1); usageMem and usagePeak draw them.
              expect(slots.mem(x)).toBeNaN();
              expect(core.exports.usageMem(feed.address, x)).toBe(rows.mem[r]);
              expect(slots.maxCpu(x)).toBe(-(w + 1));
              expect(core.exports.usagePeak(feed.address, x, w, slots.cpu(x))).toBe(rows.maxCpu[r]);
              expect(slots.end(x)).toBe(w === mine.length - 1 ? Infinity : rows.end[r]);
              checked++;
            }
          }
          k = next;
        }
      }), { numRuns: 40 });
    expect(checked).toBeGreaterThan(1000);
  });

  it('counts the windows it does not draw (info.usageWindows = syntheticUsage rows)', () => {
    const input = randomTrace(5, { tasks: 200, seconds: 3 * 3600 });
    const prep = prepareReplay(input, { usage: 'synthetic', seed: 9, machines: 4 });
    expect(prep.info.usageWindows).toBe(syntheticUsage(input.tasks, { seed: 9, start: prep.start, end: prep.end }).count);
    expect(prep.info.usageWindows).toBeGreaterThan(200 * 5);
  });

  it('rejects a running task with a NaN request, as the materialised usage check did', () => {
    const input = randomTrace(5, { tasks: 20, seconds: 3600 });
    let i = 0;
    while (!(input.tasks.duration[i]! > 0 && input.tasks.submit[i]! < 3600e6)) i++;
    input.tasks.memRequest[i] = Number.NaN;
    expect(() => prepareReplay(input, { usage: 'synthetic', machines: 4 })).toThrow(expect.objectContaining({ code: 'NOT_FINITE', details: { field: 'tasks.memRequest', index: i } }));
  });

  const scenario = fc.record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    tasks: fc.integer({ min: 1, max: 90 }),
    hours: fc.integer({ min: 1, max: 5 }),
    machines: fc.integer({ min: 2, max: 10 }),
    cellSize: fc.integer({ min: 1, max: 4 }),
    interval: fc.integer({ min: 1, max: 6 }),
    tick: fc.constantFrom(20e6, 45e6, 120e6),
    policy: fc.constantFrom(...POLICIES),
    offset: fc.constantFrom(0, 600e6, 987_654_321),
  });

  it('multi-hour replays (tens of chained windows per task): WebAssembly = reference, 1 part = 3 parts', () => {
    fc.assert(fc.property(scenario, (s) => {
      const input = shifted(randomTrace(s.seed, { tasks: s.tasks, seconds: s.hours * 3600, maxRequest: 0.4 }), s.offset);
      const params: Partial<ReplayParams> = {
        policy: s.policy, machines: s.machines, cellSize: s.cellSize, interval: s.interval, capacity: 0.5, overcommit: 1,
        usage: 'synthetic', seed: s.seed, tick: s.tick, minMove: 0,
      };
      const whole = JSON.stringify(simulate(input, params));
      expect(whole).toBe(JSON.stringify(simulateReference(input, params)));
      const prep = prepareReplay(input, params);
      if (prep.cells >= 3) {
        const a = Math.floor(prep.cells / 3), b = Math.floor((2 * prep.cells) / 3);
        const parts = [simulateCells(prep, { first: 0, count: a }), simulateCells(prep, { first: a, count: b - a }), simulateCells(prep, { first: b, count: prep.cells - b })];
        expect(JSON.stringify(mergeRuns(prep, parts))).toBe(whole);
      }
    }), { numRuns: 25 });
  });
});
