// Synthetic usage drawn on demand for the GiantVM replay (docs/model.md, "Bounded memory").
//
// The twin of src/io/synthetic-usage.ts's `taskLevels` and `windowValues`, bit
// for bit: the same hash, the same Rng (assembly/rng.ts), the same operations
// in the same order. exp, log, sin and cos are V8's own algorithms ported to
// AssemblyScript (assembly/v8-math.ts): AssemblyScript's versions (musl) differ
// from V8's in the last bit for 0.03–9 % of arguments, and calling JavaScript's
// Math across the WebAssembly boundary cost a fifth of a large replay. cos and
// sin of the same angle share one argument reduction (v8SinCos).
//
// usageFeedDraw is called by usage-feed.ts once per 5-minute window period,
// before the kernel runs that period's ticks: it adds the tasks staged since
// the last call (those arriving before the period ends, in the replay's task
// slots) to the live list and writes the current window of every live task
// into its slot's window (SlotWindow: end, cpu, mem, maxCpu, memLog; mai once,
// at join) — the slots the replay kernel reads. A task leaves the list at its last window, or once the kernel
// has it done (its later windows are never read; its slot is then freed).
// The per-task draw state (levels, AR(1) state, window index) lives in the
// live list's entries (LiveEntry): O(tasks alive at a time). An entry also
// holds what the draw reads of its task every period (slot, key, first window,
// count, request), copied at join, so the walk reads the list in order and
// touches the task's slot, scattered over the slots, only for the replay's
// state and the window it writes: per live task and period that walk was
// cache misses, most of a whole-trace replay's draw time. The draws' maths runs
// one step at a time over all of a period's draws (drawListed), in loops of its
// own: inside the walk the same maths took ≈ 1.7 times as long.
import { rngNext, rngSeed } from './rng';
import { LiveEntry, Replay, SlotWindow, TaskState, UsageFeed } from './layouts';
import { gf, gi, sf, si } from './access';
import { sinOut, sinOut2, v8Cos, v8Exp, v8Exp2, v8Log, v8Log2, v8SinCos, v8SinCos2 } from './v8-math';

const TWO_PI: f64 = 2 * Math.PI;

// @ts-ignore: decorator
@inline function mix32(h: u32): u32 {
  h = (h ^ (h >> 16)) * 0x85ebca6b;
  h = (h ^ (h >> 13)) * 0xc2b2ae35;
  return h ^ (h >> 16);
}

// @ts-ignore: decorator
@inline function windowSeed(key: u32, k: i32): u32 {
  return mix32(key ^ mix32(<u32>(k + 1) * 0x9e3779b9 ^ 0x7f4a7c15));
}

// @ts-ignore: decorator
@inline function unit(seed: u32, j: u32): f64 {
  return (<f64>mix32(seed ^ (j + 1) * 0x85ebca77) + 0.5) / 4294967296.0;
}

// Model constants and columns of the feed being drawn (a per-call register cache, as in replay.ts).
let cpuMu: f64 = 0, cpuSigma: f64 = 0, memMu: f64 = 0, memSigma: f64 = 0, memMax: f64 = 0, maiMu: f64 = 0, maiSigma: f64 = 0,
  peakMu: f64 = 0, peakSigma: f64 = 0, cpuS: f64 = 0, memS: f64 = 0, rho: f64 = 0, innovCpu: f64 = 0, innovMem: f64 = 0;
let fKey: usize = 0, fK0: usize = 0, fCount: usize = 0, fMem: usize = 0, fReq: usize = 0, fJoin: usize = 0,
  fLive: usize = 0, fRng: usize = 0,
  slotWin: usize = 0, fScratch: usize = 0, fCap: i32 = 0;

function bindFeed(f: usize): void {
  cpuMu = load<f64>(f, UsageFeed.cpuMu); cpuSigma = load<f64>(f, UsageFeed.cpuSigma);
  memMu = load<f64>(f, UsageFeed.memMu); memSigma = load<f64>(f, UsageFeed.memSigma); memMax = load<f64>(f, UsageFeed.memMax);
  maiMu = load<f64>(f, UsageFeed.maiMu); maiSigma = load<f64>(f, UsageFeed.maiSigma);
  peakMu = load<f64>(f, UsageFeed.peakMu); peakSigma = load<f64>(f, UsageFeed.peakSigma);
  cpuS = load<f64>(f, UsageFeed.cpuS); memS = load<f64>(f, UsageFeed.memS); rho = load<f64>(f, UsageFeed.rho);
  innovCpu = load<f64>(f, UsageFeed.innovCpu); innovMem = load<f64>(f, UsageFeed.innovMem);
  fKey = load<usize>(f, UsageFeed.taskKey); fK0 = load<usize>(f, UsageFeed.taskK0); fCount = load<usize>(f, UsageFeed.taskCount);
  fMem = load<usize>(f, UsageFeed.taskMem); fReq = load<usize>(f, UsageFeed.taskReq); fJoin = load<usize>(f, UsageFeed.joinList);
  fLive = load<usize>(f, UsageFeed.liveList); fRng = load<usize>(f, UsageFeed.rng);
  slotWin = load<usize>(f, UsageFeed.slotWindows);
  fScratch = load<usize>(f, UsageFeed.drawScratch); fCap = load<i32>(f, UsageFeed.capacity);
}

/** `taskLevels(key)` into live entry e: its CPU ratio and MAI; returns the memory ratio. */
function taskLevels(key: u32, e: usize): f64 {
  rngSeed(fRng, key);
  // normal2 twice (Box–Muller), as in the TypeScript; the fourth normal is not used.
  let u1 = 1 - rngNext(fRng);
  let u2 = rngNext(fRng);
  let rad = Math.sqrt(-2 * v8Log(u1));
  const z0 = rad * v8SinCos(TWO_PI * u2);
  const z1 = rad * sinOut;
  u1 = 1 - rngNext(fRng);
  u2 = rngNext(fRng);
  rad = Math.sqrt(-2 * v8Log(u1));
  const z2 = rad * v8Cos(TWO_PI * u2);
  store<f64>(e, min<f64>(1, v8Exp(cpuMu + cpuSigma * z0)), LiveEntry.cpuLevel);
  const memLevel = min<f64>(memMax, v8Exp(memMu + memSigma * z1));
  store<f64>(e, v8Exp(maiMu + maiSigma * z2), LiveEntry.cpu); // the MAI, until the task has joined
  return memLevel;
}

/**
 * `windowValues(key, k, k == 0, …)` of the task of live entry e for a window passed over: advances
 * its AR(1) state only (the window's values are never read).
 */
function passWindow(e: usize, k: i32): void {
  const ws = windowSeed(load<u32>(e, LiveEntry.key), k);
  const r1 = Math.sqrt(-2 * v8Log(unit(ws, 0)));
  const z0 = r1 * v8SinCos(TWO_PI * unit(ws, 1));
  advanceAr(e, k, z0, r1 * sinOut);
}

/** Entry e's AR(1) states at window k from the window's normals z0 (CPU) and z1 (memory); returns the CPU one. */
// @ts-ignore: decorator
@inline function advanceAr(e: usize, k: i32, z0: f64, z1: f64): f64 {
  const ec = k == 0 ? cpuS * z0 : rho * load<f64>(e, LiveEntry.arCpu) + innovCpu * z0;
  const em = k == 0 ? memS * z1 : rho * load<f64>(e, LiveEntry.arMem) + innovMem * z1;
  store<f64>(e, ec, LiveEntry.arCpu);
  store<f64>(e, em, LiveEntry.arMem);
  return ec;
}

/** Writes window k of a task into its slot's window `sw`: its end, mean CPU, and the markers of what the kernel draws when it reads them. */
// @ts-ignore: decorator
@inline function writeWindow(sw: usize, end: f64, cpu: f64, em: f64, k: i32): void {
  store<f64>(sw, end, SlotWindow.end);
  store<f64>(sw, cpu, SlotWindow.cpu);
  // Memory is read only by a move or a memory-ordered rebalancing: the kernel draws it then
  // (usageMem) from the log-noise kept here; NaN marks it not drawn.
  store<f64>(sw, NaN, SlotWindow.mem);
  store<f64>(sw, em, SlotWindow.memLog);
  // Max CPU is read only when a rebalancing looks for migratable tasks, and it needs none of the
  // AR state: the kernel draws it then (usagePeak) from this marker, −(window + 1).
  store<f64>(sw, -<f64>(k + 1), SlotWindow.maxCpu);
}

/**
 * The memory of the current window of the task in slot `x` of the feed at `f`:
 * `windowValues`' min(1, request·level·exp(em − s²/2)) from the window's log-noise em
 * (same operations, same bits).
 */
export function usageMem(f: usize, x: i32): f64 {
  const base = gf(load<usize>(f, UsageFeed.taskMem), x);
  const em = load<f64>(load<usize>(f, UsageFeed.slotWindows) + <usize>x * SlotWindow.SIZE, SlotWindow.memLog);
  const s = load<f64>(f, UsageFeed.memS);
  return min<f64>(1, base * v8Exp(em - (s * s) / 2));
}

/**
 * The max CPU of window `k` of the task in slot `x` of the feed at `f` whose mean CPU is `cpu`:
 * `windowValues`' min(1, cpu·exp(|μp + σp·z|)), z the cosine half of the window's second
 * Box–Muller pair — the same operations as when it was drawn with the window (same bits).
 */
export function usagePeak(f: usize, x: i32, k: i32, cpu: f64): f64 {
  const key = <u32>gi(load<usize>(f, UsageFeed.taskKey), x);
  const ws = windowSeed(key, k);
  const r2 = Math.sqrt(-2 * v8Log(unit(ws, 2)));
  const z2 = r2 * v8Cos(TWO_PI * unit(ws, 3));
  const peak = v8Exp(Math.abs(load<f64>(f, UsageFeed.peakMu) + load<f64>(f, UsageFeed.peakSigma) * z2));
  return min<f64>(1, cpu * peak);
}

/** How many entries ahead of the one drawn the walk touches a slot (see usageFeedDraw). */
const AHEAD: i32 = 8;
/** What the touches read, kept so that they are not optimised away. */
let touched: i32 = 0;

/** Takes slot x off the live list's hold; frees it when the replay at `r` has its task done. */
function unhold(r: usize, x: i32): void {
  if (r == 0) return;
  si(load<usize>(r, Replay.taskHeld), x, 0);
  if (gi(load<usize>(r, Replay.taskState), x) != TaskState.done) return;
  const n = load<i32>(r, Replay.freeCount);
  si(load<usize>(r, Replay.freeList), n, x);
  store<i32>(r, n + 1, Replay.freeCount);
}

/** The mirrors of the feed being drawn (`UsageFeed.mirrors`, `mirrorCount`, `mirrorSlots`; a per-call register cache). */
let mirrors: usize = 0, mirrorCount: i32 = 0, mSlots: usize = 0;
/** The feed of mirror m in the list of feed addresses at `list`. */
// @ts-ignore: decorator
@inline function mirrorFeed(list: usize, m: i32): usize { return load<usize>(list + (<usize>m << alignof<usize>())); }

/** Whether slot x of the replay at `r` (0: none) has its task done (no side effect: see doneIn). */
// @ts-ignore: decorator
@inline function isDone(r: usize, x: i32): bool {
  return r != 0 && gi(load<usize>(r, Replay.taskState), x) == TaskState.done;
}

/**
 * Slot x of the replay at `r` (0: none) as the walk finds it: true when the
 * task is done there (its slot is then let go), false when its windows are still read.
 */
// @ts-ignore: decorator
@inline function doneIn(r: usize, x: i32): bool {
  if (!isDone(r, x)) return false;
  unhold(r, x);
  return true;
}

/** The feed being drawn, for the helpers of its walk (a per-call register cache). */
let dStart: f64 = 0, dW: f64 = 0, dReplay: usize = 0, dM: i32 = 0, dKept: i32 = 0;

/** Whether entry r (at e) still has a replay that reads its windows (pure: letGo then lets the others go). */
function wantedNow(r: i32, e: usize): bool {
  const x = load<i32>(e, LiveEntry.slot);
  if (x >= 0 && !isDone(dReplay, x)) return true;
  for (let m = 0; m < dM; m++) {
    const xm = load<i32>(mSlots + ((<usize>r * dM + m) << 2));
    if (xm >= 0 && !isDone(load<usize>(mirrorFeed(mirrors, m), UsageFeed.replay), xm)) return true;
  }
  return false;
}

/** Lets go the slots of entry r (at e) whose task is done (doneIn). */
function letGo(r: i32, e: usize): void {
  const x = load<i32>(e, LiveEntry.slot);
  // Done in a replay: no later window of it is read there.
  if (x >= 0 && doneIn(dReplay, x)) store<i32>(e, -1, LiveEntry.slot);
  for (let m = 0; m < dM; m++) {
    const at = mSlots + ((<usize>r * dM + m) << 2), xm = load<i32>(at);
    if (xm >= 0 && doneIn(load<usize>(mirrorFeed(mirrors, m), UsageFeed.replay), xm)) store<i32>(at, -1);
  }
}

/** Advances entry e's AR state over the windows it passes over before window c. */
function drawPassed(e: usize, c: i32): void {
  for (let w = load<i32>(e, LiveEntry.cur) + 1; w < c; w++) passWindow(e, w);
}

/**
 * The rest of entry r's turn (at e; `drew`: window c was drawn this period, its CPU in
 * `LiveEntry.cpu`): the window written into its slots, then its place in the list — moved down
 * over the entries that left, or, at its last window, gone with its slots let go.
 */
function tail(r: i32, e: usize, c: i32, drew: bool): void {
  const M = dM, replay = dReplay;
  const k0 = load<i32>(e, LiveEntry.k0), count = load<i32>(e, LiveEntry.count);
  const x = load<i32>(e, LiveEntry.slot);
  if (drew) {
    const cpu = load<f64>(e, LiveEntry.cpu), em = load<f64>(e, LiveEntry.arMem);
    store<i32>(e, c, LiveEntry.cur);
    store<i32>(e, drawnPeriod, LiveEntry.drawn);
    const end = c + 1 < count ? dStart + <f64>(k0 + c + 1) * dW : Infinity;
    if (x >= 0) writeWindow(slotWin + <usize>x * SlotWindow.SIZE, end, cpu, em, c);
    // A task that stays on the list: its mirrors' slots are written by usageFeedScatter, each just
    // before its replay steps (its windows then still in the caches when the replay sums them).
    // One that leaves it (its last window): now.
    if (c >= count - 1) {
      for (let m = 0; m < M; m++) {
        const xm = load<i32>(mSlots + ((<usize>r * M + m) << 2));
        if (xm >= 0) writeWindow(load<usize>(mirrorFeed(mirrors, m), UsageFeed.slotWindows) + <usize>xm * SlotWindow.SIZE, end, cpu, em, c);
      }
    }
  }
  const kept = dKept;
  if (c < count - 1) {
    // The entry moves down with the task when earlier tasks left.
    if (kept != r) {
      // Loads and stores, not memory.copy: V8 runs a bulk copy this small as a call out of the module.
      const to = fLive + <usize>kept * LiveEntry.SIZE;
      store<v128>(to, load<v128>(e)); store<v128>(to, load<v128>(e, 16), 16);
      store<v128>(to, load<v128>(e, 32), 32); store<v128>(to, load<v128>(e, 48), 48);
      for (let m = 0; m < M; m++) si(mSlots, kept * M + m, gi(mSlots, r * M + m));
    }
    dKept = kept + 1;
  } else {
    if (x >= 0) unhold(replay, x);
    for (let m = 0; m < M; m++) {
      const xm = gi(mSlots, r * M + m);
      if (xm >= 0) unhold(load<usize>(mirrorFeed(mirrors, m), UsageFeed.replay), xm);
    }
  }
}

/** The window of period p of the entry at e: p − k0, within [0, count − 1]. */
// @ts-ignore: decorator
@inline function windowOf(e: usize, p: i32): i32 {
  const c = p - load<i32>(e, LiveEntry.k0), last = load<i32>(e, LiveEntry.count) - 1;
  return c < 0 ? 0 : c > last ? last : c;
}

/** Scratch array k (0–3) of the feed being drawn, element j. */
// @ts-ignore: decorator
@inline function scratch(k: i32, j: i32): usize { return fScratch + ((<usize>k * <usize>fCap + <usize>j) << 3); }

/**
 * `windowValues` (src/io/synthetic-usage.ts) of the `n` entries listed in the join list's memory,
 * each at its window of period p, each step of the maths over all of them before the next: the units, then
 * log and square root, then sine–cosine, then the AR(1) states, then exp. Two at a time (v8Log2,
 * v8SinCos2, v8Exp2: the same bits as one at a time), an odd last one alone: the same operations
 * in the same order for each entry as one at a time. Stores each one's window CPU in its entry.
 */
function drawListed(n: i32, p: i32): void {
  for (let j = 0; j < n; j++) {
    const e = fLive + <usize>gi(fJoin, j) * LiveEntry.SIZE;
    const ws = windowSeed(load<u32>(e, LiveEntry.key), windowOf(e, p));
    store<f64>(scratch(0, j), unit(ws, 0));
    store<f64>(scratch(1, j), unit(ws, 1));
  }
  let j = 0;
  for (; j + 1 < n; j += 2) v128.store(scratch(0, j), f64x2.sqrt(f64x2.mul(f64x2.splat(-2), v8Log2(v128.load(scratch(0, j))))));
  if (j < n) store<f64>(scratch(0, j), Math.sqrt(-2 * v8Log(load<f64>(scratch(0, j)))));
  for (j = 0; j + 1 < n; j += 2) {
    const r1 = v128.load(scratch(0, j));
    const cosines = v8SinCos2(f64x2.mul(f64x2.splat(TWO_PI), v128.load(scratch(1, j))));
    v128.store(scratch(2, j), f64x2.mul(r1, cosines));
    v128.store(scratch(3, j), f64x2.mul(r1, sinOut2));
  }
  if (j < n) {
    const r1 = load<f64>(scratch(0, j));
    store<f64>(scratch(2, j), r1 * v8SinCos(TWO_PI * load<f64>(scratch(1, j))));
    store<f64>(scratch(3, j), r1 * sinOut);
  }
  const half = (cpuS * cpuS) / 2;
  for (j = 0; j < n; j++) {
    const e = fLive + <usize>gi(fJoin, j) * LiveEntry.SIZE;
    store<f64>(scratch(0, j), advanceAr(e, windowOf(e, p), load<f64>(scratch(2, j)), load<f64>(scratch(3, j))) - half);
  }
  for (j = 0; j + 1 < n; j += 2) v128.store(scratch(1, j), v8Exp2(v128.load(scratch(0, j))));
  if (j < n) store<f64>(scratch(1, j), v8Exp(load<f64>(scratch(0, j))));
  for (j = 0; j < n; j++) {
    const e = fLive + <usize>gi(fJoin, j) * LiveEntry.SIZE;
    store<f64>(e, min<f64>(1, load<f64>(e, LiveEntry.req) * load<f64>(e, LiveEntry.cpuLevel) * load<f64>(scratch(1, j))), LiveEntry.cpu);
  }
}

/** The window period being drawn (LiveEntry.drawn of the entries drawn in it). */
let drawnPeriod: i32 = 0;

/**
 * Window period `p` of the feed at `f`: joins the tasks staged since the last
 * call (their slots in `joinList`, in arrival order; they arrive before the
 * period ends), then writes the period's window of every live task whose
 * window changed (windows it passes over only advance the AR state). Returns
 * the number of live tasks left.
 *
 * With mirrors (policies in lockstep: the other replays of the same part, fed
 * the same tasks in the same order), each join has its slot in every mirror at
 * the same place of the mirror's join list; the draw is done once and written
 * into the task's slot of every replay where it is not done yet; the entry
 * leaves the list when it is done in all of them, or at its last window.
 */
export function usageFeedDraw(f: usize, p: i32): i32 {
  bindFeed(f);
  drawnPeriod = p;
  mirrors = load<usize>(f, UsageFeed.mirrors); mirrorCount = load<i32>(f, UsageFeed.mirrorCount); mSlots = load<usize>(f, UsageFeed.mirrorSlots);
  const M = mirrorCount;
  const joins = load<i32>(f, UsageFeed.joins);
  for (let m = 0; m < M; m++) assert(load<i32>(mirrorFeed(mirrors, m), UsageFeed.joins) == joins, 'usage feed: a mirror staged other tasks');
  let live = load<i32>(f, UsageFeed.live);
  for (let j = 0; j < joins; j++) {
    const x = gi(fJoin, j);
    const count = gi(fCount, x);
    if (count > 0) {
      assert(live < load<i32>(f, UsageFeed.capacity), 'usage feed: more live tasks than its capacity');
      const e = fLive + <usize>live * LiveEntry.SIZE, key = <u32>gi(fKey, x);
      const memLevel = taskLevels(key, e);
      const mai = load<f64>(e, LiveEntry.cpu);
      // The memory request times the task's level, the first factor of every window's memory.
      sf(fMem, x, gf(fMem, x) * memLevel);
      // The task's MAI is its level for every window: written once (the slot keeps it until the task is done).
      store<f64>(slotWin + <usize>x * SlotWindow.SIZE, mai, SlotWindow.mai);
      for (let m = 0; m < M; m++) {
        const mf = mirrorFeed(mirrors, m), xm = gi(load<usize>(mf, UsageFeed.joinList), j), mMem = load<usize>(mf, UsageFeed.taskMem);
        sf(mMem, xm, gf(mMem, xm) * memLevel);
        store<f64>(load<usize>(mf, UsageFeed.slotWindows) + <usize>xm * SlotWindow.SIZE, mai, SlotWindow.mai);
        si(mSlots, live * M + m, xm);
      }
      store<f64>(e, gf(fReq, x), LiveEntry.req);
      store<i32>(e, x, LiveEntry.slot); store<u32>(e, key, LiveEntry.key);
      store<i32>(e, gi(fK0, x), LiveEntry.k0); store<i32>(e, count, LiveEntry.count);
      store<i32>(e, -1, LiveEntry.cur); store<i32>(e, -1, LiveEntry.drawn);
      live++;
    }
  }
  store<i32>(f, 0, UsageFeed.joins);
  for (let m = 0; m < M; m++) store<i32>(mirrorFeed(mirrors, m), 0, UsageFeed.joins);
  const replay = load<usize>(f, UsageFeed.replay);
  const sState = replay != 0 ? load<usize>(replay, Replay.taskState) : 0;
  dStart = load<f64>(f, UsageFeed.startUs); dW = load<f64>(f, UsageFeed.windowUs); dReplay = replay; dM = M; dKept = 0;
  let touch = 0;
  // Three passes. 1: the entries whose window changed, listed (their places, in the join list's
  // memory: free until the next staging), their passed-over windows drawn. 2: those draws, each
  // step of the maths over all of them in a loop of its own, two at a time (drawListed). 3: each
  // entry's turn in list order (its done slots let go, the window written, its place in the list):
  // what a turn changes in the replays stays in list order, and a draw changes only its own entry.
  let nd = 0;
  for (let r = 0; r < live; r++) {
    const e = fLive + <usize>r * LiveEntry.SIZE;
    const c = windowOf(e, p);
    if (wantedNow(r, e) && c > load<i32>(e, LiveEntry.cur)) {
      drawPassed(e, c);
      si(fJoin, nd++, r);
    }
  }
  drawListed(nd, p);
  // Pass 3 walks the listed entries alongside: a listed entry is wanted and drawn (nothing since pass 1
  // changed either), so only the others ask wantedNow again.
  let q = 0;
  for (let r = 0; r < live; r++) {
    // The slot of the entry AHEAD places on, read now so that its state and window are in the
    // cache when their turn comes: WebAssembly has no prefetch.
    if (replay != 0 && r + AHEAD < live) {
      const xa = load<i32>(fLive + <usize>(r + AHEAD) * LiveEntry.SIZE, LiveEntry.slot);
      if (xa >= 0) {
        const wa = slotWin + <usize>xa * SlotWindow.SIZE; // its first and last byte: the window may span two lines
        touch += gi(sState, xa) + <i32>load<u8>(wa) + <i32>load<u8>(wa, SlotWindow.SIZE - 1);
      }
    }
    const e = fLive + <usize>r * LiveEntry.SIZE;
    const c = windowOf(e, p);
    const drew = q < nd && gi(fJoin, q) == r;
    if (drew) q++;
    const wanted = drew || wantedNow(r, e);
    letGo(r, e);
    if (wanted) tail(r, e, c, drew);
  }
  const kept = dKept;
  store<i32>(f, kept, UsageFeed.live);
  touched += touch;
  return kept;
}

/**
 * Policies in lockstep: writes the windows that the last draw (window period `p`) changed into the
 * slots of mirror `m` of the feed at `f` (the tasks still on the list and not done there), just
 * before mirror m's replay steps (measured: 0.87–0.93× the time of four policies, against writing
 * them in the draw). Returns how many it wrote.
 */
export function usageFeedScatter(f: usize, m: i32, p: i32): i32 {
  const M = load<i32>(f, UsageFeed.mirrorCount);
  assert(m >= 0 && m < M, 'usage feed: no such mirror');
  const list = load<usize>(f, UsageFeed.liveList), live = load<i32>(f, UsageFeed.live);
  const slots = load<usize>(f, UsageFeed.mirrorSlots);
  const win = load<usize>(mirrorFeed(load<usize>(f, UsageFeed.mirrors), m), UsageFeed.slotWindows);
  const start = load<f64>(f, UsageFeed.startUs), W = load<f64>(f, UsageFeed.windowUs);
  let n = 0;
  for (let r = 0; r < live; r++) {
    const e = list + <usize>r * LiveEntry.SIZE;
    if (load<i32>(e, LiveEntry.drawn) != p) continue;
    const xm = gi(slots, r * M + m);
    if (xm < 0) continue;
    const c = load<i32>(e, LiveEntry.cur);
    // Still on the list: not its last window, so its window ends.
    writeWindow(win + <usize>xm * SlotWindow.SIZE, start + <f64>(load<i32>(e, LiveEntry.k0) + c + 1) * W, load<f64>(e, LiveEntry.cpu), load<f64>(e, LiveEntry.arMem), c);
    n++;
  }
  return n;
}
