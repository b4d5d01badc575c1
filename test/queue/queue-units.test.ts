/**
 * The generic queue layer on its own: URL checks, payload encoding, content
 * hashes, and a coordinator with in-process workers of a test system (no
 * GiantVM) on a real redis-server.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FairfitError } from '../../src/errors.ts';
import { ContentHashCache, contentHash, relativeFiles } from '../../src/queue/content-hash.ts';
import { runJobsOnQueue } from '../../src/queue/coordinator.ts';
import { decodePayload, encodePayload } from '../../src/queue/payload.ts';
import { resolveQueueOptions } from '../../src/queue/queue-options.ts';
import { QueueWorker } from '../../src/queue/queue-worker.ts';
import { parseQueueUrl, shownUrl } from '../../src/queue/redis-url.ts';
import { replay, sweep } from '../../src/index.ts';
import { startRedis, type RedisServer } from './redis-server.ts';
import { refusingHandler } from './waiting.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-queue-units-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('queue URLs and options', () => {
  it('reads host, port and database; defaults port 6379 and database 0; never shows a password', () => {
    expect(parseQueueUrl('redis://cache.example:7000/3').options).toEqual({ host: 'cache.example', port: 7000, db: 3, maxRetriesPerRequest: null });
    expect(parseQueueUrl('redis://10.0.0.5').options).toEqual({ host: '10.0.0.5', port: 6379, db: 0, maxRetriesPerRequest: null });
    expect(parseQueueUrl('redis://[::1]:6380').options.host).toBe('::1');
    const secret = parseQueueUrl('redis://me:s%40cret@h:1/2');
    expect([secret.options.username, secret.options.password]).toEqual(['me', 's@cret']);
    expect(shownUrl('redis://me:s%40cret@h:1/2')).toBe('redis://me:***@h:1/2');
  });

  it('rejects what is not redis://HOST:PORT[/DB], naming the option', () => {
    for (const bad of ['', 'h:6379', 'rediss//h', 'http://h:1', 'redis://h:1/a', 'redis://h:1/?x=1', 'redis://h:70000']) {
      expect(() => parseQueueUrl(bad), bad).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: expect.objectContaining({ field: 'queue' }) }));
    }
  });

  it('checks sweep ids, counts and unknown keys; fills the defaults', () => {
    expect(resolveQueueOptions('redis://h')).toMatchObject({ attempts: 3, backoff: 1000, resultTtl: 604800, parts: 4, sweepId: undefined });
    expect(() => resolveQueueOptions({ url: 'redis://h', sweepId: 'a:b' })).toThrow(/sweepId: must be 1–64 letters/);
    expect(() => resolveQueueOptions({ url: 'redis://h', attempts: 0 })).toThrow(/attempts: must be an integer in \[1, 100\]/);
    expect(() => resolveQueueOptions({ url: 'redis://h', retries: 2 } as never)).toThrow(/retries: unknown queue option/);
    expect(() => resolveQueueOptions({ url: 'redis://h', warn: 'stderr' } as never)).toThrow(/queue\.warn: expected a function/);
    const log = () => undefined, warn = () => undefined;
    expect(resolveQueueOptions({ url: 'redis://h', log }).warn).toBe(log);
    expect(resolveQueueOptions({ url: 'redis://h', log, warn }).warn).toBe(warn);
  });

  it('parts splits a replay into cell ranges; a sweep, whose jobs are whole policy groups, refuses it rather than ignore it', async () => {
    await expect(sweep({ trace: 'x', queue: { url: 'redis://127.0.0.1:1', parts: 2 } })).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', details: expect.objectContaining({ field: 'queue.parts' }) }),
    );
    // Refused before the queue is reached (nothing listens on port 1): the replay's parts are accepted and it fails later, on the connection.
    await expect(replay({ trace: 'x', queue: { url: 'redis://127.0.0.1:1', parts: 2 } })).rejects.toThrow(/cannot reach Redis/);
  });
});

describe('payloads', () => {
  it('come back exactly: -0, NaN, ±Infinity, typed arrays (JSON would lose them)', () => {
    const value = { a: -0, b: NaN, c: [Infinity, -Infinity], d: new Float64Array([-0, 1.5, NaN]), e: new Int32Array([7, -7]) };
    const back = decodePayload<typeof value>(encodePayload(value));
    expect(Object.is(back.a, -0)).toBe(true);
    expect(back).toEqual(value);
    expect(back.d).toBeInstanceOf(Float64Array);
    expect(JSON.parse(JSON.stringify(value)).a).toBe(0);
    fc.assert(
      fc.property(fc.anything({ withTypedArray: true, withMap: true, withSet: true, withNullPrototype: false }), (v) => {
        expect(decodePayload(encodePayload(v))).toStrictEqual(v);
      }),
      { numRuns: 200 },
    );
  });
});

describe('content hashes', () => {
  it('are the SHA-256 of sorted (path, size, bytes) entries, of all files or of a list, and change with any byte', async () => {
    const root = join(dir, 'tree');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'sub', 'b'), 'yz');
    writeFileSync(join(root, 'a.txt'), 'x');
    const expected = createHash('sha256').update('a.txt\u00001\u0000x').update('sub/b\u00002\u0000yz').digest('hex');
    expect(await contentHash(root)).toBe(expected);
    expect(await contentHash(join(root, 'a.txt'))).toBe(createHash('sha256').update('\u00001\u0000x').digest('hex'));
    const cache = new ContentHashCache();
    expect(await cache.hash(root)).toBe(expected);
    writeFileSync(join(root, 'a.txt'), 'w');
    // Same size: only the modification time tells the cache the file changed.
    utimesSync(join(root, 'a.txt'), new Date(), new Date(Date.now() + 5000));
    const changed = await cache.hash(root);
    expect(changed).not.toBe(expected);
    expect(changed).toBe(await contentHash(root));
    await expect(contentHash(join(dir, 'nothing'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    // A list of files hashes those only, in the same sorted order whatever order they are given in.
    expect(await contentHash(root, ['sub/b'])).toBe(createHash('sha256').update('sub/b\u00002\u0000yz').digest('hex'));
    expect(await contentHash(root, ['sub/b', 'a.txt'])).toBe(await contentHash(root));
    expect(relativeFiles(root, [join(root, 'sub', 'b')])).toEqual(['sub/b']);
    await expect(contentHash(root, ['sub/c'])).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringContaining('sub/c not found') });
  });
});

describe('coordinator and workers of a test system', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  /** A system whose job `n` gives [n, -0, n / 3] as a Float64Array, and fails for every n in `failing`. */
  function system(failing: Set<number>, ran: number[]) {
    return {
      async run(payload: unknown) {
        const n = payload as number;
        ran.push(n);
        if (failing.has(n)) throw new FairfitError('CORRUPT_INPUT', `input ${n} is bad`);
        return new Float64Array([n, -0, n / 3]);
      },
    };
  }

  it('places results by index, stores one result per job, re-uses them on a second run, and fails naming the job and its last reason', async () => {
    const url = redis.url(1);
    const ran: number[] = [];
    const bad = new Set<number>();
    const workers = await Promise.all([1, 2].map(() => QueueWorker.start({ connection: parseQueueUrl(url), handlers: { test: system(bad, ran) }, concurrency: 3 })));
    try {
      const jobs = Array.from({ length: 40 }, (_, i) => ({ label: `number ${i}`, payload: i }));
      const results: unknown[] = [];
      const q = resolveQueueOptions({ url, sweepId: 'units' });
      const first = await runJobsOnQueue(q, 'test', jobs, { onResult: (i, r) => (results[i] = r) });
      expect(first).toEqual({ sweepId: 'units', interrupted: false, reused: 0 });
      expect(results).toEqual(jobs.map((_, i) => new Float64Array([i, -0, i / 3])));
      expect([...ran].sort((a, b) => a - b)).toEqual(jobs.map((_, i) => i));

      const again: unknown[] = [];
      expect(await runJobsOnQueue(q, 'test', jobs, { onResult: (i, r) => (again[i] = r) })).toEqual({ sweepId: 'units', interrupted: false, reused: 40 });
      expect(again).toEqual(results);
      expect(ran).toHaveLength(40);

      bad.add(13);
      const failing = [...jobs, { label: 'the bad one', payload: 13 }];
      const err = await runJobsOnQueue(resolveQueueOptions({ url, sweepId: 'units-fail', attempts: 3, backoff: 5 }), 'test', failing, { onResult: () => undefined }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FairfitError);
      expect((err as FairfitError).code).toBe('WORKER_FAILED');
      expect((err as FairfitError).message).toMatch(/^queue job (13 \(number 13\)|40 \(the bad one\)) failed after 3 attempt\(s\); last reason: CORRUPT_INPUT: input 13 is bad$/);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  });

  it("says a worker's refusal once (warn, not log) and waits for a worker that can serve the jobs", async () => {
    const url = redis.url(2);
    const refusing = await QueueWorker.start({
      connection: parseQueueUrl(url),
      handlers: { test: refusingHandler('this copy differs') },
      concurrency: 1,
    });
    let good: QueueWorker | undefined;
    const warned: string[] = [], logged: string[] = [];
    try {
      const jobs = Array.from({ length: 6 }, (_, i) => ({ label: `number ${i}`, payload: i }));
      const results: unknown[] = [];
      const ran: number[] = [];
      const q = resolveQueueOptions({ url, sweepId: 'refused', attempts: 1, log: (m) => logged.push(m), warn: (m) => warned.push(m) });
      const done = runJobsOnQueue(q, 'test', jobs, { onResult: (i, r) => (results[i] = r) });
      while (warned.length === 0) await new Promise((r) => setTimeout(r, 20));
      good = await QueueWorker.start({ connection: parseQueueUrl(url), handlers: { test: system(new Set(), ran) }, concurrency: 2 });
      expect(await done).toEqual({ sweepId: 'refused', interrupted: false, reused: 0 });
      expect(results).toEqual(jobs.map((_, i) => new Float64Array([i, -0, i / 3])));
      expect([...ran].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(warned).toEqual([
        expect.stringMatching(/^queue redis:\/\/127\.0\.0\.1:\d+\/2: sweep refused: worker \S+\/\d+ refused job \d \(number \d\), which waits for a worker that can serve it: INVALID_OPTION: trace: refused: this copy differs$/),
      ]);
      expect(logged.some((m) => m.includes('refused job'))).toBe(false);
    } finally {
      await Promise.all([refusing, good].filter((w) => w !== undefined).map((w) => w.close()));
    }
  });
});
