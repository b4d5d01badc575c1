/**
 * Seeded synthetic replay inputs for the shell's tests: a few hundred tasks
 * with Google-2011-like requests, priorities and run times over a few hours,
 * built directly as columns (no files), so the tests exercise the real
 * replay on data whose size we control.
 */
import type { ReplayInput } from '../../src/model/tasks.ts';
import { Rng } from '../../src/rng.ts';

export function seededInput(seed: number, tasks = 400, hours = 2): ReplayInput {
  const rng = new Rng(seed);
  const start = 600e6;
  const end = start + hours * 3.6e9;
  const jobId = new Float64Array(tasks);
  const taskIndex = new Int32Array(tasks);
  const submit = new Float64Array(tasks);
  const duration = new Float64Array(tasks);
  const cpuRequest = new Float64Array(tasks);
  const memRequest = new Float64Array(tasks);
  const priority = new Int32Array(tasks);
  const schedulingClass = new Int32Array(tasks);
  let job = 1000;
  let index = 0;
  for (let i = 0; i < tasks; i++) {
    if (index === 0 || rng.next() < 0.2) {
      job++;
      index = 0;
    }
    jobId[i] = job;
    taskIndex[i] = index++;
    // A third of the tasks are already there when the trace starts (time-0 rows).
    submit[i] = rng.next() < 0.33 ? start : start + Math.floor(rng.next() * (end - start) * 0.8);
    duration[i] = Math.floor(60e6 + rng.next() * rng.next() * 3.6e9);
    cpuRequest[i] = 0.005 + rng.next() * rng.next() * 0.12;
    memRequest[i] = 0.002 + rng.next() * 0.05;
    priority[i] = rng.next() < 0.5 ? Math.floor(rng.next() * 2) : 2 + Math.floor(rng.next() * 9);
    schedulingClass[i] = Math.floor(rng.next() * 4);
  }
  return {
    tasks: { count: tasks, jobId, taskIndex, submit, duration, cpuRequest, memRequest, priority, schedulingClass },
    start,
    end,
    source: { format: 'test', seed, tasks },
  };
}
