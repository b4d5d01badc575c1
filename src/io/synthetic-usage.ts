/**
 * The `'synthetic'` usage mode: seeded per-task, per-window CPU, memory, max
 * CPU and MAI drawn around the task's requests, with the parameters fitted
 * from the 120 real `task_usage` rows (`fitted-params.ts`; method and
 * sources in docs/model.md, "Synthetic usage").
 *
 * Model, for a task with requests (Rc, Rm) and key κ = hash(seed, jobId, taskIndex):
 *   task level  Lc = min(1, exp(μc + σc·z)), Lm = min(Mm, exp(μm + σm·z')), MAI level exp(μa + σa·z'')
 *   window k    e_k = ρ·e_{k−1} + √(1−ρ²)·s·z_k (AR(1) log-noise, stationary sd s; CPU and memory each)
 *   cpu = Rc·Lc·exp(e_k − s²/2), mem = Rm·Lm·exp(e'_k − s'²/2), maxCpu = cpu·exp(|μp + σp·z|), mai = level
 * every value clipped to [0, 1] (the largest machine). Task levels come from
 * an Rng seeded by κ; the draws of window k from a counter-based hash of
 * (κ, k); so the values do not depend on reading order and the generator
 * (window-major) and this function (task-major) agree. exp, log, sin and
 * cos are V8 11.3's (fdlibm) ported to TypeScript (`src/reference/v8-math.ts`),
 * not the engine's Math.*, so the values equal the WebAssembly core's
 * (`assembly/synthetic-usage.ts`) bit for bit on any JavaScript engine.
 *
 * @module
 */
import { FairfitError, checkOptionNames, optionNames } from '../errors.ts';
import type { TaskTable, UsageTable } from '../model/tasks.ts';
import { column, tableCount } from '../model/table-checks.ts';
import { checkSeed, Rng } from '../rng.ts';
import { sinOut, v8Cos, v8Exp, v8Log, v8Sin, v8SinCos } from '../reference/v8-math.ts';
import { FIT } from './fitted-params.ts';

/** Length of a Google 2011 usage window: 300 s. */
export const WINDOW_US = 300e6;

/** Window-to-window persistence of the log-noise (assumption, see docs/model.md). */
export const USAGE_RHO = 0.9;

const U = FIT.usage;
const CPU_S = U.sampledLog.sigma;
const MEM_S = U.memPeakLog.mu;
const INNOV_CPU = Math.sqrt(1 - USAGE_RHO * USAGE_RHO) * CPU_S;
const INNOV_MEM = Math.sqrt(1 - USAGE_RHO * USAGE_RHO) * MEM_S;
const MEM_MAX_RATIO = U.memRatioMax;

function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Per-task key from the seed and the task identity (job ID, task index): order-independent. */
export function taskKey(seed: number, jobId: number, taskIndex: number): number {
  const hi = Math.floor(jobId / 4294967296) >>> 0;
  const lo = jobId >>> 0;
  let h = mix32((seed >>> 0) ^ 0x27d4eb2f);
  h = mix32(h ^ lo);
  h = mix32(h ^ hi ^ 0x165667b1);
  return mix32(h ^ (taskIndex >>> 0) ^ 0x9e3779b9);
}

/**
 * Key of the noise of run `run` of a task (the generator's task_usage of a resubmitted task):
 * the task's key for its first run, so a trace without resubmissions keeps its bytes; a key of
 * its own for each later run, so a run does not repeat the one before it.
 */
export function runKey(key: number, run: number): number {
  return run === 0 ? key : mix32(key ^ mix32(Math.imul(run, 0x85ebca6b) ^ 0x5bd1e995));
}

/** Seed of window `k` of the task with key `key`. */
export function windowSeed(key: number, k: number): number {
  return mix32(key ^ mix32(Math.imul(k + 1, 0x9e3779b9) ^ 0x7f4a7c15));
}

function normal2(r: Rng, out: Float64Array, at: number): void {
  // Box–Muller: two independent standard normals from two uniforms (cos and sin from one reduction).
  const u1 = 1 - r.next();
  const u2 = r.next();
  const rad = Math.sqrt(-2 * v8Log(u1));
  out[at] = rad * v8SinCos(2 * Math.PI * u2);
  out[at + 1] = rad * sinOut;
}

const Z = new Float64Array(4);

/**
 * Per-task levels into `out[at..at+3)`: CPU ratio, memory ratio, MAI, and
 * 0 (reserved). Pure function of `key`.
 */
export function taskLevels(key: number, out: Float64Array, at = 0): void {
  const r = new Rng(key);
  normal2(r, Z, 0);
  normal2(r, Z, 2);
  out[at] = Math.min(1, v8Exp(U.cpuRatioLog.mu + U.cpuRatioLog.sigma * Z[0]!));
  out[at + 1] = Math.min(MEM_MAX_RATIO, v8Exp(U.memRatioLog.mu + U.memRatioLog.sigma * Z[1]!));
  out[at + 2] = v8Exp(U.maiLog.mu + U.maiLog.sigma * Z[2]!);
  out[at + 3] = 0;
}

/** Uniform in (0, 1) from a 32-bit counter hash: window draws need random access by (task, window). */
function u32(seed: number, j: number): number {
  return (mix32(seed ^ Math.imul(j + 1, 0x85ebca77)) + 0.5) / 4294967296;
}

/**
 * Values of window `k` (k-th window since the task started; `first` for its
 * first one) into `out`: [cpu, mem, maxCpu, mai]. `state[sat..sat+1]` holds
 * the AR(1) log-noise (CPU, memory) of the previous window and is updated.
 * The four draws of a window come from a counter-based hash of
 * (key, k) — no generator state, no allocation.
 */
export function windowValues(
  key: number,
  k: number,
  first: boolean,
  levels: Float64Array,
  lat: number,
  cpuReq: number,
  memReq: number,
  state: Float64Array,
  sat: number,
  out: Float64Array,
): void {
  const ws = windowSeed(key, k);
  // Box–Muller twice: four independent standard normals.
  const r1 = Math.sqrt(-2 * v8Log(u32(ws, 0)));
  const a1 = 2 * Math.PI * u32(ws, 1);
  const r2 = Math.sqrt(-2 * v8Log(u32(ws, 2)));
  const a2 = 2 * Math.PI * u32(ws, 3);
  const z0 = r1 * v8SinCos(a1);
  const z1 = r1 * sinOut;
  const z2 = r2 * v8Cos(a2);
  const ec = first ? CPU_S * z0 : USAGE_RHO * state[sat]! + INNOV_CPU * z0;
  const em = first ? MEM_S * z1 : USAGE_RHO * state[sat + 1]! + INNOV_MEM * z1;
  state[sat] = ec;
  state[sat + 1] = em;
  const cpu = Math.min(1, cpuReq * levels[lat]! * v8Exp(ec - (CPU_S * CPU_S) / 2));
  const mem = Math.min(1, memReq * levels[lat + 1]! * v8Exp(em - (MEM_S * MEM_S) / 2));
  const peak = v8Exp(Math.abs(U.peakLog.mu + U.peakLog.sigma * z2));
  out[0] = cpu;
  out[1] = mem;
  out[2] = Math.min(1, cpu * peak);
  out[3] = levels[lat + 2]!;
}

/**
 * The 1-s CPU sample of window `k` (task_usage column 19, "sampled CPU
 * usage") for a window whose mean CPU is `cpu`, or 0 when the window has
 * none. In the real rows only a share `sampledShare` (6 of 120) carry a
 * sample, and exactly those have aggregation type 0; the sample is
 * cpu·exp(μs + σs·z) (fitted log-ratio). z is the sine half of the second
 * Box–Muller pair of {@link windowValues} (which uses only the cosine half)
 * and the has-a-sample draw a fifth uniform of the window hash, so none of
 * windowValues' values changes.
 */
export function windowSample(key: number, k: number, cpu: number): number {
  const ws = windowSeed(key, k);
  if (u32(ws, 4) >= U.sampledShare) return 0;
  const z = Math.sqrt(-2 * v8Log(u32(ws, 2))) * v8Sin(2 * Math.PI * u32(ws, 3));
  return Math.min(1, cpu * v8Exp(U.sampledLog.mu + U.sampledLog.sigma * z));
}

/** The names of {@link SyntheticUsageOptions}, for the run-time check. */
const SYNTHETIC_USAGE_OPTIONS = optionNames<SyntheticUsageOptions>()('seed', 'start', 'end', 'windowUs');

/** Options of {@link syntheticUsage}. */
export interface SyntheticUsageOptions {
  /** PRNG seed (integer). */
  seed: number;
  /** Trace window [start, end), µs: windows are aligned to start + k·windowUs and clipped to it. */
  start: number;
  /** End of the trace window, µs. */
  end: number;
  /** Window length, µs (default 300e6, the trace's 5 minutes). */
  windowUs?: number;
}

/** Run interval [from, to) of task `i` in the window (from = first SCHEDULE, else submit). */
function runOf(tasks: TaskTable, i: number, start: number, end: number): [number, number] {
  const fs = tasks.firstSchedule?.[i];
  const from = Math.max(start, fs !== undefined && fs === fs ? fs : tasks.submit[i]!);
  const to = Math.min(end, from + tasks.duration[i]!);
  return [from, to];
}

/**
 * The windows {@link syntheticUsage} gives task `i`, without drawing them:
 * `out[0]` = index k0 of its first window (windows aligned to start + k·W),
 * `out[1]` = their number (0: no run time in [start, end), no window). The
 * window of time t is then clamp(⌊(t − start)/W⌋ − k0, 0, count − 1); its
 * values are `windowValues(key, that index, …)` chained from index 0.
 */
export function windowSpan(tasks: TaskTable, i: number, start: number, end: number, W: number, out: Int32Array): void {
  const fs = tasks.firstSchedule?.[i];
  const from = Math.max(start, fs !== undefined && fs === fs ? fs : tasks.submit[i]!);
  const to = Math.min(end, from + tasks.duration[i]!);
  if (!(to > from)) { out[0] = 0; out[1] = 0; return; }
  const k0 = Math.floor((from - start) / W);
  out[0] = k0;
  out[1] = Math.ceil((to - start) / W) - k0;
}

/**
 * Synthetic usage for every task: one row per window its run
 * overlaps (clipped to the run), sorted by task then start. Deterministic in
 * `seed` and the task identities; independent of the tasks' order.
 */
export function syntheticUsage(tasks: TaskTable, opts: SyntheticUsageOptions): UsageTable {
  checkOptionNames(opts, SYNTHETIC_USAGE_OPTIONS, 'syntheticUsage', true);
  const W = opts.windowUs ?? WINDOW_US;
  const { start, end, seed } = opts;
  if (!(W > 0) || !Number.isFinite(W)) throw new FairfitError('INVALID_OPTION', `windowUs must be a finite number > 0, got ${String(W)}`, { field: 'windowUs' });
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) {
    throw new FairfitError('INVALID_OPTION', `start/end must be finite with end ≥ start, got ${start}, ${end}`, { field: 'end' });
  }
  checkSeed(seed, 'seed');
  // A count the columns do not back looped past them (Infinity: for ever; NaN or −1: no window, silently).
  const n = tableCount(tasks, 'tasks');
  for (const f of ['jobId', 'taskIndex', 'submit', 'duration', 'cpuRequest', 'memRequest'] as const) column(tasks, 'tasks', f, n);
  column(tasks, 'tasks', 'firstSchedule', n, true);
  // Pass 1: count windows per task.
  let total = 0;
  for (let i = 0; i < n; i++) {
    const [from, to] = runOf(tasks, i, start, end);
    if (to > from) total += Math.ceil((to - start) / W) - Math.floor((from - start) / W);
  }
  const task = new Int32Array(total);
  const ws = new Float64Array(total);
  const we = new Float64Array(total);
  const cpu = new Float64Array(total);
  const mem = new Float64Array(total);
  const maxCpu = new Float64Array(total);
  const mai = new Float64Array(total);
  const levels = new Float64Array(4);
  const state = new Float64Array(2);
  const out = new Float64Array(4);
  let r = 0;
  for (let i = 0; i < n; i++) {
    const [from, to] = runOf(tasks, i, start, end);
    if (!(to > from)) continue;
    const key = taskKey(seed, tasks.jobId[i]!, tasks.taskIndex[i]!);
    taskLevels(key, levels);
    const k0 = Math.floor((from - start) / W);
    const k1 = Math.ceil((to - start) / W);
    for (let k = k0; k < k1; k++) {
      windowValues(key, k - k0, k === k0, levels, 0, tasks.cpuRequest[i]!, tasks.memRequest[i]!, state, 0, out);
      task[r] = i;
      ws[r] = Math.max(from, start + k * W);
      we[r] = Math.min(to, start + (k + 1) * W);
      cpu[r] = out[0]!;
      mem[r] = out[1]!;
      maxCpu[r] = out[2]!;
      mai[r] = out[3]!;
      r++;
    }
  }
  return { count: total, task, start: ws, end: we, cpu, mem, maxCpu, mai };
}
