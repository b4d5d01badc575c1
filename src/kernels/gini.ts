/**
 * Population Gini coefficient in WebAssembly (docs/model.md): O(n) radix sort and one
 * pass, values copied into linear memory in one batch.
 *
 * @module
 */
import { FairfitError, arrayLength, shown } from '../errors.ts';
import { withScratch } from '../wasm/module.ts';
import { GINI } from './kernel-layouts.ts';
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
