/**
 * The task table of a Google 2011 trace, derived from its `task_events` in
 * one streaming pass ({@link TaskTableBuilder}): requests, priority, run time,
 * resubmissions. How each column is derived from the events is written in
 * docs/model.md.
 *
 * @module
 */
import { FairfitError } from '../../errors.ts';
import type { TaskTable } from '../../model/tasks.ts';
import { F64Column, I32Column } from '../columns.ts';
import type { ColumnBatch } from '../csv/spec.ts';
import { TRACE_START, traceTime } from './schema.ts';
import { TaskIds } from './task-ids.ts';

/** Extra per-task columns the reader derives (optional fields of {@link TaskTable}). */
export interface TaskExtras {
  /** Dense user id (from the hashed user name), -1 when unknown. */
  user: Int32Array;
  /** Number of SCHEDULE events (runs) of the task in the window. */
  runs: Int32Array;
  /** Last event type seen (0–8). */
  lastEvent: Int32Array;
  /** First SCHEDULE time, µs (NaN when never scheduled). */
  firstSchedule: Float64Array;
}

/**
 * Incremental task-table builder over `task_events` batches: one pass, state
 * in growable typed arrays, O(tasks) memory whatever the number of events.
 */
export class TaskTableBuilder {
  /** The dense-id map (join task_usage rows with it). */
  readonly ids: TaskIds;
  private submit: F64Column;
  private duration: F64Column;
  private runStart: F64Column;
  private firstSchedule: F64Column;
  private cpu: F64Column;
  private mem: F64Column;
  private priority: I32Column;
  private sclass: I32Column;
  private user: I32Column;
  private runs: I32Column;
  private last: I32Column;
  private readonly users = new Map<number, number>();
  /** Scratch: the dense id of each row of the batch being applied, and the priority of each task it adds. */
  private rowIds = new Int32Array(0);
  private newPriority = new Int32Array(0);
  /** Events applied. */
  events = 0;
  /** Whether {@link TaskTableBuilder.build} handed the columns over. */
  private built = false;
  /** Largest finite event time (after mapping 0 → start). */
  lastTime: number;
  /** Whether the {@link TaskExtras} user and runs columns are kept (lastEvent and firstSchedule always are). */
  readonly extras: boolean;
  /**
   * `start`: where time-0 events are placed (the trace start). `extras: false`
   * leaves out the user and runs columns (8 bytes a task that a replay never
   * reads); every other column is the same. `capacity`: the tasks expected (the
   * columns' first size; they grow past it as needed).
   */
  constructor(readonly start = TRACE_START, opts: { extras?: boolean; capacity?: number } = {}) {
    this.lastTime = start;
    this.extras = opts.extras !== false;
    // Columns made at the expected size grow less often (each growth copies and faults in new pages);
    // capacity never written costs address space only.
    const cap = opts.capacity ?? 1024;
    this.ids = new TaskIds(cap);
    this.submit = new F64Column(cap);
    this.duration = new F64Column(cap);
    this.runStart = new F64Column(cap);
    this.firstSchedule = new F64Column(cap);
    this.cpu = new F64Column(cap);
    this.mem = new F64Column(cap);
    this.priority = new I32Column(cap);
    this.sclass = new I32Column(cap);
    this.last = new I32Column(cap);
    this.user = new I32Column(this.extras ? cap : 16);
    this.runs = new I32Column(this.extras ? cap : 16);
  }

  /** Applies one batch of raw `task_events` columns, in file order. */
  add(b: ColumnBatch): void {
    const n = b.rows;
    const time = b.cols.time!;
    const job = b.cols.jobId!;
    const idx = b.cols.taskIndex!;
    const ev = b.cols.eventType!;
    const usr = b.cols.user!;
    const cls = b.cols.schedulingClass!;
    const pri = b.cols.priority!;
    const cpuR = b.cols.cpuRequest!;
    const memR = b.cols.memRequest!;
    // Pass 1: the dense id of every row, new tasks created in order of first appearance.
    if (this.rowIds.length < n) {
      this.rowIds = new Int32Array(n);
      this.newPriority = new Int32Array(n);
    }
    const rowId = this.rowIds, newPriority = this.newPriority;
    // New tasks get the next dense ids in order; their rows are appended after the pass, all at once.
    const first = this.submit.length;
    let added = 0;
    for (let i = 0; i < n; i++) {
      const id = this.ids.intern(job[i]!, idx[i]!);
      if (id === first + added) newPriority[added++] = pri[i]!;
      rowId[i] = id;
    }
    if (added > 0) this.newTasks(added, newPriority);
    // Pass 2: the events in file order, on local arrays (no column grows any more in this batch).
    const submit = this.submit.data;
    const duration = this.duration.data;
    const runStart = this.runStart.data;
    const firstSchedule = this.firstSchedule.data;
    const cpu = this.cpu.data;
    const mem = this.mem.data;
    const sclass = this.sclass.data;
    const user = this.user.data;
    const runs = this.runs.data;
    const last = this.last.data;
    const extras = this.extras;
    const start = this.start;
    let lastTime = this.lastTime;
    for (let i = 0; i < n; i++) {
      const id = rowId[i]!;
      const t = traceTime(time[i]!, start);
      if (t !== Number.POSITIVE_INFINITY && t > lastTime) lastTime = t;
      const e = ev[i]!;
      const c = cpuR[i]!;
      if (c === c && cpu[id]! !== cpu[id]!) cpu[id] = c;
      const m = memR[i]!;
      if (m === m && mem[id]! !== mem[id]!) mem[id] = m;
      const k = cls[i]!;
      if (k === k && sclass[id] === -1) sclass[id] = k;
      const u = usr[i]!;
      if (extras && u === u && user[id] === -1) {
        let uid = this.users.get(u);
        if (uid === undefined) this.users.set(u, (uid = this.users.size));
        user[id] = uid;
      }
      if (submit[id]! !== submit[id]!) submit[id] = t; // first event of any kind; SUBMIT normally
      if (e === 1) {
        // SCHEDULE: a second SCHEDULE without a terminal event closes the previous run.
        const rs = runStart[id]!;
        if (rs === rs) duration[id]! += t - rs;
        runStart[id] = t;
        if (firstSchedule[id]! !== firstSchedule[id]!) firstSchedule[id] = t;
        if (extras) runs[id]!++;
      } else if (e >= 2 && e <= 6) {
        const rs = runStart[id]!;
        if (rs === rs) {
          // A terminal event "after the trace" ends the run at the window end (closed in build()).
          if (t !== Number.POSITIVE_INFINITY) {
            duration[id]! += t - rs;
            runStart[id] = Number.NaN;
          }
        }
      }
      last[id] = e;
    }
    this.lastTime = lastTime;
    this.events += n;
  }

  /** Appends `n` new tasks' rows, their priorities in `priority` (one growth a column, not one push a task and column). */
  private newTasks(n: number, priority: Int32Array): void {
    this.submit.pushMany(n, Number.NaN);
    this.duration.pushMany(n, 0);
    this.runStart.pushMany(n, Number.NaN);
    this.firstSchedule.pushMany(n, Number.NaN);
    this.cpu.pushMany(n, Number.NaN);
    this.mem.pushMany(n, Number.NaN);
    this.priority.pushAll(priority, n);
    this.sclass.pushMany(n, -1);
    this.last.pushMany(n, -1);
    if (!this.extras) return;
    this.user.pushMany(n, -1);
    this.runs.pushMany(n, 0);
  }

  /**
   * The task table over the window [start, end]: a task still running at
   * `end` runs until `end`; a task without any request gets 0 (counted in
   * `missingRequests`). Once only: the builder hands its columns over as
   * views of its own arrays (no copy: the table adds nothing to the peak; the
   * unused capacity past them was never written, so it is not resident). The
   * id map (`ids`) stays usable.
   *
   * @throws FairfitError `INVALID_OPTION` when called a second time.
   */
  build(end = this.lastTime): { tasks: TaskTable & Partial<TaskExtras>; missingRequests: number } {
    if (this.built) throw new FairfitError('INVALID_OPTION', 'TaskTableBuilder.build: this builder has already handed its columns over', { field: 'builder' });
    this.built = true;
    const n = this.ids.count;
    const duration = this.duration.take();
    const runStart = this.runStart.data;
    const cpu = this.cpu.take();
    const mem = this.mem.take();
    let missingRequests = 0;
    for (let i = 0; i < n; i++) {
      const rs = runStart[i]!;
      if (rs === rs && end > rs) duration[i]! += end - rs;
      if (cpu[i]! !== cpu[i]! || mem[i]! !== mem[i]!) missingRequests++;
      if (cpu[i]! !== cpu[i]!) cpu[i] = 0;
      if (mem[i]! !== mem[i]!) mem[i] = 0;
    }
    this.runStart.take();
    const sclass = this.sclass.take();
    for (let i = 0; i < n; i++) if (sclass[i]! < 0) sclass[i] = 0;
    return {
      tasks: {
        count: n,
        // Views of the id map's own columns (it stays in use to join task_usage): no second copy.
        jobId: this.ids.jobId.data.subarray(0, n),
        taskIndex: this.ids.taskIndex.data.subarray(0, n),
        submit: this.submit.take(),
        duration,
        cpuRequest: cpu,
        memRequest: mem,
        priority: this.priority.take(),
        schedulingClass: sclass,
        lastEvent: this.last.take(),
        firstSchedule: this.firstSchedule.take(),
        ...(this.extras ? { user: this.user.take(), runs: this.runs.take() } : {}),
      },
      missingRequests,
    };
  }
}
