/**
 * The shapes of what {@link replay} and {@link sweep} return and what the JSON,
 * CSV and HTML writers consume. Kept apart from the drivers so the writers do
 * not import the worker pool.
 *
 * @module
 */
import type { PolicyName, RunResult } from '../systems/giantvm/types.ts';

/**
 * The result of a replay: where the trace came from and which modes produced
 * the runs (`trace`), then one {@link RunResult} per policy (or per sweep
 * configuration), in a fixed order that never depends on worker scheduling.
 */
export interface ReplayReport {
  /**
   * Trace facts and modes: `source` (path or the input's own source record),
   * `tasks`, `usageWindows`, `machineEvents`, `start`, `end`, `usage` (mode
   * asked for), `machines` (count or `'trace'`), `seed` / `seeds`, and the
   * reader's skip summary when the trace was read from a folder.
   */
  trace: Record<string, unknown>;
  /** One run per policy (replay) or per configuration (sweep), in configuration order. */
  runs: RunResult[];
  /**
   * Present and `true` only when the run was stopped (Ctrl-C / AbortSignal):
   * `runs` then holds the configurations that finished, still in configuration order.
   */
  interrupted?: boolean;
}

/** The grid a sweep covers; runs are ordered machines → overcommit → seed → policy (policy varies fastest). */
export interface SweepGrid {
  machines: (number | 'trace')[];
  overcommit: number[];
  seeds: number[];
  policies: PolicyName[];
  /** machines × overcommit × seeds × policies. */
  configurations: number;
  /** How many of them finished (less than `configurations` only when interrupted). */
  completed: number;
}

/** A sweep's result: a {@link ReplayReport} plus the grid it covered. */
export interface SweepReport extends ReplayReport {
  sweep: SweepGrid;
}

/** Type guard: does this report come from {@link sweep}? */
export function isSweepReport(report: ReplayReport): report is SweepReport {
  return typeof (report as Partial<SweepReport>).sweep === 'object' && (report as Partial<SweepReport>).sweep !== null;
}
