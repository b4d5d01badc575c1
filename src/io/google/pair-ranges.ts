/**
 * (job ID, task index) → dense id in order of first appearance, in a few bytes
 * a *job* instead of 16 bytes a task: the spilling reader's identities
 * (docs/model.md, "The whole trace", step 1).
 *
 * A job's tasks are nearly always first seen one after another in index order
 * (a job is submitted as one burst): then task `first + r` has dense id
 * `base + r`, and the job holds only (base, first, count). A task that breaks
 * its job's run — first seen out of index order, or after another job's new
 * task — goes to a small overflow table of (job number, index) → id (1.6 % of
 * the tasks of the real sample's part 0, none of a generated trace).
 *
 * @module
 */
import { I32Column } from '../columns.ts';
import { checkTaskIndex, pairHash } from './task-ids.ts';

/** Dense ids of (job ID, task index) pairs, given in order of first appearance. */
export class PairRanges {
  /** Job table: job ID → job number + 1 (0: empty), open addressing, filled to at most 3/4. */
  private jobKey = new Float64Array(64);
  private jobNum = new Int32Array(64);
  /**
   * Per job number j: the dense id and task index of its run's first task and the run's length,
   * side by side at 3j, 3j + 1, 3j + 2 (one cache line a lookup, not three: jobs are millions).
   */
  private readonly runs = new I32Column();
  /** Overflow: (job number + 1, task index, dense id) triples, open addressing, filled to at most 3/4. */
  private over = new Int32Array(3 * 64);
  private overFilled = 0;
  /** The last job looked up (events of one job come in bursts). */
  private lastJob = Number.NaN;
  private lastNum = -1;
  /** Pairs seen (dense ids given). */
  count = 0;

  /** Jobs seen. */
  get jobs(): number {
    return this.runs.length / 3;
  }
  /** Pairs held in the overflow table. */
  get overflow(): number {
    return this.overFilled;
  }

  /** Dense id of the pair; a new pair gets the next one. @throws FairfitError `INVALID_OPTION` for a task index that is not an int32. */
  id(job: number, index: number): number {
    checkTaskIndex(index);
    const j = job === this.lastJob ? this.lastNum : this.jobNumber(job, index);
    if (j < 0) return this.count++; // a new job, its run started by this task
    const runs = this.runs.data;
    const r = index - runs[3 * j + 1]!;
    const n = runs[3 * j + 2]!;
    if (r >= 0 && r < n) return runs[3 * j]! + r;
    const o = this.findOver(j, index);
    const over = this.over;
    if (over[o] !== 0) return over[o + 2]!;
    const id = this.count++;
    if (r === n && id === runs[3 * j]! + n) runs[3 * j + 2] = n + 1;
    else this.addOver(o, j, index, id);
    return id;
  }

  /** The job's number, or −1 for a new job (then numbered, with a run of this task and the next id). */
  private jobNumber(job: number, index: number): number {
    const keys = this.jobKey, nums = this.jobNum;
    const mask = keys.length - 1;
    let p = pairHash(job, 0) & mask;
    while (nums[p] !== 0) {
      if (keys[p] === job) {
        this.lastJob = job;
        return (this.lastNum = nums[p]! - 1);
      }
      p = (p + 1) & mask;
    }
    const j = this.runs.length / 3;
    this.runs.push(this.count);
    this.runs.push(index);
    this.runs.push(1);
    keys[p] = job;
    nums[p] = j + 1;
    if (4 * (j + 1) > 3 * keys.length) this.growJobs();
    this.lastJob = job;
    this.lastNum = j;
    return -1;
  }

  /** Twice the job table's entries, every job put again. */
  private growJobs(): void {
    const keys = this.jobKey, nums = this.jobNum;
    this.jobKey = new Float64Array(2 * keys.length);
    this.jobNum = new Int32Array(2 * keys.length);
    const mask = 2 * keys.length - 1;
    for (let q = 0; q < keys.length; q++) {
      if (nums[q] === 0) continue;
      let t = pairHash(keys[q]!, 0) & mask;
      while (this.jobNum[t] !== 0) t = (t + 1) & mask;
      this.jobKey[t] = keys[q]!;
      this.jobNum[t] = nums[q]!;
    }
  }

  /** The overflow entry (an offset into `over`) of (job number, index), or the empty one where it would go. */
  private findOver(j: number, index: number): number {
    const over = this.over;
    const mask = over.length / 3 - 1;
    let p = pairHash(j, index) & mask;
    while (over[3 * p] !== 0 && !(over[3 * p] === j + 1 && over[3 * p + 1] === index)) p = (p + 1) & mask;
    return 3 * p;
  }

  private addOver(o: number, j: number, index: number, id: number): void {
    let over = this.over;
    over[o] = j + 1;
    over[o + 1] = index;
    over[o + 2] = id;
    if (4 * ++this.overFilled <= 3 * (over.length / 3)) return;
    const old = over;
    this.over = over = new Int32Array(2 * old.length);
    const mask = over.length / 3 - 1;
    for (let q = 0; q < old.length; q += 3) {
      if (old[q] === 0) continue;
      let p = pairHash(old[q]! - 1, old[q + 1]!) & mask;
      while (over[3 * p] !== 0) p = (p + 1) & mask;
      over.set(old.subarray(q, q + 3), 3 * p);
    }
  }
}

/**
 * Open slot of each open dense id: a map of (id → slot) sized to the tasks open at once, not to
 * the tasks seen (linear probing, deletion by backward shift so no tombstones pile up).
 */
export class OpenSlots {
  /** (id + 1, slot) pairs; id + 1 = 0: empty. */
  private e = new Int32Array(2 * 64);
  private shift = 32 - 6;
  private filled = 0;

  /** Entries the table has room for (it grows to keep at most half of them filled). */
  get capacity(): number {
    return this.e.length / 2;
  }
  private home(id: number): number {
    return Math.imul(id + 1, 0x9e3779b1) >>> this.shift;
  }
  /** The slot of `id`, or −1 when it is not open. */
  get(id: number): number {
    const e = this.e, mask = e.length / 2 - 1;
    for (let p = this.home(id); ; p = (p + 1) & mask) {
      const k = e[2 * p]!;
      if (k === id + 1) return e[2 * p + 1]!;
      if (k === 0) return -1;
    }
  }
  /** Records `id` open in `slot` (`id` must not be open). */
  set(id: number, slot: number): void {
    if (2 * (this.filled + 1) > this.e.length / 2) this.grow();
    const e = this.e, mask = e.length / 2 - 1;
    let p = this.home(id);
    while (e[2 * p] !== 0) p = (p + 1) & mask;
    e[2 * p] = id + 1;
    e[2 * p + 1] = slot;
    this.filled++;
  }
  /** Forgets `id` (open). */
  delete(id: number): void {
    const e = this.e, mask = e.length / 2 - 1;
    let p = this.home(id);
    while (e[2 * p] !== id + 1) {
      if (e[2 * p] === 0) throw new Error(`OpenSlots.delete: id ${id} is not open`);
      p = (p + 1) & mask;
    }
    // Backward shift: move up each later entry of the cluster whose home does not lie in (p, q].
    for (let q = (p + 1) & mask; e[2 * q] !== 0; q = (q + 1) & mask) {
      const h = this.home(e[2 * q]! - 1);
      if (q > p ? h <= p || h > q : h <= p && h > q) {
        e[2 * p] = e[2 * q]!;
        e[2 * p + 1] = e[2 * q + 1]!;
        p = q;
      }
    }
    e[2 * p] = 0;
    this.filled--;
  }
  private grow(): void {
    const old = this.e;
    this.e = new Int32Array(2 * old.length);
    this.shift--;
    this.filled = 0;
    for (let q = 0; q < old.length; q += 2) if (old[q] !== 0) this.set(old[q]! - 1, old[q + 1]!);
  }
}
