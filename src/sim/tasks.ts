/**
 * The unit of work of a replay or sweep, run either in this thread or in a
 * piscina worker (src/sim/worker.ts) by the same {@link executeTask}, so the
 * two paths cannot drift apart.
 *
 * - `run`: one whole replay of one configuration (`simulate`).
 * - `cells`: one range of cells of a prepared replay (`simulateCells`); the
 *   caller merges the parts in cell order with `mergeRuns`.
 *
 * Errors never cross the thread boundary as thrown objects (structured clone
 * drops a FairfitError's `code` and `details`): {@link executeTask} returns
 * them as data and {@link taskError} rebuilds the FairfitError.
 *
 * @module
 */
import { FairfitError, ERROR_CODES, type FairfitErrorCode, type FairfitErrorDetails } from '../errors.ts';
import type { ReplayInput } from '../model/tasks.ts';
import { simulate, simulateCells, type CellRange, type PartialRun, type PreparedReplay } from '../systems/giantvm/replay.ts';
import type { ReplayParams, RunResult } from '../systems/giantvm/types.ts';

/**
 * A task sent to {@link executeTask}. `index` is where the result goes: results
 * are placed by index, never by completion order. The `input` of a `run` task
 * and the `prepared` replay of a `cells` task have their columns in shared
 * memory (`toShared` in src/sim/share.ts), so posting a task copies no column.
 */
export type ReplayTask =
  | { kind: 'run'; index: number; params: ReplayParams; input: ReplayInput }
  | { kind: 'cells'; index: number; prepared: PreparedReplay; cells: CellRange };

/** What a task gives back. */
export type TaskOutcome =
  | { kind: 'run'; index: number; result: RunResult }
  | { kind: 'cells'; index: number; part: PartialRun }
  | { kind: 'error'; index: number; code: FairfitErrorCode | 'INTERNAL'; message: string; details: FairfitErrorDetails; stack?: string };

/** Runs one task. Never throws: a failure is returned as an `error` outcome. */
export function executeTask(task: ReplayTask): TaskOutcome {
  try {
    if (task.kind === 'run') return { kind: 'run', index: task.index, result: simulate(task.input, task.params) };
    return { kind: 'cells', index: task.index, part: simulateCells(task.prepared, task.cells) };
  } catch (err) {
    if (err instanceof FairfitError) return { kind: 'error', index: task.index, code: err.code, message: err.message, details: err.details };
    const e = err instanceof Error ? err : new Error(String(err));
    return { kind: 'error', index: task.index, code: 'INTERNAL', message: e.message, details: {}, stack: e.stack };
  }
}

/** Rebuilds the error of a failed task: FairfitErrors keep their code; anything else becomes `WORKER_FAILED`. */
export function taskError(outcome: Extract<TaskOutcome, { kind: 'error' }>): FairfitError {
  if (outcome.code !== 'INTERNAL' && (ERROR_CODES as readonly string[]).includes(outcome.code)) {
    return new FairfitError(outcome.code, outcome.message, outcome.details);
  }
  return new FairfitError('WORKER_FAILED', `task ${outcome.index} failed: ${outcome.message}`, { index: outcome.index, stack: outcome.stack });
}
