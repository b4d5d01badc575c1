/**
 * Partial results of a replay over a range of cells, and how parts combine
 * into one {@link RunResult}. Every float sum runs over cells in cell order,
 * whichever way the run was split, so one part and N parts give the same bits.
 *
 * @module
 */
import { FairfitError } from '../../errors.ts';
import { slots } from '../../wasm/layout.ts';
import { CELL_ACC, CELL_POINT } from './replay-layouts.ts';
import type { PreparedReplay } from './prepare.ts';
import type { ResolvedParams } from './replay-params.ts';
import type { RunMetrics, RunResult } from './types.ts';

/** Slots of the per-cell accumulators (`CellAcc` of `./replay-layouts.ts`). */
export const ACC = slots(CELL_ACC);
/** Accumulators per cell. */
export const NA = CELL_ACC.size / 8;
/** Slots of the per-cell, per-point accumulators (`CellPoint` of `./replay-layouts.ts`). */
export const PT = slots(CELL_POINT);
/** Accumulators per cell and point. */
export const NPT = CELL_POINT.size / 8;

/** The result of simulating cells `[first, first + count)`; structured-clonable. */
export interface PartialRun {
  first: number;
  count: number;
  /** First machine of the range and number of machines. */
  machineFirst: number;
  machines: number;
  /** f64[count × NA]. */
  cellAcc: Float64Array;
  /** f64[count × points × NPT]; empty when the part has `pointSums`. */
  cellPt: Float64Array;
  /**
   * Σ of the per-point accumulators over cells [0, first + count), in cell order (f64[points × NPT]),
   * instead of `cellPt`: parts simulated one after another in one thread fold their cells into the
   * sums as they go (`simulateCellsInLockstep`'s `fold`), the same additions in the same order as
   * the merge's, without holding every cell's series. Either every part of a run has it or none.
   */
  pointSums?: Float64Array;
  /** Mean utilisation of each machine in each point (NaN: not up in that point), f64[machines × points]. */
  machPt: Float64Array;
  /** Σ utilisation over up ticks and number of up ticks, per machine. */
  utilSum: Float64Array;
  upTicks: Float64Array;
  /** Wall-clock time of the simulation, ms (not part of the result's bytes). */
  elapsedMs: number;
  /** The WebAssembly replay's task slots (task-slots.ts): allocated, the most in use at once, bytes per slot (not part of the result's bytes). */
  taskSlots?: { capacity: number; used: number; bytesPerSlot: number };
}

/** Throws unless `parts` are in cell order and cover every cell once. */
export function checkParts(prepared: PreparedReplay, parts: PartialRun[]): void {
  let next = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.first !== next) throw new FairfitError('INVALID_OPTION', `parts[${i}] starts at cell ${part.first}, expected ${next}: parts must be in cell order and cover every cell once`, { field: 'parts', index: i });
    if ((part.pointSums === undefined) !== (parts[0]!.pointSums === undefined)) throw new FairfitError('INVALID_OPTION', `parts[${i}] ${part.pointSums ? 'has' : 'has no'} point sums, parts[0] ${part.pointSums ? 'has none' : 'has'}: a run's parts are folded one after another or not at all`, { field: 'parts', index: i });
    next += part.count;
  }
  if (next !== prepared.cells) throw new FairfitError('INVALID_OPTION', `parts cover ${next} cells, the replay has ${prepared.cells}`, { field: 'parts' });
}

// The merge is split into small top-level functions with one loop each, no
// closures and one argument type per call site: one big function with several
// long loops and per-call closures made V8 re-optimise it (OSR per loop, then
// deopts on code not yet reached) dozens of times per sweep, on a background
// thread that competes with the workers for the cores.

/** Adds `n` values of `src` from `at` into `dst`, in order. */
function addInto(dst: Float64Array, src: Float64Array, at: number, n: number): void {
  for (let x = 0; x < n; x++) dst[x] = dst[x]! + src[at + x]!;
}

/** Σ of the per-cell accumulators over all cells, in cell order. */
function sumCells(parts: PartialRun[]): Float64Array {
  const tot = new Float64Array(NA);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    for (let c = 0; c < part.count; c++) addInto(tot, part.cellAcc, c * NA, NA);
  }
  return tot;
}

/** Σ of the per-cell, per-point accumulators over all cells, in cell order: f64[P × NPT]. */
function sumPoints(parts: PartialRun[], P: number): Float64Array {
  const n = P * NPT;
  // Folded as the parts ran: the last part's sums are those of every cell.
  const folded = parts.at(-1)?.pointSums;
  if (folded) return folded.slice(0, n);
  const pt = new Float64Array(n);
  for (let i = 0; i < parts.length; i++) foldCells(pt, parts[i]!, P);
  return pt;
}

/** Adds each cell's per-point accumulators of `part` (its `cellPt`) into `sums` (f64[P × NPT]), in cell order. */
export function foldCells(sums: Float64Array, part: PartialRun, P: number): void {
  const n = P * NPT;
  for (let c = 0; c < part.count; c++) addInto(sums, part.cellPt, c * n, n);
}

/** Total machines of the parts. */
export function partMachines(parts: PartialRun[]): number {
  let machines = 0;
  for (let i = 0; i < parts.length; i++) machines += parts[i]!.machines;
  return machines;
}

/** Mean utilisation of each machine that was up at some tick, machine order, into `buf`; returns how many. */
export function machineMeans(parts: PartialRun[], buf: Float64Array): number {
  let nb = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    for (let m = 0; m < part.machines; m++) if (part.upTicks[m]! > 0) buf[nb++] = part.utilSum[m]! / part.upTicks[m]!;
  }
  return nb;
}

/** Utilisation of the machines up in point `p` (not NaN), machine order, into `buf`; returns how many. */
function pointValues(parts: PartialRun[], P: number, p: number, buf: Float64Array): number {
  let nb = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const mp = part.machPt;
    for (let m = 0; m < part.machines; m++) { const u = mp[m * P + p]!; if (u === u) buf[nb++] = u; }
  }
  return nb;
}

/** The Gini coefficients a run needs: of per-machine mean utilisation, and of each series point. */
export interface RunGinis {
  overall: number;
  /** f64[points]. */
  points: Float64Array;
}

/** `a / b`, or 0 when `b` is not positive. */
function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}

/**
 * The Gini metric under the run's rule: of each machine's time-mean
 * utilisation, or the mean of the series points' Gini weighted by the ticks
 * each point covers (the last one may be shorter).
 */
function giniMetric(prepared: PreparedReplay, ginis: RunGinis): number {
  if (prepared.params.gini === 'time-mean') return ginis.overall;
  let sum = 0;
  for (let p = 0; p < prepared.points; p++) {
    const ticks = Math.min((p + 1) * prepared.sampleEvery, prepared.ticks) - p * prepared.sampleEvery;
    sum += ginis.points[p]! * ticks;
  }
  return sum / prepared.ticks;
}

function runMetrics(prepared: PreparedReplay, tot: Float64Array, gini: number): RunMetrics {
  const migrations = tot[ACC.migrations]!;
  // 'all': the tasks still open at the end count with their delay so far plus their remaining work.
  const all = prepared.params.delay === 'all';
  const n = tot[ACC.finished]! + (all ? tot[ACC.open]! : 0);
  return {
    meanCpu: ratio(tot[ACC.cpu]!, tot[ACC.cap]!),
    gini,
    overcommit: ratio(tot[ACC.over]!, tot[ACC.up]!),
    delay: ratio(tot[ACC.delay]! + (all ? tot[ACC.openDelay]! : 0), n) / 1e6,
    stretch: ratio(tot[ACC.stretch]! + (all ? tot[ACC.openStretch]! : 0), n),
    migratedMemory: tot[ACC.migMem]!,
    migrations,
    firstShare: ratio(tot[ACC.migFirst]!, migrations),
    secondShare: ratio(tot[ACC.migSecond]!, migrations),
  };
}

/** Series columns, filled as Float64Array and converted once (the JSON is the same). */
const SERIES = ['time', 'meanCpu', 'gini', 'overcommit', 'migratedMemory', 'migratedMemoryCumulative', 'migrations', 'running', 'pending', 'firstShare', 'secondShare'] as const;
const S = { time: 0, meanCpu: 1, gini: 2, overcommit: 3, migMem: 4, migMemCum: 5, migrations: 6, running: 7, pending: 8, firstShare: 9, secondShare: 10 } as const;

/** One f64[P] column per series, point-major loop over the summed accumulators. */
function seriesColumns(prepared: PreparedReplay, pt: Float64Array, pointGini: Float64Array): Float64Array[] {
  const P = prepared.points;
  const cols: Float64Array[] = [];
  for (let k = 0; k < SERIES.length; k++) cols.push(new Float64Array(P));
  let cumulative = 0;
  for (let p = 0; p < P; p++) {
    const o = p * NPT;
    cols[S.time]![p] = (prepared.start + Math.min((p + 1) * prepared.sampleEvery, prepared.ticks) * prepared.tick) / 1e6;
    cols[S.meanCpu]![p] = ratio(pt[o + PT.cpu]!, pt[o + PT.cap]!);
    cols[S.gini]![p] = pointGini[p]!;
    cols[S.overcommit]![p] = ratio(pt[o + PT.over]!, pt[o + PT.up]!);
    cumulative += pt[o + PT.migMem]!;
    cols[S.migMem]![p] = pt[o + PT.migMem]!;
    cols[S.migMemCum]![p] = cumulative;
    cols[S.migrations]![p] = pt[o + PT.migrations]!;
    cols[S.running]![p] = pt[o + PT.running]!;
    cols[S.pending]![p] = pt[o + PT.pending]!;
    cols[S.firstShare]![p] = ratio(pt[o + PT.migFirst]!, pt[o + PT.migrations]!);
    cols[S.secondShare]![p] = ratio(pt[o + PT.migSecond]!, pt[o + PT.migrations]!);
  }
  return cols;
}

function runSeries(prepared: PreparedReplay, pt: Float64Array, pointGini: Float64Array): Record<string, number[]> {
  const cols = seriesColumns(prepared, pt, pointGini);
  const series: Record<string, number[]> = {};
  for (let k = 0; k < SERIES.length; k++) series[SERIES[k]!] = Array.from(cols[k]!);
  return series;
}

/**
 * Combines parts (in cell order, covering every cell once) into one run, with
 * the Gini coefficients already computed (`mergeRuns` in replay.ts computes them in one WebAssembly call).
 */
export function assembleRun(prepared: PreparedReplay, parts: PartialRun[], ginis: RunGinis): RunResult {
  checkParts(prepared, parts);
  const tot = sumCells(parts);
  const metrics = runMetrics(prepared, tot, giniMetric(prepared, ginis));
  // Parts of a run without series (`withoutSeries`) carry no point sums.
  const series = prepared.keepPoints === false ? {} : runSeries(prepared, sumPoints(parts, prepared.points), ginis.points);
  const info: Record<string, number | string> = {
    ...prepared.info,
    events: tot[ACC.events]!,
    arrived: tot[ACC.arrived]!,
    started: tot[ACC.started]!,
    finished: tot[ACC.finished]!,
    requeued: tot[ACC.requeued]!,
    migrationsToFirst: tot[ACC.migFirst]!,
    migrationsToSecond: tot[ACC.migSecond]!,
    sampleTicks: prepared.sampleEvery,
  };
  if (prepared.params.delay === 'all') {
    info.unfinished = tot[ACC.open]! + tot[ACC.openNever]!;
    info.unfinishedNeverEnding = tot[ACC.openNever]!;
  }
  return { policy: prepared.params.policy, params: { ...prepared.params }, metrics, series, info };
}

/**
 * The keys of the `info` of a run of `p`, in the order `frame`, `prepareMachines` and `assemble`
 * (prepare.ts) and {@link assembleRun} add them (test/giantvm/run-info-keys.test.ts holds them to
 * it): the CSV of an interrupted report states its `info.` columns from its configuration, not
 * from the runs that finished, which may be none.
 */
export function runInfoKeys(p: Pick<ResolvedParams, 'machines' | 'tasks' | 'arrival' | 'delay'>): string[] {
  return [
    'usage', 'machinesMode',
    ...(p.machines === 'trace' ? ['machineEvents', 'machineEventsAfterEnd', 'machineAddsWithoutCapacity'] : []),
    'tasks', 'arriving', 'submittedAfterEnd', 'neverSubmitted',
    ...(p.tasks !== 'all' ? ['leftOutNotEnded'] : []),
    ...(p.tasks === 'finished' ? ['leftOutNotFinished'] : []),
    ...(p.arrival === 'boundary' ? ['arrivesAtEnd'] : []),
    'censoredUnfinished', 'requestMissing', 'usageWindows', 'tasksWithWindows', 'usageFallbackToRequest', 'ticks', 'tickUs', 'machines', 'cells',
    'events', 'arrived', 'started', 'finished', 'requeued', 'migrationsToFirst', 'migrationsToSecond', 'sampleTicks',
    ...(p.delay === 'all' ? ['unfinished', 'unfinishedNeverEnding'] : []),
  ];
}

/** Combines parts (in cell order, covering every cell once) into one run, using `giniOf` for each Gini coefficient. */
export function finalizeRun(prepared: PreparedReplay, parts: PartialRun[], giniOf: (x: Float64Array) => number): RunResult {
  checkParts(prepared, parts);
  const P = prepared.points;
  const buf = new Float64Array(partMachines(parts));
  const overall = giniOf(buf.subarray(0, machineMeans(parts, buf)));
  const points = new Float64Array(P);
  for (let p = 0; p < P; p++) points[p] = giniOf(buf.subarray(0, pointValues(parts, P, p, buf)));
  return assembleRun(prepared, parts, { overall, points });
}
