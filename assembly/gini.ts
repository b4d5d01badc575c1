// Population Gini coefficient (GiantVM thesis §2.4; docs/model.md):
//   G = Σi Σj |xi − xj| / (2·n²·mean)  =  Σi (2i − n + 1)·x(i) / (n·Σx)
// with x(i) sorted ascending, i from 0. O(n) radix sort + one pass.
// G = 0 for n = 0, all-equal or all-zero input.
//
// Memory: x f64[n] (overwritten: sorted, -0 → +0), tmp u64[n], hist (Gini.HIST_BYTES,
// see assembly/sort.ts), out f64[1].
import { radixSortF64 } from './sort';
import { checkNonNeg } from './error';
import { Gini, GiniTrack } from './layouts';

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
  store<f64>(out, giniOfSorted(x, n));
  return 0;
}

/** G of n values sorted ascending (≥ 0, no −0): Σi (2i − n + 1)·x(i) / (n·Σx), 0 when Σx is 0. */
function giniOfSorted(x: usize, n: i32): f64 {
  let sum = 0.0, num = 0.0;
  const nf = <f64>n;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    sum += v;
    num += (2.0 * <f64>i - nf + 1.0) * v;
  }
  return sum == 0.0 ? 0 : num / (nf * sum);
}

// The Gini of a vector that changes a little between calls (a replay's per-host shares, sampled
// every few minutes while a few hosts changed): the values stay sorted from one call to the next.
// A call compares the values with the last call's; the changed ones' old values are taken out of
// the sorted list and their new ones merged in (two passes and a sort of the changed ones, where
// gini() checks, sorts in 6 radix passes and sums). The sorted list is the same multiset in the same
// order as gini()'s sort (equal values have equal bits once −0 is +0), and its sums are taken in
// the same order by the same expressions: the same bits. More than a quarter changed, or another
// n: every value sorted again. State: a GiniTrack struct (assembly/layouts.ts,
// src/kernels/kernel-layouts.ts). Bad input: the status and index as gini(), nothing changed.
export function giniTrack(t: usize): i32 {
  const n = load<i32>(t, GiniTrack.n);
  assert(n >= 0 && n <= load<i32>(t, GiniTrack.cap), 'giniTrack: n out of range');
  const x = load<usize>(t, GiniTrack.values), prev = load<usize>(t, GiniTrack.prev);
  const removed = load<usize>(t, GiniTrack.removed), added = load<usize>(t, GiniTrack.added);
  // tmp: the changed values' places, then the radix sort's buffer.
  const tmp = load<usize>(t, GiniTrack.tmp), hist = load<usize>(t, GiniTrack.hist);
  const fresh = n != load<i32>(t, GiniTrack.last), most = n >> 2;
  // One pass: checked (nothing written before every value is) and compared with the last call's.
  let c = 0;
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 3;
    const f = load<f64>(x + at);
    const s = checkNonNeg(f, i);
    if (s != 0) return s;
    const v = reinterpret<u64>(f + 0.0), was = load<u64>(prev + at);
    if (v == was) continue;
    if (c < most) {
      store<u64>(removed + (<usize>c << 3), was);
      store<u64>(added + (<usize>c << 3), v);
      store<i32>(tmp + (<usize>c << 2), i);
    }
    c++;
  }
  let sorted = load<usize>(t, GiniTrack.sorted);
  let g: f64 = 0;
  if (fresh || c > most) {
    for (let i = 0; i < n; i++) store<f64>(prev + (<usize>i << 3), load<f64>(x + (<usize>i << 3)) + 0.0);
    memory.copy(sorted, prev, <usize>n << 3);
    radixSortF64(sorted, tmp, hist, n);
    c = -1;
    g = giniOfSorted(sorted, n);
  } else if (c == 0) {
    g = load<f64>(t, GiniTrack.gini); // the same sorted list as the last call's: its Gini
  } else {
    for (let j = 0; j < c; j++) store<u64>(prev + (<usize>load<i32>(tmp + (<usize>j << 2)) << 3), load<u64>(added + (<usize>j << 3)));
    radixSortF64(removed, tmp, hist, c);
    radixSortF64(added, tmp, hist, c);
    // The old sorted list less the removed values, the added ones merged in, and giniOfSorted's sums
    // of each value as it is written (the same expressions in the same order).
    const next = load<usize>(t, GiniTrack.next);
    const nf = <f64>n;
    let sum = 0.0, num = 0.0;
    let i = 0, r = 0, a = 0, k = 0;
    while (k < n) {
      const v = i < n ? load<u64>(sorted + (<usize>i << 3)) : U64.MAX_VALUE;
      if (r < c && v == load<u64>(removed + (<usize>r << 3))) { i++; r++; continue; }
      const w = a < c ? load<u64>(added + (<usize>a << 3)) : U64.MAX_VALUE;
      let e: u64;
      if (w < v) { e = w; a++; } else { e = v; i++; }
      store<u64>(next + (<usize>k << 3), e);
      const y = reinterpret<f64>(e);
      sum += y;
      num += (2.0 * <f64>k - nf + 1.0) * y;
      k++;
    }
    g = sum == 0.0 ? 0 : num / (nf * sum);
    store<usize>(t, sorted, GiniTrack.next);
    store<usize>(t, next, GiniTrack.sorted);
  }
  store<i32>(t, n, GiniTrack.last);
  store<i32>(t, c, GiniTrack.changed);
  store<f64>(t, n == 0 ? 0 : g, GiniTrack.gini);
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
