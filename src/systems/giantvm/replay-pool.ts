/**
 * {@link ReplayPool}: the runner's worker pool with the GiantVM job handler
 * (src/systems/giantvm/jobs.ts) registered. A pool can serve many `replay` /
 * `sweep` calls (pass it as `pool`); whoever creates it closes it.
 *
 * @module
 */
import { checkOptionNames } from '../../errors.ts';
import { checkInteger, MAX_WORKERS } from '../../runner/checks.ts';
import { WorkerPool } from '../../runner/pool.ts';
import type { ReplayTask, TaskOutcome } from './jobs.ts';

/** The name GiantVM jobs are sent under. */
export const SYSTEM = 'giantvm';

/**
 * The built job handler module. Workers load JavaScript only, so this is
 * always the copy in dist/; the relative URL is the same from
 * src/systems/giantvm/ (tests) and dist/systems/giantvm/.
 */
export const JOBS_URL = new URL('../../../dist/systems/giantvm/jobs.js', import.meta.url);

/** Options of {@link ReplayPool}. */
export interface ReplayPoolOptions {
  /** Worker threads (1–256). */
  workers: number;
}

/** A pool of replay workers; close it with `close()` (or `await using`). */
export class ReplayPool extends WorkerPool {
  /** @throws FairfitError `INVALID_OPTION` (workers), `FILE_NOT_FOUND` (no WebAssembly build or no built worker script). */
  constructor(options: ReplayPoolOptions) {
    // An unknown key beside workers ({ workers: 1, wokers: 2 }) was ignored; alone it is named as the misspelling it is.
    checkOptionNames(options, ['workers'], 'ReplayPool');
    super(replayPoolOptions(checkInteger(options?.workers, 'workers', 1, MAX_WORKERS)));
  }

  /**
   * Runs one replay task. Resolves with its outcome; a failed task rejects
   * with its FairfitError (code kept) or `WORKER_FAILED`; an aborted one
   * rejects with `ABORTED`.
   */
  run<K extends ReplayTask['kind']>(task: Extract<ReplayTask, { kind: K }>, signal?: AbortSignal): Promise<Extract<TaskOutcome, { kind: K }>> {
    return this.runJob<Extract<TaskOutcome, { kind: K }>, ReplayTask>(SYSTEM, task, signal);
  }
}

function replayPoolOptions(workers: number) {
  return { workers, systems: { [SYSTEM]: JOBS_URL }, label: 'ReplayPool' };
}

/** A pool for `workers` already validated (the drivers' own pool for one call). */
export function replayWorkers(workers: number): WorkerPool {
  return new WorkerPool(replayPoolOptions(workers));
}
