/**
 * The CSV output: one row per run (policy × configuration), parameters then
 * metrics, in the report's run order. RFC 4180 quoting; numbers in
 * JavaScript's shortest round-trip form; non-finite metrics as empty cells.
 *
 * The replay parameter `overcommit` (admission ratio) and the metric
 * `overcommit` (mean usage above capacity) share a name in the JSON, where they
 * live in different objects; here the parameter column is `overcommitRatio`.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ReplayReport } from '../sim/types.ts';
import type { RunResult } from '../systems/giantvm/types.ts';

/** The metric columns always written (the JSON metrics), in this order. */
export const METRIC_COLUMNS = ['meanCpu', 'gini', 'overcommit', 'delay', 'stretch', 'migratedMemory', 'migrations'] as const;

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
] as const;

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

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
 * entries as `info.<key>` columns (the modes that produced the run).
 */
export function toCsv(report: ReplayReport): string {
  const extra = extraMetrics(report.runs);
  const info = infoKeys(report.runs);
  const header = ['run', 'policy', ...PARAM_COLUMNS.map(([c]) => c), ...METRIC_COLUMNS, ...extra, ...info.map((k) => `info.${k}`)];
  const lines = [header.map(cell).join(',')];
  report.runs.forEach((run, i) => {
    const params = run.params as unknown as Record<string, unknown>;
    const metrics = run.metrics as unknown as Record<string, unknown>;
    const runInfo = (run.info ?? {}) as Record<string, unknown>;
    lines.push(
      [i, run.policy, ...PARAM_COLUMNS.map(([, k]) => params[k]), ...METRIC_COLUMNS.map((k) => metrics[k]), ...extra.map((k) => metrics[k]), ...info.map((k) => runInfo[k])]
        .map(cell)
        .join(','),
    );
  });
  return lines.join('\n') + '\n';
}

/** Writes the CSV of a report, creating the folder if needed. */
export function writeCsv(path: string, report: ReplayReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, toCsv(report));
}
