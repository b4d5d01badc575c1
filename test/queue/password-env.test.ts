/**
 * A Redis password from FAIRFIT_REDIS_PASSWORD instead of the `--queue` URL (where `ps` shows it to
 * every user of the machine), and the queue worker's option ranges through the API.
 */
import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_ENV, queueUrl } from '../../src/cli/queue-flags.ts';
import { parseQueueUrl } from '../../src/queue/redis-url.ts';
import { QueueWorker } from '../../src/queue/queue-worker.ts';
import { killTracked, tracked } from '../children.ts';
import { MAIN } from './processes.ts';
import { startRedis, type RedisServer } from './redis-server.ts';
import { rejection } from '../rejection.ts';

describe('FAIRFIT_REDIS_PASSWORD', () => {
  it('puts the password into a URL without one, encoded so that the URL check reads it back whole', () => {
    const password = 'p@ss:w/rd %1';
    const url = queueUrl('redis://127.0.0.1:6390/3', { [PASSWORD_ENV]: password });
    const c = parseQueueUrl(url);
    expect(c.options.password).toBe(password);
    expect(c.options.host).toBe('127.0.0.1');
    expect(c.options.port).toBe(6390);
    expect(c.options.db).toBe(3);
    // Unset or empty: the URL as given.
    expect(queueUrl('redis://127.0.0.1:6390/3', {})).toBe('redis://127.0.0.1:6390/3');
    expect(queueUrl('redis://127.0.0.1:6390/3', { [PASSWORD_ENV]: '' })).toBe('redis://127.0.0.1:6390/3');
  });

  it('refuses a password given both in the URL and in the environment', async () => {
    const err = await rejection(() => queueUrl('redis://:inurl@127.0.0.1:6390', { [PASSWORD_ENV]: 'inenv' }));
    expect(err.code).toBe('INVALID_OPTION');
    expect(err.details.field).toBe('queue');
    expect(err.message).toContain(PASSWORD_ENV);
  });

  describe('against a Redis that asks for a password', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedis();
      const c = redis.client();
      await c.config('SET', 'requirepass', 's3cret word');
      c.disconnect();
    }, 30_000);
    afterAll(async () => {
      await redis?.stop();
    });
    // A worker that never said it serves (the test timed out) would serve, then retry Redis, for ever.
    afterEach(killTracked);

    /** `fairfit worker` on the server's URL (no password in it), with `env` added; SIGTERM once it serves. */
    const workerWith = async (env: Record<string, string>): Promise<{ code: number | null; stderr: string }> => {
      const child = tracked(spawn(process.execPath, [MAIN, 'worker', '--queue', `redis://127.0.0.1:${redis.port}/0`, '--threads', '1'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } }));
      let stderr = '';
      let stopped = false;
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        // Once: a second SIGTERM abandons the jobs and exits 1.
        if (!stopped && /serving/.test(stderr)) {
          stopped = true;
          child.kill('SIGTERM');
        }
      });
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      return { code, stderr };
    };

    it('a worker given the password in the environment serves the queue; without it, Redis refuses it (exit 2)', async () => {
      const ok = await workerWith({ [PASSWORD_ENV]: 's3cret word' });
      expect(ok.stderr).toMatch(/worker: serving redis:\/\/127\.0\.0\.1:\d+\/0/);
      expect(ok.stderr).not.toContain('s3cret');
      expect(ok.code, ok.stderr).toBe(0);
      const refused = await workerWith({ [PASSWORD_ENV]: '' });
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(/cannot reach Redis .*NOAUTH|cannot reach Redis .*Authentication/);
    }, 60_000);
  });
});

describe('QueueWorker option ranges', () => {
  it('refuses a lock shorter than a second, and other options out of range, before connecting', async () => {
    // Port 1: nothing listens there; a check after connecting would say "cannot reach Redis" instead.
    const connection = parseQueueUrl('redis://127.0.0.1:1/0');
    for (const [bad, field] of [[{ lockDuration: 1 }, 'lockDuration'], [{ concurrency: 0 }, 'concurrency'], [{ stalledInterval: 0.5 }, 'stalledInterval'], [{ maxStalledCount: -1 }, 'maxStalledCount']] as const) {
      const err = await QueueWorker.start({ connection, handlers: {}, concurrency: 1, ...bad }).then(() => undefined, (e: unknown) => e as { code?: string; details?: { field?: string } });
      expect(err?.code, field).toBe('INVALID_OPTION');
      expect(err?.details?.field, field).toBe(field);
    }
  });
});
