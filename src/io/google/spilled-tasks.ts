/**
 * A task table kept on disk in buckets of consecutive dense ids
 * ({@link SpilledTasks}), made by the spilling reader (spill-builder.ts):
 * a preparation reads it bucket by bucket, and anything else can still have
 * the whole table (`materialize`, the same columns as `TaskTableBuilder.build`).
 *
 * Files (TypeScript only): a *spill file* per bucket — task summaries of
 * {@link SPILL_RECORD} in the order they were spilled, several per task when it
 * was resubmitted — folded at the end of the read into a *dense file* per
 * bucket: its `count` tasks' columns one after the other, f64 columns first
 * ({@link DENSE_COLUMNS}), 64 bytes a task.
 *
 * @module
 */
import { closeSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { FairfitError } from '../../errors.ts';
import type { TaskTable, TaskBuckets } from '../../model/tasks.ts';
import { onFile, type TempFolder } from '../temp-files.ts';

/** One spilled summary: 9 float64 slots; f64 fields by f64 index, int32 fields by int32 index (the last 3 slots). */
export const SPILL_RECORD = {
  f64s: 9, i32s: 18, bytes: 72,
  jobId: 0, submit: 1, duration: 2, firstSchedule: 3, cpu: 4, mem: 5,
  id: 12, taskIndex: 13, priority: 14, sclass: 15, last: 16,
} as const;

/** A task table as the spilling reader leaves it (the Google reader's columns without the extras). */
export type SpilledTable = TaskTable & { lastEvent: Int32Array; firstSchedule: Float64Array };

type F64Name = 'jobId' | 'submit' | 'duration' | 'firstSchedule' | 'cpuRequest' | 'memRequest';
type I32Name = 'taskIndex' | 'priority' | 'schedulingClass' | 'lastEvent';

/** Columns of a dense bucket file, in file order (f64 first). */
export const DENSE_COLUMNS: [F64Name | I32Name, 4 | 8][] = [
  ['jobId', 8], ['submit', 8], ['duration', 8], ['firstSchedule', 8], ['cpuRequest', 8], ['memRequest', 8],
  ['taskIndex', 4], ['priority', 4], ['schedulingClass', 4], ['lastEvent', 4],
];

function emptyTable(count: number): SpilledTable {
  return {
    count, jobId: new Float64Array(count), submit: new Float64Array(count), duration: new Float64Array(count), firstSchedule: new Float64Array(count),
    cpuRequest: new Float64Array(count), memRequest: new Float64Array(count),
    taskIndex: new Int32Array(count), priority: new Int32Array(count), schedulingClass: new Int32Array(count), lastEvent: new Int32Array(count),
  };
}

/** Reads `bytes.length` bytes at `at` of the open file, all of them (a short file is `CORRUPT_INPUT`). */
function readAll(fd: number, path: string, bytes: Uint8Array, at: number): void {
  for (let got = 0; got < bytes.length;) {
    const r = onFile(path, 'cannot read the task file', () => readSync(fd, bytes, got, bytes.length - got, at + got));
    if (r === 0) throw new FairfitError('CORRUPT_INPUT', `task file ${path} ends at byte ${at + got}, expected ${at + bytes.length}`, { file: path });
    got += r;
  }
}

function bytesOf(col: Float64Array | Int32Array): Uint8Array {
  return new Uint8Array(col.buffer, col.byteOffset, col.byteLength);
}

/** Records read from a spill file at a time. */
const FOLD_CHUNK = 1 << 16;

/**
 * Folds bucket `first…first+count`'s spill file into its dense file (then removes the spill
 * file): per task, the first summary's values, later ones (continuations) folded in as the
 * one-pass builder would have applied their events. Missing requests become 0, a missing
 * class 0 (as `TaskTableBuilder.build`). Returns the tasks with a missing request.
 */
export function foldBucket(spillPath: string, count: number, first: number, densePath: string): number {
  const t = emptyTable(count);
  const seen = new Uint8Array(count);
  const R = SPILL_RECORD;
  const size = onFile(spillPath, 'cannot read the task spill file', () => statSync(spillPath).size);
  if (size % R.bytes !== 0) throw new FairfitError('CORRUPT_INPUT', `task spill file ${spillPath} has ${size} bytes, not a whole number of ${R.bytes}-byte records`, { file: spillPath });
  const f64 = new Float64Array(FOLD_CHUNK * R.f64s), i32 = new Int32Array(f64.buffer);
  const fd = onFile(spillPath, 'cannot read the task spill file', () => openSync(spillPath, 'r'));
  try {
    for (let at = 0; at < size; at += FOLD_CHUNK * R.bytes) {
      const n = Math.min(FOLD_CHUNK, (size - at) / R.bytes);
      readAll(fd, spillPath, new Uint8Array(f64.buffer, 0, n * R.bytes), at);
      foldRecords(f64, i32, n, first, count, seen, t);
    }
  } finally {
    closeSync(fd);
  }
  let missing = 0;
  for (let j = 0; j < count; j++) {
    if (seen[j] === 0) throw new FairfitError('CORRUPT_INPUT', `task spill file ${spillPath} has no summary of task ${first + j}`, { file: spillPath });
    const c = t.cpuRequest[j]!, m = t.memRequest[j]!;
    if (c !== c || m !== m) missing++;
    if (c !== c) t.cpuRequest[j] = 0;
    if (m !== m) t.memRequest[j] = 0;
    if (t.schedulingClass[j]! < 0) t.schedulingClass[j] = 0;
  }
  const out = onFile(densePath, 'cannot write the task file', () => openSync(densePath, 'w'));
  try {
    for (const [name] of DENSE_COLUMNS) {
      const bytes = bytesOf(t[name]);
      onFile(densePath, 'cannot write the task file', () => writeSync(out, bytes));
    }
  } finally {
    closeSync(out);
  }
  rmSync(spillPath, { force: true });
  return missing;
}

/** Folds `n` records into the bucket's columns (see {@link foldBucket}). */
function foldRecords(f64: Float64Array, i32: Int32Array, n: number, first: number, count: number, seen: Uint8Array, t: SpilledTable): void {
  const R = SPILL_RECORD;
  for (let r = 0; r < n; r++) {
    const f = r * R.f64s, w = r * R.i32s;
    const j = i32[w + R.id]! - first;
    if (!(j >= 0 && j < count)) throw new FairfitError('CORRUPT_INPUT', `task spill record ${r} names task ${j + first}, outside its bucket`, { index: r });
    if (seen[j] === 0) {
      seen[j] = 1;
      t.jobId[j] = f64[f + R.jobId]!;
      t.submit[j] = f64[f + R.submit]!;
      t.duration[j]! += f64[f + R.duration]!;
      t.firstSchedule[j] = f64[f + R.firstSchedule]!;
      t.cpuRequest[j] = f64[f + R.cpu]!;
      t.memRequest[j] = f64[f + R.mem]!;
      t.taskIndex[j] = i32[w + R.taskIndex]!;
      t.priority[j] = i32[w + R.priority]!;
      t.schedulingClass[j] = i32[w + R.sclass]!;
      t.lastEvent[j] = i32[w + R.last]!;
      continue;
    }
    // A continuation: first non-NaN values, first class set, summed run time (exact: integer µs), last event.
    if (t.submit[j]! !== t.submit[j]!) t.submit[j] = f64[f + R.submit]!;
    if (t.firstSchedule[j]! !== t.firstSchedule[j]!) t.firstSchedule[j] = f64[f + R.firstSchedule]!;
    if (t.cpuRequest[j]! !== t.cpuRequest[j]!) t.cpuRequest[j] = f64[f + R.cpu]!;
    if (t.memRequest[j]! !== t.memRequest[j]!) t.memRequest[j] = f64[f + R.mem]!;
    if (t.schedulingClass[j] === -1) t.schedulingClass[j] = i32[w + R.sclass]!;
    t.duration[j]! += f64[f + R.duration]!;
    t.lastEvent[j] = i32[w + R.last]!;
  }
}

/** A task table on disk in buckets of `bucketSize` consecutive dense ids; `dispose` removes its files. */
export class SpilledTasks implements TaskBuckets {
  private folder: TempFolder | undefined;
  constructor(readonly count: number, readonly bucketSize: number, private readonly files: string[]) {}

  /** The folder holding the files, removed by {@link dispose}. */
  own(folder: TempFolder): this {
    this.folder = folder;
    return this;
  }

  get buckets(): number {
    return this.files.length;
  }

  /** Tasks of bucket `b`: dense ids `[first, first + tasks.count)`. */
  bucket(b: number): { first: number; tasks: SpilledTable } {
    const first = b * this.bucketSize;
    const count = Math.min(this.bucketSize, this.count - first);
    const t = emptyTable(count);
    this.readInto(b, count, t, 0);
    return { first, tasks: t };
  }

  /** The whole table (as `TaskTableBuilder.build` without the extras gives it). */
  materialize(): SpilledTable {
    const t = emptyTable(this.count);
    for (let b = 0; b < this.files.length; b++) {
      const first = b * this.bucketSize;
      this.readInto(b, Math.min(this.bucketSize, this.count - first), t, first);
    }
    return t;
  }

  private readInto(b: number, count: number, t: SpilledTable, at: number): void {
    const path = this.files[b]!;
    const fd = onFile(path, 'cannot read the task file', () => openSync(path, 'r'));
    try {
      let offset = 0;
      for (const [name, bytes] of DENSE_COLUMNS) {
        const col = t[name];
        readAll(fd, path, new Uint8Array(col.buffer, col.byteOffset + at * bytes, count * bytes), offset);
        offset += count * bytes;
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Removes the files (the table cannot be read afterwards). */
  dispose(): void {
    this.folder?.remove();
    this.folder = undefined;
  }
}
