/**
 * The writers' IPTAS parts for `fairfit schedule`: the facts line and the
 * comparison table printed on stdout, the CSV rows and the HTML page data of a
 * {@link ScheduleLogReport} (one variant per algorithm: bar charts per metric,
 * utilisation and queue length over time), rendered by the generic writers of
 * src/report/ (`table.ts`, `csv-text.ts`, `html.ts`).
 *
 * @module
 */
import { plural } from '../../errors.ts';
import { csvText } from '../../report/csv-text.ts';
import { writeTextFile } from '../../report/file.ts';
import { axisInUnit, durationUnit, finite, inputName, minMaxIndices, renderPage, type ComparisonPage, type PageText } from '../../report/html.ts';
import { formatMetric, textTable } from '../../report/table.ts';
import { baselinesOf, type ScheduleLogReport } from './schedule-log.ts';
import type { ScheduleMetrics } from './schedule-trace.ts';

/** The metric columns of the table, CSV and charts, in order. */
export const SCHEDULE_COLUMNS = [
  'throughputPerHour', 'meanWait', 'p95Wait', 'meanBoundedSlowdown', 'utilisation', 'makespan', 'killed', 'killedWastedSeconds', 'fairnessGini',
] as const satisfies readonly (keyof ScheduleMetrics)[];

/** What each column means (chart titles, header tooltips); units are in the axis titles ({@link SCHEDULE_AXES}) only. */
export const SCHEDULE_LABELS: Record<(typeof SCHEDULE_COLUMNS)[number], string> = {
  throughputPerHour: 'Throughput (completed jobs per hour)',
  meanWait: 'Mean wait (start − submit)',
  p95Wait: '95th percentile wait',
  meanBoundedSlowdown: 'Mean bounded slowdown (τ = 10 s)',
  utilisation: 'Utilisation (processors or CPU)',
  makespan: 'Makespan (last end − first submit)',
  killed: 'Jobs killed at their limit (T0 for IPTAS)',
  killedWastedSeconds: 'Run time wasted by killed jobs',
  fairnessGini: 'Fairness: Gini of per-user mean wait',
};

/**
 * Table headers and y axis titles in words with units, as the replay page's METRIC_AXES
 * (src/systems/giantvm/metrics.ts): the page showed the keys (`throughputPerHour`). The CSV and
 * JSON keep the keys. Short: a y axis title runs along a 300 px chart.
 */
export const SCHEDULE_AXES: Record<(typeof SCHEDULE_COLUMNS)[number], string> = {
  throughputPerHour: 'throughput (jobs/h)',
  meanWait: 'mean wait (s)',
  p95Wait: '95th-percentile wait (s)',
  meanBoundedSlowdown: 'mean bounded slowdown',
  utilisation: 'utilisation (busy share)',
  makespan: 'makespan (s)',
  killed: 'jobs killed',
  killedWastedSeconds: 'killed: run time wasted (s)',
  fairnessGini: 'fairness: Gini of per-user mean wait',
};

/**
 * The columns in seconds: a bar chart draws them in the unit their values call for ({@link durationUnit}: a
 * makespan of 8e6 s as 92 days), under their axis title with that unit for "(s)"; the table, the CSV and
 * the JSON keep the seconds.
 */
const SECONDS_COLUMNS: ReadonlySet<string> = new Set(['meanWait', 'p95Wait', 'makespan', 'killedWastedSeconds']);

/** Algorithm colours of the page. */
export const ALGORITHM_COLORS: Record<string, string> = { iptas: '#4e79a7', fcfs: '#f28e2b', easy: '#59a14f' };

/** How the page names what it compares. */
const TEXT: PageText = { variant: 'algorithm', timeAxis: 'hours since the first submission' };

/** The cluster as words: `128 nodes × 1 processor`, `300 nodes × (cpu 1, mem 1)`. */
function clusterText(r: ScheduleLogReport): string {
  const c = r.cluster;
  if (c.dimensions.length === 1) return `${plural(c.nodes, 'node')} × ${plural(c.nodeCapacity[0]!, 'processor')}`;
  return `${plural(c.nodes, 'node')} × (${c.dimensions.map((d, i) => `${d} ${c.nodeCapacity[i]}`).join(', ')})`;
}

/** The algorithms the report was asked for (a hand-built report without them: its runs'). */
function asked(r: ScheduleLogReport): readonly string[] {
  return r.algorithms ?? r.runs.map((x) => x.algorithm);
}

/** Whether IPTAS was asked for: its parameters are stated only then. */
function runsIptas(r: ScheduleLogReport): boolean {
  return asked(r).includes('iptas');
}

/** The one-line summary printed above the table. */
export function describeSchedule(r: ScheduleLogReport): string {
  const t = r.trace;
  const dropped: string[] = [];
  if (t.droppedRunning) dropped.push(`${t.droppedRunning} still running at the window end`);
  if (t.droppedPending) dropped.push(`${t.droppedPending} still waiting at the window end`);
  if (t.droppedPartialLines) dropped.push(`${t.droppedPartialLines} partial-execution lines of checkpointed jobs (their summary lines are scheduled)`);
  if (t.droppedTooLarge) dropped.push(`${t.droppedTooLarge} too large for the cluster`);
  if (t.droppedByMaxJobs) dropped.push(`${t.droppedByMaxJobs} beyond --max-jobs`);
  return [
    `trace ${t.path} (${t.format}, ${t.detected === 'option' ? 'format given' : `detected: ${t.detected}`}): ${plural(t.jobs, 'job')} of ${plural(t.users, 'user')}`,
    ...(dropped.length ? [`dropped ${dropped.join(', ')}`] : []),
    clusterText(r),
    ...(runsIptas(r) ? [`IPTAS minEpsilon ${r.params.minEpsilon}, alpha ${r.params.alpha}`] : []),
  ].join(' · ');
}

/** The comparison table (one row per algorithm), then the report's notes. */
export function formatScheduleTable(r: ScheduleLogReport): string {
  const header = ['algorithm', ...SCHEDULE_COLUMNS];
  const body = r.runs.map((run) => [run.algorithm, ...SCHEDULE_COLUMNS.map((k) => formatMetric(run.metrics[k]))]);
  const dims = r.cluster.dimensions;
  // With no run there is nothing to list: the line ended at its colon.
  const extra = dims.length > 1 && r.runs.length > 0 ? [`utilisation per dimension (${dims.join(', ')}): ${r.runs.map((run) => `${run.algorithm} ${run.utilisationByDimension.map(formatMetric).join(' / ')}`).join('; ')}`] : [];
  const notes = r.notes.map((n) => `note: ${n}`);
  const stopped = r.runs.length === 0 ? '(interrupted: no algorithm finished)' : '(interrupted: only the finished algorithms are shown)';
  return textTable(header, body, [...(r.interrupted ? [stopped] : []), ...extra, ...notes]);
}

/**
 * Every metric of a run, in the order `metricsOf` (schedule-trace.ts) gives them: the CSV's metric
 * columns. A fixed list, not the first run's keys: with no run finished the header had none.
 */
export const SCHEDULE_METRIC_KEYS = [
  'jobs', 'completed', 'killed', 'throughputPerHour', 'meanWait', 'p95Wait', 'meanBoundedSlowdown', 'utilisation', 'makespan',
  'killedWastedSeconds', 'killedWastedProcSeconds', 'fairnessGini', 'users',
] as const satisfies readonly (keyof ScheduleMetrics)[];

/**
 * CSV text: one row per algorithm with every metric ({@link SCHEDULE_METRIC_KEYS}) and the cluster
 * and IPTAS parameters, the same columns whether some algorithm finished or none; an interrupted
 * report adds an `interrupted` column (`true`), as the replay CSV does.
 */
export function scheduleCsv(r: ScheduleLogReport): string {
  const metricKeys = SCHEDULE_METRIC_KEYS;
  const marked = r.interrupted === true;
  const header = ['algorithm', ...metricKeys, 'rounds', 'utilisationByDimension', 'trace', 'format', 'nodes', 'nodeCapacity', 'minEpsilon', 'alpha', 'tau', ...(marked ? ['interrupted'] : [])];
  const rows = r.runs.map((run) => [run.algorithm, ...metricKeys.map((k) => run.metrics[k]), run.rounds, run.utilisationByDimension.join(' '), r.trace.path, r.trace.format, r.cluster.nodes, r.cluster.nodeCapacity.join(' '), r.params.minEpsilon, r.params.alpha, r.params.tau, ...(marked ? [true] : [])]);
  return csvText(header, rows);
}

/** Writes {@link scheduleCsv}, creating the folder if needed. */
export function writeScheduleCsv(path: string, r: ScheduleLogReport): void {
  writeTextFile(path, scheduleCsv(r));
}

/** The page's title and heading: the algorithms asked for, the log and the cluster (`fairfit — IPTAS vs FCFS vs EASY — log.swf.gz: 128 nodes × 1 processor`). */
export function scheduleTitle(r: ScheduleLogReport): string {
  return `fairfit — ${asked(r).map((a) => a.toUpperCase()).join(' vs ')} — ${inputName(r.trace.path)}: ${clusterText(r)}`;
}

/**
 * The page data: facts, the metric table, one bar chart per metric, utilisation and queue length over
 * time (each line thinned to its bins' extremes by {@link minMaxIndices}, so no peak is lost).
 */
export function schedulePage(r: ScheduleLogReport, title = scheduleTitle(r)): ComparisonPage {
  const t = r.trace;
  const facts: [string, string][] = [
    ['Trace', t.path],
    ['Format', `${t.format} (${t.detected === 'option' ? 'given' : `detected: ${t.detected}`})`],
    ['Rows read', `${t.rows}${t.skippedLines ? ` (${plural(t.skippedLines, 'bad line')} skipped)` : ''}`],
    ['Jobs scheduled', `${t.jobs} of ${plural(t.users, 'user')}`],
  ];
  if (t.unknownUser) facts.push(['User unknown in the log (no per-user figure)', `${t.unknownUser} of ${plural(t.jobs, 'job')}`]);
  if (t.droppedRunning !== undefined) facts.push(['Dropped (no end in the window)', `${t.droppedRunning} running, ${t.droppedPending ?? 0} waiting at the window end`]);
  if (t.droppedPartialLines) facts.push(['Dropped (partial-execution lines; the summary lines are scheduled)', String(t.droppedPartialLines)]);
  if (t.droppedTooLarge) facts.push(['Dropped (too large)', String(t.droppedTooLarge)]);
  if (t.droppedByMaxJobs) facts.push(['Dropped (--max-jobs)', String(t.droppedByMaxJobs)]);
  if (t.requestedTimeKnown !== undefined) facts.push(['Requested time in the log', `${t.requestedTimeKnown} of ${plural(t.rows, 'job')}`]);
  if (t.unknownRunTime) facts.push(['Run time unknown in the log (run 0 s)', `${t.unknownRunTime} of ${plural(t.rows, 'job')}`]);
  const baselines = baselinesOf(asked(r));
  if (t.runBeyondRequest) facts.push([`Ran longer than requested in the log${baselines.length ? ` (${baselines.join(', ')}: killed at the request)` : ''}`, `${t.runBeyondRequest} of ${plural(t.jobs, 'job')}`]);
  if (t.unknownProcessors) facts.push(['Processors unknown in the log (1 processor)', `${t.unknownProcessors} of ${plural(t.rows, 'job')}`]);
  facts.push(['Cluster', clusterText(r)]);
  if (runsIptas(r)) facts.push(['IPTAS parameters', `minEpsilon ${r.params.minEpsilon}, α ${r.params.alpha}, m ${r.params.historyLength}; length class from requested time / ${r.params.secondsPerGB} s per GB`]);
  facts.push(['Bounded slowdown τ', `${r.params.tau} s`]);
  r.notes.forEach((n, i) => facts.push([i === 0 ? 'Notes' : '', n]));
  if (r.interrupted) facts.push(['Status', 'INTERRUPTED — only the finished algorithms are shown']);
  const policies = r.runs.map((x) => x.algorithm);
  const bin = r.runs[0]?.series.binSeconds ?? 3600;
  const binText = bin >= 3600 ? `${bin / 3600}-hour` : `${bin / 60}-minute`;
  const line = (key: 'utilisation' | 'queue') => r.runs.map((run) => {
    const s = run.series;
    // Min–max decimation, not a stride: a peak of waiting jobs between two kept bins would vanish from the chart.
    const idx = minMaxIndices(s[key]);
    return { policy: run.algorithm, x: idx.map((i) => +(s.time[i]! / 3600).toFixed(6)), y: idx.map((i) => finite(s[key][i])) };
  });
  return {
    title,
    interrupted: r.interrupted === true,
    facts,
    metrics: SCHEDULE_COLUMNS.map((k) => {
      const u = SECONDS_COLUMNS.has(k) ? durationUnit(r.runs.map((run) => finite(run.metrics[k]))) : undefined;
      return { key: k, label: SCHEDULE_LABELS[k], axis: SCHEDULE_AXES[k], ...(u && u.seconds !== 1 ? { chart: { by: u.seconds, axis: axisInUnit(SCHEDULE_AXES[k], u) } } : {}) };
    }),
    policies,
    colors: ALGORITHM_COLORS,
    summary: r.runs.map((run) => ({ policy: run.algorithm, runs: 1, values: SCHEDULE_COLUMNS.map((k) => finite(run.metrics[k])) })),
    series: [
      { key: 'utilisation', label: `Utilisation per ${binText} bin`, axis: 'utilisation (busy share)', lines: line('utilisation') },
      { key: 'queue', label: `Jobs waiting at the end of each ${binText} bin`, axis: 'jobs waiting', lines: line('queue') },
    ],
    info: {
      keys: ['completed', 'rounds', 'killedWastedProcSeconds', 'users', ...r.cluster.dimensions.map((d) => `utilisation (${d})`)],
      runs: r.runs.map((run) => ({ policy: run.algorithm, values: [run.metrics.completed, run.rounds, finite(run.metrics.killedWastedProcSeconds), run.metrics.users, ...run.utilisationByDimension.map(finite)] })),
    },
    sweep: [],
  };
}

/** Renders the report as one self-contained HTML page (generic shell of src/report/html.ts). */
export function renderScheduleHtml(r: ScheduleLogReport): string {
  return renderPage(schedulePage(r), TEXT);
}

/** Writes {@link renderScheduleHtml}, creating the folder if needed. */
export function writeScheduleHtml(path: string, r: ScheduleLogReport): void {
  writeTextFile(path, renderScheduleHtml(r));
}
