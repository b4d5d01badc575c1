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

  /** The feed's struct in the instance (the replay kernel draws a window's max CPU through it when it reads one). */
  get address(): number {
    return this.feedAt;
  }

  /** Most tasks in the live list at once (the live slots allocated). */
  readonly capacity: number;

  /**
   * Allocates the feed in `core`'s arena (the caller releases it with the
   * part's other columns): per local task its key, first window, window
   * count, memory request (times its level once it has joined) and current
   * memory log-noise (28 bytes); per live slot the task's levels,
   * AR state, window index and list entry (56 bytes), for the most tasks
   * ever live at once. `req` and `submitTick` are the part's kernel columns.
   */
  constructor(core: Core, prepared: PreparedReplay, syn: PreparedSynthetic, pick: Int32Array | undefined, n: number, cols: { req: number; submitTick: number }, slots: WindowSlots) {
    this.core = core;
    this.start = prepared.start;
    this.tick = prepared.tick;
    this.windowUs = syn.windowUs;
    const key = core.alloc(n * 4), k0 = core.alloc(n * 4), count = core.alloc(n * 4), mem = core.alloc(n * 8);
    const keys = core.i32(key, n), k0s = core.i32(k0, n), counts = core.i32(count, n);
    gatherI32(syn.key, pick, keys);
    gatherI32(syn.k0, pick, k0s);
    gatherI32(syn.count, pick, counts);
    gatherF64(syn.mem, pick, core.f64(mem, n));
    const cap = this.capacity = this.mostLive(prepared.ticks, core.i32(cols.submitTick, n), k0s, counts);
    const memLog = core.alloc(n * 8);
    const levels = core.alloc(cap * 32), ar = core.alloc(cap * 16), cur = core.alloc(cap * 4), live = core.alloc(cap * 4), rng = core.alloc(RNG_STATE.size);
    const U = FIT.usage;
    const cpuS = U.sampledLog.sigma, memS = U.memPeakLog.mu;
    this.feedAt = core.alloc(USAGE_FEED.size);
    USAGE_FEED.write(core.memory, this.feedAt, {
      tasks: n, joined: 0, live: 0, capacity: cap, startUs: prepared.start, windowUs: syn.windowUs,
      cpuMu: U.cpuRatioLog.mu, cpuSigma: U.cpuRatioLog.sigma, memMu: U.memRatioLog.mu, memSigma: U.memRatioLog.sigma, memMax: U.memRatioMax,
      maiMu: U.maiLog.mu, maiSigma: U.maiLog.sigma, peakMu: U.peakLog.mu, peakSigma: U.peakLog.sigma,
      // The same expressions as src/io/synthetic-usage.ts, so the same bits.
      cpuS, memS, rho: USAGE_RHO, innovCpu: Math.sqrt(1 - USAGE_RHO * USAGE_RHO) * cpuS, innovMem: Math.sqrt(1 - USAGE_RHO * USAGE_RHO) * memS,
      taskKey: key, taskK0: k0, taskCount: count, taskMem: mem, taskReq: cols.req, taskSubmitTick: cols.submitTick,
      levels, ar, cur, liveList: live, rng,
      slotEnd: slots.end, slotCpu: slots.cpu, slotMem: slots.mem, slotMaxCpu: slots.maxCpu, slotMai: slots.mai,
      slotMemLog: memLog,
    });
  }

  /**
   * The most tasks the live list holds at once over a run of `ticks` ticks,
   * replaying its rules without drawing: the periods fed are, for each
   * distinct boundary tick before the end, the last period starting there;
   * a task joins at the first fed period whose next boundary is after its
   * submit tick and is in the list at every fed period up to the first one
   * at or after its last window (count 1: only the one it joins at).
   */
  private mostLive(ticks: number, submitTick: Int32Array, k0: Int32Array, count: Int32Array): number {
    const fedP: number[] = [], nextB: number[] = [];
    for (let p = 0, b = this.boundary(0); b < ticks;) {
      let nb = this.boundary(p + 1);
      while (nb === b) nb = this.boundary(++p + 1);
      fedP.push(p); nextB.push(nb);
      p++; b = nb;
    }
    const F = fedP.length;
    const diff = new Int32Array(F + 1);
    for (let x = 0; x < submitTick.length; x++) {
      if (count[x]! === 0) continue;
      const join = firstIndex(F, (i) => nextB[i]! > submitTick[x]!);
      if (join >= F) continue;
      const leave = count[x]! === 1 ? join : Math.max(join, firstIndex(F, (i) => fedP[i]! >= k0[x]! + count[x]! - 1));
      diff[join]!++;
      if (leave < F) diff[leave + 1]!--;
    }
    let most = 0;
    for (let i = 0, live = 0; i < F; i++) { live += diff[i]!; if (live > most) most = live; }
    return most;
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

/** The first i in [0, n) with `ok(i)` (n when none), for `ok` false then true. */
function firstIndex(n: number, ok: (i: number) => boolean): number {
  let lo = 0, hi = n;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (ok(mid)) hi = mid; else lo = mid + 1; }
  return lo;
}
