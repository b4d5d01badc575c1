/**
 * Plain-TypeScript Gini coefficient: the oracle for the WebAssembly kernel and
 * the benchmark baseline. Same formula and summation order as `assembly/gini.ts`:
 * `G = Σi (2i − n + 1)·x(i) / (n·Σx)` over the ascending sort.
 *
 * @module
 */
import { checkNonNegative } from '../errors.ts';

/** Population Gini of non-negative values; 0 for empty, all-equal or all-zero input. */
export function giniReference(values: ArrayLike<number>): number {
  const n = values.length;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = checkNonNegative(values[i], 'values', i) + 0;
  if (n === 0) return 0;
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
