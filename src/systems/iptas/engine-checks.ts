/**
 * The input checks both IPTAS engines (the reference and the WebAssembly
 * `Engine`) run before they change anything, so the two reject the same calls
 * with the same error: task and node fields, vectors of D numbers, time that
 * never goes backwards.
 *
 * @module
 */
import { checkNonNegative, didYouMean, FairfitError, shown, unknownKey } from '../../errors.ts';
import type { NodeInput, NodeUpdate, RoundBuffers, RoundHandles, TaskInput } from './reference-engine.ts';
import type { ResolvedIptasParams } from './params.ts';

/** An `INVALID_OPTION` naming `field`. */
export function stateError(field: string, message: string): FairfitError {
  return new FairfitError('INVALID_OPTION', message, { field });
}

/** The fields of each input a call takes: a key outside them is refused (a misspelt field must not leave its value at the default). */
export const INPUT_KEYS = {
  task: ['id', 'user', 'demand', 'dataGB', 'requestTime', 'submitTime', 'procs'],
  node: ['id', 'capacity', 'speed', 'vcpus', 'mem'],
  update: ['capacity', 'speed', 'vcpus', 'mem'],
  report: ['storageOk'],
  result: ['status', 'actualTime'],
} as const;

/** Refuses a key of `input` outside `known` (`INVALID_OPTION` naming it, and the field it most likely misspells). */
export function checkKeys(input: object, known: readonly string[], what: string): void {
  const key = unknownKey(input, known);
  if (key !== undefined) throw stateError(key, `${key} is not a field of ${what}${didYouMean(key, known)}`);
}

/** {@link checkKeys} for a task, the call a trace driver makes per task: plain comparisons, ≈ 2× faster than a list's `includes`. */
function checkTaskKeys(input: object): void {
  // for…in as checkKeys (the same keys), not Object.keys: no array per task.
  for (const k in input) {
    if (k !== 'id' && k !== 'user' && k !== 'demand' && k !== 'dataGB' && k !== 'requestTime' && k !== 'submitTime' && k !== 'procs') checkKeys(input, INPUT_KEYS.task, 'a task');
  }
}

/** The field of a usage report's entry: `usage["<task id>"]` (a Map's key, as a path names it), or `usage[<handle>]`. */
export function usageField(key: unknown): string {
  // shown, not String, for a key that is neither: a null-prototype object has no toString.
  return `usage[${typeof key === 'number' ? key : typeof key === 'string' ? JSON.stringify(key) : shown(key)}]`;
}

/** A task id that is no string (7, null, an object): `INVALID_OPTION`, not "'7' is not a submitted task" as if it were one. */
export function notTaskId(id: unknown): FairfitError {
  return new FairfitError('INVALID_OPTION', `taskId must be a string, got ${shown(id)}`, { field: 'taskId' });
}

/** A usage report naming a task that was never submitted. */
export function unknownUsageTask(key: unknown): FairfitError {
  return new FairfitError('INDEX_OUT_OF_RANGE', `${usageField(key)}: ${shown(key)} is not a submitted task`, { field: usageField(key) });
}

/** D numbers ≥ 0 as a Float64Array, or `DIMENSION_MISMATCH` / `NOT_FINITE` / `NEGATIVE_VALUE` naming the field. */
export function checkVector(v: unknown, dims: number, field: string, into?: Float64Array, at = 0): Float64Array {
  if (!Array.isArray(v) || v.length !== dims) {
    throw new FairfitError('DIMENSION_MISMATCH', `${field} must be an array of ${dims} numbers, got ${Array.isArray(v) ? `${v.length} numbers` : shown(v)}`, { field });
  }
  // into: the numbers go to into[at, at + dims) (a host's hot path makes no array per vector).
  const out = into ?? new Float64Array(dims);
  for (let d = 0; d < dims; d++) out[at + d] = checkNonNegative(v[d], field, d);
  return out;
}

/**
 * The usage of a report given as columns (`checkLimitsColumns`): a Float64Array of `rows` × `dims`
 * numbers ≥ 0, row k the usage of the k-th handle. Errors name the element (`usage[i]`).
 */
export function checkUsageColumns(usage: unknown, rows: number, dims: number): Float64Array {
  if (!(usage instanceof Float64Array)) throw new FairfitError('INVALID_OPTION', `usage must be a Float64Array of ${dims} numbers a handle, got ${shown(usage)}`, { field: 'usage' });
  if (usage.length !== rows * dims) {
    throw new FairfitError('DIMENSION_MISMATCH', `usage must hold ${dims} numbers for each of the ${rows} handles (${rows * dims}), got ${usage.length}`, { field: 'usage' });
  }
  for (let i = 0; i < usage.length; i++) {
    const v = usage[i]!;
    // NaN fails both comparisons: checked like any other number that is not ≥ 0 and finite.
    if (!(v >= 0 && v < Infinity)) checkNonNegative(v, 'usage', i);
  }
  return usage;
}

/** `now` is finite and not before the engine clock. */
export function checkNow(now: unknown, clock: number): void {
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new FairfitError('NOT_FINITE', `now must be a finite number, got ${shown(now)}`, { field: 'now' });
  if (now < clock) throw stateError('now', `now = ${now} is before the engine clock ${clock}: time must not go backwards`);
}

/** The checked fields of a task submission. */
export interface CheckedTask {
  /** The demand is demand[demandAt, demandAt + D) (demandAt 0 unless checkTask was given a buffer). */
  demand: Float64Array;
  demandAt: number;
  dataGB: number;
  requestTime: number;
  submitTime: number;
  user: string;
}

/**
 * Checks a submission: every id a new non-empty string (`known` tells which
 * are taken), the user a non-empty string, the demand D numbers ≥ 0, dataGB ≥ 0,
 * requestTime > 0, submitTime ≥ 0 (default: the engine clock).
 */
export function checkTask(input: TaskInput, ids: readonly unknown[], known: (id: string) => boolean, dims: number, clock: number, into?: Float64Array, at = 0): CheckedTask {
  if (input === null || typeof input !== 'object') throw stateError('task', 'task must be an object');
  checkTaskKeys(input);
  // An index loop: no iterator per task.
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (typeof id !== 'string' || id.length === 0) throw stateError('id', `task id must be a non-empty string, got ${shown(id)}`);
    if (known(id)) throw stateError('id', `task id '${id}' was already submitted`);
  }
  // Non-empty, as ids are: '' is what a host's missing field turns into, not a user anyone means.
  if (typeof input.user !== 'string' || input.user === '') throw stateError('user', `user must be a non-empty string, got ${shown(input.user)}`);
  const demand = checkVector(input.demand, dims, 'demand', into, at);
  const dataGB = checkNonNegative(input.dataGB, 'dataGB');
  const requestTime = checkNonNegative(input.requestTime, 'requestTime', undefined, true);
  const submitTime = input.submitTime === undefined ? clock : checkNonNegative(input.submitTime, 'submitTime');
  return { demand, demandAt: into === undefined ? 0 : at, dataGB, requestTime, submitTime, user: input.user };
}

/**
 * Checks a heartbeat's report: undefined (a plain heartbeat) or an object whose `storageOk`
 * is a boolean or absent. Anything else (`false`, null, a string) is refused — read as `{}`,
 * it said "storage fine" and brought a down node back up.
 */
export function checkHeartbeatReport(report: unknown): boolean {
  if (report === undefined) return true;
  if (report === null || typeof report !== 'object' || Array.isArray(report)) {
    throw stateError('report', `the heartbeat report must be undefined or an object { storageOk? }, got ${Array.isArray(report) ? 'an array' : typeof report === 'string' ? JSON.stringify(report) : String(report)}`);
  }
  // { storageOK: false } read as {} said "storage fine" and brought a down node back up.
  checkKeys(report, INPUT_KEYS.report, 'a heartbeat report');
  // Absent only: `storageOk: null` read as true brought a storage-failed node back up (the JSON command refuses null).
  const given = (report as { storageOk?: unknown }).storageOk;
  const ok = given === undefined ? true : given;
  if (typeof ok !== 'boolean') throw stateError('storageOk', `storageOk must be a boolean, got ${shown(ok)}`);
  return ok;
}

/** Most members of a gang (as the JSON commands' schema says): a gang's rows are made at once, so a bound is stated rather than met as OUT_OF_MEMORY. */
export const MAX_PROCS = 100_000;

/** Checks the number of members of a gang. */
export function checkProcs(p: unknown): number {
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > MAX_PROCS) throw stateError('procs', `procs must be an integer in [1, ${MAX_PROCS}], got ${shown(p)}`);
  return p;
}

/** Checks a completion report. */
export function checkResult(result: unknown): { status: 'ok' | 'failed'; actualTime: number } {
  if (result === null || typeof result !== 'object') throw stateError('result', 'result must be { status, actualTime }');
  // A misspelt field was accepted (`actualtime` refused as a missing actualTime, but an extra key
  // passed); plain comparisons, as for a task: a trace driver completes every task.
  for (const k in result) if (k !== 'status' && k !== 'actualTime') checkKeys(result, INPUT_KEYS.result, 'a result');
  const r = result as { status?: unknown; actualTime?: unknown };
  if (r.status !== 'ok' && r.status !== 'failed') throw stateError('status', `status must be 'ok' or 'failed', got ${shown(r.status)}`);
  checkNonNegative(r.actualTime as number, 'actualTime');
  // −0 passes as non-negative but a snapshot writes it as +0: the history keeps +0, so a restored engine's state is the same.
  if (Object.is(r.actualTime, -0)) return { status: r.status, actualTime: 0 };
  // Checked: the report itself (no copy per call; the engines read it, never keep it).
  return r as { status: 'ok' | 'failed'; actualTime: number };
}

/**
 * The priority a round starting now gives a waiting task, by term (`explain`, both engines):
 * `recomputePrioritiesReference`'s sum, term for term, so it is the number the round sorts by.
 */
export function priorityTerms(p: ResolvedIptasParams, dataGB: number, running: number, rounds: number): { static: number; user: number; aging: number; total: number } {
  const st = dataGB <= p.k1 ? p.staticShort : dataGB <= p.k2 ? p.staticMedium : p.staticLong;
  const us = running >= p.l0 ? p.penalty : 0;
  const ag = Math.min(rounds * p.deltaR, p.agingCap);
  return { static: p.w1 * st, user: p.w2 * us, aging: p.w3 * ag, total: priorityTotal(p, dataGB, running, rounds) };
}

/** {@link priorityTerms}' total alone, with no object made (`explain`'s pass over every waiting task). */
export function priorityTotal(p: ResolvedIptasParams, dataGB: number, running: number, rounds: number): number {
  const st = dataGB <= p.k1 ? p.staticShort : dataGB <= p.k2 ? p.staticMedium : p.staticLong;
  return p.w1 * st + p.w2 * (running >= p.l0 ? p.penalty : 0) + p.w3 * Math.min(rounds * p.deltaR, p.agingCap);
}

/** ε_u = Σ actual / Σ requested over a history of (actual, requested); 1 when empty (rules: {@link epsilonOfRuns}). */
export function epsilonOf(history: readonly (readonly [number, number])[]): number {
  return epsilonOfRuns(history.length, (k) => history[k]![0], (k) => history[k]![1]);
}

/** 2^−64: a history's run times scaled by it sum without overflow (each is below 2^1024). */
const OVERFLOW_SCALE = 2 ** -64;

/**
 * ε_u of the `n` runs whose times `actual(k)` and `requested(k)` give, oldest first: Σ actual /
 * Σ requested, 1 when n is 0. When a sum overflows (run times near 1e308, which the checks
 * accept), the ratio of the same sums scaled by 2^−64 (exact but for subnormal times): ε is
 * then Infinity only when the ratio itself overflows, never Infinity / Infinity = NaN, which made
 * T0 NaN (a task never killed, shown as never placed) and a snapshot that restore refused.
 */
export function epsilonOfRuns(n: number, actual: (k: number) => number, requested: (k: number) => number): number {
  if (n === 0) return 1;
  let a = 0;
  let r = 0;
  for (let k = 0; k < n; k++) {
    a += actual(k);
    r += requested(k);
  }
  if (a < Infinity && r < Infinity) return a / r;
  a = 0;
  r = 0;
  for (let k = 0; k < n; k++) {
    a += actual(k) * OVERFLOW_SCALE;
    r += requested(k) * OVERFLOW_SCALE;
  }
  return a / r;
}

/** The error of item k of a batch (`submitMany`): the same code, the message and field prefixed with `items[k]`. */
export function inItem(e: unknown, k: number): unknown {
  if (!(e instanceof FairfitError)) return e;
  return new FairfitError(e.code, `items[${k}]: ${e.message}`, { ...e.details, field: `items[${k}].${e.details.field ?? ''}`.replace(/\.$/, '') });
}

/**
 * The error of entry k of a list of task handles (`completeMany`, `checkLimitsColumns`): a handle out
 * of range (`byHandle`'s error, field `handle`) named as `handles[k]` like the batch's other errors.
 */
export function inHandles(e: unknown, k: number): unknown {
  if (!(e instanceof FairfitError) || e.details.field !== 'handle') return e;
  return new FairfitError(e.code, `handles[${k}]: ${e.message}`, { ...e.details, field: 'handles', index: k });
}

/** The error of node k of an `addNodes` batch: the message and field prefixed with `nodes[k]` (as {@link inItem} does for `submitMany`). */
export function inNodes(e: unknown, k: number): unknown {
  if (!(e instanceof FairfitError)) return e;
  return new FairfitError(e.code, `nodes[${k}]: ${e.message}`, { ...e.details, field: `nodes[${k}].${e.details.field ?? ''}`.replace(/\.$/, '') });
}

/** The error of a usage report's key `h` that names no task: the message and field are the report's entry (`usage[h]`), not the bare handle. */
export function inUsage(e: unknown, h: unknown): unknown {
  if (!(e instanceof FairfitError)) return e;
  return new FairfitError(e.code, `${usageField(h)}: ${e.message}`, { ...e.details, field: usageField(h) });
}

/** The checked fields of a new node. */
export interface CheckedNode {
  id: string;
  capacity: Float64Array;
  speed: number;
  vcpus: number;
  mem: number;
}

/**
 * Checks a new node (index `index`): capacity D numbers ≥ 0; id a string not
 * used by a live node (`usedBy`) nor earlier in the same batch (`seen`, which
 * gets it); speed, vcpus, mem ≥ 0 (defaults 1, capacity[0], capacity[1] or [0]).
 */
export function checkNode(input: NodeInput, dims: number, index: number, usedBy: (id: string) => number | undefined, seen: Set<string>): CheckedNode {
  if (input === null || typeof input !== 'object') throw stateError('node', 'node must be an object with a capacity');
  checkKeys(input, INPUT_KEYS.node, 'a node');
  const capacity = checkVector(input.capacity, dims, 'capacity');
  const id = input.id ?? `node${index}`;
  if (typeof id !== 'string' || id === '') throw stateError('id', `node id must be a non-empty string, got ${shown(id)}`);
  // node<k> is the name an unnamed node k gets: given to another node, it would be taken when node k comes.
  if (input.id !== undefined && /^node\d+$/.test(id) && id !== `node${index}`) {
    throw stateError('id', `node id '${id}' is the default name of node ${id.slice(4)}; this node is node ${index} (name it '${`node${index}`}', or a name not of the form node<k>)`);
  }
  const used = usedBy(id);
  if (used !== undefined) throw stateError('id', `node id '${id}' is already used by node ${used}`);
  if (seen.has(id)) throw stateError('id', `node id '${id}' is given twice`);
  seen.add(id);
  const speed = checkNonNegative(input.speed ?? 1, 'speed');
  const vcpus = checkNonNegative(input.vcpus ?? capacity[0]!, 'vcpus');
  const mem = checkNonNegative(input.mem ?? (dims > 1 ? capacity[1]! : capacity[0]!), 'mem');
  return { id, capacity, speed, vcpus, mem };
}

/** A checked node update: the new capacity (if any) with the residual that goes with it, and the weight inputs. */
export interface CheckedNodeUpdate {
  capacity: Float64Array | undefined;
  residual: Float64Array | undefined;
  speed: number;
  vcpus: number;
  mem: number;
}

/**
 * Checks an update of node `node` (capacity and residual as they are): a new
 * capacity must hold what runs there; the residual keeps what runs there
 * (`min(new capacity − used, new capacity)`). Fields left out keep their value.
 */
export function checkNodeUpdate(
  update: NodeUpdate, dims: number, node: number,
  now: { capacity: ArrayLike<number>; residual: ArrayLike<number>; speed: number; vcpus: number; mem: number },
): CheckedNodeUpdate {
  if (update === null || typeof update !== 'object') throw stateError('update', 'update must be an object');
  checkKeys(update, INPUT_KEYS.update, 'a node update');
  let capacity: Float64Array | undefined;
  let residual: Float64Array | undefined;
  if (update.capacity !== undefined) {
    capacity = checkVector(update.capacity, dims, 'capacity');
    residual = new Float64Array(dims);
    for (let d = 0; d < dims; d++) {
      const used = now.capacity[d]! - now.residual[d]!;
      if (capacity[d]! < used) throw stateError('capacity', `capacity[${d}] = ${capacity[d]} is below what runs on node ${node} (${used})`);
      residual[d] = Math.min(capacity[d]! - used, capacity[d]!);
    }
  }
  const speed = update.speed === undefined ? now.speed : checkNonNegative(update.speed, 'speed');
  const vcpus = update.vcpus === undefined ? now.vcpus : checkNonNegative(update.vcpus, 'vcpus');
  const mem = update.mem === undefined ? now.mem : checkNonNegative(update.mem, 'mem');
  return { capacity, residual, speed, vcpus, mem };
}

/** A buffer a host lends for a batch call's handles: absent, or an Int32Array (`INVALID_OPTION` naming `into`). */
export function checkInto(into: unknown): void {
  if (into !== undefined && !(into instanceof Int32Array)) throw new FairfitError('INVALID_OPTION', `into must be an Int32Array when given, got ${shown(into)}`, { field: 'into' });
}

/**
 * The buffers a host lends a round (`runRoundHandles`): absent, or `{ tasks: Int32Array, nodes:
 * Int32Array, t0: Float64Array }` (`INVALID_OPTION` naming the field). Checked before the round runs:
 * a round whose placements could not be handed back must not happen.
 */
export function checkRoundBuffers(into: unknown): void {
  if (into === undefined) return;
  if (typeof into !== 'object' || into === null) throw new FairfitError('INVALID_OPTION', `into must be { tasks: Int32Array, nodes: Int32Array, t0: Float64Array } when given, got ${shown(into)}`, { field: 'into' });
  const b = into as Record<string, unknown>;
  for (const [f, type, named] of [['tasks', Int32Array, 'an Int32Array'], ['nodes', Int32Array, 'an Int32Array'], ['t0', Float64Array, 'a Float64Array']] as const) {
    if (!(b[f] instanceof type)) throw new FairfitError('INVALID_OPTION', `into.${f} must be ${named}, got ${shown(b[f])}`, { field: `into.${f}` });
  }
}

/**
 * The views `base.subarray(0, k)` of a host's buffer, each made once (per base):
 * a batch call that answers in a lent buffer makes no view per call.
 */
export class PrefixViews<T extends Int32Array | Float64Array> {
  private base: T | undefined;
  private views: (T | undefined)[] = [];

  /** base.subarray(0, k) (cached for k ≤ 4096). */
  of(base: T, k: number): T {
    if (k === base.length) return base;
    if (base !== this.base) {
      this.base = base;
      this.views = [];
    }
    if (k > 4096) return base.subarray(0, k) as T;
    return (this.views[k] ??= base.subarray(0, k) as T);
  }
}

/** The views a round's result takes of the buffers lent for it, made once per length. */
export interface RoundViews {
  tasks: PrefixViews<Int32Array>;
  nodes: PrefixViews<Int32Array>;
  t0: PrefixViews<Float64Array>;
}

/** Empty view caches for {@link roundHandles}. */
export function roundViews(): RoundViews {
  return { tasks: new PrefixViews(), nodes: new PrefixViews(), t0: new PrefixViews() };
}

/** The placements of a round as handles, nodes and T0s: in `into` when it has room (views from `views`), else in new arrays. */
export function roundHandles(k: number, waiting: number, into: RoundBuffers | undefined, write: (out: RoundBuffers) => void, views?: RoundViews): RoundHandles {
  const out = roundOutput(k, into);
  write(out);
  return roundResult(out, k, waiting, views);
}

/** Where a round's k placements go: `into` when it has room, else new arrays. */
export function roundOutput(k: number, into: RoundBuffers | undefined): RoundBuffers {
  if (into !== undefined && into.tasks.length >= k && into.nodes.length >= k && into.t0.length >= k) return into;
  // One buffer for the three: an allocation per round is what this path costs.
  const buf = new ArrayBuffer(16 * k);
  return { t0: new Float64Array(buf, 0, k), tasks: new Int32Array(buf, 8 * k, k), nodes: new Int32Array(buf, 12 * k, k) };
}

/** The result of a round whose k placements were written to `out` (views of their first k entries, from `views` when given). */
export function roundResult(out: RoundBuffers, k: number, waiting: number, views?: RoundViews): RoundHandles {
  if (out.tasks.length === k && out.nodes.length === k && out.t0.length === k) return { tasks: out.tasks, nodes: out.nodes, t0: out.t0, waiting };
  if (views !== undefined) return { tasks: views.tasks.of(out.tasks, k), nodes: views.nodes.of(out.nodes, k), t0: views.t0.of(out.t0, k), waiting };
  return { tasks: out.tasks.subarray(0, k), nodes: out.nodes.subarray(0, k), t0: out.t0.subarray(0, k), waiting };
}
