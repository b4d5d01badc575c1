// exp, log, sin and cos computed exactly as V8 computes Math.exp, Math.log,
// Math.sin and Math.cos in the V8 of Node 20 (V8 11.3), so that values drawn in
// the core equal the TypeScript ones bit for bit without calling out to
// JavaScript (docs/model.md, "Bounded memory").
//
// Source: V8's src/base/ieee754.cc (ieee754::exp, ieee754::log, ieee754::sin,
// ieee754::cos with __kernel_sin, __kernel_cos, __ieee754_rem_pio2 and
// __kernel_rem_pio2), itself adapted from fdlibm (netlib.org/fdlibm). V8 11.3 has no
// `--use-libm-trig-functions` (the glibc-derived sin/cos came in later V8s),
// so its sin/cos are fdlibm's. Ported operation for operation: same constants,
// same order of floating-point operations (WebAssembly f64 arithmetic is
// IEEE 754 binary64 with round-to-nearest and no fused multiply–add, as the
// x64 SSE2 code V8 is built to). Branches that only raise floating-point
// flags in C ("generate inexact") keep their returned value. Checked against
// Math.* bit for bit by test/kernels/v8-math.test.ts.
//
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunSoft, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================
//
// The original source code covered by the above license has been modified
// significantly by Google Inc. (V8's src/base/ieee754.cc), under V8's licence:
//
// Copyright 2016 the V8 project authors. All rights reserved.
// Redistribution and use in source and binary forms, with or without
// modification, are permitted provided that the following conditions are
// met:
//     * Redistributions of source code must retain the above copyright
//       notice, this list of conditions and the following disclaimer.
//     * Redistributions in binary form must reproduce the above
//       copyright notice, this list of conditions and the following
//       disclaimer in the documentation and/or other materials provided
//       with the distribution.
//     * Neither the name of Google Inc. nor the names of its
//       contributors may be used to endorse or promote products derived
//       from this software without specific prior written permission.
// THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
// "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
// LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR
// A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT
// OWNER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL,
// SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT
// LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE,
// DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY
// THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
// (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
// OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
//
// This port to AssemblyScript is part of fairfit (MIT licence, LICENSE).

// @ts-ignore: decorator
@inline function highWord(x: f64): i32 { return <i32>(reinterpret<u64>(x) >> 32); }
// @ts-ignore: decorator
@inline function lowWord(x: f64): u32 { return <u32>reinterpret<u64>(x); }
// @ts-ignore: decorator
@inline function fromWords(hi: i32, lo: u32): f64 { return reinterpret<f64>((<u64><u32>hi << 32) | <u64>lo); }
// @ts-ignore: decorator
@inline function withHighWord(x: f64, hi: i32): f64 { return fromWords(hi, lowWord(x)); }

// ---------------------------------------------------------------- exp

/** V8's `ieee754::exp` (fdlibm e_exp.c plus V8's exp(1) = E special case). */
export function v8Exp(x: f64): f64 {
  const o_threshold = 7.09782712893383973096e+02; /* 0x40862E42, 0xFEFA39EF */
  const u_threshold = -7.45133219101941108420e+02; /* 0xC0874910, 0xD52D3051 */
  const ln2HI = 6.93147180369123816490e-01; /* 0x3FE62E42, 0xFEE00000 */
  const ln2LO = 1.90821492927058770002e-10; /* 0x3DEA39EF, 0x35793C76 */
  const invln2 = 1.44269504088896338700e+00; /* 0x3FF71547, 0x652B82FE */
  const P1 = 1.66666666666666019037e-01; /* 0x3FC55555, 0x5555553E */
  const P2 = -2.77777777770155933842e-03; /* 0xBF66C16C, 0x16BEBD93 */
  const P3 = 6.61375632143793436117e-05; /* 0x3F11566A, 0xAF25DE2C */
  const P4 = -1.65339022054652515390e-06; /* 0xBEBBBD41, 0xC5D26BF1 */
  const P5 = 4.13813679705723846039e-08; /* 0x3E663769, 0x72BEA4D0 */
  const E = 2.718281828459045; /* 0x4005BF0A, 0x8B145769 */
  const huge = 1.0e+300;
  const twom1000 = 9.33263618503218878990e-302; /* 2**-1000 */
  const two1023 = 8.988465674311579539e307; /* 0x1p1023 */

  let hi = 0.0, lo = 0.0;
  let k: i32 = 0;
  let hx = <u32>highWord(x);
  const xsb = <i32>(hx >> 31); /* sign bit of x */
  hx &= 0x7FFFFFFF; /* high word of |x| */

  /* filter out non-finite argument */
  if (hx >= 0x40862E42) { /* if |x|>=709.78... */
    if (hx >= 0x7FF00000) {
      if (((hx & 0xFFFFF) | lowWord(x)) != 0) return x + x; /* NaN */
      return xsb == 0 ? x : 0.0; /* exp(+-inf)={inf,0} */
    }
    if (x > o_threshold) return huge * huge; /* overflow */
    if (x < u_threshold) return twom1000 * twom1000; /* underflow */
  }

  /* argument reduction */
  if (hx > 0x3FD62E42) { /* if |x| > 0.5 ln2 */
    if (hx < 0x3FF0A2B2) { /* and |x| < 1.5 ln2 */
      if (x == 1.0) return E;
      hi = x - (xsb == 0 ? ln2HI : -ln2HI);
      lo = xsb == 0 ? ln2LO : -ln2LO;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(invln2 * x + (xsb == 0 ? 0.5 : -0.5));
      const t = <f64>k;
      hi = x - t * ln2HI; /* t*ln2HI is exact here */
      lo = t * ln2LO;
    }
    x = hi - lo;
  } else if (hx < 0x3E300000) { /* when |x|<2**-28 */
    return 1.0 + x; /* (huge + x > one always holds here) */
  }

  /* x is now in primary range */
  const t = x * x;
  const twopk = k >= -1021 ? fromWords(0x3FF00000 + (k << 20), 0) : fromWords(0x3FF00000 + ((k + 1000) << 20), 0);
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * two1023;
    return y * twopk;
  }
  return y * twopk * twom1000;
}

// ---------------------------------------------------------------- log

/** V8's `ieee754::log` (fdlibm e_log.c). */
export function v8Log(x: f64): f64 {
  const ln2_hi = 6.93147180369123816490e-01; /* 3fe62e42 fee00000 */
  const ln2_lo = 1.90821492927058770002e-10; /* 3dea39ef 35793c76 */
  const two54 = 1.80143985094819840000e+16; /* 43500000 00000000 */
  const Lg1 = 6.666666666666735130e-01; /* 3FE55555 55555593 */
  const Lg2 = 3.999999999940941908e-01; /* 3FD99999 9997FA04 */
  const Lg3 = 2.857142874366239149e-01; /* 3FD24924 94229359 */
  const Lg4 = 2.222219843214978396e-01; /* 3FCC71C5 1D8E78AF */
  const Lg5 = 1.818357216161805012e-01; /* 3FC74664 96CB03DE */
  const Lg6 = 1.531383769920937332e-01; /* 3FC39A09 D078C69F */
  const Lg7 = 1.479819860511658591e-01; /* 3FC2F112 DF3E5244 */

  let hx = highWord(x);
  let k: i32 = 0;
  if (hx < 0x00100000) { /* x < 2**-1022 */
    if (((hx & 0x7FFFFFFF) | lowWord(x)) == 0) return -Infinity; /* log(+-0)=-inf */
    if (hx < 0) return reinterpret<f64>(0x7FF4000000000000); /* log(-#) = NaN (C++'s signaling_NaN()) */
    k -= 54;
    x *= two54; /* subnormal number, scale up x */
    hx = highWord(x);
  }
  if (hx >= 0x7FF00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000FFFFF;
  let i = (hx + 0x95F64) & 0x100000;
  x = withHighWord(x, hx | (i ^ 0x3FF00000)); /* normalize x or x/2 */
  k += i >> 20;
  const f = x - 1.0;
  if ((0x000FFFFF & (2 + hx)) < 3) { /* -2**-20 <= f < 2**-20 */
    if (f == 0.0) {
      if (k == 0) return 0.0;
      const dk = <f64>k;
      return dk * ln2_hi + dk * ln2_lo;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    const dk = <f64>k;
    return dk * ln2_hi - ((R - dk * ln2_lo) - f);
  }
  const s = f / (2.0 + f);
  const dk = <f64>k;
  const z = s * s;
  i = hx - 0x6147A;
  const w = z * z;
  const j = 0x6B851 - hx;
  const t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

// ---------------------------------------------------------------- sin, cos

/* __kernel_cos(x, y): cos on [-pi/4, pi/4]; y is the tail of x. */
// @ts-ignore: decorator
@inline function kernelCos(x: f64, y: f64): f64 {
  const C1 = 4.16666666666666019037e-02; /* 0x3FA55555, 0x5555554C */
  const C2 = -1.38888888888741095749e-03; /* 0xBF56C16C, 0x16C15177 */
  const C3 = 2.48015872894767294178e-05; /* 0x3EFA01A0, 0x19CB1590 */
  const C4 = -2.75573143513906633035e-07; /* 0xBE927E4F, 0x809C52AD */
  const C5 = 2.08757232129817482790e-09; /* 0x3E21EE9E, 0xBDB4B1C4 */
  const C6 = -1.13596475577881948265e-11; /* 0xBDA8FAE9, 0xBE8838D4 */
  const ix = highWord(x) & 0x7FFFFFFF; /* ix = |x|'s high word */
  if (ix < 0x3E400000) return 1.0; /* if x < 2**27 (int(x) == 0 always) */
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3FD33333) return 1.0 - (0.5 * z - (z * r - x * y)); /* if |x| < 0.3 */
  const qx = ix > 0x3FE90000 ? 0.28125 : fromWords(ix - 0x00200000, 0); /* x > 0.78125 ? 0.28125 : x/4 */
  const iz = 0.5 * z - qx;
  const a = 1.0 - qx;
  return a - (iz - (z * r - x * y));
}

/* __kernel_sin(x, y, iy): sin on [-pi/4, pi/4]; y is the tail of x, iy == 0 when y is 0. */
// @ts-ignore: decorator
@inline function kernelSin(x: f64, y: f64, iy: i32): f64 {
  const S1 = -1.66666666666666324348e-01; /* 0xBFC55555, 0x55555549 */
  const S2 = 8.33333333332248946124e-03; /* 0x3F811111, 0x1110F8A6 */
  const S3 = -1.98412698298579493134e-04; /* 0xBF2A01A0, 0x19C161D5 */
  const S4 = 2.75573137070700676789e-06; /* 0x3EC71DE3, 0x57B1FE7D */
  const S5 = -2.50507602534068634195e-08; /* 0xBE5AE5E6, 0x8A2B9CEB */
  const S6 = 1.58969099521155010221e-10; /* 0x3DE5D93A, 0x5ACFD57C */
  const ix = highWord(x) & 0x7FFFFFFF; /* high word of x */
  if (ix < 0x3E400000) return x; /* |x| < 2**-27 (int(x) == 0 always) */
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (iy == 0) return x + v * (S1 + z * r);
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

/* High words of n·pi/2 for n = 1 .. 32 (cancellation check in remPio2). */
const NPIO2_HW = memory.data<i32>([
  0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB, 0x401F6A7A, 0x4022D97C,
  0x4025FDBB, 0x402921FB, 0x402C463A, 0x402F6A7A, 0x4031475C, 0x4032D97C,
  0x40346B9C, 0x4035FDBB, 0x40378FDB, 0x403921FB, 0x403AB41B, 0x403C463A,
  0x403DD85A, 0x403F6A7A, 0x40407E4C, 0x4041475C, 0x4042106C, 0x4042D97C,
  0x4043A28C, 0x40446B9C, 0x404534AC, 0x4045FDBB, 0x4046C6CB, 0x40478FDB,
  0x404858EB, 0x404921FB,
]);

/* 2/pi in 24-bit chunks: 396 hex digits (476 decimal). */
const TWO_OVER_PI = memory.data<i32>([
  0xA2F983, 0x6E4E44, 0x1529FC, 0x2757D1, 0xF534DD, 0xC0DB62, 0x95993C,
  0x439041, 0xFE5163, 0xABDEBB, 0xC561B7, 0x246E3A, 0x424DD2, 0xE00649,
  0x2EEA09, 0xD1921C, 0xFE1DEB, 0x1CB129, 0xA73EE8, 0x8235F5, 0x2EBB44,
  0x84E99C, 0x7026B4, 0x5F7E41, 0x3991D6, 0x398353, 0x39F49C, 0x845F8B,
  0xBDF928, 0x3B1FF8, 0x97FFDE, 0x05980F, 0xEF2F11, 0x8B5A0A, 0x6D1F6D,
  0x367ECF, 0x27CB09, 0xB74F46, 0x3F669E, 0x5FEA2D, 0x7527BA, 0xC7EBE5,
  0xF17B3D, 0x0739F7, 0x8A5292, 0xEA6BFB, 0x5FB11F, 0x8D5D08, 0x560330,
  0x46FC7B, 0x6BABF0, 0xCFBC20, 0x9AF436, 0x1DA9E3, 0x91615E, 0xE61B08,
  0x659985, 0x5F14A0, 0x68408D, 0xFFD880, 0x4D7327, 0x310606, 0x1556CA,
  0x73A8C9, 0x60E27B, 0xC08C6B,
]);

/* pi/2 cut into 24-bit chunks. */
const PIO2 = memory.data<f64>([
  1.57079625129699707031e+00, /* 0x3FF921FB, 0x40000000 */
  7.54978941586159635335e-08, /* 0x3E74442D, 0x00000000 */
  5.39030252995776476554e-15, /* 0x3CF84698, 0x80000000 */
  3.28200341580791294123e-22, /* 0x3B78CC51, 0x60000000 */
  1.27065575308067607349e-29, /* 0x39F01B83, 0x80000000 */
  1.22933308981111328932e-36, /* 0x387A2520, 0x40000000 */
  2.73370053816464559624e-44, /* 0x36E38222, 0x80000000 */
  2.16741683877804819444e-51, /* 0x3569F31D, 0x00000000 */
]);

// Scratch arrays of __kernel_rem_pio2 (x[3], f[20], q[20], fq[20], iq[20]): static, the core is single-threaded.
const TX = memory.data(3 << 3, 8);
const KF = memory.data(20 << 3, 8);
const KQ = memory.data(20 << 3, 8);
const KFQ = memory.data(20 << 3, 8);
const KIQ = memory.data(20 << 2, 4);

// @ts-ignore: decorator
@inline function getF(a: usize, i: i32): f64 { return load<f64>(a + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function setF(a: usize, i: i32, v: f64): void { store<f64>(a + (<usize>i << 3), v); }
// @ts-ignore: decorator
@inline function getI(a: usize, i: i32): i32 { return load<i32>(a + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function setI(a: usize, i: i32, v: i32): void { store<i32>(a + (<usize>i << 2), v); }

/* The reduced argument y0 + y1 of remPio2 (C's y[0], y[1]). */
let remY0: f64 = 0, remY1: f64 = 0;

/*
 * __kernel_rem_pio2(x, y, e0, nx, prec = 2, two_over_pi): x (TX[0..nx)) rem pi/2
 * into remY0 + remY1; returns the last three bits of N. prec 2 (64-bit) as V8
 * calls it, so jk = jp = 4.
 */
function kernelRemPio2(e0: i32, nx: i32): i32 {
  const two24 = 1.67772160000000000000e+07; /* 0x41700000, 0x00000000 */
  const twon24 = 5.96046447753906250000e-08; /* 0x3E700000, 0x00000000 */
  const jk = 4, jp = 4;
  let i: i32, j: i32, k: i32, n: i32, ih: i32, carry: i32;
  let z: f64, fw: f64;

  /* determine jx,jv,q0, note that 3>q0 */
  const jx = nx - 1;
  let jv = (e0 - 3) / 24;
  if (jv < 0) jv = 0;
  let q0 = e0 - 24 * (jv + 1);

  /* set up f[0] to f[jx+jk] where f[jx+jk] = ipio2[jv+jk] */
  j = jv - jx;
  const m = jx + jk;
  for (i = 0; i <= m; i++, j++) setF(KF, i, j < 0 ? 0.0 : <f64>getI(TWO_OVER_PI, j));

  /* compute q[0],q[1],...q[jk] */
  for (i = 0; i <= jk; i++) {
    fw = 0.0;
    for (j = 0; j <= jx; j++) fw += getF(TX, j) * getF(KF, jx + i - j);
    setF(KQ, i, fw);
  }

  let jz = jk;
  while (true) { // recompute:
    /* distill q[] into iq[] reversingly */
    z = getF(KQ, jz);
    for (i = 0, j = jz; j > 0; i++, j--) {
      fw = <f64><i32>(twon24 * z);
      setI(KIQ, i, <i32>(z - two24 * fw));
      z = getF(KQ, j - 1) + fw;
    }

    /* compute n */
    z = NativeMath.scalbn(z, q0); /* actual value of z */
    z -= 8.0 * Math.floor(z * 0.125); /* trim off integer >= 8 */
    n = <i32>z;
    z -= <f64>n;
    ih = 0;
    if (q0 > 0) { /* need iq[jz-1] to determine n */
      i = getI(KIQ, jz - 1) >> (24 - q0);
      n += i;
      setI(KIQ, jz - 1, getI(KIQ, jz - 1) - (i << (24 - q0)));
      ih = getI(KIQ, jz - 1) >> (23 - q0);
    } else if (q0 == 0) {
      ih = getI(KIQ, jz - 1) >> 23;
    } else if (z >= 0.5) {
      ih = 2;
    }

    if (ih > 0) { /* q > 0.5 */
      n += 1;
      carry = 0;
      for (i = 0; i < jz; i++) { /* compute 1-q */
        j = getI(KIQ, i);
        if (carry == 0) {
          if (j != 0) {
            carry = 1;
            setI(KIQ, i, 0x1000000 - j);
          }
        } else {
          setI(KIQ, i, 0xFFFFFF - j);
        }
      }
      if (q0 == 1) setI(KIQ, jz - 1, getI(KIQ, jz - 1) & 0x7FFFFF); /* rare case: chance is 1 in 12 */
      else if (q0 == 2) setI(KIQ, jz - 1, getI(KIQ, jz - 1) & 0x3FFFFF);
      if (ih == 2) {
        z = 1.0 - z;
        if (carry != 0) z -= NativeMath.scalbn(1.0, q0);
      }
    }

    /* check if recomputation is needed */
    if (z == 0.0) {
      j = 0;
      for (i = jz - 1; i >= jk; i--) j |= getI(KIQ, i);
      if (j == 0) { /* need recomputation */
        for (k = 1; jk >= k && getI(KIQ, jk - k) == 0; k++) { /* k = no. of terms needed */ }
        for (i = jz + 1; i <= jz + k; i++) { /* add q[jz+1] to q[jz+k] */
          setF(KF, jx + i, <f64>getI(TWO_OVER_PI, jv + i));
          fw = 0.0;
          for (j = 0; j <= jx; j++) fw += getF(TX, j) * getF(KF, jx + i - j);
          setF(KQ, i, fw);
        }
        jz += k;
        continue;
      }
    }
    break;
  }

  /* chop off zero terms */
  if (z == 0.0) {
    jz -= 1;
    q0 -= 24;
    while (getI(KIQ, jz) == 0) {
      jz--;
      q0 -= 24;
    }
  } else { /* break z into 24-bit if necessary */
    z = NativeMath.scalbn(z, -q0);
    if (z >= two24) {
      fw = <f64><i32>(twon24 * z);
      setI(KIQ, jz, <i32>(z - two24 * fw));
      jz += 1;
      q0 += 24;
      setI(KIQ, jz, <i32>fw);
    } else {
      setI(KIQ, jz, <i32>z);
    }
  }

  /* convert integer "bit" chunk to floating-point value */
  fw = NativeMath.scalbn(1.0, q0);
  for (i = jz; i >= 0; i--) {
    setF(KQ, i, fw * <f64>getI(KIQ, i));
    fw *= twon24;
  }

  /* compute PIo2[0,...,jp]*q[jz,...,0] */
  for (i = jz; i >= 0; i--) {
    fw = 0.0;
    for (k = 0; k <= jp && k <= jz - i; k++) fw += getF(PIO2, k) * getF(KQ, i + k);
    setF(KFQ, jz - i, fw);
  }

  /* compress fq[] into y[] (prec 2) */
  fw = 0.0;
  for (i = jz; i >= 0; i--) fw += getF(KFQ, i);
  remY0 = ih == 0 ? fw : -fw;
  fw = getF(KFQ, 0) - fw;
  for (i = 1; i <= jz; i++) fw += getF(KFQ, i);
  remY1 = ih == 0 ? fw : -fw;
  return n & 7;
}

/* __ieee754_rem_pio2(x, y): x rem pi/2 into remY0 + remY1; returns n (x = n·pi/2 + y). */
function remPio2(x: f64): i32 {
  const two24 = 1.67772160000000000000e+07; /* 0x41700000, 0x00000000 */
  const invpio2 = 6.36619772367581382433e-01; /* 0x3FE45F30, 0x6DC9C883 */
  const pio2_1 = 1.57079632673412561417e+00; /* 0x3FF921FB, 0x54400000 */
  const pio2_1t = 6.07710050650619224932e-11; /* 0x3DD0B461, 0x1A626331 */
  const pio2_2 = 6.07710050630396597660e-11; /* 0x3DD0B461, 0x1A600000 */
  const pio2_2t = 2.02226624879595063154e-21; /* 0x3BA3198A, 0x2E037073 */
  const pio2_3 = 2.02226624871116645580e-21; /* 0x3BA3198A, 0x2E000000 */
  const pio2_3t = 8.47842766036889956997e-32; /* 0x397B839A, 0x252049C1 */

  const hx = highWord(x);
  const ix = hx & 0x7FFFFFFF;
  if (ix <= 0x3FE921FB) { /* |x| ~<= pi/4 , no need for reduction */
    remY0 = x;
    remY1 = 0;
    return 0;
  }
  if (ix < 0x4002D97C) { /* |x| < 3pi/4, special case with n=+-1 */
    if (hx > 0) {
      let z = x - pio2_1;
      if (ix != 0x3FF921FB) { /* 33+53 bit pi is good enough */
        remY0 = z - pio2_1t;
        remY1 = (z - remY0) - pio2_1t;
      } else { /* near pi/2, use 33+33+53 bit pi */
        z -= pio2_2;
        remY0 = z - pio2_2t;
        remY1 = (z - remY0) - pio2_2t;
      }
      return 1;
    }
    let z = x + pio2_1;
    if (ix != 0x3FF921FB) {
      remY0 = z + pio2_1t;
      remY1 = (z - remY0) + pio2_1t;
    } else {
      z += pio2_2;
      remY0 = z + pio2_2t;
      remY1 = (z - remY0) + pio2_2t;
    }
    return -1;
  }
  if (ix <= 0x413921FB) { /* |x| ~<= 2^19*(pi/2), medium size */
    let t = Math.abs(x);
    const n = <i32>(t * invpio2 + 0.5);
    const fn = <f64>n;
    let r = t - fn * pio2_1;
    let w = fn * pio2_1t; /* 1st round good to 85 bit */
    let y0: f64;
    if (n < 32 && ix != getI(NPIO2_HW, n - 1)) {
      y0 = r - w; /* quick check no cancellation */
    } else {
      const j = ix >> 20;
      y0 = r - w;
      let i = j - ((highWord(y0) >> 20) & 0x7FF);
      if (i > 16) { /* 2nd iteration needed, good to 118 */
        t = r;
        w = fn * pio2_2;
        r = t - w;
        w = fn * pio2_2t - ((t - r) - w);
        y0 = r - w;
        i = j - ((highWord(y0) >> 20) & 0x7FF);
        if (i > 49) { /* 3rd iteration need, 151 bits acc */
          t = r;
          w = fn * pio2_3;
          r = t - w;
          w = fn * pio2_3t - ((t - r) - w);
          y0 = r - w;
        }
      }
    }
    const y1 = (r - y0) - w;
    if (hx < 0) {
      remY0 = -y0;
      remY1 = -y1;
      return -n;
    }
    remY0 = y0;
    remY1 = y1;
    return n;
  }
  /* all other (large) arguments */
  if (ix >= 0x7FF00000) { /* x is inf or NaN */
    remY0 = remY1 = x - x;
    return 0;
  }
  /* set z = scalbn(|x|,ilogb(x)-23) */
  const e0 = (ix >> 20) - 1046; /* e0 = ilogb(z)-23; */
  let z = fromWords(ix - (e0 << 20), lowWord(x));
  for (let i = 0; i < 2; i++) {
    const v = <f64><i32>z;
    setF(TX, i, v);
    z = (z - v) * two24;
  }
  setF(TX, 2, z);
  let nx = 3;
  while (getF(TX, nx - 1) == 0.0) nx--; /* skip zero term */
  const n = kernelRemPio2(e0, nx);
  if (hx < 0) {
    remY0 = -remY0;
    remY1 = -remY1;
    return -n;
  }
  return n;
}

/** V8's `ieee754::sin` (fdlibm s_sin.c). */
export function v8Sin(x: f64): f64 {
  const ix = highWord(x) & 0x7FFFFFFF;
  if (ix <= 0x3FE921FB) return kernelSin(x, 0.0, 0); /* |x| ~< pi/4 */
  if (ix >= 0x7FF00000) return x - x; /* sin(Inf or NaN) is NaN */
  const n = remPio2(x);
  switch (n & 3) {
    case 0: return kernelSin(remY0, remY1, 1);
    case 1: return kernelCos(remY0, remY1);
    case 2: return -kernelSin(remY0, remY1, 1);
    default: return -kernelCos(remY0, remY1);
  }
}

/** V8's `ieee754::cos` (fdlibm s_cos.c). */
export function v8Cos(x: f64): f64 {
  const ix = highWord(x) & 0x7FFFFFFF;
  if (ix <= 0x3FE921FB) return kernelCos(x, 0.0); /* |x| ~< pi/4 */
  if (ix >= 0x7FF00000) return x - x; /* cos(Inf or NaN) is NaN */
  const n = remPio2(x);
  switch (n & 3) {
    case 0: return kernelCos(remY0, remY1);
    case 1: return -kernelSin(remY0, remY1, 1);
    case 2: return -kernelCos(remY0, remY1);
    default: return kernelSin(remY0, remY1, 1);
  }
}

/** The sine written by {@link v8SinCos}. */
export let sinOut: f64 = 0;

/**
 * `v8Cos(x)`, with `v8Sin(x)` left in {@link sinOut}: both from one argument
 * reduction (the reduction is the same computation in both, so the results are
 * the same bits as two separate calls).
 */
export function v8SinCos(x: f64): f64 {
  const ix = highWord(x) & 0x7FFFFFFF;
  if (ix <= 0x3FE921FB) {
    sinOut = kernelSin(x, 0.0, 0);
    return kernelCos(x, 0.0);
  }
  if (ix >= 0x7FF00000) {
    sinOut = x - x;
    return x - x;
  }
  const n = remPio2(x);
  const s = kernelSin(remY0, remY1, 1), c = kernelCos(remY0, remY1);
  switch (n & 3) {
    case 0: sinOut = s; return c;
    case 1: sinOut = c; return -s;
    case 2: sinOut = -s; return -c;
    default: sinOut = -c; return s;
  }
}

/**
 * Test entry point: `out[i] = f(x[i])` for i < n, f = 0 exp, 1 log, 2 sin,
 * 3 cos, 4 sin and 5 cos through {@link v8SinCos}. Lets a test compare the
 * ports with JavaScript's Math on millions of arguments in one call.
 */
export function v8MathFill(f: i32, x: usize, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const a = load<f64>(x + (<usize>i << 3));
    let v: f64;
    switch (f) {
      case 0: v = v8Exp(a); break;
      case 1: v = v8Log(a); break;
      case 2: v = v8Sin(a); break;
      case 3: v = v8Cos(a); break;
      case 4: v8SinCos(a); v = sinOut; break;
      default: v = v8SinCos(a); break;
    }
    store<f64>(out + (<usize>i << 3), v);
  }
}

// ---------------------------------------------------------------- two at a time

// v8Exp and v8Log of two arguments at once (f64x2), bit for bit: the same operations in each lane
// on the paths the synthetic usage takes. A lane off those paths (non-finite, tiny or huge |x|,
// exp(1), log near 1 or outside the normal numbers) sends both lanes through the scalar functions.
// Where the scalar code has a k == 0 formula and a general one, the lanes take the general one with
// k = 0: the two give the same bits (0 − y is exactly −y, and c − 2 exactly −(2 − c)), checked in
// test/kernels/v8-math.test.ts against Math.exp and Math.log on the same random sets as the scalar
// ports. The exp band 0.5·ln2 < |x| < 1.5·ln2, which V8 reduces with k = ±1 outright, takes the
// general k, which is ±1 there: the band's high-word bounds lie strictly inside (0.5·ln2, 1.5·ln2),
// so k·ln2_hi and k·ln2_lo are ±ln2_hi and ±ln2_lo exactly, as in V8's branch.

// @ts-ignore: decorator
@inline function pairOf(a: f64, b: f64): v128 { return f64x2.replace_lane(f64x2.splat(a), 1, b); }

/** exp of both lanes of `x` (see above). Inlined: a v128 cannot cross an export. */
// @ts-ignore: decorator
@inline export function v8Exp2(x: v128): v128 {
  const ln2HI = 6.93147180369123816490e-01;
  const ln2LO = 1.90821492927058770002e-10;
  const invln2 = 1.44269504088896338700e+00;
  const P1 = 1.66666666666666019037e-01;
  const P2 = -2.77777777770155933842e-03;
  const P3 = 6.61375632143793436117e-05;
  const P4 = -1.65339022054652515390e-06;
  const P5 = 4.13813679705723846039e-08;
  const hx = v128.and(i64x2.shr_u(x, 32), i64x2.splat(0x7FFFFFFF)); // high word of |x|
  // |x| ≥ 512 (non-finite, overflow, underflow, k < −1021), |x| < 2^−28, x = 1: the scalar code.
  const rare = v128.or(v128.or(i64x2.gt_s(hx, i64x2.splat(0x407FFFFF)), i64x2.lt_s(hx, i64x2.splat(0x3E300000))), f64x2.eq(x, f64x2.splat(1.0)));
  if (v128.any_true(rare)) return pairOf(v8Exp(f64x2.extract_lane(x, 0)), v8Exp(f64x2.extract_lane(x, 1)));
  const half = v128.bitselect(f64x2.splat(-0.5), f64x2.splat(0.5), f64x2.lt(x, f64x2.splat(0)));
  const reduced = i64x2.gt_s(hx, i64x2.splat(0x3FD62E42)); // |x| > 0.5 ln2
  const t = v128.and(f64x2.trunc(f64x2.add(f64x2.mul(f64x2.splat(invln2), x), half)), reduced); // k, 0 where not reduced
  const hi = f64x2.sub(x, f64x2.mul(t, f64x2.splat(ln2HI)));
  const lo = f64x2.mul(t, f64x2.splat(ln2LO));
  const r = f64x2.sub(hi, lo);
  const tt = f64x2.mul(r, r);
  const poly = f64x2.add(f64x2.splat(P4), f64x2.mul(tt, f64x2.splat(P5)));
  const poly3 = f64x2.add(f64x2.splat(P3), f64x2.mul(tt, poly));
  const poly2 = f64x2.add(f64x2.splat(P2), f64x2.mul(tt, poly3));
  const poly1 = f64x2.add(f64x2.splat(P1), f64x2.mul(tt, poly2));
  const c = f64x2.sub(r, f64x2.mul(tt, poly1));
  const q = f64x2.div(f64x2.mul(r, c), f64x2.sub(f64x2.splat(2.0), c));
  const y = f64x2.sub(f64x2.splat(1.0), f64x2.sub(f64x2.sub(lo, q), hi));
  // 2^k: k is t (|k| ≤ 739 here), the exponent field 1023 + k.
  const k = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(t));
  const twopk = i64x2.shl(i64x2.add(k, i64x2.splat(1023)), 52);
  return f64x2.mul(y, twopk);
}

/** log of both lanes of `x` (see above). Inlined: a v128 cannot cross an export. */
// @ts-ignore: decorator
@inline export function v8Log2(x: v128): v128 {
  const ln2_hi = 6.93147180369123816490e-01;
  const ln2_lo = 1.90821492927058770002e-10;
  const Lg1 = 6.666666666666735130e-01;
  const Lg2 = 3.999999999940941908e-01;
  const Lg3 = 2.857142874366239149e-01;
  const Lg4 = 2.222219843214978396e-01;
  const Lg5 = 1.818357216161805012e-01;
  const Lg6 = 1.531383769920937332e-01;
  const Lg7 = 1.479819860511658591e-01;
  // The high word, unsigned: a logical shift is one instruction on x64, the arithmetic one of 64-bit lanes
  // several (no SSE/AVX2 form). A negative x's word is then ≥ 2^31, so the bound 0x7FEFFFFF catches it as the
  // sign did; on the lanes' path (positive, normal) every shift below gives what the signed one gave.
  const hx = i64x2.shr_u(x, 32);
  const m = v128.and(hx, i64x2.splat(0x000FFFFF));
  // Not a positive normal number, or −2^−20 ≤ f < 2^−20 (x near a power of two's 1): the scalar code.
  const rare = v128.or(v128.or(i64x2.lt_s(hx, i64x2.splat(0x00100000)), i64x2.gt_s(hx, i64x2.splat(0x7FEFFFFF))),
    i64x2.lt_s(v128.and(i64x2.add(m, i64x2.splat(2)), i64x2.splat(0x000FFFFF)), i64x2.splat(3)));
  if (v128.any_true(rare)) return pairOf(v8Log(f64x2.extract_lane(x, 0)), v8Log(f64x2.extract_lane(x, 1)));
  const i = v128.and(i64x2.add(m, i64x2.splat(0x95F64)), i64x2.splat(0x100000));
  const high = v128.or(m, v128.xor(i, i64x2.splat(0x3FF00000)));
  const xn = v128.or(i64x2.shl(high, 32), v128.and(x, i64x2.splat(0xFFFFFFFF))); // normalise x or x/2
  const k = i64x2.add(i64x2.sub(i64x2.shr_u(hx, 20), i64x2.splat(1023)), i64x2.shr_u(i, 20));
  const dk = f64x2.convert_low_i32x4_s(v128.shuffle<i32>(k, k, 0, 2, 0, 2));
  const f = f64x2.sub(xn, f64x2.splat(1.0));
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2.0), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, f64x2.add(f64x2.splat(Lg2), f64x2.mul(w, f64x2.add(f64x2.splat(Lg4), f64x2.mul(w, f64x2.splat(Lg6))))));
  const t2 = f64x2.mul(z, f64x2.add(f64x2.splat(Lg1), f64x2.mul(w, f64x2.add(f64x2.splat(Lg3), f64x2.mul(w, f64x2.add(f64x2.splat(Lg5), f64x2.mul(w, f64x2.splat(Lg7))))))));
  const R = f64x2.add(t2, t1);
  const big = i64x2.gt_s(v128.or(i64x2.sub(m, i64x2.splat(0x6147A)), i64x2.sub(i64x2.splat(0x6B851), m)), i64x2.splat(0));
  const dkHi = f64x2.mul(dk, f64x2.splat(ln2_hi)), dkLo = f64x2.mul(dk, f64x2.splat(ln2_lo));
  // i > 0: dk·ln2_hi − ((hfsq − (s·(hfsq + R) + dk·ln2_lo)) − f)
  const hfsq = f64x2.mul(f64x2.mul(f64x2.splat(0.5), f), f);
  const a = f64x2.sub(dkHi, f64x2.sub(f64x2.sub(hfsq, f64x2.add(f64x2.mul(s, f64x2.add(hfsq, R)), dkLo)), f));
  // else: dk·ln2_hi − ((s·(f − R) − dk·ln2_lo) − f)
  const b = f64x2.sub(dkHi, f64x2.sub(f64x2.sub(f64x2.mul(s, f64x2.sub(f, R)), dkLo), f));
  return v128.bitselect(a, b, big);
}

/** The sines written by {@link v8SinCos2}. */
export let sinOut2: v128 = f64x2.splat(0);

/**
 * `v8SinCos` of both lanes of `x`: the cosines, the sines in {@link sinOut2}; the same bits. The
 * lanes take the medium reduction (n = round(|x|·2/π), one round of π/2 in two parts) for every
 * |x| < 32 past π/4 — for π/4 < |x| < 3π/4 it gives what fdlibm's n = ±1 case gives, the same
 * operations — and no reduction up to π/4. A lane with |x| < 2^−27 after reduction, |x| ≥ 32, or
 * a high word equal to that of n·π/2 (a cancellation fdlibm checks for) sends both lanes through
 * the scalar code.
 */
// @ts-ignore: decorator
@inline export function v8SinCos2(x: v128): v128 {
  const invpio2 = 6.36619772367581382433e-01;
  const pio2_1 = 1.57079632673412561417e+00;
  const pio2_1t = 6.07710050650619224932e-11;
  const C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03, C3 = 2.48015872894767294178e-05;
  const C4 = -2.75573143513906633035e-07, C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;
  const S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03, S3 = -1.98412698298579493134e-04;
  const S4 = 2.75573137070700676789e-06, S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
  const ix = v128.and(i64x2.shr_u(x, 32), i64x2.splat(0x7FFFFFFF));
  const small = i64x2.lt_s(ix, i64x2.splat(0x3FE921FC)); // |x| ~<= π/4: no reduction
  const t = f64x2.abs(x);
  const nf = f64x2.trunc(f64x2.add(f64x2.mul(t, f64x2.splat(invpio2)), f64x2.splat(0.5)));
  const nI = i32x4.trunc_sat_f64x2_s_zero(nf); // n in lanes 0 and 1
  const n0 = i32x4.extract_lane(nI, 0), n1 = i32x4.extract_lane(nI, 1);
  const ix0 = <i32>i64x2.extract_lane(ix, 0), ix1 = <i32>i64x2.extract_lane(ix, 1);
  const s0 = ix0 < 0x3FE921FC, s1 = ix1 < 0x3FE921FC;
  // Off the lanes' paths: too big, or the high word of n·π/2 (fdlibm then checks for cancellation).
  let rare = ix0 >= 0x40400000 || ix1 >= 0x40400000 || ix0 < 0x3E400000 || ix1 < 0x3E400000
    || (!s0 && ix0 == load<i32>(NPIO2_HW + (<usize>(n0 - 1) << 2))) || (!s1 && ix1 == load<i32>(NPIO2_HW + (<usize>(n1 - 1) << 2)));
  const r = f64x2.sub(t, f64x2.mul(nf, f64x2.splat(pio2_1)));
  const w = f64x2.mul(nf, f64x2.splat(pio2_1t));
  const ym = f64x2.sub(r, w);
  const y1m = f64x2.sub(f64x2.sub(r, ym), w);
  const neg = i64x2.lt_s(x, i64x2.splat(0));
  // The reduced argument (y0, y1) and n, signed as x; x itself and n = 0 when small.
  const y0 = v128.bitselect(x, v128.bitselect(f64x2.neg(ym), ym, neg), small);
  const y1 = v128.bitselect(f64x2.splat(0), v128.bitselect(f64x2.neg(y1m), y1m, neg), small);
  const iy = i64x2.shr_u(y0, 32);
  const iya = v128.and(iy, i64x2.splat(0x7FFFFFFF));
  rare = rare || v128.any_true(i64x2.lt_s(iya, i64x2.splat(0x3E400000)));
  if (rare) {
    const c0 = v8SinCos(f64x2.extract_lane(x, 0));
    const sn0 = sinOut;
    const c1 = v8SinCos(f64x2.extract_lane(x, 1));
    sinOut2 = f64x2.replace_lane(f64x2.splat(sn0), 1, sinOut);
    return f64x2.replace_lane(f64x2.splat(c0), 1, c1);
  }
  const z = f64x2.mul(y0, y0);
  // __kernel_cos(y0, y1)
  const rc = f64x2.mul(z, f64x2.add(f64x2.splat(C1), f64x2.mul(z, f64x2.add(f64x2.splat(C2), f64x2.mul(z, f64x2.add(f64x2.splat(C3),
    f64x2.mul(z, f64x2.add(f64x2.splat(C4), f64x2.mul(z, f64x2.add(f64x2.splat(C5), f64x2.mul(z, f64x2.splat(C6))))))))))));
  // qx: 0 for |y0| < 0.3 (the same bits as fdlibm's formula without it), 0.28125 past 0.78125, else |y0|/4 cut to its high word.
  const qxCut = i64x2.shl(i64x2.sub(iya, i64x2.splat(0x00200000)), 32);
  const qx = v128.and(v128.bitselect(f64x2.splat(0.28125), qxCut, i64x2.gt_s(iya, i64x2.splat(0x3FE90000))), v128.not(i64x2.lt_s(iya, i64x2.splat(0x3FD33333))));
  const hz = f64x2.sub(f64x2.mul(f64x2.splat(0.5), z), qx);
  const cosK = f64x2.sub(f64x2.sub(f64x2.splat(1.0), qx), f64x2.sub(hz, f64x2.sub(f64x2.mul(z, rc), f64x2.mul(y0, y1))));
  // __kernel_sin(y0, y1, iy): iy = 0 (no reduction) and iy = 1 differ in form.
  const v = f64x2.mul(z, y0);
  const rs = f64x2.add(f64x2.splat(S2), f64x2.mul(z, f64x2.add(f64x2.splat(S3), f64x2.mul(z, f64x2.add(f64x2.splat(S4), f64x2.mul(z, f64x2.add(f64x2.splat(S5), f64x2.mul(z, f64x2.splat(S6)))))))));
  const sin0 = f64x2.add(y0, f64x2.mul(v, f64x2.add(f64x2.splat(S1), f64x2.mul(z, rs))));
  const sin1 = f64x2.sub(y0, f64x2.sub(f64x2.sub(f64x2.mul(z, f64x2.sub(f64x2.mul(f64x2.splat(0.5), y1), f64x2.mul(v, rs))), y1), f64x2.mul(v, f64x2.splat(S1))));
  const sinK = v128.bitselect(sin0, sin1, small);
  // Quadrant n & 3 (n as x's sign; 0 when small): sin = s, c, −s, −c; cos = c, −s, −c, s.
  const n = i64x2.extend_low_i32x4_s(nI);
  const nSigned = v128.bitselect(i64x2.neg(n), n, neg);
  const q = v128.andnot(nSigned, small);
  const odd = i64x2.ne(v128.and(q, i64x2.splat(1)), i64x2.splat(0));
  const sinNeg = i64x2.shl(v128.and(q, i64x2.splat(2)), 62); // the sign bit when n & 3 is 2 or 3
  const cosNeg = i64x2.shl(v128.and(i64x2.add(q, i64x2.splat(1)), i64x2.splat(2)), 62); // when n & 3 is 1 or 2
  sinOut2 = v128.xor(v128.bitselect(cosK, sinK, odd), sinNeg);
  return v128.xor(v128.bitselect(sinK, cosK, odd), cosNeg);
}

/** v8MathFill's pairs: exp (f = 0), log (1), sin (4) or cos (5) through the sine–cosine pair, of x[0..n) two at a time (an odd last one alone). */
export function v8MathFill2(f: i32, x: usize, n: i32, out: usize): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const a = v128.load(x + (<usize>i << 3));
    let v: v128;
    if (f == 0) v = v8Exp2(a);
    else if (f == 1) v = v8Log2(a);
    else { const c = v8SinCos2(a); v = f == 4 ? sinOut2 : c; }
    v128.store(out + (<usize>i << 3), v);
  }
  if (i < n) {
    const a = load<f64>(x + (<usize>i << 3));
    let v: f64;
    if (f == 0) v = v8Exp(a);
    else if (f == 1) v = v8Log(a);
    else { const c = v8SinCos(a); v = f == 4 ? sinOut : c; }
    store<f64>(out + (<usize>i << 3), v);
  }
}
