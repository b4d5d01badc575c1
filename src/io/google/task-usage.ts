/**
 * The `task_usage` readers: raw batches with the task id joined in
 * ({@link usageBatches}), the same rows regrouped by measurement window
 * ({@link usageWindows}), and the whole table sorted by task
 * ({@link readTaskUsage}).
 *
 * @module
 */
import { checkOptionNames, checkPath, FairfitError } from '../../errors.ts';
import type { UsageTable } from '../../model/tasks.ts';
import { F64Column, I32Column, orderByTaskThenStart, permute } from '../columns.ts';
import { Problems, readSummary, type ReadSummary } from '../csv/problems.ts';
import { RingChunkReader } from '../csv/file-chunks.ts';
import { readCsvBatchesSync } from '../csv/read-batches.ts';
import type { ColumnBatch } from '../csv/spec.ts';
import { GOOGLE_READ_OPTIONS, partFiles, tableBatches, type GoogleReadOptions } from './part-files.ts';
import { TASK_USAGE_REPLAY_SPEC, TASK_USAGE_SPEC, TRACE_START, USAGE_REPLAY_COLUMNS, traceTime } from './schema.ts';
import type { TaskIds } from './task-ids.ts';

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
  /** Line of each row in `file` (with the `lines` read option). */
  lines?: Float64Array;
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
      ...(b.lines ? { lines: b.lines } : {}),
    };
  }
}

/**
 * The replay columns of `task_usage` files read without awaiting (the replay
 * driver pulls them while it runs, src/systems/giantvm/trace-usage-feed.ts;
 * one helper thread reads and gunzips every file, `RingChunkReader`):
 * the rows {@link usageBatches} gives, in the same order, with start and end
 * as trace times. Only the columns the replay uses are set.
 */
export function* usageBatchesSync(files: readonly string[], problems: Problems, opts: GoogleReadOptions = {}): Generator<Pick<UsageBatch, 'rows' | 'jobId' | 'taskIndex' | 'start' | 'end' | 'cpu' | 'mem' | 'maxCpu' | 'mai' | 'file'>> {
  const reader = new RingChunkReader(files);
  try {
    for (const [k, f] of files.entries()) yield* usageOfBatches(readCsvBatchesSync(f, reader.chunks(k), TASK_USAGE_REPLAY_SPEC, problems, opts));
  } finally {
    reader.close();
  }
}

/** Raw replay-column batches as usage batches: start and end as trace times. */
function* usageOfBatches(batches: Generator<ColumnBatch>): Generator<Pick<UsageBatch, 'rows' | 'jobId' | 'taskIndex' | 'start' | 'end' | 'cpu' | 'mem' | 'maxCpu' | 'mai' | 'file'>> {
  for (const b of batches) {
    const n = b.rows;
    const start = b.cols.start!;
    const end = b.cols.end!;
    for (let i = 0; i < n; i++) {
      start[i] = traceTime(start[i]!);
      end[i] = traceTime(end[i]!);
    }
    yield { rows: n, jobId: b.cols.jobId!, taskIndex: b.cols.taskIndex!, start, end, cpu: b.cols.cpu!, mem: b.cols.mem!, maxCpu: b.cols.maxCpu!, mai: b.cols.mai!, file: b.file };
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
  checkPath(path, 'path');
  // { strikt: true } was ignored (read leniently).
  checkOptionNames(opts, [...GOOGLE_READ_OPTIONS, 'ids', 'windowUs', 'start'], 'usageWindows');
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
export async function readTaskUsage(path: string, ids: TaskIds, opts: GoogleReadOptions = {}, problems?: Problems): Promise<{ usage: UsageTable; unmatched: number; summary: ReadSummary }> {
  checkPath(path, 'path');
  checkOptionNames(opts, GOOGLE_READ_OPTIONS, 'readTaskUsage');
  problems ??= new Problems(opts.strict);
  const files = partFiles(path, opts.parts, 'parts');
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
  return { usage, unmatched, summary: readSummary(files, rows, problems) };
}
