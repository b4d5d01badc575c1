/**
 * Turns a {@link ReplayInput} and {@link ReplayParams} into the columns the
 * replay kernel consumes (docs/model.md): machines (M identical, or the machines of
 * `machine_events`), one seeded machine draw per task, per-task usage windows
 * (mode + fall-back), and tasks sorted by arrival tick. Everything random is
 * drawn here, once, so that simulating any range of cells sees exactly what a
 * full run sees.
 *
 * @module
 */
import { FairfitError, shown } from '../../errors.ts';
import { column, dim, tableCount } from '../../model/table-checks.ts';
import type { ReplayInput, TaskBuckets, TaskTable, UsageIndex, UsageTable } from '../../model/tasks.ts';
import { withScratch } from '../../wasm/module.ts';
import { taskKey, windowSpan, WINDOW_US } from '../../io/synthetic-usage.ts';
import { checkMachineCount, defaultParams, MAX_TICKS, type ResolvedParams } from './replay-params.ts';
import { MACHINE_EVENT } from './replay-layouts.ts';
import { RNG_STATE } from '../../kernels/kernel-layouts.ts';
import { POLICIES, type PolicyName, type ReplayParams, type TaskSelection } from './types.ts';
import { ARRIVAL_TUNING, ArrivalWriter, newArrivalBlock, type ArrivalBlock, type ArrivalFile } from './arrival-file.ts';

/** Cells `[first, first + count)`. */
export interface CellRange {
  first: number;
  count: number;
}

/** The trace capacity the `capacity` parameter stands for in `machines: 'trace'` (the most common machine). */
export const TRACE_REFERENCE_CPU = 0.5;

/** Per-task columns, tasks sorted by (arrival tick, task id). */
export interface PreparedTasks {
  /** Dense task id in the input {@link TaskTable}. */
  id: Int32Array;
  /** Machine the task was submitted to (seeded uniform draw). */
  machine: Int32Array;
  submitTick: Int32Array;
  /** Effective submit time, µs (time-0 rows: the trace start). */
  submitUs: Float64Array;
  /** Work at full speed, µs (+Infinity: never finishes). */
  work: Float64Array;
  /** CPU request. */
  req: Float64Array;
  priority: Int32Array;
  /** Usage windows of the task: [winB, winE) in {@link PreparedWindows} (empty columns with `usage: 'synthetic'`). */
  winB: Int32Array;
  winE: Int32Array;
}

/**
 * Usage windows of all tasks (each task has ≥ 1). The window of time t is the
 * first whose end is after t, else the last (whose end is +∞). Empty with
 * `usage: 'synthetic'`: the replay gives each task one window slot, its
 * request window or the current synthetic window ({@link PreparedSynthetic}).
 */
export interface PreparedWindows {
  end: Float64Array;
  cpu: Float64Array;
  mem: Float64Array;
  maxCpu: Float64Array;
  mai: Float64Array;
}

/**
 * Synthetic usage drawn on demand (`usage: 'synthetic'`): per arriving task,
 * in the order of {@link PreparedTasks}, what `syntheticUsage` needs to draw
 * its windows — not the windows (docs/model.md, "Bounded memory"). The CPU
 * request is `PreparedTasks.req`.
 */
export interface PreparedSynthetic {
  /** Window length, µs. */
  windowUs: number;
  /** Task key (`taskKey(seed, jobId, taskIndex)`), the bits of a u32. */
  key: Int32Array;
  /** Index of the task's first window (windows aligned to start + k·windowUs). */
  k0: Int32Array;
  /** Number of windows; 0: none (the task uses its request window). */
  count: Int32Array;
  /** Memory request (NaN: 0, for a task without windows). */
  mem: Float64Array;
}

/**
 * Trace usage read in time order (`usage: 'trace'` on a trace read with a
 * {@link UsageIndex}): per arriving task, in the order of {@link PreparedTasks},
 * what the replay needs to take its rows from the files as it advances
 * (src/systems/giantvm/trace-usage-feed.ts) — not the rows (docs/model.md,
 * "Bounded memory"). Early rows (the first one of a task, and rows after a gap)
 * are here; the others are read from `files`.
 */
export interface PreparedTraceUsage {
  files: string[];
  /** Job ID and task index, to join the rows read to the tasks. */
  jobId: Float64Array;
  taskIndex: Int32Array;
  /** Usage rows of the task (0: it uses its request window). */
  rows: Int32Array;
  /** Memory request (NaN: 0), for the request window. */
  mem: Float64Array;
  /** Early rows of task j: `[earlyFirst[j], earlyFirst[j + 1])` of the columns below (`earlyIndex`: the row's index among the task's rows). */
  earlyFirst: Int32Array;
  earlyIndex: Int32Array;
  earlyEnd: Float64Array;
  earlyCpu: Float64Array;
  earlyMem: Float64Array;
  earlyMaxCpu: Float64Array;
  earlyMai: Float64Array;
}

/** Machine events, sorted by tick (types: `MACHINE_EVENT` codes of `./replay-layouts.ts`; cap NaN = keep). */
export interface PreparedEvents {
  tick: Int32Array;
  machine: Int32Array;
  type: Int32Array;
  cap: Float64Array;
}

/** Everything one replay needs; structured-clonable (typed arrays and plain data only). */
export interface PreparedReplay {
  params: ResolvedParams;
  start: number;
  end: number;
  tick: number;
  ticks: number;
  /** Ticks per series point (a multiple of `interval`). */
  sampleEvery: number;
  points: number;
  machines: number;
  cellSize: number;
  cells: number;
  tasks: PreparedTasks;
  windows: PreparedWindows;
  /** Per-task data of synthetic usage drawn on demand (`usage: 'synthetic'` only). */
  synthetic?: PreparedSynthetic;
  /** Per-task data of trace usage read in time order (`usage: 'trace'` with a {@link UsageIndex} input only). */
  traceUsage?: PreparedTraceUsage;
  /**
   * The tasks are in this arrival file, not in `tasks` / `synthetic` (whose columns are then
   * empty): a preparation made with `arrivalFile` (usage 'synthetic' or 'request').
   */
  arrivals?: ArrivalFile;
  /** Initial capacity and up state of each machine. */
  machineCap: Float64Array;
  machineUp: Int32Array;
  events: PreparedEvents;
  /** Modes and counts: what was resolved, what fell back, what was left out (and why). */
  info: Record<string, number | string>;
  /**
   * Whether a part keeps its per-point sums (the series, and the Gini 'series-mean'); false only
   * through {@link withoutSeries}: then parts carry empty point arrays and the run `series: {}`.
   */
  keepPoints?: boolean;
}

/**
 * Where the preparation's columns are made: plain arrays, or — for a preparation made to be
 * handed to worker threads — SharedArrayBuffer-backed ones, written in place (never a plain
 * copy and a shared copy at once: for 25 M tasks that was 1.5 GB twice at the run's peak).
 * Set only for the duration of one `prepareResolved` call (synchronous).
 */
let inShared = false;
function f64(n: number): Float64Array {
  return inShared ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n);
}
function i32(n: number): Int32Array {
  return inShared ? new Int32Array(new SharedArrayBuffer(n * 4)) : new Int32Array(n);
}


/** The task columns a replay reads (every one present, of the table's length), and those it reads when present. */
const TASK_COLUMNS = ['jobId', 'taskIndex', 'submit', 'duration', 'cpuRequest', 'memRequest', 'priority'] as const;
const TASK_OPTIONAL_COLUMNS = ['schedulingClass', 'user', 'runs', 'lastEvent', 'firstSchedule'] as const;

/** Checks a task table; `base`: the dense id of its first row (a bucket of a spilled table), for the messages. */
function checkTasks(t: TaskTable, base = 0): void {
  const count = tableCount(t, 'tasks');
  for (const f of TASK_COLUMNS) column(t, 'tasks', f, count);
  for (const f of TASK_OPTIONAL_COLUMNS) column(t, 'tasks', f, count, true);
  const last = t.lastEvent;
  for (let i = 0; i < t.count; i++) {
    // Event types 0–8, or −1 (none seen, as the Google reader starts a task): the selections and censoring compare them.
    if (last) {
      const e = last[i]!;
      if (!(Number.isInteger(e) && e >= -1 && e <= 8)) throw new FairfitError('INVALID_OPTION', `tasks.lastEvent[${base + i}] must be an event type 0–8 (or −1: none), got ${shown(e)}`, { field: 'tasks.lastEvent', index: base + i });
    }
    const d = t.duration[i]!;
    if (d < 0) throw new FairfitError('NEGATIVE_VALUE', `tasks.duration[${base + i}] must be ≥ 0, got ${d}`, { field: 'tasks.duration', index: base + i });
    const c = t.cpuRequest[i]!;
    if (c < 0 || c === Infinity) throw new FairfitError(c < 0 ? 'NEGATIVE_VALUE' : 'NOT_FINITE', `tasks.cpuRequest[${base + i}] must be finite and ≥ 0, got ${c}`, { field: 'tasks.cpuRequest', index: base + i });
    const m = t.memRequest[i]!;
    if (m < 0 || m === Infinity) throw new FairfitError(m < 0 ? 'NEGATIVE_VALUE' : 'NOT_FINITE', `tasks.memRequest[${base + i}] must be finite and ≥ 0, got ${m}`, { field: 'tasks.memRequest', index: base + i });
  }
}

function checkUsage(u: UsageTable, tasks: number): void {
  const count = tableCount(u, 'usage');
  for (const f of ['task', 'start', 'end', 'cpu', 'mem', 'maxCpu', 'mai'] as const) column(u, 'usage', f, count);
  const { task, cpu, mem, end } = u;
  for (let i = 0; i < u.count; i++) {
    const k = task[i]!, c = cpu[i]!, m = mem[i]!;
    // One cheap test per row; the slow path only names the culprit.
    if (k >= 0 && k < tasks && c >= 0 && c < Infinity && m >= 0 && m < Infinity && end[i] === end[i]) continue;
    if (!(k >= 0 && k < tasks)) throw new FairfitError('INDEX_OUT_OF_RANGE', `usage.task[${i}] = ${k} is not a task id (0..${tasks - 1})`, { field: 'usage.task', index: i });
    for (const [f, v] of [['cpu', c], ['mem', m]] as const) {
      if (!Number.isFinite(v)) throw new FairfitError('NOT_FINITE', `usage.${f}[${i}] must be finite, got ${v}`, { field: `usage.${f}`, index: i });
      if (v < 0) throw new FairfitError('NEGATIVE_VALUE', `usage.${f}[${i}] must be ≥ 0, got ${v}`, { field: `usage.${f}`, index: i });
    }
    throw new FairfitError('NOT_FINITE', `usage.end[${i}] must be a number, got NaN`, { field: 'usage.end', index: i });
  }
}

/** Window lists per task from a usage table (stable by start), or undefined for tasks without any. */
function windowsByTask(u: UsageTable, tasks: number): { first: Int32Array; order: Int32Array } {
  const count = i32(tasks + 1);
  for (let i = 0; i < u.count; i++) count[u.task[i]! + 1]!++;
  for (let k = 0; k < tasks; k++) count[k + 1]! += count[k]!;
  const order = i32(u.count);
  const at = count.slice(0, tasks);
  for (let i = 0; i < u.count; i++) order[at[u.task[i]!]!++] = i;
  // Within a task, order by start (stable): usually already sorted, so insertion sort is linear.
  for (let k = 0; k < tasks; k++) {
    for (let i = count[k]! + 1; i < count[k + 1]!; i++) {
      const x = order[i]!;
      let j = i - 1;
      while (j >= count[k]! && u.start[order[j]!]! > u.start[x]!) { order[j + 1] = order[j]!; j--; }
      order[j + 1] = x;
    }
  }
  return { first: count, order };
}

// The long loops of a preparation are small top-level functions with one loop
// each: in one big function V8 compiled each loop on its own (on-stack
// replacement) and then threw the code away on reaching code that had not run
// yet, several times per preparation, in every worker.

/**
 * One machine draw per task, in task order: `Rng(seed).below(machines)` each.
 * The uniforms come from the WebAssembly twin of `Rng` (`rngFill`, then
 * `rngFillNext`: bit for bit the same sequence), a million per call;
 * `below` is `floor(next · n)`.
 */
function drawMachines(seed: number, count: number, machines: number, draw: Int32Array): Int32Array {
  return new MachineDraws(seed, machines).next(count, draw);
}

/**
 * The machine draws of consecutive tasks, a call at a time: the stream of `Rng(seed)` continued
 * across calls (its state kept here between them), so tasks drawn in buckets get the draws of one call.
 */
class MachineDraws {
  /** The generator's state after the last call (undefined: nothing drawn yet). */
  private state: Uint8Array | undefined;
  constructor(private readonly seed: number, private readonly machines: number) {}

  /** The draws of the next `count` tasks into `draw` (from index 0). */
  next(count: number, draw: Int32Array): Int32Array {
    withScratch((core) => {
      // In chunks: the scratch instance's memory never shrinks (25 M draws at once would keep 200 MB), and
      // what a chunk touches stays resident for the rest of the process: 2^16 draws are 512 KiB.
      const chunk = Math.max(1, Math.min(count, PREPARE_TUNING.drawChunk));
      const state = core.alloc(RNG_STATE.size), out = core.alloc(chunk * 8);
      if (this.state) core.u8(state, RNG_STATE.size).set(this.state);
      for (let at = 0; at < count; at += chunk) {
        const k = Math.min(chunk, count - at);
        if (this.state === undefined && at === 0) core.exports.rngFill(this.seed >>> 0, k, state, out);
        else core.exports.rngFillNext(k, state, out);
        floorScaled(core.f64(out, k), this.machines, draw.subarray(at, at + k));
      }
      if (count > 0) this.state = core.u8(state, RNG_STATE.size).slice();
    });
    return draw;
  }
}

/** Machine draws per call into the scratch instance (tests set it low to cross chunks). */
export const PREPARE_TUNING = { drawChunk: 1 << 16 };

function floorScaled(u: Float64Array, n: number, out: Int32Array): void {
  for (let i = 0; i < u.length; i++) out[i] = Math.floor(u[i]! * n);
}

/** Is the last trace event a terminal one (EVICT, FAIL, FINISH, KILL, LOST)? */
function terminal(lastEvent: number): boolean {
  return lastEvent >= 2 && lastEvent <= 6;
}

/** The Google 2011 FINISH event type (a run that completed normally). */
const FINISH = 4;

/** `INVALID_OPTION` on `tasks`: 'finished' asked of an input without last events (here, and before any run: trace.ts). */
export function noLastEvents(): FairfitError {
  return new FairfitError('INVALID_OPTION', "tasks: 'finished' needs each task's last trace event (tasks.lastEvent, which the Google 2011 and SWF readers give), and this input has none", { field: 'tasks' });
}

/** Counts of {@link arrivalTicks}: tasks that arrive, and why the others do not. */
interface ArrivalCounts { afterEnd: number; noSubmit: number; notEnded: number; notFinished: number; atEnd: number; n: number }

/**
 * Arrival tick of each task into `tickOf` (-1: does not arrive in [start, end)), and the counts.
 * `boundary`: a task arrives at the first tick starting at or after its submit (else the tick
 * containing it). `select` (`ReplayParams.tasks`): under 'ended' and 'finished', tasks whose run does
 * not end inside the window (no finite run time, or a non-terminal last event) do not take part
 * (`notEnded`); under 'finished', nor do those whose run ended other than by FINISH (`notFinished`).
 * @throws FairfitError `INVALID_OPTION` under 'finished' when the table has no `lastEvent` column.
 */
function arrivalTicks(tasks: TaskTable, start: number, end: number, tick: number, ticks: number, boundary: boolean, select: TaskSelection, tickOf: Int32Array): ArrivalCounts {
  const { submit, duration, count } = tasks;
  const lastEvent = (tasks as { lastEvent?: Int32Array }).lastEvent;
  if (select === 'finished' && lastEvent === undefined) throw noLastEvents();
  const endedOnly = select !== 'all', finishedOnly = select === 'finished';
  let afterEnd = 0, noSubmit = 0, notEnded = 0, notFinished = 0, atEnd = 0, n = 0;
  for (let i = 0; i < count; i++) {
    const s = submit[i]!;
    tickOf[i] = -1;
    if (Number.isNaN(s)) { noSubmit++; continue; }
    if (s >= end) { afterEnd++; continue; }
    if (endedOnly && (!Number.isFinite(duration[i]!) || (lastEvent !== undefined && !terminal(lastEvent[i]!)))) { notEnded++; continue; }
    if (finishedOnly && lastEvent![i] !== FINISH) { notFinished++; continue; }
    const k = s <= start ? 0 : boundary ? Math.ceil((s - start) / tick) : Math.floor((s - start) / tick);
    if (k >= ticks) { atEnd++; continue; }
    tickOf[i] = k;
    n++;
  }
  return { afterEnd, noSubmit, notEnded, notFinished, atEnd, n };
}

/**
 * Arriving tasks sorted by tick; a counting sort keeps task order within a tick. `end[t]`: the end
 * of tick t's tasks in `sorted` (they are at [end[t − 1], end[t])), so `tickOf` can be written over afterwards.
 */
function sortByTick(tickOf: Int32Array, count: number, ticks: number, n: number): { sorted: Int32Array; end: Int32Array } {
  const perTick = new Int32Array(ticks + 1);
  for (let i = 0; i < count; i++) if (tickOf[i]! >= 0) perTick[tickOf[i]! + 1]!++;
  for (let k = 0; k < ticks; k++) perTick[k + 1]! += perTick[k]!;
  const sorted = i32(n);
  for (let i = 0; i < count; i++) if (tickOf[i]! >= 0) sorted[perTick[tickOf[i]!]!++] = i;
  return { sorted, end: perTick };
}

/** Arrival ticks of sorted tasks [j0, j1) into `out` from index 0 (`end` of {@link sortByTick}). */
function ticksOfSorted(end: Int32Array, ticks: number, j0: number, j1: number, out: Int32Array): void {
  let lo = 0, hi = ticks - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (end[mid]! > j0) hi = mid; else lo = mid + 1; }
  for (let j = j0, t = lo; j < j1; j++) { while (end[t]! <= j) t++; out[j - j0] = t; }
}

/** Windows the `n` sorted tasks need: their own, or one fall-back window each. */
function windowCount(sorted: Int32Array, n: number, first: Int32Array): number {
  let nw = 0;
  for (let j = 0; j < n; j++) {
    const i = sorted[j]!;
    const w = first[i + 1]! - first[i]!;
    nw += w > 0 ? w : 1;
  }
  return nw;
}

/** Copies one task's usage rows `order[b..e)` into windows from `at`; returns the next free window. */
function copyWindows(table: UsageTable, order: Int32Array, b: number, e: number, win: PreparedWindows, at: number): number {
  let prevEnd = -Infinity;
  for (let x = b; x < e; x++) {
    const r = order[x]!;
    // Ends made non-decreasing so "first window ending after t" is well defined with a cursor.
    prevEnd = Math.max(prevEnd, table.end[r]!);
    win.end[at] = prevEnd;
    win.cpu[at] = table.cpu[r]!;
    win.mem[at] = table.mem[r]!;
    const mx = table.maxCpu[r]!;
    win.maxCpu[at] = Number.isNaN(mx) ? table.cpu[r]! : mx;
    win.mai[at] = table.mai[r]!;
    at++;
  }
  // The last window lasts for ever: the kernel takes the next usage change from window ends.
  if (at > 0 && e > b) win.end[at - 1] = Infinity;
  return at;
}

/** The one window of a task without usage rows: its request. */
export function requestWindow(win: PreparedWindows, at: number, req: number, mem: number, usageRatio: number): void {
  win.end[at] = Infinity;
  win.cpu[at] = req * usageRatio;
  win.mem[at] = mem;
  win.maxCpu[at] = req;
  win.mai[at] = Number.NaN;
}

/**
 * Synthetic windows of every input task counted (`info.usageWindows`), without
 * drawing them. A task with windows and a NaN request would get NaN usage:
 * rejected, as the usage check rejects a NaN usage row.
 */
function countSynthetic(tasks: TaskTable, start: number, end: number, base = 0): number {
  const span = i32(2);
  let total = 0;
  for (let i = 0; i < tasks.count; i++) {
    windowSpan(tasks, i, start, end, WINDOW_US, span);
    if (span[1]! === 0) continue;
    total += span[1]!;
    for (const f of ['cpuRequest', 'memRequest'] as const) {
      if (Number.isNaN(tasks[f][i]!)) throw new FairfitError('NOT_FINITE', `tasks.${f}[${base + i}] is NaN: usage 'synthetic' needs the requests of a task that runs`, { field: `tasks.${f}`, index: base + i });
    }
  }
  return total;
}

/** Per-task synthetic data of the `n` sorted tasks. */
function fillSynthetic(tasks: TaskTable, sorted: Int32Array, n: number, seed: number, start: number, end: number): PreparedSynthetic {
  const syn: PreparedSynthetic = { windowUs: WINDOW_US, key: i32(n), k0: i32(n), count: i32(n), mem: f64(n) };
  fillSyntheticRange(tasks, sorted, 0, n, seed, start, end, syn);
  return syn;
}

/** Synthetic data of sorted tasks [j0, j1) into `syn` from index 0. */
function fillSyntheticRange(tasks: TaskTable, sorted: Int32Array, j0: number, j1: number, seed: number, start: number, end: number, syn: Pick<PreparedSynthetic, 'key' | 'k0' | 'count' | 'mem'>): void {
  const span = new Int32Array(2);
  for (let j = j0; j < j1; j++) {
    const i = sorted[j]!, o = j - j0;
    windowSpan(tasks, i, start, end, WINDOW_US, span);
    syn.k0[o] = span[0]!;
    syn.count[o] = span[1]!;
    const mem = tasks.memRequest[i]!;
    syn.mem[o] = Number.isNaN(mem) ? 0 : mem;
    syn.key[o] = span[1]! > 0 ? taskKey(seed, tasks.jobId[i]!, tasks.taskIndex[i]!) : 0;
  }
}

/** The checks of {@link checkUsage} for usage read in time order: made while indexing, thrown here (trace usage only). */
function checkIndex(index: UsageIndex, tasks: number): void {
  dim('usageIndex.rows', index.rows.length, tasks);
  const q = index.problem;
  if (q) throw new FairfitError(q.code, q.message, { field: q.field, file: q.file, line: q.line });
}

/** Per-task data of the `n` sorted tasks for usage read in time order. */
function fillTraceUsage(tasks: TaskTable, sorted: Int32Array, n: number, index: UsageIndex): PreparedTraceUsage {
  const e = index.early;
  const earlyFirst = i32(n + 1);
  for (let j = 0; j < n; j++) { const i = sorted[j]!; earlyFirst[j + 1] = earlyFirst[j]! + e.first[i + 1]! - e.first[i]!; }
  const ne = earlyFirst[n]!;
  const u: PreparedTraceUsage = {
    files: [...index.files], jobId: f64(n), taskIndex: i32(n), rows: i32(n), mem: f64(n), earlyFirst,
    earlyIndex: i32(ne), earlyEnd: f64(ne), earlyCpu: f64(ne), earlyMem: f64(ne), earlyMaxCpu: f64(ne), earlyMai: f64(ne),
  };
  for (let j = 0; j < n; j++) {
    const i = sorted[j]!;
    u.jobId[j] = tasks.jobId[i]!;
    u.taskIndex[j] = tasks.taskIndex[i]!;
    u.rows[j] = index.rows[i]!;
    const mem = tasks.memRequest[i]!;
    u.mem[j] = Number.isNaN(mem) ? 0 : mem;
    for (let a = e.first[i]!, b = earlyFirst[j]!; a < e.first[i + 1]!; a++, b++) {
      u.earlyIndex[b] = e.index[a]!; u.earlyEnd[b] = e.end[a]!; u.earlyCpu[b] = e.cpu[a]!; u.earlyMem[b] = e.mem[a]!; u.earlyMaxCpu[b] = e.maxCpu[a]!; u.earlyMai[b] = e.mai[a]!;
    }
  }
  return u;
}

/** Counts of {@link fillTasks}. */
interface FillCounts { censored: number; withWindows: number; fallback: number; reqMissing: number }

/**
 * Fills the task columns (but the submit tick: {@link ticksOfSorted}) and windows of sorted tasks [j0, j1), in arrival order, from index 0 of
 * `out` (and of `syn`, the same range's synthetic data). `noWindows`: an arrival file's block (the
 * slots make each task's request window).
 */
function fillTasks(tasks: TaskTable, sorted: Int32Array, j0: number, j1: number, draw: Int32Array, start: number, lastEvent: Int32Array | undefined,
  byTask: { first: Int32Array; order: Int32Array } | undefined, table: UsageTable | undefined, p: ResolvedParams, out: Omit<PreparedTasks, 'id' | 'winB' | 'winE'> & Partial<PreparedTasks>, win: PreparedWindows,
  syn: Pick<PreparedSynthetic, 'count'> | undefined, streamRows: Int32Array | undefined, noWindows = false): FillCounts {
  // Synthetic usage and usage read in time order: one window slot per task, filled by the replay.
  const slots = noWindows || syn !== undefined || streamRows !== undefined;
  let at = 0, withWindows = 0, fallback = 0, reqMissing = 0, censored = 0;
  for (let j = j0; j < j1; j++) {
    const i = sorted[j]!, o = j - j0;
    const s = tasks.submit[i]!;
    const sub = s <= start ? start : s;
    let work = tasks.duration[i]!;
    if (Number.isNaN(work)) work = Infinity;
    // A task whose last trace event is not terminal (EVICT…LOST) was still pending or running
    // when the window ended: its run time is censored, so it never finishes in the replay.
    if (lastEvent && !terminal(lastEvent[i]!)) { work = Infinity; censored++; }
    let req = tasks.cpuRequest[i]!;
    if (Number.isNaN(req)) { req = 0; reqMissing++; }
    let mem = tasks.memRequest[i]!;
    if (Number.isNaN(mem)) mem = 0;
    out.machine[o] = draw[i]!;
    out.submitUs[o] = sub;
    out.work[o] = work;
    out.req[o] = req;
    out.priority[o] = tasks.priority[i]!;
    if (!slots) out.winB![o] = at;
    const w = byTask ? byTask.first[i + 1]! - byTask.first[i]! : syn ? syn.count[o]! : streamRows ? streamRows[i]! : 0;
    if (w > 0 && table) {
      withWindows++;
      at = copyWindows(table, byTask!.order, byTask!.first[i]!, byTask!.first[i + 1]!, win, at);
    } else if (w > 0) {
      withWindows++; // synthetic: the replay draws its windows; streamed: it reads them
    } else {
      if (p.usage !== 'request') fallback++;
      if (!slots) requestWindow(win, at++, req, mem, p.usageRatio);
    }
    if (!slots) out.winE![o] = at;
  }
  return { censored, withWindows, fallback, reqMissing };
}

/**
 * The machines of a replay: `M` identical machines of capacity `cap`, or the
 * machines of `machine_events` (capacities scaled by `cap / 0.5`, events
 * before `end` sorted by time and turned into ticks). Adds the event counts to `info`.
 */
function prepareMachines(input: ReplayInput, p: ResolvedParams, start: number, end: number, tick: number, info: Record<string, number | string>): { machines: number; machineCap: Float64Array; machineUp: Int32Array; events: PreparedEvents } {
  if (p.machines === 'trace') {
    const me = input.machineEvents;
    if (!me) throw new FairfitError('INVALID_OPTION', "machines: 'trace' needs machine events in the input (machine_events/)", { field: 'machines' });
    const count = tableCount(me, 'machineEvents');
    for (const f of ['time', 'machine', 'type', 'cpu', 'mem'] as const) column(me, 'machineEvents', f, count);
    const machines = me.machines;
    if (!Number.isInteger(machines) || machines < 1) throw new FairfitError('INVALID_OPTION', `machineEvents.machines must be ≥ 1, got ${machines}`, { field: 'machineEvents.machines' });
    // A hand-built input's count is not bounded by a read: 2^31 was OUT_OF_MEMORY, not this message.
    checkMachineCount(machines, 'machineEvents.machines');
    const machineCap = f64(machines);
    const machineUp = i32(machines);
    const scale = p.capacity / TRACE_REFERENCE_CPU;
    const keep: number[] = [];
    let afterEnd = 0;
    let capMissing = 0;
    for (let i = 0; i < me.count; i++) {
      const m = me.machine[i]!;
      if (!(m >= 0 && m < machines && Number.isInteger(m))) throw new FairfitError('INDEX_OUT_OF_RANGE', `machineEvents.machine[${i}] = ${m} is not a machine id (0..${machines - 1})`, { field: 'machineEvents.machine', index: i });
      const ty = me.type[i]!;
      if (!(ty >= 0 && ty < MACHINE_EVENT.names.length && Number.isInteger(ty))) throw new FairfitError('INVALID_OPTION', `machineEvents.type[${i}] must be 0, 1 or 2 (${MACHINE_EVENT.names.join(', ')}), got ${ty}`, { field: 'machineEvents.type', index: i });
      const t = me.time[i]!;
      if (Number.isNaN(t)) throw new FairfitError('NOT_FINITE', `machineEvents.time[${i}] is NaN`, { field: 'machineEvents.time', index: i });
      // NaN is a capacity not given (ADD: 0.5, UPDATE: unchanged); a negative or infinite one made nonsense
      // (a negative capacity ran tasks backwards: stretch below 1; an infinite one made mean CPU 0).
      const c = me.cpu[i]!;
      if (c < 0 || c === Infinity) throw new FairfitError(c < 0 ? 'NEGATIVE_VALUE' : 'NOT_FINITE', `machineEvents.cpu[${i}] must be finite and ≥ 0 (or NaN: not given), got ${c}`, { field: 'machineEvents.cpu', index: i });
      if (t >= end) { afterEnd++; continue; }
      keep.push(i);
    }
    keep.sort((a, b) => me.time[a]! - me.time[b]! || a - b);
    const n = keep.length;
    const events: PreparedEvents = { tick: i32(n), machine: i32(n), type: i32(n), cap: f64(n) };
    for (let j = 0; j < n; j++) {
      const i = keep[j]!;
      const t = me.time[i]!;
      events.tick[j] = t <= start ? 0 : Math.floor((t - start) / tick);
      events.machine[j] = me.machine[i]!;
      events.type[j] = me.type[i]!;
      let c = me.cpu[i]!;
      if (Number.isNaN(c) && me.type[i] === MACHINE_EVENT.code.add) { c = TRACE_REFERENCE_CPU; capMissing++; }
      events.cap[j] = Number.isNaN(c) ? Number.NaN : c * scale;
    }
    info.machineEvents = n;
    info.machineEventsAfterEnd = afterEnd;
    info.machineAddsWithoutCapacity = capMissing;
    return { machines, machineCap, machineUp, events };
  }
  const machines = p.machines;
  return {
    machines,
    machineCap: f64(machines).fill(p.capacity),
    machineUp: i32(machines).fill(1),
    events: { tick: i32(0), machine: i32(0), type: i32(0), cap: f64(0) },
  };
}

/**
 * Resolves machines, draws every task's machine (one uniform draw per task, in
 * task order, from `Rng(seed)`), resolves usage per task and sorts tasks by
 * arrival. See docs/model.md "Trace replay (GiantVM)" for every rule.
 *
 * @throws FairfitError `INVALID_OPTION` (bad params, `machines: 'trace'` without machine events, bad window),
 *   `DIMENSION_MISMATCH`, `NOT_FINITE`, `NEGATIVE_VALUE`, `INDEX_OUT_OF_RANGE` naming the column and row.
 */
export function prepareReplay(input: ReplayInput, params: ReplayParams | Partial<ReplayParams>): PreparedReplay {
  return prepareResolved(input, defaultParams(params));
}

/** Where {@link prepareResolved} puts what it makes. */
export interface PrepareOptions {
  /** Columns in SharedArrayBuffers, written in place (a preparation for worker threads). */
  shared?: boolean;
  /**
   * Write the per-task columns to this new file (arrival-file.ts) instead of holding them
   * (`arrivals` of the result says where): usage 'synthetic' and 'request' only — others ignore it.
   */
  arrivalFile?: string;
  /**
   * The input's task table is this preparation's to use up: the caller read it for this
   * preparation alone and lets it go right after (nothing may read it again). Under synthetic
   * usage, without `shared` or `arrivalFile`, the prepared columns are then written over the
   * table's own arrays when the tasks arrive in table order (docs/model.md, "Bounded memory").
   * The result is the same either way.
   */
  consume?: boolean;
}

/** Whether a preparation under `p` can put its tasks in an arrival file (their windows are made by the slots). */
export function fitsArrivalFile(p: ResolvedParams): boolean {
  return p.usage === 'synthetic' || p.usage === 'request';
}

/**
 * {@link prepareReplay} for parameters already resolved and checked at the
 * edge (`replay()` / `sweep()` resolve every configuration once): nothing
 * about them is checked again; the input's columns still are.
 */
export function prepareResolved(input: ReplayInput, p: ResolvedParams, opts: PrepareOptions = {}): PreparedReplay {
  const was = inShared;
  inShared = opts.shared === true;
  try {
    return prepareIn(input, p, opts.arrivalFile, opts.consume === true);
  } finally {
    inShared = was;
  }
}

/** What every preparation resolves before its tasks: the window in ticks and the machines. */
interface Frame {
  start: number;
  end: number;
  tick: number;
  ticks: number;
  machines: number;
  machineCap: Float64Array;
  machineUp: Int32Array;
  events: PreparedEvents;
  info: Record<string, number | string>;
}

function frame(input: ReplayInput, p: ResolvedParams): Frame {
  const { start, end } = input;
  const info: Record<string, number | string> = { usage: p.usage, machinesMode: p.machines === 'trace' ? 'trace' : 'identical' };
  const tick = p.tick;
  const ticks = Math.max(1, Math.ceil((end - start) / tick));
  if (ticks > MAX_TICKS) {
    throw new FairfitError('INVALID_OPTION', `tick: the window [${start}, ${end}] µs (${((end - start) / 86400e6).toFixed(1)} days) is ${ticks} ticks of ${tick} µs, more than the bound ${MAX_TICKS}; use a longer tick (or check the trace for a stray late timestamp)`, { field: 'tick' });
  }
  return { start, end, tick, ticks, info, ...prepareMachines(input, p, start, end, tick, info) };
}

/**
 * What the preparations of `configs` check of an input given in memory, checked once before any
 * run: a rejected call starts no thread (the workers' preparations found a bad column, a NaN request
 * under synthetic usage or a window of too many ticks only once the pool had started). The window,
 * the task columns, under each distinct tick and machine source the frame (ticks, machine events),
 * the usage table or index, and under synthetic usage the requests of the tasks that run. One pass
 * each, no preparation. An input the readers made (on disk in buckets) is left to the preparations.
 */
export function checkInput(input: ReplayInput, configs: readonly ResolvedParams[]): void {
  checkWindow(input);
  if (input.spilled) return;
  const tasks = input.tasks;
  checkTasks(tasks);
  if (tasks.lastEvent === undefined && configs.some((c) => c.tasks === 'finished')) throw noLastEvents();
  const framed = new Set<string>();
  for (const c of configs) {
    const key = `${c.tick} ${c.machines === 'trace' ? 'trace' : 'identical'}`;
    if (framed.has(key)) continue;
    framed.add(key);
    frame(input, c);
  }
  if (configs.some((c) => c.usage === 'trace')) {
    if (input.usage) checkUsage(input.usage, tasks.count);
    else if (input.usageIndex) checkIndex(input.usageIndex, tasks.count);
  }
  if (configs.some((c) => c.usage === 'synthetic')) countSynthetic(tasks, input.start, input.end);
}

function checkWindow(input: ReplayInput): void {
  const { start, end } = input;
  if (!Number.isFinite(start) || !Number.isFinite(end) || !(end > start)) {
    throw new FairfitError('INVALID_OPTION', `input.start/end must be finite with end > start, got [${start}, ${end})`, { field: 'input.end' });
  }
}

function prepareIn(input: ReplayInput, p: ResolvedParams, arrivalPath: string | undefined, consume: boolean): PreparedReplay {
  checkWindow(input);
  // Tasks on disk in buckets (the spilling reader) go to the arrival file bucket by bucket, if in arrival order.
  if (input.spilled && arrivalPath !== undefined && fitsArrivalFile(p) && !input.usage && !input.usageIndex) {
    const f = frame(input, p);
    const streamed = arrivalsFromBuckets(input.spilled, p, f, arrivalPath);
    if (streamed) return assemble(p, f, input.spilled.count, streamed.arrivals, streamed.counts, streamed.windows, undefined, undefined, emptyPrepared(p), streamed.file);
  }
  const tasks = input.tasks;
  checkTasks(tasks);
  const f = frame(input, p);
  const { start, end, tick, ticks, machines } = f;

  // Usage source per task.
  // Synthetic usage is not drawn here: per-task data only, the replay draws the windows when it needs them.
  let table: UsageTable | undefined;
  if (p.usage === 'trace') table = input.usage;
  const index = p.usage === 'trace' && !table ? input.usageIndex : undefined;
  if (index) checkIndex(index, tasks.count);
  const syntheticWindows = p.usage === 'synthetic' ? countSynthetic(tasks, start, end) : 0;
  if (table) checkUsage(table, tasks.count);
  const byTask = table ? windowsByTask(table, tasks.count) : undefined;

  // Arrivals: tasks submitted before `end` (NaN submit: never submitted in the window).
  const lastEvent = (tasks as { lastEvent?: Int32Array }).lastEvent;
  // tickOf[i]: arrival tick, -1 when the task does not arrive in [start, end).
  const tickOf = i32(tasks.count);
  const arrivals = arrivalTicks(tasks, start, end, tick, ticks, p.arrival === 'boundary', p.tasks, tickOf);
  const { n } = arrivals;
  const { sorted, end: tickEnd } = sortByTick(tickOf, tasks.count, ticks, n);
  // One machine draw per task, in task order, whatever happens to the task later; written over
  // the arrival ticks, which the sort made redundant (one 4-byte column per task, not two).
  const draw = drawMachines(p.seed, tasks.count, machines, tickOf);

  if (consume && !inShared && arrivalPath === undefined && p.usage === 'synthetic' && inPlaceFits(sorted, n, tasks.count)) {
    const { out, synthetic, counts } = fillInPlace(tasks, sorted, n, draw, start, end, lastEvent, p);
    ticksOfSorted(tickEnd, ticks, 0, n, out.submitTick);
    return assemble(p, f, tasks.count, arrivals, counts, syntheticWindows, undefined, undefined, { tasks: out, windows: emptyWindows(), synthetic, traceUsage: undefined }, undefined);
  }
  const synth = p.usage === 'synthetic' || index !== undefined;
  if (arrivalPath !== undefined && fitsArrivalFile(p)) {
    // The tasks go to the file block by block: no per-task column is kept.
    const { counts, file } = writeArrivals(arrivalPath, tasks, sorted, n, draw, tickEnd, ticks, start, end, lastEvent, p);
    return assemble(p, f, tasks.count, arrivals, counts, syntheticWindows, table, index, emptyPrepared(p), file);
  }
  const out: PreparedTasks = {
    id: sorted, machine: i32(n), submitTick: i32(n), submitUs: f64(n), work: f64(n),
    req: f64(n), priority: i32(n), winB: i32(synth ? 0 : n), winE: i32(synth ? 0 : n),
  };
  const nw = byTask ? windowCount(sorted, n, byTask.first) : synth ? 0 : n;
  const win: PreparedWindows = { end: f64(nw), cpu: f64(nw), mem: f64(nw), maxCpu: f64(nw), mai: f64(nw) };
  const synthetic = p.usage === 'synthetic' ? fillSynthetic(tasks, sorted, n, p.seed, start, end) : undefined;
  const traceUsage = index ? fillTraceUsage(tasks, sorted, n, index) : undefined;
  const counts = fillTasks(tasks, sorted, 0, n, draw, start, lastEvent, byTask, table, p, out, win, synthetic, index?.rows);
  ticksOfSorted(tickEnd, ticks, 0, n, out.submitTick);
  return assemble(p, f, tasks.count, arrivals, counts, syntheticWindows, table, index, { tasks: out, windows: win, synthetic, traceUsage }, undefined);
}

/**
 * Whether the sorted tasks can be prepared over the input's own columns ({@link fillInPlace}):
 * the arrival order is the input order (`sorted` increasing: a trace in time order, whose dense
 * ids are in order of first appearance), so task j is read at an index ≥ j and written at j; and
 * most tasks arrive (the prepared columns keep the input's whole arrays: with few arrivals fresh
 * columns of n rows are smaller once the input is let go).
 */
function inPlaceFits(sorted: Int32Array, n: number, count: number): boolean {
  if (4 * n < 3 * count) return false;
  for (let j = 1; j < n; j++) if (sorted[j]! <= sorted[j - 1]!) return false;
  return true;
}

/** Tasks per block of {@link fillInPlace} (tests set it low to cross blocks). */
export const IN_PLACE_TUNING = { block: 1 << 14 };

/**
 * The columns of {@link prepareIn} under synthetic usage, written over the input's task columns
 * (`consume`: the caller read the table for this preparation and lets it go after it) instead of
 * into new arrays: the preparation then adds no per-task column of the input's size but the
 * window count, and the input's pages are not held twice at the end of the preparation.
 * Sorted tasks [j0, j1) are filled into a small block by the same fills as the other paths (the
 * same values), then copied to [j0, j1) of the outputs: every read of a later block is at an index
 * ≥ j1 ({@link inPlaceFits}), past everything written. A column is written over only if no other
 * column shares its buffer (a caller's packed table); otherwise its output is a new array.
 */
function fillInPlace(tasks: TaskTable, sorted: Int32Array, n: number, draw: Int32Array, start: number, end: number, lastEvent: Int32Array | undefined, p: ResolvedParams): { out: PreparedTasks; synthetic: PreparedSynthetic; counts: FillCounts } {
  const read: (ArrayBufferView | undefined)[] = [tasks.jobId, tasks.taskIndex, tasks.submit, tasks.duration, tasks.cpuRequest, tasks.memRequest, tasks.priority, tasks.schedulingClass, lastEvent, tasks.firstSchedule];
  const uses = new Map<ArrayBufferLike, number>();
  for (const c of read) if (c) uses.set(c.buffer, (uses.get(c.buffer) ?? 0) + 1);
  const own = (c: ArrayBufferView | undefined): boolean => c !== undefined && !(c.buffer instanceof SharedArrayBuffer) && uses.get(c.buffer) === 1;
  const f64Over = (c: Float64Array | undefined): Float64Array => c instanceof Float64Array && own(c) && c.length >= n ? c.subarray(0, n) : f64(n);
  const i32Over = (c: Int32Array | undefined): Int32Array => c instanceof Int32Array && own(c) && c.length >= n ? c.subarray(0, n) : i32(n);
  const out: PreparedTasks = {
    id: sorted, machine: draw.subarray(0, n), submitTick: i32Over(tasks.schedulingClass), submitUs: f64Over(tasks.submit), work: f64Over(tasks.duration),
    req: f64Over(tasks.cpuRequest), priority: i32Over(tasks.priority), winB: i32(0), winE: i32(0),
  };
  const synthetic: PreparedSynthetic = { windowUs: WINDOW_US, key: i32Over(tasks.taskIndex), k0: i32Over(lastEvent), count: i32(n), mem: f64Over(tasks.memRequest) };
  const counts: FillCounts = { censored: 0, withWindows: 0, fallback: 0, reqMissing: 0 };
  const block = Math.max(1, Math.min(n, IN_PLACE_TUNING.block));
  const b = newArrivalBlock(block, true), noWin = emptyWindows();
  for (let j0 = 0; j0 < n; j0 += block) {
    const j1 = Math.min(n, j0 + block), k = j1 - j0;
    fillSyntheticRange(tasks, sorted, j0, j1, p.seed, start, end, b);
    const c = fillTasks(tasks, sorted, j0, j1, draw, start, lastEvent, undefined, undefined, p, b, noWin, b, undefined);
    counts.censored += c.censored; counts.withWindows += c.withWindows; counts.fallback += c.fallback; counts.reqMissing += c.reqMissing;
    out.machine.set(b.machine.subarray(0, k), j0);
    out.submitUs.set(b.submitUs.subarray(0, k), j0);
    out.work.set(b.work.subarray(0, k), j0);
    out.req.set(b.req.subarray(0, k), j0);
    out.priority.set(b.priority.subarray(0, k), j0);
    synthetic.key.set(b.key.subarray(0, k), j0);
    synthetic.k0.set(b.k0.subarray(0, k), j0);
    synthetic.count.set(b.count.subarray(0, k), j0);
    synthetic.mem.set(b.mem.subarray(0, k), j0);
  }
  return { out, synthetic, counts };
}

/** No materialised windows (the slot modes). */
function emptyWindows(): PreparedWindows {
  return { end: f64(0), cpu: f64(0), mem: f64(0), maxCpu: f64(0), mai: f64(0) };
}

/** The columns of a preparation whose tasks are in an arrival file: empty. */
function emptyPrepared(p: ResolvedParams): { tasks: PreparedTasks; windows: PreparedWindows; synthetic: PreparedSynthetic | undefined; traceUsage: undefined } {
  return {
    tasks: { id: i32(0), machine: i32(0), submitTick: i32(0), submitUs: f64(0), work: f64(0), req: f64(0), priority: i32(0), winB: i32(0), winE: i32(0) },
    windows: emptyWindows(),
    synthetic: p.usage === 'synthetic' ? { windowUs: WINDOW_US, key: i32(0), k0: i32(0), count: i32(0), mem: f64(0) } : undefined,
    traceUsage: undefined,
  };
}

/** The prepared replay: its columns, and the counts and modes in `info`. */
function assemble(p: ResolvedParams, f: Frame, taskCount: number, arrivals: ArrivalCounts, counts: FillCounts, syntheticWindows: number, table: UsageTable | undefined, index: UsageIndex | undefined,
  cols: { tasks: PreparedTasks; windows: PreparedWindows; synthetic: PreparedSynthetic | undefined; traceUsage: PreparedTraceUsage | undefined }, file: ArrivalFile | undefined): PreparedReplay {
  const { start, end, tick, ticks, machines, info } = f;
  // A cell size above the machines (the default 4 on a trace of 1–3 machines) is one cell of all of them, recorded as such.
  const cellSize = Math.min(p.cellSize, machines);
  if (cellSize !== p.cellSize) p = { ...p, cellSize };
  const cells = Math.ceil(machines / cellSize);
  const { afterEnd, noSubmit, notEnded, notFinished, atEnd, n } = arrivals;
  const { censored, withWindows, fallback, reqMissing } = counts;
  info.tasks = taskCount;
  info.arriving = n;
  info.submittedAfterEnd = afterEnd;
  info.neverSubmitted = noSubmit;
  // Only the rules that leave tasks out add their counts: the outputs of the default rules keep their keys.
  if (p.tasks !== 'all') info.leftOutNotEnded = notEnded;
  if (p.tasks === 'finished') info.leftOutNotFinished = notFinished;
  if (p.arrival === 'boundary') info.arrivesAtEnd = atEnd;
  info.censoredUnfinished = censored;
  info.requestMissing = reqMissing;
  info.usageWindows = table ? table.count : index ? index.count : syntheticWindows;
  info.tasksWithWindows = withWindows;
  info.usageFallbackToRequest = fallback;
  info.ticks = ticks;
  info.tickUs = tick;
  info.machines = machines;
  info.cells = cells;

  const sampleEvery = seriesStride(ticks, p.interval, machines);
  const { synthetic, traceUsage } = cols;
  return {
    params: p, start, end, tick, ticks, sampleEvery, points: Math.ceil(ticks / sampleEvery), machines, cellSize, cells,
    tasks: cols.tasks, windows: cols.windows, ...(synthetic ? { synthetic } : {}), ...(traceUsage ? { traceUsage } : {}), ...(file ? { arrivals: file } : {}),
    machineCap: f.machineCap, machineUp: f.machineUp, events: f.events, info,
  };
}

/**
 * The arrival-file preparation of tasks on disk in buckets of dense ids (the spilling reader):
 * bucket by bucket, the same checks, counts, arrival ticks, machine draws (the stream continued
 * across buckets) and fills as the whole table's, without the table. The sort by arrival tick is
 * the identity when the arriving tasks' ticks never decrease with their dense id — the order of
 * first appearance, which a trace sorted by time (Google's parts are) gives; otherwise this
 * returns undefined and the caller prepares from the whole table (the file is written again).
 * A bad task is reported when its bucket is read, after the machines' checks.
 */
function arrivalsFromBuckets(spilled: TaskBuckets, p: ResolvedParams, f: Frame, path: string): { arrivals: ArrivalCounts; counts: FillCounts; windows: number; file: ArrivalFile } | undefined {
  const { start, end, tick, ticks, machines } = f;
  const syn = p.usage === 'synthetic';
  const block = ARRIVAL_TUNING.block;
  const b = newArrivalBlock(block, syn);
  const noWin = emptyWindows();
  const counts: FillCounts = { censored: 0, withWindows: 0, fallback: 0, reqMissing: 0 };
  const arrivals: ArrivalCounts = { afterEnd: 0, noSubmit: 0, notEnded: 0, notFinished: 0, atEnd: 0, n: 0 };
  const draws = new MachineDraws(p.seed, machines);
  let windows = 0, lastTick = 0, fill = 0;
  // The whole table's checks all come before its synthetic count's: a count error waits for the last bucket's checks.
  let countError: unknown;
  const writer = new ArrivalWriter(path, block, syn);
  try {
    for (let k = 0; k < spilled.buckets; k++) {
      const { first, tasks } = spilled.bucket(k);
      checkTasks(tasks, first);
      if (syn && countError === undefined) {
        try { windows += countSynthetic(tasks, start, end, first); } catch (err) { countError = err; }
      }
      const tickOf = new Int32Array(tasks.count);
      const a = arrivalTicks(tasks, start, end, tick, ticks, p.arrival === 'boundary', p.tasks, tickOf);
      arrivals.afterEnd += a.afterEnd; arrivals.noSubmit += a.noSubmit; arrivals.notEnded += a.notEnded; arrivals.notFinished += a.notFinished; arrivals.atEnd += a.atEnd; arrivals.n += a.n;
      const sorted = arrivingInOrder(tickOf, a.n, lastTick);
      if (sorted === undefined) { writer.close(); return undefined; }
      if (a.n > 0) lastTick = tickOf[sorted[a.n - 1]!]!;
      const draw = draws.next(tasks.count, new Int32Array(tasks.count));
      for (let j0 = 0; j0 < a.n;) {
        const j1 = Math.min(a.n, j0 + block - fill);
        const at = blockFrom(b, fill);
        if (syn) fillSyntheticRange(tasks, sorted, j0, j1, p.seed, start, end, at);
        else requestMemory(tasks, sorted, j0, j1, at.mem);
        const c = fillTasks(tasks, sorted, j0, j1, draw, start, tasks.lastEvent, undefined, undefined, p, at, noWin, syn ? at : undefined, undefined, true);
        for (let j = j0; j < j1; j++) at.submitTick[j - j0] = tickOf[sorted[j]!]!;
        counts.censored += c.censored; counts.withWindows += c.withWindows; counts.fallback += c.fallback; counts.reqMissing += c.reqMissing;
        fill += j1 - j0;
        j0 = j1;
        if (fill === block) { writer.write(b, block); fill = 0; }
      }
    }
    if (countError !== undefined) throw countError;
    if (fill > 0) writer.write(b, fill);
  } catch (err) {
    writer.close();
    throw err;
  }
  return { arrivals, counts, windows, file: writer.close() };
}

/** The arriving tasks' indexes in order, or undefined when a tick is below the one before (from `lastTick`). */
function arrivingInOrder(tickOf: Int32Array, n: number, lastTick: number): Int32Array | undefined {
  const sorted = new Int32Array(n);
  let k = 0, last = lastTick;
  for (let i = 0; i < tickOf.length; i++) {
    const t = tickOf[i]!;
    if (t < 0) continue;
    if (t < last) return undefined;
    last = t;
    sorted[k++] = i;
  }
  return sorted;
}

/** Views of a block's columns from task `at` on. */
function blockFrom(b: ArrivalBlock, at: number): ArrivalBlock {
  return {
    submitUs: b.submitUs.subarray(at), work: b.work.subarray(at), req: b.req.subarray(at), mem: b.mem.subarray(at),
    machine: b.machine.subarray(at), submitTick: b.submitTick.subarray(at), priority: b.priority.subarray(at),
    key: b.key.subarray(at), k0: b.k0.subarray(at), count: b.count.subarray(at),
  };
}

/**
 * Writes the `n` sorted tasks to an arrival file, one block at a time through
 * the same fills as the in-memory columns (so the same values); returns the counts.
 */
function writeArrivals(path: string, tasks: TaskTable, sorted: Int32Array, n: number, draw: Int32Array, tickEnd: Int32Array, ticks: number, start: number, end: number,
  lastEvent: Int32Array | undefined, p: ResolvedParams): { counts: FillCounts; file: ArrivalFile } {
  const syn = p.usage === 'synthetic';
  const block = ARRIVAL_TUNING.block;
  const b = newArrivalBlock(block, syn);
  const noWin = emptyWindows();
  const counts: FillCounts = { censored: 0, withWindows: 0, fallback: 0, reqMissing: 0 };
  const writer = new ArrivalWriter(path, block, syn);
  try {
    for (let j0 = 0; j0 < n; j0 += block) {
      const j1 = Math.min(n, j0 + block);
      if (syn) fillSyntheticRange(tasks, sorted, j0, j1, p.seed, start, end, b);
      else requestMemory(tasks, sorted, j0, j1, b.mem);
      const c = fillTasks(tasks, sorted, j0, j1, draw, start, lastEvent, undefined, undefined, p, b, noWin, syn ? b : undefined, undefined, true);
      ticksOfSorted(tickEnd, ticks, j0, j1, b.submitTick);
      counts.censored += c.censored; counts.withWindows += c.withWindows; counts.fallback += c.fallback; counts.reqMissing += c.reqMissing;
      writer.write(b, j1 - j0);
    }
  } catch (err) {
    writer.close();
    throw err;
  }
  return { counts, file: writer.close() };
}

/** Memory requests (NaN: 0) of sorted tasks [j0, j1) from index 0 of `mem`: a request window's memory. */
function requestMemory(tasks: TaskTable, sorted: Int32Array, j0: number, j1: number, mem: Float64Array): void {
  for (let j = j0; j < j1; j++) { const m = tasks.memRequest[sorted[j]!]!; mem[j - j0] = Number.isNaN(m) ? 0 : m; }
}

/**
 * Ticks per series point: a whole number of rebalancing intervals, so that a
 * series has at most 50–1000 points (fewer for more machines: the per-machine
 * point matrix stays near 4·10^6 values).
 */
function seriesStride(ticks: number, interval: number, machines: number): number {
  const cycles = Math.ceil(ticks / interval);
  const maxPoints = Math.min(1000, Math.max(50, Math.floor(4e6 / machines)));
  return interval * Math.max(1, Math.ceil(cycles / maxPoints));
}

/**
 * The same prepared replay under another policy (shares every column): prepare
 * a trace once, then run all eight policies from it.
 */
export function withPolicy(prepared: PreparedReplay, policy: PolicyName): PreparedReplay {
  // Only the policy is new: the rest was resolved when the replay was prepared.
  if (!POLICIES.includes(policy)) throw new FairfitError('INVALID_OPTION', `policy must be one of ${POLICIES.join(', ')}, got ${shown(policy)}`, { field: 'policy' });
  return { ...prepared, params: { ...prepared.params, policy } };
}

/**
 * The same prepared replay for a run whose series nobody keeps (`series: false`):
 * its parts hold no per-point arrays (cells × points × 80 B and machines ×
 * points × 8 B each), unless the Gini rule 'series-mean' needs the points.
 * Every metric is the same; the run's `series` is `{}`.
 */
export function withoutSeries(prepared: PreparedReplay): PreparedReplay {
  return { ...prepared, keepPoints: prepared.params.gini === 'series-mean' };
}

/** Number of cells of a prepared replay (ranges for {@link simulateCells} are in these units). */
export function cellCount(prepared: PreparedReplay): number {
  return prepared.cells;
}
