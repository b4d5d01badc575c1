/**
 * Synthetic usage drawn on demand for one replay part (docs/model.md,
 * "Bounded memory"). Instead of every window of every task, the kernel gets
 * one window slot per task; before the ticks of each 5-minute window period
 * the driver (`simulateOn`) calls {@link UsageFeed.feed}, which writes the
 * current window of every live task (arrived before the period ends and not
 * yet at its last window) into those slots, in one batch.
 *
 * The values are `syntheticUsage`'s, bit for bit: the same `windowValues`
 * calls, chained through the same AR(1) state from the task's first window,
 * and the same window ends (start + (k + 1)·W, +∞ for the last). A task's
 * window at tick time t is clamp(p − k0, 0, count − 1) where p is the window
 * period of t — exactly the first window whose end is after t, else the last.
 *
 * @module
 */
import { taskLevels, windowValues } from '../../io/synthetic-usage.ts';
import type { PreparedReplay, PreparedSynthetic } from './prepare.ts';

/** The kernel's window columns of a part (one slot per task, slot = local task index). */
export interface WindowSlots {
  end: Float64Array;
  cpu: Float64Array;
  mem: Float64Array;
  maxCpu: Float64Array;
  mai: Float64Array;
}

/** Per-part state of synthetic usage drawn on demand: O(tasks of the part), never O(windows). */
export class UsageFeed {
  private readonly syn: PreparedSynthetic;
  private readonly req: Float64Array;
  private readonly submitTick: Int32Array;
  private readonly pick: Int32Array | undefined;
  private readonly n: number;
  private readonly start: number;
  private readonly tick: number;
  /** Task levels (4 per task, `taskLevels`), AR(1) state (2 per task), index of the window in the slot (-1: none yet). */
  private readonly levels: Float64Array;
  private readonly ar: Float64Array;
  private readonly cur: Int32Array;
  /** Local indices of the live tasks, and how many. */
  private readonly live: Int32Array;
  private liveCount = 0;
  /** Local tasks [0, joined) have been considered for the live list. */
  private joined = 0;
  /** Window period fed last (-1: none). */
  private fed = -1;
  private readonly out = new Float64Array(4);

  /** For the local tasks `x` = 0..n−1 of a part, task `pick[x]` of `prepared` (all tasks when `pick` is undefined). */
  constructor(prepared: PreparedReplay, syn: PreparedSynthetic, pick: Int32Array | undefined, n: number) {
    this.syn = syn;
    this.req = prepared.tasks.req;
    this.submitTick = prepared.tasks.submitTick;
    this.pick = pick;
    this.n = n;
    this.start = prepared.start;
    this.tick = prepared.tick;
    this.levels = new Float64Array(n * 4);
    this.ar = new Float64Array(n * 2);
    this.cur = new Int32Array(n).fill(-1);
    this.live = new Int32Array(n);
  }

  /** First tick whose time (start + k·tick, as the kernel computes it) is ≥ the start of window period `p`. */
  boundary(p: number): number {
    const b = this.start + p * this.syn.windowUs;
    let k = Math.max(0, Math.ceil((p * this.syn.windowUs) / this.tick));
    while (k > 0 && this.start + (k - 1) * this.tick >= b) k--;
    while (this.start + k * this.tick < b) k++;
    return k;
  }

  /**
   * Makes the slots right for the ticks from `k` on (`k` = 0 or a tick this
   * returned earlier, increasing) and returns the first tick of the next
   * window period: the caller steps the kernel at most up to it.
   */
  feed(k: number, slots: WindowSlots): number {
    let p = this.fed < 0 ? 0 : this.fed;
    while (this.boundary(p + 1) <= k) p++;
    const next = this.boundary(p + 1);
    if (p !== this.fed) {
      this.join(next);
      this.draw(p, slots);
      this.fed = p;
    }
    return next;
  }

  /** Adds the tasks arriving before tick `until` that have windows to the live list. */
  private join(until: number): void {
    const { pick, submitTick, syn } = this;
    while (this.joined < this.n) {
      const x = this.joined;
      const j = pick ? pick[x]! : x;
      if (!(submitTick[j]! < until)) break;
      if (syn.count[j]! > 0) {
        taskLevels(syn.key[j]! >>> 0, this.levels, x * 4);
        this.live[this.liveCount++] = x;
      }
      this.joined++;
    }
  }

  /** Writes window period `p`'s window of every live task whose window changed; drops tasks at their last window. */
  private draw(p: number, slots: WindowSlots): void {
    const { pick, syn, live, cur, out } = this;
    const W = syn.windowUs;
    let kept = 0;
    for (let r = 0; r < this.liveCount; r++) {
      const x = live[r]!;
      const j = pick ? pick[x]! : x;
      const k0 = syn.k0[j]!, count = syn.count[j]!;
      let c = p - k0;
      if (c < 0) c = 0; else if (c > count - 1) c = count - 1;
      if (c > cur[x]!) {
        const key = syn.key[j]! >>> 0, req = this.req[j]!, mem = syn.mem[j]!;
        for (let w = cur[x]! + 1; w <= c; w++) windowValues(key, w, w === 0, this.levels, x * 4, req, mem, this.ar, x * 2, out);
        cur[x] = c;
        slots.end[x] = c + 1 < count ? this.start + (k0 + c + 1) * W : Infinity;
        slots.cpu[x] = out[0]!;
        slots.mem[x] = out[1]!;
        slots.maxCpu[x] = out[2]!;
        slots.mai[x] = out[3]!;
      }
      if (c < count - 1) live[kept++] = x;
    }
    this.liveCount = kept;
  }
}
