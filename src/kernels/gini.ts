/**
 * Population Gini coefficient in WebAssembly (docs/model.md): O(n) radix sort and one
 * pass, values copied into linear memory in one batch.
 *
 * @module
 */
import { FairfitError, arrayLength, shown } from '../errors.ts';
import { Core, withScratch } from '../wasm/module.ts';
import { GINI, GINI_TRACK } from './kernel-layouts.ts';
import { throwStatus } from './status.ts';

/**
 * Population Gini coefficient `Σi Σj |xi − xj| / (2·n²·mean)` of non-negative values.
 * Returns 0 for an empty, all-equal or all-zero input.
 *
 * @throws FairfitError `NOT_FINITE` / `NEGATIVE_VALUE` naming `values[i]`.
 * @example gini([1, 1, 1]) === 0
 */
export function gini(values: ArrayLike<number>): number {
  const n = arrayLength(values, 'values');
  return withScratch((core) => {
    const x = core.putF64(values);
    const tmp = core.alloc(n * 8);
    const hist = core.alloc(GINI.values.HIST_BYTES);
    const out = core.alloc(8);
    const status = core.exports.gini(x, n, tmp, hist, out);
    throwStatus(core, status, ['values'], (_f, i) => values[i]);
    return core.f64(out, 1)[0]!;
  });
}


/**
 * The Gini coefficient of a vector that changes a little between calls — a replay's per-host
 * shares sampled every few minutes while a few hosts changed — each call bit-identical to
 * {@link gini} of the same values. Its values stay sorted from one call to the next in
 * WebAssembly memory (a `GiniTrack` struct): a call takes the changed values' old ones out of the
 * sorted list and merges their new ones in, where {@link gini} sorts every value again. A call
 * with another number of values, or with more than a quarter of them changed, sorts them all.
 * {@link close} it, or declare it with `using`.
 *
 * @example
 * using t = new GiniTracker();
 * t.gini([1, 1, 2]); // = gini([1, 1, 2])
 * t.gini([1, 3, 2]); // one value changed: merged, = gini([1, 3, 2])
 */
export class GiniTracker {
  private core: Core | undefined;
  private readonly own: boolean;
  private readonly at: number;
  private cap = 0;
  private values = 0;

  /** `core`: the instance to live in (an engine's); by default one of its own. */
  constructor(options: { core?: Core } = {}) {
    this.own = options.core === undefined;
    const core = options.core ?? Core.reuse();
    this.core = core;
    this.at = core.alloc(GINI_TRACK.size);
    GINI_TRACK.update(core.memory, this.at, { last: -1, hist: core.alloc(GINI.values.HIST_BYTES) });
  }

  /**
   * The population Gini coefficient of `values`, as {@link gini}: 0 for an empty, all-equal or
   * all-zero input.
   *
   * @throws FairfitError `NOT_FINITE` / `NEGATIVE_VALUE` naming `values[i]` (nothing changes: the
   *   next call compares with the last good one).
   */
  gini(values: ArrayLike<number>): number {
    const core = this.live();
    const n = arrayLength(values, 'values');
    if (n > this.cap) this.grow(core, n);
    core.setF64(this.values, values);
    GINI_TRACK.update(core.memory, this.at, { n });
    const status = core.exports.giniTrack(this.at);
    throwStatus(core, status, ['values'], (_f, i) => values[i]);
    return GINI_TRACK.get(core.memory, this.at, 'gini');
  }

  /** How many values the last call found changed, or −1 when it sorted them all. */
  get changed(): number {
    return GINI_TRACK.get(this.live().memory, this.at, 'changed');
  }

  /** Columns for `n` values or more (twice the last room): the next call sorts every value. */
  private grow(core: Core, n: number): void {
    const cap = Math.max(n, 2 * this.cap);
    const col = (): number => core.alloc(cap * 8);
    this.values = col();
    GINI_TRACK.update(core.memory, this.at, { cap, last: -1, values: this.values, prev: col(), sorted: col(), next: col(), removed: col(), added: col(), tmp: col() });
    this.cap = cap;
  }

  private live(): Core {
    if (!this.core || this.core.broken) throw new FairfitError('INVALID_OPTION', 'GiniTracker is closed', { field: 'tracker' });
    return this.core;
  }

  /** Gives its own instance back (`Core.recycle`); in an engine's core, stops using it. */
  close(): void {
    if (this.core && this.own) Core.recycle(this.core);
    this.core = undefined;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Gini coefficient of each column of a row-major `rows × cols` matrix, NaN
 * entries skipped (a column of NaN only gives 0): the per-point Gini of a
 * replay's series (rows = machines, columns = points) in one WebAssembly call.
 * Each column's value is bit-identical to {@link gini} of its non-NaN entries.
 *
 * @throws FairfitError `DIMENSION_MISMATCH` when `matrix.length ≠ rows·cols`;
 *   `NOT_FINITE` / `NEGATIVE_VALUE` naming `matrix[r·cols + c]` (the first bad entry in row-major order).
 * @example giniColumns(Float64Array.of(1, 0, 1, 2), 2, 2) // → Float64Array [0, 1/2]
 */
export function giniColumns(matrix: Float64Array, rows: number, cols: number): Float64Array {
  checkShape(matrix, rows, cols);
  return withScratch((core) => {
    const mat = core.putF64(matrix);
    const x = core.alloc(GINI.values.COL_BLOCK * rows * 8), tmp = core.alloc(rows * 8), hist = core.alloc(GINI.values.HIST_BYTES), out = core.alloc(cols * 8);
    const status = core.exports.giniColumns(mat, rows, cols, x, tmp, hist, out);
    throwStatus(core, status, ['matrix'], (_f, i) => matrix[i]);
    return core.f64(out, cols).slice();
  });
}

/** Throws `INVALID_OPTION` / `DIMENSION_MISMATCH` unless `matrix` is `rows × cols`. */
export function checkShape(matrix: ArrayLike<number>, rows: number, cols: number): void {
  arrayLength(matrix, 'matrix');
  for (const [name, v] of [['rows', rows], ['cols', cols]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new FairfitError('INVALID_OPTION', `${name} must be an integer ≥ 0, got ${shown(v)}`, { field: name });
  }
  if (matrix.length !== rows * cols) throw new FairfitError('DIMENSION_MISMATCH', `matrix has ${matrix.length} entries, rows × cols = ${rows * cols}`, { field: 'matrix' });
}
