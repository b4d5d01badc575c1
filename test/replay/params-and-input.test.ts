// Parameters and inputs are validated with stable codes naming the field; a rejected call changes nothing.
import { describe, expect, it } from 'vitest';
import { defaultParams, DEFAULT_PARAMS, prepareReplay, simulate } from '../../src/systems/giantvm/replay.ts';
import { FairfitError } from '../../src/errors.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';
import { randomTrace, tasksOf, usageOf } from './helpers.ts';
import { ARRIVAL_RULES, DELAY_RULES, DESTINATION_CHECKS, GINI_RULES, MEM_ORDERS, MIGRATED_REQUEST_RULES, POLICIES, PRESETS, TASK_SELECTIONS, TIME0_RULES, USAGE_MODES } from '../../src/systems/giantvm/types.ts';

function failure(f: () => unknown): { code: string; field?: unknown; message: string } | undefined {
  try { f(); } catch (e) { if (e instanceof FairfitError) return { code: e.code, field: e.details.field, message: e.message }; throw e; }
  return undefined;
}

describe('defaultParams', () => {
  it('gives the SPEC §6 defaults', () => {
    expect(defaultParams()).toEqual({ ...DEFAULT_PARAMS });
    expect(defaultParams()).toMatchObject({ machines: 800, cellSize: 4, interval: 10, capacity: 0.5, overcommit: 1, usage: 'trace', policy: 'no_migration' });
  });
  it('applies overrides and ignores undefined ones', () => {
    expect(defaultParams({ policy: 'mem_usage', machines: undefined }).machines).toBe(800);
    expect(defaultParams({ machines: 'trace' }).machines).toBe('trace');
  });
  it.each([
    ['policy', 'best'], ['machines', 0], ['machines', 2.5], ['cellSize', 0], ['interval', -1], ['capacity', 0],
    ['overcommit', Number.NaN], ['seed', 1.5], ['usage', 'real'], ['tick', 0], ['usageRatio', -0.1], ['minMove', Infinity], ['bogus', 1],
  ])('rejects %s = %s with INVALID_OPTION naming the field', (field, value) => {
    const f = failure(() => defaultParams({ [field]: value } as never));
    expect(f?.code).toBe('INVALID_OPTION');
    expect(f?.field).toBe(field);
    expect(f?.message).toContain(field);
  });
});

describe('input validation', () => {
  it('names the column and row of bad task data', () => {
    const t = tasksOf([[0, 1, 0.1], [0, -1, 0.1]]);
    expect(failure(() => prepareReplay({ tasks: t, start: 0, end: 10e6 }, {}))).toMatchObject({ code: 'NEGATIVE_VALUE', field: 'tasks.duration' });
    const t2 = tasksOf([[0, 1, 0.1]]);
    t2.priority = new Int32Array(0);
    expect(failure(() => prepareReplay({ tasks: t2, start: 0, end: 10e6 }, {}))).toMatchObject({ code: 'DIMENSION_MISMATCH', field: 'tasks.priority' });
    const t3 = tasksOf([[0, 1, Infinity]]);
    expect(failure(() => prepareReplay({ tasks: t3, start: 0, end: 10e6 }, {}))).toMatchObject({ code: 'NOT_FINITE', field: 'tasks.cpuRequest' });
  });
  it('names a column that is missing or not a column (INVALID_OPTION), or of another length, in every table', () => {
    const base = tasksOf([[0, 1, 0.1], [0, 2, 0.2]]);
    for (const f of ['jobId', 'taskIndex', 'submit', 'duration', 'cpuRequest', 'memRequest', 'priority']) {
      for (const bad of [undefined, null, 'abc', 7]) {
        expect(failure(() => prepareReplay({ tasks: { ...base, [f]: bad } as never, start: 0, end: 10e6 }, {})), `${f} = ${String(bad)}`)
          .toMatchObject({ code: 'INVALID_OPTION', field: `tasks.${f}`, message: expect.stringContaining(`tasks.${f} must be a column of 2 numbers`) });
      }
    }
    expect(failure(() => prepareReplay({ tasks: { ...base, lastEvent: 'x' } as never, start: 0, end: 10e6 }, {}))).toMatchObject({ code: 'INVALID_OPTION', field: 'tasks.lastEvent' });
    expect(failure(() => prepareReplay({ tasks: { ...base, user: new Int32Array(1) }, start: 0, end: 10e6 }, {}))).toMatchObject({ code: 'DIMENSION_MISMATCH', field: 'tasks.user' });
    expect(failure(() => prepareReplay({ tasks: null as never, start: 0, end: 10e6 }, {}))).toMatchObject({ code: 'INVALID_OPTION', field: 'tasks' });
    expect(failure(() => prepareReplay({ tasks: { ...base, count: undefined } as never, start: 0, end: 10e6 }, {}))).toMatchObject({ code: 'INVALID_OPTION', field: 'tasks.count' });
    const usage = usageOf([[0, 0, 1, 0.1, 0.1, 0.1, 0]]);
    expect(failure(() => prepareReplay({ tasks: base, usage: { ...usage, cpu: undefined } as never, start: 0, end: 10e6 }, {}))).toMatchObject({ code: 'INVALID_OPTION', field: 'usage.cpu' });
    const machineEvents = { count: 1, time: new Float64Array(1), machine: new Int32Array(1), type: new Int32Array(1), cpu: Float64Array.of(1), mem: Float64Array.of(1), machines: 1 };
    expect(failure(() => prepareReplay({ tasks: base, machineEvents: { ...machineEvents, type: undefined } as never, start: 0, end: 10e6 }, { machines: 'trace' }))).toMatchObject({ code: 'INVALID_OPTION', field: 'machineEvents.type' });
    // More machines than a replay holds: the message of `machines`, naming the input's count (2^31 was OUT_OF_MEMORY).
    expect(failure(() => prepareReplay({ tasks: base, machineEvents: { ...machineEvents, machines: 2 ** 31 }, start: 0, end: 10e6 }, { machines: 'trace' })))
      .toMatchObject({ code: 'INVALID_OPTION', field: 'machineEvents.machines', message: expect.stringContaining('KB per machine; at most') });
  });
  it("names a column entry that is not a number, and a last event that is no event type (a string '4' left every task out under tasks: 'finished')", () => {
    const tasks = (lastEvent: unknown) => ({ ...tasksOf([[0, 1, 0.1], [0, 2, 0.2]]), lastEvent } as never);
    expect(failure(() => prepareReplay({ tasks: tasks(['4', '4']), start: 0, end: 10e6 }, { tasks: 'finished' })))
      .toMatchObject({ code: 'INVALID_OPTION', field: 'tasks.lastEvent', message: 'tasks.lastEvent[0] must be a number, got "4"' });
    for (const bad of [4.5, 99, -2, Number.NaN]) {
      expect(failure(() => prepareReplay({ tasks: tasks([4, bad]), start: 0, end: 10e6 }, {})), String(bad))
        .toMatchObject({ code: 'INVALID_OPTION', field: 'tasks.lastEvent', message: expect.stringContaining('tasks.lastEvent[1] must be an event type 0–8') });
    }
    expect(failure(() => prepareReplay({ tasks: tasks(Int32Array.of(-1, 8)), start: 0, end: 10e6 }, { tasks: 'finished' }))).toBeUndefined();
    const t = tasksOf([[0, 1, 0.1], [0, 2, 0.2]]);
    expect(failure(() => prepareReplay({ tasks: { ...t, submit: [0, null] } as never, start: 0, end: 10e6 }, {})))
      .toMatchObject({ code: 'INVALID_OPTION', field: 'tasks.submit', message: 'tasks.submit[1] must be a number, got null' });
  });
  it('names a machine event capacity that is negative or infinite (NaN, not given, stays accepted)', () => {
    const tasks = tasksOf([[0, 1, 0.1], [0, 2, 0.2]]);
    const events = (cpu: number) => ({ count: 2, time: new Float64Array(2), machine: Int32Array.of(0, 1), type: new Int32Array(2), cpu: Float64Array.of(0.5, cpu), mem: Float64Array.of(0.5, 0.5), machines: 2 });
    expect(failure(() => prepareReplay({ tasks, machineEvents: events(-0.5), start: 0, end: 10e6 }, { machines: 'trace' })))
      .toMatchObject({ code: 'NEGATIVE_VALUE', field: 'machineEvents.cpu', message: expect.stringContaining('machineEvents.cpu[1]') });
    expect(failure(() => prepareReplay({ tasks, machineEvents: events(Infinity), start: 0, end: 10e6 }, { machines: 'trace' })))
      .toMatchObject({ code: 'NOT_FINITE', field: 'machineEvents.cpu' });
    expect(failure(() => prepareReplay({ tasks, machineEvents: events(Number.NaN), start: 0, end: 10e6 }, { machines: 'trace' }))).toBeUndefined();
    expect(failure(() => prepareReplay({ tasks, machineEvents: events(0), start: 0, end: 10e6 }, { machines: 'trace' }))).toBeUndefined();
  });
  it('replay() rejects a trace in memory with a missing column by name (a FairfitError, not a TypeError)', async () => {
    const input = randomTrace(4, { tasks: 30, seconds: 50, windows: 1 });
    await expect(replay({ trace: { ...input, tasks: { ...input.tasks, submit: undefined } } as never })).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { field: 'tasks.submit' } });
  });
  it('names bad usage rows', () => {
    const tasks = tasksOf([[0, 1, 0.1]]);
    expect(failure(() => prepareReplay({ tasks, usage: usageOf([[3, 0, 1, 0.1, 0.1, 0.1, 0]]), start: 0, end: 10e6 }, {}))).toMatchObject({ code: 'INDEX_OUT_OF_RANGE', field: 'usage.task' });
    expect(failure(() => prepareReplay({ tasks, usage: usageOf([[0, 0, 1, -0.1, 0.1, 0.1, 0]]), start: 0, end: 10e6 }, {}))).toMatchObject({ code: 'NEGATIVE_VALUE', field: 'usage.cpu' });
  });
  it("rejects machines: 'trace' without machine events, and an empty window", () => {
    const tasks = tasksOf([[0, 1, 0.1]]);
    expect(failure(() => prepareReplay({ tasks, start: 0, end: 10e6 }, { machines: 'trace' }))).toMatchObject({ code: 'INVALID_OPTION', field: 'machines' });
    expect(failure(() => prepareReplay({ tasks, start: 5, end: 5 }, {}))).toMatchObject({ code: 'INVALID_OPTION' });
  });
  it('a rejected call leaves the input untouched', () => {
    const input = randomTrace(4, { tasks: 30, seconds: 50, windows: 1 });
    const before = structuredClone(input);
    expect(failure(() => simulate(input, { cellSize: 0 }))?.code).toBe('INVALID_OPTION');
    expect(input).toEqual(before);
  });
});

describe('usage modes and determinism', () => {
  it("usage 'trace' falls back to 'request' for tasks without windows, and says how many", () => {
    const input = { tasks: tasksOf([[0, 5, 0.1], [0, 5, 0.2]]), usage: usageOf([[0, 0, 10, 0.3, 0.1, 0.01, 0.001]]), start: 0, end: 10e6 };
    const r = simulate(input, { machines: 1, usageRatio: 0.5 });
    expect(r.info).toMatchObject({ usage: 'trace', tasksWithWindows: 1, usageFallbackToRequest: 1 });
    // CPU during 5 s: 0.3 (window) + 0.2 × 0.5 (request × usageRatio) = 0.4 on a 0.5 machine.
    expect(r.metrics.meanCpu).toBeCloseTo((5 * 0.4) / (10 * 0.5), 14);
  });
  it("usage 'synthetic' draws windows for every task that runs, reproducibly", () => {
    const input = randomTrace(9, { tasks: 80, seconds: 900 });
    const a = simulate(input, { machines: 8, usage: 'synthetic', policy: 'fine_grained', seed: 3 });
    expect(a.info!.tasksWithWindows).toBeGreaterThan(0);
    expect(JSON.stringify(simulate(input, { machines: 8, usage: 'synthetic', policy: 'fine_grained', seed: 3 }))).toBe(JSON.stringify(a));
    expect(JSON.stringify(simulate(input, { machines: 8, usage: 'synthetic', policy: 'fine_grained', seed: 4 }))).not.toBe(JSON.stringify(a));
  });
  it('every series has one value per point and the cumulative migrated memory ends at the total', () => {
    const input = randomTrace(12, { tasks: 300, seconds: 700, windows: 1, windowSeconds: 40, maxRequest: 0.3 });
    const r = simulate(input, { machines: 12, policy: 'coarse_grained', interval: 3 });
    const n = r.series.time!.length;
    for (const [k, v] of Object.entries(r.series)) expect(v.length, k).toBe(n);
    expect(r.series.migratedMemoryCumulative!.at(-1)).toBeCloseTo(r.metrics.migratedMemory, 12);
    expect(r.series.migrations!.reduce((a, b) => a + b, 0)).toBe(r.metrics.migrations);
    expect(r.metrics.migrations).toBeGreaterThan(0);
    for (const g of r.series.gini!) expect(g >= 0 && g <= 1).toBe(true);
  });
});

describe('the exported lists of choices are frozen', () => {
  it("a host cannot reorder or change them (POLICIES.sort() reordered every later 'all' run)", async () => {
    const lists = { POLICIES, USAGE_MODES, TASK_SELECTIONS, TIME0_RULES, ARRIVAL_RULES, DELAY_RULES, MIGRATED_REQUEST_RULES, DESTINATION_CHECKS, MEM_ORDERS, GINI_RULES };
    for (const [name, list] of Object.entries(lists)) {
      expect(Object.isFrozen(list), name).toBe(true);
      expect(() => (list as unknown as string[]).sort(), name).toThrow(TypeError);
    }
    expect(Object.isFrozen(PRESETS) && Object.isFrozen(PRESETS.thesis)).toBe(true);
    const r = await replay({ trace: randomTrace(3, { tasks: 20, seconds: 60 }), machines: 4, usage: 'request' });
    expect(r.runs.map((x) => x.policy)).toEqual(['no_migration', 'coarse_grained', 'fine_grained', 'cpu_request', 'cpu_usage', 'mem_usage', 'cpu_usage_desc', 'cache_misses']);
  });
});
