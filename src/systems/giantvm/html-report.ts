/**
 * The GiantVM HTML report: builds the page data of a replay or sweep report
 * (facts about the trace and modes, per-policy metric means, series over time
 * for a replay, each metric against machines and overcommit for a sweep) and
 * renders it with the generic shell of src/report/html.ts.
 *
 * @module
 */
import { checkOptionNames, FairfitError, plural, shown } from '../../errors.ts';
import { writeTextFile } from '../../report/file.ts';
import { axisInUnit, bucketMeans, durationUnit, finite, inputName, renderPage, type ChartLine, type ComparisonPage, type PageText, type SweepLine } from '../../report/html.ts';
import { formatMetric } from '../../report/table.ts';
import { METRIC_AXES, METRIC_COLUMNS, metricLabels, POLICY_COLORS, PER_CYCLE, SERIES_AXES, SERIES_LABELS, SERIES_POINTS, SHARE_OF_MIGRATIONS, ZERO_NOTES } from './metrics.ts';
import { checkReport, describeCellSize, describeRules, formatTick, statedParams, takingPart, summarizeByPolicy, usesRatio } from './summary.ts';
import { isSweepReport, PRESETS, type PolicyName, type PresetName, type ReplayReport, type RunResult, type SweepReport } from './types.ts';

/** One line of an over-time chart: a policy's thinned series as hours since the trace start. */
export type PolicyLine = ChartLine & { policy: PolicyName };

/** The page data of a GiantVM report: a {@link ComparisonPage} whose variants are policies. */
export interface ReportData extends ComparisonPage {
  policies: PolicyName[];
  summary: { policy: PolicyName; runs: number; values: (number | null)[]; sd?: (number | null)[] }[];
  series: { key: string; label: string; axis?: string; zeroNote?: string; lines: PolicyLine[] }[];
  info: { keys: string[]; runs: { policy: PolicyName; values: (number | string | null)[] }[] };
  sweep: {
    param: 'machines' | 'overcommit';
    paramLabel: string;
    values: (number | string)[];
    metric: string;
    label: string;
    axis?: string;
    zeroNote?: string;
    spread?: string;
    lines: PolicySweepLine[];
    /** Both parameters swept: the chart with the other one held at each of its values (`lines[k]` at `values[k]`). */
    held?: { param: 'machines' | 'overcommit'; paramLabel: string; values: (number | string)[]; lines: PolicySweepLine[][] };
  }[];
}

/** One line of a sweep chart: a policy's mean at each swept value, with the sd over seeds when there are several. */
export type PolicySweepLine = SweepLine & { policy: PolicyName };

/** How the page names what it compares. */
const TEXT: PageText = { variant: 'policy', timeAxis: 'hours since the trace start' };

function describe(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatMetric(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(describe).join(', ');
  return JSON.stringify(v);
}

/** A count of the run info (`1 cell`, `4 cells`), as `describe` shows a value that is no number. */
function counted(v: unknown, noun: string): string {
  return typeof v === 'number' ? plural(v, noun) : `${describe(v)} ${noun}s`;
}

/** Distinct values of one parameter over the runs, in first-seen order. */
function distinct<T>(runs: RunResult[], pick: (r: RunResult) => T): T[] {
  const seen: T[] = [];
  for (const r of runs) {
    const v = pick(r);
    if (!seen.includes(v)) seen.push(v);
  }
  return seen;
}

/** A list of swept values in a title: all of them up to 4, else the first, the last and how many. */
function valuesText(values: readonly unknown[]): string {
  return values.length <= 4 ? values.map(describe).join(', ') : `${describe(values[0])} … ${describe(values.at(-1))} (${values.length} values)`;
}

/**
 * The page's title and heading: what was run, on what, with the main configuration —
 * `fairfit — GiantVM replay — demo-trace: 80 machines, overcommit 0.4` or
 * `fairfit — GiantVM sweep — demo-trace: 60, 80, 100 machines × overcommit 0.4, 0.8 × 3 seeds`;
 * a run of one policy names it (`GiantVM replay of fine_grained`), and a run in the thesis's
 * regime (every choice of `--preset thesis`) says so, as a reader holding the page next to the thesis needs.
 */
export function reportTitle(report: ReplayReport): string {
  const t = report.trace;
  const name = inputName(t.path ?? (typeof t.source === 'string' ? t.source : undefined));
  const machines = (m: unknown) => (m === 'trace' ? "the trace's machines" : `${describe(m)} machines`);
  const asked = isSweepReport(report) ? report.sweep.policies : (report.policies ?? distinct(report.runs, (r) => r.policy));
  const what = `${isSweepReport(report) ? 'sweep' : 'replay'}${asked.length === 1 ? ` of ${asked[0]}` : ''}`;
  const p = statedParams(report);
  const regime = inPreset(p, 'thesis') ? ['thesis regime'] : [];
  if (isSweepReport(report)) {
    const g = report.sweep;
    const m = g.machines.filter((x) => x !== 'trace');
    const parts = [
      [m.length ? `${valuesText(m)} machines` : '', g.machines.includes('trace') ? machines('trace') : ''].filter(Boolean).join(' and '),
      `overcommit ${valuesText(g.overcommit)}`,
      plural(g.seeds.length, 'seed'),
    ];
    return `fairfit — GiantVM ${what} — ${name}: ${[parts.join(' × '), ...regime].join(', ')}`;
  }
  const parts = [t.machines === undefined ? '' : machines(t.machines), p?.overcommit === undefined ? '' : `overcommit ${describe(p.overcommit)}`, ...regime].filter(Boolean);
  return `fairfit — GiantVM ${what} — ${name}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** Whether the stated parameters hold every choice of a preset (given by name or left to their defaults alike). */
function inPreset(params: object | undefined, preset: PresetName): boolean {
  return params !== undefined && Object.entries(PRESETS[preset]).every(([k, v]) => (params as Record<string, unknown>)[k] === v);
}

/** Builds everything the page draws from a replay or sweep report. */
export function reportData(report: ReplayReport, title = reportTitle(report)): ReportData {
  const runs = report.runs;
  const policies = distinct(runs, (r) => r.policy);
  const labels = metricLabels(runs.map((r) => r.params));
  const spread = seedSpread(report);
  const summary = summarizeByPolicy(report).map((s) => ({
    policy: s.policy, runs: s.runs, values: METRIC_COLUMNS.map((k) => finite(s.metrics[k])),
    ...(spread ? { sd: METRIC_COLUMNS.map((k) => seedStats(runs, s.policy, () => true, k, spread.seeds).sd) } : {}),
  }));
  const metrics = METRIC_COLUMNS.map((k, j) => {
    // A delay in hours is drawn in hours (as the schedule pages draw waits); the table keeps seconds.
    const u = SECONDS_METRICS.has(k) ? durationUnit(summary.map((s) => s.values[j]!)) : undefined;
    return { key: k as string, label: labels[k]!, axis: METRIC_AXES[k]!, ...(ZERO_NOTES[k] ? { zeroNote: ZERO_NOTES[k] } : {}), ...(u && u.seconds !== 1 ? { chart: { by: u.seconds, axis: axisInUnit(METRIC_AXES[k]!, u) } } : {}) };
  });
  const sweep = isSweepReport(report) ? sweepCharts(report, policies) : [];
  const series = isSweepReport(report) ? [] : seriesCharts(report);
  const info: ReportData['info'] = { keys: [], runs: [] };
  if (!isSweepReport(report)) {
    info.keys = [...new Set(runs.flatMap((r) => Object.keys(r.info ?? {})))];
    info.runs = runs.map((r) => ({ policy: r.policy, values: info.keys.map((k) => { const v = r.info?.[k]; return typeof v === 'string' ? v : finite(v); }) }));
  }
  return { title, interrupted: report.interrupted === true, facts: facts(report, policies), metrics, policies, colors: POLICY_COLORS, summary, ...(spread ? { summarySpread: `${spread.seeds.length} seeds` } : {}), series, info, sweep };
}

/**
 * The seeds, when a sweep's runs differ only by seed (one machine count, one overcommit, ≥ 2 seeds):
 * the table's means and the bars are then over seeds, and their sd is the seeds' spread (Figs. 5-4 and 5-5
 * at one point). A sweep over machines or overcommit pools configurations there, whose spread is not noise: no sd.
 */
function seedSpread(report: ReplayReport): { seeds: number[] } | undefined {
  if (!isSweepReport(report)) return undefined;
  const g = report.sweep;
  // The seeds that finished (an interrupted sweep may have fewer than it asked for).
  const seeds = g.seeds.filter((seed) => report.runs.some((r) => r.params.seed === seed));
  return g.machines.length === 1 && g.overcommit.length === 1 && seeds.length > 1 ? { seeds } : undefined;
}

/** The facts table: the trace, the modes and parameters that produced the runs. */
function facts(report: ReplayReport, policies: PolicyName[]): [string, string][] {
  const runs = report.runs;
  const t = report.trace;
  const out: [string, string][] = [];
  const add = (label: string, v: unknown) => {
    if (v !== undefined) out.push([label, describe(v)]);
  };
  add('Trace', t.path ?? t.source);
  if (t.read === false) add('Trace read', 'no: stopped while reading (interrupted), so no run started');
  add('Format', t.format);
  add('Tasks', t.tasks === undefined ? undefined : `${describe(t.tasks)}${takingPart(report)}`);
  // The trace record counts the task_usage windows read, which only 'trace' usage reads: under 'synthetic'
  // the row said 0 beside "N tasks with usage windows", so it gives the windows the runs drew instead.
  const drawn = runs[0]?.info?.usageWindows;
  add('Usage windows', t.usage === 'synthetic' ? `${describe(drawn)} drawn by the synthetic model (no task_usage read)` : t.usage === 'request' ? 'none (request usage reads no task_usage)' : t.usageWindows);
  add('Usage mode', t.usage);
  const machineMode = (m: unknown): string => (m === 'trace' ? 'the machines of machine_events' : `${describe(m)} identical machine${m === 1 ? '' : 's'}`);
  // A sweep over one machine count (seeds or overcommit only) did not sweep the machines.
  const machines = Array.isArray(t.machines) && t.machines.length === 1 ? (t.machines as unknown[])[0] : t.machines;
  add('Machine mode', machines === undefined ? undefined : Array.isArray(machines) ? sweptMachines(machines as unknown[]) : machineMode(machines));
  add('Seed', t.seed);
  add('Seeds', t.seeds);
  const p0 = statedParams(report);
  if (p0) {
    add('Cell size', describeCellSize(report));
    add('Interval (ticks)', p0.interval);
    add('Capacity', p0.capacity);
    if (!isSweepReport(report)) add('Overcommit ratio', p0.overcommit);
    add('Tick', formatTick(p0.tick));
    if (usesRatio(t.usage, runs[0]?.info)) add('Usage ratio (CPU = request × ratio)', p0.usageRatio);
    add('Regime and open rules', describeRules(report));
  }
  if (isSweepReport(report)) {
    // One value was not swept (the row read "Swept overcommit: 1"): it is named as a replay's page names it.
    const oc = report.sweep.overcommit;
    if (Array.isArray(oc) && oc.length === 1) add('Overcommit ratio', oc[0]);
    else add('Swept overcommit', oc);
    add('Configurations', `${report.sweep.completed} of ${report.sweep.configurations} finished`);
  }
  const i0 = runs[0]?.info;
  if (i0) {
    add('Usage resolved', i0.usageFallbackToRequest !== undefined ? `${describe(i0.usage)}; ${counted(i0.tasksWithWindows, 'task')} with usage windows, ${describe(i0.usageFallbackToRequest)} fell back to request` : i0.usage);
    // A sweep's first run speaks for one machine count only; the swept values are listed above.
    if (!isSweepReport(report)) add('Machines resolved', i0.machinesMode === undefined ? undefined : `${describe(i0.machinesMode)}: ${counted(i0.machines, 'machine')} in ${counted(i0.cells, 'cell')}`);
  }
  // With no run the row was empty: a sweep states the policies its grid asked for, a replay those it
  // records (`policies`; a report without them can only say none finished).
  const asked = isSweepReport(report) ? report.sweep.policies : report.policies;
  // Stopped part way: the policies asked that did not finish are named too (they were missing from the page).
  const unfinished = Array.isArray(asked) ? asked.filter((p) => !policies.includes(p as PolicyName)) : [];
  if (runs.length === 0) add('Policies', Array.isArray(asked) && asked.length > 0 ? `${describe(asked)} (asked; none finished)` : 'none finished');
  else if (unfinished.length > 0) add('Policies', `${describe(policies)}; ${describe(unfinished)} asked, not finished`);
  else add('Policies', policies);
  add('Skipped input lines', t.skipped);
  // What stderr said after reading, for the reader of the page: a truncated file's lost rows are in no count.
  if (typeof t.corruptFiles === 'number' && t.corruptFiles > 0) add('Truncated or corrupt files', `${t.corruptFiles}: the rows after the damage are lost and not counted`);
  if (Array.isArray(t.firstProblems) && t.firstProblems.length > 0) add('First input problems', t.firstProblems.map(String).join(' | '));
  if (report.interrupted) out.push(['Status', 'INTERRUPTED — only the finished runs are shown']);
  return out;
}

/** A sweep's machine counts in one phrase: `identical machines: 700, 800, 900` (ranges of many values shortened), plus the trace's machines if swept. */
function sweptMachines(list: unknown[]): string {
  const counts = list.filter((m): m is number => typeof m === 'number');
  const parts: string[] = [];
  if (counts.length > 0) {
    const shown = counts.length <= 6 ? counts.join(', ') : `${counts.slice(0, 3).join(', ')}, … ${counts.at(-1)}`;
    parts.push(`${counts.length} sizes of identical machines (${shown})`);
  }
  if (list.includes('trace')) parts.push('the machines of machine_events');
  return `swept: ${parts.join(' and ')}`;
}

/**
 * Rebalancing cycles in each series point of a run: a point covers
 * `info.sampleTicks` ticks (the last one up to `info.ticks`), a cycle starts at
 * every tick k with k % interval = 0, so a point of t ticks starting at a
 * multiple of the interval holds ceil(t / interval) cycles. Undefined when the
 * run does not say its sampling (then the chart cannot be per cycle).
 */
export function cyclesPerPoint(run: RunResult, points: number): Float64Array | undefined {
  const every = run.info?.sampleTicks;
  const ticks = run.info?.ticks;
  const interval = run.params.interval;
  if (typeof every !== 'number' || typeof ticks !== 'number' || !(every > 0) || !(interval > 0) || every % interval !== 0) return undefined;
  const out = new Float64Array(points);
  for (let p = 0; p < points; p++) out[p] = Math.ceil(Math.max(0, Math.min((p + 1) * every, ticks) - p * every) / interval);
  return out;
}

/**
 * One over-time chart per series of a replay, each policy a line, averaged down
 * to at most MAX_POINTS points (bucketMeans, fewer for SERIES_POINTS). Each
 * JSON point sums `info.sampleTicks` ticks, which may be several cycles: the
 * PER_CYCLE series are divided by the cycles of each bucket (Σ value / Σ
 * cycles), so "per cycle" is per cycle. The SHARE_OF_MIGRATIONS series are 0
 * at points without migrations (0/0 in the JSON); the chart weights each point
 * by its migrations, so such points do not count and a bucket is the share of
 * its own migrations (null: none moved).
 */
function seriesCharts(report: ReplayReport): ReportData['series'] {
  const runs = report.runs;
  const t = report.trace;
  const series: ReportData['series'] = [];
  const uniq = [...new Set(runs.flatMap((r) => Object.keys(r.series).filter((k) => k !== 'time')))];
  // series.time is trace time in seconds; trace.start is µs.
  const origin = typeof t.start === 'number' && Number.isFinite(t.start) ? t.start / 1e6 : undefined;
  for (const key of uniq) {
    const lines: PolicyLine[] = [];
    let perPoint = false;
    for (const r of runs) {
      const time = r.series.time;
      const ys = r.series[key];
      if (!time || !ys) continue;
      const t0 = origin ?? time[0] ?? 0;
      const hours = Float64Array.from(time, (v) => (v - t0) / 3600);
      let y: ArrayLike<number> = ys;
      let weights: ArrayLike<number> | undefined;
      if (PER_CYCLE.has(key)) {
        const cycles = cyclesPerPoint(r, ys.length);
        if (cycles) {
          y = Float64Array.from(ys, (v, p) => v / cycles[p]!);
          weights = cycles;
        } else perPoint = true;
      } else if (SHARE_OF_MIGRATIONS.has(key) && r.series.migrations) {
        weights = r.series.migrations;
      }
      lines.push({ policy: r.policy, ...bucketMeans(hours, y, SERIES_POINTS[key], 4, weights) });
    }
    if (!lines.length) continue;
    // A run without its sampling recorded cannot be scaled: the chart says what it shows.
    const label = perPoint ? `${SERIES_LABELS[key] ?? key} (per series point, not per cycle)` : SERIES_LABELS[key] ?? key;
    const axis = perPoint ? `${key} per series point` : SERIES_AXES[key] ?? key;
    series.push({ key, label, axis, ...(ZERO_NOTES[key] ? { zeroNote: ZERO_NOTES[key] } : {}), lines });
  }
  return series;
}

/**
 * Mean and, over several seeds, the sample standard deviation across seeds of
 * `metric` for one policy over the runs `at` keeps: each seed's value is first
 * averaged over its runs there (non-finite values left out). `at` keeps one
 * swept value (the seed's mean is then over the other swept values) or one
 * value of each swept parameter (then one run per seed).
 */
function seedStats(runs: RunResult[], policy: PolicyName, at: (r: RunResult) => boolean, metric: (typeof METRIC_COLUMNS)[number], seeds: number[]): { mean: number | null; sd: number | null } {
  const perSeed: number[] = [];
  for (const seed of seeds) {
    let sum = 0;
    let n = 0;
    for (const r of runs) {
      if (r.policy !== policy || r.params.seed !== seed || !at(r)) continue;
      const x = r.metrics[metric];
      if (Number.isFinite(x)) { sum += x; n++; }
    }
    if (n) perSeed.push(sum / n);
  }
  if (!perSeed.length) return { mean: null, sd: null };
  const mean = perSeed.reduce((a, b) => a + b, 0) / perSeed.length;
  if (perSeed.length < 2) return { mean, sd: null };
  const sd = Math.sqrt(perSeed.reduce((a, b) => a + (b - mean) ** 2, 0) / (perSeed.length - 1));
  return { mean, sd };
}

/**
 * For a sweep: each metric against machines and against overcommit, each
 * policy a line — the mean over seeds of each seed's mean over the other
 * swept values, with ±1 sd over seeds as whiskers when there are several seeds.
 * When both are swept, each chart also carries `held`: its lines with the
 * other parameter held at each of its values (the mean over seeds of the one
 * run per seed there), which the page offers instead, one value at a time.
 */
function sweepCharts(report: SweepReport, policies: PolicyName[]): ReportData['sweep'] {
  const runs = report.runs;
  const labels = metricLabels(runs.map((r) => r.params));
  // The seeds that finished: an interrupted sweep's whiskers are over those, not over the seeds asked.
  const seeds = report.sweep.seeds.filter((seed) => runs.some((r) => r.params.seed === seed));
  const spread = seeds.length > 1 ? `${seeds.length} seeds` : undefined;
  const sweep: ReportData['sweep'] = [];
  const dims = [
    { param: 'machines' as const, paramLabel: 'machines', values: report.sweep.machines as (number | string)[], pick: (r: RunResult) => r.params.machines as number | string },
    { param: 'overcommit' as const, paramLabel: 'overcommit ratio', values: report.sweep.overcommit as (number | string)[], pick: (r: RunResult) => r.params.overcommit as number | string },
  ];
  // A parameter the sweep holds at one value gives no curve. When nothing but seeds was swept there is no
  // sweep chart: the table and the bars give each policy's mean ± sd over the seeds (seedSpread).
  const swept = dims.filter((d) => d.values.length > 1);
  const line = (policy: PolicyName, stats: { mean: number | null; sd: number | null }[]): PolicySweepLine => ({ policy, y: stats.map((st) => st.mean), ...(spread ? { sd: stats.map((st) => st.sd) } : {}) });
  // The runs of each (policy, machines, overcommit): a held point reads its few runs (one per seed), not the whole sweep's.
  const cellKey = (policy: PolicyName, machines: unknown, overcommit: unknown) => JSON.stringify([policy, machines, overcommit]);
  const cells = new Map<string, RunResult[]>();
  // And of each policy (in run order, so each mean adds the same numbers in the same order as over all runs).
  const byPolicy = new Map<PolicyName, RunResult[]>();
  for (const r of runs) {
    const mine = byPolicy.get(r.policy);
    if (mine) mine.push(r);
    else byPolicy.set(r.policy, [r]);
    const k = cellKey(r.policy, r.params.machines, r.params.overcommit);
    const cell = cells.get(k);
    if (cell) cell.push(r);
    else cells.set(k, [r]);
  }
  for (const m of METRIC_COLUMNS) {
    for (const d of swept) {
      const lines = policies.map((policy) => line(policy, d.values.map((v) => seedStats(byPolicy.get(policy) ?? [], policy, (r) => d.pick(r) === v, m, seeds))));
      const other = swept.length === 2 ? swept.find((o) => o !== d)! : undefined;
      const held = other && {
        param: other.param,
        paramLabel: other.paramLabel,
        values: other.values,
        lines: other.values.map((w) =>
          policies.map((policy) =>
            line(policy, d.values.map((v) => {
              const cell = cells.get(d.param === 'machines' ? cellKey(policy, v, w) : cellKey(policy, w, v)) ?? [];
              return seedStats(cell, policy, (r) => d.pick(r) === v && other.pick(r) === w, m, seeds);
            })),
          ),
        ),
      };
      // Durations in the unit their values call for, the same for the held lines (one axis whatever is held).
      const drawn = [...lines, ...(held?.lines.flat() ?? [])];
      const u = SECONDS_METRICS.has(m) ? durationUnit(drawn.flatMap((l) => l.y)) : undefined;
      const axis = u ? axisInUnit(METRIC_AXES[m]!, u) : METRIC_AXES[m]!;
      if (u && u.seconds !== 1) for (const l of drawn) scaleLine(l, u.seconds);
      sweep.push({ param: d.param, paramLabel: d.paramLabel, values: d.values, metric: m, label: labels[m]!, axis, ...(ZERO_NOTES[m] ? { zeroNote: ZERO_NOTES[m] } : {}), ...(spread ? { spread } : {}), lines, ...(held ? { held } : {}) });
    }
  }
  return sweep;
}

/** The metrics in seconds: charts draw them in min, h or days when their values are that long ({@link durationUnit}). */
const SECONDS_METRICS: ReadonlySet<string> = new Set(['delay']);

/** A sweep line's means and sds divided by `by` (seconds per unit), in place. */
function scaleLine(l: PolicySweepLine, by: number): void {
  l.y = l.y.map((v) => (v === null ? null : v / by));
  if (l.sd) l.sd = l.sd.map((v) => (v === null ? null : v / by));
}

/** Renders a replay or sweep report as one self-contained HTML page. */
export function renderHtml(report: ReplayReport, options: { title?: string } = {}): string {
  checkReport(report, 'renderHtml');
  // An unknown key (a misspelt `titel`) was ignored, and a title that is not a string a TypeError.
  checkOptionNames(options, ['title'], 'renderHtml');
  if (options.title !== undefined && typeof options.title !== 'string') throw new FairfitError('INVALID_OPTION', `title: must be a string, got ${shown(options.title)}`, { field: 'title' });
  return renderPage(reportData(report, options.title), TEXT);
}

/** Writes the HTML report, creating the folder if needed. */
export function writeHtml(path: string, report: ReplayReport, options: { title?: string } = {}): void {
  checkReport(report, 'writeHtml');
  checkOptionNames(options, ['title'], 'writeHtml');
  writeTextFile(path, renderHtml(report, options));
}
