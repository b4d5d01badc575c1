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

/**
 * Where each field of an open task's slot is: what every event reads and writes in one 64-byte
 * record (`hot`: f64 fields at record·8 + field, int32 fields at record·16 + field of the same
 * bytes), the fields read only when a task opens or is spilled in their own columns (`job`,
 * `index`, `priority`). One cache line an event instead of one per column: with ~10⁵–10⁶ tasks
 * open, each column's line was a cache miss (docs/results.md, "The spilling read's open slots").
 */
const HOT = { f64s: 8, submit: 0, duration: 1, runStart: 2, firstSchedule: 3, cpu: 4, mem: 5, id: 12, sclass: 13, last: 14 } as const;

/** The state of the open tasks, one slot each (slots are reused). */
class OpenTasks {
  /** The slots' hot records (see {@link HOT}); `hotI` views the same bytes as int32. */
  hot = new Float64Array(64 * HOT.f64s);
  hotI = new Int32Array(this.hot.buffer);
  readonly job = new F64Column();
  readonly index = new I32Column();
  readonly priority = new I32Column();
  /** Slots made so far (free or in use). */
  slots = 0;
  private free: number[] = [];
  /** The slot of each open task's dense id. */
  readonly slotOf = new OpenSlots();
  /** Slots in use. */
  open = 0;

  /** A slot for task `id` with the state of a task before its first event (may replace `hot` and `hotI`: read them again). */
  take(id: number, job: number, index: number, priority: number): number {
    let s = this.free.pop();
    if (s === undefined) {
      s = this.slots++;
      if (this.slots * HOT.f64s > this.hot.length) {
        const next = new Float64Array(2 * this.hot.length);
        next.set(this.hot);
        this.hot = next;
        this.hotI = new Int32Array(next.buffer);
      }
      this.job.push(0);
      this.index.push(0);
      this.priority.push(0);
    }
    const h = this.hot, hi = this.hotI, f = s * HOT.f64s, i = 2 * f;
    h[f + HOT.submit] = Number.NaN;
    h[f + HOT.duration] = 0;
    h[f + HOT.runStart] = Number.NaN;
    h[f + HOT.firstSchedule] = Number.NaN;
    h[f + HOT.cpu] = Number.NaN;
    h[f + HOT.mem] = Number.NaN;
    hi[i + HOT.id] = id;
    hi[i + HOT.sclass] = -1;
    hi[i + HOT.last] = -1;
    this.job.data[s] = job;
    this.index.data[s] = index;
    this.priority.data[s] = priority; // stored as int32, as the table's column stores it
    this.slotOf.set(id, s);
    this.open++;
    return s;
  }

  /** Dense id of slot `s`'s task (−1: free). */
  id(s: number): number {
    return this.hotI[2 * s * HOT.f64s + HOT.id]!;
  }

  release(s: number): void {
    this.slotOf.delete(this.id(s));
    this.hotI[2 * s * HOT.f64s + HOT.id] = -1;
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
    let h = o.hot, hi = o.hotI;
    for (let i = 0; i < n; i++) {
      const id = pairs.id(job[i]!, idx[i]!);
      let s = o.slotOf.get(id);
      // A new task, or a continuation of one spilled before (its summary is folded into the first).
      if (s < 0) {
        s = o.take(id, job[i]!, idx[i]!, pri[i]!);
        h = o.hot;
        hi = o.hotI;
        if (o.open > this.maxOpen) this.maxOpen = o.open;
      }
      const t = traceTime(time[i]!, start);
      if (t !== Number.POSITIVE_INFINITY) {
        if (t !== Math.floor(t) && t === t) throw new NotExactError(`event time ${t} is not an integer`);
        if (t > lastTime) lastTime = t;
      }
      // The column rules of TaskTableBuilder.add, on the open slot's record.
      const f = s * HOT.f64s, w = 2 * f;
      const e = ev[i]!;
      const c = cpuR[i]!;
      if (c === c && h[f + HOT.cpu]! !== h[f + HOT.cpu]!) h[f + HOT.cpu] = c;
      const m = memR[i]!;
      if (m === m && h[f + HOT.mem]! !== h[f + HOT.mem]!) h[f + HOT.mem] = m;
      const k = cls[i]!;
      if (k === k && hi[w + HOT.sclass] === -1) hi[w + HOT.sclass] = k;
      if (h[f + HOT.submit]! !== h[f + HOT.submit]!) h[f + HOT.submit] = t;
      hi[w + HOT.last] = e;
      if (e === 1) {
        const rs = h[f + HOT.runStart]!;
        if (rs === rs) h[f + HOT.duration]! += t - rs;
        h[f + HOT.runStart] = t;
        if (h[f + HOT.firstSchedule]! !== h[f + HOT.firstSchedule]!) h[f + HOT.firstSchedule] = t;
      } else if (e >= 2 && e <= 6) {
        const rs = h[f + HOT.runStart]!;
        if (rs === rs && t !== Number.POSITIVE_INFINITY) {
          h[f + HOT.duration]! += t - rs;
          h[f + HOT.runStart] = Number.NaN;
        }
        // Closed: a terminal event and no run open. Its summary leaves memory.
        if (h[f + HOT.runStart]! !== h[f + HOT.runStart]!) this.spill(s);
      }
    }
    this.lastTime = lastTime;
    this.events += n;
  }

  /** Appends slot s's summary to its bucket's buffer and frees the slot. */
  private spill(s: number): void {
    const o = this.open;
    const id = o.id(s);
    const b = Math.floor(id / this.bucket);
    while (this.buffers.length <= b) this.buffers.push(new BucketBuffer(this.folder.next('spill'), SPILL_TUNING.buffer));
    const buf = this.buffers[b]!;
    if (buf.n === buf.capacity) buf.flush();
    const R = SPILL_RECORD;
    const f = buf.n * R.f64s, w = buf.n * R.i32s;
    const h = o.hot, hi = o.hotI, hf = s * HOT.f64s, hw = 2 * hf;
    buf.f64[f + R.jobId] = o.job.data[s]!;
    buf.f64[f + R.submit] = h[hf + HOT.submit]!;
    buf.f64[f + R.duration] = h[hf + HOT.duration]!;
    buf.f64[f + R.firstSchedule] = h[hf + HOT.firstSchedule]!;
    buf.f64[f + R.cpu] = h[hf + HOT.cpu]!;
    buf.f64[f + R.mem] = h[hf + HOT.mem]!;
    buf.i32[w + R.id] = id;
    buf.i32[w + R.taskIndex] = o.index.data[s]!;
    buf.i32[w + R.priority] = o.priority.data[s]!;
    buf.i32[w + R.sclass] = hi[hw + HOT.sclass]!;
    buf.i32[w + R.last] = hi[hw + HOT.last]!;
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
    for (let s = 0; s < o.slots; s++) {
      if (o.id(s) < 0) continue;
      const f = s * HOT.f64s;
      const rs = o.hot[f + HOT.runStart]!;
      if (rs === rs && end > rs) o.hot[f + HOT.duration]! += end - rs;
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
