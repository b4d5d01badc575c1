import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FairfitError } from '../../src/errors.ts';
import { ReplayPool } from '../../src/systems/giantvm/replay-pool.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';
import { sweep } from '../../src/systems/giantvm/sweep-api.ts';
import { toShared } from '../../src/runner/share.ts';
import { executeTask, outcomeBuffers, PrepareCache } from '../../src/systems/giantvm/jobs.ts';
import { wholeBuffers } from '../../src/runner/job.ts';
import { defaultParams, prepareReplay, prepareResolved, simulate, simulateCells, simulateCellsInLockstep, withPolicy } from '../../src/systems/giantvm/replay.ts';
import { toJson } from '../../src/report/json.ts';
import { seededInput } from '../giantvm/input.ts';

describe('toShared moves every typed array of a tree into shared memory, unchanged', () => {
  it('property: same keys, same values, SharedArrayBuffer-backed, input untouched', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 50 }), fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 50 }), fc.string(), (f, i, s) => {
        const tree = { a: Float64Array.from(f), nested: { b: Int32Array.from(i), list: [Float64Array.from(f), s] }, s, n: f.length };
        const shared = toShared(tree);
        expect(Object.keys(shared)).toEqual(Object.keys(tree));
        expect(shared.a.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(shared.nested.b.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect((shared.nested.list[0] as Float64Array).buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(Array.from(shared.a)).toEqual(f);
        expect(Array.from(shared.nested.b)).toEqual(i);
        expect(shared.nested.list[1]).toBe(s);
        expect(tree.a.buffer).toBeInstanceOf(ArrayBuffer);
      }),
    );
  });
});

describe('prepareResolved can write its columns straight into shared memory', () => {
  it('the same preparation, every column SharedArrayBuffer-backed (synthetic, request and trace usage)', () => {
    const input = seededInput(5, 400, 2);
    for (const usage of ['synthetic', 'request', 'trace'] as const) {
      const params = defaultParams({ policy: 'fine_grained', machines: 24, usage });
      const plain = prepareReplay(input, params);
      const shared = prepareResolved(input, params, { shared: true });
      expect(toJson(shared)).toBe(toJson(plain));
      const columns = (tree: unknown): ArrayBufferView[] => (ArrayBuffer.isView(tree) ? [tree] : tree && typeof tree === 'object' ? Object.values(tree).flatMap(columns) : []);
      expect(columns(shared).length).toBeGreaterThan(10);
      for (const c of columns(shared)) expect(c.buffer).toBeInstanceOf(SharedArrayBuffer);
      for (const c of columns(plain)) expect(c.buffer).toBeInstanceOf(ArrayBuffer);
      // The switch is back off after the call.
      for (const c of columns(prepareReplay(input, params))) expect(c.buffer).toBeInstanceOf(ArrayBuffer);
    }
  });
});

describe('ReplayPool runs tasks in workers that received the compiled module once; traces travel in shared memory', () => {
  const input = seededInput(3, 300, 1);
  const params = defaultParams({ policy: 'fine_grained', machines: 24, usage: 'request' });

  it('a worker run equals the same run in this thread', async () => {
    await using pool = new ReplayPool({ workers: 2 });
    const shared = toShared(input);
    const other = { ...params, policy: 'no_migration' as const };
    const [a, b] = await Promise.all([pool.run({ kind: 'run', index: 0, params: [params], input: shared, traceId: 't' }), pool.run({ kind: 'run', index: 1, params: [other, params], input: shared, traceId: 't' })]);
    expect(a.index).toBe(0);
    expect(b.index).toBe(1);
    expect(toJson(a.results)).toBe(toJson([simulate(input, params)]));
    expect(toJson(b.results)).toBe(toJson([simulate(input, other), simulate(input, params)]));
  });

  it('a worker that moves its parts back (outcomeBuffers) gives, task after task, the parts run in this thread', async () => {
    const sy = defaultParams({ policy: 'fine_grained', machines: 24, usage: 'synthetic' });
    const prepared = prepareReplay(input, sy);
    const shared = toShared(prepared);
    await using pool = new ReplayPool({ workers: 1 });
    const ranges = [{ first: 0, count: 2 }, { first: 2, count: 3 }, { first: 5, count: 1 }];
    // One worker, one task after another: a buffer it still used after moving it would break the next.
    for (let round = 0; round < 2; round++) {
      for (const [index, cells] of ranges.entries()) {
        const got = await pool.run({ kind: 'cells', index, prepared: shared, cells });
        const { elapsedMs: _a, ...part } = got.part;
        const { elapsedMs: _b, ...here } = simulateCells(prepared, cells);
        expect(toJson(part)).toBe(toJson(here));
        const lock = await pool.run({ kind: 'lockstep', index, prepared: shared, policies: ['cpu_usage', 'no_migration'], cells });
        const mine = simulateCellsInLockstep([withPolicy(prepared, 'cpu_usage'), withPolicy(prepared, 'no_migration')], cells);
        expect(toJson(lock.parts.map(({ elapsedMs: _, ...p }) => p))).toBe(toJson(mine.map(({ elapsedMs: _, ...p }) => p)));
      }
    }
  });

  it("outcomeBuffers names every array of a part's outcome once; wholeBuffers leaves out views of part of a buffer and shared memory", () => {
    const sy = defaultParams({ policy: 'fine_grained', machines: 24, usage: 'synthetic' });
    const prepared = prepareReplay(input, sy);
    const part = simulateCells(prepared, { first: 1, count: 2 });
    const arrays = [part.cellAcc, part.cellPt, part.machPt, part.utilSum, part.upTicks].filter((a) => a.length > 0);
    expect(arrays.length).toBe(5);
    const moved = outcomeBuffers({ kind: 'cells', index: 0, part });
    expect(moved.length).toBe(arrays.length);
    for (const a of arrays) expect(moved).toContain(a.buffer);
    const parts = simulateCellsInLockstep([withPolicy(prepared, 'cpu_usage'), withPolicy(prepared, 'fine_grained')], { first: 0, count: 6 });
    expect(outcomeBuffers({ kind: 'lockstep', index: 0, parts }).length).toBe(10);
    expect(outcomeBuffers({ kind: 'run', index: 0, results: [], spilled: 0 })).toEqual([]);
    const whole = new Float64Array(8), big = new Float64Array(16);
    const sab = new Float64Array(new SharedArrayBuffer(64));
    expect(wholeBuffers([whole, whole, big.subarray(0, 8), big.subarray(8), sab, new Float64Array(0), undefined])).toEqual([whole.buffer]);
    expect(wholeBuffers([big.subarray(0, 16)])).toEqual([big.buffer]);
  });

  it("a worker's FairfitError comes back with its code; an aborted task rejects with ABORTED", async () => {
    const prepared = toShared(prepareReplay(input, params));
    await using pool = new ReplayPool({ workers: 1 });
    const err = await pool.run({ kind: 'cells', index: 4, prepared, cells: { first: 0, count: 10_000 } }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FairfitError);
    expect((err as FairfitError).code).toBe('INVALID_OPTION');
    expect((err as FairfitError).details.field).toBe('cells');
    const aborted = await pool.run({ kind: 'cells', index: 0, prepared, cells: { first: 0, count: 1 } }, AbortSignal.abort()).then(() => undefined, (e: unknown) => e);
    expect((aborted as FairfitError).code).toBe('ABORTED');
  });

  it('a lockstep task told its split picks the same tasks as one that is not, range after range in any order, and twice', () => {
    const prepared = prepareReplay(seededInput(9, 900, 3), defaultParams({ policy: 'fine_grained', machines: 40, usage: 'synthetic' }));
    const ranges = [{ first: 0, count: 3 }, { first: 3, count: 4 }, { first: 7, count: 3 }];
    const split = { id: 1_000_001, ranges };
    // The parts without their run time (the one field that differs from run to run).
    const run = (cells: (typeof ranges)[number], withSplit: boolean): string => {
      const o = executeTask({ kind: 'lockstep', index: 0, prepared, policies: ['fine_grained', 'cpu_usage'], cells, ...(withSplit ? { split } : {}) });
      if (o.kind !== 'lockstep') throw new Error(`${o.kind}: ${JSON.stringify(o)}`);
      return toJson(o.parts.map(({ elapsedMs: _elapsed, ...part }) => part));
    };
    // The middle range first, then the others, then one again (its picks were handed out: picked anew).
    for (const k of [1, 0, 2, 1]) expect(run(ranges[k]!, true)).toBe(run(ranges[k]!, false));
    // A range not in the split is picked as before.
    expect(run({ first: 2, count: 5 }, true)).toBe(run({ first: 2, count: 5 }, false));
  });

  it('a failing task is reported, not thrown (executeTask never throws)', () => {
    const outcome = executeTask({ kind: 'cells', index: 7, prepared: prepareReplay(input, params), cells: { first: -1, count: 1 } });
    expect(outcome).toMatchObject({ kind: 'error', index: 7, code: 'INVALID_OPTION' });
    const broken = executeTask({ kind: 'run', index: 8, params: [params], input: { ...input, tasks: undefined as never }, traceId: 'broken' });
    expect(broken).toMatchObject({ kind: 'error', index: 8 });
  });

  it('one pool serves several replay and sweep calls with the same results as fresh pools, and is left open', async () => {
    const pool = new ReplayPool({ workers: 2 });
    try {
      const opts = { trace: input, machines: 24, usage: 'request' as const };
      expect(toJson(await replay({ ...opts, pool }))).toBe(toJson(await replay({ ...opts, workers: 2 })));
      const grid = { trace: input, machines: [16, 24], overcommit: [1], policies: ['cpu_usage' as const] };
      expect(toJson(await sweep({ ...grid, pool }))).toBe(toJson(await sweep(grid)));
      expect(pool.isClosed).toBe(false);
      const err = await replay({ ...opts, pool, workers: 3 }).then(() => undefined, (e: unknown) => e);
      expect((err as FairfitError).details.field).toBe('workers');
    } finally {
      await pool.close();
    }
    const closed = await replay({ trace: input, pool }).then(() => undefined, (e: unknown) => e);
    expect((closed as FairfitError).code).toBe('INVALID_OPTION');
    expect((closed as FairfitError).details.field).toBe('pool');
  });
});

describe("piscina's background errors reach the caller instead of crashing the process", () => {
  // piscina emits 'error' on the pool for what happens outside any task. The real cases are
  // racy (a worker's result posted just as its job is aborted: the replay abort test above hit it
  // about one run in six before the listener existed), so the events are emitted here directly.
  it('a late result is counted; any other error fails the next job with WORKER_FAILED, and the pool goes on', async () => {
    const input = seededInput(2, 60, 1);
    const params = defaultParams({ policy: 'no_migration', machines: 8, usage: 'request' });
    await using pool = new ReplayPool({ workers: 1 });
    const piscina = (pool as unknown as { pool: { emit(event: string, err: Error): boolean } }).pool;
    const job = { kind: 'run' as const, index: 3, params: [params], input: toShared(input), traceId: 't' };
    piscina.emit('error', new Error('Unexpected message from Worker: { taskId: 9 }'));
    piscina.emit('error', new Error('Unexpected message from Worker: { taskId: 10 }'));
    expect(pool.lateResults).toBe(2);
    expect(toJson((await pool.run(job)).results)).toBe(toJson([simulate(input, params)]));
    piscina.emit('error', new Error('worker exited with code 7'));
    const err = await pool.run(job).then(() => undefined, (e: unknown) => e);
    expect((err as FairfitError).code).toBe('WORKER_FAILED');
    expect((err as FairfitError).message).toContain('worker exited with code 7');
    expect((err as FairfitError).details.index).toBe(3);
    expect(toJson((await pool.run(job)).results)).toBe(toJson([simulate(input, params)]));
    expect(pool.lateResults).toBe(2);
  });
});

describe('PrepareCache prepares a trace once per non-policy configuration', () => {
  it('reuses columns across policies, re-prepares for other parameters or another trace, and matches a fresh prepare', () => {
    const input = seededInput(4, 200, 1);
    const cache = new PrepareCache();
    const p = defaultParams({ policy: 'no_migration', machines: 16, usage: 'request' });
    const a = cache.get('t1', input, p);
    const b = cache.get('t1', input, { ...p, policy: 'mem_usage' });
    expect(b.tasks).toBe(a.tasks);
    expect(b.params.policy).toBe('mem_usage');
    expect(toJson(b)).toBe(toJson(prepareReplay(input, { ...p, policy: 'mem_usage' })));
    expect(cache.get('t1', input, { ...p, seed: 2 }).tasks).not.toBe(a.tasks);
    const c = cache.get('t2', input, p);
    expect(c.tasks).not.toBe(a.tasks);
    expect(toJson(c)).toBe(toJson(a));
  });
});
