import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FairfitError } from '../../src/errors.ts';
import { generateTrace } from '../../src/io/generate.ts';
import { toJson } from '../../src/report/json.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';
import { sweep } from '../../src/systems/giantvm/sweep-api.ts';
import { seededInput } from './input.ts';

const input = seededInput(21, 500, 2);

async function invalidField(p: Promise<unknown>): Promise<string | undefined> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(FairfitError);
  expect((err as FairfitError).code).toBe('INVALID_OPTION');
  return (err as FairfitError).details.field;
}

describe('sweep() covers machines × overcommit × seeds × policies in a fixed order', () => {
  it('expands ranges, counts seeds from seed, and orders runs with policy fastest', async () => {
    const report = await sweep({ trace: input, machines: '24:40:16', overcommit: [0.8, 1.2], seeds: 2, seed: 5, policies: ['no_migration', 'cpu_usage'], usage: 'request' });
    expect(report.sweep).toEqual({ machines: [24, 40], overcommit: [0.8, 1.2], seeds: [5, 6], policies: ['no_migration', 'cpu_usage'], configurations: 16, completed: 16 });
    expect(report.runs.map((r) => [r.params.machines, r.params.overcommit, r.params.seed, r.policy])).toEqual(
      [24, 40].flatMap((m) => [0.8, 1.2].flatMap((o) => [5, 6].flatMap((s) => ['no_migration', 'cpu_usage'].map((p) => [m, o, s, p])))),
    );
    expect(report.trace).toMatchObject({ machines: [24, 40], seeds: [5, 6], usage: 'request' });
    // Each sweep run is exactly the replay of that configuration.
    const one = await replay({ trace: input, machines: 40, overcommit: 1.2, seed: 6, policies: ['cpu_usage'], usage: 'request' });
    expect(toJson(report.runs.at(-1))).toBe(toJson(one.runs[0]));
  });

  it('gives byte-identical JSON with 1 and 2 workers', async () => {
    const opts = { trace: input, machines: [20, 36], overcommit: '0.5:1.4:0.3', seeds: [1, 9], policies: ['fine_grained', 'cache_misses'] as ('fine_grained' | 'cache_misses')[], usage: 'synthetic' as const };
    const a = toJson(await sweep({ ...opts, workers: 1 }));
    expect(toJson(await sweep({ ...opts, workers: 2 }))).toBe(a);
  });

  it('series: false keeps the metrics and drops the series (in-thread and pool alike)', async () => {
    const grid = { trace: input, machines: [20, 28], overcommit: [1], policies: ['fine_grained' as const], usage: 'request' as const };
    const full = await sweep(grid);
    for (const workers of [1, 2]) {
      const lean = await sweep({ ...grid, workers, series: false });
      expect(lean.runs.map((r) => r.series)).toEqual([{}, {}]);
      expect(toJson(lean.runs.map((r) => r.metrics))).toBe(toJson(full.runs.map((r) => r.metrics)));
    }
    expect(await invalidField(sweep({ ...grid, series: 'no' as never }))).toBe('series');
  });

  it('rejects bad grids naming the option, before any work', async () => {
    expect(await invalidField(sweep({ trace: input, machines: '900:700:100' }))).toBe('machines');
    expect(await invalidField(sweep({ trace: input, machines: [] }))).toBe('machines');
    expect(await invalidField(sweep({ trace: input, overcommit: '0.5:1.4' }))).toBe('overcommit');
    expect(await invalidField(sweep({ trace: input, overcommit: [1, Number.POSITIVE_INFINITY] }))).toBe('overcommit[1]');
    expect(await invalidField(sweep({ trace: input, seeds: 0 }))).toBe('seeds');
    expect(await invalidField(sweep({ trace: input, seeds: [1.5] }))).toBe('seeds[0]');
    expect(await invalidField(sweep({ trace: input, seeds: [1, 2], seed: 4 }))).toBe('seed');
    expect(await invalidField(sweep({ trace: input, machines: [10, 0] }))).toBe('machines');
    expect(await invalidField(sweep({ trace: input, grid: 3 } as never))).toBe('grid');
  });
});

describe("sweep() over the trace's own machines ('trace' mode) reads machine_events", () => {
  // Made before the first test: made while the file was collected, it stayed when the suite was skipped
  // (a -t that selects none of its tests), since a skipped suite runs no afterAll.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fairfit-sweep-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  it('mixes a machine count and the trace machines in one grid', async () => {
    await generateTrace({ machines: 40, tasks: 600, days: 0.03, seed: 3, out: dir });
    const report = await sweep({ trace: dir, machines: [40, 'trace'], policies: ['no_migration'], workers: 2 });
    expect(report.runs.map((r) => r.params.machines)).toEqual([40, 'trace']);
    expect(report.trace).toMatchObject({ format: 'google2011', traceMachines: 40, machines: [40, 'trace'] });
    expect(report.runs[1]!.info?.machinesMode).not.toBe(report.runs[0]!.info?.machinesMode);
  });
});
