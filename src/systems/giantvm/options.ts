/**
 * The options of {@link replay} and {@link sweep}, and the one place they are
 * checked: {@link resolveReplayOptions} and {@link resolveSweepOptions} turn
 * what a caller passed into resolved, typed values (every configuration
 * through `defaultParams`) before any work starts; the layers below (trace
 * loading, scheduling, the pool, the workers) take those values as they are.
 * Every rejection is a `FairfitError('INVALID_OPTION')` naming the option.
 *
 * @module
 */
import type { ReplayInput } from '../../model/tasks.ts';
import { resolveQueueOptions, type QueueOptions, type ResolvedQueueOptions } from '../../queue/queue-options.ts';
import { checkInteger, checkKeys, checkValues, checkWorkers, invalid, parseRange } from '../../runner/checks.ts';
import { didYouMean, optionNames, shown, unknownKey } from '../../errors.ts';
import { checkSeed, SEED_MAX } from '../../rng.ts';
import { defaultParams, type ResolvedParams } from './replay-params.ts';
import { ReplayPool } from './replay-pool.ts';
import { checkMaxSkipped, type TraceReadOptions } from './trace.ts';
import { POLICIES, PRESETS, type PolicyName, type PresetName, type ReplayParams, type SweepGrid } from './types.ts';

/** The replay parameters an option object may set (everything but `policy`). */
export const PARAM_KEYS = ['machines', 'cellSize', 'interval', 'capacity', 'overcommit', 'seed', 'usage', 'tick', 'usageRatio', 'minMove',
  'tasks', 'time0', 'arrival', 'delay', 'migratedRequest', 'destinationCheck', 'memOrder', 'gini'] as const;

/** Most seeds a sweep may ask for by count. */
export const MAX_SEEDS = 1000;

/** Options of {@link replay}: the trace, the policies, and any {@link ReplayParams} to override (`DEFAULT_PARAMS` otherwise). */
export interface ReplayOptions extends Partial<Omit<ReplayParams, 'policy'>> {
  /** A Google 2011 trace folder or an SWF log (the format is detected), or a {@link ReplayInput} already in memory. */
  trace: string | ReplayInput;
  /** `'all'` (default: the eight policies) or a list, run in the given order. */
  policies?: PolicyName[] | 'all';
  /** A named set of regime choices ({@link PRESETS}); parameters given explicitly override it. */
  preset?: PresetName;
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
  /**
   * Run on a Redis-backed BullMQ queue served by `fairfit worker` processes on
   * any number of machines, instead of in this process: a `redis://[USER:PASSWORD@]HOST[:PORT][/DB]`
   * URL or {@link QueueOptions}. `trace` must then be a path, a folder or an SWF log
   * (each worker reads its own copy, checked by content hash); `workers` and `pool`
   * are not allowed. The report is byte-identical to a local run.
   */
  queue?: string | QueueOptions;
}

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

/** Options of `replay()` or `sweep()` after checking: every configuration resolved, in run order. */
export interface ResolvedReplayOptions {
  trace: string | ReplayInput;
  read: TraceReadOptions;
  /** The configurations, in the order their runs appear in the report. */
  configs: ResolvedParams[];
  /** Which optional trace tables the configurations use. */
  needs: { usage: boolean; machineEvents: boolean };
  workers: number;
  pool?: ReplayPool;
  /** Run on this queue instead of in this process. */
  queue?: ResolvedQueueOptions;
  series: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** {@link ResolvedReplayOptions} of a sweep, with the grid it covers. */
export interface ResolvedSweepOptions extends ResolvedReplayOptions {
  grid: Omit<SweepGrid, 'configurations' | 'completed'>;
}

const REPLAY_KEYS = new Set<string>(['trace', 'policies', 'preset', 'workers', 'signal', 'onProgress', 'read', 'pool', 'series', 'queue', ...PARAM_KEYS]);
const SWEEP_KEYS = new Set<string>([...REPLAY_KEYS, 'seeds']);

/**
 * Resolves a policy selection: `'all'` (or undefined) → the eight policies in
 * their canonical order ({@link POLICIES}); otherwise a list (array, or
 * comma-separated string) of policy names, kept in the caller's order,
 * duplicates rejected.
 */
export function parsePolicies(value: PolicyName[] | readonly string[] | string | undefined, field = 'policy'): PolicyName[] {
  if (value === undefined || value === 'all') return [...POLICIES];
  // null was "value is not iterable" (a TypeError).
  if (typeof value !== 'string' && !Array.isArray(value)) invalid(field, `expected 'all', a comma-separated list or an array of policy names, got ${shown(value)}`);
  const names = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : [...value];
  if (names.length === 0) invalid(field, 'at least one policy is required');
  const seen = new Set<string>();
  for (const [i, name] of names.entries()) {
    // 'all' is a whole list by itself: in a list it reads as a mistake, not an unknown name.
    if (name === 'all') invalid(field, `'all' stands for every policy and cannot be listed with others (position ${i}): give 'all' alone, or the policies themselves`, { index: i });
    if (typeof name !== 'string' || !(POLICIES as readonly string[]).includes(name)) {
      invalid(field, `unknown policy ${shown(name)} at position ${i}; expected 'all' or a comma-separated list of ${POLICIES.join(', ')}`, { index: i });
    }
    if (seen.has(name)) invalid(field, `policy '${name}' is listed twice`, { index: i });
    seen.add(name);
  }
  return names as PolicyName[];
}

/** The keys of {@link TraceReadOptions} (the compiler checks the list is whole). */
const READ_KEYS = optionNames<TraceReadOptions>()('strict', 'taskEventParts', 'maxSkipped', 'usageRead', 'onRead');

/**
 * Validates the read options: no key but {@link READ_KEYS} (a misspelt `maxSkiped: 0` was ignored and the
 * trace read with no damage limit), `strict` a boolean, and the ones that have a range.
 */
function checkRead(read: TraceReadOptions | undefined, trace: unknown): TraceReadOptions {
  if (read === undefined) return {};
  if (read === null || typeof read !== 'object' || Array.isArray(read)) invalid('read', 'expected an object');
  const key = unknownKey(read, READ_KEYS);
  if (key !== undefined) invalid(`read.${key}`, `not an option of read${didYouMean(key, READ_KEYS)} (known: ${READ_KEYS.join(', ')})`);
  // Nothing is read from a trace in memory: a read option given with one would be ignored (onRead never called).
  const given = READ_KEYS.find((k) => (read as Record<string, unknown>)[k] !== undefined);
  if (given !== undefined && typeof trace !== 'string') invalid(`read.${given}`, 'applies to reading a trace path; this trace is a ReplayInput already in memory');
  if (read.strict !== undefined && typeof read.strict !== 'boolean') invalid('read.strict', `must be true or false, got ${shown(read.strict)}`);
  checkMaxSkipped(read.maxSkipped);
  if (read.taskEventParts !== undefined) checkInteger(read.taskEventParts, 'read.taskEventParts', 1, Number.MAX_SAFE_INTEGER);
  if (read.usageRead !== undefined && read.usageRead !== 'stream' && read.usageRead !== 'whole') invalid('read.usageRead', `must be 'stream' or 'whole', got ${shown(read.usageRead)}`);
  if (read.onRead !== undefined && typeof read.onRead !== 'function') invalid('read.onRead', 'expected a function');
  return read;
}

/** Validates the `series` switch. */
export function checkSeries(series: unknown): boolean {
  if (series === undefined) return true;
  if (typeof series !== 'boolean') invalid('series', `must be true or false, got ${shown(series)}`);
  return series;
}

/**
 * Validates `signal` (an AbortSignal) and `onProgress` (a function): a wrong one failed with a
 * TypeError once the trace was read, or only on worker threads (`signal: {}` was ignored in this
 * thread), instead of before any work.
 */
function checkSignalAndProgress(options: { signal?: unknown; onProgress?: unknown }): void {
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) invalid('signal', `expected an AbortSignal, got ${shown(options.signal)}`);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') invalid('onProgress', `expected a function, got ${shown(options.onProgress)}`);
}

/** Validates `workers` together with an optional existing `pool`. */
export function checkPool(workers: unknown, pool: unknown): { workers: number; pool?: ReplayPool } {
  if (pool === undefined) return { workers: checkWorkers(workers) };
  if (!(pool instanceof ReplayPool)) invalid('pool', 'expected a ReplayPool');
  if (pool.isClosed) invalid('pool', 'this ReplayPool is closed');
  if (workers !== undefined && workers !== pool.workers) invalid('workers', `is ${String(workers)} but the pool has ${pool.workers} workers`);
  return { workers: pool.workers, pool };
}

/** Checks the `queue` option: its URL and settings, a trace path, no `pool`. */
export function checkQueue(queue: unknown, trace: unknown, pool: unknown, workers: unknown): ResolvedQueueOptions | undefined {
  if (queue === undefined) return undefined;
  const resolved = resolveQueueOptions(queue as string | QueueOptions);
  if (pool !== undefined) invalid('pool', 'a queue run uses the workers of the queue, not a ReplayPool');
  // It would change nothing (it was accepted and ignored; the command line refused it).
  if (workers !== undefined) invalid('workers', "does not take effect with queue: the queue's `fairfit worker` processes run the jobs (give them threads instead)");
  if (typeof trace !== 'string') invalid('trace', 'a queue run needs a trace path, a Google folder or an SWF log (each worker reads its own copy), not a ReplayInput in memory');
  return resolved;
}

/** The parameters of a preset (none when `preset` is undefined). */
export function presetParams(preset: unknown): Partial<ReplayParams> {
  if (preset === undefined) return {};
  if (typeof preset !== 'string' || !Object.hasOwn(PRESETS, preset)) invalid('preset', `must be one of ${Object.keys(PRESETS).join(', ')}, got ${JSON.stringify(preset) ?? String(preset)}`);
  return { ...PRESETS[preset as PresetName] };
}

/** The parameter overrides present in `options` (undefined values left out), over the preset's when `options.preset` names one. */
export function paramOverrides(options: Partial<ReplayParams> & { preset?: unknown }): Partial<ReplayParams> {
  const out: Record<string, unknown> = { ...presetParams(options.preset) };
  for (const k of PARAM_KEYS) if (options[k] !== undefined) out[k] = options[k];
  return out as Partial<ReplayParams>;
}

/**
 * Refuses a value swept twice (`machines: [40, 80, 80]` would run 80 twice and weigh it
 * double in the per-policy means), as a policy listed twice is refused.
 */
function distinct<T>(values: T[], field: string): T[] {
  const seen = new Set<T>();
  for (const [i, v] of values.entries()) {
    if (seen.has(v)) invalid(field, `${shown(v)} is listed twice; each value is run once`, { index: i });
    seen.add(v);
  }
  return values;
}

function machineValues(v: SweepOptions['machines']): (number | 'trace')[] {
  if (v === undefined) return [defaultParams({ policy: 'no_migration' }).machines];
  if (v === 'trace') return ['trace'];
  if (typeof v === 'string') return distinct(parseRange(v, 'machines'), 'machines');
  if (Array.isArray(v)) {
    if (v.length === 0) invalid('machines', 'empty list');
    // Each entry named by its own index (checkValues of a one-value list named it `machines[1][0]`).
    return distinct(v.map((m, i) => {
      if (m !== 'trace' && (typeof m !== 'number' || !Number.isFinite(m))) invalid(`machines[${i}]`, `must be a finite number or 'trace', got ${shown(m)}`, { index: i });
      return m;
    }), 'machines');
  }
  return [v];
}

function overcommitValues(v: SweepOptions['overcommit']): number[] {
  if (v === undefined) return [defaultParams({ policy: 'no_migration' }).overcommit];
  if (typeof v === 'string') return distinct(parseRange(v, 'overcommit'), 'overcommit');
  return distinct(checkValues(v, 'overcommit'), 'overcommit');
}

function seedValues(seeds: SweepOptions['seeds'], seed: number | undefined): number[] {
  if (Array.isArray(seeds)) {
    // A first seed means nothing next to an explicit list; ignoring it silently would hide a mistake.
    if (seed !== undefined) invalid('seed', 'give either seeds as a list, or seed with a count of seeds');
    // Each seed named by its index (`seeds[1] must be an integer …`), not as the `seed` option.
    return distinct(checkValues(seeds, 'seeds').map((s, i) => checkSeed(s, `seeds[${i}]`)), 'seeds');
  }
  const count = seeds === undefined ? 1 : checkInteger(seeds, 'seeds', 1, MAX_SEEDS);
  const base = seed === undefined ? defaultParams({ policy: 'no_migration' }).seed : checkSeed(seed, 'seed');
  // The seeds run are base … base + count − 1: the last must be a seed too, not a twin of a small one.
  if (base + count - 1 > SEED_MAX) invalid('seed', `${base} with ${count} seeds runs up to seed ${base + count - 1}, above the largest seed ${SEED_MAX}`);
  return Array.from({ length: count }, (_, i) => base + i);
}

/**
 * Checks the options of `replay()`: keys, policies, workers and pool,
 * the series switch, then one configuration per policy.
 *
 * @throws FairfitError `INVALID_OPTION` naming the first bad option.
 */
export function resolveReplayOptions(options: ReplayOptions): ResolvedReplayOptions {
  checkKeys(options, REPLAY_KEYS, 'replay');
  checkSignalAndProgress(options);
  const policies = parsePolicies(options.policies, 'policies');
  const { workers, pool } = checkPool(options.workers, options.pool);
  const series = checkSeries(options.series);
  const overrides = paramOverrides(options);
  const configs = policies.map((policy) => defaultParams({ ...overrides, policy }));
  const first = configs[0]!;
  return {
    trace: options.trace,
    read: checkRead(options.read, options.trace),
    configs,
    needs: { usage: first.usage === 'trace', machineEvents: first.machines === 'trace' },
    workers,
    pool,
    queue: checkQueue(options.queue, options.trace, options.pool, options.workers),
    series,
    signal: options.signal,
    onProgress: options.onProgress,
  };
}

/**
 * Checks the options of `sweep()`: like {@link resolveReplayOptions}, then
 * the swept values, then every configuration of the grid (machines →
 * overcommit → seed → policy, policy varying fastest).
 *
 * @throws FairfitError `INVALID_OPTION` naming the first bad option.
 */
export function resolveSweepOptions(options: SweepOptions): ResolvedSweepOptions {
  checkKeys(options, SWEEP_KEYS, 'sweep');
  checkSignalAndProgress(options);
  const policies = parsePolicies(options.policies, 'policies');
  const { workers, pool } = checkPool(options.workers, options.pool);
  const series = checkSeries(options.series);
  const machines = machineValues(options.machines);
  const overcommit = overcommitValues(options.overcommit);
  const seeds = seedValues(options.seeds, options.seed);
  const base = paramOverrides({ ...options, machines: undefined, overcommit: undefined, seed: undefined } as Partial<ReplayParams>);
  const configs: ResolvedParams[] = [];
  for (const m of machines) for (const o of overcommit) for (const s of seeds) for (const policy of policies) {
    configs.push(defaultParams({ ...base, machines: m, overcommit: o, seed: s, policy }));
  }
  const first = configs[0]!;
  const queue = checkQueue(options.queue, options.trace, options.pool, options.workers);
  // A sweep's queue jobs are its policy groups, whole; only a replay splits a configuration into cell ranges.
  if (typeof options.queue === 'object' && options.queue !== null && options.queue.parts !== undefined) {
    invalid('queue.parts', "only a replay() splits a configuration into cell ranges; a sweep's jobs are whole policy groups, so parts would change nothing");
  }
  return {
    trace: options.trace,
    read: checkRead(options.read, options.trace),
    configs,
    needs: { usage: first.usage === 'trace', machineEvents: machines.includes('trace') },
    workers,
    pool,
    queue,
    series,
    signal: options.signal,
    onProgress: options.onProgress,
    grid: { machines, overcommit, seeds, policies },
  };
}
