/**
 * The contract between the parallel runner and a system: a system hands the
 * runner a {@link JobHandler} module (by URL, so nothing under src/runner/
 * imports a system), and the runner sends {@link JobMessage}s naming that
 * system to its workers. Errors never cross the thread boundary as thrown
 * objects (structured clone drops a FairfitError's `code` and `details`): a
 * handler returns them as an {@link ErrorOutcome} ({@link errorOutcome}) and
 * {@link taskError} rebuilds the FairfitError on the calling side.
 *
 * @module
 */
import { FairfitError, ERROR_CODES, type FairfitErrorCode, type FairfitErrorDetails } from '../errors.ts';

/** What every job carries: where its result goes (results are placed by index, never by completion order). */
export interface Job {
  index: number;
}

/** A failed job, as data. */
export interface ErrorOutcome {
  kind: 'error';
  index: number;
  code: FairfitErrorCode | 'INTERNAL';
  message: string;
  details: FairfitErrorDetails;
  stack?: string;
}

/** What a handler gives back: its own outcome kinds, or an {@link ErrorOutcome}. */
export interface JobOutcome {
  kind: string;
  index: number;
}

/**
 * A system's job handler, the `handler` export of the module a system
 * registers with a {@link WorkerPool}. `init` runs once when a worker starts
 * (e.g. to instantiate WebAssembly before the first job arrives); `execute`
 * never throws (a failure is returned with {@link errorOutcome}).
 */
export interface JobHandler<J extends Job = Job, O extends JobOutcome = JobOutcome> {
  init?(): void;
  execute(job: J): O | ErrorOutcome;
  /**
   * The buffers of `outcome` that the worker keeps no reference to: moved to the caller instead of
   * copied (each is detached in the worker). Only buffers made for this outcome belong here.
   */
  transfer?(outcome: O): ArrayBuffer[];
}

/**
 * The buffers of `views` that may be moved ({@link JobHandler.transfer}), each once: plain
 * ArrayBuffers that a view spans whole. A view of part of a buffer (WebAssembly memory, Node's
 * Buffer pool, a column of something bigger) or of shared memory is left to be copied.
 */
export function wholeBuffers(views: Iterable<ArrayBufferView | undefined>): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const v of views) {
    if (v === undefined || !(v.buffer instanceof ArrayBuffer)) continue;
    if (v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && v.byteLength > 0) out.add(v.buffer);
  }
  return [...out];
}

/** The message a worker receives: which registered system runs the job, and the job. */
export interface JobMessage<J extends Job = Job> {
  system: string;
  job: J;
}

/** A thrown value as an {@link ErrorOutcome} of job `index` (FairfitErrors keep code and details). */
export function errorOutcome(index: number, err: unknown): ErrorOutcome {
  if (err instanceof FairfitError) return { kind: 'error', index, code: err.code, message: err.message, details: err.details };
  const e = err instanceof Error ? err : new Error(String(err));
  return { kind: 'error', index, code: 'INTERNAL', message: e.message, details: {}, stack: e.stack };
}

/** Rebuilds the error of a failed job: FairfitErrors keep their code; anything else becomes `WORKER_FAILED`. */
export function taskError(outcome: ErrorOutcome): FairfitError {
  if (outcome.code !== 'INTERNAL' && (ERROR_CODES as readonly string[]).includes(outcome.code)) {
    return new FairfitError(outcome.code, outcome.message, outcome.details);
  }
  return new FairfitError('WORKER_FAILED', `task ${outcome.index} failed: ${outcome.message}`, { index: outcome.index, stack: outcome.stack });
}
