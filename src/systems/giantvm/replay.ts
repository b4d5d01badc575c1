/**
 * The WebAssembly trace replay of the GiantVM study (docs/model.md): prepare once,
 * simulate any range of cells in its own WebAssembly instance (columns copied
 * in one batch, the tick loop entirely in `assembly/replay.ts`), merge parts in
 * cell order. `simulate` is prepare + one part + merge.
 *
 * @module
 */
import { FairfitError } from '../../errors.ts';
import type { ReplayInput } from '../../model/tasks.ts';
import { GINI } from '../../kernels/kernel-layouts.ts';
import { Core, withScratch } from '../../wasm/module.ts';
import { assembleRun, checkParts, machineMeans, partMachines, NA, NPT, type PartialRun, type RunGinis } from './merge.ts';
import { CELL_ACC, CELL_POINT, POLICY, REPLAY } from './replay-layouts.ts';
import { cellCount, prepareReplay, type CellRange, type PreparedEvents, type PreparedReplay } from './prepare.ts';
import type { ReplayParams, RunResult } from './types.ts';
import { UsageFeed } from './usage-feed.ts';
import { TraceUsageFeed } from './trace-usage-feed.ts';
import { slotBytes, TaskSlots, type SlotMode } from './task-slots.ts';
import { ArrivalSharedReader, type ArrivalFile } from './arrival-file.ts';
import { POINT_BLOCK, pointsInMemory, type PointBlocks } from './part-collector.ts';
import { pointRows } from './spare-points.ts';

export { prepareReplay, prepareResolved, cellCount, withPolicy, withoutSeries, type CellRange, type PreparedReplay, type PreparedTasks, type PreparedWindows, type PreparedSynthetic, type PreparedTraceUsage, type PreparedEvents } from './prepare.ts';
export { defaultParams, DEFAULT_PARAMS, type ResolvedParams } from './replay-params.ts';
export type { PartialRun } from './merge.ts';

/**
 * Policies in lockstep hold a slot for every task of the part in each replay (`TaskSlots` `fixed`;
 * a slot's pages are touched only when used): at most `slotBytes` of them at once, else the group
 * runs in smaller groups one after another. It bounds the instance (4 GiB at most) and the memory
 * of a big part's replays (on a month's trace a part has ≈ 780k tasks, 187 MB of slots a replay:
 * groups of 2). Tests set it low.
 */
export const LOCKSTEP_TUNING = { slotBytes: 1 << 29 };

/** How many progress reports one `simulateCells` call makes at most (each is one `replayStep` call). */
const CHUNKS = 64;

/**
 * Series points the kernel holds at once (its ring of per-cell and per-machine
 * point sums); the driver copies finished points out between `replayStep`
 * calls, so the instance holds R points, not all of them.
 */
const RING_POINTS = 16;

/**
 * Folds the finished points [from, to) of the kernel's ring into the series' sums over cells, cell by
 * cell in cell order (the merge's additions, in its order, for each value: `sumPoints` in merge.ts).
 */
function foldPoints(ringCell: Float64Array, sums: Float64Array, cells: number, R: number, from: number, to: number): void {
  for (let c = 0; c < cells; c++) {
    for (let p = from; p < to; p++) {
      const src = (c * R + (p % R)) * NPT, dst = p * NPT;
      for (let x = 0; x < NPT; x++) sums[dst + x] = sums[dst + x]! + ringCell[src + x]!;
    }
  }
}

/**
 * Copies the finished points [from, to) out of the kernel's ring into the part's full series arrays,
 * cell by cell and machine by machine: a machine's points are a row of P, so point-major order wrote
 * one cache line per machine and point (the 614k-task window: 379 → 344 ms in one profile each).
 */
function drainPoints(ringCell: Float64Array, ringMach: Float64Array, cellPt: Float64Array, machPt: Float64Array, cells: number, machines: number, P: number, R: number, from: number, to: number): void {
  // No cells' series when the part folds them (foldPoints).
  for (let c = 0; c < cells && cellPt.length > 0; c++) {
    for (let p = from; p < to; p++) {
      const src = (c * R + (p % R)) * NPT, dst = (c * P + p) * NPT;
      for (let x = 0; x < NPT; x++) cellPt[dst + x] = ringCell[src + x]!;
    }
  }
  for (let m = 0; m < machines; m++) {
    const ring = m * R, row = m * P;
    for (let p = from; p < to; p++) machPt[row + p] = ringMach[ring + (p % R)]!;
  }
}

// Loops over columns are small top-level functions taking typed arrays: one
// type per call site whatever object the prepared replay came in (prepared
// here, re-policied by `withPolicy`, or cloned into a worker), so V8 optimises
// each once instead of recompiling a big function loop by loop.

/** Indices of the entries of `machine` in [m0, m1), in order. */
function pickIn(machine: Int32Array, m0: number, m1: number): Int32Array {
  const n = machine.length;
  let count = 0;
  for (let j = 0; j < n; j++) { const m = machine[j]!; if (m >= m0 && m < m1) count++; }
  const pick = new Int32Array(count);
  count = 0;
  for (let j = 0; j < n; j++) { const m = machine[j]!; if (m >= m0 && m < m1) pick[count++] = j; }
  return pick;
}

/**
 * {@link pickIn} for every range of a split of the cells at once (`ranges`: disjoint cell ranges):
 * one pass over the tasks, not one a part (a 190,926-task configuration cut into 8 parts scanned
 * every task 8 times; a 96-run sweep spent a fifth of its time there). Undefined for a range of
 * every machine (no pick list needed) and for tasks in an arrival file.
 */
export function picksFor(prep: PreparedReplay, ranges: readonly CellRange[]): (Int32Array | undefined)[] {
  if (prep.arrivals) return ranges.map(() => undefined);
  const machine = prep.tasks.machine, cs = prep.cellSize, M = prep.machines;
  const partOfCell = new Int32Array(cellCount(prep)).fill(-1);
  ranges.forEach((r, i) => partOfCell.fill(i, r.first, r.first + r.count));
  // Machine m of cell ⌊m / cellSize⌋ is in a range's [m0, m1) iff 0 ≤ m < machines and its cell is in the range.
  const partOf = (m: number): number => (m >= 0 && m < M ? partOfCell[Math.floor(m / cs)]! : -1);
  const counts = new Int32Array(ranges.length);
  for (let j = 0; j < machine.length; j++) { const q = partOf(machine[j]!); if (q >= 0) counts[q]!++; }
  const picks = ranges.map((_, i) => new Int32Array(counts[i]!));
  counts.fill(0);
  for (let j = 0; j < machine.length; j++) { const q = partOf(machine[j]!); if (q >= 0) picks[q]![counts[q]!++] = j; }
  return ranges.map((r, i) => (r.first === 0 && Math.min((r.first + r.count) * cs, M) === M ? undefined : picks[i]));
}

/** Total windows of the picked tasks. */
function pickedWindows(pick: Int32Array, winB: Int32Array, winE: Int32Array): number {
  let nw = 0;
  for (let x = 0; x < pick.length; x++) { const j = pick[x]!; nw += winE[j]! - winB[j]!; }
  return nw;
}

/** Whether every picked task (all when `pick` is undefined) has exactly one window (usage 'request'). */
function oneWindowEach(pick: Int32Array | undefined, n: number, winB: Int32Array, winE: Int32Array): boolean {
  for (let x = 0; x < n; x++) { const j = pick ? pick[x]! : x; if (winE[j]! - winB[j]! !== 1) return false; }
  return true;
}

/** How many of an arrival file's tasks are on machines [m0, m1) (all of them when the file does not say). */
function arrivalsIn(f: ArrivalFile, m0: number, m1: number): number {
  const per = f.perMachine;
  if (!per) return f.count;
  let n = 0;
  for (let m = m0; m < m1 && m < per.length; m++) n += per[m]!;
  return n;
}

/** The machines, tasks, windows and events of a range of cells, re-indexed locally, and how the kernel holds its tasks (task-slots.ts). */
function slice(prep: PreparedReplay, cells: CellRange, picked?: Int32Array) {
  const m0 = cells.first * prep.cellSize;
  const m1 = Math.min((cells.first + cells.count) * prep.cellSize, prep.machines);
  const ev = pickIn(prep.events.machine, m0, m1);
  // Tasks in an arrival file: the slots read the part's tasks from it as they fill (request usage: one window each).
  if (prep.arrivals) return { m0, m1, pick: undefined, nT: arrivalsIn(prep.arrivals, m0, m1), nw: 0, ev, mode: (prep.synthetic ? 'synthetic' : 'one') as SlotMode };
  const t = prep.tasks;
  const all = m0 === 0 && m1 === prep.machines;
  // All cells: every task (no pick list needed).
  const pick = all ? undefined : picked ?? pickIn(t.machine, m0, m1);
  const nT = pick ? pick.length : t.machine.length;
  const mode: SlotMode = prep.synthetic ? 'synthetic' : prep.traceUsage ? 'trace' : oneWindowEach(pick, nT, t.winB, t.winE) ? 'one' : 'whole';
  // Windows outside the slots: only when a task's windows are materialised.
  const nw = mode !== 'whole' ? 0 : pick ? pickedWindows(pick, t.winB, t.winE) : prep.windows.end.length;
  return { m0, m1, pick, nT, nw, ev, mode };
}

/** Event columns of the picked events, machines re-indexed from `m0`. */
function gatherEvents(e: PreparedEvents, ev: Int32Array, m0: number, tick: Int32Array, mach: Int32Array, type: Int32Array, cap: Float64Array): void {
  for (let x = 0; x < ev.length; x++) { const i = ev[x]!; tick[x] = e.tick[i]!; mach[x] = e.machine[i]! - m0; type[x] = e.type[i]!; cap[x] = e.cap[i]!; }
}

/** Checks a cell range of `prepared` (default: all cells). */
function cellRange(prepared: PreparedReplay, cells?: CellRange): CellRange {
  const range = cells ?? { first: 0, count: prepared.cells };
  if (!Number.isInteger(range.first) || !Number.isInteger(range.count) || range.first < 0 || range.count < 1 || range.first + range.count > prepared.cells) {
    throw new FairfitError('INVALID_OPTION', `cells [${range.first}, ${range.first + range.count}) is not a range of the ${prepared.cells} cells`, { field: 'cells' });
  }
  return range;
}

/**
 * Simulates cells `[first, first + count)` (default: all) in this thread's
 * replay instance (one per thread, `replayCore`). The result depends only on those cells, so parts can run on
 * different threads and be merged with {@link mergeRuns}.
 *
 * @param onProgress called a few times (never per task) with ticks done / total.
 * @throws FairfitError `INVALID_OPTION` for a cell range outside the replay.
 */
export function simulateCells(prepared: PreparedReplay, cells?: CellRange, onProgress?: (done: number, total: number) => void): PartialRun {
  return simulateCellsInLockstep([prepared], cells, onProgress)[0]!;
}

/**
 * Simulates the same cells of several preparations that differ only in their
 * policy (`withPolicy` of one preparation), in lockstep in one instance
 * (docs/model.md, "Policies in lockstep"): each window period's synthetic
 * usage is drawn once and written into every replay's slots, and each replay
 * steps to the same tick before the next draw. Each part equals
 * `simulateCells(prepared[i], cells)` bit for bit. Without synthetic usage
 * (nothing to share) the preparations are simulated one after another.
 *
 * @param onProgress called a few times (never per task) with ticks done / total of the whole batch.
 * @param fold the parts carry the series' sums over cells (`pointSums`), not each cell's series:
 *   `true` from cell 0 (the range must start there); or the parts of the cells just before
 *   these, one per preparation, themselves folded, whose sums these continue. For parts
 *   simulated one after another, in cell order, in one thread.
 * @param pick the range's tasks as {@link picksFor} gives them (made here when not given).
 * @throws FairfitError `INVALID_OPTION` for a cell range outside the replay, preparations that
 *   differ in more than their policy, or a fold that does not continue from the cells before.
 */
export function simulateCellsInLockstep(prepared: PreparedReplay[], cells?: CellRange, onProgress?: (done: number, total: number) => void, fold?: true | PartialRun[], pick?: Int32Array): PartialRun[] {
  const lead = prepared[0];
  if (!lead) return [];
  const range = cellRange(lead, cells);
  const continues = fold === true ? range.first === 0 : fold?.length === prepared.length && fold.every((f) => f.pointSums && f.first + f.count === range.first);
  if (fold && !continues) {
    throw new FairfitError('INVALID_OPTION', `a fold must continue the folded parts of cells [0, ${range.first}), one per preparation`, { field: 'fold' });
  }
  for (const p of prepared) {
    if (p.tasks !== lead.tasks || p.arrivals !== lead.arrivals || p.synthetic !== lead.synthetic || p.traceUsage !== lead.traceUsage || p.events !== lead.events ||
      p.keepPoints !== lead.keepPoints || p.cells !== lead.cells || p.ticks !== lead.ticks || p.points !== lead.points || p.sampleEvery !== lead.sampleEvery) {
      throw new FairfitError('INVALID_OPTION', 'policies in lockstep need one preparation (withPolicy of it)', { field: 'prepared' });
    }
  }
  return lockstep(prepared, range, slice(lead, range, pick), onProgress, fold);
}

/** {@link simulateCellsInLockstep} of checked preparations, with the part's slice made once for every group of them. */
function lockstep(prepared: PreparedReplay[], range: CellRange, sl: ReturnType<typeof slice>, onProgress: ((done: number, total: number) => void) | undefined, fold: true | PartialRun[] | undefined): PartialRun[] {
  const lead = prepared[0]!;
  // Smaller groups one after another: one preparation at a time without synthetic usage (nothing to
  // share); past the budget of fixed slots (one for every task of the part, in each replay), as many as fit.
  // The groups share the part's slice (their tasks and events are the same), made once.
  const size = !lead.synthetic ? 1 : Math.max(1, Math.floor(LOCKSTEP_TUNING.slotBytes / Math.max(1, sl.nT * slotBytes(sl.mode))));
  if (size < prepared.length) {
    const out: PartialRun[] = [];
    for (let i = 0; i < prepared.length; i += size) {
      const group = prepared.slice(i, i + size), K = prepared.length;
      const report = onProgress ? (d: number, t: number) => onProgress(i * t + d * group.length, K * t) : undefined;
      out.push(...lockstep(group, range, sl, report, fold === true ? true : fold?.slice(i, i + size)));
    }
    return out;
  }
  const began = performance.now();
  const core = replayCore();
  const mark = core.mark();
  const closing: { close(): void }[] = [];
  try {
    const sums = fold ? prepared.map((p, i) => fold === true ? new Float64Array(p.keepPoints === false ? 0 : p.points * NPT) : fold[i]!.pointSums!.slice()) : undefined;
    return simulateOn(core, prepared, range, sl, onProgress, began, closing, sums);
  } finally {
    for (const c of closing) c.close();
    core.release(mark);
  }
}

let threadCore: Core | undefined;

/**
 * This thread's replay instance, made once and kept (STYLE §4): a fresh
 * instance per run costs its instantiation and the page faults of a new,
 * zeroed linear memory every time. Each run takes the arena from a mark and
 * gives it back; `replayInit` resets every global and every output the kernel
 * accumulates into, so a reused memory gives the same bytes as a fresh one.
 * Replaced only after an abort (`broken`).
 */
export function replayCore(): Core {
  if (!threadCore || threadCore.broken) threadCore = new Core();
  return threadCore;
}

/** The part's inputs every replay of it reads (the kernel copies what it changes into its state block). */
interface PartInputs { mCap: number; mUp: number; eTick: number; eMach: number; eType: number; eCap: number }

/** One replay of a part in the part's instance, and where its outputs go. */
interface OpenReplay {
  replay: number;
  slots: TaskSlots;
  feed: UsageFeed | undefined;
  traceFeed: TraceUsageFeed | undefined;
  cellAcc: number; cellPt: number; machPt: number; utilSum: number; upTicks: number;
}

function partInputs(core: Core, prepared: PreparedReplay, m0: number, m1: number, ev: Int32Array): PartInputs {
  const nE = ev.length;
  const mCap = core.putF64(prepared.machineCap.subarray(m0, m1));
  const mUp = core.putI32(prepared.machineUp.subarray(m0, m1));
  const eTick = core.alloc(nE * 4), eMach = core.alloc(nE * 4), eType = core.alloc(nE * 4), eCap = core.alloc(nE * 8);
  gatherEvents(prepared.events, ev, m0, core.i32(eTick, nE), core.i32(eMach, nE), core.i32(eType, nE), core.f64(eCap, nE));
  return { mCap, mUp, eTick, eMach, eType, eCap };
}

/**
 * Sets up one replay of the part: its accumulators, state, feed, struct and task slots
 * (`fixed`: never moved, for several replays in one instance).
 */
function openReplay(core: Core, prepared: PreparedReplay, range: CellRange, sl: ReturnType<typeof slice>, inputs: PartInputs, fixed: boolean, closing: { close(): void }[], shared: ArrivalSharedReader | undefined): OpenReplay {
  const { m0, m1, pick, nT, nw, ev, mode } = sl;
  const nM = m1 - m0, P = prepared.points;
  // Materialised windows (whole mode): filled as the tasks are staged, in task order.
  const wE = core.alloc(nw * 8), wC = core.alloc(nw * 8), wM = core.alloc(nw * 8), wX = core.alloc(nw * 8), wA = core.alloc(nw * 8);
  const R = Math.min(P, RING_POINTS);
  const cellAcc = core.alloc(range.count * CELL_ACC.size);
  const cellPt = core.alloc(range.count * R * CELL_POINT.size);
  const machPt = core.alloc(nM * R * 8);
  const utilSum = core.alloc(nM * 8), upTicks = core.alloc(nM * 8);
  const state = core.alloc(core.exports.replayStateBytes(nM, range.count, prepared.sampleEvery));
  // Synthetic usage: the kernel stops at every window period, where the feed writes the next windows.
  const feed = prepared.synthetic ? new UsageFeed(core, prepared, prepared.synthetic) : undefined;
  const replay = core.alloc(REPLAY.size);
  // The task slots last: their block grows in place at the arena's top (unless fixed).
  const whole = { end: wE, cpu: wC, mem: wM, maxCpu: wX, mai: wA };
  const slots = new TaskSlots(core, prepared, pick, m0, nT, mode, { windows: mode === 'whole' ? { at: whole, n: nw } : undefined, m1, fixed, arrivals: shared?.cursor() });
  closing.push(slots);
  REPLAY.write(core.memory, replay, {
    tasks: nT, machines: nM, cells: range.count, events: ev.length, cellSize: prepared.cellSize,
    policy: POLICY.code[prepared.params.policy], interval: prepared.params.interval, sampleEvery: prepared.sampleEvery,
    points: P, ringPoints: R, ticks: prepared.ticks,
    tickUs: prepared.tick, startUs: prepared.start, overcommit: prepared.params.overcommit, minMove: prepared.params.minMove,
    time0Run: prepared.params.time0 === 'running' ? 1 : 0, requestStays: prepared.params.migratedRequest === 'stays' ? 1 : 0,
    destRequest: prepared.params.destinationCheck === 'request' ? 1 : 0, memDesc: prepared.params.memOrder === 'desc' ? 1 : 0,
    // Whole mode: the part's window columns; otherwise the slots' windows (replayFields).
    winEnd: whole.end, winCpu: whole.cpu, winMem: whole.mem, winMaxCpu: whole.maxCpu, winMai: whole.mai, winStride: 8,
    ...slots.replayFields(),
    machineCap: inputs.mCap, machineUp: inputs.mUp,
    eventTick: inputs.eTick, eventMachine: inputs.eMach, eventType: inputs.eType, eventCap: inputs.eCap,
    cellAcc, cellPt, machPt, utilSum, upTicks, state, usageFeed: feed?.address ?? 0,
    tick: 0, nextTask: 0, nextEvent: 0, staged: 0, freeCount: 0,
  });
  slots.attach(replay, feed);
  core.exports.replayInit(replay);
  // Whole windows: one slot per task of the part, all staged now (slot = local task index).
  if (!slots.recycle) slots.stage(Infinity);
  let traceFeed: TraceUsageFeed | undefined;
  if (prepared.traceUsage) closing.push(traceFeed = new TraceUsageFeed(prepared, prepared.traceUsage, pick, nT, slots));
  return { replay, slots, feed, traceFeed, cellAcc, cellPt, machPt, utilSum, upTicks };
}

/** `sums`: per replay, the series' sums over the cells before these, which this part's cells are folded into (else each cell's series is kept). */
function simulateOn(core: Core, prepared: PreparedReplay[], range: CellRange, sl: ReturnType<typeof slice>, onProgress: ((done: number, total: number) => void) | undefined, began: number, closing: { close(): void }[], sums: Float64Array[] | undefined): PartialRun[] {
  const lead = prepared[0]!;
  const { m0, m1, ev } = sl;
  const nM = m1 - m0, P = lead.points;
  const inputs = partInputs(core, lead, m0, m1, ev);
  const K = prepared.length;
  // Several replays of an arrival file's preparation read it once, in lockstep.
  const shared = K > 1 && lead.arrivals ? new ArrivalSharedReader(lead.arrivals, m0, m1, lead.machines) : undefined;
  if (shared) closing.push(shared);
  const open = prepared.map((p) => openReplay(core, p, range, sl, inputs, K > 1, closing, shared));
  const first = open[0]!;
  // Lockstep: the first replay's feed draws for all (its mirrors: the others' feeds, staged alike).
  if (first.feed) first.feed.lockstep(open.slice(1).map((o) => o.feed!), sl.nT);
  const R = Math.min(P, RING_POINTS);
  const total = lead.ticks;
  const chunk = Math.max(1, Math.ceil(total / CHUNKS));
  const keep = lead.keepPoints !== false;
  const out = open.map(() => ({ cell: new Float64Array(keep && !sums ? range.count * P * NPT : 0), mach: keep ? pointRows(nM * P) : new Float64Array(0) }));
  const se = lead.sampleEvery;
  for (let done = 0, drained = 0, report = chunk; done < total;) {
    // Never start point drained + R: its ring slot still holds point `drained`.
    let until = Math.min(total, report, keep ? (drained + R) * se : total);
    // The tasks arriving before the kernel's next stop into free slots, before a feed writes their windows:
    // synthetic usage joins those arriving before its next draw; usage read in time order stops at
    // every arrival tick, and writes the windows of those arriving up to `done`.
    let drew = -1;
    if (first.feed) {
      const horizon = first.feed.next(done);
      for (const o of open) o.slots.stage(horizon);
      const before = first.feed.period;
      until = Math.min(until, first.feed.feed(done));
      if (first.feed.period !== before) drew = first.feed.period;
    } else if (first.traceFeed) {
      first.slots.stage(done + 1);
      until = Math.min(until, first.traceFeed.feed(done));
    } else for (const o of open) o.slots.stage(until);
    for (const [i, o] of open.entries()) {
      // Lockstep: the windows this draw changed, into replay i's slots just before it steps.
      if (drew >= 0 && i > 0) core.exports.usageFeedScatter(first.feed!.address, i - 1, drew);
      done = core.exports.replayStep(o.replay, until);
    }
    const finished = done === total ? P : Math.floor(done / se);
    // Drained when the ring is full (the kernel stops there) or at the end, R points at once: a machine's
    // points are a row of P, so one point per drain wrote one cache line per machine and point
    // (the 614k-task window: a tenth of a policy's time, with a stop at every 5-minute draw).
    if (keep && finished > drained && (finished >= drained + R || done === total)) {
      for (const [i, o] of open.entries()) {
        const ringCell = core.f64(o.cellPt, range.count * R * NPT);
        if (sums) foldPoints(ringCell, sums[i]!, range.count, R, drained, finished);
        drainPoints(ringCell, core.f64(o.machPt, nM * R), out[i]!.cell, out[i]!.mach, range.count, nM, P, R, drained, finished);
      }
      drained = finished;
    }
    if (done >= report || done === total) { onProgress?.(done, total); report = done + chunk; }
  }
  return open.map((o, i) => ({
    first: range.first,
    count: range.count,
    machineFirst: m0,
    machines: nM,
    cellAcc: core.f64(o.cellAcc, range.count * NA).slice(),
    cellPt: out[i]!.cell,
    machPt: out[i]!.mach,
    utilSum: core.f64(o.utilSum, nM).slice(),
    upTicks: core.f64(o.upTicks, nM).slice(),
    elapsedMs: performance.now() - began,
    taskSlots: { capacity: o.slots.capacity, used: o.slots.used, bytesPerSlot: o.slots.bytesPerSlot },
    ...(sums ? { pointSums: sums[i]! } : {}),
  }));
}

/**
 * Merges parts (in cell order, covering every cell once) into one run:
 * byte-identical to a single part covering all cells. `points`: where the parts'
 * machine × point values are when not in their `machPt` (spilled to a file).
 *
 * @throws FairfitError `INVALID_OPTION` when the parts are out of order, overlap or leave cells out.
 */
export function mergeRuns(prepared: PreparedReplay, parts: PartialRun[], points?: PointBlocks): RunResult {
  checkParts(prepared, parts);
  const machines = partMachines(parts);
  const P = prepared.keepPoints === false ? 0 : prepared.points;
  const blocks = points ?? pointsInMemory(parts, P);
  // Both kinds of Gini in one scratch arena: the per-point ones a block of points a call, so the
  // arena holds machines × POINT_BLOCK values, not every point's (each column's Gini is its own).
  const ginis = withScratch((core): RunGinis => {
    const B = Math.min(P, POINT_BLOCK);
    const mat = core.alloc(machines * B * 8), x = core.alloc(GINI.values.COL_BLOCK * machines * 8), tmp = core.alloc(machines * 8);
    const hist = core.alloc(GINI.values.HIST_BYTES), out = core.alloc(Math.max(P, 1) * 8);
    let status = 0;
    for (let p0 = 0; p0 < P && status === 0; p0 += B) {
      const w = Math.min(B, P - p0);
      blocks.read(p0, p0 + w, core.f64(mat, machines * w));
      status = core.exports.giniColumns(mat, machines, w, x, tmp, hist, out + p0 * 8);
    }
    const pointGinis = core.f64(out, P).slice();
    if (status === 0) {
      const means = core.f64(x, machines);
      status = core.exports.gini(x, machineMeans(parts, means), tmp, hist, out);
    }
    if (status !== 0) throw new FairfitError('NOT_FINITE', `a per-machine utilisation is not a finite number ≥ 0 (status ${status})`, { field: 'utilisation' });
    return { overall: core.f64(out, 1)[0]!, points: pointGinis };
  });
  return assembleRun(prepared, parts, ginis);
}

/**
 * Merges the parts of preparations run in lockstep (`parts[k][i]`: range k of preparation i) into one
 * run each; `points[i]`: where preparation i's machine × point values are when spilled.
 */
export function mergeRunsInLockstep(prepared: PreparedReplay[], parts: PartialRun[][], points?: PointBlocks[]): RunResult[] {
  return prepared.map((p, i) => mergeRuns(p, parts.map((part) => part[i]!), points?.[i]));
}

/** Prepare + simulate every cell in this thread + merge. */
export function simulate(input: ReplayInput, params: Partial<ReplayParams>): RunResult {
  const prepared = prepareReplay(input, params);
  return mergeRuns(prepared, simulateCellsInLockstep([prepared], undefined, undefined, true));
}
