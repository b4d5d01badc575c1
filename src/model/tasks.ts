/**
 * The columnar task model shared by the trace readers (src/io/) and the
 * replay (src/systems/giantvm/): struct-of-arrays, one row per task
 * or per usage window, ready to be copied into WebAssembly memory in one batch.
 *
 * Times are µs of trace time as float64 (exact up to 2^53 µs ≈ 285 years).
 * Resources are normalised as in the Google 2011 trace (largest machine = 1).
 *
 * @module
 */
import type { FairfitErrorCode } from '../errors.ts';

/** One row per task (job ID, task index), dense ids 0..count-1 in order of first appearance. */
export interface TaskTable {
  count: number;
  /** Original job ID (Google job IDs fit a float64 exactly). */
  jobId: Float64Array;
  /** Task index within the job. */
  taskIndex: Int32Array;
  /** First SUBMIT time, µs (time-0 rows: the state of the cell at the trace start). */
  submit: Float64Array;
  /** Trace run time SCHEDULE → terminal event, µs (how the reader derives it is in docs/model.md). */
  duration: Float64Array;
  /** CPU request (normalised). */
  cpuRequest: Float64Array;
  /** Memory request (normalised). */
  memRequest: Float64Array;
  /** Priority 0–11 (bigger = more important). */
  priority: Int32Array;
  /** Scheduling class 0–3 (3 = most latency-sensitive). */
  schedulingClass: Int32Array;
  /** Optional (trace readers): dense user id, -1 when unknown. */
  user?: Int32Array;
  /** Optional (Google reader): number of SCHEDULE events (runs) of the task in the window. */
  runs?: Int32Array;
  /** Optional (Google reader): last event type seen (0 SUBMIT … 8 UPDATE_RUNNING). */
  lastEvent?: Int32Array;
  /** Optional (Google reader): first SCHEDULE time, µs (NaN when never scheduled). */
  firstSchedule?: Float64Array;
}

/** Usage windows (Google `task_usage` or the synthetic model), sorted by task then start. */
export interface UsageTable {
  count: number;
  /** Dense task id into the {@link TaskTable}. */
  task: Int32Array;
  /** Window start and end, µs. */
  start: Float64Array;
  end: Float64Array;
  /** Mean CPU rate in the window (normalised cores). */
  cpu: Float64Array;
  /** Assigned memory (normalised). */
  mem: Float64Array;
  /** Maximum CPU rate in the window. */
  maxCpu: Float64Array;
  /** Memory accesses per instruction (NaN where unknown). */
  mai: Float64Array;
}

/** Early rows of every task, by task then row index (CSR: task `i` has rows `[first[i], first[i + 1])`). */
export interface EarlyRows {
  first: Int32Array;
  /** Index of the row among its task's rows, in file order. */
  index: Int32Array;
  end: Float64Array;
  cpu: Float64Array;
  mem: Float64Array;
  maxCpu: Float64Array;
  mai: Float64Array;
}

/**
 * What a replay needs to read `task_usage` in time order instead of holding
 * a {@link UsageTable} (src/io/google/usage-index.ts); structured-clonable
 * (typed arrays and plain data).
 */
export interface UsageIndex {
  /** The part files, in reading order. */
  files: string[];
  /** Rows of each task of the id map (dense id). */
  rows: Int32Array;
  /** Rows joined to a task (the usage windows a whole-table read would hold). */
  count: number;
  early: EarlyRows;
  /**
   * The first row a replay with trace usage cannot use, as the checks of a
   * whole usage table would refuse it (negative or non-finite CPU or memory,
   * NaN end), or a task's row that starts before an earlier row of the same
   * task (the rows would have to be sorted). Thrown by `prepareReplay` in
   * usage 'trace' mode only: other modes never look at usage rows.
   */
  problem?: { code: FairfitErrorCode; message: string; field: string; file: string; line: number };
}

/** Machine events (Google `machine_events`): machines added, removed and updated over time. */
export interface MachineEventTable {
  count: number;
  /** µs. */
  time: Float64Array;
  /** Dense machine id 0..machines-1 in order of first appearance. */
  machine: Int32Array;
  /** 0 ADD, 1 REMOVE, 2 UPDATE. */
  type: Int32Array;
  /** CPU and memory capacity (normalised; NaN where the trace leaves them empty). */
  cpu: Float64Array;
  mem: Float64Array;
  /** Number of distinct machines. */
  machines: number;
}

/**
 * A task table read without being held (the Google reader's spilling mode): buckets of
 * consecutive dense ids, read one at a time (src/io/google/spilled-tasks.ts).
 */
export interface TaskBuckets {
  readonly count: number;
  /** Number of buckets; bucket b holds dense ids [b·bucketSize, …). */
  readonly buckets: number;
  readonly bucketSize: number;
  /** Bucket `b`'s tasks (dense ids `[first, first + tasks.count)`), with the Google reader's last event and first schedule. */
  bucket(b: number): { first: number; tasks: TaskTable & { lastEvent: Int32Array; firstSchedule: Float64Array } };
  /** The whole table, as the one-pass reader would have built it. */
  materialize(): TaskTable & { lastEvent: Int32Array; firstSchedule: Float64Array };
  /** Removes its files (then it cannot be read). */
  dispose(): void;
}

/** Everything a replay needs from a trace. */
export interface ReplayInput {
  /**
   * The task table. With `spilled` set, it is made from the buckets the first time it is
   * read (a consumer that is not bucket-aware gets the whole table, as from a one-pass read).
   */
  tasks: TaskTable;
  /** The tasks on disk in buckets (a read made for a run whose preparations stream them). */
  spilled?: TaskBuckets;
  /** Usage windows, when the trace has them (`usage: 'trace'`). */
  usage?: UsageTable;
  /** `task_usage` to read in time order as the replay advances, instead of `usage` (one of the two). */
  usageIndex?: UsageIndex;
  /** Machine events, for `machines: 'trace'`. */
  machineEvents?: MachineEventTable;
  /** Trace window [start, end) in µs: time-0 rows are placed at `start`. */
  start: number;
  end: number;
  /** Where it came from (file names, counts, skipped lines), carried into every output. */
  source?: Record<string, unknown>;
}
