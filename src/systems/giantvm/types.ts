/**
 * The vocabulary of the GiantVM cell-rebalancing replay (docs/model.md "Trace
 * replay (GiantVM)"): policy names, usage modes, replay parameters, one run's
 * result, and the reports {@link replay} and {@link sweep} return. Plain types
 * and constant lists only, so the WebAssembly driver, its reference, the
 * drivers, the writers and the CLI can share them without importing each other.
 *
 * @module
 */

/** The eight rebalancing policies, in canonical order (docs/model.md). */
export const POLICIES = [
  'no_migration',
  'coarse_grained',
  'fine_grained',
  'cpu_request',
  'cpu_usage',
  'mem_usage',
  'cpu_usage_desc',
  'cache_misses',
] as const;

/** A rebalancing policy name. */
export type PolicyName = (typeof POLICIES)[number];

/** Where task CPU and memory come from, in the order help texts list them (docs/model.md usage model). */
export const USAGE_MODES = ['trace', 'request', 'synthetic'] as const;

/** A usage mode. */
export type UsageMode = (typeof USAGE_MODES)[number];

/** Parameters of one replay run (defaults in `DEFAULT_PARAMS`). */
export interface ReplayParams {
  policy: PolicyName;
  /** Number of identical machines, or `'trace'` for the machines of machine_events. Default 800. */
  machines: number | 'trace';
  /** Machines per cell. Default 4. */
  cellSize: number;
  /** Rebalance every `interval` ticks. Default 10. */
  interval: number;
  /** CPU capacity of a machine (normalised). Default 0.5. */
  capacity: number;
  /** Admission: Σ request × overcommit ≤ capacity. Default 1.0. */
  overcommit: number;
  /** Seed of the PRNG (machine choice, synthetic usage). Default 1. */
  seed: number;
  /** Usage mode. Default 'trace' (falls back per task to the request, docs/model.md). */
  usage: UsageMode;
  /** Tick length in µs (the thesis's time step; it is silent, docs/model.md). Default 1e6 (1 s). */
  tick?: number;
  /** `usage: 'request'` (and its fall-back): CPU = cpuRequest × usageRatio. Default 0.18. */
  usageRatio?: number;
  /** Fine-grained usefulness: a move to one node happens only if its moved CPU exceeds this. Default 0.005. */
  minMove?: number;
}

/** Scalar results of one run. */
export interface RunMetrics {
  meanCpu: number;
  gini: number;
  overcommit: number;
  delay: number;
  stretch: number;
  migratedMemory: number;
  migrations: number;
  /** Share of migrated tasks that went to the least-loaded node of their cell (fig. 5-8); 0 without migrations. */
  firstShare?: number;
  /** Share that went to the second least-loaded node (fine-grained policies only). */
  secondShare?: number;
}

/** One replay run as it appears in the JSON output. */
export interface RunResult {
  policy: PolicyName;
  params: ReplayParams;
  metrics: RunMetrics;
  /** Time series, each the same length as `time`. */
  series: Record<string, number[]>;
  /** Modes and counts of the run (usage resolution, machines, events, unfinished tasks…). */
  info?: Record<string, number | string>;
}

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
