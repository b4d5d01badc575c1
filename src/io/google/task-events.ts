/**
 * The `task_events` reader: a table's files streamed through a
 * {@link TaskTableBuilder} into the task table.
 *
 * @module
 */
import type { TaskTable } from '../../model/tasks.ts';
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { checkOptionNames, checkPath, FairfitError, type FairfitErrorCode, type FairfitErrorDetails } from '../../errors.ts';
import { wasmModule } from '../../wasm/module.ts';
import { MAX_PROBLEMS, Problems, readSummary, type ReadSummary } from '../csv/problems.ts';
import type { ColumnBatch, ReadOptions } from '../csv/spec.ts';
import { SpareColumns } from '../csv/read-batches.ts';
import { GOOGLE_READ_OPTIONS, partFiles, tableBatches, type GoogleReadOptions } from './part-files.ts';
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

/**
 * About as many tasks as `files` hold, or more: gzip ≈ 22 bytes a task in the 2011 sample (the
 * generator's traces 33), plain CSV ≈ 10 times that; at most 2^24 (the columns then grow as
 * before). An overestimate costs address space only: the columns' unwritten pages are not resident.
 */
export function expectedTasks(files: string[]): number {
  let tasks = 0;
  for (const f of files) {
    let bytes = 0;
    try {
      bytes = statSync(f).size;
    } catch {
      // The reader reports a missing file.
    }
    tasks += f.endsWith('.gz') ? bytes / 20 : bytes / 200;
  }
  return Math.max(1024, Math.min(1 << 24, Math.ceil(tasks)));
}

/** Streams `task_events` into a {@link TaskTableBuilder} (the table is built later, once the window end is known). */
export async function scanTaskEvents(path: string, opts: GoogleReadOptions & { extras?: boolean } = {}, problems = new Problems(opts.strict)): Promise<{ builder: TaskTableBuilder; files: string[] }> {
  checkPath(path, 'path');
  const files = partFiles(path, opts.parts, 'parts');
  const builder = new TaskTableBuilder(TRACE_START, { extras: opts.extras, capacity: expectedTasks(files) });
  const spare = new SpareColumns();
  for await (const batch of tableBatches(path, TASK_EVENTS_SPEC, problems, opts, files, spare)) {
    builder.add(batch);
    spare.give(batch.cols); // the builder keeps nothing of a batch
  }
  return { builder, files };
}

/**
 * Streams `task_events` into a {@link SpillingTaskBuilder} whose files go to `folder`, the files
 * parsed in a worker thread (a big trace's read: the builder and the parser each get a core).
 * @throws NotExactError (spill-builder.ts) at a non-integer time.
 */
export async function scanTaskEventsSpilling(path: string, opts: GoogleReadOptions, problems: Problems, folder: TempFolder): Promise<{ builder: SpillingTaskBuilder; files: string[] }> {
  const files = partFiles(path, opts.parts, 'parts');
  const builder = new SpillingTaskBuilder(folder, TRACE_START);
  for await (const batch of threadedTaskEventBatches(files, problems, opts)) builder.add(batch);
  return { builder, files };
}

/** The built worker script (tests run the sources, so the same relative URL from src/ and dist/). */
const WORKER_URL = new URL('../../../dist/io/google/task-events-worker.js', import.meta.url);

type WorkerMessage =
  | { kind: 'batch'; batch: ColumnBatch }
  | { kind: 'done'; skipped: number; corruptFiles: number; first: string[] }
  | { kind: 'error'; error: { code?: FairfitErrorCode; message: string; details?: FairfitErrorDetails } };

/**
 * The batches `tableBatches` gives for task_events `files`, read and parsed in a worker thread
 * (task-events-worker.ts) a few batches ahead; what it skipped is added to `problems` at the end
 * (strict mode: its first problem is thrown here, after the batches before it, as in this thread).
 * A batch is valid until the next is asked for: its columns then go back to the worker thread,
 * which writes later batches into them (no new arrays, no garbage per batch).
 */
export async function* threadedTaskEventBatches(files: string[], problems: Problems, opts: ReadOptions): AsyncGenerator<ColumnBatch> {
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | undefined;
  const push = (m: WorkerMessage): void => {
    queue.push(m);
    wake?.();
    wake = undefined;
  };
  const worker = new Worker(WORKER_URL, { workerData: { files, opts: { strict: problems.strict, batchRows: opts.batchRows, lines: opts.lines }, credit: 4, module: wasmModule() } });
  worker.on('message', push);
  worker.on('error', (err) => push({ kind: 'error', error: { message: err.message } }));
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const m = queue.shift()!;
      if (m.kind === 'batch') {
        worker.postMessage(1);
        yield m.batch;
        opts.signal?.throwIfAborted(); // the worker is terminated below
        // The caller asked for the next batch: it is done with this one, whose columns go back.
        const cols = m.batch.cols;
        worker.postMessage(cols, Object.values(cols).map((c) => c.buffer as ArrayBuffer));
      } else if (m.kind === 'done') {
        problems.skipped += m.skipped;
        problems.corruptFiles += m.corruptFiles;
        for (const f of m.first) if (problems.first.length < MAX_PROBLEMS) problems.first.push(f);
        return;
      } else {
        const e = m.error;
        throw e.code ? new FairfitError(e.code, e.message, e.details) : new FairfitError('WORKER_FAILED', `task_events reader thread: ${e.message}`);
      }
    }
  } finally {
    await worker.terminate();
  }
}

/** Reads `task_events` (a file or a folder of part files) into a {@link TaskTable}; the window ends at the last event. */
export async function readTaskEvents(path: string, opts: GoogleReadOptions = {}, problems?: Problems): Promise<TaskEventsResult> {
  checkPath(path, 'path');
  checkOptionNames(opts, GOOGLE_READ_OPTIONS, 'readTaskEvents');
  problems ??= new Problems(opts.strict);
  const { builder: b, files } = await scanTaskEvents(path, opts, problems);
  const end = b.lastTime;
  const { tasks, missingRequests } = b.build(end);
  return { tasks, ids: b.ids, start: TRACE_START, end, missingRequests, summary: readSummary(files, b.events, problems) };
}
