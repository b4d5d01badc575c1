// GiantVM cell-rebalancing trace replay (GiantVM thesis ch. 4–5, alg. 4-1/4-2/4-3; docs/model.md).
//
// Advances a cluster tick by tick: machine events, SUBMITs to pre-drawn
// machines, admission by Σ request×overcommit ≤ cap (pending tasks wait on
// their machine), per-machine CPU usage from usage windows, rebalancing of
// each cell every `interval` ticks, slowdown cap/usage when usage > cap
// (work-conserving "virtual time" per machine), finishes, and per-cell /
// per-machine accumulators from which the TypeScript side builds metrics and
// series. The model and every interpretation are in docs/model.md
// ("Trace replay (GiantVM)"); src/systems/giantvm/reference.ts is the
// object-per-task twin that must give bit-identical accumulators.
//
// Why it is fast: nothing is done per machine per tick unless something
// happened to it. A machine's accounting is kept as a *segment*: the ticks
// since its usage U(m) or capacity last changed (or the series point began),
// closed in one multiply each (docs/model.md, "Segments"); its virtual clock is
// V0 + inc·(ticks into the segment). Each tick only the *active* machines are
// visited (a bitmap, in machine order): those with a machine event, an
// arrival, a flag set by a start, move or finish, or a *wake* due — the first
// tick at which a task's window ends or the clock reaches the smallest finish
// mark, computed when the machine was last visited and kept in a per-tick
// bucket list for the current series point. A cell is rebalanced only when
// something in it changed since its last rebalancing that moved nothing (the
// same state gives the same decision). Usage is re-summed only when the running
// list changed or a window ended; admission only when a lower bound of the
// pending requests could fit. Every sum is taken in list order, every segment
// closed where the reference closes it, so the two agree bit for bit.
//
// State: a `Replay` struct (layout in assembly/layouts.ts, described in
// src/systems/giantvm/replay-layouts.ts) holds the counts, parameters, column
// addresses and the cursor between calls; every export takes its address.
// Each export first copies the struct into the module globals below
// (`bindReplay`), a per-call register cache for the hot loops, and writes the
// cursor back before returning: nothing is kept in globals between calls.
//
// Columns (all supplied by TypeScript):
//   task slots : machine i32, submitTick i32, submitUs f64, work f64, req f64,
//                prio i32, winB i32, winE i32                (input, written when staged)
//                next i32, prev i32, state i32, cur i32, home i32, finV f64, rem f64, held i32 (state)
//                Columns are per slot, not per task: the driver (task-slots.ts) stages the tasks
//                arriving before its next replayStep's end into free slots and lists them in
//                `arrivals` (in submit order); a slot's state is set when its task arrives, and a
//                done task's slot goes on the free list (when recycling, and once synthetic usage's
//                live list no longer holds it). Nothing orders by slot: lists keep their order.
//   windows w  : end f64, cpu f64, mem f64, maxCpu f64, mai f64   (per task [winB, winE); window w's
//                values at col + w·winStride: columns (8), or the task slots' SlotWindow structs;
//                the last window's end is +∞. Synthetic usage: one slot per task, rewritten
//                at each 5-minute period by usageFeedDraw, assembly/synthetic-usage.ts)
//   machines M : cap0 f64, up0 i32                               (input)
//                runHead runTail pendHead pendTail runCount pendCount up flags i32,
//                U reqSum V cap nextChange minFinish pUtil pUp minPend f64 (state)
//                utilSum f64, upTicks f64                        (output)
//   events  E  : tick i32, machine i32, type i32 (MachineEvent), cap f64
//   cand       : f64 sort keys and i32 candidate slots, per slot (scratch)
//   segments M: segA wake bPrev bNext i32, segU segCap segInc pCpu pCap pOver f64
//              (segment start tick or -1, wake tick or -1, bucket links; the segment's U, cap and
//              clock increment; the series point's partial sums); V(m) is mV + segInc·(k − segA)
//   dirty  C   : i32 per cell (changed since its last rebalancing that moved nothing)
//   active     : u32 bitmap over machines, and a summary bitmap over its non-zero words;
//                bucket: i32 head per tick of a series point
//   The state block (machines' state columns, the rest) is one allocation of
//   replayStateBytes(M, C, sampleEvery) bytes, carved in the order listed.
//   outputs    : cellAcc CellAcc[C]; cellPt CellPoint[C*R], machPt f64[M*R]: a ring of R series
//                points (point p in slot p mod R, zeroed when p begins), drained by the driver
import { gf, gi, sf, si } from './access';
import { CellAcc, CellPoint, MachineEvent, Policy, Replay, TaskState } from './layouts';
import { usageMem, usagePeak } from './synthetic-usage';

const F_U: i32 = 1, F_REQ: i32 = 2, F_ADMIT: i32 = 4;
const MIGRATABLE_PRIO: i32 = 2;
const MIGRATABLE_MAXCPU: f64 = 0.025;
const MOVE_SHARE: f64 = 0.8;

let nM: i32 = 0, nC: i32 = 0, nE: i32 = 0, cs: i32 = 4, policy: i32 = 0,
  interval: i32 = 10, sampleEvery: i32 = 10, nP: i32 = 1, nR: i32 = 1, nTicks: i32 = 0;
let tickUs: f64 = 1e6, startUs: f64 = 0, oc: f64 = 1, minMove: f64 = 0;
// Rules (docs/model.md, "The thesis's regime and the open rules"): time-0 tasks start without admission; a migrated task's
// request stays booked where it was admitted; migrations also check the destination's requests;
// the memory-ordered policies sort descending.
let time0Run: bool = false, stays: bool = false, destReq: bool = false, memDesc: bool = false, recycle: bool = false;
// Every slot's one window is its own (task-slots.ts, all modes but 'whole'): the window of task k is k, its cursor never moves.
let slotWindows: bool = false;
let state: usize = 0, usageFeed: usize = 0;
let tMachine: usize = 0, tSubmitTick: usize = 0, tSubmitUs: usize = 0, tWork: usize = 0, tReq: usize = 0,
  tPrio: usize = 0, tWinB: usize = 0, tWinE: usize = 0;
let sNext: usize = 0, sPrev: usize = 0, sState: usize = 0, sCur: usize = 0, sHome: usize = 0, sFinV: usize = 0, sRem: usize = 0, sHeld: usize = 0;
let arrQ: usize = 0, freeList: usize = 0;
let wEnd: usize = 0, wCpu: usize = 0, wMem: usize = 0, wMaxCpu: usize = 0, wMai: usize = 0, wStride: usize = 8;
let mCap0: usize = 0, mUp0: usize = 0;
let runHead: usize = 0, runTail: usize = 0, pendHead: usize = 0, pendTail: usize = 0, runCount: usize = 0,
  pendCount: usize = 0, mUp: usize = 0, mFlags: usize = 0, mLedN: usize = 0;
let mU: usize = 0, mReq: usize = 0, mV: usize = 0, mCap: usize = 0, mNext: usize = 0, mMinFin: usize = 0,
  mPUtil: usize = 0, mPUp: usize = 0, mUtilSum: usize = 0, mUpTicks: usize = 0, mMinPend: usize = 0;
let eTick: usize = 0, eMachine: usize = 0, eType: usize = 0, eCap: usize = 0;
let cand: usize = 0, candKey: usize = 0;
let segA: usize = 0, mWake: usize = 0, bPrev: usize = 0, bNext: usize = 0, segU: usize = 0, segCap: usize = 0, segInc: usize = 0,
  pCpu: usize = 0, pCap: usize = 0, pOver: usize = 0, cDirty: usize = 0, active: usize = 0, activeSum: usize = 0, bucket: usize = 0;
/** The tick being simulated, and the end (exclusive) of its series point. */
let kNow: i32 = 0, pointEnd: i32 = 0;
const NEVER: i32 = 0x7fffffff;
let cellAcc: usize = 0, cellPt: usize = 0, machPt: usize = 0;
let curTick: i32 = 0, nextTask: i32 = 0, nextEvent: i32 = 0, staged: i32 = 0, freeCount: i32 = 0;

// @ts-ignore: decorator
@inline function addAcc(cell: i32, slot: usize, v: f64): void {
  const p = cellAcc + <usize>cell * CellAcc.SIZE + slot;
  store<f64>(p, load<f64>(p) + v);
}
// @ts-ignore: decorator
@inline function addPt(cell: i32, point: i32, slot: usize, v: f64): void {
  const p = cellPt + <usize>(cell * nR + point % nR) * CellPoint.SIZE + slot;
  store<f64>(p, load<f64>(p) + v);
}
// @ts-ignore: decorator
@inline function setFlag(m: i32, f: i32): void { si(mFlags, m, gi(mFlags, m) | f); activate(m); }

/** Loads the replay struct at `r` into the register cache and carves its state block. */
function bindReplay(r: usize): void {
  nM = load<i32>(r, Replay.machines); nC = load<i32>(r, Replay.cells);
  nE = load<i32>(r, Replay.events); cs = load<i32>(r, Replay.cellSize); policy = load<i32>(r, Replay.policy);
  interval = load<i32>(r, Replay.interval); sampleEvery = load<i32>(r, Replay.sampleEvery);
  nP = load<i32>(r, Replay.points); nR = load<i32>(r, Replay.ringPoints); nTicks = load<i32>(r, Replay.ticks);
  tickUs = load<f64>(r, Replay.tickUs); startUs = load<f64>(r, Replay.startUs);
  oc = load<f64>(r, Replay.overcommit); minMove = load<f64>(r, Replay.minMove);
  time0Run = load<i32>(r, Replay.time0Run) != 0; stays = load<i32>(r, Replay.requestStays) != 0;
  destReq = load<i32>(r, Replay.destRequest) != 0; memDesc = load<i32>(r, Replay.memDesc) != 0;
  recycle = load<i32>(r, Replay.recycle) != 0; slotWindows = load<i32>(r, Replay.slotWindows) != 0;
  tMachine = load<usize>(r, Replay.taskMachine); tSubmitTick = load<usize>(r, Replay.taskSubmitTick);
  tSubmitUs = load<usize>(r, Replay.taskSubmitUs); tWork = load<usize>(r, Replay.taskWork);
  tReq = load<usize>(r, Replay.taskReq); tPrio = load<usize>(r, Replay.taskPrio);
  tWinB = load<usize>(r, Replay.taskWinB); tWinE = load<usize>(r, Replay.taskWinE);
  sNext = load<usize>(r, Replay.taskNext); sPrev = load<usize>(r, Replay.taskPrev); sState = load<usize>(r, Replay.taskState);
  sCur = load<usize>(r, Replay.taskCur); sHome = load<usize>(r, Replay.taskHome); sFinV = load<usize>(r, Replay.taskFinV);
  sRem = load<usize>(r, Replay.taskRem); sHeld = load<usize>(r, Replay.taskHeld);
  cand = load<usize>(r, Replay.cand); candKey = load<usize>(r, Replay.candKey);
  arrQ = load<usize>(r, Replay.arrivals); freeList = load<usize>(r, Replay.freeList);
  wEnd = load<usize>(r, Replay.winEnd); wCpu = load<usize>(r, Replay.winCpu); wMem = load<usize>(r, Replay.winMem);
  wMaxCpu = load<usize>(r, Replay.winMaxCpu); wMai = load<usize>(r, Replay.winMai); wStride = <usize>load<i32>(r, Replay.winStride);
  mCap0 = load<usize>(r, Replay.machineCap); mUp0 = load<usize>(r, Replay.machineUp);
  eTick = load<usize>(r, Replay.eventTick); eMachine = load<usize>(r, Replay.eventMachine);
  eType = load<usize>(r, Replay.eventType); eCap = load<usize>(r, Replay.eventCap);
  cellAcc = load<usize>(r, Replay.cellAcc); cellPt = load<usize>(r, Replay.cellPt); machPt = load<usize>(r, Replay.machPt);
  mUtilSum = load<usize>(r, Replay.utilSum); mUpTicks = load<usize>(r, Replay.upTicks);
  state = load<usize>(r, Replay.state); usageFeed = load<usize>(r, Replay.usageFeed);
  curTick = load<i32>(r, Replay.tick); nextTask = load<i32>(r, Replay.nextTask); nextEvent = load<i32>(r, Replay.nextEvent);
  staged = load<i32>(r, Replay.staged); freeCount = load<i32>(r, Replay.freeCount);

  // Carve the state block: 9 + 9 machine columns, the rest.
  let p = state;
  const m4 = (<usize>nM << 2), m8 = (<usize>nM << 3);
  runHead = p; p += m4; runTail = p; p += m4; pendHead = p; p += m4; pendTail = p; p += m4;
  runCount = p; p += m4; pendCount = p; p += m4; mUp = p; p += m4; mFlags = p; p += m4; mLedN = p; p += m4;
  mU = p; p += m8; mReq = p; p += m8; mV = p; p += m8; mCap = p; p += m8; mNext = p; p += m8;
  mMinFin = p; p += m8; mPUtil = p; p += m8; mPUp = p; p += m8; mMinPend = p; p += m8;
  segA = p; p += m4; mWake = p; p += m4; bPrev = p; p += m4; bNext = p; p += m4;
  segU = p; p += m8; segCap = p; p += m8; segInc = p; p += m8; pCpu = p; p += m8; pCap = p; p += m8; pOver = p; p += m8;
  cDirty = p; p += (<usize>nC << 2);
  active = p; p += (<usize>((nM + 31) >> 5) << 2);
  activeSum = p; p += (<usize>((nM + 1023) >> 10) << 2);
  bucket = p;
}

/** Writes the cursor of the register cache back into the replay struct at `r`. */
function storeCursor(r: usize): void {
  store<i32>(r, curTick, Replay.tick); store<i32>(r, nextTask, Replay.nextTask); store<i32>(r, nextEvent, Replay.nextEvent);
  store<i32>(r, freeCount, Replay.freeCount);
}

/**
 * Resets the state block and the outputs of the replay at `r` (cursor at tick 0; the staged
 * arrivals and the free list are the driver's). A task slot's state is set when its task arrives.
 * Returns 0.
 */
export function replayInit(r: usize): i32 {
  store<i32>(r, 0, Replay.tick); store<i32>(r, 0, Replay.nextTask); store<i32>(r, 0, Replay.nextEvent);
  bindReplay(r);
  for (let m = 0; m < nM; m++) {
    si(runHead, m, -1); si(runTail, m, -1); si(pendHead, m, -1); si(pendTail, m, -1);
    si(runCount, m, 0); si(pendCount, m, 0); si(mUp, m, gi(mUp0, m)); si(mFlags, m, 0); si(mLedN, m, 0);
    sf(mU, m, 0); sf(mReq, m, 0); sf(mV, m, 0); sf(mCap, m, gf(mCap0, m)); sf(mNext, m, Infinity);
    sf(mMinFin, m, Infinity); sf(mMinPend, m, Infinity); sf(mPUtil, m, 0); sf(mPUp, m, 0); sf(mUtilSum, m, 0); sf(mUpTicks, m, 0);
    si(segA, m, -1); si(mWake, m, -1); si(bPrev, m, -1); si(bNext, m, -1);
    sf(segU, m, 0); sf(segCap, m, 0); sf(segInc, m, 0); sf(pCpu, m, 0); sf(pCap, m, 0); sf(pOver, m, 0);
  }
  for (let c = 0; c < nC; c++) si(cDirty, c, 1);
  // Every machine is visited at tick 0 (its first segment opens there).
  memory.fill(active, 0, <usize>((nM + 31) >> 5) << 2);
  memory.fill(activeSum, 0, <usize>((nM + 1023) >> 10) << 2);
  for (let m = 0; m < nM; m++) activate(m);
  for (let i = 0; i < sampleEvery; i++) si(bucket, i, -1);
  memory.fill(cellAcc, 0, <usize>nC * CellAcc.SIZE);
  memory.fill(cellPt, 0, <usize>(nC * nR) * CellPoint.SIZE);
  return 0;
}

/** Bytes of the scratch state block `replayInit` carves for `m` machines, `c` cells and `sampleEvery` ticks per series point. */
export function replayStateBytes(m: i32, c: i32, sampleEvery: i32): i32 {
  return m * (9 * 4 + 9 * 8) + m * (4 * 4 + 6 * 8) + c * 4 + ((m + 31) >> 5) * 4 + ((m + 1023) >> 10) * 4 + sampleEvery * 4 + 64;
}

// ---- activity: which machines a tick visits, and when a quiet machine must be visited again

// @ts-ignore: decorator
@inline function activate(m: i32): void {
  const i = m >> 5, w = active + (<usize>i << 2);
  store<u32>(w, load<u32>(w) | (<u32>1 << (<u32>m & 31)));
  const sw = activeSum + (<usize>(i >> 5) << 2);
  store<u32>(sw, load<u32>(sw) | (<u32>1 << (<u32>i & 31)));
}

// @ts-ignore: decorator
@inline function deactivate(m: i32): void {
  const i = m >> 5, w = active + (<usize>i << 2);
  const bits = load<u32>(w) & ~(<u32>1 << (<u32>m & 31));
  store<u32>(w, bits);
  if (bits == 0) {
    const sw = activeSum + (<usize>(i >> 5) << 2);
    store<u32>(sw, load<u32>(sw) & ~(<u32>1 << (<u32>i & 31)));
  }
}

/** The first active machine ≥ from, or -1 (the summary skips empty words 32 at a time). */
function firstActive(from: i32): i32 {
  if (from >= nM) return -1;
  let i = from >> 5;
  const bits = load<u32>(active + (<usize>i << 2)) & (<u32>0xffffffff << (<u32>from & 31));
  if (bits != 0) return (i << 5) + <i32>ctz(bits);
  i++;
  let s = i >> 5;
  const nS = (nM + 1023) >> 10;
  if (s >= nS) return -1;
  let sb = load<u32>(activeSum + (<usize>s << 2)) & (<u32>0xffffffff << (<u32>i & 31));
  while (sb == 0) {
    s++;
    if (s >= nS) return -1;
    sb = load<u32>(activeSum + (<usize>s << 2));
  }
  const w = (s << 5) + <i32>ctz(sb);
  return (w << 5) + <i32>ctz(load<u32>(active + (<usize>w << 2)));
}

/** Takes m off the bucket of its wake tick. */
function unbucket(m: i32): void {
  const w = gi(mWake, m);
  if (w < 0) return;
  const p = gi(bPrev, m), n = gi(bNext, m);
  if (p < 0) si(bucket, w % sampleEvery, n); else si(bNext, p, n);
  if (n >= 0) si(bPrev, n, p);
  si(bPrev, m, -1); si(bNext, m, -1); si(mWake, m, -1);
}

/** Puts m on the bucket of tick w (w inside the current series point). */
function rebucket(m: i32, w: i32): void {
  unbucket(m);
  if (w >= pointEnd) return; // the point's end visits every machine and computes it again
  const b = w % sampleEvery, h = gi(bucket, b);
  si(bNext, m, h); si(bPrev, m, -1);
  if (h >= 0) si(bPrev, h, m);
  si(bucket, b, m); si(mWake, m, w);
}

/** First tick k (≥ 0, or NEVER) whose time startUs + k·tickUs (as step computes it) is ≥ time. */
function tickAtOrAfter(time: f64): i32 {
  if (!(time < Infinity)) return NEVER;
  const est = Math.ceil((time - startUs) / tickUs);
  if (!(est < <f64>nTicks + 1.0)) return NEVER;
  let k = est < 0 ? 0 : <i32>est;
  while (k > 0 && startUs + <f64>(k - 1) * tickUs >= time) k--;
  while (startUs + <f64>k * tickUs < time) k++;
  return k;
}

/** First tick k ≥ from at whose end m's clock mV + segInc·(k − segA + 1) reaches its smallest finish mark (or NEVER). */
function finishTick(m: i32, from: i32): i32 {
  const mf = gf(mMinFin, m), a = gi(segA, m);
  if (a < 0 || !(mf < Infinity)) return NEVER;
  const v0 = gf(mV, m), inc = gf(segInc, m);
  if (v0 + inc * <f64>(from - a + 1) >= mf) return from;
  if (!(inc > 0.0)) return NEVER;
  const est = Math.ceil((mf - v0) / inc) - 1.0; // ticks into the segment
  if (!(est < <f64>(nTicks - a) + 1.0)) return NEVER;
  let k = a + <i32>est;
  if (k < from) k = from;
  while (k > from && v0 + inc * <f64>(k - a) >= mf) k--;
  while (!(v0 + inc * <f64>(k - a + 1) >= mf)) { k++; if (k >= nTicks) return NEVER; }
  return k;
}

/** The next tick (≥ from) m must be visited for a window end or a finish; rebuckets it. */
function scheduleWake(m: i32, from: i32): void {
  if (gi(mUp, m) == 0) { unbucket(m); return; }
  let w = tickAtOrAfter(gf(mNext, m));
  if (w < from) w = from;
  const f = finishTick(m, from);
  if (f < w) w = f;
  rebucket(m, w);
}

// ---- segments: the ticks over which a machine's usage and capacity stayed the same

/** Closes m's segment at tick b (exclusive): its ticks go into the point's partial sums, its clock advances. */
function closeSeg(m: i32, b: i32): void {
  const a = gi(segA, m);
  if (a < 0) return;
  const L = <f64>(b - a);
  const u = gf(segU, m), cap = gf(segCap, m);
  const used = u < cap ? u : cap;
  const over = u > cap ? u - cap : 0.0;
  const util = cap > 0.0 ? used / cap : 0.0;
  sf(pCpu, m, gf(pCpu, m) + used * L); sf(pCap, m, gf(pCap, m) + cap * L); sf(pOver, m, gf(pOver, m) + over * L);
  sf(mPUtil, m, gf(mPUtil, m) + util * L); sf(mPUp, m, gf(mPUp, m) + L);
  sf(mV, m, gf(mV, m) + gf(segInc, m) * L);
  si(segA, m, -1);
}

/** Opens a segment of m at tick a with its current usage and capacity. */
function openSeg(m: i32, a: i32): void {
  const u = gf(mU, m), cap = gf(mCap, m);
  si(segA, m, a); sf(segU, m, u); sf(segCap, m, cap);
  sf(segInc, m, u > cap ? tickUs * (cap / u) : tickUs);
}

/** m's virtual clock before tick kNow's progress. */
// @ts-ignore: decorator
@inline function vNow(m: i32): f64 {
  const a = gi(segA, m);
  return a < 0 ? gf(mV, m) : gf(mV, m) + gf(segInc, m) * <f64>(kNow - a);
}

// ---- lists (doubly linked through next/prev; a task is in one list at a time)

function append(head: usize, tail: usize, m: i32, t: i32): void {
  const tl = gi(tail, m);
  si(sPrev, t, tl); si(sNext, t, -1);
  if (tl < 0) si(head, m, t); else si(sNext, tl, t);
  si(tail, m, t);
}

function appendPending(m: i32, t: i32): void {
  append(pendHead, pendTail, m, t);
  const a = gf(tReq, t) * oc;
  if (a < gf(mMinPend, m)) sf(mMinPend, m, a);
}

function unlink(head: usize, tail: usize, m: i32, t: i32): void {
  const p = gi(sPrev, t), n = gi(sNext, t);
  if (p < 0) si(head, m, n); else si(sNext, p, n);
  if (n < 0) si(tail, m, p); else si(sPrev, n, p);
  si(sPrev, t, -1); si(sNext, t, -1);
}

/** Window c's value in the window column `col` (one every wStride bytes). */
// @ts-ignore: decorator
@inline function wf(col: usize, c: i32): f64 { return load<f64>(col + <usize>c * wStride); }

// ---- usage windows: the window of task k at time t is the first one (from its
// cursor on) whose end is after t, or its last window (clamp).
// @ts-ignore: decorator
@inline function winAt(k: i32, t: f64): i32 {
  // Its own slot's window: the loads of the cursor and window count, scattered over the slots, skipped.
  if (slotWindows) return k;
  let c = gi(sCur, k);
  const e = gi(tWinE, k);
  while (c + 1 < e && !(t < wf(wEnd, c))) c++;
  si(sCur, k, c);
  return c;
}

/** Task k's current window, as winAt last left it. */
// @ts-ignore: decorator
@inline function curWin(k: i32): i32 { return slotWindows ? k : gi(sCur, k); }

function refreshU(m: i32, t: f64): void {
  let u = 0.0, nc = Infinity;
  let k = gi(runHead, m);
  while (k >= 0) {
    const c = winAt(k, t);
    u += wf(wCpu, c);
    const we = wf(wEnd, c); // +∞ for a task's last window
    if (we < nc) nc = we;
    k = gi(sNext, k);
  }
  sf(mU, m, u); sf(mNext, m, nc);
  si(mFlags, m, gi(mFlags, m) & ~F_U);
  si(cDirty, cellOf(m), 1);
}

function refreshReq(m: i32): void {
  let r = 0.0;
  if (stays) {
    // The ledger of m: the running tasks of its cell it admitted, in machine then list order.
    const base = cellOf(m) * cs;
    let end = base + cs; if (end > nM) end = nM;
    for (let mm = base; mm < end; mm++) {
      let k = gi(runHead, mm);
      while (k >= 0) { if (gi(sHome, k) == m) r += gf(tReq, k) * oc; k = gi(sNext, k); }
    }
  } else r = runReqOf(m);
  sf(mReq, m, r);
  si(mFlags, m, gi(mFlags, m) & ~F_REQ);
}

// @ts-ignore: decorator
@inline function cellOf(m: i32): i32 { return m / cs; }

// ---- admission ledgers: the machine whose request total holds a running task's request
// (its home). Under 'follows' the home moves with the task, so a ledger is its running list.

function book(k: i32, m: i32): void { si(sHome, k, m); si(mLedN, m, gi(mLedN, m) + 1); }

/** Takes task k off its home's ledger; returns the home (-1: none). Under 'stays', a home other than `m` is flagged to re-sum and re-admit. */
function unbook(k: i32, m: i32): i32 {
  const h = gi(sHome, k);
  if (h < 0) return h;
  si(mLedN, h, gi(mLedN, h) - 1); si(sHome, k, -1);
  if (h != m) setFlag(h, F_REQ | F_ADMIT);
  return h;
}

/** Σ request × overcommit of the tasks running on m, in list order (the destination check). */
function runReqOf(m: i32): f64 {
  let r = 0.0;
  let k = gi(runHead, m);
  while (k >= 0) { r += gf(tReq, k) * oc; k = gi(sNext, k); }
  return r;
}

/** Starts pending-or-arriving task k on machine m (already off any list). */
function start(m: i32, k: i32, cell: i32): void {
  append(runHead, runTail, m, k); si(runCount, m, gi(runCount, m) + 1);
  book(k, m);
  const fv = vNow(m) + gf(sRem, k);
  sf(sFinV, k, fv);
  if (fv < gf(mMinFin, m)) sf(mMinFin, m, fv);
  si(sState, k, TaskState.running);
  setFlag(m, F_U);
  addAcc(cell, CellAcc.started, 1); addAcc(cell, CellAcc.events, 1);
}

/** The machine a task headed for `m` is queued on: m if up, else the next up machine of its cell, else -1. */
function targetOf(m: i32): i32 {
  if (gi(mUp, m) != 0) return m;
  const base = cellOf(m) * cs;
  let size = nM - base; if (size > cs) size = cs;
  for (let j = 1; j < size; j++) {
    const mm = base + (m - base + j) % size;
    if (gi(mUp, mm) != 0) return mm;
  }
  return -1;
}

function admit(m: i32): void {
  si(mFlags, m, gi(mFlags, m) & ~F_ADMIT);
  if (gi(pendHead, m) < 0) return;
  if ((gi(mFlags, m) & F_REQ) != 0) refreshReq(m);
  const cap = gf(mCap, m);
  let req = gf(mReq, m);
  // mMinPend is a lower bound of the pending requests: when even it does not fit,
  // no pending task fits and the scan would admit nothing.
  if (gi(mLedN, m) > 0 && !(req + gf(mMinPend, m) <= cap)) return;
  const cell = cellOf(m);
  let minPend = Infinity;
  let admitted = false;
  let k = gi(pendHead, m);
  while (k >= 0) {
    const nx = gi(sNext, k);
    const a = gf(tReq, k) * oc;
    if (!(req + a <= cap || gi(mLedN, m) == 0)) { if (a < minPend) minPend = a; k = nx; continue; }
    unlink(pendHead, pendTail, m, k); si(pendCount, m, gi(pendCount, m) - 1);
    start(m, k, cell);
    req += a; // 'follows': the running list grew at its tail, so this is still its in-order sum
    admitted = true;
    k = nx;
  }
  sf(mReq, m, req);
  // 'stays': the ledger sum runs over the cell's machines, so the new task is not always last in it.
  if (stays && admitted) setFlag(m, F_REQ);
  sf(mMinPend, m, minPend);
}

/** Moves every task of machine m (pending, then running) to the pending queue of `dest` (m itself when -1). */
function evacuate(m: i32): void {
  const cell = cellOf(m);
  let dest = targetOf(m);
  const own = dest < 0;
  if (own) dest = m;
  let moved = 0;
  if (!own) {
    let k = gi(pendHead, m);
    while (k >= 0) {
      const nx = gi(sNext, k);
      unlink(pendHead, pendTail, m, k); appendPending(dest, k);
      moved++;
      k = nx;
    }
    si(pendCount, dest, gi(pendCount, dest) + gi(pendCount, m)); si(pendCount, m, 0);
  }
  const v = gf(mV, m); // the segment was closed by the removal
  let k = gi(runHead, m);
  let nr = 0;
  while (k >= 0) {
    const nx = gi(sNext, k);
    sf(sRem, k, gf(sFinV, k) - v);
    sf(sFinV, k, Infinity);
    si(sState, k, TaskState.pending);
    unbook(k, m);
    unlink(runHead, runTail, m, k); appendPending(dest, k);
    nr++; moved++;
    k = nx;
  }
  si(runCount, m, 0);
  si(pendCount, dest, gi(pendCount, dest) + nr);
  sf(mU, m, 0); sf(mReq, m, 0); sf(mNext, m, Infinity); sf(mMinFin, m, Infinity);
  // 'stays': tasks it admitted may still run on cell-mates, so its ledger is re-summed when it returns.
  si(mFlags, m, stays ? F_REQ : 0);
  setFlag(dest, F_ADMIT);
  addAcc(cell, CellAcc.requeued, <f64>moved);
}

function machineEvent(i: i32): void {
  const m = gi(eMachine, i), ty = gi(eType, i), c = gf(eCap, i);
  addAcc(cellOf(m), CellAcc.events, 1);
  si(cDirty, cellOf(m), 1);
  if (ty == MachineEvent.remove) {
    if (gi(mUp, m) == 0) return;
    si(mUp, m, 0);
    closeSeg(m, kNow);
    unbucket(m);
    evacuate(m);
    return;
  }
  if (c == c) sf(mCap, m, c); // NaN keeps the capacity it had
  if (ty == MachineEvent.add && gi(mUp, m) == 0) si(mUp, m, 1);
  setFlag(m, F_ADMIT | F_U);
}

// ---- rebalancing

function moveTask(k: i32, s: i32, d: i32): void {
  unlink(runHead, runTail, s, k); si(runCount, s, gi(runCount, s) - 1);
  const fv = vNow(d) + (gf(sFinV, k) - vNow(s));
  sf(sFinV, k, fv);
  append(runHead, runTail, d, k); si(runCount, d, gi(runCount, d) + 1);
  if (!stays) { unbook(k, s); book(k, d); }
  if (fv < gf(mMinFin, d)) sf(mMinFin, d, fv);
  setFlag(s, F_U | F_REQ | F_ADMIT);
  setFlag(d, F_U | F_REQ);
}

/**
 * The max CPU of window c (task k's) for the migratable test. Synthetic usage leaves it as
 * −(window + 1) until read (assembly/synthetic-usage.ts): drawn then and kept, unless the mean CPU
 * already rules the task out (max CPU = min(1, cpu·peak) ≥ cpu, as peak ≥ 1 and cpu ≤ 1).
 */
// @ts-ignore: decorator
@inline function maxCpuOf(k: i32, c: i32): f64 {
  const m = wf(wMaxCpu, c);
  return !(m < 0) || usageFeed == 0 ? m : drawMaxCpu(k, c, m);
}

function drawMaxCpu(k: i32, c: i32, m: f64): f64 {
  const cpu = wf(wCpu, c);
  if (cpu >= MIGRATABLE_MAXCPU) return cpu;
  const v = usagePeak(usageFeed, k, <i32>(-m) - 1, cpu);
  store<f64>(wMaxCpu + <usize>c * wStride, v);
  return v;
}

/** The memory of window c; synthetic usage leaves NaN until it is read (drawn then, and kept). */
// @ts-ignore: decorator
@inline function memOf(c: i32): f64 {
  const m = wf(wMem, c);
  return m == m || usageFeed == 0 ? m : drawMem(c);
}

function drawMem(c: i32): f64 {
  const v = usageMem(usageFeed, c);
  store<f64>(wMem + <usize>c * wStride, v);
  return v;
}

/** Collects the migratable running tasks of s (priority < 2, max CPU < 0.025) into cand; returns the count. */
function collect(s: i32, t: f64): i32 {
  let n = 0;
  let k = gi(runHead, s);
  while (k >= 0) {
    const c = winAt(k, t);
    if (gi(tPrio, k) < MIGRATABLE_PRIO && maxCpuOf(k, c) < MIGRATABLE_MAXCPU) { si(cand, n, k); n++; }
    k = gi(sNext, k);
  }
  return n;
}

// @ts-ignore: decorator
@inline function before(a: f64, b: f64, desc: bool): bool {
  // NaN sorts last; ties keep list order (stable insertion sort below).
  if (b != b) return a == a;
  return desc ? a > b : a < b;
}

/** Sorts the candidates by the sorted fine-grained policy's key; the other policies keep list order. */
function sortCand(n: i32): void {
  if (policy != Policy.cpu_request && policy != Policy.cpu_usage && policy != Policy.mem_usage &&
    policy != Policy.cpu_usage_desc && policy != Policy.cache_misses) return;
  const desc = policy == Policy.cpu_usage_desc || (memDesc && (policy == Policy.mem_usage || policy == Policy.cache_misses));
  for (let i = 0; i < n; i++) {
    const k = gi(cand, i);
    const c = curWin(k);
    let key: f64;
    if (policy == Policy.cpu_request) key = gf(tReq, k);
    else if (policy == Policy.cpu_usage || policy == Policy.cpu_usage_desc) key = wf(wCpu, c);
    else if (policy == Policy.mem_usage) key = memOf(c);
    else key = wf(wMai, c); // cache_misses: memory accesses per instruction
    sf(candKey, i, key);
  }
  for (let i = 1; i < n; i++) {
    const k = gi(cand, i), key = gf(candKey, i);
    let j = i - 1;
    while (j >= 0 && before(key, gf(candKey, j), desc)) {
      si(cand, j + 1, gi(cand, j)); sf(candKey, j + 1, gf(candKey, j));
      j--;
    }
    si(cand, j + 1, k); sf(candKey, j + 1, key);
  }
}

// @ts-ignore: decorator
@inline function candCpu(i: i32): f64 { return wf(wCpu, curWin(gi(cand, i))); }
// @ts-ignore: decorator
@inline function candMem(i: i32): f64 { return memOf(curWin(gi(cand, i))); }
// @ts-ignore: decorator
@inline function candReq(i: i32): f64 { return gf(tReq, gi(cand, i)) * oc; }

function rebalanceCell(cell: i32, t: f64, point: i32): void {
  const base = cell * cs;
  let end = base + cs; if (end > nM) end = nM;
  // Lowest and second-lowest loaded up machines (ties: lower index).
  let f = -1, g = -1;
  for (let m = base; m < end; m++) {
    if (gi(mUp, m) == 0) continue;
    const u = gf(mU, m);
    if (f < 0 || u < gf(mU, f)) { g = f; f = m; }
    else if (g < 0 || u < gf(mU, g)) g = m;
  }
  if (f < 0) return;
  let lf = gf(mU, f), lg = g >= 0 ? gf(mU, g) : 0.0;
  const capF = gf(mCap, f), capG = g >= 0 ? gf(mCap, g) : 0.0;
  // Requests running on the destinations (destination check 'request' only).
  let rf = destReq ? runReqOf(f) : 0.0, rg = destReq && g >= 0 ? runReqOf(g) : 0.0;
  if (policy == Policy.coarse_grained) {
    for (let s = base; s < end; s++) {
      if (s == f || gi(mUp, s) == 0) continue;
      const ls = gf(mU, s);
      if (!(lf < ls)) continue; // diff > 0 and lf + diff <= ls cannot both hold
      const n = collect(s, t);
      if (n == 0) continue;
      let diff = 0.0;
      for (let i = 0; i < n; i++) diff += candCpu(i);
      if (!(diff > 0.0 && lf + diff <= ls && diff <= MOVE_SHARE * ls && lf + diff <= capF)) continue;
      let rq = 0.0;
      if (destReq) {
        for (let i = 0; i < n; i++) rq += candReq(i);
        if (!(rf + rq <= capF)) continue;
      }
      let mem = 0.0;
      for (let i = 0; i < n; i++) { mem += candMem(i); moveTask(gi(cand, i), s, f); }
      lf += diff;
      rf += rq;
      addAcc(cell, CellAcc.migMem, mem); addAcc(cell, CellAcc.migrations, <f64>n); addAcc(cell, CellAcc.migFirst, <f64>n); addAcc(cell, CellAcc.events, <f64>n);
      addPt(cell, point, CellPoint.migMem, mem); addPt(cell, point, CellPoint.migrations, <f64>n); addPt(cell, point, CellPoint.migFirst, <f64>n);
    }
    return;
  }
  if (g < 0) return;
  for (let s = base; s < end; s++) {
    if (s == f || s == g || gi(mUp, s) == 0) continue;
    const ls = gf(mU, s);
    // A move needs lf + a1 + c <= ls or lg + a2 + c <= ls with a1 or a2 > minMove >= 0.
    if (!(lf < ls) && !(lg < ls)) continue;
    const n = collect(s, t);
    if (n == 0) continue;
    sortCand(n);
    const limit = MOVE_SHARE * ls;
    let i = 0, a1 = 0.0, r1 = 0.0;
    while (i < n) {
      const c = candCpu(i);
      const q = destReq ? candReq(i) : 0.0;
      if (lf + a1 + c <= ls && lf + a1 + c <= capF && a1 + c <= limit && (!destReq || rf + r1 + q <= capF)) { a1 += c; r1 += q; i++; } else break;
    }
    let j = i, a2 = 0.0, r2 = 0.0;
    while (j < n) {
      const c = candCpu(j);
      const q = destReq ? candReq(j) : 0.0;
      if (lg + a2 + c <= ls && lg + a2 + c <= capG && a1 + a2 + c <= limit && (!destReq || rg + r2 + q <= capG)) { a2 += c; r2 += q; j++; } else break;
    }
    if (a1 > minMove) {
      let mem = 0.0;
      for (let x = 0; x < i; x++) { mem += candMem(x); moveTask(gi(cand, x), s, f); }
      lf += a1;
      rf += r1;
      const cnt = <f64>i;
      addAcc(cell, CellAcc.migMem, mem); addAcc(cell, CellAcc.migrations, cnt); addAcc(cell, CellAcc.migFirst, cnt); addAcc(cell, CellAcc.events, cnt);
      addPt(cell, point, CellPoint.migMem, mem); addPt(cell, point, CellPoint.migrations, cnt); addPt(cell, point, CellPoint.migFirst, cnt);
    }
    if (a2 > minMove) {
      let mem = 0.0;
      for (let x = i; x < j; x++) { mem += candMem(x); moveTask(gi(cand, x), s, g); }
      lg += a2;
      rg += r2;
      const cnt = <f64>(j - i);
      addAcc(cell, CellAcc.migMem, mem); addAcc(cell, CellAcc.migrations, cnt); addAcc(cell, CellAcc.migSecond, cnt); addAcc(cell, CellAcc.events, cnt);
      addPt(cell, point, CellPoint.migMem, mem); addPt(cell, point, CellPoint.migrations, cnt); addPt(cell, point, CellPoint.migSecond, cnt);
    }
  }
}

// ---- the tick loop

/** Re-sums the usage of the active up machines that need it (a flag, or a window ended at t). */
function refreshActive(t: f64): void {
  for (let m = firstActive(0); m >= 0; m = firstActive(m + 1)) {
    if (gi(mUp, m) == 0) continue;
    if ((gi(mFlags, m) & F_U) != 0 || !(t < gf(mNext, m))) refreshU(m, t);
  }
}

function step(k: i32): void {
  const t = startUs + <f64>k * tickUs;
  const point = k / sampleEvery;
  kNow = k;
  pointEnd = (point + 1) * sampleEvery; if (pointEnd > nTicks) pointEnd = nTicks;
  if (k % sampleEvery == 0) {
    // The ring slot of this point held point − R, which the driver has copied out.
    const s = point % nR;
    for (let c = 0; c < nC; c++) memory.fill(cellPt + <usize>(c * nR + s) * CellPoint.SIZE, 0, CellPoint.SIZE);
  }
  // 0. the machines whose wake is due
  {
    const b = k % sampleEvery;
    let m = gi(bucket, b);
    while (m >= 0) {
      const nx = gi(bNext, m);
      si(bPrev, m, -1); si(bNext, m, -1); si(mWake, m, -1);
      activate(m);
      m = nx;
    }
    si(bucket, b, -1);
  }
  // 1. machine events of this tick
  while (nextEvent < nE && gi(eTick, nextEvent) == k) { machineEvent(nextEvent); nextEvent++; }
  // 2. arrivals
  arrivals(k);
  // 3. admission
  for (let m = firstActive(0); m >= 0; m = firstActive(m + 1)) {
    if (gi(mUp, m) != 0 && (gi(mFlags, m) & F_ADMIT) != 0) admit(m);
  }
  // 4. usage
  refreshActive(t);
  // 5. rebalancing every `interval` ticks, at the first tick of the period, of the cells that changed
  if (policy != Policy.no_migration && k % interval == 0) {
    for (let c = 0; c < nC; c++) {
      if (gi(cDirty, c) == 0) continue;
      si(cDirty, c, 0); // a move sets it again (the moved machines' usage is re-summed)
      rebalanceCell(c, t, point);
    }
    refreshActive(t);
  }
  // 6. accounting (segments), progress, finishes, the next wake, of the active machines in machine order
  const tEnd = startUs + <f64>(k + 1) * tickUs;
  for (let m = firstActive(0); m >= 0; m = firstActive(m + 1)) account(m, k, tEnd);
  // 7. end of a series point
  if (k + 1 == pointEnd) endPoint(point, k + 1);
  // 8. after the last tick: the tasks still open (for the delay over all tasks)
  if (k + 1 == nTicks) openTasks(startUs + <f64>nTicks * tickUs);
}

/** Tick k of an active machine: its segment (closed when usage or capacity changed), progress, finishes, next wake. */
function account(m: i32, k: i32, tEnd: f64): void {
  if (gi(mUp, m) == 0) { deactivate(m); return; }
  let a = gi(segA, m);
  if (a >= 0 && (gf(segU, m) != gf(mU, m) || gf(segCap, m) != gf(mCap, m))) { closeSeg(m, k); a = -1; }
  if (a < 0) { openSeg(m, k); a = k; }
  const v = gf(mV, m) + gf(segInc, m) * <f64>(k - a + 1);
  if (v >= gf(mMinFin, m)) finishes(cellOf(m), m, v, tEnd);
  // Flags set now (a finish, a ledger change) are acted on at the next tick.
  if ((gi(mFlags, m) & (F_U | F_ADMIT)) == 0) deactivate(m);
  scheduleWake(m, k + 1);
}

/** Books one task still open at the end: its delay so far plus its remaining work at full speed. */
function openTask(c: i32, x: i32, rem: f64, tEnd: f64): void {
  if (rem == Infinity) { addAcc(c, CellAcc.openNever, 1); return; }
  const d = tEnd - gf(tSubmitUs, x) + rem;
  const w = gf(tWork, x);
  addAcc(c, CellAcc.open, 1); addAcc(c, CellAcc.openDelay, d); addAcc(c, CellAcc.openStretch, d / (w > tickUs ? w : tickUs));
}

/** The tasks running or pending when the run ends, machine by machine (running, then pending). */
function openTasks(tEnd: f64): void {
  for (let m = 0; m < nM; m++) {
    const c = cellOf(m), v = gf(mV, m); // the last point's end closed every segment
    let x = gi(runHead, m);
    while (x >= 0) { openTask(c, x, gf(sFinV, x) - v, tEnd); x = gi(sNext, x); }
    x = gi(pendHead, m);
    while (x >= 0) { openTask(c, x, gf(sRem, x), tEnd); x = gi(sNext, x); }
  }
}

/** The SUBMITs of tick k, queued on their drawn machine (or the next up one of its cell). */
function arrivals(k: i32): void {
  while (nextTask < staged) {
    const i = gi(arrQ, nextTask);
    if (gi(tSubmitTick, i) != k) break;
    // The slot's state, as replayInit set every task's when the kernel held them all.
    assert(!slotWindows || (gi(tWinB, i) == i && gi(tWinE, i) == i + 1), 'replay: a slot window that is not the slot\'s own');
    si(sNext, i, -1); si(sPrev, i, -1); si(sState, i, TaskState.unsubmitted); si(sCur, i, gi(tWinB, i)); si(sHome, i, -1);
    sf(sFinV, i, Infinity); sf(sRem, i, gf(tWork, i));
    const own = gi(tMachine, i);
    const tgt = targetOf(own);
    const m = tgt >= 0 ? tgt : own;
    const cell = cellOf(m);
    addAcc(cell, CellAcc.arrived, 1); addAcc(cell, CellAcc.events, 1);
    nextTask++;
    if (time0Run && k == 0 && tgt >= 0 && gf(tSubmitUs, i) == startUs) {
      // Running when the trace began: it starts without the admission check.
      start(m, i, cell);
      setFlag(m, F_REQ);
      continue;
    }
    appendPending(m, i); si(pendCount, m, gi(pendCount, m) + 1);
    si(sState, i, TaskState.pending);
    setFlag(m, F_ADMIT);
  }
}

/** Ends the running tasks of machine m whose finish mark its virtual clock v reached; keeps the next mark. */
function finishes(c: i32, m: i32, v: f64, tEnd: f64): void {
  let mf = Infinity;
  let x = gi(runHead, m);
  while (x >= 0) {
    const nx = gi(sNext, x);
    const fv = gf(sFinV, x);
    if (v >= fv) {
      unlink(runHead, runTail, m, x); si(runCount, m, gi(runCount, m) - 1);
      unbook(x, m);
      si(sState, x, TaskState.done);
      // Nothing reads a done task's columns: its slot is free unless synthetic usage still lists it.
      if (recycle && gi(sHeld, x) == 0) { si(freeList, freeCount, x); freeCount++; }
      const delay = tEnd - gf(tSubmitUs, x);
      const w = gf(tWork, x);
      addAcc(c, CellAcc.delay, delay); addAcc(c, CellAcc.stretch, delay / (w > tickUs ? w : tickUs));
      addAcc(c, CellAcc.finished, 1); addAcc(c, CellAcc.events, 1);
      setFlag(m, F_U | F_REQ | F_ADMIT);
    } else if (fv < mf) mf = fv;
    x = nx;
  }
  sf(mMinFin, m, mf);
}

/**
 * End of a series point at tick b: every machine's segment is closed there and
 * reopened (so a point's sums hold only its own ticks), and in machine order
 * the point's partial sums go to its cell's point and run totals, the
 * machine's utilisation totals and its mean for the point; running and
 * pending counts per cell; every wake is computed again for the next point.
 */
function endPoint(point: i32, b: i32): void {
  for (let c = 0; c < nC; c++) {
    const base = c * cs;
    let end = base + cs; if (end > nM) end = nM;
    let run = 0, pend = 0;
    for (let m = base; m < end; m++) {
      run += gi(runCount, m); pend += gi(pendCount, m);
      if (gi(segA, m) >= 0) { closeSeg(m, b); openSeg(m, b); }
      const cpu = gf(pCpu, m), cap = gf(pCap, m), over = gf(pOver, m), up = gf(mPUp, m), util = gf(mPUtil, m);
      addAcc(c, CellAcc.cpu, cpu); addAcc(c, CellAcc.cap, cap); addAcc(c, CellAcc.over, over); addAcc(c, CellAcc.up, up);
      addPt(c, point, CellPoint.cpu, cpu); addPt(c, point, CellPoint.cap, cap); addPt(c, point, CellPoint.over, over); addPt(c, point, CellPoint.up, up);
      sf(mUtilSum, m, gf(mUtilSum, m) + util); sf(mUpTicks, m, gf(mUpTicks, m) + up);
      sf(machPt, m * nR + point % nR, up > 0 ? util / up : NaN);
      sf(pCpu, m, 0); sf(pCap, m, 0); sf(pOver, m, 0); sf(mPUtil, m, 0); sf(mPUp, m, 0);
    }
    addPt(c, point, CellPoint.running, <f64>run); addPt(c, point, CellPoint.pending, <f64>pend);
  }
  if (b >= nTicks) return;
  pointEnd = b + sampleEvery; if (pointEnd > nTicks) pointEnd = nTicks;
  for (let m = 0; m < nM; m++) scheduleWake(m, b);
}

/** Simulates the replay at `r` up to (not including) tick `until` (clamped to the run length); returns the tick reached. */
export function replayStep(r: usize, until: i32): i32 {
  bindReplay(r);
  if (until > nTicks) until = nTicks;
  while (curTick < until) { step(curTick); curTick++; }
  storeCursor(r);
  return curTick;
}
