// The regime choices and open rules of docs/model.md ("The thesis's regime", "Open rules"), each on a
// hand-built trace whose outcome is worked out by hand, plus stretch ≥ 1 under arrival 'boundary'.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../src/systems/giantvm/replay.ts';
import { simulateReference } from '../../src/systems/giantvm/reference.ts';
import type { ReplayInput } from '../../src/model/tasks.ts';
import type { ReplayParams } from '../../src/systems/giantvm/types.ts';
import { pinned, randomTrace, tasksOf, usageOf } from './helpers.ts';

/** Both replays, checked equal; the WebAssembly one returned. */
function both(input: ReplayInput, params: Partial<ReplayParams>) {
  const r = simulate(input, params);
  expect(JSON.stringify(r)).toBe(JSON.stringify(simulateReference(input, params)));
  return r;
}

describe("which tasks take part: tasks 'all' | 'ended'", () => {
  // A finished task (5 s, FINISH), one still running at the trace's end (SCHEDULE last, run time unknown),
  // and one with no finite run time.
  const tasks = tasksOf([[0, 5, 0.1], [1, Number.NaN, 0.1], [2, Infinity, 0.1]]);
  tasks.lastEvent = Int32Array.from([4, 1, 4]);
  const input: ReplayInput = { tasks, start: 0, end: 20e6 };

  it("'all' replays all three; the two that never end stay open", () => {
    const r = both(input, { machines: 1, usage: 'request', delay: 'all' });
    expect(r.info!.arrived).toBe(3);
    expect(r.info!.finished).toBe(1);
    expect(r.info!.unfinished).toBe(2);
    expect(r.info!.unfinishedNeverEnding).toBe(2);
    expect(r.info!.leftOutNotEnded).toBeUndefined();
  });

  it("'ended' replays only the task whose run ends inside the window and counts the others as left out", () => {
    const r = both(input, { machines: 1, usage: 'request', tasks: 'ended' });
    expect(r.info!.arrived).toBe(1);
    expect(r.info!.finished).toBe(1);
    expect(r.info!.leftOutNotEnded).toBe(2);
    expect(r.metrics.delay).toBe(5);
  });
});

describe("tasks 'finished': only runs that end by FINISH", () => {
  // A task that finishes (5 s, FINISH), one killed after 3 s (KILL), one still running at the end (SCHEDULE last).
  const tasks = tasksOf([[0, 5, 0.1], [1, 3, 0.1], [2, Number.NaN, 0.1]]);
  tasks.lastEvent = Int32Array.from([4, 5, 1]);
  const input: ReplayInput = { tasks, start: 0, end: 20e6 };

  it("'ended' keeps the killed run (its run time ends at the KILL); 'finished' leaves it out and counts it apart", () => {
    const e = both(input, { machines: 1, usage: 'request', tasks: 'ended' });
    expect(e.info!.arrived).toBe(2);
    expect(e.info!.leftOutNotEnded).toBe(1);
    expect(e.info!.leftOutNotFinished).toBeUndefined();
    expect(e.metrics.delay).toBe((5 + 3) / 2);
    const f = both(input, { machines: 1, usage: 'request', tasks: 'finished' });
    expect(f.info!.arrived).toBe(1);
    expect(f.info!.leftOutNotEnded).toBe(1);
    expect(f.info!.leftOutNotFinished).toBe(1);
    expect(f.metrics.delay).toBe(5);
  });

  it("needs the trace's last events: without them 'finished' is refused, naming the option", () => {
    const bare: ReplayInput = { tasks: tasksOf([[0, 5, 0.1]]), start: 0, end: 20e6 };
    for (const run of [simulate, simulateReference]) {
      expect(() => run(bare, { machines: 1, usage: 'request', tasks: 'finished' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: expect.objectContaining({ field: 'tasks' }) }));
    }
    expect(both(bare, { machines: 1, usage: 'request', tasks: 'ended' }).info!.arrived).toBe(1);
  });
});

describe("tasks submitted at or before the trace start: time0 'queue' | 'running'", () => {
  // Two time-0 tasks of request 0.3 on one machine of capacity 0.5 (request usage: CPU 0.054 each),
  // and one task submitted at 0.5 s of request 0.3.
  const input: ReplayInput = { tasks: tasksOf([[0, 10, 0.3], [0, 10, 0.3], [0.5, 2, 0.3]]), start: 0, end: 40e6 };

  it("'queue': the second waits for the first (admission: 0.6 > 0.5), as every SUBMIT does", () => {
    const r = both(input, { machines: 1, usage: 'request' });
    // A: 0→10; B: 10→20; C (submitted 0.5 s, arrives at tick 0) waits for B: 20→22.
    expect(r.metrics.delay).toBeCloseTo((10 + 20 + 21.5) / 3, 12);
  });

  it("'running': both time-0 tasks start at tick 0 without the check; a later submit is still admitted by requests", () => {
    const r = both(input, { machines: 1, usage: 'request', time0: 'running' });
    // A, B: 0→10; C waits until both end (0.6 + 0.3 > 0.5, then 0.3 ≤ 0.5): 10→12.
    expect(r.metrics.delay).toBeCloseTo((10 + 10 + 11.5) / 3, 12);
  });
});

describe("arrival inside a tick: arrival 'tick' | 'boundary' (item: stretch below 1)", () => {
  // Submitted at 0.5 s: a 0.2-s task and a 3-s task, alone on their machines (1-s ticks).
  const input: ReplayInput = { tasks: tasksOf([[0.5, 0.2, 0.1], [0.5, 3, 0.1]]), start: 0, end: 10e6 };

  it("'tick': the task is credited the whole tick it arrived in, so stretch falls below 1", () => {
    const r = both(input, { machines: 2, cellSize: 1, usage: 'request', seed: 2 });
    // 0.2-s task ends at 1 s: delay 0.5, stretch 0.5 / 1; 3-s task ends at 3 s: delay 2.5, stretch 2.5 / 3.
    expect(r.metrics.delay).toBeCloseTo((0.5 + 2.5) / 2, 12);
    expect(r.metrics.stretch).toBeCloseTo((0.5 + 2.5 / 3) / 2, 12);
    expect(r.metrics.stretch).toBeLessThan(1);
  });

  it("'boundary': it arrives at the next tick start, so delay ≥ max(run time, tick)", () => {
    const r = both(input, { machines: 2, cellSize: 1, usage: 'request', seed: 2, arrival: 'boundary' });
    // Arrive at 1 s: end at 2 s (delay 1.5, stretch 1.5) and 4 s (delay 3.5, stretch 3.5 / 3).
    expect(r.metrics.delay).toBeCloseTo((1.5 + 3.5) / 2, 12);
    expect(r.metrics.stretch).toBeCloseTo((1.5 + 3.5 / 3) / 2, 12);
  });

  it("'boundary': every task's stretch is ≥ 1 on random one-task traces, and the mean is ≥ 1 on random busy ones", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0, max: 30, noNaN: true }), fc.double({ min: 0, max: 20, noNaN: true }),
      fc.constantFrom(1e6, 2.5e6, 7e6), fc.constantFrom(0.05, 0.3, 0.9), (seed, submit, run, tick, cpu) => {
        const one: ReplayInput = { tasks: tasksOf([[submit, run, cpu]]), start: 0, end: 60e6 };
        const r = simulate(one, { machines: 1, usage: 'request', usageRatio: 3, arrival: 'boundary', tick, seed });
        if (r.info!.finished === 1) expect(r.metrics.stretch).toBeGreaterThanOrEqual(1);
      }), { numRuns: 300 });
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
      const busy = randomTrace(seed, { tasks: 120, seconds: 200, windows: 0.7, windowSeconds: 20, maxRequest: 0.4 });
      for (const policy of ['no_migration', 'coarse_grained', 'fine_grained'] as const) {
        const r = simulate(busy, { policy, machines: 6, usage: 'trace', arrival: 'boundary', seed });
        if ((r.info!.finished as number) > 0) expect(r.metrics.stretch).toBeGreaterThanOrEqual(1);
      }
    }), { numRuns: 40 });
  });
});

describe("the delay over 'finished' tasks or 'all'", () => {
  // A: 10 s, finishes. B: 100 s of work, running from 0 at the window end (20 s): 80 s left.
  // C: never ends (infinite run time): not in the mean, counted.
  const input: ReplayInput = { tasks: tasksOf([[0, 10, 0.1], [0, 100, 0.1], [0, Infinity, 0.1]]), start: 0, end: 20e6 };

  it("'finished' averages the finished task only; 'all' adds B as 20 s so far + 80 s left", () => {
    expect(both(input, { machines: 1, usage: 'request' }).metrics.delay).toBe(10);
    const r = both(input, { machines: 1, usage: 'request', delay: 'all' });
    expect(r.metrics.delay).toBe((10 + 100) / 2);
    expect(r.metrics.stretch).toBe((1 + 1) / 2);
    expect(r.info!.unfinished).toBe(2);
    expect(r.info!.unfinishedNeverEnding).toBe(1);
  });
});

describe("a migrated task's request: migratedRequest 'follows' | 'stays', destinationCheck 'usage' | 'request'", () => {
  // Cell of 2 machines of capacity 0.5. Machine 0: a fixed task F (priority 5, request 0.2, CPU 0.25, 100 s)
  // and two migratable tasks M1, M2 (request 0.1, CPU 1/64, max CPU 0.02, 20 s): its ledger is 0.4.
  // P (request 0.2, 5 s) also arrives on machine 0 at tick 0 and waits (0.6 > 0.5).
  // At tick 0 coarse-grained moves M1 and M2 to the idle machine 1.
  const u = 1 / 64;
  const rows: [number, number, number, number?, number?][] = [[0, 100, 0.2, 5], [0, 20, 0.1, 0], [0, 20, 0.1, 0], [0, 5, 0.2, 5]];
  const usage = usageOf([[0, 0, 1000, 0.25, 0.01, 0.3, 0.001], [1, 0, 1000, u, 0.01, 0.02, 0.001], [2, 0, 1000, u, 0.01, 0.02, 0.001], [3, 0, 1000, 0.01, 0.01, 0.3, 0.001]]);
  const input: ReplayInput = { tasks: tasksOf(rows), usage, start: 0, end: 60e6 };
  const params: Partial<ReplayParams> = { policy: 'coarse_grained', machines: 2, cellSize: 2, usage: 'trace' };
  const on = [0, 0, 0, 0];

  it("'follows': the move frees machine 0's ledger, so P starts at tick 1", () => {
    const r = pinned(input, params, on);
    expect(r.metrics.migrations).toBe(2);
    // Finished: M1, M2 at 20 s, P at 1 + 5 = 6 s; F runs past the window.
    expect(r.metrics.delay).toBeCloseTo((20 + 20 + 6) / 3, 12);
  });

  it("'stays': the moved requests stay on machine 0 until M1 and M2 end, so P starts at 20 s", () => {
    const r = pinned(input, { ...params, migratedRequest: 'stays' }, on);
    expect(r.metrics.migrations).toBe(2);
    expect(r.metrics.delay).toBeCloseTo((20 + 20 + 25) / 3, 12);
  });

  it("destinationCheck 'request' refuses a move that would book the destination past its capacity", () => {
    // Machine 1 holds G (request 0.4, CPU 0): least loaded by usage, but 0.4 + 0.2 > 0.5 by request.
    const withG: ReplayInput = {
      tasks: tasksOf([...rows.slice(0, 3), [0, 100, 0.4, 5]]),
      usage: usageOf([[0, 0, 1000, 0.25, 0.01, 0.3, 0.001], [1, 0, 1000, u, 0.01, 0.02, 0.001], [2, 0, 1000, u, 0.01, 0.02, 0.001], [3, 0, 1000, 0, 0.01, 0.3, 0.001]]),
      start: 0, end: 60e6,
    };
    const onG = [0, 0, 0, 1];
    expect(pinned(withG, params, onG).metrics.migrations).toBe(2);
    expect(pinned(withG, { ...params, destinationCheck: 'request' }, onG).metrics.migrations).toBe(0);
    expect(pinned(withG, { ...params, policy: 'fine_grained', destinationCheck: 'request' }, onG).metrics.migrations).toBe(0);
  });
});

describe("memory order of the memory-sorted policies: memOrder 'asc' | 'desc'", () => {
  // Cell of 3: machine 0 empty, machine 1 one fixed task of 8u, machine 2 a fixed task of 8u and four
  // migratable 2u tasks of memory 1, 2, 3, 4 (×1/256) in that list order; the 80 % limit of 16u is 12.8u
  // and the lowest machine may take up to 16u: all four fit, so make the cap take only two (cap 4u).
  const u = 1 / 128;
  const rows: [number, number, number, number?, number?][] = [[0, 100, 8 * u, 5], [0, 100, 8 * u, 5]];
  const use: [number, number, number, number, number, number, number][] = [[0, 0, 1000, 8 * u, 0.01, 0.5, 0.001], [1, 0, 1000, 8 * u, 0.01, 0.5, 0.001]];
  for (let k = 1; k <= 4; k++) { use.push([rows.length, 0, 1000, 2 * u, k / 256, 0.02, k / 1000]); rows.push([0, 100, 2 * u, 0, k / 256]); }
  const input: ReplayInput = { tasks: tasksOf(rows), usage: usageOf(use), start: 0, end: 3e6 };
  const on = [1, 2, 2, 2, 2, 2];
  const params: Partial<ReplayParams> = { machines: 3, cellSize: 3, usage: 'trace', capacity: 4 * u, overcommit: 0.01, minMove: 0 };

  for (const policy of ['mem_usage', 'cache_misses'] as const) {
    it(`${policy}: 'asc' moves the two smallest first, 'desc' the two largest`, () => {
      expect(pinned(input, { ...params, policy }, on).metrics.migratedMemory).toBe((1 + 2) / 256);
      expect(pinned(input, { ...params, policy, memOrder: 'desc' }, on).metrics.migratedMemory).toBe((4 + 3) / 256);
    });
  }
});

describe("the Gini metric: 'time-mean' | 'series-mean'", () => {
  it("'series-mean' is the mean of the series points' Gini weighted by the ticks each covers; 'time-mean' the Gini of the machines' means", () => {
    const input = randomTrace(7, { tasks: 80, seconds: 257, windows: 1, windowSeconds: 30, maxRequest: 0.3 });
    const base = { policy: 'fine_grained' as const, machines: 6, usage: 'trace' as const, seed: 7 };
    const tm = both(input, base);
    const sm = both(input, { ...base, gini: 'series-mean' });
    const every = sm.info!.sampleTicks as number, ticks = sm.info!.ticks as number;
    const g = sm.series.gini!;
    let sum = 0;
    for (let p = 0; p < g.length; p++) sum += g[p]! * (Math.min((p + 1) * every, ticks) - p * every);
    expect(ticks % every).not.toBe(0); // the last point is shorter: the weights matter
    expect(sm.metrics.gini).toBe(sum / ticks);
    expect(sm.metrics.gini).not.toBe(tm.metrics.gini);
    expect({ ...sm.metrics, gini: 0 }).toEqual({ ...tm.metrics, gini: 0 });
  });
});

describe('the thesis preset', () => {
  it('is the four regime choices; the open rules keep their defaults; every run states every choice', async () => {
    const { PRESETS } = await import('../../src/systems/giantvm/types.ts');
    const { replay } = await import('../../src/systems/giantvm/replay-api.ts');
    const input = randomTrace(3, { tasks: 60, seconds: 100, lastEvents: true });
    const report = await replay({ trace: input, preset: 'thesis', policies: ['fine_grained'], machines: 4, minMove: 0 });
    const p = report.runs[0]!.params;
    expect({ tasks: p.tasks, time0: p.time0, arrival: p.arrival, delay: p.delay }).toEqual(PRESETS.thesis);
    expect({ migratedRequest: p.migratedRequest, destinationCheck: p.destinationCheck, memOrder: p.memOrder, gini: p.gini, minMove: p.minMove })
      .toEqual({ migratedRequest: 'follows', destinationCheck: 'usage', memOrder: 'asc', gini: 'time-mean', minMove: 0 });
    const explicit = await replay({ trace: input, preset: 'thesis', delay: 'finished', policies: ['fine_grained'], machines: 4 });
    expect(explicit.runs[0]!.params.delay).toBe('finished');
    await expect(replay({ trace: input, preset: 'paper' as 'thesis' })).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { field: 'preset' } });
    await expect(replay({ trace: input, memOrder: 'up' as 'asc' })).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { field: 'memOrder' } });
  });
});
