/**
 * An independent oracle of the GiantVM replay, written from /work/shared/SPEC.md §6, the GiantVM
 * thesis (seed 004 §4.1–4.3, §5.2) and docs/model.md ("Trace replay (GiantVM)", "The thesis's
 * regime and the open rules", "Synthetic usage"), not from the kernel or reference.ts.
 * Deliberately naive: one object per task and per machine, every tick walks every machine, every
 * sum is taken again from scratch, the load is re-summed every tick, every cell is rebalanced at
 * every cycle start. Identical machines (`machines` a number) or the machines of machine_events
 * (`machines: 'trace'`: added, removed and updated over time, tasks of a removed machine queued on
 * the next up machine of its cell).
 *
 * Besides the run's metrics, series and counts it keeps per-task outcomes (arrival tick, start,
 * finish, migrations, delay) so that the worked cases can be checked by hand.
 *
 * Synthetic usage comes from `syntheticUsage` (the documented oracle of the model's values), read
 * with the same "first window whose end is after t" rule as trace rows; the model's formulas
 * themselves are not written again here. Where the first comparison found model.md silent or
 * misworded, the oracle follows what model.md now says (each a sentence there): delay 'all' to the
 * end of the last tick, minMove must be exceeded, maxPoints floored, an empty max CPU is the mean
 * CPU, a time-0 task redirected from a down machine starts under time0 'running', and what the
 * counts `requeued`, `started`, `censoredUnfinished` count.
 */
import type { ReplayInput } from '../../src/model/tasks.ts';
import { Rng } from '../../src/rng.ts';
import { syntheticUsage } from '../../src/io/synthetic-usage.ts';
import type { PolicyName, ReplayParams, RunMetrics } from '../../src/systems/giantvm/types.ts';

/** The documented defaults (docs/model.md, types.ts), written out again rather than imported. */
export const ORACLE_DEFAULTS: ReplayParams & Required<Pick<ReplayParams, 'tick' | 'usageRatio' | 'minMove' | 'tasks' | 'time0' | 'arrival' | 'delay' | 'migratedRequest' | 'destinationCheck' | 'memOrder' | 'gini'>> = {
  policy: 'no_migration', machines: 800, cellSize: 4, interval: 10, capacity: 0.5, overcommit: 1, seed: 1, usage: 'trace',
  tick: 1e6, usageRatio: 0.18, minMove: 0.005, tasks: 'all', time0: 'queue', arrival: 'tick', delay: 'finished',
  migratedRequest: 'follows', destinationCheck: 'usage', memOrder: 'asc', gini: 'time-mean',
};
export type OracleParams = typeof ORACLE_DEFAULTS;

/** Google task event types that end a run (EVICT, FAIL, FINISH, KILL, LOST). */
const TERMINAL = new Set([2, 3, 4, 5, 6]);

interface Win { end: number; cpu: number; mem: number; maxCpu: number; mai: number }

export interface OTask {
  i: number;
  submit: number;
  /** Trace run time (µs), the work at full speed; Infinity when it never ends. */
  work: number;
  req: number;
  prio: number;
  machine: number;
  /** Arrival tick, or -1 when the task never arrives. */
  arrive: number;
  state: 'out' | 'waiting' | 'pending' | 'running' | 'done';
  wins: Win[];
  /** Finish mark on its machine's clock V (running). */
  mark: number;
  /** Work left when not running (all of it until it first starts; what a removal leaves). */
  rest: number;
  /** Admission ledger machine (`migratedRequest`). */
  home: number;
  /** Tick it started (first time), tick it finished (end of that tick), or -1. */
  startTick: number;
  finishTick: number;
  migrations: number;
  /** Delay (s) and stretch when finished. */
  delay: number;
  stretch: number;
}

interface Seg { a: number; v0: number; inc: number; u: number; cap: number; point: number }

interface OMachine {
  id: number;
  up: boolean;
  cap: number;
  running: OTask[];
  pending: OTask[];
  u: number;
  /** Clock at the end of the last closed segment. */
  v: number;
  seg?: Seg;
  // Point sums and run sums.
  pUsed: number; pCap: number; pOver: number; pUtil: number; pTicks: number;
  tUtil: number; tTicks: number;
}

export interface OracleResult {
  metrics: RunMetrics;
  series: Record<string, number[]>;
  counts: Record<string, number>;
  tasks: OTask[];
  sampleTicks: number;
}

/** Population Gini from its definition, Σi Σj |xi − xj| / (2 n² mean) (SPEC §2); 0 for n = 0 or an all-zero set. */
export function giniOf(x: number[]): number {
  const n = x.length;
  if (n === 0) return 0;
  let sum = 0;
  for (const v of x) sum += v;
  if (sum === 0) return 0;
  let d = 0;
  for (const a of x) for (const b of x) d += Math.abs(a - b);
  return d / (2 * n * n * (sum / n));
}

/**
 * Ticks per series point: interval × ceil(cycles / maxPoints), maxPoints = min(1000, max(50,
 * ⌊4·10⁶/machines⌋)) — a whole number of points (model.md "Metrics", Series).
 */
export function seriesStride(ticks: number, interval: number, machines: number): number {
  const cycles = Math.ceil(ticks / interval);
  const maxPoints = Math.min(1000, Math.max(50, Math.floor(4e6 / machines)));
  return interval * Math.max(1, Math.ceil(cycles / maxPoints));
}

/** Counts that only mean something under one rule, and that rule. */
export const RULE_COUNTS: Record<string, (p: OracleParams) => boolean> = {
  leftOutNotEnded: (p) => p.tasks !== 'all',
  leftOutNotFinished: (p) => p.tasks === 'finished',
  arrivesAtEnd: (p) => p.arrival === 'boundary',
  unfinished: (p) => p.delay === 'all',
  unfinishedNeverEnding: (p) => p.delay === 'all',
};

function usageOf(t: OTask, time: number): Win {
  for (const w of t.wins) if (w.end > time) return w;
  return t.wins[t.wins.length - 1]!;
}

export function replayOracle(input: ReplayInput, given: Partial<ReplayParams>): OracleResult {
  const p: OracleParams = { ...ORACLE_DEFAULTS };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) (p as unknown as Record<string, unknown>)[k] = v;
  const ev = input.machineEvents;
  if (p.machines === 'trace' && !ev) throw new Error('oracle: machines \'trace\' needs machine events');
  const M = p.machines === 'trace' ? ev!.machines : p.machines;
  const cs = Math.min(p.cellSize, M);
  const { start, end } = input;
  const tick = p.tick;
  const nTicks = Math.max(0, Math.ceil((end - start) / tick));
  const T = input.tasks;
  if (p.tasks === 'finished' && !T.lastEvent) throw new Error("oracle: tasks 'finished' needs tasks.lastEvent");
  const counts: Record<string, number> = { neverSubmitted: 0, submittedAfterEnd: 0, leftOutNotEnded: 0, leftOutNotFinished: 0, arrivesAtEnd: 0, usageFallbackToRequest: 0, arrived: 0, censoredUnfinished: 0 };

  // Usage windows per task, by mode (model.md "Usage of a task").
  const rowsOf = new Map<number, Win[]>();
  const table = p.usage === 'trace' ? input.usage : p.usage === 'synthetic' ? syntheticUsage(T, { seed: p.seed, start, end }) : undefined;
  if (table) {
    const byTask = new Map<number, { start: number; w: Win }[]>();
    for (let r = 0; r < table.count; r++) {
      const l = byTask.get(table.task[r]!) ?? [];
      // A row without a max CPU takes its mean CPU (model.md "Usage of a task"; max ≥ mean).
      const mx = table.maxCpu[r]!;
      l.push({ start: table.start[r]!, w: { end: table.end[r]!, cpu: table.cpu[r]!, mem: table.mem[r]!, maxCpu: Number.isNaN(mx) ? table.cpu[r]! : mx, mai: table.mai[r]! } });
      byTask.set(table.task[r]!, l);
    }
    for (const [i, l] of byTask) {
      l.sort((a, b) => a.start - b.start); // stable: ties keep file order
      let hi = -Infinity;
      rowsOf.set(i, l.map(({ w }) => { hi = Math.max(hi, w.end); return { ...w, end: hi }; }));
    }
  }

  // One draw per task, in task order, whether or not it arrives (model.md "Machine draw").
  const rng = new Rng(p.seed);
  const tasks: OTask[] = [];
  for (let i = 0; i < T.count; i++) {
    const machine = rng.below(M);
    const submit = T.submit[i]!;
    const dur = T.duration[i]!;
    const last = T.lastEvent?.[i];
    const ended = Number.isFinite(dur) && (last === undefined || TERMINAL.has(last));
    const censored = last !== undefined && !TERMINAL.has(last);
    const work = !Number.isFinite(dur) || censored ? Infinity : dur;
    const t: OTask = {
      i, submit, work, req: T.cpuRequest[i]!, prio: T.priority[i]!, machine, arrive: -1, state: 'out', wins: [],
      mark: NaN, rest: work, home: -1, startTick: -1, finishTick: -1, migrations: 0, delay: NaN, stretch: NaN,
    };
    tasks.push(t);
    if (Number.isNaN(submit)) { counts.neverSubmitted!++; continue; }
    if (submit >= end) { counts.submittedAfterEnd!++; continue; }
    if (p.tasks !== 'all' && !ended) { counts.leftOutNotEnded!++; continue; }
    if (p.tasks === 'finished' && last !== 4) { counts.leftOutNotFinished!++; continue; } // 4: FINISH
    const arrive = submit <= start ? 0 : p.arrival === 'tick' ? Math.floor((submit - start) / tick) : Math.ceil((submit - start) / tick);
    if (arrive >= nTicks) { counts.arrivesAtEnd!++; continue; }
    t.arrive = arrive;
    t.state = 'waiting';
    counts.arrived!++;
    if (censored) counts.censoredUnfinished!++;
    const rows = rowsOf.get(i);
    if (rows && rows.length) t.wins = rows;
    else {
      if (p.usage !== 'request') counts.usageFallbackToRequest!++;
      t.wins = [{ end: Infinity, cpu: t.req * p.usageRatio, mem: T.memRequest[i]!, maxCpu: t.req, mai: NaN }];
    }
  }
  const arrivals: OTask[][] = Array.from({ length: nTicks }, () => []);
  for (const t of tasks) if (t.state === 'waiting') arrivals[t.arrive]!.push(t);

  // Trace machines start down; each ADD brings one up with capacity cpu × capacity / 0.5.
  const machines: OMachine[] = Array.from({ length: M }, (_, id) => ({
    id, up: p.machines !== 'trace', cap: p.machines === 'trace' ? NaN : p.capacity, running: [], pending: [], u: 0, v: 0,
    pUsed: 0, pCap: 0, pOver: 0, pUtil: 0, pTicks: 0, tUtil: 0, tTicks: 0,
  }));
  const cellOf = (m: number): OMachine[] => machines.slice(Math.floor(m / cs) * cs, Math.min(M, Math.floor(m / cs) * cs + cs));

  // Series points (model.md "Series").
  const sampleTicks = seriesStride(nTicks, p.interval, M);
  const S: Record<string, number[]> = {
    time: [], meanCpu: [], gini: [], overcommit: [], migratedMemory: [], migratedMemoryCumulative: [], migrations: [], running: [], pending: [], firstShare: [], secondShare: [],
  };
  let ptMem = 0, ptMig = 0, ptFirst = 0, ptSecond = 0, cumMem = 0;
  const pointGini: number[] = [];
  const pointTicks: number[] = [];

  // Totals.
  let used = 0, capSum = 0, over = 0, mticks = 0, migMem = 0, migs = 0, firsts = 0, seconds = 0;

  /** The machine's clock now (the end of the previous tick): the open segment's formula. */
  const clock = (m: OMachine, k: number): number => (m.seg ? m.seg.v0 + m.seg.inc * (k - m.seg.a) : m.v);
  /** Σ request × overcommit of the tasks on m's ledger, walked machine by machine in the cell, then list order. */
  const ledger = (m: OMachine): { sum: number; n: number } => {
    let sum = 0, n = 0;
    for (const c of cellOf(m.id)) for (const t of c.running) if (t.home === m.id) { sum += t.req * p.overcommit; n++; }
    return { sum, n };
  };
  const startTask = (t: OTask, m: OMachine, k: number): void => {
    t.state = 'running';
    t.home = m.id;
    if (t.startTick < 0) t.startTick = k;
    starts++;
    t.mark = clock(m, k) + t.rest;
    m.running.push(t);
  };
  /** m if up, else the next up machine of its cell in cyclic order, else m itself (the task waits there). */
  const upFrom = (m: OMachine): OMachine => {
    const cell = cellOf(m.id);
    const at = cell.indexOf(m);
    for (let j = 0; j < cell.length; j++) if (cell[(at + j) % cell.length]!.up) return cell[(at + j) % cell.length]!;
    return m;
  };
  // Machine events by tick: at or before start at tick 0, at or after end ignored; time order, ties in table order.
  const events: { time: number; tick: number; m: number; type: number; cpu: number; order: number }[] = [];
  if (p.machines === 'trace') {
    counts.machineEvents = ev!.count;
    counts.machineEventsAfterEnd = 0;
    counts.machineAddsWithoutCapacity = 0;
    for (let e = 0; e < ev!.count; e++) {
      const at = ev!.time[e]!;
      if (!(at < end)) { counts.machineEventsAfterEnd!++; continue; }
      events.push({ time: at, tick: at <= start ? 0 : Math.floor((at - start) / tick), m: ev!.machine[e]!, type: ev!.type[e]!, cpu: ev!.cpu[e]!, order: e });
    }
    events.sort((a, b) => a.time - b.time || a.order - b.order);
  }
  let evAt = 0, starts = 0;
  counts.requeued = 0;
  const remove = (m: OMachine, k: number): void => {
    // Its segment ends here; pending tasks, then running ones (keeping their remaining work), go to
    // the next up machine of the cell, or stay queued here when none is up.
    if (m.seg) { m.v = m.seg.v0 + m.seg.inc * (k - m.seg.a); m.seg = undefined; }
    const clockNow = m.v;
    m.up = false;
    const moved = [...m.pending];
    for (const t of m.running) { t.rest = t.mark - clockNow; t.state = 'pending'; t.home = -1; moved.push(t); }
    const to = upFrom(m);
    // Requeued: the tasks that go back to a queue (the running ones) or to another machine's.
    counts.requeued! += m.running.length + (to === m ? 0 : m.pending.length);
    m.pending = [];
    m.running = [];
    for (const t of moved) to.pending.push(t);
  };
  const sumU = (m: OMachine, time: number): number => {
    let u = 0;
    for (const t of m.running) u += usageOf(t, time).cpu;
    return u;
  };
  const move = (t: OTask, s: OMachine, d: OMachine, k: number, time: number): void => {
    const rest = t.mark - clock(s, k);
    s.running.splice(s.running.indexOf(t), 1);
    d.running.push(t);
    t.mark = clock(d, k) + rest;
    if (p.migratedRequest === 'follows') t.home = d.id;
    t.migrations++;
    const mem = usageOf(t, time).mem;
    migMem += mem; ptMem += mem; cumMem += mem; migs++; ptMig++;
  };
  /** Physical request total of d's running tasks (× overcommit), list order. */
  const reqOn = (d: OMachine): number => {
    let s = 0;
    for (const t of d.running) s += t.req * p.overcommit;
    return s;
  };
  const migratable = (t: OTask, time: number): boolean => t.prio < 2 && usageOf(t, time).maxCpu < 0.025;

  const rebalanceCell = (cell: OMachine[], k: number, time: number): void => {
    if (p.policy === 'no_migration' || cell.length < 2) return;
    const byLoad = [...cell].sort((a, b) => a.u - b.u || a.id - b.id);
    if (p.policy === 'coarse_grained') {
      const d = byLoad[0]!;
      let ud = d.u;
      for (const s of cell) {
        if (s === d) continue;
        const removed = s.running.filter((t) => migratable(t, time));
        let diff = 0;
        for (const t of removed) diff += usageOf(t, time).cpu;
        let ok = diff > 0 && ud + diff <= s.u && diff <= 0.8 * s.u && ud + diff <= d.cap;
        if (ok && p.destinationCheck === 'request') {
          let r = reqOn(d);
          for (const t of removed) r += t.req * p.overcommit;
          ok = r <= d.cap;
        }
        if (!ok) continue;
        for (const t of removed) move(t, s, d, k, time);
        firsts += removed.length; ptFirst += removed.length;
        ud = ud + diff;
      }
      return;
    }
    if (cell.length < 3) return;
    const f = byLoad[0]!, g = byLoad[1]!;
    let uf = f.u, ug = g.u;
    for (const s of cell) {
      if (s === f || s === g) continue;
      const cand = s.running.filter((t) => migratable(t, time));
      const key = (t: OTask): number => {
        const w = usageOf(t, time);
        switch (p.policy as PolicyName) {
          case 'cpu_request': return t.req;
          case 'cpu_usage': return w.cpu;
          case 'mem_usage': return p.memOrder === 'asc' ? w.mem : -w.mem;
          case 'cpu_usage_desc': return -w.cpu;
          case 'cache_misses': return Number.isNaN(w.mai) ? Infinity : p.memOrder === 'asc' ? w.mai : -w.mai;
          default: return 0;
        }
      };
      if (p.policy !== 'fine_grained') {
        const keyed = cand.map((t, j) => ({ t, j, k: key(t) }));
        // Stable; an unknown MAI (key +∞) sorts after every known one, among themselves in list order.
        keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.j - b.j));
        cand.splice(0, cand.length, ...keyed.map((x) => x.t));
      }
      let moved = 0;
      let j = 0;
      const fill = (d: OMachine, ud: number): { list: OTask[]; cpu: number } => {
        const list: OTask[] = [];
        let cpu = 0, req = reqOn(d);
        while (j < cand.length) {
          const t = cand[j]!;
          const c = usageOf(t, time).cpu;
          let fits = ud + cpu + c <= s.u && ud + cpu + c <= d.cap && moved + c <= 0.8 * s.u;
          if (fits && p.destinationCheck === 'request') fits = req + t.req * p.overcommit <= d.cap;
          if (!fits) break;
          list.push(t);
          cpu += c; moved += c; req += t.req * p.overcommit;
          j++;
        }
        return { list, cpu };
      };
      const first = fill(f, uf);
      const second = fill(g, ug);
      // "Exceeds" minMove: with 0, a move of CPU 0 (tasks idle in this window) is not made.
      const useful = (x: { list: OTask[]; cpu: number }): boolean => x.cpu > p.minMove;
      if (useful(first)) {
        for (const t of first.list) move(t, s, f, k, time);
        firsts += first.list.length; ptFirst += first.list.length;
        uf = uf + first.cpu;
      }
      if (useful(second)) {
        for (const t of second.list) move(t, s, g, k, time);
        seconds += second.list.length; ptSecond += second.list.length;
        ug = ug + second.cpu;
      }
    }
  };

  const endPoint = (lastTick: number): void => {
    let pu = 0, pc = 0, po = 0, pt = 0, running = 0, pending = 0;
    const means: number[] = [];
    for (const m of machines) {
      pu += m.pUsed; pc += m.pCap; po += m.pOver; pt += m.pTicks;
      if (m.pTicks > 0) means.push(m.pUtil / m.pTicks);
      running += m.running.length; pending += m.pending.length;
      m.pUsed = m.pCap = m.pOver = m.pUtil = m.pTicks = 0;
    }
    const gi = giniOf(means);
    pointGini.push(gi);
    pointTicks.push(lastTick + 1 - (pointTicks.reduce((a, b) => a + b, 0)));
    S.time!.push((start + (lastTick + 1) * tick) / 1e6);
    S.meanCpu!.push(pc > 0 ? pu / pc : 0);
    S.overcommit!.push(pt > 0 ? po / pt : 0);
    S.gini!.push(gi);
    S.migratedMemory!.push(ptMem);
    S.migratedMemoryCumulative!.push(cumMem);
    S.migrations!.push(ptMig);
    S.running!.push(running);
    S.pending!.push(pending);
    S.firstShare!.push(ptMig > 0 ? ptFirst / ptMig : 0);
    S.secondShare!.push(ptMig > 0 ? ptSecond / ptMig : 0);
    ptMem = ptMig = ptFirst = ptSecond = 0;
  };

  for (let k = 0; k < nTicks; k++) {
    const time = start + k * tick;
    const point = Math.floor(k / sampleTicks);
    // 1) machine events of the tick.
    for (; evAt < events.length && events[evAt]!.tick === k; evAt++) {
      const e = events[evAt]!;
      const m = machines[e.m]!;
      const cap = Number.isNaN(e.cpu) ? NaN : (e.cpu * p.capacity) / 0.5;
      if (e.type === 0) {
        if (Number.isNaN(cap)) counts.machineAddsWithoutCapacity!++;
        m.cap = Number.isNaN(cap) ? p.capacity : cap;
        m.up = true;
      } else if (e.type === 1) {
        if (m.up) remove(m, k);
      } else if (!Number.isNaN(cap)) m.cap = cap;
    }
    // 2) arrivals in task order; a task drawn onto a down machine goes to its next up cell-mate. Under
    // time0 'running' a time-0 task that lands on an up machine starts at once without admission.
    for (const t of arrivals[k]!) {
      const on = upFrom(machines[t.machine]!);
      if (p.time0 === 'running' && t.submit <= start && on.up) startTask(t, on, k);
      else { t.state = 'pending'; on.pending.push(t); }
    }
    // 3) admission: pending queue in arrival order, each task that fits starts.
    for (const m of machines) {
      if (!m.up) continue;
      for (const t of [...m.pending]) {
        const l = ledger(m);
        if (l.n === 0 || l.sum + t.req * p.overcommit <= m.cap) {
          m.pending.splice(m.pending.indexOf(t), 1);
          startTask(t, m, k);
        }
      }
    }
    // 4) usage.
    for (const m of machines) m.u = sumU(m, time);
    // 5) rebalancing at the first tick of each cycle, cells in order; then U again.
    if (k % p.interval === 0) {
      for (let c = 0; c < M; c += cs) rebalanceCell(machines.slice(c, Math.min(M, c + cs)).filter((m) => m.up), k, time);
      for (const m of machines) m.u = sumU(m, time);
    }
    // 6) accounting, progress (segment clock), finishes: up machines only.
    for (const m of machines) {
      if (!m.up) continue;
      const s = m.seg;
      if (s && (s.u !== m.u || s.cap !== m.cap || s.point !== point)) {
        m.v = s.v0 + s.inc * (k - s.a);
        m.seg = undefined;
      }
      if (!m.seg) m.seg = { a: k, v0: m.v, inc: m.u > m.cap ? tick * (m.cap / m.u) : tick, u: m.u, cap: m.cap, point };
      const vEnd = m.seg.v0 + m.seg.inc * (k - m.seg.a + 1);
      const usedNow = Math.min(m.u, m.cap);
      const overNow = Math.max(0, m.u - m.cap);
      m.pUsed += usedNow; m.pCap += m.cap; m.pOver += overNow; m.pUtil += usedNow / m.cap; m.pTicks++;
      m.tUtil += usedNow / m.cap; m.tTicks++;
      used += usedNow; capSum += m.cap; over += overNow; mticks++;
      for (const t of [...m.running]) {
        if (vEnd >= t.mark) {
          m.running.splice(m.running.indexOf(t), 1);
          t.state = 'done';
          t.finishTick = k;
          const sub = Math.max(t.submit, start);
          t.delay = (start + (k + 1) * tick - sub) / 1e6;
          t.stretch = (start + (k + 1) * tick - sub) / Math.max(t.work, tick);
        }
      }
    }
    if ((k + 1) % sampleTicks === 0 || k === nTicks - 1) endPoint(k);
  }

  // Delay and stretch (model.md "Metrics", "delay: 'all'").
  let dSum = 0, sSum = 0, dN = 0;
  counts.finished = 0; counts.unfinished = 0; counts.unfinishedNeverEnding = 0;
  for (const t of tasks) {
    if (t.state === 'done') { counts.finished++; dSum += t.delay; sSum += t.stretch; dN++; continue; }
    if (t.state !== 'running' && t.state !== 'pending') continue;
    counts.unfinished++;
    if (p.delay !== 'all') continue;
    const rest = t.state === 'running' ? t.mark - clock(machines.find((x) => x.running.includes(t))!, nTicks) : t.rest;
    if (!Number.isFinite(rest)) { counts.unfinishedNeverEnding++; continue; }
    const sub = Math.max(t.submit, start);
    const d = start + nTicks * tick - sub + rest;
    t.delay = d / 1e6;
    t.stretch = d / Math.max(t.work, tick);
    dSum += t.delay; sSum += t.stretch; dN++;
  }
  // Start events: a task requeued by a removal and started again counts again.
  counts.started = starts;
  counts.migrationsToFirst = firsts;
  counts.migrationsToSecond = seconds;
  counts.ticks = nTicks;
  counts.sampleTicks = sampleTicks;
  // The counts of a rule appear in `info` only under that rule (RULE_COUNTS).
  for (const [k, on] of Object.entries(RULE_COUNTS)) if (!on(p)) delete counts[k];

  const means: number[] = [];
  for (const m of machines) if (m.tTicks > 0) means.push(m.tUtil / m.tTicks);
  let gini = giniOf(means);
  if (p.gini === 'series-mean') {
    let w = 0, s = 0;
    for (let i = 0; i < pointGini.length; i++) { s += pointGini[i]! * pointTicks[i]!; w += pointTicks[i]!; }
    gini = w > 0 ? s / w : 0;
  }
  const migrated = firsts + seconds;
  const metrics: RunMetrics = {
    meanCpu: capSum > 0 ? used / capSum : 0,
    gini,
    overcommit: mticks > 0 ? over / mticks : 0,
    delay: dN > 0 ? dSum / dN : 0,
    stretch: dN > 0 ? sSum / dN : 0,
    migratedMemory: migMem,
    migrations: migs,
    firstShare: migrated > 0 ? firsts / migrated : 0,
    secondShare: migrated > 0 ? seconds / migrated : 0,
  };
  return { metrics, series: S, counts, tasks, sampleTicks };
}
