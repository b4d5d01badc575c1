/**
 * Synthetic usage drawn on demand for one replay part (docs/model.md,
 * "Bounded memory"). Instead of every window of every task, the kernel gets
 * one window slot per task slot (task-slots.ts); before the ticks of each
 * 5-minute window period the driver (`simulateOn`) stages the tasks arriving
 * before the period ends and calls {@link UsageFeed.feed}, which has
 * `usageFeedDraw` (assembly/synthetic-usage.ts) write the current window of
 * every live task (staged, not yet at its last window, not done) into those
 * slots, in one call.
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
import type { StructValues } from '../../wasm/layout.ts';
import type { PreparedReplay, PreparedSynthetic } from './prepare.ts';
import { USAGE_FEED } from './replay-layouts.ts';
import type { SlotFeed } from './task-slots.ts';

/** The feed's fields that are task-slot columns (task-slots.ts sets them). */
type SlotField = 'taskKey' | 'taskK0' | 'taskCount' | 'taskMem' | 'taskReq' | 'joinList' | 'liveList' |
  'slotWindows' | 'drawScratch';
/** The feed's fields for policies in lockstep ({@link UsageFeed.lockstep}). */
type MirrorField = 'mirrors' | 'mirrorCount' | 'mirrorSlots';

/** Addresses of the kernel's window columns of a part (whole mode). */
export interface WindowSlots {
  end: number;
  cpu: number;
  mem: number;
  maxCpu: number;
  mai: number;
}

/** Per-part state of synthetic usage drawn on demand, in the part's instance: O(task slots), never O(windows) nor O(tasks). */
export class UsageFeed implements SlotFeed {
  private readonly core: Core;
  private readonly feedAt: number;
  private readonly start: number;
  private readonly tick: number;
  private readonly windowUs: number;
  private readonly constants: Omit<StructValues<typeof USAGE_FEED.fields>, 'joins' | 'live' | 'capacity' | 'replay' | 'rng' | SlotField | MirrorField>;
  private readonly rng: number;
  /** Window period fed last (-1: none). */
  private fed = -1;
  /** Whether the struct was written (its live list is kept when the slots move). */
  private bound = false;

  /** The window period drawn last (-1: none yet). */
  get period(): number {
    return this.fed;
  }

  /** The feed's struct in the instance (the replay kernel draws a window's max CPU through it when it reads one). */
  get address(): number {
    return this.feedAt;
  }

  /**
   * Allocates the feed's struct in `core`'s arena (the caller releases it with
   * the part's other columns). Its columns are the task slots' (task-slots.ts):
   * per slot the task's key, first window, window count, memory request (times
   * its level once it has joined) and current memory log-noise, and the live
   * list's entries (LIVE_ENTRY: the task's slot, what its draw reads, its
   * levels, AR state and window index); set by
   * {@link bindSlots} before the first draw.
   */
  constructor(core: Core, prepared: PreparedReplay, syn: PreparedSynthetic) {
    this.core = core;
    this.start = prepared.start;
    this.tick = prepared.tick;
    this.windowUs = syn.windowUs;
    this.rng = core.alloc(RNG_STATE.size);
    const U = FIT.usage;
    const cpuS = U.sampledLog.sigma, memS = U.memPeakLog.mu;
    this.constants = {
      startUs: prepared.start, windowUs: syn.windowUs,
      cpuMu: U.cpuRatioLog.mu, cpuSigma: U.cpuRatioLog.sigma, memMu: U.memRatioLog.mu, memSigma: U.memRatioLog.sigma, memMax: U.memRatioMax,
      maiMu: U.maiLog.mu, maiSigma: U.maiLog.sigma, peakMu: U.peakLog.mu, peakSigma: U.peakLog.sigma,
      // The same expressions as src/io/synthetic-usage.ts, so the same bits.
      cpuS, memS, rho: USAGE_RHO, innovCpu: Math.sqrt(1 - USAGE_RHO * USAGE_RHO) * cpuS, innovMem: Math.sqrt(1 - USAGE_RHO * USAGE_RHO) * memS,
    };
    this.feedAt = core.alloc(USAGE_FEED.size);
  }

  /**
   * Points the feed at the slots' columns: the first time with an empty live
   * list, later (the slots grew, their columns moved) keeping its list.
   * `replay`: the replay struct whose task states tell which tasks are done (0: none).
   */
  bindSlots(cols: Record<SlotField, number>, capacity: number, replay: number): void {
    const mem = this.core.memory;
    if (!this.bound) {
      USAGE_FEED.write(mem, this.feedAt, { ...this.constants, ...cols, joins: 0, live: 0, capacity, replay, rng: this.rng, mirrors: 0, mirrorCount: 0, mirrorSlots: 0 });
      this.bound = true;
    } else USAGE_FEED.update(mem, this.feedAt, { ...cols, capacity, replay });
  }

  /**
   * Policies in lockstep (docs/model.md): this feed's draws are also written into the slots of
   * `others`, the feeds of the other replays of the same part in the same instance, whose slots
   * are staged with the same tasks in the same order and never grow; only this feed is then fed.
   * `capacity`: the most live entries (the part's tasks). Call after every feed's slots are bound.
   */
  lockstep(others: UsageFeed[], capacity: number): void {
    if (others.length === 0) return;
    const list = this.core.alloc(others.length * 4);
    this.core.i32(list, others.length).set(others.map((o) => o.address));
    const slots = this.core.alloc(capacity * others.length * 4);
    USAGE_FEED.update(this.core.memory, this.feedAt, { mirrors: list, mirrorCount: others.length, mirrorSlots: slots });
  }

  /** The first tick of the window period after the one of tick `k`: where the feed's next draw is due. */
  next(k: number): number {
    let p = this.fed < 0 ? 0 : this.fed;
    while (this.boundary(p + 1) <= k) p++;
    return this.boundary(p + 1);
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
      // The tasks arriving before `next` were staged into slots (TaskSlots.stage) and are joined now.
      this.core.exports.usageFeedDraw(this.feedAt, p);
      this.fed = p;
    }
    return next;
  }
}
