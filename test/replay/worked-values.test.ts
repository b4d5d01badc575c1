// Hand-worked replays: admission, slowdown, pending, time-0 placement, the usefulness rules of alg. 4-1 / 4-2.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/systems/giantvm/replay.ts';
import { simulateReference } from '../../src/systems/giantvm/reference.ts';
import type { ReplayInput } from '../../src/model/tasks.ts';
import type { ReplayParams } from '../../src/systems/giantvm/types.ts';
import { pinned, tasksOf, usageOf } from './helpers.ts';

describe('one machine, request usage', () => {
  it('a task of 10 s at CPU 0.1 on a 0.5 machine: delay 10 s, stretch 1, mean CPU 0.1 over 20 s', () => {
    const input = { tasks: tasksOf([[0, 10, 0.2]]), start: 0, end: 20e6 };
    const r = simulate(input, { machines: 1, usage: 'request', usageRatio: 0.5 });
    expect(r.metrics.delay).toBe(10);
    expect(r.metrics.stretch).toBe(1);
    expect(r.metrics.meanCpu).toBeCloseTo((10 * 0.1) / (20 * 0.5), 15);
    expect(r.metrics.overcommit).toBe(0);
    expect(r.metrics.gini).toBe(0);
    expect(r.info!.finished).toBe(1);
    expect(r.series.time).toEqual([10, 20]);
    expect(r.series.running).toEqual([0, 0]);
  });

  it('usage above capacity slows tasks by cap/usage: two tasks of CPU 0.5 on a 0.5 machine take twice as long', () => {
    const input = { tasks: tasksOf([[0, 10, 0.25], [0, 10, 0.25]]), start: 0, end: 30e6 };
    const r = simulate(input, { machines: 1, usage: 'request', usageRatio: 2 });
    expect(r.metrics.delay).toBe(20);
    expect(r.metrics.stretch).toBe(2);
    // 20 ticks at usage 1.0: overcommit 0.5 each, then 10 idle ticks.
    expect(r.metrics.overcommit).toBeCloseTo((20 * 0.5) / 30, 15);
    expect(r.metrics.meanCpu).toBeCloseTo((20 * 0.5) / (30 * 0.5), 15);
  });

  it('a task that does not fit waits on its machine until the first finishes; overcommit 0.5 lets both run', () => {
    const input = { tasks: tasksOf([[0, 5, 0.3], [0, 5, 0.3]]), start: 0, end: 20e6 };
    expect(simulate(input, { machines: 1, usage: 'request' }).metrics.delay).toBe((5 + 10) / 2);
    expect(simulate(input, { machines: 1, usage: 'request', overcommit: 0.5 }).metrics.delay).toBe(5);
  });

  it('a task larger than the machine runs once the machine is empty instead of waiting forever', () => {
    const input = { tasks: tasksOf([[0, 4, 0.1], [1, 4, 0.9]]), start: 0, end: 20e6 };
    const r = simulate(input, { machines: 1, usage: 'request', usageRatio: 0.1 });
    expect(r.info!.finished).toBe(2);
    // second task: submitted at 1 s, starts at 4 s (after the first), ends at 8 s.
    expect(r.metrics.delay).toBe((4 + 7) / 2);
  });

  it('time-0 rows arrive at the trace start; delay counts from the start; submits at or after the end never arrive', () => {
    const input = { tasks: tasksOf([[0, 3, 0.1], [700, 3, 0.1], [800, 3, 0.1]]), start: 600e6, end: 800e6 };
    const r = simulate(input, { machines: 1, usage: 'request' });
    expect(r.info!.arrived).toBe(2);
    expect(r.info!.submittedAfterEnd).toBe(1);
    expect(r.metrics.delay).toBe(3);
  });
});

describe('coarse-grained (alg. 4-1) usefulness rules', () => {
  // Machine 0: two migratable tasks (priority 0, max CPU 0.02) of CPU 1/64 and one fixed task (priority 5) of CPU 0.25.
  const u = 1 / 64;
  const base = (fixedCpu: number, maxCpu = 0.02): ReplayInput => ({
    tasks: tasksOf([[0, 100, 0.02, 0, 1 / 256], [0, 100, 0.02, 0, 1 / 256], [0, 100, 0.3, 5, 1 / 256]]),
    usage: usageOf([[0, 0, 1000, u, 1 / 256, maxCpu, 0.001], [1, 0, 1000, u, 1 / 256, maxCpu, 0.002], [2, 0, 1000, fixedCpu, 1 / 256, 0.3, 0.001]]),
    start: 0, end: 5e6,
  });
  const params: Partial<ReplayParams> = { policy: 'coarse_grained', machines: 2, cellSize: 2, usage: 'trace' };

  it('moves all migratable tasks of the loaded node to the least-loaded node', () => {
    const r = pinned(base(0.25), params, [0, 0, 0]);
    expect(r.metrics.migrations).toBe(2);
    expect(r.metrics.migratedMemory).toBe(2 / 256);
    expect(r.metrics.firstShare).toBe(1);
    expect(r.series.migratedMemoryCumulative!.at(-1)).toBe(2 / 256);
  });

  it('does not move when the moved load would exceed 80 % of the source load', () => {
    expect(pinned(base(0), params, [0, 0, 0]).metrics.migrations).toBe(0);
  });

  it('does not move tasks whose max CPU is 0.025 or more, or whose priority is ≥ 2', () => {
    expect(pinned(base(0.25, 0.025), params, [0, 0, 0]).metrics.migrations).toBe(0);
  });

  it('does nothing under no_migration', () => {
    expect(pinned(base(0.25), { ...params, policy: 'no_migration' }, [0, 0, 0]).metrics.migrations).toBe(0);
  });
});

describe('fine-grained (alg. 4-2): fill the least-loaded node, then the second', () => {
  // Units of 1/128 so every sum is exact. Machine 0 empty, machine 1 one fixed task of 4u,
  // machine 2 fixed 24u + four migratable 2u, machine 3 fixed 2u + six migratable 2u.
  const u = 1 / 128;
  const rows: [number, number, number, number?, number?][] = [];
  const usage: [number, number, number, number, number, number, number][] = [];
  const on: number[] = [];
  const add = (machine: number, cpu: number, prio: number): void => {
    usage.push([rows.length, 0, 1000, cpu, 1 / 256, prio < 2 ? 0.02 : 0.5, 0.001]);
    rows.push([0, 100, cpu, prio, 1 / 256]);
    on.push(machine);
  };
  add(1, 4 * u, 5);
  add(2, 24 * u, 5); for (let i = 0; i < 4; i++) add(2, 2 * u, 0);
  add(3, 2 * u, 5); for (let i = 0; i < 6; i++) add(3, 2 * u, 1);
  const input: ReplayInput = { tasks: tasksOf(rows), usage: usageOf(usage), start: 0, end: 5e6 };

  it('machine 2 sends all four to the lowest; machine 3 sends three to the lowest, two to the second', () => {
    // m3: ls = 14u, limit 11.2u; lowest is at 8u after m2 → takes 3 (14u); second at 4u takes 2 (a1 + a2 = 10u ≤ 11.2u).
    const r = pinned(input, { policy: 'fine_grained', machines: 4, cellSize: 4, usage: 'trace' }, on);
    expect(r.metrics.migrations).toBe(9);
    expect(r.metrics.firstShare).toBe(7 / 9);
    expect(r.metrics.secondShare).toBe(2 / 9);
    expect(r.metrics.migratedMemory).toBe(9 / 256);
    expect(r.info!.migrationsToSecond).toBe(2);
  });

  it('a move below the usefulness threshold is not made', () => {
    const r = pinned(input, { policy: 'fine_grained', machines: 4, cellSize: 4, usage: 'trace', minMove: 0.05 }, on);
    // Only m2's 8u = 0.0625 to the lowest exceeds 0.05; m3's 6u = 0.047 and 4u do not.
    expect(r.metrics.migrations).toBe(4);
  });

  it('the reference gives the same bytes on a one-machine worked case (no draw involved)', () => {
    const one = { tasks: tasksOf([[0, 10, 0.2], [2, 5, 0.4]]), start: 0, end: 30e6 };
    expect(JSON.stringify(simulate(one, { machines: 1, usage: 'request', policy: 'fine_grained' }))).toBe(JSON.stringify(simulateReference(one, { machines: 1, usage: 'request', policy: 'fine_grained' })));
  });
});

describe('machines from machine_events', () => {
  /** One 10-s task of 0.1 CPU; two machines of 0.5 at 0 s, machine 0 removed at 3 s. */
  const oneRemoval = (): ReplayInput => ({
    tasks: tasksOf([[0, 10, 0.1]]),
    machineEvents: {
      count: 3, machines: 2, time: Float64Array.of(0, 0, 3e6), machine: Int32Array.of(0, 1, 0), type: Int32Array.of(0, 0, 1),
      cpu: Float64Array.of(0.5, 0.5, Number.NaN), mem: Float64Array.of(0.5, 0.5, Number.NaN),
    },
    start: 0, end: 20e6,
  });

  it('a removed machine requeues its running task on the next up machine of its cell, keeping the remaining work', () => {
    const input = oneRemoval();
    const r = pinned(input, { machines: 'trace', cellSize: 2, usage: 'request' }, [0]);
    expect(r.info!.requeued).toBe(1);
    expect(r.metrics.delay).toBe(10); // 3 s on machine 0, 7 s on machine 1
    expect(r.info!.machinesMode).toBe('trace');
  });

  it('the cell size takes effect under no_migration: a removed machine without an up cell-mate keeps its task queued', () => {
    // The same removal as above, with no_migration named: cells of 1 leave machine 0 alone in its cell, so its task
    // waits there for an ADD that never comes; one cell of 2 sends it to machine 1 (docs/model.md, "Options that could not take effect").
    const input = oneRemoval();
    const alone = pinned(input, { policy: 'no_migration', machines: 'trace', cellSize: 1, usage: 'request' }, [0]);
    const mates = pinned(input, { policy: 'no_migration', machines: 'trace', cellSize: 2, usage: 'request' }, [0]);
    expect([alone.info!.started, alone.info!.finished]).toEqual([1, 0]);
    expect([mates.info!.started, mates.info!.finished]).toEqual([2, 1]);
    expect(mates.metrics.delay).toBe(10);
  });

  it('capacity scales trace capacities: capacity 1 doubles a 0.5 machine, so a 0.8 request fits', () => {
    const input: ReplayInput = {
      tasks: tasksOf([[0, 2, 0.8], [0, 2, 0.15]]),
      machineEvents: { count: 1, machines: 1, time: Float64Array.of(0), machine: Int32Array.of(0), type: Int32Array.of(0), cpu: Float64Array.of(0.5), mem: Float64Array.of(0.5) },
      start: 0, end: 10e6,
    };
    expect(simulate(input, { machines: 'trace', usage: 'request', capacity: 1 }).metrics.delay).toBe(2);
    expect(simulate(input, { machines: 'trace', usage: 'request', capacity: 0.5 }).metrics.delay).toBe(3);
  });
});

describe('sorted fine-grained (alg. 4-3): the candidate order decides what moves', () => {
  // u = 1/256. Lowest m0 at 10u, second m1 at 12u, source m2 = fixed 4u + migratable [6u, 2u, 2u] = 14u.
  // Ascending CPU takes 2u, 2u (10 + 4 = 14 ≤ 14) then stops at 6u; descending starts with 6u (16 > 14) and moves nothing.
  const u = 1 / 256;
  const cpu = [10 * u, 12 * u, 4 * u, 6 * u, 2 * u, 2 * u];
  const prio = [5, 5, 5, 0, 0, 0];
  const mem = [0.01, 0.01, 0.01, 0.001, 0.003, 0.002];
  const mai = [0.01, 0.01, 0.01, 0.003, 0.001, 0.002];
  const on = [0, 1, 2, 2, 2, 2];
  const input: ReplayInput = {
    tasks: tasksOf(cpu.map((c, i) => [0, 100, c, prio[i], mem[i]] as [number, number, number, number, number])),
    usage: usageOf(cpu.map((c, i) => [i, 0, 1000, c, mem[i]!, prio[i]! < 2 ? 0.024 : 0.5, mai[i]!] as [number, number, number, number, number, number, number])),
    start: 0, end: 3e6,
  };
  it.each([
    ['fine_grained', 0], ['cpu_request', 2], ['cpu_usage', 2], ['mem_usage', 0], ['cpu_usage_desc', 0], ['cache_misses', 2],
  ] as const)('%s moves %i tasks', (policy, moved) => {
    const r = pinned(input, { policy, machines: 3, cellSize: 3, usage: 'trace' }, on);
    expect(r.metrics.migrations).toBe(moved);
    if (moved) expect(r.metrics.migratedMemory).toBeCloseTo(0.003 + 0.002, 15);
  });
});
