/**
 * Resubmissions of generated tasks (opt-in, `generateTrace({ resubmissions: true })`):
 * a share of the tasks has its first run interrupted K times — each time the
 * run ends with a terminal event (EVICT, FAIL, KILL, …), the task is SUBMITted
 * again after a delay, SCHEDULEd again on a new machine, and so on — before its
 * final run, whose length and terminal event are the ones the default model drew.
 * The share, K, the terminal mix, run lengths and delays are fitted
 * (`FIT.tasks.resubmissions`, scripts/fit-resubmissions.ts); docs/model.md says
 * what is assumed. The draws come from a stream of their own, so the default
 * model's draws do not move.
 *
 * @module
 */
import type { Rng } from '../rng.ts';
import { FIT } from './fitted-params.ts';
import { sampleQuantile, type QuantileTable } from './quantiles.ts';

/** The interruptions drawn, and each task's final run. */
export interface Resubmitted {
  /** Events added: `n` of them, in task order, each task's in time order. */
  n: number;
  time: Float64Array;
  task: Int32Array;
  /** Event type: a terminal type (2–6), 0 SUBMIT or 1 SCHEDULE. */
  type: Int8Array;
  /** Machine index of a terminal or SCHEDULE event; −1 for a SUBMIT. */
  machine: Int32Array;
  /** Per task: end of its final run (≥ end of the trace: no terminal event written). */
  stop: Float64Array;
  /** Per task: machine of its final run. */
  finalMachine: Int32Array;
  /** Per task: interruptions drawn (the ones past the trace's end included). */
  interruptions: Int32Array;
}

/** A typed array grown by doubling. */
function grow<T extends Float64Array | Int32Array | Int8Array>(a: T, make: (n: number) => T): T {
  const b = make(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Draws the interruptions of the tasks (runs given by `sched`, `stop`,
 * `machine`, as the default model drew them) on `M` machines, over a trace
 * ending at `end`. A chain cut by the end leaves the task running (in an
 * interrupted run) or pending: no final run. `share` is the chance that a
 * task is interrupted at all (default: the fitted share).
 */
export function drawResubmissions(N: number, M: number, sched: Float64Array, stop: Float64Array, machine: Int32Array, rng: Rng, end: number, share: number = FIT.tasks.resubmissions.resubmittedShare): Resubmitted {
  const R = FIT.tasks.resubmissions;
  const typeKeys = R.terminalBefore.keys.map(Number);
  let time = new Float64Array(1024);
  let task = new Int32Array(1024);
  let type = new Int8Array(1024);
  let mach = new Int32Array(1024);
  let n = 0;
  const push = (t: number, i: number, e: number, m: number): void => {
    if (n === time.length) {
      time = grow(time, (k) => new Float64Array(k));
      task = grow(task, (k) => new Int32Array(k));
      type = grow(type, (k) => new Int8Array(k));
      mach = grow(mach, (k) => new Int32Array(k));
    }
    time[n] = t;
    task[n] = i;
    type[n] = e;
    mach[n++] = m;
  };
  const draw = (q: QuantileTable): number => Math.max(1, Math.round(sampleQuantile(q, rng.next())));
  const finalStop = Float64Array.from(stop);
  const finalMachine = Int32Array.from(machine);
  const interruptions = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const K = rng.next() < share ? draw(R.perResubmittedTask as QuantileTable) : 0;
    interruptions[i] = K;
    if (K === 0 || !(sched[i]! < end)) continue;
    let t = sched[i]!; // start of the current run
    let m = machine[i]!;
    let cut = false;
    for (let r = 0; r < K && !cut; r++) {
      const ended = t + draw(R.interruptedRunUs as QuantileTable);
      const e = typeKeys[pickIndex(R.terminalBefore.weights, rng.next())]!;
      const again = ended + draw(R.resubmitDelayUs as QuantileTable);
      const next = again + draw(R.rescheduleDelayUs as QuantileTable);
      const m2 = Math.floor(rng.next() * M);
      if (ended >= end) cut = true;
      else {
        push(ended, i, e, m);
        if (again >= end) cut = true;
        else {
          push(again, i, 0, -1);
          if (next >= end) cut = true;
          else {
            push(next, i, 1, m2);
            t = next;
            m = m2;
          }
        }
      }
    }
    if (cut) finalStop[i] = Infinity;
    else {
      // The final run: the default's length, from the last SCHEDULE (a run to the end stays one).
      finalStop[i] = stop[i]! >= end ? end : t + (stop[i]! - sched[i]!);
      finalMachine[i] = m;
    }
  }
  return { n, time: time.subarray(0, n), task: task.subarray(0, n), type: type.subarray(0, n), machine: mach.subarray(0, n), stop: finalStop, finalMachine, interruptions };
}

function pickIndex(weights: readonly number[], u: number): number {
  let s = 0;
  for (let i = 0; i < weights.length; i++) {
    s += weights[i]!;
    if (u < s) return i;
  }
  return weights.length - 1;
}

/**
 * The runs that task_usage covers: entry i < N is task i's first run (the default's
 * [sched, stop) on its machine when the task is never interrupted), entries ≥ N are the
 * later runs of interrupted tasks, each from a SCHEDULE to the terminal event that ends it,
 * or to its final stop (a chain cut while running runs to the end).
 */
export interface UsageRuns {
  /** Runs in all (N + later runs). */
  n: number;
  /** Task of each run (`undefined`: run i is task i's, no later runs). */
  task: Int32Array | undefined;
  from: Float64Array;
  to: Float64Array;
  machine: Int32Array;
  /** Run number within its task (0 for the first; `undefined`: all 0). */
  run: Int32Array | undefined;
}

/** The runs of the `N` tasks (first runs `sched`, `stop`, `machine`) with the interruptions `r`, if any. */
export function usageRuns(N: number, sched: Float64Array, stop: Float64Array, machine: Int32Array, r: Resubmitted | undefined): UsageRuns {
  if (r === undefined || r.n === 0) return { n: N, task: undefined, from: sched, to: stop, machine, run: undefined };
  let later = 0;
  for (let e = 0; e < r.n; e++) if (r.type[e] === 1) later++;
  const n = N + later;
  const task = new Int32Array(n), from = new Float64Array(n), to = new Float64Array(n), mach = new Int32Array(n), run = new Int32Array(n);
  for (let i = 0; i < N; i++) {
    task[i] = i;
    from[i] = sched[i]!;
    to[i] = r.stop[i]!; // the final stop of a task never interrupted (its default stop)
    mach[i] = machine[i]!;
  }
  let k = N;
  for (let e = 0; e < r.n; ) {
    const i = r.task[e]!;
    let cur = i; // the run still open, if `open`
    let open = true;
    let no = 0;
    for (; e < r.n && r.task[e] === i; e++) {
      if (r.type[e]! >= 2) {
        to[cur] = r.time[e]!;
        open = false;
      } else if (r.type[e] === 1) {
        cur = k++;
        task[cur] = i;
        from[cur] = r.time[e]!;
        mach[cur] = r.machine[e]!;
        run[cur] = ++no;
        open = true;
      }
    }
    // The last run open: the final run (to its final stop), or a chain cut while it ran (+∞: to the end).
    if (open) to[cur] = r.stop[i]!;
  }
  return { n, task, from, to, machine: mach, run };
}
