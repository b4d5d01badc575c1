/**
 * The columnar task model shared by the trace readers (src/io/) and the
 * replay (src/systems/giantvm/, src/sim/): struct-of-arrays, one row per task
 * or per usage window, ready to be copied into WebAssembly memory in one batch.
 *
 * Times are µs of trace time as float64 (exact up to 2^53 µs ≈ 285 years).
 * Resources are normalised as in the Google 2011 trace (largest machine = 1).
 *
 * @module
 */

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
