/**
 * `generateTrace({ resubmissions: true })`: the reader gives back, per task,
 * what the generator drew (runs = SCHEDULE events, run time = sum of the
 * runs, the default's submit, first schedule and requests); each interruption
 * adds three events; the draws follow the fitted numbers; the events per task
 * are the default's plus three per fitted interruption, within a stated
 * statistical tolerance.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { generateTrace, machineId, planTrace, type TracePlan } from '../../src/io/generate.ts';
import { drawResubmissions } from '../../src/io/resubmissions.ts';
import { readGoogleTrace } from '../../src/io/google/trace-folder.ts';
import { FIT } from '../../src/io/fitted-params.ts';
import { sampleQuantile, type QuantileTable } from '../../src/io/quantiles.ts';
import { Rng } from '../../src/rng.ts';

const R = FIT.tasks.resubmissions;
// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fairfit-gen-resub-'));
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});
const hash = (files: string[]): string[] => files.map((f) => createHash('sha256').update(readFileSync(f)).digest('hex'));

/** Mean and variance of the interruptions K of one task under the fitted model (K = 0 outside the share), by quadrature over u. */
function fittedK(): { mean: number; variance: number } {
  const steps = 1_000_000;
  let m1 = 0;
  let m2 = 0;
  for (let s = 0; s < steps; s++) {
    const k = Math.max(1, Math.round(sampleQuantile(R.perResubmittedTask as QuantileTable, (s + 0.5) / steps)));
    m1 += k / steps;
    m2 += (k * k) / steps;
  }
  const mean = R.resubmittedShare * m1;
  return { mean, variance: R.resubmittedShare * m2 - mean * mean };
}

/**
 * Per task of the plan, what the reader should find: SCHEDULE events and the sum of the runs
 * (a run open at the end runs to the reader's end, `readEnd`: without task_usage, the last event's time).
 */
function expected(p: TracePlan, readEnd: number): { runs: Int32Array; duration: Float64Array } {
  const { N, end, runs: r, resubmitted: re } = p;
  const runs = new Int32Array(N);
  const duration = new Float64Array(N);
  const runStart = new Float64Array(N).fill(Number.NaN);
  for (let i = 0; i < N; i++) {
    if (r.sched[i]! < end) {
      runs[i] = 1;
      runStart[i] = r.sched[i]!;
    }
  }
  for (let e = 0; e < re!.n; e++) {
    const i = re!.task[e]!;
    const t = re!.time[e]!;
    if (re!.type[e] === 1) {
      runs[i]!++;
      runStart[i] = t;
    } else if (re!.type[e]! >= 2) {
      duration[i]! += t - runStart[i]!;
      runStart[i] = Number.NaN;
    }
  }
  for (let i = 0; i < N; i++) {
    if (runStart[i] === runStart[i]) duration[i]! += (re!.stop[i]! < end ? re!.stop[i]! : readEnd) - runStart[i]!;
  }
  return { runs, duration };
}

/** The plan's task of each "jobId:taskIndex" the reader gives. */
function taskOf(p: TracePlan): Map<string, number> {
  const of = new Map<string, number>();
  for (let i = 0; i < p.N; i++) of.set(`${1_000_000_000 + p.jobs.jobOf[i]!}:${p.jobs.idxOf[i]!}`, i);
  return of;
}

describe('generateTrace with resubmissions', () => {
  const base = { machines: 700, tasks: 100_000, days: 4, seed: 21, usage: false };
  let plan: TracePlan;
  beforeAll(async () => {
    plan = planTrace({ ...base, resubmissions: true, out: join(root, 'x') });
  });

  it('is read back as drawn: runs, run time, and the default submit, first schedule and requests', async () => {
    const g = await generateTrace({ ...base, resubmissions: true, out: join(root, 're') });
    await generateTrace({ ...base, out: join(root, 'default') });
    const t = await readGoogleTrace(join(root, 're'), { strict: true });
    const d = await readGoogleTrace(join(root, 'default'), { strict: true });
    expect(t.summary.skipped).toBe(0);
    expect(t.tasks.count).toBe(base.tasks);
    expect(t.source!.taskEvents).toBe(g.rows.task_events);
    expect(t.end).toBeLessThanOrEqual(plan.end);
    const want = expected(plan, t.end);
    const of = taskOf(plan);
    let resubmitted = 0;
    for (let k = 0; k < t.tasks.count; k++) {
      const i = of.get(`${t.tasks.jobId[k]}:${t.tasks.taskIndex[k]}`)!;
      if (t.tasks.runs![k] !== want.runs[i]) throw new Error(`task ${i}: ${t.tasks.runs![k]} runs read, ${want.runs[i]} drawn`);
      if (t.tasks.duration[k] !== want.duration[i]) throw new Error(`task ${i}: run time ${t.tasks.duration[k]} read, ${want.duration[i]} drawn`);
      if (plan.resubmitted!.stop[i] !== Infinity && plan.runs.sched[i]! < plan.end && want.runs[i] !== 1 + plan.resubmitted!.interruptions[i]!) throw new Error(`task ${i}: not one run per interruption`);
      if (want.runs[i]! > 1) resubmitted++;
      // The default model's draws stay (same task order: the first events are the default's).
      if (t.tasks.submit[k] !== d.tasks.submit[k] || t.tasks.firstSchedule![k] !== d.tasks.firstSchedule![k] || t.tasks.cpuRequest[k] !== d.tasks.cpuRequest[k]) {
        throw new Error(`task ${i}: submit, first schedule or request differs from the default's`);
      }
    }
    expect(resubmitted).toBeGreaterThan(500);
  });

  it('adds three events per interruption, and the events per task are the fitted ones within 5 standard deviations', async () => {
    const g = await generateTrace({ ...base, resubmissions: true, out: join(root, 're2') });
    const d = await generateTrace({ ...base, out: join(root, 'default2') });
    const re = plan.resubmitted!;
    let scheduled = 0;
    let lost = 0; // events of interruptions drawn but past the end
    const added = new Int32Array(plan.N);
    for (let e = 0; e < re.n; e++) added[re.task[e]!]!++;
    for (let i = 0; i < plan.N; i++) {
      if (!(plan.runs.sched[i]! < plan.end)) {
        expect(added[i]).toBe(0);
        continue;
      }
      scheduled++;
      const K = re.interruptions[i]!;
      if (re.stop[i] !== Infinity) expect(added[i]).toBe(3 * K);
      else lost += 3 * K - added[i]!;
    }
    // Rows: the default's, plus the added events, the final terminal events moving (or not written when cut).
    const perTask = g.rows.task_events! / plan.N;
    const { mean, variance } = fittedK();
    const dropped = Array.from({ length: plan.N }, (_, i) => i).filter((i) => re.stop[i] === Infinity && plan.runs.stop[i]! < plan.end).length;
    const movedOut = Array.from({ length: plan.N }, (_, i) => i).filter((i) => re.stop[i]! !== Infinity && re.stop[i]! >= plan.end && plan.runs.stop[i]! < plan.end).length;
    const want = (d.rows.task_events! + 3 * mean * scheduled - lost - dropped - movedOut) / plan.N;
    const sd = (3 * Math.sqrt(variance * scheduled)) / plan.N;
    expect(Math.abs(perTask - want)).toBeLessThan(5 * sd);
    expect(perTask).toBeGreaterThan(d.rows.task_events! / plan.N); // the tolerance does not swallow the effect
    expect(3 * mean * scheduled / plan.N).toBeGreaterThan(5 * sd);
  });

  it('draws the fitted share of resubmitted tasks, interruptions per task and terminal mix (5 standard deviations)', () => {
    const N = 1_000_000;
    const sched = new Float64Array(N).fill(600e6);
    const stop = new Float64Array(N).fill(600e6 + 1e6);
    const machine = new Int32Array(N);
    const re = drawResubmissions(N, 1000, sched, stop, machine, new Rng(3), Number.MAX_SAFE_INTEGER);
    let withK = 0;
    let sumK = 0;
    for (let i = 0; i < N; i++) {
      if (re.interruptions[i]! > 0) withK++;
      sumK += re.interruptions[i]!;
    }
    const p = R.resubmittedShare;
    expect(Math.abs(withK / N - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
    const { mean, variance } = fittedK();
    expect(Math.abs(sumK / N - mean)).toBeLessThan(5 * Math.sqrt(variance / N));
    const types = new Map<number, number>();
    let terminals = 0;
    for (let e = 0; e < re.n; e++) {
      if (re.type[e]! >= 2) {
        terminals++;
        types.set(re.type[e]!, (types.get(re.type[e]!) ?? 0) + 1);
      }
    }
    expect(terminals).toBe(sumK); // nothing cut: the end is far
    for (const [k, key] of R.terminalBefore.keys.entries()) {
      const w = R.terminalBefore.weights[k]!;
      // Each interruption draws its type: binomial, 5 SD.
      expect(Math.abs((types.get(Number(key)) ?? 0) / terminals - w)).toBeLessThan(5 * Math.sqrt((w * (1 - w)) / terminals));
    }
  });

  it('draws a set share of interrupted tasks (resubmittedShare), and the fitted share by default', () => {
    const N = 200_000;
    const sched = new Float64Array(N).fill(600e6);
    const stop = new Float64Array(N).fill(600e6 + 1e6);
    const machine = new Int32Array(N);
    for (const p of [0, 0.423, 1]) {
      const re = drawResubmissions(N, 1000, sched, stop, machine, new Rng(5), Number.MAX_SAFE_INTEGER, p);
      let withK = 0;
      for (let i = 0; i < N; i++) if (re.interruptions[i]! > 0) withK++;
      if (p === 0 || p === 1) expect(withK).toBe(p * N);
      else expect(Math.abs(withK / N - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
    }
    const byDefault = drawResubmissions(N, 1000, sched, stop, machine, new Rng(5), Number.MAX_SAFE_INTEGER);
    const fitted = drawResubmissions(N, 1000, sched, stop, machine, new Rng(5), Number.MAX_SAFE_INTEGER, R.resubmittedShare);
    expect(byDefault.interruptions).toEqual(fitted.interruptions);
    expect(byDefault.time).toEqual(fitted.time);
  });

  it('reads back a trace with a set share as drawn, with more events per task', async () => {
    const opts = { ...base, tasks: 20_000, resubmissions: true, resubmittedShare: 0.423 };
    const p = planTrace({ ...opts, out: join(root, 'share-plan') });
    const g = await generateTrace({ ...opts, out: join(root, 'share') });
    const f = await generateTrace({ ...base, tasks: 20_000, resubmissions: true, out: join(root, 'share-fitted') });
    const t = await readGoogleTrace(join(root, 'share'), { strict: true });
    expect(t.summary.skipped).toBe(0);
    const want = expected(p, t.end);
    const of = taskOf(p);
    for (let k = 0; k < t.tasks.count; k++) {
      const i = of.get(`${t.tasks.jobId[k]}:${t.tasks.taskIndex[k]}`)!;
      if (t.tasks.runs![k] !== want.runs[i] || t.tasks.duration[k] !== want.duration[i]) throw new Error(`task ${i}: runs or run time differ from the drawn ones`);
    }
    // ≈ 0.4 × 3 × 2.2 more events a task than with the fitted share.
    expect(g.rows.task_events! / p.N - f.rows.task_events! / p.N).toBeGreaterThan(2);
  });

  it('refuses a share outside [0, 1] or without resubmissions, naming the field', () => {
    for (const bad of [-0.1, 1.5, Number.NaN]) {
      expect(() => planTrace({ ...base, resubmissions: true, resubmittedShare: bad, out: join(root, 'bad') })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'resubmittedShare' } }));
    }
    expect(() => planTrace({ ...base, resubmittedShare: 0.5, out: join(root, 'bad') })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'resubmittedShare' } }));
  });

  it('writes the same bytes for the same seed, task_usage included', async () => {
    const a = await generateTrace({ ...base, tasks: 3000, days: 0.5, usage: true, resubmissions: true, out: join(root, 'same-a') });
    const b = await generateTrace({ ...base, tasks: 3000, days: 0.5, usage: true, resubmissions: true, out: join(root, 'same-b') });
    expect(a.files.some((f) => f.includes('task_usage'))).toBe(true);
    expect(hash(b.files)).toEqual(hash(a.files));
  });

  it('writes task_usage for every run: each row inside one of its task runs, on that run machine, every window covered', async () => {
    const opts = { machines: 60, tasks: 2500, days: 0.4, seed: 9, usage: true, resubmissions: true, resubmittedShare: 0.6 };
    const p = planTrace({ ...opts, out: join(root, 'u-plan') });
    const g = await generateTrace({ ...opts, out: join(root, 'usage') });
    const re = p.resubmitted!;
    // The runs of each task, from the plan's draws: the default's first run, then SCHEDULE → terminal event.
    const runs: [number, number, number, number][] = []; // task, from, to, machine
    const open = new Map<number, number>(); // task → its run still open (index into runs)
    for (let i = 0; i < p.N; i++) if (p.runs.sched[i]! < p.end) open.set(i, runs.push([i, p.runs.sched[i]!, NaN, p.runs.machine[i]!]) - 1);
    for (let e = 0; e < re.n; e++) {
      const i = re.task[e]!;
      if (re.type[e]! >= 2) {
        runs[open.get(i)!]![2] = re.time[e]!;
        open.delete(i);
      } else if (re.type[e] === 1) open.set(i, runs.push([i, re.time[e]!, NaN, re.machine[e]!]) - 1);
    }
    for (const [i, r] of open) runs[r]![2] = re.stop[i]!;
    expect(runs.length - p.N).toBeGreaterThan(1000); // later runs there are
    // Expected rows: each window [start + kW, +W) a run overlaps, clipped to the run and the trace.
    const W = 300e6;
    const want: string[] = [];
    for (const [i, from, to, m] of runs) {
      const stop = Math.min(to, p.end);
      if (!(stop > from)) continue;
      for (let k = Math.floor((from - p.start) / W); p.start + k * W < stop; k++) {
        want.push(`${1_000_000_000 + p.jobs.jobOf[i]!},${p.jobs.idxOf[i]!},${machineId(m)},${Math.max(from, p.start + k * W)},${Math.min(stop, p.start + (k + 1) * W)}`);
      }
    }
    const rows = gunzipSync(readFileSync(g.files.find((f) => f.includes('task_usage'))!)).toString('utf8').trimEnd().split('\n');
    const got = rows.map((l) => {
      const f = l.split(',');
      return `${f[2]},${f[3]},${f[4]},${f[0]},${f[1]}`;
    });
    expect(got.length).toBe(g.rows.task_usage);
    expect(got.sort()).toEqual(want.sort());
    // The reader joins every row to its task.
    const t = await readGoogleTrace(join(root, 'usage'), { strict: true });
    expect(t.source!.usageUnmatched).toBe(0);
    expect(t.usage!.count).toBe(rows.length);
  });
});
