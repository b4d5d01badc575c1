/**
 * The CSV read loop: one file (plain or gzip) → a stream of column batches.
 * Chunks from `file-chunks.ts` go to the WebAssembly scanner (comma-separated
 * specs) or to the TypeScript {@link LineParser}; a line split between two
 * chunks is joined again; each batch's values are range-checked
 * (`field-checks.ts`); lines that do not parse and rows that fail a check go
 * to the {@link Problems} collector in line order; a truncated or corrupt gzip
 * ends the file, keeping the rows before it.
 *
 * @module
 */
import { FairfitError } from '../../errors.ts';
import { checkBatch, compileChecks } from './field-checks.ts';
import { fileChunks } from './file-chunks.ts';
import { LineParser } from './line-parser.ts';
import type { Problems } from './problems.ts';
import type { ColumnBatch, CsvSpec, ReadOptions } from './spec.ts';
import { WasmLineScanner, wasmScannable } from './wasm-line-scanner.ts';

const NEWLINE = Buffer.from('\n');

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
  next(onBad: (k: number, reason: string) => void, onComment: (k: number) => void): number;
  take(into?: Record<string, Float64Array>): Record<string, Float64Array>;
}

/**
 * Column arrays of batches their consumer is done with, for the next batches to be written into:
 * a reader given one makes no new arrays once batches come back (a batch of 65,536 rows is 0.5 MB a
 * column). Without it every batch is new arrays, garbage that V8 collects late: its collections of
 * array buffers wait until tens of MB have piled up, so a long read's peak grew with its length.
 */
export class SpareColumns {
  private readonly free: Record<string, Float64Array>[] = [];
  /** A batch's arrays to write into, or undefined when none came back. */
  get(): Record<string, Float64Array> | undefined {
    return this.free.pop();
  }
  /** Hands `cols` back: the consumer keeps no reference to them. */
  give(cols: Record<string, Float64Array>): void {
    if (this.free.length < 4) this.free.push(cols);
  }
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
    next(onBad, onComment) { at = p.parseLines(chunk, at, onBad, onComment); return at; },
    take() { const cols = p.cols; p.reset(); return cols; }, // new arrays every batch (the TypeScript path: SWF, FAIRFIT_CSV=ts)
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
    next(onBad, onComment) { return p.parseLoaded(onBad, onComment); },
    take(into) { return p.take(into); },
  };
}

/** The read loop of one file, fed chunk by chunk: what the async and the sync readers share. */
interface CsvBatcher {
  /** Batches completed by the next chunk of the file. */
  push(chunk: Buffer): Generator<ColumnBatch>;
  /** The last batches, after the last chunk (or after a corrupt gzip: `corrupt`, reported after the rows before it). */
  finish(corrupt?: FairfitError): Generator<ColumnBatch>;
}

function csvBatcher(path: string, spec: CsvSpec, problems: Problems, opts: ReadOptions, spare?: SpareColumns): CsvBatcher {
  const cap = opts.batchRows ?? 65536;
  const p = wasmScannable(spec) && process.env.FAIRFIT_CSV !== 'ts' ? wasmScannerSource(spec, cap) : lineParserSource(spec, cap);
  const checks = compileChecks(spec);
  let line = 0; // lines completed so far
  let carry: Buffer | null = null;
  // Line number of each row of the batch being filled, and the batch's unparsable lines.
  const lineOf = new Float64Array(Math.max(cap, 1));
  let pending: [number, string][] = [];
  let callBad: number[] = [];
  let callSkip: number[] = [];
  const onBad = (k: number, reason: string): void => {
    pending.push([line + k, reason]);
    callBad.push(k);
  };
  const onComment = (k: number): void => {
    callSkip.push(k);
  };
  /** Ends the batch: range checks, then every problem of the batch in line order; undefined when no row is left. */
  const take = (): ColumnBatch | undefined => {
    let rows = p.rows;
    const cols = p.take(spare?.get());
    let bad = pending;
    pending = [];
    if (checks && rows > 0) {
      const r = checkBatch(cols, rows, lineOf, checks);
      rows = r.rows;
      if (r.bad.length > 0) bad = bad.length === 0 ? r.bad : [...bad, ...r.bad].sort((a, b) => a[0] - b[0]);
    }
    for (const [l, reason] of bad) problems.badLine(path, l, reason);
    if (rows === 0) return undefined;
    return opts.lines ? { rows, cols, file: path, lines: lineOf.slice(0, rows) } : { rows, cols, file: path };
  };
  /** Records the line number of each row the last `next` call added. */
  const mapRows = (before: number): void => {
    const added = p.rows - before;
    if (added === 0) return;
    const lines = p.lines;
    if (callBad.length === 0 && callSkip.length === 0) {
      for (let j = 0; j < added; j++) lineOf[before + j] = line + 1 + j;
    } else {
      const skip = new Set([...callBad, ...callSkip]);
      let r = before;
      for (let k = 1; k <= lines && r < before + added; k++) if (!skip.has(k)) lineOf[r++] = line + k;
    }
  };
  /** Whole lines of `buf` from `s`, batch by batch; returns where the unparsed rest starts. */
  function* drain(buf: Buffer, s: number): Generator<ColumnBatch, number> {
    p.start(buf, s);
    for (;;) {
      const before = p.rows;
      callBad = [];
      callSkip = [];
      s = p.next(onBad, onComment);
      mapRows(before);
      line += p.lines;
      if (!p.full) return s;
      // The chunk is not reused while we hold it: yielding mid-chunk is safe.
      const b = take();
      if (b) yield b;
    }
  }
  let first = true;
  return {
    *push(chunk) {
      let s = 0;
      // A UTF-8 byte-order mark (files saved by some editors and spreadsheets) is not part of the first line.
      if (first && chunk.length > 0) {
        first = false;
        if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) s = 3;
      }
      if (carry !== null) {
        const nl = chunk.indexOf(10);
        if (nl < 0) {
          carry = Buffer.concat([carry, chunk]);
          return;
        }
        // The line split across chunks, whole again.
        yield* drain(Buffer.concat([carry, chunk.subarray(0, nl + 1)]), 0);
        carry = null;
        s = nl + 1;
      }
      s = yield* drain(chunk, s);
      if (s < chunk.length) carry = Buffer.from(chunk.subarray(s)); // copy: the stream may reuse its buffer
    },
    *finish(corrupt) {
      // Keep what was parsed; the partial line in `carry` is lost with the corruption.
      if (corrupt) carry = null;
      // Last line without a final newline: give it a terminator byte.
      if (carry !== null && carry.length > 0) yield* drain(Buffer.concat([carry, NEWLINE]), 0);
      const last = take();
      if (corrupt) problems.corrupt(path, line + 1, corrupt.message.replace(`${path}: `, ''), corrupt);
      if (last) yield last;
    },
  };
}

/** A zlib failure as `CORRUPT_INPUT` (kept: the rows before it are still read), anything else re-thrown. */
function corruption(e: unknown): FairfitError {
  if (e instanceof FairfitError && e.code === 'CORRUPT_INPUT') return e;
  throw e;
}

/**
 * Streams one CSV file as column batches. Each yielded batch owns its
 * arrays (they stay valid after the next iteration; with `spare`, arrays
 * handed back to it are written again) and holds only rows that
 * passed the spec's range checks. Comma-separated specs go through the
 * WebAssembly scanner (`FAIRFIT_CSV=ts` forces the TypeScript parser); both
 * give the same batches and messages. Problems are reported batch by batch,
 * in line order (strict mode: the first one throws).
 */
export async function* readCsvBatches(path: string, spec: CsvSpec, problems: Problems, opts: ReadOptions = {}, spare?: SpareColumns): AsyncGenerator<ColumnBatch> {
  const b = csvBatcher(path, spec, problems, opts, spare);
  let corrupt: FairfitError | undefined;
  try {
    for await (const chunk of fileChunks(path)) yield* b.push(chunk);
  } catch (e) {
    corrupt = corruption(e);
  }
  yield* b.finish(corrupt);
}

/**
 * {@link readCsvBatches} without awaiting: the same batches, problems and
 * messages, for a synchronous loop such as the replay driver, which pulls
 * rows while it runs. `chunks` are the file's bytes (from a
 * `RingChunkReader`, which reads and gunzips in a helper thread). Memory: a
 * few chunks and one batch.
 */
export function* readCsvBatchesSync(path: string, chunks: Iterable<Buffer>, spec: CsvSpec, problems: Problems, opts: ReadOptions = {}, spare?: SpareColumns): Generator<ColumnBatch> {
  const b = csvBatcher(path, spec, problems, opts, spare);
  let corrupt: FairfitError | undefined;
  try {
    for (const chunk of chunks) yield* b.push(chunk);
  } catch (e) {
    corrupt = corruption(e);
  }
  yield* b.finish(corrupt);
}
