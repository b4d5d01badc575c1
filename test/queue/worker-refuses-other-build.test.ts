/**
 * A queue worker refuses a job enqueued by another fairfit build (another
 * version, WebAssembly engine or built JavaScript) instead of running it: its result would not
 * be the local run's. A refusal hands the job back untried (no attempt used
 * up), says why in the job's progress and pauses the worker, so a worker that
 * can serve the job takes it: a misconfigured worker used to use up a sweep's
 * tries faster than a good one ran a job. Real redis-server, in-process
 * workers of a test system.
 */
import { hostname } from 'node:os';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FairfitError } from '../../src/errors.ts';
import { buildId } from '../../src/queue/build-id.ts';
import { decodePayload, encodePayload } from '../../src/queue/payload.ts';
import { PROTOCOL, QUEUE_NAME, type QueueJobData } from '../../src/queue/protocol.ts';
import { QueueWorker, REFUSAL_PAUSE_MS, type QueueWorkerEvent } from '../../src/queue/queue-worker.ts';
import { parseQueueUrl } from '../../src/queue/redis-url.ts';
import { startRedis, type RedisServer } from './redis-server.ts';
import { refusingHandler, until } from './waiting.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const data = (build: string, sweep: string, payload: number): QueueJobData => ({ v: PROTOCOL, build, system: 'test', sweep, index: payload, label: `job ${payload}`, key: 'k', payload: encodePayload(payload) });

describe('a queue worker and the build that enqueued a job', () => {
  it('runs a job of its own build; one of another build is handed back untried, its refusal naming both builds in its progress, and the worker pauses', async () => {
    const connection = parseQueueUrl(redis.url(0));
    const ran: unknown[] = [];
    const events: QueueWorkerEvent[] = [];
    const worker = await QueueWorker.start({ connection, concurrency: 1, handlers: { test: { run: async (p) => (ran.push(p), p) } }, onEvent: (e) => events.push(e) });
    const queue = new Queue(QUEUE_NAME, { connection: connection.options });
    const queueEvents = new QueueEvents(QUEUE_NAME, { connection: connection.options });
    try {
      await queueEvents.waitUntilReady();
      const mine = await queue.add('test', data(await buildId(), 'b', 0), { jobId: 'b-0', attempts: 1 });
      await mine.waitUntilFinished(queueEvents, 20_000);
      const other = await queue.add('test', data('0.0.1+0123456789abcdef', 'b', 1), { jobId: 'b-1', attempts: 1 });
      const reason = `INVALID_OPTION: build: refused: the job was enqueued by fairfit build 0.0.1+0123456789abcdef, this worker is build ${await buildId()}; run the same fairfit build on every machine`;
      await until(() => events.some((e) => e.kind === 'refused'));
      expect(events.filter((e) => e.kind !== 'start')).toEqual([
        { kind: 'done', id: 'b-0', label: 'job 0', ms: expect.any(Number) },
        { kind: 'refused', id: 'b-1', label: 'job 1', reason, pauseMs: REFUSAL_PAUSE_MS.first },
      ]);
      const back = (await queue.getJob('b-1'))!;
      // Not failed although it had one try: the refusal used none.
      expect(['delayed', 'waiting']).toContain(await back.getState());
      expect(back.attemptsMade).toBe(0);
      expect(back.progress).toEqual({ refused: reason, by: `${hostname()}/${process.pid}` });
      // Paused: it takes the job again only after its pause, and then refuses it for twice as long.
      await new Promise((r) => setTimeout(r, REFUSAL_PAUSE_MS.first / 2));
      expect(events.filter((e) => e.kind === 'refused')).toHaveLength(1);
      await until(() => events.filter((e) => e.kind === 'refused').length === 2);
      expect(events.at(-1)).toEqual({ kind: 'refused', id: 'b-1', label: 'job 1', reason, pauseMs: 2 * REFUSAL_PAUSE_MS.first });
      expect(ran).toEqual([0]);
      expect((await queue.getJob('b-1'))!.attemptsMade).toBe(0);
      expect(await buildId()).toMatch(/^\d+\.\d+\.\d+\S*\+[0-9a-f]{16}\.[0-9a-f]{16}$/);
    } finally {
      await worker.close();
      await queueEvents.close();
      await queue.close();
    }
  });

  it('a worker that refuses every job does not fail them: a worker that can serve them runs each, once', async () => {
    const connection = parseQueueUrl(redis.url(1));
    const refusedBy: string[] = [];
    // The misconfigured worker starts first, so it takes jobs before the good one exists.
    const bad = await QueueWorker.start({
      connection,
      concurrency: 1,
      handlers: { test: refusingHandler() },
      onEvent: (e) => e.kind === 'refused' && refusedBy.push(e.id),
    });
    const queue = new Queue(QUEUE_NAME, { connection: connection.options });
    const queueEvents = new QueueEvents(QUEUE_NAME, { connection: connection.options });
    let good: QueueWorker | undefined;
    try {
      await queueEvents.waitUntilReady();
      const build = await buildId();
      const jobs: Job[] = [];
      for (let i = 0; i < 8; i++) jobs.push(await queue.add('test', data(build, 'r', i), { jobId: `r-${i}`, attempts: 1 }));
      await until(() => refusedBy.length > 0);
      const ran: number[] = [];
      good = await QueueWorker.start({ connection, concurrency: 1, handlers: { test: { run: async (p) => (ran.push(p as number), await new Promise((r) => setTimeout(r, 30)), p) } } });
      const results = await Promise.all(jobs.map((j) => j.waitUntilFinished(queueEvents, 30_000)));
      expect(results.map((r) => decodePayload(r as string))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect([...ran].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      for (const j of jobs) expect((await queue.getJob(j.id!))!.attemptsMade).toBe(1);
      expect(refusedBy.length).toBeGreaterThan(0);
    } finally {
      await bad.close();
      await good?.close();
      await queueEvents.close();
      await queue.close();
    }
  });
  it("a job refused, then failing for real where it is served, no longer carries the refusal while it waits for its retry (a resuming coordinator said it again)", async () => {
    const connection = parseQueueUrl(redis.url(2));
    const refused: string[] = [], failed: string[] = [];
    const bad = await QueueWorker.start({
      connection,
      concurrency: 1,
      handlers: { test: refusingHandler() },
      onEvent: (e) => e.kind === 'refused' && refused.push(e.id),
    });
    const queue = new Queue(QUEUE_NAME, { connection: connection.options });
    let failing: QueueWorker | undefined;
    try {
      await queue.add('test', data(await buildId(), 'f', 0), { jobId: 'f-0', attempts: 3, backoff: { type: 'fixed', delay: 60_000 } });
      await until(() => refused.length > 0);
      expect((await queue.getJob('f-0'))!.progress).toMatchObject({ refused: 'INVALID_OPTION: trace: refused: this worker has another copy' });
      await bad.close();
      failing = await QueueWorker.start({
        connection,
        concurrency: 1,
        handlers: { test: { run: async () => { throw new FairfitError('CORRUPT_INPUT', 'input 0 is bad'); } } },
        onEvent: (e) => e.kind === 'failed' && failed.push(e.id),
      });
      await until(async () => (await queue.getJob('f-0'))!.attemptsMade === 1);
      const job = (await queue.getJob('f-0'))!;
      expect(await job.getState()).toBe('delayed');
      expect(failed).toEqual(['f-0']);
      expect(job.progress).toBe(0);
    } finally {
      await bad.close();
      await failing?.close();
      await queue.close();
    }
  });
});
