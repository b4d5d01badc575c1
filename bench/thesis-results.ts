/**
 * The GiantVM thesis's experiments of §5.2 in the thesis's regime (`--preset
 * thesis`, docs/model.md): all eight policies over machines 700–900 (overcommit
 * 1.0) and overcommit 0.5–1.4 (800 machines), 5 seeds, on the real task_events
 * sample with synthetic usage — once with the open rules at their defaults,
 * once under each open rule, and once with only the runs that end by FINISH
 * (`tasks: 'finished'`). Prints the Markdown of docs/results.md's section
 * "GiantVM in the thesis's regime" and writes the sweep report pages.
 *
 * Each of the thesis's findings is judged per comparison by a paired t test
 * over the seeds (a seed draws the machines and the usage of every policy
 * alike, so the policies' differences pair by seed): it *holds* when the mean
 * difference is in the thesis's direction with t ≥ 2.776 (two-sided 5 % for 4
 * degrees of freedom), is *reversed* when t ≤ −2.776, and is *within noise*
 * otherwise (*equal* when every seed gives the same value to rounding: a
 * relative difference ≤ 1e-12, the same sum added in another order).
 *
 * F13 and F14 (Fig. 5-6's shape over time) compare, per migrating policy and seed, the memory migrated
 * per series point over the run's first and last tenths with the points between (the point's runs are
 * made with their series for them); F15 (Fig. 5-8) compares mem_usage's first and second shares.
 *
 * The report pages, for the open rules at their defaults in DIR and for each open rule in
 * DIR/<rule>/, to hold next to the thesis's figures:
 * - `point.html`: 800 machines, overcommit 1.0, the 5 seeds — its bars are each policy's mean over
 *   the seeds there with ±1 sd whiskers, its table mean ± sd (Figs. 5-4 and 5-5; Fig. 5-8's shares are
 *   in the printed tables and over time in replay.html);
 * - `replay.html`: the same point, seed 1, one replay — its over-time charts, among them the
 *   cumulative migrated memory (Fig. 5-6);
 * - `machines.html` and `overcommit.html`: each metric against machines 700–900 (overcommit 1.0) and
 *   overcommit 0.5–1.4 (800 machines), one line per policy, ±1 sd over the seeds (Fig. 5-7). Their
 *   bars pool the whole sweep: hold point.html's next to Figs. 5-4 and 5-5, not theirs.
 *
 * Run: `npx tsx bench/thesis-results.ts [--out DIR]` (DIR default out/thesis).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadTrace } from '../src/systems/giantvm/trace.ts';
import { sweep } from '../src/systems/giantvm/sweep-api.ts';
import { replay } from '../src/systems/giantvm/replay-api.ts';
import { ReplayPool } from '../src/systems/giantvm/replay-pool.ts';
import { writeHtml } from '../src/systems/giantvm/html-report.ts';
import type { PolicyName, ReplayParams, RunResult, SweepReport } from '../src/systems/giantvm/types.ts';

const TRACE = new URL('../../shared/traces/google2011', import.meta.url).pathname;
const SEEDS = [1, 2, 3, 4, 5];
const T_CRIT = 2.776; // t(0.975, 4)
/** Relative difference within which two values are equal: floating-point rounding, not an effect (the run prints the margin on both sides). */
const ROUNDING = 1e-12;
/** The largest relative difference judged rounding and the smallest judged otherwise, over every comparison (said at the end). */
const margin = { rounding: 0, effect: Infinity };
const MACHINES = [700, 750, 800, 850, 900];
const OVERCOMMIT = [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4];
type Metric = 'meanCpu' | 'gini' | 'overcommit' | 'delay' | 'stretch' | 'migratedMemory' | 'migrations' | 'firstShare' | 'secondShare';
/** +1: higher is better (the thesis's reading); −1: lower is better. The shares are compared with each other (F15's `compare`), not between policies. */
const BETTER: Record<Metric, 1 | -1> = { meanCpu: 1, gini: -1, overcommit: -1, delay: -1, stretch: -1, migratedMemory: -1, migrations: -1, firstShare: 1, secondShare: 1 };
const FINE: PolicyName[] = ['fine_grained', 'cpu_request', 'cpu_usage', 'mem_usage', 'cpu_usage_desc', 'cache_misses'];
const CPU_SORTED: PolicyName[] = ['cpu_request', 'cpu_usage', 'cpu_usage_desc'];
const MEM_SORTED: PolicyName[] = ['mem_usage', 'cache_misses'];

/** Each run of the experiments: its name, its open rule (`dir`: where its pages go under the output directory). */
const VARIANTS: { name: string; dir: string; params: Partial<ReplayParams> }[] = [
  { name: 'open rules at their defaults', dir: '.', params: {} },
  { name: "migratedRequest 'stays'", dir: 'migrated-request-stays', params: { migratedRequest: 'stays' } },
  { name: "destinationCheck 'request'", dir: 'destination-check-request', params: { destinationCheck: 'request' } },
  { name: 'minMove 0', dir: 'min-move-0', params: { minMove: 0 } },
  { name: "memOrder 'desc'", dir: 'mem-order-desc', params: { memOrder: 'desc' } },
  { name: "gini 'series-mean'", dir: 'gini-series-mean', params: { gini: 'series-mean' } },
  // Not an open rule: the preset's task selection read literally (SCHEDULE → FINISH), killed and failed runs left out.
  { name: "tasks 'finished'", dir: 'tasks-finished', params: { tasks: 'finished' } },
];

/** The run of a policy at a configuration and seed. */
function runOf(runs: RunResult[], policy: PolicyName, machines: number, overcommit: number, seed: number): RunResult {
  return runs.find((r) => r.policy === policy && r.params.seed === seed && r.params.machines === machines && r.params.overcommit === overcommit)!;
}

/** Per-seed values of a metric for a policy at a configuration, in seed order. */
function values(runs: RunResult[], policy: PolicyName, machines: number, overcommit: number, metric: Metric): number[] {
  return SEEDS.map((seed) => runOf(runs, policy, machines, overcommit, seed).metrics[metric]!);
}

function meanSd(x: number[]): { mean: number; sd: number } {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1));
  return { mean, sd };
}

type Verdict = 'holds' | 'reversed' | 'noise' | 'equal';

/** Does "a is better than b" hold beyond seed noise (`sign` +1: better is higher, −1: lower)? */
function judge(a: number[], b: number[], sign: 1 | -1): Verdict {
  const d = a.map((x, i) => sign * (x - b[i]!));
  // The same number summed in another order is not a finding: under migratedRequest 'stays' every policy's mean
  // CPU is no_migration's to the 15th digit, and a t test of such differences "held" or "reversed" by chance.
  const rel = Math.max(...d.map((x, i) => Math.abs(x) / Math.max(Math.abs(a[i]!), Math.abs(b[i]!), Number.MIN_VALUE)));
  if (rel <= ROUNDING) {
    margin.rounding = Math.max(margin.rounding, rel);
    return 'equal';
  }
  margin.effect = Math.min(margin.effect, rel);
  const { mean, sd } = meanSd(d);
  if (sd === 0) return mean > 0 ? 'holds' : 'reversed';
  const t = mean / (sd / Math.sqrt(d.length));
  return t >= T_CRIT ? 'holds' : t <= -T_CRIT ? 'reversed' : 'noise';
}

/** The runs a finding reads: sweeps A (machines) and B (overcommit), and the point's runs with their series (P). */
interface Runs { A: RunResult[]; B: RunResult[]; P: RunResult[] }

/**
 * A finding: comparisons "a better than b on metric" at configurations; or, with `compare`, its own
 * comparisons at each configuration — per-seed values [a, b] where a higher than b is the thesis's direction.
 */
interface Finding {
  id: string; claim: string; pairs: [PolicyName, PolicyName][]; metrics: Metric[]; at: 'point' | 'machines' | 'overcommit' | 'both';
  compare?: (runs: Runs, machines: number, overcommit: number, sweep: 'A' | 'B') => [number[], number[]][];
}

/** The policies that migrate (Fig. 5-6 draws their network use). */
const MIGRATING: PolicyName[] = ['coarse_grained', ...FINE];

/**
 * Memory migrated per series point of a run, averaged over its first tenth of the points (`start`), its
 * last tenth (`end`) and the points between (`middle`): the shape Fig. 5-6's cumulative curve has.
 */
function migratedShape(r: RunResult): { start: number; middle: number; end: number } {
  const y = r.series.migratedMemory!;
  const k = Math.ceil(y.length / 10);
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { start: mean(y.slice(0, k)), middle: mean(y.slice(k, y.length - k)), end: mean(y.slice(y.length - k)) };
}

/** Each seed's {@link migratedShape} of a policy's run at a configuration. */
function shapes(runs: RunResult[], policy: PolicyName, machines: number, overcommit: number): ReturnType<typeof migratedShape>[] {
  return SEEDS.map((seed) => migratedShape(runOf(runs, policy, machines, overcommit, seed)));
}

/** F13, F14: per seed, [the points between, the first (`start`) or last (`end`) tenth]: the middle higher is the thesis's direction. */
function shapeAgainstMiddle(runs: RunResult[], policy: PolicyName, machines: number, overcommit: number, part: 'start' | 'end'): [number[], number[]] {
  const s = shapes(runs, policy, machines, overcommit);
  return [s.map((x) => x.middle), s.map((x) => x[part])];
}

const OTHERS = (p: PolicyName): PolicyName[] => (['no_migration', 'coarse_grained', ...FINE] as PolicyName[]).filter((q) => q !== p);
const FINDINGS: Finding[] = [
  { id: 'F1', claim: 'no balancing is worst (Fig. 5-4, 800 machines, overcommit 1.0): every policy has higher mean CPU and lower Gini than no_migration', pairs: OTHERS('no_migration').map((p) => [p, 'no_migration']), metrics: ['meanCpu', 'gini'], at: 'point' },
  { id: 'F2', claim: 'coarse-grained is second worst (Fig. 5-4): every fine-grained variant beats it on mean CPU and Gini', pairs: FINE.map((p) => [p, 'coarse_grained']), metrics: ['meanCpu', 'gini'], at: 'point' },
  { id: 'F3', claim: 'memory-sorted beats CPU-sorted (Fig. 5-4): mem_usage and cache_misses above cpu_request, cpu_usage, cpu_usage_desc on mean CPU, below them on Gini ("the Gini\'s trend is the opposite of the CPU\'s")', pairs: MEM_SORTED.flatMap((m) => CPU_SORTED.map((c) => [m, c] as [PolicyName, PolicyName])), metrics: ['meanCpu', 'gini'], at: 'point' },
  { id: 'F4', claim: 'cpu_usage_desc is the worst fine-grained variant (Fig. 5-4) on mean CPU and Gini', pairs: FINE.filter((p) => p !== 'cpu_usage_desc').map((p) => [p, 'cpu_usage_desc']), metrics: ['meanCpu', 'gini'], at: 'point' },
  { id: 'F5', claim: 'coarse-grained migrates the most memory (Fig. 5-6): every fine-grained variant migrates less', pairs: FINE.map((p) => [p, 'coarse_grained']), metrics: ['migratedMemory'], at: 'point' },
  { id: 'F6', claim: 'cache_misses migrates the least memory of the fine-grained variants (Fig. 5-6)', pairs: FINE.filter((p) => p !== 'cache_misses').map((p) => ['cache_misses', p]), metrics: ['migratedMemory'], at: 'point' },
  { id: 'F7', claim: 'CPU-sorted variants migrate more memory than memory-sorted ones (Fig. 5-6)', pairs: MEM_SORTED.flatMap((m) => CPU_SORTED.map((c) => [m, c] as [PolicyName, PolicyName])), metrics: ['migratedMemory'], at: 'point' },
  { id: 'F8', claim: 'no balancing is worst on every metric whatever the machines and overcommit (Fig. 5-7): coarse_grained and mem_usage beat no_migration on mean CPU, Gini, overcommit and delay', pairs: [['coarse_grained', 'no_migration'], ['mem_usage', 'no_migration']], metrics: ['meanCpu', 'gini', 'overcommit', 'delay'], at: 'both' },
  { id: 'F9', claim: 'as machines vary, fine-grained (mem_usage) beats coarse-grained (Fig. 5-7, row 1)', pairs: [['mem_usage', 'coarse_grained']], metrics: ['meanCpu', 'gini', 'overcommit', 'delay'], at: 'machines' },
  { id: 'F10', claim: 'as overcommit varies, coarse-grained beats fine-grained (mem_usage) (Fig. 5-7, row 2)', pairs: [['coarse_grained', 'mem_usage']], metrics: ['meanCpu', 'gini', 'overcommit', 'delay'], at: 'overcommit' },
  { id: 'F11', claim: 'overcommit and delay agree with Fig. 5-4 (Fig. 5-5): every policy has lower overcommit and delay than no_migration', pairs: OTHERS('no_migration').map((p): [PolicyName, PolicyName] => [p, 'no_migration']), metrics: ['overcommit', 'delay'], at: 'point' },
  { id: 'F12', claim: 'overcommit and delay agree with Fig. 5-4 (Fig. 5-5): every fine-grained variant has lower overcommit and delay than coarse_grained', pairs: FINE.map((p): [PolicyName, PolicyName] => [p, 'coarse_grained']), metrics: ['overcommit', 'delay'], at: 'point' },
  { id: 'F13', claim: 'network use is small at the start, the cluster not yet full (Fig. 5-6): per migrating policy, less memory migrated per series point over the run\'s first tenth than over the points between its first and last tenths', pairs: [], metrics: [], at: 'point',
    compare: (runs, m, o) => MIGRATING.map((p) => shapeAgainstMiddle(runs.P, p, m, o, 'start')) },
  { id: 'F14', claim: 'network use falls again as tasks finish (Fig. 5-6): per migrating policy, less memory migrated per series point over the run\'s last tenth than over the points between', pairs: [], metrics: [], at: 'point',
    compare: (runs, m, o) => MIGRATING.map((p) => shapeAgainstMiddle(runs.P, p, m, o, 'end')) },
  { id: 'F15', claim: 'move_to_first takes most of the migrated tasks (Fig. 5-8, mem_usage): its share above move_to_second\'s, at every machine count and overcommit', pairs: [], metrics: [], at: 'both',
    compare: (runs, m, o, s) => [[values(runs[s], 'mem_usage', m, o, 'firstShare'), values(runs[s], 'mem_usage', m, o, 'secondShare')]] },
];

/** Configurations of a finding: [machines, overcommit, which sweep's runs]. */
function configsOf(f: Finding): [number, number, 'A' | 'B'][] {
  const point: [number, number, 'A'][] = [[800, 1, 'A']];
  const byMachines = MACHINES.map((m): [number, number, 'A'] => [m, 1, 'A']);
  const byOvercommit = OVERCOMMIT.map((o): [number, number, 'B'] => [800, o, 'B']);
  // 'both': 800 machines at overcommit 1.0 lies on both axes; it is counted once (sweep A's), not twice.
  return f.at === 'point' ? point : f.at === 'machines' ? byMachines : f.at === 'overcommit' ? byOvercommit : [...byMachines, ...byOvercommit.filter(([m, o]) => !byMachines.some(([m2, o2]) => m2 === m && o2 === o))];
}

function tally(f: Finding, runs: Runs): Record<Verdict, number> & { n: number } {
  const out = { holds: 0, reversed: 0, noise: 0, equal: 0, n: 0 };
  for (const [m, o, s] of configsOf(f)) {
    const comparisons: [number[], number[], 1 | -1][] = f.compare
      ? f.compare(runs, m, o, s).map(([a, b]) => [a, b, 1])
      : f.pairs.flatMap(([a, b]) => f.metrics.map((metric): [number[], number[], 1 | -1] => [values(runs[s], a, m, o, metric), values(runs[s], b, m, o, metric), BETTER[metric]]));
    for (const [a, b, sign] of comparisons) {
      out[judge(a, b, sign)]++;
      out.n++;
    }
  }
  return out;
}

function fmt(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 1 ? x.toFixed(2) : a >= 0.01 ? x.toFixed(4) : x.toExponential(2);
}
const pm = (x: number[]): string => { const { mean, sd } = meanSd(x); return `${fmt(mean)} ± ${fmt(sd)}`; };

const POLICIES: PolicyName[] = ['no_migration', 'coarse_grained', ...FINE];

async function main(): Promise<void> {
  if (!existsSync(TRACE)) throw new Error(`${TRACE} not found: the results need the real trace sample in ../shared/traces`);
  const outArg = process.argv.indexOf('--out');
  const outDir = outArg > 0 ? process.argv[outArg + 1]! : 'out/thesis';
  mkdirSync(outDir, { recursive: true });
  const input = await loadTrace(TRACE, { usage: false, machineEvents: false });
  const pool = new ReplayPool({ workers: 2 });
  const lines: string[] = [];
  const say = (s = ''): void => { lines.push(s); };
  const began = performance.now();
  try {
    for (const [vi, v] of VARIANTS.entries()) {
      const common = { trace: input, preset: 'thesis' as const, usage: 'synthetic' as const, seeds: SEEDS, pool, ...v.params };
      const A = await sweep({ ...common, machines: MACHINES, overcommit: 1, series: false }) as SweepReport;
      const B = await sweep({ ...common, machines: 800, overcommit: OVERCOMMIT, series: false }) as SweepReport;
      // The pages: the point of Figs. 5-4 and 5-5 over the seeds, one replay there for Fig. 5-6, the sweeps for Fig. 5-7.
      // With its series: F13 and F14 read the memory migrated over time in each seed's runs (the page shows none of them).
      const point = await sweep({ ...common, machines: 800, overcommit: 1, series: true }) as SweepReport;
      const { seeds: _seeds, ...one } = common;
      const run = await replay({ ...one, seed: SEEDS[0]!, machines: 800, overcommit: 1, series: true });
      const dir = join(outDir, v.dir);
      mkdirSync(dir, { recursive: true });
      const rule = vi === 0 ? 'thesis regime' : `thesis regime, ${v.name}`;
      writeHtml(join(dir, 'point.html'), { ...point, runs: point.runs.map((r) => ({ ...r, series: {} })) }, { title: `GiantVM, ${rule}: 800 machines, overcommit 1.0, 5 seeds (Figs. 5-4, 5-5)` });
      writeHtml(join(dir, 'replay.html'), run, { title: `GiantVM, ${rule}: 800 machines, overcommit 1.0, seed ${SEEDS[0]} over time (Fig. 5-6)` });
      writeHtml(join(dir, 'machines.html'), A, { title: `GiantVM, ${rule}: machines 700–900, overcommit 1.0, 5 seeds (Fig. 5-7, row 1)` });
      writeHtml(join(dir, 'overcommit.html'), B, { title: `GiantVM, ${rule}: overcommit 0.5–1.4, 800 machines, 5 seeds (Fig. 5-7, row 2)` });
      // The point's runs are sweep A's at 800 machines: the same numbers (the tables read A's).
      for (const r of point.runs) {
        const a = A.runs.find((x) => x.policy === r.policy && x.params.seed === r.params.seed && x.params.machines === 800)!;
        if (JSON.stringify(a.metrics) !== JSON.stringify(r.metrics)) throw new Error(`${v.name}: the point's ${r.policy}, seed ${r.params.seed}, differs from the sweep's`);
      }
      const runs: Runs = { A: A.runs, B: B.runs, P: point.runs };
      process.stderr.write(`${v.name}: ${A.runs.length + B.runs.length} runs, ${((performance.now() - began) / 1000).toFixed(0)} s\n`);
      say(`### ${vi === 0 ? 'Thesis regime, ' : 'Under '}${v.name}`);
      say();
      if (v.params.tasks === 'finished') {
        const i0 = A.runs[0]!.info!;
        say(`Tasks taking part: ${i0.arriving} of ${i0.tasks} (${i0.leftOutNotEnded} left out: no end inside the window; ${i0.leftOutNotFinished} more: their run ended other than by FINISH).`);
        say();
      }
      if (vi === 0) {
        const i0 = A.runs[0]!.info!;
        say(`Tasks taking part: ${i0.arriving} of ${i0.tasks} (${i0.leftOutNotEnded} left out: no end inside the window); at 800 machines, overcommit 1.0, seed 1, no_migration: ${A.runs.find((r) => r.params.machines === 800 && r.params.seed === 1)!.info!.finished} finish, ${A.runs.find((r) => r.params.machines === 800 && r.params.seed === 1)!.info!.unfinished} still open at the end (counted in the delay as delay so far + remaining work).`);
        say();
        // Fig. 5-6's "not yet full at the start": what runs and waits at the first series point, and when the most run.
        const starts = SEEDS.map((seed) => {
          const r = runOf(point.runs, 'no_migration', 800, 1, seed), running = r.series.running!, pending = r.series.pending!, time = r.series.time!;
          const peak = running.indexOf(Math.max(...running));
          // Hours since the window's start: a point's time is its end, and the first point starts one step before it.
          return { running: running[0]!, pending: pending[0]!, peak: running[peak]!, at: (time[peak]! - time[0]! + (time[1]! - time[0]!)) / 3600 };
        });
        const range = (xs: number[], d = 0): string => { const lo = Math.min(...xs).toFixed(d), hi = Math.max(...xs).toFixed(d); return lo === hi ? lo : `${lo}–${hi}`; };
        say(`At the first series point (no_migration, seeds 1–5): ${range(starts.map((x) => x.running))} tasks running and ${range(starts.map((x) => x.pending))} waiting; the most running, ${range(starts.map((x) => x.peak))}, at ${range(starts.map((x) => x.at), 2)} h.`);
        say();
        // Fig. 5-6's shape (F13, F14): the memory migrated per series point over the run's first tenth, the points between, its last tenth.
        const shape = (p: PolicyName): string => {
          const s3 = shapes(point.runs, p, 800, 1);
          return (['start', 'middle', 'end'] as const).map((k) => pm(s3.map((x) => x[k]))).join(' / ');
        };
        say(`Memory migrated per series point (of ${point.runs[0]!.series.migratedMemory!.length}), mean ± sd over the seeds, over the first tenth of the run / the points between / the last tenth: ${MIGRATING.map((p) => `${p} ${shape(p)}`).join('; ')}.`);
        say();
      }
      // The tables, in the thesis regime and under each open rule: the point, then Fig. 5-7's sweeps.
      say('800 machines, overcommit 1.0 (Figs. 5-4, 5-5, 5-6, 5-8), mean ± sd over 5 seeds:');
      say();
      const metrics: Metric[] = ['meanCpu', 'gini', 'overcommit', 'delay', 'stretch', 'migratedMemory', 'migrations', 'firstShare', 'secondShare'];
      say(`| policy | ${metrics.join(' | ')} |`);
      say(`|---|${metrics.map(() => '---').join('|')}|`);
      for (const p of POLICIES) say(`| ${p} | ${metrics.map((m) => pm(values(A.runs, p, 800, 1, m))).join(' | ')} |`);
      say();
      for (const [label, sweepRuns, xs, at] of [['machines (overcommit 1.0)', A.runs, MACHINES, (x: number): [number, number] => [x, 1]], ['overcommit (800 machines)', B.runs, OVERCOMMIT, (x: number): [number, number] => [800, x]]] as const) {
        for (const m of ['meanCpu', 'gini', 'overcommit', 'delay'] as Metric[]) {
          say(`${m} against ${label} (Fig. 5-7), mean ± sd over 5 seeds:`);
          say();
          say(`| policy | ${xs.join(' | ')} |`);
          say(`|---|${xs.map(() => '---').join('|')}|`);
          // All eight (the thesis's Fig. 5-7 draws no_migration, coarse_grained and one fine-grained variant, mem_usage).
          for (const p of POLICIES) {
            say(`| ${p} | ${xs.map((x) => { const [mm, oo] = at(x); return pm(values(sweepRuns, p, mm, oo, m)); }).join(' | ')} |`);
          }
          say();
        }
      }
      say('The thesis\'s findings, judged per comparison (paired over seeds, |t| ≥ 2.776):');
      say();
      say('| finding | comparisons | holds | reversed | within noise | equal |');
      say('|---|---|---|---|---|---|');
      for (const f of FINDINGS) {
        const t = tally(f, runs);
        say(`| ${f.id}: ${f.claim} | ${t.n} | ${t.holds} | ${t.reversed} | ${t.noise} | ${t.equal} |`);
      }
      say();
      // Many comparisons at 5 % each: a few verdicts either way are expected from seed noise alone.
      say('Each comparison is a 5 % test: where there is no real difference, about 1 comparison in 40 still "holds" and 1 in 40 is "reversed" by chance (F8: ≈ 3 of 112 each way).');
      say();
    }
  } finally {
    await pool.close();
  }
  process.stdout.write(lines.join('\n') + '\n');
  process.stderr.write(`rounding: largest relative difference judged equal ${margin.rounding.toExponential(1)}, smallest judged otherwise ${margin.effect.toExponential(1)}\n`);
  process.stderr.write(`done in ${((performance.now() - began) / 1000).toFixed(0)} s; pages in ${outDir} (point, replay, machines, overcommit .html) and its folders, one per open rule\n`);
}

await main();
