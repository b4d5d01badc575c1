import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../src/rng.ts';
import { windowSeed } from '../../src/io/synthetic-usage.ts';
import { sinOut, v8Cos, v8Exp, v8Log, v8Sin, v8SinCos } from '../../src/reference/v8-math.ts';
import { withScratch } from '../../src/wasm/module.ts';

// assembly/v8-math.ts and its twin src/reference/v8-math.ts port V8 11.3's Math.exp/log/sin/cos
// (src/base/ieee754.cc, fdlibm); the core's and the TypeScript's synthetic usage both draw with them,
// so they agree bit for bit on any JavaScript engine. Two checks, on the same arguments:
//  1. the TypeScript port equals the WebAssembly port: engine-independent, must hold everywhere;
//  2. both equal this Node's Math.*: holds while the engine's Math is V8 11.3's fdlibm (Node 20).
//     On a newer engine (newer V8s take cos and log from LLVM's libc) check 2 is what fails first,
//     while check 1 — the one the synthetic usage and the golden files rely on — still holds.
// Values are compared to the bit, including the sign of zero; NaN only as NaN (its payload is not
// observable in the model, which never produces one; C's log(-x) is a signalling NaN, JS has one NaN).

const FNS = ['exp', 'log', 'sin', 'cos', 'sin (v8SinCos)', 'cos (v8SinCos)'] as const;
const JS = [Math.exp, Math.log, Math.sin, Math.cos, Math.sin, Math.cos];
const EXP = 0, LOG = 1, SIN = 2, COS = 3, SINCOS_SIN = 4, SINCOS_COS = 5;

/** The port `fn` (v8MathFill's numbering) on every value of `xs`, in one call. */
function port(fn: number, xs: Float64Array): Float64Array {
  return withScratch((core) => {
    const x = core.alloc(xs.length * 8);
    const out = core.alloc(xs.length * 8);
    core.f64(x, xs.length).set(xs);
    core.exports.v8MathFill(fn, x, xs.length, out);
    return core.f64(out, xs.length).slice();
  });
}

/** The TypeScript port `fn` (same numbering) on every value of `xs`. */
const TS: ((x: number) => number)[] = [v8Exp, v8Log, v8Sin, v8Cos, (x) => { v8SinCos(x); return sinOut; }, v8SinCos];
function tsPort(fn: number, xs: Float64Array): Float64Array {
  const f = TS[fn]!;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = f(xs[i]!);
  return out;
}

/** Where `got` differs from `want` (at most 5, with both values, for the message). */
function differences(what: string, fn: number, xs: Float64Array, want: ArrayLike<number>, got: ArrayLike<number>): string[] {
  const bad: string[] = [];
  for (let i = 0; i < xs.length && bad.length < 5; i++) {
    const w = want[i]!, g = got[i]!;
    if (!Object.is(w, g) && !(Number.isNaN(w) && Number.isNaN(g))) bad.push(`${FNS[fn]}(${xs[i]}): ${what} ${w} vs ${g}`);
  }
  return bad;
}

/** Check 1: the TypeScript port against the WebAssembly port. */
function tsVsWasm(fn: number, xs: Float64Array): string[] {
  return differences('WebAssembly vs TypeScript port', fn, xs, port(fn, xs), tsPort(fn, xs));
}

/** Check 2: both ports against this engine's Math.*. */
function portsVsMath(fn: number, xs: Float64Array): string[] {
  const js = xs.map(JS[fn]!);
  return [...differences('Math vs WebAssembly port', fn, xs, js, port(fn, xs)), ...differences('Math vs TypeScript port', fn, xs, js, tsPort(fn, xs))];
}

const N = 1_000_000;

/** N doubles uniform on [lo, hi). */
function uniform(seed: number, lo: number, hi: number, n = N): Float64Array {
  const r = new Rng(seed);
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * r.next());
}

/** N doubles with uniformly random bit patterns: every exponent, sign, NaN, ±Infinity, subnormals. */
function anyBits(seed: number, n = N): Float64Array {
  const r = new Rng(seed);
  const u = new Uint32Array(2 * n);
  for (let i = 0; i < u.length; i++) u[i] = r.nextU32();
  return new Float64Array(u.buffer);
}

/** N doubles in (0, 1] with a random exponent down to 2^-1074: log's whole domain below 1, subnormals included. */
function logUniformUnit(seed: number, n = N): Float64Array {
  const r = new Rng(seed);
  return Float64Array.from({ length: n }, () => Math.max(Number.MIN_VALUE, (1 - r.next()) * 2 ** -r.below(1075)));
}

function neighbours(xs: number[]): Float64Array {
  const out: number[] = [];
  const b = new Float64Array(1);
  const u = new BigInt64Array(b.buffer);
  for (const x of xs) {
    out.push(x);
    if (!Number.isFinite(x) || x === 0) continue;
    for (const d of [-2n, -1n, 1n, 2n]) {
      b[0] = x;
      u[0]! += d;
      out.push(b[0]!);
    }
  }
  return Float64Array.from(out);
}

const LN2 = Math.LN2;
const EDGES = neighbours([
  0, -0, Number.MIN_VALUE, -Number.MIN_VALUE, 2 ** -1022 - Number.MIN_VALUE, 2 ** -1022, -(2 ** -1022),
  Infinity, -Infinity, NaN, 1, -1, 2, 0.5, Math.E, 10, 1e-300, 1e300, -1e300, Number.MAX_VALUE, -Number.MAX_VALUE,
  2 ** -28, -(2 ** -28), 2 ** -27, 2 ** -20, 1 + 2 ** -20, 1 - 2 ** -20,
  // exp: its thresholds and reduction boundaries
  709.782712893384, 709.79, -745.1332191019411, -745.2, -708.4, -709.1, 0.5 * LN2, -0.5 * LN2, 1.5 * LN2, -1.5 * LN2, 1024 * LN2,
  // sin/cos: pi/4, 3pi/4, n·pi/2 (the cancellation checks), 2^19·pi/2, and large arguments
  Math.PI / 4, -Math.PI / 4, (3 * Math.PI) / 4, -(3 * Math.PI) / 4, 0.3, 0.78125,
  ...Array.from({ length: 40 }, (_, n) => (n * Math.PI) / 2), ...Array.from({ length: 40 }, (_, n) => -(n * Math.PI) / 2),
  2 ** 19 * (Math.PI / 2), 2 ** 20 * (Math.PI / 2), 1e6, 1e9, 1e22, 2 ** 53, 2 ** 60, 2 ** 100, 2 ** 1000, 2 ** 1023,
  6381956970095103 * 2 ** 797, // the classic hardest case for reduction
  ...Array.from({ length: 1000 }, (_, i) => i + 1),
]);

function checks(mismatches: (fn: number, xs: Float64Array) => string[]): void {
  it('on edge cases: zeros, subnormals, ±Infinity, NaN, thresholds, n·π/2, huge arguments (and their neighbours)', () => {
    for (let fn = 0; fn < FNS.length; fn++) expect(mismatches(fn, EDGES)).toEqual([]);
  });

  it('on 10^6 arguments each over the ranges the model uses: log (0, 1], exp [-50, 50], sin and cos [0, 2π)', () => {
    expect(mismatches(LOG, uniform(1, 0, 1).map((u) => 1 - u))).toEqual([]);
    expect(mismatches(LOG, logUniformUnit(2))).toEqual([]);
    expect(mismatches(EXP, uniform(3, -50, 50))).toEqual([]);
    const angles = uniform(4, 0, 2 * Math.PI);
    for (const fn of [SIN, COS, SINCOS_SIN, SINCOS_COS]) expect(mismatches(fn, angles)).toEqual([]);
  });

  it('on the draws the synthetic usage makes: 10^6 window seeds → log of the unit, sin and cos of 2π·unit', () => {
    // unit(seed, j) of assembly/synthetic-usage.ts and src/io/synthetic-usage.ts, for windows 0.. of a few keys.
    const units = new Float64Array(N), angles = new Float64Array(N);
    const mix32 = (h: number): number => {
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      return (h ^ (h >>> 16)) >>> 0;
    };
    const unit = (seed: number, j: number): number => (mix32(seed ^ Math.imul(j + 1, 0x85ebca77)) + 0.5) / 4294967296;
    for (let i = 0; i < N; i++) {
      const ws = windowSeed(Math.imul(0x9e3779b9, (i >>> 12) + 1) >>> 0, i & 4095);
      units[i] = unit(ws, 0);
      angles[i] = 2 * Math.PI * unit(ws, 1);
    }
    expect(mismatches(LOG, units)).toEqual([]);
    for (const fn of [SIN, COS, SINCOS_SIN, SINCOS_COS]) expect(mismatches(fn, angles)).toEqual([]);
  });

  it('on 10^6 random bit patterns each (every exponent: huge reductions, subnormals, NaN, ±Infinity)', () => {
    for (let fn = 0; fn < 4; fn++) expect(mismatches(fn, anyBits(10 + fn))).toEqual([]);
  });

  it('on exp over its whole finite range and sin/cos up to 2^20·π/2 (the medium reduction)', () => {
    expect(mismatches(EXP, uniform(20, -746, 710))).toEqual([]);
    const medium = uniform(21, -(2 ** 20) * Math.PI, 2 ** 20 * Math.PI);
    for (const fn of [SIN, COS, SINCOS_SIN, SINCOS_COS]) expect(mismatches(fn, medium)).toEqual([]);
  });

  it('for any double fast-check picks', () => {
    fc.assert(fc.property(fc.array(fc.double(), { minLength: 1, maxLength: 200 }), (xs) => {
      const a = Float64Array.from(xs);
      for (let fn = 0; fn < FNS.length; fn++) expect(mismatches(fn, a)).toEqual([]);
    }), { numRuns: 200 });
    fc.assert(fc.property(fc.array(fc.double({ min: -60, max: 60, noNaN: true }), { minLength: 1, maxLength: 200 }), (xs) => {
      const a = Float64Array.from(xs);
      for (let fn = 0; fn < FNS.length; fn++) expect(mismatches(fn, a)).toEqual([]);
    }), { numRuns: 200 });
  });
}

describe('the TypeScript V8 Math port equals the WebAssembly one bit for bit (engine-independent)', () => checks(tsVsWasm));

// Fails first on an engine whose Math is not V8 11.3's fdlibm (see the top of this file).
describe('both V8 Math ports equal this engine\'s Math.* bit for bit (V8 11.3, Node 20)', () => checks(portsVsMath));

/** exp (0), log (1), sin (4) or cos (5) two at a time (v8Exp2 / v8Log2 / v8SinCos2 through v8MathFill2). */
function pairPort(fn: number, xs: Float64Array): Float64Array {
  return withScratch((core) => {
    const x = core.alloc(xs.length * 8 + 16);
    const out = core.alloc(xs.length * 8 + 16);
    core.f64(x, xs.length).set(xs);
    core.exports.v8MathFill2(fn, x, xs.length, out);
    return core.f64(out, xs.length).slice();
  });
}

/** The pairs against the scalar port and Math, with the arguments paired both ways (shifted by one). */
function pairsVsScalar(fn: number, xs: Float64Array): string[] {
  const bad: string[] = [];
  for (const a of [xs, xs.subarray(1)]) {
    bad.push(...differences('scalar WebAssembly port vs pairs', fn, a, port(fn, a), pairPort(fn, a)));
    bad.push(...differences('Math vs pairs', fn, a, a.map(JS[fn]!), pairPort(fn, a)));
  }
  return bad;
}

describe('exp, log, and sin and cos two at a time (v8Exp2, v8Log2, v8SinCos2: SIMD) equal the scalar port bit for bit', () => {
  it('on edge cases and their neighbours, each paired with every kind of neighbour', () => {
    expect(pairsVsScalar(EXP, EDGES)).toEqual([]);
    expect(pairsVsScalar(LOG, EDGES)).toEqual([]);
    // Each edge beside a plain value and beside another edge: a lane off the common path sends both to the scalar code.
    const mixed = Float64Array.from(Array.from(EDGES).flatMap((x, i) => [x, i % 3 === 0 ? 0.3 : i % 3 === 1 ? -2.5 : EDGES[(i * 7) % EDGES.length]!]));
    expect(pairsVsScalar(EXP, mixed)).toEqual([]);
    expect(pairsVsScalar(LOG, mixed)).toEqual([]);
  });

  it('on 10^6 arguments each: log (0, 1] and its whole domain below 1, exp over the draws\' range and its whole finite range', () => {
    expect(pairsVsScalar(LOG, uniform(31, 0, 1).map((u) => 1 - u))).toEqual([]);
    expect(pairsVsScalar(LOG, logUniformUnit(32))).toEqual([]);
    expect(pairsVsScalar(LOG, uniform(33, 0, 1e6))).toEqual([]);
    expect(pairsVsScalar(EXP, uniform(34, -12, 12))).toEqual([]);
    expect(pairsVsScalar(EXP, uniform(35, -746, 710))).toEqual([]);
    // Dense around the ends of exp's reduction bands (0.5·ln2, 1.5·ln2) and of the k = 0 range.
    const bands = Float64Array.from({ length: N }, (_, i) => (i % 2 ? -1 : 1) * [0.5 * LN2, 1.5 * LN2, 2.5 * LN2][i % 3]! * (1 + ((i % 20001) - 10000) * 1e-12));
    expect(pairsVsScalar(EXP, bands)).toEqual([]);
  });

  it('sin and cos on 10^6 angles each: [0, 2π) as the draws use, ±40, around n·π/2 and π/4, 3π/4, 0.3, 0.78125', () => {
    for (const fn of [SINCOS_SIN, SINCOS_COS]) {
      expect(pairsVsScalar(fn, EDGES)).toEqual([]);
      expect(pairsVsScalar(fn, uniform(38, 0, 2 * Math.PI))).toEqual([]);
      expect(pairsVsScalar(fn, uniform(39, -40, 40))).toEqual([]);
      // Reduced arguments near the kernels' thresholds (|y| = 0.3, 0.78125, π/4) and angles near n·π/2.
      const near = Float64Array.from({ length: N }, (_, i) => {
        const base = [Math.PI / 4, (3 * Math.PI) / 4, 0.3, 0.78125, Math.PI / 2 + 0.3, Math.PI / 2 + 0.78125, Math.PI, 1.5 * Math.PI, 2 * Math.PI, Math.PI / 2 - 0.3][i % 10]!;
        return base * (1 + (((i * 7919) % 200001) - 100000) * 1e-13);
      });
      expect(pairsVsScalar(fn, near)).toEqual([]);
    }
  });

  it('on 10^6 random bit patterns each, and on any doubles fast-check picks', () => {
    expect(pairsVsScalar(EXP, anyBits(36))).toEqual([]);
    expect(pairsVsScalar(LOG, anyBits(37))).toEqual([]);
    expect(pairsVsScalar(SINCOS_SIN, anyBits(40))).toEqual([]);
    expect(pairsVsScalar(SINCOS_COS, anyBits(41))).toEqual([]);
    fc.assert(fc.property(fc.array(fc.double(), { minLength: 1, maxLength: 200 }), (xs) => {
      const a = Float64Array.from(xs);
      expect([EXP, LOG, SINCOS_SIN, SINCOS_COS].flatMap((fn) => pairsVsScalar(fn, a))).toEqual([]);
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.array(fc.double({ min: -60, max: 60, noNaN: true }), { minLength: 1, maxLength: 200 }), (xs) => {
      const a = Float64Array.from(xs);
      expect([SINCOS_SIN, SINCOS_COS].flatMap((fn) => pairsVsScalar(fn, a))).toEqual([]);
    }), { numRuns: 300 });
  });
});
