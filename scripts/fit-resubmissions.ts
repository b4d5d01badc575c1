/**
 * The resubmission statistics of `npm run fit` (scripts/fit.ts): each task's
 * events in file order (the trace's time order), and from them how many tasks
 * are SUBMITted more than once, which terminal event precedes a new SUBMIT,
 * how long the interrupted run lasted, the delay to the new SUBMIT and from it
 * to the new SCHEDULE, and the UPDATE_PENDING / UPDATE_RUNNING events per task.
 * Times of 0 (the snapshot, "before the trace") give no delay.
 *
 * @module
 */
import { quantileTable } from '../src/io/quantiles.ts';

interface TaskState {
  submits: number;
  last: number; // last event type
  lastTime: number; // its time (0: snapshot)
  schedTime: number; // SCHEDULE of the current run (0: snapshot, NaN: none)
  runUs: number; // length of the run the last terminal event ended (NaN: unknown)
  resubmitTime: number; // time of the latest re-SUBMIT waiting for its SCHEDULE (NaN: none)
}

export class Resubmissions {
  private tasks = new Map<string, TaskState>();
  private terminalBefore = new Map<string, number>();
  private runUs: number[] = [];
  private delayUs: number[] = [];
  private scheduleUs: number[] = [];
  private updates = 0;

  add(job: number, index: number, time: number, type: number): void {
    const key = `${job}:${index}`;
    let s = this.tasks.get(key);
    if (!s) this.tasks.set(key, (s = { submits: 0, last: -1, lastTime: 0, schedTime: Number.NaN, runUs: Number.NaN, resubmitTime: Number.NaN }));
    if (type === 0) {
      s.submits++;
      if (s.last >= 2 && s.last <= 6) {
        const k = String(s.last);
        this.terminalBefore.set(k, (this.terminalBefore.get(k) ?? 0) + 1);
        if (s.runUs === s.runUs) this.runUs.push(Math.max(1, s.runUs));
        if (time > 0 && s.lastTime > 0) this.delayUs.push(Math.max(1, time - s.lastTime));
        s.resubmitTime = time > 0 ? time : Number.NaN;
      }
    } else if (type === 1) {
      if (s.resubmitTime === s.resubmitTime && time > 0) this.scheduleUs.push(Math.max(1, time - s.resubmitTime));
      s.resubmitTime = Number.NaN;
      s.schedTime = time;
    } else if (type >= 2 && type <= 6) {
      s.runUs = s.schedTime > 0 && time > 0 ? time - s.schedTime : Number.NaN;
      s.schedTime = Number.NaN;
    } else if (type === 7 || type === 8) this.updates++;
    s.last = type;
    s.lastTime = time;
  }

  /** The fitted numbers (quantile tables need data: the sample has resubmissions). */
  fit(): object {
    let again = 0;
    const extra: number[] = [];
    for (const s of this.tasks.values()) {
      if (s.submits > 1) {
        again++;
        extra.push(s.submits - 1);
      }
    }
    const all = [...this.terminalBefore].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const total = all.reduce((s, [, c]) => s + c, 0);
    return {
      tasks: this.tasks.size,
      resubmittedShare: +(again / this.tasks.size).toPrecision(6),
      resubmissions: total,
      perResubmittedTask: quantileTable(extra, true),
      terminalBefore: { keys: all.map(([k]) => k), weights: all.map(([, c]) => +(c / total).toPrecision(6)) },
      interruptedRunUs: quantileTable(this.runUs, true),
      resubmitDelayUs: quantileTable(this.delayUs, true),
      rescheduleDelayUs: quantileTable(this.scheduleUs, true),
      updatesPerTask: +(this.updates / this.tasks.size).toPrecision(6),
    };
  }
}
