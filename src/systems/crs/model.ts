/**
 * The CRS rebalancing model (seed 002; SPEC §5; docs/model.md "CRS
 * rebalancing"): what a host application hands over (hosts, course VMs, their
 * mean use over the decision period), the options of the planners with their
 * documented defaults, and the pure formulas — utilisation classes, the
 * load-decision value De, migrateValue — that both planners (WebAssembly and
 * plain TypeScript) implement with the same floating-point expressions.
 *
 * @module
 */
import { checkFinite, checkOptionNames, didYouMean, FairfitError, shown } from '../../errors.ts';
import type { Course } from './timetable.ts';

/** A physical host: its capacity (cores, GB) and what runs on it besides the VMs. */
export interface CrsHost {
  /** Unique name. */
  name: string;
  /** Cores. */
  cpu: number;
  /** Memory (GB). */
  mem: number;
  /** Mean use over the period by the host itself, not by any VM (cores, GB); default 0. */
  base?: { cpu: number; mem: number };
}

/** Mean use over the decision period, or the samples it is the mean of. */
export type UseValue = number | number[];

/** A VM (a course VM when `course` is set): its allocation, where it runs, its mean use over T. */
export interface CrsVm {
  /** Unique name. */
  name: string;
  /** Name of the host it runs on. */
  host: string;
  /** Allocated vCPUs. */
  cpu: number;
  /** Allocated memory (GB). */
  mem: number;
  /** Name of its course in {@link RebalanceInput.courses} (no course: no timetable, GOFit 1 everywhere). */
  course?: string;
  /** Mean use over T: active cores (RVcpu) and used GB (RVmem); an array is a series of samples over T, averaged. */
  use: { cpu: UseValue; mem: UseValue };
}

/** What `planRebalance` plans from: hosts, courses, VMs and their recent use. */
export interface RebalanceInput {
  hosts: CrsHost[];
  courses?: Course[];
  vms: CrsVm[];
}

/** The planners: CRS (seed 002), OpenStack SimpleScheduler (fewest used cores) and First Fit. */
export const REBALANCE_ALGORITHMS = ['crs', 'ss', 'ff'] as const;
/** One planner. */
export type RebalanceAlgorithm = (typeof REBALANCE_ALGORITHMS)[number];

/** A value per dimension. */
export interface CpuMem {
  cpu: number;
  mem: number;
}

/** Options of `planRebalance`; every field has a documented default. */
export interface RebalanceOptions {
  /** Default `'crs'`. */
  algorithm?: RebalanceAlgorithm;
  /** High thresholds H as fractions of capacity (default cpu 0.70, mem 0.90). */
  high?: Partial<CpuMem>;
  /** Low thresholds L (default cpu 0.10, mem 0.30). */
  low?: Partial<CpuMem>;
  /** A host is high when `'any'` (default, the paper) or `'all'` dimensions reach H. */
  highWhen?: 'any' | 'all';
  /** A host is low when `'any'` (default, the paper) or `'all'` dimensions (the descheduler's reading) reach L. */
  lowWhen?: 'any' | 'all';
  /** `'inclusive'` (default, the paper: ≥ H, ≤ L) or `'strict'` (> H, < L). */
  bounds?: 'inclusive' | 'strict';
  /** migrateValue weights (default 0.5 / 0.5). */
  weights?: Partial<CpuMem>;
  /** Where VMs may go: normal hosts, then low ones when no normal host fits (default), or normal hosts only (SPEC's wording). */
  targets?: 'normal-then-low' | 'normal';
  /** Most hosts one plan empties and powers off (default 1: SPEC §5 empties "the low host with the largest De"; 0 = no energy phase). */
  maxPowerOff?: number;
  /** `'wasm'` (default) or `'reference'` (the plain-TypeScript planner, the test oracle). */
  engine?: 'wasm' | 'reference';
}

/** The options with every default filled in. */
export interface ResolvedRebalanceOptions {
  algorithm: RebalanceAlgorithm;
  high: CpuMem;
  low: CpuMem;
  highWhen: 'any' | 'all';
  lowWhen: 'any' | 'all';
  bounds: 'inclusive' | 'strict';
  weights: CpuMem;
  targets: 'normal-then-low' | 'normal';
  maxPowerOff: number;
  engine: 'wasm' | 'reference';
}

/** The defaults of {@link RebalanceOptions} (seed 002: Hcpu 70 %, Lcpu 10 %, Hmem 90 %, Lmem 30 %). */
export const REBALANCE_DEFAULTS: ResolvedRebalanceOptions = Object.freeze({
  algorithm: 'crs',
  high: Object.freeze({ cpu: 0.7, mem: 0.9 }),
  low: Object.freeze({ cpu: 0.1, mem: 0.3 }),
  highWhen: 'any',
  lowWhen: 'any',
  bounds: 'inclusive',
  weights: Object.freeze({ cpu: 0.5, mem: 0.5 }),
  targets: 'normal-then-low',
  maxPowerOff: 1,
  engine: 'wasm',
}) as ResolvedRebalanceOptions;

function bad(field: string, message: string): never {
  throw new FairfitError('INVALID_OPTION', `${field}: ${message}`, { field });
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], field: string, dflt: T): T {
  if (v === undefined) return dflt;
  if (!(allowed as readonly unknown[]).includes(v)) bad(field, `${shown(v)} is not one of ${allowed.join(', ')}`);
  return v as T;
}

function fraction(v: unknown, field: string, dflt: number, lo = 0, hi = 1): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) bad(field, `must be a number in [${lo}, ${hi}], got ${shown(v)}`);
  return v;
}

const OPTION_KEYS = new Set(['algorithm', 'high', 'low', 'highWhen', 'lowWhen', 'bounds', 'weights', 'targets', 'maxPowerOff', 'engine']);

/** `high` / `low` / `weights`: an object of cpu and/or mem (a number, null or `{ CPU }` was ignored: the defaults ran). */
function checkPair(v: unknown, field: string): void {
  if (v === undefined) return;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) bad(field, `must be an object { cpu?, mem? }, got ${Array.isArray(v) ? 'an array' : String(v)}`);
  for (const k of Object.keys(v)) if (k !== 'cpu' && k !== 'mem') bad(`${field}.${k}`, `is not a field of ${field}${didYouMean(k, ['cpu', 'mem']) || ' (it has cpu and mem)'}`);
}

/** Fills in the defaults and checks every option, naming the field at fault (`INVALID_OPTION`). */
export function resolveRebalanceOptions(o: RebalanceOptions = {}): ResolvedRebalanceOptions {
  if (o === null || typeof o !== 'object') bad('options', `must be an object, got ${String(o)}`);
  for (const k of Object.keys(o)) if (!OPTION_KEYS.has(k)) bad(k, 'unknown option');
  checkPair(o.high, 'high');
  checkPair(o.low, 'low');
  checkPair(o.weights, 'weights');
  const d = REBALANCE_DEFAULTS;
  const high = { cpu: fraction(o.high?.cpu, 'high.cpu', d.high.cpu), mem: fraction(o.high?.mem, 'high.mem', d.high.mem) };
  const low = { cpu: fraction(o.low?.cpu, 'low.cpu', d.low.cpu), mem: fraction(o.low?.mem, 'low.mem', d.low.mem) };
  // L < H per dimension, the one the caller gave named (a high given against the default low is the high's fault).
  for (const k of ['cpu', 'mem'] as const) {
    if (low[k] < high[k]) continue;
    if (o.low?.[k] === undefined && o.high?.[k] !== undefined) bad(`high.${k}`, `must be above low.${k} (${low[k]}, the default), got ${high[k]}`);
    bad(`low.${k}`, `must be below high.${k} (${high[k]}${o.high?.[k] === undefined ? ', the default' : ''}), got ${low[k]}`);
  }
  if (o.maxPowerOff !== undefined && !(Number.isSafeInteger(o.maxPowerOff) && o.maxPowerOff >= 0 && o.maxPowerOff <= 2 ** 31 - 1)) bad('maxPowerOff', `must be an integer ≥ 0, got ${shown(o.maxPowerOff)}`);
  return {
    algorithm: oneOf(o.algorithm, REBALANCE_ALGORITHMS, 'algorithm', d.algorithm),
    high,
    low,
    highWhen: oneOf(o.highWhen, ['any', 'all'] as const, 'highWhen', d.highWhen),
    lowWhen: oneOf(o.lowWhen, ['any', 'all'] as const, 'lowWhen', d.lowWhen),
    bounds: oneOf(o.bounds, ['inclusive', 'strict'] as const, 'bounds', d.bounds),
    weights: { cpu: fraction(o.weights?.cpu, 'weights.cpu', d.weights.cpu, 0, Number.MAX_VALUE), mem: fraction(o.weights?.mem, 'weights.mem', d.weights.mem, 0, Number.MAX_VALUE) },
    targets: oneOf(o.targets, ['normal-then-low', 'normal'] as const, 'targets', d.targets),
    maxPowerOff: o.maxPowerOff ?? d.maxPowerOff,
    engine: oneOf(o.engine, ['wasm', 'reference'] as const, 'engine', d.engine),
  };
}

/** A host's class in the decision period. */
export type HostClass = 'high' | 'normal' | 'low';

/** `v` an object { cpu, mem } of finite numbers (`INVALID_OPTION` / `NOT_FINITE` naming `field`): null was a TypeError, NaN or 'x' a class or value of NaN. */
function checkCpuMem(v: unknown, field: string): void {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) bad(field, `must be an object { cpu, mem }, got ${shown(v)}`);
  checkFinite((v as Partial<CpuMem>).cpu, `${field}.cpu`);
  checkFinite((v as Partial<CpuMem>).mem, `${field}.mem`);
}

/**
 * The class of a host at utilisation (cpu, mem) (fractions of capacity):
 * high when any (or all) dimension reaches H; low when not high and any (or
 * all) dimension reaches L; normal otherwise. `o`: the options as
 * {@link resolveRebalanceOptions} gives them, and checks them here.
 */
export function classifyHost(u: CpuMem, o: Pick<ResolvedRebalanceOptions, 'high' | 'low' | 'highWhen' | 'lowWhen' | 'bounds'>): HostClass {
  checkCpuMem(u, 'utilisation');
  if (o === undefined) bad('options', 'classifyHost needs the thresholds: resolveRebalanceOptions() gives the paper\'s');
  return hostClass(u, resolveRebalanceOptions(o));
}

/** {@link classifyHost} unchecked: the planners' own utilisations and resolved options. */
export function hostClass(u: CpuMem, o: Pick<ResolvedRebalanceOptions, 'high' | 'low' | 'highWhen' | 'lowWhen' | 'bounds'>): HostClass {
  const strict = o.bounds === 'strict';
  const hc = strict ? u.cpu > o.high.cpu : u.cpu >= o.high.cpu;
  const hm = strict ? u.mem > o.high.mem : u.mem >= o.high.mem;
  if (o.highWhen === 'any' ? hc || hm : hc && hm) return 'high';
  const lc = strict ? u.cpu < o.low.cpu : u.cpu <= o.low.cpu;
  const lm = strict ? u.mem < o.low.mem : u.mem <= o.low.mem;
  return (o.lowWhen === 'any' ? lc || lm : lc && lm) ? 'low' : 'normal';
}

/**
 * The load-decision value (SPEC §5, interpretation of a missing formula):
 * `De = mean_d (1 − RP_d / TP_d)` over cpu and memory; smaller = more loaded.
 */
export function loadDecisionValue(u: CpuMem): number {
  checkCpuMem(u, 'utilisation');
  return 0.5 * ((1 - u.cpu) + (1 - u.mem));
}

/**
 * migrateValue = wcpu·RVcpu + wmem·RVmem (seed 002, definition 8), with the
 * VM's mean use taken as a share of its host's capacity so that cores and GB
 * weigh alike (docs/model.md).
 */
export function migrateValue(use: CpuMem, host: CpuMem, w: CpuMem): number {
  checkCpuMem(use, 'use');
  checkCpuMem(host, 'host');
  checkCpuMem(w, 'weights');
  return w.cpu * (use.cpu / host.cpu) + w.mem * (use.mem / host.mem);
}

/**
 * The decision period `T = λ·Δt` (seed 002, definition 4): Δt is the running
 * mean of the migration times reported with {@link DecisionPeriod.reportMigration};
 * λ > 5 (default 6). Until a migration is reported Δt is `initialMigrationSeconds`
 * (default 5 s, so T = 30 s as in the paper's experiment).
 */
export class DecisionPeriod {
  readonly lambda: number;
  private sum = 0;
  private count = 0;
  private readonly initial: number;

  constructor(opts: { lambda?: number; initialMigrationSeconds?: number } = {}) {
    checkOptionNames(opts, ['lambda', 'initialMigrationSeconds'], 'DecisionPeriod');
    this.lambda = opts.lambda ?? 6;
    this.initial = opts.initialMigrationSeconds ?? 5;
    if (typeof this.lambda !== 'number' || !Number.isFinite(this.lambda) || !(this.lambda > 5)) bad('lambda', `must be a finite number > 5 (seed 002), got ${shown(opts.lambda)}`);
    if (typeof this.initial !== 'number' || !Number.isFinite(this.initial) || !(this.initial > 0)) bad('initialMigrationSeconds', `must be a finite number > 0, got ${shown(opts.initialMigrationSeconds)}`);
  }

  /** Feeds one measured migration time (s); returns the new period. */
  reportMigration(seconds: number): number {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || !(seconds > 0)) bad('seconds', `a migration time must be a finite number > 0, got ${shown(seconds)}`);
    this.sum += seconds;
    this.count++;
    return this.period;
  }

  /** Δt: the mean migration time so far (s). */
  get meanMigration(): number {
    return this.count === 0 ? this.initial : this.sum / this.count;
  }

  /** T = λ·Δt (s). */
  get period(): number {
    return this.lambda * this.meanMigration;
  }
}
