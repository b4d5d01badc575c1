/**
 * Parameter sweeps (SPEC §6 "Sweeps"): every combination of machines ×
 * overcommit ratio × seed × policy over one trace, run across worker threads.
 * Runs are ordered machines → overcommit → seed → policy (policy varies
 * fastest), whatever order the workers finish in.
 *
 * @module
 */
import { defaultParams } from '../systems/giantvm/replay.ts';
import type { ReplayParams } from '../systems/giantvm/types.ts';
import { checkInteger, checkValues, invalid, parsePolicies, parseRange } from './options.ts';
import { checkKeys, checkPool, checkSeries, paramOverrides, PARAM_KEYS, type ReplayOptions } from './replay.ts';
import { runConfigurations } from './run.ts';
import { loadTrace, traceRecord } from './trace.ts';
import type { SweepReport } from './types.ts';

/** Most seeds a sweep may ask for by count. */
export const MAX_SEEDS = 1000;

/** Options of {@link sweep}: like {@link ReplayOptions}, but machines, overcommit and seeds take several values. */
export interface SweepOptions extends Omit<ReplayOptions, 'machines' | 'overcommit' | 'seed'> {
  /** Machine counts: a number, `'trace'`, a list, or a range `'700:900:100'`. Default 800. */
  machines?: number | 'trace' | (number | 'trace')[] | string;
  /** Overcommit ratios: a number, a list, or a range `'0.5:1.4:0.3'`. Default 1.0. */
  overcommit?: number | number[] | string;
  /** A count (`seed`, `seed + 1`, … `seed + seeds − 1`) or an explicit list. Default 1. */
  seeds?: number | number[];
  /** First seed when `seeds` is a count. Default 1. */
  seed?: number;
}

const SWEEP_KEYS = new Set<string>(['trace', 'policies', 'workers', 'signal', 'onProgress', 'read', 'pool', 'series', 'seeds', ...PARAM_KEYS]);

function machineValues(v: SweepOptions['machines']): (number | 'trace')[] {
  if (v === undefined) return [defaultParams({ policy: 'no_migration' }).machines];
  if (v === 'trace') return ['trace'];
  if (typeof v === 'string') return parseRange(v, 'machines');
  if (Array.isArray(v)) {
    if (v.length === 0) invalid('machines', 'empty list');
    return v.map((m, i) => (m === 'trace' ? 'trace' : checkValues([m], `machines[${i}]`)[0]!));
  }
  return [v];
}

function overcommitValues(v: SweepOptions['overcommit']): number[] {
  if (v === undefined) return [defaultParams({ policy: 'no_migration' }).overcommit];
  if (typeof v === 'string') return parseRange(v, 'overcommit');
  return checkValues(v, 'overcommit');
}

function seedValues(seeds: SweepOptions['seeds'], seed: number | undefined): number[] {
  if (Array.isArray(seeds)) {
    // A first seed means nothing next to an explicit list; ignoring it silently would hide a mistake.
    if (seed !== undefined) invalid('seed', 'give either seeds as a list, or seed with a count of seeds');
    return checkValues(seeds, 'seeds');
  }
  const count = seeds === undefined ? 1 : checkInteger(seeds, 'seeds', 1, MAX_SEEDS);
  const base = seed ?? defaultParams({ policy: 'no_migration' }).seed;
  return Array.from({ length: count }, (_, i) => base + i);
}

/**
 * Runs a sweep. Every configuration is validated (by `defaultParams`) before
 * any work starts; same options → byte-identical JSON whatever `workers` is.
 * On abort, resolves with the finished configurations (in order),
 * `interrupted: true` and `sweep.completed` < `sweep.configurations`.
 */
export async function sweep(options: SweepOptions): Promise<SweepReport> {
  checkKeys(options, SWEEP_KEYS, 'sweep');
  const policies = parsePolicies(options.policies, 'policies');
  const { workers, pool } = checkPool(options.workers, options.pool);
  const series = checkSeries(options.series);
  const machines = machineValues(options.machines);
  const overcommit = overcommitValues(options.overcommit);
  const seeds = seedValues(options.seeds, options.seed);
  const base = paramOverrides({ ...options, machines: undefined, overcommit: undefined, seed: undefined } as Partial<ReplayParams>);
  const configs: ReplayParams[] = [];
  for (const m of machines) for (const o of overcommit) for (const s of seeds) for (const policy of policies) {
    configs.push(defaultParams({ ...base, machines: m, overcommit: o, seed: s, policy }));
  }
  const first = configs[0]!;
  const input = await loadTrace(options.trace, { usage: first.usage === 'trace', machineEvents: machines.includes('trace') }, options.read);
  const { results, interrupted } = await runConfigurations(input, configs, { workers, pool, series, signal: options.signal, onProgress: options.onProgress });
  const runs = results.filter((r) => r !== undefined);
  const report: SweepReport = {
    trace: traceRecord(input, { usage: first.usage, machines, seeds }),
    sweep: { machines, overcommit, seeds, policies, configurations: configs.length, completed: runs.length },
    runs,
  };
  if (interrupted) report.interrupted = true;
  return report;
}
