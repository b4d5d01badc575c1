/**
 * The GiantVM job handler of the parallel runner: the unit of work of a
 * replay or sweep ({@link ReplayTask}), run in a runner worker
 * (src/runner/worker.ts imports this module by URL and calls {@link handler})
 * or in this thread by the same {@link executeTask}.
 *
 * - `run`: whole replays of one or more configurations; a policy group of them
 *   under synthetic usage in lockstep (one draw for all).
 * - `cells`: one range of cells of a prepared replay (`simulateCells`); the
 *   caller merges the parts in cell order with `mergeRuns`.
 * - `lockstep`: one range of cells of a prepared replay under several policies
 *   at once (`simulateCellsInLockstep`), a part of each policy's run.
 * - `policies`: every cell of a prepared replay under several policies in
 *   lockstep, merged here: whole runs, like `run`, of a preparation the caller
 *   made once for several tasks.
 *
 * Errors never cross the thread boundary as thrown objects: {@link executeTask}
 * returns them as data (`errorOutcome` of src/runner/job.ts) and the pool
 * rebuilds the FairfitError.
 *
 * @module
 */
import type { ReplayInput } from '../../model/tasks.ts';
import { errorOutcome, wholeBuffers, type ErrorOutcome, type JobHandler } from '../../runner/job.ts';
import { withScratch } from '../../wasm/module.ts';
import { rmSync } from 'node:fs';
import { TempFolder } from '../../io/temp-files.ts';
import { disposeAll, SERIES_SPILL, seriesFiles, type SpilledPoints } from './part-collector.ts';
import { fitsArrivalFile } from './prepare.ts';
import { mergeRunsInLockstep, picksFor, prepareResolved, replayCore, simulateCells, simulateCellsInLockstep, withoutSeries, withPolicy, type CellRange, type PartialRun, type PreparedReplay } from './replay.ts';
import { lockstepGroups } from './policy-groups.ts';
import { partsFor, type PartTuning } from './cell-parts.ts';
import type { PolicyName, RunResult } from './types.ts';
import type { ResolvedParams } from './replay-params.ts';

/**
 * A task sent to {@link executeTask}. `index` is where the result goes: results
 * are placed by index, never by completion order. The `input` of a `run` task
 * and the `prepared` replay of a `cells` task have their columns in shared
 * memory (`toShared` in src/runner/share.ts), so posting a task copies no column.
 */
export type ReplayTask =
  | {
      kind: 'run';
      /** Index of the first configuration; `params[k]` is configuration `index + k`. */
      index: number;
      /** One or more configurations, run in order (consecutive ones that differ only in policy share one preparation). */
      params: ResolvedParams[];
      input: ReplayInput;
      /** Names this copy of the trace for the worker's `PrepareCache`. */
      traceId: string;
      /** false: the caller keeps no series, so the runs hold no per-point sums (`withoutSeries`). */
      series?: boolean;
      /** The caller's `SERIES_SPILL.bytes` (part-collector.ts) and `PART_TUNING` (cell-parts.ts); this thread's when not given. */
      spillBytes?: number;
      parts?: PartTuning;
    }
  | { kind: 'cells'; index: number; prepared: PreparedReplay; cells: CellRange }
  /**
   * One range of cells of a prepared replay under each of `policies`, in lockstep (`simulateCellsInLockstep`).
   * With `split` (every range the preparation is run in, `cells` one of them, and an id of the preparation
   * unique in the caller), the worker finds the tasks of all of them in one pass over the task table, the
   * first time it gets one, instead of one pass a range (partPick).
   */
  | { kind: 'lockstep'; index: number; prepared: PreparedReplay; policies: PolicyName[]; cells: CellRange; split?: { id: number; ranges: CellRange[] } }
  /**
   * Every cell of a prepared replay (as the runs need it: `withoutSeries` or not) under each of `policies`, in
   * lockstep, in `ranges` one after another (every cell, in order), merged: a `run` outcome.
   */
  | { kind: 'policies'; index: number; prepared: PreparedReplay; policies: PolicyName[]; ranges: CellRange[]; spillBytes?: number };

/** What a task gives back. */
export type TaskOutcome =
  /** `spilled`: parts whose machine × point values went to a file (part-collector.ts). */
  | { kind: 'run'; index: number; results: RunResult[]; spilled: number }
  | { kind: 'cells'; index: number; part: PartialRun }
  | { kind: 'lockstep'; index: number; parts: PartialRun[] }
  | ErrorOutcome;

/**
 * The last prepared replay, so configurations that differ only in their
 * policy (a sweep's innermost loop, a replay of all eight policies) prepare
 * the trace once and reuse it with `withPolicy` (machine draws,
 * usage resolution and event order do not depend on the policy). One entry:
 * a prepared replay is as big as the trace.
 */
export class PrepareCache {
  private key: string | undefined;
  private prepared: PreparedReplay | undefined;

  /**
   * `files`: where a spilled trace's preparations put their tasks (an arrival file each, removed
   * when the next preparation replaces it; the caller removes the folder when done).
   */
  constructor(private readonly files?: TempFolder) {}

  /**
   * The prepared replay of `params` on the trace named `traceId`. `consume`: a preparation made
   * now may use up the input's task table (`PrepareOptions.consume`): the caller prepares nothing
   * else from it.
   */
  get(traceId: string, input: ReplayInput, params: ResolvedParams, consume = false): PreparedReplay {
    const { policy, ...rest } = params;
    const key = `${traceId}\u0000${JSON.stringify(rest)}`;
    if (this.prepared === undefined || key !== this.key) {
      this.drop();
      const file = this.files && input.spilled && fitsArrivalFile(params) ? this.files.next('prepared') : undefined;
      this.prepared = prepareResolved(input, params, file ? { arrivalFile: file } : { consume });
      this.key = key;
    }
    return withPolicy(this.prepared, policy);
  }

  /** Lets the last preparation go (and removes its arrival file). */
  drop(): void {
    const path = this.prepared?.arrivals?.path;
    this.prepared = undefined;
    if (path) rmSync(path, { force: true });
  }
}

const threadCache = new PrepareCache();

/**
 * The parts of one preparation under several policies (`withPolicy` of it), in lockstep, run one after
 * another in this thread in cell order (`run`): the series summed over cells as they run (`fold`), not held
 * per cell, and past `SERIES_SPILL` each part's machine × point values to a file in `folder`
 * (part-collector.ts); `merge` gives the runs. Used by the workers' tasks and by a run in the main thread
 * (which turns the event loop between parts).
 */
export class PartsInOrder {
  private readonly parts: PartialRun[][] = [];
  private readonly spills: SpilledPoints[] | undefined;

  /** The ranges' tasks, made in one pass when the first part runs. */
  private picks: (Int32Array | undefined)[] | undefined;

  /** `ranges`: the parts there will be, in the order `run` gets them; `spillBytes`: the planning thread's `SERIES_SPILL.bytes`. */
  constructor(private readonly prepared: PreparedReplay[], private readonly ranges: readonly CellRange[], folder: TempFolder, spillBytes?: number) {
    this.spills = seriesFiles(prepared[0]!, prepared.length, ranges.length, folder, spillBytes);
  }

  /** Parts run so far. */
  get count(): number {
    return this.parts.length;
  }

  /** Runs the next part (the cells after the last one). */
  run(range: CellRange, onProgress?: (done: number, total: number) => void): void {
    const k = this.parts.length, planned = this.ranges[k];
    if (this.ranges.length > 1) this.picks ??= picksFor(this.prepared[0]!, this.ranges);
    const pick = planned && planned.first === range.first && planned.count === range.count ? this.picks?.[k] : undefined;
    const part = simulateCellsInLockstep(this.prepared, range, onProgress, this.parts.at(-1) ?? true, pick);
    if (this.picks) this.picks[k] = undefined; // each range runs once
    this.spills?.forEach((spill, i) => spill.add(this.parts.length, part[i]!));
    this.parts.push(part);
  }

  /** Each policy's run, once every part has run. */
  merge(): RunResult[] {
    return mergeRunsInLockstep(this.prepared, this.parts, this.spills);
  }

  /** Removes the spill files. */
  dispose(): void {
    disposeAll(this.spills);
  }
}

/** Every cell of one preparation under several policies, in `ranges` one after another ({@link PartsInOrder}), merged. */
function runAllCells(prepared: PreparedReplay[], ranges: CellRange[], spillBytes?: number): RunResult[] {
  const folder = new TempFolder('fairfit-series-', 'series files');
  const parts = new PartsInOrder(prepared, ranges, folder, spillBytes);
  try {
    for (const range of ranges) parts.run(range);
    return parts.merge();
  } finally {
    parts.dispose();
    folder.remove();
  }
}

/** This thread's picks of the last split it was given a range of (`picksFor` of all its ranges, made once). */
let splitPicks: { id: number; picks: (Int32Array | undefined)[] } | undefined;

/**
 * The tasks of range `cells` of a split of `prepared` (undefined: let `slice` pick them): made for every
 * range of the split in one pass the first time this thread gets one of them — a 614k-task window cut
 * into 26 parts scanned the task table twice a part — and handed out once each.
 */
function partPick(prepared: PreparedReplay, split: { id: number; ranges: CellRange[] }, cells: CellRange): Int32Array | undefined {
  if (splitPicks?.id !== split.id) splitPicks = { id: split.id, picks: picksFor(prepared, split.ranges) };
  const k = split.ranges.findIndex((r) => r.first === cells.first && r.count === cells.count);
  if (k < 0) return undefined;
  const pick = splitPicks.picks[k];
  splitPicks.picks[k] = undefined; // each range runs once (run again, it is picked again by `slice`)
  return pick;
}

/** Runs one task (`run` tasks share this thread's {@link PrepareCache}). Never throws: a failure is returned as an `error` outcome. */
export function executeTask(task: ReplayTask): TaskOutcome {
  try {
    if (task.kind === 'run') {
      const results: RunResult[] = [];
      const spilled = SERIES_SPILL.spilled;
      // Each policy group (configurations that differ only in their policy) in lockstep: one preparation, one draw.
      for (const { first, count } of lockstepGroups(task.params)) {
        const prepared = task.params.slice(first, first + count).map((params) => {
          const cached = threadCache.get(task.traceId, task.input, params);
          return task.series === false ? withoutSeries(cached) : cached;
        });
        results.push(...runAllCells(prepared, partsFor(prepared[0]!, 1, 1, 1, task.parts), task.spillBytes));
      }
      return { kind: 'run', index: task.index, results, spilled: SERIES_SPILL.spilled - spilled };
    }
    if (task.kind === 'policies') {
      const spilled = SERIES_SPILL.spilled;
      const results = runAllCells(task.policies.map((p) => withPolicy(task.prepared, p)), task.ranges, task.spillBytes);
      return { kind: 'run', index: task.index, results, spilled: SERIES_SPILL.spilled - spilled };
    }
    if (task.kind === 'lockstep') {
      const pick = task.split && partPick(task.prepared, task.split, task.cells);
      return { kind: 'lockstep', index: task.index, parts: simulateCellsInLockstep(task.policies.map((p) => withPolicy(task.prepared, p)), task.cells, undefined, undefined, pick) };
    }
    return { kind: 'cells', index: task.index, part: simulateCells(task.prepared, task.cells) };
  } catch (err) {
    return errorOutcome(task.index, err);
  }
}

/** The handler the runner's workers use: instantiate the replay core once at start-up, then run tasks. */
export const handler: JobHandler<ReplayTask, TaskOutcome> = {
  init() {
    // The replay instance and the scratch instance (merges, Gini) are made once and kept for every task.
    replayCore();
    withScratch(() => undefined);
  },
  execute: executeTask,
  transfer: outcomeBuffers,
};

/**
 * The arrays of a part's outcome, made for it (slices of the kernel's memory, new series arrays):
 * moved to the caller, not copied (the 614k-task window's 26 parts are ≈ 2.7 MB each).
 */
export function outcomeBuffers(o: TaskOutcome): ArrayBuffer[] {
  const parts = o.kind === 'cells' ? [o.part] : o.kind === 'lockstep' ? o.parts : [];
  return wholeBuffers(parts.flatMap((p) => [p.cellAcc, p.cellPt, p.pointSums, p.machPt, p.utilSum, p.upTicks]));
}
