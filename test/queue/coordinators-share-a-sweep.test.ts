/**
 * Coordinators attached to one sweep id share its jobs: one that stops leaves
 * the unstarted jobs queued while another is attached (it took them out before,
 * and the other one only added them again at its next reconcile); the last one
 * to stop takes them out, and a lapsed lease (a SIGKILLed coordinator) does not
 * stop it. In-process coordinators on a real redis-server, no worker unless said.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJobsOnQueue, type QueueRunOutcome } from '../../src/queue/coordinator.ts';
import { coordinatorsKey, jobId, QUEUE_NAME } from '../../src/queue/protocol.ts';
import { resolveQueueOptions } from '../../src/queue/queue-options.ts';
import { QueueWorker } from '../../src/queue/queue-worker.ts';
import { parseQueueUrl } from '../../src/queue/redis-url.ts';
import { startRedis, type RedisServer } from './redis-server.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const jobs = Array.from({ length: 5 }, (_, i) => ({ label: `number ${i}`, payload: i }));

/** A coordinator of `jobs` on sweep `sweepId`, stopped by `stop()`; `attached` resolves once it waits for its jobs. */
function coordinator(url: string, sweepId: string) {
  const abort = new AbortController();
  const log: string[] = [];
  const results: unknown[] = [];
  let attached!: () => void;
  const waiting = new Promise<void>((resolve) => (attached = resolve));
  const q = resolveQueueOptions({
    url,
    sweepId,
    log: (m) => {
      log.push(m);
      if (/job\(s\) enqueued, \d+ to wait for/.test(m)) attached();
    },
  });
  const run: Promise<QueueRunOutcome> = runJobsOnQueue(q, 'test', jobs, { signal: abort.signal, onResult: (i, r) => (results[i] = r) });
  // A run that fails before it waits must fail the test, not hang it.
  const ready = Promise.race([waiting, run.then(() => Promise.reject(new Error(`sweep ${sweepId} ended before it waited:\n${log.join('\n')}`)))]);
  return { run, ready, log, results, stop: () => abort.abort() };
}

/** Each job of the sweep: its state and when it was enqueued, or null when it is not in the queue. */
async function jobsOf(queue: Queue, sweepId: string) {
  return Promise.all(jobs.map(async (_, i) => {
    const job = await queue.getJob(jobId(sweepId, i));
    return job ? { state: await job.getState(), timestamp: job.timestamp } : null;
  }));
}

describe('coordinators attached to one sweep id', () => {
  it('a coordinator that stops leaves the jobs in place while another is attached; the last one takes them out', async () => {
    const url = redis.url(1);
    const queue = new Queue(QUEUE_NAME, { connection: parseQueueUrl(url).options });
    try {
      const a = coordinator(url, 'shared');
      await a.ready;
      const b = coordinator(url, 'shared');
      await b.ready;
      expect(b.log).toContain(`queue ${url}: sweep shared: 0 job(s) enqueued, 5 to wait for`);
      const enqueued = await jobsOf(queue, 'shared');
      expect(enqueued.map((j) => j?.state)).toEqual(jobs.map(() => 'waiting'));

      a.stop();
      expect(await a.run).toEqual({ sweepId: 'shared', interrupted: true, reused: 0 });
      // The very entries a enqueued, not ones b's reconcile added again after a took them out.
      expect(await jobsOf(queue, 'shared')).toEqual(enqueued);
      expect(a.log).toContain(`queue ${url}: sweep shared: another coordinator is attached; the 5 pending job(s) stay queued for it`);

      b.stop();
      expect(await b.run).toEqual({ sweepId: 'shared', interrupted: true, reused: 0 });
      expect(await jobsOf(queue, 'shared')).toEqual(jobs.map(() => null));
      expect(await queue.count()).toBe(0);
      const client = redis.client(1);
      expect(await client.exists(queue.toKey(coordinatorsKey('shared')))).toBe(0);
      client.disconnect();
    } finally {
      await queue.close();
    }
  }, 30_000);

  it('the coordinator still attached gets every result once workers run the jobs left in place', async () => {
    const url = redis.url(2);
    const a = coordinator(url, 'shared-results');
    await a.ready;
    const b = coordinator(url, 'shared-results');
    await b.ready;
    a.stop();
    await a.run;
    const worker = await QueueWorker.start({ connection: parseQueueUrl(url), handlers: { test: { run: async (n: unknown) => (n as number) * 10 } }, concurrency: 2 });
    try {
      expect(await b.run).toEqual({ sweepId: 'shared-results', interrupted: false, reused: 0 });
      expect(b.results).toEqual(jobs.map((_, i) => i * 10));
    } finally {
      await worker.close();
    }
  }, 30_000);

  it('a lapsed lease (a coordinator killed without detaching) does not keep the last live one from taking the jobs out', async () => {
    const url = redis.url(3);
    const queue = new Queue(QUEUE_NAME, { connection: parseQueueUrl(url).options });
    const client = redis.client(3);
    try {
      const a = coordinator(url, 'stale');
      await a.ready;
      // Written after a attached (attaching prunes lapsed leases too): the detach must prune it itself.
      const key = queue.toKey(coordinatorsKey('stale'));
      const [seconds, micros] = await client.time();
      await client.zadd(key, Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - 1000, 'killed-host/1/lapsed');
      expect(await client.zcard(key)).toBe(2);

      a.stop();
      expect(await a.run).toEqual({ sweepId: 'stale', interrupted: true, reused: 0 });
      expect(await jobsOf(queue, 'stale')).toEqual(jobs.map(() => null));
      expect(a.log.join('\n')).not.toMatch(/another coordinator is attached/);
      expect(await client.exists(key)).toBe(0);
    } finally {
      client.disconnect();
      await queue.close();
    }
  }, 30_000);
});
