/**
 * The coordinator side of a queue run: enqueue a list of jobs under a sweep id
 * as BullMQ jobs, follow them, hand every result to the caller by index, and
 * fail with the last reason of a job that used up its tries. It imports no
 * system: the system supplies the jobs (labelled, any V8-serialisable value)
 * and places the results.
 *
 * Idempotent by job id (`<sweep>-<index>`): a job id exists once in the
 * queue, a job retried or run again after a crash overwrites its own entry,
 * and the coordinator takes each index's result once. A coordinator started
 * again with the same sweep id re-uses the stored results (after checking
 * each stored job is the job it would enqueue, by key) and enqueues only
 * what is missing; a job that had failed for good is given new tries.
 *
 * A worker that cannot serve a job (its trace copy or build differs) hands
 * it back untried and says why in the job's progress; the coordinator says
 * that once per worker and reason (`warn`) and the job waits for a worker
 * that can serve it, as a sweep with no worker waits.
 *
 * Several coordinators may attach to one sweep id (the default id is the
 * content's, so two people running the same sweep share it) and share its jobs
 * and results. Each holds a lease in the sweep's coordinators set, so a
 * coordinator that stops takes the unstarted jobs out only when it was the
 * last one attached.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Queue, QueueEvents, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { FairfitError } from '../errors.ts';
import { buildId } from './build-id.ts';
import { CLOSE_MS, settlesWithin, wakeReconnecting } from './close.ts';
import { decodePayload, encodePayload, sha256 } from './payload.ts';
import { coordinatorsKey, isQueueRefusal, jobId, PROTOCOL, QUEUE_NAME, type QueueJobData } from './protocol.ts';
import type { ResolvedQueueOptions } from './queue-options.ts';
import { checkReachable, shownUrl, SILENT_WORDS, watchAnswers, watchRedis } from './redis-url.ts';

/** One job of a queue run. */
export interface QueueJobSpec {
  /** The configuration it runs, in words: failure messages name it. */
  label: string;
  /** The system's job (any V8-serialisable value). */
  payload: unknown;
}

/** How a queue run ended (results went to `onResult`). */
export interface QueueRunOutcome {
  sweepId: string;
  /** Stopped by the signal before every job finished. */
  interrupted: boolean;
  /** Results that were already stored when the run started (a resumed sweep). */
  reused: number;
}

/** Missed events (a coordinator subscribing late, a result removed before it was read) are caught by looking at every pending job this often. */
export const RECONCILE_MS = 2000;

/**
 * Ms a coordinator's entry in its sweep's coordinators set stays live without a refresh; it is
 * refreshed every third of that, so a slow round trip or a busy event loop does not let it lapse.
 * A SIGKILLed coordinator's entry blocks no tidy-up for longer than this.
 */
export const COORDINATOR_LEASE_MS = 15_000;

/** Redis's clock in ms (both scripts): coordinators on machines whose clocks differ compare leases on one clock. */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * Attaches coordinator ARGV[1] to the set KEYS[1], or renews its lease, for ARGV[2] ms; prunes lapsed
 * leases. The set expires with its last lease, so a sweep whose coordinators were all killed leaves nothing.
 */
const ATTACH = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], last[2])
return 1`;

/**
 * Detaches coordinator ARGV[1] from KEYS[1], prunes lapsed leases (a SIGKILLed coordinator's) and returns
 * how many other coordinators are still attached. One script, not two round trips: of two coordinators
 * stopping at once, the first sees the second and leaves the jobs, the second sees none and takes them out.
 */
const LEAVE = `${NOW}
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])`;

/** Jobs read or added per round trip batch. */
const BATCH = 500;

async function inBatches<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) await Promise.all(items.slice(i, i + BATCH).map(fn));
}

/**
 * Runs `jobs` for `system` on the queue. Resolves when every result was
 * handed to `onResult` (in completion order; the caller places them by index)
 * or when `signal` aborted (`interrupted`; jobs not started yet are taken out
 * of the queue unless another coordinator is attached to the sweep, stored
 * results stay for a resume).
 *
 * @throws FairfitError `INVALID_OPTION` (Redis unreachable, sweep id used by another sweep),
 *   `WORKER_FAILED` naming the job's label and last failure reason.
 */
export async function runJobsOnQueue(
  q: ResolvedQueueOptions,
  system: string,
  jobs: QueueJobSpec[],
  opts: {
    signal?: AbortSignal;
    onResult: (index: number, result: unknown) => void;
    /** What the messages call the run, before its id (`queue URL: replay ID: …`); default `'sweep'`. */
    runName?: string;
  },
): Promise<QueueRunOutcome> {
  await checkReachable(q.connection);
  const url = shownUrl(q.connection.url);
  const payloads = jobs.map((j) => encodePayload(j.payload));
  const build = await buildId();
  // The build is part of each key, so of the default sweep id: an upgraded fairfit does not re-use an older build's results.
  const keys = payloads.map((p) => sha256(system, build, p));
  // Default id from the content: the same sweep run again finds its own stored results.
  const sweepId = q.sweepId ?? sha256(system, String(PROTOCOL), ...keys).slice(0, 24);
  // A replay split by cells runs on sweep ids too; its messages say replay, not sweep.
  const runName = opts.runName ?? 'sweep';
  const heading = `queue ${url}: ${runName} ${sweepId}`;
  const jobOptions: JobsOptions = {
    attempts: q.attempts,
    backoff: { type: 'exponential', delay: q.backoff },
    removeOnComplete: { age: q.resultTtl },
    removeOnFail: { age: q.resultTtl },
  };
  const connection = q.connection.options;
  // Connection hiccups after the start are retried by the clients (the wait resumes when Redis is back);
  // an 'error' event nobody listens to would end the process.
  const ignore = () => undefined;
  const queue = new Queue(QUEUE_NAME, { connection });
  queue.on('error', ignore);
  // Reads the event stream's head, then holds this coordinator's lease.
  const client = new Redis(connection);
  client.on('error', ignore);
  // This client stands for the others (one server).
  let stopping = false;
  watchRedis([client], (lost) => q.warn?.(`${heading}: ${lost ? 'lost Redis; waiting until it is back' : 'Redis is back'}`), () => stopping);
  const stopAnswers = watchAnswers(
    client,
    (silent) => q.warn?.(`${heading}: ${silent ? `Redis ${SILENT_WORDS}` : 'Redis answers again'}`),
    () => stopping,
  );
  const coordinators = queue.toKey(coordinatorsKey(sweepId));
  const me = `${hostname()}/${process.pid}/${randomUUID()}`;
  const attach = () => client.eval(ATTACH, 1, coordinators, me, COORDINATOR_LEASE_MS);
  let events: QueueEvents | undefined;

  const pending = new Set(jobs.map((_, i) => i));
  /** Jobs whose stored entry was checked against its key, or that were missing (and are enqueued by this run). */
  const checked = new Set<number>();
  let failure: unknown;
  let reused = 0;
  let wake: () => void = () => undefined;
  const woken = () => new Promise<void>((resolve) => (wake = resolve));
  const onAbort = () => wake();
  opts.signal?.addEventListener('abort', onAbort);

  const data = (i: number): QueueJobData => ({ v: PROTOCOL, build, system, sweep: sweepId, index: i, label: jobs[i]!.label, key: keys[i]!, payload: payloads[i]! });
  const add = async (indices: number[]) => {
    for (let k = 0; k < indices.length; k += BATCH) {
      await queue.addBulk(indices.slice(k, k + BATCH).map((i) => ({ name: system, data: data(i), opts: { ...jobOptions, jobId: jobId(sweepId, i) } })));
    }
  };
  const record = (i: number, encoded: unknown) => {
    if (!pending.has(i)) return;
    if (typeof encoded !== 'string') throw new FairfitError('WORKER_FAILED', `queue job ${i} (${jobs[i]!.label}) stored a result fairfit did not write`, { index: i });
    pending.delete(i);
    opts.onResult(i, decodePayload(encoded));
    if (pending.size === 0) wake();
  };
  const fail = (err: unknown) => {
    if (failure === undefined) failure = err;
    wake();
  };
  /** Looks at job i: take its result, notice its final failure, or (re-)add it when it is missing. */
  const inspect = async (i: number, resuming: boolean, missing: number[]) => {
    const job = await queue.getJob(jobId(sweepId, i));
    if (!job) {
      missing.push(i);
      checked.add(i);
      return;
    }
    const stored = job.data as QueueJobData;
    if (stored.build !== build) {
      throw new FairfitError('INVALID_OPTION', `sweepId: '${sweepId}' on ${url} holds jobs of another fairfit build (${String(stored.build ?? `job format ${String(stored.v)}`)}; this one is ${build}); choose another sweep id`, { field: 'sweepId' });
    }
    if (stored.key !== keys[i]) {
      throw new FairfitError('INVALID_OPTION', `sweepId: '${sweepId}' already names a different sweep on ${url} (its job ${i} is '${(job.data as QueueJobData).label}'); choose another sweep id`, { field: 'sweepId' });
    }
    checked.add(i);
    const state = await job.getState();
    if (state === 'completed') {
      // Read before it completed (the state is looked up after the job): read the stored job again.
      const done = job.returnvalue == null ? await queue.getJob(jobId(sweepId, i)) : job;
      if (!done) {
        missing.push(i);
        return;
      }
      if (resuming) reused++;
      record(i, done.returnvalue);
    } else if (state === 'delayed' || state === 'waiting' || state === 'prioritized') {
      // A refusal made before this coordinator listened (a resume): said as an event's would be.
      if (isQueueRefusal(job.progress)) onProgress({ jobId: jobId(sweepId, i), data: job.progress });
    } else if (state === 'failed') {
      if (resuming) {
        // Resuming gives a job that had failed for good a fresh set of tries.
        await job.remove();
        missing.push(i);
      } else if (pending.has(i)) {
        fail(new FairfitError('WORKER_FAILED', `queue job ${i} (${jobs[i]!.label}) failed after ${job.attemptsMade} attempt(s); last reason: ${job.failedReason}`, { index: i }));
      }
    }
  };
  const indexOf = (id: string): number | undefined => {
    const prefix = `${sweepId}-`;
    if (!id.startsWith(prefix)) return undefined;
    const i = Number(id.slice(prefix.length));
    return Number.isInteger(i) && pending.has(i) ? i : undefined;
  };
  const onCompleted = ({ jobId: id, returnvalue }: { jobId: string; returnvalue: unknown }) => {
    const i = indexOf(id);
    // Until job i was looked at (its key checked), its result is taken by that look, not from an event.
    if (i === undefined || !checked.has(i)) return;
    // The event carries the result: no round trip (every stored job of this sweep id was checked by key at the start).
    try {
      record(i, returnvalue);
    } catch (err) {
      fail(err);
    }
  };
  // A worker that cannot serve a job hands it back untried and says why in its progress: said once per worker and reason.
  const refusalsSaid = new Set<string>();
  const onProgress = ({ jobId: id, data: progress }: { jobId: string; data: unknown }) => {
    const i = indexOf(id);
    if (i === undefined || !isQueueRefusal(progress)) return;
    const said = `${progress.by}\u0000${progress.refused}`;
    if (refusalsSaid.has(said)) return;
    refusalsSaid.add(said);
    q.warn?.(`${heading}: worker ${progress.by} refused job ${i} (${jobs[i]!.label}), which waits for a worker that can serve it: ${progress.refused}`);
  };
  const onFailed = ({ jobId: id }: { jobId: string }) => {
    const i = indexOf(id);
    if (i === undefined) return;
    const missing: number[] = [];
    inspect(i, false, missing).then(() => (missing.length ? add(missing) : undefined)).catch(fail);
  };
  let reconciling = false;
  const reconcile = async () => {
    if (reconciling || failure !== undefined) return;
    reconciling = true;
    try {
      const missing: number[] = [];
      await inBatches([...pending], (i) => inspect(i, false, missing));
      // Still pending and gone from the queue: removed before its result was read; run it again.
      if (missing.length) await add(missing.filter((i) => pending.has(i)));
    } catch (err) {
      fail(err);
    } finally {
      reconciling = false;
    }
  };

  let timer: NodeJS.Timeout | undefined;
  let leaseTimer: NodeJS.Timeout | undefined;
  try {
    // Attached before the jobs are looked at: from here on a coordinator that stops leaves them for this one.
    await attach();
    let renewing = false;
    leaseTimer = setInterval(() => {
      // One renewal at a time: while Redis is away they would queue up in the client.
      if (renewing) return;
      renewing = true;
      attach().catch(ignore).finally(() => (renewing = false));
    }, COORDINATOR_LEASE_MS / 3);
    // Read events from the last one already in the stream on, so none emitted from now on is missed.
    const last = await client.xrevrange(queue.keys.events!, '+', '-', 'COUNT', 1);
    events = new QueueEvents(QUEUE_NAME, { connection, lastEventId: last[0]?.[0] ?? '0-0' });
    events.on('error', ignore);
    events.on('completed', onCompleted);
    events.on('failed', onFailed);
    events.on('progress', onProgress);
    await events.waitUntilReady();
    const missing: number[] = [];
    await inBatches([...pending], (i) => inspect(i, true, missing));
    if (reused > 0) q.log?.(`${heading}: re-using ${reused} stored result(s) of ${jobs.length}`);
    await add(missing);
    q.log?.(`${heading}: ${missing.length} job(s) enqueued, ${pending.size} to wait for`);
    timer = setInterval(() => void reconcile(), RECONCILE_MS);
    while (pending.size > 0 && failure === undefined && !opts.signal?.aborted) {
      const next = woken();
      if (pending.size === 0 || failure !== undefined || opts.signal?.aborted) break;
      await next;
    }
  } catch (err) {
    fail(err);
  } finally {
    stopping = true;
    stopAnswers();
    clearInterval(timer);
    clearInterval(leaseTimer);
    opts.signal?.removeEventListener('abort', onAbort);
    // Stopped (failure or Ctrl-C): take the jobs nobody started out of the queue; running ones finish and stay stored.
    // Only jobs checked as this sweep's: an id found naming another sweep's job is left alone.
    const ours = [...pending].filter((i) => checked.has(i));
    const tidy = (async () => {
      await wakeReconnecting([client, queue.getBackend().client, events?.getBackend().client]);
      // A detach that failed counts as the last one: the jobs go, as they always did, and any other coordinator's reconcile adds them again.
      const others = Number(await client.eval(LEAVE, 1, coordinators, me).catch(() => 0));
      if (others > 0) {
        if (ours.length > 0) q.log?.(`${heading}: another coordinator is attached; the ${ours.length} pending job(s) stay queued for it`);
      } else {
        // A coordinator attaching between the detach and these removals finds its jobs gone at its next reconcile
        // (RECONCILE_MS) and adds them again: the one race left, healed like any job removed before its result was read.
        await Promise.all(ours.map((i) => queue.remove(jobId(sweepId, i)).catch(() => 0)));
      }
      await client.quit().catch(ignore);
      await events?.close();
      await queue.close();
    })();
    // The clients wait for Redis forever (maxRetriesPerRequest: null): a Redis gone for good must not hang a Ctrl-C.
    if (!(await settlesWithin(tidy, CLOSE_MS))) {
      q.log?.(`${heading}: Redis did not answer within ${CLOSE_MS / 1000} s; up to ${ours.length} unstarted job(s) may stay queued (workers run them; the same ${runName} run again re-uses their results)`);
      tidy.catch(ignore);
      client.disconnect();
      void events?.disconnect().catch(ignore);
      void queue.disconnect().catch(ignore);
    }
  }
  if (failure !== undefined) throw failure;
  return { sweepId, interrupted: pending.size > 0, reused };
}
