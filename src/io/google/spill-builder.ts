/**
 * The task table of a Google 2011 trace read without holding it
 * (docs/model.md, "The whole trace", step 1): the same columns as
 * {@link TaskTableBuilder} (without the extras), but state is kept only for
 * the tasks *open* in the trace; a task whose run a terminal event closed is
 * *spilled* — its summary appended to a temporary file of its bucket of dense
 * ids — and leaves memory. At `build` the open tasks are closed at the window
 * end and each bucket's summaries are folded, in the order they were spilled,
 * into a dense file of the bucket's tasks ({@link SpilledTasks}).
 *
 * Why the fold is exact: a task that gets events after it was spilled (the
 * trace resubmits after EVICT, FAIL, KILL, even FINISH) opens a *continuation*
 * whose summary is spilled later, so a bucket's summaries of one task are in
 * event order, and every column is a first non-NaN value (submit, first
 * schedule, requests), a first value (priority, class), a last value (last
 * event) or a sum of run times. The run times are differences of integer µs
 * below 2^53, and floating-point sums of such integers are exact in any
 * grouping; a trace with a non-integer time is refused with
 * {@link NotExactError} (the reader then reads it with the table builder).
 *
 * Memory: the dense ids by job runs (`PairRanges`: a few bytes a job,
 * not 16 bytes a task), the open tasks with their id → slot map, and one
 * buffer per bucket — not the 64 bytes a task of the table.
 *
 * @module
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { F64Column, I32Column } from '../columns.ts';
import type { ColumnBatch } from '../csv/spec.ts';
import { onFile, type TempFolder } from '../temp-files.ts';
import { TRACE_START, traceTime } from './schema.ts';
import { OpenSlots, PairRanges } from './pair-ranges.ts';
import { foldBucket, SPILL_RECORD, SpilledTasks } from './spilled-tasks.ts';

/** Thrown by {@link SpillingTaskBuilder.add} at the first finite non-integer event time: the fold would not be exact. */
export class NotExactError extends Error {}

/**
 * Tasks per bucket and summaries buffered per bucket (tests set them low to cross many
 * boundaries), and the task_events bytes on disk below which `readGoogleTrace`'s `spill` is not
 * taken (64 MiB: ≈ 1.5 M tasks gzipped; a smaller table costs less than the files' overhead).
 */
export const SPILL_TUNING = { bucket: 1 << 21, buffer: 1 << 13, minBytes: 64 << 20 };

/** The state of the open tasks, one slot each (slots are reused). */
class OpenTasks {
  /** Dense id of the slot's task (-1: free). */
  readonly id = new I32Column();
  readonly job = new F64Column();
  readonly index = new I32Column();
  readonly submit = new F64Column();
  readonly duration = new F64Column();
  readonly runStart = new F64Column();
  readonly firstSchedule = new F64Column();
  readonly cpu = new F64Column();
  readonly mem = new F64Column();
  readonly priority = new I32Column();
  readonly sclass = new I32Column();
  readonly last = new I32Column();
  private free: number[] = [];
  /** The slot of each open task's dense id. */
  readonly slotOf = new OpenSlots();
  /** Slots in use. */
  open = 0;

  /** A slot for task `id` with the state of a task before its first event. */
  take(id: number, job: number, index: number, priority: number): number {
    let s = this.free.pop();
    if (s === undefined) {
      s = this.id.length;
      for (const c of [this.id, this.index, this.priority, this.sclass, this.last]) c.push(0);
      for (const c of [this.job, this.submit, this.duration, this.runStart, this.firstSchedule, this.cpu, this.mem]) c.push(0);
    }
    this.id.data[s] = id;
    this.job.data[s] = job;
    this.index.data[s] = index;
    this.submit.data[s] = Number.NaN;
    this.duration.data[s] = 0;
    this.runStart.data[s] = Number.NaN;
    this.firstSchedule.data[s] = Number.NaN;
    this.cpu.data[s] = Number.NaN;
    this.mem.data[s] = Number.NaN;
    this.priority.data[s] = priority; // stored as int32, as the table's column stores it
    this.sclass.data[s] = -1;
    this.last.data[s] = -1;
    this.slotOf.set(id, s);
    this.open++;
    return s;
  }

  release(s: number): void {
    this.slotOf.delete(this.id.data[s]!);
    this.id.data[s] = -1;
    this.free.push(s);
    this.open--;
  }
}

/** Summaries waiting to be appended to one bucket's file. */
class BucketBuffer {
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  n = 0;
  fd: number | undefined;
  constructor(readonly path: string, readonly capacity: number) {
    this.f64 = new Float64Array(capacity * SPILL_RECORD.f64s);
    this.i32 = new Int32Array(this.f64.buffer);
  }
  flush(): void {
    if (this.n === 0) return;
    this.fd ??= onFile(this.path, 'cannot write the task spill file', () => openSync(this.path, 'w'));
    const fd = this.fd;
    const bytes = new Uint8Array(this.f64.buffer, 0, this.n * SPILL_RECORD.bytes);
    onFile(this.path, 'cannot write the task spill file', () => writeSync(fd, bytes));
    this.n = 0;
  }
  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Incremental task-table builder over `task_events` batches that keeps only
 * the open tasks in memory (see the module comment); `add` takes the batches
 * of {@link TaskTableBuilder.add}, `build` gives a {@link SpilledTasks}.
 */
export class SpillingTaskBuilder {
  /** No id map (the one-pass builder's, to join task_usage): the pairs are kept as job runs. */
  readonly ids: undefined = undefined;
  /** Each (job ID, task index)'s dense id (dropped at `build`). */
  private pairs: PairRanges | undefined = new PairRanges();
  private readonly open = new OpenTasks();
  private readonly buffers: BucketBuffer[] = [];
  private readonly bucket = SPILL_TUNING.bucket;
  /** Events applied. */
  events = 0;
  /** Summaries spilled (tasks plus continuations). */
  spilled = 0;
  /** Largest number of tasks open at once. */
  maxOpen = 0;
  /** Largest finite event time (after mapping 0 → start). */
  lastTime: number;

  constructor(private readonly folder: TempFolder, readonly start = TRACE_START) {
    this.lastTime = start;
  }

  /** Tasks seen (dense ids given). */
  get count(): number {
    return this.pairs?.count ?? this.built;
  }
  private built = 0;

  /** Applies one batch of raw `task_events` columns, in file order. @throws NotExactError at a non-integer finite time. */
  add(b: ColumnBatch): void {
    const n = b.rows;
    const time = b.cols.time!, job = b.cols.jobId!, idx = b.cols.taskIndex!, ev = b.cols.eventType!;
    const cls = b.cols.schedulingClass!, pri = b.cols.priority!, cpuR = b.cols.cpuRequest!, memR = b.cols.memRequest!;
    const pairs = this.pairs!;
    const o = this.open;
    const start = this.start;
    let lastTime = this.lastTime;
    for (let i = 0; i < n; i++) {
      const id = pairs.id(job[i]!, idx[i]!);
      let s = o.slotOf.get(id);
      // A new task, or a continuation of one spilled before (its summary is folded into the first).
      if (s < 0) {
        s = o.take(id, job[i]!, idx[i]!, pri[i]!);
        if (o.open > this.maxOpen) this.maxOpen = o.open;
      }
      const t = traceTime(time[i]!, start);
      if (t !== Number.POSITIVE_INFINITY) {
        if (t !== Math.floor(t) && t === t) throw new NotExactError(`event time ${t} is not an integer`);
        if (t > lastTime) lastTime = t;
      }
      // The column rules of TaskTableBuilder.add, on the open slot.
      const e = ev[i]!;
      const c = cpuR[i]!;
      if (c === c && o.cpu.data[s]! !== o.cpu.data[s]!) o.cpu.data[s] = c;
      const m = memR[i]!;
      if (m === m && o.mem.data[s]! !== o.mem.data[s]!) o.mem.data[s] = m;
      const k = cls[i]!;
      if (k === k && o.sclass.data[s] === -1) o.sclass.data[s] = k;
      if (o.submit.data[s]! !== o.submit.data[s]!) o.submit.data[s] = t;
      if (e === 1) {
        const rs = o.runStart.data[s]!;
        if (rs === rs) o.duration.data[s]! += t - rs;
        o.runStart.data[s] = t;
        if (o.firstSchedule.data[s]! !== o.firstSchedule.data[s]!) o.firstSchedule.data[s] = t;
      } else if (e >= 2 && e <= 6) {
        const rs = o.runStart.data[s]!;
        if (rs === rs && t !== Number.POSITIVE_INFINITY) {
          o.duration.data[s]! += t - rs;
          o.runStart.data[s] = Number.NaN;
        }
      }
      o.last.data[s] = e;
      // Closed: a terminal event and no run open. Its summary leaves memory.
      if (e >= 2 && e <= 6 && o.runStart.data[s]! !== o.runStart.data[s]!) this.spill(s);
    }
    this.lastTime = lastTime;
    this.events += n;
  }

  /** Appends slot s's summary to its bucket's buffer and frees the slot. */
  private spill(s: number): void {
    const o = this.open;
    const id = o.id.data[s]!;
    const b = Math.floor(id / this.bucket);
    while (this.buffers.length <= b) this.buffers.push(new BucketBuffer(this.folder.next('spill'), SPILL_TUNING.buffer));
    const buf = this.buffers[b]!;
    if (buf.n === buf.capacity) buf.flush();
    const R = SPILL_RECORD;
    const f = buf.n * R.f64s, w = buf.n * R.i32s;
    buf.f64[f + R.jobId] = o.job.data[s]!;
    buf.f64[f + R.submit] = o.submit.data[s]!;
    buf.f64[f + R.duration] = o.duration.data[s]!;
    buf.f64[f + R.firstSchedule] = o.firstSchedule.data[s]!;
    buf.f64[f + R.cpu] = o.cpu.data[s]!;
    buf.f64[f + R.mem] = o.mem.data[s]!;
    buf.i32[w + R.id] = id;
    buf.i32[w + R.taskIndex] = o.index.data[s]!;
    buf.i32[w + R.priority] = o.priority.data[s]!;
    buf.i32[w + R.sclass] = o.sclass.data[s]!;
    buf.i32[w + R.last] = o.last.data[s]!;
    buf.n++;
    this.spilled++;
    o.release(s);
  }

  /**
   * Closes the tasks still open at `end` (a run still open runs until `end`),
   * folds every bucket into its dense file and drops the id map. Once only.
   */
  build(end = this.lastTime): { tasks: SpilledTasks; missingRequests: number } {
    const o = this.open;
    const n = this.count;
    // The tasks still open: each one's last summary (its earlier ones were spilled before it).
    for (let s = 0; s < o.id.length; s++) {
      if (o.id.data[s]! < 0) continue;
      const rs = o.runStart.data[s]!;
      if (rs === rs && end > rs) o.duration.data[s]! += end - rs;
      this.spill(s);
    }
    this.built = n;
    this.pairs = undefined;
    let missingRequests = 0;
    const files: string[] = [];
    for (const [b, buf] of this.buffers.entries()) {
      buf.close();
      const first = b * this.bucket;
      const count = Math.min(this.bucket, n - first);
      const dense = this.folder.next('tasks');
      missingRequests += foldBucket(buf.path, count, first, dense);
      files.push(dense);
    }
    // Every task was spilled at least once just above, so every bucket up to the last id's has a file.
    return { tasks: new SpilledTasks(n, this.bucket, files).own(this.folder), missingRequests };
  }
}
