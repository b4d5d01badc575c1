/**
 * The plain-TypeScript rebalancing planner: the test oracle of
 * `assembly/crs.ts` and the baseline of its benchmark. Every rule, tie-break
 * and floating-point expression is the same as in the WebAssembly planner, so
 * the two return identical plans (test/crs/wasm-equals-reference.test.ts).
 *
 * The algorithm (seed 002, SPEC §5; docs/model.md "CRS rebalancing"):
 * 1. balance — while a high host is left that is not stuck: take the one with
 *    the smallest De (ties: lowest index); try its VMs by migrateValue
 *    descending (ties: lowest index) and move the first that fits somewhere;
 *    a host none of whose VMs fits anywhere is stuck (reported unresolved);
 * 2. energy — only when no host is high: for each low host, largest De
 *    first, move all its VMs away or none (undone exactly), and power it off;
 *    stop after `maxPowerOff` hosts (default 1, SPEC's "the low host").
 * Targets: not the source, not high, not powered off or being emptied, and the
 * move keeps every dimension of the target below H; normal hosts first, then
 * low ones (unless `targets: 'normal'`). Among them CRS takes the best GOFit,
 * then the largest De; SS the fewest used (allocated) cores; FF the first in
 * host order; ties go to the lowest index. A VM moves at most once per plan,
 * and a host that received a VM is never emptied, so no VM goes A→B→A.
 *
 * @module
 */
import { CRS_ALGORITHM } from './crs-layouts.ts';
import { HOST_FLAG, useAfterLeaving, type PlanColumns, type PlanParams, type RawPlan } from './plan-columns.ts';
import { SLOTS } from './timetable.ts';

/** Plans with the reference planner. */
export function referencePlan(c: PlanColumns, p: PlanParams): RawPlan {
  const H = c.hosts;
  const V = c.vms;
  const useCpu = Float64Array.from(c.baseCpu);
  const useMem = Float64Array.from(c.baseMem);
  const cores = new Float64Array(H);
  // VMs on each host: one that empties reads its base use exactly, not a residue of the subtractions.
  const hostVms = new Int32Array(H);
  for (let v = 0; v < V; v++) {
    const h = c.vmHost[v]!;
    useCpu[h] = useCpu[h]! + c.useCpu[v]!;
    useMem[h] = useMem[h]! + c.useMem[v]!;
    cores[h] = cores[h]! + c.vmCpu[v]!;
    hostVms[h] = hostVms[h]! + 1;
  }
  // Per-slot counts of VMs in class, host-major.
  const counts = new Int32Array(H * SLOTS);
  for (let v = 0; v < V; v++) {
    const k = c.vmCourse[v]!;
    if (k < 0) continue;
    const base = c.vmHost[v]! * SLOTS;
    for (let i = c.courseStart[k]!; i < c.courseStart[k + 1]!; i++) counts[base + c.courseSlots[i]!] = counts[base + c.courseSlots[i]!]! + 1;
  }
  // GOFit cache per (course, host), valid while the host's version is unchanged.
  const K = c.courses;
  const gcache = new Float64Array(K * H);
  const gver = new Int32Array(K * H).fill(-1);
  const hver = new Int32Array(H);
  const gofitOf = (k: number, h: number): number => {
    if (k < 0) return 1;
    const at = k * H + h;
    if (gver[at] === hver[h]) return gcache[at]!;
    let overlap = 0;
    let coinciding = 0;
    const base = h * SLOTS;
    for (let i = c.courseStart[k]!; i < c.courseStart[k + 1]!; i++) {
      const n = counts[base + c.courseSlots[i]!]!;
      if (n > 0) {
        overlap++;
        coinciding += n;
      }
    }
    const g = coinciding === 0 ? 1 : overlap / coinciding;
    gcache[at] = g;
    gver[at] = hver[h]!;
    return g;
  };

  // VMs of each host by migrateValue descending (ties: index ascending).
  const mv = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    const h = c.vmHost[v]!;
    mv[v] = p.wCpu * (c.useCpu[v]! / c.capCpu[h]!) + p.wMem * (c.useMem[v]! / c.capMem[h]!);
  }
  const byValue = Array.from({ length: V }, (_, i) => i).sort((a, b) => mv[b]! - mv[a]! || a - b);
  const listStart = new Int32Array(H + 1);
  for (let v = 0; v < V; v++) listStart[c.vmHost[v]! + 1] = listStart[c.vmHost[v]! + 1]! + 1;
  for (let h = 0; h < H; h++) listStart[h + 1] = listStart[h + 1]! + listStart[h]!;
  const list = new Int32Array(V);
  const fill = listStart.slice(0, H);
  for (const v of byValue) {
    const h = c.vmHost[v]!;
    list[fill[h]!] = v;
    fill[h] = fill[h]! + 1;
  }

  const cls = (h: number): number => {
    // 2 = high, 1 = low, 0 = normal
    const uc = useCpu[h]! / c.capCpu[h]!;
    const um = useMem[h]! / c.capMem[h]!;
    const hc = p.strict ? uc > p.highCpu : uc >= p.highCpu;
    const hm = p.strict ? um > p.highMem : um >= p.highMem;
    if (p.highAll ? hc && hm : hc || hm) return 2;
    const lc = p.strict ? uc < p.lowCpu : uc <= p.lowCpu;
    const lm = p.strict ? um < p.lowMem : um <= p.lowMem;
    return (p.lowAll ? lc && lm : lc || lm) ? 1 : 0;
  };
  const de = (h: number): number => 0.5 * ((1 - useCpu[h]! / c.capCpu[h]!) + (1 - useMem[h]! / c.capMem[h]!));
  // Class and De of every host, recomputed only for the hosts a move (or an undo) touched.
  const hcls = new Int32Array(H);
  const hde = new Float64Array(H);
  const refresh = (h: number): void => {
    hcls[h] = cls(h);
    hde[h] = de(h);
  };
  for (let h = 0; h < H; h++) refresh(h);

  const STUCK = 4;
  const EMPTYING = 8;
  const RECEIVED = 16;
  const flags = new Int32Array(H);
  const moved = new Uint8Array(V);
  const out = {
    vm: new Int32Array(V), from: new Int32Array(V), to: new Int32Array(V), phase: new Int32Array(V),
    gofit: new Float64Array(V), targetDe: new Float64Array(V),
  };
  let count = 0;

  const choose = (v: number, src: number): number => {
    const k = c.vmCourse[v]!;
    const vc = c.useCpu[v]!;
    const vm = c.useMem[v]!;
    let best = -1;
    let bestTier = 2;
    let bestA = 0;
    let bestB = 0;
    for (let h = 0; h < H; h++) {
      if (h === src || (flags[h]! & (HOST_FLAG.OFF | EMPTYING)) !== 0) continue;
      const cl = hcls[h]!;
      if (cl === 2) continue;
      const tier = cl === 1 ? 1 : 0;
      if (tier === 1 && p.normalOnly) continue;
      if (tier > bestTier) continue;
      if (!((useCpu[h]! + vc) / c.capCpu[h]! < p.highCpu && (useMem[h]! + vm) / c.capMem[h]! < p.highMem)) continue;
      if (p.algorithm === CRS_ALGORITHM.code.crs) {
        const g = gofitOf(k, h);
        const d = hde[h]!;
        if (tier < bestTier || g > bestA || (g === bestA && d > bestB)) { best = h; bestTier = tier; bestA = g; bestB = d; }
      } else if (p.algorithm === CRS_ALGORITHM.code.ss) {
        const u = cores[h]!;
        if (tier < bestTier || u < bestA) { best = h; bestTier = tier; bestA = u; }
      } else if (tier < bestTier) {
        best = h;
        bestTier = tier;
      }
      if (p.algorithm === CRS_ALGORITHM.code.ff && bestTier === 0) break;
    }
    return best;
  };
  // VM v leaves host h (useAfterLeaving: an emptied host reads its base use exactly, none below it).
  const leave = (v: number, h: number): void => {
    const left = (hostVms[h] = hostVms[h]! - 1);
    useCpu[h] = useAfterLeaving(useCpu[h]!, c.useCpu[v]!, c.baseCpu[h]!, left);
    useMem[h] = useAfterLeaving(useMem[h]!, c.useMem[v]!, c.baseMem[h]!, left);
    cores[h] = useAfterLeaving(cores[h]!, c.vmCpu[v]!, 0, left);
  };
  const move = (v: number, from: number, to: number, phase: number): void => {
    const k = c.vmCourse[v]!;
    out.vm[count] = v; out.from[count] = from; out.to[count] = to; out.phase[count] = phase;
    out.gofit[count] = p.algorithm === CRS_ALGORITHM.code.crs ? gofitOf(k, to) : p.algorithm === CRS_ALGORITHM.code.ss ? cores[to]! : 0;
    out.targetDe[count] = hde[to]!;
    count++;
    leave(v, from);
    useCpu[to] = useCpu[to]! + c.useCpu[v]!; useMem[to] = useMem[to]! + c.useMem[v]!; cores[to] = cores[to]! + c.vmCpu[v]!;
    hostVms[to] = hostVms[to]! + 1;
    if (k >= 0) {
      const a = from * SLOTS;
      const b = to * SLOTS;
      for (let i = c.courseStart[k]!; i < c.courseStart[k + 1]!; i++) {
        counts[a + c.courseSlots[i]!] = counts[a + c.courseSlots[i]!]! - 1;
        counts[b + c.courseSlots[i]!] = counts[b + c.courseSlots[i]!]! + 1;
      }
      hver[from] = hver[from]! + 1;
      hver[to] = hver[to]! + 1;
    }
    moved[v] = 1;
    flags[to] = flags[to]! | RECEIVED;
    refresh(from);
    refresh(to);
  };

  // 1. Balance.
  const cursor = listStart.slice(0, H);
  for (;;) {
    let src = -1;
    let srcDe = 0;
    for (let h = 0; h < H; h++) {
      if ((flags[h]! & STUCK) !== 0 || hcls[h] !== 2) continue;
      const d = hde[h]!;
      if (src < 0 || d < srcDe) { src = h; srcDe = d; }
    }
    if (src < 0) break;
    let done = false;
    while (cursor[src]! < listStart[src + 1]!) {
      const v = list[cursor[src]!]!;
      cursor[src] = cursor[src]! + 1;
      if (moved[v]) continue;
      const t = choose(v, src);
      if (t >= 0) { move(v, src, t, 0); done = true; break; }
    }
    if (!done) flags[src] = flags[src]! | STUCK | HOST_FLAG.UNRESOLVED;
  }

  // 2. Energy: only when no host is high.
  let anyHigh = false;
  for (let h = 0; h < H; h++) if (hcls[h] === 2) anyHigh = true;
  if (p.maxPowerOff > 0 && !anyHigh) {
    const lows: number[] = [];
    for (let h = 0; h < H; h++) if (hcls[h] === 1) lows.push(h);
    const lowDe = lows.map((h) => hde[h]!);
    const order = lows.map((_, i) => i).sort((a, b) => lowDe[b]! - lowDe[a]! || lows[a]! - lows[b]!).map((i) => lows[i]!);
    let on = H;
    let off = 0;
    const undoF = new Float64Array(6 * Math.max(1, V));
    const undoR = new Uint8Array(Math.max(1, V));
    for (const h of order) {
      if (on <= 1 || off >= p.maxPowerOff) break;
      if ((flags[h]! & RECEIVED) !== 0) continue;
      flags[h] = flags[h]! | EMPTYING;
      const first = count;
      let ok = true;
      for (let i = listStart[h]!; i < listStart[h + 1]!; i++) {
        const v = list[i]!;
        if (moved[v]) continue;
        const t = choose(v, h);
        if (t < 0) { ok = false; break; }
        const u = 6 * (count - first);
        undoF[u] = useCpu[h]!; undoF[u + 1] = useMem[h]!; undoF[u + 2] = cores[h]!;
        undoF[u + 3] = useCpu[t]!; undoF[u + 4] = useMem[t]!; undoF[u + 5] = cores[t]!;
        undoR[count - first] = (flags[t]! & RECEIVED) !== 0 ? 1 : 0;
        move(v, h, t, 1);
      }
      if (ok) {
        flags[h] = (flags[h]! & ~EMPTYING) | HOST_FLAG.OFF;
        on--;
        off++;
        continue;
      }
      // Undo in reverse order, exactly.
      for (let m = count - 1; m >= first; m--) {
        const v = out.vm[m]!;
        const t = out.to[m]!;
        const u = 6 * (m - first);
        useCpu[h] = undoF[u]!; useMem[h] = undoF[u + 1]!; cores[h] = undoF[u + 2]!;
        useCpu[t] = undoF[u + 3]!; useMem[t] = undoF[u + 4]!; cores[t] = undoF[u + 5]!;
        const k = c.vmCourse[v]!;
        if (k >= 0) {
          for (let i = c.courseStart[k]!; i < c.courseStart[k + 1]!; i++) {
            counts[h * SLOTS + c.courseSlots[i]!] = counts[h * SLOTS + c.courseSlots[i]!]! + 1;
            counts[t * SLOTS + c.courseSlots[i]!] = counts[t * SLOTS + c.courseSlots[i]!]! - 1;
          }
          hver[h] = hver[h]! + 1;
          hver[t] = hver[t]! + 1;
        }
        moved[v] = 0;
        hostVms[h] = hostVms[h]! + 1;
        hostVms[t] = hostVms[t]! - 1;
        if (undoR[m - first] === 0) flags[t] = flags[t]! & ~RECEIVED;
        refresh(h);
        refresh(t);
      }
      count = first;
      flags[h] = flags[h]! & ~EMPTYING;
    }
  }
  const hostFlags = new Int32Array(H);
  for (let h = 0; h < H; h++) hostFlags[h] = flags[h]! & (HOST_FLAG.OFF | HOST_FLAG.UNRESOLVED);
  return {
    count,
    vm: out.vm.slice(0, count), from: out.from.slice(0, count), to: out.to.slice(0, count), phase: out.phase.slice(0, count),
    gofit: out.gofit.slice(0, count), targetDe: out.targetDe.slice(0, count),
    useCpu, useMem, flags: hostFlags,
  };
}
