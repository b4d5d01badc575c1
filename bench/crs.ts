/**
 * The CRS rebalancing planners (src/systems/crs/): one plan for 10^4 hosts
 * and 2·10^5 VMs (the target: ≤ 250 ms end to end), CRS, SS and FF,
 * the WebAssembly planner against the plain-TypeScript reference planner on
 * the same columns (alternated, median of 5, in this one process); then the
 * same cluster with one host in ten pushed high (base load 0.66 of its cores),
 * so the balance phase makes thousands of moves.
 */
import { resolveRebalanceOptions, type RebalanceInput, type RebalanceAlgorithm } from '../src/systems/crs/model.ts';
import { planRebalance } from '../src/systems/crs/plan.ts';
import { planColumns, planParams } from '../src/systems/crs/plan-columns.ts';
import { referencePlan } from '../src/systems/crs/reference-planner.ts';
import { generateScenario } from '../src/systems/crs/scenario.ts';
import { wasmPlan } from '../src/systems/crs/wasm-planner.ts';
import type { BenchRow } from './run.ts';
import { casePeak } from './rss.ts';
import { median } from './measure.ts';


function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

function cases(input: RebalanceInput, label: string, rows: BenchRow[]): void {
  const columns = planColumns(input);
  for (const algorithm of ['crs', 'ss', 'ff'] as RebalanceAlgorithm[]) {
    const p = planParams(resolveRebalanceOptions({ algorithm }));
    const cold = time(() => wasmPlan(columns, p));
    const w: number[] = [];
    const r: number[] = [];
    let moves = 0;
    // The first round's plans compared byte for byte (moves, per-host use, flags): both planners must do the same work.
    let same = 'unchecked';
    for (let k = 0; k < 5; k++) {
      let a: unknown, b: unknown;
      w.push(time(() => { const plan = wasmPlan(columns, p); moves = plan.count; a = plan; }));
      r.push(time(() => { b = referencePlan(columns, p); }));
      if (k === 0) same = JSON.stringify(a) === JSON.stringify(b) ? 'yes' : 'NO';
    }
    const e2e: number[] = [];
    for (let k = 0; k < 5; k++) e2e.push(time(() => planRebalance(input, { algorithm })));
    const name = `${label}, ${algorithm}`;
    const peak = casePeak();
    rows.push({ name, impl: 'wasm planner', meanMs: median(w), extra: { 'x reference': +(median(r) / median(w)).toFixed(1), moves, 'same plan': same, 'cold ms': +cold.toFixed(0), 'planRebalance ms': +median(e2e).toFixed(0), ...peak } });
    rows.push({ name, impl: 'reference planner', meanMs: median(r), extra: { ...peak } });
  }
}

export async function crsSuite(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const input = generateScenario({ hosts: 10_000, vms: 200_000, seed: 3 });
  cases(input, 'plan: 10^4 hosts, 2·10^5 VMs', rows);
  const hot = { ...input, hosts: input.hosts.map((h, i) => (i % 10 === 0 ? { ...h, base: { cpu: 0.66 * h.cpu, mem: 0 } } : h)) };
  cases(hot, 'plan: 10^4 hosts (10 % high), 2·10^5 VMs', rows);
  return rows;
}
