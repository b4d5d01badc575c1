// What a merge holds of its parts (src/systems/giantvm/part-collector.ts): the machine × point values of
// the per-point Gini spilled to a file and read back a block of points at a time, the per-cell series
// folded in cell order as parts arrive in any order; and a replay that spills, on every path (this
// thread, chunks of policies on workers, ranges on workers, a sweep's whole groups on workers), gives the
// JSON of one that does not. The worker pool starts jobs in the order they were asked for.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { POINT_BLOCK, PartCollector, pointsInMemory, SERIES_SPILL, SpilledPoints } from '../../src/systems/giantvm/part-collector.ts';
import { foldCells, NPT, type PartialRun } from '../../src/systems/giantvm/merge.ts';
import type { PreparedReplay } from '../../src/systems/giantvm/prepare.ts';
import { PART_TUNING } from '../../src/systems/giantvm/schedule.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';
import { sweep } from '../../src/systems/giantvm/sweep-api.ts';
import { ReplayPool } from '../../src/systems/giantvm/replay-pool.ts';
import { toShared } from '../../src/runner/share.ts';
import { defaultParams } from '../../src/systems/giantvm/replay-params.ts';
import { TempFolder } from '../../src/io/temp-files.ts';
import { toJson } from '../../src/report/json.ts';
import { seededInput } from '../giantvm/input.ts';
import type { PolicyName } from '../../src/systems/giantvm/types.ts';

const saved = { spill: SERIES_SPILL.bytes, parts: { ...PART_TUNING } };
afterEach(() => {
  SERIES_SPILL.bytes = saved.spill;
  Object.assign(PART_TUNING, saved.parts);
});

/** A part of `machines` machines and `cells` cells with values from `rand` (NaN now and then: a machine down in that point). */
function part(first: number, cells: number, machineFirst: number, machines: number, P: number, rand: () => number): PartialRun {
  const machPt = Float64Array.from({ length: machines * P }, () => { const u = rand(); return u < 0.1 ? Number.NaN : u; });
  const cellPt = Float64Array.from({ length: cells * P * NPT }, () => rand() * 3);
  return { first, count: cells, machineFirst, machines, cellAcc: new Float64Array(0), cellPt, machPt, utilSum: new Float64Array(machines), upTicks: new Float64Array(machines), elapsedMs: 0 };
}

/** A seeded generator of doubles in [0, 1) (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const shape = fc.record({
  seed: fc.integer({ min: 1, max: 1e6 }),
  points: fc.integer({ min: 1, max: 3 * POINT_BLOCK + 5 }),
  machines: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
  order: fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
});

/** Parts of `s` (one cell a machine) and an arrival order (a permutation from `s.order`). */
function partsOf(s: typeof shape extends fc.Arbitrary<infer T> ? T : never) {
  const rand = seeded(s.seed);
  let m = 0;
  const parts = s.machines.map((n) => { const p = part(m, n, m, n, s.points, rand); m += n; return p; });
  const order = parts.map((_, i) => i).sort((a, b) => (s.order[a]! % 7) - (s.order[b]! % 7) || a - b);
  return { parts, order, machines: m };
}

/** Every block of points read from `blocks`, as one machines × points matrix (machine-major). */
function readAll(blocks: { read(p0: number, p1: number, dst: Float64Array): void }, machines: number, P: number): Float64Array {
  const all = new Float64Array(machines * P);
  for (let p0 = 0; p0 < P; p0 += POINT_BLOCK) {
    const w = Math.min(POINT_BLOCK, P - p0);
    const block = new Float64Array(machines * w);
    blocks.read(p0, p0 + w, block);
    for (let m = 0; m < machines; m++) all.set(block.subarray(m * w, (m + 1) * w), m * P + p0);
  }
  return all;
}

describe('SpilledPoints', () => {
  it('reads back, block by block, the values of parts written in any order: those in memory, NaN included (property)', () => {
    const folder = new TempFolder('fairfit-series-test-', 'test files');
    try {
      fc.assert(fc.property(shape, (s) => {
        const { parts, order, machines } = partsOf(s);
        const want = readAll(pointsInMemory(parts, s.points), machines, s.points);
        // The whole matrix is every part's rows stacked in machine order.
        let at = 0;
        for (const p of parts) { expect(Object.is(want[at * s.points], p.machPt[0])).toBe(true); at += p.machines; }
        const file = folder.next('points');
        const spilled = new SpilledPoints(file, s.points);
        const before = SERIES_SPILL.spilled;
        for (const i of order) spilled.add(i, parts[i]!);
        expect(SERIES_SPILL.spilled - before).toBe(parts.length);
        for (const p of parts) expect(p.machPt.length).toBe(0);
        const got = readAll(spilled, machines, s.points);
        expect(got.length).toBe(want.length);
        for (let k = 0; k < want.length; k++) if (!Object.is(got[k], want[k])) expect.fail(`value ${k}: ${got[k]} vs ${want[k]}`);
        spilled.dispose();
        expect(existsSync(file)).toBe(false);
      }), { numRuns: 60 });
    } finally {
      folder.remove();
    }
  });

  it('refuses a read that is not a block, a part it never got, and a part of the wrong size', () => {
    const folder = new TempFolder('fairfit-series-test-', 'test files');
    try {
      const rand = seeded(3);
      const P = POINT_BLOCK + 3;
      const spilled = new SpilledPoints(folder.next('points'), P);
      spilled.add(1, part(2, 2, 2, 2, P, rand));
      expect(() => spilled.read(1, 4, new Float64Array(100))).toThrow(/not a block/);
      expect(() => spilled.read(0, POINT_BLOCK, new Float64Array(4 * POINT_BLOCK))).toThrow(/parts\[0\] has no values/);
      // Parts 0 and 1 in, but the merge has more machines than they: refused, not read short.
      spilled.add(0, part(0, 2, 0, 2, P, rand));
      expect(() => spilled.read(0, POINT_BLOCK, new Float64Array(5 * POINT_BLOCK))).toThrow(/holds 4 machines, the merge has 5/);
      const bad = part(4, 2, 4, 2, P, rand);
      bad.machPt = bad.machPt.subarray(1);
      expect(() => spilled.add(2, bad)).toThrow(/parts\[2\] has \d+ machine × point values, expected 2 × 67/);
      spilled.dispose();
      spilled.dispose();
    } finally {
      folder.remove();
    }
  });
});

describe('PartCollector', () => {
  it('folds each run\'s per-cell series in cell order as parts arrive in any order: the sums so far on each part (property)', () => {
    const folder = new TempFolder('fairfit-series-test-', 'test files');
    try {
      fc.assert(fc.property(shape, fc.integer({ min: 1, max: 3 }), (s, runs) => {
        const rand = seeded(s.seed);
        // The collector reads only these of the preparation.
        const prepared = { keepPoints: true, points: s.points, machines: 0 } as unknown as PreparedReplay;
        // ranges × runs parts, each range with its cells and machines.
        let m = 0;
        const ranges = s.machines.map((n) => { const r = Array.from({ length: runs }, () => part(m, n, m, n, s.points, rand)); m += n; return r; });
        // The reference: the merge's fold over the parts in cell order, kept before the collector empties them.
        const want = Array.from({ length: runs }, (_, i) => ranges.map((_, k) => {
          const sums = new Float64Array(s.points * NPT);
          for (let j = 0; j <= k; j++) foldCells(sums, ranges[j]![i]!, s.points);
          return sums;
        }));
        (prepared as { machines: number }).machines = m;
        const order = ranges.map((_, i) => i).sort((a, b) => (s.order[a]! % 7) - (s.order[b]! % 7) || a - b);
        const collect = new PartCollector(prepared, runs, ranges.length, folder);
        for (const k of order) {
          expect(collect.complete()).toBeUndefined();
          collect.add(k, ranges[k]!);
        }
        const all = collect.complete()!;
        expect(all.length).toBe(ranges.length);
        all.forEach((parts, k) => parts.forEach((p, i) => {
          expect(p.cellPt.length).toBe(0);
          expect(Array.from(p.pointSums!)).toEqual(Array.from(want[i]![k]!));
        }));
        collect.dispose();
      }), { numRuns: 60 });
      // A part without its per-cell series (its sums folded elsewhere) is refused, not folded as zeros.
      const rand = seeded(9);
      const prepared = { keepPoints: true, points: 5, machines: 4 } as unknown as PreparedReplay;
      const collect = new PartCollector(prepared, 1, 2, folder);
      const bare = part(0, 2, 0, 2, 5, rand);
      bare.cellPt = new Float64Array(0);
      expect(() => collect.add(0, [bare])).toThrow(/parts\[0\] has 0 per-cell series values, expected 2 cells × 5 points × 10/);
      expect(collect.complete()).toBeUndefined();
    } finally {
      folder.remove();
    }
  });
});

describe('a replay whose series spill gives the JSON of one that does not', () => {
  // 2,400 tasks in parts of 300: eight parts, and every part's machine × point values to a file.
  const input = seededInput(11, 2400, 3);
  const base = { trace: input, machines: 40, usage: 'synthetic' as const, seed: 11 };
  const grid = { ...base, machines: [30, 40], overcommit: [0.5, 1], policies: ['no_migration', 'fine_grained'] as PolicyName[] };

  it('in this thread, and on 2 workers: chunks of policies, ranges of one policy, a sweep\'s whole groups', async () => {
    PART_TUNING.tasksPerPart = 300;
    const plain = {
      all: toJson(await replay({ ...base, workers: 1 })),
      one: toJson(await replay({ ...base, policies: ['fine_grained'], workers: 1 })),
      grid: toJson(await sweep({ ...grid, workers: 1 })),
    };
    SERIES_SPILL.bytes = 0;
    const cases: [string, () => Promise<unknown>, string, number][] = [
      ['all eight, this thread', () => replay({ ...base, workers: 1 }), plain.all, 8 * 4],
      ['all eight, 2 workers (chunks of policies)', () => replay({ ...base, workers: 2 }), plain.all, 8 * 8],
      ['one policy, 2 workers (ranges)', () => replay({ ...base, policies: ['fine_grained'], workers: 2 }), plain.one, 8],
      ['a sweep, 2 workers (whole groups)', () => sweep({ ...grid, workers: 2 }), plain.grid, 8 * 8],
    ];
    for (const [name, run, want, atLeast] of cases) {
      const before = SERIES_SPILL.spilled;
      expect(toJson(await run()), name).toBe(want);
      expect(SERIES_SPILL.spilled - before, `${name}: parts spilled`).toBeGreaterThanOrEqual(atLeast);
    }
  }, 120_000);
});

describe('the worker pool starts jobs in the order they were asked for', () => {
  it('one worker, jobs with an abort signal: they finish in order (piscina alone put a job that found the worker busy at the back)', async () => {
    await using pool = new ReplayPool({ workers: 1 });
    const input = toShared(seededInput(2, 200, 1));
    const params = defaultParams({ policy: 'fine_grained', machines: 12, usage: 'request' });
    const signal = new AbortController().signal;
    const finished: number[] = [];
    await Promise.all(Array.from({ length: 8 }, (_, index) => pool.run({ kind: 'run', index, params: [params], input, traceId: 'fifo' }, signal).then((o) => finished.push(o.index))));
    expect(finished).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('closing the pool: its jobs are cut short with ABORTED naming the pool (running or waiting); a job asked of a closed pool is INVALID_OPTION', async () => {
    const pool = new ReplayPool({ workers: 1 });
    const input = toShared(seededInput(2, 200, 1));
    const params = defaultParams({ policy: 'fine_grained', machines: 12, usage: 'request' });
    const outcome = (e: { code: string; message: string; details: { field?: string } }) => `${e.code} ${String(e.details.field)}: ${e.message}`;
    const jobs = [0, 1, 2].map((index) => pool.run({ kind: 'run', index, params: [params], input, traceId: 'close' }).then(() => 'ran', outcome));
    await pool.close();
    const [running, ...waiting] = await Promise.all(jobs);
    // Closed while it ran, or before it was handed over (it was INVALID_OPTION, a bad option, or WORKER_FAILED).
    expect(running).toMatch(/^ABORTED pool: pool: this ReplayPool was closed (while|before) job 0 ran$/);
    expect(waiting).toEqual(['ABORTED pool: pool: this ReplayPool was closed before job 1 ran', 'ABORTED pool: pool: this ReplayPool was closed before job 2 ran']);
    expect(await pool.run({ kind: 'run', index: 3, params: [params], input, traceId: 'close' }).then(() => 'ran', outcome)).toBe('INVALID_OPTION pool: pool: this ReplayPool is closed');
  });

  it('a replay or sweep whose pool the host closes midway rejects with ABORTED naming the pool: no report with runs missing', async () => {
    const trace = seededInput(3, 400, 1);
    for (const usage of ['request', 'synthetic'] as const) {
      for (const kind of ['replay', 'sweep'] as const) {
        const pool = new ReplayPool({ workers: 1 });
        let closing: Promise<void> | undefined;
        const onProgress = () => void (closing ??= pool.close());
        const call = kind === 'replay' ? replay({ trace, usage, machines: 12, pool, onProgress }) : sweep({ trace, usage, machines: [12, 16], pool, onProgress });
        const e = await call.then(() => undefined, (err: { code: string; message: string; details: { field?: string } }) => err);
        await closing;
        expect(e, `${kind}, usage ${usage}`).toMatchObject({ code: 'ABORTED', message: 'pool: the ReplayPool was closed during the call; no result is kept', details: { field: 'pool' } });
      }
    }
  });

  it('a job aborted while it waits for a worker rejects with ABORTED and never runs; the others run', async () => {
    await using pool = new ReplayPool({ workers: 1 });
    const input = toShared(seededInput(2, 200, 1));
    const params = defaultParams({ policy: 'fine_grained', machines: 12, usage: 'request' });
    const stop = new AbortController();
    const first = pool.run({ kind: 'run', index: 0, params: [params], input, traceId: 'abort' });
    const waiting = pool.run({ kind: 'run', index: 1, params: [params], input, traceId: 'abort' }, stop.signal);
    const last = pool.run({ kind: 'run', index: 2, params: [params], input, traceId: 'abort' });
    stop.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    expect((await first).index).toBe(0);
    expect((await last).index).toBe(2);
  });
});
