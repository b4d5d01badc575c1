// The loops of an engine snapshot's column codec (src/engine/column-codec.ts) that convert values:
// sixteenths packed and unpacked (x·16 as a small integer), and the rows of a sparse column found
// and scattered. In JavaScript these loops meet every element type at one site (megamorphic), and
// a snapshot or a restore runs them once, before the JIT has warmed: a third of a snapshot's codec.
// The bytes are those of the TypeScript codec, value for value (a property test compares them).
import { ColumnElement, ColumnType } from './layouts';
import { typeBytes } from './column-types';

// @ts-ignore: decorator
@inline function valueAt(src: usize, element: i32, i: i32): f64 {
  if (element == ColumnElement.F64) return load<f64>(src + (<usize>i << 3));
  if (element == ColumnElement.I32) return <f64>load<i32>(src + (<usize>i << 2));
  return <f64>load<u8>(src + <usize>i);
}

// JavaScript's ToInt32: what a store into an Int32Array (or, its low byte, a Uint8Array) writes.
// A section's values fit their column; bytes made to look valid may hold any number.
// @ts-ignore: decorator
@inline function toInt32(x: f64): i32 {
  if (x > -2147483649 && x < 2147483648) return <i32>x;
  if (!isFinite<f64>(x)) return 0;
  const t = Math.trunc(x);
  return <i32><u32>(t - Math.floor(t / 4294967296) * 4294967296);
}

// @ts-ignore: decorator
@inline function setValue(dst: usize, element: i32, i: i32, x: f64): void {
  if (element == ColumnElement.F64) store<f64>(dst + (<usize>i << 3), x);
  else if (element == ColumnElement.I32) store<i32>(dst + (<usize>i << 2), toInt32(x));
  else store<u8>(dst + <usize>i, <u8>toInt32(x));
}

// Stores x (already times 16 for a sixteenths type; the type was chosen so that it is exact there) as `type`.
// @ts-ignore: decorator
@inline function put(out: usize, type: i32, k: i32, x: f64): void {
  switch (type) {
    case ColumnType.U8: case ColumnType.I8: case ColumnType.U8S: case ColumnType.I8S: store<u8>(out + <usize>k, <u8><i32>x); break;
    case ColumnType.U16: case ColumnType.I16: case ColumnType.U16S: case ColumnType.I16S: store<u16>(out + (<usize>k << 1), <u16><i32>x); break;
    case ColumnType.I32: store<i32>(out + (<usize>k << 2), <i32>x); break;
    case ColumnType.U32: store<u32>(out + (<usize>k << 2), <u32>x); break;
    case ColumnType.F32: store<f32>(out + (<usize>k << 2), <f32>x); break;
    default: store<f64>(out + (<usize>k << 3), x);
  }
}

// The stored value k of `type` as a number (not yet divided by 16 for a sixteenths type).
// @ts-ignore: decorator
@inline function get(at: usize, type: i32, k: i32): f64 {
  switch (type) {
    case ColumnType.U8: case ColumnType.U8S: return <f64>load<u8>(at + <usize>k);
    case ColumnType.I8: case ColumnType.I8S: return <f64>load<i8>(at + <usize>k);
    case ColumnType.U16: case ColumnType.U16S: return <f64>load<u16>(at + (<usize>k << 1));
    case ColumnType.I16: case ColumnType.I16S: return <f64>load<i16>(at + (<usize>k << 1));
    case ColumnType.I32: return <f64>load<i32>(at + (<usize>k << 2));
    case ColumnType.U32: return <f64>load<u32>(at + (<usize>k << 2));
    case ColumnType.F32: return <f64>load<f32>(at + (<usize>k << 2));
    default: return load<f64>(at + (<usize>k << 3));
  }
}

// @ts-ignore: decorator
@inline function isSixteenths(type: i32): bool {
  return type >= ColumnType.U8S;
}

// Object.is(x, d): bit equality unless both are NaN (only NaN has several encodings).
// @ts-ignore: decorator
@inline function same(x: f64, d: f64): bool {
  return reinterpret<i64>(x) == reinterpret<i64>(d) || (x != x && d != d);
}

// A value (already times 16 for a sixteenths type, and exact there: the type was chosen so) as T.
// @ts-ignore: decorator
@inline function stored<T>(x: f64): T {
  if (isInteger<T>()) {
    if (sizeof<T>() == 4 && !isSigned<T>()) return <T><u32>x;
    return <T><i32>x;
  }
  return <T>x;
}

// Four float64 values (two pairs at p, times scale) truncated to int32 lanes: exact for the integers a
// stored type was chosen to hold (as `<i32>x` is).
// @ts-ignore: decorator
@inline function truncFour(p: usize, sc: v128): v128 {
  const a = i32x4.trunc_sat_f64x2_s_zero(f64x2.mul(v128.load(p), sc));
  const b = i32x4.trunc_sat_f64x2_s_zero(f64x2.mul(v128.load(p, 16), sc));
  return i8x16.shuffle(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
}

// Eight int32 lanes (two vectors) as eight 16-bit ones: exact for values the type holds (the
// narrowing saturates, and every value of a dense section fits its type).
// @ts-ignore: decorator
@inline function narrow16<T>(a: v128, b: v128): v128 {
  return isSigned<T>() ? i16x8.narrow_i32x4_s(a, b) : i16x8.narrow_i32x4_u(a, b);
}

// Sixteen 16-bit lanes (two vectors) as sixteen bytes, as narrow16.
// @ts-ignore: decorator
@inline function narrow8<T>(a: v128, b: v128): v128 {
  return isSigned<T>() ? i8x16.narrow_i16x8_s(a, b) : i8x16.narrow_i16x8_u(a, b);
}

// The int32 lanes of a vector of 16 bytes (or of 8 16-bit values) at `at`, from lane `q` on.
// @ts-ignore: decorator
@inline function widen<T>(v: v128, q: i32): v128 {
  if (sizeof<T>() == 2) {
    if (q == 0) return isSigned<T>() ? i32x4.extend_low_i16x8_s(v) : i32x4.extend_low_i16x8_u(v);
    return isSigned<T>() ? i32x4.extend_high_i16x8_s(v) : i32x4.extend_high_i16x8_u(v);
  }
  const h = q < 2
    ? (isSigned<T>() ? i16x8.extend_low_i8x16_s(v) : i16x8.extend_low_i8x16_u(v))
    : (isSigned<T>() ? i16x8.extend_high_i8x16_s(v) : i16x8.extend_high_i8x16_u(v));
  return (q & 1) == 0 ? i32x4.extend_low_i16x8_s(h) : i32x4.extend_high_i16x8_s(h);
}

// The loops of columnPack, one per stored type and column element (no switch inside a loop). A
// 16-bit or 8-bit type is packed 8 or 16 values at a time (a dense section's values all fit its
// type, so the saturating narrowings give the values themselves), the rest one at a time.
function packAs<T>(src: usize, element: i32, from: i32, count: i32, out: usize, scale: f64): void {
  let k = 0;
  if (element == ColumnElement.F64) {
    const at = src + (<usize>from << 3);
    if (isInteger<T>() && sizeof<T>() <= 2) {
      const sc = f64x2.splat(scale);
      if (sizeof<T>() == 2) {
        for (; k + 8 <= count; k += 8) {
          const p = at + (<usize>k << 3);
          v128.store(out + (<usize>k << 1), narrow16<T>(truncFour(p, sc), truncFour(p + 32, sc)));
        }
      } else {
        for (; k + 16 <= count; k += 16) {
          const p = at + (<usize>k << 3);
          const lo = i16x8.narrow_i32x4_s(truncFour(p, sc), truncFour(p + 32, sc));
          const hi = i16x8.narrow_i32x4_s(truncFour(p + 64, sc), truncFour(p + 96, sc));
          v128.store(out + <usize>k, narrow8<T>(lo, hi));
        }
      }
    }
    for (; k < count; k++) store<T>(out + (<usize>k << alignof<T>()), stored<T>(load<f64>(at + (<usize>k << 3)) * scale));
  } else if (element == ColumnElement.I32) {
    const at = src + (<usize>from << 2);
    if (isInteger<T>() && sizeof<T>() <= 2 && scale == 1) {
      if (sizeof<T>() == 2) {
        for (; k + 8 <= count; k += 8) {
          const p = at + (<usize>k << 2);
          v128.store(out + (<usize>k << 1), narrow16<T>(v128.load(p), v128.load(p, 16)));
        }
      } else {
        for (; k + 16 <= count; k += 16) {
          const p = at + (<usize>k << 2);
          const lo = i16x8.narrow_i32x4_s(v128.load(p), v128.load(p, 16));
          const hi = i16x8.narrow_i32x4_s(v128.load(p, 32), v128.load(p, 48));
          v128.store(out + <usize>k, narrow8<T>(lo, hi));
        }
      }
    }
    for (; k < count; k++) store<T>(out + (<usize>k << alignof<T>()), stored<T>(<f64>load<i32>(at + (<usize>k << 2)) * scale));
  } else {
    const at = src + <usize>from;
    for (; k < count; k++) store<T>(out + (<usize>k << alignof<T>()), stored<T>(<f64>load<u8>(at + <usize>k) * scale));
  }
}

/**
 * Writes the `count` values src[from, from + count) of a column (`element`) at `out` as `type`
 * (times 16 for a sixteenths type): a dense section, or part of one.
 */
export function columnPack(src: usize, element: i32, from: i32, count: i32, type: i32, out: usize): void {
  const scale: f64 = isSixteenths(type) ? 16 : 1;
  switch (type) {
    case ColumnType.U8: case ColumnType.U8S: packAs<u8>(src, element, from, count, out, scale); break;
    case ColumnType.I8: case ColumnType.I8S: packAs<i8>(src, element, from, count, out, scale); break;
    case ColumnType.U16: case ColumnType.U16S: packAs<u16>(src, element, from, count, out, scale); break;
    case ColumnType.I16: case ColumnType.I16S: packAs<i16>(src, element, from, count, out, scale); break;
    case ColumnType.I32: packAs<i32>(src, element, from, count, out, scale); break;
    case ColumnType.U32: packAs<u32>(src, element, from, count, out, scale); break;
    case ColumnType.F32: packAs<f32>(src, element, from, count, out, scale); break;
    default: packAs<f64>(src, element, from, count, out, scale);
  }
}

/** Where the last {@link columnGather} stopped: the row after the last one it looked at. */
let gatherNext: i32 = 0;

/** The row after the last one the last {@link columnGather} looked at. */
export function columnGatherNext(): i32 {
  return gatherNext;
}

/**
 * The rows of a column (`element`, `n` rows) whose value differs from `d` (Object.is), looked for
 * from row `from` and at most `max` of them: their numbers (u32) at `rowsOut` and their values as
 * `type` at `valsOut` (times 16 for a sixteenths type). Returns how many were written; the row to
 * go on from is {@link columnGatherNext}. An i32 column around an int32 default is looked at four
 * rows at a time.
 */
export function columnGather(src: usize, element: i32, from: i32, n: i32, d: f64, type: i32, max: i32, rowsOut: usize, valsOut: usize): i32 {
  const scale: f64 = isSixteenths(type) ? 16 : 1;
  let k = 0, i = from;
  // (An int32 default that is not −0: Object.is(0, −0) is false, the lanes' equality true.)
  if (element == ColumnElement.I32 && d >= -2147483648 && d <= 2147483647 && Math.trunc(d) == d && reinterpret<i64>(d) != 0x8000000000000000) {
    const dv = i32x4.splat(<i32>d);
    while (k < max && i < n) {
      if (i + 4 <= n && i32x4.bitmask(i32x4.eq(v128.load(src + (<usize>i << 2)), dv)) == 15) {
        i += 4;
        continue;
      }
      const x = load<i32>(src + (<usize>i << 2));
      if (<f64>x != d) {
        store<u32>(rowsOut + (<usize>k << 2), <u32>i);
        put(valsOut, type, k++, <f64>x * scale);
      }
      i++;
    }
  } else {
    for (; k < max && i < n; i++) {
      const x = valueAt(src, element, i);
      if (!same(x, d)) {
        store<u32>(rowsOut + (<usize>k << 2), <u32>i);
        put(valsOut, type, k++, x * scale);
      }
    }
  }
  gatherNext = i;
  return k;
}

// The loops of columnUnpack, one per stored type and column element. A 16-bit or 8-bit type read
// into a float64 or int32 column goes 8 or 16 values at a time: every such value is exact as an
// int32 and as a float64 (times 1/16, the same product as one at a time). Into a uint8 column
// (the low byte of a value that may not fit) one at a time.
function unpackAs<T>(at: usize, count: i32, dst: usize, element: i32, from: i32, scale: f64): void {
  let k = 0;
  const per = 16 / sizeof<T>();
  if (element == ColumnElement.F64) {
    const to = dst + (<usize>from << 3);
    if (isInteger<T>() && sizeof<T>() <= 2) {
      const sc = f64x2.splat(scale);
      for (; k + per <= count; k += per) {
        const v = v128.load(at + (<usize>k << alignof<T>()));
        for (let q = 0; q < per / 4; q++) {
          const w = widen<T>(v, q);
          let lo = f64x2.convert_low_i32x4_s(w), hi = f64x2.convert_low_i32x4_s(i32x4.shuffle(w, w, 2, 3, 0, 1));
          if (scale != 1) { lo = f64x2.mul(lo, sc); hi = f64x2.mul(hi, sc); }
          const p = to + (<usize>(k + 4 * q) << 3);
          v128.store(p, lo);
          v128.store(p, hi, 16);
        }
      }
    }
    // (No multiplication by 1: a float's NaN goes over as it is.)
    if (scale == 1) for (; k < count; k++) store<f64>(to + (<usize>k << 3), <f64>load<T>(at + (<usize>k << alignof<T>())));
    else for (; k < count; k++) store<f64>(to + (<usize>k << 3), <f64>load<T>(at + (<usize>k << alignof<T>())) * scale);
  } else if (element == ColumnElement.I32) {
    const to = dst + (<usize>from << 2);
    if (isInteger<T>() && sizeof<T>() <= 2 && scale == 1) {
      for (; k + per <= count; k += per) {
        const v = v128.load(at + (<usize>k << alignof<T>()));
        for (let q = 0; q < per / 4; q++) v128.store(to + (<usize>(k + 4 * q) << 2), widen<T>(v, q));
      }
    }
    for (; k < count; k++) store<i32>(to + (<usize>k << 2), toInt32(<f64>load<T>(at + (<usize>k << alignof<T>())) * scale));
  } else {
    const to = dst + <usize>from;
    for (; k < count; k++) store<u8>(to + <usize>k, <u8>toInt32(<f64>load<T>(at + (<usize>k << alignof<T>())) * scale));
  }
}

/**
 * Reads `count` stored values of `type` at `at` (a dense section, or part of one) into rows
 * [from, from + count) of a column (`element`), each divided by 16 for a sixteenths type.
 */
export function columnUnpack(at: usize, type: i32, count: i32, dst: usize, element: i32, from: i32): void {
  const scale: f64 = isSixteenths(type) ? 1.0 / 16 : 1;
  switch (type) {
    case ColumnType.U8: case ColumnType.U8S: unpackAs<u8>(at, count, dst, element, from, scale); break;
    case ColumnType.I8: case ColumnType.I8S: unpackAs<i8>(at, count, dst, element, from, scale); break;
    case ColumnType.U16: case ColumnType.U16S: unpackAs<u16>(at, count, dst, element, from, scale); break;
    case ColumnType.I16: case ColumnType.I16S: unpackAs<i16>(at, count, dst, element, from, scale); break;
    case ColumnType.I32: unpackAs<i32>(at, count, dst, element, from, scale); break;
    case ColumnType.U32: unpackAs<u32>(at, count, dst, element, from, scale); break;
    case ColumnType.F32: unpackAs<f32>(at, count, dst, element, from, scale); break;
    default: unpackAs<f64>(at, count, dst, element, from, scale);
  }
}

/**
 * Writes `count` values of a sparse section (row numbers u32 at `rowsAt`, values of `type` at
 * `valsAt`) into a column (`element`) of `n` rows, each divided by 16 for a sixteenths type.
 * Returns −1, or the index among the `count` of the first row number ≥ n (nothing after it written).
 */
export function columnScatter(rowsAt: usize, valsAt: usize, type: i32, count: i32, dst: usize, element: i32, n: i32): i32 {
  const scale: f64 = isSixteenths(type) ? 1.0 / 16 : 1;
  for (let k = 0; k < count; k++) {
    const i = load<u32>(rowsAt + (<usize>k << 2));
    if (i >= <u32>n) return k;
    setValue(dst, element, <i32>i, get(valsAt, type, k) * scale);
  }
  return -1;
}

/**
 * Sets rows [0, n) of a column (`element` as columnUnpack takes it) to `value`: a sparse section's
 * default, written before its rows (TypedArray.fill over an engine's shared memory is element by element).
 */
export function columnFill(dst: usize, element: i32, n: i32, value: f64): void {
  for (let i = 0; i < n; i++) setValue(dst, element, i, value);
}

/** Bytes of a stored element of `type` (the TypeScript codec's SIZE; a test compares them). */
export function columnTypeSize(type: i32): i32 {
  return typeBytes(type);
}
