/**
 * Ctrl-C of a queue sweep whose Redis went away: the coordinator's clients
 * wait for Redis forever, so taking the unstarted jobs out of the queue must
 * give up after a bound and say so, not hang the process. Its own
 * redis-server, since the test stops it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { CLOSE_MS } from '../../src/queue/coordinator.ts';
import { run } from './processes.ts';
import { startRedis, type RedisServer } from './redis-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'fairfit-queue-gone-'));
let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
  await generateTrace({ machines: 60, tasks: 500, days: 0.04, seed: 5, out: join(dir, 'trace') });
});
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Ctrl-C of a queue sweep after its Redis went away', () => {
  it('exits 130 within the close bound, writes the interrupted outputs and says the unstarted jobs may stay queued', async () => {
    // No worker: the job waits until the coordinator is stopped.
    const coordinator = run(['sweep', '--trace', 'trace', '--machines', '60', '--overcommit', '1', '--policy', 'no_migration', '--queue', redis.url(0), '--sweep-id', 'gone', '--json', 'g.json'], dir);
    try {
      await coordinator.waitFor(/sweep gone: 1 job\(s\) enqueued/);
      await redis.stop();
      coordinator.child.kill('SIGINT');
      const t0 = Date.now();
      const exited = await Promise.race([coordinator.exit, new Promise<null>((r) => setTimeout(() => r(null), CLOSE_MS + 10_000))]);
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
});
