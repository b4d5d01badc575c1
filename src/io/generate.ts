/**
 * Synthetic trace generator in the Google ClusterData-2011 format (gzip CSV,
 * the real folder layout): job/task arrivals, priorities, requests and run
 * times drawn from the distributions fitted to the real `task_events` sample
 * (`fitted-params.ts`), usage windows from the synthetic usage model of
 * `synthetic-usage.ts`. Same options → identical bytes.
 *
 * Everything is held in typed arrays (one row per task / per event); usage
 * rows are produced window by window and streamed to gzip, so memory is
 * O(tasks), not O(usage rows).
 *
 * @module
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { createGzip, constants as zc } from 'node:zlib';
import { FairfitError } from '../errors.ts';
import { Rng } from '../rng.ts';
import { FIT } from './fitted-params.ts';
import { sampleQuantile, type QuantileTable } from './quantiles.ts';
import { TRACE_START } from './google/schema.ts';
import { WINDOW_US, taskKey, taskLevels, windowSample, windowValues } from './synthetic-usage.ts';

/** Options of {@link generateTrace}. */
export interface GenerateOptions {
  /** Machines (integer ≥ 1). */
  machines: number;
  /** Tasks (integer ≥ 0). */
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
  /** Called after each usage window with (windows written, total windows). */
  onProgress?: (done: number, total: number) => void;
}

/** Result of {@link generateTrace}. */
export interface GenerateResult {
  /** Files written (task_events, machine_events, task_usage). */
  files: string[];
  /** Rows written per table. */
  rows: Record<string, number>;
}

const PART = 'part-00000-of-00001.csv.gz';

/** Rounds to 4 significant digits, as written (the reader gets exactly this value back). */
export function round4(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  return Number(v.toPrecision(4));
}

/**
 * CSV bytes of numbers without per-field strings: the generator's formatter
 * (integers; 4 significant digits in plain notation, like the real trace).
 */
export class CsvBytes {
  buf = Buffer.allocUnsafe(1 << 20);
  pos = 0;
  rows = 0;
  /** The bytes written so far as text (tests). */
  text(): string {
    return this.buf.toString('latin1', 0, this.pos);
  }
  /** Writes an ASCII string. */
  str(s: string): void {
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
  }
  comma(): void {
    this.buf[this.pos++] = 44;
  }
  nl(): void {
    this.buf[this.pos++] = 10;
    this.rows++;
  }
  /** Non-negative integer < 2^53. */
  int(v: number): void {
    if (v >= 1e9) {
      // high part, then the low 9 digits zero-padded (int32 arithmetic for both)
      const hi = Math.floor(v / 1e9);
      this.int(hi);
      this.pad9(v - hi * 1e9);
      return;
    }
    const b = this.buf;
    let x = v | 0;
    const n = x < 10 ? 1 : x < 100 ? 2 : x < 1000 ? 3 : x < 10000 ? 4 : x < 100000 ? 5 : x < 1000000 ? 6 : x < 10000000 ? 7 : x < 100000000 ? 8 : 9;
    let p = this.pos + n;
    this.pos = p;
    for (let i = 0; i < n; i++) {
      const q = (x / 10) | 0;
      b[--p] = 48 + x - q * 10;
      x = q;
    }
  }
  private pad9(v: number): void {
    const b = this.buf;
    let x = v | 0;
    let p = this.pos + 9;
    this.pos = p;
    for (let i = 0; i < 9; i++) {
      const q = (x / 10) | 0;
      b[--p] = 48 + x - q * 10;
      x = q;
    }
  }
  /** Non-negative number with 4 significant digits, plain notation (no exponent). */
  sig4(v: number): void {
    const b = this.buf;
    if (!(v >= 1e-18)) {
      b[this.pos++] = 48; // 0, negatives and NaN never occur in the model; tiny values round to 0
      return;
    }
    if (v >= 1e21) {
      this.str(Math.round(v).toLocaleString('en-US', { useGrouping: false, maximumSignificantDigits: 4 }));
      return;
    }
    // Decimal exponent e with 10^e ≤ v < 10^(e+1), then the 4-digit mantissa m.
    let e = 0;
    if (v >= 1) {
      while (e < 22 && v >= POW10[e + 1]!) e++;
    } else {
      e = -1;
      while (e > -22 && v < NEG10[-e]!) e--;
    }
    let m = Math.round(e >= 3 ? v / POW10[e - 3]! : v * POW10[3 - e]!);
    if (m >= 10000) {
      e++;
      m = Math.round(m / 10);
    } else if (m < 1000) {
      e--;
      m = Math.round(e >= 3 ? v / POW10[e - 3]! : v * POW10[3 - e]!);
    }
    const d0 = (m / 1000) | 0;
    const d1 = ((m / 100) | 0) - d0 * 10;
    const d2 = ((m / 10) | 0) - ((m / 100) | 0) * 10;
    const d3 = m - ((m / 10) | 0) * 10;
    // index of the last non-zero digit (trailing zeros after the point are not written)
    const last = d3 !== 0 ? 3 : d2 !== 0 ? 2 : d1 !== 0 ? 1 : 0;
    let p = this.pos;
    if (e >= 3) {
      b[p++] = 48 + d0;
      b[p++] = 48 + d1;
      b[p++] = 48 + d2;
      b[p++] = 48 + d3;
      for (let i = 3; i < e; i++) b[p++] = 48;
    } else if (e >= 0) {
      b[p++] = 48 + d0;
      if (e >= 1) b[p++] = 48 + d1;
      if (e >= 2) b[p++] = 48 + d2;
      if (last > e) {
        b[p++] = 46;
        if (e < 1) b[p++] = 48 + d1;
        if (e < 2 && last >= 2) b[p++] = 48 + d2;
        if (last >= 3) b[p++] = 48 + d3;
      }
    } else {
      b[p++] = 48;
      b[p++] = 46;
      for (let i = -1; i > e; i--) b[p++] = 48;
      b[p++] = 48 + d0;
      if (last >= 1) b[p++] = 48 + d1;
      if (last >= 2) b[p++] = 48 + d2;
      if (last >= 3) b[p++] = 48 + d3;
    }
    this.pos = p;
  }
}


/** Buffered writer of CSV bytes into a gzip file, with backpressure. */
class GzCsv extends CsvBytes {
  private readonly gz;
  private readonly done: Promise<unknown>;
  constructor(readonly path: string, level: number) {
    super();
    this.gz = createGzip({ level, chunkSize: 1 << 18, strategy: zc.Z_DEFAULT_STRATEGY });
    const file = createWriteStream(path);
    this.gz.pipe(file);
    this.done = once(file, 'finish');
  }
  get needsFlush(): boolean {
    return this.pos > this.buf.length - 4096;
  }
  async flush(): Promise<void> {
    if (this.pos === 0) return;
    const ok = this.gz.write(Buffer.from(this.buf.subarray(0, this.pos)));
    this.pos = 0;
    if (!ok) await once(this.gz, 'drain');
  }
  async close(): Promise<void> {
    await this.flush();
    this.gz.end();
    await this.done;
  }
}

const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const NEG10 = Array.from({ length: 23 }, (_, i) => Number(`1e-${i}`));

function checkInt(v: unknown, field: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new FairfitError('INVALID_OPTION', `${field} must be an integer ≥ ${min}, got ${String(v)}`, { field });
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

/**
 * Writes a synthetic Google-2011-format trace under `out`:
 * `task_events/`, `task_usage/` and `machine_events/`, each one gzip part
 * `part-00000-of-00001.csv.gz`. Validates options (`INVALID_OPTION` naming
 * the field). Same options → identical bytes (on the same Node version).
 */
export async function generateTrace(opts: GenerateOptions): Promise<GenerateResult> {
  const M = checkInt(opts.machines, 'machines', 1);
  const N = checkInt(opts.tasks, 'tasks', 0);
  const seed = checkInt(opts.seed, 'seed', -2147483648);
  const days = opts.days;
  if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0 || days > 3650) {
    throw new FairfitError('INVALID_OPTION', `days must be a number in (0, 3650], got ${String(days)}`, { field: 'days' });
  }
  if (typeof opts.out !== 'string' || opts.out.length === 0) throw new FairfitError('INVALID_OPTION', 'out must be a folder path', { field: 'out' });
  const level = opts.gzipLevel ?? 1;
  checkInt(level, 'gzipLevel', 1);
  if (level > 9) throw new FairfitError('INVALID_OPTION', `gzipLevel must be 1–9, got ${level}`, { field: 'gzipLevel' });

  const rng = new Rng(seed);
  const start = TRACE_START;
  const span = Math.round(days * 86400e6);
  const end = start + span;
  const J = FIT.jobs;
  const T = FIT.tasks;

  // ---- machines
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
  const machineId = (i: number): number => 1_000_000 + i * 7 + 3;

  // ---- jobs and tasks
  const snapshotTarget = Math.min(Math.floor(N / 2), Math.round(M * T.snapshotPerMachine));
  const jobOf = new Int32Array(N);
  const idxOf = new Int32Array(N);
  const jobStart: number[] = []; // first task of each job
  const jobSnap: boolean[] = [];
  let n = 0;
  while (n < N) {
    const size = Math.max(1, Math.min(N - n, Math.round(sampleQuantile(J.tasksPerJob as QuantileTable, rng.next()))));
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
  const jobs = jobStart.length;
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
    } else {
      const sc = s + Math.max(1, Math.round(sampleQuantile(T.scheduleDelayUs as QuantileTable, rng.next())));
      sched[i] = sc;
      const long = rng.next() < T.longRunningShare;
      stop[i] = long ? end : sc + Math.max(1, Math.round(sampleQuantile(T.finishRunUs as QuantileTable, rng.next())));
      stopType[i] = termKeys[pick(T.terminal.weights, rng.next())]!;
    }
  }

  // ---- task_events: up to three events per task, sorted by time (ties: task order, then event kind)
  const evTime = new Float64Array(3 * N);
  const evTask = new Int32Array(3 * N);
  const evKind = new Int8Array(3 * N); // 0 submit, 1 schedule, 2 terminal
  let ne = 0;
  for (let i = 0; i < N; i++) {
    evTime[ne] = submit[i]!;
    evTask[ne] = i;
    evKind[ne++] = 0;
    if (sched[i]! < end) {
      evTime[ne] = sched[i]!;
      evTask[ne] = i;
      evKind[ne++] = 1;
      if (stop[i]! < end) {
        evTime[ne] = stop[i]!;
        evTask[ne] = i;
        evKind[ne++] = 2;
      }
    }
  }
  const order = Array.from({ length: ne }, (_, k) => k);
  order.sort((x, y) => evTime[x]! - evTime[y]! || x - y);

  mkdirSync(join(opts.out, 'task_events'), { recursive: true });
  mkdirSync(join(opts.out, 'machine_events'), { recursive: true });
  const files: string[] = [];
  const rows: Record<string, number> = {};

  const te = new GzCsv(join(opts.out, 'task_events', PART), level);
  for (const k of order) {
    const i = evTask[k]!;
    const j = jobOf[i]!;
    const kind = evKind[k]!;
    const t = evTime[k]!;
    te.int(jobSnap[j] && (kind === 0 || kind === 1) ? 0 : t); // snapshot rows carry time 0 like the real trace
    te.comma();
    te.comma(); // missing info: empty
    te.int(1_000_000_000 + j);
    te.comma();
    te.int(idxOf[i]!);
    te.comma();
    if (kind !== 0) te.int(machineId(machine[i]!));
    te.comma();
    te.int(kind === 0 ? 0 : kind === 1 ? 1 : stopType[i]!);
    te.comma();
    te.str(userNames[jobUser[j]!]!);
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
    if (te.needsFlush) await te.flush();
  }
  await te.close();
  files.push(te.path);
  rows.task_events = te.rows;

  const me = new GzCsv(join(opts.out, 'machine_events', PART), level);
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
  files.push(me.path);
  rows.machine_events = me.rows;

  if (opts.usage !== false) {
    mkdirSync(join(opts.out, 'task_usage'), { recursive: true });
    const tu = new GzCsv(join(opts.out, 'task_usage', PART), level);
    await writeUsage(tu, { N, seed, start, end, jobOf, idxOf, sched, stop, machine, jobCpu, jobMem, machineId, onProgress: opts.onProgress });
    files.push(tu.path);
    rows.task_usage = tu.rows;
  }
  return { files, rows };
}

/**
 * task_usage rows window by window (the trace's order): a sweep over tasks
 * sorted by run start, with the active set and the AR(1) state in typed arrays.
 */
async function writeUsage(
  w: GzCsv,
  g: {
    N: number;
    seed: number;
    start: number;
    end: number;
    jobOf: Int32Array;
    idxOf: Int32Array;
    sched: Float64Array;
    stop: Float64Array;
    machine: Int32Array;
    jobCpu: Float64Array;
    jobMem: Float64Array;
    machineId: (i: number) => number;
    onProgress?: ((done: number, total: number) => void) | undefined;
  },
): Promise<void> {
  const { N, seed, start, end } = g;
  const W = WINDOW_US;
  const S = FIT.usage.memShares;
  const C = FIT.usage.cpuShares;
  const cpiMu = FIT.usage.cpiLog.mu;
  const byStart = Array.from({ length: N }, (_, i) => i).filter((i) => g.sched[i]! < end && Math.min(end, g.stop[i]!) > g.sched[i]!);
  byStart.sort((x, y) => g.sched[x]! - g.sched[y]! || x - y);
  const key = new Uint32Array(N);
  const levels = new Float64Array(4 * N);
  const state = new Float64Array(2 * N);
  const k0 = new Int32Array(N);
  const active = new Int32Array(byStart.length);
  let nActive = 0;
  let next = 0;
  const out = new Float64Array(4);
  const windows = Math.ceil((end - start) / W);
  for (let k = 0; k < windows; k++) {
    const ws = start + k * W;
    const we = Math.min(end, ws + W);
    while (next < byStart.length && g.sched[byStart[next]!]! < we) {
      const i = byStart[next++]!;
      key[i] = taskKey(seed, 1_000_000_000 + g.jobOf[i]!, g.idxOf[i]!);
      taskLevels(key[i]!, levels, 4 * i);
      k0[i] = k;
      active[nActive++] = i;
    }
    let keep = 0;
    for (let a = 0; a < nActive; a++) {
      const i = active[a]!;
      const from = g.sched[i]!;
      const to = Math.min(end, g.stop[i]!);
      if (to <= ws) continue; // finished: leaves the active set
      active[keep++] = i;
      const j = g.jobOf[i]!;
      windowValues(key[i]!, k - k0[i]!, k === k0[i]!, levels, 4 * i, g.jobCpu[j]!, g.jobMem[j]!, state, 2 * i, out);
      const cpu = out[0]!;
      const mem = out[1]!;
      w.int(Math.max(from, ws));
      w.comma();
      w.int(Math.min(to, we));
      w.comma();
      w.int(1_000_000_000 + j);
      w.comma();
      w.int(g.idxOf[i]!);
      w.comma();
      w.int(g.machineId(g.machine[i]!));
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
    nActive = keep;
    g.onProgress?.(k + 1, windows);
  }
  await w.close();
}
