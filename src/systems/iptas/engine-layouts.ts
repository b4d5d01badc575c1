/**
 * The memory layout of the WebAssembly IPTAS engine (`assembly/engine.ts`),
 * described once (see `src/wasm/layout.ts`): the `Engine` struct — counts,
 * the round's parameters and the addresses of the task, user, node, gang and
 * scratch columns, all in the engine's one instance — and the task states.
 *
 * @module
 */
import { constants, enumeration, struct, type Layout } from '../../wasm/layout.ts';

/**
 * Task states; `ok`, `failed`, `killed` and `cancelled` are terminal. New states are appended
 * (their numbers are stored in snapshots: `cancelled`, 5, since snapshot format 7).
 */
export const ENGINE_TASK_STATE = enumeration('EngineTaskState', 'States of an engine task (src/systems/iptas/reference-engine.ts, TaskState).', ['waiting', 'running', 'ok', 'failed', 'killed', 'cancelled']);

/**
 * One engine. Task columns have `taskCap` rows (task index = submission
 * order among the tasks held: `enginePurge` moves the kept rows down); `demand` is f64[taskCap·dims] task-major. "None" is the zero of
 * fresh memory, so a new row (or a restored one) writes nothing for it:
 * `gang` is g + 1 (0: no gang), `place` is p + 1 once the task was placed,
 * p its placement record (0: never placed). Placement records (`p*` columns,
 * `placements` of them, one per task held that was ever placed (a purge drops the forgotten tasks'), rewritten when it is placed
 * again) hold the node, the place in the running list, start, T0 and deadline:
 * what only placed tasks have, kept off the task rows (a waiting task's row is
 * what a round and a restore touch). The node and the place in the running
 * list mean something only while the task is running. `waitList` holds the
 * waiting tasks' indices ascending. Users: `running` (L_u) and `epsilon`
 * (max(ε_u, minEpsilon), kept by TypeScript). Nodes: the first-fit `matcher`
 * and the dispatch rings (`ringBuf` i32[ringCap·nodeCap], slot-major: slot k of node
 * i at k·nodeCap + i, so the first slots of all nodes share pages). Gang g: tasks
 * [gangFirst[g], gangFirst[g] + gangSize[g]). `out*`: what a call returns.
 */
export const ENGINE = struct('Engine', 'One WebAssembly IPTAS engine (src/systems/iptas/engine.ts).', {
  dims: 'i32', tasks: 'i32', taskCap: 'i32', users: 'i32', nodeCap: 'i32', ringCap: 'i32', gangs: 'i32', waiting: 'i32',
  now: 'f64', alphaPlusOne: 'f64',
  /** A lower bound of the running tasks' deadlines: no time kill is due before it. */
  minDeadline: 'f64',
  matcher: 'ptr', priorityParams: 'ptr',
  state: 'ptr', user: 'ptr', dataGB: 'ptr', request: 'ptr', demand: 'ptr', large: 'ptr', rounds: 'ptr', place: 'ptr',
  gang: 'ptr',
  /**
   * Kept by TypeScript only (in linear memory so a recycled engine's pages
   * serve them too): submission time f64, place among the plain ids i32 (−1
   * for a gang member), failures u8.
   */
  submitTime: 'ptr', plainRow: 'ptr', failures: 'ptr',
  waitList: 'ptr',
  /** The running tasks, in no order (pRunPos of a task's record: its place in it), so scans touch only them. */
  runList: 'ptr', runCount: 'i32',
  placements: 'i32', pNode: 'ptr', pRunPos: 'ptr', pStart: 'ptr', pT0: 'ptr', pDeadline: 'ptr',
  running: 'ptr', epsilon: 'ptr',
  ringBuf: 'ptr', ringHead: 'ptr', ringLen: 'ptr',
  /**
   * i32 per node: its running tasks. The last one to leave gives the node exactly its capacity
   * back (min(ξ + δ, C) alone drifts: 1 − 0.1 − 0.2 − 0.3 + 0.2 + 0.3 + 0.1 < 1). Rebuilt on restore.
   */
  busy: 'ptr',
  gangFirst: 'ptr', gangSize: 'ptr', gangSeen: 'ptr',
  sData: 'ptr', sUser: 'ptr', sRounds: 'ptr', sPri: 'ptr', sPen: 'ptr',
  sKeys: 'ptr', sKeys2: 'ptr', sIdx: 'ptr', sIdx2: 'ptr', sHist: 'ptr', sUndo: 'ptr', sGangNodes: 'ptr',
  /** f64[FAIL_SLOTS·dims]: demands that found no node this round (residuals only shrink within a round). */
  sFail: 'ptr',
  /** f64[2·size·MissMemo.WAYS·dims]: the matcher's per-vertex miss memo during a round. */
  sMemo: 'ptr',
  outTask: 'ptr', outNode: 'ptr', outCount: 'i32',
});

/** Sizes of the engine's fixed scratch. */
export const ENGINE_SCRATCH = constants('EngineScratch', 'Fixed scratch sizes of the engine round.', {
  /** Demands remembered per round as found to fit nowhere. */
  FAIL_SLOTS: 64,
});

/**
 * What `engineCheckRows` found wrong in the task rows a restore read (`ok`:
 * nothing): a state, user or gang no kernel may follow, numbers a submit
 * would have refused, a gang whose rows are not its members, a placement
 * record that is not the task's own, a running task without a record on a node.
 */
export const ENGINE_ROW_CHECK = enumeration('EngineRowCheck', 'Findings of engineCheckRows (src/engine/engine.ts, checkRestored).', ['ok', 'state', 'user', 'gang', 'numbers', 'demand', 'gangRows', 'record', 'runningRecord']);

/**
 * Flags of the restored columns `engineCheckRows` checks besides those every
 * restore writes: a column that came back all zero is valid and left untouched.
 */
export const ENGINE_ROW_COLUMN = constants('EngineRowColumn', 'Optional columns engineCheckRows checks (bit flags).', {
  gang: 1,
  submitTime: 2,
});

/** Every engine layout, for the rendering into `assembly/layouts.ts`. */
export const ENGINE_LAYOUTS: readonly Layout[] = [ENGINE_TASK_STATE, ENGINE, ENGINE_SCRATCH, ENGINE_ROW_CHECK, ENGINE_ROW_COLUMN] as readonly Layout[];
