// A preparation that may use up its input (`consume`: a trace the replay read for itself) writes its
// columns over the task table's own arrays when the tasks arrive in table order (prepare.ts,
// fillInPlace): the same preparation as from a table it may not touch, whatever the block size.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eventBatch as batch, type Ev } from '../io/task-event-batch.ts';
import { defaultParams, prepareResolved, type PreparedReplay } from '../../src/systems/giantvm/replay.ts';
import { IN_PLACE_TUNING } from '../../src/systems/giantvm/prepare.ts';
import { TaskTableBuilder } from '../../src/io/google/task-table-builder.ts';
import { TRACE_START } from '../../src/io/google/schema.ts';
import { FairfitError } from '../../src/errors.ts';
import type { ReplayInput, TaskTable } from '../../src/model/tasks.ts';
import type { ReplayParams } from '../../src/systems/giantvm/types.ts';

const block = IN_PLACE_TUNING.block;
afterEach(() => { IN_PLACE_TUNING.block = block; });

/** The events read into a task table, as the Google reader makes it. */
function read(evs: Ev[]): ReplayInput {
  const b = new TaskTableBuilder(TRACE_START, { extras: false });
  b.add(batch(evs));
  const end = b.lastTime > TRACE_START ? b.lastTime : TRACE_START + 1e6;
  return { tasks: b.build(end).tasks, start: TRACE_START, end };
}

/** Every column of a preparation, as plain values. */
function columns(p: PreparedReplay): unknown {
  const plain = (o: object | undefined) => o && Object.fromEntries(Object.entries(o).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v]));
  return { tasks: plain(p.tasks), windows: plain(p.windows), synthetic: plain(p.synthetic), info: p.info, ticks: p.ticks, machines: p.machines };
}

const scenario = fc.record({
  events: fc.array(
    fc.tuple(
      fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 }), fc.constantFrom(0, 0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 8),
      fc.constantFrom(0.125, 0.5, 0.0625), fc.constantFrom(0.25, 0.03125), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 11 }),
    ),
    { minLength: 1, maxLength: 200 },
  ),
  // Mostly in time order under synthetic usage: the in-place path's conditions.
  sorted: fc.constantFrom(true, true, true, false),
  usage: fc.constantFrom('request', 'synthetic', 'synthetic') as fc.Arbitrary<ReplayParams['usage']>,
  tasksRule: fc.constantFrom('all', 'ended', 'finished') as fc.Arbitrary<ReplayParams['tasks']>,
  arrival: fc.constantFrom('tick', 'boundary') as fc.Arbitrary<ReplayParams['arrival']>,
  tick: fc.constantFrom(1e6, 10e6, 60e6),
  machines: fc.integer({ min: 1, max: 9 }),
  seed: fc.integer({ min: 1, max: 1000 }),
  block: fc.constantFrom(1, 3, 16, 1 << 14),
});

describe('a preparation over its input (consume)', () => {
  it('equals the preparation of an untouched table, and writes over the table when its tasks arrive in order (property)', () => {
    let inPlace = 0;
    fc.assert(fc.property(scenario, (s) => {
      IN_PLACE_TUNING.block = s.block;
      let t = 600e6;
      // In time order (steps of whole seconds; the events before the first step at time 0), or in any order.
      const evs: Ev[] = s.events.map(([step, job, idx, type, cpu, mem, cls, pri], i) => {
        t += step * 1e6;
        const time = s.sorted ? (t === 600e6 ? 0 : t) : 600e6 + ((i * 7919) % 211) * 1e6;
        return [time, 6e9 + job, idx, type, cpu, mem, cls, pri];
      });
      const p = defaultParams({ machines: s.machines, usage: s.usage, tasks: s.tasksRule, arrival: s.arrival, tick: s.tick, seed: s.seed });
      const kept = read(evs), used = read(evs);
      const submit = used.tasks.submit;
      const attempt = (input: ReplayInput, consume: boolean) => {
        try {
          return prepareResolved(input, p, { consume });
        } catch (err) {
          return err as FairfitError;
        }
      };
      const a = attempt(kept, false), b = attempt(used, true);
      if (a instanceof FairfitError) {
        expect(b).toBeInstanceOf(FairfitError);
        expect((b as FairfitError).message).toBe(a.message);
        return;
      }
      if (b instanceof FairfitError) throw b;
      expect(columns(b)).toEqual(columns(a));
      // In place exactly when it may be: synthetic usage, arrival order = table order, ≥ 3/4 of the tasks arriving.
      const n = a.tasks.id.length;
      const ordered = a.tasks.id.every((i, j) => j === 0 || i > a.tasks.id[j - 1]!);
      const expected = s.usage === 'synthetic' && ordered && 4 * n >= 3 * kept.tasks.count;
      expect(b.tasks.submitUs.buffer === submit.buffer).toBe(expected);
      if (expected) inPlace++;
    }), { numRuns: 200 });
    // The property exercised the in-place path, not only the fall-back.
    expect(inPlace).toBeGreaterThan(10);
  });

  it('never writes over a column that shares its buffer with another (a caller\'s packed table)', () => {
    const n = 4;
    const f = new Float64Array(2 * n), k = new Int32Array(2 * n);
    const tasks: TaskTable = {
      count: n, jobId: new Float64Array(n).fill(7), taskIndex: Int32Array.from([0, 1, 2, 3]),
      submit: f.subarray(0, n), duration: f.subarray(n), cpuRequest: new Float64Array(n).fill(0.25), memRequest: new Float64Array(n).fill(0.125),
      priority: k.subarray(0, n), schedulingClass: k.subarray(n),
    };
    tasks.submit.set([0, 1e6, 2e6, 3e6]);
    tasks.duration.set([5e6, 5e6, 5e6, 5e6]);
    const input: ReplayInput = { tasks, start: 0, end: 10e6 };
    const before = { f: Array.from(f), k: Array.from(k) };
    const p = defaultParams({ machines: 2, usage: 'synthetic' });
    const want = columns(prepareResolved({ ...input, tasks: { ...tasks, submit: tasks.submit.slice(), duration: tasks.duration.slice(), priority: tasks.priority.slice(), schedulingClass: tasks.schedulingClass.slice() } }, p));
    const got = prepareResolved(input, p, { consume: true });
    expect(columns(got)).toEqual(want);
    expect({ f: Array.from(f), k: Array.from(k) }).toEqual(before);
    // The columns that are a buffer's only column were written over.
    expect(got.tasks.req.buffer).toBe(tasks.cpuRequest.buffer);
  });

  it('leaves the input alone without consume', () => {
    const evs: Ev[] = [[0, 6e9, 0, 0, 0.5, 0.25, 0, 1], [0, 6e9, 0, 1, NaN, NaN, 0, 1], [700e6, 6e9, 1, 0, 0.125, 0.25, 0, 9], [900e6, 6e9, 1, 1, NaN, NaN, 0, 9]];
    const input = read(evs);
    const copy = Object.fromEntries(Object.entries(input.tasks).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v]));
    prepareResolved(input, defaultParams({ machines: 2, usage: 'synthetic' }));
    expect(Object.fromEntries(Object.entries(input.tasks).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v]))).toEqual(copy);
  });
});
