// exp, log, sin and cos computed exactly as V8 computes Math.exp, Math.log,
// Math.sin and Math.cos in the V8 of Node 20 (V8 11.3): the plain-TypeScript
// twin of assembly/v8-math.ts. src/io/synthetic-usage.ts draws with these, not
// with Math.*, so its values equal the core's bit for bit on every JavaScript
// engine, whatever algorithms that engine's Math uses (newer V8s take cos and
// log from LLVM's libc) (docs/model.md, "Bounded memory").
//
// Source: V8's src/base/ieee754.cc (ieee754::exp, ieee754::log, ieee754::sin,
// ieee754::cos with __kernel_sin, __kernel_cos, __ieee754_rem_pio2 and
// __kernel_rem_pio2), itself adapted from fdlibm (netlib.org/fdlibm). V8 11.3 has no
// `--use-libm-trig-functions` (the glibc-derived sin/cos came in later V8s),
// so its sin/cos are fdlibm's. Ported operation for operation, as the
// AssemblyScript twin: same constants, same order of floating-point operations
// (JavaScript numbers are IEEE 754 binary64 with round-to-nearest and no fused
// multiply–add, as the x64 SSE2 code V8 is built to); C's int32 arithmetic is
// `| 0`, its uint32 `>>> 0`; the words of a double are read and written through
// one 8-byte scratch buffer. Branches that only raise floating-point flags in C
// ("generate inexact") keep their returned value. Checked against the
// WebAssembly port and this Node's Math.* bit for bit by test/kernels/v8-math.test.ts.
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
// This port to TypeScript is part of fairfit (MIT licence, LICENSE).

/**
 * Plain-TypeScript twin of `assembly/v8-math.ts`: V8 11.3's (fdlibm's)
 * exp, log, sin and cos, bit for bit on any JavaScript engine.
 *
 * @module
 */

// One 8-byte scratch: the double and its two 32-bit words (HI/LO: the platform's byte order).
const F = new Float64Array(1);
const W = new Int32Array(F.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** High word of x as an int32 (C's `GET_HIGH_WORD`). */
function highWord(x: number): number {
  F[0] = x;
  return W[HI]!;
}
/** Low word of x as a uint32. */
function lowWord(x: number): number {
  F[0] = x;
  return W[LO]! >>> 0;
}
/** The double with words hi, lo (C's `INSERT_WORDS`). */
function fromWords(hi: number, lo: number): number {
  W[HI] = hi;
  W[LO] = lo;
  return F[0]!;
}
/** x with its high word replaced (C's `SET_HIGH_WORD`). */
function withHighWord(x: number, hi: number): number {
  F[0] = x;
  W[HI] = hi;
  return F[0]!;
}

// ---------------------------------------------------------------- exp

/** V8's `ieee754::exp` (fdlibm e_exp.c plus V8's exp(1) = E special case). */
export function v8Exp(x: number): number {
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
  let k = 0;
  let hx = highWord(x) >>> 0;
  const xsb = hx >>> 31; /* sign bit of x */
  hx &= 0x7FFFFFFF; /* high word of |x| */

  /* filter out non-finite argument */
  if (hx >= 0x40862E42) { /* if |x|>=709.78... */
    if (hx >= 0x7FF00000) {
      if (((hx & 0xFFFFF) | lowWord(x)) !== 0) return x + x; /* NaN */
      return xsb === 0 ? x : 0.0; /* exp(+-inf)={inf,0} */
    }
    if (x > o_threshold) return huge * huge; /* overflow */
    if (x < u_threshold) return twom1000 * twom1000; /* underflow */
  }

  /* argument reduction */
  if (hx > 0x3FD62E42) { /* if |x| > 0.5 ln2 */
    if (hx < 0x3FF0A2B2) { /* and |x| < 1.5 ln2 */
      if (x === 1.0) return E;
      hi = x - (xsb === 0 ? ln2HI : -ln2HI);
      lo = xsb === 0 ? ln2LO : -ln2LO;
      k = 1 - xsb - xsb;
    } else {
      k = (invln2 * x + (xsb === 0 ? 0.5 : -0.5)) | 0;
      const t = k;
      hi = x - t * ln2HI; /* t*ln2HI is exact here */
      lo = t * ln2LO;
    }
    x = hi - lo;
  } else if (hx < 0x3E300000) { /* when |x|<2**-28 */
    return 1.0 + x; /* (huge + x > one always holds here) */
  }

  /* x is now in primary range */
  const t = x * x;
  const twopk = k >= -1021 ? fromWords((0x3FF00000 + (k << 20)) | 0, 0) : fromWords((0x3FF00000 + ((k + 1000) << 20)) | 0, 0);
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k === 1024) return y * 2.0 * two1023;
    return y * twopk;
  }
  return y * twopk * twom1000;
}

// ---------------------------------------------------------------- log

/** V8's `ieee754::log` (fdlibm e_log.c); NaN where C returns a signalling NaN. */
export function v8Log(x: number): number {
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
  let k = 0;
  if (hx < 0x00100000) { /* x < 2**-1022 */
    if (((hx & 0x7FFFFFFF) | lowWord(x)) === 0) return -Infinity; /* log(+-0)=-inf */
    if (hx < 0) return NaN; /* log(-#) = NaN */
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
    if (f === 0.0) {
      if (k === 0) return 0.0;
      const dk = k;
      return dk * ln2_hi + dk * ln2_lo;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k === 0) return f - R;
    const dk = k;
    return dk * ln2_hi - ((R - dk * ln2_lo) - f);
  }
  const s = f / (2.0 + f);
  const dk = k;
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
    if (k === 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  }
  if (k === 0) return f - s * (f - R);
  return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

// ---------------------------------------------------------------- sin, cos

/* __kernel_cos(x, y): cos on [-pi/4, pi/4]; y is the tail of x. */
function kernelCos(x: number, y: number): number {
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
function kernelSin(x: number, y: number, iy: number): number {
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
  if (iy === 0) return x + v * (S1 + z * r);
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

/* High words of n·pi/2 for n = 1 .. 32 (cancellation check in remPio2). */
const NPIO2_HW = Int32Array.from([
  0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB, 0x401F6A7A, 0x4022D97C,
  0x4025FDBB, 0x402921FB, 0x402C463A, 0x402F6A7A, 0x4031475C, 0x4032D97C,
  0x40346B9C, 0x4035FDBB, 0x40378FDB, 0x403921FB, 0x403AB41B, 0x403C463A,
  0x403DD85A, 0x403F6A7A, 0x40407E4C, 0x4041475C, 0x4042106C, 0x4042D97C,
  0x4043A28C, 0x40446B9C, 0x404534AC, 0x4045FDBB, 0x4046C6CB, 0x40478FDB,
  0x404858EB, 0x404921FB,
]);

/* 2/pi in 24-bit chunks: 396 hex digits (476 decimal). */
const TWO_OVER_PI = Int32Array.from([
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
const PIO2 = Float64Array.from([
  1.57079625129699707031e+00, /* 0x3FF921FB, 0x40000000 */
  7.54978941586159635335e-08, /* 0x3E74442D, 0x00000000 */
  5.39030252995776476554e-15, /* 0x3CF84698, 0x80000000 */
  3.28200341580791294123e-22, /* 0x3B78CC51, 0x60000000 */
  1.27065575308067607349e-29, /* 0x39F01B83, 0x80000000 */
  1.22933308981111328932e-36, /* 0x387A2520, 0x40000000 */
  2.73370053816464559624e-44, /* 0x36E38222, 0x80000000 */
  2.16741683877804819444e-51, /* 0x3569F31D, 0x00000000 */
]);

// Scratch arrays of __kernel_rem_pio2 (x[3], f[20], q[20], fq[20], iq[20]): module-level, JavaScript runs one call at a time.
const TX = new Float64Array(3);
const KF = new Float64Array(20);
const KQ = new Float64Array(20);
const KFQ = new Float64Array(20);
const KIQ = new Int32Array(20);

/* The reduced argument y0 + y1 of remPio2 (C's y[0], y[1]). */
let remY0 = 0, remY1 = 0;

/* scalbn(x, n) = x·2^n, as the AssemblyScript twin's NativeMath.scalbn (musl). */
function scalbn(x: number, n: number): number {
  const Ox1p53 = 9007199254740992; /* 0x4340000000000000 */
  const Ox1p1023 = 8.98846567431158e307; /* 0x7FE0000000000000 */
  const Ox1p_1022 = 2.2250738585072014e-308; /* 0x0010000000000000 */
  let y = x;
  if (n > 1023) {
    y *= Ox1p1023;
    n -= 1023;
    if (n > 1023) {
      y *= Ox1p1023;
      n = Math.min(n - 1023, 1023);
    }
  } else if (n < -1022) {
    // make sure final n < -53 to avoid double rounding in the subnormal range
    y *= Ox1p_1022 * Ox1p53;
    n += 1022 - 53;
    if (n < -1022) {
      y *= Ox1p_1022 * Ox1p53;
      n = Math.max(n + 1022 - 53, -1022);
    }
  }
  return y * fromWords((0x3FF + n) << 20, 0);
}

/*
 * __kernel_rem_pio2(x, y, e0, nx, prec = 2, two_over_pi): x (TX[0..nx)) rem pi/2
 * into remY0 + remY1; returns the last three bits of N. prec 2 (64-bit) as V8
 * calls it, so jk = jp = 4.
 */
function kernelRemPio2(e0: number, nx: number): number {
  const two24 = 1.67772160000000000000e+07; /* 0x41700000, 0x00000000 */
  const twon24 = 5.96046447753906250000e-08; /* 0x3E700000, 0x00000000 */
  const jk = 4, jp = 4;
  let i: number, j: number, k: number, n: number, ih: number, carry: number;
  let z: number, fw: number;

  /* determine jx,jv,q0, note that 3>q0 */
  const jx = nx - 1;
  let jv = ((e0 - 3) / 24) | 0;
  if (jv < 0) jv = 0;
  let q0 = e0 - 24 * (jv + 1);

  /* set up f[0] to f[jx+jk] where f[jx+jk] = ipio2[jv+jk] */
  j = jv - jx;
  const m = jx + jk;
  for (i = 0; i <= m; i++, j++) KF[i] = j < 0 ? 0.0 : TWO_OVER_PI[j]!;

  /* compute q[0],q[1],...q[jk] */
  for (i = 0; i <= jk; i++) {
    fw = 0.0;
    for (j = 0; j <= jx; j++) fw += TX[j]! * KF[jx + i - j]!;
    KQ[i] = fw;
  }

  let jz = jk;
  for (;;) { // recompute:
    /* distill q[] into iq[] reversingly */
    z = KQ[jz]!;
    for (i = 0, j = jz; j > 0; i++, j--) {
      fw = (twon24 * z) | 0;
      KIQ[i] = (z - two24 * fw) | 0;
      z = KQ[j - 1]! + fw;
    }

    /* compute n */
    z = scalbn(z, q0); /* actual value of z */
    z -= 8.0 * Math.floor(z * 0.125); /* trim off integer >= 8 */
    n = z | 0;
    z -= n;
    ih = 0;
    if (q0 > 0) { /* need iq[jz-1] to determine n */
      i = KIQ[jz - 1]! >> (24 - q0);
      n += i;
      KIQ[jz - 1] = KIQ[jz - 1]! - (i << (24 - q0));
      ih = KIQ[jz - 1]! >> (23 - q0);
    } else if (q0 === 0) {
      ih = KIQ[jz - 1]! >> 23;
    } else if (z >= 0.5) {
      ih = 2;
    }

    if (ih > 0) { /* q > 0.5 */
      n += 1;
      carry = 0;
      for (i = 0; i < jz; i++) { /* compute 1-q */
        j = KIQ[i]!;
        if (carry === 0) {
          if (j !== 0) {
            carry = 1;
            KIQ[i] = 0x1000000 - j;
          }
        } else {
          KIQ[i] = 0xFFFFFF - j;
        }
      }
      if (q0 === 1) KIQ[jz - 1] = KIQ[jz - 1]! & 0x7FFFFF; /* rare case: chance is 1 in 12 */
      else if (q0 === 2) KIQ[jz - 1] = KIQ[jz - 1]! & 0x3FFFFF;
      if (ih === 2) {
        z = 1.0 - z;
        if (carry !== 0) z -= scalbn(1.0, q0);
      }
    }

    /* check if recomputation is needed */
    if (z === 0.0) {
      j = 0;
      for (i = jz - 1; i >= jk; i--) j |= KIQ[i]!;
      if (j === 0) { /* need recomputation */
        for (k = 1; jk >= k && KIQ[jk - k] === 0; k++) { /* k = no. of terms needed */ }
        for (i = jz + 1; i <= jz + k; i++) { /* add q[jz+1] to q[jz+k] */
          KF[jx + i] = TWO_OVER_PI[jv + i]!;
          fw = 0.0;
          for (j = 0; j <= jx; j++) fw += TX[j]! * KF[jx + i - j]!;
          KQ[i] = fw;
        }
        jz += k;
        continue;
      }
    }
    break;
  }

  /* chop off zero terms */
  if (z === 0.0) {
    jz -= 1;
    q0 -= 24;
    while (KIQ[jz] === 0) {
      jz--;
      q0 -= 24;
    }
  } else { /* break z into 24-bit if necessary */
    z = scalbn(z, -q0);
    if (z >= two24) {
      fw = (twon24 * z) | 0;
      KIQ[jz] = (z - two24 * fw) | 0;
      jz += 1;
      q0 += 24;
      KIQ[jz] = fw;
    } else {
      KIQ[jz] = z | 0;
    }
  }

  /* convert integer "bit" chunk to floating-point value */
  fw = scalbn(1.0, q0);
  for (i = jz; i >= 0; i--) {
    KQ[i] = fw * KIQ[i]!;
    fw *= twon24;
  }

  /* compute PIo2[0,...,jp]*q[jz,...,0] */
  for (i = jz; i >= 0; i--) {
    fw = 0.0;
    for (k = 0; k <= jp && k <= jz - i; k++) fw += PIO2[k]! * KQ[i + k]!;
    KFQ[jz - i] = fw;
  }

  /* compress fq[] into y[] (prec 2) */
  fw = 0.0;
  for (i = jz; i >= 0; i--) fw += KFQ[i]!;
  remY0 = ih === 0 ? fw : -fw;
  fw = KFQ[0]! - fw;
  for (i = 1; i <= jz; i++) fw += KFQ[i]!;
  remY1 = ih === 0 ? fw : -fw;
  return n & 7;
}

/* __ieee754_rem_pio2(x, y): x rem pi/2 into remY0 + remY1; returns n (x = n·pi/2 + y). */
function remPio2(x: number): number {
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
      if (ix !== 0x3FF921FB) { /* 33+53 bit pi is good enough */
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
    if (ix !== 0x3FF921FB) {
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
    const n = (t * invpio2 + 0.5) | 0;
    const fn = n;
    let r = t - fn * pio2_1;
    let w = fn * pio2_1t; /* 1st round good to 85 bit */
    let y0: number;
    if (n < 32 && ix !== NPIO2_HW[n - 1]) {
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
    const v = z | 0;
    TX[i] = v;
    z = (z - v) * two24;
  }
  TX[2] = z;
  let nx = 3;
  while (TX[nx - 1] === 0.0) nx--; /* skip zero term */
  const n = kernelRemPio2(e0, nx);
  if (hx < 0) {
    remY0 = -remY0;
    remY1 = -remY1;
    return -n;
  }
  return n;
}

/** V8's `ieee754::sin` (fdlibm s_sin.c). */
export function v8Sin(x: number): number {
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
export function v8Cos(x: number): number {
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

/** The sine written by {@link v8SinCos} (a live binding: read it after the call). */
export let sinOut = 0;

/**
 * `v8Cos(x)`, with `v8Sin(x)` left in {@link sinOut}: both from one argument
 * reduction (the reduction is the same computation in both, so the results are
 * the same bits as two separate calls).
 */
export function v8SinCos(x: number): number {
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
