/**
 * The options of running on a queue (the `queue` option of a system's public
 * drivers, `--queue` and its companions on the CLI), checked once.
 *
 * @module
 */
import { checkInteger, checkKeys, invalid } from '../runner/checks.ts';
import { SWEEP_ID } from './protocol.ts';
import { parseQueueUrl, type QueueConnection } from './redis-url.ts';

/** Running on a Redis-backed BullMQ queue served by `fairfit worker` processes. */
export interface QueueOptions {
  /** `redis://[USER:PASSWORD@]HOST[:PORT][/DB]` (no user: `redis://:PASSWORD@HOST…`; port 6379 and database 0 by default). */
  url: string;
  /**
   * Names the sweep's jobs and stored results. A coordinator started again
   * with the same id re-uses the results already stored. Default: derived
   * from the content of the jobs (trace hash and configurations), so running
   * the same sweep again resumes it.
   */
  sweepId?: string;
  /** Tries per job before the sweep fails (default 3). */
  attempts?: number;
  /** First retry delay in ms, doubled at each further try (default 1000). */
  backoff?: number;
  /** Seconds a stored result (or failure) is kept before it is removed (default 7 days). */
  resultTtl?: number;
  /**
   * Jobs one large run is split into, where the system splits runs (a replay: cell ranges per
   * configuration; default 4). A GiantVM sweep's jobs are whole policy groups: `sweep()` refuses it.
   */
  parts?: number;
  /** Messages about the queue run (sweep id, jobs enqueued, results re-used), e.g. to stderr. */
  log?: (message: string) => void;
  /**
   * Messages about something wrong that the run waits out: a worker refused a job (its trace copy,
   * build or job format differs; said once per worker and reason), so the job waits for a worker
   * that can serve it; Redis lost and back, or silent (connected but not answering for
   * `SILENT_MS`) and answering again. Default: `log`.
   */
  warn?: (message: string) => void;
}

/** {@link QueueOptions} after checking. */
export interface ResolvedQueueOptions {
  connection: QueueConnection;
  sweepId?: string;
  attempts: number;
  backoff: number;
  resultTtl: number;
  parts: number;
  log?: (message: string) => void;
  warn?: (message: string) => void;
}

/** Defaults of {@link QueueOptions}. */
export const QUEUE_DEFAULTS = { attempts: 3, backoff: 1000, resultTtl: 7 * 24 * 3600, parts: 4 } as const;

const KEYS = new Set(['url', 'sweepId', 'attempts', 'backoff', 'resultTtl', 'parts', 'log', 'warn']);

/** Checks a `queue` option: a URL string, or {@link QueueOptions}. @throws FairfitError `INVALID_OPTION`. */
export function resolveQueueOptions(value: string | QueueOptions): ResolvedQueueOptions {
  const o: QueueOptions = typeof value === 'string' ? { url: value } : value;
  if (o === null || typeof o !== 'object') invalid('queue', 'expected a redis:// URL or { url, sweepId?, attempts?, backoff?, resultTtl?, parts? }');
  checkKeys(o, KEYS, 'queue');
  const connection = parseQueueUrl(o.url);
  if (o.sweepId !== undefined && (typeof o.sweepId !== 'string' || !SWEEP_ID.test(o.sweepId))) {
    invalid('sweepId', `must be 1–64 letters, digits, '_', '.' or '-', got ${JSON.stringify(o.sweepId)}`);
  }
  if (o.log !== undefined && typeof o.log !== 'function') invalid('queue.log', 'expected a function');
  if (o.warn !== undefined && typeof o.warn !== 'function') invalid('queue.warn', 'expected a function');
  return {
    connection,
    sweepId: o.sweepId,
    attempts: o.attempts === undefined ? QUEUE_DEFAULTS.attempts : checkInteger(o.attempts, 'attempts', 1, 100),
    backoff: o.backoff === undefined ? QUEUE_DEFAULTS.backoff : checkInteger(o.backoff, 'backoff', 0, 3_600_000),
    resultTtl: o.resultTtl === undefined ? QUEUE_DEFAULTS.resultTtl : checkInteger(o.resultTtl, 'resultTtl', 1, 10 * 365 * 24 * 3600),
    parts: o.parts === undefined ? QUEUE_DEFAULTS.parts : checkInteger(o.parts, 'parts', 1, 10_000),
    log: o.log,
    warn: o.warn ?? o.log,
  };
}

/** Defaults of a queue worker's crash-detection options (here, not beside BullMQ: `fairfit worker --help` shows them). */
export const WORKER_DEFAULTS = { lockDuration: 30_000, stalledInterval: 30_000, maxStalledCount: 2 } as const;

/**
 * Ranges [min, max] of a queue worker's options, for the API and `fairfit worker` alike. A job's lock is
 * renewed every half of `lockDuration`: below a second a busy worker misses renewals and its running jobs
 * are counted stalled and run again elsewhere.
 */
export const WORKER_BOUNDS = {
  concurrency: [1, 1000], lockDuration: [1000, 24 * 3600 * 1000], stalledInterval: [1, 24 * 3600 * 1000], maxStalledCount: [0, 1000],
} as const;
