/**
 * Standard Workload Format reader (Parallel Workloads Archive, SWF v2.2):
 * 18 whitespace-separated fields per job, `;` header comments, −1 = unknown;
 * plain or gzip. Each job becomes one task of the shared {@link TaskTable}
 * (mapping in docs/model.md): times s → µs, CPU request = processors /
 * MaxProcs (the header's, else its MaxNodes, else the largest job; which one
 * in `source.maxProcsFrom` when not MaxProcs), memory request = requested
 * (else used) memory × processors normalised to the largest job, 0 when unknown.
 * The requested time and processors and the status are kept as extra columns
 * ({@link SwfColumns}) for the batch schedulers of src/systems/iptas/.
 *
 * @module
 */
import type { ReplayInput, TaskTable } from '../model/tasks.ts';
import { fileHead } from './csv/file-chunks.ts';
import { noData, Problems, readSummary, type ReadSummary } from './csv/problems.ts';
import { readCsvBatches } from './csv/read-batches.ts';
import { FieldKind, READ_OPTIONS, type CsvSpec, type ReadOptions } from './csv/spec.ts';
import { checkOptionNames, checkPath } from '../errors.ts';
import { F64Column, I32Column } from './columns.ts';

const N = FieldKind.Number;

/** Longest valid time or duration, s: 3651 days (as for the Google readers); −1 means unknown. */
export const SWF_MAX_SECONDS = 3651 * 86400;
/** Most processors a job may use or ask for. */
export const SWF_MAX_PROCS = 1e8;
const SECONDS = { min: -1, max: SWF_MAX_SECONDS, maxNote: '3651 days in s' } as const;
const PROCS = { min: -1, max: SWF_MAX_PROCS, integer: true } as const;
/** Numbers standing for a user, group, application, queue, partition or job: integers, −1 when unknown. */
const CODE = { min: -1, max: Number.MAX_SAFE_INTEGER, integer: true } as const;
const COUNT = { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true } as const;

/** The 18 SWF fields (as the Parallel Workloads Archive defines the format), all numeric, with their valid ranges. */
export const SWF_SPEC: CsvSpec = {
  format: 'swf',
  separator: 'whitespace',
  comment: ';',
  fields: [
    { name: 'job', kind: N, required: true, ...COUNT },
    { name: 'submit', kind: N, required: true, ...SECONDS, min: 0 },
    { name: 'wait', kind: N, ...SECONDS },
    { name: 'run', kind: N, ...SECONDS },
    { name: 'procs', kind: N, ...PROCS },
    { name: 'cpuTime', kind: N, ...SECONDS },
    { name: 'usedMem', kind: N, min: -1 },
    { name: 'reqProcs', kind: N, ...PROCS },
    { name: 'reqTime', kind: N, ...SECONDS },
    { name: 'reqMem', kind: N, min: -1 },
    { name: 'status', kind: N, min: -1, max: 5, integer: true },
    { name: 'user', kind: N, ...CODE },
    { name: 'group', kind: N, ...CODE },
    { name: 'app', kind: N, ...CODE },
    { name: 'queue', kind: N, ...CODE },
    { name: 'partition', kind: N, ...CODE },
    { name: 'preceding', kind: N, ...CODE },
    { name: 'think', kind: N, ...SECONDS },
  ],
};

/**
 * SWF status → last event type of the Google model. A log line is a job that ran and ended (the
 * archive keeps finished jobs), so every line with a run time ends: 1 completed and 3 (last part of a
 * checkpointed job, completed) → FINISH (4); 0 failed and 4 (last part, failed) → FAIL (3); 5
 * cancelled → KILL (5); 2 (a part that a later line continues) → EVICT (2); −1 (unknown: cleaned logs
 * such as NASA iPSC have it on every line) → FINISH. A line without a run time ends too, after 0
 * (counted in `source.unknownRunTime`). None is censored: an open run would hold its processors for
 * the rest of a replay.
 */
function lastEventOf(status: number): number {
  switch (status) {
    case 0: case 4: return 3;
    case 2: return 2;
    case 5: return 5;
    default: return 4;
  }
}

/**
 * SWF columns kept beside the shared task columns (docs/model.md, "SWF → the task
 * model"): what a batch scheduler needs and the task model has no place for.
 */
export interface SwfColumns {
  /** Requested run time (field 9), µs; NaN when the log says −1 (unknown). */
  requestedTime: Float64Array;
  /** Requested processors (field 8); NaN when the log says −1 (unknown). */
  requestedProcs: Float64Array;
  /** Status (field 11), −1…5 as in the log: 2–4 mark one partial execution of a checkpointed job (`swfPartialLines`, src/io/swf.ts). */
  status: Int32Array;
}

/**
 * The lines of an SWF log that a job scheduler leaves out (1) and keeps (0): a line of status 2, 3 or 4
 * (one partial execution of a job that was checkpointed or swapped out: 2 continued on a later line,
 * 3 the last and completed, 4 the last and failed) whose job number also has a line of another
 * status. That line is the job's summary (its status, its whole run time), so scheduling the parts
 * too would run the job twice. Partial lines without a summary line are all the log says of their
 * job and are kept. docs/model.md, "SWF (Parallel Workloads Archive) → the task model".
 */
export function swfPartialLines(tasks: { count: number; jobId: Float64Array; status: Int32Array }): Uint8Array {
  const n = tasks.count;
  const summarised = new Set<number>();
  for (let i = 0; i < n; i++) {
    const s = tasks.status[i]!;
    if (s < 2 || s > 4) summarised.add(tasks.jobId[i]!);
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const s = tasks.status[i]!;
    if (s >= 2 && s <= 4 && summarised.has(tasks.jobId[i]!)) out[i] = 1;
  }
  return out;
}

/** Where an SWF log's machine size (the processors a CPU request is a fraction of) comes from. */
type SwfMaxProcsFrom = 'MaxProcs' | 'MaxNodes' | 'largest job';

/**
 * CPU and memory requests of `n` jobs as fractions: processors / MaxProcs
 * (the header's; else its MaxNodes, unless a job is wider; else the largest
 * job), memory × processors / the largest (0 when no job has a memory value).
 */
function requests(procs: Float64Array, mem: Float64Array, n: number, header: SwfHeader): { cpuRequest: Float64Array; memRequest: Float64Array; maxP: number; from: SwfMaxProcsFrom; maxM: number } {
  let widest = 0;
  let maxM = 0;
  for (let i = 0; i < n; i++) {
    if (procs[i]! > widest) widest = procs[i]!;
    if (mem[i]! > maxM) maxM = mem[i]!;
  }
  // MaxProcs counts processors. Without it, MaxNodes: SWF before 2.1 had only MaxNodes, on machines of one
  // processor per node, so the processor fields and MaxNodes count the same units; a job wider than MaxNodes
  // shows they do not (processors of multi-processor nodes), and then the largest job is the better size.
  let maxP: number, from: SwfMaxProcsFrom;
  if (header.maxProcs > 0) [maxP, from] = [header.maxProcs, 'MaxProcs'];
  else if (header.maxNodes > 0 && widest <= header.maxNodes) [maxP, from] = [header.maxNodes, 'MaxNodes'];
  else [maxP, from] = [widest, 'largest job'];
  const cpuRequest = new Float64Array(n);
  const memRequest = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    cpuRequest[i] = procs[i]! / maxP;
    memRequest[i] = maxM > 0 ? mem[i]! / maxM : 0;
  }
  return { cpuRequest, memRequest, maxP, from, maxM };
}

/** The machine-size header values of an SWF log; NaN when absent. */
interface SwfHeader {
  maxProcs: number;
  maxNodes: number;
}

/** Reads the `; MaxProcs: N` and `; MaxNodes: N` header values (first 64 KiB), NaN when absent. */
async function headerMachineSize(path: string): Promise<SwfHeader> {
  // A truncated or corrupt gzip within the first 64 KiB: the header is what came before the break;
  // the reader then reports the file as it does any corrupt file (counted, or strict's error).
  const head = await fileHead(path, { damage: 'keep' });
  const value = (name: string): number => {
    const m = new RegExp(`^;\\s*${name}:\\s*(\\d+)`, 'm').exec(head);
    return m ? Number(m[1]) : Number.NaN;
  };
  return { maxProcs: value('MaxProcs'), maxNodes: value('MaxNodes') };
}

/**
 * Reads an SWF log (plain or gzip) into a {@link ReplayInput}: window
 * [0, last end], `source.format = 'swf'`, bad lines skipped and counted
 * (strict: `PARSE_ERROR`); a log without any valid job throws `NO_DATA`
 * (as the Google reader does without any valid task event). A checkpointed
 * job is one task, its summary line: the partial-execution lines of a job
 * that has one (`swfPartialLines`) are left out and counted in
 * `source.droppedPartialLines` (present when some were), so a replay, a
 * schedule and `fairfit inspect` all see each job once. A job whose
 * processors the log does not give (−1 or 0 in both processor fields) uses
 * 1 processor and is counted in `source.unknownProcessors` (present when
 * some are). Once `opts.signal` is aborted, its reason is thrown before the next batch.
 */
export async function readSwf(path: string, opts: ReadOptions = {}): Promise<ReplayInput & { summary: ReadSummary; tasks: TaskTable & SwfColumns }> {
  checkPath(path, 'path');
  checkOptionNames(opts, READ_OPTIONS, 'readSwf');
  const problems = new Problems(opts.strict ?? false);
  const header = await headerMachineSize(path);
  const job = new F64Column();
  const submit = new F64Column();
  const duration = new F64Column();
  const firstSchedule = new F64Column();
  const procs = new F64Column();
  const mem = new F64Column();
  const user = new I32Column();
  const last = new I32Column();
  const queue = new I32Column();
  const reqTime = new F64Column();
  const reqProcs = new F64Column();
  const status = new I32Column();
  const runUnknown = new I32Column();
  const procsUnknown = new I32Column();
  const users = new Map<number, number>();
  for await (const b of readCsvBatches(path, SWF_SPEC, problems, opts)) {
    // A long log (the archive's largest hold millions of lines) stops at the next batch once aborted.
    opts.signal?.throwIfAborted();
    const c = b.cols;
    for (let i = 0; i < b.rows; i++) {
      const s = c.submit![i]! * 1e6;
      const w = Math.max(0, c.wait![i]!) * 1e6;
      const r = c.run![i]!;
      runUnknown.push(r >= 0 ? 0 : 1);
      const d = r >= 0 ? r * 1e6 : 0;
      // Neither processor field known (−1, or 0 for no usable count): 1 processor, counted (docs/model.md).
      const known = c.procs![i]! > 0 || c.reqProcs![i]! > 0;
      procsUnknown.push(known ? 0 : 1);
      const p = c.procs![i]! > 0 ? c.procs![i]! : c.reqProcs![i]! > 0 ? c.reqProcs![i]! : 1;
      const m = c.reqMem![i]! > 0 ? c.reqMem![i]! : c.usedMem![i]! > 0 ? c.usedMem![i]! : 0;
      job.push(c.job![i]!);
      submit.push(s);
      firstSchedule.push(s + w);
      duration.push(d);
      procs.push(p);
      mem.push(m * p);
      const u = c.user![i]!;
      let uid = -1;
      if (u >= 0) {
        uid = users.get(u) ?? users.size;
        if (uid === users.size) users.set(u, uid);
      }
      user.push(uid);
      last.push(lastEventOf(c.status![i]!));
      status.push(c.status![i]!);
      queue.push(c.queue![i]! >= 0 ? c.queue![i]! : 0);
      reqTime.push(c.reqTime![i]! >= 0 ? c.reqTime![i]! * 1e6 : Number.NaN);
      reqProcs.push(c.reqProcs![i]! >= 0 ? c.reqProcs![i]! : Number.NaN);
    }
  }
  const lines = job.length;
  if (lines === 0) throw noData(`no valid jobs in ${path}`, problems, path);
  // A checkpointed job is its summary line: its partial-execution lines are left out (and counted).
  const partial = swfPartialLines({ count: lines, jobId: job.data, status: status.data });
  let n = 0;
  for (let i = 0; i < lines; i++) if (partial[i] === 0) n++;
  // Each column's kept rows (the whole column, copied once, when no line is left out).
  const kept = <T extends Float64Array | Int32Array>(c: { data: T; toArray(): T }): T => {
    if (n === lines) return c.toArray();
    const out = new (c.data.constructor as new (k: number) => T)(n);
    for (let i = 0, k = 0; i < lines; i++) if (partial[i] === 0) out[k++] = c.data[i]!;
    return out;
  };
  const jobId = kept(job), dur = kept(duration), start = kept(firstSchedule), unknown = kept(runUnknown), unknownP = kept(procsUnknown);
  let end = 0, unknownRun = 0, unknownProcessors = 0;
  for (let i = 0; i < n; i++) {
    if (start[i]! + dur[i]! > end) end = start[i]! + dur[i]!;
    unknownRun += unknown[i]!;
    unknownProcessors += unknownP[i]!;
  }
  const { cpuRequest, memRequest, maxP, from, maxM } = requests(kept(procs), kept(mem), n, header);
  const tasks: TaskTable & SwfColumns = {
    count: n,
    jobId,
    taskIndex: new Int32Array(n),
    submit: kept(submit),
    duration: dur,
    cpuRequest,
    memRequest,
    priority: new Int32Array(n),
    schedulingClass: kept(queue),
    user: kept(user),
    runs: Int32Array.from(dur, (d) => (d > 0 ? 1 : 0)),
    lastEvent: kept(last),
    firstSchedule: start,
    requestedTime: kept(reqTime),
    requestedProcs: kept(reqProcs),
    status: kept(status),
  };
  const summary = readSummary([path], lines, problems);
  const droppedPartialLines = lines - n;
  return {
    tasks,
    start: 0,
    end,
    summary,
    // Counts added since 2026-12-05 are present only when non-zero: a log without such lines reads as before.
    source: { format: 'swf', path, jobs: n, ...(droppedPartialLines > 0 ? { droppedPartialLines } : {}), maxProcs: maxP, ...(from !== 'MaxProcs' ? { maxProcsFrom: from } : {}), unknownRunTime: unknownRun, ...(unknownProcessors > 0 ? { unknownProcessors } : {}), memoryKnown: maxM > 0, skipped: problems.skipped, firstProblems: [...problems.first] },
  };
}
