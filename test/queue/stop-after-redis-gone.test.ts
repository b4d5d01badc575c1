/**
 * Stopping a coordinator (Ctrl-C) or a worker (SIGTERM) whose Redis went away:
 * the queue's clients wait for Redis forever, so the clean-up must give up
 * after a bound and say so, not hang the process. Each test has its own
 * redis-server, since it stops it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { CLOSE_MS } from '../../src/queue/close.ts';
import { run, worker, type Running } from './processes.ts';
import { startRedis, type RedisServer } from './redis-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'fairfit-queue-gone-'));
let redis: RedisServer;

beforeAll(async () => {
  await generateTrace({ machines: 60, tasks: 500, days: 0.04, seed: 5, out: join(dir, 'trace') });
});
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Waits for `p`'s exit at most `ms`; null when it is still running. */
async function exitWithin(p: Running, ms: number) {
  return Promise.race([p.exit, new Promise<null>((r) => setTimeout(() => r(null), ms))]);
}

describe('stopping after Redis went away', () => {
  it('Ctrl-C of a queue sweep exits 130 within the close bound, writes the interrupted outputs and says the unstarted jobs may stay queued', async () => {
    redis = await startRedis();
    // No worker: the job waits until the coordinator is stopped.
    const coordinator = run(['sweep', '--trace', 'trace', '--machines', '60', '--overcommit', '1', '--policy', 'no_migration', '--queue', redis.url(0), '--sweep-id', 'gone', '--json', 'g.json'], dir);
    try {
      await coordinator.waitFor(/sweep gone: 1 job\(s\) enqueued/);
      await redis.stop();
      coordinator.child.kill('SIGINT');
      const t0 = Date.now();
      const exited = await exitWithin(coordinator, CLOSE_MS + 10_000);
      expect(exited, `still running ${CLOSE_MS + 10_000} ms after SIGINT:\n${coordinator.stderr()}`).not.toBeNull();
      expect(exited!.code).toBe(130);
      expect(Date.now() - t0).toBeLessThan(CLOSE_MS + 10_000);
      expect(coordinator.stderr()).toMatch(/sweep gone: Redis did not answer within 5 s; up to 1 unstarted job\(s\) may stay queued/);
      const report = JSON.parse(readFileSync(join(dir, 'g.json'), 'utf8'));
      expect([report.interrupted, report.runs.length]).toEqual([true, 0]);
    } finally {
      if (coordinator.child.exitCode === null && coordinator.child.signalCode === null) coordinator.child.kill('SIGKILL');
      await coordinator.exit;
    }
  }, 60_000);

  it('SIGTERM of an idle worker exits 1 within the close bound, saying Redis did not answer', async () => {
    redis = await startRedis();
    const w = worker(redis.url(0), dir);
    try {
      await w.waitFor(/worker: serving/);
      await redis.stop();
      w.child.kill('SIGTERM');
      const exited = await exitWithin(w, CLOSE_MS + 10_000);
      expect(exited, `still running ${CLOSE_MS + 10_000} ms after SIGTERM:\n${w.stderr()}`).not.toBeNull();
      expect(exited).toEqual({ code: 1, signal: null });
      expect(w.stderr()).toMatch(/worker: Redis at redis:\/\/127\.0\.0\.1:\d+\/0 did not answer within 5 s; disconnected/);
    } finally {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await w.exit;
    }
  }, 60_000);
});
