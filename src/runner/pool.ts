/**
 * A piscina pool that runs any system's jobs. The WebAssembly module is
 * compiled once (in this thread) and handed to every worker in `workerData`
 * (Node clones compiled modules without recompiling). The pool is built with
 * the job handler modules of the systems it serves (name → URL of the built
 * module), so this layer imports no system: the worker imports the handlers.
 * Callers copy big inputs into shared memory once (src/runner/share.ts), so a
 * job message carries references to shared columns, not the columns.
 *
 * Inputs are not validated here: the public entry points that build a pool
 * (e.g. `ReplayPool`) check them.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { FairfitError } from '../errors.ts';
import { defaultBuild, wasmModule } from '../wasm/module.ts';
import { taskError, type ErrorOutcome, type Job, type JobMessage, type JobOutcome } from './job.ts';
import type { RunnerWorkerData } from './worker.ts';

/**
 * The worker file. It must be JavaScript, so it is always the built copy in
 * dist/; this relative URL is the same from src/runner/ (tests) and dist/runner/.
 */
export const WORKER_URL = new URL('../../dist/runner/worker.js', import.meta.url);

/** Options of {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** Worker threads. */
  workers: number;
  /** The systems this pool runs jobs for: name → URL of the built JavaScript module exporting its `handler`. */
  systems: Record<string, URL>;
  /** How errors name the pool (default `'WorkerPool'`). */
  label?: string;
}

function requireBuilt(url: URL, what: string): void {
  if (!existsSync(url)) throw new FairfitError('FILE_NOT_FOUND', `${what} ${fileURLToPath(url)} not found: run \`npm run build\``, { file: fileURLToPath(url) });
}

/** A pool of worker threads; close it with {@link WorkerPool.close} (or `await using`). */
export class WorkerPool {
  readonly workers: number;
  private readonly pool: Piscina<JobMessage, JobOutcome | ErrorOutcome>;
  private readonly label: string;
  private closed = false;
  private late = 0;
  private background: unknown = undefined;
  /** Jobs handed to piscina and not finished: at most one a worker (see `runJob`). */
  private active = 0;
  /** Jobs waiting for a worker, in the order they were asked for. */
  private readonly waiting: (() => void)[] = [];

  /** @throws FairfitError `FILE_NOT_FOUND` (no WebAssembly build, no built worker script or handler module). */
  constructor(options: WorkerPoolOptions) {
    this.workers = options.workers;
    this.label = options.label ?? 'WorkerPool';
    requireBuilt(WORKER_URL, 'worker script');
    for (const url of Object.values(options.systems)) requireBuilt(url, 'job handler');
    const workerData: RunnerWorkerData = {
      module: wasmModule(),
      build: defaultBuild(),
      systems: Object.fromEntries(Object.entries(options.systems).map(([name, url]) => [name, url.href])),
    };
    this.pool = new Piscina<JobMessage, JobOutcome | ErrorOutcome>({
      filename: WORKER_URL.href,
      minThreads: options.workers,
      maxThreads: options.workers,
      // A worker that sits idle between a sweep's jobs must not be torn down and re-instantiated.
      idleTimeout: 60_000,
      workerData,
    });
    // piscina emits 'error' for what happens outside any task; with no listener that would
    // crash the host process (an EventEmitter's unhandled 'error').
    this.pool.on('error', (err: unknown) => this.onBackgroundError(err));
  }

  /**
   * Aborting a running job terminates its worker, but the worker may have posted the job's
   * result already: piscina then receives a result for a task it no longer knows and reports
   * "Unexpected message from Worker". That result belongs to a job whose promise has already
   * rejected with `ABORTED`, so it is only counted ({@link WorkerPool.lateResults}). Anything
   * else (a worker that failed while idle) is kept, and the next {@link WorkerPool.runJob}
   * rejects with it as `WORKER_FAILED`.
   */
  private onBackgroundError(err: unknown): void {
    if (err instanceof Error && err.message.startsWith('Unexpected message from Worker')) this.late++;
    else this.background ??= err;
  }

  /** Results that arrived after their job was aborted, and were dropped (the job had already rejected with `ABORTED`). */
  get lateResults(): number {
    return this.late;
  }

  /**
   * Runs one job of `system`. Resolves with its outcome; a failed job rejects
   * with its FairfitError (code kept) or `WORKER_FAILED`; an aborted one
   * rejects with `ABORTED`.
   */
  async runJob<O extends JobOutcome, J extends Job = Job>(system: string, job: J, signal?: AbortSignal): Promise<O> {
    if (this.closed) throw new FairfitError('INVALID_OPTION', `pool: this ${this.label} is closed`, { field: 'pool' });
    if (this.background !== undefined) {
      const err = this.background;
      this.background = undefined;
      throw new FairfitError('WORKER_FAILED', `${this.label}: a worker failed between jobs: ${err instanceof Error ? err.message : String(err)}`, { index: job.index }, { cause: err });
    }
    await this.turn(job.index, signal);
    let outcome: JobOutcome | ErrorOutcome;
    try {
      // Closed by its owner while the job waited or ran: the job is cut short, not given a bad option.
      if (this.closed) throw new FairfitError('ABORTED', `pool: this ${this.label} was closed before job ${job.index} ran`, { field: 'pool', index: job.index });
      outcome = await this.pool.run({ system, job }, signal ? { signal } : {});
    } catch (err) {
      if (err instanceof FairfitError) throw err;
      if (signal?.aborted) throw new FairfitError('ABORTED', 'job cancelled', { index: job.index }, { cause: err });
      if (this.closed) throw new FairfitError('ABORTED', `pool: this ${this.label} was closed while job ${job.index} ran`, { field: 'pool', index: job.index }, { cause: err });
      throw new FairfitError('WORKER_FAILED', `worker failed on task ${job.index}: ${err instanceof Error ? err.message : String(err)}`, { index: job.index }, { cause: err });
    } finally {
      this.next();
    }
    if (outcome.kind === 'error') throw taskError(outcome as ErrorOutcome);
    return outcome as O;
  }

  /**
   * Waits until a worker is free for this job, jobs in the order they were asked for. piscina's own
   * queue does not keep that order for jobs with an abort signal (one that finds every worker busy
   * is put back at the end, or with `stricterFIFO` at the front), and a run split into ranges then
   * held most of its parts' results while an early range was dispatched last.
   */
  private turn(index: number, signal?: AbortSignal): Promise<void> | undefined {
    if (signal?.aborted) return Promise.reject(new FairfitError('ABORTED', 'job cancelled', { index }));
    if (this.active < this.workers && this.waiting.length === 0) {
      this.active++;
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(go);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(new FairfitError('ABORTED', 'job cancelled', { index }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(go);
    });
  }

  /** A job is done: its worker goes to the first waiting job, if any. */
  private next(): void {
    const go = this.waiting.shift();
    if (go) go();
    else this.active--;
  }

  /** Whether {@link WorkerPool.close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Stops every worker (running jobs are abandoned). Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Waiting jobs go on to find the pool closed.
    for (const go of this.waiting.splice(0)) go();
    await this.pool.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
