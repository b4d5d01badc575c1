/**
 * `scheduleLog` on small SWF logs written here (never a copy of a real log), each
 * showing one case of the Standard Workload Format that the real NASA log does not
 * have: jobs dropped before the run while the others lack a requested time, a
 * checkpointed job logged as a summary line and its partial executions (status
 * 2–4), jobs whose run time the log does not give (−1). Decisions in docs/model.md
 * ("SWF (Parallel Workloads Archive) → the task model", "IPTAS round scheduler").
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleLog } from '../../src/systems/iptas/schedule-log.ts';
import { describeSchedule, schedulePage } from '../../src/systems/iptas/schedule-report.ts';
import { scheduleJobs, type TraceJob } from '../../src/systems/iptas/schedule-trace.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-swf-cases-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const FIELDS = ['job', 'submit', 'wait', 'run', 'procs', 'cpu', 'usedMem', 'reqProcs', 'reqTime', 'reqMem', 'status', 'user', 'group', 'app', 'queue', 'partition', 'preceding', 'think'] as const;

/** One SWF line: the given fields, −1 (unknown) elsewhere. */
function job(f: Partial<Record<(typeof FIELDS)[number], number>>): string {
  return FIELDS.map((k) => String(f[k] ?? -1)).join(' ');
}

/** Writes an SWF log (MaxProcs 16) of these job lines; returns its path. */
function log(name: string, jobs: string[]): string {
  const path = join(dir, `${name}.swf`);
  writeFileSync(path, ['; Version: 2.2', '; MaxProcs: 16', ';', ...jobs].join('\n') + '\n');
  return path;
}

describe('scheduleLog on SWF cases the NASA log lacks', () => {
  it('counts the scheduled jobs whose requested time is unknown, not the rows, in its note', async () => {
    // The two jobs with a requested time are wider than the cluster: both scheduled jobs use their run time.
    const path = log('estimates', [
      job({ job: 1, submit: 0, run: 10, procs: 16, reqTime: 20, status: 1, user: 1 }),
      job({ job: 2, submit: 0, run: 10, procs: 16, reqTime: 20, status: 1, user: 1 }),
      job({ job: 3, submit: 1, run: 5, procs: 2, status: 1, user: 1 }),
      job({ job: 4, submit: 2, run: 5, procs: 2, status: 1, user: 1 }),
    ]);
    const r = await scheduleLog({ trace: path, nodes: 8, algorithms: ['fcfs'] });
    expect(r.trace).toMatchObject({ rows: 4, jobs: 2, droppedTooLarge: 2, requestedTimeKnown: 2 });
    expect(r.notes).toContain('requested time unknown for 2 jobs: their run time stands in (exact estimates)');
    // Kept by --max-jobs, the two jobs with a requested time need no note.
    const kept = await scheduleLog({ trace: path, nodes: 16, maxJobs: 2, algorithms: ['fcfs'] });
    expect(kept.trace).toMatchObject({ jobs: 2, droppedByMaxJobs: 2 });
    expect(kept.notes.some((n) => n.startsWith('requested time unknown'))).toBe(false);
  });

  it('schedules a checkpointed job once, by its summary line, and counts the partial-execution lines (status 2–4) left out', async () => {
    // SWF: a job checkpointed or swapped out is a summary line (its own status, the whole run) and one
    // line per partial execution with the same job number (2 continued later, 3 last and completed,
    // 4 last and failed). Each line used to be a job: job 1 ran 30 + 10 + 20 s, twice its work.
    const path = log('checkpointed', [
      job({ job: 1, submit: 0, wait: 0, run: 30, procs: 4, status: 1, user: 1 }),
      job({ job: 1, submit: 0, wait: 0, run: 10, procs: 4, status: 2, user: 1 }),
      job({ job: 1, submit: 0, wait: 20, run: 20, procs: 4, status: 3, user: 1 }),
      job({ job: 2, submit: 100, wait: 0, run: 50, procs: 4, status: 0, user: 2 }),
      job({ job: 2, submit: 100, wait: 0, run: 50, procs: 4, status: 4, user: 2 }),
      // Partial lines without a summary line are all the log says of job 3: kept, one job per line.
      job({ job: 3, submit: 200, wait: 0, run: 5, procs: 2, status: 2, user: 1 }),
      job({ job: 3, submit: 200, wait: 5, run: 5, procs: 2, status: 3, user: 1 }),
    ]);
    const r = await scheduleLog({ trace: path, nodes: 4, algorithms: ['fcfs'] });
    expect(r.trace).toMatchObject({ rows: 7, jobs: 4, droppedPartialLines: 3, droppedTooLarge: 0, droppedByMaxJobs: 0 });
    const m = r.runs[0]!.metrics;
    expect(m.jobs).toBe(4);
    // Busy processor-seconds: 30 s and 50 s on 4 processors, and the two 5 s parts of job 3 on 2 each.
    expect(r.runs[0]!.utilisationByDimension[0]! * 4 * m.makespan).toBeCloseTo(30 * 4 + 50 * 4 + 2 * 5 * 2, 9);
    expect(describeSchedule(r)).toContain('dropped 3 partial-execution lines of checkpointed jobs (their summary lines are scheduled)');
    // --max-jobs counts jobs, not the lines left out.
    const first = await scheduleLog({ trace: path, nodes: 4, maxJobs: 2, algorithms: ['fcfs'] });
    expect(first.trace).toMatchObject({ rows: 7, jobs: 2, droppedPartialLines: 3, droppedByMaxJobs: 2 });
  });

  it('says how many lines give no run time (−1), which run as 0 s jobs', async () => {
    // Cancelled before they ran: status 5, run time −1 (processors −1, or only requested).
    const path = log('cancelled', [
      job({ job: 1, submit: 0, run: -1, status: 5, user: 1 }),
      job({ job: 2, submit: 0, run: -1, reqProcs: 4, status: 5, user: 1 }),
      job({ job: 3, submit: 0, run: 0, procs: 2, status: 1, user: 1 }),
      job({ job: 4, submit: 3, run: 5, procs: 2, reqTime: 10, status: 1, user: 1 }),
    ]);
    const r = await scheduleLog({ trace: path, nodes: 8, algorithms: ['fcfs'] });
    expect(r.trace).toMatchObject({ rows: 4, jobs: 4, unknownRunTime: 2 });
    expect(r.notes).toContain('run time unknown (−1) on 2 lines of the log: those jobs run 0 s');
    expect(r.runs[0]!.metrics.completed).toBe(4);
    // A log that gives every run time says nothing of it (the NASA report stays as it was).
    const all = await scheduleLog({ trace: log('known', [job({ job: 1, submit: 0, run: 5, procs: 2, status: 1, user: 1 })]), nodes: 8, algorithms: ['fcfs'] });
    expect(all.trace).not.toHaveProperty('unknownRunTime');
    expect(all.notes.some((n) => n.startsWith('run time unknown'))).toBe(false);
  });

  it('says how many lines give no processors (−1 or 0 in both fields), which run on 1 processor', async () => {
    const path = log('widths', [
      job({ job: 1, submit: 0, run: 10, status: 1, user: 1 }),
      job({ job: 2, submit: 0, run: 10, procs: 0, reqProcs: 0, status: 1, user: 1 }),
      job({ job: 3, submit: 0, run: 10, reqProcs: 4, status: 1, user: 1 }),
      job({ job: 4, submit: 0, run: 10, procs: 2, status: 1, user: 1 }),
    ]);
    const r = await scheduleLog({ trace: path, nodes: 8, algorithms: ['fcfs'] });
    expect(r.trace).toMatchObject({ rows: 4, jobs: 4, unknownProcessors: 2 });
    expect(r.notes).toContain('processors unknown (−1 or 0) on 2 lines of the log: those jobs use 1 processor');
    expect(schedulePage(r).facts).toContainEqual(['Processors unknown in the log (1 processor)', '2 of 4 jobs']);
    // All four start at 0 on 8 processors (1 + 1 + 4 + 2) and run 10 s: 80 busy processor-seconds of 8 · 10.
    expect(r.runs[0]!.metrics.utilisation).toBe(1);
    const all = await scheduleLog({ trace: log('widths-known', [job({ job: 1, submit: 0, run: 5, procs: 2, status: 1, user: 1 })]), nodes: 8, algorithms: ['fcfs'] });
    expect(all.trace).not.toHaveProperty('unknownProcessors');
    expect(all.notes.some((n) => n.startsWith('processors unknown'))).toBe(false);
  });

  it('leaves the jobs of unknown user (−1) out of the per-user fairness figure, and counts them', async () => {
    // One processor, FCFS in log order: waits 0 (user 1), 10 (unknown), 20 (user 2).
    const path = log('anonymous', [
      job({ job: 1, submit: 0, run: 10, procs: 1, reqTime: 10, status: 1, user: 1 }),
      job({ job: 2, submit: 0, run: 10, procs: 1, reqTime: 10, status: 1 }),
      job({ job: 3, submit: 0, run: 10, procs: 1, reqTime: 10, status: 1, user: 2 }),
    ]);
    const r = await scheduleLog({ trace: path, nodes: 1, algorithms: ['fcfs'] });
    expect(r.trace).toMatchObject({ jobs: 3, users: 2, unknownUser: 1 });
    expect(schedulePage(r).facts).toContainEqual(['User unknown in the log (no per-user figure)', '1 of 3 jobs']);
    expect(r.notes).toContain('user unknown (−1) for 1 job: scheduled as the others, left out of the per-user fairness figure and the user count');
    const m = r.runs[0]!.metrics;
    expect(m.meanWait).toBe(10);
    // Gini of the known users' mean waits [0, 20]: (|0 − 20| + |20 − 0|) / (2 · 2² · 10) = 0.5 (with the unknown user's 10, 80 / 180).
    expect(m.users).toBe(2);
    expect(m.fairnessGini).toBe(0.5);
    // No known user at all: no fairness figure (NaN: null in JSON, "—" in the table), not a Gini of 0.
    const nobody = await scheduleLog({ trace: log('nobody', [job({ job: 1, submit: 0, run: 10, procs: 1, status: 1 }), job({ job: 2, submit: 0, run: 10, procs: 1, status: 1 })]), nodes: 1, algorithms: ['fcfs'] });
    expect(nobody.trace).toMatchObject({ users: 0, unknownUser: 2 });
    expect(nobody.runs[0]!.metrics.users).toBe(0);
    expect(nobody.runs[0]!.metrics.fairnessGini).toBeNaN();
  });

  it('gives IPTAS each job of unknown user its own user: no ε history shared with the other unknown users', async () => {
    // Two processors. Jobs 1 and 2 of unknown users, jobs 3 and 4 of user 1, each pair alike: the first asks
    // 100 s and runs 10 s (ε = 10 / 100 = 0.1 for its user after it), the second asks 100 s and runs 50 s. With
    // that history T0 = 100 · 0.1 · (1 + 0.5) = 15 s < 50 s: job 4 is killed. Job 2 has no history of its
    // own (ε = 1, T0 = 150 s) and runs to its end; lumped into one user "−1" it was killed as job 4 is.
    const path = log('anonymous-iptas', [
      job({ job: 1, submit: 0, run: 10, procs: 1, reqTime: 100, status: 1 }),
      job({ job: 2, submit: 20, run: 50, procs: 1, reqTime: 100, status: 1 }),
      job({ job: 3, submit: 100, run: 10, procs: 1, reqTime: 100, status: 1, user: 1 }),
      job({ job: 4, submit: 120, run: 50, procs: 1, reqTime: 100, status: 1, user: 1 }),
    ]);
    const r = await scheduleLog({ trace: path, nodes: 2, algorithms: ['iptas'] });
    const m = r.runs[0]!.metrics;
    expect(m.killed).toBe(1);
    expect(m.killedWastedSeconds).toBe(15);
  });

  it('gives IPTAS each job of unknown user its own user: no running count shared with the other unknown users', () => {
    // Five processors; four long jobs of unknown users hold four from 0 s. At 10 s job 4 (unknown user) and
    // job 5 (user 1) arrive for the last one, job 4 first. Lumped into one user "−1", job 4's user had
    // L_u = 4 ≥ L0 = 4 running tasks and the penalty −2: job 5 went first. Each its own user, L_u = 0 for
    // both, equal priority, ties by submission: job 4 starts at 10 s, job 5 when it ends at 20 s.
    const jobs: TraceJob[] = [0, 1, 2, 3].map((i) => ({ id: i, submit: 0, runTime: 100, requestedTime: 100, procs: 1, user: -1 }));
    jobs.push({ id: 4, submit: 10, runTime: 10, requestedTime: 100, procs: 1, user: -1 });
    jobs.push({ id: 5, submit: 10, runTime: 10, requestedTime: 100, procs: 1, user: 1 });
    const r = scheduleJobs(jobs, { algorithm: 'iptas', nodes: 5 });
    expect(Array.from(r.start)).toEqual([0, 0, 0, 0, 10, 20]);
  });

  it('counts the jobs that ran longer in the log than they requested, which FCFS and EASY cut at the request, and the run time lost', async () => {
    // Eight processors, all four start at 0. Job 1 asked 10 s and ran 30 s (20 s cut), job 3 asked 20 s and
    // ran 25 s (5 s cut); job 2 ran less than it asked, and job 4 asked nothing (its run time stands in).
    const path = log('overrun', [
      job({ job: 1, submit: 0, run: 30, procs: 2, reqTime: 10, status: 1, user: 1 }),
      job({ job: 2, submit: 0, run: 5, procs: 2, reqTime: 20, status: 1, user: 1 }),
      job({ job: 3, submit: 0, run: 25, procs: 2, reqTime: 20, status: 1, user: 1 }),
      job({ job: 4, submit: 0, run: 7, procs: 2, status: 1, user: 1 }),
    ]);
    const r = await scheduleLog({ trace: path, nodes: 8 });
    expect(r.trace).toMatchObject({ jobs: 4, runBeyondRequest: 2 });
    expect(schedulePage(r).facts).toContainEqual(['Ran longer than requested in the log (FCFS, EASY: killed at the request)', '2 of 4 jobs']);
    expect(r.notes).toContain('2 jobs ran longer in the log than they requested (25 s beyond their requests in all): FCFS and EASY kill each at its requested time, as a batch system\'s time limit does (per run: cutAtRequest)');
    for (const run of r.runs.filter((x) => x.algorithm !== 'iptas')) {
      expect(run.cutAtRequest).toEqual({ jobs: 2, lostSeconds: 25 });
      // Killed after their requested 10 s and 20 s.
      expect(run.metrics).toMatchObject({ killed: 2, killedWastedSeconds: 30 });
    }
    // IPTAS kills at T0, not at the request: its kills are its metrics' alone.
    expect(r.runs[0]).not.toHaveProperty('cutAtRequest');
    // A log whose jobs all end within their requests says nothing of it (as NASA, whose requests are unknown).
    const within = await scheduleLog({ trace: log('within', [job({ job: 1, submit: 0, run: 5, procs: 2, reqTime: 5, status: 1, user: 1 })]), nodes: 8 });
    expect(within.trace).not.toHaveProperty('runBeyondRequest');
    expect(within.runs.some((x) => 'cutAtRequest' in x)).toBe(false);
    expect(within.notes.some((n) => n.includes('longer in the log'))).toBe(false);
  });
});
