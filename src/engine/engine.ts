/**
 * The embeddable IPTAS engine: a host application tells it about nodes and
 * tasks, asks it each round what to run where, and reports back what
 * happened. All task, user, node and gang state is columnar in one
 * WebAssembly instance (layout: `src/systems/iptas/engine-layouts.ts`); a
 * round — priority recompute, ordering, sorted first-fit with dispatch rings
 * and gangs, aging — is one call into `assembly/engine.ts`. The rules are
 * those of {@link ReferenceEngine} (docs/model.md, "IPTAS round scheduler"),
 * and a differential test holds the two to the same results.
 *
 * What stays in TypeScript is what a host names and what changes rarely: the
 * ids of tasks, users, nodes and gangs, node health and weights, user
 * histories (ε_u), and the checks every call runs before it changes anything.
 *
 * @module
 */
import { didYouMean, FairfitError, shown, unknownKey } from '../errors.ts';
import { capacityWeights } from '../kernels/capacity.ts';
import { GINI, MATCHER, MISS_MEMO, PRIORITY_PARAMS } from '../kernels/kernel-layouts.ts';
import { resolvePriorityParams } from '../kernels/priority-params.ts';
import { priorityTerms, priorityTotal, checkHeartbeatReport, checkInto, checkNode, checkRoundBuffers, inHandles, checkNodeUpdate, checkNow, checkProcs, checkResult, checkTask, MAX_PROCS, checkUsageColumns, checkVector, inItem, inNodes, inUsage, notTaskId, unknownUsageTask, usageField, PrefixViews, roundOutput, roundResult, roundViews, stateError, type CheckedNode, type CheckedTask } from '../systems/iptas/engine-checks.ts';
import { NODE_FLAG, NodeRow, NodeTable, type NodeColumns } from './node-table.ts';
import { ENGINE, ENGINE_ROW_CHECK, ENGINE_ROW_COLUMN, ENGINE_SCRATCH, ENGINE_TASK_STATE } from '../systems/iptas/engine-layouts.ts';
import type { IptasEngine } from '../systems/iptas/engine-api.ts';
import { MAX_RING_SLOTS, resolveIptasParams, type IptasParams, type ResolvedIptasParams } from '../systems/iptas/params.ts';
import { applyCommand, applyCommandLine, type CommandResult } from '../systems/iptas/commands.ts';
import type {
  Counts, EngineDump, Explanation, GangInput, HealthResult, Kill, LengthClass, NodeInput, NodeUpdate, Reason, RoundBuffers, RoundHandles, RoundResult, TaskInput, TaskState, TaskView,
} from '../systems/iptas/reference-engine.ts';
import { crc32 } from 'node:zlib';
import { Core, MAX_CORE_BYTES, Views, moduleHash } from '../wasm/module.ts';
import { columnAllZero, columnFitsU8, planColumn, readColumn, writeColumn, type CodecScratch, type ColumnPlan, type NumberColumn } from './column-codec.ts';
import { IdIndex } from './id-index.ts';
import { IdTable, IdText } from './id-table.ts';
import { checkRuns, IdRuns, RunTracker, type IdRun } from './id-runs.ts';
import { UserHistory } from './user-history.ts';

const S = ENGINE_TASK_STATE.code;
const STATE_NAMES = ENGINE_TASK_STATE.names as readonly TaskState[];

/** Where an engine lives and how much room it starts with. */
export interface EngineOptions {
  /** Task rows reserved up front (grows by doubling). Default 1024. */
  taskCapacity?: number;
  /** Node rows reserved up front (grows by doubling). Default 16. */
  nodeCapacity?: number;
  /**
   * Touch every reserved row when it is reserved (default false): the page
   * faults of fresh memory are paid then, not by the first rounds that use the
   * rows — for hosts that reserve a large `taskCapacity` and care about the
   * latency of their first rounds more than about memory they may never use.
   */
  prefault?: boolean;
  /**
   * Most bytes of WebAssembly memory the engine may use (default 4 GiB, all a
   * memory holds). A call that would need more is `OUT_OF_MEMORY` and changes
   * nothing, as when the machine refuses the pages: the engine goes on as before
   * the call. The engine starts with its reserved rows (about 200 bytes a task
   * row and 4·ringCapacity bytes a node row), so the limit must hold them.
   */
  memoryLimit?: number;
}

/** A submission checked and ready to add: one task (`procs` 0) or a gang; its demand in the engine's staging buffer. */
interface Prepared {
  t: CheckedTask;
  id: string;
  procs: number;
}

/** A group of engine columns that grow together: the struct field, the bytes of one row. */
type Group = readonly (readonly [keyof typeof ENGINE.offset, number, boolean])[];

interface UserMeta {
  name: string;
  history: UserHistory;
}

/** A user in a snapshot (JSON). */
interface SnapshotUser {
  name: string;
  history: [number, number][];
}

/** Views over the engine's columns, remade after the memory grew. */
interface Cols {
  state: Int32Array; user: Int32Array; dataGB: Float64Array; request: Float64Array; demand: Float64Array; large: Int32Array;
  rounds: Int32Array; place: Int32Array; gang: Int32Array; pNode: Int32Array; pStart: Float64Array; pT0: Float64Array; pDeadline: Float64Array;
  waitList: Int32Array; submitTime: Float64Array; plainRow: Int32Array; failures: Uint8Array; running: Int32Array; epsilon: Float64Array; ringBuf: Int32Array; ringHead: Int32Array; ringLen: Int32Array; busy: Int32Array;
  gangFirst: Int32Array; gangSize: Int32Array; outTask: Int32Array; outNode: Int32Array;
  res: Float64Array; matcherNode: Int32Array;
  /** The Engine struct as i32 words (i32 fields at offset / 4) and as f64 words (f64 fields at offset / 8). */
  hdr: Int32Array;
  hdrF64: Float64Array;
}

const F_NOW = ENGINE.offset.now >> 3;

const W_WAITING = ENGINE.offset.waiting >> 2;
const W_GANGS = ENGINE.offset.gangs >> 2;
const W_PLACEMENTS = ENGINE.offset.placements >> 2;

/**
 * The IPTAS engine in WebAssembly. Same calls, rules and results as
 * {@link ReferenceEngine}; one instance of its own (`close()` or `using`).
 *
 * @example
 * using engine = new Engine();
 * engine.addNode({ capacity: [8, 32] });
 * engine.submit({ id: 'a', user: 'u1', demand: [1, 2], dataGB: 5, requestTime: 60 });
 * engine.runRound(0).placements; // → [{ task: 'a', node: 0 }]
 */
export class Engine implements IptasEngine {
  private readonly resolved: ResolvedIptasParams;
  private core: Core | undefined;
  private readonly e: number;
  /** {@link CODEC_SCRATCH} bytes a snapshot's columns pass through on their way out or in (column-codec.ts). */
  private readonly codecAt: number;
  private readonly dims: number;
  private views: Views<Cols> | undefined;
  private clock = 0;
  private taskCap: number;
  /** Rows of a round's scratch (SORT_GROUP): at least the waiting tasks when a round runs. */
  private sortCap: number;
  /** Placement records (PLACE_GROUP): as many as the task rows when made (a task has at most one); grown by a round that may need more after the task rows grew. */
  private placeCap: number;
  private userCap = 16;
  private nodeCap: number;
  private gangCap = 16;
  private undoCap = 0;
  /** The tree size the miss memo (`sMemo`) was made for; 0: none yet ({@link missMemo}). */
  private memoSize = 0;
  /** Ids of the plain tasks, in submission order; a gang member's id (`<gang>#k`) is made when asked for. */
  private idList: string[] = [];
  /** A restored engine's plain ids, as the snapshot had them (one text, each id's length), until a call needs them one by one. */
  private idText: (IdLengths & { source: IdText }) | undefined;
  /** A restored engine's plain ids, as the snapshot had them when they were runs (id-runs.ts), until a call needs them one by one. */
  private idRuns: IdRuns | undefined;
  /** The plain ids as runs, kept as they are added (undefined runs: not numbered ids, kept as a text). */
  private idRunTracker = new RunTracker([], 0);
  /** The ids of the plain tasks, in submission order (cut from the restored text or runs when first needed). */
  private get plainIds(): string[] {
    if (this.idText !== undefined) {
      const { source: { text }, lengths } = this.idText;
      const ids = new Array<string>(lengths.length);
      let at = 0;
      for (let k = 0; k < lengths.length; k++) ids[k] = text.slice(at, (at += lengths[k]!));
      this.idList = ids;
      this.idText = undefined;
    } else if (this.idRuns !== undefined) {
      this.idList = this.idRuns.list();
      this.idRuns = undefined;
    }
    return this.idList;
  }

  /** Plain task ids → task index (gang members are found through their gang); after a restore, only the ids added since. */
  private readonly index: IdIndex;
  /** Rows [0, identityRows) are plain tasks whose place among the plain ids is their own row (a restore writes no plainRow for them). */
  private identityRows = 0;
  /** A restored engine's plain ids: one text, found through a hash table made when a call first names a task by id. */
  private restoredIds: IdTable | IdRuns | undefined;
  /** How many plain task ids in `index` contain '#' (only those can collide with a gang member's id). */
  private hashIds = 0;
  private readonly prefault: boolean;
  /** The `submitMany` batch being checked, and whether an id is taken by a task or by an item of it (one function for every call). */
  private batch: Batch = EMPTY_BATCH;
  private readonly knownId = (id: string): boolean => this.lookup(id) !== undefined || this.batch.ids.has(id) || memberOf(id, this.batch.gangs) >= 0;
  /** Marks over nodes: node i is given in the current `drainDispatchMany` call iff nodeMark[i] = drainStamp (a new stamp a call: nothing to clear). */
  private nodeMark = new Int32Array(0);
  private drainStamp = 0;
  /** The views of the buffers a host lends to rounds and drains, made once per length. */
  private readonly roundViews = roundViews();
  private readonly drainViews = new PrefixViews<Int32Array>();
  private readonly submitViews = new PrefixViews<Int32Array>();
  private readonly killViews = new PrefixViews<Int32Array>();
  /** The demands of a submission being checked, row k for item k (they are copied into the task columns when added). */
  private stage = new Float64Array(8);
  private users: UserMeta[] = [];
  private userIndex = new Map<string, number>();
  private gangIds: string[] = [];
  /** Gang ids → gang number. */
  private readonly gangIndex: IdIndex;
  /** The nodes' values (node-table.ts); `nodes` reads and writes them one node at a time. */
  private nodeTable: NodeTable;
  private nodes: NodeRow[] = [];
  private nodeIds = new Map<string, number>();
  private order: number[] = [];
  private defaultThreshold: number[] | undefined;
  /**
   * The node set changed since the capacity weights, first-fit order, matcher tree and default δ0
   * were made ({@link reorder}): they are made again when next read ({@link ordered}), once for
   * any number of changes (a host adding 4,000 nodes one call each re-ordered 4,000 times).
   */
  private orderStale = false;
  /** Tasks by state, of every task ever submitted (a purge forgets tasks, not their counts). */
  private tally: Counts = { waiting: 0, running: 0, ok: 0, failed: 0, killed: 0, cancelled: 0, total: 0 };
  /** Task rows held (the next task's row and handle): every task submitted, less those {@link purge} forgot. */
  private rows = 0;

  constructor(params: IptasParams = {}, options: EngineOptions = {}) {
    this.resolved = resolveIptasParams(params);
    checkEngineOptions(options);
    this.dims = this.resolved.dims;
    this.nodeTable = new NodeTable(this.dims);
    this.taskCap = capacity(options.taskCapacity, 1024, 'taskCapacity');
    this.nodeCap = capacity(options.nodeCapacity, 16, 'nodeCapacity');
    ringRoom(this.nodeCap, this.resolved.ringCapacity, 'options.nodeCapacity');
    this.prefault = options.prefault === true;
    const limit = memoryLimit(options.memoryLimit);
    // A shared memory: its growth (a restore's is ≈ 200 MB) starts no full collection (src/wasm/module.ts).
    const core = Core.reuse('shared');
    this.core = core;
    core.limit = limit;
    this.index = new IdIndex(core, (t) => this.idAt(t));
    this.gangIndex = new IdIndex(core, (g) => this.gangIds[g]!);
    // The columns below in one growth of memory (16 bytes of alignment slack per column).
    const rows = (group: Group, n: number): number => group.reduce((a, [, b]) => a + Math.max(n, 1) * b + 16, 0);
    let size = 1; // the matcher's tree size
    while (size < this.nodeCap) size *= 2;
    // A round's scratch has a row per waiting task: reserved with the task rows when they are prefaulted, else grown when a round needs it.
    this.sortCap = this.prefault ? this.taskCap : Math.min(this.taskCap, 1024);
    // An engine made by Engine.restore reserves here what reading the snapshot will allocate too (see restoreGrowth).
    const room = restoreRoom;
    restoreRoom = undefined;
    const base = ENGINE.size + PRIORITY_PARAMS.size + GINI.values.HIST_BYTES + ENGINE_SCRATCH.values.FAIL_SLOTS * this.dims * 8 + 1024
      + rows([...this.taskGroup(), ...PLACE_GROUP], this.taskCap) + rows(SORT_GROUP, this.sortCap) + rows(USER_GROUP, this.userCap)
      + rows(this.nodeGroup(), this.nodeCap) + rows(GANG_GROUP, this.gangCap) + MATCHER.size + this.nodeCap * (3 * this.dims * 8 + 9) + 2 * size * this.dims * 8 + 256 + CODEC_SCRATCH;
    // The restore's room only as far as the limit (base counts slack: a limit of exactly what a restore uses still holds it).
    core.reserve(base + (room === undefined ? 0 : Math.min(this.restoreGrowth(room).bytes, Math.max(0, limit - core.mark() - base))));
    this.e = core.alloc(ENGINE.size);
    this.codecAt = core.alloc(CODEC_SCRATCH);
    const p = this.resolved;
    // A fresh core's arena is zero: only the fields that start non-zero are written.
    ENGINE.update(core.memory, this.e, {
      dims: this.dims, ringCap: p.ringCapacity, alphaPlusOne: 1 + p.alpha, minDeadline: Infinity,
      priorityParams: core.alloc(PRIORITY_PARAMS.size), sHist: core.alloc(GINI.values.HIST_BYTES),
      sFail: core.alloc(ENGINE_SCRATCH.values.FAIL_SLOTS * this.dims * 8),
    });
    const block = resolvePriorityParams(p.priority);
    core.f64(this.get('priorityParams'), block.length).set(block);
    this.growGroup(this.taskGroup(), 0, this.taskCap);
    this.growGroup(SORT_GROUP, 0, this.sortCap);
    // Placement records: one a task at most, so as many as the task rows (pages untouched until used,
    // unless prefaulted; grown when the task rows grew and the records need it, see roomForRecords).
    this.placeCap = this.taskCap;
    this.growGroup(PLACE_GROUP, 0, this.placeCap);
    this.growGroup(USER_GROUP, 0, this.userCap);
    this.growGroup(this.nodeGroup(), 0, this.nodeCap);
    this.growGroup(GANG_GROUP, 0, this.gangCap);
    this.set({ taskCap: this.taskCap, nodeCap: this.nodeCap });
    this.makeMatcher();
    this.views = new Views(core, (c) => this.makeViews(c));
  }

  // ------------------------------------------------------------ memory plumbing

  private live(): Core {
    if (!this.core || this.core.broken) throw new FairfitError('INVALID_OPTION', 'the engine is closed (close() was called, or its WebAssembly instance aborted)', { field: 'engine' });
    return this.core;
  }

  /** The bytes a snapshot's columns pass through (column-codec.ts, CodecScratch). */
  private codecScratch(): CodecScratch {
    return { core: this.live(), ptr: this.codecAt, bytes: CODEC_SCRATCH };
  }

  private get(field: keyof typeof ENGINE.offset): number {
    return ENGINE.get(this.live().memory, this.e, field);
  }

  private set(values: Partial<Record<keyof typeof ENGINE.offset, number>>): void {
    ENGINE.update(this.live().memory, this.e, values);
  }

  private taskGroup(): Group {
    const D = this.dims;
    return [
      ['state', 4, true], ['user', 4, true], ['dataGB', 8, true], ['request', 8, true], ['demand', 8 * D, true], ['large', 4, true],
      ['rounds', 4, true], ['place', 4, true], ['gang', 4, true],
      ['waitList', 4, true], ['runList', 4, true], ['outTask', 4, false], ['outNode', 4, false],
      ['submitTime', 8, true], ['plainRow', 4, true], ['failures', 1, true],
    ];
  }

  private nodeGroup(): Group {
    return [['ringHead', 4, true], ['ringLen', 4, true], ['ringBuf', 4 * this.resolved.ringCapacity, true], ['busy', 4, true]];
  }

  /** Gives every column of a group `rows` rows, keeping the first `keep` rows' contents. */
  private growGroup(group: Group, keep: number, rows: number): void {
    const core = this.live();
    const next: Partial<Record<keyof typeof ENGINE.offset, number>> = {};
    // Every column allocated before any is copied or switched: an OUT_OF_MEMORY gives the arena back and changes nothing.
    const mark = core.mark();
    let at: number[];
    try {
      // The group in one growth of memory at most: V8 counts each growth's whole new buffer against its external memory budget.
      core.reserve(groupBytes(group, rows));
      at = group.map(([, bytes]) => core.alloc(Math.max(rows, 1) * bytes));
    } catch (e) {
      core.release(mark);
      throw e;
    }
    for (let g = 0; g < group.length; g++) {
      const [field, bytes, copy] = group[g]!;
      const size = Math.max(rows, 1) * bytes;
      // Fresh arena memory is zero (the engine's core never reuses what it allocated).
      const to = at[g]!;
      // prefault: touch the new pages now (fresh WebAssembly memory is committed on first write).
      if (this.prefault) core.fill(to, 0, size);
      if (copy && keep > 0) {
        if (field === 'ringBuf') {
          // Slot-major (slot k of node i at k·nodeCap + i): each slot's run of nodes moves to the new stride.
          const from = this.get(field), old = this.nodeCap, R = this.resolved.ringCapacity;
          if (keep >= 64) for (let k = 0; k < R; k++) core.i32(to + k * rows * 4, keep).set(core.i32(from + k * old * 4, keep));
          else {
            // Few nodes (rings may be long): one view each way, not two views per slot.
            const src = core.i32(from, R * old), dst = core.i32(to, R * rows);
            for (let k = 0; k < R; k++) for (let i = 0; i < keep; i++) dst[k * rows + i] = src[k * old + i]!;
          }
        } else core.u8(to, keep * bytes).set(core.u8(this.get(field), keep * bytes));
      }
      next[field] = to;
    }
    this.set(next);
    this.views?.invalidate();
  }

  private makeViews(c: Core): Cols {
    const g = (f: keyof typeof ENGINE.offset): number => ENGINE.get(c.memory, this.e, f);
    const T = this.taskCap, P = this.placeCap, D = this.dims, m = this.matcherFields();
    return {
      state: c.i32(g('state'), T), user: c.i32(g('user'), T), dataGB: c.f64(g('dataGB'), T), request: c.f64(g('request'), T),
      demand: c.f64(g('demand'), T * D), large: c.i32(g('large'), T), rounds: c.i32(g('rounds'), T), place: c.i32(g('place'), T),
      gang: c.i32(g('gang'), T), pNode: c.i32(g('pNode'), P), pStart: c.f64(g('pStart'), P), pT0: c.f64(g('pT0'), P), pDeadline: c.f64(g('pDeadline'), P),
      waitList: c.i32(g('waitList'), T), submitTime: c.f64(g('submitTime'), T), plainRow: c.i32(g('plainRow'), T), failures: c.u8(g('failures'), T), running: c.i32(g('running'), this.userCap), epsilon: c.f64(g('epsilon'), this.userCap),
      ringBuf: c.i32(g('ringBuf'), this.nodeCap * this.resolved.ringCapacity), ringHead: c.i32(g('ringHead'), this.nodeCap),
      ringLen: c.i32(g('ringLen'), this.nodeCap), busy: c.i32(g('busy'), this.nodeCap), gangFirst: c.i32(g('gangFirst'), this.gangCap), gangSize: c.i32(g('gangSize'), this.gangCap),
      outTask: c.i32(g('outTask'), T), outNode: c.i32(g('outNode'), T),
      res: c.f64(m.res, this.nodeCap * D), matcherNode: c.i32(m.node, this.nodeCap),
      hdr: c.i32(this.e, ENGINE.size >> 2),
      hdrF64: c.f64(this.e, ENGINE.size >> 3),
    };
  }

  private get cols(): Cols {
    this.live();
    return this.views!.get();
  }

  private matcherFields() {
    return MATCHER.read(this.live().memory, this.get('matcher'));
  }

  /** Bytes {@link makeMatcher} allocates for `n` node rows. */
  private matcherBytes(n: number): number {
    const D = this.dims;
    let size = 1;
    while (size < n) size *= 2;
    return [MATCHER.size, n * D * 8, n * D * 8, n * D * 8, n, n * 4, n * 4, 2 * size * D * 8].reduce((a, b) => a + align16(b), 0);
  }

  /** A matcher with room for nodeCap nodes: capacities and residuals of the known nodes copied over. */
  private makeMatcher(): void {
    const core = this.live();
    const N = this.nodeCap, D = this.dims;
    let size = 1;
    while (size < N) size *= 2;
    const old = this.get('matcher') === 0 ? undefined : this.matcherFields();
    const m = core.alloc(MATCHER.size);
    const cap = core.alloc(N * D * 8), res = core.alloc(N * D * 8), save = core.alloc(N * D * 8);
    const up = core.alloc(N), node = core.alloc(N * 4), pos = core.alloc(N * 4), tree = core.alloc(2 * size * D * 8);
    if (old) {
      const k = this.nodes.length * D;
      core.f64(cap, k).set(core.f64(old.cap, k));
      core.f64(res, k).set(core.f64(old.res, k));
    }
    MATCHER.write(core.memory, m, { n: N, dims: D, size, cap, res, up, node, pos, tree, save });
    // Fresh memory is a tree of zeros, where a demand of 0 "fits" leaf 0 even with no node at all:
    // every leaf −∞ (no node up) until reorder() places the nodes.
    core.exports.ffRebuild(m);
    // The miss memo is made for the tree's size by the first round that can use it (missMemo).
    this.set({ matcher: m, sMemo: 0 });
    this.memoSize = 0;
    this.views?.invalidate();
  }

  /**
   * The first-fit miss memo (a cache: the same picks with or without it, docs/model.md), made for
   * the matcher's tree of `size` leaves the first time a round can use it: 2·ways·size·dims values, 33.5 MiB for
   * 2·10^5 nodes of two dimensions, which an engine whose rounds never have more tasks waiting
   * than tree leaves (or one dimension) never needs. Where memory does not allow it (a
   * memoryLimit), the round runs without it.
   */
  private missMemo(size: number): void {
    if (this.memoSize === size) return;
    try {
      this.set({ sMemo: this.live().alloc(2 * MISS_MEMO.values.WAYS * size * this.dims * 8) });
      this.memoSize = size;
    } catch (e) {
      if (!(e instanceof FairfitError && e.code === 'OUT_OF_MEMORY')) throw e;
    }
  }

  /** Recomputes capacity weights over the up nodes and rebuilds the first-fit order and tree. */
  private reorder(): void {
    const core = this.live();
    const n = this.nodes.length;
    const m = this.matcherFields();
    core.fill(m.up, 0, this.nodeCap);
    const up = core.u8(m.up, this.nodeCap);
    const nt = this.nodeTable;
    for (let i = 0; i < n; i++) up[i] = (nt.flags[i]! & (NODE_FLAG.up | NODE_FLAG.removed)) === NODE_FLAG.up ? 1 : 0;
    let order: number[] = [];
    if (n > 0) {
      const w = capacityWeights({ speed: nt.speed.subarray(0, n), vcpus: nt.vcpus.subarray(0, n), mem: nt.mem.subarray(0, n), up: up.subarray(0, n) },
        { lambdaCpu: this.resolved.lambdaCpu, lambdaMem: this.resolved.lambdaMem });
      order = this.nodes.map((_, i) => i).filter((i) => up[i] === 1).sort((a, b) => w[a]! - w[b]! || a - b);
    }
    this.order = order;
    // Positions: the up nodes in order, then every other slot (down, removed or unused: −∞ leaves).
    const inOrder = new Uint8Array(this.nodeCap);
    for (const i of order) inOrder[i] = 1;
    const positions = [...order];
    for (let i = 0; i < this.nodeCap; i++) if (!inOrder[i]) positions.push(i);
    const node = core.i32(m.node, this.nodeCap), pos = core.i32(m.pos, this.nodeCap);
    positions.forEach((nd, p) => { node[p] = nd; pos[nd] = p; });
    core.exports.ffRebuild(this.get('matcher'));
    this.updateThreshold();
    this.orderStale = false;
  }

  /** The node order, weights, matcher tree and default δ0 made again if the node set changed since ({@link orderStale}). */
  private ordered(): void {
    if (this.orderStale) this.reorder();
  }

  private ensureTasks(extra: number): void {
    const need = this.rows + extra;
    if (need <= this.taskCap) return;
    let cap = this.taskCap;
    while (cap < need) cap *= 2;
    this.growGroup(this.taskGroup(), this.rows, cap);
    this.taskCap = cap;
    this.set({ taskCap: cap });
  }

  /** Room for `users` users in all (grown before anything else of a call changes). */
  private ensureUsers(users: number): void {
    let cap = this.userCap;
    while (cap < users) cap *= 2;
    if (cap === this.userCap) return;
    this.growGroup(USER_GROUP, this.users.length, cap);
    this.userCap = cap;
  }

  /** Room for `gangs` gangs in all, and a gang of `procs` members in the round's undo scratch. */
  private ensureGangs(gangs: number, procs: number): void {
    let cap = this.gangCap;
    while (cap < gangs) cap *= 2;
    if (cap > this.gangCap) {
      this.growGroup(GANG_GROUP, this.gangIds.length, cap);
      this.gangCap = cap;
    }
    if (procs > this.undoCap) {
      const core = this.live();
      const undoCap = Math.max(procs, this.undoCap * 2);
      const mark = core.mark();
      try {
        this.set({ sUndo: core.alloc(undoCap * this.dims * 8), sGangNodes: core.alloc(undoCap * 4) });
      } catch (e) {
        core.release(mark);
        throw e;
      }
      this.undoCap = undoCap;
    }
  }

  /**
   * Room for submissions before any is added — task rows, gangs and the undo scratch, users, ids —
   * so that an OUT_OF_MEMORY comes before the call changed anything. `users`: the one submission's
   * user, or the batch's items (their users, known or new, repeated or not); `plain` and `gangs`
   * count the items of each kind.
   */
  private roomFor(rows: number, plain: number, gangs: number, maxProcs: number, users: string | readonly Prepared[]): void {
    // Most submissions need no room (one task of a known user): said in one comparison chain.
    const t = this.tally;
    if (typeof users === 'string' && this.rows + rows <= this.taskCap && this.gangIds.length + gangs <= this.gangCap && maxProcs <= this.undoCap
      && t.waiting + t.running + rows <= this.sortCap && this.rows + rows <= this.placeCap
      && this.index.fits(plain) && this.gangIndex.fits(gangs) && (this.users.length < this.userCap || this.userIndex.has(users))) return;
    // The id tables first: they are not part of the engine's state (a snapshot), so one that grew
    // before a later growth ran out of memory leaves the engine as it was.
    this.index.room(plain);
    this.gangIndex.room(gangs);
    this.ensureTasks(rows);
    this.roomForRounds(rows);
    let fresh = 0;
    if (typeof users === 'string') fresh = this.userIndex.has(users) ? 0 : 1;
    else {
      const seen = new Set<string>();
      for (const { t: { user: u } } of users) {
        if (this.userIndex.has(u) || seen.has(u)) continue;
        seen.add(u);
        fresh++;
      }
    }
    this.ensureUsers(this.users.length + fresh);
    // The gangs last: the undo scratch's size is in a snapshot (a restore makes it again), so it
    // grows only once nothing after it can run out of memory.
    this.ensureGangs(this.gangIds.length + gangs, maxProcs);
  }

  private userOf(name: string): number {
    let u = this.userIndex.get(name);
    if (u !== undefined) return u;
    u = this.users.length;
    // Room made by roomFor (or by a restore) before the call changed anything.
    this.ensureUsers(u + 1);
    this.users.push({ name, history: new UserHistory(this.resolved.historyLength) });
    this.userIndex.set(name, u);
    this.set({ users: u + 1 });
    this.cols.running[u] = 0;
    this.cols.epsilon[u] = Math.max(1, this.resolved.minEpsilon);
    return u;
  }

  // ------------------------------------------------------------ nodes

  /**
   * Bytes of WebAssembly memory the engine uses (its static data, columns and tables; what
   * `memoryLimit` bounds). Rows are reserved by doubling, so it grows in steps.
   */
  get memoryUsed(): number {
    return this.live().mark();
  }

  /** The parameters in force (every SPEC §3 parameter, defaults filled in). */
  get params(): ResolvedIptasParams {
    this.live();
    return this.resolved;
  }

  /** The engine clock: the largest time passed to a call so far (0 at start). */
  get now(): number {
    this.live();
    return this.clock;
  }

  /** Adds an up node; returns its index (never reused). */
  addNode(input: NodeInput): number {
    this.live();
    return this.addNodesIn([input], false)[0]!;
  }

  /**
   * Adds up nodes in one go (one re-order for all); every input is checked before any is added
   * (an error names the node of the batch, `nodes[k]`). Returns their indices.
   */
  addNodes(inputs: readonly NodeInput[]): number[] {
    this.live();
    return this.addNodesIn(inputs, true);
  }

  /** {@link addNodes}; `batch`: errors name the node of the batch (not for addNode's one). */
  private addNodesIn(inputs: readonly NodeInput[], batch: boolean): number[] {
    if (!Array.isArray(inputs)) throw stateError('nodes', 'nodes must be an array of node inputs');
    const seen = new Set<string>();
    const checked = inputs.map((input, k) => {
      try {
        return this.checkNode(input, this.nodes.length + k, seen);
      } catch (e) {
        throw batch ? inNodes(e, k) : e;
      }
    });
    const first = this.nodes.length;
    let rows = this.nodeCap;
    while (first + checked.length > rows) rows *= 2;
    ringRoom(rows, this.resolved.ringCapacity, 'nodes');
    // Memory for every doubling's columns and matcher grown first: an OUT_OF_MEMORY comes before anything changed.
    let bytes = 0;
    for (let cap = this.nodeCap * 2; cap <= rows; cap *= 2) bytes += groupBytes(this.nodeGroup(), cap) + this.matcherBytes(cap);
    if (bytes > 0) this.live().reserve(bytes);
    while (first + checked.length > this.nodeCap) {
      this.growGroup(this.nodeGroup(), first, this.nodeCap * 2);
      this.nodeCap *= 2;
      this.set({ nodeCap: this.nodeCap });
      this.makeMatcher();
    }
    const D = this.dims;
    const m = this.matcherFields();
    const core = this.live();
    for (const meta of checked) {
      const index = this.nodeTable.add(meta);
      this.nodes.push(new NodeRow(this.nodeTable, index));
      this.nodeIds.set(meta.id, index);
      core.f64(m.cap + index * D * 8, D).set(meta.capacity);
      core.f64(m.res + index * D * 8, D).set(meta.capacity);
      const c = this.cols;
      c.ringHead[index] = 0;
      c.ringLen[index] = 0;
      c.busy[index] = 0;
    }
    this.orderStale = true;
    return checked.map((_, k) => first + k);
  }

  private checkNode(input: NodeInput, index: number, seen: Set<string>): CheckedNode {
    return checkNode(input, this.dims, index, (id) => this.nodeIds.get(id), seen);
  }

  /** Removes a node for good: its running tasks are requeued or failed, its ring emptied. */
  removeNode(node: number): HealthResult {
    this.live();
    const n = this.node(node);
    const k = this.evict(node, n);
    const out = this.healthResult([node], this.cols.outTask.subarray(0, k));
    n.removed = true;
    this.nodeIds.delete(n.id);
    this.orderStale = true;
    return out;
  }

  /** Changes a node's capacity or weight inputs; the new capacity must hold what runs there. */
  updateNode(node: number, update: NodeUpdate): void {
    this.live();
    const n = this.node(node);
    const D = this.dims;
    const res = this.cols.res.subarray(node * D, (node + 1) * D);
    const u = checkNodeUpdate(update, D, node, { capacity: n.capacity, residual: res, speed: n.speed, vcpus: n.vcpus, mem: n.mem });
    if (u.capacity) {
      this.live().f64(this.matcherFields().cap + node * D * 8, D).set(u.capacity);
      res.set(u.residual!);
      n.capacity = u.capacity;
    }
    n.speed = u.speed;
    n.vcpus = u.vcpus;
    n.mem = u.mem;
    this.orderStale = true;
  }

  /** Up nodes by capacity weight ascending (ties: lower index first): the first-fit order. */
  nodeOrder(): number[] {
    this.live();
    this.ordered();
    return this.order.slice();
  }

  /** Residual vector of a node. */
  residual(node: number): number[] {
    this.live();
    this.node(node);
    return [...this.cols.res.subarray(node * this.dims, (node + 1) * this.dims)];
  }

  /** Whether a node is up. */
  isUp(node: number): boolean {
    this.live();
    return this.node(node).up;
  }

  // ------------------------------------------------------------ tasks

  /** Submits one task (waiting, rounds 0). */
  submit(input: TaskInput): string {
    this.live();
    const t = checkTask(input, [input?.id], (id) => this.lookup(id) !== undefined, this.dims, this.clock, this.staged(1), 0);
    this.roomFor(1, 1, 0, 0, t.user);
    this.add(t, input.id, 0);
    return input.id;
  }

  /** Submits a gang of `procs` one-processor tasks `<id>#k`, placed all-or-nothing within a round. */
  submitGang(input: GangInput): string[] {
    this.live();
    const x = this.prepareGang(input, undefined, 0);
    this.roomFor(x.procs, 0, 1, x.procs, x.t.user);
    this.add(x.t, x.id, x.procs);
    return Array.from({ length: x.procs }, (_, k) => `${x.id}#${k}`);
  }

  /** Tasks and gangs in one call (rules: {@link ReferenceEngine.submitMany}); returns each item's first handle (in `into` when it has room). */
  submitMany(items: readonly (TaskInput | GangInput)[], into?: Int32Array): Int32Array {
    this.live();
    if (!Array.isArray(items)) throw stateError('items', 'items must be an array of task or gang inputs');
    checkInto(into);
    const n = items.length;
    // The checked demands go to one staging buffer (no array per item).
    this.staged(n);
    if (n === 1) {
      // A batch of one has nothing earlier in it to collide with (most calls of a trace driver): no batch set or map, no array.
      const x = this.prepare(items[0]!, 0, EMPTY_BATCH, false);
      this.roomFor(Math.max(x.procs, 1), x.procs > 0 ? 0 : 1, x.procs > 0 ? 1 : 0, x.procs, x.t.user);
      const first = this.firstOut(1, into);
      first[0] = this.rows;
      this.add(x.t, x.id, x.procs);
      return first;
    }
    const batch: Batch = { ids: new Set(), hashIds: 0, gangs: new Map() };
    this.batch = batch;
    let rows = 0, gangs = 0, maxProcs = 0;
    const prepared = new Array<Prepared>(n);
    try {
      for (let k = 0; k < n; k++) {
        const x = this.prepare(items[k]!, k, batch, true);
        rows += Math.max(x.procs, 1);
        if (x.procs > 0) {
          gangs++;
          if (x.procs > maxProcs) maxProcs = x.procs;
        }
        prepared[k] = x;
      }
    } finally {
      this.batch = EMPTY_BATCH;
    }
    this.roomFor(rows, n - gangs, gangs, maxProcs, prepared);
    const first = this.firstOut(n, into);
    for (let k = 0; k < n; k++) {
      const x = prepared[k]!;
      first[k] = this.rows;
      this.add(x.t, x.id, x.procs);
    }
    return first;
  }

  /** Where a submission's n first handles go: a view of `into` when it has room, else a new array. */
  private firstOut(n: number, into: Int32Array | undefined): Int32Array {
    return into !== undefined && into.length >= n ? this.submitViews.of(into, n) : new Int32Array(n);
  }

  /** Item k of a `submitMany` batch checked (its demand staged at row k), and entered in the batch when `record`. */
  private prepare(input: TaskInput | GangInput, k: number, batch: Batch, record: boolean): Prepared {
    try {
      if (input !== null && typeof input === 'object' && 'procs' in input && input.procs !== undefined) {
        const x = this.prepareGang(input, batch, k);
        if (record) batch.gangs.set(x.id, x.procs);
        return x;
      }
      const t = checkTask(input, [input?.id], this.knownId, this.dims, this.clock, this.stage, k * this.dims);
      if (record) {
        batch.ids.add(input.id);
        if (input.id.includes('#')) batch.hashIds++;
      }
      return { t, id: input.id, procs: 0 };
    } catch (e) {
      throw inItem(e, k);
    }
  }

  /** The staging buffer of checked demands, with room for `items` rows. */
  private staged(items: number): Float64Array {
    if (this.stage.length < items * this.dims) this.stage = new Float64Array(Math.max(items, 2 * (this.stage.length / this.dims)) * this.dims);
    return this.stage;
  }

  /** A gang checked against the tasks and gangs known, and those of the batch so far (rules of {@link submitGang}); its demand staged at row `row`. */
  private prepareGang(input: GangInput, batch: Batch | undefined, row: number): Prepared {
    const p = checkProcs(input?.procs);
    if (typeof input.id !== 'string') throw stateError('id', `id must be a string, got ${shown(input.id)}`);
    if (this.gangIndex.get(input.id) >= 0 || batch?.gangs.has(input.id)) throw stateError('id', `gang id '${input.id}' was already submitted`);
    // A member id '<id>#k' can only be taken by a plain task whose id contains '#'.
    if (this.hashIds + (this.restoredIds?.withHash ?? 0) > 0 || (batch?.hashIds ?? 0) > 0) {
      for (let k = 0; k < p; k++) {
        const m = `${input.id}#${k}`;
        if (this.plainTask(m) !== undefined || batch?.ids.has(m)) throw stateError('id', `task id '${m}' was already submitted`);
      }
    }
    return { t: checkTask(input, NO_IDS, takenNever, this.dims, this.clock, this.staged(row + 1), row * this.dims), id: input.id, procs: p };
  }

  /** Adds a checked task (`procs` 0) or gang (room made by roomFor): its rows waiting, appended to the wait list. */
  private add(t: CheckedTask, id: string, procs: number): void {
    let gang = -1;
    if (procs > 0) {
      // Room for the gang and its undo scratch was made by roomFor before the call changed anything.
      gang = this.gangIds.length;
      this.gangIds.push(id);
      this.gangIndex.add(id, gang);
    }
    const u = this.userOf(t.user);
    const count = Math.max(procs, 1);
    const i = this.rows, end = i + count;
    const c = this.cols;
    const D = this.dims;
    if (gang >= 0) {
      c.hdr[W_GANGS] = gang + 1;
      c.gangFirst[gang] = i;
      c.gangSize[gang] = count;
    }
    const dem = t.demand, at = t.demandAt;
    for (let d = 0; d < D; d++) c.demand[i * D + d] = dem[at + d]!;
    this.live().exports.engineAddRows(this.e, count, u, gang, this.isLarge(dem, at) ? 1 : 0, t.dataGB, t.requestTime);
    // failures[i..end) are 0: fresh rows, or rows a purge freed (it zeroes them).
    // Loops, not TypedArray fill: a gang's few rows cost less than the builtin's call.
    const st = c.submitTime;
    for (let k = i; k < end; k++) st[k] = t.submitTime;
    // A submit time is a time passed to a call: ahead of the clock it moves it, so no round places the task before it.
    if (t.submitTime > this.clock) this.clock = t.submitTime;
    if (gang < 0) {
      const ids = this.plainIds;
      c.plainRow[i] = ids.length;
      ids.push(id);
      this.idRunTracker.push(id);
      this.index.add(id, i);
      if (id.includes('#')) this.hashIds++;
    } else {
      const pr = c.plainRow;
      for (let k = i; k < end; k++) pr[k] = -1;
    }
    this.tally.waiting += count;
    this.tally.total += count;
    this.rows += count;
  }

  /** A task's handle: its submission order number (see {@link ReferenceEngine.handleOf}). */
  handleOf(taskId: string): number {
    this.live();
    return this.task(taskId);
  }

  /** The id of the task with handle `handle`. */
  idOf(handle: number): string {
    this.live();
    return this.idAt(this.byHandle(handle));
  }

  /** Id of task index t (a gang member's is made from its gang's id). */
  private idAt(t: number): string {
    const r = t < this.identityRows ? t : this.cols.plainRow[t]!;
    // A restored engine's ids are cut from its text one at a time until a call needs all of them.
    if (r >= 0) return this.idText !== undefined || this.idRuns !== undefined ? this.restoredIds!.idAt(r) : this.plainIds[r]!;
    const c = this.cols;
    const g = c.gang[t]! - 1;
    return `${this.gangIds[g]!}#${t - c.gangFirst[g]!}`;
  }

  /** Task index of a plain task's id; undefined when no plain task has it. */
  private plainTask(id: string): number | undefined {
    const table = this.restoredIds;
    if (table !== undefined) {
      const t = table.find(id);
      if (t >= 0) return t;
    }
    const t = this.index.get(id);
    return t < 0 ? undefined : t;
  }

  /** Task index of an id, plain or gang member; undefined when no task has it. */
  private lookup(id: string): number | undefined {
    const t = this.plainTask(id);
    if (t !== undefined) return t;
    const hash = id.lastIndexOf('#');
    if (hash < 0) return undefined;
    const g = this.gangIndex.get(id.slice(0, hash));
    if (g < 0) return undefined;
    const k = memberNumber(id.slice(hash + 1), this.cols.gangSize[g]!);
    return k < 0 ? undefined : this.cols.gangFirst[g]! + k;
  }

  /** Large iff demand[d] ≥ δ0[d] in some dimension (δ0 default: half the largest capacity present). */
  private isLarge(dem: Float64Array, at: number): boolean {
    if (this.resolved.threshold === undefined) this.ordered();
    const th = this.resolved.threshold ?? this.defaultThreshold;
    if (th === undefined) return false;
    for (let d = 0; d < this.dims; d++) if (dem[at + d]! >= th[d]!) return true;
    return false;
  }

  /** The default δ0 — half the largest capacity of the nodes present, per dimension — kept current as nodes change. */
  private updateThreshold(): void {
    const { flags, capacity } = this.nodeTable, N = this.nodes.length, D = this.dims;
    const max = new Array<number>(D).fill(-Infinity);
    let live = 0;
    for (let i = 0; i < N; i++) {
      if ((flags[i]! & NODE_FLAG.removed) !== 0) continue;
      live++;
      for (let d = 0; d < D; d++) max[d] = Math.max(max[d]!, capacity[i * D + d]!);
    }
    this.defaultThreshold = live === 0 ? undefined : max.map((m) => m / 2);
  }

  /** One scheduling round at `now`, in one WebAssembly call (rules: {@link ReferenceEngine.runRound}). */
  runRound(now: number): RoundResult {
    this.live();
    const k = this.round(now);
    const c = this.cols;
    const placements = new Array<{ task: string; node: number }>(k);
    for (let j = 0; j < k; j++) placements[j] = { task: this.idAt(c.outTask[j]!), node: c.outNode[j]! };
    const w = c.hdr[W_WAITING]!;
    const waiting = new Array<string>(w);
    for (let j = 0; j < w; j++) waiting[j] = this.idAt(c.waitList[j]!);
    return { placements, waiting };
  }

  /** {@link runRound} with the placements as task handles, nodes and T0s, no string per task (rules: {@link ReferenceEngine.runRoundHandles}). */
  runRoundHandles(now: number, into?: RoundBuffers): RoundHandles {
    this.live();
    checkRoundBuffers(into);
    const k = this.round(now);
    const c = this.cols;
    if (k === 0) return { tasks: NO_TASKS, nodes: NO_TASKS, t0: NO_TIMES, waiting: c.hdr[W_WAITING]! };
    const { outTask, outNode, place, pT0 } = c;
    // A loop copies the few placements of most rounds faster than views over the columns would.
    const out = roundOutput(k, into);
    const { tasks, nodes, t0: times } = out;
    for (let j = 0; j < k; j++) {
      const t = outTask[j]!;
      tasks[j] = t;
      nodes[j] = outNode[j]!;
      times[j] = pT0[place[t]! - 1]!;
    }
    return roundResult(out, k, c.hdr[W_WAITING]!, this.roundViews);
  }

  /** Runs the round; returns the number of placements (in outTask / outNode). */
  private round(now: number): number {
    checkNow(now, this.clock);
    this.ordered();
    // The scratch and records grown before the clock moves: an OUT_OF_MEMORY leaves the engine as it was.
    // (Submissions and restores make this room already, so that a memoryLimit refuses them instead.)
    const waiting = this.cols.hdr[W_WAITING]!;
    // Each waiting task may take a new record (one it had is reused).
    this.roomForRound(waiting, Math.min(this.cols.hdr[W_PLACEMENTS]! + waiting, this.rows));
    // The round uses the miss memo when more tasks wait than the tree has leaves (two dimensions or more).
    if (this.dims > 1) {
      const leaves = this.matcherFields().size;
      if (waiting > leaves) this.missMemo(leaves);
    }
    this.clockTo(now);
    const k = this.live().exports.engineRound(this.e);
    this.tally.waiting -= k;
    this.tally.running += k;
    return k;
  }

  /** Room for a round's scratch (a row per waiting task: `sortRows`) and `records` placement records. */
  private roomForRound(sortRows: number, records: number): void {
    if (sortRows > this.sortCap) {
      let cap = this.sortCap;
      while (cap < sortRows) cap *= 2;
      this.growGroup(SORT_GROUP, 0, cap);
      this.sortCap = cap;
    }
    this.roomForRecords(records);
  }

  /**
   * Room for the rounds after a submission of `rows` task rows, or after a restore (0): every task
   * not ended may be waiting at a round (requeues and retries only turn running tasks into waiting
   * ones), and every task may hold a record. Made when the rows are, so that an engine under a
   * `memoryLimit` refuses the submission (`OUT_OF_MEMORY`, nothing changed) rather than accepting
   * it and then running out of memory at every round, with no call that sheds a task.
   */
  private roomForRounds(rows: number): void {
    const t = this.tally;
    this.roomForRound(t.waiting + t.running + rows, Math.min(this.rows + rows, this.taskCap));
  }

  /** Room for `records` placement records (kept: those made so far); never more than a record a task row. */
  private roomForRecords(records: number): void {
    if (records <= this.placeCap) return;
    let cap = this.placeCap;
    while (cap < records) cap *= 2;
    cap = Math.max(records, Math.min(cap, this.taskCap));
    this.growGroup(PLACE_GROUP, this.get('placements'), cap);
    this.placeCap = cap;
  }

  /** A running task ends `ok` (history, terminal) or `failed` (retried once, then terminal). */
  complete(taskId: string, result: { status: 'ok' | 'failed'; actualTime: number }): TaskState {
    this.live();
    const t = this.task(taskId);
    const c = this.cols;
    if (c.state[t] !== S.running) throw stateError('taskId', `task '${taskId}' is ${STATE_NAMES[c.state[t]!]}, not running`);
    return this.finish([t], 1, checkResult(result))[0]!;
  }

  /** Several running tasks end with the same result (rules: {@link ReferenceEngine.completeMany}), in one WebAssembly call. */
  completeMany(handles: ArrayLike<number>, result: { status: 'ok' | 'failed'; actualTime: number }): TaskState[] {
    this.live();
    // The tasks go to outTask (free between calls, as finish wants them).
    const ts = this.runningHandles(handles, false);
    return this.finish(ts, handles.length, checkResult(result));
  }

  /**
   * The task rows of `handles`, each a running task given once, written into outTask (free between
   * calls), or into a new array when `fresh`, which is returned. Errors name `handles[k]`. Handles
   * given in ascending order (a host's usual order: a job's tasks) are distinct without a mark; from
   * the first that is not, marks in outNode (free between calls) find a task given twice without a set.
   */
  private runningHandles(handles: ArrayLike<number>, fresh: boolean): Int32Array {
    if (handles === null || typeof handles !== 'object' || typeof handles.length !== 'number') throw stateError('handles', 'handles must be an array of task handles');
    const c = this.cols;
    const n = handles.length;
    const ts = fresh ? new Int32Array(n) : c.outTask;
    const state = c.state, outNode = c.outNode;
    let k = 0;
    // Ascending so far (−1: no handle yet); once a handle is not above the one before, every row so far is marked.
    let last = -1, marked = false;
    try {
      for (; k < n; k++) {
        const t = this.byHandle(handles[k]);
        if (state[t] !== S.running) throw stateError('handles', `handles[${k}]: task '${this.idAt(t)}' is ${STATE_NAMES[state[t]!]}, not running`);
        if (!marked) {
          if (t > last) {
            ts[k] = last = t;
            continue;
          }
          for (let j = 0; j < k; j++) outNode[ts[j]!] = MARK;
          marked = true;
        }
        if (outNode[t] === MARK) throw stateError('handles', `handles[${k}]: task '${this.idAt(t)}' is given twice`);
        outNode[t] = MARK;
        ts[k] = t;
      }
    } catch (e) {
      throw inHandles(e, k);
    } finally {
      if (marked) for (let j = 0; j < k; j++) outNode[ts[j]!] = 0;
    }
    return ts;
  }

  /**
   * Ends the checked running tasks ts[0..n) in order: histories and ε, retries,
   * then one release call for all (it reads them from outTask: ts may be that column).
   */
  private finish(ts: ArrayLike<number>, n: number, r: { status: 'ok' | 'failed'; actualTime: number }): TaskState[] {
    const c = this.cols;
    const out = new Array<TaskState>(n);
    if (r.status === 'ok') {
      const m = this.resolved.historyLength;
      const actual = r.actualTime;
      // A user's history keeps its last m: entries that later tasks of this call would push out are not made.
      // One user (a job's tasks): the first n − m make none; else a count per user of the tasks still to come.
      const { user, request, outTask, outNode } = c;
      const u0 = n > 0 ? user[ts[0]!]! : -1;
      let oneUser = true;
      for (let j = 1; oneUser && j < n; j++) oneUser = user[ts[j]!] === u0;
      if (oneUser) {
        const history = n > 0 ? this.users[u0]!.history : undefined;
        for (let j = 0; j < n; j++) {
          const t = ts[j]!;
          if (j >= n - m) history!.push(actual, request[t]!);
          outTask[j] = t;
          outNode[j] = S.ok;
          out[j] = 'ok';
        }
        this.tally.ok += n;
        // ε is read only at placement: once after all the ends is the same as after each.
        if (n > 0) this.updateEpsilon(u0);
      } else {
        const left = n > m ? new Map<number, number>() : undefined;
        if (left) for (let j = 0; j < n; j++) { const u = user[ts[j]!]!; left.set(u, (left.get(u) ?? 0) + 1); }
        // The users whose ε changes.
        const users: number[] = [];
        for (let j = 0; j < n; j++) {
          const t = ts[j]!;
          const u = user[t]!;
          let after = 0;
          if (left) left.set(u, (after = left.get(u)! - 1));
          if (after < m) this.users[u]!.history.push(actual, request[t]!);
          if (users[users.length - 1] !== u && !users.includes(u)) users.push(u);
          outTask[j] = t;
          outNode[j] = S.ok;
          out[j] = 'ok';
        }
        this.tally.ok += n;
        for (const u of users) this.updateEpsilon(u);
      }
    } else {
      for (let j = 0; j < n; j++) {
        const t = ts[j]!;
        const f = ++c.failures[t]!;
        const next = f >= 2 ? S.failed : S.waiting;
        c.outTask[j] = t;
        c.outNode[j] = next;
        out[j] = STATE_NAMES[next]!;
        this.tally[out[j]!] += 1;
      }
    }
    this.live().exports.engineReleaseMany(this.e, n);
    this.tally.running -= n;
    return out;
  }

  /**
   * The host withdraws a task, and every member of its gang that has not ended, in one
   * WebAssembly call (rules: {@link ReferenceEngine.cancel}); returns the ids cancelled, in
   * submission order.
   */
  cancel(taskId: string): string[] {
    this.live();
    const t = this.task(taskId);
    const c = this.cols;
    const open = (s: number): boolean => s === S.waiting || s === S.running;
    if (!open(c.state[t]!)) throw stateError('taskId', `task '${taskId}' is ${STATE_NAMES[c.state[t]!]}: it has ended, there is nothing to cancel`);
    // The tasks go to outTask (free between calls; a row per task, so a whole gang fits), ascending.
    const out = c.outTask;
    let n = 0;
    const g = c.gang[t]! - 1;
    if (g < 0) out[n++] = t;
    else for (let m = c.gangFirst[g]!, end = m + c.gangSize[g]!; m < end; m++) if (open(c.state[m]!)) out[n++] = m;
    const running = this.live().exports.engineCancel(this.e, n);
    this.tally.running -= running;
    this.tally.waiting -= n - running;
    this.tally.cancelled += n;
    const ids = new Array<string>(n);
    for (let j = 0; j < n; j++) ids[j] = this.idAt(out[j]!);
    return ids;
  }

  /**
   * Forgets every task that has ended — but a gang is kept whole while any member waits or runs —
   * and returns how many it forgot (rules: {@link ReferenceEngine.purge}). The row moves are one
   * WebAssembly call (`enginePurge`: runs of kept rows in block copies; the lists, rings, gangs and
   * placement records rewritten there); then the ids are renumbered here and their tables made again
   * from the ids kept, with no object per task.
   * The freed rows are reused by later submissions: an engine purged regularly holds rows for its
   * live tasks only (its memory is not given back: {@link memoryUsed} stays as it was).
   */
  purge(): number {
    const core = this.live();
    const rows = this.rows;
    // Nothing has ended: nothing to forget.
    if (rows === this.tally.waiting + this.tally.running) return 0;
    // A restored engine's ids go into the index first (its only allocation: an OUT_OF_MEMORY comes before anything changed).
    this.adoptRestoredIds();
    const kept = core.exports.enginePurge(this.e, this.nodes.length);
    if (kept === rows) return 0;
    const c = this.cols;
    // Gangs: outNode maps old gang → new (−1: forgotten), in order.
    const gangMap = c.outNode, gangIds = this.gangIds;
    // The id tables are made again from the ids kept, in the tables they have (emptied: no growth, no allocation).
    // (Mapping each entry's row instead, reading the whole table and the row map in hash order, made a purge
    // of 10^6 tasks among 10^5 take ≈ 85 ms, against ≈ 55 ms so: bench/engine.ts, purgeCase.)
    this.gangIndex.clear();
    let g2 = 0;
    for (let g = 0; g < gangIds.length; g++) {
      if (gangMap[g]! < 0) continue;
      gangIds[g2] = gangIds[g]!;
      this.gangIndex.add(gangIds[g2]!, g2++);
    }
    gangIds.length = g2;
    // Plain ids: the kept rows' places among the plain ids, renumbered in order.
    const ids = this.plainIds, plainRow = c.plainRow;
    const tracker = new RunTracker([], 0);
    this.index.clear();
    let r2 = 0, hashIds = 0;
    for (let t = 0; t < kept; t++) {
      const r = plainRow[t]!;
      if (r < 0) continue;
      const id = ids[r]!;
      ids[r2] = id;
      plainRow[t] = r2++;
      this.index.add(id, t);
      tracker.push(id);
      if (hashIds < this.hashIds && id.includes('#')) hashIds++;
    }
    ids.length = r2;
    this.idRunTracker = tracker;
    this.hashIds = hashIds;
    this.rows = kept;
    return rows - kept;
  }

  /**
   * A restored engine's plain ids (a text or runs, found through their own table) put into the id
   * index like ids submitted since, each row's place among them written: what a purge renumbers.
   * Room is made before the index is touched; nothing a call answers changes.
   */
  private adoptRestoredIds(): void {
    if (this.restoredIds === undefined) return;
    const ids = this.plainIds;
    this.index.room(ids.length - this.index.ids);
    this.index.clear();
    const plainRow = this.cols.plainRow;
    let hashIds = 0;
    for (let t = 0; t < this.rows; t++) {
      if (t < this.identityRows) plainRow[t] = t;
      const r = plainRow[t]!;
      if (r < 0) continue;
      this.index.add(ids[r]!, t);
      if (ids[r]!.includes('#')) hashIds++;
    }
    this.identityRows = 0;
    this.restoredIds = undefined;
    this.hashIds = hashIds;
  }

  /** User u's ε column from its history (at least minEpsilon). */
  private updateEpsilon(u: number): void {
    this.cols.epsilon[u] = Math.max(this.users[u]!.history.epsilon(), this.resolved.minEpsilon);
  }

  /** ε_u of a user's last m completed tasks; 1 with no history. */
  epsilon(user: string): number {
    this.live();
    const u = this.userIndex.get(user);
    return u === undefined ? 1 : this.users[u]!.history.epsilon();
  }

  /** Kills running tasks whose usage exceeds their demand or whose run time reached T0 (submission order). */
  checkLimits(now: number, usage?: ReadonlyMap<string, readonly number[]>): Kill[] {
    this.live();
    checkNow(now, this.clock);
    let ts = NO_TASKS, use = NO_USAGE;
    if (usage !== undefined) {
      if (!(usage instanceof Map)) throw stateError('usage', 'usage must be a Map of task id → usage vector');
      ts = new Int32Array(usage.size);
      use = new Float64Array(usage.size * this.dims);
      let k = 0;
      for (const [id, v] of usage) {
        const t = typeof id === 'string' ? this.lookup(id) : undefined;
        if (t === undefined) throw unknownUsageTask(id);
        this.usageOf(t, v, usageField(id), use, k);
        ts[k++] = t;
      }
    }
    return this.limits(now, ts, use).map(([t, d]): Kill => (d < 0 ? { task: this.idAt(t), reason: 'time' } : { task: this.idAt(t), reason: 'usage', dimension: d }));
  }

  /** {@link checkLimits} with the kills as task handles and `usage` keyed by handle (in `into` when it has room). */
  checkLimitsHandles(now: number, usage?: ReadonlyMap<number, readonly number[]>, into?: Int32Array): Int32Array {
    this.live();
    checkInto(into);
    if (usage === undefined || (usage instanceof Map && usage.size === 0)) {
      // Time kills only: the engine's list is the answer (submission order).
      checkNow(now, this.clock);
      const n = this.timeKills(now);
      this.tally.running -= n;
      this.tally.killed += n;
      if (n === 0) return NO_TASKS;
      if (into === undefined || into.length < n) return this.cols.outTask.slice(0, n);
      const out = this.killViews.of(into, n), list = this.cols.outTask;
      for (let k = 0; k < n; k++) out[k] = list[k]!;
      return out;
    }
    if (!(usage instanceof Map)) throw stateError('usage', 'usage must be a Map of task handle → usage vector');
    const ts = new Int32Array(usage.size);
    let k = 0;
    for (const h of usage.keys()) {
      try {
        ts[k++] = this.byHandle(h);
      } catch (e) {
        throw inUsage(e, h);
      }
    }
    checkNow(now, this.clock);
    const use = new Float64Array(usage.size * this.dims);
    k = 0;
    for (const v of usage.values()) {
      this.usageOf(ts[k]!, v, usageField(this.idAt(ts[k]!)), use, k);
      k++;
    }
    return this.killHandles(this.limits(now, ts, use), into);
  }

  /**
   * {@link checkLimitsHandles} with the usage report as columns (rules: {@link ReferenceEngine.checkLimitsColumns}):
   * task `handles[k]` used `usage[k·D + d]`; no array or Map entry per task.
   */
  checkLimitsColumns(now: number, handles: ArrayLike<number>, usage: Float64Array, into?: Int32Array): Int32Array {
    this.live();
    checkInto(into);
    const ts = this.runningHandles(handles, true);
    checkUsageColumns(usage, ts.length, this.dims);
    checkNow(now, this.clock);
    return this.killHandles(this.limits(now, ts, usage), into);
  }

  /** The kills' task handles, in `into` when it has room. */
  private killHandles(kills: [number, number][], into: Int32Array | undefined): Int32Array {
    if (kills.length === 0) return NO_TASKS;
    const out = into !== undefined && into.length >= kills.length ? this.killViews.of(into, kills.length) : new Int32Array(kills.length);
    for (let k = 0; k < kills.length; k++) out[k] = kills[k]![0];
    return out;
  }

  /** A usage report of running task t, checked (t running, D numbers ≥ 0; errors name `field`, the report's entry) into row k of `use`. */
  private usageOf(t: number, v: unknown, field: string, use: Float64Array, k: number): void {
    const c = this.cols;
    if (c.state[t] !== S.running) throw stateError(field, `usage given for task '${this.idAt(t)}', which is ${STATE_NAMES[c.state[t]!]}, not running`);
    checkVector(v, this.dims, field, use, k * this.dims);
  }

  /**
   * Applies the kills at `now`: usage above demand (task ts[k] used use[k·D, k·D + D), each a
   * running task given once), then time; returns (task, dimension or −1 for time) in submission order.
   */
  private limits(now: number, ts: Int32Array, use: Float64Array): [number, number][] {
    const c = this.cols;
    const D = this.dims, demand = c.demand;
    const over: [number, number][] = [];
    for (let k = 0; k < ts.length; k++) {
      const t = ts[k]!;
      for (let d = 0; d < D; d++) {
        if (use[k * D + d]! > demand[t * D + d]!) { over.push([t, d]); break; }
      }
    }
    let all = over;
    if (over.length === 0) {
      // Time kills only: the kernel releases them in submission order.
      const n = this.timeKills(now), out = c.outTask;
      for (let j = 0; j < n; j++) all.push([out[j]!, -1]);
    } else {
      // Usage kills too: every kill is released in submission order, as the reference does
      // (releasing the usage kills first, in the report's order, left other residuals:
      // 0.7 + 1 + 0.1 = 1.8 against 0.7 + 0.1 + 1 = 1.7999999999999998).
      const killedByUsage = new Set(over.map(([t]) => t));
      const runList = this.live().i32(this.get('runList'), this.get('runCount'));
      for (const t of runList) if (!killedByUsage.has(t) && now >= c.pDeadline[c.place[t]! - 1]!) all.push([t, -1]);
      all = all.sort((a, b) => a[0] - b[0]);
      this.clockTo(now);
      for (let j = 0; j < all.length; j++) {
        c.outTask[j] = all[j]![0];
        c.outNode[j] = S.killed;
      }
      this.live().exports.engineReleaseMany(this.e, all.length);
    }
    this.tally.running -= all.length;
    this.tally.killed += all.length;
    return all;
  }

  /** The clock to `now` and the time kills due then (into outTask, submission order); returns how many. */
  private timeKills(now: number): number {
    this.clockTo(now);
    return this.live().exports.engineTimeKills(this.e);
  }

  /** The engine's clock, and the kernel's, to `now`. */
  private clockTo(now: number): void {
    this.clock = now;
    this.cols.hdrF64[F_NOW] = now;
  }

  // ------------------------------------------------------------ health

  /**
   * A node reports at `now`; `storageOk` (default true) brings a down node back up at once.
   * `report` is undefined or an object; anything else (`false`, null, a string) is
   * `INVALID_OPTION` on `report` (nothing changes).
   */
  heartbeat(node: number, now: number, report?: { storageOk?: boolean }): void {
    this.live();
    const n = this.node(node);
    checkNow(now, this.clock);
    const ok = checkHeartbeatReport(report);
    this.clock = now;
    n.lastHeartbeat = now;
    n.storageOk = ok;
    if (ok && !n.up) {
      n.up = true;
      this.orderStale = true;
    }
  }

  /** Marks down the nodes that missed a heartbeat or reported a storage failure. */
  sweepHealth(now: number): HealthResult {
    this.live();
    checkNow(now, this.clock);
    this.clock = now;
    const down: number[] = [];
    // The tasks of every node taken down, as task indices (submission order once sorted), named at the end.
    const tasks: number[] = [];
    this.nodes.forEach((n, i) => {
      if (n.removed) return;
      if (n.lastHeartbeat === undefined) {
        n.lastHeartbeat = now;
        return;
      }
      if (!n.up) return;
      if (!n.storageOk || now - n.lastHeartbeat > this.resolved.heartbeatInterval) {
        const k = this.evict(i, n);
        const out = this.cols.outTask;
        for (let j = 0; j < k; j++) tasks.push(out[j]!);
        down.push(i);
      }
    });
    // The order is made again once when next read, for all the nodes that went down (once per node made a sweep of many nodes quadratic).
    if (down.length > 0) this.orderStale = true;
    tasks.sort((a, b) => a - b);
    return this.healthResult(down, tasks);
  }

  /** The answer of a call that took `down` nodes down: their tasks `ts` (submission order) by id, requeued or failed per `downNodeTasks`. */
  private healthResult(down: number[], ts: ArrayLike<number>): HealthResult {
    const ids = Array.from(ts, (t) => this.idAt(t));
    const requeue = this.resolved.downNodeTasks === 'requeue';
    return { down, requeued: requeue ? ids : [], failed: requeue ? [] : ids };
  }

  /**
   * Node `i` goes down: ring emptied, running tasks requeued or failed, residual reset; the
   * tasks' indices in outTask (submission order), their number returned. The caller re-orders
   * the nodes (once for all the nodes a call takes down).
   */
  private evict(i: number, n: NodeRow): number {
    n.up = false;
    const requeue = this.resolved.downNodeTasks === 'requeue';
    const k = this.live().exports.engineEvict(this.e, i, requeue ? 1 : 0);
    this.tally.running -= k;
    if (requeue) this.tally.waiting += k;
    else this.tally.failed += k;
    return k;
  }

  // ------------------------------------------------------------ dispatch

  /** A node's undrained placements (task ids, placement order); empties its ring. */
  drainDispatch(node: number): string[] {
    this.live();
    this.node(node);
    const c = this.cols;
    const R = this.resolved.ringCapacity;
    const out: string[] = [];
    for (let k = 0; k < c.ringLen[node]!; k++) out.push(this.idAt(c.ringBuf[((c.ringHead[node]! + k) % R) * this.nodeCap + node]!));
    c.ringHead[node] = 0;
    c.ringLen[node] = 0;
    return out;
  }

  /** {@link drainDispatch} as task handles. */
  drainDispatchHandles(node: number): Int32Array {
    this.live();
    this.node(node);
    const c = this.cols;
    const R = this.resolved.ringCapacity;
    const len = c.ringLen[node]!, head = c.ringHead[node]!;
    const out = new Int32Array(len);
    for (let k = 0; k < len; k++) out[k] = c.ringBuf[((head + k) % R) * this.nodeCap + node]!;
    c.ringHead[node] = 0;
    c.ringLen[node] = 0;
    return out;
  }

  /** {@link drainDispatchHandles} of several nodes in one call: their rings' task handles, node after node as given (into `into` when it has room). */
  drainDispatchMany(nodes: ArrayLike<number>, into?: Int32Array): Int32Array {
    this.live();
    if (nodes === null || typeof nodes !== 'object' || typeof nodes.length !== 'number') throw stateError('nodes', 'nodes must be an array of node indices');
    checkInto(into);
    const c = this.cols;
    const flags = this.nodeTable.flags, N = this.nodes.length, n = nodes.length;
    if (this.nodeMark.length < N) this.nodeMark = new Int32Array(this.nodeCap);
    // A stamp of this call's own: the marks of earlier calls (a refused one's too) are other numbers.
    if (this.drainStamp === 0x7fffffff) {
      this.nodeMark.fill(0);
      this.drainStamp = 0;
    }
    const mark = this.nodeMark, ringLen = c.ringLen, stamp = ++this.drainStamp;
    let total = 0;
    for (let k = 0; k < n; k++) {
      const x = nodes[k]!;
      // An index of a node present passes one test; anything else goes to node(), which names it.
      // typeof first: a symbol made `x >= 0` a TypeError.
      if (typeof x !== 'number' || !(x >= 0 && x < N && (x | 0) === x) || (flags[x]! & NODE_FLAG.removed) !== 0) this.node(x);
      if (mark[x] === stamp) throw stateError('nodes', `nodes[${k}]: node ${x} is given twice`);
      mark[x] = stamp;
      total += ringLen[x]!;
    }
    const R = this.resolved.ringCapacity, cap = this.nodeCap, buf = c.ringBuf, ringHead = c.ringHead;
    const out = into !== undefined && into.length >= total ? this.drainViews.of(into, total) : new Int32Array(total);
    let at = 0;
    for (let k = 0; k < n; k++) {
      const node = nodes[k]!, len = ringLen[node]!;
      if (len === 0) continue;
      // Slot h of the node's ring is at h·nodeCap + node (slot-major); the head wraps at R.
      for (let j = 0, h = ringHead[node]!; j < len; j++) {
        out[at++] = buf[h * cap + node]!;
        if (++h === R) h = 0;
      }
      ringHead[node] = 0;
      ringLen[node] = 0;
    }
    return out;
  }

  /** Number of undrained placements in a node's ring. */
  pendingDispatch(node: number): number {
    this.live();
    this.node(node);
    return this.cols.ringLen[node]!;
  }

  // ------------------------------------------------------------ inspection

  /** A task's current view. */
  taskView(taskId: string): TaskView {
    this.live();
    return this.view(this.task(taskId));
  }

  /** Counts of tasks by state. */
  counts(): Counts {
    this.live();
    // A literal, not a spread of the tally: one shape for every answer, so a caller's code optimised on it stays so.
    const t = this.tally;
    return { waiting: t.waiting, running: t.running, ok: t.ok, failed: t.failed, killed: t.killed, cancelled: t.cancelled, total: t.total };
  }

  /** Running-task count `L_u` of a user (0 for an unknown user). */
  running(user: string): number {
    this.live();
    const u = this.userIndex.get(user);
    return u === undefined ? 0 : this.cols.running[u]!;
  }

  /** Full state dump, the same shape and order as {@link ReferenceEngine.state}. */
  state(): EngineDump {
    this.live();
    this.ordered();
    const c = this.cols;
    const D = this.dims, R = this.resolved.ringCapacity;
    return {
      clock: this.clock,
      seq: this.rows,
      nodes: this.nodes.map((n, i) => ({
        index: i, id: n.id, capacity: [...n.capacity], residual: [...c.res.subarray(i * D, (i + 1) * D)], speed: n.speed, vcpus: n.vcpus, mem: n.mem,
        up: n.up, removed: n.removed, lastHeartbeat: n.lastHeartbeat ?? null, storageOk: n.storageOk,
        ring: Array.from({ length: c.ringLen[i]! }, (_, k) => this.idAt(c.ringBuf[((c.ringHead[i]! + k) % R) * this.nodeCap + i]!)),
      })),
      order: this.order.slice(),
      tasks: Array.from({ length: this.rows }, (_, t) => this.view(t)),
      users: this.users.map((u, i) => ({ user: u.name, running: c.running[i]!, history: u.history.entries() })),
    };
  }

  /** One JSON command, validated before anything changes (rules: {@link ReferenceEngine.apply}). */
  apply(command: unknown): CommandResult {
    return applyCommand(this, command);
  }

  /** {@link apply} on one line of JSON text (rules: {@link ReferenceEngine.applyLine}). */
  applyLine(line: string): CommandResult {
    return applyCommandLine(this, line);
  }

  /** Why a task is where it is (rules: {@link ReferenceEngine.explain}). */
  explain(taskId: string): Explanation {
    this.live();
    const t = this.task(taskId);
    this.ordered();
    const c = this.cols;
    const p = this.resolved;
    const k = c.dataGB[t]!;
    const u = c.user[t]!, running = c.running[u]!;
    const priority = priorityTerms(p, k, running, c.rounds[t]!);
    const reasons: Reason[] = [];
    const state = STATE_NAMES[c.state[t]!]!;
    let queue: Explanation['queue'];
    if (state === 'waiting') {
      if (running >= p.l0 && p.penalty !== 0) reasons.push({ code: 'user-at-l0', running, l0: p.l0 });
      reasons.push(...this.placementReasons(t));
      // Visited before it: a higher priority, or the same and an earlier row (submission order); one
      // pass over the waiting list, the priority summed as the kernel's recompute sums it.
      const W = c.hdr[W_WAITING]!, list = c.waitList;
      let before = 0;
      for (let j = 0; j < W; j++) {
        const x = list[j]!, px = priorityTotal(p, c.dataGB[x]!, c.running[c.user[x]!]!, c.rounds[x]!);
        if (px > priority.total || (px === priority.total && x < t)) before++;
      }
      queue = { position: before + 1, waiting: W };
    }
    const { name, history } = this.users[u]!;
    const user = { name, running, l0: p.l0, atL0: running >= p.l0, epsilon: history.epsilon() };
    return { task: this.idAt(t), state, priority, size: c.large[t] ? 'large' : 'small', lengthClass: this.lengthClass(k), reasons, user, ...(queue ? { queue } : {}) };
  }


  private placementReasons(t: number): Reason[] {
    const D = this.dims;
    const c = this.cols;
    const dem = c.demand.subarray(t * D, (t + 1) * D);
    const out: Reason[] = [];
    const live = this.nodes.map((n, i) => ({ n, i })).filter((x) => !x.n.removed);
    // Capacities read in the node table (a row's capacity is a new view at every read).
    const cap = this.nodeTable.capacity;
    const holds = (i: number): boolean => { for (let d = 0; d < D; d++) if (cap[i * D + d]! < dem[d]!) return false; return true; };
    const downFit = live.filter((x) => !x.n.up && holds(x.i)).map((x) => x.i);
    if (this.order.length === 0) out.push({ code: 'no-up-node' });
    if (downFit.length > 0) out.push({ code: 'nodes-down', nodes: downFit });
    for (let d = 0; d < D; d++) {
      if (!live.some((x) => cap[x.i * D + d]! >= dem[d]!)) out.push({ code: 'never-fits', dimension: d });
    }
    if (this.order.length === 0) return out;
    let shortDim = false;
    for (let d = 0; d < D; d++) {
      let max = -Infinity;
      for (const i of this.order) max = Math.max(max, c.res[i * D + d]!);
      if (max < dem[d]!) { out.push({ code: 'dimension-short', dimension: d, maxResidual: max }); shortDim = true; }
    }
    const g = c.gang[t]! - 1;
    if (g >= 0) {
      const members: number[] = [];
      for (let m = c.gangFirst[g]!; m < c.gangFirst[g]! + c.gangSize[g]!; m++) if (c.state[m] === S.waiting) members.push(m);
      const fit = this.fitGang(members);
      if (fit.length < members.length) out.push({ code: 'gang-does-not-fit', members: members.length, fit: fit.length });
      else out.push({ code: 'fits-now', node: fit[members.indexOf(t)]! });
      return out;
    }
    const node = this.firstFit(t, new Map());
    if (node < 0) {
      if (!shortDim) out.push({ code: 'no-single-node-fits' });
      if (c.large[t]) {
        const strong = this.order.filter(holds);
        if (strong.length > 0) out.push({ code: 'strong-nodes-full', nodes: strong.reverse() });
      }
    } else if (c.ringLen[node]! >= this.resolved.ringCapacity) {
      out.push({ code: 'dispatch-ring-full', node });
    } else {
      out.push({ code: 'fits-now', node });
    }
    return out;
  }

  /** Linear sorted first-fit for task t on the residuals (tentative rows in `res` first); −1 when none fits. */
  private firstFit(t: number, res: Map<number, Float64Array>): number {
    const c = this.cols;
    const D = this.dims;
    const o = this.order;
    const large = c.large[t] === 1;
    for (let k = 0; k < o.length; k++) {
      const i = o[large ? o.length - 1 - k : k]!;
      const r = res.get(i) ?? c.res.subarray(i * D, (i + 1) * D);
      let ok = true;
      for (let d = 0; d < D; d++) if (r[d]! < c.demand[t * D + d]!) { ok = false; break; }
      if (ok) return i;
    }
    return -1;
  }

  /** The nodes of the gang members that fit one after the other (tentatively), up to the first miss. */
  private fitGang(members: number[]): number[] {
    const c = this.cols;
    const D = this.dims;
    const res = new Map<number, Float64Array>();
    const ring = new Map<number, number>();
    const out: number[] = [];
    for (const m of members) {
      const node = this.firstFit(m, res);
      if (node < 0) break;
      const len = ring.get(node) ?? c.ringLen[node]!;
      if (len >= this.resolved.ringCapacity) break;
      ring.set(node, len + 1);
      const r = (res.get(node) ?? c.res.subarray(node * D, (node + 1) * D)).slice();
      for (let d = 0; d < D; d++) r[d] = r[d]! - c.demand[m * D + d]!;
      res.set(node, r);
      out.push(node);
    }
    return out;
  }

  private lengthClass(k: number): LengthClass {
    return k <= this.resolved.k1 ? 'short' : k <= this.resolved.k2 ? 'medium' : 'long';
  }

  private view(t: number): TaskView {
    const c = this.cols;
    const D = this.dims;
    const g = c.gang[t]! - 1, p = c.place[t]! - 1;
    return {
      id: this.idAt(t), user: this.users[c.user[t]!]!.name, gang: g < 0 ? undefined : this.gangIds[g], state: STATE_NAMES[c.state[t]!]!,
      demand: Array.from({ length: D }, (_, d) => c.demand[t * D + d]!), dataGB: c.dataGB[t]!, requestTime: c.request[t]!, submitTime: c.submitTime[t]!,
      size: c.large[t] ? 'large' : 'small', lengthClass: this.lengthClass(c.dataGB[t]!), rounds: c.rounds[t]!, failures: c.failures[t]!,
      node: c.state[t] === S.running ? c.pNode[p]! : -1, start: p >= 0 ? c.pStart[p]! : NaN, t0: p >= 0 ? c.pT0[p]! : NaN, deadline: p >= 0 ? c.pDeadline[p]! : NaN,
    };
  }

  private node(node: unknown): NodeRow {
    if (typeof node !== 'number' || !Number.isInteger(node) || node < 0 || node >= this.nodes.length) {
      throw new FairfitError('INDEX_OUT_OF_RANGE', `node must be a node index in [0, ${this.nodes.length}), got ${shown(node)}`, { field: 'node', index: typeof node === 'number' ? node : undefined });
    }
    const n = this.nodes[node]!;
    if (n.removed) throw new FairfitError('INDEX_OUT_OF_RANGE', `node ${node} was removed`, { field: 'node', index: node });
    return n;
  }

  private byHandle(h: unknown): number {
    if (typeof h !== 'number' || !Number.isInteger(h) || h < 0 || h >= this.rows) {
      throw new FairfitError('INDEX_OUT_OF_RANGE', `task handle must be an integer in [0, ${this.rows}), got ${shown(h)}`, { field: 'handle', index: typeof h === 'number' ? h : undefined });
    }
    return h;
  }

  private task(id: unknown): number {
    // A closed engine says so (its id index lived in memory that may now be another engine's).
    this.live();
    if (typeof id !== 'string') throw notTaskId(id);
    const t = this.lookup(id);
    if (t === undefined) throw new FairfitError('INDEX_OUT_OF_RANGE', `taskId '${id}' is not a submitted task`, { field: 'taskId' });
    return t;
  }

  // ------------------------------------------------------------ snapshot

  /**
   * The whole engine as bytes: a format version, the hash of the WebAssembly
   * module that wrote it (for the host's records), the state that names things
   * (node health, user histories, gang ids) as JSON, then the columns of the
   * live rows only, each in few bytes (see `column-codec.ts`: the narrowest
   * exact element type, or a default and the rows that differ), the plain task
   * ids as one text, and a CRC-32 of everything before it. {@link Engine.restore}
   * in the same build continues from it with identical decisions; another build
   * that reads the format version continues by its own rules.
   *
   * @param into bytes a host lends for the snapshot (as {@link RoundBuffers}
   *   for a round): used when at least as long as the snapshot and starting
   *   8-aligned in their buffer, and the result is then a view of their first
   *   bytes, valid until the host writes them or lends them again. A host that
   *   checkpoints periodically writes each snapshot to pages it has already
   *   touched; a new array's pages are fresh memory, a page fault per 4 KiB.
   *   Otherwise (or without it) the snapshot is a new array. Same bytes either way.
   */
  snapshot(into?: Uint8Array): Uint8Array {
    this.live();
    // Bytes that are too short or not 8-aligned are not used (a new array is), but bytes they must be.
    if (into !== undefined && !(into instanceof Uint8Array)) throw new FairfitError('INVALID_OPTION', `into must be a Uint8Array (or left out), got ${shown(into)}`, { field: 'into' });
    return this.writeSnapshot(false, into);
  }

  /** {@link snapshot}, the ids one byte per character unless `wide` (then, or when one turns out above U+00FF, UTF-16). */
  private writeSnapshot(wide: boolean, into: Uint8Array | undefined): Uint8Array {
    this.live();
    const c = this.cols;
    const n = this.rows, D = this.dims, N = this.nodes.length, U = this.users.length, G = this.gangIds.length;
    const R = this.resolved.ringCapacity;
    const waiting = c.hdr[W_WAITING]!, runCount = this.get('runCount'), placements = this.get('placements');
    const rings = new Int32Array(c.ringLen.subarray(0, N).reduce((a, b) => a + b, 0));
    let at = 0;
    for (let i = 0; i < N; i++) for (let k = 0; k < c.ringLen[i]!; k++) rings[at++] = c.ringBuf[((c.ringHead[i]! + k) % R) * this.nodeCap + i]!;
    // The plain ids as runs when they are numbered (id-runs.ts), else as one text and their lengths (any
    // character may be in an id); as the restored snapshot had them after a restore that never needed them.
    const runs = this.idRunTracker.runs;
    const ids = runs !== undefined ? NO_ID_TEXT : this.idText ?? idLengths(this.plainIds, wide);
    const { lengths } = ids;
    const encoding = ids.wide ? 'utf16le' : 'latin1';
    const textBytes = ids.chars * (ids.wide ? 2 : 1);
    // Version 6 has no cancelled task: an engine without one writes it (the same bytes as before cancel
    // existed, and a build that reads only version 6 restores them); one with cancelled tasks writes 7;
    // one that forgot tasks (purge: its counts are of more tasks than its rows) writes 8.
    const { cancelled, ...v6tally } = this.tally;
    const purged = this.tally.total !== n;
    const version = purged ? SNAPSHOT_VERSION : cancelled > 0 ? SNAPSHOT_VERSION_CANCELLED : SNAPSHOT_VERSION_UNCANCELLED;
    const meta = Buffer.from(JSON.stringify(keepNonFinite({
      params: this.resolved, clock: this.clock, tally: purged || cancelled > 0 ? this.tally : v6tally, users: this.users.map((u): SnapshotUser => ({ name: u.name, history: u.history.entries() })), gangIds: this.gangIds, undoCap: this.undoCap,
      waiting, runCount, placements, minDeadline: this.get('minDeadline'),
      nodeIds: this.nodeTable.ids.slice(),
      ids: { encoding, bytes: textBytes, ...(runs !== undefined ? { runs } : {}) },
    } satisfies SnapshotMeta)));
    const m = this.matcherFields();
    const core = this.live();
    // Every column is scanned in WebAssembly (planColumn): where it lies in the linear memory, else through the scratch.
    const scratch = this.codecScratch();
    const plan = (v: NumberColumn, fallback?: number): ColumnPlan => planColumn(v, fallback, core, scratch);
    const plans = [
      ...this.taskColumns(n).map(([, v, fallback]) => plan(v, fallback)),
      plan(core.i32(this.get('runList'), runCount)),
      ...this.recordColumns(placements).map((v) => plan(v)),
      plan(c.submitTime.subarray(0, n)), plan(c.failures.subarray(0, n), 0),
      plan(c.running.subarray(0, U)), plan(c.epsilon.subarray(0, U)),
      plan(core.f64(m.res, N * D)), plan(c.ringLen.subarray(0, N)), plan(rings),
      plan(c.gangFirst.subarray(0, G)), plan(c.gangSize.subarray(0, G)),
      ...this.nodeTable.columns().map((v) => plan(v)),
      plan(lengths),
    ];
    const body = plans.reduce((a, p) => a + p.bytes, 0) + align8(textBytes);
    const total = SNAPSHOT_HEAD + align8(meta.length) + body + 4;
    // Lent bytes are cleared first: the sections' padding is not written (a new array's is zero).
    const out = into instanceof Uint8Array && into.length >= total && into.byteOffset % 8 === 0 ? into.subarray(0, total).fill(0) : new Uint8Array(total);
    const head = Buffer.from(out.buffer, out.byteOffset, SNAPSHOT_HEAD);
    head.write(SNAPSHOT_MAGIC, 0, 'latin1');
    head.writeUInt32LE(version, 4);
    moduleHash().copy(head, 8);
    head.writeUInt32LE(meta.length, 40);
    head.writeUInt32LE(n, 44);
    head.writeUInt32LE(body, 48);
    out.set(meta, SNAPSHOT_HEAD);
    at = SNAPSHOT_HEAD + align8(meta.length);
    for (const p of plans) at = writeColumn(p, out, at, scratch);
    // Runs have no text.
    if (runs === undefined) {
      if (this.idText) out.set(this.idText.source.bytes, at);
      else if (!writeIds(this.plainIds, ids.wide ? new Uint16Array(out.buffer, out.byteOffset + at, textBytes >> 1) : out.subarray(at, at + textBytes))) return this.writeSnapshot(true, into);
    }
    new DataView(out.buffer, out.byteOffset).setUint32(total - 4, crc32(out.subarray(0, total - 4)), true);
    return out;
  }

  /** The task columns a snapshot keeps (first `n` rows each; the rest are scratch or unused), with the value a new row gets. */
  private taskColumns(n: number): [keyof typeof ENGINE.offset, Int32Array | Float64Array, number | undefined][] {
    const c = this.cols, D = this.dims;
    return [
      ['state', c.state.subarray(0, n), S.waiting], ['user', c.user.subarray(0, n), undefined], ['dataGB', c.dataGB.subarray(0, n), undefined],
      ['request', c.request.subarray(0, n), undefined], ['demand', c.demand.subarray(0, n * D), undefined], ['large', c.large.subarray(0, n), 0],
      ['rounds', c.rounds.subarray(0, n), 0], ['place', c.place.subarray(0, n), 0], ['gang', c.gang.subarray(0, n), 0],
    ];
  }

  /** The placement records a snapshot keeps (the first `p`; their places in the running list are rebuilt from it). */
  private recordColumns(p: number): [Int32Array, Float64Array, Float64Array, Float64Array] {
    const c = this.cols;
    return [c.pNode.subarray(0, p), c.pStart.subarray(0, p), c.pT0.subarray(0, p), c.pDeadline.subarray(0, p)];
  }

  /**
   * An engine continuing from {@link Engine.snapshot} bytes: a `Uint8Array` (a `Buffer`), an
   * `ArrayBuffer` or `SharedArrayBuffer` (as `fs.readFile` or a `fetch` hands bytes over), or
   * another typed array or `DataView` — its bytes are read, not copied.
   * `options` is an object whose only key may be `memoryLimit` (as {@link EngineOptions}; the rows
   * come from the snapshot): anything else is `INVALID_OPTION` naming it.
   * @throws FairfitError `INVALID_OPTION` for bytes of anything else (naming its type) or bad `options`;
   *   `CORRUPT_INPUT` for truncated or corrupted bytes or another format version
   *   (nothing is created). Any build that reads the snapshot's format version restores it;
   *   the restored engine then decides by that build's rules.
   */
  static restore(snapshot: Uint8Array | ArrayBuffer | SharedArrayBuffer | ArrayBufferView, options: Pick<EngineOptions, 'memoryLimit'> = {}): Engine {
    const bad = (why: string): FairfitError => new FairfitError('CORRUPT_INPUT', `engine snapshot rejected: ${why}`, { field: 'snapshot' });
    checkEngineOptions(options, RESTORE_OPTIONS);
    const bytes = snapshotBytes(snapshot);
    if (bytes.length < SNAPSHOT_HEAD + 4) throw bad(`${bytes.length} bytes is shorter than a snapshot header`);
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    if (buf.toString('latin1', 0, 4) !== SNAPSHOT_MAGIC) throw bad('not an engine snapshot (bad magic)');
    const version = buf.readUInt32LE(4);
    // The format version alone says whether this build can read the bytes: the columns are stored by
    // meaning, not as this build's memory, so another build of the same version reads them (the
    // module hash in the header names the writer, for the host's records; it is not checked).
    if (version !== SNAPSHOT_VERSION && version !== SNAPSHOT_VERSION_CANCELLED && version !== SNAPSHOT_VERSION_UNCANCELLED) {
      throw bad(`format version ${version}, this fairfit reads version ${SNAPSHOT_VERSION_UNCANCELLED}, ${SNAPSHOT_VERSION_CANCELLED} or ${SNAPSHOT_VERSION}`);
    }
    const metaLen = buf.readUInt32LE(40), n = buf.readUInt32LE(44), body = buf.readUInt32LE(48);
    const total = SNAPSHOT_HEAD + align8(metaLen) + body + 4;
    if (bytes.length !== total) throw bad(`${bytes.length} bytes, the header announces ${total} (truncated or extended)`);
    if (crc32(buf.subarray(0, total - 4)) !== buf.readUInt32LE(total - 4)) throw bad('checksum mismatch (corrupted)');
    // The columns are read through typed views: bytes that do not start 8-aligned in their buffer are copied once.
    const src = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
    let parsed: unknown;
    try {
      parsed = readNonFinite(JSON.parse(buf.toString('utf8', SNAPSHOT_HEAD, SNAPSHOT_HEAD + metaLen)));
    } catch {
      throw bad('its metadata is not JSON');
    }
    const shape = metaShapeProblem(parsed);
    if (shape !== undefined) throw bad(`its metadata ${shape}`);
    const meta = parsed as SnapshotMeta;
    const N = meta.nodeIds.length;
    // What reading it will allocate, reserved by the constructor (when the counts are ones readSnapshot accepts; else it finds out).
    const fits = (k: unknown, most: number): k is number => Number.isSafeInteger(k) && (k as number) >= 0 && (k as number) <= most;
    if (fits(meta.waiting, n) && fits(meta.runCount, n) && fits(meta.undoCap, MOST_UNDO) && fits(meta.ids.bytes, bytes.length)) {
      restoreRoom = { users: meta.users.length, gangs: meta.gangIds.length, sortRows: meta.waiting + meta.runCount, undoCap: meta.undoCap, textBytes: meta.ids.bytes };
    }
    let e: Engine;
    try {
      e = new Engine(meta.params, { taskCapacity: Math.max(n, 1), nodeCapacity: Math.max(N, 1), ...(options.memoryLimit !== undefined ? { memoryLimit: options.memoryLimit } : {}) });
    } catch (err) {
      restoreRoom = undefined;
      // Parameters this build refuses (a bound, a key): not a snapshot it wrote. A memory that cannot hold it: said as such.
      if (err instanceof FairfitError && err.code !== 'OUT_OF_MEMORY' && !(err.code === 'INVALID_OPTION' && err.details.field === 'options.memoryLimit')) throw bad(err.message);
      throw err;
    }
    try {
      e.readSnapshot(src, SNAPSHOT_HEAD + align8(metaLen), total - 4, n, meta, version, bad);
      e.roomForRounds(0);
    } catch (err) {
      e.close();
      // A check of a call the restore makes again (a node's weights…) names its field: still the snapshot's fault.
      if (err instanceof FairfitError && err.code !== 'CORRUPT_INPUT' && err.code !== 'OUT_OF_MEMORY') throw bad(err.message);
      throw err;
    }
    return e;
  }

  /**
   * The capacities a restore's users, gangs and round scratch grow to, and the bytes of all it allocates after
   * the constructor's columns (those groups, the undo scratch, the ids' text, the gang ids' table), exactly: a memoryLimit of what a
   * restore uses must hold it. Reserved with the constructor's columns, in one growth: V8 counts each growth's
   * whole new buffer against its external memory budget (the ten growths of a 10^6-task restore counted 1.7 GB).
   * A growth that crosses the budget starts a full collection (one in a restore of 10^6 tasks, ≈ 60 ms with
   * 10^6 ids alive); a second growth after that collection, as a separate reserve here made, started a second.
   */
  private restoreGrowth(r: RestoreRoom): { userCap: number; gangCap: number; sortCap: number; bytes: number } {
    let userCap = this.userCap, gangCap = this.gangCap, sortCap = this.sortCap;
    while (userCap < r.users) userCap *= 2;
    while (gangCap < r.gangs) gangCap *= 2;
    while (sortCap < r.sortRows) sortCap *= 2;
    const D = this.dims;
    const bytes = (userCap > this.userCap ? groupBytes(USER_GROUP, userCap) : 0) + (gangCap > this.gangCap ? groupBytes(GANG_GROUP, gangCap) : 0)
      + (sortCap > this.sortCap ? groupBytes(SORT_GROUP, sortCap) : 0) + (r.undoCap > 0 ? align16(r.undoCap * D * 8) + align16(r.undoCap * 4) : 0) + align16(r.textBytes) + IdIndex.bytesFor(r.gangs);
    return { userCap, gangCap, sortCap, bytes };
  }

  /** Fills this new engine (room for n tasks and the snapshot's nodes) from the sections at [at, end) of a snapshot. */
  private readSnapshot(src: Uint8Array, at: number, end: number, n: number, meta: SnapshotMeta, version: number, bad: (why: string) => FairfitError): void {
    const N = meta.nodeIds.length, U = meta.users.length, G = meta.gangIds.length;
    const D = this.dims, R = this.resolved.ringCapacity;
    const scratch = this.codecScratch();
    const column = (into: NumberColumn): void => {
      at = readColumn(src, at, into, bad, scratch);
    };
    const P = meta.placements;
    for (const [what, k] of [['placement records', P], ['running tasks', meta.runCount], ['waiting tasks', meta.waiting]] as const) {
      if (!(Number.isSafeInteger(k) && k >= 0 && k <= n)) throw bad(`${String(k)} ${what} for ${n} tasks`);
    }
    // A capacity, not a count: a purge can leave fewer tasks than the largest gang it was grown for.
    if (!(Number.isSafeInteger(meta.undoCap) && meta.undoCap >= 0 && meta.undoCap <= MOST_UNDO)) throw bad(`room for ${String(meta.undoCap)} gang members to undo (at most ${MOST_UNDO})`);
    const textBytes = meta.ids.bytes;
    if (!(Number.isSafeInteger(textBytes) && textBytes >= 0 && textBytes <= end - at)) throw bad(`the ids' text of ${String(textBytes)} bytes does not fit`);
    // What the reading and the first round will allocate, in one growth of memory at most (none when the constructor
    // reserved it, as it does for Engine.restore): see restoreGrowth.
    const { userCap, gangCap, bytes } = this.restoreGrowth({ users: U, gangs: G, sortRows: meta.waiting + meta.runCount, undoCap: meta.undoCap, textBytes });
    this.live().reserve(bytes);
    // Users and gangs first (their columns may grow), then tasks, then nodes (the order and the tree).
    if (userCap > this.userCap) {
      this.growGroup(USER_GROUP, 0, userCap);
      this.userCap = userCap;
    }
    if (gangCap > this.gangCap) {
      this.growGroup(GANG_GROUP, 0, gangCap);
      this.gangCap = gangCap;
    }
    this.roomForRecords(P);
    if (meta.undoCap > 0) {
      this.undoCap = meta.undoCap;
      this.set({ sUndo: this.live().alloc(this.undoCap * D * 8), sGangNodes: this.live().alloc(this.undoCap * 4) });
    }
    // Room for the ids' text (copied at the end), taken now: an allocation may grow the memory, and the views below are made once, over the memory as it is.
    const textAt = this.live().alloc(textBytes);
    // A new engine's columns are zero: what the column reader needs.
    // Columns that come back all zero are not checked (a check would touch their pages for nothing).
    const zero = new Set<string>();
    for (const [field, view] of this.taskColumns(n)) {
      if (columnAllZero(src, at)) zero.add(field);
      column(view);
    }
    const runList = this.live().i32(this.get('runList'), meta.runCount);
    column(runList);
    this.recordColumns(P).forEach(column);
    if (columnAllZero(src, at)) zero.add('submitTime');
    column(this.cols.submitTime.subarray(0, n));
    column(this.cols.failures.subarray(0, n));
    column(this.cols.running.subarray(0, U));
    column(this.cols.epsilon.subarray(0, U));
    const res = new Float64Array(N * D);
    column(res);
    const ringLen = new Int32Array(N);
    column(ringLen);
    let ringTotal = 0;
    for (let i = 0; i < N; i++) {
      if (ringLen[i]! < 0 || ringLen[i]! > R) throw bad(`node ${i}'s dispatch ring holds ${ringLen[i]} tasks`);
      ringTotal += ringLen[i]!;
    }
    const rings = new Int32Array(ringTotal);
    column(rings);
    column(this.cols.gangFirst.subarray(0, G));
    column(this.cols.gangSize.subarray(0, G));
    const table = NodeTable.forIds(meta.nodeIds, D);
    const nodeCols = table.columns();
    nodeCols.forEach(column);
    const c = this.cols;
    this.checkRestored(n, U, G, P, (zero.has('gang') ? 0 : ROW_COLUMN.gang) | (zero.has('submitTime') ? 0 : ROW_COLUMN.submitTime), rings, res, nodeCols, bad);
    // Plain tasks: those of no gang, each with an id.
    let plain = 0;
    const gangOf = c.gang;
    const plainRow = c.plainRow;
    // The leading plain rows are their own places among the plain ids: nothing is written for them (identityRows).
    // (A gang column that came back all zero is not read: its pages were never touched.)
    let lead = zero.has('gang') ? n : 0;
    while (lead < n && gangOf[lead]! === 0) lead++;
    plain = lead;
    for (let t = lead; t < n; t++) plainRow[t] = gangOf[t]! !== 0 ? -1 : plain++;
    const taskOf = new Int32Array(plain - lead);
    for (let t = lead; t < n; t++) if (plainRow[t]! >= 0) taskOf[plainRow[t]! - lead] = t;
    this.identityRows = lead;
    // Ids as runs: no lengths, no text. Else id lengths in one byte each when the snapshot has them so (ids up to 255 characters).
    const runs = meta.ids.runs;
    if (runs !== undefined) {
      const why = checkRuns(runs, plain);
      if (why !== undefined || textBytes !== 0) throw bad(why ?? 'task ids both as runs and as a text');
    }
    const lengths = runs !== undefined ? new Uint8Array(0) : columnFitsU8(src, at) ? new Uint8Array(plain) : new Int32Array(plain);
    column(lengths);
    if (align8(at + textBytes) !== end) throw bad('the columns do not match the counts in the header');
    const wide = meta.ids.encoding === 'utf16le';
    let chars = 0;
    for (let r = 0; r < lengths.length; r++) chars += lengths[r]!;
    if (chars * (wide ? 2 : 1) !== textBytes) throw bad('the task ids do not match their lengths');
    // The text stays bytes until a call needs an id: a copy (the caller keeps its snapshot) in this
    // engine's memory, whose pages a recycled core has already touched.
    this.live().u8(textAt, textBytes).set(src.subarray(at, at + textBytes));
    // (Through live(): once the engine is closed its memory may be another engine's.)
    const source = new IdText(() => this.live().u8(textAt, textBytes), wide);
    // The waiting list (the waiting tasks ascending) was rebuilt by the check (engineCheckRows), which counted the
    // waiting and running tasks and the records named; each running task's place in the running list is rebuilt here.
    const w = this.get('waiting'), running = this.get('runCount'), records = this.get('placements');
    if (w !== meta.waiting || running !== meta.runCount) throw bad(`${w} waiting and ${running} running tasks, the header says ${meta.waiting} and ${meta.runCount}`);
    if (records !== P) throw bad(`${records} tasks have placement records, the header says ${P}`);
    const state = c.state, place = c.place, runPos = this.live().i32(this.get('pRunPos'), P);
    // Each running task once: as many entries as running tasks, so a task named twice leaves another out.
    const listed = new Uint8Array(P);
    for (let j = 0; j < meta.runCount; j++) {
      const t = runList[j]!;
      if (!(t >= 0 && t < n) || state[t] !== S.running) throw bad(`the running list names task ${t}, which is not running`);
      const record = place[t]! - 1;
      if (listed[record] !== 0) throw bad(`the running list names task ${t} more than once`);
      listed[record] = 1;
      runPos[record] = j;
    }
    // Each node's running tasks (not in a snapshot: what the running list and the records say).
    const busy = this.live().i32(this.get('busy'), N), pNode = this.live().i32(this.get('pNode'), P);
    for (let j = 0; j < meta.runCount; j++) busy[pNode[place[runList[j]!]! - 1]!]!++;
    this.nodeTable = table;
    this.nodes = meta.nodeIds.map((_, i) => new NodeRow(table, i));
    this.nodeIds = new Map();
    this.nodes.forEach((x, i) => {
      if (!x.removed) this.nodeIds.set(x.id, i);
    });
    const m = this.matcherFields();
    // The capacities node-major, as the matcher holds them: one copy (not a view per node).
    this.live().f64(m.cap, N * D).set(nodeCols[5]);
    this.live().f64(m.res, N * D).set(res);
    let r = 0;
    for (let i = 0; i < N; i++) {
      c.ringHead[i] = 0;
      c.ringLen[i] = ringLen[i]!;
      for (let k = 0; k < ringLen[i]!; k++) c.ringBuf[k * this.nodeCap + i] = rings[r++]!;
    }
    this.orderStale = true;
    this.users = meta.users.map((u) => ({ name: u.name, history: UserHistory.of(this.resolved.historyLength, u.history) }));
    this.userIndex = new Map(meta.users.map((u, i) => [u.name, i]));
    this.gangIds = meta.gangIds;
    this.gangIndex.room(G); // one table (restoreGrowth counts it), not a growth per doubling
    for (let g = 0; g < G; g++) this.gangIndex.add(meta.gangIds[g]!, g);
    this.set({ tasks: n, users: U, gangs: G, waiting: meta.waiting, runCount: meta.runCount, placements: P, minDeadline: meta.minDeadline, now: meta.clock });
    this.clock = meta.clock;
    // Version 6 has no cancelled count (no task could be cancelled); the keys in the order counts() gives them.
    const { waiting, running: runningTasks, ok, failed, killed, cancelled = 0, total } = meta.tally;
    const tally = { waiting, running: runningTasks, ok, failed, killed, cancelled, total };
    // The counts are of every task ever submitted: of the rows before version 8, of at least them since
    // (a purge forgets tasks, not their counts); the waiting and running ones are all held.
    if (!Object.values(tally).every((x) => Number.isSafeInteger(x) && x >= 0) || waiting !== meta.waiting || runningTasks !== meta.runCount
      || waiting + runningTasks + ok + failed + killed + cancelled !== total || (version === SNAPSHOT_VERSION ? total < n : total !== n)) {
      throw bad(`the task counts ${JSON.stringify(meta.tally)} do not match ${n} task rows (${meta.waiting} waiting, ${meta.runCount} running)`);
    }
    this.tally = tally;
    this.rows = n;
    // The ids stay runs, or one text, until a call needs them one by one; a text's table is made when a call first names a task by id.
    this.idRunTracker = new RunTracker(runs, plain);
    if (runs !== undefined) this.restoredIds = this.idRuns = new IdRuns(runs, lead, taskOf);
    else {
      this.idText = { source, lengths, chars, wide };
      this.restoredIds = new IdTable(source, lengths, lead, taskOf);
    }
  }

  /**
   * The restored columns a kernel or a view follows as an index, and the numbers
   * a call checked when it took them: bytes tampered with (a checksum made to
   * match) must not make an engine that reads or writes outside its columns, or
   * one that holds what no call would have accepted. The running list is
   * checked where it is rebuilt. Rebuilds the waiting list on the way (and counts,
   * see `engineCheckRows`).
   */
  private checkRestored(n: number, U: number, G: number, P: number, columns: number, rings: Int32Array, res: Float64Array, [speed, vcpus, mem, heartbeat, flags, capacity]: NodeColumns, bad: (why: string) => FairfitError): void {
    const core = this.live(), c = this.cols, D = this.dims;
    // The task rows in WebAssembly (one pass over 10^6 rows in JavaScript took ≈ 35 ms, most of a restore into reused memory),
    // the waiting list rebuilt in the same pass.
    // In pieces: the later ones run V8's optimised code (see engineCheckRows).
    let found: number = ROW_CHECK.ok;
    for (let from = 0; found === ROW_CHECK.ok && (from < n || from === 0); from += CHECK_PIECE) found = core.exports.engineCheckRows(this.e, n, U, G, speed.length, P, columns, from, Math.min(n, from + CHECK_PIECE));
    if (found !== ROW_CHECK.ok) {
      const at = core.exports.lastErrorIndex();
      if (found === ROW_CHECK.gangRows) throw bad(`gang ${at}'s rows are not its members`);
      if (found === ROW_CHECK.record) throw bad(`task ${at} names placement record ${c.place[at]! - 1}, which is not its own`);
      if (found === ROW_CHECK.runningRecord) throw bad(`running task ${at} has no placement record on a node`);
      throw bad(`task ${at}'s ${ROW_FINDING[found] ?? 'row'}`);
    }
    const { running, epsilon } = c;
    const nonNegative = (x: number): boolean => x >= 0 && x < Infinity;
    // ε may be Infinity (a history whose ratio overflows: its tasks get an infinite T0), never NaN (epsilonOfRuns).
    for (let u = 0; u < U; u++) if (!(running[u]! >= 0 && running[u]! <= n && epsilon[u]! >= 0)) throw bad(`user ${u}'s running count or ε is out of range`);
    for (let k = 0; k < rings.length; k++) if (!(rings[k]! >= 0 && rings[k]! < n)) throw bad(`a dispatch ring names task ${rings[k]} of ${n}`);
    for (let i = 0; i < speed.length; i++) {
      if (!(nonNegative(speed[i]!) && nonNegative(vcpus[i]!) && nonNegative(mem[i]!) && flags[i]! <= (NODE_FLAG.up | NODE_FLAG.removed | NODE_FLAG.storageOk) && (Number.isNaN(heartbeat[i]) || Number.isFinite(heartbeat[i])))) throw bad(`node ${i}'s numbers are not ones a node accepts`);
      for (let d = 0; d < D; d++) {
        const cap = capacity[i * D + d]!, r = res[i * D + d]!;
        if (!(nonNegative(cap) && r >= 0 && r <= cap)) throw bad(`node ${i}'s capacity or residual in dimension ${d} is out of range`);
      }
    }
  }

  /**
   * Releases the instance (its memory goes to the next engine made in this thread, see `Core.reuse`).
   * Close an engine you are done with: its memory is a shared WebAssembly memory, whose size V8 does
   * not count, so an engine merely dropped holds its memory until a collection the rest of the
   * program prompts. Every later call but `close` throws `INVALID_OPTION` ("the engine is closed", field `engine`), including those the
   * engine could answer without its memory (`counts`, `now`, `nodeOrder`, `isUp`, `epsilon`): one
   * rule, and no answer from an engine whose memory another engine now uses.
   */
  close(): void {
    if (this.core) Core.recycle(this.core);
    this.core = undefined;
    this.views = undefined;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * JSON has no Infinity (agingCap, heartbeatInterval, δ0 may be ∞): non-finite numbers travel as
 * strings tagged with a leading U+0000, and a string that itself starts with U+0000 (a user, node,
 * gang or task id) with one more. A walk before `JSON.stringify` and after `JSON.parse` rather than a
 * replacer and a reviver: V8 calls those back for every value (a restore of 10^4 nodes' ids spent 4–6 ms there).
 */
function keepNonFinite(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : `\u0000${v}`;
  if (typeof v === 'string') return v.charCodeAt(0) === 0 ? `\u0000${v}` : v;
  if (Array.isArray(v)) return v.map(keepNonFinite);
  if (v === null || typeof v !== 'object') return v;
  // A fresh object without a prototype: a key such as "__proto__" is copied as a key.
  const o = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(v)) o[k] = keepNonFinite((v as Record<string, unknown>)[k]);
  return o;
}

/** {@link keepNonFinite} undone, in place, on what `JSON.parse` made. */
function readNonFinite(v: unknown): unknown {
  if (typeof v === 'string') return v.charCodeAt(0) !== 0 ? v : v.charCodeAt(1) === 0 ? v.slice(1) : Number(v.slice(1));
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = readNonFinite(v[i]);
    return v;
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const x = o[k], y = readNonFinite(x);
    // A data property as JSON.parse made it (an assignment to a key "__proto__" would set the prototype).
    if (y !== x) Object.defineProperty(o, k, { value: y, writable: true, enumerable: true, configurable: true });
  }
  return o;
}

/** What {@link Engine.restore} will allocate after an engine's columns (see restoreGrowth). */
interface RestoreRoom {
  users: number;
  gangs: number;
  sortRows: number;
  undoCap: number;
  textBytes: number;
}

/** Set by Engine.restore for the `new Engine` it makes, which takes it (and clears it) to reserve that room too. */
let restoreRoom: RestoreRoom | undefined;

const SNAPSHOT_MAGIC = 'FFEN';
/** Bytes of an engine's codec scratch: a few hundred calls for the columns of 10^6 tasks, pages touched once. */
const CODEC_SCRATCH = 1 << 16;
/**
 * The format version: 7 is version 6 and the task state `cancelled` (its number in the state column,
 * its count in the tally); 8 is version 7 whose tally counts more tasks than it has rows (tasks
 * forgotten by `purge`: the counts are of every task ever submitted). A snapshot without a cancelled
 * task is written as version 6 (the same bytes), one with cancelled tasks as 7, so that builds that
 * read only those still restore them; only an engine that forgot tasks writes 8. This build reads all three.
 */
const SNAPSHOT_VERSION = 8;
/** The version of a snapshot of an engine that forgot no task, with a cancelled task. */
const SNAPSHOT_VERSION_CANCELLED = 7;
/** The version of a snapshot without a cancelled task, of an engine that forgot no task. */
const SNAPSHOT_VERSION_UNCANCELLED = 6;
/** magic 4 · version 4 · module hash 32 · meta bytes 4 · tasks 4 · column bytes 4 · 4 zero (the sections start 8-aligned) */
const SNAPSHOT_HEAD = 56;
/** The most room a round's gang-undo scratch can have: it grows to max(procs, twice its room) for a gang of procs ≤ MAX_PROCS. */
const MOST_UNDO = 2 * MAX_PROCS;

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** The state that names things, in a snapshot (JSON). */
interface SnapshotMeta {
  params: IptasParams;
  clock: number;
  /** Without `cancelled` in version 6. */
  tally: Omit<Counts, 'cancelled'> & { cancelled?: number };
  users: SnapshotUser[];
  gangIds: string[];
  undoCap: number;
  waiting: number;
  runCount: number;
  /** Placement records (one per task held that was ever placed). */
  placements: number;
  minDeadline: number;
  /** The nodes' ids (their numbers and flags are columns: {@link NodeTable.columns}). */
  nodeIds: string[];
  /** The plain task ids' text (after the columns): its encoding and bytes; or (then no text) their runs. */
  ids: { encoding: 'latin1' | 'utf16le'; bytes: number; runs?: readonly IdRun[] };
}

/** What is wrong with the shape of a snapshot's metadata (the types {@link SnapshotMeta} declares), or undefined. */
function metaShapeProblem(m: unknown): string | undefined {
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  const isNumber = (x: unknown): x is number => typeof x === 'number' && !Number.isNaN(x);
  if (!isObject(m)) return 'is not an object';
  if (!isObject(m.params)) return 'has no params object';
  if (!isNumber(m.clock)) return 'has no clock';
  if (!isNumber(m.minDeadline)) return 'has no minDeadline';
  if (!isObject(m.tally)) return 'has no task counts';
  if (!Array.isArray(m.nodeIds) || !m.nodeIds.every((x) => typeof x === 'string')) return 'has no list of node ids';
  if (!Array.isArray(m.gangIds) || !m.gangIds.every((x) => typeof x === 'string')) return 'has no list of gang ids';
  if (!Array.isArray(m.users) || !m.users.every((u) => isObject(u) && typeof u.name === 'string' && Array.isArray(u.history)
    && u.history.every((h) => Array.isArray(h) && h.length === 2 && isNumber(h[0]) && isNumber(h[1])))) return 'has no list of users';
  if (!isObject(m.ids) || (m.ids.encoding !== 'latin1' && m.ids.encoding !== 'utf16le')) return 'has no ids record';
  return undefined;
}

const ROW_CHECK = ENGINE_ROW_CHECK.code;
const ROW_COLUMN = ENGINE_ROW_COLUMN.values;
/** Rows `engineCheckRows` checks a call. */
const CHECK_PIECE = 1 << 16;
/** What {@link checkRestored} says of a task row `engineCheckRows` refused. */
const ROW_FINDING: Record<number, string> = {
  [ROW_CHECK.state]: 'state is none of the task states',
  [ROW_CHECK.user]: 'user is not one of the snapshot\'s users',
  [ROW_CHECK.gang]: 'gang is not one whose members it is among',
  [ROW_CHECK.numbers]: 'data volume, requested time or submission time is not one a submit accepts',
  [ROW_CHECK.demand]: 'demand is not one a submit accepts',
};

/** The plain ids of a snapshot: their lengths, how many characters in all, whether one is above U+00FF (then written as UTF-16). */
interface IdLengths {
  lengths: Int32Array | Uint8Array;
  chars: number;
  wide: boolean;
}

/**
 * Lengths of ids (no joined string: a large allocation next to 10^6 live ids
 * can cost a full garbage collection), for a text one byte per character
 * unless `wide`.
 */
/** The ids' lengths and text of a snapshot whose ids are runs: none. */
const NO_ID_TEXT: IdLengths = { lengths: new Uint8Array(0), chars: 0, wide: false };

function idLengths(ids: readonly string[], wide: boolean): IdLengths {
  const lengths = new Int32Array(ids.length);
  let chars = 0;
  for (let k = 0; k < ids.length; k++) chars += lengths[k] = ids[k]!.length;
  return { lengths, chars, wide };
}

/** The ids' characters one after the other into `out`, one per element; false when one does not fit (above U+00FF in bytes). */
function writeIds(ids: readonly string[], out: Uint8Array | Uint16Array): boolean {
  const max = out instanceof Uint8Array ? 0xff : 0xffff;
  let at = 0;
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k]!;
    for (let j = 0; j < id.length; j++) {
      const ch = id.charCodeAt(j);
      if (ch > max) return false;
      out[at++] = ch;
    }
  }
  return true;
}

/** An empty result (a zero-length array cannot be changed, so one is shared). */
const NO_TASKS = new Int32Array(0);
const NO_USAGE = new Float64Array(0);
const NO_TIMES = new Float64Array(0);

/** A mark no task index or node takes (outNode holds nodes ≥ 0 and states ≥ 0 only while a call runs). */
const MARK = -2;

/** The ids and gangs of a `submitMany` batch checked so far. */
interface Batch {
  ids: Set<string>;
  hashIds: number;
  gangs: Map<string, number>;
}

/** A gang's own id check: it names no task id (its members' ids are checked by prepareGang). */
const takenNever = (): boolean => false;
const NO_IDS: readonly string[] = [];

/** The batch of a one-item `submitMany`: always empty (nothing is added to it). */
const EMPTY_BATCH: Batch = { ids: new Set(), hashIds: 0, gangs: new Map() };

/** k when `text` is the canonical decimal k of a member of a gang of `size` (k < size), else −1. */
function memberNumber(text: string, size: number): number {
  const k = Number(text);
  return Number.isInteger(k) && k >= 0 && k < size && String(k) === text ? k : -1;
}

/** The member number of `id` in one of `gangs` (gang id → size), else −1. */
function memberOf(id: string, gangs: ReadonlyMap<string, number>): number {
  if (gangs.size === 0) return -1;
  const hash = id.lastIndexOf('#');
  const size = hash < 0 ? undefined : gangs.get(id.slice(0, hash));
  return size === undefined ? -1 : memberNumber(id.slice(hash + 1), size);
}

/** A round's scratch, one row per waiting task (grown by the round that needs more). */
/** Placement records: a node, a place in the running list, start, T0, deadline (grown by the round that may need more). */
const PLACE_GROUP: Group = [['pNode', 4, true], ['pRunPos', 4, true], ['pStart', 8, true], ['pT0', 8, true], ['pDeadline', 8, true]];
const SORT_GROUP: Group = [
  ['sData', 8, false], ['sUser', 4, false], ['sRounds', 4, false], ['sPri', 8, false], ['sKeys', 8, false], ['sKeys2', 8, false], ['sIdx', 4, false], ['sIdx2', 4, false],
];
const USER_GROUP: Group = [['running', 4, true], ['epsilon', 8, true], ['sPen', 8, false]];
const GANG_GROUP: Group = [['gangFirst', 4, true], ['gangSize', 4, true], ['gangSeen', 1, false]];

/** The bytes of what {@link Engine.restore} was given, as a Uint8Array over the same memory; INVALID_OPTION naming the type otherwise. */
function snapshotBytes(x: unknown): Uint8Array {
  if (x instanceof Uint8Array) return x;
  if (x instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && x instanceof SharedArrayBuffer)) return new Uint8Array(x);
  if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const type = x === null ? 'null' : typeof x === 'object' ? (x.constructor?.name ?? 'object') : typeof x;
  throw new FairfitError('INVALID_OPTION', `snapshot must be a Uint8Array or an ArrayBuffer of Engine.snapshot() bytes, got ${type}`, { field: 'snapshot' });
}


/** Refuses `rows` node rows of rings of `ringCapacity` slots beyond {@link MAX_RING_SLOTS}, naming `field`. */
function ringRoom(rows: number, ringCapacity: number, field: string): void {
  if (rows * ringCapacity <= MAX_RING_SLOTS) return;
  throw new FairfitError('INVALID_OPTION', `${field}: ${rows} node rows with dispatch rings of params.ringCapacity = ${ringCapacity} slots need ${rows * ringCapacity} slots, `
    + `more than an engine holds (2^28, 1 GiB of WebAssembly memory): use a smaller ringCapacity (at most ${Math.floor(MAX_RING_SLOTS / rows)} for ${rows} node rows)`, { field });
}

const ENGINE_OPTIONS = ['taskCapacity', 'nodeCapacity', 'prefault', 'memoryLimit'];
/** What {@link Engine.restore} takes (the rows come from the snapshot). */
const RESTORE_OPTIONS = ['memoryLimit'];

/**
 * `options` an object whose keys are among `known` (`INVALID_OPTION` naming the key, and the one it
 * most likely misspells: a misspelt `memorylimit` left at its default would be no limit at all).
 */
function checkEngineOptions(options: unknown, known: readonly string[] = ENGINE_OPTIONS): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new FairfitError('INVALID_OPTION', `options must be an object, got ${Array.isArray(options) ? 'an array' : shown(options)}`, { field: 'options' });
  const key = unknownKey(options, known);
  if (key !== undefined) {
    const what = known === ENGINE_OPTIONS ? 'an engine option' : `an option of Engine.restore (${known.join(', ')})`;
    throw new FairfitError('INVALID_OPTION', `options.${key} is not ${what}${didYouMean(key, known)}`, { field: `options.${key}` });
  }
  const prefault = (options as EngineOptions).prefault;
  if (prefault !== undefined && typeof prefault !== 'boolean') throw new FairfitError('INVALID_OPTION', `options.prefault must be a boolean, got ${shown(prefault)}`, { field: 'options.prefault' });
}

/** Bytes a group's columns of `rows` rows take in the arena (each allocation 16-aligned). */
function groupBytes(group: Group, rows: number): number {
  return group.reduce((a, [, bytes]) => a + align16(Math.max(rows, 1) * bytes), 0);
}

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

/** The `memoryLimit` option: bytes, an integer in [1, 4 GiB] (default 4 GiB). */
function memoryLimit(v: unknown): number {
  if (v === undefined) return MAX_CORE_BYTES;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_CORE_BYTES) {
    throw new FairfitError('INVALID_OPTION', `options.memoryLimit must be an integer number of bytes in [1, 2^32], got ${shown(v)}`, { field: 'options.memoryLimit' });
  }
  return v;
}

function capacity(v: unknown, fallback: number, field: string): number {
  const x = v ?? fallback;
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > 2 ** 26) throw new FairfitError('INVALID_OPTION', `options.${field} must be an integer in [1, 2^26], got ${shown(x)}`, { field: `options.${field}` });
  return x;
}
