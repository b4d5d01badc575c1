/**
 * Runs planners over a scenario: the plan of each algorithm for the
 * scenario's VM use, then — when the scenario has periods — a replay period
 * by period: each period's VM use on the hosts where the previous plans left
 * the VMs, planned again, moves applied. Hosts a plan powers off stay off;
 * when a period ends with a host still high, every powered-off host is back
 * on for the next period (docs/model.md "CRS rebalancing").
 *
 * @module
 */
import { FairfitError, shown } from '../../errors.ts';
import { REBALANCE_ALGORITHMS, resolveRebalanceOptions, type RebalanceAlgorithm, type RebalanceOptions, type CrsVm } from './model.ts';
import { describePlan, planRebalance, runPlanner, type RebalancePlan, type UtilisationSpread } from './plan.ts';
import { planColumns, type PlanColumns } from './plan-columns.ts';
import type { RebalanceScenario, ScenarioPeriod } from './scenario.ts';

/** One replayed period of one algorithm. */
export interface PeriodOutcome {
  label: string;
  /** Seconds from the scenario's start. */
  start: number;
  hostsOn: number;
  highBefore: number;
  highAfter: number;
  moves: number;
  poweredOff: number;
  spreadBefore: UtilisationSpread;
  spreadAfter: UtilisationSpread;
  /** Mean CPU / memory utilisation of the hosts that are on, after the plan. */
  meanCpu: number;
  meanMem: number;
}

/** What one algorithm did to the scenario. */
export interface ScenarioRun {
  algorithm: RebalanceAlgorithm;
  /** The plan for the scenario's own VM use. */
  plan: RebalancePlan;
  /** The replayed periods (empty without `periods`). */
  periods: PeriodOutcome[];
  /** Σ moves over the periods. */
  totalMoves: number;
}

/** Options of {@link runScenario}: the algorithms and the planner options they share. */
export interface ScenarioRunOptions extends Omit<RebalanceOptions, 'algorithm'> {
  algorithms?: RebalanceAlgorithm[];
}

function outcome(label: string, start: number, p: RebalancePlan): PeriodOutcome {
  const on = p.after.filter((u) => u.class !== 'off');
  const mean = (k: 'cpu' | 'mem') => (on.length ? on.reduce((s, u) => s + u[k], 0) / on.length : 0);
  return {
    label, start, hostsOn: p.before.length, highBefore: p.before.filter((u) => u.class === 'high').length,
    highAfter: p.after.filter((u) => u.class === 'high').length, moves: p.moves, poweredOff: p.powerOff.length,
    spreadBefore: p.spread.before, spreadAfter: p.spread.after, meanCpu: mean('cpu'), meanMem: mean('mem'),
  };
}

function bad(field: string, message: string): never {
  throw new FairfitError('INVALID_OPTION', `${field} ${message}`, { field });
}

/**
 * What {@link planRebalance} does not see: the list of algorithms (an
 * `algorithm` here was overwritten by each of them) and the periods (a short
 * `use` was a TypeError, a missing number a planner error naming no period).
 */
function checkRun(scenario: RebalanceScenario, o: ScenarioRunOptions): void {
  if (o === null || typeof o !== 'object') bad('options', `must be an object, got ${String(o)}`);
  if ('algorithm' in o) bad('algorithm', 'is not an option of runScenario: give algorithms, a list (e.g. [\'ss\'])');
  if (o.algorithms !== undefined) {
    if (!Array.isArray(o.algorithms) || o.algorithms.length === 0) bad('algorithms', 'must be a non-empty list of crs, ss, ff');
    o.algorithms.forEach((a, i) => {
      if (!(REBALANCE_ALGORITHMS as readonly unknown[]).includes(a)) bad(`algorithms[${i}]`, `${shown(a)} is not one of ${REBALANCE_ALGORITHMS.join(', ')}`);
      if (o.algorithms!.indexOf(a) !== i) bad(`algorithms[${i}]`, `'${a}' is listed twice`);
    });
  }
  const periods: unknown = scenario?.periods;
  if (periods === undefined) return;
  if (!Array.isArray(periods)) bad('scenario.periods', 'must be an array');
  const vms = Array.isArray(scenario.vms) ? scenario.vms.length : 0;
  periods.forEach((p: ScenarioPeriod, i) => {
    const at = `scenario.periods[${i}]`;
    if (p === null || typeof p !== 'object') bad(at, 'must be an object { label, start, use }');
    if (typeof p.label !== 'string') bad(`${at}.label`, 'must be a string');
    if (typeof p.start !== 'number' || !Number.isFinite(p.start) || p.start < 0) bad(`${at}.start`, `must be a finite number ≥ 0, got ${shown(p.start)}`);
    if (!Array.isArray(p.use) || p.use.length !== vms) bad(`${at}.use`, `has ${Array.isArray(p.use) ? p.use.length : 'no'} entries; one per VM (${vms}) is needed`);
    p.use.forEach((u, j) => {
      if (!Array.isArray(u) || u.length !== 2 || !u.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) {
        bad(`${at}.use[${j}]`, `must be [cpu, mem], two finite numbers ≥ 0, got ${JSON.stringify(u)}`);
      }
    });
  });
}

/**
 * Plans (and replays) `scenario` with each algorithm (default CRS, SS, FF).
 * Bad options or periods are `INVALID_OPTION` naming the field; the hosts and
 * VMs are checked by {@link planRebalance}.
 */
export function runScenario(scenario: RebalanceScenario, o: ScenarioRunOptions = {}): ScenarioRun[] {
  checkRun(scenario, o);
  const { algorithms = ['crs', 'ss', 'ff'], ...options } = o;
  // The scenario's columns, checked once for all the algorithms (the planners only read them).
  let columns: PlanColumns | undefined;
  return algorithms.map((algorithm) => {
    const resolved = resolveRebalanceOptions({ ...options, algorithm });
    columns ??= planColumns(scenario);
    const plan = describePlan(scenario, columns, runPlanner(columns, resolved), resolved);
    const periods: PeriodOutcome[] = [];
    let totalMoves = 0;
    if (scenario.periods?.length) {
      const where = scenario.vms.map((v) => v.host);
      const index = new Map(scenario.vms.map((v, i) => [v.name, i]));
      let off = new Set<string>();
      for (const period of scenario.periods) {
        const hosts = scenario.hosts.filter((h) => !off.has(h.name));
        const vms: CrsVm[] = scenario.vms.map((v, i) => ({ ...v, host: where[i]!, use: { cpu: period.use[i]![0], mem: period.use[i]![1] } }));
        const p = planRebalance({ hosts, courses: scenario.courses ?? [], vms }, { ...options, algorithm });
        for (const wave of p.waves) for (const m of wave) where[index.get(m.vm)!] = m.to;
        for (const h of p.powerOff) off.add(h);
        if (p.after.some((u) => u.class === 'high')) off = new Set();
        periods.push(outcome(period.label, period.start, p));
        totalMoves += p.moves;
      }
    }
    return { algorithm, plan, periods, totalMoves };
  });
}
