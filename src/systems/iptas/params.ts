/**
 * Parameters of the IPTAS round scheduler (the IPTAS paper; docs/model.md) for the
 * WebAssembly `Engine` and the reference engine: every knob with its default, resolved and validated once
 * into a frozen object so the engine never re-reads caller input. Defaults and
 * interpretations are listed in docs/model.md ("IPTAS round scheduler").
 *
 * @module
 */
import { FairfitError, nearestName, shown } from '../../errors.ts';
import { priorityParamsObject, resolvePriorityParams, PRIORITY_PARAM_ORDER, type PriorityParams } from '../../kernels/priority-params.ts';

/** What happens to the running tasks of a node that goes down or is removed. */
export type DownNodePolicy = 'requeue' | 'fail';

/** Options of an IPTAS engine, the WebAssembly `Engine` or the {@link ReferenceEngine}; every field optional. */
export interface IptasParams extends PriorityParams {
  /** Number of resource dimensions D (1–8) of every capacity and demand. Default 2 (cpu, memory). */
  dims?: number;
  /**
   * δ0: a task is large iff `demand[d] ≥ threshold[d]` in some dimension. Default: half the
   * largest capacity in each dimension over the nodes present (up or down) when the task is
   * submitted; with no node present every task is small.
   */
  threshold?: readonly number[];
  /** α ∈ (0, 1] of the run-time limit `T0 = requestTime·ε_u·(1 + α)`. Default 0.5. */
  alpha?: number;
  /**
   * Floor of ε_u in T0: `T0 = requestTime·max(ε_u, minEpsilon)·(1 + α)`. Default 0 (the paper's
   * formula). With 0, a user whose last m tasks all ran 0 s gets ε_u = 0 and every later task is
   * killed at its start; killed tasks add no history, so the user never recovers (docs/model.md).
   * `1 / (1 + α)` means "never kill before the requested time".
   */
  minEpsilon?: number;
  /** m: how many of a user's last completed tasks make ε_u. Integer ≥ 1. Default 10. */
  historyLength?: number;
  /** Δinterval: a node whose last heartbeat is older than this (strictly) is swept down. > 0, may be Infinity. Default 30 (time unit of `now`). */
  heartbeatInterval?: number;
  /** What happens to a down or removed node's running tasks. Default `'requeue'`. */
  downNodeTasks?: DownNodePolicy;
  /** λ1, λ2 of the capacity weight. Default 0.5 each. */
  lambdaCpu?: number;
  lambdaMem?: number;
  /**
   * Capacity of each node's dispatch ring (undrained placements). Integer in [1, 2^24]
   * (`MAX_RING_CAPACITY`). Default 1024. The WebAssembly `Engine` keeps every node's ring in
   * its memory, at most 2^28 slots (1 GiB) in all: it refuses node rows × ringCapacity above that.
   */
  ringCapacity?: number;
}

/** Resolved parameters: every field present and checked. */
export interface ResolvedIptasParams {
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
  readonly staticShort: number;
  readonly staticMedium: number;
  readonly staticLong: number;
  readonly k1: number;
  readonly k2: number;
  readonly penalty: number;
  readonly l0: number;
  readonly deltaR: number;
  readonly agingCap: number;
  readonly dims: number;
  /** δ0, or `undefined` for the per-submission default (half the largest capacity). */
  readonly threshold: readonly number[] | undefined;
  readonly alpha: number;
  readonly minEpsilon: number;
  readonly historyLength: number;
  readonly heartbeatInterval: number;
  readonly downNodeTasks: DownNodePolicy;
  readonly lambdaCpu: number;
  readonly lambdaMem: number;
  readonly ringCapacity: number;
  /** The priority subset, as `recomputePrioritiesReference` takes it. */
  readonly priority: Readonly<Required<PriorityParams>>;
}

/** Default m (history length of ε_u). */
export const DEFAULT_HISTORY_LENGTH = 10;
/** Default Δinterval of the heartbeat. */
export const DEFAULT_HEARTBEAT_INTERVAL = 30;
/** Default per-node dispatch ring capacity. */
export const DEFAULT_RING_CAPACITY = 1024;
/**
 * Largest per-node dispatch ring capacity: 16 nodes' rings of 2^24 slots (4-byte task
 * indices) are 1 GiB, which the WebAssembly engine's 4 GiB memory holds with room to grow.
 */
export const MAX_RING_CAPACITY = 2 ** 24;

/**
 * Most dispatch-ring slots an engine holds (node rows × ringCapacity): 1 GiB of task indices,
 * so the rings, the smaller copies they leave behind as they grow (less than as much again) and
 * everything else fit the 4 GiB WebAssembly
 * memory, and every slot's index and byte offset fits the kernel's i32 arithmetic.
 */
export const MAX_RING_SLOTS = 2 ** 28;

/** Every field of {@link IptasParams}; `priority` is a resolved engine's (so `new Engine(other.params)` works). */
const KNOWN_PARAMS: readonly string[] = [
  ...PRIORITY_PARAM_ORDER, 'dims', 'threshold', 'alpha', 'minEpsilon', 'historyLength', 'heartbeatInterval', 'downNodeTasks',
  'lambdaCpu', 'lambdaMem', 'ringCapacity', 'priority',
];

/** The papers' symbols for parameters named otherwise here (docs/model.md). */
const PAPER_NAMES: Readonly<Record<string, string>> = {
  delta0: 'threshold', lambda1: 'lambdaCpu', lambda2: 'lambdaMem', m: 'historyLength', deltainterval: 'heartbeatInterval',
};

/** The parameter `key` most likely means: a paper's symbol for it, or a name equal case aside or at most 2 edits away. */
function nearestParam(key: string): string | undefined {
  const lower = key.toLowerCase();
  if (Object.hasOwn(PAPER_NAMES, lower)) return PAPER_NAMES[lower];
  return nearestName(key, KNOWN_PARAMS);
}


function bad(field: string, what: string, got: unknown): FairfitError {
  return new FairfitError('INVALID_OPTION', `params.${field} must be ${what}, got ${shown(got)}`, { field: `params.${field}` });
}

function integerIn(v: unknown, field: string, min: number, max: number, fallback: number): number {
  const x = v ?? fallback;
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) throw bad(field, `an integer in [${min}, ${max}]`, x);
  return x;
}

function lambda(v: unknown, field: string): number {
  const x = v ?? 0.5;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw bad(field, 'a finite number ≥ 0', x);
  return x;
}

/**
 * Applies the documented defaults and validates every field; throws `INVALID_OPTION`
 * naming the field (`params.<name>`). The priority fields are checked by
 * `resolvePriorityParams`, so they accept exactly what the priority kernel accepts,
 * plus: `penalty ≤ 0`, `deltaR ≥ 0`. A key that is not a parameter is refused
 * (`params.<key>`, with the parameter it most likely misspells); `priority` — the
 * field of resolved params, so they can be given back — must repeat the others.
 */
export function resolveIptasParams(params: IptasParams = {}): ResolvedIptasParams {
  if (params === null || typeof params !== 'object') throw new FairfitError('INVALID_OPTION', `params must be an object, got ${shown(params)}`, { field: 'params' });
  // A misspelt or foreign key must not silently leave its parameter at the default.
  for (const key of Object.keys(params)) {
    if (KNOWN_PARAMS.includes(key)) continue;
    const near = nearestParam(key);
    throw new FairfitError('INVALID_OPTION', `params.${key} is not an IPTAS parameter${near === undefined ? '' : ` (did you mean ${near}?)`}`, { field: `params.${key}` });
  }
  const block = resolvePriorityParams(params);
  const pr = priorityParamsObject(block);
  if (pr.penalty > 0) throw bad('penalty', '≤ 0', pr.penalty);
  if (pr.deltaR < 0) throw bad('deltaR', '≥ 0', pr.deltaR);
  const dims = integerIn(params.dims, 'dims', 1, 8, 2);
  let threshold: number[] | undefined;
  if (params.threshold !== undefined) {
    const t = params.threshold;
    if (!Array.isArray(t) || t.length !== dims) throw bad('threshold', `an array of ${dims} numbers (one per dimension)`, t);
    threshold = t.map((v, d) => {
      if (typeof v !== 'number' || Number.isNaN(v) || v < 0) throw bad(`threshold[${d}]`, 'a number ≥ 0 (Infinity allowed)', v);
      return v;
    });
  }
  const alpha = params.alpha ?? 0.5;
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1)) throw bad('alpha', 'a number in (0, 1]', alpha);
  const minEpsilon = params.minEpsilon ?? 0;
  if (typeof minEpsilon !== 'number' || !Number.isFinite(minEpsilon) || minEpsilon < 0) throw bad('minEpsilon', 'a finite number ≥ 0', minEpsilon);
  const historyLength = integerIn(params.historyLength, 'historyLength', 1, 1_000_000, DEFAULT_HISTORY_LENGTH);
  const hb = params.heartbeatInterval ?? DEFAULT_HEARTBEAT_INTERVAL;
  if (typeof hb !== 'number' || Number.isNaN(hb) || !(hb > 0)) throw bad('heartbeatInterval', 'a number > 0 (Infinity allowed)', hb);
  const downNodeTasks = params.downNodeTasks ?? 'requeue';
  if (downNodeTasks !== 'requeue' && downNodeTasks !== 'fail') throw bad('downNodeTasks', "'requeue' or 'fail'", downNodeTasks);
  const ringCapacity = integerIn(params.ringCapacity, 'ringCapacity', 1, MAX_RING_CAPACITY, DEFAULT_RING_CAPACITY);
  // `priority` (a resolved engine's params given back) only repeats the fields above: it must agree with them.
  const given = (params as { priority?: unknown }).priority;
  if (given !== undefined) {
    const ok = given !== null && typeof given === 'object' && Object.keys(given).every((k) => (PRIORITY_PARAM_ORDER as readonly string[]).includes(k))
      && PRIORITY_PARAM_ORDER.every((k) => Object.is((given as Record<string, unknown>)[k] ?? pr[k], pr[k]));
    if (!ok) throw bad('priority', 'the priority fields as resolved (set w1, l0, … at the top level)', JSON.stringify(given));
  }
  // One literal with every field named (as priorityParamsObject): one shape for every engine's
  // parameters. Spread from an object built key by key, then frozen, they took a new V8 map in every
  // engine made after the first full collection, and the engine code reading them was deoptimised
  // and compiled again in run after run of the NASA log (docs/results.md, thirtieth session).
  return Object.freeze({
    w1: pr.w1, w2: pr.w2, w3: pr.w3, staticShort: pr.staticShort, staticMedium: pr.staticMedium, staticLong: pr.staticLong,
    k1: pr.k1, k2: pr.k2, penalty: pr.penalty, l0: pr.l0, deltaR: pr.deltaR, agingCap: pr.agingCap,
    dims,
    threshold: threshold && Object.freeze(threshold),
    alpha,
    minEpsilon,
    historyLength,
    heartbeatInterval: hb,
    downNodeTasks,
    lambdaCpu: lambda(params.lambdaCpu, 'lambdaCpu'),
    lambdaMem: lambda(params.lambdaMem, 'lambdaMem'),
    ringCapacity,
    priority: Object.freeze(pr),
  });
}
