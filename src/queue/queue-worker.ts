/**
 * The worker side of a queue run: a BullMQ worker that takes fairfit jobs and
 * hands each to the queue handler of the system it names. It imports no
 * system: `fairfit worker` passes the handlers. A handler's result goes back
 * V8-encoded (payload.ts); a thrown error becomes the job's failure reason
 * (`CODE: message` for a FairfitError), which the coordinator reports with
 * the job's configuration when the job has no tries left.
 *
 * A job this worker cannot serve but another could (another build or job
 * format, no handler for its system, a trace copy that differs: a
 * {@link refusal}) is handed back untried: BullMQ's `moveToDelayed` without
 * using up one of its tries, the refusal set as its progress for the
 * coordinator to say, and this worker takes no job for a while (1 s, doubled
 * at each refusal in a row, up to a minute), so a worker that can serve the
 * job takes it meanwhile (a job its fetch under way brings during the pause
 * goes back too, untried and unrefused). A misconfigured worker no longer fails a sweep that
 * a good worker serves; a sweep served only by such workers waits, saying why.
 *
 * Crash safety is BullMQ's: a job's lock is renewed while it runs; a worker
 * killed mid-job stops renewing it, and after `lockDuration` the next stalled
 * check (every `stalledInterval`) puts the job back in the queue for another
 * worker.
 *
 * @module
 */
import { hostname } from 'node:os';
import { DelayedError, Worker, type Job } from 'bullmq';
import { FairfitError } from '../errors.ts';
import { decodePayload, encodePayload } from './payload.ts';
import { buildId } from './build-id.ts';
import { CLOSE_MS, settlesWithin, wakeReconnecting } from './close.ts';
import { isQueueRefusal, isRefusal, PROTOCOL, QUEUE_NAME, refusal, type QueueJobData, type QueueRefusal } from './protocol.ts';
import { checkReachable, SILENT_MS, watchAnswers, watchRedis, type QueueConnection } from './redis-url.ts';
import { WORKER_BOUNDS, WORKER_DEFAULTS } from './queue-options.ts';
import { checkInteger } from '../runner/checks.ts';

/** What a system gives the queue worker: how to run one of its jobs. */
export interface QueueHandler {
  /** Runs one job (the payload the system's coordinator enqueued) and returns its result (V8-serialisable). */
  run(payload: unknown, job: { id: string; label: string }): Promise<unknown>;
  /** Releases what the handler holds (thread pools); called once when the worker stops. */
  close?(): Promise<void>;
}

/**
 * What happened to a job on this worker, or to its connections, for logging.
 * `done` comes once the job's result is stored in Redis (a result computed
 * while Redis does not answer is not done: another worker computes it again).
 * `refused`: the job was handed back untried ({@link refusal}) and this worker
 * takes no job for `pauseMs` (0 once the worker is closing: it takes none
 * anyway, and a pause it will never take is not announced).
 * `redis-lost` comes once when the worker's (non-blocking) connection to Redis
 * closes (the clients then retry without end), `redis-back` once it is ready again;
 * `redis-silent` once when a connected Redis has left a PING unanswered for
 * `ms` (frozen, or the network cut without a reset: no connection closes),
 * `redis-answering` once it answers again; none of these comes while the
 * worker is closing.
 */
export type QueueWorkerEvent =
  | { kind: 'start'; id: string; label: string }
  | { kind: 'done'; id: string; label: string; ms: number }
  | { kind: 'failed'; id: string; label: string; ms: number; reason: string }
  | { kind: 'refused'; id: string; label: string; reason: string; pauseMs: number }
  | { kind: 'redis-lost' }
  | { kind: 'redis-back' }
  | { kind: 'redis-silent'; ms: number }
  | { kind: 'redis-answering' };

/** Options of {@link QueueWorker.start}. */
export interface QueueWorkerOptions {
  connection: QueueConnection;
  /** System name → its handler. */
  handlers: Record<string, QueueHandler>;
  /** Jobs run at the same time. */
  concurrency: number;
  /** Ms a job's lock lasts without renewal: how soon a crashed worker's job is noticed (BullMQ default 30000). */
  lockDuration?: number;
  /** Ms between checks for stalled jobs (BullMQ default 30000). */
  stalledInterval?: number;
  /** Times a job may stall (its worker died) before it fails instead of being run again (default 2). */
  maxStalledCount?: number;
  onEvent?: (event: QueueWorkerEvent) => void;
}

/** How long a worker that refused a job takes no job: the first time, and at most (doubled at each refusal in a row). */
export const REFUSAL_PAUSE_MS = { first: 1000, max: 60_000 } as const;

/** A running queue worker; {@link QueueWorker.close} stops it. */
export class QueueWorker {
  private closing = false;
  /** Stops the PINGs of `watchAnswers` (set when events are asked for). */
  private stopAnswers = () => undefined as void;

  private constructor(
    private readonly worker: StoppableWorker,
    private readonly handlers: Record<string, QueueHandler>,
    private readonly jobs: Running,
    private readonly pause: RefusalPause,
  ) {}

  /** Connects (a clear `INVALID_OPTION` if Redis is unreachable, or naming an option out of {@link WORKER_BOUNDS}) and starts taking jobs. */
  static async start(o: QueueWorkerOptions): Promise<QueueWorker> {
    for (const k of Object.keys(WORKER_BOUNDS) as (keyof typeof WORKER_BOUNDS)[]) {
      const [min, max] = WORKER_BOUNDS[k];
      if (k === 'concurrency' || o[k] !== undefined) checkInteger(o[k], k, min, max);
    }
    await checkReachable(o.connection);
    const jobs = new Running();
    // When each job here started: 'done' is said once BullMQ has stored the result (its 'completed' event), not
    // when the handler returns. A worker cut off from Redis said "done" for results that never reached it.
    const started = new Map<string, number>();
    const name = `${hostname()}/${process.pid}`;
    const pause = new RefusalPause();
    const processor = async (job: Job, token?: string) => {
      jobs.count++;
      try {
        if (pause.active() && token !== undefined) {
          // Fetched while this worker pauses after a refusal: BullMQ's fetch was under way when it paused
          // (concurrency > 1), and it got the very job just handed back. Handed back again, untried and
          // unrefused (no event, the pause not lengthened): the pause said no job is taken until it ends.
          await job.moveToDelayed(Date.now(), token);
          throw new DelayedError('handed back: this worker pauses after a refusal');
        }
        return await run(job, token);
      } finally {
        jobs.done();
      }
    };
    const run = async (job: Job, token?: string) => {
      const data = job.data as QueueJobData;
      const id = job.id ?? '?';
      const label = typeof data?.label === 'string' ? data.label : id;
      const t0 = performance.now();
      o.onEvent?.({ kind: 'start', id, label });
      try {
        if (data?.v !== PROTOCOL) throw refusal('v', `job format ${String(data?.v)} is not this worker's ${PROTOCOL} (a different fairfit version enqueued it)`);
        // Same bytes as a local run only from the same engine: refuse, so a worker of the right build can take it.
        const build = await buildId();
        if (data.build !== build) {
          throw refusal('build', `the job was enqueued by fairfit build ${String(data.build)}, this worker is build ${build}; run the same fairfit build on every machine`);
        }
        const handler = o.handlers[data.system];
        if (!handler) throw refusal('system', `this worker has no handler for system '${data.system}' (known: ${Object.keys(o.handlers).join(', ')})`);
        const result = encodePayload(await handler.run(decodePayload(data.payload), { id, label }));
        started.set(id, t0);
        return result;
      } catch (err) {
        const reason = err instanceof FairfitError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
        if (isRefusal(err) && token !== undefined) {
          // Handed back untried (BullMQ counts no attempt), said through the job's progress, and this worker
          // pauses: instant refusals used up the tries of a sweep's jobs faster than a good worker ran one.
          const said: QueueRefusal = { refused: reason, by: name };
          await job.updateProgress(said);
          await job.moveToDelayed(Date.now(), token);
          const ms = await pause.start(worker);
          // Closing (now, or since the pause began): it takes no job anyway, so no pause is said.
          o.onEvent?.({ kind: 'refused', id, label, reason, pauseMs: pause.stopped ? 0 : ms });
          throw new DelayedError(reason);
        }
        // An earlier worker's refusal is no longer why the job waits (it waits for its retry): a coordinator
        // resuming the sweep would say it again.
        if (isQueueRefusal(job.progress)) await job.updateProgress(0).catch(() => undefined);
        o.onEvent?.({ kind: 'failed', id, label, ms: performance.now() - t0, reason });
        throw new Error(reason, { cause: err });
      }
    };
    const worker = new StoppableWorker(QUEUE_NAME, processor, {
      connection: o.connection.options,
      concurrency: o.concurrency,
      lockDuration: o.lockDuration ?? WORKER_DEFAULTS.lockDuration,
      stalledInterval: o.stalledInterval ?? WORKER_DEFAULTS.stalledInterval,
      maxStalledCount: o.maxStalledCount ?? WORKER_DEFAULTS.maxStalledCount,
      // Results live as long as the coordinator asked (removeOnComplete in each job's options).
    });
    // Connection hiccups are retried by the client; an unhandled 'error' event would kill the process.
    worker.on('error', () => undefined);
    worker.on('completed', (job: Job) => {
      pause.served();
      const id = job.id ?? '?', t0 = started.get(id);
      if (t0 === undefined) return;
      started.delete(id);
      const data = job.data as QueueJobData;
      o.onEvent?.({ kind: 'done', id, label: typeof data?.label === 'string' ? data.label : id, ms: performance.now() - t0 });
    });
    await worker.waitUntilReady();
    const self = new QueueWorker(worker, o.handlers, jobs, pause);
    if (o.onEvent) {
      const onEvent = o.onEvent;
      // The non-blocking client only: BullMQ itself drops the blocking one when its fetch is answered more than
      // 1 s late (a Redis slow for a few seconds, alive), which said "lost Redis" of a Redis that was not lost.
      // A Redis gone closes both; a silent one is watchAnswers' to say. The blocking client waits in its fetch:
      // the other one is pinged too.
      const pinged = await worker.backend.client;
      watchRedis([pinged], (lost) => onEvent({ kind: lost ? 'redis-lost' : 'redis-back' }), () => self.closing);
      const client = { get status() { return pinged.status; }, ping: () => pinged.runCommand('ping', []) };
      self.stopAnswers = watchAnswers(client, (silent) => onEvent(silent ? { kind: 'redis-silent', ms: SILENT_MS } : { kind: 'redis-answering' }), () => self.closing);
    }
    return self;
  }

  /**
   * Stops taking jobs. By default the jobs running now finish and their
   * results are stored first; `force` abandons them (their locks lapse and
   * another worker runs them again). Only the first call's `force` counts.
   * Once no job runs here, Redis has {@link CLOSE_MS} to take the results and
   * close; if it does not answer (gone for good) the worker disconnects
   * instead of waiting forever, and resolves `false`: a result it could not
   * store is computed again by another worker. Nothing of the worker then
   * keeps the host's process alive. Called before its connections have seen
   * Redis go, an idle worker has nothing waiting on Redis and resolves `true`
   * at once.
   */
  async close(force = false): Promise<boolean> {
    this.closing = true;
    this.pause.stop();
    this.stopAnswers();
    await wakeReconnecting([this.worker.backend.client, this.worker.backend.blockingClient]);
    const closing = this.worker.close(force);
    if (!force) await this.jobs.idle();
    const answered = await settlesWithin(closing, CLOSE_MS);
    if (!answered) {
      closing.catch(() => undefined);
      // Not awaited: with Redis gone it may wait for an 'end' that never comes.
      this.worker.disconnect().catch(() => undefined);
      // BullMQ's close stops the worker's own timers only once its fetch waiting on Redis returns, which it
      // never does now: the lock renewal timer re-arming itself would keep an embedding host alive for ever.
      this.worker.stopTimers();
    }
    for (const h of Object.values(this.handlers)) await h.close?.();
    return answered;
  }
}

/** A BullMQ worker whose timers can be stopped when its close waits on a Redis that is gone. */
class StoppableWorker extends Worker {
  /** The lock renewal timer and the stalled-job check's wait (the loop ends at its next turn: the worker is closing). */
  stopTimers(): void {
    void this.lockManager?.close();
    // Private in BullMQ's types (6.x): the function its close calls last, clearing the wait.
    (this as unknown as { stalledCheckStopper?: () => void }).stalledCheckStopper?.();
  }
}

/**
 * The pause of a worker that refused a job: no job taken for {@link REFUSAL_PAUSE_MS}, doubled at each
 * refusal in a row. Refusals at once (concurrency > 1) each say their own pause; the worker resumes once
 * the longest has passed, whichever refusal's pause is set last.
 */
class RefusalPause {
  private inARow = 0;
  private timer: NodeJS.Timeout | undefined;
  /** When the pause ends (`Date.now()` ms); 0 when the worker does not pause. */
  private until = 0;
  /** Set by {@link stop}: the worker is closing. */
  stopped = false;

  /** Pauses `worker` and resumes it later; returns the pause in ms. */
  async start(worker: Worker): Promise<number> {
    const ms = Math.min(REFUSAL_PAUSE_MS.max, REFUSAL_PAUSE_MS.first * 2 ** Math.min(this.inARow, 30));
    this.inARow++;
    if (this.stopped) return ms;
    // Set before the wait below: a timer armed meanwhile (another refusal's) sees the pause is not over.
    this.until = Math.max(this.until, Date.now() + ms);
    // Jobs running here go on; no job is fetched until the resume (paused before the refused job's
    // DelayedError, which would otherwise fetch the next one at once).
    await worker.pause(true).catch(() => undefined);
    if (this.stopped) return ms;
    this.arm(worker);
    return ms;
  }

  /** (Re)sets the timer that resumes `worker` when {@link until} has passed. */
  private arm(worker: Worker): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      // A refusal made since lengthened the pause.
      if (Date.now() < this.until) return this.arm(worker);
      this.until = 0;
      void worker.resume().catch(() => undefined);
    }, Math.max(0, this.until - Date.now()));
    // A paused worker must not keep an embedding host alive by this timer alone.
    this.timer.unref();
  }

  /** Whether the worker pauses now (a job fetched now is not to be taken). */
  active(): boolean {
    return this.until > 0;
  }

  /** A job was served here: the next refusal pauses for the first length again. */
  served(): void {
    this.inARow = 0;
  }

  /** No resume once the worker closes. */
  stop(): void {
    this.stopped = true;
    this.until = 0;
    clearTimeout(this.timer);
  }
}

/** How many jobs this worker's processor runs now, and a wait for none. */
class Running {
  count = 0;
  private waiting: (() => void)[] = [];
  done(): void {
    this.count--;
    if (this.count === 0) for (const w of this.waiting.splice(0)) w();
  }
  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
}
