// Dynamic task priority (SPEC §2, seed 000 eq. 5–7), one batch over all
// waiting tasks:
//   pri(t) = w1·static(t) + w2·user(t) + w3·min(rounds(t)·Δr, agingCap)
//   static(t) = sShort if K ≤ K1, sMedium if K ≤ K2, else sLong  (K = data GB)
//   user(t)   = penalty if running[user(t)] ≥ L0, else 0
//
// Memory: dataGB f64[n], user i32[n], rounds i32[n], running i32[users],
// params f64[PARAMS] (layout below, mirrored by src/kernels/priority.ts),
// out f64[n] (unspecified when the status is not 0).
import { checkNonNeg, setErrorIndex } from './error';
import { NEGATIVE_VALUE, INDEX_OUT_OF_RANGE } from './status';

// params layout
const W1 = 0, W2 = 1, W3 = 2, S_SHORT = 3, S_MEDIUM = 4, S_LONG = 5, K1 = 6, K2 = 7, PENALTY = 8, L0 = 9, DELTA_R = 10, CAP = 11;

// @ts-ignore: decorator
@inline
function param(p: usize, k: i32): f64 {
  return load<f64>(p + (<usize>k << 3));
}

export function recomputePriorities(dataGB: usize, user: usize, rounds: usize, n: i32, running: usize, users: i32, params: usize, out: usize): i32 {
  const w1 = param(params, W1), w2 = param(params, W2), w3 = param(params, W3);
  const sShort = param(params, S_SHORT), sMedium = param(params, S_MEDIUM), sLong = param(params, S_LONG);
  const k1 = param(params, K1), k2 = param(params, K2), penalty = param(params, PENALTY);
  const l0 = <i32>param(params, L0), dr = param(params, DELTA_R), cap = param(params, CAP);
  // One pass that computes and only flags bad input (branch-free), so valid
  // batches pay nothing for validation. The caller discards `out` on failure.
  let bad = false;
  for (let i = 0; i < n; i++) {
    const k = load<f64>(dataGB + (<usize>i << 3));
    const u = load<i32>(user + (<usize>i << 2));
    const rd = load<i32>(rounds + (<usize>i << 2));
    bad = bad | (k - k != 0.0) | (k < 0.0) | (<u32>u >= <u32>users) | (rd < 0);
    const st = k <= k1 ? sShort : k <= k2 ? sMedium : sLong;
    const uu = <u32>u < <u32>users ? u : 0; // keeps a bad index from reading outside `running`
    const us = load<i32>(running + (<usize>uu << 2)) >= l0 ? penalty : 0.0;
    const r = Math.min(<f64>rd * dr, cap);
    store<f64>(out + (<usize>i << 3), w1 * st + w2 * us + w3 * r);
  }
  if (!bad) return 0;
  // Slow path, only on failure: find the first bad element, in field order per task.
  for (let i = 0; i < n; i++) {
    const s = checkNonNeg(load<f64>(dataGB + (<usize>i << 3)), i);
    if (s != 0) return s;
    const u = load<i32>(user + (<usize>i << 2));
    if (u < 0 || u >= users) { setErrorIndex(i); return INDEX_OUT_OF_RANGE | (1 << 8); }
    if (load<i32>(rounds + (<usize>i << 2)) < 0) { setErrorIndex(i); return NEGATIVE_VALUE | (2 << 8); }
  }
  return 0;
}
