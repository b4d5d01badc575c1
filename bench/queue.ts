/**
 * Queue suite: what running on the Redis-backed job queue costs.
 *
 * 1. The sweep grid (machines 700:900:100 × overcommit 0.5:1.4:0.3 ×
 *    all policies = 96 runs, metrics only) through the queue, served by two
 *    `fairfit worker --threads 1 --concurrency 1` processes, against the local
 *    pool of 2 (`workers: 2`, started inside the sweep as `fairfit sweep
 *    --workers 2` does). Rounds are interleaved, best of each kept; every
 *    queue round has a fresh sweep id (so nothing is re-used). "warm" workers
 *    were started before the round and already hold the trace; the "cold"
 *    round starts both worker processes inside the timing. Overhead =
 *    queue / local − 1; the target is ≤ 10 %.
 * 2. Per-job overhead with empty jobs (a handler that returns at once, in
 *    this process, concurrency 1): enqueue → result stored and read back by
 *    the coordinator, as the mean over a run of many jobs, and the fixed cost
 *    of a run of one job (connect, subscribe, enqueue, wait, close).
 *
 * Needs Debian's redis-server (started here on a free port).
 * Trace: the shared Google 2011 extract when `../shared` exists, else a seeded generated trace.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './run.ts';
import { toJson } from '../src/report/json.ts';
import { runJobsOnQueue } from '../src/queue/coordinator.ts';
import { resolveQueueOptions } from '../src/queue/queue-options.ts';
import { QueueWorker } from '../src/queue/queue-worker.ts';
import { parseQueueUrl } from '../src/queue/redis-url.ts';
import type { SweepOptions } from '../src/systems/giantvm/options.ts';
import { ReplayPool } from '../src/systems/giantvm/replay-pool.ts';
import { sweep } from '../src/systems/giantvm/sweep-api.ts';
import { killTracked } from '../test/children.ts';
import { stop, worker, type Running } from '../test/queue/processes.ts';
import { startRedis } from '../test/queue/redis-server.ts';
import { casePeak } from './rss.ts';
import { median } from './measure.ts';

const SHARED = new URL('../../shared/traces/google2011', import.meta.url).pathname;
/** Interleaved rounds (QUEUE_BENCH_ROUNDS overrides): the machine is shared, the best of each is kept. */
const ROUNDS = Number(process.env.QUEUE_BENCH_ROUNDS ?? 3);

async function tracePath(): Promise<{ path: string; label: string; cleanup: () => void }> {
  if (existsSync(SHARED)) return { path: SHARED, label: 'google2011 part 0', cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'fairfit-bench-queue-'));
  const { generateTrace } = await import('../src/io/generate.ts');
  await generateTrace({ machines: 400, tasks: 20_000, days: 0.25, seed: 7, out: dir });
  return { path: dir, label: 'generated 20k tasks', cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function startWorkers(url: string): Promise<Running[]> {
  const ws = [worker(url), worker(url)];
  await Promise.all(ws.map((w) => w.waitFor(/worker: serving/)));
  return ws;
}

export async function queueSuite(): Promise<BenchRow[]> {
  const redis = await startRedis();
  let trace: Awaited<ReturnType<typeof tracePath>> | undefined;
  const rows: BenchRow[] = [];
  try {
    trace = await tracePath();
    const grid: SweepOptions = { trace: trace.path, machines: '700:900:100', overcommit: '0.5:1.4:0.3', policies: 'all', series: false };
    const configs = 96;
    let round = 0;
    const onQueue = (url: string) => sweep({ ...grid, queue: { url, sweepId: `bench-${process.pid}-${round++}` } });
    const warmUrl = redis.url(1);
    let warm = await startWorkers(warmUrl);
    const local: { ms: number; value: unknown }[] = [];
    const localWarm: { ms: number; value: unknown }[] = [];
    const queued: { ms: number; value: unknown }[] = [];
    const pool = new ReplayPool({ workers: 2 });
    try {
      await sweep({ ...grid, machines: [700], overcommit: [1], pool });
      // Warm-up: JIT in this process, the workers' threads, the trace read by everyone.
      await sweep({ ...grid, machines: [700], overcommit: [1], workers: 2 });
      await sweep({ ...grid, machines: [700], overcommit: [1], queue: { url: warmUrl, sweepId: `bench-${process.pid}-warmup` } });
      for (let r = 0; r < ROUNDS; r++) {
        local.push(await timed(() => sweep({ ...grid, workers: 2 })));
        queued.push(await timed(() => onQueue(warmUrl)));
        localWarm.push(await timed(() => sweep({ ...grid, pool })));
      }
    } finally {
      await pool.close();
      await Promise.all(warm.map(stop));
    }
    // Cold: the two worker processes start inside the timing (start-up, WebAssembly, trace read and hash).
    const coldUrl = redis.url(2);
    let cold: { ms: number; value: unknown };
    warm = [];
    try {
      cold = await timed(async () => {
        warm = await startWorkers(coldUrl);
        return onQueue(coldUrl);
      });
    } finally {
      await Promise.all(warm.map(stop));
    }
    const best = (xs: { ms: number }[]) => Math.min(...xs.map((x) => x.ms));
    const all = (xs: { ms: number }[]) => xs.map((x) => (x.ms / 1000).toFixed(1)).join(' ');
    const ref = toJson(local[0]!.value);
    const identical = [...local, ...localWarm, ...queued, cold].every((t) => toJson(t.value) === ref);
    const [bl, bq, bw] = [best(local), best(queued), best(localWarm)];
    const name = `issue sweep grid, ${configs} runs, ${trace.label}, best of ${ROUNDS}`;
    // This process (the coordinator and the local pool's threads); the queue's worker processes and Redis are not in it.
    const peak = casePeak();
    rows.push(
      { name, impl: 'local pool of 2 (started in the sweep)', meanMs: bl, perSecond: (configs * 1000) / bl, extra: { 'rounds s': all(local), ...peak } },
      { name, impl: 'local pool of 2 (warm pool reused)', meanMs: bw, perSecond: (configs * 1000) / bw, extra: { 'rounds s': all(localWarm), ...peak } },
      {
        name,
        impl: 'queue, 2 warm worker processes × 1 thread',
        meanMs: bq,
        perSecond: (configs * 1000) / bq,
        extra: { overheadPct: +((bq / bl - 1) * 100).toFixed(1), 'vs warm pool %': +((bq / bw - 1) * 100).toFixed(1), identicalJson: String(identical), 'rounds s': all(queued), ...peak },
      },
      { name, impl: 'queue, 2 worker processes started in the timing', meanMs: cold.ms, perSecond: (configs * 1000) / cold.ms, extra: { overheadPct: +((cold.ms / bl - 1) * 100).toFixed(1), ...peak } },
    );

    // Empty jobs: the queue's own cost per job.
    const url = redis.url(3);
    const w = await QueueWorker.start({ connection: parseQueueUrl(url), handlers: { empty: { run: async () => null } }, concurrency: 1 });
    try {
      const jobs = (n: number) => Array.from({ length: n }, (_, i) => ({ label: `empty ${i}`, payload: i }));
      let id = 0;
      const runEmpty = (n: number) => runJobsOnQueue(resolveQueueOptions({ url, sweepId: `empty-${process.pid}-${id++}` }), 'empty', jobs(n), { onResult: () => undefined });
      await runEmpty(50);
      const N = 2000;
      const many = await timed(() => runEmpty(N));
      const one: number[] = [];
      for (let r = 0; r < 20; r++) one.push((await timed(() => runEmpty(1))).ms);
      one.sort((a, b) => a - b);
      const emptyPeak = casePeak();
      rows.push(
        { name: `${N} empty jobs, 1 in-process worker, concurrency 1`, impl: 'queue', meanMs: many.ms, perSecond: (N * 1000) / many.ms, extra: { perJobMs: +(many.ms / N).toFixed(3), ...emptyPeak } },
        { name: 'run of 1 empty job (connect, enqueue, result, close), median of 20', impl: 'queue', meanMs: median(one), extra: { minMs: +one[0]!.toFixed(2), ...emptyPeak } },
      );
    } finally {
      await w.close();
    }
  } finally {
    // The worker processes a failure left running (one that never said it serves, or the warm ones when startWorkers
    // failed): alive, they kept this process from exiting and served, then retried, a stopped Redis for ever.
    await killTracked();
    await redis.stop();
    trace?.cleanup();
  }
  return rows;
}
