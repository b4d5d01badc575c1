/**
 * Google ClusterData-2011 readers (SPEC §6): `task_events`, `task_usage` and
 * `machine_events`, plain CSV or gzip, one file or a folder of `part-*`
 * files, streamed into the columnar model of `src/model/tasks.ts`.
 *
 * Times: µs; 0 (before the trace) is placed at {@link TRACE_START}; 2^63−1
 * (after the trace) becomes +Infinity in raw batches and the window end in
 * derived tables. How the task table is derived from the events (run time,
 * resubmissions, missing requests) is written in docs/model.md.
 *
 * @module
 */
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { FairfitError } from '../errors.ts';
import type { MachineEventTable, ReplayInput, TaskTable, UsageTable } from '../model/tasks.ts';
import { FieldKind, Problems, readCsvBatches, type ColumnBatch, type CsvSpec, type ReadOptions } from './csv.ts';
import { F64Column, I32Column, orderByTaskThenStart, permute } from './columns.ts';

const N = FieldKind.Number;
const H = FieldKind.Hash;
const S = FieldKind.Skip;

/** Trace time of the start of the 2011 trace window: 600 s (Google's ClusterData2011_2.md). */
export const TRACE_START = 600e6;
/** Timestamps at or above this are 2^63−1, "after the end of the trace". */
export const AFTER_TRACE = 9.2e18;

/** Task/job event types of the 2011 trace. */
export const TaskEvent = {
  /** Became eligible for scheduling. */
  SUBMIT: 0,
  /** Scheduled on a machine. */
  SCHEDULE: 1,
  /** Descheduled (preempted, overcommit, machine failure). */
  EVICT: 2,
  /** Descheduled by a task failure. */
  FAIL: 3,
  /** Completed normally. */
  FINISH: 4,
  /** Cancelled by the user or a dependency. */
  KILL: 5,
  /** Terminated, termination record missing. */
  LOST: 6,
  /** Requirements updated while pending. */
  UPDATE_PENDING: 7,
  /** Requirements updated while running. */
  UPDATE_RUNNING: 8,
} as const;

/** `task_events` columns (schema.csv: 13 fields; mandatory ones required). */
export const TASK_EVENTS_SPEC: CsvSpec = {
  format: 'task_events',
  fields: [
    { name: 'time', kind: N, required: true },
    { name: 'missingInfo', kind: N },
    { name: 'jobId', kind: N, required: true },
    { name: 'taskIndex', kind: N, required: true },
    { name: 'machineId', kind: N },
    { name: 'eventType', kind: N, required: true },
    { name: 'user', kind: H },
    { name: 'schedulingClass', kind: N },
    { name: 'priority', kind: N, required: true },
    { name: 'cpuRequest', kind: N },
    { name: 'memRequest', kind: N },
    { name: 'diskRequest', kind: N },
    { name: 'differentMachines', kind: N },
  ],
};

/** `task_usage` columns (schema.csv: 20 fields). */
export const TASK_USAGE_SPEC: CsvSpec = {
  format: 'task_usage',
  fields: [
    { name: 'start', kind: N, required: true },
    { name: 'end', kind: N, required: true },
    { name: 'jobId', kind: N, required: true },
    { name: 'taskIndex', kind: N, required: true },
    { name: 'machineId', kind: N, required: true },
    { name: 'cpu', kind: N },
    { name: 'canonicalMem', kind: N },
    { name: 'mem', kind: N },
    { name: 'unmappedPageCache', kind: N },
    { name: 'totalPageCache', kind: N },
    { name: 'maxMem', kind: N },
    { name: 'diskIoTime', kind: N },
    { name: 'localDisk', kind: N },
    { name: 'maxCpu', kind: N },
    { name: 'maxDiskIo', kind: N },
    { name: 'cpi', kind: N },
    { name: 'mai', kind: N },
    { name: 'samplePortion', kind: N },
    { name: 'aggregationType', kind: N },
    { name: 'sampledCpu', kind: N },
  ],
};

/** The task_usage columns a replay needs; the others are skipped unless `allColumns` is asked for. */
export const USAGE_REPLAY_COLUMNS: readonly string[] = ['start', 'end', 'jobId', 'taskIndex', 'machineId', 'cpu', 'mem', 'maxCpu', 'mai'];

/** {@link TASK_USAGE_SPEC} with the columns outside {@link USAGE_REPLAY_COLUMNS} skipped (counted, not parsed). */
export const TASK_USAGE_REPLAY_SPEC: CsvSpec = {
  format: 'task_usage',
  fields: TASK_USAGE_SPEC.fields.map((f) => (USAGE_REPLAY_COLUMNS.includes(f.name) ? f : { ...f, kind: S })),
};

/** `machine_events` columns (schema.csv: 6 fields). */
export const MACHINE_EVENTS_SPEC: CsvSpec = {
  format: 'machine_events',
  fields: [
    { name: 'time', kind: N, required: true },
    { name: 'machineId', kind: N, required: true },
    { name: 'eventType', kind: N, required: true },
    { name: 'platform', kind: S },
    { name: 'cpu', kind: N },
    { name: 'mem', kind: N },
  ],
};

/** What a read skipped and where (the agreed cross-team shape, plus corrupt-file count). */
export interface ReadSummary {
  /** Files read, in order. */
  files: string[];
  /** Valid rows read (all tables). */
  rows: number;
  /** Lines skipped (bad lines and lines lost to a corrupt gzip). */
  skipped: number;
  /** The first problems, `file:line: reason`. */
  firstProblems: string[];
  /** Files cut short by a corrupt or truncated gzip (their earlier rows are kept). */
  corruptFiles?: number;
}

/** Options of the single-table readers. */
export interface GoogleReadOptions extends ReadOptions {
  /** Read at most this many part files (default all). */
  parts?: number;
}

/**
 * The files of one table: `path` itself when it is a file, else the
 * `part-*` files of the folder in name order. Throws `FILE_NOT_FOUND`.
 */
export function partFiles(path: string, limit?: number): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new FairfitError('FILE_NOT_FOUND', `${path}: no such file or folder`, { file: path });
  }
  if (st.isFile()) return [path];
  const names = readdirSync(path)
    .filter((n) => n.startsWith('part-') && /\.csv(\.gz)?$/.test(n))
    .sort();
  if (names.length === 0) throw new FairfitError('FILE_NOT_FOUND', `${path}: no part-*.csv or part-*.csv.gz files`, { file: path });
  return names.slice(0, limit ?? names.length).map((n) => join(path, n));
}

/** Raw column batches of every file of a table, in order. */
export async function* tableBatches(path: string, spec: CsvSpec, problems: Problems, opts: GoogleReadOptions = {}, files?: string[]): AsyncGenerator<ColumnBatch> {
  for (const f of files ?? partFiles(path, opts.parts)) yield* readCsvBatches(f, spec, problems, opts);
}

/** Maps trace time to the replay's time axis: 0 → start, 2^63−1 → +Infinity. */
export function traceTime(t: number, start = TRACE_START): number {
  return t === 0 ? start : t >= AFTER_TRACE ? Number.POSITIVE_INFINITY : t;
}

/**
 * (job ID, task index) → dense id in order of first appearance: an
 * open-addressing hash table over typed arrays (no Map, no per-task object),
 * exact for any float64 job ID and task index (keys are compared, not just
 * hashed).
 */
export class TaskIds {
  private slots = new Int32Array(1 << 12).fill(-1); // dense id + 0, or -1 when empty
  private mask = (1 << 12) - 1;
  private readonly keyIndex = new F64Column();
  /** Job ID of each dense id (growable column; `data.subarray(0, count)` is valid). */
  readonly jobId = new F64Column();
  /** Task index of each dense id. */
  readonly taskIndex = new I32Column();
  /** Number of tasks. */
  get count(): number {
    return this.jobId.length;
  }
  private static hash(job: number, index: number): number {
    const hi = (job / 4294967296) | 0;
    let h = Math.imul((job >>> 0) ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= Math.imul(index | 0, 0xc2b2ae35) ^ (h >>> 15);
    h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
    return h ^ (h >>> 16);
  }
  /** Dense id of the pair, or -1. */
  get(job: number, index: number): number {
    const slots = this.slots;
    const jobs = this.jobId.data;
    const idx = this.keyIndex.data;
    let s = TaskIds.hash(job, index) & this.mask;
    for (;;) {
      const id = slots[s]!;
      if (id < 0) return -1;
      if (jobs[id] === job && idx[id] === index) return id;
      s = (s + 1) & this.mask;
    }
  }
  /** Dense id of the pair, adding it when new. */
  intern(job: number, index: number): number {
    const slots = this.slots;
    const jobs = this.jobId.data;
    const idx = this.keyIndex.data;
    let s = TaskIds.hash(job, index) & this.mask;
    for (;;) {
      const id = slots[s]!;
      if (id < 0) break;
      if (jobs[id] === job && idx[id] === index) return id;
      s = (s + 1) & this.mask;
    }
    const n = this.count;
    slots[s] = n;
    this.jobId.push(job);
    this.keyIndex.push(index);
    this.taskIndex.push(index);
    if (2 * (n + 1) > slots.length) this.rehash();
    return n;
  }
  private rehash(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size).fill(-1);
    const mask = size - 1;
    const jobs = this.jobId.data;
    const idx = this.keyIndex.data;
    for (let id = 0; id < this.count; id++) {
      let s = TaskIds.hash(jobs[id]!, idx[id]!) & mask;
      while (slots[s]! >= 0) s = (s + 1) & mask;
      slots[s] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

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
  readonly ids = new TaskIds();
  private submit = new F64Column();
  private duration = new F64Column();
  private runStart = new F64Column();
  private firstSchedule = new F64Column();
  private cpu = new F64Column();
  private mem = new F64Column();
  private priority = new I32Column();
  private sclass = new I32Column();
  private user = new I32Column();
  private runs = new I32Column();
  private last = new I32Column();
  private readonly users = new Map<number, number>();
  /** Scratch: the dense id of each row of the batch being applied. */
  private rowIds = new Int32Array(0);
  /** Events applied. */
  events = 0;
  /** Largest finite event time (after mapping 0 → start). */
  lastTime: number;
  /** `start`: where time-0 events are placed (the trace start). */
  constructor(readonly start = TRACE_START) {
    this.lastTime = start;
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
    if (this.rowIds.length < n) this.rowIds = new Int32Array(n);
    const rowId = this.rowIds;
    for (let i = 0; i < n; i++) {
      const id = this.ids.intern(job[i]!, idx[i]!);
      if (id === this.submit.length) this.newTask(pri[i]!);
      rowId[i] = id;
    }
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
      if (u === u && user[id] === -1) {
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
        runs[id]!++;
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

  private newTask(priority: number): void {
    this.submit.push(Number.NaN);
    this.duration.push(0);
    this.runStart.push(Number.NaN);
    this.firstSchedule.push(Number.NaN);
    this.cpu.push(Number.NaN);
    this.mem.push(Number.NaN);
    this.priority.push(priority);
    this.sclass.push(-1);
    this.user.push(-1);
    this.runs.push(0);
    this.last.push(-1);
  }

  /**
   * The task table over the window [start, end]: a task still running at
   * `end` runs until `end`; a task without any request gets 0 (counted in
   * `missingRequests`).
   */
  build(end = this.lastTime): { tasks: TaskTable & Partial<TaskExtras>; missingRequests: number } {
    const n = this.ids.count;
    const duration = this.duration.toArray();
    const runStart = this.runStart.data;
    const cpu = this.cpu.toArray();
    const mem = this.mem.toArray();
    let missingRequests = 0;
    for (let i = 0; i < n; i++) {
      const rs = runStart[i]!;
      if (rs === rs && end > rs) duration[i]! += end - rs;
      if (cpu[i]! !== cpu[i]! || mem[i]! !== mem[i]!) missingRequests++;
      if (cpu[i]! !== cpu[i]!) cpu[i] = 0;
      if (mem[i]! !== mem[i]!) mem[i] = 0;
    }
    const sclass = this.sclass.toArray();
    for (let i = 0; i < n; i++) if (sclass[i]! < 0) sclass[i] = 0;
    return {
      tasks: {
        count: n,
        jobId: this.ids.jobId.toArray(),
        taskIndex: this.ids.taskIndex.toArray(),
        submit: this.submit.toArray(),
        duration,
        cpuRequest: cpu,
        memRequest: mem,
        priority: this.priority.toArray(),
        schedulingClass: sclass,
        user: this.user.toArray(),
        runs: this.runs.toArray(),
        lastEvent: this.last.toArray(),
        firstSchedule: this.firstSchedule.toArray(),
      },
      missingRequests,
    };
  }
}

function summaryOf(files: string[], rows: number, p: Problems): ReadSummary {
  return { files, rows, skipped: p.skipped, firstProblems: [...p.first], corruptFiles: p.corruptFiles };
}

/** Result of {@link readTaskEvents}. */
export interface TaskEventsResult {
  /** One row per task. */
  tasks: TaskTable & Partial<TaskExtras>;
  /** The dense-id map, to join `task_usage` rows. */
  ids: TaskIds;
  /** Window start (600e6 µs). */
  start: number;
  /** Window end: the last event time. */
  end: number;
  /** Tasks that had no CPU or memory request in any event (set to 0). */
  missingRequests: number;
  /** Files, rows and skipped lines. */
  summary: ReadSummary;
}

/** Streams `task_events` into a {@link TaskTableBuilder} (the table is built later, once the window end is known). */
export async function scanTaskEvents(path: string, opts: GoogleReadOptions = {}, problems = new Problems(opts.strict)): Promise<{ builder: TaskTableBuilder; files: string[] }> {
  const files = partFiles(path, opts.parts);
  const builder = new TaskTableBuilder(TRACE_START);
  for await (const batch of tableBatches(path, TASK_EVENTS_SPEC, problems, opts, files)) builder.add(batch);
  return { builder, files };
}

/** Reads `task_events` (a file or a folder of part files) into a {@link TaskTable}; the window ends at the last event. */
export async function readTaskEvents(path: string, opts: GoogleReadOptions = {}, problems = new Problems(opts.strict)): Promise<TaskEventsResult> {
  const { builder: b, files } = await scanTaskEvents(path, opts, problems);
  const end = b.lastTime;
  const { tasks, missingRequests } = b.build(end);
  return { tasks, ids: b.ids, start: TRACE_START, end, missingRequests, summary: summaryOf(files, b.events, problems) };
}

/** One batch of `task_usage` rows in file order, with the dense task id joined in. */
export interface UsageBatch {
  /** Rows in the batch. */
  rows: number;
  /** Dense task id, -1 when the task is not in the given {@link TaskIds} (or none was given). */
  task: Int32Array;
  /** Job ID, task index and machine ID as in the file. */
  jobId: Float64Array;
  /** Task index within the job. */
  taskIndex: Float64Array;
  /** Trace machine ID. */
  machineId: Float64Array;
  /** Window start, µs (0 → trace start). */
  start: Float64Array;
  /** Window end, µs. */
  end: Float64Array;
  /** Mean CPU rate. */
  cpu: Float64Array;
  /** Assigned memory usage. */
  mem: Float64Array;
  /** Maximum CPU rate. */
  maxCpu: Float64Array;
  /** Memory accesses per instruction. */
  mai: Float64Array;
  /** Every parsed raw column (canonicalMem, cpi, … with `allColumns`) by name. */
  cols: Record<string, Float64Array>;
  /** File the rows come from. */
  file: string;
}

/**
 * Streams `task_usage` batch by batch (bounded memory: one batch of arrays
 * at a time, whatever the file size). Rows are in file order, which in the
 * trace is window-start order, so consuming batches is consuming windows.
 * Only {@link USAGE_REPLAY_COLUMNS} are parsed (the other fields are counted
 * but their content is not checked) unless `allColumns` is set; `cols`
 * holds every parsed column by name.
 */
export async function* usageBatches(path: string, opts: GoogleReadOptions & { ids?: TaskIds; allColumns?: boolean } = {}, problems = new Problems(opts.strict)): AsyncGenerator<UsageBatch> {
  const ids = opts.ids;
  const spec = opts.allColumns ? TASK_USAGE_SPEC : TASK_USAGE_REPLAY_SPEC;
  for await (const b of tableBatches(path, spec, problems, opts)) {
    const n = b.rows;
    const task = new Int32Array(n);
    const job = b.cols.jobId!;
    const idx = b.cols.taskIndex!;
    if (ids) for (let i = 0; i < n; i++) task[i] = ids.get(job[i]!, idx[i]!);
    else task.fill(-1);
    const start = b.cols.start!;
    const end = b.cols.end!;
    for (let i = 0; i < n; i++) {
      start[i] = traceTime(start[i]!);
      end[i] = traceTime(end[i]!);
    }
    yield {
      rows: n,
      task,
      jobId: job,
      taskIndex: idx,
      machineId: b.cols.machineId!,
      start,
      end,
      cpu: b.cols.cpu!,
      mem: b.cols.mem!,
      maxCpu: b.cols.maxCpu!,
      mai: b.cols.mai!,
      cols: b.cols,
      file: b.file,
    };
  }
}

/** Columns of a {@link UsageBatch} that {@link usageWindows} carries over. */
const WINDOW_COLS = ['jobId', 'taskIndex', 'machineId', 'start', 'end', 'cpu', 'mem', 'maxCpu', 'mai'] as const;

/**
 * Streams `task_usage` one measurement window at a time: each batch holds the
 * rows whose start falls in one window [start + k·windowUs, start + (k+1)·windowUs)
 * (`window` = k), in file order. The trace is ordered by start time, so every
 * window comes once; should a file go back in time, that window is yielded
 * again as a new batch. Memory: the rows of one window.
 */
export async function* usageWindows(
  path: string,
  opts: GoogleReadOptions & { ids?: TaskIds; windowUs?: number; start?: number } = {},
  problems = new Problems(opts.strict),
): AsyncGenerator<UsageBatch & { window: number }> {
  const W = opts.windowUs ?? 300e6;
  const t0 = opts.start ?? TRACE_START;
  if (!(W > 0)) throw new FairfitError('INVALID_OPTION', `windowUs must be > 0, got ${String(W)}`, { field: 'windowUs' });
  const cols = WINDOW_COLS.map(() => new F64Column(4096));
  const task = new I32Column(4096);
  let current = Number.NaN;
  let file = path;
  const flush = (): UsageBatch & { window: number } => {
    const c = cols.map((x) => x.toArray());
    const b = {
      rows: task.length,
      task: task.toArray(),
      jobId: c[0]!,
      taskIndex: c[1]!,
      machineId: c[2]!,
      start: c[3]!,
      end: c[4]!,
      cpu: c[5]!,
      mem: c[6]!,
      maxCpu: c[7]!,
      mai: c[8]!,
      cols: Object.fromEntries(WINDOW_COLS.map((n, k) => [n, c[k]!])),
      file,
      window: current,
    };
    for (const x of cols) x.length = 0;
    task.length = 0;
    return b;
  };
  for await (const b of usageBatches(path, opts, problems)) {
    const src = WINDOW_COLS.map((n) => b[n]);
    for (let i = 0; i < b.rows; i++) {
      const k = Math.floor((b.start[i]! - t0) / W);
      if (k !== current) {
        if (task.length > 0) yield flush();
        current = k;
        file = b.file;
      }
      for (let c = 0; c < cols.length; c++) cols[c]!.push(src[c]![i]!);
      task.push(b.task[i]!);
    }
  }
  if (task.length > 0) yield flush();
}

/**
 * Reads `task_usage` into a {@link UsageTable} joined to `ids`, sorted by
 * task then start. Rows of tasks absent from `ids` cannot be placed in the
 * table: they are counted in `unmatched` (not dropped silently).
 */
export async function readTaskUsage(path: string, ids: TaskIds, opts: GoogleReadOptions = {}, problems = new Problems(opts.strict)): Promise<{ usage: UsageTable; unmatched: number; summary: ReadSummary }> {
  const files = partFiles(path, opts.parts);
  const task = new I32Column();
  const start = new F64Column();
  const end = new F64Column();
  const cpu = new F64Column();
  const mem = new F64Column();
  const maxCpu = new F64Column();
  const mai = new F64Column();
  let rows = 0;
  let unmatched = 0;
  for await (const b of usageBatches(path, { ...opts, ids }, problems)) {
    rows += b.rows;
    for (let i = 0; i < b.rows; i++) {
      const t = b.task[i]!;
      if (t < 0) {
        unmatched++;
        continue;
      }
      task.push(t);
      start.push(b.start[i]!);
      end.push(b.end[i]!);
      cpu.push(b.cpu[i]!);
      mem.push(b.mem[i]!);
      maxCpu.push(b.maxCpu[i]!);
      mai.push(b.mai[i]!);
    }
  }
  const order = orderByTaskThenStart(task.data, start.data, task.length, ids.count);
  const usage: UsageTable = {
    count: task.length,
    task: permute(task.data, order),
    start: permute(start.data, order),
    end: permute(end.data, order),
    cpu: permute(cpu.data, order),
    mem: permute(mem.data, order),
    maxCpu: permute(maxCpu.data, order),
    mai: permute(mai.data, order),
  };
  return { usage, unmatched, summary: summaryOf(files, rows, problems) };
}

/** Reads `machine_events` into a {@link MachineEventTable} (machines dense in order of first appearance). */
export async function readMachineEvents(path: string, opts: GoogleReadOptions = {}, problems = new Problems(opts.strict)): Promise<{ machineEvents: MachineEventTable & { machineId: Float64Array }; summary: ReadSummary }> {
  const files = partFiles(path, opts.parts);
  const time = new F64Column();
  const machine = new I32Column();
  const type = new I32Column();
  const cpu = new F64Column();
  const mem = new F64Column();
  const machineIds = new F64Column();
  const dense = new Map<number, number>();
  for await (const b of tableBatches(path, MACHINE_EVENTS_SPEC, problems, opts, files)) {
    const t = b.cols.time!;
    const m = b.cols.machineId!;
    const e = b.cols.eventType!;
    const c = b.cols.cpu!;
    const r = b.cols.mem!;
    for (let i = 0; i < b.rows; i++) {
      let id = dense.get(m[i]!);
      if (id === undefined) {
        dense.set(m[i]!, (id = dense.size));
        machineIds.push(m[i]!);
      }
      time.push(traceTime(t[i]!));
      machine.push(id);
      type.push(e[i]!);
      cpu.push(c[i]!);
      mem.push(r[i]!);
    }
  }
  return {
    machineEvents: {
      count: time.length,
      time: time.toArray(),
      machine: machine.toArray(),
      type: type.toArray(),
      cpu: cpu.toArray(),
      mem: mem.toArray(),
      machines: dense.size,
      machineId: machineIds.toArray(),
    },
    summary: summaryOf(files, time.length, problems),
  };
}

/** Options of {@link readGoogleTrace} (the agreed cross-team shape). */
export interface GoogleTraceOptions {
  /** Stop at the first bad line with FairfitError('PARSE_ERROR', "file:line: reason"). */
  strict?: boolean;
  /** Read task_usage/ if present (default true). */
  usage?: boolean;
  /** Read machine_events/ if present (default true). */
  machineEvents?: boolean;
  /** Read at most this many task_events part files (default all). */
  taskEventParts?: number;
}

/**
 * Reads a Google 2011 trace folder (`task_events/` required; `task_usage/`
 * and `machine_events/` when present) into a {@link ReplayInput}. `dir` may
 * also be a `task_events` file or folder of part files on its own.
 *
 * Bad lines are skipped and counted in `summary` (strict: the first one
 * throws `PARSE_ERROR`; a broken gzip throws `CORRUPT_INPUT`); a missing
 * path throws `FILE_NOT_FOUND`.
 */
export async function readGoogleTrace(dir: string, opts: GoogleTraceOptions = {}): Promise<ReplayInput & { summary: ReadSummary }> {
  if (!existsSync(dir)) throw new FairfitError('FILE_NOT_FOUND', `${dir}: no such file or folder`, { file: dir });
  const problems = new Problems(opts.strict ?? false);
  const isRoot = statSync(dir).isDirectory() && existsSync(join(dir, 'task_events'));
  const te = await scanTaskEvents(isRoot ? join(dir, 'task_events') : dir, { strict: opts.strict, parts: opts.taskEventParts }, problems);
  const files = [...te.files];
  let rows = te.builder.events;
  const source: Record<string, unknown> = { format: 'google2011', path: dir, taskEvents: te.builder.events };
  // The window ends at the last event of task_events or task_usage, whichever is later.
  let end = te.builder.lastTime;
  let usage: UsageTable | undefined;
  if (isRoot && opts.usage !== false && existsSync(join(dir, 'task_usage'))) {
    const u = await readTaskUsage(join(dir, 'task_usage'), te.builder.ids, { strict: opts.strict }, problems);
    usage = u.usage;
    for (let i = 0; i < usage.count; i++) {
      const e = usage.end[i]!;
      if (e > end && e !== Number.POSITIVE_INFINITY) end = e;
    }
    files.push(...u.summary.files);
    rows += u.summary.rows;
    source.usageRows = u.summary.rows;
    source.usageUnmatched = u.unmatched;
  }
  const { tasks, missingRequests } = te.builder.build(end);
  source.tasks = tasks.count;
  source.missingRequests = missingRequests;
  const out: ReplayInput & { summary: ReadSummary } = { tasks, start: TRACE_START, end, source, summary: summaryOf(files, rows, problems) };
  if (usage) out.usage = usage;
  if (isRoot && opts.machineEvents !== false && existsSync(join(dir, 'machine_events'))) {
    const m = await readMachineEvents(join(dir, 'machine_events'), { strict: opts.strict }, problems);
    out.machineEvents = m.machineEvents;
    files.push(...m.summary.files);
    rows += m.summary.rows;
    source.machineEvents = m.summary.rows;
    source.machines = m.machineEvents.machines;
  }
  out.summary = summaryOf(files, rows, problems);
  source.files = files;
  source.skipped = problems.skipped;
  source.corruptFiles = problems.corruptFiles;
  source.firstProblems = [...problems.first];
  return out;
}
