/**
 * The task-identity hash table of the Google readers: (job ID, task index)
 * → dense task id, so that `task_usage` rows join the task table by array
 * index instead of by a Map of pairs.
 *
 * @module
 */
import { FairfitError } from '../../errors.ts';
import { F64Column, I32Column } from '../columns.ts';

/** The hash of a (job ID, task index) pair (any float64 job ID, an int32 index). */
export function pairHash(job: number, index: number): number {
  const hi = (job / 4294967296) | 0;
  let h = Math.imul((job >>> 0) ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= Math.imul(index | 0, 0xc2b2ae35) ^ (h >>> 15);
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
  return h ^ (h >>> 16);
}

/** @throws FairfitError `INVALID_OPTION` for a task index that is not an int32. */
export function checkTaskIndex(index: number): void {
  if ((index | 0) !== index) throw new FairfitError('INVALID_OPTION', `task index must be an integer in [-2^31, 2^31 − 1], got ${index}`, { field: 'taskIndex' });
}

/**
 * (job ID, task index) → dense id in order of first appearance: an
 * open-addressing hash table over typed arrays (no Map, no per-task object),
 * exact for any float64 job ID and any int32 task index (keys are compared,
 * not just hashed; the readers admit task indexes in [0, 2^31 − 1] only, so
 * the index column itself is the key, with no float copy of it).
 */
export class TaskIds {
  private slots: Int32Array; // dense id + 0, or -1 when empty
  private mask: number;
  /** Job ID of each dense id (growable column; `data.subarray(0, count)` is valid). */
  readonly jobId: F64Column;
  /** Task index of each dense id. */
  readonly taskIndex: I32Column;
  /**
   * `capacity`: the pairs expected (the columns' first size). The hash slots are made for it too (load at
   * most 3/4): grown from a small table, they rehashed the keys once a doubling, each time into fresh pages.
   */
  constructor(capacity = 1024) {
    this.jobId = new F64Column(capacity);
    this.taskIndex = new I32Column(capacity);
    let size = 1 << 12;
    while (4 * capacity > 3 * size) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
  }
  /** Number of tasks. */
  get count(): number {
    return this.jobId.length;
  }
  private static hash = pairHash;
  private static checkIndex = checkTaskIndex;
  /** Dense id of the pair, or -1. @throws FairfitError `INVALID_OPTION` for a task index that is not an int32. */
  get(job: number, index: number): number {
    TaskIds.checkIndex(index);
    const slots = this.slots;
    const jobs = this.jobId.data;
    const idx = this.taskIndex.data;
    let s = TaskIds.hash(job, index) & this.mask;
    for (;;) {
      const id = slots[s]!;
      if (id < 0) return -1;
      if (jobs[id] === job && idx[id] === index) return id;
      s = (s + 1) & this.mask;
    }
  }
  /** Dense id of the pair, adding it when new. @throws FairfitError `INVALID_OPTION` for a task index that is not an int32. */
  intern(job: number, index: number): number {
    TaskIds.checkIndex(index);
    const slots = this.slots;
    const jobs = this.jobId.data;
    const idx = this.taskIndex.data;
    let s = TaskIds.hash(job, index) & this.mask;
    for (;;) {
      const id = slots[s]!;
      if (id < 0) break;
      if (jobs[id] === job && idx[id] === index) return id;
      s = (s + 1) & this.mask;
    }
    const n = this.count;
    slots[s] = n;
    this.jobId.push(job);
    this.taskIndex.push(index);
    // Load factor at most 3/4: linear probing stays short (a probe sequence rarely leaves its cache
    // line), and at 25 M tasks the slots take 134 MB instead of the 268 MB of a half-empty table.
    if (4 * (n + 1) > 3 * slots.length) this.rehash();
    return n;
  }
  private rehash(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size).fill(-1);
    const mask = size - 1;
    const jobs = this.jobId.data;
    const idx = this.taskIndex.data;
    for (let id = 0; id < this.count; id++) {
      let s = TaskIds.hash(jobs[id]!, idx[id]!) & mask;
      while (slots[s]! >= 0) s = (s + 1) & mask;
      slots[s] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
