/**
 * The comma-separated fast path of the CSV reader in WebAssembly
 * ({@link WasmLineScanner} over `assembly/csv.ts`), with {@link LineParser}
 * deciding the lines it hands back, and {@link wasmScannable}: which specs
 * it takes.
 *
 * @module
 */
import { FairfitError } from '../../errors.ts';
import { CSV_SCAN, CSV_STATUS } from '../../kernels/kernel-layouts.ts';
import { Core } from '../../wasm/module.ts';
import { LineParser } from './line-parser.ts';
import { FieldKind, type CsvSpec } from './spec.ts';

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
  private readonly scanPtr: number;
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
    this.scanPtr = core.alloc(CSV_SCAN.size);
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
   * `onBad(k, reason)`, comment lines to `onComment(k)`, k = 1-based index
   * of the line in this call, exactly as {@link LineParser.parseLines} reports them.
   */
  parseLoaded(onBad: (k: number, reason: string) => void, onComment?: (k: number) => void): number {
    const ex = this.core.exports;
    const cap = this.capacity;
    let k = 0;
    for (;;) {
      if (this.pos >= this.len || this.rows >= cap) break;
      const mem = this.core.memory, sc = this.scanPtr;
      CSV_SCAN.write(mem, sc, {
        buf: this.bufPtr, len: this.len, pos: this.pos, spec: this.specPtr, fields: this.n, comment: this.comment,
        cols: this.colsPtr, cap, row: this.rows, stop: 0, rows: 0, lines: 0, leftLine: 0, slowLines: 0,
      });
      const code = ex.csvParse(sc);
      const out = CSV_SCAN.read(mem, sc);
      this.pos = out.stop;
      this.rows = out.rows;
      k += out.lines;
      this.slowLines += out.slowLines;
      if (code !== CSV_STATUS.values.LINE_FOR_TYPESCRIPT) break;
      // The line at pos: the TypeScript parser decides it (exact reason, exact rounding).
      const nl = out.leftLine;
      const one = this.one;
      one.reset();
      k++;
      this.slowLines++;
      const r = one.parseLine(this.src, this.base + this.pos, this.base + nl);
      if (r < 0) onBad(k, one.reason);
      else if (r === 0) onComment?.(k);
      else {
        const cols = this.core.f64(this.colPtr[0] ?? 0, 0).buffer;
        for (let j = 0; j < this.kept.length; j++) new Float64Array(cols, this.colPtr[j]!, cap)[this.rows] = one.cols[this.names[j]!]![0]!;
        this.rows++;
      }
      this.pos = nl + 1;
    }
    this.lines = k;
    return this.base + this.pos;
  }

  /**
   * The current batch's columns, copied out (arrays of length capacity); starts a new batch. Into
   * `into`'s arrays when given (a batch handed back: what is after `rows` is then left from it),
   * else into new ones (zero after `rows`).
   */
  take(into?: Record<string, Float64Array>): Record<string, Float64Array> {
    const cols: Record<string, Float64Array> = {};
    const rows = this.rows;
    for (let j = 0; j < this.kept.length; j++) {
      const name = this.names[j]!;
      const given = into?.[name];
      const a = given && given.length >= this.capacity ? given : new Float64Array(this.capacity);
      a.set(this.core.f64(this.colPtr[j]!, rows));
      cols[name] = a;
    }
    this.rows = 0;
    return cols;
  }
}
