/**
 * The GiantVM CSV output: one row per run (policy × configuration), parameters then
 * metrics, in the report's run order. RFC 4180 quoting; numbers in
 * JavaScript's shortest round-trip form; non-finite metrics as empty cells.
 *
 * The replay parameter `overcommit` (admission ratio) and the metric
 * `overcommit` (mean usage above capacity) share a name in the JSON, where they
 * live in different objects; here the parameter column is `overcommitRatio`
 * (and likewise `delayOver` and `giniRule` for the rules named like metrics).
 * An interrupted report (Ctrl-C) ends each row with an `interrupted` column
 * holding `true`, as its JSON and HTML say `"interrupted": true`; a complete
 * one has no such column. The extra metric and `info.` columns of a complete
 * report are those its runs carry; an interrupted one, which may hold some of
 * its runs or none, states them from its configuration (every run's
 * `firstShare` and `secondShare`, {@link runInfoKeys}), so its header is the
 * complete report's plus `interrupted`.
 *
 * @module
 */
import { csvText } from '../../report/csv-text.ts';
import { writeTextFile } from '../../report/file.ts';
import { runInfoKeys } from './merge.ts';
import { METRIC_COLUMNS } from './metrics.ts';
import { DEFAULT_PARAMS } from './replay-params.ts';
import { checkReport, statedParams } from './summary.ts';
import { isSweepReport, type ReplayReport, type RunResult } from './types.ts';

/** Parameter columns, as `[column, params key]`. */
const PARAM_COLUMNS = [
  ['machines', 'machines'],
  ['cellSize', 'cellSize'],
  ['interval', 'interval'],
  ['capacity', 'capacity'],
  ['overcommitRatio', 'overcommit'],
  ['seed', 'seed'],
  ['usage', 'usage'],
  ['tick', 'tick'],
  ['usageRatio', 'usageRatio'],
  ['minMove', 'minMove'],
  ['tasks', 'tasks'],
  ['time0', 'time0'],
  ['arrival', 'arrival'],
  ['delayOver', 'delay'],
  ['migratedRequest', 'migratedRequest'],
  ['destinationCheck', 'destinationCheck'],
  ['memOrder', 'memOrder'],
  ['giniRule', 'gini'],
] as const;

/** Extra numeric metrics some runs carry (e.g. `firstShare`), in first-seen order. */
function extraMetrics(runs: RunResult[]): string[] {
  const known = new Set<string>(METRIC_COLUMNS);
  const extra: string[] = [];
  for (const run of runs) {
    for (const [k, v] of Object.entries(run.metrics)) {
      if (!known.has(k) && typeof v === 'number') {
        known.add(k);
        extra.push(k);
      }
    }
  }
  return extra;
}

/** Keys of the runs' `info` records (modes and counts), in first-seen order. */
function infoKeys(runs: RunResult[]): string[] {
  const keys = new Set<string>();
  for (const run of runs) for (const k of Object.keys(run.info ?? {})) keys.add(k);
  return [...keys];
}

/** The extra metrics every replay run carries (`runMetrics` in merge.ts). */
const RUN_EXTRA_METRICS = ['firstShare', 'secondShare'] as const;

/**
 * The extra metric and `info` keys the runs of an interrupted report would have had, in the order
 * a complete report's runs give them: the info keys of each machine mode in configuration order (a
 * sweep's machines vary slowest; its other rules are shared). A report that states no parameters
 * (a hand-built one without runs) gives the keys every run has, those of the default rules.
 */
function statedColumns(report: ReplayReport): { extra: readonly string[]; info: string[] } {
  const p = { ...DEFAULT_PARAMS, ...statedParams(report) };
  const machines = isSweepReport(report) ? report.sweep.machines : [p.machines];
  const info = new Set<string>();
  for (const m of machines) for (const k of runInfoKeys({ ...p, machines: m })) info.add(k);
  return { extra: RUN_EXTRA_METRICS, info: [...info] };
}

/** `first`, then the entries of `then` not in it. */
function union(first: readonly string[], then: readonly string[]): string[] {
  return [...new Set([...first, ...then])];
}

/**
 * Renders the runs of a report as CSV text (header + one line per run, `\n`
 * line ends): run index, policy, parameters, metrics, then the run's `info`
 * entries as `info.<key>` columns (the modes that produced the run), and
 * `interrupted` (`true`) when the report was interrupted.
 */
export function toCsv(report: ReplayReport): string {
  checkReport(report, 'toCsv');
  // Interrupted: the columns the configuration gives, so a report with no finished run (or some) has the complete one's header.
  const stated = report.interrupted === true ? statedColumns(report) : { extra: [], info: [] };
  const extra = union(stated.extra, extraMetrics(report.runs));
  const info = union(stated.info, infoKeys(report.runs));
  const marked = report.interrupted === true;
  const header = ['run', 'policy', ...PARAM_COLUMNS.map(([c]) => c), ...METRIC_COLUMNS, ...extra, ...info.map((k) => `info.${k}`), ...(marked ? ['interrupted'] : [])];
  const rows = report.runs.map((run, i) => {
    const params = run.params as unknown as Record<string, unknown>;
    const metrics = run.metrics as unknown as Record<string, unknown>;
    const runInfo = (run.info ?? {}) as Record<string, unknown>;
    return [i, run.policy, ...PARAM_COLUMNS.map(([, k]) => params[k]), ...METRIC_COLUMNS.map((k) => metrics[k]), ...extra.map((k) => metrics[k]), ...info.map((k) => runInfo[k]), ...(marked ? [true] : [])];
  });
  return csvText(header, rows);
}

/** Writes the CSV of a report, creating the folder if needed. */
export function writeCsv(path: string, report: ReplayReport): void {
  checkReport(report, 'writeCsv');
  writeTextFile(path, toCsv(report));
}
