/**
 * Streaming byte-level CSV reader for trace files: plain text or gzip
 * (`node:zlib` streams), parsed straight from the Buffers coming out of the
 * stream into struct-of-arrays column batches (one `Float64Array` per kept
 * field). No whole file is ever held as text and no string is created per
 * field on the fast path (numbers are parsed from bytes; string-hash fields
 * are hashed from bytes).
 *
 * Bad lines (wrong column count, non-numeric field, missing mandatory field)
 * are skipped and counted by a {@link Problems} collector, or stop the read
 * in strict mode. A truncated or corrupt gzip ends the file: rows before the
 * corruption are kept and the error is reported (strict: thrown as
 * `CORRUPT_INPUT`).
 *
 * @module
 */
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { FairfitError } from '../errors.ts';
import { Core } from '../wasm/module.ts';

/** What to do with one CSV field. */
export const FieldKind = {
  /** Ignore the content (the field must still be present). */
  Skip: 0,
  /** Decimal number (integer, fraction, exponent); empty = NaN. */
  Number: 1,
  /** Opaque string (e.g. a base64 hash): kept as a 53-bit hash of its bytes; empty = NaN. */
  Hash: 2,
  /** Identifier with a non-numeric prefix, e.g. `m_1932` (Alibaba): the number of its trailing digits; empty = NaN. */
  Id: 3,
} as const;
/** One of the {@link FieldKind} values. */
export type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];

/** One field of a {@link CsvSpec}. */
export interface FieldSpec {
  /** Name used in batches and messages. */
  name: string;
  /** How the field is parsed. */
  kind: FieldKind;
  /** An empty value makes the line bad. */
  required?: boolean;
}

/** Column layout of one file format. */
export interface CsvSpec {
  /** Format name for messages, e.g. "task_events". */
  format: string;
  /** The fields of a line, in order. */
  fields: FieldSpec[];
  /** Field separator byte: ',' (default) or 'whitespace' (runs of spaces/tabs, as in SWF). */
  separator?: ',' | 'whitespace';
  /** Lines starting with this byte are comments (SWF: ';'). */
  comment?: string;
}

/** A batch of parsed rows: `cols[name][i]` is field `name` of row `i`, for i < rows. */
export interface ColumnBatch {
  /** Number of valid rows in the batch (the arrays may be longer). */
  rows: number;
  /** One Float64Array per Number/Hash field, by field name. */
  cols: Record<string, Float64Array>;
  /** File the rows come from. */
  file: string;
}

/** Options shared by every reader. */
export interface ReadOptions {
  /** Stop at the first bad line with `PARSE_ERROR` (`CORRUPT_INPUT` for broken gzip). Default false. */
  strict?: boolean;
  /** Rows per batch (default 65,536). */
  batchRows?: number;
}

/** How many positions of bad input a summary keeps. */
export const MAX_PROBLEMS = 10;

/** Counts skipped input and keeps the first positions as `file:line: reason`. */
export class Problems {
  /** Lines skipped (bad lines, plus the partial line lost in a corrupt gzip). */
  skipped = 0;
  /** Files cut short by a corrupt or truncated gzip. */
  corruptFiles = 0;
  /** The first {@link MAX_PROBLEMS} problems, `file:line: reason`. */
  readonly first: string[] = [];
  /** `strict`: throw at the first problem instead of counting it. */
  constructor(readonly strict = false) {}

  /** Records a bad line; throws `PARSE_ERROR` in strict mode. */
  badLine(file: string, line: number, reason: string): void {
    const msg = `${file}:${line}: ${reason}`;
    if (this.strict) throw new FairfitError('PARSE_ERROR', msg, { file, line });
    this.skipped++;
    if (this.first.length < MAX_PROBLEMS) this.first.push(msg);
  }

  /** Records a corrupt/truncated gzip; throws `CORRUPT_INPUT` in strict mode. */
  corrupt(file: string, line: number, reason: string, cause?: unknown): void {
    const msg = `${file}:${line}: corrupt or truncated gzip (${reason}); rows before this line are kept`;
    if (this.strict) throw new FairfitError('CORRUPT_INPUT', `${file}: corrupt or truncated gzip after line ${line - 1}: ${reason}`, { file, line }, { cause });
    this.corruptFiles++;
    this.skipped++;
    if (this.first.length < MAX_PROBLEMS) this.first.push(msg);
  }
}

/** Throws `FILE_NOT_FOUND` unless `path` is an existing file. */
export function checkFile(path: string): void {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new FairfitError('FILE_NOT_FOUND', `${path}: no such file`, { file: path });
  }
  if (!isFile) throw new FairfitError('FILE_NOT_FOUND', `${path}: not a file`, { file: path });
}

/** True when the file starts with the gzip magic bytes 1f 8b. */
export function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const n = readSync(fd, b, 0, 2, 0);
    return n === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * Raw byte chunks of a file, gunzipped when it is gzip (by magic bytes).
 * A zlib error is re-thrown as `CORRUPT_INPUT` naming the file.
 */
export async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  checkFile(path);
  const gz = isGzip(path);
  const src = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!gz) {
    for await (const chunk of src) yield chunk as Buffer;
    return;
  }
  const gunzip = createGunzip({ chunkSize: 1 << 20 }); // 1 MiB out per call: ~5 % less CPU than 256 KiB (bench io)
  src.on('error', (e) => gunzip.destroy(e));
  src.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (e) {
    if (e instanceof FairfitError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new FairfitError('CORRUPT_INPUT', `${path}: ${reason}`, { file: path }, { cause: e });
  } finally {
    src.destroy();
    gunzip.destroy();
  }
}

// Exact powers of ten for Clinger's fast path (10^0 … 10^22 are exact doubles).
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const NaN_ = Number.NaN;
const NEWLINE = Buffer.from('\n');

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
        // Optional skipped fields f … runEnd−1: find the comma that ends the
        // last of them (or the line end). Field counting is unchanged: the
        // column-count checks below see the same f as field-by-field parsing.
        // Four bytes at a time (SWAR): a word without a comma costs one test.
        let k = runEnd - f;
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
        if (j < e) f = runEnd - 1;
        else f = runEnd - k; // the line ended inside the run: index of its last field
        i = j;
      } else if (kind === 1) {
        // Inline decimal parser: [sign] digits [. digits] [(e|E) [sign] digits].
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
          if (nd - lead > 15 || scale < -22 || scale > 22) {
            // Rare: more than 15 significant digits or a big exponent; let the
            // engine round correctly from the (already validated) text.
            v = Number(latin1(buf, fs, i));
          } else {
            // Clinger's fast path: exact integer mantissa times an exact power of ten.
            v = scale < 0 ? mant / POW10[-scale]! : mant * POW10[scale]!;
            if (neg) v = -v;
          }
        } else if (i !== fs || !atSep) {
          return this.bad(`field ${f + 1} (${this.names[f]}) is not a number`);
        }
      } else if (kind === 2) {
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
      } else if (kind === 3) {
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
          if (digits === 0) return this.bad(`field ${f + 1} (${this.names[f]}) has no number`);
          v = x;
        }
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
    if (f !== n) return this.bad(`wrong column count: ${f} fields, expected ${n}`);
    this.rows = row + 1;
    return 1;
  }

  /**
   * Parses the '\n'-terminated lines of `buf` from `s` until no complete line
   * is left or the batch is full; returns where it stopped (the start of the
   * first unparsed line). One call per chunk instead of per line. Bad lines
   * go to `onBad(k, reason)`, k = 1-based index of the line in this call;
   * {@link lines} counts the lines consumed by the last call.
   */
  parseLines(buf: Uint8Array & { indexOf(byte: number, from: number): number }, s: number, onBad: (k: number, reason: string) => void): number {
    const cap = this.capacity;
    let k = 0;
    while (this.rows < cap) {
      const nl = buf.indexOf(10, s);
      if (nl < 0) break;
      k++;
      if (this.parseLine(buf, s, nl) < 0) onBad(k, this.reason);
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
    if (parts.length !== this.nFields) return this.bad(`wrong column count: ${parts.length} fields, expected ${this.nFields}`);
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

/** True when {@link WasmLineScanner} can take the spec: comma-separated, 1–255 fields (every field kind is ported). */
export function wasmScannable(spec: CsvSpec): boolean {
  return spec.separator !== 'whitespace' && spec.fields.length > 0 && spec.fields.length <= 255;
}

/**
 * The comma-separated fast path of {@link LineParser} in WebAssembly
 * (`assembly/csv.ts`): same rows, same values bit for bit, same bad-line
 * reasons. Complete lines are copied once per chunk into the core's memory
 * ({@link load}) and scanned there into one f64 column per kept field;
 * a line the scanner does not decide (bad, empty, comment, a number outside
 * the exact fast path, an Id without digits) is parsed by a one-row {@link LineParser} and the
 * scan resumes after it. Columns are copied out once per batch ({@link take}).
 * Only for specs where {@link wasmScannable} is true.
 */
export class WasmLineScanner {
  /** Rows in the current batch. */
  rows = 0;
  /** Lines consumed by the last {@link parseLoaded} call. */
  lines = 0;
  /**
   * Lines so far that the one-pass path did not take (parsed field by field
   * in WebAssembly, or handed to TypeScript): a diagnostic of the scanner's
   * speed, 0 on clean trace-shaped input.
   */
  slowLines = 0;
  private readonly core: Core;
  private readonly n: number;
  private readonly kept: number[];
  private readonly names: string[];
  private readonly colPtr: number[];
  private readonly specPtr: number;
  private readonly colsPtr: number;
  private readonly outPtr: number;
  private readonly comment: number;
  private readonly bufMark: number;
  private bufPtr = 0;
  private bufCap = -1;
  /** The loaded bytes: `src[base, base + len)` is at `bufPtr`. */
  private src: Uint8Array = new Uint8Array(0);
  private base = 0;
  private len = 0;
  private pos = 0;
  private readonly one: LineParser;

  constructor(readonly spec: CsvSpec, readonly capacity: number) {
    if (!wasmScannable(spec)) throw new FairfitError('INVALID_OPTION', `${spec.format}: the WebAssembly scanner takes only comma-separated specs of 1–255 fields`, { format: spec.format });
    const core = new Core();
    this.core = core;
    const n = spec.fields.length;
    this.n = n;
    this.kept = [];
    this.names = [];
    spec.fields.forEach((f, i) => {
      if (f.kind !== FieldKind.Skip) {
        this.kept.push(i);
        this.names.push(f.name);
      }
    });
    // Runs of optional Skip fields are passed by counting commas (as LineParser does).
    const runEnd = new Uint8Array(n);
    for (let f = n - 1, end = n; f >= 0; f--) {
      if (spec.fields[f]!.kind === FieldKind.Skip && !spec.fields[f]!.required) runEnd[f] = end;
      else end = f;
    }
    this.specPtr = core.putU8([...spec.fields.map((f) => f.kind), ...spec.fields.map((f) => (f.required ? 1 : 0)), ...runEnd]);
    this.outPtr = core.alloc(20);
    this.colsPtr = core.alloc(4 * n);
    this.colPtr = this.kept.map(() => core.alloc(8 * Math.max(capacity, 1)));
    const table = new Uint32Array(n);
    this.kept.forEach((f, k) => (table[f] = this.colPtr[k]!));
    core.u32(this.colsPtr, n).set(table);
    this.comment = spec.comment ? spec.comment.charCodeAt(0) : -1;
    this.bufMark = core.mark();
    this.one = new LineParser(spec, 1);
  }

  /** True when the batch is full. */
  get full(): boolean {
    return this.rows >= this.capacity;
  }

  /**
   * Copies the complete lines of `buf` from `s` (up to its last '\n') into
   * the core; {@link parseLoaded} then parses them. Returns the end of the
   * loaded bytes (after the last '\n'; `s` when there is no complete line).
   */
  load(buf: Uint8Array & { lastIndexOf(byte: number): number }, s: number): number {
    const last = buf.lastIndexOf(10);
    const end = last >= s ? last + 1 : s;
    const len = end - s;
    if (len + 16 > this.bufCap) {
      // The arena above bufMark holds only the buffer: replace it by a bigger one.
      this.core.release(this.bufMark);
      this.bufCap = Math.max(len + 16, 1 << 16, this.bufCap * 2);
      this.bufPtr = this.core.alloc(this.bufCap);
    }
    this.core.u8(this.bufPtr, len).set(buf.subarray(s, end));
    this.src = buf;
    this.base = s;
    this.len = len;
    this.pos = 0;
    return end;
  }

  /**
   * Parses loaded lines until they are used up or the batch is full; returns
   * the position in the loaded buffer where it stopped. Bad lines go to
   * `onBad(k, reason)`, k = 1-based index of the line in this call, exactly
   * as {@link LineParser.parseLines} reports them.
   */
  parseLoaded(onBad: (k: number, reason: string) => void): number {
    const ex = this.core.exports;
    const cap = this.capacity;
    let k = 0;
    for (;;) {
      if (this.pos >= this.len || this.rows >= cap) break;
      const code = ex.csvParse(this.bufPtr, this.len, this.pos, this.specPtr, this.n, this.comment, this.colsPtr, cap, this.rows, this.outPtr);
      const out = this.core.i32(this.outPtr, 5);
      this.pos = out[0]!;
      this.rows = out[1]!;
      k += out[2]!;
      this.slowLines += out[4]!;
      if (code !== 2) break;
      // The line at pos: the TypeScript parser decides it (exact reason, exact rounding).
      const nl = out[3]!;
      const one = this.one;
      one.reset();
      k++;
      this.slowLines++;
      const r = one.parseLine(this.src, this.base + this.pos, this.base + nl);
      if (r < 0) onBad(k, one.reason);
      else if (r > 0) {
        const cols = this.core.f64(this.colPtr[0] ?? 0, 0).buffer;
        for (let j = 0; j < this.kept.length; j++) new Float64Array(cols, this.colPtr[j]!, cap)[this.rows] = one.cols[this.names[j]!]![0]!;
        this.rows++;
      }
      this.pos = nl + 1;
    }
    this.lines = k;
    return this.base + this.pos;
  }

  /** The current batch's columns, copied out (arrays of length capacity, zero after `rows`); starts a new batch. */
  take(): Record<string, Float64Array> {
    const cols: Record<string, Float64Array> = {};
    const rows = this.rows;
    for (let j = 0; j < this.kept.length; j++) {
      const a = new Float64Array(this.capacity);
      a.set(this.core.f64(this.colPtr[j]!, rows));
      cols[this.names[j]!] = a;
    }
    this.rows = 0;
    return cols;
  }
}

function latin1(buf: Uint8Array, s: number, e: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('latin1');
}

/**
 * A parser as the read loop drives it: `start` hands it a chunk from byte `s`,
 * `next` parses whole lines until the chunk is used up or the batch is full
 * and returns where it stopped (`lines` = lines consumed), `take` ends the batch.
 */
interface BatchSource {
  readonly rows: number;
  readonly lines: number;
  readonly full: boolean;
  start(chunk: Buffer, s: number): void;
  next(onBad: (k: number, reason: string) => void): number;
  take(): Record<string, Float64Array>;
}

/** The TypeScript {@link LineParser} as a {@link BatchSource}. */
function lineParserSource(spec: CsvSpec, cap: number): BatchSource {
  const p = new LineParser(spec, cap);
  let chunk: Buffer = Buffer.alloc(0);
  let at = 0;
  return {
    get rows() { return p.rows; },
    get lines() { return p.lines; },
    get full() { return p.full; },
    start(c, s) { chunk = c; at = s; },
    next(onBad) { at = p.parseLines(chunk, at, onBad); return at; },
    take() { const cols = p.cols; p.reset(); return cols; },
  };
}

/** The WebAssembly {@link WasmLineScanner} as a {@link BatchSource}. */
function wasmScannerSource(spec: CsvSpec, cap: number): BatchSource {
  const p = new WasmLineScanner(spec, cap);
  return {
    get rows() { return p.rows; },
    get lines() { return p.lines; },
    get full() { return p.full; },
    start(c, s) { p.load(c, s); },
    next(onBad) { return p.parseLoaded(onBad); },
    take() { return p.take(); },
  };
}

/**
 * Streams one CSV file as column batches. Each yielded batch owns fresh
 * arrays (they stay valid after the next iteration). Comma-separated
 * specs go through the WebAssembly scanner (`FAIRFIT_CSV=ts`
 * forces the TypeScript parser); both give the same batches and messages.
 */
export async function* readCsvBatches(path: string, spec: CsvSpec, problems: Problems, opts: ReadOptions = {}): AsyncGenerator<ColumnBatch> {
  const cap = opts.batchRows ?? 65536;
  const p = wasmScannable(spec) && process.env.FAIRFIT_CSV !== 'ts' ? wasmScannerSource(spec, cap) : lineParserSource(spec, cap);
  let line = 0; // lines completed so far
  let carry: Buffer | null = null;
  const take = (): ColumnBatch => {
    const rows = p.rows;
    return { rows, cols: p.take(), file: path };
  };
  const onBad = (k: number, reason: string): void => problems.badLine(path, line + k, reason);
  /** Whole lines of `buf` from `s`, batch by batch; returns where the unparsed rest starts. */
  async function* drain(buf: Buffer, s: number): AsyncGenerator<ColumnBatch, number> {
    p.start(buf, s);
    for (;;) {
      s = p.next(onBad);
      line += p.lines;
      if (!p.full) return s;
      // The chunk is not reused while we hold it: yielding mid-chunk is safe.
      yield take();
    }
  }
  try {
    for await (const chunk of fileChunks(path)) {
      let s = 0;
      if (carry !== null) {
        const nl = chunk.indexOf(10);
        if (nl < 0) {
          carry = Buffer.concat([carry, chunk]);
          continue;
        }
        // The line split across chunks, whole again.
        yield* drain(Buffer.concat([carry, chunk.subarray(0, nl + 1)]), 0);
        carry = null;
        s = nl + 1;
      }
      s = yield* drain(chunk, s);
      if (s < chunk.length) carry = Buffer.from(chunk.subarray(s)); // copy: the stream may reuse its buffer
    }
  } catch (e) {
    if (e instanceof FairfitError && e.code === 'CORRUPT_INPUT') {
      // Keep what was parsed; the partial line in `carry` is lost with the corruption.
      problems.corrupt(path, line + 1, e.message.replace(`${path}: `, ''), e);
      carry = null;
    } else throw e;
  }
  // Last line without a final newline: give it a terminator byte.
  if (carry !== null && carry.length > 0) yield* drain(Buffer.concat([carry, NEWLINE]), 0);
  if (p.rows > 0) yield take();
}
