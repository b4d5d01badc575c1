/**
 * How a configuration's cells are cut into parts (ranges of cells simulated
 * one at a time, on a worker or one after another in a thread): by size, so
 * that a part's live tasks stay near the caches, and balanced over workers.
 *
 * @module
 */
import { cellCount, type CellRange, type PreparedReplay } from './prepare.ts';

/** Cell ranges per in-thread replay: enough turns of the event loop for a responsive Ctrl-C, few enough to cost nothing. */
export const IN_THREAD_PARTS = 4;

/**
 * Parts per configuration by size (synthetic or request usage): about `tasksPerPart` arriving
 * tasks each, at most `maxParts`. Why: a part's tasks alive at a time are its working set, read
 * at random every window period; a month's part of 12 M tasks misses the caches on nearly every
 * read, one of 250 k far less (a 7.5 M-task month with 2 workers: 2 parts 96–106 s of CPU,
 * 8 parts 75 s, 32 parts 68 s; docs/results.md). Policies in lockstep hold several replays' live
 * tasks at once, so their parts gain from being smaller still: 25 k (614k-task window, all eight on
 * 2 workers: 0.70× the time of 250 k; docs/results.md). Every part reads the whole arrival file, hence the cap.
 */
export const PART_TUNING = { tasksPerPart: 25_000, maxParts: 32 };

/** The shape of {@link PART_TUNING} (a batch's worker tasks get the planning thread's). */
export type PartTuning = typeof PART_TUNING;

/**
 * Cell ranges for one configuration: at least `atLeast`, more for a big trace (see {@link PART_TUNING}:
 * this thread's unless `tuning` is given), then {@link balancedParts} for `configs` configurations on `workers` workers.
 */
export function partsFor(prepared: PreparedReplay, atLeast: number, configs = 1, workers = 1, tuning: PartTuning = PART_TUNING): CellRange[] {
  if (prepared.traceUsage) return splitCells(cellCount(prepared), 1);
  const tasks = prepared.arrivals?.count ?? prepared.tasks.id.length;
  const bySize = Math.min(tuning.maxParts, Math.ceil(tasks / tuning.tasksPerPart));
  return splitCells(cellCount(prepared), balancedParts(Math.max(atLeast, bySize), configs, workers));
}

/**
 * `parts` parts a configuration, rounded up (by less than `workers`, to at most `PART_TUNING.maxParts`)
 * so that `configs` configurations give every worker as many parts: one policy in 3 parts on 2
 * workers ran its third part on one worker while the other waited; in 4 they end together (the
 * 614k-task window: 0.86× the wall time, docs/results.md).
 */
export function balancedParts(parts: number, configs: number, workers: number): number {
  for (let n = parts; n < parts + workers && n <= PART_TUNING.maxParts; n++) if ((configs * n) % workers === 0) return n;
  return parts;
}

/** Splits cells [0, n) into at most `parts` contiguous, non-empty ranges of near-equal size, in order. */
export function splitCells(n: number, parts: number): CellRange[] {
  const k = Math.max(1, Math.min(parts, n));
  const out: CellRange[] = [];
  for (let i = 0; i < k; i++) {
    const first = Math.floor((i * n) / k);
    const end = Math.floor(((i + 1) * n) / k);
    if (end > first) out.push({ first, count: end - first });
  }
  if (out.length === 0) out.push({ first: 0, count: n });
  return out;
}
