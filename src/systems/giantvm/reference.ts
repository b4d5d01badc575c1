/**
 * The object-per-task TypeScript replay of the GiantVM model: the test oracle
 * and the benchmark baseline of `assembly/replay.ts`. Plain, obvious code: a
 * `Task` and a `Machine` object each, arrays for the running and pending sets,
 * and every tick the usage of every machine summed again from its tasks, every
 * running task checked for completion. It draws its own machines with the same
 * PRNG and reads the input itself; only parameter defaults, the synthetic usage
 * model and the final metric formulas (`finalizeRun`) are shared.
 *
 * The order of every floating-point operation is the kernel's (machine order,
 * list order), so the two agree bit for bit.
 *
 * @module
 */
import type { ReplayInput, UsageTable } from '../../model/tasks.ts';
import { giniReference } from '../../reference/gini.ts';
import { Rng } from '../../rng.ts';
import { syntheticUsage } from '../../io/synthetic-usage.ts';
import { finalizeRun, ACC, NA, NPT, PT, type PartialRun } from './merge.ts';
import { prepareReplay } from './prepare.ts';
import { MACHINE_EVENT } from './replay-layouts.ts';
import type { ReplayParams, RunResult } from './types.ts';

interface Window { end: number; cpu: number; mem: number; maxCpu: number; mai: number }

class Task {
  state: 'unsubmitted' | 'pending' | 'running' | 'done' = 'unsubmitted';
  finishV = Infinity;
  rem: number;
  constructor(
    readonly machine: number, readonly submitTick: number, readonly submitUs: number, readonly work: number,
    readonly req: number, readonly priority: number, readonly windows: Window[],
  ) {
    this.rem = work;
  }
  /** The first window ending after t, else the last one. */
  windowAt(t: number): Window {
    for (const w of this.windows) if (t < w.end) return w;
    return this.windows[this.windows.length - 1]!;
  }
}

class Machine {
  running: Task[] = [];
  pending: Task[] = [];
  usage = 0;
  v = 0;
  changed = false;
  utilSum = 0;
  upTicks = 0;
  pUtil = 0;
  pUp = 0;
  constructor(public cap: number, public up: boolean) {}
  usageAt(t: number): number {
    let u = 0;
    for (const task of this.running) u += task.windowAt(t).cpu;
    return u;
  }
}

/**
 * Replays `input` under `params` with one object per task (no WebAssembly).
 * Same model, draws and result as {@link simulate}; much slower.
 */
export function simulateReference(input: ReplayInput, params: Partial<ReplayParams>): RunResult {
  // The prepared form is used only for its resolved parameters, time grid and
  // machine events; tasks, draws and usage windows are rebuilt from the input here.
  const prep = prepareReplay(input, params);
  const p = prep.params;
  const { start, end, tick, ticks, sampleEvery, points: P, machines: M, cellSize: cs, cells: C } = prep;
  const policy = p.policy;
  const sorted = policy === 'cpu_request' || policy === 'cpu_usage' || policy === 'mem_usage' || policy === 'cpu_usage_desc' || policy === 'cache_misses';
  const oc = p.overcommit;

  const machines: Machine[] = [];
  for (let m = 0; m < M; m++) machines.push(new Machine(prep.machineCap[m]!, prep.machineUp[m] === 1));

  // Usage windows per task.
  const tasksIn = input.tasks;
  let table: UsageTable | undefined;
  if (p.usage === 'trace') table = input.usage;
  else if (p.usage === 'synthetic') table = syntheticUsage(tasksIn, { seed: p.seed, start, end });
  const lists: Window[][] = [];
  for (let i = 0; i < tasksIn.count; i++) lists.push([]);
  if (table) {
    const rows = [...Array(table.count).keys()].sort((a, b) => table.task[a]! - table.task[b]! || table.start[a]! - table.start[b]! || a - b);
    for (const r of rows) {
      const list = lists[table.task[r]!]!;
      const prevEnd = list.length ? list[list.length - 1]!.end : -Infinity;
      const mx = table.maxCpu[r]!;
      list.push({ end: Math.max(prevEnd, table.end[r]!), cpu: table.cpu[r]!, mem: table.mem[r]!, maxCpu: Number.isNaN(mx) ? table.cpu[r]! : mx, mai: table.mai[r]! });
    }
  }
  const rng = new Rng(p.seed);
  const all: Task[] = [];
  const lastEvent = (tasksIn as { lastEvent?: Int32Array }).lastEvent;
  for (let i = 0; i < tasksIn.count; i++) {
    const machine = rng.below(M);
    const s = tasksIn.submit[i]!;
    if (Number.isNaN(s) || s >= end) continue;
    const sub = s <= start ? start : s;
    let work = tasksIn.duration[i]!;
    if (Number.isNaN(work)) work = Infinity;
    if (lastEvent && !(lastEvent[i]! >= 2 && lastEvent[i]! <= 6)) work = Infinity;
    const req = Number.isNaN(tasksIn.cpuRequest[i]!) ? 0 : tasksIn.cpuRequest[i]!;
    const mem = Number.isNaN(tasksIn.memRequest[i]!) ? 0 : tasksIn.memRequest[i]!;
    let windows = lists[i]!;
    if (windows.length === 0) windows = [{ end: Infinity, cpu: req * p.usageRatio, mem, maxCpu: req, mai: Number.NaN }];
    const submitTick = s <= start ? 0 : Math.floor((s - start) / tick);
    all.push(new Task(machine, submitTick, sub, work, req, tasksIn.priority[i]!, windows));
  }
  all.sort((a, b) => a.submitTick - b.submitTick); // stable: task order within a tick

  const cellAcc = new Float64Array(C * NA);
  const cellPt = new Float64Array(C * P * NPT);
  const machPt = new Float64Array(M * P);
  const acc = (c: number, s: number, v: number): void => { cellAcc[c * NA + s] = cellAcc[c * NA + s]! + v; };
  const accPt = (c: number, point: number, s: number, v: number): void => { const x = (c * P + point) * NPT + s; cellPt[x] = cellPt[x]! + v; };
  const cellOf = (m: number): number => Math.floor(m / cs);
  const cellMachines = (c: number): number[] => {
    const out: number[] = [];
    for (let m = c * cs; m < Math.min(c * cs + cs, M); m++) out.push(m);
    return out;
  };
  const targetOf = (m: number): number => {
    if (machines[m]!.up) return m;
    const base = cellOf(m) * cs;
    const size = Math.min(cs, M - base);
    for (let j = 1; j < size; j++) { const mm = base + ((m - base + j) % size); if (machines[mm]!.up) return mm; }
    return -1;
  };
  const migratable = (task: Task, t: number): boolean => task.priority < 2 && task.windowAt(t).maxCpu < 0.025;
  const keyOf = (task: Task, t: number): number => {
    const w = task.windowAt(t);
    if (policy === 'cpu_request') return task.req;
    if (policy === 'cpu_usage' || policy === 'cpu_usage_desc') return w.cpu;
    if (policy === 'mem_usage') return w.mem;
    return w.mai; // cache_misses

  };
  const before = (a: number, b: number, desc: boolean): boolean => (b !== b ? a === a : desc ? a > b : a < b);
  const move = (task: Task, s: Machine, d: Machine): void => {
    s.running.splice(s.running.indexOf(task), 1);
    task.finishV = d.v + (task.finishV - s.v);
    d.running.push(task);
    s.changed = true;
  };

  let next = 0, nextEvent = 0;
  const ev = prep.events;
  for (let k = 0; k < ticks; k++) {
    const t = start + k * tick;
    const tEnd = start + (k + 1) * tick;
    const point = Math.floor(k / sampleEvery);
    // 1. machine events
    while (nextEvent < ev.tick.length && ev.tick[nextEvent] === k) {
      const m = ev.machine[nextEvent]!, ty = ev.type[nextEvent]!, c = ev.cap[nextEvent]!;
      const mc = machines[m]!;
      acc(cellOf(m), ACC.events, 1);
      nextEvent++;
      if (ty === MACHINE_EVENT.code.remove) {
        if (!mc.up) continue;
        mc.up = false;
        const dest = targetOf(m);
        const evicted = mc.running;
        mc.running = [];
        for (const task of evicted) { task.rem = task.finishV - mc.v; task.finishV = Infinity; task.state = 'pending'; }
        const moved = (dest >= 0 ? mc.pending.length : 0) + evicted.length;
        if (dest >= 0) {
          machines[dest]!.pending.push(...mc.pending, ...evicted);
          mc.pending = [];
          machines[dest]!.changed = true;
        } else mc.pending.push(...evicted);
        mc.usage = 0;
        mc.changed = false;
        acc(cellOf(m), ACC.requeued, moved);
        continue;
      }
      if (c === c) mc.cap = c;
      if (ty === MACHINE_EVENT.code.add) mc.up = true;
      mc.changed = true;
    }
    // 2. arrivals
    while (next < all.length && all[next]!.submitTick === k) {
      const task = all[next++]!;
      const tgt = targetOf(task.machine);
      const m = tgt >= 0 ? tgt : task.machine;
      machines[m]!.pending.push(task);
      machines[m]!.changed = true;
      task.state = 'pending';
      acc(cellOf(m), ACC.arrived, 1);
      acc(cellOf(m), ACC.events, 1);
    }
    // 3. admission (only where something changed: nothing else can fit)
    for (let m = 0; m < M; m++) {
      const mc = machines[m]!;
      if (!mc.up || !mc.changed) continue;
      mc.changed = false;
      let req = 0;
      for (const task of mc.running) req += task.req * oc;
      const still: Task[] = [];
      for (const task of mc.pending) {
        const a = task.req * oc;
        if (req + a <= mc.cap || mc.running.length === 0) {
          mc.running.push(task);
          req += a;
          task.finishV = mc.v + task.rem;
          task.state = 'running';
          acc(cellOf(m), ACC.started, 1);
          acc(cellOf(m), ACC.events, 1);
        } else still.push(task);
      }
      mc.pending = still;
    }
    // 4. usage
    for (const mc of machines) if (mc.up) mc.usage = mc.usageAt(t);
    // 5. rebalancing
    if (policy !== 'no_migration' && k % p.interval === 0) {
      for (let c = 0; c < C; c++) {
        const up = cellMachines(c).filter((m) => machines[m]!.up);
        if (up.length === 0) continue;
        const byLoad = [...up].sort((a, b) => machines[a]!.usage - machines[b]!.usage || a - b);
        const f = byLoad[0]!, g = byLoad.length > 1 ? byLoad[1]! : -1;
        const F = machines[f]!;
        let lf = F.usage;
        if (policy === 'coarse_grained') {
          for (const s of up) {
            if (s === f) continue;
            const S = machines[s]!;
            const ls = S.usage;
            const cand = S.running.filter((task) => migratable(task, t));
            if (cand.length === 0) continue;
            let diff = 0;
            for (const task of cand) diff += task.windowAt(t).cpu;
            if (!(diff > 0 && lf + diff <= ls && diff <= 0.8 * ls && lf + diff <= F.cap)) continue;
            let mem = 0;
            for (const task of cand) { mem += task.windowAt(t).mem; move(task, S, F); }
            lf += diff;
            acc(c, ACC.migMem, mem); acc(c, ACC.migrations, cand.length); acc(c, ACC.migFirst, cand.length); acc(c, ACC.events, cand.length);
            accPt(c, point, PT.migMem, mem); accPt(c, point, PT.migrations, cand.length); accPt(c, point, PT.migFirst, cand.length);
          }
          continue;
        }
        if (g < 0) continue;
        const G = machines[g]!;
        let lg = G.usage;
        for (const s of up) {
          if (s === f || s === g) continue;
          const S = machines[s]!;
          const ls = S.usage;
          const cand = S.running.filter((task) => migratable(task, t));
          if (cand.length === 0) continue;
          if (sorted) {
            const desc = policy === 'cpu_usage_desc';
            cand.sort((a, b) => {
              const ka = keyOf(a, t), kb = keyOf(b, t);
              return before(ka, kb, desc) ? -1 : before(kb, ka, desc) ? 1 : 0;
            });
          }
          const limit = 0.8 * ls;
          let i = 0, a1 = 0;
          while (i < cand.length) {
            const x = cand[i]!.windowAt(t).cpu;
            if (lf + a1 + x <= ls && lf + a1 + x <= F.cap && a1 + x <= limit) { a1 += x; i++; } else break;
          }
          let j = i, a2 = 0;
          while (j < cand.length) {
            const x = cand[j]!.windowAt(t).cpu;
            if (lg + a2 + x <= ls && lg + a2 + x <= G.cap && a1 + a2 + x <= limit) { a2 += x; j++; } else break;
          }
          if (a1 > p.minMove) {
            let mem = 0;
            for (const task of cand.slice(0, i)) { mem += task.windowAt(t).mem; move(task, S, F); }
            lf += a1;
            acc(c, ACC.migMem, mem); acc(c, ACC.migrations, i); acc(c, ACC.migFirst, i); acc(c, ACC.events, i);
            accPt(c, point, PT.migMem, mem); accPt(c, point, PT.migrations, i); accPt(c, point, PT.migFirst, i);
          }
          if (a2 > p.minMove) {
            let mem = 0;
            for (const task of cand.slice(i, j)) { mem += task.windowAt(t).mem; move(task, S, G); }
            lg += a2;
            acc(c, ACC.migMem, mem); acc(c, ACC.migrations, j - i); acc(c, ACC.migSecond, j - i); acc(c, ACC.events, j - i);
            accPt(c, point, PT.migMem, mem); accPt(c, point, PT.migrations, j - i); accPt(c, point, PT.migSecond, j - i);
          }
        }
      }
      for (const mc of machines) if (mc.up) mc.usage = mc.usageAt(t);
    }
    // 6. metrics, progress, finishes
    for (let c = 0; c < C; c++) {
      for (const m of cellMachines(c)) {
        const mc = machines[m]!;
        if (!mc.up) continue;
        const u = mc.usage, cap = mc.cap;
        const used = Math.min(u, cap);
        const over = u > cap ? u - cap : 0;
        const util = cap > 0 ? used / cap : 0;
        acc(c, ACC.cpu, used); acc(c, ACC.cap, cap); acc(c, ACC.over, over); acc(c, ACC.up, 1);
        accPt(c, point, PT.cpu, used); accPt(c, point, PT.cap, cap); accPt(c, point, PT.over, over); accPt(c, point, PT.up, 1);
        mc.utilSum += util; mc.upTicks += 1; mc.pUtil += util; mc.pUp += 1;
        mc.v += u > cap ? tick * (cap / u) : tick;
        for (const task of [...mc.running]) {
          if (mc.v >= task.finishV) {
            mc.running.splice(mc.running.indexOf(task), 1);
            task.state = 'done';
            const delay = tEnd - task.submitUs;
            acc(c, ACC.delay, delay); acc(c, ACC.stretch, delay / Math.max(task.work, tick));
            acc(c, ACC.finished, 1); acc(c, ACC.events, 1);
            mc.changed = true;
          }
        }
      }
    }
    // 7. end of a series point
    if ((k + 1) % sampleEvery === 0 || k + 1 === ticks) {
      for (let c = 0; c < C; c++) {
        let run = 0, pend = 0;
        for (const m of cellMachines(c)) { run += machines[m]!.running.length; pend += machines[m]!.pending.length; }
        accPt(c, point, PT.running, run); accPt(c, point, PT.pending, pend);
      }
      for (let m = 0; m < M; m++) {
        const mc = machines[m]!;
        machPt[m * P + point] = mc.pUp > 0 ? mc.pUtil / mc.pUp : Number.NaN;
        mc.pUtil = 0; mc.pUp = 0;
      }
    }
  }
  const part: PartialRun = {
    first: 0, count: C, machineFirst: 0, machines: M, cellAcc, cellPt, machPt,
    utilSum: Float64Array.from(machines, (m) => m.utilSum),
    upTicks: Float64Array.from(machines, (m) => m.upTicks),
    elapsedMs: 0,
  };
  return finalizeRun(prep, [part], giniReference);
}
