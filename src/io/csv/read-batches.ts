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
    next(onBad, onComment) { at = p.parseLines(chunk, at, onBad, onComment); return at; },
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
    next(onBad, onComment) { return p.parseLoaded(onBad, onComment); },
    take() { return p.take(); },
  };
}

/**
 * Streams one CSV file as column batches. Each yielded batch owns fresh
 * arrays (they stay valid after the next iteration) and holds only rows that
 * passed the spec's range checks. Comma-separated specs go through the
 * WebAssembly scanner (`FAIRFIT_CSV=ts` forces the TypeScript parser); both
 * give the same batches and messages. Problems are reported batch by batch,
 * in line order (strict mode: the first one throws).
 */
export async function* readCsvBatches(path: string, spec: CsvSpec, problems: Problems, opts: ReadOptions = {}): AsyncGenerator<ColumnBatch> {
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
    const cols = p.take();
    let bad = pending;
    pending = [];
    if (checks && rows > 0) {
      const r = checkBatch(cols, rows, lineOf, checks);
      rows = r.rows;
      if (r.bad.length > 0) bad = bad.length === 0 ? r.bad : [...bad, ...r.bad].sort((a, b) => a[0] - b[0]);
    }
    for (const [l, reason] of bad) problems.badLine(path, l, reason);
    return rows > 0 ? { rows, cols, file: path } : undefined;
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
  async function* drain(buf: Buffer, s: number): AsyncGenerator<ColumnBatch, number> {
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
  let corrupt: { line: number; message: string; cause: unknown } | undefined;
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
      // Keep what was parsed; the partial line in `carry` is lost with the corruption
      // (reported after the problems of the rows before it).
      corrupt = { line: line + 1, message: e.message.replace(`${path}: `, ''), cause: e };
      carry = null;
    } else throw e;
  }
  // Last line without a final newline: give it a terminator byte.
  if (carry !== null && carry.length > 0) yield* drain(Buffer.concat([carry, NEWLINE]), 0);
  const last = take();
  if (corrupt) problems.corrupt(path, corrupt.line, corrupt.message, corrupt.cause);
  if (last) yield last;
}
