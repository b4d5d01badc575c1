/**
 * A piscina pool of replay workers. The WebAssembly module is compiled once
 * (in this thread) and handed to every worker in `workerData` (Node clones
 * compiled modules without recompiling; STYLE §4). The drivers copy a trace
 * into shared memory once per call, so a task message carries references to
 * shared columns, not the columns. A pool can serve many `replay` / `sweep`
 * calls (pass it as `pool`); whoever creates it closes it.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { FairfitError } from '../errors.ts';
import { defaultBuild, wasmModule } from '../wasm/module.ts';
import { checkInteger, MAX_WORKERS } from './options.ts';
import { taskError, type ReplayTask, type TaskOutcome } from './tasks.ts';
import type { ReplayWorkerData } from './worker.ts';

/**
 * The worker file. It must be JavaScript, so it is always the built copy in
 * dist/; this relative URL is the same from src/sim/ (tests) and dist/sim/.
 */
export const WORKER_URL = new URL('../../dist/sim/worker.js', import.meta.url);

/** Options of {@link ReplayPool}. */
export interface ReplayPoolOptions {
  /** Worker threads (1–256). */
  workers: number;
}

/** A pool of replay workers; close it with {@link ReplayPool.close} (or `await using`). */
export class ReplayPool {
  readonly workers: number;
  private readonly pool: Piscina<ReplayTask, TaskOutcome>;
  private closed = false;

  /** @throws FairfitError `INVALID_OPTION` (workers), `FILE_NOT_FOUND` (no WebAssembly build or no built worker script). */
  constructor(options: ReplayPoolOptions) {
    this.workers = checkInteger(options?.workers, 'workers', 1, MAX_WORKERS);
    if (!existsSync(WORKER_URL)) {
      throw new FairfitError('FILE_NOT_FOUND', `worker script ${fileURLToPath(WORKER_URL)} not found: run \`npm run build\``, { file: fileURLToPath(WORKER_URL) });
    }
    const workerData: ReplayWorkerData = { module: wasmModule(), build: defaultBuild() };
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
    if (this.closed) throw new FairfitError('INVALID_OPTION', 'pool: this ReplayPool is closed', { field: 'pool' });
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

  /** Whether {@link ReplayPool.close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Stops every worker (running tasks are abandoned). Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
