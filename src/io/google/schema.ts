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

/**
 * Latest valid trace time, µs: 3651 days, one day more than the longest trace
 * `fairfit gen` writes (the real trace spans 29 days). A time above it (other
 * than {@link AFTER_TRACE_TIME}) is a damaged value, not a very long trace: one such
 * row would stretch the replay window to years.
 */
export const MAX_TRACE_TIME = 3651 * 86400e6;
/** 2^63−1 as the trace writes it: "after the end of the trace". */
export const AFTER_TRACE_TIME = 9223372036854775807;
/** Largest resource request or capacity: the trace normalises them to the largest machine, so above 1 fits no machine. */
export const MAX_REQUEST = 1;
/** Largest usage measurement (CPU rate, memory, maximum CPU, memory accesses per instruction): 100 × the largest machine. */
export const MAX_USAGE = 100;
/** Largest job ID (exact in a float64). */
const MAX_ID = Number.MAX_SAFE_INTEGER;
/** Largest task index (an int32 column). */
const MAX_INDEX = 2 ** 31 - 1;

const TIME = { min: 0, max: MAX_TRACE_TIME, maxNote: '3651 days in µs', also: [AFTER_TRACE_TIME] } as const;
const ID = { min: 0, max: MAX_ID, integer: true } as const;
const INDEX = { min: 0, max: MAX_INDEX, integer: true } as const;
const REQUEST = { min: 0, max: MAX_REQUEST, maxNote: 'normalised to the largest machine' } as const;
const USAGE = { min: 0, max: MAX_USAGE, maxNote: '100 × the largest machine' } as const;

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

/** A measurement window must not end before it starts (2^63−1 ends after anything). */
function usageWindowCheck(cols: Record<string, Float64Array>, i: number): string | undefined {
  const start = cols.start![i]!;
  const end = cols.end![i]!;
  return end < start ? `field 2 (end) must be ≥ field 1 (start) ${start}, got ${end}` : undefined;
}

/** `task_events` columns (the trace's schema.csv: 13 fields; mandatory ones required). */
export const TASK_EVENTS_SPEC: CsvSpec = {
  format: 'task_events',
  fields: [
    { name: 'time', kind: N, required: true, ...TIME },
    { name: 'missingInfo', kind: N, min: 0, max: 2, integer: true },
    { name: 'jobId', kind: N, required: true, ...ID },
    { name: 'taskIndex', kind: N, required: true, ...INDEX },
    { name: 'machineId', kind: N, ...ID },
    { name: 'eventType', kind: N, required: true, min: 0, max: 8, integer: true },
    { name: 'user', kind: H },
    { name: 'schedulingClass', kind: N, min: 0, max: 3, integer: true },
    { name: 'priority', kind: N, required: true, min: 0, max: 11, integer: true },
    { name: 'cpuRequest', kind: N, ...REQUEST },
    { name: 'memRequest', kind: N, ...REQUEST },
    { name: 'diskRequest', kind: N, ...REQUEST },
    { name: 'differentMachines', kind: N, min: 0, max: 1, integer: true },
  ],
};

/** `task_usage` columns (the trace's schema.csv: 20 fields). */
export const TASK_USAGE_SPEC: CsvSpec = {
  format: 'task_usage',
  fields: [
    { name: 'start', kind: N, required: true, ...TIME },
    { name: 'end', kind: N, required: true, ...TIME },
    { name: 'jobId', kind: N, required: true, ...ID },
    { name: 'taskIndex', kind: N, required: true, ...INDEX },
    { name: 'machineId', kind: N, required: true, ...ID },
    { name: 'cpu', kind: N, ...USAGE },
    { name: 'canonicalMem', kind: N, ...USAGE },
    { name: 'mem', kind: N, ...USAGE },
    { name: 'unmappedPageCache', kind: N, ...USAGE },
    { name: 'totalPageCache', kind: N, ...USAGE },
    { name: 'maxMem', kind: N, ...USAGE },
    { name: 'diskIoTime', kind: N, min: 0 },
    { name: 'localDisk', kind: N, ...USAGE },
    { name: 'maxCpu', kind: N, ...USAGE },
    { name: 'maxDiskIo', kind: N, min: 0 },
    { name: 'cpi', kind: N, min: 0 },
    { name: 'mai', kind: N, ...USAGE },
    { name: 'samplePortion', kind: N, min: 0, max: 1 },
    { name: 'aggregationType', kind: N, min: 0, max: 1, integer: true },
    { name: 'sampledCpu', kind: N, ...USAGE },
  ],
  rowCheck: usageWindowCheck,
};

/** The task_usage columns a replay needs; the others are skipped unless `allColumns` is asked for. */
export const USAGE_REPLAY_COLUMNS: readonly string[] = ['start', 'end', 'jobId', 'taskIndex', 'machineId', 'cpu', 'mem', 'maxCpu', 'mai'];

/** {@link TASK_USAGE_SPEC} with the columns outside {@link USAGE_REPLAY_COLUMNS} skipped (counted, not parsed). */
export const TASK_USAGE_REPLAY_SPEC: CsvSpec = {
  format: 'task_usage',
  fields: TASK_USAGE_SPEC.fields.map((f) => (USAGE_REPLAY_COLUMNS.includes(f.name) ? f : { ...f, kind: S })),
  rowCheck: usageWindowCheck,
};

/** `machine_events` columns (the trace's schema.csv: 6 fields). */
export const MACHINE_EVENTS_SPEC: CsvSpec = {
  format: 'machine_events',
  fields: [
    { name: 'time', kind: N, required: true, ...TIME },
    { name: 'machineId', kind: N, required: true, ...ID },
    { name: 'eventType', kind: N, required: true, min: 0, max: 2, integer: true },
    { name: 'platform', kind: S },
    { name: 'cpu', kind: N, ...REQUEST },
    { name: 'mem', kind: N, ...REQUEST },
  ],
};

/** Maps trace time to the replay's time axis: 0 → start, 2^63−1 → +Infinity. */
export function traceTime(t: number, start = TRACE_START): number {
  return t === 0 ? start : t >= AFTER_TRACE ? Number.POSITIVE_INFINITY : t;
}
