/**
 * The Google task_events → jobs adapter on a generated trace, and the vector
 * form of the driver it needs: every task ending in the window becomes one job
 * demanding (cpu, mem), the others are counted; FCFS, EASY and IPTAS never put
 * more on a node than its capacity; vector EASY never starts the head later than
 * its reservation; the engine factory option is used.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { readGoogleTrace } from '../../src/io/google/trace-folder.ts';
import { jobsFromGoogle, type GoogleJobs } from '../../src/systems/iptas/google-jobs.ts';
import { ReferenceEngine } from '../../src/systems/iptas/reference-engine.ts';
import { scheduleJobs, type TraceJob } from '../../src/systems/iptas/schedule-trace.ts';
import type { TaskTable } from '../../src/model/tasks.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
let g: GoogleJobs;
let tasks: TaskTable;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-gjobs-'));
  await generateTrace({ machines: 30, tasks: 700, days: 0.04, seed: 8, out: dir, usage: false });
  const t = await readGoogleTrace(dir, { usage: false, machineEvents: false });
  tasks = t.tasks;
  g = jobsFromGoogle(t);
});

/** Largest total demand per dimension at any instant, over [start, end) intervals. */
function peak(jobs: readonly TraceJob[], start: Float64Array, end: Float64Array, d: number): number {
  const ev: [number, number][] = [];
  jobs.forEach((j, i) => {
    if (end[i]! > start[i]!) ev.push([start[i]!, j.demand![d]!], [end[i]!, -j.demand![d]!]);
  });
  ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0, max = 0;
  for (const [, x] of ev) max = Math.max(max, (cur += x));
  return max;
}

describe('Google task_events → jobs', () => {
  it('keeps every task that ends in the window, with its requests as the demand, and counts the rest', () => {
    expect(g.tasks).toBe(700);
    expect(g.jobs.length + g.droppedRunning + g.droppedPending).toBe(700);
    expect(g.jobs.length).toBeGreaterThan(100);
    const ended = new Set([2, 3, 4, 5, 6]);
    let k = 0;
    for (let i = 0; i < tasks.count; i++) {
      if (!ended.has(tasks.lastEvent![i]!)) continue;
      const j = g.jobs[k++]!;
      expect(j.demand).toEqual([tasks.cpuRequest[i], tasks.memRequest[i]]);
      expect(j.runTime).toBe(tasks.duration[i]! / 1e6);
      expect(j.requestedTime).toBe(Math.max(1, j.runTime));
      expect(j.procs).toBe(1);
      expect(j.submit).toBeGreaterThanOrEqual(0);
    }
    expect(k).toBe(g.jobs.length);
  });

  it('FCFS, EASY and IPTAS schedule every job on 4 nodes of (1, 1) without exceeding the cluster, starting no job before its submission', () => {
    for (const algorithm of ['fcfs', 'easy', 'iptas'] as const) {
      const r = scheduleJobs(g.jobs, { algorithm, nodes: 4, nodeCapacity: [1, 1] });
      expect(r.metrics.completed + r.metrics.killed).toBe(g.jobs.length);
      g.jobs.forEach((j, i) => expect(r.start[i]!).toBeGreaterThanOrEqual(j.submit));
      for (const d of [0, 1]) expect(peak(g.jobs, r.start, r.end, d)).toBeLessThanOrEqual(4 + 1e-9);
      if (algorithm !== 'iptas') expect(r.metrics.killed).toBe(0);
    }
  });

  it('rejects a demand of the wrong length or one that fits no node, naming the job', () => {
    const j: TraceJob = { id: 0, submit: 0, runTime: 1, requestedTime: 1, procs: 1, user: 0, demand: [0.5] };
    expect(() => scheduleJobs([j], { algorithm: 'fcfs', nodes: 2, nodeCapacity: [1, 1] })).toThrow(/jobs\[0\]\.demand must have 2 numbers/);
    expect(() => scheduleJobs([{ ...j, demand: [1.5, 0] }], { algorithm: 'easy', nodes: 2, nodeCapacity: [1, 1] })).toThrow(/does not fit the empty cluster/);
    expect(() => scheduleJobs([{ ...j, demand: [0.5, 0.5] }], { algorithm: 'easy', nodes: 2 })).toThrow(/needs a vector options.nodeCapacity/);
  });

  it('uses the engine factory it is given', () => {
    const made: number[] = [];
    const engine = (p: ConstructorParameters<typeof ReferenceEngine>[0]) => {
      made.push(p?.dims ?? -1);
      return new ReferenceEngine(p);
    };
    const a = scheduleJobs(g.jobs, { algorithm: 'iptas', nodes: 4, nodeCapacity: [1, 1], engine });
    const b = scheduleJobs(g.jobs, { algorithm: 'iptas', nodes: 4, nodeCapacity: [1, 1] });
    expect(made).toEqual([2]);
    expect(a.metrics).toEqual(b.metrics);
  });
});

describe('vector EASY', () => {
  const vjobs = fc.array(fc.record({
    submit: fc.integer({ min: 0, max: 300 }), runTime: fc.integer({ min: 0, max: 200 }), slack: fc.integer({ min: 0, max: 100 }),
    procs: fc.integer({ min: 1, max: 3 }), cpu: fc.integer({ min: 0, max: 4 }), mem: fc.integer({ min: 0, max: 4 }), user: fc.integer({ min: 0, max: 3 }),
  }), { minLength: 1, maxLength: 40 }).map((xs) => xs.map((x, i): TraceJob => ({
    id: i, submit: x.submit, runTime: x.runTime, requestedTime: Math.max(1, x.runTime + x.slack), procs: x.procs, user: x.user, demand: [x.cpu / 4, x.mem / 4],
  })));
  it('never starts the head later than a reservation it was given, and never overfills the cluster', () => {
    fc.assert(fc.property(vjobs, (jobs) => {
      const r = scheduleJobs(jobs, { algorithm: 'easy', nodes: 3, nodeCapacity: [1, 1], recordReservations: true });
      for (const res of r.reservations!) expect(r.start[res.job]!).toBeLessThanOrEqual(res.time);
      const gang = jobs.map((j) => ({ ...j, demand: [j.demand![0]! * j.procs, j.demand![1]! * j.procs] }));
      for (const d of [0, 1]) expect(peak(gang, r.start, r.end, d)).toBeLessThanOrEqual(3 + 1e-9);
    }), { numRuns: 200 });
  });
});
