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
import { mergeRuns, prepareReplay, simulateCells, withPolicy, type CellRange, type PartialRun, type PreparedReplay } from '../systems/giantvm/replay.ts';
import type { ReplayParams, RunResult } from '../systems/giantvm/types.ts';

/**
 * A task sent to {@link executeTask}. `index` is where the result goes: results
 * are placed by index, never by completion order. The `input` of a `run` task
 * and the `prepared` replay of a `cells` task have their columns in shared
 * memory (`toShared` in src/sim/share.ts), so posting a task copies no column.
 */
export type ReplayTask =
  | {
      kind: 'run';
      /** Index of the first configuration; `params[k]` is configuration `index + k`. */
      index: number;
      /** One or more configurations, run in order (consecutive ones that differ only in policy share one preparation). */
      params: ReplayParams[];
      input: ReplayInput;
      /** Names this copy of the trace for the worker's `PrepareCache`. */
      traceId: string;
    }
  | { kind: 'cells'; index: number; prepared: PreparedReplay; cells: CellRange };

/** What a task gives back. */
export type TaskOutcome =
  | { kind: 'run'; index: number; results: RunResult[] }
  | { kind: 'cells'; index: number; part: PartialRun }
  | { kind: 'error'; index: number; code: FairfitErrorCode | 'INTERNAL'; message: string; details: FairfitErrorDetails; stack?: string };

/**
 * The last prepared replay, so configurations that differ only in their
 * policy (a sweep's innermost loop, a replay of all eight policies) prepare
 * the trace once and reuse it with replay-core's `withPolicy` (machine draws,
 * usage resolution and event order do not depend on the policy). One entry:
 * a prepared replay is as big as the trace.
 */
export class PrepareCache {
  private key: string | undefined;
  private prepared: PreparedReplay | undefined;

  /** The prepared replay of `params` on the trace named `traceId`. */
  get(traceId: string, input: ReplayInput, params: ReplayParams): PreparedReplay {
    const { policy, ...rest } = params;
    const key = `${traceId}\u0000${JSON.stringify(rest)}`;
    if (this.prepared === undefined || key !== this.key) {
      this.prepared = undefined; // let the old one go before building the next
      this.prepared = prepareReplay(input, params);
      this.key = key;
    }
    return withPolicy(this.prepared, policy);
  }
}

const threadCache = new PrepareCache();

/** Runs one task (`run` tasks share this thread's {@link PrepareCache}). Never throws: a failure is returned as an `error` outcome. */
export function executeTask(task: ReplayTask): TaskOutcome {
  try {
    if (task.kind === 'run') {
      const results = task.params.map((params) => {
        const prepared = threadCache.get(task.traceId, task.input, params);
        return mergeRuns(prepared, [simulateCells(prepared)]);
      });
      return { kind: 'run', index: task.index, results };
    }
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
