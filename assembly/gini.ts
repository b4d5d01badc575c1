// Population Gini coefficient (SPEC §2, seed 004 §2.4):
//   G = Σi Σj |xi − xj| / (2·n²·mean)  =  Σi (2i − n + 1)·x(i) / (n·Σx)
// with x(i) sorted ascending, i from 0. O(n) radix sort + one pass.
// G = 0 for n = 0, all-equal or all-zero input.
//
// Memory: x f64[n] (overwritten: sorted, -0 → +0), tmp u64[n], hist u32[6*2048],
// out f64[1].
import { radixSortF64 } from './sort';
import { checkNonNeg } from './error';

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
