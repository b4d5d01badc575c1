/**
 * Partial results of a replay over a range of cells, and how parts combine
 * into one {@link RunResult}. Every float sum runs over cells in cell order,
 * whichever way the run was split, so one part and N parts give the same bits.
 *
 * @module
 */
import { FairfitError } from '../../errors.ts';
import type { PreparedReplay } from './prepare.ts';
import type { RunMetrics, RunResult } from './types.ts';

/** Slots of the per-cell accumulators (mirrors `assembly/replay.ts`). */
export const ACC = {
  cpu: 0, cap: 1, over: 2, up: 3, delay: 4, stretch: 5, finished: 6, migMem: 7, migrations: 8,
  migFirst: 9, migSecond: 10, events: 11, arrived: 12, started: 13, requeued: 14,
} as const;
/** Accumulators per cell. */
export const NA = 16;
/** Slots of the per-cell, per-point accumulators (mirrors `assembly/replay.ts`). */
export const PT = { cpu: 0, cap: 1, over: 2, up: 3, migMem: 4, migrations: 5, migFirst: 6, migSecond: 7, running: 8, pending: 9 } as const;
/** Accumulators per cell and point. */
export const NPT = 10;

/** The result of simulating cells `[first, first + count)`; structured-clonable. */
export interface PartialRun {
  first: number;
  count: number;
  /** First machine of the range and number of machines. */
  machineFirst: number;
  machines: number;
  /** f64[count × NA]. */
  cellAcc: Float64Array;
  /** f64[count × points × NPT]. */
  cellPt: Float64Array;
  /** Mean utilisation of each machine in each point (NaN: not up in that point), f64[machines × points]. */
  machPt: Float64Array;
  /** Σ utilisation over up ticks and number of up ticks, per machine. */
  utilSum: Float64Array;
  upTicks: Float64Array;
  /** Wall-clock time of the simulation, ms (not part of the result's bytes). */
  elapsedMs: number;
}

/** Combines parts (in cell order, covering every cell once) into one run, using `giniOf` for the Gini coefficients. */
export function finalizeRun(prepared: PreparedReplay, parts: PartialRun[], giniOf: (x: Float64Array) => number): RunResult {
  let next = 0;
  for (const [i, part] of parts.entries()) {
    if (part.first !== next) throw new FairfitError('INVALID_OPTION', `parts[${i}] starts at cell ${part.first}, expected ${next}: parts must be in cell order and cover every cell once`, { field: 'parts', index: i });
    next += part.count;
  }
  if (next !== prepared.cells) throw new FairfitError('INVALID_OPTION', `parts cover ${next} cells, the replay has ${prepared.cells}`, { field: 'parts' });
  const P = prepared.points;
  const tot = new Float64Array(NA);
  const pt = new Float64Array(P * NPT);
  for (const part of parts) {
    for (let c = 0; c < part.count; c++) {
      for (let s = 0; s < NA; s++) tot[s] = tot[s]! + part.cellAcc[c * NA + s]!;
      for (let x = 0; x < P * NPT; x++) pt[x] = pt[x]! + part.cellPt[c * P * NPT + x]!;
    }
  }
  // Gini of per-machine mean utilisation (machines that were up at some tick), machine order.
  let machines = 0;
  for (const part of parts) machines += part.machines;
  const buf = new Float64Array(machines);
  let nb = 0;
  for (const part of parts) for (let m = 0; m < part.machines; m++) if (part.upTicks[m]! > 0) buf[nb++] = part.utilSum[m]! / part.upTicks[m]!;
  const overallGini = giniOf(buf.subarray(0, nb));
  const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);
  const migrations = tot[ACC.migrations]!;
  const metrics: RunMetrics = {
    meanCpu: ratio(tot[ACC.cpu]!, tot[ACC.cap]!),
    gini: overallGini,
    overcommit: ratio(tot[ACC.over]!, tot[ACC.up]!),
    delay: ratio(tot[ACC.delay]!, tot[ACC.finished]!) / 1e6,
    stretch: ratio(tot[ACC.stretch]!, tot[ACC.finished]!),
    migratedMemory: tot[ACC.migMem]!,
    migrations,
    firstShare: ratio(tot[ACC.migFirst]!, migrations),
    secondShare: ratio(tot[ACC.migSecond]!, migrations),
  };
  const series: Record<string, number[]> = {
    time: [], meanCpu: [], gini: [], overcommit: [], migratedMemory: [], migratedMemoryCumulative: [],
    migrations: [], running: [], pending: [], firstShare: [], secondShare: [],
  };
  let cumulative = 0;
  for (let p = 0; p < P; p++) {
    const v = (s: number): number => pt[p * NPT + s]!;
    series.time!.push((prepared.start + Math.min((p + 1) * prepared.sampleEvery, prepared.ticks) * prepared.tick) / 1e6);
    series.meanCpu!.push(ratio(v(PT.cpu), v(PT.cap)));
    nb = 0;
    for (const part of parts) for (let m = 0; m < part.machines; m++) { const u = part.machPt[m * P + p]!; if (u === u) buf[nb++] = u; }
    series.gini!.push(giniOf(buf.subarray(0, nb)));
    series.overcommit!.push(ratio(v(PT.over), v(PT.up)));
    cumulative += v(PT.migMem);
    series.migratedMemory!.push(v(PT.migMem));
    series.migratedMemoryCumulative!.push(cumulative);
    series.migrations!.push(v(PT.migrations));
    series.running!.push(v(PT.running));
    series.pending!.push(v(PT.pending));
    series.firstShare!.push(ratio(v(PT.migFirst), v(PT.migrations)));
    series.secondShare!.push(ratio(v(PT.migSecond), v(PT.migrations)));
  }
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
  return { policy: prepared.params.policy, params: { ...prepared.params }, metrics, series, info };
}
