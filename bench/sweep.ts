/**
 * Sweep suite (best of 3 interleaved rounds): the same 16-configuration sweep (4 machine counts × 2
 * overcommit ratios × 2 policies) with 1 worker (this thread) and then with 2
 * workers, in this one process. The ratio "1 worker / 2 workers" (the pool
 * started inside the sweep, as `fairfit sweep --workers 2` does) is the
 * issue's item-10 figure (target ≥ 1.7×); a third row reuses an already warm
 * pool (the `pool` option), against a warm 1-worker pool too. The JSON of the runs is compared too, and "cores
 * used" (process CPU time / wall time) shows what the machine really gave.
 *
 * Trace: the shared real Google 2011 extract when `../shared` exists (first
 * task_events part), else a seeded trace made by `generateTrace`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './run.ts';
import { readGoogleTrace } from '../src/io/google/trace-folder.ts';
import type { ReplayInput } from '../src/model/tasks.ts';
import { toJson } from '../src/report/json.ts';
import { ReplayPool } from '../src/systems/giantvm/replay-pool.ts';
import { type SweepOptions } from '../src/systems/giantvm/options.ts';
import { sweep } from '../src/systems/giantvm/sweep-api.ts';
import { casePeak } from './rss.ts';
import { median } from './measure.ts';

const SHARED = new URL('../../shared/traces/google2011', import.meta.url).pathname;

async function benchInput(): Promise<{ input: ReplayInput; label: string }> {
  if (existsSync(SHARED)) {
    return { input: await readGoogleTrace(SHARED, { usage: false, machineEvents: false }), label: 'google2011 part 0' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'fairfit-bench-'));
  try {
    // Loaded only here: the generator is needed only on a machine without ../shared.
    const { generateTrace } = await import('../src/io/generate.ts');
    await generateTrace({ machines: 400, tasks: 20_000, days: 0.25, seed: 7, out: dir });
    return { input: await readGoogleTrace(dir, { usage: false, machineEvents: false }), label: 'generated 20k tasks' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Wall time and process CPU time (all threads): their ratio shows how many cores the run really got. */
async function timed(fn: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number; value: unknown }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, value };
}

/** Rounds of the three cases, interleaved so a burst of load elsewhere hits all of them alike. */
const ROUNDS = 3;

type Timed = Awaited<ReturnType<typeof timed>>;
const best = (xs: Timed[]): Timed => xs.reduce((a, b) => (b.ms < a.ms ? b : a));

export async function sweepSuite(): Promise<BenchRow[]> {
  const { input, label } = await benchInput();
  const base: SweepOptions = { trace: input, machines: [700, 800, 900, 1000], overcommit: [0.8, 1.1], policies: ['no_migration', 'fine_grained'], usage: 'request' };
  const configs = 16;
  // Warm-up: JIT of the shell and the replay in this thread, trace paged in.
  await sweep({ ...base, machines: [700], overcommit: [1], policies: ['fine_grained'], workers: 1 });
  const pool = new ReplayPool({ workers: 2 });
  const pool1 = new ReplayPool({ workers: 1 });
  const one: Timed[] = [];
  const two: Timed[] = [];
  const warm: Timed[] = [];
  const warm1: Timed[] = [];
  try {
    await sweep({ ...base, machines: [700], pool });
    await sweep({ ...base, machines: [700], pool: pool1 });
    for (let r = 0; r < ROUNDS; r++) {
      one.push(await timed(() => sweep({ ...base, workers: 1 })));
      two.push(await timed(() => sweep({ ...base, workers: 2 })));
      warm1.push(await timed(() => sweep({ ...base, pool: pool1 })));
      warm.push(await timed(() => sweep({ ...base, pool })));
    }
  } finally {
    await pool.close();
    await pool1.close();
  }
  const ref = toJson(one[0]!.value);
  const identical = [...one, ...two, ...warm, ...warm1].every((t) => toJson(t.value) === ref);
  // Best of the rounds: the run least disturbed by other load on the machine.
  const [b1, b2, bw, bw1] = [best(one), best(two), best(warm), best(warm1)];
  const name = `sweep ${configs} configs, ${label}, best of ${ROUNDS}`;
  const cores = (t: Timed) => +(t.cpuMs / t.ms).toFixed(2);
  // One peak for the four ways (they ran in turn); worker threads are in this process.
  const peak = casePeak();
  const rows: BenchRow[] = [
    { name, impl: '1 worker (this thread)', meanMs: b1.ms, perSecond: (configs * 1000) / b1.ms, extra: { 'cores used': cores(b1), ...peak } },
    { name, impl: '2 workers (piscina, started in the sweep)', meanMs: b2.ms, perSecond: (configs * 1000) / b2.ms, extra: { speedup: +(b1.ms / b2.ms).toFixed(2), 'speedup (median of rounds)': +median(one.map((t, r) => t.ms / two[r]!.ms)).toFixed(2), 'cores used': cores(b2), identicalJson: String(identical), ...peak } },
    { name, impl: '1 worker (warm pool reused)', meanMs: bw1.ms, perSecond: (configs * 1000) / bw1.ms, extra: { 'cores used': cores(bw1), ...peak } },
    { name, impl: '2 workers (warm pool reused)', meanMs: bw.ms, perSecond: (configs * 1000) / bw.ms, extra: { speedup: +(b1.ms / bw.ms).toFixed(2), 'speedup (median of rounds)': +median(one.map((t, r) => t.ms / warm[r]!.ms)).toFixed(2), 'vs warm 1-worker pool': +(bw1.ms / bw.ms).toFixed(2), 'cores used': cores(bw), ...peak } },
  ];
  rows.push(...(await issueGrid(input, label)));
  return rows;
}

/**
 * The issue's own sweep, `--machines 700:900:100 --overcommit 0.5:1.4:0.3 --policy all` (one
 * seed: 3 × 4 × 8 = 96 runs), metrics only, with 1 worker and with a pool of 2 started inside the
 * sweep, as `fairfit sweep --workers N` runs it. A sweep of this size amortises the workers'
 * start-up and cold JIT that dominate the 16-configuration case above.
 */
export async function issueGrid(input: ReplayInput, label: string): Promise<BenchRow[]> {
  const grid: SweepOptions = { trace: input, machines: '700:900:100', overcommit: '0.5:1.4:0.3', policies: 'all', series: false };
  const configs = 96;
  // ROUNDS alternated rounds (1 worker first, then 2 first, …): the speedup is the median of the rounds' own ratios.
  // It was one run of each, in turn, and the issue's target (≥ 1.7×) was judged on that single pair.
  const one: Timed[] = [];
  const two: Timed[] = [];
  const peaks = { one: 0, two: 0 };
  const peakOf = (): number => Object.values(casePeak())[0]!;
  casePeak();
  for (let r = 0; r < ROUNDS; r++) {
    for (const w of r % 2 ? [2, 1] : [1, 2]) {
      const t = await timed(() => sweep({ ...grid, workers: w }));
      (w === 1 ? one : two).push(t);
      const p = peakOf();
      if (w === 1) peaks.one = Math.max(peaks.one, p);
      else peaks.two = Math.max(peaks.two, p);
    }
  }
  const peakKey = Object.keys(casePeak())[0]!;
  const ref = toJson(one[0]!.value);
  const identical = [...one, ...two].every((t) => toJson(t.value) === ref);
  const name = `issue sweep grid, ${configs} runs, ${label}, median of ${ROUNDS} alternated rounds`;
  const cores = (t: Timed) => +(t.cpuMs / t.ms).toFixed(2);
  const mid = (xs: Timed[]): Timed => { const s = [...xs].sort((a, b) => a.ms - b.ms); return s[s.length >> 1]!; };
  const [m1, m2] = [mid(one), mid(two)];
  const speedups = one.map((t, r) => t.ms / two[r]!.ms);
  const rounds = (xs: Timed[]) => xs.map((t) => (t.ms / 1000).toFixed(2)).join(' ');
  return [
    { name, impl: '1 worker', meanMs: m1.ms, perSecond: (configs * 1000) / m1.ms, extra: { 'cores used': cores(m1), 'rounds s': rounds(one), [peakKey]: peaks.one } },
    {
      name, impl: '2 workers (piscina, started in the sweep)', meanMs: m2.ms, perSecond: (configs * 1000) / m2.ms,
      extra: { speedup: +median(speedups).toFixed(2), 'speedup per round': speedups.map((x) => x.toFixed(2)).join(' '), 'cores used': cores(m2), identicalJson: String(identical), 'rounds s': rounds(two), [peakKey]: peaks.two },
    },
  ];
}
