/**
 * GiantVM replay memory suite (`giantvm-memory`): peak RSS next to time of
 * `fairfit replay --usage synthetic` on traces written by the project's own
 * generator (seeded, `--no-usage`, into a temporary folder deleted afterwards):
 *
 * - the shape of the 14-part window of the 2011 trace (614k tasks over 19.5 h,
 *   12.5k machines of machine_events): one policy with 1 and 2 workers, all
 *   eight with 2 workers;
 * - 1×, 2×, 4×, 8× and 16× the length (2,000 machines, 3 h to 48 h) with the
 *   same arrival rate and start snapshot, so nearly the same tasks alive at a
 *   time: peak RSS should stay flat (16×: 503k tasks, where the compact
 *   per-task columns read whole below the spilling threshold show if they matter).
 *
 * Each case runs in its own child process (`node --require bench/peak-rss.cjs
 * dist/cli/main.js replay …`): RSS never shrinks, so only a fresh process has
 * the case's own peak. Times are wall and process CPU (all threads) of one
 * run. With `FAIRFIT_BENCH_BASE=<checkout>/dist/cli/main.js` every case also
 * runs on that build (`FAIRFIT_BENCH_BASE_LABEL` names it in the rows) and
 * the JSON outputs are compared number by number.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './run.ts';
import { generateTrace } from '../src/io/generate.ts';
import { POLICIES } from '../src/systems/giantvm/types.ts';
import { ChildTimeoutError, runChild } from '../scripts/run-child.mjs';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const HOOK = fileURLToPath(new URL('./peak-rss.cjs', import.meta.url));
const BASE = process.env.FAIRFIT_BENCH_BASE;

interface Case { name: string; trace: string; policy: string; workers: number; tasks: number; usage?: 'synthetic' | 'trace'; usageRead?: 'stream' | 'whole'; noSeries?: boolean }

interface Measured { wallMs: number; cpuMs: number; peakMB: number; json: string }

/** The least time a case may take before it is killed: 15 minutes. */
export const CASE_TIMEOUT_MIN_MS = 15 * 60_000;
/** Time allowed per task and policy above that: 0.2 ms, some 30× the measured ≈ 6 µs (README, `--workers`). */
export const CASE_TIMEOUT_PER_TASK_MS = 0.2;

/**
 * How long one case's child may run before it is killed and the suite fails naming it: 15 minutes, or
 * 0.2 ms per task and policy when that is longer (the month of `giantvm-full`, all eight: 11 h). A
 * replay that hung (a deadlock, a worker thread that never ends) held `npm run bench` for ever.
 */
export function caseTimeoutMs(c: Pick<Case, 'tasks' | 'policy'>): number {
  const policies = c.policy === 'all' ? POLICIES.length : c.policy.split(',').length;
  return Math.max(CASE_TIMEOUT_MIN_MS, Math.ceil(c.tasks * policies * CASE_TIMEOUT_PER_TASK_MS));
}

/** One replay in a fresh child process: wall time, CPU time and peak RSS. */
function runCase(main: string, c: Case, out: string): Measured {
  const args = ['--require', HOOK, main, 'replay', '--trace', c.trace, '--machines', 'trace', '--usage', c.usage ?? 'synthetic',
    '--policy', c.policy, '--workers', String(c.workers), '--quiet', '--json', out, ...(c.usageRead ? ['--usage-read', c.usageRead] : []), ...(c.noSeries ? ['--no-series'] : [])];
  // The previous case wrote the same file: a child that exits 0 without writing must not pass its JSON off as this one's.
  rmSync(out, { force: true });
  const t0 = performance.now();
  // Killed at its timeout: the error names the case and the command, with its stderr so far.
  let r;
  try {
    r = runChild(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, timeout: caseTimeoutMs(c) });
  } catch (err) {
    if (err instanceof ChildTimeoutError) err.message = `${c.name}: ${err.message}`;
    throw err;
  }
  const wallMs = performance.now() - t0;
  // The last report: the process's own, written at its end (bench/peak-rss.cjs).
  const m = [...r.stderr.matchAll(/fairfit-bench peak-rss-kb=(\d+) cpu-ms=(\d+)/g)].pop();
  if (r.status !== 0 || !m) throw new Error(`${c.name}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
  return { wallMs, cpuMs: Number(m[2]), peakMB: Number(m[1]) / 1024, json: readFileSync(out, 'utf8') };
}

/**
 * 'yes' when byte-identical; otherwise the largest relative difference of any
 * number (a base build from before the segment accounting differs in the last
 * digits, docs/model.md "Segments"), whether every count still agrees, and
 * whether anything else differs (a key or array element on one side only, a
 * string, a type): the walk used to follow the first side's keys only, so a
 * metric missing from one output, or a changed string, read as "counts equal".
 */
export function sameJson(a: string, b: string): string {
  if (a === b) return 'yes';
  let maxRel = 0, counts = true, other = 0;
  const walk = (x: unknown, y: unknown): void => {
    if (typeof x === 'number' && typeof y === 'number') {
      if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) {
        maxRel = Math.max(maxRel, Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y)));
        if (Number.isInteger(x) && Number.isInteger(y)) counts = false;
      }
    } else if (x && typeof x === 'object' && y && typeof y === 'object' && Array.isArray(x) === Array.isArray(y)) {
      const xs = x as Record<string, unknown>, ys = y as Record<string, unknown>;
      for (const k of new Set([...Object.keys(xs), ...Object.keys(ys)])) {
        if (!(k in xs) || !(k in ys)) other++;
        else walk(xs[k], ys[k]);
      }
    } else if (x !== y) {
      other++;
    }
  };
  walk(JSON.parse(a), JSON.parse(b));
  return `no: max rel. diff ${maxRel.toExponential(1)}${counts ? ', counts equal' : ', COUNTS DIFFER'}${other ? `, ${other} OTHER DIFFERENCES (keys, strings or types)` : ''}`;
}

/** Runs `fn` with a fresh temporary folder (deleted afterwards), after checking the build exists. */
async function inTempDir(prefix: string, fn: (dir: string) => Promise<BenchRow[]>): Promise<BenchRow[]> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: npm run bench builds it`);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The row of one case run on this build. */
function thisBuildRow(c: Case, now: Measured): BenchRow {
  return { name: c.name, impl: 'this build', meanMs: now.wallMs, extra: { 'cpu ms': now.cpuMs, 'peak RSS MiB': Math.round(now.peakMB), tasks: c.tasks, load1: +loadavg()[0]!.toFixed(2) } };
}

export async function replayMemorySuite(): Promise<BenchRow[]> {
  return inTempDir('fairfit-memory-', async (dir) => {
    const rows: BenchRow[] = [];
    const cases: Case[] = [];
    // The 14-part window's shape: 614k tasks, 19.5 h, 12.5k machines.
    const big = join(dir, 'w614k');
    await generateTrace({ machines: 12_500, tasks: 614_000, days: 19.5 / 24, seed: 1, out: big, usage: false });
    cases.push({ name: '614k tasks, 19.5 h, 12.5k machines: fine_grained, 1 worker', trace: big, policy: 'fine_grained', workers: 1, tasks: 614_000 });
    cases.push({ name: '614k tasks, 19.5 h, 12.5k machines: fine_grained, 2 workers', trace: big, policy: 'fine_grained', workers: 2, tasks: 614_000 });
    cases.push({ name: '614k tasks, 19.5 h, 12.5k machines: all eight, 2 workers', trace: big, policy: 'all', workers: 2, tasks: 614_000 });
    // 1× to 16× the length: the same start snapshot (11.57 tasks per machine) and arrival rate.
    const snapshot = Math.round(11.57 * 2000);
    for (const x of [1, 2, 4, 8, 16]) {
      const tasks = snapshot + 30_000 * x;
      const trace = join(dir, `len${x}`);
      await generateTrace({ machines: 2000, tasks, days: (3 * x) / 24, seed: 2, out: trace, usage: false });
      cases.push({ name: `length ${x}× (${3 * x} h, ${tasks} tasks, 2,000 machines): cpu_usage, 1 worker`, trace, policy: 'cpu_usage', workers: 1, tasks });
    }
    for (const c of cases) {
      const now = runCase(MAIN, c, join(dir, 'now.json'));
      rows.push(thisBuildRow(c, now));
      if (BASE) {
        const before = runCase(BASE, c, join(dir, 'base.json'));
        rows.push({
          name: c.name, impl: `base (${process.env.FAIRFIT_BENCH_BASE_LABEL ?? BASE})`, meanMs: before.wallMs,
          extra: { 'cpu ms': before.cpuMs, 'peak RSS MiB': Math.round(before.peakMB), tasks: c.tasks, 'same JSON': sameJson(before.json, now.json), load1: +loadavg()[0]!.toFixed(2) },
        });
      }
    }
    return rows;
  });
}

/**
 * `giantvm-memory-usage`: one generated day at the real trace's task_usage
 * density (≈41M rows a day over 12.5k machines: 670k tasks, 17 time-ordered
 * usage parts like the 2011 trace's 500 parts over 29 days; seeded, into a
 * temporary folder deleted afterwards) replayed with `--usage trace`, reading
 * task_usage in time order (`--usage-read stream`) and whole into memory
 * (`--usage-read whole`, the materialised path) in the same build, each in
 * its own child process: wall, CPU, peak RSS, and the JSON compared byte for
 * byte. `FAIRFIT_BENCH_USAGE_SCALE=0.1` scales machines and tasks (a tenth
 * of the density). With `FAIRFIT_BENCH_BASE` the base build runs it too (it
 * reads usage whole).
 */
export async function replayUsageMemorySuite(): Promise<BenchRow[]> {
  const scale = Number(process.env.FAIRFIT_BENCH_USAGE_SCALE ?? '1');
  return inTempDir('fairfit-usage-day-', async (dir) => {
    const rows: BenchRow[] = [];
    const machines = Math.round(12_500 * scale), tasks = Math.round(670_000 * scale);
    const trace = join(dir, 'day');
    const t0 = performance.now();
    const g = await generateTrace({ machines, tasks, days: 1, seed: 3, out: trace, usageParts: 17 });
    const genMs = performance.now() - t0;
    const usageRows = g.rows.task_usage!;
    const name = `1 day, ${machines} machines, ${tasks} tasks, ${(usageRows / 1e6).toFixed(1)}M task_usage rows: fine_grained, 1 worker`;
    rows.push({ name: `generate that day (${g.files.length} files)`, impl: 'gen', meanMs: genMs, extra: { 'task_usage rows': usageRows, load1: +loadavg()[0]!.toFixed(2) } });
    const base: Case = { name, trace, policy: 'fine_grained', workers: 1, tasks, usage: 'trace' };
    const stream = runCase(MAIN, { ...base, usageRead: 'stream' }, join(dir, 'stream.json'));
    rows.push({ name, impl: 'usage read in time order', meanMs: stream.wallMs, extra: { 'cpu ms': stream.cpuMs, 'peak RSS MiB': Math.round(stream.peakMB), 'task_usage rows': usageRows, load1: +loadavg()[0]!.toFixed(2) } });
    const whole = runCase(MAIN, { ...base, usageRead: 'whole' }, join(dir, 'whole.json'));
    rows.push({
      name, impl: 'usage read whole (materialised)', meanMs: whole.wallMs,
      extra: { 'cpu ms': whole.cpuMs, 'peak RSS MiB': Math.round(whole.peakMB), 'task_usage rows': usageRows, 'same JSON': whole.json === stream.json ? 'yes' : 'NO', load1: +loadavg()[0]!.toFixed(2) },
    });
    if (BASE) {
      const before = runCase(BASE, base, join(dir, 'base.json'));
      rows.push({ name, impl: 'base build', meanMs: before.wallMs, extra: { 'cpu ms': before.cpuMs, 'peak RSS MiB': Math.round(before.peakMB), 'same JSON': before.json === stream.json ? 'yes' : 'NO', load1: +loadavg()[0]!.toFixed(2) } });
    }
    return rows;
  });
}

/** Share of interrupted tasks giving ≈ 5.8 events a task (144.5 M for 25 M tasks; measured with `fairfit gen`). */
export const FULL_RESUBMITTED_SHARE = 0.423;

/**
 * `giantvm-full` (run only when named: `npm run bench -- giantvm-full`; it takes tens of minutes):
 * issue 13's full-size goal on a generated trace of the whole 2011 trace's size — 12.5k
 * machines, 25 M tasks over 29 days, synthetic usage — with long-running tasks ending after
 * 5 days on average (`longRunMeanDays`, so the tasks alive stay near a real cell's; docs/model.md,
 * "Generated traces of a month"). One policy (fine_grained) with 2 workers, and all eight with 2
 * workers when `FAIRFIT_BENCH_FULL_ALL=1`, each in its own child process, metrics only
 * (`--no-series`; with their series, the default output, when `FAIRFIT_BENCH_FULL_SERIES=1`): wall, CPU, peak RSS. `FAIRFIT_BENCH_FULL_LENGTHS=1` first runs a quarter and a
 * half of the month (7.25 and 14.5 days, tasks in proportion, the same live set): peak RSS
 * against the trace's length at full scale.
 * `FAIRFIT_BENCH_FULL_SCALE=0.1` scales tasks (and keeps 29 days and 12.5k machines). With
 * resubmissions fitted to the real sample the generator writes ≈ 3.2 task events per task, not
 * the real trace's 5.8 (docs/model.md, "Resubmissions": the 93-minute sample supports no more);
 * the share of interrupted tasks is set to {@link FULL_RESUBMITTED_SHARE} instead, which gives the
 * real month's event count (144.5 M).
 */
export async function replayFullSuite(): Promise<BenchRow[]> {
  const scale = Number(process.env.FAIRFIT_BENCH_FULL_SCALE ?? '1');
  return inTempDir('fairfit-full-', async (dir) => {
    const rows: BenchRow[] = [];
    const cases: Case[] = [];
    // A stretch of the month: the same machines, arrival rate and live set (tasks ∝ days).
    const stretch = async (days: number, name: string): Promise<Case> => {
      const tasks = Math.round(25_000_000 * scale * (days / 29));
      const trace = join(dir, name);
      const t0 = performance.now();
      const g = await generateTrace({ machines: 12_500, tasks, days, seed: 1, out: trace, usage: false, longRunMeanDays: 5, resubmissions: true, resubmittedShare: FULL_RESUBMITTED_SHARE });
      rows.push({ name: `generate ${days} days, 12,500 machines, ${tasks} tasks`, impl: 'gen', meanMs: performance.now() - t0, extra: { 'task_events rows': g.rows.task_events!, load1: +loadavg()[0]!.toFixed(2) } });
      const series = process.env.FAIRFIT_BENCH_FULL_SERIES === '1';
      return { name: `${days} days, 12,500 machines, ${tasks} tasks (${(g.rows.task_events! / 1e6).toFixed(1)}M events)${series ? ', with series' : ''}: fine_grained, 2 workers`, trace, policy: 'fine_grained', workers: 2, tasks, noSeries: !series };
    };
    // FAIRFIT_BENCH_FULL_LENGTHS=1: a quarter and a half of the month first (peak RSS against length at full scale).
    if (process.env.FAIRFIT_BENCH_FULL_LENGTHS === '1') {
      for (const [days, name] of [[7.25, 'quarter'], [14.5, 'half']] as const) {
        const c = await stretch(days, name);
        rows.push(thisBuildRow(c, runCase(MAIN, c, join(dir, 'now.json'))));
        rmSync(c.trace, { recursive: true, force: true });
      }
    }
    cases.push(await stretch(29, 'month'));
    if (process.env.FAIRFIT_BENCH_FULL_ALL === '1') cases.push({ ...cases[0]!, name: cases[0]!.name.replace('fine_grained', 'all eight'), policy: 'all' });
    for (const c of cases) rows.push(thisBuildRow(c, runCase(MAIN, c, join(dir, 'now.json'))));
    return rows;
  });
}
