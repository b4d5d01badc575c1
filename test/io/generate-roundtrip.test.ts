/**
 * `generateTrace` writes a Google-2011-format trace that the reader reads
 * back whole: same seed → identical bytes, the usage windows are exactly the
 * synthetic usage model of the read-back tasks (as written, 4 significant
 * digits), and the drawn requests and priorities follow the fitted tables.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { CsvBytes } from '../../src/io/csv-writer.ts';
import { generateTrace, maxGenMachines, type GenerateResult } from '../../src/io/generate.ts';
import { readGoogleTrace } from '../../src/io/google/trace-folder.ts';
import { usageBatches } from '../../src/io/google/task-usage.ts';
import { syntheticUsage } from '../../src/io/synthetic-usage.ts';
import { FIT } from '../../src/io/fitted-params.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fairfit-gen-'));
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});
const hash = (files: string[]): string[] => files.map((f) => createHash('sha256').update(readFileSync(f)).digest('hex'));
/** The value as the generator writes it (4 significant digits) and the reader parses it back. */
const w = new CsvBytes();
const asWritten = (v: number): number => {
  w.pos = 0;
  w.sig4(v);
  return Number(w.text());
};

describe('generateTrace', () => {
  const opts = { machines: 40, tasks: 1500, days: 0.25, seed: 12345 };
  let a: GenerateResult;
  beforeAll(async () => {
    a = await generateTrace({ ...opts, out: join(root, 'a') });
  });

  it('writes identical bytes for the same seed and different bytes for another seed', async () => {
    const b = await generateTrace({ ...opts, out: join(root, 'b') });
    expect(hash(b.files)).toEqual(hash(a.files));
    const c = await generateTrace({ ...opts, seed: 54321, out: join(root, 'c') });
    expect(hash(c.files)[0]).not.toEqual(hash(a.files)[0]);
  });

  it('is read back whole: every task, event row, machine and usage window', async () => {
    const t = await readGoogleTrace(join(root, 'a'), { strict: true });
    expect(t.summary.skipped).toBe(0);
    expect(t.tasks.count).toBe(opts.tasks);
    expect(t.source!.taskEvents).toBe(a.rows.task_events);
    expect(t.machineEvents!.machines).toBe(opts.machines);
    expect(t.usage!.count).toBe(a.rows.task_usage);
    expect(t.start).toBe(600e6);
    expect(t.end).toBe(600e6 + opts.days * 86400e6);
    for (let i = 0; i < t.tasks.count; i++) {
      if (!(t.tasks.cpuRequest[i]! > 0 && t.tasks.cpuRequest[i]! <= 1 && t.tasks.memRequest[i]! > 0 && t.tasks.memRequest[i]! <= 1)) throw new Error(`task ${i}: request out of (0, 1]`);
    }
  });

  it('writes usage equal to syntheticUsage of the read-back tasks, value for value', async () => {
    const t = await readGoogleTrace(join(root, 'a'));
    const model = syntheticUsage(t.tasks, { seed: opts.seed, start: t.start, end: t.end });
    const u = t.usage!;
    expect(u.count).toBe(model.count);
    let mismatches = 0;
    for (let r = 0; r < u.count; r++) {
      if (u.task[r] !== model.task[r] || u.start[r] !== model.start[r] || u.end[r] !== model.end[r]) mismatches++;
      else if (u.cpu[r] !== asWritten(model.cpu[r]!) || u.mem[r] !== asWritten(model.mem[r]!) || u.maxCpu[r] !== asWritten(model.maxCpu[r]!) || u.mai[r] !== asWritten(model.mai[r]!)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('writes a 1-s CPU sample in the fitted share of windows, with aggregation type 0 exactly there (as in the real rows)', async () => {
    let rows = 0;
    let withSample = 0;
    let ratioLog = 0;
    for await (const b of usageBatches(join(root, 'a', 'task_usage'), { allColumns: true, strict: true })) {
      const agg = b.cols.aggregationType!;
      const sampled = b.cols.sampledCpu!;
      for (let r = 0; r < b.rows; r++) {
        const has = sampled[r]! > 0;
        if (agg[r] !== (has ? 0 : 1)) throw new Error(`row ${rows + r}: aggregation type ${agg[r]} with sampled CPU ${sampled[r]}`);
        if (b.cols.samplePortion![r] !== 0) throw new Error(`row ${rows + r}: sample portion ${b.cols.samplePortion![r]}`);
        if (has) {
          withSample++;
          ratioLog += Math.log(sampled[r]! / b.cpu[r]!);
        }
      }
      rows += b.rows;
    }
    expect(rows).toBe(a.rows.task_usage);
    const u = { count: rows };
    const share = withSample / u.count;
    // binomial: ±4 standard deviations around the fitted share
    const sd = Math.sqrt((FIT.usage.sampledShare * (1 - FIT.usage.sampledShare)) / u.count);
    expect(Math.abs(share - FIT.usage.sampledShare)).toBeLessThan(4 * sd);
    expect(Math.abs(ratioLog / withSample - FIT.usage.sampledLog.mu)).toBeLessThan((4 * FIT.usage.sampledLog.sigma) / Math.sqrt(withSample) + 1e-3);
  });

  it('draws priorities and CPU requests from the fitted tables', async () => {
    const big = await generateTrace({ machines: 200, tasks: 20000, days: 1, seed: 7, out: join(root, 'big'), usage: false });
    expect(big.rows.task_usage).toBeUndefined();
    const t = await readGoogleTrace(join(root, 'big'));
    // per job (tasks of a job share priority and requests): first task of each job
    const first = new Map<number, number>();
    for (let i = 0; i < t.tasks.count; i++) if (!first.has(t.tasks.jobId[i]!)) first.set(t.tasks.jobId[i]!, i);
    const jobs = [...first.values()];
    const cpus = jobs.map((i) => t.tasks.cpuRequest[i]!).sort((x, y) => x - y);
    const median = cpus[Math.floor(cpus.length / 2)]!;
    const q = FIT.jobs.cpuRequest.values;
    // fitted quantiles at p = 0.4 and 0.6 bracket the sample median of ~thousands of jobs
    expect(median).toBeGreaterThanOrEqual(q[12]! * 0.999);
    expect(median).toBeLessThanOrEqual(q[16]! * 1.001);
    const top = FIT.jobs.priorityClass.keys[0]!.split(':').map(Number);
    const share = jobs.filter((i) => t.tasks.priority[i] === top[0] && t.tasks.schedulingClass[i] === top[1]).length / jobs.length;
    expect(Math.abs(share - FIT.jobs.priorityClass.weights[0]!)).toBeLessThan(0.05);
  });

  it('rejects invalid options with INVALID_OPTION naming the field', async () => {
    for (const [bad, field] of [
      [{ machines: 0 }, 'machines'],
      [{ tasks: -1 }, 'tasks'],
      [{ tasks: 0 }, 'tasks'],
      [{ tasks: 1.5 }, 'tasks'],
      [{ days: 0 }, 'days'],
      [{ days: Number.NaN }, 'days'],
      [{ seed: 0.5 }, 'seed'],
      [{ gzipLevel: 12 }, 'gzipLevel'],
      [{ longRunMeanDays: 0 }, 'longRunMeanDays'],
      [{ longRunMeanDays: Number.NaN }, 'longRunMeanDays'],
      [{ longRunMeanDays: -1 }, 'longRunMeanDays'],
      // Parts of a task_usage table that is not written: it was ignored.
      [{ usage: false, usageParts: 3 }, 'usageParts'],
      // Only false left task_usage out: 0 or 'no' wrote it.
      [{ usage: 0 as unknown as boolean }, 'usage'],
      [{ usage: 'no' as unknown as boolean }, 'usage'],
      // More machines than fit: 2^31 grew past 6 GB before a file was written.
      [{ machines: 2 ** 31 }, 'machines'],
      [{ machines: maxGenMachines() + 1 }, 'machines'],
      [{ machines: Object.create(null) as number }, 'machines'],
    ] as const) {
      await expect(generateTrace({ ...opts, out: join(root, 'x'), ...bad })).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { field } });
    }
    await expect(generateTrace(undefined as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { field: 'options' } });
  });
});

describe('generateTrace with longRunMeanDays', () => {
  it("ends the long-running tasks after exponential times of that mean; every other draw is the default's", async () => {
    const base = { machines: 200, tasks: 20_000, days: 6, seed: 7, usage: false };
    const meanDays = 2;
    await generateTrace({ ...base, out: join(root, 'long-default') });
    const g = await generateTrace({ ...base, longRunMeanDays: meanDays, out: join(root, 'long-tail') });
    const again = await generateTrace({ ...base, longRunMeanDays: meanDays, out: join(root, 'long-tail-2') });
    expect(hash(again.files)).toEqual(hash(g.files));
    const d = await readGoogleTrace(join(root, 'long-default'), { strict: true });
    const t = await readGoogleTrace(join(root, 'long-tail'), { strict: true });
    expect(t.tasks.count).toBe(d.tasks.count);
    expect(Array.from(t.tasks.submit)).toEqual(Array.from(d.tasks.submit));
    expect(Array.from(t.tasks.firstSchedule!)).toEqual(Array.from(d.tasks.firstSchedule!));
    expect(Array.from(t.tasks.cpuRequest)).toEqual(Array.from(d.tasks.cpuRequest));
    const end = d.end;
    let long = 0, ended = 0, expected = 0, variance = 0;
    for (let i = 0; i < d.tasks.count; i++) {
      const sched = d.tasks.firstSchedule![i]!;
      if (!(sched === sched)) continue;
      const runsToEnd = sched + d.tasks.duration[i]! >= end && d.tasks.lastEvent![i]! === 1;
      if (!runsToEnd) {
        // Not long-running: the same run.
        expect(t.tasks.duration[i]).toBe(d.tasks.duration[i]);
        continue;
      }
      long++;
      // A long-running task ends inside the window with probability 1 − exp(−(end − sched)/mean).
      const p = 1 - Math.exp(-(end - sched) / (meanDays * 86400e6));
      expected += p;
      variance += p * (1 - p);
      if (t.tasks.lastEvent![i]! !== 1) {
        ended++;
        expect(t.tasks.duration[i]).toBeLessThan(d.tasks.duration[i]!);
      } else expect(t.tasks.duration[i]).toBe(d.tasks.duration[i]);
    }
    expect(long).toBeGreaterThan(1000);
    // Within 5 standard deviations of the binomial count.
    expect(Math.abs(ended - expected)).toBeLessThan(5 * Math.sqrt(variance));
  });
});

describe('usageWindows', () => {
  it('yields a generated task_usage one 5-minute window per batch, every row once', async () => {
    const { usageWindows } = await import('../../src/io/google/task-usage.ts');
    const { readTaskEvents } = await import('../../src/io/google/task-events.ts');
    const out = join(root, 'w');
    const g = await generateTrace({ machines: 20, tasks: 400, days: 0.1, seed: 3, out });
    const te = await readTaskEvents(join(out, 'task_events'));
    let rows = 0;
    let last = -1;
    for await (const b of usageWindows(join(out, 'task_usage'), { ids: te.ids })) {
      expect(b.window).toBeGreaterThan(last); // generated usage is in window order: each window once
      last = b.window;
      for (let i = 0; i < b.rows; i++) {
        if (Math.floor((b.start[i]! - 600e6) / 300e6) !== b.window) throw new Error(`row ${i} outside window ${b.window}`);
        if (b.task[i]! < 0) throw new Error(`row ${i} not joined`);
      }
      rows += b.rows;
    }
    expect(rows).toBe(g.rows.task_usage);
    expect(last).toBe(Math.ceil((0.1 * 86400e6) / 300e6) - 1);
  });
});
