/**
 * `scheduleLog`: the public driver behind `fairfit schedule`. Reads a job log —
 * an SWF file of the Parallel Workloads Archive or a Google 2011 trace folder,
 * detected from the path — turns it into jobs (`jobsFromSwf`, `jobsFromGoogle`),
 * runs IPTAS and the FCFS / EASY baselines on the same cluster with the
 * virtual-clock driver (`scheduleJobs`), and returns one report with the
 * metrics and an over-time series per algorithm. Options are checked once here.
 * Decisions in docs/model.md ("IPTAS round scheduler").
 *
 * @module
 */
import { FairfitError, checkOptionNames, optionNames, plural, shown } from '../../errors.ts';
import { detectTraceFormat } from '../../io/detect.ts';
import { readGoogleTrace } from '../../io/google/trace-folder.ts';
import { readSwf } from '../../io/swf.ts';
import { checkDamage } from '../../io/csv/problems.ts';
import { NodePool } from './baselines.ts';
import type { IptasBatchEngine } from './engine-api.ts';
import { jobsFromGoogle } from './google-jobs.ts';
import type { IptasParams } from './params.ts';
import { jobsFromSwf, maxScheduleNodes, nodesBound, ringCapacityOf, scheduleJobsAsync, type Algorithm, type ScheduleMetrics, type ScheduleResult, type TraceJob } from './schedule-trace.ts';

/** The algorithms `scheduleLog` can run, in report order. */
export const ALGORITHMS: readonly Algorithm[] = ['iptas', 'fcfs', 'easy'];

export { maxScheduleNodes, MAX_SCHEDULE_NODES, nodesBound } from './schedule-trace.ts';

/** Log formats `scheduleLog` reads (`'auto'` detects them). */
export type LogFormat = 'auto' | 'swf' | 'google';

/** The names of {@link ScheduleLogOptions}, for the run-time check. */
const SCHEDULE_LOG_OPTIONS = optionNames<ScheduleLogOptions>()('trace', 'format', 'algorithms', 'nodes', 'nodeCapacity', 'minEpsilon', 'params', 'maxJobs', 'tau', 'secondsPerGB', 'strict', 'maxSkipped', 'engine', 'onProgress', 'signal');

/** Options of {@link scheduleLog}. */
export interface ScheduleLogOptions {
  /** SWF file (plain or gzip) or Google 2011 folder. */
  trace: string;
  /** Default `'auto'`: `detectTraceFormat` (src/io/detect.ts). */
  format?: LogFormat;
  /** Which schedulers to run, in this order (no repeats). Default all of {@link ALGORITHMS}. */
  algorithms?: readonly Algorithm[];
  /** Number of identical nodes (integer ≥ 1). */
  nodes: number;
  /**
   * Capacity of a node. SWF: one number, processors per node (integer ≥ 1; default 1).
   * Google: CPU and memory, normalised like the trace (default `[1, 1]`, the largest machine).
   */
  nodeCapacity?: readonly number[];
  /** IPTAS: floor of ε_u in T0 (`params.minEpsilon`; default 0, the paper's rule). */
  minEpsilon?: number;
  /** Further IPTAS parameters (`minEpsilon` above wins). */
  params?: IptasParams;
  /** Keep only the first n jobs by submit time (ties: log order). */
  maxJobs?: number;
  /** τ of the bounded slowdown, s. Default 10. */
  tau?: number;
  /** Requested time → data volume for the IPTAS length class (`dataGB = requestedTime / secondsPerGB`). Default 60. */
  secondsPerGB?: number;
  /** Stop at the first bad trace line. */
  strict?: boolean;
  /**
   * Refuse the log (`PARSE_ERROR`, before any algorithm) when more than this fraction of its lines
   * was skipped, or (below 1; `CORRUPT_INPUT`) when a file is truncated or corrupt: as a replay's `read.maxSkipped`.
   * Default: no limit (the CLI's `--max-skipped` defaults to 0.1).
   */
  maxSkipped?: number;
  /** Makes the IPTAS engine (default: the WebAssembly `Engine`), see `ScheduleOptions.engine`. */
  engine?: (params: IptasParams) => IptasBatchEngine;
  /** Called after each algorithm with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Stops the schedule: an algorithm runs in slices of about 50 ms with a turn
   * of the event loop between them (so a signal handler that aborts is heard
   * there); the one running is dropped, and the report holds the finished
   * runs and `interrupted: true`. Aborted while the log is read, the call
   * rejects with the signal's reason (nothing was scheduled, no report).
   */
  signal?: AbortSignal;
}

/** What was read and how it became jobs. */
export interface LogFacts {
  path: string;
  format: 'swf' | 'google2011';
  /** How the format was chosen: `'option'`, or the detector's reason. */
  detected: string;
  /** Rows read from the log (SWF jobs, Google tasks). */
  rows: number;
  /** Bad lines skipped by the reader. */
  skippedLines: number;
  /** The first skipped lines, `file:line: reason` (only when some were skipped). */
  firstProblems?: string[];
  /** Google: tasks still running at the window end (dropped). */
  droppedRunning?: number;
  /** Google: tasks still waiting at the window end (dropped). */
  droppedPending?: number;
  /**
   * SWF: partial-execution lines (status 2–4) of checkpointed jobs that `readSwf` left out because the
   * job's summary line stands for the job (`swfPartialLines`, src/io/swf.ts); present when there are some.
   */
  droppedPartialLines?: number;
  /** Jobs left out because they do not fit an empty cluster of the given nodes. */
  droppedTooLarge: number;
  /** Jobs left out by `maxJobs`. */
  droppedByMaxJobs: number;
  /** Jobs scheduled. */
  jobs: number;
  /** SWF: rows whose requested time the log gives (> 0), of `rows`; the others use their run time (the notes count those scheduled). */
  requestedTimeKnown?: number;
  /** SWF: rows whose run time the log does not give (−1), of `rows`: their jobs run 0 s (present when there are some). */
  unknownRunTime?: number;
  /** SWF: rows whose processors the log does not give (−1 or 0 in both fields), of `rows`: their jobs use 1 processor (present when there are some). */
  unknownProcessors?: number;
  /** Distinct known users of the jobs scheduled. */
  users: number;
  /** Jobs scheduled whose user the log does not give (−1): left out of `users` and of the per-user metrics (present when there are some). */
  unknownUser?: number;
  /**
   * Jobs scheduled whose logged run time exceeds their requested time (present when there are some): FCFS
   * and EASY kill each at its requested time (`ScheduleRun.cutAtRequest`).
   */
  runBeyondRequest?: number;
}

/** Values of one over-time series, per bin of `binSeconds` from the first submission. */
export interface ScheduleSeries {
  binSeconds: number;
  /** Bin start, s since the first submission. */
  time: number[];
  /** Busy share of the dimension-0 capacity over the bin. */
  utilisation: number[];
  /** Jobs waiting at the end of the bin. */
  queue: number[];
}

/** One algorithm's run. */
export interface ScheduleRun {
  algorithm: Algorithm;
  metrics: ScheduleMetrics;
  /** IPTAS: rounds run (0 for the baselines). */
  rounds: number;
  /** Busy share of the capacity per dimension (processors; or cpu, mem), over the makespan; [0] is `metrics.utilisation`. */
  utilisationByDimension: number[];
  series: ScheduleSeries;
  /**
   * FCFS and EASY: the jobs killed at their requested time because the log has them run longer, and the
   * logged run time they did not run (Σ run time − requested time, s); present when there are some.
   */
  cutAtRequest?: { jobs: number; lostSeconds: number };
}

/** The baselines among `algorithms` (FCFS, EASY: everything but IPTAS), upper-cased, in order: the notes and facts name only those asked for. */
export function baselinesOf(algorithms: readonly string[]): string[] {
  return algorithms.filter((a) => a !== 'iptas').map((a) => a.toUpperCase());
}

/** Result of {@link scheduleLog}. */
export interface ScheduleLogReport {
  trace: LogFacts;
  cluster: { nodes: number; nodeCapacity: number[]; dimensions: string[] };
  params: { tau: number; secondsPerGB: number; minEpsilon: number; alpha: number; historyLength: number };
  /**
   * The algorithms asked for, in the order they run (`runs` holds those that finished: fewer when
   * interrupted). Absent from a report built by hand: the runs' algorithms stand in.
   */
  algorithms?: Algorithm[];
  /** Simplifications the numbers rest on, in words. */
  notes: string[];
  runs: ScheduleRun[];
  interrupted?: boolean;
}

function bad(field: string, msg: string): FairfitError {
  return new FairfitError('INVALID_OPTION', `${field} ${msg}`, { field });
}

/** Validates every option once; returns them resolved (format not yet detected). */
function resolve(o: ScheduleLogOptions) {
  if (o === null || typeof o !== 'object') throw bad('options', 'must be an object');
  checkOptionNames(o, SCHEDULE_LOG_OPTIONS, 'scheduleLog');
  if (typeof o.trace !== 'string' || o.trace === '') throw bad('trace', `must be a path, got ${shown(o.trace)}`);
  const format = o.format ?? 'auto';
  if (format !== 'auto' && format !== 'swf' && format !== 'google') throw bad('format', `must be 'auto', 'swf' or 'google', got ${shown(format)}`);
  const algorithms = o.algorithms ?? ALGORITHMS;
  if (!Array.isArray(algorithms) || algorithms.length === 0) throw bad('algorithms', 'must list at least one of iptas, fcfs, easy');
  for (const a of algorithms) if (!ALGORITHMS.includes(a)) throw bad('algorithms', `${shown(a)} is not one of ${ALGORITHMS.join(', ')}`);
  if (new Set(algorithms).size !== algorithms.length) throw bad('algorithms', `lists an algorithm twice: ${algorithms.join(',')}`);
  if (!Number.isInteger(o.nodes) || o.nodes < 1) throw bad('nodes', `must be an integer ≥ 1, got ${shown(o.nodes)}`);
  const ringCapacity = ringCapacityOf(o.params);
  if (o.nodes > maxScheduleNodes(ringCapacity)) throw bad('nodes', `${nodesBound(ringCapacity)}, got ${o.nodes}`);
  if (o.nodeCapacity !== undefined && (!Array.isArray(o.nodeCapacity) || o.nodeCapacity.length < 1 || o.nodeCapacity.length > 2 || o.nodeCapacity.some((x) => typeof x !== 'number' || !Number.isFinite(x) || !(x > 0)))) {
    throw bad('nodeCapacity', `must be one or two finite numbers > 0, got ${shown(o.nodeCapacity)}`);
  }
  const minEpsilon = o.minEpsilon ?? o.params?.minEpsilon ?? 0;
  if (typeof minEpsilon !== 'number' || !Number.isFinite(minEpsilon) || minEpsilon < 0) throw bad('minEpsilon', `must be a finite number ≥ 0, got ${shown(minEpsilon)}`);
  if (o.maxJobs !== undefined && (!Number.isInteger(o.maxJobs) || o.maxJobs < 1)) throw bad('maxJobs', `must be an integer ≥ 1, got ${shown(o.maxJobs)}`);
  if (o.maxSkipped !== undefined && (typeof o.maxSkipped !== 'number' || !(o.maxSkipped >= 0 && o.maxSkipped <= 1))) throw bad('maxSkipped', `must be a number in [0, 1], got ${shown(o.maxSkipped)}`);
  const tau = o.tau ?? 10;
  if (typeof tau !== 'number' || !(tau > 0) || !Number.isFinite(tau)) throw bad('tau', `must be a finite number > 0, got ${shown(tau)}`);
  const secondsPerGB = o.secondsPerGB ?? 60;
  if (typeof secondsPerGB !== 'number' || !(secondsPerGB > 0) || !Number.isFinite(secondsPerGB)) throw bad('secondsPerGB', `must be a finite number > 0, got ${shown(secondsPerGB)}`);
  return { format, algorithms, minEpsilon, tau, secondsPerGB };
}

/** `firstProblems` of a read, present only when lines were skipped (valid logs keep their report unchanged). */
function problemsOf(s: { skipped: number; firstProblems: string[] }): { firstProblems?: string[] } {
  return s.skipped > 0 ? { firstProblems: s.firstProblems.slice(0, 5) } : {};
}

/**
 * Reads the log into jobs and the facts of how; `estimated` (SWF) holds the jobs whose requested time
 * the log does not give (their run time stands in).
 */
async function readJobs(path: string, format: LogFormat, strict: boolean, maxSkipped: number | undefined, signal: AbortSignal | undefined): Promise<{ jobs: TraceJob[]; estimated?: ReadonlySet<TraceJob>; facts: Omit<LogFacts, 'droppedTooLarge' | 'droppedByMaxJobs' | 'jobs' | 'users'> }> {
  let detected = 'option';
  let f = format;
  if (f === 'auto') {
    const d = await detectTraceFormat(path);
    if (d.format === 'alibaba') throw bad('trace', `${path} is an Alibaba 2018 machine trace (${d.reason}): it has no jobs to schedule; give an SWF log or a Google 2011 folder`);
    f = d.format;
    detected = d.reason;
  }
  if (f === 'swf') {
    const t = await readSwf(path, { strict, ...(signal ? { signal } : {}) });
    checkDamage(path, t.summary, maxSkipped);
    // One job per task of the table, in line order (readSwf left out the partial lines of checkpointed jobs).
    const jobs = jobsFromSwf(t);
    const estimated = new Set<TraceJob>();
    jobs.forEach((j, i) => {
      if (!(t.tasks.requestedTime[i]! > 0)) estimated.add(j);
    });
    const known = jobs.length - estimated.size;
    const droppedPartialLines = Number(t.source?.['droppedPartialLines'] ?? 0);
    const unknownRun = Number(t.source?.['unknownRunTime'] ?? 0);
    const unknownProcessors = Number(t.source?.['unknownProcessors'] ?? 0);
    return {
      jobs,
      estimated,
      facts: { path, format: 'swf', detected, rows: t.summary.rows, skippedLines: t.summary.skipped, ...problemsOf(t.summary), ...(droppedPartialLines > 0 ? { droppedPartialLines } : {}), requestedTimeKnown: known, ...(unknownRun > 0 ? { unknownRunTime: unknownRun } : {}), ...(unknownProcessors > 0 ? { unknownProcessors } : {}) },
    };
  }
  const t = await readGoogleTrace(path, { strict, usage: false, machineEvents: false, ...(signal ? { signal } : {}) });
  checkDamage(path, t.summary, maxSkipped);
  const g = jobsFromGoogle(t);
  return { jobs: g.jobs, facts: { path, format: 'google2011', detected, rows: g.tasks, skippedLines: t.summary.skipped, ...problemsOf(t.summary), droppedRunning: g.droppedRunning, droppedPending: g.droppedPending } };
}

/** A round bin length (s) giving at most ~500 bins over `span` seconds, at least 60 s. */
function binLength(span: number): number {
  const steps = [60, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400];
  for (const s of steps) if (span / s <= 500) return s;
  return Math.ceil(span / 500 / 86400) * 86400;
}

/**
 * Utilisation (share of the dimension-0 capacity) and queue length (jobs waiting at
 * each bin's end) per bin of a finished schedule.
 */
export function scheduleSeries(jobs: readonly TraceJob[], r: Pick<ScheduleResult, 'start' | 'end' | 'processors'>): ScheduleSeries {
  const n = jobs.length;
  let origin = Infinity;
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    origin = Math.min(origin, jobs[i]!.submit);
    last = Math.max(last, r.end[i]!);
  }
  if (n === 0) return { binSeconds: 60, time: [], utilisation: [], queue: [] };
  const bin = binLength(last - origin);
  const bins = Math.max(1, Math.ceil((last - origin) / bin));
  const busy = new Float64Array(bins);
  const diff = new Float64Array(bins + 1);
  for (let i = 0; i < n; i++) {
    const j = jobs[i]!;
    const w = j.procs * (j.demand?.[0] ?? 1);
    const s = r.start[i]! - origin;
    const e = r.end[i]! - origin;
    for (let k = Math.floor(s / bin); k < bins && k * bin < e; k++) busy[k] = busy[k]! + w * (Math.min(e, (k + 1) * bin) - Math.max(s, k * bin));
    // waiting at the end of bin k, T = (k+1)·bin, iff submit ≤ T < start
    const k1 = Math.max(0, Math.ceil((j.submit - origin) / bin) - 1);
    const k2 = Math.min(bins - 1, Math.ceil(s / bin) - 2);
    if (k2 >= k1) {
      diff[k1] = diff[k1]! + 1;
      diff[k2 + 1] = diff[k2 + 1]! - 1;
    }
  }
  const time: number[] = [];
  const utilisation: number[] = [];
  const queue: number[] = [];
  let q = 0;
  for (let k = 0; k < bins; k++) {
    q += diff[k]!;
    time.push(k * bin);
    const width = Math.min(bin, last - origin - k * bin);
    utilisation.push(width > 0 ? busy[k]! / (r.processors * width) : 0);
    queue.push(q);
  }
  return { binSeconds: bin, time, utilisation, queue };
}

/** Σ procs·demand[d]·(end − start) / (nodes · capacity[d] · makespan), per dimension. */
function utilisations(jobs: readonly TraceJob[], r: ScheduleResult, nodes: number, capacity: readonly number[]): number[] {
  const m = r.metrics.makespan;
  return capacity.map((c, d) => {
    let busy = 0;
    jobs.forEach((j, i) => {
      busy += j.procs * (j.demand?.[d] ?? (d === 0 ? 1 : 0)) * (r.end[i]! - r.start[i]!);
    });
    return m > 0 ? busy / (nodes * c * m) : 0;
  });
}

/**
 * Reads a job log and schedules it with each requested algorithm on the same cluster
 * (`nodes` identical nodes): SWF jobs are gangs of one-processor tasks on nodes of
 * `nodeCapacity[0]` processors; Google tasks demand (cpu, mem) on nodes of capacity
 * `nodeCapacity` (default [1, 1]). Jobs that cannot fit the empty cluster are dropped and
 * counted. Throws `INVALID_OPTION` naming the option, and the readers' errors (and the
 * signal's reason when it stops the read).
 */
export async function scheduleLog(options: ScheduleLogOptions): Promise<ScheduleLogReport> {
  const r = resolve(options);
  const { jobs: all, estimated, facts } = await readJobs(options.trace, r.format, options.strict === true, options.maxSkipped, options.signal).catch((e: unknown) => {
    // Stopped while reading: said so (the CLI prints it; it writes nothing, as nothing was scheduled).
    if (e instanceof FairfitError && e.code === 'ABORTED' && e === options.signal?.reason) {
      throw new FairfitError('ABORTED', `${e.message} while the log was read: nothing was scheduled, no output written`, { file: options.trace }, { cause: e });
    }
    throw e;
  });
  if (facts.rows === 0) throw new FairfitError('NO_DATA', `${options.trace}: no job read as ${facts.format}${facts.skippedLines ? ` (${plural(facts.skippedLines, 'bad line')} skipped)` : ''}; is it the right file or --format?`, { file: options.trace });
  const google = facts.format === 'google2011';
  const cap = options.nodeCapacity;
  let nodeCapacity: number[];
  if (google) {
    if (cap !== undefined && cap.length !== 2) throw bad('nodeCapacity', `must be two numbers (cpu,mem) for a Google trace, got ${cap.join(',')}`);
    nodeCapacity = cap ? [...cap] : [1, 1];
  } else {
    if (cap !== undefined && (cap.length !== 1 || !Number.isInteger(cap[0]))) throw bad('nodeCapacity', `must be one integer ≥ 1 (processors per node) for an SWF log, got ${cap.join(',')}`);
    nodeCapacity = cap ? [...cap] : [1];
  }
  let jobs = all;
  let droppedByMaxJobs = 0;
  if (options.maxJobs !== undefined && options.maxJobs < jobs.length) {
    const order = jobs.map((_, i) => i).sort((a, b) => jobs[a]!.submit - jobs[b]!.submit || a - b);
    const keep = order.slice(0, options.maxJobs).sort((a, b) => a - b);
    droppedByMaxJobs = jobs.length - keep.length;
    jobs = keep.map((i) => all[i]!);
  }
  const empty = new NodePool(options.nodes, nodeCapacity);
  const fits = jobs.filter((j) => empty.fit(j.demand ?? [1], j.procs) !== undefined);
  const droppedTooLarge = jobs.length - fits.length;
  jobs = fits;
  if (jobs.length === 0) {
    // Nothing to schedule: a row of zeros (a mean bounded slowdown of 0, which is never below 1) would read as a result.
    const why = [[facts.droppedRunning, 'still running at the end'], [facts.droppedPending, 'still waiting at the end'], [facts.droppedPartialLines, 'partial-execution lines of checkpointed jobs'], [droppedTooLarge, 'wider than the cluster']]
      .filter(([k]) => (k as number) > 0).map(([k, what]) => `${k} ${what}`).join(', ');
    throw new FairfitError('NO_DATA', `${options.trace}: no job to schedule among ${facts.rows} read${why ? ` (${why})` : ''}`, { file: options.trace });
  }
  // Unknown users (−1) are nobody's: not a user in the count (nor in the per-user metrics, `metricsOf`).
  const users = new Set(jobs.filter((j) => j.user !== -1).map((j) => String(j.user))).size;
  const unknownUser = jobs.filter((j) => j.user === -1).length;
  const params: IptasParams = { ...options.params, minEpsilon: r.minEpsilon };
  const notes: string[] = [];
  // The notes speak of the algorithms asked for only (`--algorithm iptas` was told how FCFS and EASY place and kill).
  const baselineNames = baselinesOf(r.algorithms);
  const baselineCount = baselineNames.length;
  const baselines = baselineNames.join(' and ');
  if (google) {
    notes.push('one job per Google task, demand = (CPU, memory) request; requested time = run time (the trace has no estimate)');
    if (baselines) notes.push(`${baselines} place${baselineCount === 1 ? 's' : ''} tasks by first fit over the nodes in both dimensions${r.algorithms.includes('easy') ? ' (EASY: the head keeps a node-level reservation)' : ''}`);
  } else {
    // The length class concerns IPTAS alone: said only when it runs.
    notes.push(`SWF jobs are gangs of one-processor tasks${r.algorithms.includes('iptas') ? "; IPTAS's length class comes from the requested time (short ≤ 600 s, medium ≤ 6000 s)" : ''}`);
    // Among the jobs scheduled: `requestedTimeKnown` counts the rows, some of which may have been dropped.
    const unknown = jobs.filter((j) => estimated?.has(j)).length;
    if (unknown > 0) notes.push(`requested time unknown for ${plural(unknown, 'job')}: ${unknown === 1 ? 'its' : 'their'} run time stands in (exact estimates)`);
    if (facts.unknownRunTime) notes.push(`run time unknown (−1) on ${plural(facts.unknownRunTime, 'line')} of the log: ${facts.unknownRunTime === 1 ? 'that job runs' : 'those jobs run'} 0 s`);
    if (facts.unknownProcessors) notes.push(`processors unknown (−1 or 0) on ${plural(facts.unknownProcessors, 'line')} of the log: ${facts.unknownProcessors === 1 ? 'that job uses' : 'those jobs use'} 1 processor`);
  }
  // FCFS and EASY kill at the requested time (a batch system's limit): the log's longer runs are cut, the same jobs in each run.
  let beyond = 0, beyondSeconds = 0;
  for (const j of jobs) {
    if (j.runTime > j.requestedTime) {
      beyond++;
      beyondSeconds += j.runTime - j.requestedTime;
    }
  }
  if (beyond > 0) notes.push(`${beyond} job${beyond === 1 ? '' : 's'} ran longer in the log than ${beyond === 1 ? 'it' : 'they'} requested (${+beyondSeconds.toFixed(3)} s beyond ${beyond === 1 ? 'its request' : 'their requests in all'})${baselines ? `: ${baselines} kill${baselineCount === 1 ? 's' : ''} each at its requested time, as a batch system's time limit does (per run: cutAtRequest)` : ''}`);
  if (unknownUser > 0) notes.push(`user unknown (−1) for ${unknownUser} job${unknownUser === 1 ? '' : 's'}: scheduled as the others${r.algorithms.includes('iptas') ? ' (IPTAS: each its own user)' : ''}, left out of the per-user fairness figure and the user count`);
  const runs: ScheduleRun[] = [];
  let interrupted = false;
  for (const algorithm of r.algorithms) {
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
    // In slices with turns of the event loop: run whole, a SIGINT handler would only run after the last algorithm.
    const res = await scheduleJobsAsync(jobs, {
      algorithm,
      nodes: options.nodes,
      nodeCapacity: google ? nodeCapacity : nodeCapacity[0]!,
      params,
      tau: r.tau,
      secondsPerGB: r.secondsPerGB,
      ...(options.engine ? { engine: options.engine } : {}),
    }, options.signal);
    if (res === undefined) {
      interrupted = true;
      break;
    }
    const run: ScheduleRun = { algorithm, metrics: res.metrics, rounds: res.rounds, utilisationByDimension: utilisations(jobs, res, options.nodes, nodeCapacity), series: scheduleSeries(jobs, res) };
    if (algorithm !== 'iptas') {
      // Their kills are the runs beyond the request, each ended at its requested time: it lost the rest of its logged run.
      let cut = 0, lost = 0;
      jobs.forEach((j, i) => {
        if (res.killed[i]) {
          cut++;
          lost += j.runTime - j.requestedTime;
        }
      });
      if (cut > 0) run.cutAtRequest = { jobs: cut, lostSeconds: lost };
    }
    runs.push(run);
    options.onProgress?.(runs.length, r.algorithms.length);
  }
  const report: ScheduleLogReport = {
    trace: { ...facts, droppedTooLarge, droppedByMaxJobs, jobs: jobs.length, users, ...(unknownUser > 0 ? { unknownUser } : {}), ...(beyond > 0 ? { runBeyondRequest: beyond } : {}) },
    cluster: { nodes: options.nodes, nodeCapacity, dimensions: google ? ['cpu', 'mem'] : ['processors'] },
    params: { tau: r.tau, secondsPerGB: r.secondsPerGB, minEpsilon: r.minEpsilon, alpha: params.alpha ?? 0.5, historyLength: params.historyLength ?? 10 },
    algorithms: [...r.algorithms],
    notes,
    runs,
  };
  if (interrupted) report.interrupted = true;
  return report;
}
