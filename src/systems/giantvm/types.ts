/**
 * The GiantVM cell-rebalancing study (SPEC §6, seed 004 ch. 4–5): the policy
 * names, replay parameters and run results shared by the WebAssembly replay,
 * its TypeScript reference, the sweep driver, the CLI and the report.
 *
 * @module
 */

/** The eight policies of SPEC §6. */
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

/** Where task CPU and memory come from (SPEC §6 usage model). */
export type UsageMode = 'trace' | 'request' | 'synthetic';

/** Parameters of one replay run (defaults from SPEC §6). */
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
  /** Usage mode. Default 'trace' (falls back per task as SPEC §6 says). */
  usage: UsageMode;
  /** Tick length in µs (the thesis's time step; it is silent, docs/model.md). Default 1e6 (1 s). Added by replay-core. */
  tick?: number;
  /** `usage: 'request'` (and its fall-back): CPU = cpuRequest × usageRatio. Default 0.18. Added by replay-core. */
  usageRatio?: number;
  /** Fine-grained usefulness: a move to one node happens only if its moved CPU exceeds this. Default 0.005. Added by replay-core. */
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
  /** Modes and counts of the run (usage resolution, machines, events, unfinished tasks…). Added by replay-core. */
  info?: Record<string, number | string>;
}
