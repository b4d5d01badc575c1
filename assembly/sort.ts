// Allocation-free ascending sort of non-negative float64 values.
//
// For x ≥ 0 the IEEE-754 bit pattern read as u64 orders exactly like the value,
// so an LSD radix sort on the bits (11-bit digits, 6 passes, passes whose digit
// is the same for every key skipped) sorts in O(n) without a comparator call.
// -0 must be turned into +0 by the caller (x + 0.0 does it).
//
// Memory (all supplied by the caller):
//   keys  u64[n]      the values, sorted in place
//   tmp   u64[n]      ping-pong buffer
//   hist  u32[PASSES*BINS] digit histograms, one block per pass (Gini.HIST_BYTES bytes)
import { Gini } from './layouts';

const BITS: u64 = <u64>Gini.RADIX_BITS;
const BINS: i32 = 1 << Gini.RADIX_BITS;
const PASSES: i32 = Gini.RADIX_PASSES;

/** Fills the digit histograms of n u64 keys, one block of BINS counts per pass. */
function countDigits(keys: usize, hist: usize, n: i32): void {
  memory.fill(hist, 0, <usize>(PASSES * BINS) << 2);
  for (let i = 0; i < n; i++) {
    let k = load<u64>(keys + (<usize>i << 3));
    for (let p = 0; p < PASSES; p++) {
      const h = hist + ((<usize>(p * BINS) + <usize>((k >> (<u64>p * BITS)) & <u64>(BINS - 1))) << 2);
      store<u32>(h, load<u32>(h) + 1);
    }
  }
}

/**
 * Turns pass p's counts into start offsets; false when every key has the same
 * digit in this pass (the pass would only copy: skip it).
 */
function startOffsets(base: usize, n: i32): bool {
  for (let b = 0; b < BINS; b++) {
    const c = load<u32>(base + (<usize>b << 2));
    if (c != 0) { if (c == <u32>n) return false; break; }
  }
  let sum: u32 = 0;
  for (let b = 0; b < BINS; b++) {
    const a = base + (<usize>b << 2);
    const c = load<u32>(a);
    store<u32>(a, sum);
    sum += c;
  }
  return true;
}

export function radixSortF64(keys: usize, tmp: usize, hist: usize, n: i32): void {
  if (n < 64) { insertion(keys, n); return; }
  countDigits(keys, hist, n);
  let src = keys, dst = tmp;
  for (let p = 0; p < PASSES; p++) {
    const base = hist + (<usize>(p * BINS) << 2);
    if (!startOffsets(base, n)) continue;
    const shift = <u64>p * BITS;
    for (let i = 0; i < n; i++) {
      const k = load<u64>(src + (<usize>i << 3));
      const a = base + (<usize>((k >> shift) & <u64>(BINS - 1)) << 2);
      const at = load<u32>(a);
      store<u32>(a, at + 1);
      store<u64>(dst + (<usize>at << 3), k);
    }
    const t = src; src = dst; dst = t;
  }
  if (src != keys) memory.copy(keys, src, <usize>n << 3);
}

function insertion(keys: usize, n: i32): void {
  for (let i = 1; i < n; i++) {
    const k = load<u64>(keys + (<usize>i << 3));
    let j = i - 1;
    while (j >= 0 && load<u64>(keys + (<usize>j << 3)) > k) {
      store<u64>(keys + (<usize>(j + 1) << 3), load<u64>(keys + (<usize>j << 3)));
      j--;
    }
    store<u64>(keys + (<usize>(j + 1) << 3), k);
  }
}

/**
 * Stable LSD radix sort of n (u64 key, i32 payload) pairs by key ascending:
 * keys u64[n] and vals i32[n] sorted in place, tmpKeys u64[n] and tmpVals
 * i32[n] ping-pong buffers, hist as above. Equal keys keep their order, so a
 * list already in a secondary order stays in it among equal keys.
 */
export function radixSortPairs(keys: usize, vals: usize, tmpKeys: usize, tmpVals: usize, hist: usize, n: i32): void {
  if (n < 64) { insertionPairs(keys, vals, n); return; }
  // Keys already in order (e.g. one gang's members, all of one priority): stable, so nothing moves.
  let sorted = true;
  for (let i = 1; i < n; i++) if (load<u64>(keys + (<usize>(i - 1) << 3)) > load<u64>(keys + (<usize>i << 3))) { sorted = false; break; }
  if (sorted) return;
  countDigits(keys, hist, n);
  let sk = keys, sv = vals, dk = tmpKeys, dv = tmpVals;
  for (let p = 0; p < PASSES; p++) {
    const base = hist + (<usize>(p * BINS) << 2);
    if (!startOffsets(base, n)) continue;
    const shift = <u64>p * BITS;
    for (let i = 0; i < n; i++) {
      const k = load<u64>(sk + (<usize>i << 3));
      const a = base + (<usize>((k >> shift) & <u64>(BINS - 1)) << 2);
      const at = load<u32>(a);
      store<u32>(a, at + 1);
      store<u64>(dk + (<usize>at << 3), k);
      store<i32>(dv + (<usize>at << 2), load<i32>(sv + (<usize>i << 2)));
    }
    let t = sk; sk = dk; dk = t;
    t = sv; sv = dv; dv = t;
  }
  if (sk != keys) {
    memory.copy(keys, sk, <usize>n << 3);
    memory.copy(vals, sv, <usize>n << 2);
  }
}

/** Stable insertion sort of (u64 key, i32 payload) pairs: few pairs cost less than clearing the histograms. */
function insertionPairs(keys: usize, vals: usize, n: i32): void {
  for (let i = 1; i < n; i++) {
    const k = load<u64>(keys + (<usize>i << 3));
    const v = load<i32>(vals + (<usize>i << 2));
    let j = i - 1;
    while (j >= 0 && load<u64>(keys + (<usize>j << 3)) > k) {
      store<u64>(keys + (<usize>(j + 1) << 3), load<u64>(keys + (<usize>j << 3)));
      store<i32>(vals + (<usize>(j + 1) << 2), load<i32>(vals + (<usize>j << 2)));
      j--;
    }
    store<u64>(keys + (<usize>(j + 1) << 3), k);
    store<i32>(vals + (<usize>(j + 1) << 2), v);
  }
}
