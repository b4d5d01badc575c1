/**
 * The GiantVM comparison table the CLI prints on stdout: one line per policy
 * with its metrics (for a sweep each cell is the mean over the policy's
 * finished configurations; the per-configuration values are in the JSON/CSV),
 * and the line above it saying which trace and modes produced the runs.
 *
 * @module
 */
import { FairfitError, plural, shown } from '../../errors.ts';
import { formatMetric, textTable } from '../../report/table.ts';
import { METRIC_COLUMNS } from './metrics.ts';
import { isSweepReport, type PolicyName, type ReplayReport } from './types.ts';

/** One table row: a policy, how many runs it averages, and its metrics. */
export interface PolicySummary {
  policy: PolicyName;
  runs: number;
  metrics: Record<(typeof METRIC_COLUMNS)[number], number>;
}

/**
 * Refuses what is not a report where a writer takes one (`INVALID_OPTION` naming `report`): an
 * object with a `trace` record and a `runs` array, each run an object with a `policy` string and
 * `params`, `metrics` and `series` objects (`series: {}` when not kept). A wrong value was a
 * TypeError from inside the writer (`toCsv(null)`, `renderHtml({})`, `formatTable` of a run
 * whose policy is null, `renderHtml` of a run without series).
 */
export function checkReport(report: unknown, of: string): asserts report is ReplayReport {
  const r = report as { trace?: unknown; runs?: unknown } | null;
  const bad = (why: string): never => {
    throw new FairfitError('INVALID_OPTION', `report: ${of} takes a ReplayReport or SweepReport (what replay() or sweep() gives): ${why}`, { field: 'report' });
  };
  if (r === null || typeof r !== 'object' || Array.isArray(r)) bad(`got ${shown(report)}`);
  if (!Array.isArray(r!.runs)) bad(`its runs are ${shown(r!.runs)}, not an array`);
  if (r!.trace === null || typeof r!.trace !== 'object') bad(`its trace record is ${shown(r!.trace)}`);
  (r!.runs as unknown[]).forEach((run, i) => {
    const x = run as { policy?: unknown; params?: unknown; metrics?: unknown; series?: unknown } | null;
    const record = (v: unknown) => typeof v === 'object' && v !== null;
    if (x === null || typeof x !== 'object' || typeof x.policy !== 'string' || !record(x.params) || !record(x.metrics) || !record(x.series)) {
      bad(`runs[${i}] is not a run (an object with a policy name, params, metrics and series)`);
    }
  });
}

/**
 * Per-policy means of every metric over the report's runs, policies in the
 * order they first appear. Non-finite values are left out of a mean (a mean
 * with none left is NaN).
 */
export function summarizeByPolicy(report: ReplayReport): PolicySummary[] {
  checkReport(report, 'summarizeByPolicy');
  const order: PolicyName[] = [];
  const sums = new Map<PolicyName, { runs: number; sum: number[]; n: number[] }>();
  for (const run of report.runs) {
    let s = sums.get(run.policy);
    if (!s) {
      s = { runs: 0, sum: METRIC_COLUMNS.map(() => 0), n: METRIC_COLUMNS.map(() => 0) };
      sums.set(run.policy, s);
      order.push(run.policy);
    }
    s.runs++;
    METRIC_COLUMNS.forEach((k, j) => {
      const v = run.metrics[k];
      if (Number.isFinite(v)) {
        s.sum[j]! += v;
        s.n[j]!++;
      }
    });
  }
  return order.map((policy) => {
    const s = sums.get(policy)!;
    const metrics = Object.fromEntries(METRIC_COLUMNS.map((k, j) => [k, s.n[j] ? s.sum[j]! / s.n[j]! : NaN])) as PolicySummary['metrics'];
    return { policy, runs: s.runs, metrics };
  });
}

/** Renders the comparison table (monospace, right-aligned numbers, trailing newline). */
export function formatTable(report: ReplayReport): string {
  const rows = summarizeByPolicy(report);
  const sweepMode = rows.some((r) => r.runs > 1);
  const header = ['policy', ...(sweepMode ? ['runs'] : []), ...METRIC_COLUMNS];
  const body = rows.map((r) => [r.policy, ...(sweepMode ? [said(r.runs)] : []), ...METRIC_COLUMNS.map((k) => formatMetric(r.metrics[k]))]);
  const notes = sweepMode ? ['(each value: mean over the policy\'s configurations)'] : [];
  // Said on stdout too (not only on stderr): the table may be kept without the messages.
  if (report.interrupted) {
    const n = report.runs.length;
    notes.push(isSweepReport(report) ? `(interrupted: ${n} of ${plural(report.sweep.configurations, 'run')} finished; only those are in this table)` : `(interrupted: only the ${plural(n, 'finished run')} in this table)`);
  }
  return textTable(header, body, notes);
}

/** A report's value as the summary writes it: a string or number as it is, anything else as `shown` gives it (a null-prototype object has no toString). */
function said(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : shown(v);
}

function list(v: unknown): string {
  return Array.isArray(v) ? v.map(said).join(', ') : said(v);
}

/**
 * The lines saying what produced the runs, printed above the table: trace, usage mode (and how it
 * was resolved per task), machine mode, seed(s); then the `model:` and `rules:` lines (`describeModel`,
 * `describeRules`; left out when they are empty). Each line ends with a newline.
 */
export function describeModes(report: ReplayReport): string {
  checkReport(report, 'describeModes');
  const t = report.trace;
  const info = report.runs[0]?.info;
  const parts: string[] = [];
  const where = t.path ?? t.source ?? 'in-memory trace';
  const tasks = (typeof t.tasks === 'number' ? plural(t.tasks, 'task') : t.read === false ? 'not read (stopped while reading)' : `${said(t.tasks)} tasks`) + takingPart(report);
  parts.push(`trace ${said(where)}${t.format ? ` (${said(t.format)})` : ''}: ${tasks}`);
  let usage = `usage ${said(t.usage)}`;
  if (info && typeof info.tasksWithWindows === 'number' && typeof info.usageFallbackToRequest === 'number' && (t.usage === 'trace' || (t.usage === 'synthetic' && info.usageFallbackToRequest > 0))) {
    usage += ` (${plural(info.tasksWithWindows, 'task')} with usage windows, ${info.usageFallbackToRequest} fell back to request)`;
  }
  parts.push(usage);
  const machines = t.machines;
  // A sweep's `--machines trace` is the list ['trace']: the same words as a replay's.
  const fromTrace = machines === 'trace' || (Array.isArray(machines) && machines.length === 1 && machines[0] === 'trace');
  parts.push(fromTrace ? 'machines from machine_events' : Array.isArray(machines) ? `machines ${list(machines)}` : `${said(machines)} identical machine${machines === 1 ? '' : 's'}`);
  if (t.seeds !== undefined) parts.push(`seeds ${list(t.seeds)}`);
  else if (t.seed !== undefined) parts.push(`seed ${said(t.seed)}`);
  const rules = describeRules(report);
  const model = describeModel(report);
  return parts.join(' · ') + '\n' + (model ? `model: ${model}\n` : '') + (rules ? `rules: ${rules}\n` : '');
}

/**
 * Under `tasks: 'ended'` or `'finished'`, how many of the trace's tasks take part (` (48096 of them
 * end inside the window and take part)`): the trace's count alone read as if every task were
 * replayed. Under `arrival: 'boundary'`, how many arrive at the end and take no part, when any do
 * (` (256 of them arrive at the end and take no part)`): they were only in the JSON's info. '' when
 * neither applies; under `tasks: 'all'` the few left out otherwise (submitted after the end) are
 * counted in the runs' info.
 */
export function takingPart(report: ReplayReport): string {
  const info = report.runs[0]?.info;
  const which = report.runs[0]?.params.tasks;
  const notes: string[] = [];
  if ((which === 'ended' || which === 'finished') && typeof info?.arriving === 'number') {
    notes.push(`${info.arriving} of them ${which === 'ended' ? 'end' : 'finish'} inside the window and take part`);
  }
  if (typeof info?.arrivesAtEnd === 'number' && info.arrivesAtEnd > 0) notes.push(`${info.arrivesAtEnd} of them arrive at the end and take no part`);
  return notes.length > 0 ? ` (${notes.join('; ')})` : '';
}

/**
 * The parameters the outputs state: the first run's, or, when no run finished (stopped while
 * reading, or before the first run ended), the first configuration's that the trace record keeps.
 */
export function statedParams(report: ReplayReport): ReplayReport['runs'][number]['params'] | undefined {
  const kept = report.runs.length === 0 ? report.trace.params : undefined;
  return report.runs[0]?.params ?? (kept !== null && typeof kept === 'object' ? (kept as ReplayReport['runs'][number]['params']) : undefined);
}

/**
 * The model's numbers that produced the runs — capacity, overcommit (a sweep's values), cell size,
 * rebalancing interval, tick, and the usage ratio when a task's CPU came from it ('request' usage,
 * or tasks that fell back to request) — as `key value` pairs, or '' with neither runs nor
 * the parameters of an unread trace.
 */
export function describeModel(report: ReplayReport): string {
  const p = statedParams(report);
  if (!p) return '';
  const i = report.runs[0]?.info;
  const swept = isSweepReport(report) ? report.sweep.overcommit : undefined;
  const parts = [
    `capacity ${said(p.capacity)}`,
    `overcommit ${swept ? list(swept) : said(p.overcommit)}`,
    `cell size ${describeCellSize(report)}`,
    typeof p.interval === 'number' ? `interval ${plural(p.interval, 'tick')}` : `interval ${said(p.interval)} ticks`,
    `tick ${formatTick(p.tick)}`,
  ];
  if (usesRatio(report.trace.usage, i)) parts.push(`usage ratio ${said(p.usageRatio)}`);
  return parts.join(', ');
}

/**
 * The cell size of the runs: one value (`4`), or, when a sweep's machine counts are below the
 * cell size asked for (the cell size in effect is min(cell size, machines)), the first run's value
 * and where it differs: `4 (2 at 2 machines, 3 at 3 machines)`.
 */
export function describeCellSize(report: ReplayReport): string {
  const runs = report.runs;
  const first = statedParams(report)?.cellSize;
  const other = new Map<unknown, unknown>();
  for (const r of runs) if (r.params.cellSize !== first && !other.has(r.params.machines)) other.set(r.params.machines, r.params.cellSize);
  if (other.size === 0) return said(first);
  return `${said(first)} (${[...other].map(([m, c]) => `${said(c)} at ${said(m)} machines`).join(', ')})`;
}

/**
 * Whether some task's CPU is request × usageRatio: 'request' usage, or 'trace' or 'synthetic' usage with
 * tasks that fell back to it (no task_usage rows; no synthetic window, a run of zero time in the window).
 * Synthetic usage was left out: on the shared sample under `--preset thesis` 71 tasks fell back, and
 * `--usage-ratio 5` changed the overcommit while the model line said nothing of a ratio.
 */
export function usesRatio(usage: unknown, info: Record<string, unknown> | undefined): boolean {
  return usage === 'request' || ((usage === 'trace' || usage === 'synthetic') && typeof info?.usageFallbackToRequest === 'number' && info.usageFallbackToRequest > 0);
}

/** A tick in µs as a duration: `1 s`, `500 ms`, `250 µs`, `2 min`. */
export function formatTick(us: unknown): string {
  if (typeof us !== 'number') return said(us);
  if (us % 60e6 === 0) return `${us / 60e6} min`;
  if (us % 1e6 === 0) return `${us / 1e6} s`;
  if (us % 1e3 === 0) return `${us / 1e3} ms`;
  return `${us} µs`;
}

/** The regime choices and open rules of the runs (docs/model.md), as `key value` pairs, or '' without runs (nor an unread trace's parameters). */
export function describeRules(report: ReplayReport): string {
  const p = statedParams(report);
  if (!p) return '';
  return RULE_KEYS.map((k) => `${k} ${said(p[k])}`).join(', ');
}

/** The parameters every output states besides the model's sizes: regime choices, then open rules. */
export const RULE_KEYS = ['tasks', 'time0', 'arrival', 'delay', 'migratedRequest', 'destinationCheck', 'minMove', 'memOrder', 'gini'] as const;
