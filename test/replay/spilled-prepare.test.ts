// A preparation streams a spilled task table (the reader's `spill`) into its arrival file bucket by
// bucket (prepare.ts, arrivalsFromBuckets): the same file and counts as from the whole table, without
// ever making the table whole when the trace is in time order; otherwise it falls back to the table.
// A replay on workers reads its trace spilled and gives the JSON of the run in one thread.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eventBatch as batch, type Ev } from '../io/task-event-batch.ts';
import { defaultParams, prepareResolved } from '../../src/systems/giantvm/replay.ts';
import { ARRIVAL_FILES, PART_TUNING } from '../../src/systems/giantvm/schedule.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';
import { sweep } from '../../src/systems/giantvm/sweep-api.ts';
import { toJson } from '../../src/report/json.ts';
import { FairfitError } from '../../src/errors.ts';
import { ARRIVAL_TUNING } from '../../src/systems/giantvm/arrival-file.ts';
import { SPILL_TUNING, SpillingTaskBuilder } from '../../src/io/google/spill-builder.ts';
import { TaskTableBuilder } from '../../src/io/google/task-table-builder.ts';
import { TRACE_START } from '../../src/io/google/schema.ts';
import { TempFolder } from '../../src/io/temp-files.ts';
import { generateTrace } from '../../src/io/generate.ts';
import { readGoogleTrace } from '../../src/io/google/trace-folder.ts';
import type { ReplayInput } from '../../src/model/tasks.ts';
import { POLICIES, type ReplayParams } from '../../src/systems/giantvm/types.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-spilled-prepare-test-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const saved = { block: ARRIVAL_TUNING.block, minTasks: ARRIVAL_FILES.minTasks, spill: { ...SPILL_TUNING }, parts: { ...PART_TUNING }, tmp: process.env.TMPDIR };
afterEach(() => {
  Object.assign(PART_TUNING, saved.parts);
  ARRIVAL_TUNING.block = saved.block;
  ARRIVAL_FILES.minTasks = saved.minTasks;
  Object.assign(SPILL_TUNING, saved.spill);
  if (saved.tmp === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = saved.tmp;
});
let files = 0;


/** The same events read both ways: the whole table, and spilled (with a count of the times it was made whole). */
function inputs(evs: Ev[]): { whole: ReplayInput; spilled: ReplayInput; folder: TempFolder; made: () => number } {
  const one = new TaskTableBuilder(TRACE_START, { extras: false });
  const folder = new TempFolder('fairfit-spilled-prepare-', 'test files');
  const sp = new SpillingTaskBuilder(folder, TRACE_START);
  one.add(batch(evs));
  sp.add(batch(evs));
  const end = one.lastTime > TRACE_START ? one.lastTime : TRACE_START + 1e6;
  const whole: ReplayInput = { tasks: one.build(end).tasks, start: TRACE_START, end };
  const buckets = sp.build(end).tasks;
  let made = 0;
  const materialize = buckets.materialize.bind(buckets);
  buckets.materialize = () => { made++; return materialize(); };
  const spilled: ReplayInput = { get tasks() { return buckets.materialize(); }, spilled: buckets, start: TRACE_START, end };
  return { whole, spilled, folder, made: () => made };
}

const scenario = fc.record({
  events: fc.array(
    fc.tuple(
      fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 }), fc.constantFrom(0, 0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 8),
      fc.option(fc.constantFrom(0.125, 0.5, 0.0625), { nil: Number.NaN }), fc.option(fc.constantFrom(0.25, 0.03125), { nil: Number.NaN }),
      fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 11 }),
    ),
    { minLength: 1, maxLength: 200 },
  ),
  sorted: fc.boolean(),
  usage: fc.constantFrom('request', 'synthetic') as fc.Arbitrary<ReplayParams['usage']>,
  tasksRule: fc.constantFrom('all', 'ended', 'finished') as fc.Arbitrary<ReplayParams['tasks']>,
  arrival: fc.constantFrom('tick', 'boundary') as fc.Arbitrary<ReplayParams['arrival']>,
  tick: fc.constantFrom(1e6, 10e6, 60e6),
  machines: fc.integer({ min: 1, max: 9 }),
  seed: fc.integer({ min: 1, max: 1000 }),
  bucket: fc.integer({ min: 1, max: 40 }),
  block: fc.constantFrom(1, 3, 16, 1 << 16),
});

describe('preparing a spilled task table', () => {
  it('writes the arrival file and counts of the whole table; in time order without making it whole (property)', () => {
    fc.assert(fc.property(scenario, (s) => {
      ARRIVAL_TUNING.block = s.block;
      SPILL_TUNING.bucket = s.bucket;
      let t = 600e6;
      // In time order (steps of whole seconds; the events before the first step at time 0), or in any order.
      const evs: Ev[] = s.events.map(([step, job, idx, type, cpu, mem, cls, pri], i) => {
        t += step * 1e6;
        const time = s.sorted ? (t === 600e6 ? 0 : t) : 600e6 + ((i * 7919) % 211) * 1e6;
        return [time, 6e9 + job, idx, type, cpu, mem, cls, pri];
      });
      const { whole, spilled, folder, made } = inputs(evs);
      try {
        const p = defaultParams({ machines: s.machines, usage: s.usage, tasks: s.tasksRule, arrival: s.arrival, tick: s.tick, seed: s.seed });
        // Events out of time order can give a negative run time: then both refuse it, with the same error.
        const attempt = (input: ReplayInput, name: string) => {
          try {
            return prepareResolved(input, p, { arrivalFile: join(dir, `${name}${files}`) });
          } catch (err) {
            return err as FairfitError;
          }
        };
        const a = attempt(whole, 'w');
        const b = attempt(spilled, 's');
        files++;
        if (a instanceof FairfitError) {
          expect(s.sorted).toBe(false);
          expect(b).toBeInstanceOf(FairfitError);
          expect({ code: (b as FairfitError).code, message: (b as FairfitError).message }).toEqual({ code: a.code, message: a.message });
          return;
        }
        if (b instanceof FairfitError) throw b;
        expect(b.info).toEqual(a.info);
        expect(b.arrivals!.count).toBe(a.arrivals!.count);
        expect(readFileSync(b.arrivals!.path).equals(readFileSync(a.arrivals!.path))).toBe(true);
        if (s.sorted) expect(made()).toBe(0);
      } finally {
        folder.remove();
      }
    }), { numRuns: 120 });
  });

  it('falls back to the whole table when first appearance is not arrival order (same file)', () => {
    ARRIVAL_TUNING.block = 2;
    SPILL_TUNING.bucket = 2;
    // Task (6e9, 0) appears first (UPDATE at 900 s) but is submitted later than (6e9, 1).
    const evs: Ev[] = [[900e6, 6e9, 0, 8, 0.5, 0.5, 0, 1], [700e6, 6e9, 1, 0, 0.5, 0.5, 0, 1], [800e6, 6e9, 1, 1, NaN, NaN, 0, 1], [950e6, 6e9, 2, 0, 0.25, 0.25, 0, 1]];
    const { whole, spilled, folder, made } = inputs(evs);
    try {
      const p = defaultParams({ machines: 2, usage: 'request' });
      const a = prepareResolved(whole, p, { arrivalFile: join(dir, `wf${files}`) });
      const b = prepareResolved(spilled, p, { arrivalFile: join(dir, `sf${files++}`) });
      expect(made()).toBe(1);
      expect(b.info).toEqual(a.info);
      expect(readFileSync(b.arrivals!.path).equals(readFileSync(a.arrivals!.path))).toBe(true);
    } finally {
      folder.remove();
    }
  });
});

describe('replays of a folder read their trace spilled', () => {
  it('in this thread and on workers, in any number of parts: one policy, all eight, a sweep give the runs of the unspilled table; no file is left behind', async () => {
    const trace = join(dir, 'gen');
    await generateTrace({ machines: 40, tasks: 3000, days: 1, seed: 9, usage: false, resubmissions: true, out: trace });
    // The reference: the same trace read whole (an in-memory input is never spilled).
    const whole = await readGoogleTrace(trace, { extras: false, usage: false });
    // One after the other (each call reads the trace when called).
    type Api = (trace: string | ReplayInput, workers: number, read?: object) => (() => Promise<string>)[];
    const calls: Api = (t, workers, read) => [
      () => replay({ trace: t, machines: 'trace', usage: 'synthetic', policies: ['fine_grained'], workers, read }).then(runsOf),
      () => replay({ trace: t, machines: 'trace', usage: 'request', policies: [...POLICIES], workers, read }).then(runsOf),
      () => sweep({ trace: t, machines: [20, 'trace'], usage: 'synthetic', policies: ['no_migration', 'coarse_grained'], workers, read }).then(runsOf),
    ];
    const want: string[] = [];
    for (const c of calls(whole, 1)) want.push(await c());
    const t = mkdtempSync(join(dir, 'tmp-'));
    process.env.TMPDIR = t;
    ARRIVAL_TUNING.block = 100;
    Object.assign(SPILL_TUNING, { bucket: 700, minBytes: 0 });
    // In this thread and on workers; then with parts of ≈ 200 tasks (PART_TUNING: 15 parts a configuration).
    for (const [workers, tasksPerPart] of [[1, PART_TUNING.tasksPerPart], [2, PART_TUNING.tasksPerPart], [1, 200], [2, 200]] as const) {
      PART_TUNING.tasksPerPart = tasksPerPart;
      // Once read, before any run, the task files are there (the trace was read spilled).
      const held: string[][] = [];
      const read = { onRead: () => { held.push(readdirSync(t).filter((n) => n.startsWith('fairfit-tasks-'))); } };
      const got: string[] = [];
      for (const c of calls(trace, workers, read)) got.push(await c());
      expect(got, `workers ${workers}, ${tasksPerPart} tasks a part`).toEqual(want);
      expect(held.map((h) => h.length)).toEqual([1, 1, 1]);
      expect(readdirSync(t)).toEqual([]);
    }
  }, 120_000);
});

function runsOf(report: { runs: unknown[] }): string {
  return toJson(report.runs);
}
