/**
 * `planRebalance`: a host application's hosts, VMs and recent use in, a
 * migration plan it can execute safely out — waves of moves (each host at
 * most once per wave), hosts to power off, and the hosts' utilisation before
 * and after. The planning itself is one call into the WebAssembly planner
 * (`assembly/crs.ts`) or its plain-TypeScript twin (`reference-planner.ts`).
 *
 * @module
 */
import { hostClass, resolveRebalanceOptions, type HostClass, type RebalanceAlgorithm, type RebalanceInput, type RebalanceOptions, type ResolvedRebalanceOptions } from './model.ts';
import { HOST_FLAG, planColumns, planParams, type PlanColumns, type RawPlan } from './plan-columns.ts';
import { referencePlan } from './reference-planner.ts';
import { wasmPlan } from './wasm-planner.ts';

/** One migration of a plan. */
export interface PlannedMove {
  vm: string;
  from: string;
  to: string;
  /** `'balance'`: relieves a high host; `'energy'`: empties a low host to power it off. */
  phase: 'balance' | 'energy';
  /** Why this VM and this target, in words. */
  reason: string;
}

/** A host's mean utilisation (fractions of capacity) and class; `'off'` = powered off by the plan. */
export interface HostUtilisation {
  host: string;
  cpu: number;
  mem: number;
  class: HostClass | 'off';
}

/** The gap between the most and the least utilised hosts that are on, per dimension. */
export interface UtilisationSpread {
  cpu: number;
  mem: number;
}

/** What `planRebalance` returns. */
export interface RebalancePlan {
  algorithm: RebalanceAlgorithm;
  /** The options used, defaults filled in. */
  options: ResolvedRebalanceOptions;
  /** Waves of moves, to run one wave after the other; a host appears at most once per wave; energy waves follow every balance wave. */
  waves: PlannedMove[][];
  /** Hosts emptied by the energy phase (and empty low hosts): power them off after their last wave. */
  powerOff: string[];
  /** High hosts none of whose VMs could move anywhere: still high after the plan. */
  unresolved: string[];
  before: HostUtilisation[];
  after: HostUtilisation[];
  /** max − min utilisation over the hosts that are on, before and after. */
  spread: { before: UtilisationSpread; after: UtilisationSpread };
  /** Number of moves (Σ wave lengths). */
  moves: number;
}

/**
 * The wave of each move: one after the last wave of its source and of its
 * target, so each host's moves keep their planned order (a host's state at
 * each wave boundary is what the sequential plan had — no target ever reaches
 * H) and each host takes part in at most one migration at a time. Energy
 * moves start after the last balance wave (the energy phase runs only once no
 * host is high).
 */
export function waveIndices(raw: Pick<RawPlan, 'count' | 'from' | 'to' | 'phase'>, hosts: number): Int32Array {
  const last = new Int32Array(hosts).fill(-1);
  const wave = new Int32Array(raw.count);
  let balanceWaves = 0;
  for (let m = 0; m < raw.count; m++) {
    const f = raw.from[m]!;
    const t = raw.to[m]!;
    let w = Math.max(last[f]!, last[t]!) + 1;
    if (raw.phase[m] === 1) w = Math.max(w, balanceWaves);
    else balanceWaves = Math.max(balanceWaves, w + 1);
    wave[m] = w;
    last[f] = w;
    last[t] = w;
  }
  return wave;
}

function utilisation(c: PlanColumns, useCpu: ArrayLike<number>, useMem: ArrayLike<number>, o: ResolvedRebalanceOptions, names: string[], off?: Int32Array): HostUtilisation[] {
  return names.map((host, h) => {
    const u = { cpu: useCpu[h]! / c.capCpu[h]!, mem: useMem[h]! / c.capMem[h]! };
    return { host, cpu: u.cpu, mem: u.mem, class: off && (off[h]! & HOST_FLAG.OFF) !== 0 ? 'off' : hostClass(u, o) };
  });
}

function spread(us: HostUtilisation[]): UtilisationSpread {
  const on = us.filter((u) => u.class !== 'off');
  const gap = (k: 'cpu' | 'mem') => (on.length === 0 ? 0 : on.reduce((m, u) => Math.max(m, u[k]), -Infinity) - on.reduce((m, u) => Math.min(m, u[k]), Infinity));
  return { cpu: gap('cpu'), mem: gap('mem') };
}

const f3 = (x: number) => x.toFixed(3);

/** Runs the chosen planner on columns (no checks: `planColumns` made them). */
export function runPlanner(c: PlanColumns, o: ResolvedRebalanceOptions): RawPlan {
  const p = planParams(o);
  return o.engine === 'reference' ? referencePlan(c, p) : wasmPlan(c, p);
}

/**
 * Plans a rebalancing of `input` with CRS (default), SS or FF (docs/model.md
 * "CRS rebalancing"). Throws `FairfitError` naming the field for bad input or
 * options; the input is never modified.
 */
export function planRebalance(input: RebalanceInput, options: RebalanceOptions = {}): RebalancePlan {
  const o = resolveRebalanceOptions(options);
  const c = planColumns(input);
  const raw = runPlanner(c, o);
  return describePlan(input, c, raw, o);
}

/** Turns a planner's raw result into a {@link RebalancePlan}. */
export function describePlan(input: RebalanceInput, c: PlanColumns, raw: RawPlan, o: ResolvedRebalanceOptions): RebalancePlan {
  const names = input.hosts.map((h) => h.name);
  const beforeCpu = Float64Array.from(c.baseCpu);
  const beforeMem = Float64Array.from(c.baseMem);
  for (let v = 0; v < c.vms; v++) {
    const h = c.vmHost[v]!;
    beforeCpu[h] = beforeCpu[h]! + c.useCpu[v]!;
    beforeMem[h] = beforeMem[h]! + c.useMem[v]!;
  }
  const before = utilisation(c, beforeCpu, beforeMem, o, names);
  const after = utilisation(c, raw.useCpu, raw.useMem, o, names, raw.flags);
  const wave = waveIndices(raw, c.hosts);
  const waves: PlannedMove[][] = [];
  for (let m = 0; m < raw.count; m++) {
    const from = names[raw.from[m]!]!;
    const to = names[raw.to[m]!]!;
    const why = o.algorithm === 'crs'
      ? `GOFit ${f3(raw.gofit[m]!)}, De ${f3(raw.targetDe[m]!)}: best GOFit, then largest De`
      : o.algorithm === 'ss' ? `${raw.gofit[m]} used cores: fewest` : 'first host in order that fits';
    const reason = raw.phase[m] === 0
      ? `balance: ${from} is high; this VM has the largest migrateValue of those that fit elsewhere; ${to}: ${why}`
      : `energy: emptying low host ${from} to power it off; ${to}: ${why}`;
    (waves[wave[m]!] ??= []).push({ vm: input.vms[raw.vm[m]!]!.name, from, to, phase: raw.phase[m] === 0 ? 'balance' : 'energy', reason });
  }
  const powerOff: string[] = [];
  const unresolved: string[] = [];
  for (let h = 0; h < c.hosts; h++) {
    if ((raw.flags[h]! & HOST_FLAG.OFF) !== 0) powerOff.push(names[h]!);
    if ((raw.flags[h]! & HOST_FLAG.UNRESOLVED) !== 0) unresolved.push(names[h]!);
  }
  return {
    algorithm: o.algorithm, options: o, waves, powerOff, unresolved, before, after,
    spread: { before: spread(before), after: spread(after) },
    moves: raw.count,
  };
}
