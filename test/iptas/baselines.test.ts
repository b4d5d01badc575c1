/**
 * FCFS and EASY backfilling through the trace driver: FCFS starts jobs in
 * submission order; EASY never starts the head job later than a reservation it
 * was given (random job sets); worked values of the metrics; IPTAS through the
 * driver completes every job.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { easyPass, fcfsPass } from '../../src/systems/iptas/baselines.ts';
import { scheduleJobs, type TraceJob } from '../../src/systems/iptas/schedule-trace.ts';

const jobSet = fc.array(fc.record({
  submit: fc.integer({ min: 0, max: 500 }), runTime: fc.integer({ min: 0, max: 200 }), slack: fc.integer({ min: 0, max: 100 }),
  procs: fc.integer({ min: 1, max: 8 }), user: fc.integer({ min: 0, max: 3 }),
}), { minLength: 1, maxLength: 60 }).map((xs) => xs.map((x, i): TraceJob => ({ id: i, submit: x.submit, runTime: x.runTime, requestedTime: Math.max(1, x.runTime + x.slack), procs: x.procs, user: x.user })));

describe('batch baselines', () => {
  it('one pass: FCFS stops at the first job that does not fit; EASY backfills a job that ends by the shadow time', () => {
    const q = [{ index: 0, procs: 2, requestedTime: 10 }, { index: 1, procs: 4, requestedTime: 10 }, { index: 2, procs: 1, requestedTime: 5 }, { index: 3, procs: 1, requestedTime: 50 }];
    expect(fcfsPass(q, 3).start).toEqual([0]);
    // 1 free after job 0; at 10 job 0 gives 2 back (3 < 4), at 20 job 9 gives 3 (6 ≥ 4): shadow 20,
    // extra 2; job 2 ends at 5 ≤ 20 and starts; job 3 would fit the extra but no processor is free now
    const p = easyPass(q, 3, [{ index: 9, procs: 3, requestedEnd: 20 }], 0);
    expect(p.start).toEqual([0, 2]);
    expect(p.reservation).toEqual({ job: 1, time: 20, extra: 2 });
    // with 5 free: 3 left after job 0; at 10 job 0 gives 2 back: shadow 10, extra 1; job 2 ends by 10,
    // job 3 (50 s) takes the extra processor
    expect(easyPass(q, 5, [{ index: 9, procs: 3, requestedEnd: 20 }], 0)).toEqual({ start: [0, 2, 3], reservation: { job: 1, time: 10, extra: 0 } });
  });
  it('FCFS starts jobs in submission order', () => {
    fc.assert(fc.property(jobSet, (jobs) => {
      const r = scheduleJobs(jobs, { algorithm: 'fcfs', nodes: 8 });
      const order = jobs.map((_, i) => i).sort((a, b) => jobs[a]!.submit - jobs[b]!.submit || a - b);
      for (let k = 1; k < order.length; k++) expect(r.start[order[k]!]!).toBeGreaterThanOrEqual(r.start[order[k - 1]!]!);
    }), { numRuns: 200 });
  });
  it('EASY never starts the head job later than any reservation it was given, and no job starts before its submission', () => {
    fc.assert(fc.property(jobSet, (jobs) => {
      const r = scheduleJobs(jobs, { algorithm: 'easy', nodes: 8, recordReservations: true });
      for (const res of r.reservations!) expect(r.start[res.job]!).toBeLessThanOrEqual(res.time);
      for (let i = 0; i < jobs.length; i++) expect(r.start[i]!).toBeGreaterThanOrEqual(jobs[i]!.submit);
    }), { numRuns: 300 });
  });
  it('worked metrics: two 1-proc jobs on one processor', () => {
    const jobs: TraceJob[] = [
      { id: 'a', submit: 0, runTime: 100, requestedTime: 100, procs: 1, user: 'x' },
      { id: 'b', submit: 0, runTime: 5, requestedTime: 50, procs: 1, user: 'y' },
    ];
    const r = scheduleJobs(jobs, { algorithm: 'fcfs', nodes: 1 });
    expect([...r.start]).toEqual([0, 100]);
    expect(r.metrics.meanWait).toBe(50);
    expect(r.metrics.meanBoundedSlowdown).toBe((1 + 105 / 10) / 2);
    expect(r.metrics.makespan).toBe(105);
    expect(r.metrics.utilisation).toBe(1);
    expect(r.metrics.fairnessGini).toBe(0.5); // mean waits 0 and 100
  });
  it('refuses a job that is not an object, a field that is no job field and a user that is neither string nor number, naming the job', () => {
    const job: TraceJob = { id: 'a', submit: 0, runTime: 10, requestedTime: 20, procs: 1, user: 'u' };
    const refused = (jobs: unknown[], message: string) => {
      for (const algorithm of ['iptas', 'fcfs', 'easy'] as const) {
        expect(() => scheduleJobs(jobs as TraceJob[], { algorithm, nodes: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message }));
      }
    };
    // A misspelt dataGB ran the job with the default data volume (another length class); a null job was a NOT_FINITE on submit.
    refused([job, { ...job, datagb: 500 }], 'jobs[1].datagb is not a field of a job (did you mean dataGB?)');
    refused([null], 'jobs[0] must be an object { id, submit, runTime, requestedTime, procs, user, demand?, dataGB? }, got null');
    refused([{ ...job, user: {} }], 'jobs[0].user must be a non-empty string or a finite number, got an object');
    // '' was refused only by the engine, mid-run under 'iptas', and taken as one more user by the others.
    refused([job, { ...job, user: '' }], 'jobs[1].user must be a non-empty string or a finite number, got ""');
    expect(scheduleJobs([job, { ...job, user: -1, dataGB: 500 }], { algorithm: 'iptas', nodes: 2 }).metrics.completed).toBe(2);
  });

  it('IPTAS through the driver places every job and kills only over T0', () => {
    fc.assert(fc.property(jobSet, (jobs) => {
      const r = scheduleJobs(jobs, { algorithm: 'iptas', nodes: 4, nodeCapacity: 2 });
      for (let i = 0; i < jobs.length; i++) {
        expect(r.start[i]!).toBeGreaterThanOrEqual(jobs[i]!.submit);
        expect(r.end[i]!).toBeGreaterThanOrEqual(r.start[i]!);
      }
      expect(r.metrics.completed + r.metrics.killed).toBe(jobs.length);
    }), { numRuns: 100 });
  });
});
