// Dynamic task priority (IPTAS paper eq. 5–7; docs/model.md), one batch over all
// waiting tasks:
//   pri(t) = w1·static(t) + w2·user(t) + w3·min(rounds(t)·Δr, agingCap)
//   static(t) = sShort if K ≤ K1, sMedium if K ≤ K2, else sLong  (K = data GB)
//   user(t)   = penalty if running[user(t)] ≥ L0, else 0
//
// Memory: dataGB f64[n], user i32[n], rounds i32[n], running i32[users],
// params a PriorityParams struct (assembly/layouts.ts, described in
// src/kernels/kernel-layouts.ts), out f64[n] (unspecified when the status is not 0),
// pen f64[max(users, 1)] scratch.
import { checkNonNeg, setErrorIndex } from './error';
import { PriorityParams } from './layouts';
import { NEGATIVE_VALUE, INDEX_OUT_OF_RANGE } from './status';

export function recomputePriorities(dataGB: usize, user: usize, rounds: usize, n: i32, running: usize, users: i32, params: usize, out: usize, pen: usize): i32 {
  const w1 = load<f64>(params, PriorityParams.w1), w2 = load<f64>(params, PriorityParams.w2), w3 = load<f64>(params, PriorityParams.w3);
  const sShort = load<f64>(params, PriorityParams.staticShort), sMedium = load<f64>(params, PriorityParams.staticMedium);
  const sLong = load<f64>(params, PriorityParams.staticLong);
  const k1 = load<f64>(params, PriorityParams.k1), k2 = load<f64>(params, PriorityParams.k2);
  const penalty = load<f64>(params, PriorityParams.penalty), l0 = <i32>load<f64>(params, PriorityParams.l0);
  const dr = load<f64>(params, PriorityParams.deltaR), cap = load<f64>(params, PriorityParams.agingCap);
  // One pass that computes and only flags bad input (branch-free), so valid
  // batches pay nothing for validation; `out` is garbage on failure. Two tasks
  // per step in f64x2 lanes: every operation is element-wise (no FMA, no
  // reordered sums), so each lane rounds exactly like the scalar reference.
  const vw1 = f64x2.splat(w1), vw2 = f64x2.splat(w2), vw3 = f64x2.splat(w3);
  const vShort = f64x2.splat(sShort), vMedium = f64x2.splat(sMedium), vLong = f64x2.splat(sLong);
  const vk1 = f64x2.splat(k1), vk2 = f64x2.splat(k2), vdr = f64x2.splat(dr), vcap = f64x2.splat(cap), vzero = f64x2.splat(0.0);
  // The user term per user, once: a load instead of a data-dependent branch per
  // task (V8 compiles an f64 select to a branch, which random users mispredict).
  // Filled for the users of the batch when there are more users than tasks (a log
  // whose unknown users are each their own: a pass over every user each round
  // made a replay quadratic); a bad index is skipped here and fails below.
  if (users <= n) {
    for (let u = 0; u < users; u++) store<f64>(pen + (<usize>u << 3), load<i32>(running + (<usize>u << 2)) >= l0 ? penalty : 0.0);
  } else {
    for (let i = 0; i < n; i++) {
      const u = load<i32>(user + (<usize>i << 2));
      if (<u32>u < <u32>users) store<f64>(pen + (<usize>u << 3), load<i32>(running + (<usize>u << 2)) >= l0 ? penalty : 0.0);
    }
  }
  let badv = i64x2.splat(0);
  let bad: i32 = 0;
  const even = n & ~1;
  let i = 0;
  for (; i < even; i += 2) {
    const k = v128.load(dataGB + (<usize>i << 3));
    badv = v128.or(badv, v128.or(v128.not(f64x2.eq(k, k)), v128.or(f64x2.lt(k, vzero), f64x2.eq(f64x2.abs(k), f64x2.splat(Infinity)))));
    const st = v128.bitselect(vShort, v128.bitselect(vMedium, vLong, f64x2.le(k, vk2)), f64x2.le(k, vk1));
    const u0 = load<i32>(user + (<usize>i << 2)), u1 = load<i32>(user + (<usize>i << 2), 4);
    bad |= <i32>(<u32>u0 >= <u32>users) | <i32>(<u32>u1 >= <u32>users);
    // A bad user index reads pen[0] instead of outside the column (users ≥ 1 whenever n ≥ 1 is valid).
    const p0 = load<f64>(pen + (<usize>select<i32>(u0, 0, <u32>u0 < <u32>users) << 3));
    const p1 = load<f64>(pen + (<usize>select<i32>(u1, 0, <u32>u1 < <u32>users) << 3));
    const us = f64x2.replace_lane(f64x2.splat(p0), 1, p1);
    const rd = v128.load64_zero(rounds + (<usize>i << 2));
    bad |= i32x4.bitmask(rd); // sign bits: a negative round count
    const r = f64x2.min(f64x2.mul(f64x2.convert_low_i32x4_s(rd), vdr), vcap);
    v128.store(out + (<usize>i << 3), f64x2.add(f64x2.add(f64x2.mul(vw1, st), f64x2.mul(vw2, us)), f64x2.mul(vw3, r)));
  }
  for (; i < n; i++) {
    const k = load<f64>(dataGB + (<usize>i << 3));
    const u = load<i32>(user + (<usize>i << 2));
    const rd = load<i32>(rounds + (<usize>i << 2));
    bad |= <i32>(k - k != 0.0) | <i32>(k < 0.0) | <i32>(<u32>u >= <u32>users) | <i32>(rd < 0);
    const st = k <= k1 ? sShort : k <= k2 ? sMedium : sLong;
    const uu = <u32>u < <u32>users ? u : 0;
    const us = load<f64>(pen + (<usize>uu << 3));
    const r = Math.min(<f64>rd * dr, cap);
    store<f64>(out + (<usize>i << 3), w1 * st + w2 * us + w3 * r);
  }
  if (bad == 0 && !v128.any_true(badv)) return 0;
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
