/**
 * Dynamic priority recompute (IPTAS paper eq. 5–7; docs/model.md) in WebAssembly: one
 * batch over all waiting tasks per round.
 *
 * Two ways in: {@link recomputePriorities} copies columns in and the result out;
 * a {@link PriorityTable} keeps the columns resident in WebAssembly memory so a
 * scheduler that owns it writes them in place and pays no copies per round.
 *
 * @module
 */
import { FairfitError, shown } from '../errors.ts';
import { Core, Views, withScratch } from '../wasm/module.ts';
import { PRIORITY_PARAMS } from './kernel-layouts.ts';
import { checkPriorityIntegers, checkPriorityParamNames, priorityColumnsLength, resolvePriorityParams, type PriorityColumns, type PriorityParams } from './priority-params.ts';
import { throwStatus } from './status.ts';

/** Field order of the kernel's status word. */
const FIELDS = ['columns.dataGB', 'columns.user', 'columns.rounds'] as const;

/**
 * `pri(t) = w1·static(t) + w2·user(t) + w3·min(rounds(t)·Δr, agingCap)` for every task.
 *
 * @throws FairfitError `DIMENSION_MISMATCH`, `NOT_FINITE` / `NEGATIVE_VALUE` (columns.dataGB[i], columns.rounds[i]),
 *   `INDEX_OUT_OF_RANGE` (columns.user[i] not an index of columns.running), `INVALID_OPTION` (params.*).
 */
export function recomputePriorities(columns: PriorityColumns, params: PriorityParams = {}): Float64Array {
  checkPriorityParamNames(params);
  const block = resolvePriorityParams(params);
  const n = priorityColumnsLength(columns);
  // Before the copies: Int32Array.set threw a TypeError on a null-prototype object, a symbol or a BigInt.
  checkPriorityIntegers(columns, n);
  return withScratch((core) => {
    const dataGB = core.putF64(columns.dataGB);
    const user = core.putI32(columns.user);
    const rounds = core.putI32(columns.rounds);
    const running = core.putI32(columns.running);
    const p = core.alloc(PRIORITY_PARAMS.size);
    core.f64(p, block.length).set(block);
    const out = core.alloc(n * 8);
    const pen = core.alloc(Math.max(columns.running.length, 1) * 8);
    const status = core.exports.recomputePriorities(dataGB, user, rounds, n, running, columns.running.length, p, out, pen);
    throwStatus(core, status, FIELDS, (f, i) => [columns.dataGB, columns.user, columns.rounds][f]?.[i]);
    return core.f64(out, n).slice();
  });
}

/** The views a {@link PriorityTable} hands out. */
interface TableViews {
  dataGB: Float64Array;
  user: Int32Array;
  rounds: Int32Array;
  running: Int32Array;
  results: [Float64Array, Float64Array];
}

/**
 * Task columns resident in WebAssembly memory, for a scheduler that recomputes
 * every round: write `dataGB`, `user`, `rounds` (views into the module's memory)
 * and `running`, then call {@link PriorityTable.recompute}. Lives in its own
 * instance or in an engine's shared {@link Core} (`{ core }`); the views are
 * made again when that memory grows, so read them from the table each time
 * rather than keeping them across other allocations in a shared core. Call
 * {@link PriorityTable.close} (or `using`) when done.
 */
export class PriorityTable {
  /** Number of task rows. */
  readonly capacity: number;
  /** Number of users (length of `running`). */
  readonly users: number;
  private core: Core | undefined;
  private readonly ptr: { dataGB: number; user: number; rounds: number; running: number; params: number; out: [number, number]; pen: number };
  private readonly views: Views<TableViews>;
  // Two result buffers: a recompute writes the idle one and flips only on
  // success, so a rejected call leaves the last result untouched.
  private current = 0;

  constructor(capacity: number, users: number, options: { core?: Core } = {}) {
    for (const [k, v] of [['capacity', capacity], ['users', users]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new FairfitError('INVALID_OPTION', `${k} must be an integer ≥ 0, got ${shown(v)}`, { field: k });
    }
    this.capacity = capacity;
    this.users = users;
    const core = options.core ?? new Core();
    this.ptr = {
      dataGB: core.alloc(capacity * 8), user: core.alloc(capacity * 4), rounds: core.alloc(capacity * 4),
      running: core.alloc(users * 4), params: core.alloc(PRIORITY_PARAMS.size), out: [core.alloc(capacity * 8), core.alloc(capacity * 8)],
      pen: core.alloc(Math.max(users, 1) * 8),
    };
    this.core = core;
    const p = this.ptr;
    this.views = new Views(core, (c) => ({
      dataGB: c.f64(p.dataGB, capacity), user: c.i32(p.user, capacity), rounds: c.i32(p.rounds, capacity),
      running: c.i32(p.running, users), results: [c.f64(p.out[0], capacity), c.f64(p.out[1], capacity)],
    }));
    // In its own core nothing is allocated after this, so the views never move: plain fields, no check
    // per access. In a shared core other objects may grow the memory: accessors that re-view.
    for (const k of ['dataGB', 'user', 'rounds', 'running'] as const) {
      if (options.core === undefined) Object.defineProperty(this, k, { value: this.views.get()[k], enumerable: true });
      else Object.defineProperty(this, k, { get: () => this.views.get()[k], enumerable: true });
    }
  }

  /** Declared data volume K of each task row, GB (a view into WebAssembly memory). */
  declare readonly dataGB: Float64Array;
  /** Dense user id of each task row (a view). */
  declare readonly user: Int32Array;
  /** Rounds each task row has waited (a view). */
  declare readonly rounds: Int32Array;
  /** Running-task count of each user (a view). */
  declare readonly running: Int32Array;

  /** Result of the last successful recompute, a view: copy it if you keep it past the next recompute. */
  get priority(): Float64Array {
    return this.views.get().results[this.current]!;
  }

  /** Recomputes the first `n` rows (default all) into {@link PriorityTable.priority}; returns that view. */
  recompute(params: PriorityParams = {}, n = this.capacity): Float64Array {
    const core = this.core;
    if (!core) throw new FairfitError('INVALID_OPTION', 'PriorityTable is closed', { field: 'table' });
    if (!Number.isInteger(n) || n < 0 || n > this.capacity) throw new FairfitError('INDEX_OUT_OF_RANGE', `n must be an integer in [0, ${this.capacity}], got ${shown(n)}`, { field: 'n' });
    checkPriorityParamNames(params);
    const block = resolvePriorityParams(params);
    core.f64(this.ptr.params, block.length).set(block);
    const next = 1 - this.current;
    const status = core.exports.recomputePriorities(this.ptr.dataGB, this.ptr.user, this.ptr.rounds, n, this.ptr.running, this.users, this.ptr.params, this.ptr.out[next]!, this.ptr.pen);
    throwStatus(core, status, FIELDS, (f, i) => [this.dataGB, this.user, this.rounds][f]?.[i]);
    this.current = next;
    return this.priority.subarray(0, n);
  }

  /** Releases the instance; the views must not be used afterwards. */
  close(): void {
    this.core = undefined;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
