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
}

/** One replay run as it appears in the JSON output. */
export interface RunResult {
  policy: PolicyName;
  params: ReplayParams;
  metrics: RunMetrics;
  /** Time series, each the same length as `time`. */
  series: Record<string, number[]>;
}
