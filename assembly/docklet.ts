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
import { gf, gi, sf, si } from './access';
import { DockletGang, DockletHosts, DockletMode } from './layouts';

/** Index of the host a member of demand (dc, dm) goes to, or −1 when none fits. */
function choose(hosts: usize, dc: f64, dm: f64, pack: bool): i32 {
  const H = load<i32>(hosts + DockletHosts.hosts);
  const capCpu = load<usize>(hosts + DockletHosts.capCpu);
  const capMem = load<usize>(hosts + DockletHosts.capMem);
  const useCpu = load<usize>(hosts + DockletHosts.useCpu);
  const useMem = load<usize>(hosts + DockletHosts.useMem);
  const gang = load<usize>(hosts + DockletHosts.gang);
  let best = -1;
  let bestGang = 0;
  let bestLoad: f64 = 0;
  for (let h = 0; h < H; h++) {
    const uc = gf(useCpu, h) + dc;
    const um = gf(useMem, h) + dm;
    const cc = gf(capCpu, h);
    const cm = gf(capMem, h);
    if (!(uc <= cc && um <= cm)) continue;
    const lc = uc / cc;
    const lm = um / cm;
    const l = lc >= lm ? lc : lm;
    if (pack) {
      if (best < 0 || l > bestLoad) { best = h; bestLoad = l; }
    } else {
      const g = gi(gang, h);
      if (best < 0 || g < bestGang || (g == bestGang && l < bestLoad)) { best = h; bestGang = g; bestLoad = l; }
    }
  }
  return best;
}

/**
 * Places `count` members of one cluster: 1 when every one got a host (hosts in `out`, the
 * hosts' use and member counts updated), 0 when member `failed` found none (then nothing
 * changed: the members placed before it are taken back, each host's use restored exactly).
 */
export function dockletPlace(hosts: usize, req: usize): i32 {
  const H = load<i32>(hosts + DockletHosts.hosts);
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
  const dc = load<f64>(req + DockletGang.demCpu);
  const dm = load<f64>(req + DockletGang.demMem);
  const pack = load<i32>(req + DockletGang.mode) == DockletMode.pack;
  memory.fill(gang, 0, <usize>H << 2);
  for (let j = 0; j < prior; j++) {
    const h = gi(priorHosts, j);
    assert(h >= 0 && h < H, 'dockletPlace: prior host out of range');
    si(gang, h, gi(gang, h) + 1);
  }
  for (let i = 0; i < n; i++) {
    const h = choose(hosts, dc, dm, pack);
    if (h < 0) {
      for (let j = i - 1; j >= 0; j--) {
        const k = gi(out, j);
        sf(useCpu, k, gf(undoCpu, j));
        sf(useMem, k, gf(undoMem, j));
        si(members, k, gi(members, k) - 1);
      }
      store<i32>(req + DockletGang.failed, i);
      return 0;
    }
    sf(undoCpu, i, gf(useCpu, h));
    sf(undoMem, i, gf(useMem, h));
    sf(useCpu, h, gf(useCpu, h) + dc);
    sf(useMem, h, gf(useMem, h) + dm);
    si(members, h, gi(members, h) + 1);
    si(gang, h, gi(gang, h) + 1);
    si(out, i, h);
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
