/**
 * The replay kernel's task slots for one part (docs/model.md, "The whole
 * trace", step 2): every per-task column the kernel and synthetic usage read
 * is per *slot*, and the driver stages the tasks arriving before its next
 * `replayStep` call's end into free slots (from the prepared columns, which
 * stay whole in shared memory). The kernel frees a done task's slot, unless
 * synthetic usage's live list still holds it (then the feed frees it when it
 * drops the task). So the part's instance holds the tasks alive at a time —
 * staged, pending or running — not all its tasks.
 *
 * All slot columns are one block, the last allocation of the part's arena: it
 * grows (doubling) in place — the arena is released to the block's start and
 * allocated again, the columns moved up last first (each column's new place
 * is at or after its old one, and ends before the next column's new place).
 *
 * Modes: `synthetic`, `one` (one window per task: usage 'request') and
 * `trace` (usage read in time order, trace-usage-feed.ts, which writes the
 * windows of the slot `slotOf` gives it and holds the slot until the task's
 * last window) recycle slots; `whole` (a task's windows materialised, usage
 * read whole) keeps one slot per task of the part (slot = local task index),
 * staged at once, as before.
 *
 * Nothing in the kernel orders or breaks ties by slot (lists keep insertion
 * order, candidates list order), so which slot a task gets never changes a bit.
 *
 * @module
 */
import type { Core } from '../../wasm/module.ts';
import { type PreparedReplay, type PreparedSynthetic, type PreparedTasks, type PreparedWindows } from './prepare.ts';
import { ArrivalReader, type ArrivalSource } from './arrival-file.ts';
import { LIVE_ENTRY, REPLAY, SLOT_WINDOW, TASK_STATE, USAGE_FEED } from './replay-layouts.ts';
import { SlotWindows } from './slot-windows.ts';
import type { WindowSlots as WindowAddresses } from './usage-feed.ts';

export type SlotMode = 'synthetic' | 'one' | 'whole' | 'trace';

/** Indices of the replay struct's cursor fields in an Int32Array over it. */
const NEXT_TASK = REPLAY.offset.nextTask / 4, STAGED = REPLAY.offset.staged / 4, FREE_COUNT = REPLAY.offset.freeCount / 4;

/** Slots a recycling part starts with (it doubles when they run out); tests set it low to make the slots grow often. */
export const SLOT_TUNING = { initial: 1024 };

/** Per-slot columns and their bytes per slot: f64 columns first (8-byte aligned at any capacity). */
function columnsOf(mode: SlotMode): [string, number][] {
  const cols: [string, number][] = [['sub', 8], ['work', 8], ['req', 8], ['finV', 8], ['rem', 8], ['candKey', 8]];
  // Each slot's window (slot-windows.ts); whole mode's windows are the part's own columns.
  if (mode !== 'whole') cols.push(['win', SLOT_WINDOW.size]);
  // The live list: at most one entry per slot; the draw's scratch (usage-feed: 4 f64 a slot).
  if (mode === 'synthetic') cols.push(['fMem', 8], ['live', LIVE_ENTRY.size], ['draw', 32]);
  cols.push(['machine', 4], ['tick', 4], ['prio', 4], ['winB', 4], ['winE', 4], ['next', 4], ['prev', 4], ['state', 4], ['cur', 4], ['home', 4], ['cand', 4], ['arrivals', 4]);
  if (mode !== 'whole') cols.push(['held', 4], ['free', 4]);
  if (mode === 'synthetic') cols.push(['key', 4], ['k0', 4], ['count', 4], ['join', 4]);
  return cols;
}

/** Bytes of one slot of `mode` (all its columns). */
export function slotBytes(mode: SlotMode): number {
  return columnsOf(mode).reduce((s, [, b]) => s + b, 0);
}

/** Copies windows [b, e) of `w` to `win` from `at`; returns the next free slot. */
function copyWindowRange(w: PreparedWindows, b: number, e: number, win: PreparedWindows, at: number): number {
  for (let y = b; y < e; y++, at++) { win.end[at] = w.end[y]!; win.cpu[at] = w.cpu[y]!; win.mem[at] = w.mem[y]!; win.maxCpu[at] = w.maxCpu[y]!; win.mai[at] = w.mai[y]!; }
  return at;
}

/** Options of {@link TaskSlots}' constructor. */
export interface SlotOptions {
  /** Whole mode: the part's window columns. */
  windows?: { at: WindowAddresses; n: number };
  /** The end of the part's machine range (default: all machines). */
  m1?: number;
  /** One slot per task from the start, never moved. */
  fixed?: boolean;
  /** The arrival file's blocks, when the preparation has one and a reading is shared. */
  arrivals?: ArrivalSource;
}

/** The struct a synthetic feed is drawn through, as the slots need it (usage-feed.ts implements it). */
export interface SlotFeed {
  /** Points the feed at the slots' columns (again after they moved) and at the replay. */
  bindSlots(cols: Record<string, number>, capacity: number, replay: number): void;
  readonly address: number;
}

/**
 * The part's tasks in arrival order, one chunk of columns at a time: the
 * prepared columns through the part's pick list (one chunk), or the blocks of
 * an arrival file (arrival-file.ts), already reduced to the part's machines.
 */
interface Chunk {
  tasks: Pick<PreparedTasks, 'machine' | 'submitTick' | 'priority' | 'submitUs' | 'work' | 'req' | 'winB' | 'winE'>;
  syn: Pick<PreparedSynthetic, 'key' | 'k0' | 'count' | 'mem'> | undefined;
  /** An arrival file's memory requests: a task's request window is made from them (mode 'one'). */
  requestMem: Float64Array | undefined;
  pick: Int32Array | undefined;
  n: number;
}

export class TaskSlots {
  readonly mode: SlotMode;
  readonly recycle: boolean;
  /** Trace mode: the slot of each task of the part staged so far (local index → slot), for the usage feed. */
  readonly slotOf: Int32Array | undefined;
  /** Bytes of one slot (all its columns). */
  readonly bytesPerSlot: number;
  private readonly core: Core;
  private readonly prepared: PreparedReplay;
  private readonly m0: number;
  /** The chunk being staged, and the position in it; an arrival file's reader when the tasks come from one. */
  private chunk: Chunk;
  private k = 0;
  private readonly reader: ArrivalSource | undefined;
  private readonly n: number;
  private readonly cols: [string, number][];
  private readonly mark: number;
  private readonly base: number;
  /** Whole mode: the addresses of the part's windows (`nw` of them), filled in task order as the tasks are staged. */
  private readonly windows: { at: WindowAddresses; n: number } | undefined;
  private cap: number;
  private offset: Record<string, number> = {};
  /** Next task of the part to stage; slots never used yet (from `fresh` up); next free window (whole mode). */
  private pos = 0;
  private fresh = 0;
  private winAt = 0;
  private replayAt = 0;
  private feed: SlotFeed | undefined;

  /**
   * Allocates the block in `core`'s arena (which must allocate nothing after it
   * while the part runs). `n` tasks of the part: `pick[x]` of the prepared
   * columns (all when undefined), machines re-indexed from `m0`. `windows`:
   * the part's window columns in whole mode. A preparation with an arrival
   * file: its tasks of machines [m0, m1) (`pick` unused; `n` an upper bound).
   * `fixed`: one slot per task from the start, never moved, so that the block
   * need not be the arena's last allocation (policies in lockstep: several
   * replays' slots in one instance). A slot's pages are touched only once it
   * is used, so the slots in use, not `n`, set the memory it takes.
   * `arrivals`: where the arrival file's blocks come from (a cursor of a reading
   * shared by the part's replays); by default a reader of its own.
   */
  constructor(core: Core, prepared: PreparedReplay, pick: Int32Array | undefined, m0: number, n: number, mode: SlotMode, opts: SlotOptions = {}) {
    const { windows, m1 = prepared.machines, fixed = false } = opts;
    this.core = core;
    this.prepared = prepared;
    this.m0 = m0;
    const f = prepared.arrivals;
    if (f) {
      this.reader = opts.arrivals ?? new ArrivalReader(f, m0, m1, prepared.machines);
      this.chunk = { tasks: prepared.tasks, syn: undefined, requestMem: undefined, pick: undefined, n: 0 };
    } else {
      this.chunk = { tasks: prepared.tasks, syn: prepared.synthetic, requestMem: undefined, pick, n };
    }
    this.n = n;
    this.mode = mode;
    this.recycle = mode !== 'whole';
    this.slotOf = mode === 'trace' ? new Int32Array(n) : undefined;
    this.windows = windows;
    this.cols = columnsOf(mode);
    this.bytesPerSlot = slotBytes(mode);
    this.cap = Math.max(1, this.recycle && !fixed ? Math.min(n, SLOT_TUNING.initial) : n);
    this.mark = core.mark();
    this.base = core.alloc(this.layout(this.cap));
  }

  /** Slots the block holds now (it only grows). */
  get capacity(): number {
    return this.cap;
  }

  /** Slots ever used: the most held at once (a new slot is taken only when none is free). */
  get used(): number {
    return this.fresh;
  }

  /** Sets the column offsets for `cap` slots; returns the block's bytes. */
  private layout(cap: number): number {
    let at = 0;
    for (const [name, b] of this.cols) { this.offset[name] = at; at += Math.ceil((cap * b) / 8) * 8; }
    return at;
  }

  /** Address of a column (0 when this mode has none). */
  col(name: string): number {
    const o = this.offset[name];
    return o === undefined ? 0 : this.base + o;
  }

  /** The replay struct's slot fields (they change when the slots grow). */
  replayFields() {
    const c = (s: string) => this.col(s);
    return {
      recycle: this.recycle ? 1 : 0, slotWindows: this.mode === 'whole' ? 0 : 1,
      taskMachine: c('machine'), taskSubmitTick: c('tick'), taskSubmitUs: c('sub'), taskWork: c('work'), taskReq: c('req'),
      taskPrio: c('prio'), taskWinB: c('winB'), taskWinE: c('winE'),
      taskNext: c('next'), taskPrev: c('prev'), taskState: c('state'), taskCur: c('cur'), taskHome: c('home'),
      taskFinV: c('finV'), taskRem: c('rem'), taskHeld: c('held'), cand: c('cand'), candKey: c('candKey'),
      arrivals: c('arrivals'), freeList: c('free'),
      // Whole mode: the part's windows are not slot columns (the caller sets these).
      ...(this.mode === 'whole' ? {} : { ...this.windowSlots(), winStride: SLOT_WINDOW.size }),
    };
  }

  /** Where the kernel finds the first slot's window values, the replay struct's fields (one SlotWindow a slot; whole mode: none). */
  private windowSlots() {
    const w = this.col('win'), o = SLOT_WINDOW.offset;
    return { winEnd: w + o.end, winCpu: w + o.cpu, winMem: w + o.mem, winMaxCpu: w + o.maxCpu, winMai: w + o.mai };
  }

  /** Binds the slots to the replay struct at `replayAt` (its slot fields, no task staged) and to synthetic usage's feed. */
  attach(replayAt: number, feed?: SlotFeed): void {
    this.replayAt = replayAt;
    this.feed = feed;
    this.cached = undefined; // its cursor view is over the replay struct
    REPLAY.update(this.core.memory, replayAt, { ...this.replayFields(), nextTask: 0, staged: 0, freeCount: 0 });
    this.bindFeed();
  }

  private bindFeed(): void {
    this.feed?.bindSlots({
      taskKey: this.col('key'), taskK0: this.col('k0'), taskCount: this.col('count'), taskMem: this.col('fMem'), taskReq: this.col('req'),
      joinList: this.col('join'), liveList: this.col('live'),
      slotWindows: this.col('win'), drawScratch: this.col('draw'),
    }, this.cap, this.replayAt);
  }

  /** Doubles the slots (at most one per task of the part), in place. */
  private grow(): void {
    const old = { ...this.offset }, oldCap = this.cap;
    this.cap = Math.min(this.n, this.cap * 2);
    this.core.release(this.mark);
    const at = this.core.alloc(this.layout(this.cap));
    if (at !== this.base) throw new Error('task slots: the block must be the last allocation of the arena');
    const u8 = new Uint8Array(this.core.memory.buffer);
    for (let i = this.cols.length - 1; i >= 0; i--) {
      const [name, b] = this.cols[i]!;
      if (name === 'draw') continue; // the draw's scratch holds nothing between draws
      const from = this.base + old[name]!;
      u8.copyWithin(this.base + this.offset[name]!, from, from + oldCap * b);
    }
    REPLAY.update(this.core.memory, this.replayAt, this.replayFields());
    this.bindFeed();
  }

  /** Whether a task is left to stage and arrives before tick `h` (loads the next chunk when this one is done). */
  private due(h: number): boolean {
    while (this.k >= this.chunk.n) if (!this.nextChunk()) return false;
    const c = this.chunk;
    return c.tasks.submitTick[c.pick ? c.pick[this.k]! : this.k]! < h;
  }

  /** The next block of the arrival file (false: none is left, or the tasks come from the prepared columns). */
  private nextChunk(): boolean {
    const r = this.reader;
    if (!r || !r.advance()) return false;
    const b = r.tasks;
    const none = new Int32Array(0);
    this.chunk = { tasks: { ...b, winB: none, winE: none }, syn: this.prepared.arrivals!.synthetic ? b : undefined, requestMem: b.mem, pick: undefined, n: r.n };
    this.k = 0;
    return true;
  }

  /** Closes the arrival file, if any (done by the part whatever happens to it). */
  close(): void {
    this.reader?.close();
  }

  /**
   * Stages the tasks not staged yet that arrive before tick `horizon` (and
   * before the run's end) into free slots, after the arrivals the kernel has
   * not reached yet; synthetic tasks with windows also go on the feed's join
   * list. Call between `replayStep` calls, before the feed's draw.
   */
  stage(horizon: number): void {
    // Recycling: only tasks that arrive before the run ends take a slot; otherwise every task has its own.
    const h = this.recycle ? Math.min(horizon, this.prepared.ticks) : horizon;
    if (this.pos >= this.n || !this.due(h)) return;
    const mem = this.core.memory;
    let v = this.views();
    // The arrivals the kernel has not reached yet move to the front.
    const r = v.cursor, nextTask = r[NEXT_TASK]!;
    let staged = r[STAGED]! - nextTask, freeCount = r[FREE_COUNT]!;
    v.arrivals.copyWithin(0, nextTask, r[STAGED]!);
    const whole = this.windows ? this.windowViews(this.windows.at, this.windows.n) : undefined;
    let joins = this.feed ? USAGE_FEED.get(mem, this.feed.address, 'joins') : 0;
    const w = this.prepared.windows, ratio = this.prepared.params.usageRatio;
    for (; this.pos < this.n && this.due(h); this.pos++, this.k++) {
      const c = this.chunk, t = c.tasks, syn = c.syn;
      const j = c.pick ? c.pick[this.k]! : this.k;
      const tick = t.submitTick[j]!;
      let x: number;
      if (freeCount > 0) x = v.free[--freeCount]!;
      else {
        if (this.fresh === this.cap) { this.grow(); v = this.views(); }
        x = this.fresh++;
      }
      v.machine[x] = t.machine[j]! - this.m0; v.tick[x] = tick; v.prio[x] = t.priority[j]!;
      v.sub[x] = t.submitUs[j]!; v.work[x] = t.work[j]!; const req = v.req[x] = t.req[j]!;
      // Not done: synthetic usage drops a done task (the kernel sets the state when it arrives).
      v.state[x] = TASK_STATE.code.unsubmitted;
      if (this.mode === 'whole') {
        v.winB[x] = this.winAt;
        this.winAt = copyWindowRange(w, t.winB[j]!, t.winE[j]!, whole!, this.winAt);
        v.winE[x] = this.winAt;
      } else {
        v.winB[x] = x; v.winE[x] = x + 1;
        if (this.mode === 'one') {
          // An arrival file holds no windows: a task's one window is its request's (usage 'request').
          if (c.requestMem) v.win.request(x, req, c.requestMem[j]!, ratio);
          else v.win.copy(w, t.winB[j]!, t.winE[j]!, x);
          v.held[x] = 0;
        } else if (this.mode === 'synthetic') {
          // A task with synthetic windows gets them from the feed before it can run; one without, its request window.
          const count = v.count[x] = syn!.count[j]!;
          v.key[x] = syn!.key[j]!; v.k0[x] = syn!.k0[j]!; v.fMem[x] = syn!.mem[j]!;
          if (count === 0) v.win.request(x, req, syn!.mem[j]!, ratio);
          else v.win.set(x, Infinity, 0, 0, 0, Number.NaN);
          v.held[x] = count > 0 ? 1 : 0;
          if (count > 0) v.join[joins++] = x;
        } else if (this.mode === 'trace') {
          // A task with usage rows gets its window from the feed when it arrives (and is held by it until its last); one without, its request window.
          const u = this.prepared.traceUsage!, rows = u.rows[j]!;
          if (rows === 0) v.win.request(x, req, u.mem[j]!, ratio);
          else v.win.set(x, Infinity, 0, 0, 0, Number.NaN);
          v.held[x] = rows > 0 ? 1 : 0;
          this.slotOf![this.pos] = x;
        }
      }
      v.arrivals[staged++] = x;
    }
    const cur = v.cursor;
    cur[NEXT_TASK] = 0; cur[STAGED] = staged; cur[FREE_COUNT] = freeCount;
    if (this.feed) USAGE_FEED.update(mem, this.feed.address, { joins });
  }

  private windowViews(a: WindowAddresses, n: number): PreparedWindows {
    const c = this.core;
    return { end: c.f64(a.end, n), cpu: c.f64(a.cpu, n), mem: c.f64(a.mem, n), maxCpu: c.f64(a.maxCpu, n), mai: c.f64(a.mai, n) };
  }

  /**
   * Views over the slot columns, made again only when the slots grew or the
   * memory did (the usage feed asks for them at every step).
   */
  views(): ReturnType<TaskSlots['makeViews']> {
    if (!this.cached || this.cachedCap !== this.cap || this.cached.sub.buffer !== this.core.memory.buffer) {
      this.cached = this.makeViews();
      this.cachedCap = this.cap;
    }
    return this.cached;
  }

  private cached: ReturnType<TaskSlots['makeViews']> | undefined;
  private cachedCap = 0;

  /** Whether the kernel has the task in slot x done. */
  isDone(x: number): boolean {
    return this.views().state[x] === TASK_STATE.code.done;
  }

  /** The usage feed no longer writes slot x: the kernel frees it when its task is done, or it is freed now if it is. */
  unhold(x: number): void {
    const v = this.views();
    v.held[x] = 0;
    if (v.state[x] !== TASK_STATE.code.done) return;
    v.free[v.cursor[FREE_COUNT]!++] = x;
  }

  private makeViews() {
    const c = this.core, n = this.cap;
    const i = (s: string) => c.i32(this.col(s), this.col(s) ? n : 0), f = (s: string) => c.f64(this.col(s), this.col(s) ? n : 0);
    return {
      machine: i('machine'), tick: i('tick'), prio: i('prio'), winB: i('winB'), winE: i('winE'), state: i('state'), held: i('held'),
      arrivals: i('arrivals'), free: i('free'), key: i('key'), k0: i('k0'), count: i('count'), join: i('join'),
      sub: f('sub'), work: f('work'), req: f('req'), fMem: f('fMem'),
      win: new SlotWindows(c.memory.buffer, this.col('win'), this.col('win') ? n : 0),
      // The replay struct's i32 fields, by offset / 4 (the cursor and the free list's count).
      cursor: c.i32(this.replayAt, REPLAY.size / 4),
    };
  }
}
