// Small random traces for the replay tests, built from a seed with fairfit's PRNG.
import type { MachineEventTable, ReplayInput, TaskTable, UsageTable } from '../../src/model/tasks.ts';
import { Rng } from '../../src/rng.ts';
import { mergeRuns, prepareReplay, simulateCells } from '../../src/systems/giantvm/replay.ts';
import type { ReplayParams, RunResult } from '../../src/systems/giantvm/types.ts';

/** Runs a prepared replay after pinning task j (in input order) to machine `on[j]` (tasks left out of the replay are skipped). */
export function pinned(input: ReplayInput, params: Partial<ReplayParams>, on: number[]): RunResult {
  const prep = prepareReplay(input, params);
  for (let j = 0; j < prep.tasks.id.length; j++) prep.tasks.machine[j] = on[prep.tasks.id[j]!]!;
  return mergeRuns(prep, [simulateCells(prep)]);
}

export interface TraceShape {
  tasks: number;
  /** Trace length in seconds (ticks of 1 s). */
  seconds: number;
  /** Fraction of tasks present at time 0. */
  atZero?: number;
  /** Give tasks usage windows (300 s by default) with this probability. */
  windows?: number;
  windowSeconds?: number;
  /** Number of machines in machine events (0: none). */
  traceMachines?: number;
  /** Max CPU request. */
  maxRequest?: number;
  /** Give tasks a random last trace event (0–8), as the Google reader does. */
  lastEvents?: boolean;
}

/** A random trace: tasks, optional usage windows and machine events; time 0 = start. */
export function randomTrace(seed: number, s: TraceShape): ReplayInput {
  const r = new Rng(seed);
  const n = s.tasks;
  const end = s.seconds * 1e6;
  const tasks: TaskTable = {
    count: n, jobId: new Float64Array(n), taskIndex: new Int32Array(n), submit: new Float64Array(n), duration: new Float64Array(n),
    cpuRequest: new Float64Array(n), memRequest: new Float64Array(n), priority: new Int32Array(n), schedulingClass: new Int32Array(n),
  };
  const maxReq = s.maxRequest ?? 0.15;
  for (let i = 0; i < n; i++) {
    tasks.jobId[i] = i >> 2;
    tasks.taskIndex[i] = i & 3;
    tasks.submit[i] = r.next() < (s.atZero ?? 0.3) ? 0 : Math.floor(r.next() * end * 1.05);
    tasks.duration[i] = r.next() < 0.05 ? Infinity : Math.floor(r.next() * end * 0.6);
    tasks.cpuRequest[i] = r.next() < 0.05 ? 0 : r.next() * maxReq;
    tasks.memRequest[i] = r.next() * 0.1;
    tasks.priority[i] = r.below(4);
  }
  const input: ReplayInput = { tasks, start: 0, end };
  if (s.lastEvents) {
    // Its own stream, so traces without last events stay what they were.
    const re = new Rng(seed ^ 0x5bd1e995);
    tasks.lastEvent = Int32Array.from({ length: n }, () => re.below(9));
  }
  if (s.windows) {
    const win = (s.windowSeconds ?? 300) * 1e6;
    const rows: number[][] = [];
    for (let i = 0; i < n; i++) {
      if (r.next() >= s.windows) continue;
      const from = Math.max(0, tasks.submit[i]!);
      const count = 1 + r.below(Math.max(1, Math.ceil((end - from) / win)));
      for (let w = 0; w < count; w++) {
        const st = from + w * win;
        const cpu = r.next() < 0.1 ? 0 : r.next() * tasks.cpuRequest[i]! * 1.6;
        const maxCpu = r.next() < 0.5 ? r.next() * 0.03 : cpu * (1 + r.next());
        rows.push([i, st, st + win, cpu, r.next() * 0.1, r.next() < 0.1 ? Number.NaN : maxCpu, r.next() < 0.2 ? Number.NaN : r.next() * 0.02]);
      }
    }
    const u: UsageTable = {
      count: rows.length, task: new Int32Array(rows.length), start: new Float64Array(rows.length), end: new Float64Array(rows.length),
      cpu: new Float64Array(rows.length), mem: new Float64Array(rows.length), maxCpu: new Float64Array(rows.length), mai: new Float64Array(rows.length),
    };
    rows.forEach((row, j) => {
      u.task[j] = row[0]!; u.start[j] = row[1]!; u.end[j] = row[2]!; u.cpu[j] = row[3]!; u.mem[j] = row[4]!; u.maxCpu[j] = row[5]!; u.mai[j] = row[6]!;
    });
    input.usage = u;
  }
  if (s.traceMachines) {
    const M = s.traceMachines;
    const ev: number[][] = [];
    const caps = [0.25, 0.5, 0.5, 1];
    for (let m = 0; m < M; m++) if (r.next() < 0.85) ev.push([0, m, 0, caps[r.below(4)]!]);
    const extra = 1 + r.below(M * 2);
    for (let x = 0; x < extra; x++) {
      const ty = r.below(3);
      ev.push([Math.floor(r.next() * end), r.below(M), ty, ty === 1 ? Number.NaN : r.next() < 0.1 ? Number.NaN : caps[r.below(4)]!]);
    }
    const me: MachineEventTable = {
      count: ev.length, time: Float64Array.from(ev, (e) => e[0]!), machine: Int32Array.from(ev, (e) => e[1]!),
      type: Int32Array.from(ev, (e) => e[2]!), cpu: Float64Array.from(ev, (e) => e[3]!), mem: Float64Array.from(ev, () => 0.5), machines: M,
    };
    input.machineEvents = me;
  }
  return input;
}

/** A hand-made task table from rows [submit s, duration s, cpuRequest, priority, memRequest]. */
export function tasksOf(rows: [number, number, number, number?, number?][]): TaskTable {
  const n = rows.length;
  return {
    count: n, jobId: Float64Array.from(rows, (_r, i) => i), taskIndex: new Int32Array(n),
    submit: Float64Array.from(rows, (r) => r[0] * 1e6), duration: Float64Array.from(rows, (r) => r[1] * 1e6),
    cpuRequest: Float64Array.from(rows, (r) => r[2]), memRequest: Float64Array.from(rows, (r) => r[4] ?? 0.01),
    priority: Int32Array.from(rows, (r) => r[3] ?? 0), schedulingClass: new Int32Array(n),
  };
}

/** A usage table from rows [task, start s, end s, cpu, mem, maxCpu, mai]. */
export function usageOf(rows: [number, number, number, number, number, number, number][]): UsageTable {
  const n = rows.length;
  return {
    count: n, task: Int32Array.from(rows, (r) => r[0]), start: Float64Array.from(rows, (r) => r[1] * 1e6), end: Float64Array.from(rows, (r) => r[2] * 1e6),
    cpu: Float64Array.from(rows, (r) => r[3]), mem: Float64Array.from(rows, (r) => r[4]), maxCpu: Float64Array.from(rows, (r) => r[5]), mai: Float64Array.from(rows, (r) => r[6]),
  };
}
