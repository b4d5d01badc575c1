/**
 * The TypeScript CSV line parser: bytes of whole lines → one `Float64Array`
 * per kept field, with no string created per field on the comma-separated
 * path (numbers are parsed from bytes, string-hash fields hashed from bytes).
 * It is the reference the WebAssembly scanner (`wasm-line-scanner.ts`) is
 * tested against, and decides every line that scanner hands back; it also
 * reads whitespace-separated formats (SWF).
 *
 * @module
 */
import { plural } from '../../errors.ts';
import { FieldKind, type CsvSpec } from './spec.ts';

// Exact powers of ten for Clinger's fast path (10^0 … 10^22 are exact doubles).
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const NaN_ = Number.NaN;

/**
 * The line parser: fills column arrays from byte ranges. Separate from the
 * stream plumbing so it can be tested and reused on in-memory buffers.
 */
export class LineParser {
  readonly nFields: number;
  private readonly kinds: Uint8Array;
  private readonly required: Uint8Array;
  private readonly names: string[];
  /**
   * For a field that starts a run of optional Skip fields: the index after
   * the run (0 elsewhere). Such a run is passed by counting commas, without
   * the per-field work.
   */
  private readonly skipRunEnd: Int32Array;
  private ws: boolean;
  /** Buffer of the cached {@link dv} (word reads for skip runs). */
  private dvOf: Uint8Array | null = null;
  private dv: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private readonly comment: number;
  /** Column per field (empty array for skipped fields). */
  private colOf: Float64Array[] = [];
  cols: Record<string, Float64Array> = {};
  rows = 0;
  private capacity: number;
  /** Reason of the last rejected line. */
  reason = '';
  /** Value of the last field read by {@link hash} or {@link id} (NaN when empty). */
  private value = NaN_;
  /** Commas still missing after {@link skipRun} reached the line end (0 otherwise). */
  private runLeft = 0;

  constructor(readonly spec: CsvSpec, capacity: number) {
    this.nFields = spec.fields.length;
    this.kinds = Uint8Array.from(spec.fields, (f) => f.kind);
    this.required = Uint8Array.from(spec.fields, (f) => (f.required ? 1 : 0));
    this.names = spec.fields.map((f) => f.name);
    this.skipRunEnd = new Int32Array(this.nFields);
    for (let f = this.nFields - 1, end = this.nFields; f >= 0; f--) {
      if (this.kinds[f] === FieldKind.Skip && this.required[f] === 0) this.skipRunEnd[f] = end;
      else end = f;
    }
    this.ws = spec.separator === 'whitespace';
    this.comment = spec.comment ? spec.comment.charCodeAt(0) : -1;
    this.capacity = capacity;
    this.reset();
  }

  /** Starts a new batch with fresh arrays (the previous batch's arrays stay valid for their owner). */
  reset(): void {
    this.colOf = [];
    this.cols = {};
    const empty = new Float64Array(0);
    for (let f = 0; f < this.nFields; f++) {
      const fs = this.spec.fields[f]!;
      if (fs.kind === FieldKind.Skip) {
        this.colOf.push(empty);
      } else {
        const a = new Float64Array(this.capacity);
        this.colOf.push(a);
        this.cols[fs.name] = a;
      }
    }
    this.rows = 0;
  }

  /** True when the batch is full. */
  get full(): boolean {
    return this.rows >= this.capacity;
  }

  /**
   * Parses one line `buf[s, e)` (no '\n'; a trailing '\r' is ignored). `buf[e]`
   * must exist and be the line terminator: the number scanner stops on it
   * without a bounds check.
   * Returns 1 if a row was added, 0 for a comment line, -1 for a bad line
   * (with {@link reason} set; nothing is added).
   */
  parseLine(buf: Uint8Array, s: number, e: number): number {
    if (e > s && buf[e - 1] === 13) e--;
    if (this.ws) return this.parseWhitespaceLine(buf, s, e);
    if (s >= e) {
      this.reason = 'empty line';
      return -1;
    }
    if (buf[s] === this.comment) return 0;
    const row = this.rows;
    const n = this.nFields;
    const kinds = this.kinds;
    const colOf = this.colOf;
    const skipRunEnd = this.skipRunEnd;
    const required = this.required;
    let i = s;
    let f = 0;
    for (;;) {
      if (f >= n) return this.bad(`wrong column count: more than ${n} fields`);
      const kind = kinds[f]!;
      const fs = i;
      let v = NaN_;
      const runEnd = skipRunEnd[f]!;
      if (runEnd > 0) {
        // Optional skipped fields f … runEnd−1: passed by counting commas.
        // Field counting is unchanged: the column-count checks below see the
        // same f as field-by-field parsing.
        i = this.skipRun(buf, i, e, runEnd - f);
        if (i < e) f = runEnd - 1;
        else f = runEnd - this.runLeft; // the line ended inside the run: index of its last field
      } else if (kind === 1) {
        v = decimal(buf, i, e);
        if (decimalEnd < 0) return this.bad(`field ${f + 1} (${this.names[f]}) is not a number`);
        i = decimalEnd;
      } else if (kind === 2) {
        i = this.hash(buf, i, e);
        v = this.value;
      } else if (kind === 3) {
        i = this.id(buf, i, e);
        if (i < 0) return this.bad(`field ${f + 1} (${this.names[f]}) has no number`);
        v = this.value;
      } else {
        while (i < e && buf[i] !== 44) i++;
      }
      if (i === fs && required[f] === 1) return this.bad(`field ${f + 1} (${this.names[f]}) is missing`);
      if (kind !== 0) colOf[f]![row] = v;
      f++;
      if (i >= e) break;
      i++; // the comma
      if (i === e) {
        // trailing comma: one more, empty field
        if (f >= n) return this.bad(`wrong column count: more than ${n} fields`);
        if (required[f] === 1) return this.bad(`field ${f + 1} (${this.names[f]}) is missing`);
        if (kinds[f] !== 0) colOf[f]![row] = NaN_;
        f++;
        break;
      }
    }
    if (f !== n) return this.bad(`wrong column count: ${plural(f, 'field')}, expected ${n}`);
    this.rows = row + 1;
    return 1;
  }

  /**
   * Passes `k` optional skipped fields from `i`: returns the position of the
   * comma that ends the last of them, or `e` when the line ends first (then
   * {@link runLeft} commas were missing). Four bytes at a time (SWAR): a word
   * without a comma costs one test.
   */
  private skipRun(buf: Uint8Array, i: number, e: number, k: number): number {
    let j = i;
    if (this.dvOf !== buf) {
      this.dvOf = buf;
      this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const dv = this.dv;
    for (;;) {
      if (j + 4 > e) {
        for (; j < e; j++) if (buf[j] === 44 && --k === 0) break;
        break;
      }
      const w = dv.getUint32(j, true) ^ 0x2c2c2c2c;
      // High bit of each zero byte of w (= comma byte); the lowest one is exact.
      const m = (w - 0x01010101) & ~w & 0x80808080;
      if (m === 0) {
        j += 4;
        continue;
      }
      const at = j + ((31 - Math.clz32(m & -m)) >> 3);
      if (--k === 0) {
        j = at;
        break;
      }
      j = at + 1;
    }
    this.runLeft = k;
    return j;
  }

  /**
   * A string-hash field from `i` to the next comma or `e`: returns where it
   * ends with {@link value} set to a 53-bit hash of its bytes (NaN when empty).
   */
  private hash(buf: Uint8Array, i: number, e: number): number {
    const fs = i;
    let v = NaN_;
    // String hash: two 32-bit multiplicative hashes → one 53-bit float key.
    let h1 = 0x811c9dc5;
    let h2 = 0x2545f491;
    while (i < e) {
      const c = buf[i]!;
      if (c === 44) break;
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 + c, 0x5bd1e995);
      i++;
    }
    if (i > fs) v = (h1 >>> 0) * 2097152 + ((h2 ^ (h2 >>> 15)) >>> 11);
    this.value = v;
    return i;
  }

  /**
   * An Id field (`m_1932`) from `i` to the next comma or `e`: returns where
   * it ends with {@link value} set to the number of its trailing digits (NaN
   * when empty), or -1 when it has none.
   */
  private id(buf: Uint8Array, i: number, e: number): number {
    const fs = i;
    let v = NaN_;
    let x = 0;
    let digits = 0;
    while (i < e) {
      const c = buf[i]!;
      if (c === 44) break;
      if (c >= 48 && c <= 57) {
        x = x * 10 + (c - 48);
        digits++;
      } else {
        x = 0;
        digits = 0;
      }
      i++;
    }
    if (i > fs) {
      if (digits === 0) return -1;
      v = x;
    }
    this.value = v;
    return i;
  }

  /**
   * Parses the '\n'-terminated lines of `buf` from `s` until no complete line
   * is left or the batch is full; returns where it stopped (the start of the
   * first unparsed line). One call per chunk instead of per line. Bad lines
   * go to `onBad(k, reason)`, comment lines to `onComment(k)`, k = 1-based
   * index of the line in this call;
   * {@link lines} counts the lines consumed by the last call.
   */
  parseLines(buf: Uint8Array & { indexOf(byte: number, from: number): number }, s: number, onBad: (k: number, reason: string) => void, onComment?: (k: number) => void): number {
    const cap = this.capacity;
    let k = 0;
    while (this.rows < cap) {
      const nl = buf.indexOf(10, s);
      if (nl < 0) break;
      k++;
      const r = this.parseLine(buf, s, nl);
      if (r < 0) onBad(k, this.reason);
      else if (r === 0) onComment?.(k);
      s = nl + 1;
    }
    this.lines = k;
    return s;
  }

  /** Lines consumed by the last {@link parseLines} call. */
  lines = 0;

  private bad(reason: string): number {
    this.reason = reason;
    return -1;
  }

  /**
   * Whitespace-separated lines (SWF): small files, so this path converts the
   * line to text and reuses the comma parser on each field's bytes.
   */
  private parseWhitespaceLine(buf: Uint8Array, s: number, e: number): number {
    const text = latin1(buf, s, e).trim();
    if (text.length === 0) return this.bad('empty line');
    if (text.charCodeAt(0) === this.comment) return 0;
    const parts = text.split(/[ \t]+/);
    if (parts.length !== this.nFields) return this.bad(`wrong column count: ${plural(parts.length, 'field')}, expected ${this.nFields}`);
    const joined = Buffer.from(parts.join(',') + '\n', 'latin1');
    const saveWs = this.ws;
    this.ws = false;
    try {
      return this.parseLine(joined, 0, joined.length - 1);
    } finally {
      this.ws = saveWs;
    }
  }
}

// Written by decimal(): the index after the field, or −1 when it is not a number.
let decimalEnd = 0;

/**
 * The Number field buf[i…] up to a comma or e: [sign] digits [. digits]
 * [(e|E) [sign] digits]; its value (NaN when empty) and its end in
 * decimalEnd. Out of parseLine it costs that parser 16–32 % per row
 * (interleaved A/B on task_usage and task_events lines), which is acceptable
 * because parseLine is now the fallback: comma-separated files are read by
 * the WebAssembly scanner, and parseLine takes only the lines it leaves,
 * whitespace-separated formats (SWF) and FAIRFIT_CSV=ts.
 */
function decimal(buf: Uint8Array, i: number, e: number): number {
  const fs = i;
  let c = buf[i]!;
  let neg = false;
  if (c === 45 || c === 43) {
    neg = c === 45;
    i++;
    c = buf[i]!;
  }
  let mant = 0;
  let nd = 0; // digits seen
  let lead = 0; // leading zeros (not significant)
  let scale = 0;
  // integer part (digits counted from positions, not per digit)
  const i0 = i;
  while (c >= 48 && c <= 57) {
    mant = mant * 10 + (c - 48);
    c = buf[++i]!;
  }
  nd = i - i0;
  if (mant === 0) lead = nd;
  if (c === 46) {
    c = buf[++i]!;
    const f0 = i;
    if (mant === 0) {
      // leading zeros of the fraction are not significant
      while (c === 48) c = buf[++i]!;
      lead += i - f0;
    }
    while (c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      c = buf[++i]!;
    }
    nd += i - f0;
    scale = f0 - i;
  }
  let ok = nd > 0;
  if (ok && (c === 101 || c === 69)) {
    i++;
    c = buf[i]!;
    let eneg = false;
    if (c === 45 || c === 43) {
      eneg = c === 45;
      i++;
      c = buf[i]!;
    }
    let ex = 0;
    let ed = 0;
    while (c >= 48 && c <= 57) {
      if (ex < 100000) ex = ex * 10 + (c - 48);
      ed++;
      i++;
      c = buf[i]!;
    }
    if (ed === 0) ok = false;
    scale += eneg ? -ex : ex;
  }
  // The field must end at a separator or the end of the line (buf[e] is the terminator).
  const atSep = c === 44 || i === e;
  if (ok && atSep) {
    decimalEnd = i;
    // Rare: more than 15 significant digits or a big exponent; let the
    // engine round correctly from the (already validated) text.
    if (nd - lead > 15 || scale < -22 || scale > 22) return Number(latin1(buf, fs, i));
    // Clinger's fast path: exact integer mantissa times an exact power of ten.
    const v = scale < 0 ? mant / POW10[-scale]! : mant * POW10[scale]!;
    return neg ? -v : v;
  }
  decimalEnd = i === fs && atSep ? i : -1; // an empty field is NaN; anything else is not a number
  return NaN_;
}

function latin1(buf: Uint8Array, s: number, e: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('latin1');
}
