/**
 * Synthetic trace generator in the Google ClusterData-2011 format (gzip CSV,
 * the real folder layout): job/task arrivals, priorities, requests and run
 * times drawn from the distributions fitted to the real `task_events` sample
 * (`fitted-params.ts`), usage windows from the synthetic usage model of
 * `synthetic-usage.ts`, written by `csv-writer.ts`. Same options → identical
 * bytes.
 *
 * Everything is held in typed arrays (one entry per task; with resubmissions,
 * one per added event); task_events are put in time order by radix sort and
 * merge (`event-order.ts`); usage rows are produced window by window and
 * streamed to gzip, so memory is O(tasks), not O(usage rows).
 *
 * @module
 */
import { makeFolder, removeEmptyFolders } from '../report/file.ts';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { FairfitError, checkOptionNames, optionNames, shown } from '../errors.ts';
import { checkSeed, Rng } from '../rng.ts';
import { GzCsv, round4, stoppedError } from './csv-writer.ts';
import { FIT } from './fitted-params.ts';
import { v8Log } from '../reference/v8-math.ts';
import { sampleQuantile, type QuantileTable } from './quantiles.ts';
import { mergeStreams, timeOrder, type EventStream } from './event-order.ts';
import { drawResubmissions, usageRuns, type Resubmitted, type UsageRuns } from './resubmissions.ts';
import { isPartFile } from './google/part-files.ts';
import { TRACE_START } from './google/schema.ts';
import { WINDOW_US, runKey, taskKey, taskLevels, windowSample, windowValues } from './synthetic-usage.ts';


/** The names of {@link GenerateOptions}, for the run-time check. */
const GENERATE_OPTIONS = optionNames<GenerateOptions>()('machines', 'tasks', 'days', 'seed', 'out', 'usage', 'gzipLevel', 'usageParts', 'longRunMeanDays', 'resubmissions', 'resubmittedShare', 'onProgress', 'signal', 'onPlanned');

/** Options of {@link generateTrace}. */
export interface GenerateOptions {
  /** Machines (integer ≥ 1). */
  machines: number;
  /** Tasks (integer ≥ 1: a trace without tasks cannot be replayed). */
  tasks: number;
  /** Trace length in days (> 0; fractions allowed). */
  days: number;
  /** PRNG seed (integer). */
  seed: number;
  /** Output folder (created). */
  out: string;
  /** Write task_usage (default true). */
  usage?: boolean;
  /** gzip level 1–9 (default 1: fast; the bytes still depend only on the options). */
  gzipLevel?: number;
  /**
   * task_usage part files (integer ≥ 1, default 1; refused with `usage: false`), each covering consecutive
   * windows as the real trace's 500 parts cover consecutive time: parts in
   * name order are rows in time order.
   */
  usageParts?: number;
  /**
   * Long-running tasks — the start snapshot's and the ≈3.4 % of arrivals that the fitted
   * model runs past the 93-minute sample — end after an exponential time of this mean, in
   * days, instead of running to the trace's end (the default). Over weeks the default lets
   * them pile up; with a mean of 5 days as many end as arrive, and the tasks alive at a time
   * stay near the start snapshot's (docs/model.md, "Generated traces of a month").
   */
  longRunMeanDays?: number;
  /**
   * Resubmissions (default false): a fitted share of the tasks is interrupted (EVICT, KILL, FAIL, …),
   * SUBMITted and SCHEDULEd again before its final run (`resubmissions.ts`; docs/model.md,
   * "Resubmissions"). Draws of their own: every default draw stays. With task_usage, each run
   * has its rows on its own machine.
   */
  resubmissions?: boolean;
  /**
   * With `resubmissions`: the share of tasks interrupted at least once, in [0, 1] (default the
   * fitted 2.60 %). Not fitted when set: a way to reach the real month's ≈ 5.8 task events per
   * task (144.6 M), which the 93-minute sample cannot support (docs/model.md, "Resubmissions").
   */
  resubmittedShare?: number;
  /** Called after each usage window with (windows written, total windows). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Stops the generation: it rejects with `ABORTED` and writes no part file (parts are renamed
   * into place only once all are complete; their temporary files are removed).
   */
  signal?: AbortSignal;
  /**
   * Called once the trace is planned, before the first part file is opened: from then on a stop
   * has files to remove (the command line catches Ctrl-C from here on; during the planning, seconds
   * for millions of tasks and nothing written yet, Ctrl-C simply ends the process).
   */
  onPlanned?: () => void;
}

/** Result of {@link generateTrace}. */
export interface GenerateResult {
  /** Files written (task_events, machine_events, task_usage). */
  files: string[];
  /** Rows written per table. */
  rows: Record<string, number>;
}

const PART = 'part-00000-of-00001.csv.gz';

function checkInt(v: unknown, field: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new FairfitError('INVALID_OPTION', `${field} must be an integer ≥ ${min}, got ${shown(v)}`, { field });
  }
  return v;
}

function pick(weights: readonly number[], u: number): number {
  let s = 0;
  for (let i = 0; i < weights.length; i++) {
    s += weights[i]!;
    if (u < s) return i;
  }
  return weights.length - 1;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Trace machine ID of machine `i` (exported for the tests). */
export function machineId(i: number): number {
  return 1_000_000 + i * 7 + 3;
}

/** Bytes `gen` needs per task, measured (2·10^6 tasks: ≈ 67 without task_usage, ≈ 125 with), rounded up. */
export const GEN_BYTES_PER_TASK = 128;

/** Most tasks `gen` writes: the smaller of the 32-bit task indexes (2^31 − 1) and half this computer's memory at {@link GEN_BYTES_PER_TASK}. */
export function maxGenTasks(): number {
  return Math.floor(Math.min(2 ** 31 - 1, totalmem() / 2 / GEN_BYTES_PER_TASK));
}

/** Bytes `gen` holds per machine: its capacity and platform columns (20), rounded up. */
export const GEN_BYTES_PER_MACHINE = 32;

/** Most machines `gen` draws: the smaller of 2^31 − 1 machine indexes and half this computer's memory at {@link GEN_BYTES_PER_MACHINE}. */
export function maxGenMachines(): number {
  return Math.floor(Math.min(2 ** 31 - 1, totalmem() / 2 / GEN_BYTES_PER_MACHINE));
}

/**
 * Refuses more tasks or machines than fit, naming the bound (`INVALID_OPTION`): 2^31 machines grew
 * past 6 GB before any file was written. (`fairfit gen` also bounds the machines by what a replay holds.)
 */
function checkCounts(M: number, N: number): void {
  const gib = (totalmem() / 1024 ** 3).toFixed(0);
  const machines = maxGenMachines();
  if (M > machines) throw new FairfitError('INVALID_OPTION', `machines: at most ${machines} machines fit (about ${GEN_BYTES_PER_MACHINE} bytes per machine; the smaller of 2^31 − 1 machine indexes and half of this computer's ${gib} GiB), got ${M}`, { field: 'machines' });
  const tasks = maxGenTasks();
  if (N > tasks) throw new FairfitError('INVALID_OPTION', `tasks: at most ${tasks} tasks fit (about ${GEN_BYTES_PER_TASK} bytes per task; the smaller of 2^31 − 1 task indexes and half of this computer's ${gib} GiB), got ${N}`, { field: 'tasks' });
}

/** The validated options: machines, tasks, seed, days and gzip level (`INVALID_OPTION` naming the field). */
function checkOptions(opts: GenerateOptions): { M: number; N: number; seed: number; days: number; level: number; longMean: number | undefined } {
  checkOptionNames(opts, GENERATE_OPTIONS, 'generateTrace', true);
  const M = checkInt(opts.machines, 'machines', 1);
  // At least one task: no replay reads a trace without tasks (NO_DATA), so writing one only defers the error.
  const N = checkInt(opts.tasks, 'tasks', 1);
  checkCounts(M, N);
  const seed = checkSeed(opts.seed, 'seed');
  const days = opts.days;
  if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0 || days > 3650) {
    throw new FairfitError('INVALID_OPTION', `days must be a number in (0, 3650], got ${String(days)}`, { field: 'days' });
  }
  if (typeof opts.out !== 'string' || opts.out.length === 0) throw new FairfitError('INVALID_OPTION', 'out must be a folder path', { field: 'out' });
  const level = opts.gzipLevel ?? 1;
  checkInt(level, 'gzipLevel', 1);
  if (level > 9) throw new FairfitError('INVALID_OPTION', `gzipLevel must be 1–9, got ${level}`, { field: 'gzipLevel' });
  const longMean = opts.longRunMeanDays;
  if (longMean !== undefined && (typeof longMean !== 'number' || !Number.isFinite(longMean) || longMean <= 0)) {
    throw new FairfitError('INVALID_OPTION', `longRunMeanDays must be a finite number > 0, got ${String(longMean)}`, { field: 'longRunMeanDays' });
  }
  if (opts.resubmissions !== undefined && typeof opts.resubmissions !== 'boolean') {
    throw new FairfitError('INVALID_OPTION', `resubmissions must be a boolean, got ${String(opts.resubmissions)}`, { field: 'resubmissions' });
  }
  // `usage: 0` or 'no' wrote task_usage (only `false` left it out).
  if (opts.usage !== undefined && typeof opts.usage !== 'boolean') throw new FairfitError('INVALID_OPTION', `usage must be a boolean, got ${shown(opts.usage)}`, { field: 'usage' });
  // Parts of a table that is not written: refused, not ignored.
  if (opts.usage === false && opts.usageParts !== undefined) throw new FairfitError('INVALID_OPTION', 'usageParts only takes effect when task_usage is written (usage: false)', { field: 'usageParts' });
  const share = opts.resubmittedShare;
  if (share !== undefined) {
    if (typeof share !== 'number' || !(share >= 0 && share <= 1)) {
      throw new FairfitError('INVALID_OPTION', `resubmittedShare must be a number in [0, 1], got ${String(share)}`, { field: 'resubmittedShare' });
    }
    if (opts.resubmissions !== true) throw new FairfitError('INVALID_OPTION', 'resubmittedShare needs resubmissions: true', { field: 'resubmittedShare' });
  }
  return { M, N, seed, days, level, longMean };
}

/** Capacities and platform of each machine, drawn from the fitted capacity mix. */
export interface Machines {
  cpu: Float64Array;
  mem: Float64Array;
  platform: Int32Array;
}

function drawMachines(M: number, rng: Rng): Machines {
  const capKeys = FIT.machines.capacity.keys.map((k) => k.split(':').map(Number) as [number, number]);
  const mCpu = new Float64Array(M);
  const mMem = new Float64Array(M);
  const mPlat = new Int32Array(M);
  for (let i = 0; i < M; i++) {
    const c = pick(FIT.machines.capacity.weights, rng.next());
    mCpu[i] = capKeys[c]![0];
    mMem[i] = capKeys[c]![1];
    mPlat[i] = c;
  }
  return { cpu: mCpu, mem: mMem, platform: mPlat };
}

/** Tasks grouped into jobs: the first jobs form the snapshot (running at the trace start), the others arrive. */
export interface JobShape {
  /** Job of each task. */
  jobOf: Int32Array;
  /** Task index of each task within its job. */
  idxOf: Int32Array;
  /** Per job: part of the snapshot. */
  jobSnap: boolean[];
}

function drawJobShape(N: number, M: number, rng: Rng): JobShape {
  const T = FIT.tasks;
  const snapshotTarget = Math.min(Math.floor(N / 2), Math.round(M * T.snapshotPerMachine));
  const jobOf = new Int32Array(N);
  const idxOf = new Int32Array(N);
  const jobStart: number[] = []; // first task of each job
  const jobSnap: boolean[] = [];
  let n = 0;
  while (n < N) {
    const size = Math.max(1, Math.min(N - n, Math.round(sampleQuantile(FIT.jobs.tasksPerJob as QuantileTable, rng.next()))));
    const snap = n < snapshotTarget;
    const take = snap ? Math.min(size, snapshotTarget - n) : size;
    const j = jobStart.length;
    jobStart.push(n);
    jobSnap.push(snap);
    for (let t = 0; t < take; t++) {
      jobOf[n] = j;
      idxOf[n] = t;
      n++;
    }
  }
  return { jobOf, idxOf, jobSnap };
}

/** Per-job columns: submit time, priority, scheduling class, requests and user. */
export interface Jobs extends JobShape {
  jobTime: Float64Array;
  jobPri: Int32Array;
  jobCls: Int32Array;
  jobCpu: Float64Array;
  jobMem: Float64Array;
  jobDisk: Float64Array;
  jobUser: Int32Array;
  /** User names (base64 hashes like the trace's), by user id. */
  userNames: string[];
}

function drawJobs(shape: JobShape, rng: Rng, start: number, span: number): Jobs {
  const J = FIT.jobs;
  const { jobSnap } = shape;
  const jobs = jobSnap.length;
  const users = Math.max(1, Math.round(jobs / J.jobsPerUser));
  const userNames: string[] = [];
  for (let u = 0; u < users; u++) {
    let s = '';
    for (let c = 0; c < 43; c++) s += B64[rng.nextU32() & 63];
    userNames.push(s + '=');
  }
  // Arrivals: the fitted inter-arrival shape, rescaled so that the arriving jobs fill the trace.
  const arrivals = jobSnap.filter((s) => !s).length;
  const gaps = new Float64Array(arrivals + 1);
  let gsum = 0;
  for (let a = 0; a <= arrivals; a++) gsum += gaps[a] = sampleQuantile(J.interArrivalUs as QuantileTable, rng.next());
  const jobTime = new Float64Array(jobs);
  const jobPri = new Int32Array(jobs);
  const jobCls = new Int32Array(jobs);
  const jobCpu = new Float64Array(jobs);
  const jobMem = new Float64Array(jobs);
  const jobDisk = new Float64Array(jobs);
  const jobUser = new Int32Array(jobs);
  const pcKeys = J.priorityClass.keys.map((k) => k.split(':').map(Number) as [number, number]);
  let acc = 0;
  let a = 0;
  for (let j = 0; j < jobs; j++) {
    if (jobSnap[j]) jobTime[j] = start;
    else {
      acc += gaps[a++]!;
      jobTime[j] = start + Math.max(1, Math.floor((acc / gsum) * span));
    }
    const pc = pcKeys[pick(J.priorityClass.weights, rng.next())]!;
    jobPri[j] = pc[0];
    jobCls[j] = pc[1];
    const cpu = round4(Math.min(1, sampleQuantile(J.cpuRequest as QuantileTable, rng.next())));
    jobCpu[j] = cpu;
    jobMem[j] = round4(Math.min(1, cpu * sampleQuantile(J.memPerCpu as QuantileTable, rng.next())));
    jobDisk[j] = round4(Math.min(1, sampleQuantile(J.diskRequest as QuantileTable, rng.next())));
    const u = rng.next();
    jobUser[j] = Math.min(users - 1, Math.floor(users * u * u * u)); // skewed: a few users own many jobs (assumption)
  }
  return { ...shape, jobTime, jobPri, jobCls, jobCpu, jobMem, jobDisk, jobUser, userNames };
}

/** Per-task run: submit, first schedule, end of the run (≥ end = still running), its terminal event and machine. */
export interface Runs {
  submit: Float64Array;
  sched: Float64Array;
  stop: Float64Array;
  stopType: Int32Array;
  machine: Int32Array;
}

/**
 * `tail` (a stream of its own, so the other draws do not move) ends long-running tasks after an
 * exponential time of mean `tailMeanUs` from their schedule (the snapshot's: from the start,
 * the exponential having no memory); without it they run to the end.
 */
function drawRuns(N: number, M: number, jobs: Jobs, rng: Rng, start: number, end: number, tail?: { rng: Rng; meanUs: number }): Runs {
  const T = FIT.tasks;
  const { jobOf, jobSnap, jobTime } = jobs;
  const termKeys = T.terminal.keys.map(Number);
  const submit = new Float64Array(N);
  const sched = new Float64Array(N);
  const stop = new Float64Array(N); // end of the run; ≥ end = still running
  const stopType = new Int32Array(N);
  const machine = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const j = jobOf[i]!;
    const s = jobTime[j]!;
    submit[i] = s;
    machine[i] = rng.below(M);
    if (jobSnap[j]) {
      sched[i] = start;
      stop[i] = rng.next() < T.snapshotEndedShare ? start + Math.round(sampleQuantile(T.snapshotResidualUs as QuantileTable, rng.next())) : end;
      stopType[i] = termKeys[pick(T.terminal.weights, rng.next())]!;
      if (tail && stop[i] === end) stop[i] = Math.min(end, start + tailDraw(tail));
    } else {
      const sc = s + Math.max(1, Math.round(sampleQuantile(T.scheduleDelayUs as QuantileTable, rng.next())));
      sched[i] = sc;
      const long = rng.next() < T.longRunningShare;
      stop[i] = long ? end : sc + Math.max(1, Math.round(sampleQuantile(T.finishRunUs as QuantileTable, rng.next())));
      stopType[i] = termKeys[pick(T.terminal.weights, rng.next())]!;
      if (tail && long) stop[i] = Math.min(end, sc + tailDraw(tail));
    }
  }
  return { submit, sched, stop, stopType, machine };
}

/** An exponential run time, whole µs ≥ 1 (V8's log, ported: the same bits on any engine). */
function tailDraw(tail: { rng: Rng; meanUs: number }): number {
  return Math.max(1, Math.round(-v8Log(1 - tail.rng.next()) * tail.meanUs));
}

/** Everything {@link generateTrace} draws before it writes (exported for the tests). */
export interface TracePlan {
  M: number;
  N: number;
  seed: number;
  level: number;
  start: number;
  end: number;
  /** First window of each usage part. */
  parts: number[];
  machines: Machines;
  jobs: Jobs;
  runs: Runs;
  /** With `resubmissions`: the interruptions and final runs. */
  resubmitted: Resubmitted | undefined;
}

/** The validated options and every draw of {@link generateTrace}, in its order (the bytes depend on it). */
export function planTrace(opts: GenerateOptions): TracePlan {
  const { M, N, seed, days, level, longMean } = checkOptions(opts);
  const rng = new Rng(seed);
  const start = TRACE_START;
  const span = Math.round(days * 86400e6);
  const end = start + span;
  // Checked before anything is written.
  const parts = usageParts(opts.usageParts, Math.ceil(span / WINDOW_US));
  // The draws, in this order: machines, jobs, then task runs; the long-run tail and the resubmissions on streams of their own.
  const machines = drawMachines(M, rng);
  const jobs = drawJobs(drawJobShape(N, M, rng), rng, start, span);
  const runs = drawRuns(N, M, jobs, rng, start, end, longMean === undefined ? undefined : { rng: new Rng((seed ^ 0x6c8e9cf5) | 0), meanUs: longMean * 86400e6 });
  const resubmitted = opts.resubmissions === true ? drawResubmissions(N, M, runs.sched, runs.stop, runs.machine, new Rng((seed ^ 0x2b5d13a7) | 0), end, opts.resubmittedShare) : undefined;
  return { M, N, seed, level, start, end, parts, machines, jobs, runs, resubmitted };
}

/**
 * Writes a synthetic Google-2011-format trace under `out`:
 * `task_events/`, `task_usage/` and `machine_events/`, each one gzip part
 * `part-00000-of-00001.csv.gz` (task_usage: `usageParts` parts `part-0000k-of-0000P.csv.gz`
 * when more than one; none with `usage: false`). Validates options (`INVALID_OPTION` naming
 * the field). Same options → identical bytes (on the same Node version).
 */
export async function generateTrace(opts: GenerateOptions): Promise<GenerateResult> {
  const { M, N, seed, level, start, end, parts, machines, jobs, runs, resubmitted } = planTrace(opts);
  checkStaleParts(join(opts.out, 'task_events'), [PART]);
  checkStaleParts(join(opts.out, 'machine_events'), [PART]);
  // Without usage, any task_usage part left there would be read as this trace's usage.
  checkStaleParts(join(opts.out, 'task_usage'), opts.usage !== false ? parts.map((_, k) => partName(k, parts.length)) : []);

  opts.onPlanned?.();
  // The folders this run creates: a run stopped or failed removes them again if still empty.
  const made = [...makeFolder(join(opts.out, 'task_events')), ...makeFolder(join(opts.out, 'machine_events'))];
  const files: string[] = [];
  const rows: Record<string, number> = {};
  // Every part goes to a temporary file, renamed only once all are complete: a run stopped or failed
  // halfway leaves no part, and no new table beside another trace's older ones (which a replay would mix).
  const opened: GzCsv[] = [];
  const open = (path: string): GzCsv => {
    const w = new GzCsv(path, level, opts.signal);
    opened.push(w);
    return w;
  };
  try {
    const te = open(join(opts.out, 'task_events', PART));
    await writeTaskEvents(te, N, jobs, runs, start, end, resubmitted);
    files.push(te.path);
    rows.task_events = te.rows;

    const me = open(join(opts.out, 'machine_events', PART));
    await writeMachineEvents(me, M, machines);
    files.push(me.path);
    rows.machine_events = me.rows;

    if (opts.usage !== false) {
      made.push(...makeFolder(join(opts.out, 'task_usage')));
      const { jobOf, idxOf, jobCpu, jobMem } = jobs;
      const covered = usageRuns(N, runs.sched, runs.stop, runs.machine, resubmitted);
      const written = await writeUsage(parts, (k) => open(join(opts.out, 'task_usage', partName(k, parts.length))), { seed, start, end, jobOf, idxOf, runs: covered, jobCpu, jobMem, machineId, onProgress: opts.onProgress });
      files.push(...written.map((w) => w.path));
      rows.task_usage = written.reduce((a, w) => a + w.rows, 0);
    }
    // A stop after the last buffer still writes nothing.
    if (opts.signal?.aborted) throw stoppedError(opts.signal);
  } catch (e) {
    await Promise.all(opened.map((w) => w.discard()));
    removeEmptyFolders(made);
    throw e;
  }
  for (const w of opened) w.commit();
  return { files, rows };
}

/**
 * Refuses (`OUTPUT_ERROR` naming the folder and a file) a table folder that
 * holds part files (`part-*.csv`, `part-*.csv.gz`) this run would not overwrite: the readers take every
 * part file of a folder, so an older trace's parts would be read with the new
 * ones. Rewriting the same names is fine; nothing is deleted.
 */
function checkStaleParts(dir: string, names: readonly string[]): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
  // Only what the readers take: the temporary file an interrupted run left (part-….csv.gz.<pid>.tmp) is read by none.
  const stale = readdirSync(dir).filter((n) => isPartFile(n) && !names.includes(n)).sort();
  if (stale.length === 0) return;
  const more = stale.length > 1 ? ` and ${stale.length - 1} more part file${stale.length > 2 ? 's' : ''}` : '';
  throw new FairfitError('OUTPUT_ERROR', `${dir}: holds ${stale[0]}${more} that this trace would not overwrite; a replay would read them with the new parts: give an empty folder, or remove them`, { file: join(dir, stale[0]!) });
}

/** `part-00000-of-00001.csv.gz`: the trace's part file names. */
function partName(k: number, parts: number): string {
  return `part-${String(k).padStart(5, '0')}-of-${String(parts).padStart(5, '0')}.csv.gz`;
}

/** First window of each usage part (`parts` of near-equal size over `windows`), checked. */
function usageParts(v: number | undefined, windows: number): number[] {
  const parts = checkInt(v ?? 1, 'usageParts', 1);
  if (parts > windows) throw new FairfitError('INVALID_OPTION', `usageParts must be at most the ${windows} usage windows of the trace, got ${parts}`, { field: 'usageParts' });
  return Array.from({ length: parts }, (_, k) => Math.floor((k * windows) / parts));
}

const LAST = 2 ** 52; // with resubmissions, a final terminal event comes after the added events of its task

/**
 * The first SUBMITs, first SCHEDULEs (before `end`) and terminal events (before `end`) in time
 * order; items are tasks (the time arrays are indexed by task). A function of its own: the
 * item lists it builds are garbage once sorted.
 */
function taskStreams(N: number, submit: Float64Array, sched: Float64Array, stop: Float64Array, start: number, end: number, stopRank: number): EventStream[] {
  let nSched = 0;
  let nStop = 0;
  for (let i = 0; i < N; i++) {
    if (sched[i]! < end) {
      nSched++;
      if (stop[i]! < end) nStop++;
    }
  }
  const scheduled = new Uint32Array(nSched);
  const stopped = new Uint32Array(nStop);
  for (let i = 0, a = 0, b = 0; i < N; i++) {
    if (sched[i]! < end) {
      scheduled[a++] = i;
      if (stop[i]! < end) stopped[b++] = i;
    }
  }
  const stream = (times: Float64Array, items: Uint32Array | null, n: number, rank: number): EventStream => {
    const order = timeOrder(times, items ?? n, start) ?? items;
    return { n, order, times, tasks: null, rank, rankByItem: false };
  };
  return [stream(submit, null, N, 0), stream(sched, scheduled, nSched, 1), stream(stop, stopped, nStop, stopRank)];
}

/**
 * task_events rows: up to three events per task (SUBMIT, SCHEDULE, terminal), in time order,
 * ties in task order then that order — three streams put in time order and merged
 * (`event-order.ts`), so memory is a few typed arrays of the tasks; closes `te`. With
 * resubmissions, a fourth stream holds the added events (ranked after the first SCHEDULE
 * and before the final terminal event of their task) and the terminal events are those of
 * the final runs.
 */
async function writeTaskEvents(te: GzCsv, N: number, jobs: Jobs, runs: Runs, start: number, end: number, re: Resubmitted | undefined): Promise<void> {
  const { jobOf, idxOf, jobSnap, jobCls, jobPri, jobCpu, jobMem, jobDisk, jobUser, userNames } = jobs;
  const { submit, sched, stopType, machine } = runs;
  const stop = re ? re.stop : runs.stop;
  const lastMachine = re ? re.finalMachine : machine;
  const streams = taskStreams(N, submit, sched, stop, start, end, re ? LAST : 2);
  const userBytes = userNames.map((u) => Buffer.from(u, 'latin1'));
  // Added events: items in task order, each task's consecutive, so rank 2 + item orders them within their task.
  if (re) streams.push({ n: re.n, order: timeOrder(re.time, re.n, start), times: re.time, tasks: re.task, rank: 2, rankByItem: true });
  await mergeStreams(streams, (kind, item) => {
    const i = kind === 3 ? re!.task[item]! : item;
    const j = jobOf[i]!;
    // Snapshot rows carry time 0 like the real trace.
    te.int(jobSnap[j] && (kind === 0 || kind === 1) ? 0 : kind === 0 ? submit[i]! : kind === 1 ? sched[i]! : kind === 2 ? stop[i]! : re!.time[item]!);
    te.comma();
    te.comma(); // missing info: empty
    te.int(1_000_000_000 + j);
    te.comma();
    te.int(idxOf[i]!);
    te.comma();
    const m = kind === 0 ? -1 : kind === 1 ? machine[i]! : kind === 2 ? lastMachine[i]! : re!.machine[item]!;
    if (m >= 0) te.int(machineId(m));
    te.comma();
    te.int(kind === 0 ? 0 : kind === 1 ? 1 : kind === 2 ? stopType[i]! : re!.type[item]!);
    te.comma();
    te.bytes(userBytes[jobUser[j]!]!);
    te.comma();
    te.int(jobCls[j]!);
    te.comma();
    te.int(jobPri[j]!);
    te.comma();
    te.sig4(jobCpu[j]!);
    te.comma();
    te.sig4(jobMem[j]!);
    te.comma();
    te.sig4(jobDisk[j]!);
    te.comma();
    te.int(0);
    te.nl();
    if (te.needsFlush) return te.flush();
  });
  await te.close();
}

/** machine_events rows: every machine added at time 0 with its capacity; closes `me`. */
async function writeMachineEvents(me: GzCsv, M: number, machines: Machines): Promise<void> {
  const { cpu: mCpu, mem: mMem, platform: mPlat } = machines;
  for (let i = 0; i < M; i++) {
    me.int(0);
    me.comma();
    me.int(machineId(i));
    me.comma();
    me.int(0);
    me.comma();
    me.str(`platform${mPlat[i]}`);
    me.comma();
    me.sig4(mCpu[i]!);
    me.comma();
    me.sig4(mMem[i]!);
    me.nl();
    if (me.needsFlush) await me.flush();
  }
  await me.close();
}

/** What {@link writeUsage} needs of the generated jobs and task runs. */
interface UsagePlan {
  seed: number;
  start: number;
  end: number;
  jobOf: Int32Array;
  idxOf: Int32Array;
  /** The runs to write rows for (a task's first run is its entry; resubmitted tasks' later runs follow). */
  runs: UsageRuns;
  jobCpu: Float64Array;
  jobMem: Float64Array;
  machineId: (i: number) => number;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/**
 * task_usage rows window by window (the trace's order): a sweep over runs
 * sorted by start, with the active set and the AR(1) state in typed arrays
 * (each run's own chain; its task's levels).
 * Part k (opened with `open(k)`) holds the windows from `firsts[k]` on; one
 * part is open at a time. Returns the parts written.
 */
async function writeUsage(firsts: number[], open: (k: number) => GzCsv, g: UsagePlan): Promise<GzCsv[]> {
  const { seed, start, end } = g;
  const { n: N, from, to } = g.runs;
  const W = WINDOW_US;
  const byStart = Array.from({ length: N }, (_, i) => i).filter((i) => from[i]! < end && Math.min(end, to[i]!) > from[i]!);
  byStart.sort((x, y) => from[x]! - from[y]! || x - y);
  const key = new Uint32Array(N);
  const levels = new Float64Array(4 * N);
  const state = new Float64Array(2 * N);
  const k0 = new Int32Array(N);
  const active = new Int32Array(byStart.length);
  let nActive = 0;
  let next = 0;
  const out = new Float64Array(4);
  const windows = Math.ceil((end - start) / W);
  const written: GzCsv[] = [];
  let w = open(0);
  written.push(w);
  for (let k = 0; k < windows; k++) {
    if (written.length < firsts.length && k === firsts[written.length]) {
      await w.close();
      w = open(written.length);
      written.push(w);
    }
    const ws = start + k * W;
    const we = Math.min(end, ws + W);
    while (next < byStart.length && from[byStart[next]!]! < we) {
      const i = byStart[next++]!;
      const task = g.runs.task?.[i] ?? i;
      const tk = taskKey(seed, 1_000_000_000 + g.jobOf[task]!, g.idxOf[task]!);
      key[i] = runKey(tk, g.runs.run?.[i] ?? 0);
      taskLevels(tk, levels, 4 * i);
      k0[i] = k;
      active[nActive++] = i;
    }
    nActive = await writeWindow(w, g, k, ws, we, active, nActive, key, levels, state, k0, out);
    g.onProgress?.(k + 1, windows);
  }
  await w.close();
  return written;
}

/**
 * The rows of window `k` ([ws, we)) of the active tasks, each clipped to its
 * run; the tasks that finished before the window leave `active`. Returns the
 * new number of active tasks.
 */
async function writeWindow(
  w: GzCsv,
  g: UsagePlan,
  k: number,
  ws: number,
  we: number,
  active: Int32Array,
  nActive: number,
  key: Uint32Array,
  levels: Float64Array,
  state: Float64Array,
  k0: Int32Array,
  out: Float64Array,
): Promise<number> {
  const { end } = g;
  const S = FIT.usage.memShares;
  const C = FIT.usage.cpuShares;
  const cpiMu = FIT.usage.cpiLog.mu;
  let keep = 0;
  for (let a = 0; a < nActive; a++) {
    const i = active[a]!;
    const from = g.runs.from[i]!;
    const to = Math.min(end, g.runs.to[i]!);
    if (to <= ws) continue; // finished: leaves the active set
    active[keep++] = i;
    const task = g.runs.task?.[i] ?? i;
    const j = g.jobOf[task]!;
    windowValues(key[i]!, k - k0[i]!, k === k0[i]!, levels, 4 * i, g.jobCpu[j]!, g.jobMem[j]!, state, 2 * i, out);
    const cpu = out[0]!;
    const mem = out[1]!;
    w.int(Math.max(from, ws));
    w.comma();
    w.int(Math.min(to, we));
    w.comma();
    w.int(1_000_000_000 + j);
    w.comma();
    w.int(g.idxOf[task]!);
    w.comma();
    w.int(g.machineId(g.runs.machine[i]!));
    w.comma();
    w.sig4(cpu);
    w.comma();
    w.sig4(mem * S.canonical);
    w.comma();
    w.sig4(mem);
    w.comma();
    w.sig4(mem * S.unmappedPageCache);
    w.comma();
    w.sig4(mem * S.totalPageCache);
    w.comma();
    w.sig4(mem * S.max);
    w.comma();
    w.sig4(cpu * C.diskIoTime);
    w.comma();
    w.sig4(mem * S.localDisk);
    w.comma();
    w.sig4(out[2]!);
    w.comma();
    w.sig4(cpu * C.maxDiskIo);
    w.comma();
    w.sig4(Math.exp(cpiMu));
    w.comma();
    w.sig4(out[3]!);
    w.comma();
    // sample portion 0; aggregation type 0 exactly when the window has a 1-s CPU sample (as in the real rows)
    const sampled = windowSample(key[i]!, k - k0[i]!, cpu);
    w.int(0);
    w.comma();
    w.int(sampled > 0 ? 0 : 1);
    w.comma();
    w.sig4(sampled);
    w.nl();
    if (w.needsFlush) await w.flush();
  }
  return keep;
}
