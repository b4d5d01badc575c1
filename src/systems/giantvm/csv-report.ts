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
 * one has no such column (like the extra metric and `info.` columns, a column
 * is there only when some run has something to put in it).
 *
 * @module
 */
import { csvText } from '../../report/csv-text.ts';
import { writeTextFile } from '../../report/file.ts';
import { METRIC_COLUMNS } from './metrics.ts';
import { checkReport } from './summary.ts';
import type { ReplayReport, RunResult } from './types.ts';

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

/**
 * Renders the runs of a report as CSV text (header + one line per run, `\n`
 * line ends): run index, policy, parameters, metrics, then the run's `info`
 * entries as `info.<key>` columns (the modes that produced the run), and
 * `interrupted` (`true`) when the report was interrupted.
 */
export function toCsv(report: ReplayReport): string {
  checkReport(report, 'toCsv');
  const extra = extraMetrics(report.runs);
  const info = infoKeys(report.runs);
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
