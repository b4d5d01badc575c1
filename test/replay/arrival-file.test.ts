// A preparation can write its tasks to an arrival file instead of holding them (arrival-file.ts):
// the parts read their tasks back block by block as their slots fill, and nothing changes a bit.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultParams, mergeRuns, prepareResolved, simulateCells, simulateCellsInLockstep, withPolicy } from '../../src/systems/giantvm/replay.ts';
import { ARRIVAL_FILES, splitCells } from '../../src/systems/giantvm/schedule.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';
import { sweep } from '../../src/systems/giantvm/sweep-api.ts';
import { toJson } from '../../src/report/json.ts';
import { ARRIVAL_TUNING, ArrivalReader, ArrivalSharedReader, bytesPerTask } from '../../src/systems/giantvm/arrival-file.ts';
import { POLICIES, type ReplayParams } from '../../src/systems/giantvm/types.ts';
import { randomTrace } from './helpers.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-arrivals-test-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const block = ARRIVAL_TUNING.block, minTasks = ARRIVAL_FILES.minTasks, tmp = process.env.TMPDIR;
afterEach(() => {
  ARRIVAL_TUNING.block = block;
  ARRIVAL_FILES.minTasks = minTasks;
  if (tmp === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = tmp;
});
let files = 0;

describe('arrival file', () => {
  it('holds every arriving task once, in arrival order, in blocks of the set size', () => {
    ARRIVAL_TUNING.block = 7;
    const input = randomTrace(5, { tasks: 200, seconds: 600, windows: 0, windowSeconds: 60, atZero: 0.1 });
    const p = defaultParams({ machines: 9, usage: 'synthetic' });
    const mem = prepareResolved(input, p);
    const path = join(dir, `f${files++}`);
    const filed = prepareResolved(input, p, { arrivalFile: path });
    // Its tasks per machine (up to the last machine with one): a part knows its own count before reading.
    const perMachine = new Int32Array(Math.max(-1, ...mem.tasks.machine) + 1);
    for (const m of mem.tasks.machine) perMachine[m]!++;
    expect(perMachine.length).toBeGreaterThan(1);
    expect(filed.arrivals).toEqual({ path, count: mem.tasks.id.length, block: 7, synthetic: true, perMachine });
    expect(filed.tasks.machine.length).toBe(0);
    expect(statSync(path).size).toBe(mem.tasks.id.length * bytesPerTask(true));
    expect(filed.info).toEqual(mem.info);
    // Read back whole, then machines [3, 6) only.
    for (const [m0, m1] of [[0, 9], [3, 6]] as const) {
      const r = new ArrivalReader(filed.arrivals!, m0, m1, 9);
      const got: number[][] = [];
      while (r.advance()) for (let j = 0; j < r.n; j++) got.push([r.tasks.machine[j]!, r.tasks.submitTick[j]!, r.tasks.submitUs[j]!, r.tasks.work[j]!, r.tasks.req[j]!, r.tasks.priority[j]!, r.tasks.key[j]!, r.tasks.k0[j]!, r.tasks.count[j]!, r.tasks.mem[j]!]);
      const t = mem.tasks, s = mem.synthetic!;
      const want: number[][] = [];
      for (let j = 0; j < t.id.length; j++) {
        if (t.machine[j]! >= m0 && t.machine[j]! < m1) want.push([t.machine[j]!, t.submitTick[j]!, t.submitUs[j]!, t.work[j]!, t.req[j]!, t.priority[j]!, s.key[j]!, s.k0[j]!, s.count[j]!, s.mem[j]!]);
      }
      expect(got).toEqual(want);
      expect(r.advance()).toBe(false);
    }
  });

  it('a truncated file is refused, naming the file', () => {
    ARRIVAL_TUNING.block = 4;
    const input = randomTrace(2, { tasks: 40, seconds: 100, windows: 0, windowSeconds: 60 });
    const path = join(dir, `f${files++}`);
    const filed = prepareResolved(input, defaultParams({ machines: 3, usage: 'request' }), { arrivalFile: path });
    const r = new ArrivalReader({ ...filed.arrivals!, count: filed.arrivals!.count + 5 }, 0, 3, 3);
    expect(() => { while (r.advance()); }).toThrow(expect.objectContaining({ code: 'CORRUPT_INPUT', message: expect.stringContaining(path) }));
  });

  it('only synthetic and request usage go to a file (trace usage keeps its windows in memory)', () => {
    const input = randomTrace(3, { tasks: 50, seconds: 300, windows: 1, windowSeconds: 60 });
    const path = join(dir, `f${files++}`);
    const prep = prepareResolved(input, defaultParams({ machines: 4, usage: 'trace' }), { arrivalFile: path });
    expect(prep.arrivals).toBeUndefined();
    expect(readdirSync(dir)).not.toContain(`f${files - 1}`);
  });

  const scenario = fc.record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    tasks: fc.integer({ min: 0, max: 300 }),
    seconds: fc.integer({ min: 60, max: 1200 }),
    machines: fc.integer({ min: 1, max: 12 }),
    cellSize: fc.integer({ min: 1, max: 4 }),
    parts: fc.integer({ min: 1, max: 4 }),
    usage: fc.constantFrom('request', 'synthetic') as fc.Arbitrary<ReplayParams['usage']>,
    policy: fc.constantFrom(...POLICIES),
    tasksRule: fc.constantFrom('all', 'ended', 'finished') as fc.Arbitrary<ReplayParams['tasks']>,
    block: fc.constantFrom(1, 3, 64, 1 << 16),
    others: fc.array(fc.constantFrom(...POLICIES), { maxLength: 3 }),
  });

  it('parts reading their tasks from a file give the JSON of the preparation in memory, for any block size and cell split', () => {
    fc.assert(fc.property(scenario, (s) => {
      ARRIVAL_TUNING.block = s.block;
      const input = randomTrace(s.seed, { tasks: s.tasks, seconds: s.seconds, windows: 0.5, windowSeconds: 60, atZero: 0.1, lastEvents: s.tasksRule === 'finished' });
      const p = defaultParams({ policy: s.policy, machines: s.machines, cellSize: s.cellSize, usage: s.usage, seed: s.seed, tasks: s.tasksRule });
      const mem = prepareResolved(input, p);
      const filed = prepareResolved(input, p, { arrivalFile: join(dir, `f${files++}`) });
      const run = (prep: typeof mem) => JSON.stringify(mergeRuns(prep, splitCells(prep.cells, s.parts).map((r) => simulateCells(prep, r))));
      const want = run(mem);
      expect(run(filed)).toBe(want);
      // Policies in lockstep reading the file once (ArrivalSharedReader): each run is its own replay's.
      const others = s.others.map((q) => withPolicy(filed, q));
      const together = splitCells(filed.cells, s.parts).map((r) => simulateCellsInLockstep([filed, ...others], r));
      expect(JSON.stringify(mergeRuns(filed, together.map((parts) => parts[0]!)))).toBe(want);
      others.forEach((o, i) => expect(JSON.stringify(mergeRuns(o, together.map((parts) => parts[i + 1]!)))).toBe(run(withPolicy(mem, o.params.policy))));
    }), { numRuns: 60 });
  });

  it('a reading shared by cursors gives each the blocks a reader of its own gives, at any pace, and closes with the last', () => {
    ARRIVAL_TUNING.block = 7;
    const input = randomTrace(4, { tasks: 200, seconds: 600, windows: 1, windowSeconds: 60 });
    const filed = prepareResolved(input, defaultParams({ machines: 9, usage: 'synthetic' }), { arrivalFile: join(dir, `f${files++}`) });
    const rows = (src: { advance(): boolean; n: number; tasks: { machine: Int32Array; key: Int32Array; submitUs: Float64Array } }, max = Infinity) => {
      const out: number[][] = [];
      for (let b = 0; b < max && src.advance(); b++) for (let j = 0; j < src.n; j++) out.push([src.tasks.machine[j]!, src.tasks.key[j]!, src.tasks.submitUs[j]!]);
      return out;
    };
    const want = rows(new ArrivalReader(filed.arrivals!, 3, 6, 9));
    expect(want.length).toBeGreaterThan(0);
    const shared = new ArrivalSharedReader(filed.arrivals!, 3, 6, 9);
    const a = shared.cursor(), b = shared.cursor(), c = shared.cursor();
    // a runs 3 blocks ahead, then b catches up past it, then c reads everything; all see the same rows.
    const ga = rows(a, 3), gb = rows(b, 5);
    ga.push(...rows(a)); gb.push(...rows(b));
    expect(ga).toEqual(want);
    expect(gb).toEqual(want);
    a.close(); b.close();
    expect(rows(c)).toEqual(want);
    c.close();
    expect(c.advance()).toBe(false);
  });

  describe('runs on worker threads (trace at least ARRIVAL_FILES.minTasks tasks)', () => {
    /** A private temporary folder for the run (os.tmpdir() follows TMPDIR): it must be empty afterwards. */
    function privateTmp(): string {
      const t = mkdtempSync(join(dir, 'tmp-'));
      process.env.TMPDIR = t;
      return t;
    }
    const input = randomTrace(11, { tasks: 1500, seconds: 1800, windows: 0, windowSeconds: 60, atZero: 0.2 });

    it('one policy split by cells, and all eight policies: the JSON of the run in one thread; the files are removed', async () => {
      for (const usage of ['synthetic', 'request'] as const) {
        const opts = { trace: input, machines: 24, usage, seed: 4 };
        const one = [toJson(await replay({ ...opts, policies: ['fine_grained' as const] })), toJson(await replay(opts))];
        ARRIVAL_FILES.minTasks = 0;
        ARRIVAL_TUNING.block = 100;
        const t = privateTmp();
        // Half-way (one of the two parts done), the folder holds the one arrival file the parts read.
        let held: string[] = [];
        const onProgress = (done: number) => { if (done > 0 && done < 1) held = readdirSync(t).flatMap((d) => readdirSync(join(t, d))); };
        expect(toJson(await replay({ ...opts, policies: ['fine_grained' as const], workers: 2, onProgress })), usage).toBe(one[0]);
        expect(held, usage).toEqual(['prepared-0.bin']);
        expect(toJson(await replay({ ...opts, workers: 2 })), usage).toBe(one[1]);
        expect(readdirSync(t), usage).toEqual([]);
        ARRIVAL_FILES.minTasks = minTasks;
      }
    });

    it('a sweep of several policy groups (more groups than workers) gives the results of the run in one thread', async () => {
      const opts = { trace: input, machines: [16, 24], overcommit: [0.8, 1], seeds: [1, 2], policies: ['no_migration' as const, 'fine_grained' as const], usage: 'synthetic' as const };
      const one = toJson(await sweep(opts));
      ARRIVAL_FILES.minTasks = 0;
      const t = privateTmp();
      expect(toJson(await sweep({ ...opts, workers: 2 }))).toBe(one);
      expect(readdirSync(t)).toEqual([]);
    });

    it('a temporary folder that cannot be made: IO_ERROR naming it, before any run', async () => {
      ARRIVAL_FILES.minTasks = 0;
      const missing = join(dir, 'no-such-folder');
      process.env.TMPDIR = missing;
      const err = await replay({ trace: input, machines: 24, usage: 'synthetic', workers: 2 }).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining(missing) });
    });

    it('an aborted run removes its files too', async () => {
      ARRIVAL_FILES.minTasks = 0;
      const t = privateTmp();
      const ac = new AbortController();
      // Stopped after the first runs: the folder then holds the arrival files of the groups in flight.
      // (All eight policies of a group run in lockstep and end together, so: three groups, by seed.)
      let held: string[] = [];
      const onProgress = (done: number) => {
        if (done === 0 || ac.signal.aborted) return;
        held = readdirSync(t).flatMap((d) => readdirSync(join(t, d)));
        ac.abort();
      };
      const report = await sweep({ trace: input, machines: [24], seeds: [1, 2, 3], usage: 'synthetic', workers: 2, signal: ac.signal, onProgress });
      expect(report.interrupted).toBe(true);
      expect(report.runs.length).toBeLessThan(24);
      expect(held.length).toBeGreaterThan(0);
      for (const f of held) expect(f).toMatch(/^prepared-\d+\.bin$/);
      expect(readdirSync(t)).toEqual([]);
    });
  });
});
