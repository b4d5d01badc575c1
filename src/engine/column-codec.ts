/**
 * How an engine snapshot stores a numeric column in few bytes and gets the
 * very same values back: each column is written either dense, in the
 * narrowest element type that holds every value exactly (u8, i8, u16, i16,
 * i32, u32, f32 or f64 — or sixteenths, x·16 as a u8, i8, u16 or i16, for
 * fractions such as demands of 0.5 or 2.25), or sparse — a default value and the rows that differ
 * from it, when that is smaller (columns such as start times, which only the
 * running and finished tasks have). "The same value" is `Object.is` (−0 and +0
 * differ, NaN is NaN), so a restore changes no decision.
 *
 * Bytes of a column section (8-aligned): kind u8 (0 dense, 1 sparse), element
 * type u8, 2 zero bytes, count u32 (values stored), default f64 (sparse), then
 * for a sparse column the rows (u32[count], 8-aligned), then the values
 * (type[count], 8-aligned).
 *
 * @module
 */
import type { Core } from '../wasm/module.ts';
import { COLUMN_ELEMENT, COLUMN_TYPE } from '../kernels/kernel-layouts.ts';

/** A column as the engine holds it. */
export type NumberColumn = Int32Array | Uint8Array | Float64Array;

type Typed = Uint8Array | Int8Array | Uint16Array | Int16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

const { U8, I8, U16, I16, I32, U32, F32, F64, U8S, I8S, U16S, I16S } = COLUMN_TYPE.code;
/** Bytes of an element of each type. */
const SIZE = [1, 1, 2, 2, 4, 4, 4, 8, 1, 1, 2, 2];
/** The integer type that holds a sixteenths type's x·16. */
const SCALED: Record<number, number> = { [U8S]: U8, [I8S]: I8, [U16S]: U16, [I16S]: I16 };

/** `count` elements of `type` at byte `at` of `bytes`' buffer (a sixteenths type: its integers). */
function typed(type: number, bytes: Uint8Array, at: number, count: number): Typed {
  const b = bytes.buffer as ArrayBuffer, o = bytes.byteOffset + at;
  switch (SCALED[type] ?? type) {
    case U8: return new Uint8Array(b, o, count);
    case I8: return new Int8Array(b, o, count);
    case U16: return new Uint16Array(b, o, count);
    case I16: return new Int16Array(b, o, count);
    case I32: return new Int32Array(b, o, count);
    case U32: return new Uint32Array(b, o, count);
    case F32: return new Float32Array(b, o, count);
    default: return new Float64Array(b, o, count);
  }
}
const HEAD = 16;

/**
 * A piece of an engine's linear memory that sections pass through on their
 * way to or from a snapshot (whose bytes are outside that memory), so that
 * the loops that convert values run in WebAssembly (`assembly/column-codec.ts`):
 * sixteenths packed and unpacked, a sparse column's rows found and scattered.
 */
export interface CodecScratch {
  core: Core;
  ptr: number;
  bytes: number;
}

/** The stored type that is a column element's own (its values copied as they are): i32, u8, f64. */
const OWN_TYPE: Record<number, number> = { [COLUMN_ELEMENT.code.I32]: I32, [COLUMN_ELEMENT.code.U8]: U8, [COLUMN_ELEMENT.code.F64]: F64 };

/** The element code of a column held in `core`'s memory (as `columnTypes` takes it), or −1 when it is elsewhere. */
function elementIn(values: NumberColumn, core: Core): number {
  if (values.buffer !== core.memory.buffer) return -1;
  return values instanceof Float64Array ? COLUMN_ELEMENT.code.F64 : values instanceof Int32Array ? COLUMN_ELEMENT.code.I32 : COLUMN_ELEMENT.code.U8;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** What a scan found about some values: the narrowest type that holds them all. */
class Range {
  min = Infinity;
  max = -Infinity;
  /** Every value an integer (not −0). */
  ints = true;
  /** Every value exact as a float32. */
  f32 = true;
  /** Every value times 16 an integer (not −0), and the least and greatest of those. */
  ints16 = true;
  min16 = Infinity;
  max16 = -Infinity;
  count = 0;

  add(x: number): void {
    this.count++;
    if (this.f32 && Math.fround(x) !== x && x === x) this.f32 = false;
    if (this.ints16) {
      const y = x * 16;
      if (Number.isInteger(y) && !(y === 0 && 1 / y < 0)) {
        if (y < this.min16) this.min16 = y;
        if (y > this.max16) this.max16 = y;
      } else this.ints16 = false;
    }
    if (this.ints) {
      if (Number.isInteger(x) && !(x === 0 && 1 / x < 0)) {
        if (x < this.min) this.min = x;
        if (x > this.max) this.max = x;
        return;
      }
      this.ints = false;
    }
  }

  type(): number {
    return typeOf(this.count, this.min, this.max, this.ints, this.f32, this.ints16, this.min16, this.max16);
  }
}

/**
 * The narrowest type for `n` values: an integer type when every value is an
 * integer, else sixteenths in one or two bytes when every value times 16 is
 * an integer in their range, else float32 when exact, else float64 (the
 * WebAssembly scan, `assembly/column-types.ts`, decides the same way).
 */
function typeOf(n: number, min: number, max: number, ints: boolean, f32: boolean, ints16: boolean, min16: number, max16: number): number {
  if (n === 0) return U8;
  if (ints) {
    if (min >= 0 && max <= 0xff) return U8;
    if (min >= -0x80 && max <= 0x7f) return I8;
    if (min >= 0 && max <= 0xffff) return U16;
    if (min >= -0x8000 && max <= 0x7fff) return I16;
    if (min >= -0x80000000 && max <= 0x7fffffff) return I32;
    if (min >= 0 && max <= 0xffffffff) return U32;
  } else if (ints16) {
    if (min16 >= 0 && max16 <= 0xff) return U8S;
    if (min16 >= -0x80 && max16 <= 0x7f) return I8S;
    if (min16 >= 0 && max16 <= 0xffff) return U16S;
    if (min16 >= -0x8000 && max16 <= 0x7fff) return I16S;
  }
  return f32 ? F32 : F64;
}

/** Same value (Object.is). */
function same(x: number, d: number): boolean {
  return x === d ? x !== 0 || 1 / x === 1 / d : x !== x && d !== d;
}

/** A column planned for writing: its section's size, then {@link writeColumn}. */
export interface ColumnPlan {
  values: NumberColumn;
  sparse: boolean;
  type: number;
  count: number;
  fallback: number;
  bytes: number;
}

/**
 * Plans a column: dense or sparse (around `fallback`, the value rows get when
 * they are added, or else the first row's), whichever is smaller. A column in
 * the linear memory of `core` is scanned there (`columnTypes`, the same choice
 * as the scan here, in a fraction of the time).
 */
export function planColumn(values: NumberColumn, fallback?: number, core?: Core, scratch?: CodecScratch): ColumnPlan {
  const n = values.length;
  const d = fallback ?? (n > 0 ? values[0]! : 0);
  const { allType, restType, restCount } = columnTypes(values, d, core, scratch);
  return choose(values, n, d, allType, restType, restCount);
}

/**
 * What a scan of a column finds: the narrowest type of all its values, and of the `restCount` values that
 * differ from the default (that one only when a sparse section could be the smaller: else `allType`).
 */
export interface ColumnTypes {
  allType: number;
  restType: number;
  restCount: number;
}

/** Values of an in-memory column a `columnScan` call reads. */
const SCAN_PIECE = 1 << 16;

/**
 * {@link planColumn}'s scan of `values` around the default `d`: in WebAssembly when they are in the
 * linear memory of `core` (a piece of 65,536 values a call), or, with `scratch`, copied there piece by
 * piece; else here.
 */
export function columnTypes(values: NumberColumn, d: number, core?: Core, scratch?: CodecScratch): ColumnTypes {
  const n = values.length;
  const inCore = core !== undefined && values.buffer === core.memory.buffer;
  if (inCore || scratch !== undefined) {
    const c = inCore ? core! : scratch!.core;
    const element = values instanceof Float64Array ? COLUMN_ELEMENT.code.F64 : values instanceof Int32Array ? COLUMN_ELEMENT.code.I32 : COLUMN_ELEMENT.code.U8;
    const size = values.BYTES_PER_ELEMENT;
    const per = inCore ? SCAN_PIECE : Math.floor(scratch!.bytes / size);
    const bytes = new Uint8Array(values.buffer, values.byteOffset, n * size);
    // The piece [from, from + m) where the module reads it.
    const piece = (from: number, m: number): number => {
      if (inCore) return values.byteOffset + from * size;
      c.u8(scratch!.ptr, m * size).set(bytes.subarray(from * size, (from + m) * size));
      return scratch!.ptr;
    };
    const x = c.exports;
    x.columnScanBegin();
    for (let from = 0; from < n; from += per) x.columnScan(piece(from, Math.min(per, n - from)), Math.min(per, n - from), element, d);
    if (element === COLUMN_ELEMENT.code.F64 && x.columnScanNeedsRest(n)) {
      for (let from = 0; from < n; from += per) x.columnScanRest(piece(from, Math.min(per, n - from)), Math.min(per, n - from), d);
    }
    const found = x.columnScanEnd(n);
    return { allType: found % 16, restType: Math.floor(found / 16) % 16, restCount: Math.floor(found / 256) };
  }
  const all = new Range(), rest = new Range();
  if (values instanceof Float64Array) {
    for (let i = 0; i < n; i++) {
      const x = values[i]!;
      all.add(x);
      if (!same(x, d)) rest.add(x);
    }
  } else {
    // Integer columns: only their ranges matter.
    let min = Infinity, max = -Infinity, rmin = Infinity, rmax = -Infinity, count = 0;
    for (let i = 0; i < n; i++) {
      const x = values[i]!;
      if (x < min) min = x;
      if (x > max) max = x;
      if (x !== d) {
        count++;
        if (x < rmin) rmin = x;
        if (x > rmax) rmax = x;
      }
    }
    Object.assign(all, { min, max, count: n });
    Object.assign(rest, { min: rmin, max: rmax, count });
  }
  // The values that differ from d have their own type only when a sparse section could be the smaller (as in WebAssembly).
  const allType = all.type();
  return { allType, restType: sparseMayWin(n, allType, rest.count) ? rest.type() : allType, restCount: rest.count };
}

/**
 * Whether a sparse section of `restCount` rows could be smaller than the dense one of `n` values of
 * `allType`: its rows and values in the narrowest type (a byte) against the dense bytes ({@link choose}).
 */
function sparseMayWin(n: number, allType: number, restCount: number): boolean {
  return align8(restCount * 4) + align8(restCount) < align8(n * SIZE[allType]!);
}

/** The smaller form: dense in `allType`, or sparse around `d` (the `restCount` other rows in `restType`). */
function choose(values: NumberColumn, n: number, d: number, allType: number, restType: number, restCount: number): ColumnPlan {
  const dense = align8(n * SIZE[allType]!);
  const sparse = align8(restCount * 4) + align8(restCount * SIZE[restType]!);
  return sparse < dense
    ? { values, sparse: true, type: restType, count: restCount, fallback: d, bytes: HEAD + sparse }
    : { values, sparse: false, type: allType, count: n, fallback: 0, bytes: HEAD + dense };
}

/**
 * Writes a planned column at `at` (8-aligned) of `out`; returns the offset after it. With
 * `scratch`, a column in its memory is packed (sixteenths) or gathered (sparse) there, in
 * WebAssembly, piece by piece: the same bytes.
 */
export function writeColumn(p: ColumnPlan, out: Uint8Array, at: number, scratch?: CodecScratch): number {
  const view = new DataView(out.buffer, out.byteOffset + at, HEAD);
  view.setUint8(0, p.sparse ? 1 : 0);
  view.setUint8(1, p.type);
  view.setUint32(4, p.count, true);
  view.setFloat64(8, p.fallback, true);
  let off = at + HEAD;
  const scaled = SCALED[p.type] !== undefined;
  const element = scratch === undefined ? -1 : elementIn(p.values, scratch.core);
  const size = SIZE[p.type]!;
  if (!p.sparse) {
    // Through the module when the values change type (a column's own type is copied as it is).
    if (element >= 0 && p.type !== OWN_TYPE[element]) packDense(p, element, scratch!, out, off);
    else if (scaled) {
      const to = typed(p.type, out, off, p.count);
      const { values } = p;
      for (let i = 0; i < values.length; i++) to[i] = values[i]! * 16;
    } else typed(p.type, out, off, p.count).set(p.values);
    return off + align8(p.count * size);
  }
  const valsOff = off + align8(p.count * 4);
  if (element >= 0) {
    gatherSparse(p, element, scratch!, out, off, valsOff);
    return valsOff + align8(p.count * size);
  }
  const rows = typed(U32, out, off, p.count);
  off = valsOff;
  const vals = typed(p.type, out, off, p.count);
  const { values, fallback, count } = p;
  // The rows that differ from the default (none: no pass over a long column); sixteenths stored as x·16.
  const scale = scaled ? 16 : 1;
  for (let i = 0, k = 0; k < count; i++) {
    const x = values[i]!;
    if (!same(x, fallback)) {
      rows[k] = i;
      vals[k++] = x * scale;
    }
  }
  return off + align8(count * size);
}

/** A dense sixteenths section written through the scratch, a piece at a time. */
function packDense(p: ColumnPlan, element: number, { core, ptr, bytes }: CodecScratch, out: Uint8Array, off: number): void {
  const size = SIZE[p.type]!, per = Math.floor(bytes / size);
  for (let from = 0; from < p.count; from += per) {
    const m = Math.min(per, p.count - from);
    core.exports.columnPack(p.values.byteOffset, element, from, m, p.type, ptr);
    out.set(core.u8(ptr, m * size), off + from * size);
  }
}

/** A sparse section's rows and values found through the scratch, a piece at a time. */
function gatherSparse(p: ColumnPlan, element: number, { core, ptr, bytes }: CodecScratch, out: Uint8Array, rowsOff: number, valsOff: number): void {
  const size = SIZE[p.type]!, per = Math.floor(bytes / (4 + size)), valsPtr = ptr + 4 * per;
  const { values, count } = p;
  let row = 0;
  for (let k = 0; k < count;) {
    const got = core.exports.columnGather(values.byteOffset, element, row, values.length, p.fallback, p.type, Math.min(per, count - k), ptr, valsPtr);
    // The plan counted `count` rows that differ: fewer is a column changed since (never between plan and write).
    if (got === 0) throw new Error(`a sparse column has ${k} of the ${count} rows its plan counted`);
    out.set(core.u8(ptr, 4 * got), rowsOff + 4 * k);
    out.set(core.u8(valsPtr, size * got), valsOff + size * k);
    k += got;
    row = core.exports.columnGatherNext();
  }
}

/**
 * Whether the column section at `at` writes nothing into a zeroed column (no
 * row differs from a default of +0): then the column's pages stay untouched.
 */
export function columnAllZero(bytes: Uint8Array, at: number): boolean {
  if (at + HEAD > bytes.length) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, HEAD);
  return view.getUint8(0) === 1 && view.getUint32(4, true) === 0 && Object.is(view.getFloat64(8, true), 0);
}

/** Whether the column section at `at` (a valid header, checked by {@link readColumn}) holds only values of a u8. */
export function columnFitsU8(bytes: Uint8Array, at: number): boolean {
  if (at + HEAD > bytes.length) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, HEAD);
  const kind = view.getUint8(0), type = view.getUint8(1), fallback = view.getFloat64(8, true);
  return type === U8 && (kind === 0 || (Number.isInteger(fallback) && fallback >= 0 && fallback <= 0xff && !Object.is(fallback, -0)));
}

/**
 * Reads the column section at `at` of `bytes` (8-aligned in its buffer) into
 * `into` (all its rows), which must hold zeros where the section's default is
 * +0. Returns the offset after the section; throws `bad(reason)` when the
 * section does not fit the column or the bytes. With `scratch`, a column in
 * its memory is unpacked (sixteenths) or scattered (sparse) there, in
 * WebAssembly: the same values.
 */
export function readColumn(bytes: Uint8Array, at: number, into: NumberColumn, bad: (why: string) => Error, scratch?: CodecScratch): number {
  const n = into.length;
  if (at + HEAD > bytes.length) throw bad('a column runs past the end');
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, HEAD);
  const kind = view.getUint8(0), type = view.getUint8(1), count = view.getUint32(4, true), fallback = view.getFloat64(8, true);
  if (kind > 1 || type >= SIZE.length || (kind === 0 ? count !== n : count > n)) throw bad(`a column's header does not match its ${n} rows`);
  const scale = SCALED[type] !== undefined ? 1 / 16 : 1;
  const size = SIZE[type]!;
  let off = at + HEAD;
  const end = off + (kind === 1 ? align8(count * 4) : 0) + align8(count * size);
  if (end > bytes.length) throw bad('a column runs past the end');
  const element = scratch === undefined ? -1 : elementIn(into, scratch.core);
  if (kind === 0) {
    if (element >= 0 && type !== OWN_TYPE[element]) {
      const { core, ptr, bytes: room } = scratch!, per = Math.floor(room / size);
      for (let k = 0; k < count; k += per) {
        const m = Math.min(per, count - k);
        core.u8(ptr, m * size).set(bytes.subarray(off + k * size, off + (k + m) * size));
        core.exports.columnUnpack(ptr, type, m, into.byteOffset, element, k);
      }
      return end;
    }
    const from = typed(type, bytes, off, count);
    if (scale !== 1) for (let i = 0; i < count; i++) into[i] = from[i]! * scale;
    else into.set(from);
    return end;
  }
  const rows = typed(U32, bytes, off, count);
  const valsOff = off + align8(count * 4);
  if (!same(fallback, 0)) {
    // In the core, by WebAssembly: TypedArray.fill over its shared memory goes element by element.
    if (element >= 0) scratch!.core.exports.columnFill(into.byteOffset, element, into.length, fallback);
    else into.fill(fallback);
  }
  if (element >= 0) {
    const { core, ptr, bytes: room } = scratch!, per = Math.floor(room / (4 + size)), valsPtr = ptr + 4 * per;
    for (let k = 0; k < count; k += per) {
      const m = Math.min(per, count - k);
      core.u8(ptr, 4 * m).set(bytes.subarray(off + 4 * k, off + 4 * (k + m)));
      core.u8(valsPtr, size * m).set(bytes.subarray(valsOff + size * k, valsOff + size * (k + m)));
      const wrong = core.exports.columnScatter(ptr, valsPtr, type, m, into.byteOffset, element, n);
      if (wrong >= 0) throw bad(`a column names row ${rows[k + wrong]} of ${n}`);
    }
    return end;
  }
  off = valsOff;
  const vals = typed(type, bytes, off, count);
  for (let k = 0; k < count; k++) {
    const i = rows[k]!;
    if (i >= n) throw bad(`a column names row ${i} of ${n}`);
    into[i] = vals[k]! * scale;
  }
  return end;
}

/** Bytes of a stored element of each type (the WebAssembly codec's `columnTypeSize` agrees: a test). */
export const COLUMN_TYPE_SIZE: readonly number[] = SIZE;
