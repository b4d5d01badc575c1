/**
 * Google ClusterData-2011 → the virtual-cluster requests and hosts of a Docklet replay
 * (`trace-replay.ts`): each job is one virtual cluster (its tasks the members, one demand for
 * all of them), the machines present at the window start are the hosts. One pass over
 * `task_events` grouping tasks by job (its own small grouping: the IPTAS reader makes one job per
 * task), then `machine_events`. Every job, task and machine event left out is counted.
 * Decisions in docs/model.md ("Docklet virtual clusters", "Replaying a Google trace").
 *
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkPath, FairfitError } from '../../errors.ts';
import { F64Column, I32Column } from '../../io/columns.ts';
import { checkDamage, noData, Problems, readSummary, type ReadSummary } from '../../io/csv/problems.ts';
import { readMachineEvents } from '../../io/google/machine-events.ts';
import { fileBytes, partFiles, tableBatches } from '../../io/google/part-files.ts';
import { TASK_EVENTS_SPEC, TaskEvent as EVENT, TRACE_START, traceTime } from '../../io/google/schema.ts';
import { expectedTasks, threadedTaskEventBatches } from '../../io/google/task-events.ts';
import { TaskIds } from '../../io/google/task-ids.ts';
import { MAX_CLUSTER_NODES, type HostInput } from './model.ts';

/** The virtual-cluster requests of a trace, one row per job kept, in order of the job's first event (ties: file order). */
export interface TraceGangs {
  count: number;
  /** The trace's job ID (the cluster's name is its decimal text). */
  jobId: Float64Array;
  /** Dense user id in order of first appearance (the tenant `u<k>`), −1 when the user field is empty. */
  user: Int32Array;
  /** The job's first task event, µs (time 0 → the window start). */
  created: Float64Array;
  /** The last of its tasks' run ends, µs; NaN when some task's run does not end inside the window. */
  end: Float64Array;
  /** Members: the job's tasks. */
  members: Int32Array;
  /** Per-member demand: the largest CPU and memory request among the job's tasks (normalised like the trace). */
  cpu: Float64Array;
  mem: Float64Array;
}

/** What {@link readClusterTrace} kept and left out. */
export interface ClusterTraceCounts {
  /** Tasks read (distinct job ID, task index). */
  tasks: number;
  /** Jobs read (distinct job IDs). */
  jobs: number;
  /** Jobs kept as virtual-cluster requests. */
  gangs: number;
  /** Tasks with neither a CPU nor a memory request (empty or 0 in every event): members with their job's demand. */
  tasksWithoutRequest: number;
  /** Jobs left out: no task has any request (no size to give the cluster's members). */
  jobsWithoutRequest: number;
  /** Jobs left out: more tasks than one virtual cluster may have (`MAX_CLUSTER_NODES`). */
  jobsTooLarge: number;
  /** Kept jobs whose tasks do not all have the same (CPU, memory) request (tasks without a request aside). */
  jobsUnequalRequests: number;
  /** Kept jobs some of whose tasks' runs do not end inside the window: they hold their members to the window end. */
  jobsNotEnding: number;
  /** Machines present at the window start (ADD at time 0) with a capacity > 0 in both dimensions: the hosts. */
  hosts: number;
  /** Machines added at time 0 with an empty or zero CPU or memory capacity: left out. */
  hostsWithoutCapacity: number;
  /** machine_events rows inside the window after its start (or repeated at it), left out: machines added, removed, updated. */
  machinesAddedLater: number;
  machinesRemoved: number;
  machinesUpdated: number;
  /** machine_events rows after the window end (the table covers the whole trace; task_events may cover less): outside the replay. */
  machineEventsAfterWindow: number;
}

/**
 * The machine events inside the window after its start (or repeated at it), in time order (ties:
 * file order): what a replay with `machineEvents: 'apply'` adds and removes. The counts above say how
 * many of each there are.
 */
export interface MachineChanges {
  count: number;
  /** µs (time 0 → the window start). */
  time: Float64Array;
  /** The machine ID's decimal text (a host's id). */
  id: string[];
  /** 0 ADD, 1 REMOVE, 2 UPDATE. */
  type: Uint8Array;
  /** The capacities the row gives, normalised like the trace; NaN when empty. */
  cpu: Float64Array;
  mem: Float64Array;
}

/** A trace read for a virtual-cluster replay. */
export interface ClusterTrace {
  /** The hosts, in the order of their ADD rows; id = the machine ID's decimal text. */
  hosts: HostInput[];
  gangs: TraceGangs;
  counts: ClusterTraceCounts;
  /** The later machine events inside the window (absent in a trace built by hand: none). */
  machineChanges?: MachineChanges;
  /** Window [start, end], µs: start = 600 s (time-0 rows), end = the last finite task event. */
  start: number;
  end: number;
  /** Files, rows and skipped lines of task_events and machine_events. */
  summary: ReadSummary;
}

/** Options of {@link readClusterTrace}. */
export interface ClusterTraceReadOptions {
  /** Stop at the first bad line (`PARSE_ERROR`, naming file:line) instead of skipping and counting it. */
  strict?: boolean;
  /** Stop reading once aborted. */
  signal?: AbortSignal;
  /**
   * Refuse the trace when more than this fraction of its lines was skipped (`PARSE_ERROR`), or, below
   * 1, when a file is truncated or corrupt (`CORRUPT_INPUT`), as `replay` and `schedule` do (default:
   * no limit; the command line's `--max-skipped` defaults to 0.1).
   */
  maxSkipped?: number;
}

/** Last events that end a task's run inside the window (as the other Google readers take them). */
const ENDED: ReadonlySet<number> = new Set([EVENT.EVICT, EVENT.FAIL, EVENT.FINISH, EVENT.KILL, EVENT.LOST]);

/**
 * Reads a Google 2011 trace folder (`task_events/` and `machine_events/`, both required) into
 * virtual-cluster requests and hosts. Bad lines are skipped and counted in `summary` (strict: the
 * first throws `PARSE_ERROR` naming file:line).
 *
 * @throws FairfitError `FILE_NOT_FOUND` naming the missing folder; `NO_DATA` when no task event
 *   is valid, no job has a request, or no machine is present at the window start.
 */
export async function readClusterTrace(dir: string, opts: ClusterTraceReadOptions = {}): Promise<ClusterTrace> {
  checkPath(dir, 'trace');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new FairfitError('FILE_NOT_FOUND', `${dir}: no such folder (give a Google 2011 trace folder with task_events/ and machine_events/)`, { file: dir, field: 'trace' });
  for (const t of ['task_events', 'machine_events']) {
    if (!existsSync(join(dir, t))) throw new FairfitError('FILE_NOT_FOUND', `${dir}: no ${t}/ folder (a virtual-cluster replay reads the jobs from task_events/ and the hosts from machine_events/)`, { file: join(dir, t), field: 'trace' });
  }
  const problems = new Problems(opts.strict ?? false);
  const taskFiles = partFiles(join(dir, 'task_events'));
  const tasks = await scanJobs(taskFiles, problems, opts.signal);
  if (tasks.events === 0) throw noData(`no valid task events in ${join(dir, 'task_events')}`, problems, join(dir, 'task_events'));
  const m = await readMachineEvents(join(dir, 'machine_events'), { strict: opts.strict, signal: opts.signal }, problems);
  const me = m.machineEvents;
  const hosts: HostInput[] = [];
  const seen = new Uint8Array(me.machines);
  let hostsWithoutCapacity = 0, addedLater = 0, removed = 0, updated = 0, afterWindow = 0;
  const later: number[] = [];
  for (let i = 0; i < me.count; i++) {
    const type = me.type[i]!;
    const machine = me.machine[i]!;
    if (me.time[i]! > tasks.lastTime) afterWindow++;
    else if (type === 0 && me.time[i] === TRACE_START && seen[machine] === 0) {
      seen[machine] = 1;
      const cpu = me.cpu[i]!, mem = me.mem[i]!;
      if (!(cpu > 0 && mem > 0)) hostsWithoutCapacity++;
      else hosts.push({ id: String(me.machineId[machine]!), cpu, mem });
    } else {
      later.push(i);
      if (type === 0) addedLater++;
      else if (type === 1) removed++;
      else updated++;
    }
  }
  // The table is in time order; a copy that is not still replays in time order (ties: file order).
  later.sort((a, b) => me.time[a]! - me.time[b]! || a - b);
  const machineChanges: MachineChanges = {
    count: later.length,
    time: Float64Array.from(later, (i) => me.time[i]!),
    id: later.map((i) => String(me.machineId[me.machine[i]!]!)),
    type: Uint8Array.from(later, (i) => me.type[i]!),
    cpu: Float64Array.from(later, (i) => me.cpu[i]!),
    mem: Float64Array.from(later, (i) => me.mem[i]!),
  };
  const machineFiles = m.summary.files;
  const summary = readSummary([...taskFiles, ...machineFiles], tasks.events + me.count, problems);
  checkDamage(dir, summary, opts.maxSkipped);
  if (hosts.length === 0) throw noData(`no machine with a capacity is added at the window start (time 0) in ${join(dir, 'machine_events')}`, problems, join(dir, 'machine_events'));
  const g = tasks.gangs;
  if (g.count === 0) throw noData(`no job of ${join(dir, 'task_events')} has a CPU or memory request (${tasks.counts.jobsWithoutRequest} without, ${tasks.counts.jobsTooLarge} too large)`, problems, join(dir, 'task_events'));
  return {
    hosts,
    gangs: g,
    counts: { ...tasks.counts, hosts: hosts.length, hostsWithoutCapacity, machinesAddedLater: addedLater, machinesRemoved: removed, machinesUpdated: updated, machineEventsAfterWindow: afterWindow },
    machineChanges,
    start: TRACE_START,
    end: tasks.lastTime,
    summary,
  };
}

type JobCounts = Omit<ClusterTraceCounts, 'hosts' | 'hostsWithoutCapacity' | 'machinesAddedLater' | 'machinesRemoved' | 'machinesUpdated' | 'machineEventsAfterWindow'>;

/**
 * `threadBytes`: from how many bytes of task_events files (gzip: compressed) the read parses them in
 * a worker thread (tests set it to 0 or +∞ to take either path); below it a thread's start costs more
 * than it saves. `pageBits`: log2 of the tasks a page of per-task records holds (2^16: 2 MiB; tests
 * make pages of a few tasks).
 */
export const CLUSTER_READ_TUNING = { threadBytes: 16 << 20, pageBits: 16 };

/** A task's record in scanJobs' pages: its largest requests, last event's time and type (−1: none yet). */
const TASK_RECORD = { cpu: 0, mem: 1, time: 2, event: 3, size: 4 } as const;

/** One pass over task_events: per task its job, requests and last event; then one row per job. */
async function scanJobs(files: string[], problems: Problems, signal: AbortSignal | undefined): Promise<{ gangs: TraceGangs; counts: JobCounts; events: number; lastTime: number }> {
  const expected = expectedTasks(files);
  const ids = new TaskIds(expected);
  const taskJob = new I32Column(expected);
  // What every event reads and writes of its task, side by side (TASK_RECORD): one cache line an event,
  // where a column each was a miss each (tasks' events lie far apart in time). In pages of tasks, never
  // copied to grow: a column doubled held its old copy until a collection came (the month's read
  // peaked at 1.98 GB against 1.51 GB; a fifth of it at 657 MB against 540 MB).
  const pages: Float64Array[] = [];
  const pageBits = CLUSTER_READ_TUNING.pageBits, pageMask = (1 << pageBits) - 1;
  const jobIndex = new Map<number, number>();
  const users = new Map<number, number>();
  const jobId = new F64Column(), jobUser = new I32Column(), jobCreated = new F64Column();
  let events = 0;
  let windowEnd = TRACE_START;
  let lastJob = Number.NaN, lastK = -1;
  // A big trace's files are read, gunzipped and parsed in a worker thread while this one applies the
  // batches (the same batches in the same order): the parse and this loop each get a core.
  const opts = { strict: problems.strict, signal };
  const batches = fileBytes(files) >= CLUSTER_READ_TUNING.threadBytes ? threadedTaskEventBatches(files, problems, opts) : tableBatches(files[0]!, TASK_EVENTS_SPEC, problems, opts, files);
  for await (const b of batches) {
    const time = b.cols.time!, job = b.cols.jobId!, idx = b.cols.taskIndex!, ev = b.cols.eventType!;
    const usr = b.cols.user!, cpuR = b.cols.cpuRequest!, memR = b.cols.memRequest!;
    for (let i = 0; i < b.rows; i++) {
      const t = traceTime(time[i]!);
      if (t !== Number.POSITIVE_INFINITY && t > windowEnd) windowEnd = t;
      const j = job[i]!;
      // A job's events come in runs (its tasks' SUBMITs, SCHEDULEs, …): the last job's index is kept,
      // sparing most events a Map lookup of a job ID past 2^31 (a heap number).
      let k = lastK;
      if (j !== lastJob) {
        k = jobIndex.get(j) ?? -1;
        if (k < 0) {
          jobIndex.set(j, (k = jobIndex.size));
          jobId.push(j);
          jobUser.push(-1);
          jobCreated.push(t);
        }
        lastJob = j;
        lastK = k;
      }
      const u = usr[i]!;
      if (u === u && jobUser.data[k] === -1) {
        let uid = users.get(u);
        if (uid === undefined) users.set(u, (uid = users.size));
        jobUser.data[k] = uid;
      }
      if (t < jobCreated.data[k]!) jobCreated.data[k] = t;
      const before = ids.count;
      const id = ids.intern(j, idx[i]!);
      const r = id >>> pageBits < pages.length ? pages[id >>> pageBits]! : pages[pages.push(new Float64Array(TASK_RECORD.size << pageBits)) - 1]!;
      const at = (id & pageMask) * TASK_RECORD.size;
      if (id === before) {
        taskJob.push(k);
        r[at + TASK_RECORD.cpu] = r[at + TASK_RECORD.mem] = r[at + TASK_RECORD.time] = Number.NaN;
        r[at + TASK_RECORD.event] = -1;
      }
      // The largest request any event of the task names (UPDATE events may raise it).
      const c = cpuR[i]!, m = memR[i]!;
      if (c === c && !(c <= r[at + TASK_RECORD.cpu]!)) r[at + TASK_RECORD.cpu] = c;
      if (m === m && !(m <= r[at + TASK_RECORD.mem]!)) r[at + TASK_RECORD.mem] = m;
      r[at + TASK_RECORD.event] = ev[i]!;
      r[at + TASK_RECORD.time] = t;
    }
    events += b.rows;
  }
  const T = ids.count, J = jobIndex.size;
  // Per job: members, largest requests, whether the requests differ, last run end (NaN: some task never ends).
  const members = new Int32Array(J), cpu = new Float64Array(J), mem = new Float64Array(J), end = new Float64Array(J).fill(Number.NEGATIVE_INFINITY);
  const firstCpu = new Float64Array(J).fill(Number.NaN), firstMem = new Float64Array(J).fill(Number.NaN);
  const unequal = new Uint8Array(J);
  let tasksWithoutRequest = 0;
  for (let id = 0; id < T; id++) {
    const k = taskJob.data[id]!;
    members[k]!++;
    const r = pages[id >>> pageBits]!, at = (id & pageMask) * TASK_RECORD.size;
    const c = r[at + TASK_RECORD.cpu]!, m = r[at + TASK_RECORD.mem]!;
    const cc = c === c ? c : 0, mm = m === m ? m : 0;
    if (cc === 0 && mm === 0) tasksWithoutRequest++;
    else if (firstCpu[k] !== firstCpu[k]) {
      firstCpu[k] = cc;
      firstMem[k] = mm;
    } else if (cc !== firstCpu[k] || mm !== firstMem[k]) unequal[k] = 1;
    if (cc > cpu[k]!) cpu[k] = cc;
    if (mm > mem[k]!) mem[k] = mm;
    const e = r[at + TASK_RECORD.event]!, lt = r[at + TASK_RECORD.time]!;
    if (!ENDED.has(e) || lt === Number.POSITIVE_INFINITY) end[k] = Number.NaN;
    else if (lt > end[k]!) end[k] = lt;
  }
  // Jobs kept, in order of creation (ties: first appearance); a sort of indices, stable.
  let jobsWithoutRequest = 0, jobsTooLarge = 0, jobsUnequalRequests = 0, jobsNotEnding = 0;
  const kept: number[] = [];
  for (let k = 0; k < J; k++) {
    if (cpu[k] === 0 && mem[k] === 0) jobsWithoutRequest++;
    else if (members[k]! > MAX_CLUSTER_NODES) jobsTooLarge++;
    else kept.push(k);
  }
  const created = jobCreated.data;
  kept.sort((a, b) => created[a]! - created[b]! || a - b);
  const n = kept.length;
  const gangs: TraceGangs = {
    count: n, jobId: new Float64Array(n), user: new Int32Array(n), created: new Float64Array(n), end: new Float64Array(n),
    members: new Int32Array(n), cpu: new Float64Array(n), mem: new Float64Array(n),
  };
  for (let r = 0; r < n; r++) {
    const k = kept[r]!;
    gangs.jobId[r] = jobId.data[k]!;
    gangs.user[r] = jobUser.data[k]!;
    gangs.created[r] = created[k]!;
    gangs.end[r] = end[k]!;
    gangs.members[r] = members[k]!;
    gangs.cpu[r] = cpu[k]!;
    gangs.mem[r] = mem[k]!;
    if (unequal[k] === 1) jobsUnequalRequests++;
    if (end[k] !== end[k]) jobsNotEnding++;
  }
  return {
    gangs,
    counts: { tasks: T, jobs: J, gangs: n, tasksWithoutRequest, jobsWithoutRequest, jobsTooLarge, jobsUnequalRequests, jobsNotEnding },
    events,
    lastTime: windowEnd,
  };
}
