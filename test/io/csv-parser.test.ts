/**
 * The byte-level CSV parser reads numbers exactly as Number() does, rejects
 * malformed lines with a reason, and streams files of any size (chunk
 * boundaries, CRLF, missing final newline, gzip) without losing a row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LineParser } from '../../src/io/csv/line-parser.ts';
import { Problems } from '../../src/io/csv/problems.ts';
import { readCsvBatches } from '../../src/io/csv/read-batches.ts';
import { FieldKind, type CsvSpec } from '../../src/io/csv/spec.ts';
import { FairfitError } from '../../src/errors.ts';

const SPEC: CsvSpec = {
  format: 'test',
  fields: [
    { name: 'a', kind: FieldKind.Number, required: true },
    { name: 'b', kind: FieldKind.Number },
    { name: 's', kind: FieldKind.Hash },
    { name: 'skip', kind: FieldKind.Skip },
    { name: 'c', kind: FieldKind.Number },
  ],
};

function parseOne(line: string, spec = SPEC): { r: number; p: LineParser } {
  const p = new LineParser(spec, 4);
  const buf = Buffer.from(line + '\n', 'latin1');
  return { r: p.parseLine(buf, 0, buf.length - 1), p };
}

const numSpec: CsvSpec = { format: 'n', fields: [{ name: 'x', kind: FieldKind.Number }] };

describe('number fields', () => {
  it('parse exactly like Number() for integers, decimals and exponents', () => {
    const digits = fc.stringMatching(/^[0-9]{1,20}$/);
    const numText = fc
      .tuple(fc.constantFrom('', '-', '+'), digits, fc.option(fc.stringMatching(/^[0-9]{0,20}$/)), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '-', '+'), fc.integer({ min: 0, max: 330 }))))
      .map(([s, i, f, e]) => `${s}${i}${f === null ? '' : '.' + f}${e === null ? '' : e[0] + e[1] + e[2]}`);
    fc.assert(
      fc.property(fc.oneof(numText, fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => String(d))), (t) => {
        const { r, p } = parseOne(t, numSpec);
        expect(r).toBe(1);
        expect(Object.is(p.cols.x![0], Number(t)) || (p.cols.x![0] === 0 && Number(t) === 0)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the trace special time 2^63−1 and the values of the real files', () => {
    for (const t of ['9223372036854775807', '5611086346', '0.0004244', '1.144e-05', '0.000002861', '0', '6252020264']) {
      const { r, p } = parseOne(t, numSpec);
      expect(r).toBe(1);
      expect(p.cols.x![0]).toBe(Number(t));
    }
  });

  it('reads an empty field as NaN and rejects non-numbers with the field named', () => {
    const { r, p } = parseOne('1,,abc,zzz,');
    expect(r).toBe(1);
    expect(p.cols.b![0]).toBeNaN();
    expect(p.cols.c![0]).toBeNaN();
    for (const [line, reason] of [
      ['1,2x,a,b,3', 'field 2 (b) is not a number'],
      ['1,.,a,b,3', 'field 2 (b) is not a number'],
      ['1,1e,a,b,3', 'field 2 (b) is not a number'],
      ['1,--1,a,b,3', 'field 2 (b) is not a number'],
      [',2,a,b,3', 'field 1 (a) is missing'],
      ['1,2,a,b', 'wrong column count: 4 fields, expected 5'],
      ['1,2,a,b,3,4', 'wrong column count: more than 5 fields'],
      ['1,2,a,b,3,', 'wrong column count: more than 5 fields'],
      ['', 'empty line'],
    ] as const) {
      const { r, p } = parseOne(line);
      expect(r, line).toBe(-1);
      expect(p.reason, line).toBe(reason);
      expect(p.rows).toBe(0); // a rejected line adds nothing
    }
  });
});

describe('runs of skipped fields (passed by counting commas)', () => {
  // An interior run (fields 2–3), a single skipped field and a tail run (fields 6–7).
  const S = FieldKind.Skip;
  const N = FieldKind.Number;
  const RUNS: CsvSpec = {
    format: 'runs',
    fields: [
      { name: 'a', kind: N, required: true },
      { name: 's1', kind: S },
      { name: 's2', kind: S },
      { name: 'b', kind: N },
      { name: 's3', kind: S },
      { name: 'c', kind: N },
      { name: 't1', kind: S },
      { name: 't2', kind: S },
    ],
  };
  const NUMBER = /^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$/;
  /** Field-by-field oracle: split on ',', check fields left to right, then the count. */
  function oracle(line: string, spec: CsvSpec): { reason: string } | { values: Record<string, number> } {
    const parts = line.split(',');
    const n = spec.fields.length;
    const values: Record<string, number> = {};
    for (let f = 0; f < parts.length; f++) {
      if (f >= n) return { reason: `wrong column count: more than ${n} fields` };
      const fs = spec.fields[f]!;
      const t = parts[f]!;
      if (fs.kind === N) {
        if (t !== '' && !NUMBER.test(t)) return { reason: `field ${f + 1} (${fs.name}) is not a number` };
        values[fs.name] = t === '' ? Number.NaN : Number(t);
      }
      if (t === '' && fs.required) return { reason: `field ${f + 1} (${fs.name}) is missing` };
    }
    if (parts.length !== n) return { reason: `wrong column count: ${parts.length} field${parts.length === 1 ? '' : 's'}, expected ${n}` };
    return { values };
  }

  it('accept and reject exactly as a field-by-field parse, with the same reasons (wrong column counts included)', () => {
    // bytes ≥ 0x80 and runs longer than a 4-byte word exercise the word-at-a-time comma search
    const field = fc.oneof(fc.constant(''), fc.stringMatching(/^[0-9]{1,6}$/), fc.stringMatching(/^[0-9.eE+x-]{1,5}$/), fc.stringMatching(/^[\x80-\xff a-z+]{1,11}$/));
    const line = fc.array(field, { minLength: 1, maxLength: 11 }).map((f) => f.join(','));
    for (const spec of [RUNS, { ...RUNS, fields: [...RUNS.fields, { name: 'z', kind: N }] }]) {
      fc.assert(
        fc.property(line, (text) => {
          const want = oracle(text, spec);
          const { r, p } = parseOne(text, spec);
          if (text === '') return; // the empty line has its own reason (tested above)
          if ('reason' in want) {
            expect(r, text).toBe(-1);
            expect(p.reason, text).toBe(want.reason);
            expect(p.rows).toBe(0);
          } else {
            expect(r, text).toBe(1);
            for (const [k, v] of Object.entries(want.values)) expect(Object.is(p.cols[k]![0], v) || (v === 0 && p.cols[k]![0] === 0), `${text} ${k}`).toBe(true);
          }
        }),
        { numRuns: 4000 },
      );
    }
  });

  it('reject too few and too many fields after the last parsed field (worked cases)', () => {
    const cases: [string, number, string][] = [
      ['1,x,y,2,z,3,p,q', 1, ''],
      ['1,x,y,2,z,3,p,', 1, ''],
      ['1,x,y,2,z,3,,', 1, ''],
      ['1,x,y,2,z,3,p', -1, 'wrong column count: 7 fields, expected 8'],
      ['1,x,y,2,z,3', -1, 'wrong column count: 6 fields, expected 8'],
      ['1,x,y,2,z,3,p,q,r', -1, 'wrong column count: more than 8 fields'],
      ['1,x,y,2,z,3,p,q,', -1, 'wrong column count: more than 8 fields'],
      ['1,x', -1, 'wrong column count: 2 fields, expected 8'],
      ['1,x,y', -1, 'wrong column count: 3 fields, expected 8'],
      ['1,x,y,2,z,3,p,q\r', 1, ''],
    ];
    for (const [text, r, reason] of cases) {
      const got = parseOne(text, RUNS);
      expect(got.r, text).toBe(r);
      if (r < 0) expect(got.p.reason, text).toBe(reason);
      else expect([got.p.cols.a![0], got.p.cols.b![0], got.p.cols.c![0]]).toEqual([1, 2, 3]);
    }
  });
});

describe('hash and id fields', () => {
  it('give equal strings equal keys and different strings different keys', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9+/=]{1,44}$/), fc.stringMatching(/^[A-Za-z0-9+/=]{1,44}$/), (x, y) => {
        const a = parseOne(`1,2,${x},q,3`).p.cols.s![0];
        const b = parseOne(`1,2,${y},q,3`).p.cols.s![0];
        expect(a === b).toBe(x === y);
        expect(Number.isInteger(a) && a! >= 0 && a! < 2 ** 53).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('read the number of an id like m_1932', () => {
    const spec: CsvSpec = { format: 'id', fields: [{ name: 'm', kind: FieldKind.Id }] };
    expect(parseOne('m_1932', spec).p.cols.m![0]).toBe(1932);
    expect(parseOne('', spec).r).toBe(-1); // one empty field alone is an empty line
    expect(parseOne('m_', spec).r).toBe(-1);
  });
});

describe('streaming a file', () => {
  // Made before the first test: made while the file was collected, it stayed when the suite was skipped
  // (a -t that selects none of its tests), since a skipped suite runs no afterAll.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fairfit-csv-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function readAll(path: string, strict = false): Promise<{ a: number[]; c: number[]; problems: Problems; batches: number }> {
    const problems = new Problems(strict);
    const a: number[] = [];
    const c: number[] = [];
    let batches = 0;
    for await (const b of readCsvBatches(path, SPEC, problems, { batchRows: 1000 })) {
      batches++;
      for (let i = 0; i < b.rows; i++) {
        a.push(b.cols.a![i]!);
        c.push(b.cols.c![i]!);
      }
    }
    return { a, c, problems, batches };
  }

  it('keeps every row across chunk boundaries, CRLF and a missing final newline (plain and gzip)', async () => {
    // ~3 MB: several 1 MiB read chunks and 256 KiB gunzip chunks, so lines straddle chunk ends.
    const lines: string[] = [];
    for (let i = 0; i < 60000; i++) lines.push(`${i},${i * 0.5},user${i % 7},xxxxxxxxxxxxxxxx,${(i * 1.25e-3).toPrecision(6)}`);
    const text = lines.join(lines.length % 2 ? '\n' : '\r\n');
    const plain = join(dir, 'big.csv');
    const gz = join(dir, 'big.csv.gz');
    writeFileSync(plain, text);
    writeFileSync(gz, gzipSync(text));
    for (const f of [plain, gz]) {
      const r = await readAll(f);
      expect(r.a.length).toBe(60000);
      expect(r.problems.skipped).toBe(0);
      expect(r.batches).toBe(60);
      for (let i = 0; i < 60000; i += 997) {
        expect(r.a[i]).toBe(i);
        expect(r.c[i]).toBe(Number((i * 1.25e-3).toPrecision(6)));
      }
      expect(r.a[59999]).toBe(59999);
    }
  });

  it('reads past a UTF-8 byte-order mark at the start of a file (plain and gzip, both parsers); not elsewhere', async () => {
    const bom = '\ufeff';
    const plain = join(dir, 'bom.csv');
    const gz = join(dir, 'bom.csv.gz');
    writeFileSync(plain, `${bom}1,2,a,b,3\n4,5,a,b,6\n${bom}7,8,a,b,9\n`);
    writeFileSync(gz, gzipSync(readFileSync(plain)));
    for (const parser of ['wasm', 'ts']) {
      const before = process.env.FAIRFIT_CSV;
      process.env.FAIRFIT_CSV = parser;
      try {
        for (const f of [plain, gz]) {
          const r = await readAll(f);
          expect(r.a, `${parser} ${f}`).toEqual([1, 4]);
          expect(r.problems.first, `${parser} ${f}`).toEqual([`${f}:3: field 1 (a) is not a number`]);
        }
      } finally {
        if (before === undefined) delete process.env.FAIRFIT_CSV;
        else process.env.FAIRFIT_CSV = before;
      }
    }
  });

  it('skips and counts bad lines naming file:line, or stops at the first in strict mode', async () => {
    const f = join(dir, 'bad.csv');
    writeFileSync(f, ['1,2,a,b,3', '1,2,a', 'x,2,a,b,3', '4,5,a,b,6', ''].join('\n'));
    const r = await readAll(f);
    expect(r.a).toEqual([1, 4]);
    expect(r.problems.skipped).toBe(2);
    expect(r.problems.first).toEqual([`${f}:2: wrong column count: 3 fields, expected 5`, `${f}:3: field 1 (a) is not a number`]);
    await expect(readAll(f, true)).rejects.toMatchObject({ code: 'PARSE_ERROR', message: `${f}:2: wrong column count: 3 fields, expected 5` });
  });

  it('numbers bad lines right when batches fill in the middle of a chunk (gzip, 3 MB)', async () => {
    const lines: string[] = [];
    const bad: number[] = [];
    for (let i = 1; i <= 60000; i++) {
      if (i % 4999 === 0) {
        lines.push(`${i},2,a,b`); // one field short
        bad.push(i);
      } else lines.push(`${i},${i * 0.5},user${i % 7},xxxxxxxxxxxxxxxx,${i}`);
    }
    const f = join(dir, 'bad-big.csv.gz');
    writeFileSync(f, gzipSync(lines.join('\n') + '\n'));
    const r = await readAll(f);
    expect(r.a.length).toBe(60000 - bad.length);
    expect(r.problems.skipped).toBe(bad.length);
    expect(r.problems.first).toEqual(bad.slice(0, 10).map((l) => `${f}:${l}: wrong column count: 4 fields, expected 5`));
    expect(r.a.filter((x, k) => k > 0 && x <= r.a[k - 1]!).length).toBe(0);
    await expect(readAll(f, true)).rejects.toMatchObject({ code: 'PARSE_ERROR', message: `${f}:4999: wrong column count: 4 fields, expected 5` });
  });

  it('reports a missing file as FILE_NOT_FOUND naming the path', async () => {
    const f = join(dir, 'nope.csv');
    const err = await readAll(f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FairfitError);
    expect((err as FairfitError).code).toBe('FILE_NOT_FOUND');
    expect((err as FairfitError).message).toContain(f);
  });

  it('keeps the rows before a truncated gzip and reports it (strict: CORRUPT_INPUT)', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 200000; i++) lines.push(`${i},1,u,x,2`);
    const full = gzipSync(lines.join('\n') + '\n');
    const f = join(dir, 'cut.csv.gz');
    writeFileSync(f, full.subarray(0, Math.floor(full.length / 2)));
    const r = await readAll(f);
    expect(r.a.length).toBeGreaterThan(1000);
    expect(r.a.length).toBeLessThan(200000);
    for (let i = 0; i < r.a.length; i++) if (r.a[i] !== i) throw new Error(`row ${i} is ${r.a[i]}`);
    expect(r.problems.corruptFiles).toBe(1);
    expect(r.problems.first[0]).toMatch(new RegExp(`^${f.replace(/[.]/g, '\\.')}:\\d+: corrupt or truncated gzip`));
    await expect(readAll(f, true)).rejects.toMatchObject({ code: 'CORRUPT_INPUT' });
  });
});
