/**
 * The pause of a worker that refused a job, with more than one job at a time:
 * it takes no job for as long as it said ("taking no job for N s"), whether
 * two of its jobs were refused at the same moment or its fetch of a next job
 * was under way when it paused. An audit found a worker of concurrency 2
 * taking the job it had just handed back at once (its fetch under way got
 * it), and two refusals at once leaving the shorter pause's timer to resume
 * it. And a worker that refuses a job once it is closing announces no pause.
 * Real redis-server, in-process workers of a test system.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildId } from '../../src/queue/build-id.ts';
import { encodePayload } from '../../src/queue/payload.ts';
import { PROTOCOL, QUEUE_NAME, refusal, type QueueJobData } from '../../src/queue/protocol.ts';
import { QueueWorker, REFUSAL_PAUSE_MS, type QueueWorkerEvent } from '../../src/queue/queue-worker.ts';
import { parseQueueUrl } from '../../src/queue/redis-url.ts';
import { startRedis, type RedisServer } from './redis-server.ts';
import { refusingHandler, sleep, until } from './waiting.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/** Events with the time they came (performance.now()). */
type Timed = QueueWorkerEvent & { at: number };

async function setup(db: number) {
  const connection = parseQueueUrl(redis.url(db));
  const queue = new Queue(QUEUE_NAME, { connection: connection.options });
  const build = await buildId();
  const add = (system: string, i: number) => {
    const data: QueueJobData = { v: PROTOCOL, build, system, sweep: 's', index: i, label: `${system} ${i}`, key: 'k', payload: encodePayload(i) };
    return queue.add(system, data, { jobId: `s-${i}`, attempts: 1 });
  };
  return { connection, queue, add };
}

describe('the pause of a worker that refused a job', () => {
  it('three refusals at once (concurrency 3): the worker takes no job until the longest of the pauses it said has passed', async () => {
    const { connection, queue, add } = await setup(0);
    const events: Timed[] = [];
    // The jobs are refused at the same moment: each waits until all have started.
    let started = 0;
    const both = new Promise<void>((resolve) => {
      const check = setInterval(() => started >= 3 && (clearInterval(check), resolve()), 1);
    });
    const worker = await QueueWorker.start({
      connection,
      concurrency: 3,
      handlers: {
        bad: { run: async () => { started++; await both; throw refusal('trace', 'this worker has another copy'); } },
        good: { run: async (p) => p },
      },
      onEvent: (e) => events.push({ ...e, at: performance.now() }),
    });
    try {
      await Promise.all([add('bad', 0), add('bad', 1), add('bad', 2)]);
      await until(() => events.filter((e) => e.kind === 'refused').length === 3);
      const refused = events.filter((e) => e.kind === 'refused');
      expect(refused.map((e) => e.kind === 'refused' && e.pauseMs)).toEqual([1, 2, 4].map((k) => k * REFUSAL_PAUSE_MS.first));
      const saidEnd = Math.max(...refused.map((e) => e.at + (e.kind === 'refused' ? e.pauseMs : 0)));
      await add('good', 3);
      // The next job it takes (the good one, or a refused one again) is taken once the longest pause is over.
      await until(() => events.filter((e) => e.kind === 'start').length > 3);
      const next = events.filter((e) => e.kind === 'start')[3]!;
      // 100 ms for timer granularity and a loaded machine's round trips.
      expect(next.at).toBeGreaterThan(saidEnd - 100);
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('concurrency 2: the fetch under way when the worker paused does not take the refused job back during the pause', async () => {
    const { connection, queue, add } = await setup(1);
    const events: Timed[] = [];
    const worker = await QueueWorker.start({
      connection,
      concurrency: 2,
      handlers: { bad: refusingHandler() },
      onEvent: (e) => events.push({ ...e, at: performance.now() }),
    });
    try {
      await add('bad', 0);
      await until(() => events.some((e) => e.kind === 'refused'));
      const first = events.find((e) => e.kind === 'refused')!;
      await sleep(REFUSAL_PAUSE_MS.first * 0.7);
      // Taken once, refused once: "taking no job for 1 s" holds.
      expect(events.map((e) => e.kind)).toEqual(['start', 'refused']);
      // Handed back untried, waiting in the queue (not failed, not held by this worker).
      const job = (await queue.getJob('s-0'))!;
      expect(['delayed', 'waiting']).toContain(await job.getState());
      expect(job.attemptsMade).toBe(0);
      // After the pause it takes it again, refuses it again and pauses twice as long.
      await until(() => events.filter((e) => e.kind === 'refused').length === 2);
      const second = events.filter((e) => e.kind === 'refused')[1]!;
      expect(second.at - first.at).toBeGreaterThan(REFUSAL_PAUSE_MS.first - 100);
      expect(second).toMatchObject({ kind: 'refused', id: 's-0', pauseMs: 2 * REFUSAL_PAUSE_MS.first });
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('a job refused once the worker is closing: refused with pauseMs 0 (no pause it would never take), and the close ends', async () => {
    const { connection, queue, add } = await setup(2);
    const events: QueueWorkerEvent[] = [];
    let started!: () => void, release!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const gate = new Promise<void>((r) => (release = r));
    const worker = await QueueWorker.start({
      connection,
      concurrency: 1,
      handlers: { bad: { run: async () => { started(); await gate; throw refusal('trace', 'this worker has another copy'); } } },
      onEvent: (e) => events.push(e),
    });
    try {
      await add('bad', 0);
      await running;
      const closed = worker.close();
      release();
      expect(await closed).toBe(true);
      expect(events.filter((e) => e.kind === 'refused')).toEqual([expect.objectContaining({ id: 's-0', pauseMs: 0 })]);
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});
