/**
 * The WebAssembly comma scanner (assembly/csv.ts via WasmLineScanner) against
 * the TypeScript LineParser: same rows, same values bit for bit (NaN for
 * empty), same bad lines with the same reasons and line numbers, on random
 * lines and through the streaming reader (chunks, CRLF, gzip, strict mode).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Problems } from '../../src/io/csv/problems.ts';
import { readCsvBatches, SpareColumns } from '../../src/io/csv/read-batches.ts';
import { FieldKind, type CsvSpec } from '../../src/io/csv/spec.ts';
import { WasmLineScanner, wasmScannable } from '../../src/io/csv/wasm-line-scanner.ts';
import { TASK_USAGE_REPLAY_SPEC } from '../../src/io/google/schema.ts';
import { csvDifferential, hashIdLineArb, hashLastLineArb, HASH_ID_SPEC, HASH_LAST_SPEC, lineArb, plainLineArb, skipLineArb, smallLineArb, SKIP_SPEC, SMALL_SPECS, SPEC } from './csv-wasm-helpers.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-csvwasm-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('WasmLineScanner', () => {
  it('worked example: values, NaN for empty, a bad line with its reason, a slow-path number', () => {
    const lines = ['1,2.5,x,-3e2', '7,,,', '8,abc,,1', '9,12345678901234567,,1e-30', '', '#c', '10,1,2,3,4'];
    const buf = Buffer.from(lines.join('\n') + '\n', 'latin1');
    const spec: CsvSpec = { ...SPEC, comment: '#' };
    const w = new WasmLineScanner(spec, 16);
    const bad: [number, string][] = [];
    w.load(buf, 0);
    expect(w.parseLoaded((k, r) => bad.push([k, r]))).toBe(buf.length);
    expect(w.lines).toBe(7);
    expect(bad).toEqual([
      [3, 'field 2 (b) is not a number'],
      [5, 'empty line'],
      [7, 'wrong column count: more than 4 fields'],
    ]);
    expect(w.rows).toBe(3);
    const cols = w.take();
    expect(Array.from(cols.a!.subarray(0, 3))).toEqual([1, 7, 9]);
    expect(Array.from(cols.b!.subarray(0, 3))).toEqual([2.5, NaN, 12345678901234567]);
    expect(Array.from(cols.d!.subarray(0, 3))).toEqual([-300, NaN, 1e-30]);
    expect(cols.a!.length).toBe(16);
    expect(cols.skip).toBeUndefined();
    expect(w.rows).toBe(0);
  });

  it('takes comma-separated specs of every field kind, not whitespace-separated ones', () => {
    expect(wasmScannable(TASK_USAGE_REPLAY_SPEC)).toBe(true);
    expect(wasmScannable({ format: 'h', fields: [{ name: 'h', kind: FieldKind.Hash }, { name: 'i', kind: FieldKind.Id }] })).toBe(true);
    expect(wasmScannable({ format: 'w', separator: 'whitespace', fields: [{ name: 'x', kind: FieldKind.Number }] })).toBe(false);
  });

  it('gives exactly what LineParser gives on random lines (all number shapes, junk, CRLF, column counts), batch by batch', () => {
    fc.assert(fc.property(fc.array(lineArb, { minLength: 0, maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (lines, cap) => csvDifferential(lines, cap)), { numRuns: 400 });
  });

  it('worked example: plain decimals up to 15 bytes (vectorised), 16 and more (digit by digit), dot at either end', () => {
    const lines = ['123456789012345,0.0000007482,,5.', '1234567890123456,.5,x,00012.50', '600000000,99999999999999.9,,0.', '0,1234567890123.45,,7\r'];
    const buf = Buffer.from(lines.join('\n') + '\n', 'latin1');
    const w = new WasmLineScanner(SPEC, 8);
    const bad: [number, string][] = [];
    w.load(buf, 0);
    expect(w.parseLoaded((k, r) => bad.push([k, r]))).toBe(buf.length);
    expect(bad).toEqual([]);
    const cols = w.take();
    expect(Array.from(cols.a!.subarray(0, 4))).toEqual([123456789012345, 1234567890123456, 600000000, 0]);
    expect(Array.from(cols.b!.subarray(0, 4))).toEqual([7.482e-7, 0.5, 99999999999999.9, 1234567890123.45]);
    expect(Array.from(cols.d!.subarray(0, 4))).toEqual([5, 12.5, 0, 7]);
  });

  it('same on lines of plain decimals of 0–17 bytes (the 16-byte conversion and its edges)', () => {
    fc.assert(fc.property(fc.array(plainLineArb, { minLength: 0, maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (lines, cap) => csvDifferential(lines, cap)), { numRuns: 400 });
  });

  it('same on small specs (one skip run, a run ending the line, one number) with empty, CR-only and comma-only lines', () => {
    for (const spec of SMALL_SPECS) {
      fc.assert(fc.property(fc.array(smallLineArb, { minLength: 0, maxLength: 40 }), fc.integer({ min: 1, max: 9 }), (lines, cap) => csvDifferential(lines, cap, spec)), { numRuns: 150 });
    }
  });

  it('takes clean task_usage-shaped lines in one pass (slowLines = 0), exponents and skip runs across 16-byte blocks included', () => {
    const spec = TASK_USAGE_REPLAY_SPEC;
    const skip = fc.oneof({ weight: 3, arbitrary: fc.stringMatching(/^[a-z0-9.]{0,4}$/) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9.]{5,24}$/) });
    const num = fc.oneof(fc.stringMatching(/^[0-9]{1,13}$/), fc.stringMatching(/^[0-9]{1,3}\.[0-9]{1,11}$/), fc.stringMatching(/^0\.0{0,6}[1-9][0-9]{0,3}$/), fc.stringMatching(/^[1-9]\.[0-9]{1,3}[eE][-+]?[01][0-9]$/));
    const line = fc.tuple(...spec.fields.map((f) => (f.kind === FieldKind.Skip ? skip : num))).map((fs) => fs.join(','));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), (lines) => {
        csvDifferential(lines, 64, spec);
        const w = new WasmLineScanner(spec, 64);
        const buf = Buffer.from(lines.map((l) => l + '\n').join(''), 'latin1');
        w.load(buf, 0);
        w.parseLoaded(() => undefined);
        expect(w.rows).toBe(lines.length);
        expect(w.slowLines).toBe(0);
      }),
      { numRuns: 300 },
    );
    // and a line it must not take in one pass still counts
    const w = new WasmLineScanner(spec, 4);
    w.load(Buffer.from('1,2,3,4,5,-6' + ',0'.repeat(14) + '\n'), 0);
    w.parseLoaded(() => undefined);
    expect([w.rows, w.slowLines]).toEqual([1, 1]);
  });

  it('same on Hash and Id fields (53-bit keys of the bytes, trailing digits of ids), empty, mandatory and digitless ones', () => {
    fc.assert(fc.property(fc.array(hashIdLineArb, { minLength: 0, maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (lines, cap) => csvDifferential(lines, cap, HASH_ID_SPEC)), { numRuns: 400 });
    fc.assert(fc.property(fc.array(hashLastLineArb, { minLength: 0, maxLength: 40 }), fc.integer({ min: 1, max: 9 }), (lines, cap) => csvDifferential(lines, cap, HASH_LAST_SPEC)), { numRuns: 200 });
    const w = new WasmLineScanner(HASH_ID_SPEC, 4);
    w.load(Buffer.from('1,aGFzaA==,m_17,,2.5\n'), 0);
    w.parseLoaded(() => undefined);
    const c = w.take();
    expect([c.id![0], c.n![0], w.slowLines]).toEqual([17, 2.5, 0]);
  });

  it('same on lines with runs of skipped fields (counted 16 bytes at a time), a required skipped field, skips at both ends', () => {
    fc.assert(fc.property(fc.array(skipLineArb, { minLength: 0, maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (lines, cap) => csvDifferential(lines, cap, SKIP_SPEC)), { numRuns: 400 });
  });
});

describe('readCsvBatches through the scanner', () => {
  const spec: CsvSpec = SPEC;
  /** `spare`: each batch's arrays handed back once copied; `arrays` counts the distinct column arrays the batches came in. */
  async function readAll(path: string, strict: boolean, batchRows: number, csv: 'ts' | 'wasm', spare?: SpareColumns, arrays = new Set<Float64Array>()) {
    const saved = process.env.FAIRFIT_CSV;
    if (csv === 'ts') process.env.FAIRFIT_CSV = 'ts';
    else delete process.env.FAIRFIT_CSV;
    const problems = new Problems(strict);
    const batches: { rows: number; cols: Record<string, number[]> }[] = [];
    let error = '';
    try {
      for await (const b of readCsvBatches(path, spec, problems, { batchRows, strict }, spare)) {
        batches.push({ rows: b.rows, cols: Object.fromEntries(Object.entries(b.cols).map(([k, v]) => [k, Array.from(v.subarray(0, b.rows))])) });
        arrays.add(b.cols.a!);
        spare?.give(b.cols);
      }
    } catch (e) {
      error = `${(e as { code?: string }).code}: ${(e as Error).message}`;
    } finally {
      if (saved === undefined) delete process.env.FAIRFIT_CSV;
      else process.env.FAIRFIT_CSV = saved;
    }
    return { batches, skipped: problems.skipped, first: problems.first, error };
  }

  it('same batches, counts and file:line messages as the TypeScript path (plain, gzip, strict, no final newline)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(lineArb, { minLength: 0, maxLength: 200 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 50 }), async (lines, gz, strict, finalNl, batchRows) => {
        const text = lines.join('\n') + (finalNl ? '\n' : '');
        const path = join(dir, `f${run++}.csv${gz ? '.gz' : ''}`);
        writeFileSync(path, gz ? gzipSync(Buffer.from(text, 'latin1')) : Buffer.from(text, 'latin1'));
        const a = await readAll(path, strict, batchRows, 'ts');
        const b = await readAll(path, strict, batchRows, 'wasm');
        expect(b).toEqual(a);
      }),
      { numRuns: 60 },
    );
  });

  it('batches written into arrays handed back (SpareColumns) are the same batches, and one set of arrays serves them all', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(lineArb, { minLength: 0, maxLength: 200 }), fc.boolean(), fc.integer({ min: 1, max: 30 }), async (lines, gz, batchRows) => {
        const text = lines.join('\n') + '\n';
        const path = join(dir, `s${run++}.csv${gz ? '.gz' : ''}`);
        writeFileSync(path, gz ? gzipSync(Buffer.from(text, 'latin1')) : Buffer.from(text, 'latin1'));
        const want = await readAll(path, false, batchRows, 'ts');
        const arrays = new Set<Float64Array>();
        const got = await readAll(path, false, batchRows, 'wasm', new SpareColumns(), arrays);
        expect(got).toEqual(want);
        expect(arrays.size).toBe(Math.min(1, got.batches.length));
      }),
      { numRuns: 60 },
    );
  });

  it('lines across chunk boundaries: a 3 MB file with long lines and bad lines reads the same both ways', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 30000; i++) rows.push(i % 997 === 5 ? `${i},x,,1` : i % 1009 === 0 ? `${i},${'1'.repeat(40)}.5,${'z'.repeat(3000)},2` : `${i},${i * 0.25},${'y'.repeat(i % 90)},-${i}e-3`);
    const path = join(dir, 'big.csv');
    writeFileSync(path, rows.join('\r\n'));
    const a = await readAll(path, false, 4096, 'ts');
    const b = await readAll(path, false, 4096, 'wasm');
    expect(a.skipped).toBeGreaterThan(20);
    expect(b).toEqual(a);
  });
});

