/**
 * Sweeps and replays on the Redis-backed job queue, end to end: a real
 * redis-server (started here on a free port), `fairfit worker` processes and
 * coordinators run from the built CLI. Every output is compared byte for byte
 * with the local run of the same command. Each test uses its own Redis
 * database, so one test's workers never take another test's jobs.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { toJson } from '../../src/report/json.ts';
import { sweep } from '../../src/systems/giantvm/sweep-api.ts';
import { killTracked } from '../children.ts';
import { fairfit, run, stop, worker, type Running } from './processes.ts';
import { freePort, startRedis, type RedisServer } from './redis-server.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
/** The coordinator's machine and the good workers' working directory. */
let A = '';
/** A machine whose `trace` is a different trace under the same relative path. */
let B = '';
let redis: RedisServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-queue-'));
  A = join(dir, 'a');
  B = join(dir, 'b');
  mkdirSync(A);
  mkdirSync(B);
  redis = await startRedis();
  await generateTrace({ machines: 120, tasks: 1500, days: 0.04, seed: 5, out: join(A, 'trace') });
  await generateTrace({ machines: 120, tasks: 1500, days: 0.04, seed: 6, out: join(B, 'trace') });
  // Jobs of ~1 s each: long enough to kill or stop a worker in the middle of one.
  await generateTrace({ machines: 300, tasks: 12_000, days: 0.2, seed: 4, out: join(A, 'long') });
});
// A test that failed or timed out before it stopped its workers and coordinators left them running after the
// file, retrying for ever once Redis was stopped.
afterEach(killTracked);
afterAll(async () => {
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const read = (name: string) => readFileSync(join(A, name), 'utf8');

async function workers(n: number, url: string, cwd = A, quickTakeover = false): Promise<Running[]> {
  const ws = Array.from({ length: n }, () => worker(url, cwd, quickTakeover));
  await Promise.all(ws.map((w) => w.waitFor(/worker: serving/)));
  return ws;
}

/** The job keys of a sweep in Redis: one hash per job id, whatever was retried. */
async function jobKeys(db: number, sweepId: string): Promise<string[]> {
  const c = redis.client(db);
  try {
    const keys = await c.keys(`bull:fairfit:${sweepId}-*`);
    return keys.filter((k) => new RegExp(`^bull:fairfit:${sweepId}-\\d+$`).test(k)).sort();
  } finally {
    c.disconnect();
  }
}

describe('fairfit sweep and replay --queue', () => {
  it('a sweep on 2 worker processes writes the same table, JSON, CSV and HTML as a local sweep; a replay split by cells too', async () => {
    const url = redis.url(1);
    const ws = await workers(2, url);
    try {
      const args = ['sweep', '--trace', 'trace', '--machines', '100:120:20', '--overcommit', '0.8,1.1', '--seeds', '2', '--quiet'];
      const [q, l] = await Promise.all([
        fairfit([...args, '--queue', url, '--json', 'sq.json', '--csv', 'sq.csv', '--report', 'sq.html'], A),
        fairfit([...args, '--workers', '2', '--json', 'sl.json', '--csv', 'sl.csv', '--report', 'sl.html'], A),
      ]);
      expect(q.stderr).toBe('');
      expect([q.code, l.code]).toEqual([0, 0]);
      expect(q.stdout).toBe(l.stdout);
      for (const ext of ['json', 'csv', 'html']) expect(read(`sq.${ext}`)).toBe(read(`sl.${ext}`));
      expect(JSON.parse(read('sq.json')).runs).toHaveLength(2 * 2 * 2 * 8);
      // Both workers ran some of the 8 policy-group jobs.
      for (const w of ws) expect(w.stderr()).toMatch(/worker: done /);

      const rargs = ['replay', '--trace', 'trace', '--machines', '100', '--policy', 'all', '--quiet'];
      const [rq, rl] = await Promise.all([
        fairfit([...rargs, '--queue', url, '--parts', '3', '--json', 'rq.json', '--csv', 'rq.csv', '--report', 'rq.html'], A),
        fairfit([...rargs, '--json', 'rl.json', '--csv', 'rl.csv', '--report', 'rl.html'], A),
      ]);
      expect([rq.code, rl.code]).toEqual([0, 0]);
      expect(rq.stdout).toBe(rl.stdout);
      for (const ext of ['json', 'csv', 'html']) expect(read(`rq.${ext}`)).toBe(read(`rl.${ext}`));
      // 8 policies × 3 cell ranges, each stored once.
      const ids = [...ws[0]!.stderr().matchAll(/worker: done (\S+)/g), ...ws[1]!.stderr().matchAll(/worker: done (\S+)/g)].map((m) => m[1]);
      expect(new Set(ids).size).toBe(ids.length);

      // Under synthetic usage the 8 policies are one policy group, run in lockstep: one job per cell range.
      // Not quiet: the coordinator's messages call the run a replay (they said "sweep lock").
      const largs = [...rargs.filter((a) => a !== '--quiet'), '--usage', 'synthetic'];
      const [lq, ll] = await Promise.all([
        fairfit([...largs, '--queue', url, '--parts', '3', '--sweep-id', 'lock', '--json', 'lq.json', '--csv', 'lq.csv'], A),
        fairfit([...largs, '--json', 'll.json', '--csv', 'll.csv'], A),
      ]);
      expect(lq.stderr).toMatch(/^queue redis:\/\/127\.0\.0\.1:\d+\/1: replay lock: 3 job\(s\) enqueued, 3 to wait for$/m);
      expect(lq.stderr).not.toMatch(/sweep/);
      expect([lq.code, ll.code]).toEqual([0, 0]);
      expect(lq.stdout).toBe(ll.stdout);
      for (const ext of ['json', 'csv']) expect(read(`lq.${ext}`)).toBe(read(`ll.${ext}`));
      expect(JSON.parse(read('lq.json')).runs).toHaveLength(8);
      expect(await jobKeys(1, 'lock')).toEqual(['bull:fairfit:lock-0', 'bull:fairfit:lock-1', 'bull:fairfit:lock-2']);
    } finally {
      await Promise.all(ws.map(stop));
    }
  });

  it('SIGKILL of a worker in the middle of a job: another worker takes it over; same output, one stored result per job', async () => {
    const url = redis.url(2);
    const [a, b] = await workers(2, url, A, true);
    try {
      const args = ['sweep', '--trace', 'long', '--machines', '250,300', '--overcommit', '1', '--policy', 'no_migration,fine_grained', '--quiet'];
      const coordinator = run([...args, '--queue', url, '--sweep-id', 'kill', '--json', 'kq.json', '--csv', 'kq.csv'], A);
      const [, killed] = await a!.waitFor(/worker: started (kill-\d+)/);
      a!.child.kill('SIGKILL');
      const { code } = await coordinator.exit;
      expect(coordinator.stderr()).toBe('');
      expect(code).toBe(0);
      // The job the killed worker held was run again, by the other worker.
      expect(b!.stderr()).toContain(`worker: done ${killed}`);
      const local = await fairfit([...args, '--workers', '2', '--json', 'kl.json', '--csv', 'kl.csv'], A);
      expect(local.code).toBe(0);
      expect(read('kq.json')).toBe(read('kl.json'));
      expect(read('kq.csv')).toBe(read('kl.csv'));
      expect(await jobKeys(2, 'kill')).toEqual(['bull:fairfit:kill-0', 'bull:fairfit:kill-1']);
    } finally {
      await Promise.all([a!, b!].map(stop));
    }
  });

  it('a worker whose copy of the trace differs refuses the job: handed back untried, the coordinator says so (under --quiet too) and waits; a good worker started then serves it', async () => {
    const url = redis.url(3);
    const [bad] = await workers(1, url, B);
    const args = ['sweep', '--trace', 'trace', '--machines', '100', '--overcommit', '1', '--policy', 'no_migration', '--queue', url, '--sweep-id', 'copy', '--attempts', '1', '--quiet'];
    let good: Running | undefined;
    try {
      const coordinator = run([...args, '--json', 'cq.json'], A);
      const [said] = await coordinator.waitFor(/^queue .*refused job 0 .*\n/m);
      expect(said).toMatch(
        /^queue redis:\/\/127\.0\.0\.1:\d+\/3: sweep copy: worker \S+\/\d+ refused job 0 \(runs 1–1 of 1 \(machines 100, overcommit 1, seed 1; policies no_migration\)\), which waits for a worker that can serve it: INVALID_OPTION: trace: refused: this worker's copy \S+\/b\/trace has content hash [0-9a-f]{64}, but the sweep's trace trace has [0-9a-f]{64}; give this machine the coordinator's copy\n$/,
      );
      await bad!.waitFor(/worker: refused copy-0, handed back untried: INVALID_OPTION: trace: refused: .*; taking no job for 1 s/);
      // With one try per job, a refusal that used a try would have failed the sweep by now.
      [good] = await workers(1, url, A);
      const { code } = await coordinator.exit;
      expect(code).toBe(0);
      // Said once, however often the bad worker refused it.
      expect(coordinator.stderr().match(/refused job/g)).toHaveLength(1);
      expect(good!.stderr()).toContain('worker: done copy-0');
      const local = await fairfit(['sweep', '--trace', 'trace', '--machines', '100', '--overcommit', '1', '--policy', 'no_migration', '--quiet', '--json', 'cl.json'], A);
      expect(read('cq.json')).toBe(read('cl.json'));
    } finally {
      await Promise.all([bad!, good].filter((w) => w !== undefined).map(stop));
    }
  });

  it('a worker whose copy has an extra part file (same hash for the files the coordinator read), or no copy at all, refuses too', async () => {
    const url = redis.url(8);
    const C = join(dir, 'c');
    cpSync(join(A, 'trace'), join(C, 'trace'), { recursive: true });
    const events = join(C, 'trace', 'task_events');
    const [part] = readdirSync(events);
    cpSync(join(events, part!), join(events, part!.replace(/^part-\d+/, 'part-99999')));
    const E = join(dir, 'e');
    mkdirSync(E);
    const [extra, none] = [...(await workers(1, url, C)), ...(await workers(1, url, E))];
    let good: Running | undefined;
    try {
      const coordinator = run(['sweep', '--trace', 'trace', '--machines', '100', '--overcommit', '1', '--policy', 'no_migration', '--queue', url, '--attempts', '1', '--quiet'], A);
      await coordinator.waitFor(/refused job 0 .*: INVALID_OPTION: trace: refused: this worker's copy \S+\/c\/trace has other files to read \(task_events\/part-00000\S+, task_events\/part-99999\S+, task_usage\/\S+\) than the sweep's trace trace \(task_events\/part-00000\S+, task_usage\/\S+\)\n/);
      await coordinator.waitFor(/refused job 0 .*: INVALID_OPTION: trace: refused: this worker cannot read the sweep's trace trace: trace \S+\/e\/trace: task_events\/part-00000\S+ not found; give this machine the coordinator's copy\n/);
      [good] = await workers(1, url, A);
      expect((await coordinator.exit).code).toBe(0);
    } finally {
      await Promise.all([extra!, none!, good].filter((w) => w !== undefined).map(stop));
    }
  });

  it('a worker that refuses a job after SIGTERM says the refusal but no pause it will never take; it stops, exit 0', async () => {
    const url = redis.url(9);
    // A copy whose task_usage is 1 GiB (sparse) of zeros: hashing it takes seconds, so the refusal comes well after the signal.
    const F = join(dir, 'f');
    cpSync(join(A, 'trace'), join(F, 'trace'), { recursive: true });
    const usage = join(F, 'trace', 'task_usage');
    const [part] = readdirSync(usage);
    truncateSync(join(usage, part!), 0);
    truncateSync(join(usage, part!), 2 ** 30);
    const [slow] = await workers(1, url, F);
    const coordinator = run(['sweep', '--trace', 'trace', '--machines', '100', '--overcommit', '1', '--policy', 'no_migration', '--queue', url, '--sweep-id', 'closing', '--quiet'], A);
    try {
      await slow!.waitFor(/worker: started closing-0/);
      slow!.child.kill('SIGTERM');
      expect(await slow!.exit, slow!.stderr()).toEqual({ code: 0, signal: null });
      const said = slow!.stderr();
      // The refusal came while closing (after the SIGTERM line), and is said without "taking no job for 1 s".
      expect(said).toMatch(/worker: SIGTERM: finishing the running jobs[^\n]*\nworker: refused closing-0, handed back untried: INVALID_OPTION: trace: refused: [^\n]* has content hash [^\n]*; give this machine the coordinator's copy\nworker: stopped\n$/);
      expect(said).not.toContain('taking no job');
    } finally {
      await Promise.all([slow!, coordinator].map(stop));
      rmSync(F, { recursive: true, force: true });
    }
  });

  it('a coordinator killed mid-sweep and started again with the same --sweep-id re-uses the stored results', async () => {
    const url = redis.url(4);
    const [w] = await workers(1, url);
    try {
      const args = ['sweep', '--trace', 'long', '--machines', '200,250,300', '--overcommit', '1', '--policy', 'no_migration,fine_grained'];
      const first = run([...args, '--queue', url, '--sweep-id', 'resume', '--json', 'uq.json'], A);
      await w!.waitFor(/worker: done resume-\d+/);
      first.child.kill('SIGKILL');
      await first.exit;
      const second = await fairfit([...args, '--queue', url, '--sweep-id', 'resume', '--json', 'uq.json'], A);
      expect(second.code).toBe(0);
      expect(second.stderr).toMatch(/sweep resume: re-using [123] stored result\(s\) of 3/);
      // Every job ran exactly once on the worker, across both coordinators.
      expect(w!.stderr().match(/worker: started resume-/g)).toHaveLength(3);
      const local = await fairfit([...args, '--quiet', '--json', 'ul.json'], A);
      expect(read('uq.json')).toBe(read('ul.json'));
      expect(await jobKeys(4, 'resume')).toHaveLength(3);

      // The same id for another sweep is refused, not served the stored results.
      const other = await fairfit(['sweep', '--trace', 'long', '--machines', '400', '--overcommit', '1', '--policy', 'no_migration', '--queue', url, '--sweep-id', 'resume', '--quiet'], A);
      expect(other.code).toBe(2);
      expect(other.stderr).toMatch(/INVALID_OPTION: sweep-id: 'resume' already names a different sweep on redis:\/\/127\.0\.0\.1:\d+\/4/);
    } finally {
      await stop(w!);
    }
  });

  it('SIGTERM stops a worker cleanly: the running job finishes and is stored, exit 0', async () => {
    const url = redis.url(5);
    const [w] = await workers(1, url);
    const coordinator = run(['sweep', '--trace', 'long', '--machines', '300', '--overcommit', '1', '--policy', 'no_migration,fine_grained', '--queue', url, '--sweep-id', 'term', '--quiet'], A);
    await w!.waitFor(/worker: started term-0/);
    w!.child.kill('SIGTERM');
    const exit = await w!.exit;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(w!.stderr()).toMatch(/worker: done term-0 [\s\S]*worker: stopped\n$/);
    const { code } = await coordinator.exit;
    expect(code).toBe(0);
  });

  it('sweep({ queue }) gives the local report; results older than resultTtl are removed', async () => {
    const url = redis.url(6);
    const [w] = await workers(1, url);
    try {
      // One job (both policies of one machine count): a second job of this sweep finishing a second after the first would expire it.
      const options = { trace: join(A, 'trace'), machines: [100], overcommit: 1, policies: ['no_migration', 'cpu_usage'] as const, series: false };
      const queued = await sweep({ ...options, policies: [...options.policies], queue: { url, sweepId: 'old', resultTtl: 1 } });
      const local = await sweep({ ...options, policies: [...options.policies] });
      expect(toJson(queued)).toBe(toJson(local));
      expect(await jobKeys(6, 'old')).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 2200));
      // Finishing any later job removes the expired ones.
      await sweep({ ...options, machines: 90, policies: ['no_migration'], queue: { url, sweepId: 'new', resultTtl: 1 } });
      expect(await jobKeys(6, 'old')).toEqual([]);
      expect(await jobKeys(6, 'new')).toHaveLength(1);
    } finally {
      await stop(w!);
    }
  });

  it('Ctrl-C stops a queue sweep like a local one (exit 130, outputs marked interrupted) and takes its unstarted jobs out of the queue', async () => {
    const url = redis.url(7);
    // No worker serves database 7: the jobs wait until the coordinator is stopped.
    const coordinator = run(['sweep', '--trace', 'trace', '--machines', '100,110', '--overcommit', '1', '--queue', url, '--sweep-id', 'int', '--json', 'iq.json'], A);
    await coordinator.waitFor(/sweep int: 2 job\(s\) enqueued/);
    expect(await jobKeys(7, 'int')).toHaveLength(2);
    coordinator.child.kill('SIGINT');
    const { code } = await coordinator.exit;
    expect(code).toBe(130);
    const report = JSON.parse(read('iq.json'));
    expect([report.interrupted, report.runs.length, report.sweep.completed]).toEqual([true, 0, 0]);
    expect(await jobKeys(7, 'int')).toEqual([]);
  });

  it('an unreachable Redis or a wrong URL is a usage error naming the URL (exit 2)', async () => {
    const port = await freePort();
    const refused = `redis://127.0.0.1:${port}`;
    const refusals = [
      ['sweep', '--trace', 'trace', '--machines', '100', '--queue', refused],
      ['replay', '--trace', 'trace', '--machines', '100', '--queue', refused],
      ['worker', '--queue', refused],
    ];
    for (const r of await Promise.all(refusals.map((args) => fairfit(args, A)))) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^fairfit: INVALID_OPTION: queue: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    }
    const wrong = [
      ['http://127.0.0.1:6379', /queue: 'http:\/\/127\.0\.0\.1:6379' must start with redis:\/\//],
      ['localhost:6379', /queue: 'localhost:6379' must start with redis:\/\//],
      ['redis://127.0.0.1:6379/x', /queue: 'redis:\/\/127\.0\.0\.1:6379\/x': the database after the host must be a number/],
      ['redis://127.0.0.1:99999', /queue: 'redis:\/\/127\.0\.0\.1:99999' is not a URL/],
      [redis.url(99), /queue: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/99: ERR DB index is out of range/],
    ] as const;
    const answers = await Promise.all(wrong.map(([url]) => fairfit(['sweep', '--trace', 'trace', '--queue', url], A)));
    for (const [k, r] of answers.entries()) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(wrong[k]![1]);
    }
  });
});
