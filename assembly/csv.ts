// Comma-separated line scanner: the fast path of `LineParser.parseLine`
// (src/io/csv/line-parser.ts) for comma-separated specs (docs/model.md,
// "Trace ingestion and synthetic usage"). Each line is parsed
// exactly as the TypeScript parser does it: same number grammar, same Clinger
// fast path (exact mantissa ≤ 15 significant digits times or divided by an
// exact power 10^0…10^22), same f64 and integer operations (Hash, Id), so the
// values are bit-identical. Three tiers, each deciding only what it can:
// fastLine takes the common line in one pass (LF end, right field count,
// plain numbers of 1–15 bytes converted 16 bytes at a time by plainOf, Hash
// and Id fields, only optional skipped fields); parseLine takes any other line
// from its start, field by field; and what it does not decide — a bad line,
// an empty line, a comment line, a number outside the fast path (> 15
// significant digits or |exponent| > 22), an Id without digits — stops the
// scan at that line (return 2): TypeScript parses that one line with
// `parseLine` (exact reason, exact rounding) and resumes after it.
//
// Memory: a CsvScan struct (assembly/layouts.ts, described in
// src/kernels/kernel-layouts.ts) holds the call's input and, on return, its
// results:
//   buf   u8[len + 16]  whole '\n'-terminated lines (16 readable bytes after len
//                       for the 16-byte newline search; their content is unused)
//   spec  u8[3·n]       kinds[n] (CsvField: skip, number, hash, id), then
//                       required[n] (1 = an empty value makes the line bad),
//                       then runEnd[n]: for a field starting a run of optional
//                       Skip fields, the index after the run (0 elsewhere; n ≤ 255)
//   cols  u32[n]        per field, the address of its f64[cap] column (unused for Skip)
//   results             stop (start of the first unparsed line), rows now in the
//                       columns, lines parsed by this call, leftLine (for
//                       CsvStatus.LINE_FOR_TYPESCRIPT: the '\n' ending the line
//                       left to TypeScript), slowLines (of the lines parsed,
//                       those fastLine did not take: a diagnostic)
// Reads up to 15 bytes past a line's end (the padding covers the last line).
// Returns CsvStatus.LINE_FOR_TYPESCRIPT when the line at `stop` needs
// TypeScript, CsvStatus.DONE otherwise (buffer done or the columns full: rows == cap).
import { CsvField, CsvScan, CsvStatus } from './layouts';

const POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

const SAT: u64 = 100000000000000000;

/** Index of the first '\n' in buf[i, len), or -1. Reads up to 15 bytes past len. */
@inline
function findNewline(buf: usize, i: i32, len: i32): i32 {
  const nlv = i8x16.splat(10);
  while (i < len) {
    const m = i8x16.bitmask(i8x16.eq(v128.load(buf + <usize>i), nlv));
    if (m != 0) {
      const at = i + ctz<i32>(m);
      return at < len ? at : -1;
    }
    i += 16;
  }
  return -1;
}

// Written by shortPlain: the value and the index after the number.
let plainValue: f64 = 0;
let plainEnd: i32 = 0;

// Byte shuffles for shortPlain, one per (field length 1…15, dot index or 16 =
// none): lane j takes the digit that right-aligns the field's digits into 16
// lanes, skipping the dot; lanes before the first digit take 0xff (gives 0).
const SHUF: usize = memory.data(16 * 17 * 16);
for (let len = 1; len < 16; len++) {
  for (let at = 0; at < 17; at++) {
    const nd = at < len ? len - 1 : len;
    for (let j = 0; j < 16; j++) {
      const k = j - (16 - nd);
      store<u8>(SHUF + <usize>(((len * 17 + at) << 4) + j), k < 0 ? 0xff : k >= at ? k + 1 : k);
    }
  }
}

// The vector constants of the fast paths, loaded into locals once per line
// (fastLine, parseLine) and passed down to the number parser: rebuilt at each
// use they cost ~5 % of the scan (in-process A/B).
const K: usize = memory.data(16 * 8, 16);
v128.store(K, i8x16.splat(44));
v128.store(K, i8x16.splat(48), 16);
v128.store(K, i8x16.splat(10), 32);
v128.store(K, i8x16.splat(46), 48);
v128.store(K, i16x8.splat(0x0a01), 64);
v128.store(K, i16x8(100, 1, 100, 1, 100, 1, 100, 1), 80);
v128.store(K, f64x2(1e12, 1e8), 96);
v128.store(K, f64x2(1e4, 1), 112);

/**
 * The field at buf[i, i + len) (len ≤ 15; w = its first 16 bytes) into
 * plainValue when it has the common trace shape — digits with at most one
 * '.' and at least one digit, then optionally an exponent `e`/`E`, a sign and
 * digits (the real task_events write `7.057e-05`) — and its scale is within
 * ±22; false for anything else (signs, empty fields, junk, big exponents: the
 * digit-by-digit grammar of parseLine decides those).
 * Why: digit loops end at data-dependent branches the CPU mispredicts about
 * once per number; here the digits and the dot come from two compares, a
 * table shuffle drops the dot and right-aligns the digits, and multiply-adds
 * make the integer (pairs, quads, then four exact f64 products). Same value
 * as parseLine's grammar, bit for bit: ≤ 15 digits is an exact integer
 * mantissa (< 2^53), scaled by the same exact power of ten the same way.
 */
@inline
function plainOf(buf: usize, i: i32, w: v128, len: i32, kZero: v128, kTen: v128, kDot: v128, kPair: v128, kQuad: v128, kHi: v128, kLo: v128): bool {
  const d = i8x16.sub(w, kZero);
  const digAll = i8x16.bitmask(i8x16.lt_u(d, kTen));
  const dotAll = i8x16.bitmask(i8x16.eq(w, kDot));
  let lm = (1 << len) - 1;
  let mlen = len;
  let ex = 0;
  if (((digAll | dotAll) & lm) != lm) {
    // Not digits and dots only: an exponent (then only here, off the common path), or not plain.
    const em = i8x16.bitmask(i8x16.eq(v128.or(w, i8x16.splat(32)), i8x16.splat(101))) & lm; // 'e' or 'E'
    if (em == 0) return false;
    mlen = ctz<i32>(em);
    lm = (1 << mlen) - 1;
    if (((digAll | dotAll) & lm) != lm) return false;
    const end = i + len;
    let j = i + mlen + 1;
    const sign = <i32>load<u8>(buf + <usize>j);
    if (sign == 45 || sign == 43) j++;
    if (j >= end) return false; // no exponent digits
    while (j < end) {
      const c = <i32>load<u8>(buf + <usize>j) - 48;
      if (<u32>c > 9) return false;
      ex = ex * 10 + c;
      if (ex > 22 + 15) return false; // outside the exact range whatever the mantissa (checked exactly below)
      j++;
    }
    if (sign == 45) ex = -ex;
  }
  const dig = digAll & lm;
  const dot = dotAll & lm;
  if (dig == 0 || (dot & (dot - 1)) != 0) return false;
  const at = dot != 0 ? ctz<i32>(dot) : 16;
  const digits = i8x16.swizzle(d, v128.load(SHUF + <usize>((mlen * 17 + at) << 4)));
  // pairs: little-endian u16 lane = hi·256 + lo with lo the higher digit; ·0x0A01 >> 8 = 10·lo + hi
  const p1 = i16x8.shr_u(i16x8.mul(digits, kPair), 8);
  const q = i32x4.dot_i16x8_s(p1, kQuad); // (100, 1) pairs: 4 digits per lane, q0 ≤ 999
  const hi = f64x2.convert_low_i32x4_s(q);
  const lo = f64x2.convert_low_i32x4_s(v128.shuffle<i32>(q, q, 2, 3, 0, 1));
  const s = f64x2.add(f64x2.mul(hi, kHi), f64x2.mul(lo, kLo)); // (1e12, 1e8), (1e4, 1)
  const mf = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1); // exact: integers < 10^15
  const scale = ex - (at < 16 ? mlen - 1 - at : 0);
  if (scale < -22 || scale > 22) return false;
  plainValue = scale < 0 ? mf / unchecked(POW10[-scale]) : mf * unchecked(POW10[scale]);
  return true;
}

/** plainOf for the field at buf[i…] of the line ending at e (its end into plainEnd). */
@inline
function shortPlain(buf: usize, i: i32, e: i32, kComma: v128, kZero: v128, kTen: v128, kDot: v128, kPair: v128, kQuad: v128, kHi: v128, kLo: v128): bool {
  const w = v128.load(buf + <usize>i);
  let len = ctz<i32>(i8x16.bitmask(i8x16.eq(w, kComma))); // 32: no comma
  if (e - i < len) len = e - i; // inside a line only a comma or its end stops a field
  if (len > 15) return false;
  if (!plainOf(buf, i, w, len, kZero, kTen, kDot, kPair, kQuad, kHi, kLo)) return false;
  plainEnd = i + len;
  return true;
}

// Written by hashField / idField: the index of the comma or line end after the field.
let fieldStop: i32 = 0;

/**
 * A Hash field buf[i…] up to a comma or e: LineParser's 53-bit key of its
 * bytes (two 32-bit multiplicative hashes, the same integer operations), NaN
 * when empty.
 */
@inline
function hashField(buf: usize, i: i32, e: i32): f64 {
  const fs = i;
  let h1: u32 = 0x811c9dc5;
  let h2: u32 = 0x2545f491;
  while (i < e) {
    const c = <u32>load<u8>(buf + <usize>i);
    if (c == 44) break;
    h1 = (h1 ^ c) * 0x01000193;
    h2 = (h2 + c) * 0x5bd1e995;
    i++;
  }
  fieldStop = i;
  return i > fs ? <f64>h1 * 2097152 + <f64>((h2 ^ (h2 >> 15)) >> 11) : NaN;
}

/**
 * An Id field buf[i…] up to a comma or e (e.g. `m_1932`): the number of its
 * trailing digits as LineParser computes it (f64 ·10 + digit); NaN when empty
 * or when it has no trailing digits (then the line is LineParser's to reject).
 */
@inline
function idField(buf: usize, i: i32, e: i32): f64 {
  let x: f64 = 0;
  let digits = 0;
  while (i < e) {
    const c = <i32>load<u8>(buf + <usize>i);
    if (c == 44) break;
    if (<u32>(c - 48) <= 9) {
      x = x * 10 + <f64>(c - 48);
      digits++;
    } else {
      x = 0;
      digits = 0;
    }
    i++;
  }
  fieldStop = i;
  return digits > 0 ? x : NaN;
}

/** Index of the first ',' or '\n' in buf from i (16 bytes at a time; a '\n' is always ahead). */
@inline
function commaOrNewline(buf: usize, i: i32, len: i32, kComma: v128, kNl: v128): i32 {
  while (i < len) {
    const w = v128.load(buf + <usize>i);
    const m = i8x16.bitmask(v128.or(i8x16.eq(w, kComma), i8x16.eq(w, kNl)));
    if (m != 0) return i + ctz<i32>(m);
    i += 16;
  }
  return len;
}

/**
 * The common line in one pass, without searching its end first: every
 * Number field plain (plainOf), only optional skipped fields, LF ending, the
 * right field count. Returns the index of the line's '\n', or −1 for
 * anything else — then parseLine takes the whole line from its start (it
 * rewrites the same row), so this decides nothing parseLine would not.
 */
@inline
function fastLine(sc: usize, s: i32, row: i32): i32 {
  const buf = load<usize>(sc, CsvScan.buf), len = load<i32>(sc, CsvScan.len), spec = load<usize>(sc, CsvScan.spec);
  const n = load<i32>(sc, CsvScan.fields), comment = load<i32>(sc, CsvScan.comment), cols = load<usize>(sc, CsvScan.cols);
  const kComma = v128.load(K), kZero = v128.load(K, 16), kTen = v128.load(K, 32), kDot = v128.load(K, 48);
  const kPair = v128.load(K, 64), kQuad = v128.load(K, 80), kHi = v128.load(K, 96), kLo = v128.load(K, 112);
  const kNl = kTen; // '\n' is byte 10
  const c0 = <i32>load<u8>(buf + <usize>s);
  if (c0 == 10 || c0 == 13 || c0 == comment) return -1; // empty (LF or CRLF) or a comment: parseLine says so
  const req = spec + <usize>n;
  const run = req + <usize>n;
  let i = s;
  let f = 0;
  while (i < len) {
    const runEnd = <i32>load<u8>(run + <usize>f);
    if (runEnd > 0) {
      // optional skipped fields f … runEnd−1: k commas end them (k − 1 and the '\n' when the run ends the line)
      let k = runEnd - f;
      const last = runEnd == n;
      if (last) k--;
      let j = i;
      while (true) {
        const w = v128.load(buf + <usize>j);
        let m = i8x16.bitmask(i8x16.eq(w, kComma));
        const nlm = i8x16.bitmask(i8x16.eq(w, kNl));
        if (nlm != 0) m &= (nlm & -nlm) - 1; // only the commas before the line end
        const c = <i32>popcnt<i32>(m);
        if (!last) {
          if (c >= k) {
            while (--k > 0) m &= m - 1;
            i = j + ctz<i32>(m) + 1; // after the k-th comma
            f = runEnd;
            break;
          }
          if (nlm != 0) return -1; // the line ends inside the run: too few fields
        } else {
          if (c > k) return -1; // more fields than the spec has
          if (nlm != 0) {
            if (c != k) return -1; // too few
            const nl = j + ctz<i32>(nlm);
            return nl < len ? nl : -1;
          }
        }
        k -= c;
        j += 16;
        if (j >= len) return -1;
      }
      continue;
    }
    const kind = <i32>load<u8>(spec + <usize>f);
    let v: f64;
    if (kind == CsvField.number) {
      const w = v128.load(buf + <usize>i);
      const flen = ctz<i32>(i8x16.bitmask(v128.or(i8x16.eq(w, kComma), i8x16.eq(w, kNl))));
      if (flen == 0) {
        if (load<u8>(req + <usize>f) != 0) return -1; // a mandatory field is missing
        v = NaN;
      } else {
        if (flen > 15) return -1;
        if (!plainOf(buf, i, w, flen, kZero, kTen, kDot, kPair, kQuad, kHi, kLo)) return -1;
        v = plainValue;
      }
      i += flen;
    } else if (kind == CsvField.hash || kind == CsvField.id) {
      const end = commaOrNewline(buf, i, len, kComma, kNl);
      if (end >= len || (end > i && load<u8>(buf + <usize>(end - 1)) == 13)) return -1; // CR before the line end: parseLine strips it
      if (end == i && load<u8>(req + <usize>f) != 0) return -1;
      v = kind == CsvField.hash ? hashField(buf, i, end) : idField(buf, i, end);
      if (kind == CsvField.id && end > i && isNaN(v)) return -1; // no digits
      i = end;
    } else return -1; // a required skipped field
    store<f64>(<usize>load<u32>(cols + (<usize>f << 2)) + (<usize>row << 3), v);
    f++;
    if (load<u8>(buf + <usize>i) == 10) return f == n && i < len ? i : -1;
    i++; // the comma
    if (f >= n) return -1; // more than n fields
  }
  return -1;
}

// Written by decimalField: the index after the field, or −1 when the line is TypeScript's.
let decimalStop: i32 = 0;

/**
 * A Number field buf[i…] up to a comma or e, digit by digit (LineParser's
 * grammar: sign, digits, one '.', exponent): its value, NaN when empty, and
 * its end in decimalStop — or decimalStop = −1 when it is not a number or
 * lies outside the exact fast path (then TypeScript decides the line).
 */
@inline
function decimalField(buf: usize, i: i32, e: i32): f64 {
  const fs = i;
  let c = <i32>load<u8>(buf + <usize>i);
  let neg = false;
  if (c == 45 || c == 43) {
    neg = c == 45;
    i++;
    c = <i32>load<u8>(buf + <usize>i);
  }
  // The mantissa in an integer (shorter dependency chain than f64): equal
  // to LineParser's f64 mantissa whenever it is used (≤ 15 significant
  // digits, < 2^53); saturates at ≥ 10^17 so it is never 0 once nonzero.
  let mant: u64 = 0;
  const i0 = i;
  while (<u32>(c - 48) <= 9) {
    if (mant < SAT) mant = mant * 10 + <u64>(c - 48);
    i++;
    c = <i32>load<u8>(buf + <usize>i);
  }
  let nd = i - i0;
  let lead = 0;
  let scale = 0;
  if (mant == 0) lead = nd;
  if (c == 46) {
    i++;
    c = <i32>load<u8>(buf + <usize>i);
    const f0 = i;
    if (mant == 0) {
      while (c == 48) {
        i++;
        c = <i32>load<u8>(buf + <usize>i);
      }
      lead += i - f0;
    }
    while (<u32>(c - 48) <= 9) {
      if (mant < SAT) mant = mant * 10 + <u64>(c - 48);
      i++;
      c = <i32>load<u8>(buf + <usize>i);
    }
    nd += i - f0;
    scale = f0 - i;
  }
  let ok = nd > 0;
  if (ok && (c == 101 || c == 69)) {
    i++;
    c = <i32>load<u8>(buf + <usize>i);
    let eneg = false;
    if (c == 45 || c == 43) {
      eneg = c == 45;
      i++;
      c = <i32>load<u8>(buf + <usize>i);
    }
    let ex = 0;
    let ed = 0;
    while (<u32>(c - 48) <= 9) {
      if (ex < 100000) ex = ex * 10 + (c - 48);
      ed++;
      i++;
      c = <i32>load<u8>(buf + <usize>i);
    }
    if (ed == 0) ok = false;
    scale += eneg ? -ex : ex;
  }
  const atSep = c == 44 || i == e;
  if (ok && atSep) {
    // Outside the exact fast path: TypeScript rounds it from the text.
    if (nd - lead > 15 || scale < -22 || scale > 22) { decimalStop = -1; return NaN; }
    const mf = <f64>mant;
    const v = scale < 0 ? mf / unchecked(POW10[-scale]) : mf * unchecked(POW10[scale]);
    decimalStop = i;
    return neg ? -v : v;
  }
  decimalStop = i == fs && atSep ? i : -1; // an empty field is NaN; anything else is not a number
  return NaN;
}

/** Parses line buf[s, e) (buf[e] = '\n') into row `row`; false = leave it to TypeScript. */
@inline
function parseLine(sc: usize, s: i32, e: i32, row: i32): bool {
  const buf = load<usize>(sc, CsvScan.buf), spec = load<usize>(sc, CsvScan.spec);
  const n = load<i32>(sc, CsvScan.fields), comment = load<i32>(sc, CsvScan.comment), cols = load<usize>(sc, CsvScan.cols);
  const kComma = v128.load(K), kZero = v128.load(K, 16), kTen = v128.load(K, 32), kDot = v128.load(K, 48);
  const kPair = v128.load(K, 64), kQuad = v128.load(K, 80), kHi = v128.load(K, 96), kLo = v128.load(K, 112);
  if (e > s && load<u8>(buf + <usize>(e - 1)) == 13) e--;
  if (s >= e) return false; // empty line
  if (<i32>load<u8>(buf + <usize>s) == comment) return false;
  const req = spec + <usize>n;
  const run = req + <usize>n;
  const commas = kComma;
  let i = s;
  let f = 0;
  while (true) {
    if (f >= n) return false; // more than n fields
    const kind = <i32>load<u8>(spec + <usize>f);
    const fs = i;
    let v: f64 = NaN;
    const runEnd = <i32>load<u8>(run + <usize>f);
    if (runEnd > 0) {
      // Optional Skip fields f … runEnd−1: find the comma ending the last of
      // them (or the line end), 16 bytes at a time. The field count seen by
      // the checks below is the same as field by field (as in LineParser).
      let k = runEnd - f;
      let j = i;
      while (j < e) {
        let m = i8x16.bitmask(i8x16.eq(v128.load(buf + <usize>j), commas));
        const rem = e - j;
        if (rem < 16) m &= (1 << rem) - 1; // bytes past the line end do not count
        const c = <i32>popcnt<i32>(m);
        if (c < k) {
          k -= c;
          j += 16;
          continue;
        }
        while (--k > 0) m &= m - 1;
        j += ctz<i32>(m);
        break;
      }
      if (j < e) f = runEnd - 1;
      else {
        j = e;
        f = runEnd - k; // the line ended inside the run: index of its last field
      }
      i = j;
    } else if (kind == CsvField.number && shortPlain(buf, i, e, kComma, kZero, kTen, kDot, kPair, kQuad, kHi, kLo)) {
      // the common trace shape, parsed without a branch per digit
      v = plainValue;
      i = plainEnd;
    } else if (kind == CsvField.number) {
      v = decimalField(buf, i, e);
      if (decimalStop < 0) return false;
      i = decimalStop;
    } else if (kind == CsvField.skip) {
      while (i < e && load<u8>(buf + <usize>i) != 44) i++;
    } else if (kind == CsvField.hash) {
      v = hashField(buf, i, e);
      i = fieldStop;
    } else if (kind == CsvField.id) {
      v = idField(buf, i, e);
      i = fieldStop;
      if (i > fs && isNaN(v)) return false; // no digits: TypeScript names the field
    } else return false;
    if (i == fs && load<u8>(req + <usize>f) == 1) return false; // missing
    if (kind != CsvField.skip) store<f64>(<usize>load<u32>(cols + (<usize>f << 2)) + (<usize>row << 3), v);
    f++;
    if (i >= e) break;
    i++; // the comma
    if (i == e) {
      // trailing comma: one more, empty field
      if (f >= n) return false;
      if (load<u8>(req + <usize>f) == 1) return false;
      if (<i32>load<u8>(spec + <usize>f) != CsvField.skip) store<f64>(<usize>load<u32>(cols + (<usize>f << 2)) + (<usize>row << 3), NaN);
      f++;
      break;
    }
  }
  return f == n;
}

/**
 * Parses the lines of the CsvScan at `sc` from `pos` into the columns from
 * row `row` until the buffer ends, the columns are full or a line needs
 * TypeScript (see above); writes the results into the struct.
 */
export function csvParse(sc: usize): i32 {
  const buf = load<usize>(sc, CsvScan.buf), len = load<i32>(sc, CsvScan.len), cap = load<i32>(sc, CsvScan.cap);
  let pos = load<i32>(sc, CsvScan.pos), row = load<i32>(sc, CsvScan.row);
  let lines = 0;
  let slow = 0;
  let code = CsvStatus.DONE;
  let nl = -1;
  while (pos < len && row < cap) {
    nl = fastLine(sc, pos, row);
    if (nl < 0) {
      nl = findNewline(buf, pos, len);
      if (nl < 0) break;
      if (!parseLine(sc, pos, nl, row)) {
        code = CsvStatus.LINE_FOR_TYPESCRIPT;
        break;
      }
      slow++;
    }
    row++;
    lines++;
    pos = nl + 1;
  }
  store<i32>(sc, pos, CsvScan.stop);
  store<i32>(sc, row, CsvScan.rows);
  store<i32>(sc, lines, CsvScan.lines);
  store<i32>(sc, nl, CsvScan.leftLine);
  store<i32>(sc, slow, CsvScan.slowLines);
  return code;
}
