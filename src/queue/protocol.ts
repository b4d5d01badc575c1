/**
 * What coordinators and workers agree on: the BullMQ queue name, the job id
 * form, and the fields of a job's data. Version {@link PROTOCOL} is checked by
 * workers, so a worker of another fairfit version refuses a job instead of
 * misreading it.
 *
 * @module
 */
import { FairfitError, type FairfitErrorDetails } from '../errors.ts';

/** The BullMQ queue every fairfit coordinator and worker uses. */
export const QUEUE_NAME = 'fairfit';

/** Version of {@link QueueJobData} (2: `build`). */
export const PROTOCOL = 2;

/** A job's data as stored in Redis. */
export interface QueueJobData {
  /** {@link PROTOCOL} of the coordinator that enqueued it. */
  v: number;
  /** `buildId()` of the coordinator: a worker of another fairfit build refuses the job. */
  build: string;
  /** Which system's queue handler runs it. */
  system: string;
  sweep: string;
  /** Where its result goes (results are placed by index, never by completion order). */
  index: number;
  /** The configuration the job runs, in words (failure messages name it). */
  label: string;
  /** SHA-256 of system, build and payload: a resumed sweep checks that a stored job is the job it would enqueue. */
  key: string;
  /** The system's job, encoded by `encodePayload`. */
  payload: string;
}

/** The BullMQ job id of job `index` of sweep `sweep` (ids are unique per queue, so a job is stored once). */
export function jobId(sweep: string, index: number): string {
  return `${sweep}-${index}`;
}

/**
 * The key, under the queue's own prefix (`Queue.toKey`), of the coordinators attached to sweep
 * `sweep`: a sorted set of coordinator ids scored by the end of their lease (ms, Redis's clock).
 * A stopping coordinator takes the sweep's unstarted jobs out only when no other lease is live.
 */
export function coordinatorsKey(sweep: string): string {
  return `sweep:${sweep}:coordinators`;
}

/** Sweep ids: letters, digits, `_`, `.`, `-` (BullMQ ids may not contain `:`). */
export const SWEEP_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * What a worker that cannot serve a job (another build or job format, no handler for its system,
 * a trace copy that differs) sets as the job's progress before it hands the job back untried:
 * the coordinator says it once per worker and reason.
 */
export interface QueueRefusal {
  /** The refusal's reason, `CODE: message`. */
  refused: string;
  /** The refusing worker, `host/pid`. */
  by: string;
}

/** Whether a job's progress is a {@link QueueRefusal}. */
export function isQueueRefusal(progress: unknown): progress is QueueRefusal {
  return typeof progress === 'object' && progress !== null && typeof (progress as QueueRefusal).refused === 'string' && typeof (progress as QueueRefusal).by === 'string';
}

/**
 * The error a worker or a system's queue handler throws when *this* worker cannot serve a job that
 * another worker could (its trace copy or its build differs): `INVALID_OPTION` naming `field`,
 * marked `refusal` so the worker hands the job back without using up one of its tries.
 */
export function refusal(field: string, message: string, details: FairfitErrorDetails = {}): FairfitError {
  return new FairfitError('INVALID_OPTION', `${field}: refused: ${message}`, { ...details, field, refusal: true });
}

/** Whether `err` is a {@link refusal}. */
export function isRefusal(err: unknown): err is FairfitError {
  return err instanceof FairfitError && err.details.refusal === true;
}
