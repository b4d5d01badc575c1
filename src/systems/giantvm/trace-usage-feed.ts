/**
 * Trace usage read in time order for one replay part (docs/model.md,
 * "Bounded memory", "task_usage read in time order"). As with synthetic usage
 * (usage-feed.ts), the kernel gets one window slot per task slot
 * (task-slots.ts); the driver (`simulateOn`) stages the tasks arriving up to
 * the current tick and calls {@link TraceUsageFeed.feed} before stepping, and steps
 * at most to the tick it returns: the next tick at which a task arrives or a
 * live task's window ends. The feed then writes into each such task's slot
 * the window the kernel would have found with every window in memory: the
 * first of the task's rows (in file order) whose running maximum of ends is
 * after the tick's time, else its last row (end +∞), exactly as `winAt` walks
 * the whole list of a materialised replay. The feed holds a task's slot
 * until its last window is written; a task the kernel has done is dropped
 * (no later window of it is read) and its rows still to come are skipped.
 *
 * Rows come from the task's early rows (prepare.ts, from the usage index) or
 * from the part files, read with blocking calls in batches only when a task
 * needs a row not read yet; rows read before they are needed wait in a pool
 * (per task a FIFO list), rows of tasks outside the part are dropped. Memory:
 * in JavaScript, 4 bytes a task of the part and, for its tasks with usage
 * rows only, ≈ 36 bytes a task and their (job, index) map; the pool (rows read
 * ahead: about one batch when the files are in time order) and the heap of
 * live tasks.
 *
 * @module
 */
import { FairfitError, plural } from '../../errors.ts';
import { Problems } from '../../io/csv/problems.ts';
import { TaskIds } from '../../io/google/task-ids.ts';
import { usageBatchesSync } from '../../io/google/task-usage.ts';
import type { PreparedReplay, PreparedTraceUsage } from './prepare.ts';
import type { TaskSlots } from './task-slots.ts';

type Batch = ReturnType<typeof usageBatchesSync> extends Generator<infer B> ? B : never;

/** Rows read ahead of need, by task: a pool of row records with per-task FIFO lists and a free list. */
class RowPool {
  next = new Int32Array(1024);
  end = new Float64Array(1024);
  cpu = new Float64Array(1024);
  mem = new Float64Array(1024);
  maxCpu = new Float64Array(1024);
  mai = new Float64Array(1024);
  private free = -1;
  private used = 0;
  /** Records in use now, and at most. */
  live = 0;
  peak = 0;

  alloc(): number {
    let r = this.free;
    if (r >= 0) this.free = this.next[r]!;
    else {
      if (this.used === this.next.length) this.grow();
      r = this.used++;
    }
    if (++this.live > this.peak) this.peak = this.live;
    return r;
  }

  release(r: number): void {
    this.next[r] = this.free;
    this.free = r;
    this.live--;
  }

  private grow(): void {
    const n = this.next.length * 2;
    const g = <T extends Int32Array | Float64Array>(a: T): T => { const b = new (a.constructor as new (n: number) => T)(n); b.set(a); return b; };
    this.next = g(this.next); this.end = g(this.end); this.cpu = g(this.cpu); this.mem = g(this.mem); this.maxCpu = g(this.maxCpu); this.mai = g(this.mai);
  }
}

/** A binary min-heap of (tick, task): the live tasks by the tick their window ends. */
class TickHeap {
  private tick = new Int32Array(256);
  private task = new Int32Array(256);
  size = 0;

  push(k: number, x: number): void {
    if (this.size === this.tick.length) {
      const t = new Int32Array(this.size * 2), u = new Int32Array(this.size * 2);
      t.set(this.tick); u.set(this.task);
      this.tick = t; this.task = u;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.tick[p]! <= k) break;
      this.tick[i] = this.tick[p]!; this.task[i] = this.task[p]!;
      i = p;
    }
    this.tick[i] = k; this.task[i] = x;
  }

  /** Smallest tick (+∞ when empty). */
  top(): number {
    return this.size > 0 ? this.tick[0]! : Infinity;
  }

  /** Removes the top; returns its task. */
  pop(): number {
    const x = this.task[0]!;
    const n = --this.size;
    const k = this.tick[n]!, y = this.task[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.tick[c + 1]! < this.tick[c]!) c++;
      if (this.tick[c]! >= k) break;
      this.tick[i] = this.tick[c]!; this.task[i] = this.task[c]!;
      i = c;
    }
    this.tick[i] = k; this.task[i] = y;
    return x;
  }
}

/** Per-part state of trace usage read in time order: see the module comment. */
export class TraceUsageFeed {
  private readonly slots: TaskSlots;
  private readonly start: number;
  private readonly tickUs: number;
  private readonly ticks: number;
  private readonly u: PreparedTraceUsage;
  private readonly pick: Int32Array | undefined;
  private readonly submitTick: Int32Array;
  private readonly n: number;
  /**
   * Only the local tasks with usage rows have rows to read — few of a part's tasks where few were
   * measured (120 of 190,926 in the 2011 sample) — so the per-task state below is theirs alone,
   * by *measured index* c: `measured[x]` is c + 1 for local task x (0: no rows), `taskOf[c]` is x.
   * (Columns of every local task, and a map of every pair, made per replay part, cost a 96-run
   * sweep a fifth of its time.)
   */
  private readonly measured: Int32Array;
  private readonly taskOf: Int32Array;
  /** (job ID, task index) of each measured task: its dense id is its measured index. */
  private readonly local: TaskIds;
  /** Per measured task: rows, current row (-1: not joined), rows seen in the files, running maximum of ends, read-ahead list. */
  private readonly rows: Int32Array;
  private readonly cur: Int32Array;
  private readonly seen: Int32Array;
  private readonly reach: Float64Array;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private readonly pool = new RowPool();
  private readonly heap = new TickHeap();
  private readonly batches: Generator<Batch>;
  private nextJoin = 0;
  /** Rows read from the files, and those dropped (tasks outside the part). */
  read = 0;
  dropped = 0;

  /**
   * `n` tasks of the part: `pick[x]` of the prepared ones (all when undefined);
   * `slots` (trace mode) stages them and gives each its slot (`slotOf`) as it
   * arrives; a task without usage rows has its request window from staging.
   * `batchRows`: rows per read (default 65,536).
   */
  constructor(prepared: PreparedReplay, u: PreparedTraceUsage, pick: Int32Array | undefined, n: number, slots: TaskSlots, opts: { batchRows?: number } = {}) {
    this.slots = slots;
    this.start = prepared.start;
    this.tickUs = prepared.tick;
    this.ticks = prepared.ticks;
    this.u = u;
    this.pick = pick;
    this.n = n;
    this.submitTick = prepared.tasks.submitTick;
    this.measured = new Int32Array(n);
    let m = 0;
    for (let x = 0; x < n; x++) if (u.rows[this.j(x)]! > 0) this.measured[x] = ++m;
    this.taskOf = new Int32Array(m);
    this.rows = new Int32Array(m);
    this.cur = new Int32Array(m).fill(-1);
    this.seen = new Int32Array(m);
    this.reach = new Float64Array(m);
    this.head = new Int32Array(m).fill(-1);
    this.tail = new Int32Array(m).fill(-1);
    // Sized up front: grown from a small table, the map rehashed its keys once a doubling.
    this.local = new TaskIds(m);
    for (let x = 0; x < n; x++) {
      const c = this.measured[x]! - 1;
      if (c < 0) continue;
      const j = this.j(x);
      this.taskOf[c] = x;
      this.rows[c] = u.rows[j]!;
      // A task is one (job, index) pair (the reader's task ids), so ids come in measured order.
      if (this.local.intern(u.jobId[j]!, u.taskIndex[j]!) !== c) throw new FairfitError('CORRUPT_INPUT', `task_usage: task (job ${u.jobId[j]}, index ${u.taskIndex[j]}) appears twice among a part's tasks`, { field: 'trace' });
    }
    // Re-reported problems of the files were counted when the trace was read.
    this.batches = usageBatchesSync(u.files, new Problems(false), opts.batchRows ? { batchRows: opts.batchRows } : {});
  }

  /** Stops reading (ends the reader's helper thread); the feed is not used after. */
  close(): void {
    this.batches.return(undefined);
  }

  /** Rows held read ahead at most. */
  get peakPooled(): number {
    return this.pool.peak;
  }

  private j(x: number): number {
    return this.pick ? this.pick[x]! : x;
  }


  /** First tick whose time (start + k·tick, as the kernel computes it) is ≥ `t`. */
  private tickAt(t: number): number {
    let k = Math.max(0, Math.ceil((t - this.start) / this.tickUs));
    while (k > 0 && this.start + (k - 1) * this.tickUs >= t) k--;
    while (this.start + k * this.tickUs < t) k++;
    return k;
  }

  /**
   * Makes the slots right for the ticks from `k` on (`k` = 0 or a tick this
   * returned earlier, increasing) and returns the next tick at which one
   * changes: the caller steps the kernel at most up to it.
   */
  feed(k: number): number {
    const n = this.n;
    const t = this.start + k * this.tickUs;
    const win = this.slots.views().win;
    while (this.nextJoin < n && this.submitTick[this.j(this.nextJoin)]! <= k) {
      const c = this.measured[this.nextJoin++]! - 1;
      if (c >= 0) this.advance(c, t, win);
    }
    while (this.heap.top() <= k) {
      const c = this.heap.pop();
      if (this.slots.isDone(this.slotOf(c))) this.drop(c);
      else this.advance(c, t, win);
    }
    const arrival = this.nextJoin < n ? this.submitTick[this.j(this.nextJoin)]! : Infinity;
    return Math.min(arrival, this.heap.top(), this.ticks);
  }

  /** The slot of measured task m. */
  private slotOf(m: number): number {
    return this.slots.slotOf![this.taskOf[m]!]!;
  }

  /** Measured task m is done: no later window of it is read. Its rows read ahead go back to the pool, those to come are skipped, its slot is let go. */
  private drop(m: number): void {
    const p = this.pool;
    for (let r = this.head[m]!; r >= 0;) { const nx = p.next[r]!; p.release(r); r = nx; }
    this.head[m] = this.tail[m] = -1;
    this.cur[m] = this.rows[m]!; // readBatch skips rows at or before the current one
    this.slots.unhold(this.slotOf(m));
  }

  /** Moves measured task m to its window at time t, writes its slot, and schedules its next change. */
  private advance(m: number, t: number, win: ReturnType<TaskSlots['views']>['win']): void {
    const last = this.rows[m]! - 1;
    let c = this.cur[m]!;
    let reach = this.reach[m]!;
    let row = -1;
    if (c < 0) { row = this.take(m, 0); c = 0; reach = this.pool.end[row]!; }
    while (c < last && reach <= t) {
      if (row >= 0) this.pool.release(row);
      row = this.take(m, ++c);
      reach = Math.max(reach, this.pool.end[row]!);
    }
    this.cur[m] = c;
    this.reach[m] = reach;
    const s = this.slotOf(m);
    if (row >= 0) {
      const p = this.pool;
      const mx = p.maxCpu[row]!;
      win.set(s, c === last ? Infinity : reach, p.cpu[row]!, p.mem[row]!, Number.isNaN(mx) ? p.cpu[row]! : mx, p.mai[row]!);
      p.release(row);
    }
    const k = c < last ? this.tickAt(reach) : this.ticks;
    if (k < this.ticks) this.heap.push(k, m);
    else this.slots.unhold(s); // no later window: the slot is the kernel's alone
  }

  /** Row `i` of measured task m in a pool record (the caller releases it): an early row, else the next row read for it. */
  private take(m: number, i: number): number {
    const u = this.u, j = this.j(this.taskOf[m]!), p = this.pool;
    for (let e = u.earlyFirst[j]!; e < u.earlyFirst[j + 1]!; e++) {
      if (u.earlyIndex[e]! !== i) continue;
      const r = p.alloc();
      p.end[r] = u.earlyEnd[e]!; p.cpu[r] = u.earlyCpu[e]!; p.mem[r] = u.earlyMem[e]!; p.maxCpu[r] = u.earlyMaxCpu[e]!; p.mai[r] = u.earlyMai[e]!;
      return r;
    }
    while (this.head[m]! < 0) this.readBatch(j, i);
    const r = this.head[m]!;
    this.head[m] = p.next[r]!;
    if (this.head[m]! < 0) this.tail[m] = -1;
    return r;
  }

  /** Reads the next batch of rows into the lists of their tasks (early rows, already known, are skipped); `j`, `i`: the prepared task and row wanted. */
  private readBatch(j: number, i: number): void {
    const it = this.batches.next();
    if (it.done) {
      throw new FairfitError('CORRUPT_INPUT', `task_usage: row ${i} of task (job ${this.u.jobId[j]}, index ${this.u.taskIndex[j]}) was not found on reading the files again (${plural(this.u.files.length, 'file')}): they changed after the trace was read`, { file: this.u.files[0] });
    }
    const b = it.value;
    const u = this.u, p = this.pool;
    this.read += b.rows;
    for (let r = 0; r < b.rows; r++) {
      const y = this.local.get(b.jobId[r]!, b.taskIndex[r]!);
      if (y < 0) { this.dropped++; continue; }
      const s = this.seen[y]!++;
      const j = this.j(this.taskOf[y]!);
      let early = false;
      for (let e = u.earlyFirst[j]!; e < u.earlyFirst[j + 1]!; e++) if (u.earlyIndex[e]! === s) { early = true; break; }
      if (early || s <= this.cur[y]!) continue;
      const q = p.alloc();
      p.end[q] = b.end[r]!; p.cpu[q] = b.cpu[r]!; p.mem[q] = b.mem[r]!; p.maxCpu[q] = b.maxCpu[r]!; p.mai[q] = b.mai[r]!;
      p.next[q] = -1;
      if (this.tail[y]! < 0) this.head[y] = q; else p.next[this.tail[y]!] = q;
      this.tail[y] = q;
    }
  }
}
