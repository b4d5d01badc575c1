/**
 * Plain-TypeScript Gini coefficient: the oracle for the WebAssembly kernel and
 * the benchmark baseline. Same formula and summation order as `assembly/gini.ts`:
 * `G = Σi (2i − n + 1)·x(i) / (n·Σx)` over the ascending sort.
 *
 * @module
 */
import { arrayLength, checkNonNegative, FairfitError } from '../errors.ts';
import { checkShape } from '../kernels/gini.ts';

/**
 * A Float64Array of n; `OUT_OF_MEMORY` when it cannot be allocated (an array-like whose length nears
 * 2^32, no real array's, was a RangeError), as the WebAssembly kernel says when its memory cannot grow.
 */
function copyOf(n: number): Float64Array {
  try {
    return new Float64Array(n);
  } catch (cause) {
    throw new FairfitError('OUT_OF_MEMORY', `values: a copy of ${n} numbers (${(n * 8 / 2 ** 30).toFixed(1)} GiB) cannot be allocated`, { field: 'values' }, { cause });
  }
}

/** Population Gini of non-negative values; 0 for empty, all-equal or all-zero input. */
export function giniReference(values: ArrayLike<number>): number {
  const n = arrayLength(values, 'values');
  if (n === 0) return 0;
  const x = copyOf(n);
  for (let i = 0; i < n; i++) x[i] = checkNonNegative(values[i], 'values', i) + 0;
  x.sort();
  let sum = 0;
  let num = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    sum += v;
    num += (2 * i - n + 1) * v;
  }
  return sum === 0 ? 0 : num / (n * sum);
}

/**
 * Plain-TypeScript twin of `giniColumns`: Gini of each column of a row-major
 * `rows × cols` matrix, NaN skipped; entries checked in row-major order first,
 * as the kernel does, so the first bad entry (named `matrix[r·cols + c]`) is the same.
 */
export function giniColumnsReference(matrix: ArrayLike<number>, rows: number, cols: number): Float64Array {
  checkShape(matrix, rows, cols);
  for (let i = 0; i < rows * cols; i++) if (!Number.isNaN(matrix[i])) checkNonNegative(matrix[i], 'matrix', i);
  const out = new Float64Array(cols);
  const col: number[] = [];
  for (let c = 0; c < cols; c++) {
    col.length = 0;
    for (let r = 0; r < rows; r++) {
      const v = matrix[r * cols + c]!;
      if (!Number.isNaN(v)) col.push(v);
    }
    out[c] = giniReference(col);
  }
  return out;
}
