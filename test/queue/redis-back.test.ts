/**
 * Redis going away and coming back (restarted empty, as a Redis without
 * persistence does): the worker and the coordinator say when they lost it and
 * when it is back, and a sweep still ends with every result.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { run, worker, type Running } from './processes.ts';
import { startRedis, type RedisServer } from './redis-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'fairfit-queue-back-'));
let redis: RedisServer;

beforeAll(async () => {
  await generateTrace({ machines: 60, tasks: 500, days: 0.04, seed: 5, out: join(dir, 'trace') });
});
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Kills what is still running, then waits for it. */
async function ended(...ps: Running[]) {
  for (const p of ps) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(ps.map((p) => p.exit));
}

describe('Redis gone, then back', () => {
  it('a worker says when it lost Redis and when Redis is back, once each, then stops as usual (exit 0)', async () => {
    redis = await startRedis();
    const w = worker(redis.url(0), dir);
    try {
      await w.waitFor(/worker: serving/);
      await redis.stop();
      await w.waitFor(/worker: lost Redis at redis:\/\/127\.0\.0\.1:\d+\/0; retrying until it is back/);
      redis = await startRedis(redis.port);
      await w.waitFor(/worker: Redis at redis:\/\/127\.0\.0\.1:\d+\/0 is back/);
      w.child.kill('SIGTERM');
      expect(await w.exit, w.stderr()).toEqual({ code: 0, signal: null });
      expect([w.stderr().match(/lost Redis/g)?.length, w.stderr().match(/Redis at \S+ is back/g)?.length]).toEqual([1, 1]);
      expect(w.stderr()).not.toMatch(/did not answer/);
    } finally {
      await ended(w);
    }
  }, 60_000);

  it('a coordinator says so too; its job, gone with the restarted Redis, is enqueued again and the sweep ends with its result', async () => {
    redis = await startRedis();
    // No worker yet: the job waits in the queue that goes away.
    const coordinator = run(['sweep', '--trace', 'trace', '--machines', '60', '--overcommit', '1', '--policy', 'no_migration', '--queue', redis.url(0), '--sweep-id', 'back', '--json', 'b.json'], dir);
    let w: Running | undefined;
    try {
      await coordinator.waitFor(/sweep back: 1 job\(s\) enqueued/);
      await redis.stop();
      await coordinator.waitFor(/queue redis:\/\/127\.0\.0\.1:\d+\/0: sweep back: lost Redis; waiting until it is back/);
      redis = await startRedis(redis.port);
      await coordinator.waitFor(/sweep back: Redis is back/);
      w = worker(redis.url(0), dir);
      expect(await coordinator.exit, coordinator.stderr()).toEqual({ code: 0, signal: null });
      const report = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'));
      // A complete report has no `interrupted` field.
      expect([report.interrupted, report.runs.length]).toEqual([undefined, 1]);
      expect([coordinator.stderr().match(/lost Redis/g)?.length, coordinator.stderr().match(/Redis is back/g)?.length]).toEqual([1, 1]);
    } finally {
      await ended(coordinator, ...(w ? [w] : []));
    }
  }, 60_000);
});
