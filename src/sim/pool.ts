/**
 * A piscina pool of replay workers bound to one trace. The WebAssembly module
 * is compiled once (in this thread) and handed to every worker in
 * `workerData` (Node clones compiled modules without recompiling); the trace
 * is copied once into shared memory and handed over the same way, so a task
 * message carries only its parameters (STYLE §4).
 *
 * @module
 */
import { Piscina } from 'piscina';
import { FairfitError } from '../errors.ts';
import type { ReplayInput } from '../model/tasks.ts';
import { defaultBuild, wasmModule } from '../wasm/module.ts';
import { toShared } from './share.ts';
import { taskError, type ReplayTask, type TaskOutcome } from './tasks.ts';
import type { ReplayWorkerData } from './worker.ts';

/**
 * The worker file. It must be JavaScript, so it is always the built copy in
 * dist/; this relative URL is the same from src/sim/ (tests) and dist/sim/.
 */
export const WORKER_URL = new URL('../../dist/sim/worker.js', import.meta.url);

/** Options of {@link ReplayPool}. */
export interface ReplayPoolOptions {
  /** Worker threads (≥ 1). */
  workers: number;
  /** The trace every `run` task replays (not needed for `cells` tasks only). */
  input?: ReplayInput;
}

/** A pool of replay workers; close it with {@link ReplayPool.close} (or `await using`). */
export class ReplayPool {
  readonly workers: number;
  private readonly pool: Piscina<ReplayTask, TaskOutcome>;

  constructor(options: ReplayPoolOptions) {
    this.workers = options.workers;
    const workerData: ReplayWorkerData = {
      module: wasmModule(),
      build: defaultBuild(),
      ...(options.input ? { input: toShared(options.input) } : {}),
    };
    this.pool = new Piscina<ReplayTask, TaskOutcome>({
      filename: WORKER_URL.href,
      minThreads: options.workers,
      maxThreads: options.workers,
      // A worker that sits idle between a sweep's tasks must not be torn down and re-instantiated.
      idleTimeout: 60_000,
      workerData,
    });
  }

  /**
   * Runs one task. Resolves with its outcome; a failed task rejects with its
   * FairfitError (code kept) or `WORKER_FAILED`; an aborted one rejects with
   * `ABORTED`.
   */
  async run<K extends ReplayTask['kind']>(task: Extract<ReplayTask, { kind: K }>, signal?: AbortSignal): Promise<Extract<TaskOutcome, { kind: K }>> {
    let outcome: TaskOutcome;
    try {
      outcome = await this.pool.run(task, signal ? { signal } : {});
    } catch (err) {
      if (signal?.aborted) throw new FairfitError('ABORTED', 'replay cancelled', { index: task.index }, { cause: err });
      throw new FairfitError('WORKER_FAILED', `worker failed on task ${task.index}: ${err instanceof Error ? err.message : String(err)}`, { index: task.index }, { cause: err });
    }
    if (outcome.kind === 'error') throw taskError(outcome);
    return outcome as Extract<TaskOutcome, { kind: K }>;
  }

  /** Stops every worker (running tasks are abandoned). */
  async close(): Promise<void> {
    await this.pool.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
