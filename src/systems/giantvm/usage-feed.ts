/**
 * Synthetic usage drawn on demand for one replay part (docs/model.md,
 * "Bounded memory"). Instead of every window of every task, the kernel gets
 * one window slot per task; before the ticks of each 5-minute window period
 * the driver (`simulateOn`) calls {@link UsageFeed.feed}, which has
 * `usageFeedDraw` (assembly/synthetic-usage.ts) write the current window of
 * every live task (arrived before the period ends, not yet at its last window)
 * into those slots, in one call.
 *
 * The values are `syntheticUsage`'s, bit for bit: the same `windowValues`
 * maths (in WebAssembly, with JavaScript's own Math functions imported),
 * chained through the same AR(1) state from the task's first window, and the
 * same window ends (start + (k + 1)·W; +∞ for the last). A task's window at
 * tick time t is clamp(p − k0, 0, count − 1), p the window period of t —
 * exactly the first window whose end is after t, else the last.
 *
 * @module
 */
import { FIT } from '../../io/fitted-params.ts';
import { USAGE_RHO } from '../../io/synthetic-usage.ts';
import { RNG_STATE } from '../../kernels/kernel-layouts.ts';
import type { Core } from '../../wasm/module.ts';
import type { PreparedReplay, PreparedSynthetic } from './prepare.ts';
import { USAGE_FEED } from './replay-layouts.ts';

/** Addresses of the kernel's window columns of a part (one slot per task, slot = local task index). */
export interface WindowSlots {
  end: number;
  cpu: number;
  mem: number;
  maxCpu: number;
  mai: number;
}

/** Local task columns of a part: `pick[x]` of the prepared columns (all when `pick` is undefined). */
function gatherI32(src: Int32Array, pick: Int32Array | undefined, dst: Int32Array): void {
  if (!pick) { dst.set(src); return; }
  for (let x = 0; x < pick.length; x++) dst[x] = src[pick[x]!]!;
}

function gatherF64(src: Float64Array, pick: Int32Array | undefined, dst: Float64Array): void {
  if (!pick) { dst.set(src); return; }
  for (let x = 0; x < pick.length; x++) dst[x] = src[pick[x]!]!;
}

/** Per-part state of synthetic usage drawn on demand, in the part's instance: O(tasks of the part), never O(windows). */
export class UsageFeed {
  private readonly core: Core;
  private readonly feedAt: number;
  private readonly start: number;
  private readonly tick: number;
  private readonly windowUs: number;
  /** Window period fed last (-1: none). */
  private fed = -1;

  /**
   * Allocates the feed in `core`'s arena (the caller releases it with the
   * part's other columns): per local task its key, first window, window
   * count, memory request, levels, AR state, window index and a live-list
   * entry — 76 bytes. `req` and `submitTick` are the part's kernel columns.
   */
  constructor(core: Core, prepared: PreparedReplay, syn: PreparedSynthetic, pick: Int32Array | undefined, n: number, cols: { req: number; submitTick: number }, slots: WindowSlots) {
    this.core = core;
    this.start = prepared.start;
    this.tick = prepared.tick;
    this.windowUs = syn.windowUs;
    const key = core.alloc(n * 4), k0 = core.alloc(n * 4), count = core.alloc(n * 4), mem = core.alloc(n * 8);
    gatherI32(syn.key, pick, core.i32(key, n));
    gatherI32(syn.k0, pick, core.i32(k0, n));
    gatherI32(syn.count, pick, core.i32(count, n));
    gatherF64(syn.mem, pick, core.f64(mem, n));
    const levels = core.alloc(n * 32), ar = core.alloc(n * 16), cur = core.alloc(n * 4), live = core.alloc(n * 4), rng = core.alloc(RNG_STATE.size);
    const U = FIT.usage;
    const cpuS = U.sampledLog.sigma, memS = U.memPeakLog.mu;
    this.feedAt = core.alloc(USAGE_FEED.size);
    USAGE_FEED.write(core.memory, this.feedAt, {
      tasks: n, joined: 0, live: 0, startUs: prepared.start, windowUs: syn.windowUs,
      cpuMu: U.cpuRatioLog.mu, cpuSigma: U.cpuRatioLog.sigma, memMu: U.memRatioLog.mu, memSigma: U.memRatioLog.sigma, memMax: U.memRatioMax,
      maiMu: U.maiLog.mu, maiSigma: U.maiLog.sigma, peakMu: U.peakLog.mu, peakSigma: U.peakLog.sigma,
      // The same expressions as src/io/synthetic-usage.ts, so the same bits.
      cpuS, memS, rho: USAGE_RHO, innovCpu: Math.sqrt(1 - USAGE_RHO * USAGE_RHO) * cpuS, innovMem: Math.sqrt(1 - USAGE_RHO * USAGE_RHO) * memS,
      taskKey: key, taskK0: k0, taskCount: count, taskMem: mem, taskReq: cols.req, taskSubmitTick: cols.submitTick,
      levels, ar, cur, liveList: live, rng,
      slotEnd: slots.end, slotCpu: slots.cpu, slotMem: slots.mem, slotMaxCpu: slots.maxCpu, slotMai: slots.mai,
    });
  }

  /** First tick whose time (start + k·tick, as the kernel computes it) is ≥ the start of window period `p`. */
  boundary(p: number): number {
    const b = this.start + p * this.windowUs;
    let k = Math.max(0, Math.ceil((p * this.windowUs) / this.tick));
    while (k > 0 && this.start + (k - 1) * this.tick >= b) k--;
    while (this.start + k * this.tick < b) k++;
    return k;
  }

  /**
   * Makes the slots right for the ticks from `k` on (`k` = 0 or a tick this
   * returned earlier, increasing) and returns the first tick of the next
   * window period: the caller steps the kernel at most up to it.
   */
  feed(k: number): number {
    let p = this.fed < 0 ? 0 : this.fed;
    while (this.boundary(p + 1) <= k) p++;
    const next = this.boundary(p + 1);
    if (p !== this.fed) {
      this.core.exports.usageFeedDraw(this.feedAt, p, next);
      this.fed = p;
    }
    return next;
  }
}
