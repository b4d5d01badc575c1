/**
 * A queue worker says a job is done once BullMQ has stored its result in Redis, not when the
 * handler returns: an audit froze Redis (SIGSTOP, as a network partition without a reset does) and
 * the worker logged "done" for results that never reached it (another worker computed them again).
 * Real redis-server, in-process worker of a test system.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildId } from '../../src/queue/build-id.ts';
import { encodePayload } from '../../src/queue/payload.ts';
import { PROTOCOL, QUEUE_NAME, type QueueJobData } from '../../src/queue/protocol.ts';
import { QueueWorker, type QueueWorkerEvent } from '../../src/queue/queue-worker.ts';
import { parseQueueUrl } from '../../src/queue/redis-url.ts';
import { startRedis, type RedisServer } from './redis-server.ts';
import { sleep, until } from './waiting.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('a queue worker says done once the result is stored', () => {
  it('not while Redis does not answer; once it answers again and takes the result', async () => {
    const connection = parseQueueUrl(redis.url(0));
    const events: QueueWorkerEvent[] = [];
    let frozen = false;
    // The handler freezes Redis just before it returns: its result cannot be stored until Redis runs again.
    const freeze = async (p: unknown) => {
      process.kill(redis.pid, 'SIGSTOP');
      frozen = true;
      return p;
    };
    const worker = await QueueWorker.start({ connection, concurrency: 1, onEvent: (e) => events.push(e), handlers: { test: { run: freeze } } });
    const queue = new Queue(QUEUE_NAME, { connection: connection.options });
    try {
      const data: QueueJobData = { v: PROTOCOL, build: await buildId(), system: 'test', sweep: 'd', index: 0, label: 'job 0', key: 'k', payload: encodePayload(7) };
      await queue.add('test', data, { jobId: 'd-0', attempts: 1 });
      await until(() => frozen, 20_000);
      await sleep(1500);
      expect(events.map((e) => e.kind)).toEqual(['start']);
      process.kill(redis.pid, 'SIGCONT');
      await until(() => events.some((e) => e.kind === 'done'), 20_000);
      expect(events.map((e) => e.kind)).toEqual(['start', 'done']);
      expect(events[1]).toMatchObject({ kind: 'done', id: 'd-0', label: 'job 0' });
      expect((await queue.getJob('d-0'))?.returnvalue).toBeDefined();
    } finally {
      process.kill(redis.pid, 'SIGCONT');
      await worker.close();
      await queue.close();
    }
  });
});
