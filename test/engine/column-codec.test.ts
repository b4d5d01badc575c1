/**
 * The snapshot's column codec gives back every value exactly (Object.is: −0,
 * NaN, ∞, integers beyond float32, fractions), whichever form it picks, and
 * picks the small forms where they hold.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { COLUMN_TYPE_SIZE, columnTypes, planColumn, readColumn, writeColumn, type CodecScratch, type NumberColumn } from '../../src/engine/column-codec.ts';
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
    const room = core.alloc(64);
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
      // The scan itself, whichever form the plan took; and of the column held here, copied through a scratch of
      // a few values at a time (every piece carried over to the next).
      const d = fallback ?? (xs.length > 0 ? v[0]! : 0);
      expect(columnTypes(v, d, core), what).toEqual(columnTypes(v.slice(), d));
      expect(columnTypes(v.slice(), d, undefined, { core, ptr: room, bytes: 8 * (1 + (xs.length % 3)) }), what).toEqual(columnTypes(v.slice(), d));
    };
    const f64s = fc.array(fc.oneof(special, fc.double(), fc.integer({ min: -300, max: 300 }), fc.constantFrom(0.5, 1.5, -2.25, 2 ** 31, -(2 ** 31) - 1), sixteenths), { maxLength: 40 });
    // Columns of sixteenths only: every one- and two-byte sixteenths type and its bounds.
    const narrow = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: -128, max: 127 }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: -32768, max: 32767 }), fc.integer({ min: -32769, max: 65536 }));
    fc.assert(fc.property(fc.array(narrow.map((k) => k / 16), { maxLength: 40 }), fc.option(special, { nil: undefined }), fc.integer({ min: 0, max: 3 }), (xs, fallback, skip) => same('f64', xs, skip, fallback)), { numRuns: 400 });
    fc.assert(fc.property(f64s, fc.option(special, { nil: undefined }), fc.integer({ min: 0, max: 3 }), (xs, fallback, skip) => same('f64', xs, skip, fallback)), { numRuns: 400 });
    // Mostly small integers (the scan's short loop), now and then a value that ends it: at the edge of 2^24,
    // −0, NaN, ±Infinity, a sixteenth, or a fraction exact as a float32 but not in sixteenths (2^−10), which
    // with an integer above 2^24 beside it tells float32 from float64.
    const edge = fc.constantFrom(2 ** 24, -(2 ** 24), 2 ** 24 + 1, -(2 ** 24) - 1, 2 ** 53, -0, NaN, Infinity, -Infinity, 0.5, 2 ** -10);
    fc.assert(fc.property(fc.array(fc.oneof({ arbitrary: fc.integer({ min: -1000, max: 1000 }), weight: 8 }, { arbitrary: edge, weight: 1 }), { maxLength: 40 }), fc.option(special, { nil: undefined }), fc.integer({ min: 0, max: 3 }), (xs, fallback, skip) => same('f64', xs, skip, fallback)), { numRuns: 600 });
    // Mostly the default: the sparse form and the rows that differ.
    fc.assert(fc.property(fc.array(fc.oneof(fc.constant(NaN), fc.constant(NaN), fc.constant(NaN), special), { maxLength: 40 }), fc.integer({ min: 0, max: 3 }), (xs, skip) => same('f64', xs, skip, NaN)), { numRuns: 200 });
    const i32s = fc.array(fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -2, max: 300 }), fc.constantFrom(-1, 0, 255, 256, -129, 65535, 65536)), { maxLength: 40 });
    fc.assert(fc.property(i32s, fc.option(fc.constantFrom(-1, 0, 1, -0, 0.5, NaN, 2 ** 40), { nil: undefined }), fc.integer({ min: 0, max: 3 }), (xs, fallback, skip) => same('i32', xs, skip, fallback)), { numRuns: 400 });
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40, size: 'max' }), fc.option(fc.constantFrom(0, 1, 255, -1), { nil: undefined }), fc.integer({ min: 0, max: 3 }), (xs, fallback, skip) => same('u8', xs, skip, fallback)), { numRuns: 200 });
    // Mostly the default (a failure count, flags): the sixteen-at-a-time count and its tail.
    fc.assert(fc.property(fc.array(fc.oneof({ arbitrary: fc.constant(0), weight: 6 }, { arbitrary: fc.integer({ min: 0, max: 255 }), weight: 1 }), { maxLength: 70, size: 'max' }), fc.integer({ min: 0, max: 3 }), (xs, skip) => same('u8', xs, skip, 0)), { numRuns: 200 });
    // Worked: 0.5 and 300 are sixteenths 8 and 4800 (a u16 each), integers up to 300 a u16, NaN rows around a NaN default are not stored.
    const v = core.f64(at, 5);
    v.set([NaN, 0.5, NaN, 300, NaN]);
    expect(planColumn(v, NaN, core)).toMatchObject({ sparse: true, count: 2, type: 10, bytes: 16 + 8 + 8 });
    v.set([0.5, 1.5, 2.25, 15.9375, 0]);
    expect(planColumn(v, undefined, core)).toMatchObject({ sparse: false, count: 5, type: 8, bytes: 16 + 8 });
    v.set([1, 2, 3, 300, 7]);
    expect(planColumn(v, undefined, core)).toMatchObject({ sparse: false, count: 5, type: 2, bytes: 16 + 16 });
  });
  it('scans a column longer than a piece (65,536 values a call) as the TypeScript scan does', () => {
    const core = new Core();
    const n = 200_003;
    const pf = core.alloc(8 * n), pw = core.alloc(4 * n), pb = core.alloc(n);
    // Views made after the allocations (a growth of the memory detaches earlier ones).
    const f = core.f64(pf, n), w = core.i32(pw, n), b = core.u8(pb, n);
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(0, 8, 64, 150_000), fc.oneof(special, sixteenths), (seed, odd, value) => {
      // Mostly the default, `odd` rows that are not (the last piece's too), one of them `value`.
      let r = seed;
      const next = (): number => (r = (Math.imul(r, 1103515245) + 12345) >>> 0) % n;
      f.fill(NaN); w.fill(0); b.fill(0);
      for (let k = 0; k < odd; k++) {
        const i = k === 0 ? n - 1 : next();
        f[i] = k === 1 ? value : (i % 97) / 16;
        w[i] = (i % 5) - 2;
        b[i] = i % 256;
      }
      expect(columnTypes(f, NaN, core)).toEqual(columnTypes(f.slice(), NaN));
      expect(columnTypes(w, 0, core)).toEqual(columnTypes(w.slice(), 0));
      expect(columnTypes(b, 0, core)).toEqual(columnTypes(b.slice(), 0));
    }), { numRuns: 12 });
  });
  it('writes and reads a column in linear memory through WebAssembly, in pieces, the same bytes and values as the TypeScript loops', () => {
    const core = new Core();
    const at = core.alloc(8 * 64 + 8);
    const room = core.alloc(4096);
    expect(COLUMN_TYPE_SIZE.map((_, t) => core.exports.columnTypeSize(t))).toEqual([...COLUMN_TYPE_SIZE]);
    type Kind = 'f64' | 'i32' | 'u8';
    const column = (kind: Kind, n: number, skip: number, where = at): NumberColumn =>
      kind === 'f64' ? core.f64(where + 8 * skip, n) : kind === 'i32' ? core.i32(where + 4 * skip, n) : core.u8(where + skip, n);
    // A scratch of a few bytes: a section goes through it in many pieces (an engine's is 64 KiB).
    const scratch = (bytes: number): CodecScratch => ({ core, ptr: room, bytes });
    const check = (kind: Kind, xs: number[], skip: number, fallback: number | undefined, bytes: number): void => {
      const v = column(kind, xs.length, skip);
      v.set(xs);
      const plan = planColumn(v, fallback, core);
      const what = `${kind} ${JSON.stringify(xs.map(String))} around ${fallback}, ${bytes}-byte scratch, plan ${JSON.stringify({ ...plan, values: undefined })}`;
      const js = new Uint8Array(plan.bytes + 8).fill(7);
      const wasm = js.slice();
      expect(writeColumn(plan, wasm, 8, scratch(bytes)), what).toBe(writeColumn(plan, js, 8));
      expect(wasm, what).toEqual(js);
      // Read back into a column in memory (zero where the default is +0, as a restore's fresh column is).
      const back = column(kind, xs.length, skip, at + 8 * 32 + 8);
      back.fill(0);
      const backJs = back.slice();
      expect(readColumn(js, 8, back, (why) => new Error(why), scratch(bytes)), what).toBe(readColumn(js, 8, backJs, (why) => new Error(why)));
      expect([...back].map(String), what).toEqual([...backJs].map(String));
      for (let i = 0; i < xs.length; i++) expect(Object.is(back[i], backJs[i]), `${what}: row ${i}`).toBe(true);
    };
    const sizes = fc.integer({ min: 12, max: 96 });
    const f64s = fc.array(fc.oneof(special, fc.double(), fc.integer({ min: -300, max: 300 }), sixteenths, fc.integer({ min: -32769, max: 65536 }).map((k) => k / 16)), { maxLength: 24 });
    fc.assert(fc.property(f64s, fc.option(special, { nil: undefined }), fc.integer({ min: 0, max: 3 }), sizes, (xs, fallback, skip, bytes) => check('f64', xs, skip, fallback, bytes)), { numRuns: 400 });
    // Mostly the default: sparse sections, sixteenths among their values.
    fc.assert(fc.property(fc.array(fc.oneof(fc.constant(NaN), fc.constant(NaN), fc.constant(NaN), special, sixteenths), { maxLength: 24 }), fc.integer({ min: 0, max: 3 }), sizes, (xs, skip, bytes) => check('f64', xs, skip, NaN, bytes)), { numRuns: 300 });
    const i32s = fc.array(fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -2, max: 300 }), fc.constantFrom(-1, 0, 0, 0, 0, 255, 256, -129, 65535, 65536)), { maxLength: 24 });
    fc.assert(fc.property(i32s, fc.option(fc.constantFrom(-1, 0, 1, -0, 0.5, NaN, 2 ** 40), { nil: undefined }), fc.integer({ min: 0, max: 3 }), sizes, (xs, fallback, skip, bytes) => check('i32', xs, skip, fallback, bytes)), { numRuns: 400 });
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 24 }), fc.option(fc.constantFrom(0, 1, 255, -1), { nil: undefined }), fc.integer({ min: 0, max: 3 }), sizes, (xs, fallback, skip, bytes) => check('u8', xs, skip, fallback, bytes)), { numRuns: 200 });
    // Mostly the default, of each kind: sparse sections around 0, −0 and others (±0 differ: Object.is), four rows at a time for i32.
    const mostly = <T>(d: fc.Arbitrary<T>, other: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.array(fc.oneof({ arbitrary: d, weight: 4 }, { arbitrary: other, weight: 1 }), { maxLength: 24 });
    fc.assert(fc.property(fc.constantFrom(0, -0, 1.5, 7), fc.integer({ min: 0, max: 3 }), sizes, (d, skip, bytes) => {
      fc.assert(fc.property(mostly(fc.constant(d), fc.oneof(special, sixteenths, fc.constantFrom(0, -0))), (xs) => check('f64', xs, skip, d, bytes)), { numRuns: 5 });
    }), { numRuns: 80 });
    fc.assert(fc.property(fc.constantFrom(0, -1, 3), fc.integer({ min: 0, max: 3 }), sizes, (d, skip, bytes) => {
      fc.assert(fc.property(mostly(fc.constant(d), fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -3, max: 300 }))), (xs) => check('i32', xs, skip, d, bytes)), { numRuns: 5 });
    }), { numRuns: 80 });
    // Worked: halves in one byte each (sixteenths 8, 24 …) through a 12-byte scratch, and back.
    const halves = column('f64', 5, 0);
    halves.set([0.5, 1.5, 2.5, 0, 15.5]);
    const plan = planColumn(halves, undefined, core);
    const out = new Uint8Array(plan.bytes);
    writeColumn(plan, out, 0, scratch(12));
    expect([...out.subarray(16, 21)]).toEqual([8, 24, 40, 0, 248]);
  });
  it('writes and reads long columns of one- and two-byte types (8 and 16 values at a time in WebAssembly) as the TypeScript loops do', () => {
    const core = new Core();
    const at = core.alloc(8 * 256 + 8), back = core.alloc(8 * 256 + 8), room = core.alloc(4096);
    // Each range makes the plan pick one type: u8, i8, u16, i16 (sixteenths of them in a float64 column).
    const ranges: [number, number][] = [[0, 255], [-128, 127], [0, 65535], [-32768, 32767]];
    const kinds = fc.constantFrom('f64', 'i32', 'f64/16');
    fc.assert(fc.property(kinds, fc.constantFrom(...ranges), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 40, max: 4096 }),
      (kind, [lo, hi], n, seed, skip, bytes) => {
        let x = seed;
        // The ends of the range, and values between them (a seeded LCG: long columns without long shrinking).
        const next = (): number => {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          const r = x % 10;
          return r === 0 ? lo : r === 1 ? hi : lo + (x >>> 8) % (hi - lo + 1);
        };
        const ints = Array.from({ length: n }, next);
        const v = kind === 'i32' ? core.i32(at + 4 * skip, n) : core.f64(at + 8 * skip, n);
        v.set(kind === 'f64/16' ? ints.map((k) => k / 16) : ints);
        const plan = planColumn(v, undefined, core);
        const what = `${kind} ${n} values in [${lo}, ${hi}], seed ${seed}, ${bytes}-byte scratch, plan ${JSON.stringify({ ...plan, values: undefined })}`;
        const js = new Uint8Array(plan.bytes + 8).fill(7);
        const wasm = js.slice();
        expect(writeColumn(plan, wasm, 8, { core, ptr: room, bytes }), what).toBe(writeColumn(plan, js, 8));
        expect(wasm, what).toEqual(js);
        const w = kind === 'i32' ? core.i32(back + 4 * skip, n) : core.f64(back + 8 * skip, n);
        w.fill(0);
        const wJs = w.slice();
        readColumn(js, 8, w, (why) => new Error(why), { core, ptr: room, bytes });
        readColumn(js, 8, wJs, (why) => new Error(why));
        expect([...w], what).toEqual([...wJs]);
        expect([...w], what).toEqual([...v]);
      }), { numRuns: 600 });
  });

  it('reads any section made to look valid into a column in linear memory as the TypeScript loops do (values, or the same refusal)', () => {
    const core = new Core();
    const at = core.alloc(8 * 64);
    const room = core.alloc(4096);
    // Any kind and type, any count a header allows, any bytes: what a tampered snapshot with a matching checksum holds.
    // A sparse section's rows mostly name rows of the column (random bytes would name none), now and then one past it.
    fc.assert(fc.property(fc.constantFrom('f64', 'i32', 'u8'), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: COLUMN_TYPE_SIZE.length - 1 }), fc.integer({ min: 0, max: 12 }),
      fc.oneof(special, fc.double()), fc.uint8Array({ minLength: 200, maxLength: 200 }), fc.array(fc.integer({ min: 0, max: 13 }), { minLength: 12, maxLength: 12 }), fc.integer({ min: 12, max: 64 }), (kind, n, sparse, type, count, fallback, body, rows, bytes) => {
        const c = sparse === 1 ? Math.min(count, n) : n;
        const section = new Uint8Array(16 + 200);
        const view = new DataView(section.buffer);
        view.setUint8(0, sparse);
        view.setUint8(1, type);
        view.setUint32(4, c, true);
        view.setFloat64(8, fallback, true);
        section.set(body, 16);
        if (sparse === 1) rows.slice(0, c).forEach((r, k) => view.setUint32(16 + 4 * k, r, true));
        const make = (): NumberColumn => (kind === 'f64' ? core.f64(at, n) : kind === 'i32' ? core.i32(at, n) : core.u8(at, n));
        const outcome = (scratch?: CodecScratch): string => {
          const into = make();
          into.fill(0);
          try {
            readColumn(section, 0, into, (why) => new Error(why), scratch);
            return [...into].map(String).join(',');
          } catch (e) {
            return (e as Error).message;
          }
        };
        expect(outcome({ core, ptr: room, bytes })).toBe(outcome());
      }), { numRuns: 3000 });
  });
  it('rejects a section that does not fit its column', () => {
    const plan = planColumn(Int32Array.from([1, 2, 3]));
    const out = new Uint8Array(plan.bytes);
    writeColumn(plan, out, 0);
    expect(() => readColumn(out, 0, new Int32Array(4), (why) => new Error(why))).toThrow(/does not match its 4 rows/);
    expect(() => readColumn(out.subarray(0, 8), 0, new Int32Array(3), (why) => new Error(why))).toThrow(/past the end/);
  });
});
