/**
 * The snapshot's column codec gives back every value exactly (Object.is: −0,
 * NaN, ∞, integers beyond float32, fractions), whichever form it picks, and
 * picks the small forms where they hold.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { columnTypes, planColumn, readColumn, writeColumn, type NumberColumn } from '../../src/engine/column-codec.ts';
import { Core } from '../../src/wasm/module.ts';

function roundTrip(values: NumberColumn, fallback?: number): { back: NumberColumn; bytes: number } {
  const plan = planColumn(values, fallback);
  const out = new Uint8Array(plan.bytes + 8);
  const end = writeColumn(plan, out, 8);
  expect(end).toBe(8 + plan.bytes);
  const back = new (values.constructor as new (n: number) => NumberColumn)(values.length);
  expect(readColumn(out, 8, back, (why) => new Error(why))).toBe(end);
  return { back, bytes: plan.bytes };
}

const special = fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1.5, 0.1, 2 ** 24 + 1, -(2 ** 31), 2 ** 32 - 1, 2 ** 40, 255, 256, -129, 65535, 70000, 1 / 32, 4095.9375, 2048.5, -2048.5, -0.0625);
/** Sixteenths in and around the ranges of the one- and two-byte sixteenths types. */
const sixteenths = fc.integer({ min: -40000, max: 70000 }).map((k) => k / 16);

describe('snapshot column codec', () => {
  it('gives back every float64 value exactly, dense or sparse', () => {
    fc.assert(fc.property(fc.array(fc.oneof(special, fc.double(), fc.integer({ min: -300, max: 300 }), sixteenths), { maxLength: 200 }), fc.option(special, { nil: undefined }), (xs, fallback) => {
      const { back } = roundTrip(Float64Array.from(xs), fallback);
      xs.forEach((x, i) => expect(Object.is(back[i], x), `row ${i}: ${x} came back as ${back[i]}`).toBe(true));
    }), { numRuns: 300 });
  });
  it('gives back int32 and uint8 columns exactly', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 100 }), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 100 }), (a, b) => {
      expect([...roundTrip(Int32Array.from(a), -1).back]).toEqual(a);
      expect([...roundTrip(Uint8Array.from(b), 0).back]).toEqual(b);
    }), { numRuns: 200 });
  });
  it('stores small integers in one byte each, and a column of mostly the default as its other rows', () => {
    const small = Float64Array.from({ length: 1000 }, (_, i) => i % 200);
    expect(roundTrip(small).bytes).toBe(16 + 1000);
    // Demands in steps of a half: sixteenths in one byte (a float32 would take four).
    const halves = Float64Array.from({ length: 1000 }, (_, i) => 0.5 + (i % 16) / 2);
    const demand = roundTrip(halves);
    expect(demand.bytes).toBe(16 + 1000);
    expect([...demand.back]).toEqual([...halves]);
    const start = new Float64Array(1000).fill(NaN);
    start[3] = 1.25;
    start[700] = 9;
    const { back, bytes } = roundTrip(start, NaN);
    expect(bytes).toBe(16 + 8 + 8); // two rows (u32) and two values (f32)
    expect([back[3], back[700], back[0]]).toEqual([1.25, 9, NaN]);
  });
  it('plans a column in linear memory (scanned by WebAssembly) exactly as the TypeScript scan does', () => {
    const core = new Core();
    const at = core.alloc(8 * 4096 + 8);
    // Columns at an odd element offset too: the SIMD scan's head and tail.
    const column = (kind: 'f64' | 'i32' | 'u8', xs: number[], skip: number): NumberColumn =>
      kind === 'f64' ? core.f64(at + 8 * skip, xs.length) : kind === 'i32' ? core.i32(at + 4 * skip, xs.length) : core.u8(at + skip, xs.length);
    const same = (kind: 'f64' | 'i32' | 'u8', xs: number[], skip: number, fallback: number | undefined): void => {
      const v = column(kind, xs, skip);
      v.set(xs);
      const js = planColumn(v.slice(), fallback);
      const wasm = planColumn(v, fallback, core);
      const what = `${kind} ${JSON.stringify(xs.map(String))} around ${fallback}`;
      expect({ ...wasm, values: undefined }, what).toEqual({ ...js, values: undefined });
      // The scan itself, whichever form the plan took.
      const d = fallback ?? (xs.length > 0 ? v[0]! : 0);
      expect(columnTypes(v, d, core), what).toEqual(columnTypes(v.slice(), d));
    };
    const f64s = fc.array(fc.oneof(special, fc.double(), fc.integer({ min: -300, max: 300 }), fc.constantFrom(0.5, 1.5, -2.25, 2 ** 31, -(2 ** 31) - 1), sixteenths), { maxLength: 40 });
    // Columns of sixteenths only: every one- and two-byte sixteenths type and its bounds.
    const narrow = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: -128, max: 127 }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: -32768, max: 32767 }), fc.integer({ min: -32769, max: 65536 }));
    fc.assert(fc.property(fc.array(narrow.map((k) => k / 16), { maxLength: 40 }), fc.option(special, { nil: undefined }), fc.integer({ min: 0, max: 3 }), (xs, fallback, skip) => same('f64', xs, skip, fallback)), { numRuns: 400 });
    fc.assert(fc.property(f64s, fc.option(special, { nil: undefined }), fc.integer({ min: 0, max: 3 }), (xs, fallback, skip) => same('f64', xs, skip, fallback)), { numRuns: 400 });
    // Mostly the default: the sparse form and the rows that differ.
    fc.assert(fc.property(fc.array(fc.oneof(fc.constant(NaN), fc.constant(NaN), fc.constant(NaN), special), { maxLength: 40 }), fc.integer({ min: 0, max: 3 }), (xs, skip) => same('f64', xs, skip, NaN)), { numRuns: 200 });
    const i32s = fc.array(fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -2, max: 300 }), fc.constantFrom(-1, 0, 255, 256, -129, 65535, 65536)), { maxLength: 40 });
    fc.assert(fc.property(i32s, fc.option(fc.constantFrom(-1, 0, 1, -0, 0.5, NaN, 2 ** 40), { nil: undefined }), fc.integer({ min: 0, max: 3 }), (xs, fallback, skip) => same('i32', xs, skip, fallback)), { numRuns: 400 });
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }), fc.option(fc.constantFrom(0, 1, 255, -1), { nil: undefined }), fc.integer({ min: 0, max: 3 }), (xs, fallback, skip) => same('u8', xs, skip, fallback)), { numRuns: 200 });
    // Worked: 0.5 and 300 are sixteenths 8 and 4800 (a u16 each), integers up to 300 a u16, NaN rows around a NaN default are not stored.
    const v = core.f64(at, 5);
    v.set([NaN, 0.5, NaN, 300, NaN]);
    expect(planColumn(v, NaN, core)).toMatchObject({ sparse: true, count: 2, type: 10, bytes: 16 + 8 + 8 });
    v.set([0.5, 1.5, 2.25, 15.9375, 0]);
    expect(planColumn(v, undefined, core)).toMatchObject({ sparse: false, count: 5, type: 8, bytes: 16 + 8 });
    v.set([1, 2, 3, 300, 7]);
    expect(planColumn(v, undefined, core)).toMatchObject({ sparse: false, count: 5, type: 2, bytes: 16 + 16 });
  });
  it('rejects a section that does not fit its column', () => {
    const plan = planColumn(Int32Array.from([1, 2, 3]));
    const out = new Uint8Array(plan.bytes);
    writeColumn(plan, out, 0);
    expect(() => readColumn(out, 0, new Int32Array(4), (why) => new Error(why))).toThrow(/does not match its 4 rows/);
    expect(() => readColumn(out.subarray(0, 8), 0, new Int32Array(3), (why) => new Error(why))).toThrow(/past the end/);
  });
});
