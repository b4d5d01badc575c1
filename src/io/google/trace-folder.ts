/**
 * The whole-trace reader of Google ClusterData-2011: a trace folder
 * (`task_events/`, and `task_usage/` and `machine_events/` when present;
 * plain CSV or gzip part files) read into one {@link ReplayInput}, with the
 * window end taken from both event and usage tables. The task table is
 * derived as written in docs/model.md.
 *
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FairfitError, checkBooleanOption, checkOptionNames, checkPath, optionNames, shown } from '../../errors.ts';
import type { ReplayInput, TaskTable, UsageIndex, UsageTable } from '../../model/tasks.ts';
import { noData, Problems, readSummary, type ReadSummary } from '../csv/problems.ts';
import { readMachineEvents } from './machine-events.ts';
import { TRACE_START } from './schema.ts';
import { scanTaskEvents, scanTaskEventsSpilling } from './task-events.ts';
import { NotExactError, SPILL_TUNING, type SpillingTaskBuilder } from './spill-builder.ts';
import { checkPartLimit, fileBytes, partFiles } from './part-files.ts';
import { SpilledTasks } from './spilled-tasks.ts';
import { TempFolder } from '../temp-files.ts';
import type { TaskTableBuilder } from './task-table-builder.ts';
import { readTaskUsage } from './task-usage.ts';
import { indexTaskUsage } from './usage-index.ts';

/** The names of {@link GoogleTraceOptions}, for the run-time check. */
const GOOGLE_TRACE_OPTIONS = optionNames<GoogleTraceOptions>()('strict', 'usage', 'machineEvents', 'taskEventParts', 'usageRead', 'extras', 'spill', 'signal');

/** Options of {@link readGoogleTrace}. */
export interface GoogleTraceOptions {
  /** Stop at the first bad line with FairfitError('PARSE_ERROR', "file:line: reason"). */
  strict?: boolean;
  /** Read task_usage/ if present (default true). */
  usage?: boolean;
  /** Read machine_events/ if present (default true). */
  machineEvents?: boolean;
  /** Read at most this many task_events part files (default all). */
  taskEventParts?: number;
  /**
   * How task_usage is read: `'whole'` (default) reads every row into
   * `usage`; `'stream'` indexes it in one pass and leaves the rows on disk
   * for a replay to read in time order (`usageIndex`; docs/model.md,
   * "task_usage read in time order").
   */
  usageRead?: 'stream' | 'whole';
  /**
   * Keep the task table's user and runs columns (default true); false for a
   * reader that never uses them (the GiantVM replay): 8 bytes a task less.
   */
  extras?: boolean;
  /**
   * Keep the task table on disk (`spilled` of the result, docs/model.md "The whole trace"):
   * only the tasks open in the trace are held while reading, and `tasks` is made from the
   * files only if something reads it. Implies `extras: false`; ignored when task_usage is
   * read (its rows are joined through the id map), when the task_events files are smaller
   * than `SPILL_TUNING.minBytes` on disk, and on a trace with a non-integer time (read with
   * the one-pass builder instead). The caller disposes `spilled`.
   */
  spill?: boolean;
  /** Stop reading once aborted (the signal's reason is thrown before the next file or batch). */
  signal?: AbortSignal;
}


/**
 * Reads a Google 2011 trace folder (`task_events/` required; `task_usage/`
 * and `machine_events/` when present) into a {@link ReplayInput}. `dir` may
 * also be a `task_events` file or folder of part files on its own.
 *
 * Bad lines are skipped and counted in `summary` (strict: the first one
 * throws `PARSE_ERROR`; a broken gzip throws `CORRUPT_INPUT`); a missing
 * path throws `FILE_NOT_FOUND`; no valid task event at all throws `NO_DATA`.
 */
export async function readGoogleTrace(dir: string, opts: GoogleTraceOptions = {}): Promise<ReplayInput & { summary: ReadSummary }> {
  checkPath(dir, 'dir');
  checkOptionNames(opts, GOOGLE_TRACE_OPTIONS, 'readGoogleTrace');
  checkPartLimit(opts.taskEventParts, 'taskEventParts');
  for (const k of ['strict', 'usage', 'machineEvents', 'extras', 'spill'] as const) checkBooleanOption(opts[k], k);
  // 'bogus' read as 'whole'.
  if (opts.usageRead !== undefined && opts.usageRead !== 'stream' && opts.usageRead !== 'whole') throw new FairfitError('INVALID_OPTION', `usageRead must be 'stream' or 'whole', got ${shown(opts.usageRead)}`, { field: 'usageRead' });
  if (!existsSync(dir)) throw new FairfitError('FILE_NOT_FOUND', `${dir}: no such file or folder`, { file: dir });
  let problems = new Problems(opts.strict ?? false);
  const isRoot = statSync(dir).isDirectory() && existsSync(join(dir, 'task_events'));
  if (!isRoot && statSync(dir).isDirectory()) {
    // A trace folder whose task_events/ is missing: say so, not "no part files" of the folder.
    const others = ['task_usage', 'machine_events'].filter((t) => existsSync(join(dir, t)));
    if (others.length > 0) throw new FairfitError('FILE_NOT_FOUND', `${dir}: no task_events/ folder (the table every replay reads), though it has ${others.map((t) => `${t}/`).join(' and ')}`, { file: join(dir, 'task_events') });
  }
  const readsUsage = isRoot && opts.usage !== false && existsSync(join(dir, 'task_usage'));
  const taskDir = isRoot ? join(dir, 'task_events') : dir;
  const scanOpts = { strict: opts.strict, parts: opts.taskEventParts, extras: opts.spill === true ? false : opts.extras, signal: opts.signal };
  let te: { builder: TaskTableBuilder | SpillingTaskBuilder; files: string[] } | undefined;
  let folder: TempFolder | undefined;
  if (opts.spill === true && !readsUsage && fileBytes(partFiles(taskDir, opts.taskEventParts, 'taskEventParts')) >= SPILL_TUNING.minBytes) {
    folder = new TempFolder('fairfit-tasks-', 'task files');
    try {
      te = await scanTaskEventsSpilling(taskDir, scanOpts, problems, folder);
    } catch (err) {
      folder.remove();
      folder = undefined;
      if (!(err instanceof NotExactError)) throw err;
      // A non-integer time: spilled run times would not fold exactly; read it again with the table.
      problems = new Problems(opts.strict ?? false);
    }
  }
  te ??= await scanTaskEvents(taskDir, scanOpts, problems);
  try {
    return await readRest(dir, isRoot, readsUsage, te, problems, opts);
  } catch (err) {
    folder?.remove();
    throw err;
  }
}

/** The rest of {@link readGoogleTrace} once task_events is scanned. */
async function readRest(dir: string, isRoot: boolean, readsUsage: boolean, te: { builder: TaskTableBuilder | SpillingTaskBuilder; files: string[] }, problems: Problems, opts: GoogleTraceOptions): Promise<ReplayInput & { summary: ReadSummary }> {
  if (te.builder.events === 0) throw noData(`no valid task events in ${dir}`, problems);
  const files = [...te.files];
  let rows = te.builder.events;
  const source: Record<string, unknown> = { format: 'google2011', path: dir, taskEvents: te.builder.events };
  // The window ends at the last event of task_events or task_usage, whichever is later.
  let end = te.builder.lastTime;
  let usage: UsageTable | undefined;
  let usageIndex: UsageIndex | undefined;
  if (readsUsage) {
    const ids = te.builder.ids!;
    if (opts.usageRead !== 'stream') {
      const u = await readTaskUsage(join(dir, 'task_usage'), ids, { strict: opts.strict, signal: opts.signal }, problems);
      usage = u.usage;
      for (let i = 0; i < usage.count; i++) {
        const e = usage.end[i]!;
        if (e > end && e !== Number.POSITIVE_INFINITY) end = e;
      }
      files.push(...u.summary.files);
      rows += u.summary.rows;
      source.usageRows = u.summary.rows;
      source.usageUnmatched = u.unmatched;
    } else {
      const u = await indexTaskUsage(join(dir, 'task_usage'), ids, { strict: opts.strict, signal: opts.signal }, problems);
      usageIndex = u.index;
      if (u.lastEnd > end) end = u.lastEnd;
      files.push(...u.summary.files);
      rows += u.summary.rows;
      source.usageRows = u.summary.rows;
      source.usageUnmatched = u.unmatched;
    }
  }
  const built = te.builder.build(end);
  source.tasks = built.tasks.count;
  source.missingRequests = built.missingRequests;
  const summary = readSummary(files, rows, problems);
  const out: ReplayInput & { summary: ReadSummary } = built.tasks instanceof SpilledTasks
    ? withSpilled({ start: TRACE_START, end, source, summary }, built.tasks)
    : { tasks: built.tasks, start: TRACE_START, end, source, summary };
  if (usage) out.usage = usage;
  if (usageIndex) out.usageIndex = usageIndex;
  if (isRoot && opts.machineEvents !== false && existsSync(join(dir, 'machine_events'))) {
    const m = await readMachineEvents(join(dir, 'machine_events'), { strict: opts.strict, signal: opts.signal }, problems);
    out.machineEvents = m.machineEvents;
    files.push(...m.summary.files);
    rows += m.summary.rows;
    source.machineEvents = m.summary.rows;
    source.machines = m.machineEvents.machines;
  }
  out.summary = readSummary(files, rows, problems);
  source.files = files;
  source.skipped = problems.skipped;
  source.corruptFiles = problems.corruptFiles;
  source.firstProblems = [...problems.first];
  return out;
}

/** Bytes on disk of the files. */
/** Sets `spilled`, and `tasks` as the whole table made from it when first read (or as set). */
function withSpilled<T extends Omit<ReplayInput, 'tasks'>>(out: T, spilled: SpilledTasks): T & ReplayInput {
  let table: TaskTable | undefined;
  out.spilled = spilled;
  Object.defineProperty(out, 'tasks', {
    get: () => (table ??= spilled.materialize()),
    set: (v: TaskTable) => { table = v; },
    enumerable: true,
    configurable: true,
  });
  return out as T & ReplayInput;
}
