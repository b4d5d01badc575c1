/**
 * Virtual-clock driver that schedules a batch job log with IPTAS (the
 * WebAssembly {@link Engine} by default), FCFS or EASY backfilling on a cluster of identical
 * nodes, and the metrics batch-scheduling studies compare them by (docs/model.md):
 * throughput, mean and p95 wait, bounded slowdown, utilisation, makespan, run-time
 * kills and the Gini of per-user mean wait. Jobs are gangs of one-processor tasks
 * (SWF) or tasks with a demand vector on nodes of a vector capacity (Google: CPU,
 * memory). Also converts an SWF log read by `readSwf` into jobs (the Google
 * adapter is `google-jobs.ts`). Semantics in docs/model.md ("IPTAS round scheduler").
 *
 * @module
 */
import { checkNonNegative, checkOptionNames, didYouMean, FairfitError, optionNames, shown, unknownKey } from '../../errors.ts';
import { giniReference } from '../../reference/gini.ts';
import type { TaskTable } from '../../model/tasks.ts';
import { easyPass, easyVectorPass, fcfsPass, fcfsVectorPass, FirstFitMemory, NodePool, type QueuedVectorJob, type Reservation, type RunningVectorJob } from './baselines.ts';
import type { IptasBatchEngine } from './engine-api.ts';
import { PrefixViews } from './engine-checks.ts';
import { DEFAULT_RING_CAPACITY, MAX_RING_CAPACITY, MAX_RING_SLOTS, type IptasParams } from './params.ts';
import { Engine } from '../../engine/engine.ts';
import type { GangInput, ReferenceEngine, RoundBuffers, TaskInput } from './reference-engine.ts';
import { TimeHeap } from '../../model/time-heap.ts';

/** A job of the log. Times in seconds. */
export interface TraceJob {
  /** Job id (kept for reports; the index in the array is what results refer to). */
  id: string | number;
  /** Submission time (≥ 0). */
  submit: number;
  /** Actual run time (≥ 0). */
  runTime: number;
  /** Requested run time (> 0): the scheduler's estimate and the baselines' kill limit. */
  requestedTime: number;
  /** Processors (integer ≥ 1): a gang of `procs` tasks, placed all or nothing. */
  procs: number;
  /**
   * Demand of each of the `procs` tasks, one number ≥ 0 per dimension of the node capacity
   * (e.g. [cpu, mem] for a Google task). Default: one processor, `[1, 0, …]`.
   */
  demand?: readonly number[];
  /**
   * Owner: a non-empty string or a number. The number −1 means unknown (an SWF or Google log without it): such a job is scheduled as any
   * other, left out of the per-user metrics (`fairnessGini`, `users`), and IPTAS gives it a user of its own.
   */
  user: string | number;
  /** Declared data volume K, GB; default `requestedTime / secondsPerGB`. */
  dataGB?: number;
}

/** Which scheduler to run. */
export type Algorithm = 'iptas' | 'fcfs' | 'easy';

/** The names of {@link ScheduleOptions}, for the run-time check. */
const SCHEDULE_OPTIONS = optionNames<ScheduleOptions>()('algorithm', 'nodes', 'nodeCapacity', 'params', 'engine', 'secondsPerGB', 'tau', 'recordReservations');

/** Options of {@link scheduleJobs}. */
export interface ScheduleOptions {
  algorithm: Algorithm;
  /** Number of identical nodes (integer ≥ 1). */
  nodes: number;
  /**
   * Capacity of each node: a number of processors (integer ≥ 1, one dimension; default 1),
   * or a vector of D numbers > 0 (D = 1–8; e.g. `[1, 1]` for normalised CPU and memory),
   * in which case jobs may carry a `demand` of D numbers and FCFS/EASY place tasks on nodes
   * by first fit instead of counting processors.
   */
  nodeCapacity?: number | readonly number[];
  /** IPTAS parameters (`dims` is forced to the capacity's dimension count). */
  params?: IptasParams;
  /**
   * Makes the IPTAS engine from the resolved parameters (`dims` set). Default:
   * the WebAssembly {@link Engine}. Any {@link IptasBatchEngine} works (e.g. the
   * plain-TypeScript {@link ReferenceEngine}, the oracle); the driver talks to
   * it with the batch calls (task handles, typed arrays).
   */
  engine?: (params: IptasParams) => IptasBatchEngine;
  /**
   * Maps a requested time to a data volume when a job has no `dataGB`:
   * `dataGB = requestedTime / secondsPerGB`. Default 60, so with K1 = 10 and K2 = 100 GB
   * a job is short when it asks ≤ 600 s, medium ≤ 6000 s, long above.
   */
  secondsPerGB?: number;
  /** τ of the bounded slowdown, seconds. Default 10. */
  tau?: number;
  /** Keep EASY's reservations in the result (for checks). Default false. */
  recordReservations?: boolean;
}

/** Metrics of one run. Times in seconds. */
export interface ScheduleMetrics {
  jobs: number;
  /** Jobs that ran to their end. */
  completed: number;
  /** Jobs killed at their limit (requested time for FCFS/EASY, T0 for IPTAS). */
  killed: number;
  /** Completed jobs per hour of makespan. */
  throughputPerHour: number;
  meanWait: number;
  /** 95th percentile of the wait, nearest rank. */
  p95Wait: number;
  /** Mean of max(1, (wait + run) / max(run, τ)), run = time actually run. */
  meanBoundedSlowdown: number;
  /** Σ procs·demand[0]·(end − start) / (total capacity in dimension 0 · makespan): processors or CPU. */
  utilisation: number;
  /** Last end − first submit. */
  makespan: number;
  /** Σ (end − start) of killed jobs, and the same times procs·demand[0] (processor- or CPU-seconds). */
  killedWastedSeconds: number;
  killedWastedProcSeconds: number;
  /** Gini of the per-user mean wait, over the jobs of known users (NaN when every job's user is unknown, −1). */
  fairnessGini: number;
  /** Distinct known users (−1, unknown, is not one). */
  users: number;
}

/** Result of {@link scheduleJobs}: per-job times by job index, metrics. */
export interface ScheduleResult {
  algorithm: Algorithm;
  /** Total capacity in the first dimension (processors, or CPU): the denominator of the utilisation. */
  processors: number;
  start: Float64Array;
  end: Float64Array;
  /** 1 if the job was killed at its limit. */
  killed: Uint8Array;
  metrics: ScheduleMetrics;
  /** IPTAS: number of rounds run. */
  rounds: number;
  /** EASY with `recordReservations`: every reservation given, in time order. */
  reservations?: (Reservation & { at: number })[];
}

function optInt(v: unknown, field: string, fallback: number): number {
  const x = v ?? fallback;
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 1) throw new FairfitError('INVALID_OPTION', `options.${field} must be an integer ≥ 1, got ${shown(x)}`, { field: `options.${field}` });
  return x;
}

/** The fields of a {@link TraceJob}. */
const JOB_KEYS = ['id', 'submit', 'runTime', 'requestedTime', 'procs', 'demand', 'user', 'dataGB'];

function checkJobs(jobs: readonly TraceJob[], processors: number, capacity: readonly number[] | undefined, nodes: number): void {
  if (!Array.isArray(jobs)) throw new FairfitError('INVALID_OPTION', 'jobs must be an array', { field: 'jobs' });
  const empty = capacity && new NodePool(nodes, capacity);
  jobs.forEach((j, i) => {
    if (j === null || typeof j !== 'object') throw new FairfitError('INVALID_OPTION', `jobs[${i}] must be an object { id, submit, runTime, requestedTime, procs, user, demand?, dataGB? }, got ${shown(j)}`, { field: 'jobs', index: i });
    // A misspelt optional field (`datagb`) was ignored: the job ran with the default in its place.
    const k = unknownKey(j, JOB_KEYS);
    if (k !== undefined) throw new FairfitError('INVALID_OPTION', `jobs[${i}].${k} is not a field of a job${didYouMean(k, JOB_KEYS)}`, { field: `jobs.${k}`, index: i });
    // '' is refused as the engine refuses it (found mid-run there, after the other algorithms had run).
    if (!(typeof j.user === 'string' && j.user !== '') && !(typeof j.user === 'number' && Number.isFinite(j.user))) throw new FairfitError('INVALID_OPTION', `jobs[${i}].user must be a non-empty string or a finite number, got ${shown(j.user)}`, { field: 'jobs.user', index: i });
    if (j.demand !== undefined) {
      if (!capacity) throw new FairfitError('INVALID_OPTION', `jobs[${i}].demand needs a vector options.nodeCapacity`, { field: 'jobs.demand', index: i });
      if (!Array.isArray(j.demand) || j.demand.length !== capacity.length) throw new FairfitError('INVALID_OPTION', `jobs[${i}].demand must have ${capacity.length} numbers (one per capacity dimension), got ${String(j.demand)}`, { field: 'jobs.demand', index: i });
      (j.demand as readonly unknown[]).forEach((v) => checkNonNegative(v, 'jobs.demand', i));
    }
    checkNonNegative(j.submit, 'jobs.submit', i);
    checkNonNegative(j.runTime, 'jobs.runTime', i);
    checkNonNegative(j.requestedTime, 'jobs.requestedTime', i, true);
    if (j.dataGB !== undefined) checkNonNegative(j.dataGB, 'jobs.dataGB', i);
    if (!Number.isInteger(j.procs) || j.procs < 1) throw new FairfitError('INVALID_OPTION', `jobs[${i}].procs must be an integer ≥ 1, got ${String(j.procs)}`, { field: 'jobs.procs', index: i });
    if (empty) {
      if (!empty.fit(demandOf(j, capacity.length), j.procs)) throw new FairfitError('INVALID_OPTION', `jobs[${i}] (${j.procs} × [${demandOf(j, capacity.length).join(', ')}]) does not fit the empty cluster of ${nodes} × [${capacity.join(', ')}]`, { field: 'jobs.demand', index: i });
    } else if (j.procs > processors) throw new FairfitError('INVALID_OPTION', `jobs[${i}].procs = ${j.procs} exceeds the cluster's ${processors} processors`, { field: 'jobs.procs', index: i });
  });
}

/** A job's per-task demand over D dimensions (default one processor: `[1, 0, …]`). */
function demandOf(j: TraceJob, D: number): readonly number[] {
  return j.demand ?? Array.from({ length: D }, (_, d) => (d === 0 ? 1 : 0));
}

/** The vector node capacity, or undefined for a processor count. */
function vectorCapacity(v: unknown): number[] | undefined {
  if (v === undefined || typeof v === 'number') return undefined;
  if (!Array.isArray(v) || v.length < 1 || v.length > 8 || v.some((x) => typeof x !== 'number' || !Number.isFinite(x) || !(x > 0))) {
    throw new FairfitError('INVALID_OPTION', `options.nodeCapacity must be an integer ≥ 1 or an array of 1–8 finite numbers > 0, got ${String(v)}`, { field: 'options.nodeCapacity' });
  }
  return v.slice() as number[];
}

/**
 * Schedules `jobs` on `nodes × nodeCapacity` processors with a virtual clock; with a
 * vector `nodeCapacity`, on `nodes` nodes of that capacity, each job's `procs` tasks
 * demanding `demand` (FCFS and EASY then place tasks by first fit over the nodes, see
 * {@link easyVectorPass}; IPTAS gets D-dimensional nodes and demands).
 * Event times are the submissions and the ends; at each event time the ends are
 * processed first (finishes, then kills), then the submissions (by submit time,
 * ties by job index), then one scheduling pass (an IPTAS round, or an FCFS/EASY
 * pass); a job that ends at the same instant (zero run time, zero limit) makes
 * another pass at that instant. FCFS/EASY kill a job at `start + requestedTime`
 * when `runTime > requestedTime` (a batch system's time limit). IPTAS kills a job
 * at `start + T0` when `runTime > T0` (its members share start and T0, so all are
 * killed together by `checkLimits`); a job with `runTime ≤ T0` completes ok and adds
 * (runTime, requestedTime) of each member to its user's history.
 */
export function scheduleJobs(jobs: readonly TraceJob[], options: ScheduleOptions): ScheduleResult {
  const { run, tau } = simulation(jobs, options);
  try {
    run.run();
  } finally {
    run.close();
  }
  return run.result(tau);
}

/** How long {@link scheduleJobsAsync} runs before it gives the event loop a turn, ms. */
const SLICE_MS = 50;

/**
 * {@link scheduleJobs} in slices of about 50 ms with a turn of the event loop
 * between them, so that a signal handler can abort a long schedule: returns
 * the same result, or `undefined` once `signal` is aborted (the run is
 * dropped, not cut short).
 */
export async function scheduleJobsAsync(jobs: readonly TraceJob[], options: ScheduleOptions, signal?: AbortSignal): Promise<ScheduleResult | undefined> {
  const { run, tau } = simulation(jobs, options);
  try {
    while (!run.runFor(SLICE_MS)) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal?.aborted) return undefined;
    }
  } finally {
    run.close();
  }
  return run.result(tau);
}

/**
 * Most nodes a schedule takes with dispatch rings of `ringCapacity` slots: the
 * WebAssembly engine holds node rows × ring slots ≤ 2^28 (`MAX_RING_SLOTS`),
 * 262,144 nodes with the default 1,024-slot rings (measured on the NASA log,
 * all three algorithms: ≈ 5.7 s, 530 MB). It was 100,000 while the engine
 * failed near 150,000 nodes (docs/model.md).
 */
export function maxScheduleNodes(ringCapacity: number = DEFAULT_RING_CAPACITY): number {
  return Math.floor(MAX_RING_SLOTS / ringCapacity);
}

/** {@link maxScheduleNodes} with the default rings: the bound of `fairfit schedule --nodes`. */
export const MAX_SCHEDULE_NODES = maxScheduleNodes();

/** What a refused node count is told: the bound and why. */
export function nodesBound(ringCapacity: number = DEFAULT_RING_CAPACITY): string {
  return `at most ${maxScheduleNodes(ringCapacity)} nodes fit (the scheduling engine holds node rows × ${ringCapacity} dispatch-ring slots ≤ 2^28; docs/model.md)`;
}

/** The dispatch rings' size `params` asks for (checked with the other parameters: a bad one is refused there, and counts as the default here). */
export function ringCapacityOf(params: Partial<IptasParams> | undefined): number {
  const ring = params?.ringCapacity;
  return typeof ring === 'number' && Number.isInteger(ring) && ring >= 1 && ring <= MAX_RING_CAPACITY ? ring : DEFAULT_RING_CAPACITY;
}

/** Checks the options and jobs; the simulation ready to run, and τ for its result. */
function simulation(jobs: readonly TraceJob[], options: ScheduleOptions): { run: Simulation; tau: number } {
  checkOptionNames(options, SCHEDULE_OPTIONS, 'scheduleJobs');
  const algorithm = options?.algorithm;
  if (algorithm !== 'iptas' && algorithm !== 'fcfs' && algorithm !== 'easy') {
    throw new FairfitError('INVALID_OPTION', `options.algorithm must be 'iptas', 'fcfs' or 'easy', got ${String(algorithm)}`, { field: 'options.algorithm' });
  }
  const nodes = optInt(options.nodes, 'nodes', NaN);
  // Bounded before the node pool is made: 2^31 nodes grew to 17 GB (the engine's own bound came after the pool).
  const ringCapacity = ringCapacityOf(options.params);
  if (nodes > maxScheduleNodes(ringCapacity)) throw new FairfitError('INVALID_OPTION', `options.nodes: ${nodesBound(ringCapacity)}, got ${nodes}`, { field: 'options.nodes' });
  const capVector = vectorCapacity(options.nodeCapacity);
  const perNode = capVector ? capVector[0]! : optInt(options.nodeCapacity, 'nodeCapacity', 1);
  const secondsPerGB = checkNonNegative(options.secondsPerGB ?? 60, 'options.secondsPerGB', undefined, true);
  const tau = checkNonNegative(options.tau ?? 10, 'options.tau', undefined, true);
  if (options.engine !== undefined && typeof options.engine !== 'function') throw new FairfitError('INVALID_OPTION', `options.engine must be a function (params) => IptasBatchEngine, got ${String(options.engine)}`, { field: 'options.engine' });
  checkJobs(jobs, nodes * perNode, capVector, nodes);
  // A data volume derived from a tiny secondsPerGB overflows: it was refused later as the engine's items[j].dataGB.
  for (let j = 0; j < jobs.length; j++) {
    const job = jobs[j]!;
    if (job.dataGB === undefined && !Number.isFinite(job.requestedTime / secondsPerGB)) {
      throw new FairfitError('INVALID_OPTION', `options.secondsPerGB: ${secondsPerGB} makes job ${j}'s data volume (requestedTime ${job.requestedTime} / secondsPerGB) infinite`, { field: 'options.secondsPerGB', index: j });
    }
  }
  return { run: new Simulation(jobs, algorithm, nodes, perNode, capVector, secondsPerGB, options), tau };
}

/** Round buffers with room for `n` placements. */
function roundBuffers(n: number): RoundBuffers {
  return { tasks: new Int32Array(n), nodes: new Int32Array(n), t0: new Float64Array(n) };
}

/**
 * Takes the jobs a pass started (`start`, in start order) out of `queue`, in place: those that
 * FCFS started from the head are its first entries, and the backfilled ones come after them in
 * queue order (a pass looks at the queue in order), so one splice and one compaction from the
 * first backfilled job do it; a new array filtered by a set cost a pass over the whole queue at
 * every start.
 */
export function dropStarted(queue: { index: number }[], start: readonly number[]): void {
  let p = 0;
  while (p < start.length && p < queue.length && queue[p]!.index === start[p]) p++;
  if (p < start.length) {
    let r = p;
    while (r < queue.length && queue[r]!.index !== start[p]) r++;
    let w = r, next = p;
    for (; r < queue.length; r++) {
      if (next < start.length && queue[r]!.index === start[next]) {
        next++;
        continue;
      }
      queue[w++] = queue[r]!;
    }
    if (next !== start.length) throw new Error('scheduleJobs: internal error, a started job is not in the queue in pass order');
    queue.length = w;
  }
  if (p > 0) queue.splice(0, p);
}

/** Order of the running jobs in vector EASY: requested end, then index. */
function byEnd(a: RunningVectorJob, b: RunningVectorJob): number {
  return a.requestedEnd - b.requestedEnd || a.index - b.index;
}

/** The state of one {@link scheduleJobs} run: the clock's events, and the scheduler's (engine, or queue and pool). */
class Simulation {
  private readonly n: number;
  private readonly D: number;
  private readonly N: number;
  private readonly bySubmit: number[];
  private readonly start: Float64Array;
  private readonly end: Float64Array;
  private readonly killed: Uint8Array;
  private readonly heap = new TimeHeap();
  private readonly reservations: (Reservation & { at: number })[] | undefined;
  private rounds = 0;
  // FCFS / EASY state: a processor count (scalar capacity), or node residuals (vector capacity)
  private free: number;
  private queue: QueuedVectorJob[] = [];
  private readonly running = new Map<number, RunningVectorJob>();
  private readonly pool: NodePool | undefined;
  /** Vector EASY: the running jobs sorted by (requested end, index), kept in order as they start and end. */
  private readonly runSorted: RunningVectorJob[] = [];
  /** Vector EASY: the jobs' first fits across passes (`easyVectorPass`'s `firstFits`). */
  private readonly firstFits: FirstFitMemory | undefined;
  /** Vector EASY: the queue's length at the last pass when that pass started nothing and no job ended since (else −1): `easyVectorPass`'s `unchangedBefore`. */
  private unchangedBefore = -1;
  // IPTAS state
  private readonly engine: IptasBatchEngine | undefined;
  /** Handle of each job's first task (a job's tasks are that handle and the procs − 1 after it). */
  private readonly firstHandle: Int32Array;
  /**
   * The first handle of the k-th job submitted (bySubmit[k]), ascending: the job of a handle is found
   * by a binary search (no array per task: fresh pages cost more than the search).
   */
  private readonly submittedFirst: Int32Array;
  private submitted = 0;
  /** The default demand, one processor (shared: the engine copies what it is given). */
  private readonly unitDemand: readonly number[];
  /** Tasks waiting in the engine after the last round and the submissions since (≥ 1 means a round may place something). */
  private waiting = 0;
  /** Nodes touched by a round (to drain their dispatch rings). */
  private readonly touched: Uint8Array;
  /** Lent to the engine's rounds for their placements. */
  private roundBuf = roundBuffers(0);
  private handleBuf = new Int32Array(16);
  /** The nodes a round touched, in first-touch order (scratch of every round). */
  private readonly nodeList: Int32Array;
  /** Scratch of the calls (no allocation per event): the jobs ending at a time; lent to submissions and limit checks. */
  private ended = new Int32Array(16);
  private firstBuf = new Int32Array(16);
  private killBuf = new Int32Array(16);
  private readonly spec = { id: '', user: '', demand: [] as readonly number[], dataGB: 0, requestTime: 1, submitTime: 0, procs: undefined as number | undefined } as GangInput;
  private readonly oneSpec: (TaskInput | GangInput)[] = [this.spec];
  private readonly okResult = { status: 'ok' as const, actualTime: 0 };
  private readonly userNames = new Map<number, string>();
  private readonly nodeViews = new PrefixViews<Int32Array>();
  private readonly handleViews = new PrefixViews<Int32Array>();

  constructor(
    private readonly jobs: readonly TraceJob[], private readonly algorithm: Algorithm, nodes: number, perNode: number,
    capVector: number[] | undefined, private readonly secondsPerGB: number, options: ScheduleOptions,
  ) {
    const n = jobs.length;
    this.n = n;
    this.D = (capVector ?? [perNode]).length;
    this.N = nodes * perNode;
    this.free = this.N;
    this.bySubmit = Array.from({ length: n }, (_, i) => i);
    // Logs are usually in submission order already: then the (stable) sort would change nothing.
    let ordered = true;
    for (let i = 1; ordered && i < n; i++) ordered = jobs[i - 1]!.submit <= jobs[i]!.submit;
    if (!ordered) this.bySubmit.sort((a, b) => jobs[a]!.submit - jobs[b]!.submit || a - b);
    this.start = new Float64Array(n).fill(NaN);
    this.end = new Float64Array(n).fill(NaN);
    this.killed = new Uint8Array(n);
    this.reservations = options.recordReservations ? [] : undefined;
    this.pool = capVector ? new NodePool(nodes, capVector) : undefined;
    this.firstFits = this.pool && algorithm === 'easy' ? new FirstFitMemory(n) : undefined;
    // The default engine reserves a row per task of the log up front (no growth while it runs).
    const tasks = Math.max(1, jobs.reduce((s, j) => s + j.procs, 0));
    const makeEngine = options.engine ?? ((p: IptasParams): IptasBatchEngine => new Engine(p, { taskCapacity: tasks, nodeCapacity: nodes }));
    this.engine = algorithm === 'iptas' ? makeEngine({ ...options.params, dims: this.D }) : undefined;
    this.engine?.addNodes(Array.from({ length: nodes }, () => (capVector ? { capacity: capVector, speed: 1 } : { capacity: [perNode], speed: 1, vcpus: perNode })));
    const iptas = this.engine !== undefined;
    this.firstHandle = new Int32Array(iptas ? n : 0);
    this.submittedFirst = new Int32Array(iptas ? n : 0);
    this.touched = new Uint8Array(iptas ? nodes : 0);
    this.nodeList = new Int32Array(iptas ? nodes : 0);
    this.unitDemand = Array.from({ length: this.D }, (_, d) => (d === 0 ? 1 : 0));
  }

  /** Where r goes in runSorted (binary search by requested end, then index). */
  private position(r: RunningVectorJob): number {
    let lo = 0, hi = this.runSorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byEnd(this.runSorted[mid]!, r) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private startJob(i: number, t: number, limit: number, deadline = t + limit): void {
    const j = this.jobs[i]!;
    this.start[i] = t;
    const kill = j.runTime > limit;
    this.killed[i] = kill ? 1 : 0;
    this.end[i] = kill ? deadline : t + j.runTime;
    this.heap.push(this.end[i]!, i);
    this.free -= j.procs;
  }

  /** The submission times in submission order (read without going through the job objects); made by the first run. */
  private submits: Float64Array | undefined;
  /** The next submission not yet handed over. */
  private ptr = 0;

  /** Every event time in order: ends, submissions, one pass; again at the same instant while jobs end then. */
  run(): void {
    this.runFor(Infinity);
  }

  /** Runs event times for about `ms` milliseconds (at least one); true once every event is done. */
  runFor(ms: number): boolean {
    const { jobs, bySubmit, heap, n } = this;
    let submits = this.submits;
    if (submits === undefined) {
      // A loop, not Float64Array.from (an iterator step per job).
      submits = this.submits = new Float64Array(n);
      for (let k = 0; k < n; k++) submits[k] = jobs[bySubmit[k]!]!.submit;
    }
    const until = ms === Infinity ? Infinity : performance.now() + ms;
    let ptr = this.ptr;
    let steps = 0;
    while (ptr < n || heap.size > 0) {
      // The clock is read every 64 event times only.
      if ((++steps & 63) === 0 && performance.now() > until) {
        this.ptr = ptr;
        return false;
      }
      const t = Math.min(ptr < n ? submits[ptr]! : Infinity, heap.peekTime());
      do {
        this.endJobs(t);
        const from = ptr;
        while (ptr < n && submits[ptr] === t) ptr++;
        if (this.engine) this.submitToEngine(this.engine, from, ptr);
        else for (let k = from; k < ptr; k++) this.queue.push(this.queued(bySubmit[k]!));
        if (this.engine) this.iptasRound(this.engine, t);
        else if (this.pool) this.vectorPass(this.pool, t);
        else this.scalarPass(t);
      } while (heap.size > 0 && heap.peekTime() === t);
    }
    this.ptr = ptr;
    if (this.engine && this.engine.counts().waiting > 0) throw new Error('scheduleJobs: internal error, tasks left waiting with nothing running');
    return true;
  }

  /** The jobs that end at t: resources back; the engine told of finishes (kills it finds itself, checked). */
  private endJobs(t: number): void {
    const { jobs, heap, engine } = this;
    if (heap.size === 0 || heap.peekTime() !== t) return;
    // Jobs end: the next EASY pass looks at the whole queue again.
    this.unchangedBefore = -1;
    let count = 0;
    while (heap.size > 0 && heap.peekTime() === t) {
      if (count === this.ended.length) {
        const grown = new Int32Array(2 * count);
        grown.set(this.ended);
        this.ended = grown;
      }
      this.ended[count++] = heap.pop();
    }
    const ended = this.ended;
    // In job order (a typed array sorts numerically).
    if (count > 1) ended.subarray(0, count).sort();
    let killedTasks = 0;
    for (let e = 0; e < count; e++) {
      const i = ended[e]!;
      this.free += jobs[i]!.procs;
      const r = this.running.get(i);
      if (r && this.pool) {
        this.pool.give(r.demand, r.nodes);
        this.runSorted.splice(this.position(r), 1);
      }
      this.running.delete(i);
      if (!engine) continue;
      if (this.killed[i]) killedTasks += jobs[i]!.procs;
      else {
        // One result object for every call (the engines read it, never keep it).
        this.okResult.actualTime = jobs[i]!.runTime;
        engine.completeMany(this.handlesOf(i), this.okResult);
      }
    }
    // The engine finds the T0 kills itself: exactly the tasks of the jobs the driver ends as killed
    // now. Asked only then (a kill the engine made at another time would show up as a job that
    // does not end now, at the next such call).
    if (engine && killedTasks > 0) {
      if (this.killBuf.length < killedTasks) this.killBuf = new Int32Array(Math.max(killedTasks, 2 * this.killBuf.length));
      const kills = engine.checkLimitsHandles(t, undefined, this.killBuf);
      let agree = kills.length === killedTasks;
      // A job's tasks are killed together, one after the other: its handles [from, to) are checked once.
      let from = 0, to = 0;
      for (let k = 0; agree && k < kills.length; k++) {
        const h = kills[k]!;
        if (h >= from && h < to) continue;
        const i = this.jobOf(h);
        from = this.firstHandle[i]!;
        to = from + jobs[i]!.procs;
        agree = this.killed[i] === 1 && this.end[i] === t;
      }
      if (!agree) throw new Error(`scheduleJobs: internal error, the engine's T0 kills at ${t} differ from the driver's`);
    }
  }

  /** The job whose tasks include handle h (a job submitted so far). */
  private jobOf(h: number): number {
    const first = this.submittedFirst;
    let lo = 0, hi = this.submitted - 1;
    // The last k with first[k] ≤ h.
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (first[mid]! <= h) lo = mid;
      else hi = mid - 1;
    }
    return this.bySubmit[lo]!;
  }

  /** The task handles of job i. */
  private handlesOf(i: number): Int32Array {
    const first = this.firstHandle[i]!, procs = this.jobs[i]!.procs;
    // A view of one scratch array (no array buffer per job).
    if (this.handleBuf.length < procs) this.handleBuf = new Int32Array(Math.max(procs, 2 * this.handleBuf.length));
    const h = this.handleViews.of(this.handleBuf, procs);
    for (let k = 0; k < procs; k++) h[k] = first + k;
    return h;
  }

  /** Jobs bySubmit[from, to) arrive together: to the engine in one call (a task, or a gang of procs tasks, each). */
  private submitToEngine(engine: IptasBatchEngine, from: number, to: number): void {
    if (from === to) return;
    // Most arrivals are one job: one array and one input object lent for them (the engines read inputs, never keep them).
    const one = to - from === 1;
    const specs = one ? this.oneSpec : new Array<TaskInput | GangInput>(to - from);
    for (let k = from; k < to; k++) {
      const i = this.bySubmit[k]!;
      const j = this.jobs[i]!;
      const x = one ? this.spec : ({} as GangInput);
      x.id = `j${i}`;
      x.user = this.userName(j.user, i);
      x.demand = j.demand ?? this.unitDemand;
      x.dataGB = j.dataGB ?? j.requestedTime / this.secondsPerGB;
      x.requestTime = j.requestedTime;
      x.submitTime = j.submit;
      (x as { procs: number | undefined }).procs = j.procs === 1 ? undefined : j.procs;
      specs[k - from] = x;
    }
    if (this.firstBuf.length < to - from) this.firstBuf = new Int32Array(Math.max(to - from, 2 * this.firstBuf.length));
    const first = engine.submitMany(specs, this.firstBuf);
    for (let k = from; k < to; k++) {
      const i = this.bySubmit[k]!;
      const h = first[k - from]!;
      this.firstHandle[i] = h;
      this.submittedFirst[this.submitted++] = h;
      this.waiting += this.jobs[i]!.procs;
    }
  }

  /**
   * Job i's user as the engine's user name (made once per user). An unknown user (−1) is a user of its
   * own per job: lumped into one, unrelated jobs would share one running count (the penalty once four
   * run) and one ε history (one job's short run cutting the next one's T0). The NUL keeps the name
   * apart from the users a log names.
   */
  private userName(user: string | number, i: number): string {
    if (user === -1) return `\u0000unknown#${i}`;
    if (typeof user === 'string') return user;
    let s = this.userNames.get(user);
    if (s === undefined) this.userNames.set(user, (s = String(user)));
    return s;
  }

  /** Job i waiting in the FCFS / EASY queue. */
  private queued(i: number): QueuedVectorJob {
    const j = this.jobs[i]!;
    return { index: i, procs: j.procs, requestedTime: j.requestedTime, demand: demandOf(j, this.D) };
  }

  /** One IPTAS round at t: the jobs whose tasks were placed start, with the engine's T0 and deadline. */
  private iptasRound(engine: IptasBatchEngine, t: number): void {
    this.rounds++;
    // With nothing waiting a round changes nothing (the clock is already at t): not asked for.
    if (this.waiting === 0) return;
    // Room for every waiting task: the round writes its placements there (no allocation per round).
    if (this.roundBuf.tasks.length < this.waiting) this.roundBuf = roundBuffers(Math.max(this.waiting, 2 * this.roundBuf.tasks.length));
    const r = engine.runRoundHandles(t, this.roundBuf);
    this.waiting = r.waiting;
    if (r.tasks.length === 0) return;
    const { touched, start, nodeList, firstHandle, jobs } = this;
    const { tasks, nodes: placedOn, t0 } = r;
    let count = 0;
    // The handles [from, to) of the job of the last placement seen (a gang's members are placed one after the other).
    let from = 0, to = 0;
    for (let k = 0; k < tasks.length; k++) {
      const node = placedOn[k]!;
      if (touched[node] === 0) nodeList[count++] = node;
      touched[node] = 1;
      // A job starts with its first task placed (a gang's members are placed in one round, all with one T0).
      const h = tasks[k]!;
      if (h >= from && h < to) continue;
      const i = this.jobOf(h);
      from = firstHandle[i]!;
      to = from + jobs[i]!.procs;
      if (Number.isNaN(start[i]!)) this.startJob(i, t, t0[k]!);
    }
    for (let k = 0; k < count; k++) touched[nodeList[k]!] = 0;
    // Last: the drain writes into the round's buffer (r's arrays are views of it).
    engine.drainDispatchMany(this.nodeViews.of(nodeList, count), this.roundBuf.tasks);
  }

  /** One FCFS or EASY pass on per-node residuals (vector capacity). */
  private vectorPass(pool: NodePool, t: number): void {
    const { jobs } = this;
    const pass = this.algorithm === 'fcfs' ? fcfsVectorPass(this.queue, pool) : easyVectorPass(this.queue, pool, this.runSorted, t, { runningSorted: true, reservation: this.reservations !== undefined, firstFits: this.firstFits, ...(this.unchangedBefore >= 0 ? { unchangedBefore: this.unchangedBefore } : {}) });
    this.unchangedBefore = pass.start.length === 0 ? this.queue.length : -1;
    if (this.reservations && pass.reservation) this.reservations.push({ ...pass.reservation, at: t });
    for (const { index: i, nodes: at } of pass.start) {
      this.startJob(i, t, jobs[i]!.requestedTime);
      const rj = { index: i, procs: jobs[i]!.procs, requestedEnd: t + jobs[i]!.requestedTime, demand: demandOf(jobs[i]!, this.D), nodes: at };
      this.running.set(i, rj);
      this.runSorted.splice(this.position(rj), 0, rj);
    }
    if (pass.start.length > 0) dropStarted(this.queue, pass.start.map((x) => x.index));
  }

  /** One FCFS or EASY pass on a processor count (scalar capacity). */
  private scalarPass(t: number): void {
    const { jobs } = this;
    const pass = this.algorithm === 'fcfs' ? fcfsPass(this.queue, this.free) : easyPass(this.queue, this.free, [...this.running.values()], t);
    if (this.reservations && pass.reservation) this.reservations.push({ ...pass.reservation, at: t });
    for (const i of pass.start) {
      this.startJob(i, t, jobs[i]!.requestedTime);
      this.running.set(i, { index: i, procs: jobs[i]!.procs, requestedEnd: t + jobs[i]!.requestedTime, demand: [], nodes: [] });
    }
    if (pass.start.length > 0) dropStarted(this.queue, pass.start);
  }

  /** Closes the engine this run made (its memory goes to the next one). */
  close(): void {
    (this.engine as { close?: () => void } | undefined)?.close?.();
  }

  result(tau: number): ScheduleResult {
    const { algorithm, N, start, end, killed, rounds, reservations } = this;
    return { algorithm, processors: N, start, end, killed, metrics: metricsOf(this.jobs, start, end, killed, N, tau), rounds, ...(reservations ? { reservations } : {}) };
  }
}

/** The metrics of a finished schedule (see {@link ScheduleMetrics}). */
export function metricsOf(jobs: readonly TraceJob[], start: Float64Array, end: Float64Array, killed: Uint8Array, processors: number, tau = 10): ScheduleMetrics {
  const n = jobs.length;
  let first = Infinity;
  let last = -Infinity;
  let sumWait = 0, sumBsd = 0, busy = 0, wasted = 0, wastedProc = 0, nKilled = 0;
  const waits = new Float64Array(n);
  const perUser = new Map<string, [number, number]>();
  for (let i = 0; i < n; i++) {
    const j = jobs[i]!;
    const w = start[i]! - j.submit;
    const run = end[i]! - start[i]!;
    waits[i] = w;
    sumWait += w;
    sumBsd += Math.max(1, (w + run) / Math.max(run, tau));
    const weight = j.procs * (j.demand?.[0] ?? 1);
    busy += weight * run;
    if (killed[i]) {
      nKilled++;
      wasted += run;
      wastedProc += weight * run;
    }
    first = Math.min(first, j.submit);
    last = Math.max(last, end[i]!);
    // Jobs of unknown users are no user's: lumped into one they would be a user of their own in the Gini.
    if (j.user === -1) continue;
    const u = perUser.get(String(j.user)) ?? [0, 0];
    u[0] += w;
    u[1] += 1;
    perUser.set(String(j.user), u);
  }
  waits.sort();
  const makespan = n > 0 ? last - first : 0;
  const completed = n - nKilled;
  return {
    jobs: n,
    completed,
    killed: nKilled,
    throughputPerHour: makespan > 0 ? completed / (makespan / 3600) : 0,
    meanWait: n > 0 ? sumWait / n : 0,
    p95Wait: n > 0 ? waits[Math.ceil(0.95 * n) - 1]! : 0,
    meanBoundedSlowdown: n > 0 ? sumBsd / n : 0,
    utilisation: makespan > 0 ? busy / (processors * makespan) : 0,
    makespan,
    killedWastedSeconds: wasted,
    killedWastedProcSeconds: wastedProc,
    // No known user among some jobs: no fairness figure (0 would read as perfectly fair).
    fairnessGini: n > 0 && perUser.size === 0 ? Number.NaN : giniReference([...perUser.values()].map(([s, c]) => s / c)),
    users: perUser.size,
  };
}

/**
 * Jobs of an SWF log read by `readSwf` (src/io/swf.ts): submit and run time from
 * the task table (µs → s), processors = `round(cpuRequest · maxProcs)` (the allocated
 * processors, else the requested ones, as `readSwf` reads them), user = the dense user
 * id (−1 unknown: see {@link TraceJob.user}). Requested time: `requestedTime` when given, else the log's requested
 * time column (`tasks.requestedTime`, kept by `readSwf`), and where either is unknown
 * (−1 in the log, ≤ 0 or NaN here) the run time, at least 1 s (exact estimates; the engine
 * needs it > 0). The length class of IPTAS comes from this requested time (SWF has no
 * data size; see {@link ScheduleOptions.secondsPerGB}). One job per task of the table, in
 * order (`requestedTime[i]` is task i's); `readSwf` has left out the partial-execution lines
 * of checkpointed jobs that have a summary line (`swfPartialLines` in src/io/swf.ts).
 */
export function jobsFromSwf(input: { tasks: TaskTable & { requestedTime?: Float64Array }; source?: Record<string, unknown> }, requestedTime?: ArrayLike<number>): TraceJob[] {
  const t = input.tasks;
  const maxProcs = Number(input.source?.['maxProcs']);
  if (!(maxProcs >= 1)) throw new FairfitError('INVALID_OPTION', `input.source.maxProcs must be a number ≥ 1, got ${String(input.source?.['maxProcs'])}`, { field: 'input.source.maxProcs' });
  if (requestedTime !== undefined && requestedTime.length !== t.count) throw new FairfitError('DIMENSION_MISMATCH', `requestedTime has ${requestedTime.length} values, the log has ${t.count} jobs`, { field: 'requestedTime' });
  const logged = t.requestedTime;
  const out: TraceJob[] = [];
  for (let i = 0; i < t.count; i++) {
    const run = t.duration[i]! / 1e6;
    const req = requestedTime !== undefined ? requestedTime[i] : logged !== undefined ? logged[i]! / 1e6 : undefined;
    out.push({
      id: t.jobId[i]!,
      submit: t.submit[i]! / 1e6,
      runTime: run,
      requestedTime: req !== undefined && req > 0 ? req : Math.max(run, 1),
      procs: Math.max(1, Math.round(t.cpuRequest[i]! * maxProcs)),
      user: t.user?.[i] ?? -1,
    });
  }
  return out;
}
