// The narrowest exact element type of a column, for an engine snapshot (src/engine/column-codec.ts,
// planColumn): the same choice as its TypeScript scan, value for value, a piece of the column a call
// (columnScanBegin … columnScanEnd). A snapshot scans ~14 values a task; in JavaScript that scan was a
// quarter of a snapshot's time.
import { ColumnElement, ColumnType } from './layouts';

// The least and the greatest of a pair.
// @ts-ignore: decorator
@inline function lowest(v: v128): f64 {
  return min<f64>(f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1));
}

// @ts-ignore: decorator
@inline function highest(v: v128): f64 {
  return max<f64>(f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1));
}

// Lanes whose value is exact as a float32 (NaN counts as exact).
// @ts-ignore: decorator
@inline function laneF32(x: v128, isNaN: v128): v128 {
  return v128.or(f64x2.eq(f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(x)), x), isNaN);
}

// Lanes whose value is an integer (finite, not −0).
// @ts-ignore: decorator
@inline function laneInt(x: v128): v128 {
  return v128.andnot(v128.and(f64x2.eq(f64x2.trunc(x), x), f64x2.eq(f64x2.sub(x, x), f64x2.splat(0))), i64x2.eq(x, i64x2.splat(<i64>0x8000000000000000)));
}

function typeOf(n: i32, min: f64, max: f64, isInt: bool, isF32: bool, isInt16: bool, min16: f64, max16: f64): i32 {
  if (n == 0) return ColumnType.U8;
  if (isInt) {
    if (min >= 0 && max <= 0xff) return ColumnType.U8;
    if (min >= -0x80 && max <= 0x7f) return ColumnType.I8;
    if (min >= 0 && max <= 0xffff) return ColumnType.U16;
    if (min >= -0x8000 && max <= 0x7fff) return ColumnType.I16;
    if (min >= -2147483648 && max <= 2147483647) return ColumnType.I32;
    if (min >= 0 && max <= 4294967295) return ColumnType.U32;
  } else if (isInt16) {
    if (min16 >= 0 && max16 <= 0xff) return ColumnType.U8S;
    if (min16 >= -0x80 && max16 <= 0x7f) return ColumnType.I8S;
    if (min16 >= 0 && max16 <= 0xffff) return ColumnType.U16S;
    if (min16 >= -0x8000 && max16 <= 0x7fff) return ColumnType.I16S;
  }
  return isF32 ? ColumnType.F32 : ColumnType.F64;
}

// What a scan has found so far about all the values and about those that differ from the default
// (planColumn's Range), carried from call to call: a column is scanned a piece at a time (one call over
// 10^6 values runs in V8's baseline code from start to end; a column held in JavaScript goes through a
// scratch piece by piece). Min and max matter only when every value is an integer (then no NaN is among them).
let lo: f64 = Infinity, hi: f64 = -Infinity, ints = true, f32Exact = true, lo16: f64 = Infinity, hi16: f64 = -Infinity, ints16 = true;
let rCount: i32 = 0, rLo: f64 = Infinity, rHi: f64 = -Infinity, rInts = true, rF32 = true, rLo16: f64 = Infinity, rHi16: f64 = -Infinity, rInts16 = true;
/** Every float64 value scanned so far is an integer of magnitude ≤ 2^24 (not −0): the scan's short loop still applies. */
let smallInts = true;

/** Starts a scan (see {@link columnScan}). */
export function columnScanBegin(): void {
  lo = rLo = lo16 = rLo16 = Infinity;
  hi = rHi = hi16 = rHi16 = -Infinity;
  ints = f32Exact = ints16 = rInts = rF32 = rInts16 = true;
  rCount = 0;
  smallInts = true;
}

/**
 * Scans the `n` values at `ptr` (a `ColumnElement`), a piece of a column, against the default `d`:
 * every value, and how many differ from d (Object.is). For an integer column also the values that
 * differ (every i32 and u8 value is an integer: no float checks); for a float64 column those are
 * scanned by {@link columnScanRest}, only when {@link columnScanNeedsRest} says they matter.
 */
export function columnScan(ptr: usize, n: i32, element: i32, d: f64): void {
  let i = 0;
  if (element == ColumnElement.F64) {
    // Two values at a time. With d not NaN, Object.is(x, d) is bit equality (only NaN has other encodings).
    const dNaN = d != d, dBits = i64x2.splat(reinterpret<i64>(d));
    const posInf = f64x2.splat(Infinity), negInf = f64x2.splat(-Infinity);
    const sixteen = f64x2.splat(16);
    let vLo = posInf, vHi = negInf, vLo16 = posInf, vHi16 = negInf;
    let allInt = i64x2.splat(-1), allExact = i64x2.splat(-1), allInt16 = i64x2.splat(-1);
    let count: i32 = 0;
    if (smallInts) {
      // The short loop, while every value is an integer of magnitude ≤ 2^24 (most columns: counts, times,
      // ids): such a value is also exact as a float32 and in sixteenths (16·x exact), so only the least,
      // the greatest and the values that differ are kept; the sixteenths' least and greatest are 16 times
      // those. The first pair that is not such goes to the full loop below, with what was found so far.
      const limit = f64x2.splat(16777216), negZero = i64x2.splat(<i64>0x8000000000000000);
      for (; i + 2 <= n; i += 2) {
        const x = v128.load(ptr + (<usize>i << 3));
        const small = v128.andnot(v128.and(f64x2.le(f64x2.abs(x), limit), f64x2.eq(f64x2.trunc(x), x)), i64x2.eq(x, negZero));
        if (!i64x2.all_true(small)) break;
        vLo = f64x2.pmin(vLo, x);
        vHi = f64x2.pmax(vHi, x);
        // No NaN among them: around a NaN default every value differs.
        if (dNaN) count += 2;
        else count += <i32>popcnt(i64x2.bitmask(v128.not(i64x2.eq(x, dBits))));
      }
      vLo16 = f64x2.mul(vLo, sixteen);
      vHi16 = f64x2.mul(vHi, sixteen);
      if (i + 2 <= n) smallInts = false;
    }
    // An odd last value goes in both lanes and is counted once (min, max and flags do not mind a copy).
    for (; i < n; i += 2) {
      const pair = i + 2 <= n;
      const x = pair ? v128.load(ptr + (<usize>i << 3)) : f64x2.splat(load<f64>(ptr + (<usize>i << 3)));
      const y = f64x2.mul(x, sixteen);
      const isNaN = f64x2.ne(x, x);
      allExact = v128.and(allExact, laneF32(x, isNaN));
      allInt = v128.and(allInt, laneInt(x));
      allInt16 = v128.and(allInt16, laneInt(y));
      vLo = f64x2.pmin(vLo, x);
      vHi = f64x2.pmax(vHi, x);
      vLo16 = f64x2.pmin(vLo16, y);
      vHi16 = f64x2.pmax(vHi16, y);
      const differs = dNaN ? v128.not(isNaN) : v128.not(i64x2.eq(x, dBits));
      count += <i32>popcnt(i64x2.bitmask(differs) & (pair ? 3 : 1));
    }
    if (n == 0) return;
    ints = ints && i64x2.all_true(allInt);
    ints16 = ints16 && i64x2.all_true(allInt16);
    f32Exact = f32Exact && i64x2.all_true(allExact);
    lo = min<f64>(lo, lowest(vLo));
    hi = max<f64>(hi, highest(vHi));
    lo16 = min<f64>(lo16, lowest(vLo16));
    hi16 = max<f64>(hi16, highest(vHi16));
    rCount += count;
    return;
  }
  const wide = element == ColumnElement.I32;
  let pLo: f64 = Infinity, pHi: f64 = -Infinity, prLo: f64 = Infinity, prHi: f64 = -Infinity, count: i32 = 0;
  if (wide && d >= -2147483648 && d <= 2147483647 && Math.trunc(d) == d) {
    // Four values at a time; d an int32 (else every value differs from it: one at a time below).
    const dv = i32x4.splat(<i32>d);
    let vLo = i32x4.splat(i32.MAX_VALUE), vHi = i32x4.splat(i32.MIN_VALUE), vrLo = vLo, vrHi = vHi;
    for (; i + 4 <= n; i += 4) {
      const x = v128.load(ptr + (<usize>i << 2));
      vLo = i32x4.min_s(vLo, x);
      vHi = i32x4.max_s(vHi, x);
      const differs = v128.not(i32x4.eq(x, dv));
      const m = i32x4.bitmask(differs);
      if (m != 0) {
        count += <i32>popcnt(m);
        vrLo = i32x4.min_s(vrLo, v128.bitselect(x, i32x4.splat(i32.MAX_VALUE), differs));
        vrHi = i32x4.max_s(vrHi, v128.bitselect(x, i32x4.splat(i32.MIN_VALUE), differs));
      }
    }
    let a = i32.MAX_VALUE, b = i32.MIN_VALUE, ra = i32.MAX_VALUE, rb = i32.MIN_VALUE;
    for (let k = 0; k < 4; k++) {
      a = min<i32>(a, i32x4.extract_lane(vLo, 0)); vLo = i32x4.shuffle(vLo, vLo, 1, 2, 3, 0);
      b = max<i32>(b, i32x4.extract_lane(vHi, 0)); vHi = i32x4.shuffle(vHi, vHi, 1, 2, 3, 0);
      ra = min<i32>(ra, i32x4.extract_lane(vrLo, 0)); vrLo = i32x4.shuffle(vrLo, vrLo, 1, 2, 3, 0);
      rb = max<i32>(rb, i32x4.extract_lane(vrHi, 0)); vrHi = i32x4.shuffle(vrHi, vrHi, 1, 2, 3, 0);
    }
    if (i > 0) { pLo = <f64>a; pHi = <f64>b; }
    if (count > 0) { prLo = <f64>ra; prHi = <f64>rb; }
  } else if (!wide && d >= 0 && d <= 255 && Math.trunc(d) == d && reinterpret<i64>(d) != 0x8000000000000000) {
    // Sixteen values at a time, counting those that differ from d (a byte: else every value differs, one at a
    // time below). Every value of a u8 column is a byte, so its types are u8 whatever the least and greatest.
    const dv = i8x16.splat(<i8><i32>d);
    for (; i + 16 <= n; i += 16) count += <i32>popcnt(i8x16.bitmask(v128.not(i8x16.eq(v128.load(ptr + <usize>i), dv))));
    if (i > 0) {
      pLo = pHi = 0;
      if (count > 0) prLo = prHi = 0;
    }
  }
  // One at a time: the last values of a u8 or i32 piece, or all of it around a d that is no byte or int32.
  for (; i < n; i++) {
    const x: f64 = wide ? <f64>load<i32>(ptr + (<usize>i << 2)) : <f64>load<u8>(ptr + <usize>i);
    if (x < pLo) pLo = x;
    if (x > pHi) pHi = x;
    if (x != d) {
      count++;
      if (x < prLo) prLo = x;
      if (x > prHi) prHi = x;
    }
  }
  lo = min<f64>(lo, pLo);
  hi = max<f64>(hi, pHi);
  rLo = min<f64>(rLo, prLo);
  rHi = max<f64>(rHi, prHi);
  rCount += count;
}

/** Whether the values of a float64 column of `n` values that differ from the default need {@link columnScanRest}: when a sparse section could be the smaller. */
export function columnScanNeedsRest(n: i32): bool {
  return sparseMayWin(n, typeOf(n, lo, hi, ints, f32Exact, ints16, lo16, hi16), rCount);
}

/** The values of a piece of a float64 column (`n` at `ptr`) that differ from the default `d`, after every piece's {@link columnScan}. */
export function columnScanRest(ptr: usize, n: i32, d: f64): void {
  const dNaN = d != d, dBits = i64x2.splat(reinterpret<i64>(d));
  const posInf = f64x2.splat(Infinity), negInf = f64x2.splat(-Infinity);
  const sixteen = f64x2.splat(16);
  let vrLo = posInf, vrHi = negInf, vrLo16 = posInf, vrHi16 = negInf;
  let restInt = i64x2.splat(-1), restExact = i64x2.splat(-1), restInt16 = i64x2.splat(-1);
  for (let i = 0; i < n; i += 2) {
    const pair = i + 2 <= n;
    const x = pair ? v128.load(ptr + (<usize>i << 3)) : f64x2.splat(load<f64>(ptr + (<usize>i << 3)));
    const isNaN = f64x2.ne(x, x);
    const differs = dNaN ? v128.not(isNaN) : v128.not(i64x2.eq(x, dBits));
    if ((i64x2.bitmask(differs) & (pair ? 3 : 1)) == 0) continue;
    const y = f64x2.mul(x, sixteen);
    const same = v128.not(differs);
    restExact = v128.and(restExact, v128.or(laneF32(x, isNaN), same));
    restInt = v128.and(restInt, v128.or(laneInt(x), same));
    restInt16 = v128.and(restInt16, v128.or(laneInt(y), same));
    vrLo = f64x2.pmin(vrLo, v128.bitselect(x, posInf, differs));
    vrHi = f64x2.pmax(vrHi, v128.bitselect(x, negInf, differs));
    vrLo16 = f64x2.pmin(vrLo16, v128.bitselect(y, posInf, differs));
    vrHi16 = f64x2.pmax(vrHi16, v128.bitselect(y, negInf, differs));
  }
  rInts = rInts && i64x2.all_true(restInt);
  rInts16 = rInts16 && i64x2.all_true(restInt16);
  rF32 = rF32 && i64x2.all_true(restExact);
  rLo = min<f64>(rLo, lowest(vrLo));
  rHi = max<f64>(rHi, highest(vrHi));
  rLo16 = min<f64>(rLo16, lowest(vrLo16));
  rHi16 = max<f64>(rHi16, highest(vrHi16));
}

/**
 * The scan's finding for a column of `n` values: restCount·256 + restType·16 + allType, where
 * allType is the narrowest `ColumnType` holding every value exactly and restType the one holding
 * the restCount values that differ from the default, when a sparse section could be the smaller
 * (else allType: the values that differ were not looked at again). Integer columns: every value
 * an integer, so their sixteenths are never chosen.
 */
export function columnScanEnd(n: i32): f64 {
  const all = typeOf(n, lo, hi, ints, f32Exact, ints16, lo16, hi16);
  const rest = sparseMayWin(n, all, rCount) ? typeOf(rCount, rLo, rHi, rInts, rF32, rInts16, rLo16, rHi16) : all;
  return <f64>rCount * 256 + <f64>(rest * 16 + all);
}

/** Bytes of a stored element of `type` (the TypeScript codec's SIZE). */
export function typeBytes(type: i32): i32 {
  switch (type) {
    case ColumnType.U8: case ColumnType.I8: case ColumnType.U8S: case ColumnType.I8S: return 1;
    case ColumnType.U16: case ColumnType.I16: case ColumnType.U16S: case ColumnType.I16S: return 2;
    case ColumnType.F64: return 8;
    default: return 4;
  }
}

/**
 * Whether a sparse section of `restCount` rows could be smaller than the dense one of `n` values
 * of `allType`: its rows (u32) and values in the narrowest type (one byte) against the dense bytes,
 * each 8-aligned — planColumn's comparison with the least a sparse section can take.
 */
function sparseMayWin(n: i32, allType: i32, restCount: i32): bool {
  return <i64>align8(<i64>restCount * 4) + align8(<i64>restCount) < align8(<i64>n * typeBytes(allType));
}

// @ts-ignore: decorator
@inline function align8(x: i64): i64 {
  return (x + 7) & ~7;
}
