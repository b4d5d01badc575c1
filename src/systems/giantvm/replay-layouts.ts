/**
 * The memory layouts the GiantVM replay kernel (`assembly/replay.ts`) shares
 * with TypeScript, described once (see `src/wasm/layout.ts`): the replay
 * struct (counts, parameters, column addresses and the cursor between calls),
 * the per-cell and per-point accumulators, and the enumerations (policies,
 * machine event types, task states).
 *
 * @module
 */
import { enumeration, struct, type Layout } from '../../wasm/layout.ts';
import { POLICIES } from './types.ts';

/** Policy codes: the position in {@link POLICIES}; the kernel tests policies by name, never by number. */
export const POLICY = enumeration('Policy', 'GiantVM rebalancing policies (src/systems/giantvm/types.ts, POLICIES).', POLICIES);

/** Machine event types, as in Google 2011 `machine_events`. */
export const MACHINE_EVENT = enumeration('MachineEvent', 'Machine event types of the replay (Google 2011 machine_events).', ['add', 'remove', 'update']);

/** Where a task of the replay is (kernel state; the reference uses the same names). */
export const TASK_STATE = enumeration('TaskState', 'State of a replayed task.', ['unsubmitted', 'pending', 'running', 'done']);

/**
 * One replay's struct in its instance's memory: `replayInit` reads it and
 * resets the state block; `replayStep` advances the cursor (`tick`,
 * `nextTask`, `nextEvent`) kept here between calls. Column layouts are in
 * `assembly/replay.ts`.
 */
export const REPLAY = struct('Replay', 'One GiantVM replay: counts, parameters, column addresses, cursor (src/systems/giantvm/replay-layouts.ts).', {
  tasks: 'i32', machines: 'i32', cells: 'i32', events: 'i32', cellSize: 'i32',
  policy: 'i32', interval: 'i32', sampleEvery: 'i32', points: 'i32', ringPoints: 'i32', ticks: 'i32',
  tickUs: 'f64', startUs: 'f64', overcommit: 'f64', minMove: 'f64',
  time0Run: 'i32', requestStays: 'i32', destRequest: 'i32', memDesc: 'i32',
  // 1: a done task's slot goes on the free list (once the usage feed no longer holds it).
  recycle: 'i32',
  // 1: every slot has one window, its own (winB = slot, winE = slot + 1): the kernel reads it without the window cursor.
  slotWindows: 'i32',
  taskMachine: 'ptr', taskSubmitTick: 'ptr', taskSubmitUs: 'ptr', taskWork: 'ptr', taskReq: 'ptr',
  taskPrio: 'ptr', taskWinB: 'ptr', taskWinE: 'ptr',
  // Task slots' state (assembly/replay.ts): list links, state, window cursor, ledger home, finish mark, remaining work;
  // held: 1 while synthetic usage's live list holds the slot.
  taskNext: 'ptr', taskPrev: 'ptr', taskState: 'ptr', taskCur: 'ptr', taskHome: 'ptr', taskFinV: 'ptr', taskRem: 'ptr', taskHeld: 'ptr',
  // Rebalancing candidates (slots) and their sort keys.
  cand: 'ptr', candKey: 'ptr',
  // Staged arrivals: the slots of the tasks staged by the driver, in arrival order ([nextTask, staged) not arrived yet);
  // the free list: a stack of freeCount slots.
  arrivals: 'ptr', freeList: 'ptr',
  // A window's values: winEnd + w·winStride etc. (8: columns; the task slots' windows: one SlotWindow each).
  winEnd: 'ptr', winCpu: 'ptr', winMem: 'ptr', winMaxCpu: 'ptr', winMai: 'ptr', winStride: 'i32',
  machineCap: 'ptr', machineUp: 'ptr',
  eventTick: 'ptr', eventMachine: 'ptr', eventType: 'ptr', eventCap: 'ptr',
  cellAcc: 'ptr', cellPt: 'ptr', machPt: 'ptr', utilSum: 'ptr', upTicks: 'ptr',
  state: 'ptr',
  // Synthetic usage's feed (0: none): a window's max CPU not drawn yet is −(window + 1) and drawn from it when read.
  usageFeed: 'ptr',
  tick: 'i32', nextTask: 'i32', nextEvent: 'i32', staged: 'i32', freeCount: 'i32',
});

/** Accumulators of one cell over the whole run (f64 each). */
export const CELL_ACC = struct('CellAcc', 'Per-cell accumulators of a replay (f64 each).', {
  cpu: 'f64', cap: 'f64', over: 'f64', up: 'f64', delay: 'f64', stretch: 'f64', finished: 'f64',
  migMem: 'f64', migrations: 'f64', migFirst: 'f64', migSecond: 'f64', events: 'f64',
  arrived: 'f64', started: 'f64', requeued: 'f64',
  open: 'f64', openDelay: 'f64', openStretch: 'f64', openNever: 'f64',
});

/** Accumulators of one cell over one series point (f64 each). */
export const CELL_POINT = struct('CellPoint', 'Per-cell, per-series-point accumulators of a replay (f64 each).', {
  cpu: 'f64', cap: 'f64', over: 'f64', up: 'f64', migMem: 'f64', migrations: 'f64',
  migFirst: 'f64', migSecond: 'f64', running: 'f64', pending: 'f64',
});

/**
 * Synthetic usage drawn on demand for one replay part (`assembly/synthetic-usage.ts`,
 * driven by `usage-feed.ts`): the model's constants (from `src/io/fitted-params.ts`),
 * the per-slot columns (the replay's task slots) and the live list between calls.
 */
export const USAGE_FEED = struct('UsageFeed', 'Synthetic usage drawn on demand: model constants, per-slot columns, live list (src/systems/giantvm/replay-layouts.ts).', {
  // joins: slots staged since the last draw (joinList), joined at the next one.
  joins: 'i32', live: 'i32', capacity: 'i32',
  startUs: 'f64', windowUs: 'f64',
  cpuMu: 'f64', cpuSigma: 'f64', memMu: 'f64', memSigma: 'f64', memMax: 'f64', maiMu: 'f64', maiSigma: 'f64',
  peakMu: 'f64', peakSigma: 'f64', cpuS: 'f64', memS: 'f64', rho: 'f64', innovCpu: 'f64', innovMem: 'f64',
  taskKey: 'ptr', taskK0: 'ptr', taskCount: 'ptr', taskMem: 'ptr', taskReq: 'ptr', joinList: 'ptr',
  // The live list: `live` LiveEntry structs (LIVE_ENTRY), one per live task, in join order.
  liveList: 'ptr', rng: 'ptr',
  // The replay whose slots these are (0: none): a done task leaves the live list and its slot is freed.
  replay: 'ptr',
  // The slots' windows (SLOT_WINDOW each), where the draw writes each task's current window.
  slotWindows: 'ptr',
  // The draw's scratch, 32 bytes a slot: four f64 arrays of `capacity` each (a period's arguments
  // and results, side by side so that the maths runs over them two at a time in loops of its own).
  drawScratch: 'ptr',
  // Policies in lockstep (docs/model.md, "Policies in lockstep"): the feeds of the other replays of the
  // same part (mirrorCount addresses at `mirrors`), which this feed's draw also writes; `mirrorSlots`
  // holds each live entry's slot in each of them (mirrorCount i32 per entry, −1 once done there).
  mirrors: 'ptr', mirrorCount: 'i32', mirrorSlots: 'ptr',
});

/**
 * The window of one task slot (all slot modes): its values side by side, so
 * the kernel's usage sum (end and CPU) and a window period's draw (every
 * field) touch one or two cache lines of a slot, not one per column.
 * `memLog`: synthetic usage's memory log-noise of the window (its memory is
 * drawn from it when read).
 */
export const SLOT_WINDOW = struct('SlotWindow', 'The window of one task slot (src/systems/giantvm/replay-layouts.ts).', {
  end: 'f64', cpu: 'f64', mem: 'f64', maxCpu: 'f64', mai: 'f64', memLog: 'f64',
});

/**
 * One task of synthetic usage's live list (`UsageFeed.liveList`): all the draw
 * reads of the task each window period, copied from its slot's columns when it
 * joins, so the walk over the list reads it in order (one 64-byte entry) and
 * touches the task's slot only to check the replay's state and to write the
 * window. Its draw state: the CPU level and MAI (the memory level is folded
 * into `taskMem` at join), the AR(1) state, the current window (`cur`, -1: none).
 */
export const LIVE_ENTRY = struct('LiveEntry', 'One task of synthetic usage\'s live list (src/systems/giantvm/replay-layouts.ts).', {
  // cpu: the task's MAI while it joins (written into its slots then), afterwards its current window's mean CPU.
  cpuLevel: 'f64', cpu: 'f64', arCpu: 'f64', arMem: 'f64', req: 'f64',
  // drawn: the window period whose draw changed the task's window (its mirrors' slots are written by usageFeedScatter).
  slot: 'i32', key: 'u32', k0: 'i32', count: 'i32', cur: 'i32', drawn: 'i32',
});

/** Every GiantVM layout, for the rendering into `assembly/layouts.ts`. */
export const REPLAY_LAYOUTS: readonly Layout[] = [POLICY, MACHINE_EVENT, TASK_STATE, REPLAY, CELL_ACC, CELL_POINT, USAGE_FEED, LIVE_ENTRY, SLOT_WINDOW] as readonly Layout[];
