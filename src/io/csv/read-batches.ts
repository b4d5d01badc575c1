/**
 * The CSV read loop: one file (plain or gzip) → a stream of column batches.
 * Chunks from `file-chunks.ts` go to the WebAssembly scanner (comma-separated
 * specs) or to the TypeScript {@link LineParser}; a line split between two
 * chunks is joined again; bad lines go to the {@link Problems} collector; a
 * truncated or corrupt gzip ends the file, keeping the rows before it.
 *
 * @module
 */
import { FairfitError } from '../../errors.ts';
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
