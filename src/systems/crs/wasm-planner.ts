/**
 * The WebAssembly rebalancing planner: lays a {@link PlanColumns} out in a
 * core's memory as a `CrsPlan` struct (src/systems/crs/crs-layouts.ts), makes
 * one `crsPlan` call, and copies the plan out. Uses the thread's scratch core:
 * everything is freed when the call returns.
 *
 * @module
 */
import { FairfitError } from '../../errors.ts';
import { GINI } from '../../kernels/kernel-layouts.ts';
import { withScratch, type Core } from '../../wasm/module.ts';
import { CRS_PLAN } from './crs-layouts.ts';
import type { PlanColumns, PlanParams, RawPlan } from './plan-columns.ts';
import { SLOTS } from './timetable.ts';

/** Plans in WebAssembly; same result as `referencePlan` on the same columns. */
export function wasmPlan(c: PlanColumns, p: PlanParams, core?: Core): RawPlan {
  const run = (k: Core): RawPlan => {
    const H = c.hosts;
    const V = c.vms;
    const K = c.courses;
    // One allocation for the whole call (one memory growth at most), carved in 16-byte-aligned pieces.
    const sizes: number[] = [];
    const f64 = (n: number) => (sizes.push(Math.max(1, n) * 8), sizes.length - 1);
    const i32 = (n: number) => (sizes.push(Math.max(1, n) * 4), sizes.length - 1);
    const slot = {
      plan: sizes.push(CRS_PLAN.size) - 1,
      capCpu: f64(H), capMem: f64(H), useCpu: f64(H), useMem: f64(H), cores: f64(H), baseCpu: f64(H), baseMem: f64(H), hostVms: i32(H),
      vmHost: i32(V), vmCpu: f64(V), vmUseCpu: f64(V), vmUseMem: f64(V), vmCourse: i32(V),
      courseStart: i32(K + 1), courseSlots: i32(c.courseSlots.length),
      counts: i32(H * SLOTS), gcache: f64(K * H), gver: i32(K * H), hver: i32(H),
      keys: f64(V), tmpKeys: f64(V), list: i32(V), tmpList: i32(V), hist: sizes.push(GINI.values.HIST_BYTES) - 1, listStart: i32(H + 1), cursor: i32(H),
      flags: i32(H), moved: i32(V), hcls: i32(H), hde: f64(H), lows: i32(H), lowTmp: i32(H), lowKeys: f64(H), lowTmpKeys: f64(H), undoF: f64(6 * V), undoR: i32(V),
      moveVm: i32(V), moveFrom: i32(V), moveTo: i32(V), movePhase: i32(V), moveGofit: f64(V), moveDe: f64(V),
    };
    const align = (n: number) => Math.ceil(n / 16) * 16;
    const total = sizes.reduce((s, n) => s + align(n), 0);
    // wasm32 memory ends at 4 GiB; the GOFit cache (courses × hosts) and the slot counts (hosts × 400) dominate.
    if (k.mark() + total > 4 * 2 ** 30 - 2 ** 26) {
      throw new FairfitError('INVALID_OPTION', `input: a plan for ${H} hosts, ${V} VMs and ${K} courses needs ${(total / 2 ** 30).toFixed(1)} GiB of WebAssembly memory (more than fits in 4 GiB); use engine: 'reference'`, { field: 'engine' });
    }
    let at = k.alloc(total);
    const ptr = sizes.map((n) => { const p0 = at; at += align(n); return p0; });
    const { plan: planSlot, ...rest } = slot;
    const plan = ptr[planSlot]!;
    const cols = Object.fromEntries(Object.entries(rest).map(([name, i]) => [name, ptr[i]!])) as { [K in keyof typeof rest]: number };
    k.f64(cols.capCpu, H).set(c.capCpu); k.f64(cols.capMem, H).set(c.capMem);
    k.f64(cols.useCpu, H).set(c.baseCpu); k.f64(cols.useMem, H).set(c.baseMem);
    k.i32(cols.vmHost, V).set(c.vmHost); k.f64(cols.vmCpu, V).set(c.vmCpu);
    k.f64(cols.vmUseCpu, V).set(c.useCpu); k.f64(cols.vmUseMem, V).set(c.useMem); k.i32(cols.vmCourse, V).set(c.vmCourse);
    k.i32(cols.courseStart, K + 1).set(c.courseStart);
    k.i32(cols.courseSlots, c.courseSlots.length).set(c.courseSlots);
    CRS_PLAN.write(k.memory, plan, {
      hosts: H, vms: V, courses: K, algorithm: p.algorithm,
      highAll: p.highAll, lowAll: p.lowAll, strict: p.strict, normalOnly: p.normalOnly, maxPowerOff: p.maxPowerOff, count: 0,
      highCpu: p.highCpu, highMem: p.highMem, lowCpu: p.lowCpu, lowMem: p.lowMem, wCpu: p.wCpu, wMem: p.wMem,
      ...cols,
    });
    const n = k.exports.crsPlan(plan);
    return {
      count: n,
      vm: k.i32(cols.moveVm, n).slice(), from: k.i32(cols.moveFrom, n).slice(), to: k.i32(cols.moveTo, n).slice(), phase: k.i32(cols.movePhase, n).slice(),
      gofit: k.f64(cols.moveGofit, n).slice(), targetDe: k.f64(cols.moveDe, n).slice(),
      useCpu: k.f64(cols.useCpu, H).slice(), useMem: k.f64(cols.useMem, H).slice(), flags: k.i32(cols.flags, H).slice(),
    };
  };
  if (core) {
    const mark = core.mark();
    try {
      return run(core);
    } finally {
      core.release(mark);
    }
  }
  return withScratch(run);
}
