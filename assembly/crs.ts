// The CRS rebalancing planner (seed 002; SPEC §5; docs/model.md "CRS
// rebalancing"), and its SS / FF baselines, in one call: host use sums, the
// per-host VM lists ranked by migrateValue, the balance loop (smallest De
// first), GOFit over timetables (cached per course and host), and the energy
// phase with exact undo. Every rule, tie-break and float expression mirrors
// src/systems/crs/reference-planner.ts, which it is tested against.
//
// State: a `CrsPlan` struct (assembly/layouts.ts, described in
// src/systems/crs/crs-layouts.ts) with the addresses of its columns, all
// allocated by TypeScript. Slot counts are host-major: counts[h·400 + s].
//
//   GOFit(course k, host h) = overlap / coinciding over k's slots s:
//     overlap = #{s : counts[h,s] > 0},  coinciding = Σ counts[h,s]   (1 if 0)
import { descendingKey, gf, gi, sf, si } from './access';
import { Crs, CrsAlgorithm, CrsPlan } from './layouts';
import { radixSortPairs } from './sort';

const SLOTS: i32 = Crs.SLOTS;
const OFF: i32 = Crs.FLAG_OFF;
const UNRESOLVED: i32 = Crs.FLAG_UNRESOLVED;
// Working flags, cleared before returning.
const STUCK: i32 = 4;
const EMPTYING: i32 = 8;
const RECEIVED: i32 = 16;


// The call's parameters and columns, read once at entry (one call at a time per instance).
let H: i32 = 0, K: i32 = 0, ALG: i32 = 0;
let HIGH_ALL: bool = false, LOW_ALL: bool = false, STRICT: bool = false, NORMAL_ONLY: bool = false;
let HC: f64 = 0, HM: f64 = 0, LC: f64 = 0, LM: f64 = 0;
let capCpu: usize = 0, capMem: usize = 0, useCpu: usize = 0, useMem: usize = 0, cores: usize = 0;
let baseCpu: usize = 0, baseMem: usize = 0, hostVms: usize = 0;
let vmHost: usize = 0, vmCpu: usize = 0, vmUseCpu: usize = 0, vmUseMem: usize = 0, vmCourse: usize = 0;
let courseStart: usize = 0, courseSlots: usize = 0, counts: usize = 0, gcache: usize = 0, gver: usize = 0, hver: usize = 0;
let flags: usize = 0, moved: usize = 0, hcls: usize = 0, hde: usize = 0;
let mVm: usize = 0, mFrom: usize = 0, mTo: usize = 0, mPhase: usize = 0, mGofit: usize = 0, mDe: usize = 0;
let count: i32 = 0;

/** 2 = high, 1 = low, 0 = normal. */
function cls(h: i32): i32 {
  const uc = gf(useCpu, h) / gf(capCpu, h);
  const um = gf(useMem, h) / gf(capMem, h);
  const hc = STRICT ? uc > HC : uc >= HC;
  const hm = STRICT ? um > HM : um >= HM;
  if (HIGH_ALL ? hc && hm : hc || hm) return 2;
  const lc = STRICT ? uc < LC : uc <= LC;
  const lm = STRICT ? um < LM : um <= LM;
  return (LOW_ALL ? lc && lm : lc || lm) ? 1 : 0;
}

// @ts-ignore: decorator
@inline function de(h: i32): f64 {
  return 0.5 * ((1 - gf(useCpu, h) / gf(capCpu, h)) + (1 - gf(useMem, h) / gf(capMem, h)));
}

/** Class and De of a host, cached in hcls / hde: recomputed only for the hosts a move or an undo touched. */
function refresh(h: i32): void {
  si(hcls, h, cls(h));
  sf(hde, h, de(h));
}

function gofitOf(k: i32, h: i32): f64 {
  if (k < 0) return 1;
  const at = k * H + h;
  const ver = gi(hver, h);
  if (gi(gver, at) == ver) return gf(gcache, at);
  let overlap = 0;
  let coinciding = 0;
  const base = counts + (<usize>(h * SLOTS) << 2);
  const end = gi(courseStart, k + 1);
  for (let i = gi(courseStart, k); i < end; i++) {
    const n = load<i32>(base + (<usize>gi(courseSlots, i) << 2));
    if (n > 0) { overlap++; coinciding += n; }
  }
  const g = coinciding == 0 ? 1.0 : <f64>overlap / <f64>coinciding;
  sf(gcache, at, g);
  si(gver, at, ver);
  return g;
}

function choose(v: i32, src: i32): i32 {
  const k = gi(vmCourse, v);
  const vc = gf(vmUseCpu, v);
  const vm = gf(vmUseMem, v);
  let best = -1;
  let bestTier = 2;
  let bestA: f64 = 0;
  let bestB: f64 = 0;
  for (let h = 0; h < H; h++) {
    if (h == src || (gi(flags, h) & (OFF | EMPTYING)) != 0) continue;
    const cl = gi(hcls, h);
    if (cl == 2) continue;
    const tier = cl == 1 ? 1 : 0;
    if (tier == 1 && NORMAL_ONLY) continue;
    if (tier > bestTier) continue;
    if (!((gf(useCpu, h) + vc) / gf(capCpu, h) < HC && (gf(useMem, h) + vm) / gf(capMem, h) < HM)) continue;
    if (ALG == CrsAlgorithm.crs) {
      const g = gofitOf(k, h);
      const d = gf(hde, h);
      if (tier < bestTier || g > bestA || (g == bestA && d > bestB)) { best = h; bestTier = tier; bestA = g; bestB = d; }
    } else if (ALG == CrsAlgorithm.ss) {
      const u = gf(cores, h);
      if (tier < bestTier || u < bestA) { best = h; bestTier = tier; bestA = u; }
    } else if (tier < bestTier) {
      best = h;
      bestTier = tier;
    }
    if (ALG == CrsAlgorithm.ff && bestTier == 0) break;
  }
  return best;
}

/**
 * A VM of use (uc, um) and ac cores leaves host h. Subtracting loads one by one leaves a residue
 * (0.1 + 0.7 − 0.7 − 0.1 is −2.8e-17): an emptied host gets its base use back exactly, and no host
 * reads below its base.
 */
function leave(h: i32, uc: f64, um: f64, ac: f64): void {
  const n = gi(hostVms, h) - 1;
  si(hostVms, h, n);
  if (n == 0) {
    sf(useCpu, h, gf(baseCpu, h)); sf(useMem, h, gf(baseMem, h)); sf(cores, h, 0);
    return;
  }
  sf(useCpu, h, max<f64>(gf(baseCpu, h), gf(useCpu, h) - uc));
  sf(useMem, h, max<f64>(gf(baseMem, h), gf(useMem, h) - um));
  sf(cores, h, max<f64>(0, gf(cores, h) - ac));
}

function move(v: i32, from: i32, to: i32, phase: i32): void {
  const k = gi(vmCourse, v);
  si(mVm, count, v); si(mFrom, count, from); si(mTo, count, to); si(mPhase, count, phase);
  sf(mGofit, count, ALG == CrsAlgorithm.crs ? gofitOf(k, to) : ALG == CrsAlgorithm.ss ? gf(cores, to) : 0);
  sf(mDe, count, gf(hde, to));
  count++;
  const uc = gf(vmUseCpu, v), um = gf(vmUseMem, v), ac = gf(vmCpu, v);
  leave(from, uc, um, ac);
  sf(useCpu, to, gf(useCpu, to) + uc); sf(useMem, to, gf(useMem, to) + um); sf(cores, to, gf(cores, to) + ac);
  si(hostVms, to, gi(hostVms, to) + 1);
  if (k >= 0) shiftSlots(k, from, to);
  si(moved, v, 1);
  si(flags, to, gi(flags, to) | RECEIVED);
  refresh(from);
  refresh(to);
}

/** Moves course k's slot counts from host a to host b, and bumps both hosts' GOFit versions. */
function shiftSlots(k: i32, a: i32, b: i32): void {
  const pa = counts + (<usize>(a * SLOTS) << 2);
  const pb = counts + (<usize>(b * SLOTS) << 2);
  const end = gi(courseStart, k + 1);
  for (let i = gi(courseStart, k); i < end; i++) {
    const s = <usize>gi(courseSlots, i) << 2;
    store<i32>(pa + s, load<i32>(pa + s) - 1);
    store<i32>(pb + s, load<i32>(pb + s) + 1);
  }
  si(hver, a, gi(hver, a) + 1);
  si(hver, b, gi(hver, b) + 1);
}

/** Plans one rebalancing (see the header); returns the number of moves (also in `count`). */
export function crsPlan(p: usize): i32 {
  H = load<i32>(p, CrsPlan.hosts);
  const V = load<i32>(p, CrsPlan.vms);
  K = load<i32>(p, CrsPlan.courses);
  ALG = load<i32>(p, CrsPlan.algorithm);
  HIGH_ALL = load<i32>(p, CrsPlan.highAll) != 0;
  LOW_ALL = load<i32>(p, CrsPlan.lowAll) != 0;
  STRICT = load<i32>(p, CrsPlan.strict) != 0;
  NORMAL_ONLY = load<i32>(p, CrsPlan.normalOnly) != 0;
  const maxOff = load<i32>(p, CrsPlan.maxPowerOff);
  HC = load<f64>(p, CrsPlan.highCpu); HM = load<f64>(p, CrsPlan.highMem);
  LC = load<f64>(p, CrsPlan.lowCpu); LM = load<f64>(p, CrsPlan.lowMem);
  const wCpu = load<f64>(p, CrsPlan.wCpu), wMem = load<f64>(p, CrsPlan.wMem);
  capCpu = load<usize>(p, CrsPlan.capCpu); capMem = load<usize>(p, CrsPlan.capMem);
  useCpu = load<usize>(p, CrsPlan.useCpu); useMem = load<usize>(p, CrsPlan.useMem); cores = load<usize>(p, CrsPlan.cores);
  baseCpu = load<usize>(p, CrsPlan.baseCpu); baseMem = load<usize>(p, CrsPlan.baseMem); hostVms = load<usize>(p, CrsPlan.hostVms);
  vmHost = load<usize>(p, CrsPlan.vmHost); vmCpu = load<usize>(p, CrsPlan.vmCpu);
  vmUseCpu = load<usize>(p, CrsPlan.vmUseCpu); vmUseMem = load<usize>(p, CrsPlan.vmUseMem); vmCourse = load<usize>(p, CrsPlan.vmCourse);
  courseStart = load<usize>(p, CrsPlan.courseStart); courseSlots = load<usize>(p, CrsPlan.courseSlots);
  counts = load<usize>(p, CrsPlan.counts); gcache = load<usize>(p, CrsPlan.gcache); gver = load<usize>(p, CrsPlan.gver); hver = load<usize>(p, CrsPlan.hver);
  flags = load<usize>(p, CrsPlan.flags); moved = load<usize>(p, CrsPlan.moved);
  hcls = load<usize>(p, CrsPlan.hcls); hde = load<usize>(p, CrsPlan.hde);
  mVm = load<usize>(p, CrsPlan.moveVm); mFrom = load<usize>(p, CrsPlan.moveFrom); mTo = load<usize>(p, CrsPlan.moveTo);
  mPhase = load<usize>(p, CrsPlan.movePhase); mGofit = load<usize>(p, CrsPlan.moveGofit); mDe = load<usize>(p, CrsPlan.moveDe);
  const keys = load<usize>(p, CrsPlan.keys), tmpKeys = load<usize>(p, CrsPlan.tmpKeys);
  const list = load<usize>(p, CrsPlan.list), tmpList = load<usize>(p, CrsPlan.tmpList), hist = load<usize>(p, CrsPlan.hist);
  const listStart = load<usize>(p, CrsPlan.listStart), cursor = load<usize>(p, CrsPlan.cursor);
  count = 0;

  // Host sums (useCpu/useMem hold the base use on entry, kept in baseCpu/baseMem), VM counts, slot counts, versions, flags.
  memory.copy(baseCpu, useCpu, <usize>H << 3);
  memory.copy(baseMem, useMem, <usize>H << 3);
  memory.fill(cores, 0, <usize>H << 3);
  memory.fill(hostVms, 0, <usize>H << 2);
  memory.fill(counts, 0, <usize>(H * SLOTS) << 2);
  memory.fill(hver, 0, <usize>H << 2);
  memory.fill(gver, 0xff, <usize>(K * H) << 2);
  memory.fill(flags, 0, <usize>H << 2);
  memory.fill(moved, 0, <usize>V << 2);
  memory.fill(listStart, 0, <usize>(H + 1) << 2);
  for (let v = 0; v < V; v++) {
    const h = gi(vmHost, v);
    sf(useCpu, h, gf(useCpu, h) + gf(vmUseCpu, v));
    sf(useMem, h, gf(useMem, h) + gf(vmUseMem, v));
    sf(cores, h, gf(cores, h) + gf(vmCpu, v));
    si(hostVms, h, gi(hostVms, h) + 1);
    const k = gi(vmCourse, v);
    if (k >= 0) {
      const base = counts + (<usize>(h * SLOTS) << 2);
      const end = gi(courseStart, k + 1);
      for (let i = gi(courseStart, k); i < end; i++) {
        const a = base + (<usize>gi(courseSlots, i) << 2);
        store<i32>(a, load<i32>(a) + 1);
      }
    }
    si(listStart, h + 1, gi(listStart, h + 1) + 1);
  }
  // VMs by migrateValue descending (stable: ties keep index order), then bucketed by host (stable).
  for (let v = 0; v < V; v++) {
    const h = gi(vmHost, v);
    const mv = wCpu * (gf(vmUseCpu, v) / gf(capCpu, h)) + wMem * (gf(vmUseMem, v) / gf(capMem, h));
    store<u64>(keys + (<usize>v << 3), descendingKey(mv));
    si(tmpList, v, v);
  }
  radixSortPairs(keys, tmpList, tmpKeys, list, hist, V);
  for (let h = 0; h < H; h++) si(listStart, h + 1, gi(listStart, h + 1) + gi(listStart, h));
  for (let h = 0; h < H; h++) si(cursor, h, gi(listStart, h));
  for (let i = 0; i < V; i++) {
    const v = gi(tmpList, i);
    const h = gi(vmHost, v);
    const at = gi(cursor, h);
    si(list, at, v);
    si(cursor, h, at + 1);
  }
  for (let h = 0; h < H; h++) si(cursor, h, gi(listStart, h));
  for (let h = 0; h < H; h++) refresh(h);

  // 1. Balance.
  while (true) {
    let src = -1;
    let srcDe: f64 = 0;
    for (let h = 0; h < H; h++) {
      if ((gi(flags, h) & STUCK) != 0 || gi(hcls, h) != 2) continue;
      const d = gf(hde, h);
      if (src < 0 || d < srcDe) { src = h; srcDe = d; }
    }
    if (src < 0) break;
    let done = false;
    const end = gi(listStart, src + 1);
    while (gi(cursor, src) < end) {
      const v = gi(list, gi(cursor, src));
      si(cursor, src, gi(cursor, src) + 1);
      if (gi(moved, v) != 0) continue;
      const t = choose(v, src);
      if (t >= 0) { move(v, src, t, 0); done = true; break; }
    }
    if (!done) si(flags, src, gi(flags, src) | STUCK | UNRESOLVED);
  }

  // 2. Energy: only when no host is high.
  let anyHigh = false;
  for (let h = 0; h < H; h++) if (gi(hcls, h) == 2) { anyHigh = true; break; }
  if (maxOff > 0 && !anyHigh) {
    const lows = load<usize>(p, CrsPlan.lows), lowTmp = load<usize>(p, CrsPlan.lowTmp);
    const lowKeys = load<usize>(p, CrsPlan.lowKeys), lowTmpKeys = load<usize>(p, CrsPlan.lowTmpKeys);
    const undoF = load<usize>(p, CrsPlan.undoF), undoR = load<usize>(p, CrsPlan.undoR);
    let n = 0;
    for (let h = 0; h < H; h++) {
      if (gi(hcls, h) != 1) continue;
      store<u64>(lowKeys + (<usize>n << 3), descendingKey(gf(hde, h)));
      si(lows, n, h);
      n++;
    }
    radixSortPairs(lowKeys, lows, lowTmpKeys, lowTmp, hist, n);
    let on = H;
    let off = 0;
    for (let j = 0; j < n; j++) {
      if (on <= 1 || off >= maxOff) break;
      const h = gi(lows, j);
      if ((gi(flags, h) & RECEIVED) != 0) continue;
      si(flags, h, gi(flags, h) | EMPTYING);
      const first = count;
      let ok = true;
      const end = gi(listStart, h + 1);
      for (let i = gi(listStart, h); i < end; i++) {
        const v = gi(list, i);
        if (gi(moved, v) != 0) continue;
        const t = choose(v, h);
        if (t < 0) { ok = false; break; }
        const u = 6 * (count - first);
        sf(undoF, u, gf(useCpu, h)); sf(undoF, u + 1, gf(useMem, h)); sf(undoF, u + 2, gf(cores, h));
        sf(undoF, u + 3, gf(useCpu, t)); sf(undoF, u + 4, gf(useMem, t)); sf(undoF, u + 5, gf(cores, t));
        si(undoR, count - first, (gi(flags, t) & RECEIVED) != 0 ? 1 : 0);
        move(v, h, t, 1);
      }
      if (ok) {
        si(flags, h, (gi(flags, h) & ~EMPTYING) | OFF);
        on--;
        off++;
        continue;
      }
      for (let m = count - 1; m >= first; m--) {
        const v = gi(mVm, m);
        const t = gi(mTo, m);
        const u = 6 * (m - first);
        sf(useCpu, h, gf(undoF, u)); sf(useMem, h, gf(undoF, u + 1)); sf(cores, h, gf(undoF, u + 2));
        sf(useCpu, t, gf(undoF, u + 3)); sf(useMem, t, gf(undoF, u + 4)); sf(cores, t, gf(undoF, u + 5));
        const k = gi(vmCourse, v);
        if (k >= 0) shiftSlots(k, t, h);
        si(moved, v, 0);
        si(hostVms, h, gi(hostVms, h) + 1);
        si(hostVms, t, gi(hostVms, t) - 1);
        if (gi(undoR, m - first) == 0) si(flags, t, gi(flags, t) & ~RECEIVED);
        refresh(h);
        refresh(t);
      }
      count = first;
      si(flags, h, gi(flags, h) & ~EMPTYING);
    }
  }
  for (let h = 0; h < H; h++) si(flags, h, gi(flags, h) & (OFF | UNRESOLVED));
  store<i32>(p, count, CrsPlan.count);
  return count;
}
