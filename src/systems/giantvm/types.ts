/**
 * The vocabulary of the GiantVM cell-rebalancing replay (docs/model.md "Trace
 * replay (GiantVM)"): policy names, usage modes, replay parameters, one run's
 * result, and the reports {@link replay} and {@link sweep} return. Plain types
 * and constant lists only, so the WebAssembly driver, its reference, the
 * drivers, the writers and the CLI can share them without importing each other.
 *
 * @module
 */

/**
 * The eight rebalancing policies, in canonical order (docs/model.md). This list and the lists of
 * choices below are frozen: a host's `POLICIES.sort()` reordered every later `'all'` run.
 */
export const POLICIES = Object.freeze([
  'no_migration',
  'coarse_grained',
  'fine_grained',
  'cpu_request',
  'cpu_usage',
  'mem_usage',
  'cpu_usage_desc',
  'cache_misses',
] as const);

/** A rebalancing policy name. */
export type PolicyName = (typeof POLICIES)[number];

/** Where task CPU and memory come from, in the order help texts list them (docs/model.md usage model). */
export const USAGE_MODES = Object.freeze(['trace', 'request', 'synthetic'] as const);

/** A usage mode. */
export type UsageMode = (typeof USAGE_MODES)[number];

/** Parameters of one replay run (defaults in `DEFAULT_PARAMS`). */
export interface ReplayParams {
  policy: PolicyName;
  /** Number of identical machines, or `'trace'` for the machines of machine_events. Default 800. */
  machines: number | 'trace';
  /** Machines per cell. Default 4. */
  cellSize: number;
  /** Rebalance every `interval` ticks, at most 10^8 (the longest window). Default 10. */
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
  /** Fine-grained usefulness: a move to one node happens only if its moved CPU exceeds this (0 allowed). Default 0.005. */
  minMove?: number;
  /** Which trace tasks take part: every task (`'all'`, default), only those whose run ends inside the window (`'ended'`), or only those whose run ends inside it by FINISH (`'finished'`, the thesis's SCHEDULE → FINISH durations taken literally). */
  tasks?: TaskSelection;
  /** Tasks submitted at or before the trace start: `'queue'` (default) through admission like every SUBMIT, or `'running'` (started at tick 0 without the admission check). */
  time0?: Time0Rule;
  /** Arrival of a task submitted inside a tick: `'tick'` (default) that tick, or `'boundary'` the first tick starting at or after its submit (stretch ≥ 1 by construction). */
  arrival?: ArrivalRule;
  /** Tasks the delay and stretch average over: `'finished'` (default) or `'all'` (unfinished ones counted to the window end plus their remaining work). */
  delay?: DelayRule;
  /** Whose admission ledger holds a migrated task's request: `'follows'` the task (default) or `'stays'` on the machine that admitted it until it ends. */
  migratedRequest?: MigratedRequestRule;
  /** What a migration checks at the destination: `'usage'` only (default, as the thesis) or also its `'request'` total against the capacity. */
  destinationCheck?: DestinationCheck;
  /** Sort direction of the memory-ordered policies (`mem_usage`, `cache_misses`): `'asc'` (default) or `'desc'`. */
  memOrder?: MemOrder;
  /** The Gini metric: of each machine's `'time-mean'` utilisation (default), or the `'series-mean'` of each series point's Gini. */
  gini?: GiniRule;
}

/** `ReplayParams.tasks` values. */
export const TASK_SELECTIONS = Object.freeze(['all', 'ended', 'finished'] as const);
/** Which trace tasks take part. */
export type TaskSelection = (typeof TASK_SELECTIONS)[number];
/** `ReplayParams.time0` values. */
export const TIME0_RULES = Object.freeze(['queue', 'running'] as const);
/** How tasks submitted at or before the trace start begin. */
export type Time0Rule = (typeof TIME0_RULES)[number];
/** `ReplayParams.arrival` values. */
export const ARRIVAL_RULES = Object.freeze(['tick', 'boundary'] as const);
/** The tick a task submitted inside a tick arrives at. */
export type ArrivalRule = (typeof ARRIVAL_RULES)[number];
/** `ReplayParams.delay` values. */
export const DELAY_RULES = Object.freeze(['finished', 'all'] as const);
/** Tasks the delay and stretch average over. */
export type DelayRule = (typeof DELAY_RULES)[number];
/** `ReplayParams.migratedRequest` values. */
export const MIGRATED_REQUEST_RULES = Object.freeze(['follows', 'stays'] as const);
/** Whose admission ledger holds a migrated task's request. */
export type MigratedRequestRule = (typeof MIGRATED_REQUEST_RULES)[number];
/** `ReplayParams.destinationCheck` values. */
export const DESTINATION_CHECKS = Object.freeze(['usage', 'request'] as const);
/** What a migration checks at the destination. */
export type DestinationCheck = (typeof DESTINATION_CHECKS)[number];
/** `ReplayParams.memOrder` values. */
export const MEM_ORDERS = Object.freeze(['asc', 'desc'] as const);
/** Sort direction of the memory-ordered policies. */
export type MemOrder = (typeof MEM_ORDERS)[number];
/** `ReplayParams.gini` values. */
export const GINI_RULES = Object.freeze(['time-mean', 'series-mean'] as const);
/** How the Gini metric is taken. */
export type GiniRule = (typeof GINI_RULES)[number];

/**
 * Named sets of regime choices. `thesis`: the GiantVM thesis's regime
 * (docs/model.md, "The thesis's regime"): tasks whose run ends inside the
 * window, time-0 tasks queued like every SUBMIT, arrivals at tick boundaries,
 * the delay averaged over all tasks. The open rules keep their defaults.
 */
export const PRESETS = Object.freeze({
  thesis: Object.freeze({ tasks: 'ended', time0: 'queue', arrival: 'boundary', delay: 'all' } as const),
} as const satisfies Record<string, Partial<ReplayParams>>);

/** A preset name. */
export type PresetName = keyof typeof PRESETS;

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
  /**
   * Share that went to the second least-loaded node of their cell. Only `fine_grained` and its sorted
   * variants (every policy but `no_migration` and `coarse_grained`, which moves to the least-loaded node
   * alone) move tasks there: 0 for the other two, and 0 without migrations.
   */
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
  /**
   * A replay's policies as asked for, in run order, whether or not their runs finished (absent from a
   * sweep, whose grid lists them in `sweep.policies`, and from a report written before replay() kept them).
   */
  policies?: PolicyName[];
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
  return typeof report === 'object' && report !== null && typeof (report as Partial<SweepReport>).sweep === 'object' && (report as Partial<SweepReport>).sweep !== null;
}
