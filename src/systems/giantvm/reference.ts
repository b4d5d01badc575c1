/**
 * The object-per-task TypeScript replay of the GiantVM model: the test oracle
 * and the benchmark baseline of `assembly/replay.ts`. Plain, obvious code: a
 * `Task` and a `Machine` object each, arrays for the running and pending sets,
 * and every tick the usage of every machine summed again from its tasks, every
 * running task checked for completion, every machine's segment compared. It draws its own machines with the same
 * PRNG and reads the input itself; only parameter defaults, the synthetic usage
 * model and the final metric formulas (`finalizeRun`) are shared.
 *
 * The order of every floating-point operation is the kernel's (machine order,
 * list order), so the two agree bit for bit.
 *
 * @module
 */
import { FairfitError } from '../../errors.ts';
import type { ReplayInput, UsageTable } from '../../model/tasks.ts';
import { giniReference } from '../../reference/gini.ts';
import { Rng } from '../../rng.ts';
import { syntheticUsage } from '../../io/synthetic-usage.ts';
import { finalizeRun, ACC, NA, NPT, PT, type PartialRun } from './merge.ts';
import { prepareReplay, type PreparedReplay } from './prepare.ts';
import type { ResolvedParams } from './replay-params.ts';
import { MACHINE_EVENT } from './replay-layouts.ts';
import type { ReplayParams, RunResult } from './types.ts';

interface Window { end: number; cpu: number; mem: number; maxCpu: number; mai: number }

class Task {
  state: 'unsubmitted' | 'pending' | 'running' | 'done' = 'unsubmitted';
  finishV = Infinity;
  rem: number;
  /** The machine whose admission ledger holds its request while it runs (-1: none). */
  home = -1;
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
  pCpu = 0;
  pCap = 0;
  pOver = 0;
  /** The open segment (docs/model.md, "Segments"): its first tick (-1: none), usage, capacity, clock at its start and per tick. */
  segA = -1;
  segU = 0;
  segCap = 0;
  segV0 = 0;
  segInc = 0;
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
  const run = new ReferenceReplay(prep, readTasks(input, prep));
  for (let k = 0; k < prep.ticks; k++) run.step(k);
  return finalizeRun(prep, [run.part()], giniReference);
}

/** Usage windows per task, in time order (ends made non-decreasing), from the mode's usage table. */
function windowLists(input: ReplayInput, prep: PreparedReplay): Window[][] {
  const p = prep.params;
  const tasksIn = input.tasks;
  let table: UsageTable | undefined;
  if (p.usage === 'trace') table = input.usage;
  else if (p.usage === 'synthetic') table = syntheticUsage(tasksIn, { seed: p.seed, start: prep.start, end: prep.end });
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
  return lists;
}

/** The tasks that arrive in the window, one machine draw per input task, sorted by arrival tick (stable). */
function readTasks(input: ReplayInput, prep: PreparedReplay): Task[] {
  const p = prep.params;
  const { start, end, tick, machines: M } = prep;
  const tasksIn = input.tasks;
  const lists = windowLists(input, prep);
  const rng = new Rng(p.seed);
  const all: Task[] = [];
  const lastEvent = (tasksIn as { lastEvent?: Int32Array }).lastEvent;
  if (p.tasks === 'finished' && !lastEvent) throw new FairfitError('INVALID_OPTION', "tasks: 'finished' needs each task's last trace event (tasks.lastEvent), and this input has none", { field: 'tasks' });
  const ended = (i: number): boolean => Number.isFinite(tasksIn.duration[i]!) && !(lastEvent && !(lastEvent[i]! >= 2 && lastEvent[i]! <= 6));
  for (let i = 0; i < tasksIn.count; i++) {
    const machine = rng.below(M);
    const s = tasksIn.submit[i]!;
    if (Number.isNaN(s) || s >= end) continue;
    if (p.tasks !== 'all' && !ended(i)) continue;
    if (p.tasks === 'finished' && lastEvent![i] !== 4) continue; // FINISH
    const submitTick = s <= start ? 0 : p.arrival === 'boundary' ? Math.ceil((s - start) / tick) : Math.floor((s - start) / tick);
    if (submitTick >= prep.ticks) continue;
    const sub = s <= start ? start : s;
    let work = tasksIn.duration[i]!;
    if (Number.isNaN(work)) work = Infinity;
    if (lastEvent && !(lastEvent[i]! >= 2 && lastEvent[i]! <= 6)) work = Infinity;
    const req = Number.isNaN(tasksIn.cpuRequest[i]!) ? 0 : tasksIn.cpuRequest[i]!;
    const mem = Number.isNaN(tasksIn.memRequest[i]!) ? 0 : tasksIn.memRequest[i]!;
    let windows = lists[i]!;
    if (windows.length === 0) windows = [{ end: Infinity, cpu: req * p.usageRatio, mem, maxCpu: req, mai: Number.NaN }];
    all.push(new Task(machine, submitTick, sub, work, req, tasksIn.priority[i]!, windows));
  }
  all.sort((a, b) => a.submitTick - b.submitTick); // stable: task order within a tick
  return all;
}

/** Candidates before others: NaN last, ascending (or descending) otherwise. */
const before = (a: number, b: number, desc: boolean): boolean => (b !== b ? a === a : desc ? a > b : a < b);

/** The cluster of one reference replay, advanced tick by tick in the kernel's seven steps. */
class ReferenceReplay {
  private readonly machines: Machine[] = [];
  private readonly cellAcc: Float64Array;
  private readonly cellPt: Float64Array;
  private readonly machPt: Float64Array;
  private readonly p: ResolvedParams;
  private readonly sorted: boolean;
  private readonly stays: boolean;
  private readonly destReq: boolean;
  private next = 0;
  private nextEvent = 0;

  constructor(private readonly prep: PreparedReplay, private readonly all: Task[]) {
    this.p = prep.params;
    const policy = this.p.policy;
    this.stays = this.p.migratedRequest === 'stays';
    this.destReq = this.p.destinationCheck === 'request';
    this.sorted = policy === 'cpu_request' || policy === 'cpu_usage' || policy === 'mem_usage' || policy === 'cpu_usage_desc' || policy === 'cache_misses';
    for (let m = 0; m < prep.machines; m++) this.machines.push(new Machine(prep.machineCap[m]!, prep.machineUp[m] === 1));
    this.cellAcc = new Float64Array(prep.cells * NA);
    this.cellPt = new Float64Array(prep.cells * prep.points * NPT);
    this.machPt = new Float64Array(prep.machines * prep.points);
  }

  private acc(c: number, s: number, v: number): void { this.cellAcc[c * NA + s] = this.cellAcc[c * NA + s]! + v; }
  private accPt(c: number, point: number, s: number, v: number): void { const x = (c * this.prep.points + point) * NPT + s; this.cellPt[x] = this.cellPt[x]! + v; }
  private cellOf(m: number): number { return Math.floor(m / this.prep.cellSize); }
  private cellMachines(c: number): number[] {
    const cs = this.prep.cellSize;
    const out: number[] = [];
    for (let m = c * cs; m < Math.min(c * cs + cs, this.prep.machines); m++) out.push(m);
    return out;
  }
  /** The machine a task headed for `m` is queued on: m if up, else the next up machine of its cell, else -1. */
  private targetOf(m: number): number {
    const { machines } = this;
    if (machines[m]!.up) return m;
    const cs = this.prep.cellSize;
    const base = this.cellOf(m) * cs;
    const size = Math.min(cs, this.prep.machines - base);
    for (let j = 1; j < size; j++) { const mm = base + ((m - base + j) % size); if (machines[mm]!.up) return mm; }
    return -1;
  }
  private keyOf(task: Task, t: number): number {
    const w = task.windowAt(t);
    const policy = this.p.policy;
    if (policy === 'cpu_request') return task.req;
    if (policy === 'cpu_usage' || policy === 'cpu_usage_desc') return w.cpu;
    if (policy === 'mem_usage') return w.mem;
    return w.mai; // cache_misses
  }

  /** One tick: events, arrivals, admission, usage, rebalancing, metrics and finishes, series point. */
  step(k: number): void {
    const { start, tick, sampleEvery, ticks } = this.prep;
    const t = start + k * tick;
    const point = Math.floor(k / sampleEvery);
    this.machineEvents(k);
    this.arrivals(k);
    this.admission();
    for (const mc of this.machines) if (mc.up) mc.usage = mc.usageAt(t);
    if (this.p.policy !== 'no_migration' && k % this.p.interval === 0) {
      for (let c = 0; c < this.prep.cells; c++) this.rebalanceCell(c, t, point);
      for (const mc of this.machines) if (mc.up) mc.usage = mc.usageAt(t);
    }
    this.account(k, start + (k + 1) * tick);
    if ((k + 1) % sampleEvery === 0 || k + 1 === ticks) this.endPoint(point, k + 1);
    if (k + 1 === ticks) this.openTasks(start + ticks * tick);
  }

  /** Takes a task off its home's ledger; a home other than `m` must re-admit. */
  private unbook(task: Task, m: number): void {
    if (task.home >= 0 && task.home !== m) this.machines[task.home]!.changed = true;
    task.home = -1;
  }

  /** The admission ledger of m: Σ request × overcommit and count of the running tasks it holds. */
  private ledger(m: number): { req: number; n: number } {
    const oc = this.p.overcommit;
    let req = 0, n = 0;
    if (!this.stays) {
      for (const task of this.machines[m]!.running) { req += task.req * oc; n++; }
      return { req, n };
    }
    for (const mm of this.cellMachines(this.cellOf(m))) {
      for (const task of this.machines[mm]!.running) if (task.home === m) { req += task.req * oc; n++; }
    }
    return { req, n };
  }

  /** 8. After the last tick: each open task's delay so far plus its remaining work at full speed. */
  private openTasks(tEnd: number): void {
    const tick = this.prep.tick;
    for (let m = 0; m < this.prep.machines; m++) {
      const mc = this.machines[m]!;
      const c = this.cellOf(m);
      const one = (task: Task, rem: number): void => {
        if (rem === Infinity) { this.acc(c, ACC.openNever, 1); return; }
        const d = tEnd - task.submitUs + rem;
        this.acc(c, ACC.open, 1); this.acc(c, ACC.openDelay, d); this.acc(c, ACC.openStretch, d / Math.max(task.work, tick));
      };
      for (const task of mc.running) one(task, task.finishV - mc.v);
      for (const task of mc.pending) one(task, task.rem);
    }
  }

  /** 1. Machine events of tick k. */
  private machineEvents(k: number): void {
    const ev = this.prep.events;
    const { machines } = this;
    while (this.nextEvent < ev.tick.length && ev.tick[this.nextEvent] === k) {
      const m = ev.machine[this.nextEvent]!, ty = ev.type[this.nextEvent]!, c = ev.cap[this.nextEvent]!;
      const mc = machines[m]!;
      this.acc(this.cellOf(m), ACC.events, 1);
      this.nextEvent++;
      if (ty === MACHINE_EVENT.code.remove) {
        if (!mc.up) continue;
        mc.up = false;
        this.closeSeg(mc, k);
        const dest = this.targetOf(m);
        const evicted = mc.running;
        mc.running = [];
        for (const task of evicted) { task.rem = task.finishV - mc.v; task.finishV = Infinity; task.state = 'pending'; this.unbook(task, m); }
        const moved = (dest >= 0 ? mc.pending.length : 0) + evicted.length;
        if (dest >= 0) {
          machines[dest]!.pending.push(...mc.pending, ...evicted);
          mc.pending = [];
          machines[dest]!.changed = true;
        } else mc.pending.push(...evicted);
        mc.usage = 0;
        mc.changed = false;
        this.acc(this.cellOf(m), ACC.requeued, moved);
        continue;
      }
      if (c === c) mc.cap = c;
      if (ty === MACHINE_EVENT.code.add) mc.up = true;
      mc.changed = true;
    }
  }

  /** 2. Arrivals of tick k, queued on their drawn machine (or the next up one of its cell). */
  private arrivals(k: number): void {
    const { all, machines } = this;
    while (this.next < all.length && all[this.next]!.submitTick === k) {
      const task = all[this.next++]!;
      const tgt = this.targetOf(task.machine);
      const m = tgt >= 0 ? tgt : task.machine;
      this.acc(this.cellOf(m), ACC.arrived, 1);
      this.acc(this.cellOf(m), ACC.events, 1);
      if (this.p.time0 === 'running' && k === 0 && tgt >= 0 && task.submitUs === this.prep.start) {
        this.startOn(m, task);
        continue;
      }
      machines[m]!.pending.push(task);
      machines[m]!.changed = true;
      task.state = 'pending';
    }
  }

  /** 3. Admission, only where something changed (nothing else can fit). */
  private admission(): void {
    const oc = this.p.overcommit;
    for (let m = 0; m < this.prep.machines; m++) {
      const mc = this.machines[m]!;
      if (!mc.up || !mc.changed) continue;
      mc.changed = false;
      let { req, n } = this.ledger(m);
      const still: Task[] = [];
      for (const task of mc.pending) {
        const a = task.req * oc;
        if (req + a <= mc.cap || n === 0) {
          this.startOn(m, task);
          req += a;
          n++;
        } else still.push(task);
      }
      mc.pending = still;
    }
  }

  /** Starts a task on machine m (its ledger is m's). */
  private startOn(m: number, task: Task): void {
    const mc = this.machines[m]!;
    mc.running.push(task);
    task.home = m;
    task.finishV = mc.v + task.rem;
    task.state = 'running';
    this.acc(this.cellOf(m), ACC.started, 1);
    this.acc(this.cellOf(m), ACC.events, 1);
  }

  /** Moves a running task from s to d, keeping its remaining work in d's virtual time. */
  private move(task: Task, s: Machine, d: Machine): void {
    s.running.splice(s.running.indexOf(task), 1);
    task.finishV = d.v + (task.finishV - s.v);
    d.running.push(task);
    if (!this.stays) task.home = this.machines.indexOf(d);
    s.changed = true;
  }

  /** Σ request × overcommit of the tasks running on a machine, in list order (the destination check). */
  private runReq(mc: Machine): number {
    let r = 0;
    for (const task of mc.running) r += task.req * this.p.overcommit;
    return r;
  }

  /** Books `n` migrations moving `mem` to the first (or second) least-loaded machine. */
  private bookMoves(c: number, point: number, n: number, mem: number, second: boolean): void {
    const to = second ? ACC.migSecond : ACC.migFirst;
    this.acc(c, ACC.migMem, mem); this.acc(c, ACC.migrations, n); this.acc(c, to, n); this.acc(c, ACC.events, n);
    this.accPt(c, point, PT.migMem, mem); this.accPt(c, point, PT.migrations, n); this.accPt(c, point, second ? PT.migSecond : PT.migFirst, n);
  }

  /** 5. Rebalancing of one cell: coarse (alg. 4-1) or fine / sorted fine (alg. 4-2, 4-3). */
  private rebalanceCell(c: number, t: number, point: number): void {
    const { machines } = this;
    const up = this.cellMachines(c).filter((m) => machines[m]!.up);
    if (up.length === 0) return;
    const byLoad = [...up].sort((a, b) => machines[a]!.usage - machines[b]!.usage || a - b);
    const f = byLoad[0]!, g = byLoad.length > 1 ? byLoad[1]! : -1;
    if (this.p.policy === 'coarse_grained') this.coarse(c, t, point, up, f);
    else if (g >= 0) this.fine(c, t, point, up, f, g);
  }

  private migratable(task: Task, t: number): boolean {
    return task.priority < 2 && task.windowAt(t).maxCpu < 0.025;
  }

  /** Coarse-grained: every other machine's migratable tasks to the least-loaded one, if useful. */
  private coarse(c: number, t: number, point: number, up: number[], f: number): void {
    const F = this.machines[f]!;
    let lf = F.usage;
    let rf = this.destReq ? this.runReq(F) : 0;
    for (const s of up) {
      if (s === f) continue;
      const S = this.machines[s]!;
      const ls = S.usage;
      const cand = S.running.filter((task) => this.migratable(task, t));
      if (cand.length === 0) continue;
      let diff = 0;
      for (const task of cand) diff += task.windowAt(t).cpu;
      if (!(diff > 0 && lf + diff <= ls && diff <= 0.8 * ls && lf + diff <= F.cap)) continue;
      let rq = 0;
      if (this.destReq) {
        for (const task of cand) rq += task.req * this.p.overcommit;
        if (!(rf + rq <= F.cap)) continue;
      }
      let mem = 0;
      for (const task of cand) { mem += task.windowAt(t).mem; this.move(task, S, F); }
      lf += diff;
      rf += rq;
      this.bookMoves(c, point, cand.length, mem, false);
    }
  }

  /** Fine-grained (sorted or not): fill the least-loaded machine, then the second, from each other machine. */
  private fine(c: number, t: number, point: number, up: number[], f: number, g: number): void {
    const F = this.machines[f]!, G = this.machines[g]!;
    let lf = F.usage, lg = G.usage;
    const dr = this.destReq, oc = this.p.overcommit;
    let rf = dr ? this.runReq(F) : 0, rg = dr ? this.runReq(G) : 0;
    for (const s of up) {
      if (s === f || s === g) continue;
      const S = this.machines[s]!;
      const ls = S.usage;
      const cand = S.running.filter((task) => this.migratable(task, t));
      if (cand.length === 0) continue;
      if (this.sorted) {
        const policy = this.p.policy;
        const desc = policy === 'cpu_usage_desc' || (this.p.memOrder === 'desc' && (policy === 'mem_usage' || policy === 'cache_misses'));
        cand.sort((a, b) => {
          const ka = this.keyOf(a, t), kb = this.keyOf(b, t);
          return before(ka, kb, desc) ? -1 : before(kb, ka, desc) ? 1 : 0;
        });
      }
      const limit = 0.8 * ls;
      let i = 0, a1 = 0, r1 = 0;
      while (i < cand.length) {
        const x = cand[i]!.windowAt(t).cpu;
        const q = dr ? cand[i]!.req * oc : 0;
        if (lf + a1 + x <= ls && lf + a1 + x <= F.cap && a1 + x <= limit && (!dr || rf + r1 + q <= F.cap)) { a1 += x; r1 += q; i++; } else break;
      }
      let j = i, a2 = 0, r2 = 0;
      while (j < cand.length) {
        const x = cand[j]!.windowAt(t).cpu;
        const q = dr ? cand[j]!.req * oc : 0;
        if (lg + a2 + x <= ls && lg + a2 + x <= G.cap && a1 + a2 + x <= limit && (!dr || rg + r2 + q <= G.cap)) { a2 += x; r2 += q; j++; } else break;
      }
      if (a1 > this.p.minMove) {
        let mem = 0;
        for (const task of cand.slice(0, i)) { mem += task.windowAt(t).mem; this.move(task, S, F); }
        lf += a1;
        rf += r1;
        this.bookMoves(c, point, i, mem, false);
      }
      if (a2 > this.p.minMove) {
        let mem = 0;
        for (const task of cand.slice(i, j)) { mem += task.windowAt(t).mem; this.move(task, S, G); }
        lg += a2;
        rg += r2;
        this.bookMoves(c, point, j - i, mem, true);
      }
    }
  }

  /** Closes a machine's segment at tick b: its ticks, each with the segment's usage and capacity, into the point's sums. */
  private closeSeg(mc: Machine, b: number): void {
    if (mc.segA < 0) return;
    const L = b - mc.segA;
    const u = mc.segU, cap = mc.segCap;
    const used = Math.min(u, cap);
    const over = u > cap ? u - cap : 0;
    const util = cap > 0 ? used / cap : 0;
    mc.pCpu += used * L; mc.pCap += cap * L; mc.pOver += over * L; mc.pUtil += util * L; mc.pUp += L;
    mc.segA = -1;
  }

  /** 6. Segments (a new one when usage or capacity changed), progress at cap/usage when overloaded, finishes. */
  private account(k: number, tEnd: number): void {
    const tick = this.prep.tick;
    for (let c = 0; c < this.prep.cells; c++) {
      for (const m of this.cellMachines(c)) {
        const mc = this.machines[m]!;
        if (!mc.up) continue;
        const u = mc.usage, cap = mc.cap;
        if (mc.segA >= 0 && (mc.segU !== u || mc.segCap !== cap)) this.closeSeg(mc, k);
        if (mc.segA < 0) {
          mc.segA = k; mc.segU = u; mc.segCap = cap; mc.segV0 = mc.v;
          mc.segInc = u > cap ? tick * (cap / u) : tick;
        }
        mc.v = mc.segV0 + mc.segInc * (k - mc.segA + 1);
        for (const task of [...mc.running]) {
          if (mc.v >= task.finishV) {
            mc.running.splice(mc.running.indexOf(task), 1);
            this.unbook(task, m);
            task.state = 'done';
            const delay = tEnd - task.submitUs;
            this.acc(c, ACC.delay, delay); this.acc(c, ACC.stretch, delay / Math.max(task.work, tick));
            this.acc(c, ACC.finished, 1); this.acc(c, ACC.events, 1);
            mc.changed = true;
          }
        }
      }
    }
  }

  /** 7. End of a series point at tick b: segments closed, the point's sums per cell and machine, running and pending counts. */
  private endPoint(point: number, b: number): void {
    const P = this.prep.points;
    for (let c = 0; c < this.prep.cells; c++) {
      let run = 0, pend = 0;
      for (const m of this.cellMachines(c)) {
        const mc = this.machines[m]!;
        run += mc.running.length; pend += mc.pending.length;
        this.closeSeg(mc, b);
        this.acc(c, ACC.cpu, mc.pCpu); this.acc(c, ACC.cap, mc.pCap); this.acc(c, ACC.over, mc.pOver); this.acc(c, ACC.up, mc.pUp);
        this.accPt(c, point, PT.cpu, mc.pCpu); this.accPt(c, point, PT.cap, mc.pCap); this.accPt(c, point, PT.over, mc.pOver); this.accPt(c, point, PT.up, mc.pUp);
        mc.utilSum += mc.pUtil; mc.upTicks += mc.pUp;
        this.machPt[m * P + point] = mc.pUp > 0 ? mc.pUtil / mc.pUp : Number.NaN;
        mc.pCpu = 0; mc.pCap = 0; mc.pOver = 0; mc.pUtil = 0; mc.pUp = 0;
      }
      this.accPt(c, point, PT.running, run); this.accPt(c, point, PT.pending, pend);
    }
  }

  /** The accumulators as one part covering every cell. */
  part(): PartialRun {
    const { machines } = this;
    return {
      first: 0, count: this.prep.cells, machineFirst: 0, machines: this.prep.machines,
      cellAcc: this.cellAcc, cellPt: this.cellPt, machPt: this.machPt,
      utilSum: Float64Array.from(machines, (m) => m.utilSum),
      upTicks: Float64Array.from(machines, (m) => m.upTicks),
      elapsedMs: 0,
    };
  }
}
