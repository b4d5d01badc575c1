/**
 * Trace loading for a GiantVM replay or sweep: a folder in the Google 2011 format (read
 * with `readGoogleTrace`) or a {@link ReplayInput} already in memory, and the
 * `trace` record every output carries (source, counts, window, modes).
 *
 * @module
 */
import { FairfitError } from '../../errors.ts';
import { readGoogleTrace } from '../../io/google/trace-folder.ts';
import type { ReplayInput } from '../../model/tasks.ts';
import { invalid } from '../../runner/checks.ts';
import type { ReplayParams } from './types.ts';

/** How to read a trace folder (passed to `readGoogleTrace`). */
export interface TraceReadOptions {
  /** Stop at the first bad line (`PARSE_ERROR`) instead of skipping and counting it. */
  strict?: boolean;
  /** Read at most this many task_events part files (default all). */
  taskEventParts?: number;
}

/**
 * Resolves `trace` to a replay input. A folder is read with task_usage only
 * when some configuration uses `usage: 'trace'`, and machine_events only when
 * some uses `machines: 'trace'` (full task_usage parts are large; reading
 * what no run uses would only cost time).
 */
export async function loadTrace(trace: string | ReplayInput, needs: { usage: boolean; machineEvents: boolean }, read: TraceReadOptions = {}): Promise<ReplayInput> {
  if (typeof trace === 'string') {
    if (trace === '') invalid('trace', 'empty path');
    return readGoogleTrace(trace, { strict: read.strict, usage: needs.usage, machineEvents: needs.machineEvents, taskEventParts: read.taskEventParts });
  }
  if (trace === null || typeof trace !== 'object' || typeof trace.tasks !== 'object' || trace.tasks === null) {
    invalid('trace', 'expected a trace folder path or a ReplayInput ({ tasks, start, end, ... })');
  }
  if (needs.machineEvents && !trace.machineEvents) {
    throw new FairfitError('INVALID_OPTION', "machines: 'trace' needs machine events, and this input has none", { field: 'machines' });
  }
  return trace;
}

/**
 * The `trace` record of a report: the input's own `source` record (path,
 * files, rows, skipped lines, first problems…), then counts, the window, and
 * the modes asked for. Nothing in it depends on time or on the worker count.
 */
export function traceRecord(input: ReplayInput, modes: { usage: ReplayParams['usage']; machines: ReplayParams['machines'] | ReplayParams['machines'][]; seed?: number; seeds?: number[] }): Record<string, unknown> {
  const record: Record<string, unknown> = { ...(input.source ?? { source: 'in-memory ReplayInput' }) };
  // The reader's `machines` is the count of distinct trace machines; `machines` here is the mode the runs used.
  if ('machines' in record) {
    record.traceMachines = record.machines;
    delete record.machines;
  }
  record.tasks = input.tasks.count;
  record.usageWindows = input.usage?.count ?? 0;
  record.machineEventRows = input.machineEvents?.count ?? 0;
  record.start = input.start;
  record.end = input.end;
  // Mode keys always describe the runs, never a same-named field of the source record.
  delete record.seed;
  delete record.seeds;
  record.usage = modes.usage;
  record.machines = modes.machines;
  if (modes.seed !== undefined) record.seed = modes.seed;
  if (modes.seeds !== undefined) record.seeds = modes.seeds;
  return record;
}
