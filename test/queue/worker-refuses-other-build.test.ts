/**
 * A queue worker refuses a job enqueued by another fairfit build (another
 * version, WebAssembly engine or built JavaScript) instead of running it: its result would not
 * be the local run's. A job of this build runs. Real redis-server, in-process
 * worker of a test system.
 */
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildId } from '../../src/queue/build-id.ts';
import { encodePayload } from '../../src/queue/payload.ts';
import { PROTOCOL, QUEUE_NAME, type QueueJobData } from '../../src/queue/protocol.ts';
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

describe('a queue worker and the build that enqueued a job', () => {
  it('runs a job of its own build and refuses one of another build, naming both builds', async () => {
    const connection = parseQueueUrl(redis.url(0));
    const ran: unknown[] = [];
    const worker = await QueueWorker.start({ connection, concurrency: 1, handlers: { test: { run: async (p) => (ran.push(p), p) } } });
    const queue = new Queue(QUEUE_NAME, { connection: connection.options });
    const events = new QueueEvents(QUEUE_NAME, { connection: connection.options });
    try {
      await events.waitUntilReady();
      const data = (build: string, payload: number): QueueJobData => ({ v: PROTOCOL, build, system: 'test', sweep: 'b', index: payload, label: `job ${payload}`, key: 'k', payload: encodePayload(payload) });
      const mine = await queue.add('test', data(await buildId(), 0), { jobId: 'b-0', attempts: 1 });
      await mine.waitUntilFinished(events, 20_000);
      const other = await queue.add('test', data('0.0.1+0123456789abcdef', 1), { jobId: 'b-1', attempts: 1 });
      const outcome = await other.waitUntilFinished(events, 20_000).then(
        () => 'completed',
        (err: Error) => err.message,
      );
      expect(outcome).toBe(`INVALID_OPTION: build: refused: the job was enqueued by fairfit build 0.0.1+0123456789abcdef, this worker is build ${await buildId()}; run the same fairfit build on every machine`);
      expect(ran).toEqual([0]);
      expect(await buildId()).toMatch(/^\d+\.\d+\.\d+\S*\+[0-9a-f]{16}\.[0-9a-f]{16}$/);
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }
  });
});
