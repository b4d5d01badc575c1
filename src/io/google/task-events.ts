/**
 * The `task_events` reader: a table's files streamed through a
 * {@link TaskTableBuilder} into the task table.
 *
 * @module
 */
import type { TaskTable } from '../../model/tasks.ts';
import { Problems, readSummary, type ReadSummary } from '../csv/problems.ts';
import { partFiles, tableBatches, type GoogleReadOptions } from './part-files.ts';
import { TASK_EVENTS_SPEC, TRACE_START } from './schema.ts';
import type { TaskIds } from './task-ids.ts';
import { TaskTableBuilder, type TaskExtras } from './task-table-builder.ts';
import { SpillingTaskBuilder } from './spill-builder.ts';
import type { TempFolder } from '../temp-files.ts';

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
export async function scanTaskEvents(path: string, opts: GoogleReadOptions & { extras?: boolean } = {}, problems = new Problems(opts.strict)): Promise<{ builder: TaskTableBuilder; files: string[] }> {
  const files = partFiles(path, opts.parts);
  const builder = new TaskTableBuilder(TRACE_START, { extras: opts.extras });
  for await (const batch of tableBatches(path, TASK_EVENTS_SPEC, problems, opts, files)) builder.add(batch);
  return { builder, files };
}

/** Streams `task_events` into a {@link SpillingTaskBuilder} whose files go to `folder`. @throws NotExactError (spill-builder.ts) at a non-integer time. */
export async function scanTaskEventsSpilling(path: string, opts: GoogleReadOptions, problems: Problems, folder: TempFolder): Promise<{ builder: SpillingTaskBuilder; files: string[] }> {
  const files = partFiles(path, opts.parts);
  const builder = new SpillingTaskBuilder(folder, TRACE_START);
  for await (const batch of tableBatches(path, TASK_EVENTS_SPEC, problems, opts, files)) builder.add(batch);
  return { builder, files };
}

/** Reads `task_events` (a file or a folder of part files) into a {@link TaskTable}; the window ends at the last event. */
export async function readTaskEvents(path: string, opts: GoogleReadOptions = {}, problems = new Problems(opts.strict)): Promise<TaskEventsResult> {
  const { builder: b, files } = await scanTaskEvents(path, opts, problems);
  const end = b.lastTime;
  const { tasks, missingRequests } = b.build(end);
  return { tasks, ids: b.ids, start: TRACE_START, end, missingRequests, summary: readSummary(files, b.events, problems) };
}
