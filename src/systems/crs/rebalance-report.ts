/**
 * What `fairfit rebalance` prints and writes: the comparison table of CRS,
 * SS and FF on one scenario, the JSON report, and the HTML page (the generic
 * shell of src/report/html.ts): per-host CPU and memory before the plan and
 * after each wave, one line per algorithm, and — for a replayed scenario —
 * the gap between hosts, the moves and the hosts on, period by period.
 *
 * @module
 */
import { FairfitError, plural, shown } from '../../errors.ts';
import { csvText } from '../../report/csv-text.ts';
import { writeTextFile } from '../../report/file.ts';
import { finite, inputName, renderPage, type ChartLine, type ComparisonPage, type PageText } from '../../report/html.ts';
import { formatMetric, textTable } from '../../report/table.ts';
import type { RebalanceInput } from './model.ts';
import { isObject, meanUse, useAfterLeaving } from './plan-columns.ts';
import type { RebalancePlan } from './plan.ts';
import type { RebalanceScenario } from './scenario.ts';
import type { ScenarioRun } from './scenario-run.ts';

/** The JSON report of `fairfit rebalance`. */
export interface RebalanceReport {
  input: string;
  description: string;
  hosts: number;
  vms: number;
  courses: number;
  periods: number;
  runs: ScenarioRun[];
}

/** Colours of the algorithms in the charts. */
export const REBALANCE_COLORS: Record<string, string> = { crs: '#4e79a7', ss: '#f28e2b', ff: '#59a14f' };

/** Most hosts drawn one chart each in the HTML page. */
export const MAX_HOST_CHARTS = 16;

/**
 * The hosts drawn a chart each (indices into `scenario.hosts`, ascending): every host some plan
 * moves a VM from or to, powers off or leaves high, in host order, up to {@link MAX_HOST_CHARTS};
 * the first hosts in order fill what is left. On a large cluster the first hosts are seldom the
 * ones a plan changes.
 */
export function chartedHosts(scenario: RebalanceScenario, r: RebalanceReport): number[] {
  const touched = new Set<string>();
  for (const { plan } of r.runs) {
    for (const wave of plan.waves) for (const m of wave) touched.add(m.from).add(m.to);
    for (const h of [...plan.powerOff, ...plan.unresolved]) touched.add(h);
  }
  const first = scenario.hosts.flatMap((h, i) => (touched.has(h.name) ? [i] : [])).slice(0, MAX_HOST_CHARTS);
  const picked = new Set(first);
  for (let i = 0; i < scenario.hosts.length && picked.size < MAX_HOST_CHARTS; i++) picked.add(i);
  return [...picked].sort((a, b) => a - b);
}

// The replay charts run over time; the per-host charts over waves say so with their own x axis title.
const TEXT: PageText = { variant: 'algorithm', timeAxis: 'hours since the scenario start' };
const WAVE_AXIS = 'wave (0 = before the plan)';

const COLUMNS = ['moves', 'waves', 'powerOff', 'unresolved', 'cpuGapBefore', 'cpuGapAfter', 'memGapBefore', 'memGapAfter'] as const;
const LABELS: Record<(typeof COLUMNS)[number], string> = {
  moves: 'Migrations in the plan',
  waves: 'Waves (a host migrates once per wave)',
  powerOff: 'Hosts powered off',
  unresolved: 'Hosts still high (no VM could move)',
  cpuGapBefore: 'CPU gap before: max − min utilisation over hosts on',
  cpuGapAfter: 'CPU gap after the plan',
  memGapBefore: 'Memory gap before',
  memGapAfter: 'Memory gap after the plan',
};

/**
 * Table headers and y axis titles in words (the page showed the keys, `cpuGapBefore`), as the replay
 * page's METRIC_AXES; a gap is a difference of utilisations, so it has no unit. The CSV and JSON keep the keys.
 */
export const REBALANCE_AXES: Record<(typeof COLUMNS)[number], string> = {
  moves: 'migrations',
  waves: 'waves',
  powerOff: 'hosts powered off',
  unresolved: 'hosts still high',
  cpuGapBefore: 'CPU gap before the plan',
  cpuGapAfter: 'CPU gap after the plan',
  memGapBefore: 'memory gap before the plan',
  memGapAfter: 'memory gap after the plan',
};

/** Whether `p` holds what the writers read of a plan: its lists (`waves` of moves, `powerOff`, `unresolved`, `before`, `after`), `spread` and `options`. */
function isPlan(p: unknown): p is RebalancePlan {
  return isObject(p) && Array.isArray(p.waves) && p.waves.every((w) => Array.isArray(w) && w.every(isObject))
    && [p.powerOff, p.unresolved].every(Array.isArray) && [p.before, p.after].every((l) => Array.isArray(l) && l.every((u) => isObject(u) && typeof u.cpu === 'number' && typeof u.mem === 'number'))
    && isObject(p.spread) && isObject(p.spread.before) && isObject(p.spread.after)
    && isObject(p.options) && isObject(p.options.high) && isObject(p.options.low) && isObject(p.options.weights);
}

/**
 * Refuses what is not a report where a writer takes one (`INVALID_OPTION` naming `report`): an object
 * whose `runs` are runScenario's, each an `algorithm` name, a plan ({@link isPlan}) and `periods`
 * (objects with `spreadAfter`). The writers read these unchecked: null, `{}` or a run without a plan
 * were TypeErrors.
 */
function checkRebalanceReport(r: unknown, of: string): asserts r is RebalanceReport {
  const bad = (why: string): never => {
    throw new FairfitError('INVALID_OPTION', `report: ${of} takes a RebalanceReport (what fairfit rebalance writes: runScenario's runs and the scenario's counts): ${why}`, { field: 'report' });
  };
  if (!isObject(r)) bad(`got ${shown(r)}`);
  const runs = (r as Record<string, unknown>).runs;
  if (!Array.isArray(runs)) bad(`its runs are ${shown(runs)}, not an array`);
  (runs as unknown[]).forEach((x, i) => {
    const ok = isObject(x) && typeof x.algorithm === 'string' && isPlan(x.plan) && Array.isArray(x.periods) && x.periods.every((q) => isObject(q) && isObject(q.spreadAfter));
    if (!ok) bad(`runs[${i}] is not a run of runScenario (an algorithm, its plan and its periods)`);
  });
}

/** `scenario` an object with `hosts` and `vms` lists (`INVALID_OPTION` naming it); their entries are checked where read. */
function checkScenarioLists(scenario: unknown): asserts scenario is RebalanceInput {
  if (!isObject(scenario) || !Array.isArray(scenario.hosts) || !Array.isArray(scenario.vms) || !scenario.hosts.every(isObject)) {
    throw new FairfitError('INVALID_OPTION', `scenario: must be the scenario the plans were made for (an object with hosts and vms), got ${isObject(scenario) ? 'an object without them' : shown(scenario)}`, { field: 'scenario' });
  }
}

/** The mean gap after each period's plan over the replay (undefined without periods): the CLI note's, the CSV's and the page's. */
function replayMean(x: ScenarioRun, k: 'cpu' | 'mem'): number | undefined {
  return x.periods.length ? x.periods.reduce((s, p) => s + p.spreadAfter[k], 0) / x.periods.length : undefined;
}

/**
 * The page's columns of a replay, after the plan's: the CLI prints them under its table and the CSV
 * has them, while the page showed the replay as charts only. Keys as the CSV's.
 */
const REPLAY_COLUMNS = [
  { key: 'replayMoves', label: 'Replay: migrations over all periods', axis: 'replay: migrations', value: (x: ScenarioRun) => x.totalMoves },
  { key: 'replayMeanCpuGapAfter', label: 'Replay: mean CPU gap after each period\'s plan', axis: 'replay: mean CPU gap', value: (x: ScenarioRun) => replayMean(x, 'cpu') },
  { key: 'replayMeanMemGapAfter', label: 'Replay: mean memory gap after each period\'s plan', axis: 'replay: mean memory gap', value: (x: ScenarioRun) => replayMean(x, 'mem') },
] as const;

function values(p: RebalancePlan): number[] {
  return [p.moves, p.waves.length, p.powerOff.length, p.unresolved.length, p.spread.before.cpu, p.spread.after.cpu, p.spread.before.mem, p.spread.after.mem];
}

/** The comparison table (stdout of `fairfit rebalance`). */
export function formatRebalanceTable(r: RebalanceReport): string {
  checkRebalanceReport(r, 'formatRebalanceTable');
  const notes = r.runs.filter((x) => x.periods.length).map((x) => `${x.algorithm}: ${plural(x.periods.length, 'period')} replayed, ${plural(x.totalMoves, 'migration')}, mean CPU gap after ${formatMetric(replayMean(x, 'cpu')!)}, mean memory gap after ${formatMetric(replayMean(x, 'mem')!)}`);
  return textTable(['algorithm', ...COLUMNS], r.runs.map((x) => [x.algorithm, ...values(x.plan).map(formatMetric)]), notes);
}

/**
 * The CSV of `fairfit rebalance --csv`: one row per algorithm — the table's
 * columns, then the replay's periods, migrations and mean gaps after (empty
 * without periods).
 */
export function rebalanceCsv(r: RebalanceReport): string {
  checkRebalanceReport(r, 'rebalanceCsv');
  return csvText(
    ['algorithm', ...COLUMNS, 'periods', 'replayMoves', 'replayMeanCpuGapAfter', 'replayMeanMemGapAfter'],
    r.runs.map((x) => [x.algorithm, ...values(x.plan), x.periods.length, x.totalMoves, replayMean(x, 'cpu'), replayMean(x, 'mem')]),
  );
}

/** Writes {@link rebalanceCsv} to `path`. */
export function writeRebalanceCsv(path: string, r: RebalanceReport): void {
  writeTextFile(path, rebalanceCsv(r));
}

/**
 * Per-host utilisation before the plan and after each wave: `[row][wave]`
 * for cpu and mem (wave 0 = before), executing the waves on the input's VM use.
 * `hosts`: the host indices of the rows, in that order (default every host, in
 * order); only their VMs and the VMs that move are read, so the page's charted
 * hosts of a 10^5-host scenario cost what 16 hosts do.
 */
export function utilisationByWave(input: RebalanceInput, plan: RebalancePlan, hosts?: readonly number[]): { cpu: number[][]; mem: number[][] } {
  checkScenarioLists(input);
  if (!isPlan(plan)) throw new FairfitError('INVALID_OPTION', `plan: utilisationByWave takes a plan of planRebalance, got ${isObject(plan) ? 'an object that is not one' : shown(plan)}`, { field: 'plan' });
  if (hosts !== undefined && (!Array.isArray(hosts) || !hosts.every((h) => Number.isInteger(h) && h >= 0 && h < input.hosts.length))) {
    throw new FairfitError('INDEX_OUT_OF_RANGE', `hosts: must be a list of host indices below ${input.hosts.length}, got ${shown(hosts)}`, { field: 'hosts' });
  }
  return waveUse(input, plan, hosts);
}

function waveUse(input: RebalanceInput, plan: RebalancePlan, hosts?: readonly number[]): { cpu: number[][]; mem: number[][] } {
  const rows = hosts ?? input.hosts.map((_, i) => i);
  const rowOf = new Map(rows.map((h, k) => [input.hosts[h]!.name, k]));
  const base = rows.map((h) => ({ cpu: input.hosts[h]!.base?.cpu ?? 0, mem: input.hosts[h]!.base?.mem ?? 0 }));
  const use = base.map((b) => ({ ...b }));
  // VMs on each row: as in the planners, a host that empties reads its base exactly, not a residue.
  const vms = new Int32Array(rows.length);
  const moving = new Set(plan.waves.flatMap((w) => w.map((m) => m.vm)));
  const vm = new Map<string, { cpu: number; mem: number }>();
  // In the input's VM order, as before: each row's sums are the same additions in the same order.
  for (let i = 0; i < input.vms.length; i++) {
    const v = input.vms[i]!;
    if (!isObject(v) || !isObject(v.use)) throw new FairfitError('INVALID_OPTION', `scenario.vms[${i}]: must be a VM with its use { cpu, mem }, got ${shown(v)}`, { field: `scenario.vms[${i}]` });
    const k = rowOf.get(v.host);
    if (k === undefined && !moving.has(v.name)) continue;
    const x = { cpu: meanUse(v.use.cpu, 'use.cpu'), mem: meanUse(v.use.mem, 'use.mem') };
    if (moving.has(v.name)) vm.set(v.name, x);
    if (k !== undefined) {
      use[k]!.cpu += x.cpu;
      use[k]!.mem += x.mem;
      vms[k]!++;
    }
  }
  const cpu = rows.map(() => [] as number[]);
  const mem = rows.map(() => [] as number[]);
  const record = () => rows.forEach((h, k) => {
    cpu[k]!.push(use[k]!.cpu / input.hosts[h]!.cpu);
    mem[k]!.push(use[k]!.mem / input.hosts[h]!.mem);
  });
  record();
  for (const wave of plan.waves) {
    for (const m of wave) {
      const x = vm.get(m.vm);
      if (x === undefined) throw new FairfitError('INVALID_OPTION', `plan: moves VM ${shown(m.vm)}, which the scenario does not have (a plan of another scenario)`, { field: 'plan' });
      const from = rowOf.get(m.from), to = rowOf.get(m.to);
      if (from !== undefined) {
        const b = base[from]!, left = --vms[from]!;
        use[from]!.cpu = useAfterLeaving(use[from]!.cpu, x.cpu, b.cpu, left);
        use[from]!.mem = useAfterLeaving(use[from]!.mem, x.mem, b.mem, left);
      }
      if (to !== undefined) {
        use[to]!.cpu += x.cpu;
        use[to]!.mem += x.mem;
        vms[to]!++;
      }
    }
    record();
  }
  return { cpu, mem };
}

/** The page data of the HTML report. */
export function rebalancePage(scenario: RebalanceScenario, r: RebalanceReport): ComparisonPage {
  return checkedPage(scenario, r, 'renderRebalanceHtml');
}

/** {@link rebalancePage}, its inputs checked once, a refusal naming the writer `of`. */
function checkedPage(scenario: RebalanceScenario, r: RebalanceReport, of: string): ComparisonPage {
  checkScenarioLists(scenario);
  checkRebalanceReport(r, of);
  const facts: [string, string][] = [
    ['Scenario', r.input],
    ['Description', r.description || '—'],
    ['Cluster', `${plural(r.hosts, 'host')}, ${plural(r.vms, 'VM')}, ${plural(r.courses, 'course')}${r.periods ? `, ${plural(r.periods, 'period')} replayed` : ''}`],
  ];
  const o = r.runs[0]?.plan.options;
  if (o) {
    facts.push(['Thresholds', `high cpu ${o.high.cpu} / mem ${o.high.mem} (${o.highWhen} dimension), low cpu ${o.low.cpu} / mem ${o.low.mem} (${o.lowWhen}), ${o.bounds} bounds`]);
    facts.push(['Planner', `targets ${o.targets}; at most ${plural(o.maxPowerOff, 'host')} powered off per plan; migrateValue weights cpu ${o.weights.cpu} / mem ${o.weights.mem}`]);
  }
  const charted = chartedHosts(scenario, r);
  if (r.hosts > MAX_HOST_CHARTS) facts.push(['Host charts', `${MAX_HOST_CHARTS} of ${r.hosts} hosts: those the plans move VMs from or to, power off or leave high first, then the first in order`]);
  const byWave = r.runs.map((x) => ({ algorithm: x.algorithm, u: waveUse(scenario, x.plan, charted) }));
  const series: ComparisonPage['series'] = [];
  charted.forEach((i, row) => {
    const h = scenario.hosts[i]!;
    for (const dim of ['cpu', 'mem'] as const) {
      const lines: ChartLine[] = byWave.map(({ algorithm, u }) => ({ policy: algorithm, x: u[dim][row]!.map((_, w) => w), y: u[dim][row]!.map(finite) }));
      // Waves are counted: no tick at wave 0.2.
      series.push({ key: `${h.name} ${dim}`, label: `${h.name}: ${dim === 'cpu' ? 'CPU' : 'memory'} utilisation before the plan and after each wave`, axis: `${dim === 'cpu' ? 'CPU' : 'memory'} utilisation`, lines, wholeX: true, xAxis: WAVE_AXIS });
    }
  });
  if (r.runs.some((x) => x.periods.length)) {
    const line = (f: (p: ScenarioRun['periods'][number]) => number): ChartLine[] => r.runs.map((x) => ({ policy: x.algorithm, x: x.periods.map((p) => +(p.start / 3600).toFixed(4)), y: x.periods.map((p) => finite(f(p))) }));
    series.push({ key: 'cpu gap', label: 'Replay: CPU gap between hosts after each period\'s plan', axis: 'CPU gap after the plan', lines: line((p) => p.spreadAfter.cpu) });
    series.push({ key: 'mem gap', label: 'Replay: memory gap between hosts after each period\'s plan', axis: 'memory gap after the plan', lines: line((p) => p.spreadAfter.mem) });
    series.push({ key: 'moves', label: 'Replay: migrations per period', axis: 'migrations', lines: line((p) => p.moves) });
    series.push({ key: 'hosts on', label: 'Replay: hosts on during the period', axis: 'hosts on', lines: line((p) => p.hostsOn - p.poweredOff) });
    series.push({ key: 'high hosts', label: 'Replay: high hosts before each period\'s plan', axis: 'high hosts', lines: line((p) => p.highBefore) });
  }
  const chartedNames = charted.map((i) => scenario.hosts[i]!.name);
  const replay = r.runs.some((x) => x.periods.length) ? REPLAY_COLUMNS : [];
  return {
    // The algorithms run (it said "CRS vs SS vs FF" whatever --algorithm chose), the scenario file's name and its size.
    title: `fairfit — ${r.runs.length ? r.runs.map((x) => x.algorithm.toUpperCase()).join(' vs ') : 'CRS'} rebalancing — ${inputName(r.input)}: ${plural(r.hosts, 'host')}, ${plural(r.vms, 'VM')}`,
    interrupted: false,
    facts,
    metrics: [...COLUMNS.map((k) => ({ key: k, label: LABELS[k], axis: REBALANCE_AXES[k] })), ...replay.map(({ key, label, axis }) => ({ key, label, axis }))],
    policies: r.runs.map((x) => x.algorithm),
    colors: REBALANCE_COLORS,
    summary: r.runs.map((x) => ({ policy: x.algorithm, runs: 1, values: [...values(x.plan), ...replay.map((c) => c.value(x))].map(finite) })),
    series,
    info: {
      keys: [...chartedNames.flatMap((n) => [`${n} cpu before → after`, `${n} mem before → after`]), 'powered off', 'still high'],
      runs: r.runs.map((x) => {
        const after = new Map(x.plan.after.map((u) => [u.host, u]));
        const before = new Map(x.plan.before.map((u) => [u.host, u]));
        const pair = (n: string, k: 'cpu' | 'mem') => {
          const b = before.get(n), a = after.get(n);
          if (b === undefined || a === undefined) throw new FairfitError('INVALID_OPTION', `report: the ${x.algorithm} plan has no host ${shown(n)} of the scenario (a report of another scenario)`, { field: 'report' });
          return `${b[k].toFixed(3)} → ${a.class === 'off' ? 'off' : a[k].toFixed(3)}`;
        };
        return { policy: x.algorithm, values: [...chartedNames.flatMap((n) => [pair(n, 'cpu'), pair(n, 'mem')]), x.plan.powerOff.join(' ') || '—', x.plan.unresolved.join(' ') || '—'] };
      }),
    },
    sweep: [],
  };
}

/** The self-contained HTML report. */
export function renderRebalanceHtml(scenario: RebalanceScenario, r: RebalanceReport): string {
  return renderPage(rebalancePage(scenario, r), TEXT);
}

/** Writes {@link renderRebalanceHtml}, creating the folder if needed. */
export function writeRebalanceHtml(path: string, scenario: RebalanceScenario, r: RebalanceReport): void {
  writeTextFile(path, renderPage(checkedPage(scenario, r, 'writeRebalanceHtml'), TEXT));
}
