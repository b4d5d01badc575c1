/**
 * The Google ClusterData-2011 tables as the readers see them: the column
 * specs of `task_events`, `task_usage` and `machine_events` (from the trace's
 * published schema), the event types, and the trace's time conventions.
 *
 * Times: µs; 0 (before the trace) is placed at {@link TRACE_START}; 2^63−1
 * (after the trace) becomes +Infinity in raw batches ({@link traceTime}) and
 * the window end in derived tables.
 *
 * @module
 */
import { FieldKind, type CsvSpec } from '../csv/spec.ts';

const N = FieldKind.Number;
const H = FieldKind.Hash;
const S = FieldKind.Skip;

/** Trace time of the start of the 2011 trace window: 600 s (as the trace's published schema document states). */
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

/** `task_events` columns (the trace's schema.csv: 13 fields; mandatory ones required). */
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

/** `task_usage` columns (the trace's schema.csv: 20 fields). */
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

/** `machine_events` columns (the trace's schema.csv: 6 fields). */
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

/** Maps trace time to the replay's time axis: 0 → start, 2^63−1 → +Infinity. */
export function traceTime(t: number, start = TRACE_START): number {
  return t === 0 ? start : t >= AFTER_TRACE ? Number.POSITIVE_INFINITY : t;
}
