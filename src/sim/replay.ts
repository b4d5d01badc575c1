/**
 * The public replay API: replay a trace through one or more GiantVM
 * rebalancing policies (SPEC §6), in this thread or across worker threads,
 * and get every run's metrics and time series in a fixed order.
 *
 * ```ts
 * import { replay } from 'fairfit';
 * const report = await replay({ trace: 'path/to/google2011', policies: 'all', machines: 800, workers: 2 });
 * for (const run of report.runs) console.log(run.policy, run.metrics.gini);
 * ```
 *
 * @module
 */
import type { ReplayInput } from '../model/tasks.ts';
import { defaultParams } from '../systems/giantvm/replay.ts';
import type { PolicyName, ReplayParams } from '../systems/giantvm/types.ts';
import { checkWorkers, invalid, parsePolicies } from './options.ts';
import { ReplayPool } from './pool.ts';
import { runConfigurations } from './run.ts';
import { loadTrace, traceRecord, type TraceReadOptions } from './trace.ts';
import type { ReplayReport } from './types.ts';

export type { ReplayReport, SweepReport, SweepGrid } from './types.ts';

/** The replay parameters an option object may set (everything but `policy`). */
export const PARAM_KEYS = ['machines', 'cellSize', 'interval', 'capacity', 'overcommit', 'seed', 'usage', 'tick', 'usageRatio', 'minMove'] as const;

/** Options of {@link replay}: the trace, the policies, and any {@link ReplayParams} to override (SPEC §6 defaults otherwise). */
export interface ReplayOptions extends Partial<Omit<ReplayParams, 'policy'>> {
  /** A Google 2011 trace folder, or a {@link ReplayInput} already in memory. */
  trace: string | ReplayInput;
  /** `'all'` (default: the eight policies) or a list, run in the given order. */
  policies?: PolicyName[] | 'all';
  /** Worker threads (default 1: this thread). Results are identical for any value. */
  workers?: number;
  /** Abort to stop: the promise then resolves with the finished runs and `interrupted: true`. */
  signal?: AbortSignal;
  /** Called as runs progress; `done` counts finished runs and may be fractional within one. */
  onProgress?: (done: number, total: number) => void;
  /** Keep every run's time series (default true); `false` gives `series: {}` (metrics only, far less memory). */
  series?: boolean;
  /** How to read a trace folder. */
  read?: TraceReadOptions;
  /**
   * Run on this existing pool (it stays open; the caller closes it) instead of
   * starting one for the call: saves the worker start-up across many calls.
   * `workers` then defaults to, and must equal, `pool.workers`.
   */
  pool?: ReplayPool;
}

const REPLAY_KEYS = new Set<string>(['trace', 'policies', 'workers', 'signal', 'onProgress', 'read', 'pool', 'series', ...PARAM_KEYS]);

/** Validates the `series` switch. */
export function checkSeries(series: unknown): boolean {
  if (series === undefined) return true;
  if (typeof series !== 'boolean') invalid('series', `must be true or false, got ${String(series)}`);
  return series;
}

/** Validates `workers` together with an optional existing `pool`. */
export function checkPool(workers: unknown, pool: unknown): { workers: number; pool?: ReplayPool } {
  if (pool === undefined) return { workers: checkWorkers(workers) };
  if (!(pool instanceof ReplayPool)) invalid('pool', 'expected a ReplayPool');
  if (pool.isClosed) invalid('pool', 'this ReplayPool is closed');
  if (workers !== undefined && workers !== pool.workers) invalid('workers', `is ${String(workers)} but the pool has ${pool.workers} workers`);
  return { workers: pool.workers, pool };
}

/** Rejects option keys nobody reads (a misspelt `overcomit` must not silently run the default). */
export function checkKeys(options: object, allowed: Set<string>, what: string): void {
  if (options === null || typeof options !== 'object') invalid(what, 'expected an options object');
  for (const key of Object.keys(options)) {
    if (!allowed.has(key)) invalid(key, `unknown ${what} option (known: ${[...allowed].join(', ')})`);
  }
}

/** The parameter overrides present in `options` (undefined values left out). */
export function paramOverrides(options: Partial<ReplayParams>): Partial<ReplayParams> {
  const out: Record<string, unknown> = {};
  for (const k of PARAM_KEYS) if (options[k] !== undefined) out[k] = options[k];
  return out as Partial<ReplayParams>;
}

/**
 * Replays a trace with each selected policy. All options are validated before
 * any work (a rejected call reads nothing and starts no thread); runs come back
 * in policy order; the same options give byte-identical JSON whatever
 * `workers` is.
 *
 * @throws FairfitError `INVALID_OPTION` naming the option; the reader's
 *   `FILE_NOT_FOUND` / `PARSE_ERROR` / `CORRUPT_INPUT`; `WORKER_FAILED`.
 */
export async function replay(options: ReplayOptions): Promise<ReplayReport> {
  checkKeys(options, REPLAY_KEYS, 'replay');
  const policies = parsePolicies(options.policies, 'policies');
  const { workers, pool } = checkPool(options.workers, options.pool);
  const series = checkSeries(options.series);
  const overrides = paramOverrides(options);
  const configs = policies.map((policy) => defaultParams({ ...overrides, policy }));
  const first = configs[0]!;
  const input = await loadTrace(options.trace, { usage: first.usage === 'trace', machineEvents: first.machines === 'trace' }, options.read);
  const { results, interrupted } = await runConfigurations(input, configs, { workers, pool, series, signal: options.signal, onProgress: options.onProgress });
  const report: ReplayReport = {
    trace: traceRecord(input, { usage: first.usage, machines: first.machines, seed: first.seed }),
    runs: results.filter((r) => r !== undefined),
  };
  if (interrupted) report.interrupted = true;
  return report;
}
