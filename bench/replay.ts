/**
 * Replay suite: replay events per second of the WebAssembly replay
 * (`simulate`: prepare + kernel + merge) against the object-per-task
 * TypeScript reference (`simulateReference`) on the same trace and parameters,
 * and the kernel alone (`simulateCells` on a prepared replay). The trace is the
 * real `task_events` sample in ../shared/traces/google2011 when present (with
 * the synthetic usage windows attached once, so both sides replay the same
 * windows and neither pays for generating them), else a seeded generated trace.
 * Timing: process CPU time (the machine is shared). WebAssembly: one warm-up
 * run, then the median of 5. The reference: one run, with no warm-up (it takes
 * seconds to a minute; its JIT warm-up is inside that one run), so its ratios
 * lean slightly in the reference's disfavour. `meanMs` is that CPU time (a
 * median for WebAssembly); wall time is in the extra column. The kernel row's
 * ratio sets the reference's whole replay (its own preparation included)
 * against the kernel alone: not the same work, hence its own name.
 */
import { existsSync } from 'node:fs';
import type { BenchRow } from './run.ts';
import type { ReplayInput, TaskTable } from '../src/model/tasks.ts';
import { readGoogleTrace } from '../src/io/google/trace-folder.ts';
import { syntheticUsage } from '../src/io/synthetic-usage.ts';
import { prepareReplay, simulate, simulateCells } from '../src/systems/giantvm/replay.ts';
import { simulateReference } from '../src/systems/giantvm/reference.ts';
import type { ReplayParams, RunResult } from '../src/systems/giantvm/types.ts';
import { Rng } from '../src/rng.ts';
import { casePeak, startCase } from './rss.ts';
import { median } from './measure.ts';

const TRACE = new URL('../../shared/traces/google2011', import.meta.url).pathname;


/** Process CPU time (user + system) of one call, ms: on a shared 2-core machine wall time mostly measures the neighbours. */
function timed<T>(fn: () => T): { ms: number; wallMs: number; value: T } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms: (c.user + c.system) / 1000, wallMs, value };
}

/** 150k tasks over 2 h, a third present at time 0, like the first part of the 2011 trace. */
function generated(): ReplayInput {
  const r = new Rng(2011);
  const n = 150_000;
  const end = 7200e6;
  const t: TaskTable = {
    count: n, jobId: new Float64Array(n), taskIndex: new Int32Array(n), submit: new Float64Array(n), duration: new Float64Array(n),
    cpuRequest: new Float64Array(n), memRequest: new Float64Array(n), priority: new Int32Array(n), schedulingClass: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    t.jobId[i] = i >> 4; t.taskIndex[i] = i & 15;
    t.submit[i] = r.next() < 0.33 ? 0 : Math.floor(r.next() * end);
    t.duration[i] = Math.floor(Math.exp(r.next() * 9) * 1e6);
    t.cpuRequest[i] = 0.002 + r.next() * r.next() * 0.06;
    t.memRequest[i] = r.next() * 0.04;
    t.priority[i] = r.next() < 0.5 ? r.below(2) : 2 + r.below(10);
  }
  return { tasks: t, start: 0, end, source: { generated: 'bench/replay.ts seed 2011' } };
}

/** The `replay` bench suite: WASM `simulate`, the kernel alone, and the reference, on the same trace. */
export async function replaySuite(): Promise<BenchRow[]> {
  const real = existsSync(TRACE);
  const raw = real ? await readGoogleTrace(TRACE) : generated();
  const label = real ? 'google2011 part 00000' : 'generated 150k tasks';
  if (!real) console.warn(`replay bench: ${TRACE} not found, using a generated trace`);
  const withWindows: ReplayInput = { ...raw, usage: syntheticUsage(raw.tasks, { seed: 1, start: raw.start, end: raw.end }) };
  const rows: BenchRow[] = [];
  const cases: [string, ReplayInput, Partial<ReplayParams>][] = [
    [`${label}, synthetic windows, mem_usage, 800 machines`, withWindows, { policy: 'mem_usage', usage: 'trace' }],
    [`${label}, request usage, fine_grained, 800 machines`, raw, { policy: 'fine_grained', usage: 'request' }],
  ];
  for (const [name, input, params] of cases) {
    startCase();
    simulate(input, params); // warm-up (module compile, JIT)
    const wasm: number[] = [];
    const wall: number[] = [];
    let result: RunResult | undefined;
    for (let i = 0; i < 5; i++) { const t = timed(() => simulate(input, params)); wasm.push(t.ms); wall.push(t.wallMs); result = t.value; }
    const prep = prepareReplay(input, params);
    simulateCells(prep);
    const kernel = median([0, 1, 2, 3, 4].map(() => timed(() => simulateCells(prep)).ms));
    const wasmPeak = casePeak();
    const ref = timed(() => simulateReference(input, params));
    const refPeak = casePeak();
    const same = JSON.stringify(ref.value) === JSON.stringify(result);
    const events = Number(result!.info!.events);
    const w = median(wasm);
    rows.push({ name, impl: 'wasm simulate', meanMs: w, perSecond: (events * 1000) / w, extra: { runs: 'median of 5 after a warm-up', 'ref/wasm': +(ref.ms / w).toFixed(1), events, identical: String(same), 'wall ms': +median(wall).toFixed(0), ...wasmPeak } });
    rows.push({ name, impl: 'wasm kernel (simulateCells)', meanMs: kernel, perSecond: (events * 1000) / kernel, extra: { 'ref whole replay / wasm kernel alone': +(ref.ms / kernel).toFixed(1), ...wasmPeak } });
    rows.push({ name, impl: 'reference (object per task)', meanMs: ref.ms, perSecond: (events * 1000) / ref.ms, extra: { runs: '1, no warm-up', ticks: prep.ticks, tasks: prep.tasks.id.length, 'wall ms': +ref.wallMs.toFixed(0), ...refPeak } });
  }
  return rows;
}

/** One row of the thesis table. */
interface ThesisRow { usage: string; seed: number; policy: string; m: RunResult['metrics']; info: Record<string, number | string> }

/**
 * Item 9: all eight policies on the real sample with usage 'synthetic' and
 * 'request' (the documented defaults otherwise), and the thesis's five findings
 * checked against the numbers, on the seeds' mean and seed by seed (ties to
 * rounding are ties). Returns the Markdown of docs/results.md's generated part
 * (without the minMove-0 and real-machines tables when `extras` is false).
 */
export async function thesisResults(seeds = [1, 2, 3], extras = true): Promise<string> {
  const { withPolicy, mergeRuns } = await import('../src/systems/giantvm/replay.ts');
  const { POLICIES } = await import('../src/systems/giantvm/types.ts');
  const input = await readGoogleTrace(TRACE);
  const rows: ThesisRow[] = [];
  for (const usage of ['synthetic', 'request'] as const) {
    for (const seed of seeds) {
      const base = prepareReplay(input, { usage, seed });
      for (const policy of POLICIES) {
        const prep = withPolicy(base, policy);
        const r = mergeRuns(prep, [simulateCells(prep)]);
        rows.push({ usage, seed, policy, m: r.metrics, info: r.info! });
        process.stderr.write(`${usage} seed ${seed} ${policy}: gini ${r.metrics.gini.toFixed(4)} cpu ${r.metrics.meanCpu.toFixed(4)} mig ${r.metrics.migrations}\n`);
      }
    }
  }
  const f = (x: number, d = 4): string => (Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(d));
  const out: string[] = [];
  const info = rows[0]!.info;
  out.push(`Trace: \`task_events/part-00000-of-00500\` (${info.tasks} tasks, ${info.ticks} ticks of ${Number(info.tickUs) / 1e6} s), ` +
    `800 identical machines of capacity 0.5, cells of 4, rebalancing every 10 ticks, overcommit 1.0; seeds ${seeds.join(', ')} ` +
    `(the seed draws each task's machine and, for 'synthetic', its usage windows). Values are means over the seeds.`);
  /** Equal to rounding: the same sum added in another order is not a difference (bench/thesis-results.ts). */
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  const ge = (a: number, b: number): boolean => a >= b || close(a, b);
  const lt = (a: number, b: number): boolean => a < b && !close(a, b);
  type Get = (policy: string, key: keyof RunResult['metrics']) => number;
  const meanOf = (rs: ThesisRow[]): Get => (policy, key) => {
    const xs = rs.filter((r) => r.policy === policy).map((r) => r.m[key] ?? 0);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  for (const usage of ['synthetic', 'request']) {
    const sub = rows.filter((r) => r.usage === usage);
    const mean = meanOf(sub);
    // Each finding is judged on the seeds' mean and on every seed alone: with 3 seeds a difference of the means
    // that the seeds do not all share is not a finding either way.
    const bySeed = seeds.map((s) => meanOf(sub.filter((r) => r.seed === s)));
    const first = sub[0]!.info;
    out.push('', `### usage: '${usage}'`, '');
    if (usage === 'synthetic') out.push(`Tasks with synthetic windows: ${first.tasksWithWindows}; fell back to 'request' (no run time in the window): ${first.usageFallbackToRequest}.`, '');
    out.push('| policy | mean CPU | Gini | overcommit | delay (s) | stretch | finished tasks | migrated memory | migrations | first / second share |', '|---|---|---|---|---|---|---|---|---|---|');
    const finished = (policy: string): number => {
      const xs = sub.filter((r) => r.policy === policy).map((r) => Number(r.info.finished));
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    for (const p of POLICIES) {
      out.push(`| ${p} | ${f(mean(p, 'meanCpu'))} | ${f(mean(p, 'gini'))} | ${f(mean(p, 'overcommit'))} | ${f(mean(p, 'delay'))} | ${f(mean(p, 'stretch'))} | ${f(finished(p))} | ${f(mean(p, 'migratedMemory'))} | ${f(mean(p, 'migrations'))} | ${mean(p, 'firstShare').toFixed(3)} / ${mean(p, 'secondShare').toFixed(3)} |`);
    }
    const fine = ['fine_grained', 'cpu_request', 'cpu_usage', 'mem_usage', 'cpu_usage_desc', 'cache_misses'];
    const g = (p: string): number => mean(p, 'gini');
    const c = (p: string): number => mean(p, 'meanCpu');
    const mm = (p: string): number => mean(p, 'migratedMemory');
    /** The verdict of a claim: all compared values equal (to rounding), else whether it holds on the mean and in how many seeds. */
    const verdict = (claim: (get: Get) => boolean, values: number[] = []): string => {
      if (values.length > 1 && values.every((v) => close(v, values[0]!))) return '**no difference** (all equal)';
      const seedsAgreeing = bySeed.filter(claim).length;
      const onMean = claim(mean) ? '**agrees**' : '**disagrees**';
      return seedsAgreeing === bySeed.length || seedsAgreeing === 0 ? `${onMean} (every seed alike)` : `${onMean} on the mean, **seeds split** (${seedsAgreeing} of ${bySeed.length} agree)`;
    };
    const others = POLICIES.filter((p) => p !== 'no_migration');
    /** Policies equal to no_migration on a metric (to rounding): "worst" then rests on a tie. */
    const tied = (key: keyof RunResult['metrics']): string[] => others.filter((p) => close(mean(p, key), mean('no_migration', key)));
    const tieNote = (key: keyof RunResult['metrics'], label: string): string => { const t = tied(key); return t.length ? ` (${label}: tied with ${t.length} of ${others.length})` : ''; };
    const worst = (get: Get): boolean => others.every((p) => ge(get('no_migration', 'gini'), get(p, 'gini')) && ge(get(p, 'meanCpu'), get('no_migration', 'meanCpu')));
    out.push('', 'Thesis findings, checked (ties to rounding count as neither better nor worse):', '');
    out.push(`1. no_migration worst on Gini and mean CPU — ${verdict(worst)}${tieNote('gini', 'Gini')}${tieNote('meanCpu', 'mean CPU')}: Gini ${f(g('no_migration'))} vs best ${f(Math.min(...others.map(g)))}; mean CPU ${f(c('no_migration'))} vs best ${f(Math.max(...others.map(c)))}.`);
    const fineBetter = (get: Get): boolean => lt(get('fine_grained', 'gini'), get('coarse_grained', 'gini')) && ge(get('fine_grained', 'meanCpu'), get('coarse_grained', 'meanCpu'));
    out.push(`2. fine-grained better than coarse-grained — ${verdict(fineBetter)}: Gini ${f(g('fine_grained'))} (fine) vs ${f(g('coarse_grained'))} (coarse); mean CPU ${f(c('fine_grained'))} vs ${f(c('coarse_grained'))}; best sorted variant Gini ${f(Math.min(...fine.map(g)))}.`);
    const coarseMost = (get: Get): boolean => POLICIES.every((p) => ge(get('coarse_grained', 'migratedMemory'), get(p, 'migratedMemory')));
    out.push(`3. coarse_grained moves the most memory — ${verdict(coarseMost)}: ${f(mm('coarse_grained'))} vs the most of the others ${f(Math.max(...others.filter((p) => p !== 'coarse_grained').map(mm)))}.`);
    const memOrd = ['mem_usage', 'cache_misses'], cpuOrd = ['cpu_request', 'cpu_usage', 'cpu_usage_desc'];
    const memLess = (get: Get): boolean => lt(Math.max(...memOrd.map((p) => get(p, 'migratedMemory'))), Math.min(...cpuOrd.map((p) => get(p, 'migratedMemory'))));
    out.push(`4. memory-ordered policies move less memory than CPU-ordered ones — ${verdict(memLess, [...memOrd, ...cpuOrd].map(mm))}: mem_usage ${f(mm('mem_usage'))}, cache_misses ${f(mm('cache_misses'))} vs cpu_request ${f(mm('cpu_request'))}, cpu_usage ${f(mm('cpu_usage'))}, cpu_usage_desc ${f(mm('cpu_usage_desc'))}.`);
    const descWorst = (get: Get): boolean => fine.every((p) => ge(get('cpu_usage_desc', 'gini'), get(p, 'gini')));
    out.push(`5. cpu_usage_desc the worst fine-grained variant for balance — ${verdict(descWorst, fine.map(g))}: Gini ${f(g('cpu_usage_desc'))} vs ${fine.filter((p) => p !== 'cpu_usage_desc').map((p) => `${p} ${f(g(p))}`).join(', ')}.`);
  }
  if (!extras) return out.join('\n');
  // Sensitivity to the one number the thesis does not give: the fine-grained usefulness threshold.
  const base = prepareReplay(input, { usage: 'synthetic', seed: seeds[0]!, minMove: 0 });
  out.push('', `### Sensitivity: fine-grained usefulness threshold minMove = 0 (default 0.005), usage 'synthetic', seed ${seeds[0]}`, '');
  out.push('| policy | mean CPU | Gini | migrated memory | migrations |', '|---|---|---|---|---|');
  for (const policy of ['coarse_grained', 'fine_grained', 'cpu_request', 'cpu_usage', 'mem_usage', 'cpu_usage_desc', 'cache_misses'] as const) {
    const prep = withPolicy(base, policy);
    const r = mergeRuns(prep, [simulateCells(prep)]);
    out.push(`| ${policy} | ${f(r.metrics.meanCpu)} | ${f(r.metrics.gini)} | ${f(r.metrics.migratedMemory)} | ${f(r.metrics.migrations)} |`);
  }
  // Context, not the thesis setup: the cell's real 12.5k machines (machine_events) instead of 800.
  const real = prepareReplay(input, { usage: 'synthetic', seed: seeds[0]!, machines: 'trace' });
  out.push('', `### Context: machines from machine_events (${real.machines} machines, capacities as in the trace), usage 'synthetic', seed ${seeds[0]}`, '');
  out.push('| policy | mean CPU | Gini | overcommit | finished tasks | migrated memory | migrations |', '|---|---|---|---|---|---|---|');
  for (const policy of POLICIES) {
    const prep = withPolicy(real, policy);
    const r = mergeRuns(prep, [simulateCells(prep)]);
    out.push(`| ${policy} | ${f(r.metrics.meanCpu)} | ${f(r.metrics.gini)} | ${f(r.metrics.overcommit)} | ${r.info!.finished} | ${f(r.metrics.migratedMemory)} | ${f(r.metrics.migrations)} |`);
  }
  return out.join('\n');
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1] && process.argv.includes('--results')) {
  console.log(await thesisResults());
}
