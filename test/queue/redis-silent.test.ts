/**
 * A Redis that stops answering without closing its connections (frozen, or a
 * network cut without a reset) is said, by the worker and by the coordinator,
 * and so is its answering again: an audit found both waiting in silence until
 * Ctrl-C, since no connection closed. Real redis-server, frozen with SIGSTOP.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildId } from '../../src/queue/build-id.ts';
import { runJobsOnQueue } from '../../src/queue/coordinator.ts';
import { encodePayload } from '../../src/queue/payload.ts';
import { PROTOCOL, QUEUE_NAME } from '../../src/queue/protocol.ts';
import { resolveQueueOptions } from '../../src/queue/queue-options.ts';
import { QueueWorker, type QueueWorkerEvent } from '../../src/queue/queue-worker.ts';
import { parseQueueUrl, SILENT_MS, watchAnswers } from '../../src/queue/redis-url.ts';
import { startRedis, type RedisServer } from './redis-server.ts';
import { sleep, until } from './waiting.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
// A test that failed while Redis was frozen must not leave it frozen for the next one.
afterEach(() => {
  process.kill(redis.pid, 'SIGCONT');
});
afterAll(async () => {
  await redis?.stop();
});

describe('a Redis that does not answer', () => {
  it('watchAnswers says silent once after silentMs without an answer, and answering once when it answers; nothing while quiet', async () => {
    const client = new Redis(parseQueueUrl(redis.url(0)).options);
    const said: boolean[] = [], quietSaid: boolean[] = [];
    let stop = () => undefined as void, stopQuiet = () => undefined as void;
    try {
      await client.ping();
      stop = watchAnswers(client, (s) => said.push(s), () => false, 300);
      stopQuiet = watchAnswers(client, (s) => quietSaid.push(s), () => true, 300);
      await sleep(600);
      // Answering all along: nothing to say.
      expect(said).toEqual([]);
      process.kill(redis.pid, 'SIGSTOP');
      await until(() => said.length === 1, 5000);
      expect(said).toEqual([true]);
      // Said once, however long it stays silent.
      await sleep(700);
      expect(said).toEqual([true]);
      process.kill(redis.pid, 'SIGCONT');
      await until(() => said.length === 2, 5000);
      expect(said).toEqual([true, false]);
      expect(quietSaid).toEqual([]);
    } finally {
      stop();
      stopQuiet();
      process.kill(redis.pid, 'SIGCONT');
      client.disconnect();
    }
  });

  it('an idle worker says nothing of a Redis slow for 7 s (frozen, then answering before SILENT_MS): BullMQ dropping its blocking fetch is not "lost Redis"; it serves a job after', async () => {
    const url = redis.url(2);
    const events: QueueWorkerEvent[] = [];
    const worker = await QueueWorker.start({ connection: parseQueueUrl(url), concurrency: 1, handlers: { test: { run: async (p) => p } }, onEvent: (e) => events.push(e) });
    const queue = new Queue(QUEUE_NAME, { connection: parseQueueUrl(url).options });
    try {
      // Idle: its blocking fetch waits up to 5 s, and BullMQ drops the connection of one left 1 s past that.
      await sleep(500);
      process.kill(redis.pid, 'SIGSTOP');
      await sleep(7000);
      process.kill(redis.pid, 'SIGCONT');
      await sleep(1500);
      // A slow Redis is not a gone one (docs/model.md "Saying the connection's state"), and it answered within SILENT_MS.
      expect(events).toEqual([]);
      await queue.add('test', { v: PROTOCOL, build: await buildId(), system: 'test', sweep: 'idle', index: 0, label: 'after', key: 'k', payload: encodePayload(1) }, { jobId: 'idle-0' });
      await until(() => events.some((e) => e.kind === 'done'), 10_000);
    } finally {
      await queue.close();
      await worker.close();
    }
  }, 30_000);

  it(`a worker and a coordinator each say it after ${SILENT_MS / 1000} s, and that it answers again; the sweep then ends with its result`, async () => {
    const url = redis.url(1);
    const events: QueueWorkerEvent[] = [];
    const warned: string[] = [];
    let frozen = false;
    // The job freezes Redis, waits until both sides have said so, then lets it run again.
    const handler = {
      async run(p: unknown) {
        process.kill(redis.pid, 'SIGSTOP');
        frozen = true;
        try {
          await until(() => events.some((e) => e.kind === 'redis-silent') && warned.some((m) => m.includes('has not answered')), SILENT_MS + 10_000);
        } finally {
          process.kill(redis.pid, 'SIGCONT');
          frozen = false;
        }
        return p;
      },
    };
    const worker = await QueueWorker.start({ connection: parseQueueUrl(url), concurrency: 1, handlers: { test: handler }, onEvent: (e) => events.push(e) });
    try {
      const results: unknown[] = [];
      const q = resolveQueueOptions({ url, sweepId: 'silent', warn: (m) => warned.push(m) });
      expect(await runJobsOnQueue(q, 'test', [{ label: 'the one', payload: 7 }], { onResult: (i, r) => (results[i] = r) })).toEqual({ sweepId: 'silent', interrupted: false, reused: 0 });
      expect(results).toEqual([7]);
      expect(frozen).toBe(false);
      await until(() => events.some((e) => e.kind === 'redis-answering') && warned.some((m) => m.endsWith('Redis answers again')), 5000);
      expect(events.filter((e) => e.kind.startsWith('redis-'))).toEqual([{ kind: 'redis-silent', ms: SILENT_MS }, { kind: 'redis-answering' }]);
      expect(warned).toEqual([
        expect.stringMatching(/^queue redis:\/\/127\.0\.0\.1:\d+\/1: sweep silent: Redis has not answered for 10 s \(frozen, or the network cut without a reset\); waiting until it does$/),
        expect.stringMatching(/^queue redis:\/\/127\.0\.0\.1:\d+\/1: sweep silent: Redis answers again$/),
      ]);
    } finally {
      await worker.close();
    }
  }, 60_000);
});
