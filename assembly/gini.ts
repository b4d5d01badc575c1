// Population Gini coefficient (GiantVM thesis §2.4; docs/model.md):
//   G = Σi Σj |xi − xj| / (2·n²·mean)  =  Σi (2i − n + 1)·x(i) / (n·Σx)
// with x(i) sorted ascending, i from 0. O(n) radix sort + one pass.
// G = 0 for n = 0, all-equal or all-zero input.
//
// Memory: x f64[n] (overwritten: sorted, -0 → +0), tmp u64[n], hist (Gini.HIST_BYTES,
// see assembly/sort.ts), out f64[1].
import { radixSortF64 } from './sort';
import { checkNonNeg } from './error';
import { Gini } from './layouts';

export function gini(x: usize, n: i32, tmp: usize, hist: usize, out: usize): i32 {
  store<f64>(out, 0.0);
  for (let i = 0; i < n; i++) {
    const p = x + (<usize>i << 3);
    const v = load<f64>(p);
    const s = checkNonNeg(v, i);
    if (s != 0) return s;
    store<f64>(p, v + 0.0);
  }
  if (n == 0) return 0;
  radixSortF64(x, tmp, hist, n);
  let sum = 0.0, num = 0.0;
  const nf = <f64>n;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    sum += v;
    num += (2.0 * <f64>i - nf + 1.0) * v;
  }
  if (sum == 0.0) return 0;
  store<f64>(out, num / (nf * sum));
  return 0;
}

// Gini of each column of a row-major matrix, NaN entries skipped (docs/model.md; the
// per-point Gini of the replay series: rows = machines, columns = points, NaN =
// machine not up). One call for all columns instead of one per column.
//
// Memory: mat f64[rows × cols] (read only), x f64[COL_BLOCK × rows] (the
// gathered columns of one block), tmp u64[rows], hist (Gini.HIST_BYTES), out
// f64[cols]. Columns are gathered COL_BLOCK at a time in one row-major pass, so
// each row's cache line is read once instead of once per column (a column walk
// of a machines × points matrix misses the cache on every entry).
// Bad input (±Infinity, < 0): the status, with the flat index r·cols + c of
// the first bad entry in row-major order recorded; nothing is written.
const COL_BLOCK: i32 = Gini.COL_BLOCK;

export function giniColumns(mat: usize, rows: i32, cols: i32, x: usize, tmp: usize, hist: usize, out: usize): i32 {
  const total = rows * cols;
  for (let at = 0; at < total; at++) {
    const v = load<f64>(mat + (<usize>at << 3));
    if (v != v) continue;
    const s = checkNonNeg(v, at);
    if (s != 0) return s;
  }
  const counts = memory.data(COL_BLOCK << 2);
  for (let c0 = 0; c0 < cols; c0 += COL_BLOCK) {
    const w = min(COL_BLOCK, cols - c0);
    for (let b = 0; b < w; b++) store<i32>(counts + (<usize>b << 2), 0);
    for (let r = 0; r < rows; r++) {
      const row = mat + (<usize>(r * cols + c0) << 3);
      for (let b = 0; b < w; b++) {
        const v = load<f64>(row + (<usize>b << 3));
        if (v != v) continue;
        const n = load<i32>(counts + (<usize>b << 2));
        store<f64>(x + (<usize>(b * rows + n) << 3), v);
        store<i32>(counts + (<usize>b << 2), n + 1);
      }
    }
    for (let b = 0; b < w; b++) {
      gini(x + (<usize>(b * rows) << 3), load<i32>(counts + (<usize>b << 2)), tmp, hist, out + (<usize>(c0 + b) << 3));
    }
  }
  return 0;
}
