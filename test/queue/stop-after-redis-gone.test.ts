/**
 * Stopping a coordinator (Ctrl-C) or a worker (SIGTERM) whose Redis went away:
 * the queue's clients wait for Redis forever, so the clean-up must give up
 * after a bound and say so, not hang the process. And Redis coming back
 * (restarted empty, as a Redis without persistence does): the worker and the
 * coordinator say when they lost it and when it is back, and a sweep still
 * ends with every result. Each test has its own redis-server, since it stops it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { CLOSE_MS } from '../../src/queue/close.ts';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { killTracked, tracked } from '../children.ts';
import { run, worker, type Running } from './processes.ts';
import { startRedis, type RedisServer } from './redis-server.ts';
import type { Redis } from 'ioredis';
import { jobId, QUEUE_NAME } from '../../src/queue/protocol.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
let redis: RedisServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-queue-gone-'));
  await generateTrace({ machines: 60, tasks: 500, days: 0.04, seed: 5, out: join(dir, 'trace') });
});
// Each test's own server, stopped after it: a test that started one again where it stopped the first left that
// second server running (and its directory behind) when the next test started its own.
// The processes of a test that timed out while it waited for one of them (its finally never ran) are killed too.
afterEach(async () => {
  await killTracked();
  await redis?.stop();
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Kills what is still running, then waits for it. */
async function ended(...ps: Running[]) {
  for (const p of ps) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(ps.map((p) => p.exit));
}

/** A worker that was serving when its Redis stopped, once it has said it lost Redis. */
async function workerThatLostRedis(): Promise<Running> {
  redis = await startRedis();
  const w = worker(redis.url(0), dir);
  try {
    await w.waitFor(/worker: serving/);
    await redis.stop();
    await w.waitFor(/worker: lost Redis at redis:\/\/127\.0\.0\.1:\d+\/0; retrying until it is back/);
    return w;
  } catch (err) {
    await ended(w);
    throw err;
  }
}

/** The id of the client blocked in `command` (lower case) on the server `admin` talks to, once there is one. */
async function blockedClient(admin: Redis, command: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const id = new RegExp(`id=(\\d+) [^\\n]*cmd=${command}`).exec(String(await admin.client('LIST')))?.[1];
    if (id) return id;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no client blocked in ${command}:\n${String(await admin.client('LIST'))}`);
}

/**
 * Cuts, from the server, the connection of `p` blocked in `command`, then stops `p` with `signal` while that
 * connection waits out BullMQ's first reconnect delay (1 s); `p`'s exit, or null when it is still running
 * {@link CLOSE_MS} + 10 s later.
 */
async function stopWhileReconnecting(p: Running, admin: Redis, command: string, signal: NodeJS.Signals) {
  await admin.client('KILL', 'ID', await blockedClient(admin, command));
  await new Promise((r) => setTimeout(r, 200));
  p.child.kill(signal);
  return exitWithin(p, CLOSE_MS + 10_000);
}

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
      await coordinator.waitFor(/sweep gone: lost Redis; waiting until it is back/);
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
      await ended(coordinator);
    }
  }, 60_000);

  it('SIGTERM of an idle worker exits 1 within the close bound, saying Redis did not answer', async () => {
    // Stopped before it has seen Redis go, its close would find nothing waiting on Redis and end at once (exit 0).
    const w = await workerThatLostRedis();
    try {
      w.child.kill('SIGTERM');
      const exited = await exitWithin(w, CLOSE_MS + 10_000);
      expect(exited, `still running ${CLOSE_MS + 10_000} ms after SIGTERM:\n${w.stderr()}`).not.toBeNull();
      expect(exited).toEqual({ code: 1, signal: null });
      expect(w.stderr()).toMatch(/worker: Redis at redis:\/\/127\.0\.0\.1:\d+\/0 did not answer within 5 s; disconnected/);
    } finally {
      await ended(w);
    }
  }, 60_000);

  it('an embedding host whose QueueWorker.close() gave up on Redis exits by itself: no timer of the worker keeps it alive', async () => {
    redis = await startRedis();
    // The host: the built package's QueueWorker, closed when the test says so, then nothing left to do.
    const internals = fileURLToPath(new URL('../../dist/internals.js', import.meta.url));
    const host = [
      `const { QueueWorker, parseQueueUrl } = await import(${JSON.stringify(internals)});`,
      `const w = await QueueWorker.start({ connection: parseQueueUrl(${JSON.stringify(redis.url(0))}), concurrency: 1, handlers: { t: { run: async (p) => p } }, onEvent: (e) => process.stderr.write(e.kind + '\\n') });`,
      `process.stderr.write('started\\n');`,
      `process.stdin.once('data', async () => { const answered = await w.close(); process.stderr.write('closed ' + answered + '\\n'); process.stdin.destroy(); });`,
    ].join('\n');
    const child = tracked(spawn(process.execPath, ['--input-type=module', '-e', host], { stdio: ['pipe', 'ignore', 'pipe'] }));
    let err = '';
    const closedAt: number[] = [];
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); if (/closed /.test(err) && closedAt.length === 0) closedAt.push(Date.now()); });
    const saw = (re: RegExp) => new Promise<void>((resolve, reject) => {
      const look = () => { if (re.test(err)) { child.stderr!.off('data', look); resolve(); } };
      child.stderr!.on('data', look);
      look();
      child.once('exit', () => (re.test(err) ? resolve() : reject(new Error(`host exited before ${re}:\n${err}`))));
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await saw(/started/);
      await redis.stop();
      // Closed before it has seen Redis go, the worker finds nothing waiting on Redis and closes at once (true).
      await saw(/redis-lost/);
      child.stdin!.write('close\n');
      await saw(/closed false/);
      // Before the fix the worker's lock renewal timer re-armed itself for ever (its close waits on a fetch
      // that never returns): the host never exited.
      const code = await Promise.race([exit, new Promise<'alive'>((r) => setTimeout(() => r('alive'), 10_000))]);
      expect(code, `the host was still alive 10 s after close() returned:\n${err}`).toBe(0);
      expect(Date.now() - closedAt[0]!).toBeLessThan(10_000);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
    }
  }, 60_000);
});

describe('Redis gone, then back', () => {
  it('a worker says when it lost Redis and when Redis is back, once each, then stops as usual (exit 0)', async () => {
    const w = await workerThatLostRedis();
    try {
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

  it('a worker stopped while its blocking connection waits out its reconnect delay stops as usual (exit 0); it waited 5 s and exited 1', async () => {
    // The flaky end of the test above, made certain: Redis is back but the worker's blocking connection has
    // not reconnected yet. ioredis's disconnect() of a client waiting out its delay never says 'end', and
    // BullMQ's close waited for it. Here only that connection is cut, by the server.
    redis = await startRedis();
    const w = worker(redis.url(0), dir);
    const admin = redis.client(0);
    try {
      await w.waitFor(/worker: serving/);
      expect(await stopWhileReconnecting(w, admin, 'bzpopmin', 'SIGTERM'), w.stderr()).toEqual({ code: 0, signal: null });
      expect(w.stderr()).not.toMatch(/did not answer|lost Redis/);
    } finally {
      admin.disconnect();
      await ended(w);
    }
  }, 60_000);

  it('a coordinator stopped while its event reader waits out its reconnect delay exits 130 without saying Redis did not answer', async () => {
    redis = await startRedis();
    // No worker: the job waits until the coordinator is stopped. Only the connection reading the job events
    // (BullMQ's QueueEvents, blocked in XREAD) is cut, by the server.
    const coordinator = run(['sweep', '--trace', 'trace', '--machines', '60', '--overcommit', '1', '--policy', 'no_migration', '--queue', redis.url(0), '--sweep-id', 'blocked', '--json', 'k.json'], dir);
    const admin = redis.client(0);
    try {
      await coordinator.waitFor(/sweep blocked: 1 job\(s\) enqueued/);
      expect(await stopWhileReconnecting(coordinator, admin, 'xread', 'SIGINT'), coordinator.stderr()).toEqual({ code: 130, signal: null });
      expect(coordinator.stderr()).not.toMatch(/did not answer|lost Redis/);
      // Its unstarted job was taken out of the queue, as at any Ctrl-C with Redis there.
      expect(await admin.exists(`bull:${QUEUE_NAME}:${jobId('blocked', 0)}`)).toBe(0);
    } finally {
      admin.disconnect();
      await ended(coordinator);
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
  it('a worker stopped while it starts (connecting to a Redis that does not answer yet) stops as usual once started, exit 0; it exited 143 with no word', async () => {
    redis = await startRedis();
    // Frozen: the worker's first PING waits, so the signal comes while it starts, whatever the machine's speed.
    process.kill(redis.pid, 'SIGSTOP');
    const w = worker(redis.url(0), dir);
    try {
      await new Promise((r) => setTimeout(r, 1500));
      w.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      process.kill(redis.pid, 'SIGCONT');
      const exited = await exitWithin(w, 20_000);
      expect(exited, w.stderr()).toEqual({ code: 0, signal: null });
      expect(w.stderr()).toMatch(/worker: SIGTERM: finishing the running jobs, then stopping[^\n]*\nworker: stopped\n$/);
      expect(w.stderr()).not.toContain('worker: serving');
    } finally {
      process.kill(redis.pid, 'SIGCONT');
      await ended(w);
    }
  }, 60_000);
  it('a worker stopped while Node loads its modules (before any command runs) stops as usual once started, exit 0; it exited 143 with no word', async () => {
    redis = await startRedis();
    // The load of program.js held for 2 s (a loader hook): the signal comes in that window whatever the machine's speed.
    const hold = fileURLToPath(new URL('./slow-program-load.mjs', import.meta.url));
    const w = run(['worker', '--queue', redis.url(0), '--threads', '1'], dir, ['--import', hold]);
    try {
      await w.waitFor(/slow-program-load: holding program\.js\n/);
      w.child.kill('SIGTERM');
      const exited = await exitWithin(w, 20_000);
      expect(exited, w.stderr()).toEqual({ code: 0, signal: null });
      expect(w.stderr()).toMatch(/^slow-program-load: holding program\.js\nworker: SIGTERM: finishing the running jobs, then stopping[^\n]*\nworker: stopped\n$/);
    } finally {
      await ended(w);
    }
    // A second signal while it loads exits 1 at once, as one while it connects does.
    const twice = run(['worker', '--queue', redis.url(0), '--threads', '1'], dir, ['--import', hold]);
    try {
      await twice.waitFor(/slow-program-load: holding program\.js\n/);
      twice.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      twice.child.kill('SIGINT');
      expect(await exitWithin(twice, 1500), twice.stderr()).toEqual({ code: 1, signal: null });
    } finally {
      await ended(twice);
    }
    // Another command keeps its meaning of a signal before it handles one: the signal ends it (nothing was started).
    const replay = run(['replay', '--trace', 'trace', '--machines', '60', '--policy', 'no_migration'], dir, ['--import', hold]);
    try {
      await replay.waitFor(/slow-program-load: holding program\.js\n/);
      replay.child.kill('SIGTERM');
      expect(await replay.exit).toEqual({ code: null, signal: 'SIGTERM' });
    } finally {
      await ended(replay);
    }
  }, 60_000);
});
