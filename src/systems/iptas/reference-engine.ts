/**
 * Plain-TypeScript reference of the embeddable IPTAS engine (the IPTAS paper and docs/model.md):
 * nodes with capacity weights, a round scheduler with dynamic priority and
 * sorted first-fit, gangs, completion with retry-once, run-time limits from user
 * history, heartbeat health, per-node dispatch rings and `explain`. One object per
 * task, linear scans, no cleverness: it is the oracle a WebAssembly engine with
 * columnar state is differentially tested against, so every tie-break is fixed
 * and written down here and in docs/model.md ("IPTAS round scheduler").
 *
 * Every public method validates all of its input before it changes anything: a
 * call that throws a {@link FairfitError} leaves the engine exactly as it was.
 *
 * @module
 */
import { FairfitError, shown } from '../../errors.ts';
import { capacityWeightsReference } from '../../reference/capacity.ts';
import { recomputePrioritiesReference } from '../../reference/priority.ts';
import { priorityTerms, priorityTotal, checkHeartbeatReport, checkInto, checkNode, checkRoundBuffers, inHandles, checkNodeUpdate, checkNow, checkProcs, checkResult, checkTask, checkUsageColumns, checkVector, epsilonOf, inItem, inNodes, inUsage, notTaskId, unknownUsageTask, usageField, stateError, type CheckedTask, roundHandles, roundViews } from './engine-checks.ts';
import { resolveIptasParams, type IptasParams, type ResolvedIptasParams } from './params.ts';
import { applyCommand, applyCommandLine, type CommandResult } from './commands.ts';

/** A task's state; `ok`, `failed`, `killed` and `cancelled` are terminal. */
export type TaskState = 'waiting' | 'running' | 'ok' | 'failed' | 'killed' | 'cancelled';

/** Length class from the declared data volume (K1, K2). */
export type LengthClass = 'short' | 'medium' | 'long';

/** A node to add. */
export interface NodeInput {
  /** Unique name; default `node<index>`. */
  id?: string;
  /** Capacity per dimension (D numbers ≥ 0). */
  capacity: readonly number[];
  /** CPU speed for the capacity weight (≥ 0). Default 1. */
  speed?: number;
  /** vCPU count for the capacity weight (≥ 0). Default `capacity[0]`. */
  vcpus?: number;
  /** Memory for the capacity weight (≥ 0). Default `capacity[1]` (`capacity[0]` when D = 1). */
  mem?: number;
}

/** Fields of a node that {@link ReferenceEngine.updateNode} can change. */
export interface NodeUpdate {
  /** New capacity; must stay ≥ what the running tasks use, in every dimension. */
  capacity?: readonly number[];
  speed?: number;
  vcpus?: number;
  mem?: number;
}

/** A task to submit. */
export interface TaskInput {
  /** Unique task id (over all tasks ever submitted, gang members included). */
  id: string;
  /** Owner (any non-empty string). */
  user: string;
  /** Demand per dimension (D numbers ≥ 0). */
  demand: readonly number[];
  /** Declared data volume K, GB (≥ 0): short ≤ K1 < medium ≤ K2 < long. */
  dataGB: number;
  /** Requested run time (> 0, time unit of `now`). */
  requestTime: number;
  /**
   * Submission time (≥ 0), recorded (explain, snapshots); it does not order the queue. Default: the
   * engine clock. One ahead of the clock moves the clock there: no later call may be earlier, so no
   * round places the task before its submission.
   */
  submitTime?: number;
}

/** A gang to submit: `procs` identical one-processor tasks `<id>#0 … <id>#<procs−1>`. */
export interface GangInput extends TaskInput {
  /** Number of members (integer ≥ 1). */
  procs: number;
}

/** One placement made by a round. */
export interface Placement {
  task: string;
  node: number;
}

/** What {@link ReferenceEngine.runRound} returns. */
export interface RoundResult {
  /** Placements in the order they were made. */
  placements: Placement[];
  /** Ids of the tasks still waiting after the round, in submission order. */
  waiting: string[];
}

/**
 * What {@link ReferenceEngine.runRoundHandles} returns: the placements as task
 * handles (submission order numbers, see {@link ReferenceEngine.handleOf}) and
 * nodes, in the order they were made, each placed task's T0 (its run-time
 * limit; its deadline is the round's `now` + T0), and how many tasks still wait.
 */
export interface RoundHandles {
  tasks: Int32Array;
  nodes: Int32Array;
  /** T0 of each placed task (time unit of `now`), in the same order. */
  t0: Float64Array;
  waiting: number;
}

/**
 * Arrays a host lends {@link ReferenceEngine.runRoundHandles} to write a
 * round's placements into (a round then allocates no array buffer). Used when
 * each is at least as long as the placements; the result's arrays are then
 * views of their first entries, valid until the host writes them or lends them again.
 */
export interface RoundBuffers {
  tasks: Int32Array;
  nodes: Int32Array;
  t0: Float64Array;
}

/** A task killed by {@link ReferenceEngine.checkLimits}. */
export interface Kill {
  task: string;
  /** `usage`: usage above demand (then `dimension` is the first such); `time`: run time reached T0. */
  reason: 'usage' | 'time';
  dimension?: number;
}

/** What a health change did. */
export interface HealthResult {
  /** Nodes marked down, ascending. */
  down: number[];
  /** Tasks sent back to waiting / failed, in submission order. */
  requeued: string[];
  failed: string[];
}

/** Read-only view of a task. */
export interface TaskView {
  id: string;
  user: string;
  gang: string | undefined;
  state: TaskState;
  demand: number[];
  dataGB: number;
  requestTime: number;
  submitTime: number;
  size: 'small' | 'large';
  lengthClass: LengthClass;
  /** Rounds waited unplaced (aging counter). */
  rounds: number;
  /** Abnormal failures so far (0, 1 or 2). */
  failures: number;
  /** Node while running, else −1. */
  node: number;
  /** Start time of the current (or last) run, NaN before the first. */
  start: number;
  /** T0 fixed at placement, NaN before the first. */
  t0: number;
  /** `start + t0`: the run-time limit is reached when `now ≥ deadline`. */
  deadline: number;
}

/** One reason in an {@link Explanation}. */
export type Reason =
  | { code: 'user-at-l0'; running: number; l0: number }
  | { code: 'no-up-node' }
  | { code: 'nodes-down'; nodes: number[] }
  | { code: 'never-fits'; dimension: number }
  | { code: 'dimension-short'; dimension: number; maxResidual: number }
  | { code: 'no-single-node-fits' }
  | { code: 'strong-nodes-full'; nodes: number[] }
  | { code: 'dispatch-ring-full'; node: number }
  | { code: 'gang-does-not-fit'; members: number; fit: number }
  | { code: 'fits-now'; node: number };

/** Why a task is where it is. */
export interface Explanation {
  task: string;
  state: TaskState;
  /** Priority the task would get in a round starting now, by term. */
  priority: { static: number; user: number; aging: number; total: number };
  size: 'small' | 'large';
  lengthClass: LengthClass;
  /** Placement reasons (waiting tasks only; empty otherwise). */
  reasons: Reason[];
  /**
   * The task's user, as Slurm's `sshare` shows one: tasks running now, the threshold L0, whether the
   * user penalty applies (running ≥ L0), and its ε_u (the factor of the T0 its next task gets is
   * `max(ε_u, minEpsilon)`).
   */
  user: { name: string; running: number; l0: number; atL0: boolean; epsilon: number };
  /**
   * A waiting task's place in the order a round starting now visits the waiting tasks (as
   * `squeue` sorted by priority shows it): 1 is visited first; of `waiting` tasks. Absent for other states.
   */
  queue?: { position: number; waiting: number };
}

/** Task counts by state. */
export interface Counts {
  waiting: number;
  running: number;
  ok: number;
  failed: number;
  killed: number;
  /** Withdrawn by the host ({@link ReferenceEngine.cancel}). */
  cancelled: number;
  total: number;
}

/** A JSON-serialisable dump of the whole engine state (for comparisons and debugging). */
export interface EngineDump {
  clock: number;
  seq: number;
  nodes: {
    index: number; id: string; capacity: number[]; residual: number[]; speed: number; vcpus: number; mem: number;
    up: boolean; removed: boolean; lastHeartbeat: number | null; storageOk: boolean; ring: string[];
  }[];
  order: number[];
  tasks: TaskView[];
  users: { user: string; running: number; history: [number, number][] }[];
}

interface NodeRec {
  index: number;
  id: string;
  capacity: Float64Array;
  residual: Float64Array;
  speed: number;
  vcpus: number;
  mem: number;
  up: boolean;
  removed: boolean;
  lastHeartbeat: number | undefined;
  storageOk: boolean;
  /** Dispatch ring: fixed-size circular buffer. */
  ring: (string | undefined)[];
  ringHead: number;
  ringLen: number;
  /** Tasks running on the node. */
  tasks: Set<TaskRec>;
}

interface TaskRec {
  id: string;
  seq: number;
  user: UserRec;
  gang: string | undefined;
  demand: Float64Array;
  dataGB: number;
  requestTime: number;
  submitTime: number;
  large: boolean;
  state: TaskState;
  rounds: number;
  failures: number;
  node: number;
  start: number;
  t0: number;
  deadline: number;
}

interface UserRec {
  name: string;
  index: number;
  running: number;
  /** (actual, requested) of the last m tasks completed ok, oldest first. */
  history: [number, number][];
}

/** Keeps the entries of node n's dispatch ring that `keep` accepts, in their order (the head keeps its slot). */
function keepInRing(n: NodeRec, keep: (id: string) => boolean): void {
  const kept: string[] = [];
  for (let k = 0; k < n.ringLen; k++) {
    const slot = (n.ringHead + k) % n.ring.length;
    if (keep(n.ring[slot]!)) kept.push(n.ring[slot]!);
    n.ring[slot] = undefined;
  }
  kept.forEach((id, k) => (n.ring[(n.ringHead + k) % n.ring.length] = id));
  n.ringLen = kept.length;
}

/** Whether a task has not ended (waiting or running). */
function live(t: TaskRec): boolean {
  return t.state === 'waiting' || t.state === 'running';
}

/** The tasks of a set in submission order. */
function bySeqOrder(set: Set<TaskRec>): TaskRec[] {
  return [...set].sort((a, b) => a.seq - b.seq);
}


/**
 * The IPTAS engine, reference version. Time is whatever unit the caller uses
 * (seconds in the trace driver); every time argument must be ≥ the engine clock
 * (the largest time seen so far), else `INVALID_OPTION` on `now`.
 */
export class ReferenceEngine {
  /** The resolved parameters. */
  readonly params: ResolvedIptasParams;
  private readonly nodes: NodeRec[] = [];
  private readonly nodeIds = new Map<string, number>();
  private readonly tasks = new Map<string, TaskRec>();
  /** All tasks in submission order (seq = position). */
  private readonly bySeq: TaskRec[] = [];
  /** Tasks by state (waiting, running) and per state tallies: indexes so a round does not scan every task ever submitted. */
  private readonly waitingSet = new Set<TaskRec>();
  private readonly runningSet = new Set<TaskRec>();
  private readonly tally: Counts = { waiting: 0, running: 0, ok: 0, failed: 0, killed: 0, cancelled: 0, total: 0 };
  /** Gang id → members in submission order. */
  private readonly gangs = new Map<string, TaskRec[]>();
  private readonly users = new Map<string, UserRec>();
  /** The views of the buffers a host lends to rounds, made once per length. */
  private readonly roundViews = roundViews();
  private readonly userList: UserRec[] = [];
  private order: number[] = [];
  private clock = 0;

  /** Creates an empty engine; `params` resolved once (see {@link IptasParams}). */
  constructor(params: IptasParams = {}) {
    this.params = resolveIptasParams(params);
  }

  /** The engine clock: the largest time passed to a call so far (0 at start). */
  get now(): number {
    return this.clock;
  }

  // ---------------------------------------------------------------- nodes

  /** Adds an up node; returns its index (indices are never reused). Capacity weights and the order are recomputed. */
  addNode(input: NodeInput): number {
    return this.addNodesIn([input], false)[0]!;
  }

  /**
   * Adds up nodes in one go; every input is checked before any is added (ids unique; an error
   * names the node of the batch, `nodes[k]`). Returns their indices.
   */
  addNodes(inputs: readonly NodeInput[]): number[] {
    return this.addNodesIn(inputs, true);
  }

  /** {@link addNodes}; `batch`: errors name the node of the batch (not for addNode's one). */
  private addNodesIn(inputs: readonly NodeInput[], batch: boolean): number[] {
    if (!Array.isArray(inputs)) throw stateError('nodes', 'nodes must be an array of node inputs');
    const seen = new Set<string>();
    const checked = inputs.map((input, k) => {
      try {
        return checkNode(input, this.params.dims, this.nodes.length + k, (id) => this.nodeIds.get(id), seen);
      } catch (e) {
        throw batch ? inNodes(e, k) : e;
      }
    });
    const out = checked.map(({ id, capacity, speed, vcpus, mem }) => {
      const index = this.nodes.length;
      this.nodes.push({
        index, id, capacity, residual: capacity.slice(), speed, vcpus, mem, up: true, removed: false,
        lastHeartbeat: undefined, storageOk: true,
        ring: new Array<string | undefined>(this.params.ringCapacity).fill(undefined), ringHead: 0, ringLen: 0, tasks: new Set(),
      });
      this.nodeIds.set(id, index);
      return index;
    });
    this.reorder();
    return out;
  }

  /**
   * Removes a node for good: its running tasks are requeued or failed (per
   * `downNodeTasks`), its dispatch ring is emptied, and its index becomes invalid.
   */
  removeNode(node: number): HealthResult {
    const n = this.node(node);
    const r = this.takeDown(n);
    n.removed = true;
    this.nodeIds.delete(n.id);
    this.reorder();
    return r;
  }

  /** Changes a node's capacity or weight inputs; the new capacity must hold what runs there. */
  updateNode(node: number, update: NodeUpdate): void {
    const n = this.node(node);
    const u = checkNodeUpdate(update, this.params.dims, node, n);
    if (u.capacity) {
      n.residual = u.residual!;
      n.capacity = u.capacity;
    }
    n.speed = u.speed;
    n.vcpus = u.vcpus;
    n.mem = u.mem;
    this.reorder();
  }

  /** Up nodes by capacity weight ascending (ties: lower index first): the first-fit order. */
  nodeOrder(): number[] {
    return this.order.slice();
  }

  /** Residual vector of a node. */
  residual(node: number): number[] {
    return [...this.node(node).residual];
  }

  /** Whether a node is up. */
  isUp(node: number): boolean {
    return this.node(node).up;
  }

  // ---------------------------------------------------------------- tasks

  /** Submits one task (waiting, rounds 0). Classified small/large by δ0 and short/medium/long by K1, K2. */
  submit(input: TaskInput): string {
    const t = this.checkTask(input, [input?.id]);
    this.addTask(t, input.id, undefined);
    return input.id;
  }

  /**
   * Submits a gang: `procs` one-processor tasks `<id>#k` with the same demand,
   * placed all-or-nothing within a round. Returns the member ids.
   */
  submitGang(input: GangInput): string[] {
    const p = checkProcs(input?.procs);
    if (typeof input.id !== 'string') throw stateError('id', `id must be a string, got ${shown(input.id)}`);
    const ids = Array.from({ length: p }, (_, k) => `${input.id}#${k}`);
    if (this.gangs.has(input.id)) throw stateError('id', `gang id '${input.id}' was already submitted`);
    const t = this.checkTask(input, ids);
    for (const id of ids) this.addTask(t, id, input.id);
    return ids;
  }

  /**
   * Submits tasks and gangs in one call (an item with `procs` is a gang):
   * every item is checked before any is added, so a rejected batch changes
   * nothing. Returns the handle of each item's first task (a gang's members
   * are that handle and the `procs − 1` after it), written into `into` when it
   * is long enough (the result is then a view of its first entries; a trace
   * driver that lends one makes no array per arrival), else into a new array.
   */
  submitMany(items: readonly (TaskInput | GangInput)[], into?: Int32Array): Int32Array {
    if (!Array.isArray(items)) throw stateError('items', 'items must be an array of task or gang inputs');
    checkInto(into);
    const taken = new Set<string>();
    const gangTaken = new Set<string>();
    const known = (id: string): boolean => this.tasks.has(id) || taken.has(id);
    const checked = items.map((input, k) => {
      try {
        if (input !== null && typeof input === 'object' && 'procs' in input && input.procs !== undefined) {
          const p = checkProcs(input.procs);
          if (typeof input.id !== 'string') throw stateError('id', `id must be a string, got ${shown(input.id)}`);
          if (this.gangs.has(input.id) || gangTaken.has(input.id)) throw stateError('id', `gang id '${input.id}' was already submitted`);
          const ids = Array.from({ length: p }, (_, m) => `${input.id}#${m}`);
          const t = checkTask(input, ids, known, this.params.dims, this.clock);
          gangTaken.add(input.id);
          for (const id of ids) taken.add(id);
          return { t, ids, gang: input.id as string | undefined };
        }
        const t = checkTask(input, [input?.id], known, this.params.dims, this.clock);
        taken.add(input.id);
        return { t, ids: [input.id], gang: undefined };
      } catch (e) {
        throw inItem(e, k);
      }
    });
    const first = into !== undefined && into.length >= items.length ? into.subarray(0, items.length) : new Int32Array(items.length);
    checked.forEach(({ t, ids, gang }, k) => {
      first[k] = this.bySeq.length;
      for (const id of ids) this.addTask(t, id, gang);
    });
    return first;
  }

  /**
   * A task's handle: its submission order number among the tasks held (0 for the first), fixed until
   * a {@link purge} forgets tasks submitted before it (then the kept tasks are renumbered densely).
   */
  handleOf(taskId: string): number {
    return this.task(taskId).seq;
  }

  /** The id of the task with handle `handle`. */
  idOf(handle: number): string {
    return this.byHandle(handle).id;
  }

  /**
   * One scheduling round at time `now` (docs/model.md):
   * 1. the waiting tasks are taken in submission order and `L_u` (running tasks per
   *    user) is snapshot — the user penalty uses this round-start value only; the
   *    `L_u += 1` of placements in this round counts from the next round;
   * 2. priorities via `recomputePrioritiesReference` with the tasks' aging counters;
   * 3. tasks are visited by priority descending, ties by submission order; each gets
   *    one chance: sorted first-fit over the up nodes (small from the weak end, large
   *    from the strong end, a node fits iff `residual[d] ≥ demand[d]` for every d);
   *    if the chosen node's dispatch ring is full the task is held back (stays waiting);
   *    a gang is visited once, at its first member in the order: its waiting members, in
   *    submission order, are fitted one after the other on tentative residuals and rings,
   *    and committed only if all fit;
   * 4. every task still waiting gets `rounds += 1` (the aging term is `min(rounds·Δr, agingCap)`).
   */
  runRound(now: number): RoundResult {
    this.checkNow(now);
    this.clock = now;
    const waiting = bySeqOrder(this.waitingSet);
    const running = this.userList.map((u) => u.running);
    const pri = recomputePrioritiesReference({
      dataGB: waiting.map((t) => t.dataGB), user: waiting.map((t) => t.user.index),
      rounds: waiting.map((t) => t.rounds), running,
    }, this.params.priority);
    const visit = waiting.map((_, i) => i).sort((a, b) => pri[b]! - pri[a]! || waiting[a]!.seq - waiting[b]!.seq);
    const placements: Placement[] = [];
    const gangsSeen = new Set<string>();
    for (const i of visit) {
      const t = waiting[i]!;
      if (t.gang === undefined) {
        const node = this.firstFit(t.demand, t.large);
        if (node >= 0 && this.nodes[node]!.ringLen < this.params.ringCapacity) {
          this.place(t, node, now);
          placements.push({ task: t.id, node });
        }
        continue;
      }
      if (gangsSeen.has(t.gang)) continue;
      gangsSeen.add(t.gang);
      const members = this.gangs.get(t.gang)!.filter((m) => m.state === 'waiting');
      const chosen = this.fitGang(members);
      if (chosen === undefined) continue;
      members.forEach((m, k) => {
        this.place(m, chosen[k]!, now);
        placements.push({ task: m.id, node: chosen[k]! });
      });
    }
    const still: string[] = [];
    for (const t of waiting) {
      if (t.state !== 'waiting') continue;
      t.rounds += 1;
      still.push(t.id);
    }
    return { placements, waiting: still };
  }

  /**
   * {@link runRound} with the placements as task handles, nodes and T0s, and
   * the number of tasks still waiting; written into `into` when it has room
   * (see {@link RoundBuffers}).
   */
  runRoundHandles(now: number, into?: RoundBuffers): RoundHandles {
    checkRoundBuffers(into);
    const r = this.runRound(now);
    return roundHandles(r.placements.length, r.waiting.length, into, (out) => {
      r.placements.forEach((p, k) => {
        const t = this.tasks.get(p.task)!;
        out.tasks[k] = t.seq;
        out.nodes[k] = p.node;
        out.t0[k] = t.t0;
      }, this.roundViews);
    });
  }

  /**
   * A running task ends. `ok`: terminal, resources freed, `L_u −= 1`, and
   * (actualTime, requestTime) appended to the user's history (the last m make ε_u).
   * `failed`: resources freed, `L_u −= 1`; the first abnormal failure sends the task
   * back to waiting (keeping its aging counter and submission order), the second is
   * terminal `failed`. Failures are not added to the history. Returns the new state.
   */
  complete(taskId: string, result: { status: 'ok' | 'failed'; actualTime: number }): TaskState {
    const t = this.task(taskId);
    if (t.state !== 'running') throw stateError('taskId', `task '${taskId}' is ${t.state}, not running`);
    const actual = checkResult(result).actualTime;
    this.release(t);
    if (result.status === 'ok') {
      this.setState(t, 'ok');
      const h = t.user.history;
      h.push([actual, t.requestTime]);
      if (h.length > this.params.historyLength) h.shift();
    } else {
      t.failures += 1;
      this.setState(t, t.failures >= 2 ? 'failed' : 'waiting');
    }
    return t.state;
  }

  /**
   * Several running tasks (by handle) end with the same result, as
   * {@link complete} one after the other in the order given; every handle is
   * checked first (running, not given twice), so a rejected call changes nothing.
   * Returns the new states.
   */
  completeMany(handles: ArrayLike<number>, result: { status: 'ok' | 'failed'; actualTime: number }): TaskState[] {
    const ts = this.runningHandles(handles);
    checkResult(result);
    return ts.map((t) => this.complete(t.id, result));
  }

  /**
   * The host withdraws a task (a user cancels a job): it becomes terminal `cancelled`, and so does
   * every member of its gang that has not ended (a gang runs all or nothing). A waiting task leaves
   * the waiting list; a running one gives its resources back as {@link complete} does (`L_u −= 1`)
   * but adds nothing to the user's history (no run time) and is never retried, and its entries in
   * the dispatch ring of the node it runs on are removed (the other entries keep their order), so
   * the host never drains it there (docs/model.md, "Cancel"). Returns the ids cancelled, in submission order. An unknown id is
   * `INDEX_OUT_OF_RANGE`, a task that has ended (`ok`, `failed`, `killed`, `cancelled`)
   * `INVALID_OPTION`, both on `taskId` and changing nothing.
   */
  cancel(taskId: string): string[] {
    const t = this.task(taskId);
    if (!live(t)) throw stateError('taskId', `task '${taskId}' is ${t.state}: it has ended, there is nothing to cancel`);
    const ts = t.gang === undefined ? [t] : this.gangs.get(t.gang)!.filter(live);
    // Submission order (a gang's members are): resources given back in the order the other calls give them back.
    for (const m of ts) {
      if (m.state === 'running') {
        const n = this.nodes[m.node]!;
        this.release(m);
        keepInRing(n, (id) => id !== m.id);
      }
      this.setState(m, 'cancelled');
    }
    return ts.map((m) => m.id);
  }

  /**
   * Forgets every task that has ended (`ok`, `failed`, `killed`, `cancelled`) — except the ended
   * members of a gang with a member still waiting or running: a gang is kept whole while any member
   * has not ended — and returns how many it forgot (docs/model.md, "Purge"). The tasks kept keep
   * their submission order, and their handles are renumbered 0..kept−1 in it (a handle from before
   * a purge is not valid after it: {@link handleOf} gives the new one); ids are unchanged. A
   * forgotten id is unknown afterwards (`INDEX_OUT_OF_RANGE` as any unknown id) and may be submitted
   * again, as may a forgotten gang's id. Entries of forgotten tasks leave the dispatch rings (the
   * others keep their order), so the host never drains a forgotten task. Users (`L_u`, ε histories),
   * nodes and {@link counts} are unchanged: the counts are of every task ever submitted.
   */
  purge(): number {
    const keepGang = new Map<string, boolean>();
    const kept: TaskRec[] = [];
    let forgotten = 0;
    for (const t of this.bySeq) {
      let keep = live(t);
      if (!keep && t.gang !== undefined) {
        let k = keepGang.get(t.gang);
        if (k === undefined) keepGang.set(t.gang, (k = this.gangs.get(t.gang)!.some(live)));
        keep = k;
      }
      if (keep) kept.push(t);
      else {
        forgotten++;
        this.tasks.delete(t.id);
        if (t.gang !== undefined) this.gangs.delete(t.gang);
      }
    }
    if (forgotten === 0) return 0;
    kept.forEach((t, k) => (t.seq = k));
    for (let k = 0; k < kept.length; k++) this.bySeq[k] = kept[k]!;
    this.bySeq.length = kept.length;
    for (const n of this.nodes) keepInRing(n, (id) => this.tasks.has(id));
    return forgotten;
  }

  /** ε_u = Σ actual / Σ requested over the user's last m completed tasks; 1 with no history. */
  epsilon(user: string): number {
    return epsilonOf(this.users.get(user)?.history ?? []);
  }

  /**
   * Termination conditions at time `now`: a running task is killed when its
   * reported usage exceeds its demand in some dimension (`usage` maps task id →
   * D numbers; only running tasks may appear), or when `now ≥ deadline` where
   * `deadline = start + T0`, `T0 = requestTime·max(ε_u, minEpsilon)·(1 + α)` fixed at
   * placement (ε_u of the user's history at that moment).
   * Killed tasks become terminal `killed` and free their resources. Returns the
   * kills in submission order (usage checked before time).
   */
  checkLimits(now: number, usage?: ReadonlyMap<string, readonly number[]>): Kill[] {
    this.checkNow(now);
    const use = new Map<string, Float64Array>();
    if (usage !== undefined) {
      if (!(usage instanceof Map)) throw stateError('usage', 'usage must be a Map of task id → usage vector');
      for (const [id, v] of usage) {
        const t = typeof id === 'string' ? this.tasks.get(id) : undefined;
        if (!t) throw unknownUsageTask(id);
        if (t.state !== 'running') throw stateError(usageField(id), `usage given for task '${id}', which is ${t.state}, not running`);
        use.set(id, this.vector(v, usageField(id)));
      }
    }
    this.clock = now;
    const kills: Kill[] = [];
    for (const t of bySeqOrder(this.runningSet)) {
      const u = use.get(t.id);
      let dim = -1;
      if (u) for (let d = 0; d < this.params.dims; d++) if (u[d]! > t.demand[d]!) { dim = d; break; }
      if (dim >= 0) kills.push({ task: t.id, reason: 'usage', dimension: dim });
      else if (now >= t.deadline) kills.push({ task: t.id, reason: 'time' });
    }
    for (const k of kills) {
      const t = this.tasks.get(k.task)!;
      this.release(t);
      this.setState(t, 'killed');
    }
    return kills;
  }

  /**
   * {@link checkLimits} with the kills as task handles (submission order) and `usage` keyed by handle;
   * written into `into` when it is long enough (the result is then a view of its first entries), else
   * into a new array.
   */
  checkLimitsHandles(now: number, usage?: ReadonlyMap<number, readonly number[]>, into?: Int32Array): Int32Array {
    checkInto(into);
    let byId: Map<string, readonly number[]> | undefined;
    if (usage !== undefined) {
      if (!(usage instanceof Map)) throw stateError('usage', 'usage must be a Map of task handle → usage vector');
      byId = new Map([...usage].map(([h, v]) => {
        try {
          return [this.byHandle(h).id, v];
        } catch (e) {
          throw inUsage(e, h);
        }
      }));
    }
    const kills = Int32Array.from(this.checkLimits(now, byId), (k) => this.tasks.get(k.task)!.seq);
    if (into === undefined || into.length < kills.length) return kills;
    into.set(kills);
    return into.subarray(0, kills.length);
  }

  /**
   * {@link checkLimitsHandles} with the usage report as columns, for a host that reports many
   * tasks at each check without an array per task: task `handles[k]` used `usage[k·D + d]` of
   * dimension d (D = `params.dims`). The same kills as a Map of those entries in that order.
   * Checked before anything changes, in this order: `into`; each handle (a running task, given
   * once: errors name `handles[k]`, as {@link completeMany}'s); `usage` (a Float64Array of
   * handles.length × D finite numbers ≥ 0: errors name `usage[i]`); `now`.
   */
  checkLimitsColumns(now: number, handles: ArrayLike<number>, usage: Float64Array, into?: Int32Array): Int32Array {
    checkInto(into);
    const ts = this.runningHandles(handles);
    const D = this.params.dims;
    checkUsageColumns(usage, ts.length, D);
    return this.checkLimitsHandles(now, new Map(ts.map((t, k) => [t.seq, Array.from(usage.subarray(k * D, k * D + D))])), into);
  }

  // ---------------------------------------------------------------- health

  /**
   * A node reports at `now`. Records the time and the storage flag; a report with
   * `storageOk` (default true) brings a down node back up at once. A report of a
   * storage failure takes effect at the next {@link sweepHealth}. `report` is undefined
   * or an object; anything else (`false`, null, a string) is `INVALID_OPTION` on `report`.
   */
  heartbeat(node: number, now: number, report?: { storageOk?: boolean }): void {
    const n = this.node(node);
    this.checkNow(now);
    const ok = checkHeartbeatReport(report);
    this.clock = now;
    n.lastHeartbeat = now;
    n.storageOk = ok;
    if (ok && !n.up) {
      n.up = true;
      this.reorder();
    }
  }

  /**
   * Health sweep at `now`: an up node is marked down if it reported a storage
   * failure or `now − lastHeartbeat > Δinterval`. A node that never reported
   * starts its clock at its first sweep (one interval of grace). Down nodes take
   * no work; their running tasks are requeued or failed, their rings emptied.
   */
  sweepHealth(now: number): HealthResult {
    this.checkNow(now);
    this.clock = now;
    const out: HealthResult = { down: [], requeued: [], failed: [] };
    for (const n of this.nodes) {
      if (n.removed) continue;
      if (n.lastHeartbeat === undefined) {
        n.lastHeartbeat = now;
        continue;
      }
      if (!n.up) continue;
      if (!n.storageOk || now - n.lastHeartbeat > this.params.heartbeatInterval) {
        const r = this.takeDown(n);
        out.down.push(n.index);
        out.requeued.push(...r.requeued);
        out.failed.push(...r.failed);
      }
    }
    if (out.down.length > 0) this.reorder();
    out.requeued.sort((a, b) => this.tasks.get(a)!.seq - this.tasks.get(b)!.seq);
    out.failed.sort((a, b) => this.tasks.get(a)!.seq - this.tasks.get(b)!.seq);
    return out;
  }

  // ---------------------------------------------------------------- dispatch

  /** Returns a node's undrained placements (task ids, in placement order) and empties its ring. */
  drainDispatch(node: number): string[] {
    const n = this.node(node);
    const out: string[] = [];
    for (let k = 0; k < n.ringLen; k++) {
      const slot = (n.ringHead + k) % n.ring.length;
      out.push(n.ring[slot]!);
      n.ring[slot] = undefined;
    }
    n.ringHead = 0;
    n.ringLen = 0;
    return out;
  }

  /** {@link drainDispatch} as task handles. */
  drainDispatchHandles(node: number): Int32Array {
    return Int32Array.from(this.drainDispatch(node), (id) => this.tasks.get(id)!.seq);
  }

  /**
   * {@link drainDispatch} of several nodes in one call, as task handles: their
   * rings, node after node in the order given (every node checked first, none twice).
   * Written into `into` when it is long enough (the result is then a view of
   * its first entries), else into a new array.
   */
  drainDispatchMany(nodes: ArrayLike<number>, into?: Int32Array): Int32Array {
    if (nodes === null || typeof nodes !== 'object' || typeof nodes.length !== 'number') throw stateError('nodes', 'nodes must be an array of node indices');
    checkInto(into);
    const seen = new Set<number>();
    for (let k = 0; k < nodes.length; k++) {
      this.node(nodes[k]);
      if (seen.has(nodes[k]!)) throw stateError('nodes', `nodes[${k}]: node ${nodes[k]} is given twice`);
      seen.add(nodes[k]!);
    }
    const out: number[] = [];
    for (let k = 0; k < nodes.length; k++) for (const id of this.drainDispatch(nodes[k]!)) out.push(this.tasks.get(id)!.seq);
    if (into === undefined || into.length < out.length) return Int32Array.from(out);
    into.set(out);
    return into.subarray(0, out.length);
  }

  /** Number of undrained placements in a node's ring. */
  pendingDispatch(node: number): number {
    return this.node(node).ringLen;
  }

  // ---------------------------------------------------------------- inspection

  /** A task's current view. */
  taskView(taskId: string): TaskView {
    return this.view(this.task(taskId));
  }

  /** Counts of tasks by state. */
  counts(): Counts {
    return { ...this.tally };
  }

  /** Running-task count `L_u` of a user (0 for an unknown user). */
  running(user: string): number {
    return this.users.get(user)?.running ?? 0;
  }

  /** Full state dump (JSON-serialisable, deterministic order). */
  state(): EngineDump {
    return {
      clock: this.clock,
      seq: this.bySeq.length,
      nodes: this.nodes.map((n) => ({
        index: n.index, id: n.id, capacity: [...n.capacity], residual: [...n.residual], speed: n.speed, vcpus: n.vcpus, mem: n.mem,
        up: n.up, removed: n.removed, lastHeartbeat: n.lastHeartbeat ?? null, storageOk: n.storageOk,
        ring: Array.from({ length: n.ringLen }, (_, k) => n.ring[(n.ringHead + k) % n.ring.length]!),
      })),
      order: this.order.slice(),
      tasks: this.bySeq.map((t) => this.view(t)),
      users: this.userList.map((u) => ({ user: u.name, running: u.running, history: u.history.map(([a, r]) => [a, r] as [number, number]) })),
    };
  }

  /**
   * One JSON command (docs/model.md, "IPTAS JSON commands"), validated against
   * `IPTAS_COMMAND_SCHEMA` before the engine is touched: `{ ok: true, op, result }`,
   * or `{ ok: false, error: { code, message, field } }` with nothing changed.
   * Never throws for bad input (`applyCommand` on this engine).
   */
  apply(command: unknown): CommandResult {
    return applyCommand(this, command);
  }

  /** {@link apply} on one line of JSON text (a `PARSE_ERROR` failure when it is not JSON). */
  applyLine(line: string): CommandResult {
    return applyCommandLine(this, line);
  }

  /**
   * Why a task is where it is: its priority by term as a round starting now would
   * compute it, and — for a waiting task — the placement reasons against the current
   * residuals: user at L0; no up node; down nodes whose capacity would hold it; a
   * dimension no up node has enough of (or no node has the capacity for); no single
   * node with enough of every dimension; a large task whose strong nodes (up nodes
   * whose capacity holds it) are all full; the chosen node's ring is full; a gang whose
   * members do not all fit; or `fits-now` (it would be placed if visited now).
   */
  explain(taskId: string): Explanation {
    const t = this.task(taskId);
    const p = this.params;
    const priority = priorityTerms(p, t.dataGB, t.user.running, t.rounds);
    const reasons: Reason[] = [];
    let queue: Explanation['queue'];
    if (t.state === 'waiting') {
      if (t.user.running >= p.l0 && p.penalty !== 0) reasons.push({ code: 'user-at-l0', running: t.user.running, l0: p.l0 });
      reasons.push(...this.placementReasons(t));
      // Visited before it: a higher priority, or the same and submitted earlier (runRound's order).
      let before = 0;
      for (const u of this.waitingSet) {
        const pu = priorityTotal(p, u.dataGB, u.user.running, u.rounds);
        if (pu > priority.total || (pu === priority.total && u.seq < t.seq)) before++;
      }
      queue = { position: before + 1, waiting: this.waitingSet.size };
    }
    const user = { name: t.user.name, running: t.user.running, l0: p.l0, atL0: t.user.running >= p.l0, epsilon: epsilonOf(t.user.history) };
    return { task: t.id, state: t.state, priority, size: t.large ? 'large' : 'small', lengthClass: this.lengthClass(t.dataGB), reasons, user, ...(queue ? { queue } : {}) };
  }



  // ---------------------------------------------------------------- internals

  private placementReasons(t: TaskRec): Reason[] {
    const D = this.params.dims;
    const out: Reason[] = [];
    const live = this.nodes.filter((n) => !n.removed);
    const holds = (n: NodeRec): boolean => { for (let d = 0; d < D; d++) if (n.capacity[d]! < t.demand[d]!) return false; return true; };
    const downFit = live.filter((n) => !n.up && holds(n)).map((n) => n.index);
    if (this.order.length === 0) out.push({ code: 'no-up-node' });
    if (downFit.length > 0) out.push({ code: 'nodes-down', nodes: downFit });
    for (let d = 0; d < D; d++) {
      if (!live.some((n) => n.capacity[d]! >= t.demand[d]!)) out.push({ code: 'never-fits', dimension: d });
    }
    if (this.order.length === 0) return out;
    const ups = this.order.map((i) => this.nodes[i]!);
    let shortDim = false;
    for (let d = 0; d < D; d++) {
      let max = -Infinity;
      for (const n of ups) max = Math.max(max, n.residual[d]!);
      if (max < t.demand[d]!) { out.push({ code: 'dimension-short', dimension: d, maxResidual: max }); shortDim = true; }
    }
    if (t.gang !== undefined) {
      const members = this.gangs.get(t.gang)!.filter((m) => m.state === 'waiting');
      const fit = this.fitGang(members, true);
      if (fit.length < members.length) out.push({ code: 'gang-does-not-fit', members: members.length, fit: fit.length });
      else out.push({ code: 'fits-now', node: fit[members.indexOf(t)]! });
      return out;
    }
    const node = this.firstFit(t.demand, t.large);
    if (node < 0) {
      if (!shortDim) out.push({ code: 'no-single-node-fits' });
      if (t.large) {
        const strong = ups.filter(holds).map((n) => n.index);
        if (strong.length > 0) out.push({ code: 'strong-nodes-full', nodes: strong.reverse() });
      }
    } else if (this.nodes[node]!.ringLen >= this.params.ringCapacity) {
      out.push({ code: 'dispatch-ring-full', node });
    } else {
      out.push({ code: 'fits-now', node });
    }
    return out;
  }

  /** Sorted first-fit on the current (or given) residuals; −1 if no up node fits. */
  private firstFit(dem: Float64Array, large: boolean, res?: Map<number, Float64Array>): number {
    const o = this.order;
    const D = this.params.dims;
    for (let k = 0; k < o.length; k++) {
      const i = o[large ? o.length - 1 - k : k]!;
      const r = res?.get(i) ?? this.nodes[i]!.residual;
      let ok = true;
      for (let d = 0; d < D; d++) if (r[d]! < dem[d]!) { ok = false; break; }
      if (ok) return i;
    }
    return -1;
  }

  /**
   * Fits gang members one after the other on tentative residuals and ring
   * lengths. All-or-nothing: the nodes of all members, or `undefined`. With
   * `partial`, returns the nodes of the members that fitted before the first miss.
   */
  private fitGang(members: TaskRec[]): number[] | undefined;
  private fitGang(members: TaskRec[], partial: true): number[];
  private fitGang(members: TaskRec[], partial = false): number[] | undefined {
    const res = new Map<number, Float64Array>();
    const ring = new Map<number, number>();
    const out: number[] = [];
    for (const m of members) {
      const node = this.firstFit(m.demand, m.large, res);
      if (node < 0) break;
      const len = ring.get(node) ?? this.nodes[node]!.ringLen;
      if (len >= this.params.ringCapacity) break;
      ring.set(node, len + 1);
      const r = (res.get(node) ?? this.nodes[node]!.residual).slice();
      for (let d = 0; d < this.params.dims; d++) r[d] = r[d]! - m.demand[d]!;
      res.set(node, r);
      out.push(node);
    }
    if (out.length === members.length) return out;
    return partial ? out : undefined;
  }

  private place(t: TaskRec, node: number, now: number): void {
    const n = this.nodes[node]!;
    for (let d = 0; d < this.params.dims; d++) n.residual[d] = n.residual[d]! - t.demand[d]!;
    n.ring[(n.ringHead + n.ringLen) % n.ring.length] = t.id;
    n.ringLen += 1;
    this.setState(t, 'running');
    n.tasks.add(t);
    t.node = node;
    t.start = now;
    t.t0 = t.requestTime * Math.max(this.epsilon(t.user.name), this.params.minEpsilon) * (1 + this.params.alpha);
    t.deadline = now + t.t0;
    t.user.running += 1;
  }

  /**
   * Frees a running task's resources (residual clamped to capacity; exactly the capacity when it was
   * the node's last running task: the clamp alone drifts, 1 − 0.1 − 0.2 − 0.3 + 0.2 + 0.3 + 0.1 < 1)
   * and decrements L_u.
   */
  private release(t: TaskRec): void {
    const n = this.nodes[t.node]!;
    n.tasks.delete(t);
    for (let d = 0; d < this.params.dims; d++) n.residual[d] = n.tasks.size === 0 ? n.capacity[d]! : Math.min(n.residual[d]! + t.demand[d]!, n.capacity[d]!);
    t.user.running -= 1;
    t.node = -1;
  }

  /** Marks a node down: ring emptied, running tasks requeued or failed (submission order), residual = capacity; the caller re-orders. */
  private takeDown(n: NodeRec): HealthResult {
    const out: HealthResult = { down: [n.index], requeued: [], failed: [] };
    n.up = false;
    n.ring.fill(undefined);
    n.ringHead = 0;
    n.ringLen = 0;
    for (const t of bySeqOrder(n.tasks)) {
      this.release(t);
      if (this.params.downNodeTasks === 'requeue') {
        this.setState(t, 'waiting');
        out.requeued.push(t.id);
      } else {
        this.setState(t, 'failed');
        out.failed.push(t.id);
      }
    }
    n.residual = n.capacity.slice();
    // The caller re-orders the nodes, once for all the nodes a call takes down.
    return out;
  }

  /** Capacity weights over the up nodes (removed ones count as down), order by weight then index. */
  private reorder(): void {
    const live = this.nodes;
    if (live.length === 0) {
      this.order = [];
      return;
    }
    const w = capacityWeightsReference({
      speed: live.map((n) => n.speed), vcpus: live.map((n) => n.vcpus), mem: live.map((n) => n.mem),
      up: live.map((n) => n.up && !n.removed),
    }, { lambdaCpu: this.params.lambdaCpu, lambdaMem: this.params.lambdaMem });
    this.order = live.filter((n) => n.up && !n.removed).map((n) => n.index).sort((a, b) => w[a]! - w[b]! || a - b);
  }

  /** Moves a task to another state, keeping the indexes and tallies. */
  private setState(t: TaskRec, s: TaskState): void {
    this.tally[t.state] -= 1;
    if (t.state === 'waiting') this.waitingSet.delete(t);
    else if (t.state === 'running') this.runningSet.delete(t);
    t.state = s;
    this.tally[s] += 1;
    if (s === 'waiting') this.waitingSet.add(t);
    else if (s === 'running') this.runningSet.add(t);
  }

  private lengthClass(k: number): LengthClass {
    return k <= this.params.k1 ? 'short' : k <= this.params.k2 ? 'medium' : 'long';
  }

  private checkTask(input: TaskInput, ids: unknown[]): CheckedTask {
    return checkTask(input, ids, (id) => this.tasks.has(id), this.params.dims, this.clock);
  }

  private addTask(c: ReturnType<ReferenceEngine['checkTask']>, id: string, gang: string | undefined): void {
    let u = this.users.get(c.user);
    if (!u) {
      u = { name: c.user, index: this.userList.length, running: 0, history: [] };
      this.users.set(c.user, u);
      this.userList.push(u);
    }
    const t: TaskRec = {
      id, seq: this.bySeq.length, user: u, gang, demand: c.demand.slice(), dataGB: c.dataGB, requestTime: c.requestTime,
      submitTime: c.submitTime, large: this.isLarge(c.demand), state: 'waiting', rounds: 0, failures: 0, node: -1,
      start: NaN, t0: NaN, deadline: NaN,
    };
    this.tasks.set(id, t);
    this.bySeq.push(t);
    this.waitingSet.add(t);
    // A submit time is a time passed to a call: ahead of the clock it moves it (no round places the task before it).
    if (c.submitTime > this.clock) this.clock = c.submitTime;
    this.tally.waiting += 1;
    this.tally.total += 1;
    if (gang !== undefined) {
      const g = this.gangs.get(gang);
      if (g) g.push(t);
      else this.gangs.set(gang, [t]);
    }
  }

  /** Large iff demand[d] ≥ δ0[d] in some dimension (δ0 default: half the largest capacity present). */
  private isLarge(dem: Float64Array): boolean {
    const D = this.params.dims;
    let th = this.params.threshold;
    if (th === undefined) {
      const live = this.nodes.filter((n) => !n.removed);
      if (live.length === 0) return false;
      th = Array.from({ length: D }, (_, d) => live.reduce((m, n) => Math.max(m, n.capacity[d]!), -Infinity) / 2);
    }
    for (let d = 0; d < D; d++) if (dem[d]! >= th[d]!) return true;
    return false;
  }

  private vector(v: unknown, field: string): Float64Array {
    return checkVector(v, this.params.dims, field);
  }

  private checkNow(now: unknown): void {
    checkNow(now, this.clock);
  }

  private node(node: unknown): NodeRec {
    if (typeof node !== 'number' || !Number.isInteger(node) || node < 0 || node >= this.nodes.length) {
      throw new FairfitError('INDEX_OUT_OF_RANGE', `node must be a node index in [0, ${this.nodes.length}), got ${shown(node)}`, { field: 'node', index: typeof node === 'number' ? node : undefined });
    }
    const n = this.nodes[node]!;
    if (n.removed) throw new FairfitError('INDEX_OUT_OF_RANGE', `node ${node} was removed`, { field: 'node', index: node });
    return n;
  }

  private task(id: unknown): TaskRec {
    if (typeof id !== 'string') throw notTaskId(id);
    const t = this.tasks.get(id);
    if (!t) throw new FairfitError('INDEX_OUT_OF_RANGE', `taskId '${id}' is not a submitted task`, { field: 'taskId' });
    return t;
  }

  private byHandle(h: unknown): TaskRec {
    if (typeof h !== 'number' || !Number.isInteger(h) || h < 0 || h >= this.bySeq.length) {
      throw new FairfitError('INDEX_OUT_OF_RANGE', `task handle must be an integer in [0, ${this.bySeq.length}), got ${shown(h)}`, { field: 'handle', index: typeof h === 'number' ? h : undefined });
    }
    return this.bySeq[h]!;
  }

  /** The tasks of `handles`, each running and given once, or the error naming the first that is not. */
  private runningHandles(handles: ArrayLike<number>): TaskRec[] {
    if (handles === null || typeof handles !== 'object' || typeof handles.length !== 'number') throw stateError('handles', 'handles must be an array of task handles');
    const seen = new Set<number>();
    return Array.from({ length: handles.length }, (_, k) => {
      let t: TaskRec;
      try {
        t = this.byHandle(handles[k]);
      } catch (e) {
        throw inHandles(e, k);
      }
      if (t.state !== 'running') throw stateError('handles', `handles[${k}]: task '${t.id}' is ${t.state}, not running`);
      if (seen.has(t.seq)) throw stateError('handles', `handles[${k}]: task '${t.id}' is given twice`);
      seen.add(t.seq);
      return t;
    });
  }

  private view(t: TaskRec): TaskView {
    return {
      id: t.id, user: t.user.name, gang: t.gang, state: t.state, demand: [...t.demand], dataGB: t.dataGB, requestTime: t.requestTime,
      submitTime: t.submitTime, size: t.large ? 'large' : 'small', lengthClass: this.lengthClass(t.dataGB), rounds: t.rounds,
      failures: t.failures, node: t.node, start: t.start, t0: t.t0, deadline: t.deadline,
    };
  }
}
