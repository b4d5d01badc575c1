/**
 * Do CRS, SS and FF choose the same targets? (docs/results.md, "CRS, SS and
 * FF on random and Alibaba scenarios"). For each scenario, plans all three and
 * compares the plans move by move; then replays each plan's moves and, at
 * every move, lists the hosts the target rule chose among (same filter as the
 * planners: not the source, not high, not off or being emptied, below H after
 * the move, normal hosts before low ones) and what each of the three rules
 * would pick there (it stops if that model does not pick what the planner
 * picked, or if the WebAssembly and reference planners disagree). Run:
 * `npx tsx scripts/crs-identical.ts [seeds]` (default 50; ~10 s).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { alibabaScenario } from '../src/systems/crs/alibaba-scenario.ts';
import { REBALANCE_ALGORITHMS, resolveRebalanceOptions, type RebalanceAlgorithm, type RebalanceInput } from '../src/systems/crs/model.ts';
import { describePlan, planRebalance, runPlanner } from '../src/systems/crs/plan.ts';
import { formatMetric } from '../src/report/table.ts';
import { planColumns, type PlanColumns, type RawPlan } from '../src/systems/crs/plan-columns.ts';
import { generateScenario, type RebalanceScenario } from '../src/systems/crs/scenario.ts';
import { SLOTS } from '../src/systems/crs/timetable.ts';

const out = (s: string) => process.stdout.write(s + '\n');
const seeds = Number(process.argv[2] ?? 50);

/** What the three rules would pick at each move of one plan, and among how many hosts. */
interface Decisions { moves: number; single: number; agreeAll: number; ssIsFf: number; crsIsFf: number; crsIsSs: number; ssTied: number }

function decisions(c: PlanColumns, raw: RawPlan, alg: RebalanceAlgorithm): Decisions {
  const o = resolveRebalanceOptions({});
  const H = c.hosts;
  const useCpu = Float64Array.from(c.baseCpu);
  const useMem = Float64Array.from(c.baseMem);
  const cores = new Float64Array(H);
  const counts = new Int32Array(H * SLOTS);
  for (let v = 0; v < c.vms; v++) {
    const h = c.vmHost[v]!;
    useCpu[h]! += c.useCpu[v]!; useMem[h]! += c.useMem[v]!; cores[h]! += c.vmCpu[v]!;
    const k = c.vmCourse[v]!;
    if (k >= 0) for (let i = c.courseStart[k]!; i < c.courseStart[k + 1]!; i++) counts[h * SLOTS + c.courseSlots[i]!]!++;
  }
  const cls = (h: number) => {
    const uc = useCpu[h]! / c.capCpu[h]!, um = useMem[h]! / c.capMem[h]!;
    if (uc >= o.high.cpu || um >= o.high.mem) return 2;
    return uc <= o.low.cpu || um <= o.low.mem ? 1 : 0;
  };
  const de = (h: number) => 0.5 * ((1 - useCpu[h]! / c.capCpu[h]!) + (1 - useMem[h]! / c.capMem[h]!));
  const gofit = (k: number, h: number) => {
    if (k < 0) return 1;
    let overlap = 0, coinciding = 0;
    for (let i = c.courseStart[k]!; i < c.courseStart[k + 1]!; i++) {
      const n = counts[h * SLOTS + c.courseSlots[i]!]!;
      if (n > 0) { overlap++; coinciding += n; }
    }
    return coinciding === 0 ? 1 : overlap / coinciding;
  };
  const d: Decisions = { moves: raw.count, single: 0, agreeAll: 0, ssIsFf: 0, crsIsFf: 0, crsIsSs: 0, ssTied: 0 };
  const off = new Set<number>();
  for (let m = 0; m < raw.count; m++) {
    const v = raw.vm[m]!, src = raw.from[m]!, k = c.vmCourse[v]!;
    // An energy move's source is being emptied (never a target); a host emptied before it is off.
    if (raw.phase[m] === 1 && m > 0 && raw.phase[m - 1] === 1 && raw.from[m - 1] !== src) off.add(raw.from[m - 1]!);
    const cand: number[][] = [[], []];
    for (let h = 0; h < H; h++) {
      if (h === src || off.has(h)) continue;
      const cl = cls(h);
      if (cl === 2) continue;
      if ((useCpu[h]! + c.useCpu[v]!) / c.capCpu[h]! < o.high.cpu && (useMem[h]! + c.useMem[v]!) / c.capMem[h]! < o.high.mem) cand[cl === 1 ? 1 : 0]!.push(h);
    }
    const tier = cand[0]!.length ? cand[0]! : cand[1]!;
    if (tier.length === 1) d.single++;
    if (tier.length > 0) {
      const ff = tier[0]!;
      let crs = tier[0]!, ss = tier[0]!;
      for (const h of tier) {
        const g = gofit(k, h), gb = gofit(k, crs);
        if (g > gb || (g === gb && de(h) > de(crs))) crs = h;
        if (cores[h]! < cores[ss]!) ss = h;
      }
      // The model must pick what the planner picked, or the counts say nothing.
      const own = alg === 'crs' ? crs : alg === 'ss' ? ss : ff;
      if (own !== raw.to[m]) throw new Error(`${alg}: move ${m} went to ${raw.to[m]}, the rule picks ${own}`);
      if (tier.length > 1) {
        if (tier.filter((h) => cores[h] === cores[ss]).length > 1) d.ssTied++;
        if (crs === ss && ss === ff) d.agreeAll++;
        if (ss === ff) d.ssIsFf++;
        if (crs === ff) d.crsIsFf++;
        if (crs === ss) d.crsIsSs++;
      }
    }
    const t = raw.to[m]!;
    useCpu[src]! -= c.useCpu[v]!; useMem[src]! -= c.useMem[v]!; cores[src]! -= c.vmCpu[v]!;
    useCpu[t]! += c.useCpu[v]!; useMem[t]! += c.useMem[v]!; cores[t]! += c.vmCpu[v]!;
    if (k >= 0) for (let i = c.courseStart[k]!; i < c.courseStart[k + 1]!; i++) { counts[src * SLOTS + c.courseSlots[i]!]!--; counts[t * SLOTS + c.courseSlots[i]!]!++; }
  }
  return d;
}

/** Totals over the plans of one family of scenarios. */
class Tally {
  plans = 0; withMoves = 0; allSame = 0; crsSs = 0; crsFf = 0; ssFf = 0; sameVmsFrom = 0; sameCounts = 0; sameRow = 0;
  moves = 0; balance = 0; energy = 0; high = 0; low = 0; hosts = 0;
  d: Record<RebalanceAlgorithm, Decisions> = Object.fromEntries(REBALANCE_ALGORITHMS.map((a) => [a, { moves: 0, single: 0, agreeAll: 0, ssIsFf: 0, crsIsFf: 0, crsIsSs: 0, ssTied: 0 }])) as never;
  add(input: RebalanceInput): void {
    const c = planColumns(input);
    const raws = REBALANCE_ALGORITHMS.map((a) => runPlanner(c, resolveRebalanceOptions({ algorithm: a })));
    const key = (r: RawPlan, withTo: boolean) => Array.from({ length: r.count }, (_, m) => `${r.vm[m]}:${r.from[m]}${withTo ? `>${r.to[m]}` : ''}:${r.phase[m]}`).join(' ');
    const [crs, ss, ff] = raws.map((r) => key(r, true));
    // Both planners, so that what is said here holds for either.
    REBALANCE_ALGORITHMS.forEach((a, i) => {
      if (key(runPlanner(c, resolveRebalanceOptions({ algorithm: a, engine: 'reference' })), true) !== [crs, ss, ff][i]) throw new Error(`${a}: the reference planner's moves differ`);
    });
    this.plans++;
    if (raws[0]!.count > 0) this.withMoves++;
    if (crs === ss && ss === ff) this.allSame++;
    if (crs === ss) this.crsSs++;
    if (crs === ff) this.crsFf++;
    if (ss === ff) this.ssFf++;
    const vf = raws.map((r) => key(r, false));
    if (vf[0] === vf[1] && vf[1] === vf[2]) this.sameVmsFrom++;
    // The row `fairfit rebalance` prints (moves, waves, powered off, unresolved, gaps before and after).
    const rows = raws.map((r, i) => {
      const p = describePlan(input, c, r, resolveRebalanceOptions({ algorithm: REBALANCE_ALGORITHMS[i] }));
      return [p.moves, p.waves.length, p.powerOff.length, p.unresolved.length, p.spread.before.cpu, p.spread.after.cpu, p.spread.before.mem, p.spread.after.mem].map(formatMetric).join(' ');
    });
    if (rows[0] === rows[1] && rows[1] === rows[2]) this.sameRow++;
    const counts = rows.map((r) => r.split(' ').slice(0, 4).join(' '));
    if (counts[0] === counts[1] && counts[1] === counts[2]) this.sameCounts++;
    const before = describePlan(input, c, raws[0]!, resolveRebalanceOptions({})).before;
    this.hosts += before.length;
    this.high += before.filter((u) => u.class === 'high').length;
    this.low += before.filter((u) => u.class === 'low').length;
    for (let m = 0; m < raws[0]!.count; m++) { this.moves++; if (raws[0]!.phase[m] === 0) this.balance++; else this.energy++; }
    REBALANCE_ALGORITHMS.forEach((a, i) => {
      const d = decisions(c, raws[i]!, a);
      for (const f of Object.keys(d) as (keyof Decisions)[]) this.d[a][f] += d[f];
    });
  }
  row(name: string): void {
    const pc = (x: number) => `${Math.round((100 * x) / this.hosts)} %`;
    out(`| ${name} | ${this.plans} (${this.withMoves} with moves) | ${pc(this.high)} / ${pc(this.low)} | ${this.balance} + ${this.energy} | ${this.sameCounts} / ${this.sameRow} | ${this.sameVmsFrom} | ${this.allSame} | ${this.crsSs} / ${this.crsFf} / ${this.ssFf} |`);
  }
  decisionRows(name: string): void {
    for (const a of REBALANCE_ALGORITHMS) {
      const d = this.d[a];
      out(`| ${name} | ${a} | ${d.moves} | ${d.single} | ${d.agreeAll} | ${d.crsIsSs} / ${d.crsIsFf} / ${d.ssIsFf} | ${d.ssTied} |`);
    }
  }
}

/** Each replayed period's input: its VM use on the hosts where `alg`'s earlier plans left the VMs (runScenario's replay). */
function* periods(s: RebalanceScenario, alg: RebalanceAlgorithm): Generator<RebalanceInput> {
  const where = s.vms.map((v) => v.host);
  const index = new Map(s.vms.map((v, i) => [v.name, i]));
  let off = new Set<string>();
  for (const period of s.periods ?? []) {
    const input: RebalanceInput = {
      hosts: s.hosts.filter((h) => !off.has(h.name)), courses: s.courses ?? [],
      vms: s.vms.map((v, i) => ({ ...v, host: where[i]!, use: { cpu: period.use[i]![0], mem: period.use[i]![1] } })),
    };
    yield input;
    const p = planRebalance(input, { algorithm: alg });
    for (const m of p.waves.flat()) where[index.get(m.vm)!] = m.to;
    for (const h of p.powerOff) off.add(h);
    if (p.after.some((u) => u.class === 'high')) off = new Set();
  }
}

const families: [string, Tally][] = [];
const fam = (name: string) => { const t = new Tally(); families.push([name, t]); return t; };

const rnd = fam(`random preset (100 hosts, 2000 VMs), seeds 1–${seeds}`);
for (let seed = 1; seed <= seeds; seed++) rnd.add(generateScenario({ preset: 'random', seed }));
const rndSmall = fam(`random preset, 10 hosts, 200 VMs, seeds 1–${seeds}`);
for (let seed = 1; seed <= seeds; seed++) rndSmall.add(generateScenario({ preset: 'random', seed, hosts: 10, vms: 200 }));
const paper = fam(`paper preset, Monday section 1, seeds 1–${seeds}`);
for (let seed = 1; seed <= seeds; seed++) paper.add(generateScenario({ preset: 'paper', seed }));

const dir = fileURLToPath(new URL('../../shared/traces/alibaba2018', import.meta.url));
if (existsSync(dir)) {
  const first = fam('Alibaba-derived, first period, days 1–8 × seeds 1–5');
  const replay = fam('Alibaba-derived day 2 (seed 1), each period as replayed by CRS');
  for (let day = 1; day <= 8; day++) {
    for (let seed = 1; seed <= 5; seed++) {
      const s = await alibabaScenario(dir, { day, seed });
      first.add(s);
      if (day === 2 && seed === 1) for (const p of periods(s, 'crs')) replay.add(p);
    }
  }
}

out('| scenarios | plans | hosts high / low before | moves of CRS (balance + energy) | `fairfit rebalance`: same moves, waves, powered off, unresolved / whole row the same | same VMs from the same hosts | same moves, targets included | crs=ss / crs=ff / ss=ff |');
out('|---|---|---|---|---|---|---|---|');
for (const [n, t] of families) t.row(n);
out('\n| scenarios | plan of | moves | one candidate host | ≥ 2 candidates: the three rules agree | crs=ss / crs=ff / ss=ff | SS tied at the fewest used cores |');
out('|---|---|---|---|---|---|---|');
for (const [n, t] of families) t.decisionRows(n);
