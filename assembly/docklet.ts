// The Docklet virtual-cluster placer (seed 001; SPEC §4; docs/model.md "Docklet
// virtual clusters"): one call places a whole gang of identical members, all or
// nothing; one call releases a list of members. Every rule, tie-break and float
// expression mirrors src/systems/docklet/reference-placer.ts, which it is tested
// against.
//
// State: a `DockletHosts` struct (assembly/layouts.ts, described in
// src/systems/docklet/docklet-layouts.ts) with the hosts' columns, kept by the
// manager between calls, and a `DockletGang` struct per call. Fit and load:
//
//   fits(h)  ⇔  use[d](h) + δ[d] ≤ C[d](h) for d ∈ {cpu, mem}   (SPEC §1: ξ ≥ δ)
//   load(h)  =  max_d (use[d](h) + δ[d]) / C[d](h)               (dominant share after placing)
//   spread: fewest members of this cluster, then least load, then lowest index
//   pack:   most load, then lowest index
// (the reference scans every host for each member; this keeps the fitting hosts in a heap).
import { gf, gi, sf, si } from './access';
import { DockletGang, DockletHosts, DockletMode } from './layouts';

// The hosts a member fits are kept in a binary heap, best first: a placed member changes only
// its own host's key (more members of the cluster, more load) and no host that did not fit comes
// to fit, so each member costs O(log H) after one O(H) pass, where a scan of every host per member
// cost O(members × hosts) (10^5 members on 10^4 hosts: 8 s). The order is the scan's exactly:
// a strict total order on (members of this cluster, load, index) for spread, (−load, index) for
// pack, with the loads computed by the same expressions (src/systems/docklet/reference-placer.ts).

/** Whether host a goes before host b (`gang` members of this cluster, `ld` loads after placing). */
// @ts-ignore: decorator
@inline function before(a: i32, b: i32, gang: usize, ld: usize, pack: bool): bool {
  const la = gf(ld, a);
  const lb = gf(ld, b);
  if (pack) return la > lb || (la == lb && a < b);
  const ga = gi(gang, a);
  const gb = gi(gang, b);
  return ga < gb || (ga == gb && (la < lb || (la == lb && a < b)));
}

/** Moves the host at heap position i down to its place among the first n. */
function siftDown(heap: usize, n: i32, i: i32, gang: usize, ld: usize, pack: bool): void {
  const h = gi(heap, i);
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && before(gi(heap, c + 1), gi(heap, c), gang, ld, pack)) c++;
    const hc = gi(heap, c);
    if (!before(hc, h, gang, ld, pack)) break;
    si(heap, i, hc);
    i = c;
  }
  si(heap, i, h);
}

/** Moves the host at heap position i down among the first n of a heap kept worst first (the reverse order). */
function siftDownWorst(heap: usize, n: i32, i: i32, gang: usize, ld: usize, pack: bool): void {
  const h = gi(heap, i);
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && before(gi(heap, c), gi(heap, c + 1), gang, ld, pack)) c++;
    const hc = gi(heap, c);
    if (!before(h, hc, gang, ld, pack)) break;
    si(heap, i, hc);
    i = c;
  }
  si(heap, i, h);
}

/**
 * The load host h would have with one more member of demand (dc, dm) — the dominant share
 * `max_d (use[d] + δ[d]) / C[d]` — or −1 when the member does not fit there.
 */
// @ts-ignore: decorator
@inline function loadAfter(h: i32, dc: f64, dm: f64, capCpu: usize, capMem: usize, useCpu: usize, useMem: usize): f64 {
  const uc = gf(useCpu, h) + dc;
  const um = gf(useMem, h) + dm;
  const cc = gf(capCpu, h);
  const cm = gf(capMem, h);
  if (!(uc <= cc && um <= cm)) return -1;
  const lc = uc / cc;
  const lm = um / cm;
  return lc >= lm ? lc : lm;
}

/**
 * Places `count` members of one cluster: 1 when every one got a host (hosts in `out`, the
 * hosts' use and member counts updated), 0 when member `failed` found none (then nothing
 * changed: the members placed before it are taken back, each host's use restored exactly).
 */
export function dockletPlace(hosts: usize, req: usize): i32 {
  const H = load<i32>(hosts + DockletHosts.hosts);
  const capCpu = load<usize>(hosts + DockletHosts.capCpu);
  const capMem = load<usize>(hosts + DockletHosts.capMem);
  const useCpu = load<usize>(hosts + DockletHosts.useCpu);
  const useMem = load<usize>(hosts + DockletHosts.useMem);
  const members = load<usize>(hosts + DockletHosts.members);
  const gang = load<usize>(hosts + DockletHosts.gang);
  const n = load<i32>(req + DockletGang.count);
  const prior = load<i32>(req + DockletGang.prior);
  const priorHosts = load<usize>(req + DockletGang.priorHosts);
  const out = load<usize>(req + DockletGang.out);
  const undoCpu = load<usize>(req + DockletGang.undoCpu);
  const undoMem = load<usize>(req + DockletGang.undoMem);
  const heap = load<usize>(req + DockletGang.heap);
  const ld = load<usize>(req + DockletGang.load);
  const dc = load<f64>(req + DockletGang.demCpu);
  const dm = load<f64>(req + DockletGang.demMem);
  const pack = load<i32>(req + DockletGang.mode) == DockletMode.pack;
  memory.fill(gang, 0, <usize>H << 2);
  for (let j = 0; j < prior; j++) {
    const h = gi(priorHosts, j);
    assert(h >= 0 && h < H, 'dockletPlace: prior host out of range');
    si(gang, h, gi(gang, h) + 1);
  }
  // The hosts the member fits (`fit` of them), then heap order (bottom-up: O(H)).
  let fit = 0;
  // Only the n hosts that go first can take a member: a host changes its place only when it takes
  // one, so before member i at most i of those n have changed, and one that has not still goes
  // before every host past them. So for a gang of n ≤ H/64 the pass keeps those n (a heap worst
  // first: a host enters when it goes before the worst kept), and the members are placed among them
  // as below; a larger gang keeps every fitting host. A gang of one cost a heap of all 10^4 hosts;
  // docs/model.md "Placing a gang".
  const keep = n > 0 && n <= (H >> 6) ? n : H;
  for (let h = 0; h < H; h++) {
    const l = loadAfter(h, dc, dm, capCpu, capMem, useCpu, useMem);
    if (l < 0) continue;
    sf(ld, h, l);
    if (fit < keep) {
      si(heap, fit++, h);
      if (fit == keep && keep < H) for (let i = (fit >> 1) - 1; i >= 0; i--) siftDownWorst(heap, fit, i, gang, ld, pack);
      continue;
    }
    if (!before(h, gi(heap, 0), gang, ld, pack)) continue;
    si(heap, 0, h);
    siftDownWorst(heap, fit, 0, gang, ld, pack);
  }
  for (let i = (fit >> 1) - 1; i >= 0; i--) siftDown(heap, fit, i, gang, ld, pack);
  for (let i = 0; i < n; i++) {
    if (fit == 0) {
      for (let j = i - 1; j >= 0; j--) {
        const k = gi(out, j);
        sf(useCpu, k, gf(undoCpu, j));
        sf(useMem, k, gf(undoMem, j));
        si(members, k, gi(members, k) - 1);
      }
      store<i32>(req + DockletGang.failed, i);
      return 0;
    }
    const h = gi(heap, 0);
    sf(undoCpu, i, gf(useCpu, h));
    sf(undoMem, i, gf(useMem, h));
    sf(useCpu, h, gf(useCpu, h) + dc);
    sf(useMem, h, gf(useMem, h) + dm);
    si(members, h, gi(members, h) + 1);
    si(gang, h, gi(gang, h) + 1);
    si(out, i, h);
    // Only h's key changed: it moves down (spread: more members, more load), stays first (pack:
    // more load), or leaves the heap when the next member no longer fits there.
    const l = loadAfter(h, dc, dm, capCpu, capMem, useCpu, useMem);
    if (l < 0) {
      fit--;
      si(heap, 0, gi(heap, fit));
    } else {
      sf(ld, h, l);
    }
    if (fit > 1) siftDown(heap, fit, 0, gang, ld, pack);
  }
  store<i32>(req + DockletGang.failed, -1);
  return 1;
}

/**
 * Releases `count` members of demand (demCpu, demMem) from the hosts in `out`. A host left with
 * no member gets its use back as exactly 0 (subtracting loads one by one leaves a residue:
 * 0.1 + 0.7 − 0.7 − 0.1 is −2.8e-17); no host reads below 0.
 */
export function dockletRelease(hosts: usize, req: usize): void {
  const H = load<i32>(hosts + DockletHosts.hosts);
  const useCpu = load<usize>(hosts + DockletHosts.useCpu);
  const useMem = load<usize>(hosts + DockletHosts.useMem);
  const members = load<usize>(hosts + DockletHosts.members);
  const n = load<i32>(req + DockletGang.count);
  const out = load<usize>(req + DockletGang.out);
  const dc = load<f64>(req + DockletGang.demCpu);
  const dm = load<f64>(req + DockletGang.demMem);
  for (let j = 0; j < n; j++) {
    const h = gi(out, j);
    assert(h >= 0 && h < H && gi(members, h) > 0, 'dockletRelease: host out of range or empty');
    const m = gi(members, h) - 1;
    si(members, h, m);
    if (m == 0) {
      sf(useCpu, h, 0);
      sf(useMem, h, 0);
    } else {
      const c = gf(useCpu, h) - dc;
      const e = gf(useMem, h) - dm;
      sf(useCpu, h, c > 0 ? c : 0);
      sf(useMem, h, e > 0 ? e : 0);
    }
  }
}

/**
 * Each host's dominant share in use, `max(useCpu / capCpu, useMem / capMem)`, into `out` f64[H];
 * into `free` f64[4] the free cpu and mem summed over the hosts and the stranded part of each; returns
 * the hosts holding a member. `loadPass` (src/systems/docklet/model.ts) with the same expressions in
 * the same order, so the same bits; the two divisions of a host in one SIMD division (a sample of
 * 12,500 hosts took ≈ 0.13 ms in TypeScript).
 */
export function dockletShares(hosts: usize, out: usize, free: usize): i32 {
  const H = load<i32>(hosts + DockletHosts.hosts);
  const capCpu = load<usize>(hosts + DockletHosts.capCpu);
  const capMem = load<usize>(hosts + DockletHosts.capMem);
  const useCpu = load<usize>(hosts + DockletHosts.useCpu);
  const useMem = load<usize>(hosts + DockletHosts.useMem);
  const members = load<usize>(hosts + DockletHosts.members);
  let inUse = 0;
  let fc = 0.0, fm = 0.0, sc = 0.0, sm = 0.0;
  for (let h = 0; h < H; h++) {
    const at = <usize>h << 3;
    const uc = load<f64>(useCpu + at), um = load<f64>(useMem + at);
    const cc = load<f64>(capCpu + at), cm = load<f64>(capMem + at);
    const q = f64x2.div(f64x2(uc, um), f64x2(cc, cm));
    const c = f64x2.extract_lane(q, 0), m = f64x2.extract_lane(q, 1);
    store<f64>(out + at, c >= m ? c : m);
    if (load<i32>(members + (<usize>h << 2)) > 0) inUse++;
    // Free shares 1 − use/cap; the one beyond the other is stranded (loadPass's order of sums).
    fc += cc - uc;
    fm += cm - um;
    if (m > c) sc += (m - c) * cc;
    else if (c > m) sm += (c - m) * cm;
  }
  store<f64>(free, fc);
  store<f64>(free, fm, 8);
  store<f64>(free, sc, 16);
  store<f64>(free, sm, 24);
  return inUse;
}
