/**
 * Replay parameters of the GiantVM replay: defaults (docs/model.md) and validation.
 * Every rejected option throws `FairfitError('INVALID_OPTION')` naming the field.
 *
 * @module
 */
import { totalmem } from 'node:os';
import { FairfitError, shown } from '../../errors.ts';
import { checkSeed } from '../../rng.ts';
import { ARRIVAL_RULES, DELAY_RULES, DESTINATION_CHECKS, GINI_RULES, MEM_ORDERS, MIGRATED_REQUEST_RULES, POLICIES, TASK_SELECTIONS, TIME0_RULES, USAGE_MODES, type PolicyName, type ReplayParams, type UsageMode } from './types.ts';

/** {@link ReplayParams} with every optional field filled in. */
export type ResolvedParams = Required<ReplayParams>;

/** Defaults of every replay parameter (docs/model.md gives the source of each). */
export const DEFAULT_PARAMS: Readonly<ResolvedParams> = Object.freeze({
  policy: 'no_migration',
  machines: 800,
  cellSize: 4,
  interval: 10,
  capacity: 0.5,
  overcommit: 1.0,
  seed: 1,
  usage: 'trace',
  tick: 1e6,
  usageRatio: 0.18,
  minMove: 0.005,
  tasks: 'all',
  time0: 'queue',
  arrival: 'tick',
  delay: 'finished',
  migratedRequest: 'follows',
  destinationCheck: 'usage',
  memOrder: 'asc',
  gini: 'time-mean',
});

/** The choice lists of the string-valued rules, for validation and help texts. */
export const RULE_CHOICES = {
  tasks: TASK_SELECTIONS, time0: TIME0_RULES, arrival: ARRIVAL_RULES, delay: DELAY_RULES,
  migratedRequest: MIGRATED_REQUEST_RULES, destinationCheck: DESTINATION_CHECKS, memOrder: MEM_ORDERS, gini: GINI_RULES,
} as const;

/** Bytes a replay needs per machine, measured (replay of 4,000 tasks at 100,000 machines: ~3 KB each), rounded up. */
export const BYTES_PER_MACHINE = 4096;
/** WebAssembly memory of one replay engine: 32-bit addresses, 4 GiB at most. */
const WASM_MEMORY = 4 * 1024 ** 3;
/** Most machines one replay can hold: the smaller of the WebAssembly limit and half the machine's memory, at {@link BYTES_PER_MACHINE}. */
export function maxMachines(): number {
  return Math.floor(Math.min(WASM_MEMORY, totalmem() / 2) / BYTES_PER_MACHINE);
}
/** Most ticks of a replay window (time and memory grow with them: a 4-byte index per tick, series samples). */
export const MAX_TICKS = 1e8;
/**
 * The longest tick: one day (86,400 s = 8.64e10 µs). Beyond it a tick is no clock step of a
 * cluster (`tick: 1e20` was a tick of 3 million years, every delay 1e14 s), and times stay
 * integers of µs far below 2^53, so tick × ticks is exact.
 */
export const MAX_TICK_US = 86_400e6;

function bad(field: string, message: string, value: unknown): never {
  throw new FairfitError('INVALID_OPTION', `${field} ${message}, got ${shown(value)}`, { field });
}

/** Refuses more machines than one replay can hold ({@link maxMachines}), naming `field`. */
export function checkMachineCount(machines: number, field: string): void {
  const most = maxMachines();
  if (machines > most) bad(field, `needs about ${BYTES_PER_MACHINE / 1024} KB per machine; at most ${most} machines fit (the smaller of 4 GiB of WebAssembly memory and half of this computer's ${(totalmem() / 1024 ** 3).toFixed(0)} GiB)`, machines);
}

function positiveInt(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) bad(field, 'must be an integer ≥ 1', v);
  return v;
}

function positive(field: string, v: unknown, allowZero = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    bad(field, allowZero ? 'must be a finite number ≥ 0' : 'must be a finite number > 0', v);
  }
  return v;
}

/**
 * The defaults with `overrides` applied, validated.
 *
 * @throws FairfitError `INVALID_OPTION` naming the first bad field.
 * @example defaultParams({ policy: 'fine_grained', machines: 700 })
 */
export function defaultParams(overrides: Partial<ReplayParams> = {}): ResolvedParams {
  const p: Record<string, unknown> = { ...DEFAULT_PARAMS };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) p[k] = v;
  for (const k of Object.keys(p)) if (!(k in DEFAULT_PARAMS)) bad(k, 'is not a replay parameter', p[k]);
  if (!POLICIES.includes(p.policy as PolicyName)) bad('policy', `must be one of ${POLICIES.join(', ')}`, p.policy);
  if (p.machines !== 'trace') {
    positiveInt('machines', p.machines);
    checkMachineCount(p.machines as number, 'machines');
  }
  positiveInt('cellSize', p.cellSize);
  // A cell of more machines than there are is one cell of all of them: record the cell size in effect
  // (the default 4 on 1–3 machines runs as 1–3). `machines: 'trace'` is clamped once the machines are read.
  if (typeof p.machines === 'number' && (p.cellSize as number) > p.machines) p.cellSize = p.machines;
  positiveInt('interval', p.interval);
  // No window is longer than MAX_TICKS, so a longer interval changes nothing, and the kernel's per-tick state
  // of a series point (interval × 4 bytes, i32) overflowed from about 5·10^8: a WebAssembly crash, not a message.
  if ((p.interval as number) > MAX_TICKS) bad('interval', `must be at most ${MAX_TICKS} ticks (the longest replay window)`, p.interval);
  positive('capacity', p.capacity);
  positive('overcommit', p.overcommit);
  checkSeed(p.seed, 'seed');
  if (!(USAGE_MODES as readonly string[]).includes(p.usage as UsageMode)) bad('usage', `must be one of ${USAGE_MODES.join(', ')}`, p.usage);
  positive('tick', p.tick);
  if ((p.tick as number) > MAX_TICK_US) bad('tick', `must be at most ${MAX_TICK_US} µs (one day)`, p.tick);
  positive('usageRatio', p.usageRatio, true);
  positive('minMove', p.minMove, true);
  for (const [k, choices] of Object.entries(RULE_CHOICES)) {
    if (!(choices as readonly unknown[]).includes(p[k])) bad(k, `must be one of ${choices.join(', ')}`, p[k]);
  }
  return p as unknown as ResolvedParams;
}
