/**
 * Trace loading for a GiantVM replay or sweep: a folder in the Google 2011 format (read
 * with `readGoogleTrace`) or a {@link ReplayInput} already in memory, and the
 * `trace` record every output carries (source, counts, window, modes).
 *
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FairfitError, plural, shown } from '../../errors.ts';
import { checkDamage, type ReadSummary } from '../../io/csv/problems.ts';
import { detectTraceFormat } from '../../io/detect.ts';
import { readGoogleTrace } from '../../io/google/trace-folder.ts';
import { readSwf } from '../../io/swf.ts';
import type { ReplayInput } from '../../model/tasks.ts';
import { invalid } from '../../runner/checks.ts';
import { checkInput, noLastEvents } from './prepare.ts';
import type { ResolvedParams } from './replay-params.ts';
import type { ReplayParams } from './types.ts';

/** How to read a trace folder (passed to `readGoogleTrace`). */
export interface TraceReadOptions {
  /** Stop at the first bad line (`PARSE_ERROR`) instead of skipping and counting it. */
  strict?: boolean;
  /** Read at most this many task_events part files of a Google folder (default all; refused for an SWF log or a task_events file). */
  taskEventParts?: number;
  /**
   * Refuse the trace (`PARSE_ERROR`, before any run) when more than this
   * fraction of its lines was skipped, or (below 1; `CORRUPT_INPUT`) when a file is truncated
   * or corrupt, since the rows lost with it are not counted. Default: no limit.
   */
  maxSkipped?: number;
  /**
   * How a Google 2011 folder's task_usage is read for `usage: 'trace'`:
   * `'stream'` (default) in time order as each replay advances, so memory
   * does not grow with the usage rows; `'whole'` into memory first (the
   * rows need not be in time order per task then).
   */
  usageRead?: 'stream' | 'whole';
  /** Called once the trace is read, with what was read and skipped and the format chosen (before the limit checks). */
  onRead?: (read: TraceReadReport) => void;
}

/** What {@link TraceReadOptions.onRead} is told. */
export interface TraceReadReport {
  /** The format read: `google2011` or `swf`. */
  format: string;
  /** Why that format (detected from the path: a folder's tables, a file's name and first line). */
  detected: string;
  summary: ReadSummary;
  /** Window start and end, µs. */
  start: number;
  end: number;
  /** Machines of the trace's machine_events, when they were read (some run uses `machines: 'trace'`). */
  machines?: number;
  /** task_usage rows left out because their task is not in task_events (when any). */
  usageUnmatched?: number;
}

/** Checks `maxSkipped` of the read options. */
export function checkMaxSkipped(v: unknown): void {
  if (v !== undefined && (typeof v !== 'number' || !(v >= 0 && v <= 1))) invalid('maxSkipped', `must be a number in [0, 1], got ${shown(v)}`);
}


/**
 * Resolves `trace` to a replay input. A path is detected (`detectTraceFormat`):
 * a Google 2011 folder is read with task_usage only when some configuration
 * uses `usage: 'trace'`, and machine_events only when some uses
 * `machines: 'trace'` (full task_usage parts are large; reading what no run
 * uses would only cost time); an SWF log is read with `readSwf`; an Alibaba
 * 2018 folder has no tasks and is refused. A trace without valid rows, or
 * whose rows span no time, throws `NO_DATA`.
 */
export async function loadTrace(trace: string | ReplayInput, needs: { usage: boolean; machineEvents: boolean }, read: TraceReadOptions = {}, how: { spill?: boolean; signal?: AbortSignal | undefined } = {}): Promise<ReplayInput> {
  if (typeof trace === 'string') {
    if (trace === '') invalid('trace', 'empty path');
    const d = await detectTraceFormat(trace);
    if (d.format === 'alibaba') invalid('trace', `${trace} is an Alibaba 2018 machine trace (${d.reason}): it has no tasks to replay; give a Google 2011 folder or an SWF log`);
    let input: ReplayInput & { summary: ReadSummary };
    if (d.format === 'swf') {
      if (read.taskEventParts !== undefined) invalid('taskEventParts', `the SWF log ${trace} has no task_events part files to limit (only a Google 2011 folder has them)`);
      // Like taskEventParts: it could not take effect (it was ignored).
      if (read.usageRead !== undefined) invalid('read.usageRead', `the SWF log ${trace} has no task_usage to read (only a Google 2011 folder has it)`);
      if (needs.machineEvents) throw new FairfitError('INVALID_OPTION', `machines: 'trace' needs machine events, and the SWF log ${trace} has none`, { field: 'machines' });
      input = await readSwf(trace, { strict: read.strict, ...(how.signal ? { signal: how.signal } : {}) });
    } else {
      // A task_events file, or a folder without task_usage/, has no usage rows to read either way.
      if (read.usageRead !== undefined && !existsSync(join(trace, 'task_usage'))) invalid('read.usageRead', `${trace} has no task_usage/ to read (a task_events file, or a folder without it)`);
      // Nor has a task_events file part files to limit (it was read whole, the option ignored).
      if (read.taskEventParts !== undefined && statSync(trace).isFile()) invalid('read.taskEventParts', `${trace} is a task_events file: it has no part files to limit (only a Google 2011 folder has them)`);
      input = await readGoogleTrace(trace, { strict: read.strict, usage: needs.usage, machineEvents: needs.machineEvents, taskEventParts: read.taskEventParts, usageRead: read.usageRead ?? 'stream', extras: false, spill: how.spill === true, ...(how.signal ? { signal: how.signal } : {}) });
    }
    try {
      const machines = input.machineEvents?.machines;
      const unmatched = input.source?.usageUnmatched;
      read.onRead?.({
        format: d.format === 'swf' ? 'swf' : 'google2011', detected: d.reason, summary: input.summary, start: input.start, end: input.end,
        ...(machines !== undefined ? { machines } : {}), ...(typeof unmatched === 'number' && unmatched > 0 ? { usageUnmatched: unmatched } : {}),
      });
      checkDamage(trace, input.summary, read.maxSkipped);
    } catch (err) {
      input.spilled?.dispose();
      throw err;
    }
    if (!(input.end > input.start)) {
      input.spilled?.dispose();
      throw new FairfitError('NO_DATA', `${trace}: the ${plural(taskCount(input), 'task')} ${taskCount(input) === 1 ? 'spans' : 'span'} no time (every event at ${input.start / 1e6} s, the window start); nothing to replay`, { file: trace });
    }
    return input;
  }
  if (trace === null || typeof trace !== 'object' || typeof trace.tasks !== 'object' || trace.tasks === null) {
    invalid('trace', 'expected a trace path (a Google folder or an SWF log) or a ReplayInput ({ tasks, start, end, ... })');
  }
  if (needs.machineEvents && !trace.machineEvents) {
    throw new FairfitError('INVALID_OPTION', "machines: 'trace' needs machine events, and this input has none", { field: 'machines' });
  }
  return trace;
}

/**
 * Before any run (a rejected call starts no thread: the preparations check too, but on workers once
 * the pool had started): an input given in memory gets every check its preparations make
 * (`checkInput`); one read here from a path, whose columns the readers made, only the refusal of
 * `tasks: 'finished'` without last events (`INVALID_OPTION` naming `tasks`).
 */
export function checkBeforeRuns(input: ReplayInput, configs: readonly ResolvedParams[], inMemory: boolean): void {
  if (inMemory) return checkInput(input, configs);
  if (input.spilled !== undefined || input.tasks.lastEvent !== undefined || !configs.some((c) => c.tasks === 'finished')) return;
  throw noLastEvents();
}

/**
 * Reads the trace as `loadTrace` does, or gives `undefined` when `signal` stops the read (the
 * reader throws the signal's reason before its next file or batch): no run has started, and the
 * caller reports that, as for an abort during the runs. Other errors are thrown.
 */
export async function loadTraceUnlessAborted(trace: string | ReplayInput, needs: { usage: boolean; machineEvents: boolean }, read: TraceReadOptions, how: { spill?: boolean; signal?: AbortSignal | undefined }): Promise<ReplayInput | undefined> {
  try {
    return await loadTrace(trace, needs, read, how);
  } catch (err) {
    if (how.signal?.aborted === true) return undefined;
    throw err;
  }
}

/** The `trace` record of a report stopped while its trace was read: the path and the modes asked for, `read: false`. */
export function unreadTraceRecord(trace: string | ReplayInput, modes: Parameters<typeof traceRecord>[1], first: ResolvedParams): Record<string, unknown> {
  const record: Record<string, unknown> = typeof trace === 'string' ? { path: trace } : { ...(trace.source ?? { source: 'in-memory ReplayInput' }) };
  record.read = false;
  record.usage = modes.usage;
  record.machines = modes.machines;
  if (modes.seed !== undefined) record.seed = modes.seed;
  if (modes.seeds !== undefined) record.seeds = modes.seeds;
  // No run records the choices: the first configuration's parameters, so the outputs still state them.
  record.params = { ...first };
  return record;
}

/** The input's number of tasks (without making a spilled table whole). */
export function taskCount(input: ReplayInput): number {
  return input.spilled?.count ?? input.tasks.count;
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
  record.tasks = taskCount(input);
  record.usageWindows = input.usage?.count ?? input.usageIndex?.count ?? 0;
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
