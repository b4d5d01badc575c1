import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FairfitError } from '../../src/errors.ts';
import { toJson } from '../../src/report/json.ts';
import { renderHtml } from '../../src/systems/giantvm/html-report.ts';
import { describeModes } from '../../src/systems/giantvm/summary.ts';
import { generateTrace } from '../../src/io/generate.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';
import type { ReplayOptions } from '../../src/systems/giantvm/options.ts';
import { sweep } from '../../src/systems/giantvm/sweep-api.ts';
import { policyGroups, runConfigurations, splitCells } from '../../src/systems/giantvm/schedule.ts';
import { defaultParams } from '../../src/systems/giantvm/replay.ts';
import { POLICIES } from '../../src/systems/giantvm/types.ts';
import { simulate } from '../../src/systems/giantvm/replay.ts';
import { seededInput } from './input.ts';

const input = seededInput(7, 600, 3);
const base = { trace: input, machines: 40, usage: 'request' as const, seed: 3 };

async function rejects(p: Promise<unknown>, code: string, field?: string): Promise<void> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(FairfitError);
  expect((err as FairfitError).code).toBe(code);
  if (field !== undefined) expect((err as FairfitError).details.field).toBe(field);
}

describe('replay() runs every policy on the real replay core, in policy order', () => {
  it('returns one run per policy, each identical to simulate() for that policy', async () => {
    const report = await replay(base);
    expect(report.runs.map((r) => r.policy)).toEqual([...POLICIES]);
    expect(report.interrupted).toBeUndefined();
    for (const run of report.runs) {
      expect(toJson(run)).toBe(toJson(simulate(input, { machines: 40, usage: 'request', seed: 3, policy: run.policy })));
      expect(Object.keys(run.metrics)).toEqual(expect.arrayContaining(['meanCpu', 'gini', 'overcommit', 'delay', 'stretch', 'migratedMemory', 'migrations']));
    }
    expect(report.trace).toMatchObject({ format: 'test', tasks: 600, usage: 'request', machines: 40, seed: 3, start: input.start, end: input.end });
  });

  it('keeps a policy list in the caller\'s order', async () => {
    const report = await replay({ ...base, policies: ['cache_misses', 'no_migration'] });
    expect(report.runs.map((r) => r.policy)).toEqual(['cache_misses', 'no_migration']);
  });
});

describe('replay() gives byte-identical JSON whatever the worker count', () => {
  it('all policies: 1 thread, 2 workers (one task per policy)', async () => {
    const one = toJson(await replay(base));
    expect(toJson(await replay({ ...base, workers: 2 }))).toBe(one);
  });
  it('all policies under synthetic usage (policies in lockstep: in this thread one group, on 2 and 3 workers chunks of it)', async () => {
    const opts = { ...base, usage: 'synthetic' as const };
    const one = toJson(await replay(opts));
    expect(toJson(await replay({ ...opts, workers: 2 }))).toBe(one);
    expect(toJson(await replay({ ...opts, workers: 3 }))).toBe(one);
    for (const run of (await replay({ ...opts, workers: 2 })).runs) expect(toJson(run)).toBe(toJson(simulate(input, { machines: 40, usage: 'synthetic', seed: 3, policy: run.policy })));
  });
  it('one policy split by cells over 2 and 3 workers equals the single-thread run', async () => {
    const opts = { ...base, policies: ['fine_grained' as const], machines: 64 };
    const one = toJson(await replay(opts));
    expect(toJson(await replay({ ...opts, workers: 2 }))).toBe(one);
    expect(toJson(await replay({ ...opts, workers: 3 }))).toBe(one);
  });
});

describe('replay() validates every option before doing any work', () => {
  it('names the bad option (and does not read the trace first)', async () => {
    const missing = '/nonexistent/trace/folder';
    await rejects(replay({ trace: missing, policies: ['best_fit' as never] }), 'INVALID_OPTION', 'policies');
    await rejects(replay({ trace: missing, workers: 0 }), 'INVALID_OPTION', 'workers');
    await rejects(replay({ trace: missing, machines: -5 }), 'INVALID_OPTION', 'machines');
    await rejects(replay({ trace: missing, overcommit: Number.NaN }), 'INVALID_OPTION', 'overcommit');
    await rejects(replay({ trace: missing, overcomit: 2 } as never), 'INVALID_OPTION', 'overcomit');
    await rejects(replay({ trace: missing }), 'FILE_NOT_FOUND');
    await rejects(replay({ ...base, machines: 'trace' }), 'INVALID_OPTION', 'machines');
  });
});

describe('replay() stops on abort and returns the runs that finished', () => {
  it('an already-aborted signal gives no runs and interrupted: true', async () => {
    const report = await replay({ ...base, signal: AbortSignal.abort() });
    expect(report.interrupted).toBe(true);
    expect(report.runs).toEqual([]);
  });
  it('an abort while a trace is read stops the read (it used to read on to the end): no runs, the trace record says it was not read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fairfit-abort-read-'));
    try {
      await generateTrace({ machines: 40, tasks: 3000, days: 0.2, seed: 3, out: dir, usageParts: 3 });
      const stopped = (signal: AbortSignal) => ({ trace: dir, machines: 40, policies: ['no_migration' as const], signal });
      for (const run of [(s: AbortSignal) => replay(stopped(s)), (s: AbortSignal) => sweep({ ...stopped(s), machines: [40, 60] })]) {
        const controller = new AbortController();
        const report = run(controller.signal);
        // The read has started (it waits for file reads); the abort comes between two of its batches or files.
        setImmediate(() => controller.abort(new FairfitError('ABORTED', 'interrupted by SIGINT')));
        const r = await report;
        expect(r.interrupted).toBe(true);
        expect(r.runs).toEqual([]);
        expect(r.trace).toMatchObject({ path: dir, read: false, usage: 'trace' });
        expect(r.trace).not.toHaveProperty('tasks');
        // Every output still states the choices that were asked for (the lines were missing: no run held them).
        expect(r.trace.params).toMatchObject({ policy: 'no_migration', machines: 40, minMove: 0.005, tasks: 'all' });
        const modes = describeModes(r);
        expect(modes).toContain('\nmodel: capacity 0.5, overcommit 1, cell size 4, interval 10 ticks, tick 1 s\n');
        expect(modes).toContain('\nrules: tasks all, time0 queue, arrival tick, delay finished, migratedRequest follows, destinationCheck usage, minMove 0.005, memOrder asc, gini time-mean\n');
        const page = renderHtml(r);
        for (const row of ['Regime and open rules', 'Capacity', 'Tick']) expect(page).toContain(row);
      }
      // Not aborted: read and run as before.
      const whole = await replay({ ...stopped(new AbortController().signal) });
      expect(whole.trace.tasks).toBe(3000);
      expect(whole.trace).not.toHaveProperty('read');
      expect(whole.runs).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('aborting after the third run keeps exactly the finished runs, unchanged (in-thread and pool)', async () => {
    const full = await replay(base);
    for (const workers of [1, 2]) {
      const controller = new AbortController();
      const report = await replay({
        ...base,
        workers,
        signal: controller.signal,
        onProgress: (done) => {
          if (done >= 3) controller.abort();
        },
      });
      expect(report.interrupted).toBe(true);
      expect(report.runs.length).toBeGreaterThanOrEqual(3);
      expect(report.runs.length).toBeLessThan(POLICIES.length);
      // Finished runs are a subset of the full runs, in policy order, byte for byte.
      const byPolicy = new Map(full.runs.map((r) => [r.policy, toJson(r)]));
      const order = report.runs.map((r) => POLICIES.indexOf(r.policy));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      for (const run of report.runs) expect(toJson(run)).toBe(byPolicy.get(run.policy));
    }
  });
  it('synthetic usage, in this thread: a policy group runs in lockstep, so an abort keeps whole groups that finished, unchanged', async () => {
    const configs = [40, 48].flatMap((machines) => POLICIES.map((policy) => defaultParams({ machines, usage: 'synthetic', seed: 3, policy })));
    const controller = new AbortController();
    const seen: number[] = [];
    const out = await runConfigurations(input, configs, { workers: 1, signal: controller.signal, onProgress: (done) => { seen.push(done); if (done >= POLICIES.length) controller.abort(); } });
    expect(out.interrupted).toBe(true);
    // Progress moved in fractions of the group (its ranges), never back.
    expect(seen.some((d) => d > 0 && d < POLICIES.length)).toBe(true);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    configs.forEach((params, i) => {
      if (i < POLICIES.length) expect(toJson(out.results[i]!)).toBe(toJson(simulate(input, params)));
      else expect(out.results[i]).toBeUndefined();
    });
  });
  it('reports progress from 0 to the number of runs, never going back', async () => {
    const seen: number[] = [];
    await replay({ ...base, policies: ['no_migration', 'fine_grained'], onProgress: (done, total) => { expect(total).toBe(2); seen.push(done); } });
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(2);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });
  it('one configuration split by cells over the workers: progress ends at exactly 1 (summing 1/parts ended at 0.9999999999999999)', async () => {
    for (const workers of [6, 10]) {
      const seen: number[] = [];
      await replay({ ...base, policies: ['fine_grained'], workers, onProgress: (done) => { seen.push(done); } });
      expect(seen.length, `${workers} workers`).toBeGreaterThan(workers / 2);
      expect(seen.at(-1), `${workers} workers`).toBe(1);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    }
  });
  it('an onProgress that throws fails the call with its error in every plan (on workers it was swallowed, and under synthetic usage the chunk\'s later runs were lost from a report not marked interrupted)', async () => {
    const boom = new Error('progress display failed');
    const onProgress = (done: number) => { if (done > 0) throw boom; };
    const plans: [string, Partial<ReplayOptions>][] = [
      ['this thread', { workers: 1 }],
      ['a task per configuration', { workers: 2 }],
      ['chunks of a policy group (synthetic usage)', { workers: 2, usage: 'synthetic' }],
      ['one configuration split by cells', { workers: 2, policies: ['fine_grained'] }],
    ];
    for (const [plan, options] of plans) {
      const err = await replay({ ...base, ...options, onProgress }).then((r) => `resolved with ${r.runs.length} runs`, (e: unknown) => e);
      expect(err, plan).toBe(boom);
    }
    const err = await sweep({ ...base, machines: [20, 40], seeds: 3, workers: 2, onProgress }).then((r) => `resolved with ${r.runs.length} runs`, (e: unknown) => e);
    expect(err, 'sweep: policy groups as tasks').toBe(boom);
  });
});

describe('a batch that owns its input lets go of the trace once every configuration has what it needs', () => {
  it('in this thread, on a pool (one configuration split by cells, and several): the same runs, and the table emptied only when owned', async () => {
    const configs = [defaultParams({ machines: 40, usage: 'synthetic', seed: 3, policy: 'fine_grained' }), defaultParams({ machines: 40, usage: 'synthetic', seed: 3, policy: 'cpu_usage' })];
    const expected = configs.map((p) => toJson(simulate(input, p)));
    for (const [workers, batch] of [[1, configs], [2, configs.slice(0, 1)], [2, configs], [3, configs]] as const) {
      const kept = seededInput(7, 600, 3);
      const a = await runConfigurations(kept, [...batch], { workers });
      expect(kept.tasks.count).toBe(input.tasks.count);
      const owned = seededInput(7, 600, 3);
      const b = await runConfigurations(owned, [...batch], { workers, ownsInput: true });
      expect(owned.tasks.count).toBe(0);
      expect(owned.tasks.submit.length).toBe(0);
      expect(a.results.map((r) => toJson(r))).toEqual(expected.slice(0, batch.length));
      expect(b.results.map((r) => toJson(r))).toEqual(expected.slice(0, batch.length));
    }
  });
});

describe('splitCells covers the cells exactly once, in order', () => {
  it('property', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 64 }), (n, parts) => {
        const ranges = splitCells(n, parts);
        expect(ranges.length).toBe(Math.min(n, parts));
        let next = 0;
        for (const r of ranges) {
          expect(r.first).toBe(next);
          expect(r.count).toBeGreaterThan(0);
          next += r.count;
        }
        expect(next).toBe(n);
        const sizes = ranges.map((r) => r.count);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('policyGroups groups consecutive configurations that differ only in policy', () => {
  it('property: ranges cover every configuration in order; equal keys inside, different keys across', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ m: fc.integer({ min: 1, max: 3 }), p: fc.constantFrom(...POLICIES) }), { maxLength: 40 }), (rows) => {
        const configs = rows.map((r) => defaultParams({ machines: r.m * 10, policy: r.p }));
        const groups = policyGroups(configs);
        let next = 0;
        for (const [g, { first, count }] of groups.entries()) {
          expect(first).toBe(next);
          next += count;
          for (let i = first; i < first + count; i++) expect(configs[i]!.machines).toBe(configs[first]!.machines);
          if (g > 0) expect(configs[first]!.machines).not.toBe(configs[first - 1]!.machines);
        }
        expect(next).toBe(configs.length);
      }),
    );
  });
});
