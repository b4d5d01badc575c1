/** Shared by test/io/csv-wasm.test.ts and test/kernels/csv.test.ts: random lines and the scanner-vs-LineParser oracle check. */
import fc from 'fast-check';
import { expect } from 'vitest';
import { LineParser } from '../../src/io/csv/line-parser.ts';
import { FieldKind, type CsvSpec } from '../../src/io/csv/spec.ts';
import { WasmLineScanner } from '../../src/io/csv/wasm-line-scanner.ts';

/** Number, Number (required), Skip, Number: the shapes of task_usage (kept and skipped fields, a mandatory one). */
export const SPEC: CsvSpec = {
  format: 'diff',
  fields: [
    { name: 'a', kind: FieldKind.Number, required: true },
    { name: 'b', kind: FieldKind.Number },
    { name: 'skip', kind: FieldKind.Skip },
    { name: 'd', kind: FieldKind.Number },
  ],
};

const digits = (max: number) => fc.stringMatching(new RegExp(`^[0-9]{0,${max}}$`));
/** Numbers of every shape: signs, leading zeros, fractions, exponents near and past ±22, > 15 digits. */
export const numArb = fc.oneof(
  fc.tuple(fc.constantFrom('', '-', '+'), digits(20), fc.option(digits(20)), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '-', '+'), fc.integer({ min: 0, max: 400 })))).map(
    ([s, i, f, e]) => `${s}${i}${f === null ? '' : '.' + f}${e === null ? '' : e[0] + e[1] + e[2]}`,
  ),
  fc.double().map((d) => String(d)),
  fc.integer().map(String),
  fc.constantFrom('0', '00', '0.0', '-0', '1e22', '1e23', '1e-22', '1e-23', '123456789012345', '1234567890123456', '9223372036854775807', '18446744073709551616', '0.18446744073709551616e20', '36893488147419103232', '100000000000000000000000', '0.000000000000000000001', '.5', '5.', '-.', 'e5', '1e', '1e+', 'NaN', 'Infinity'),
);
const junk = fc.constantFrom('abc', 'x1', '1x', '--1', ' 1', '1 ', '\r', '1\r2', '"1"', '0x10');
export const fieldArb = fc.oneof({ weight: 6, arbitrary: numArb }, { weight: 2, arbitrary: fc.constant('') }, { weight: 1, arbitrary: junk }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9.]{0,5}$/) });
/** A line of a `fields`-field spec: usually that many fields, sometimes fewer or more, sometimes CRLF, sometimes a trailing comma. */
export const lineArbFor = (fields: number) =>
  fc
    .tuple(fc.oneof({ weight: 8, arbitrary: fc.constant(fields) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: fields + 2 }) }), fc.array(fieldArb, { minLength: fields + 2, maxLength: fields + 2 }), fc.boolean(), fc.boolean())
    .map(([n, fs, crlf, trailing]) => fs.slice(0, n).join(',') + (trailing ? ',' : '') + (crlf ? '\r' : ''));
/**
 * Plain decimals of 0–17 bytes (digits with at most one '.', optionally an
 * exponent): the shape the scanner converts 16 bytes at a time (1–15 bytes),
 * its edges (16 and 17 bytes, a lone '.', '5.', '.5', leading zeros, 'e'
 * without digits, exponents past ±22) and now and then a field the
 * digit-by-digit grammar must take over (sign, junk).
 */
export const plainArb = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.stringMatching(/^[0-9]{0,16}$/), fc.option(fc.stringMatching(/^[0-9]{0,16}$/))).map(([i, f]) => (f === null ? i : `${i}.${f}`).slice(0, 17)) },
  { weight: 2, arbitrary: fc.stringMatching(/^0\.0{0,8}[1-9][0-9]{0,4}$/) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.stringMatching(/^[0-9]{0,7}(\.[0-9]{0,7})?$/), fc.constantFrom('e', 'E'), fc.constantFrom('', '-', '+'), fc.stringMatching(/^[0-9]{0,3}$/))
      .map(([m, e, sign, x]) => `${m}${e}${sign}${x}`.slice(0, 17)),
  },
  { weight: 1, arbitrary: fieldArb },
);
/** Lines of {@link SPEC} made of {@link plainArb} fields. */
export const plainLineArb = fc
  .tuple(fc.array(plainArb, { minLength: 4, maxLength: 4 }), fc.boolean(), fc.boolean())
  .map(([fs, crlf, trailing]) => fs.join(',') + (trailing ? ',' : '') + (crlf ? '\r' : ''));

/** Lines of {@link SPEC}. */
export const lineArb = lineArbFor(4);

/** Hash and Id fields beside numbers: a mandatory hash, an optional id, an optional number (task_events' user, Alibaba's `m_…`). */
export const HASH_ID_SPEC: CsvSpec = {
  format: 'hash-id',
  fields: [
    { name: 'a', kind: FieldKind.Number, required: true },
    { name: 'h', kind: FieldKind.Hash, required: true },
    { name: 'id', kind: FieldKind.Id },
    { name: 'e', kind: FieldKind.Number },
    { name: 'n', kind: FieldKind.Number },
  ],
};
const hashArb = fc.oneof(fc.stringMatching(/^[A-Za-z0-9+\/=]{0,60}$/), fc.constant(''), fc.constantFrom('\r', 'a\rb', 'x y'));
const idArb = fc.oneof(fc.stringMatching(/^[a-z]_[0-9]{1,6}$/), fc.stringMatching(/^[a-z0-9_]{0,8}$/), fc.constant(''), fc.constantFrom('m_', '12345678901234567890', '1e5', 'm_1\r'));
/** Lines of {@link HASH_ID_SPEC}: numbers, hashes, ids of every shape, sometimes CRLF or the wrong field count. */
export const hashIdLineArb = fc
  .tuple(plainArb, hashArb, idArb, fc.oneof(plainArb, fc.constant('')), plainArb, fc.boolean(), fc.integer({ min: 0, max: 9 }))
  .map(([a, h, id, e, n, crlf, cut]) => {
    const fs = [a, h, id, e, n];
    const line = (cut === 0 ? fs.slice(0, 4) : cut === 1 ? [...fs, '7'] : fs).join(',');
    return line + (crlf ? '\r' : '');
  });

/** An Id then a Hash ending the line (so CRLF lines end inside a hash: the CR is not part of it). */
export const HASH_LAST_SPEC: CsvSpec = {
  format: 'id-hash',
  fields: [
    { name: 'id', kind: FieldKind.Id },
    { name: 'h', kind: FieldKind.Hash },
  ],
};
/** Lines of {@link HASH_LAST_SPEC}, often CRLF. */
export const hashLastLineArb = fc.tuple(idArb, hashArb, fc.boolean()).map(([id, h, crlf]) => `${id},${h}${crlf ? '\r' : ''}`);

/** Runs of optional Skip fields (passed by counting commas), a required Skip field, Skip fields at both ends. */
export const SKIP_SPEC: CsvSpec = {
  format: 'skips',
  fields: [
    { name: 's0', kind: FieldKind.Skip },
    { name: 'a', kind: FieldKind.Number, required: true },
    { name: 's1', kind: FieldKind.Skip },
    { name: 's2', kind: FieldKind.Skip },
    { name: 's3', kind: FieldKind.Skip },
    { name: 'b', kind: FieldKind.Number },
    { name: 'r', kind: FieldKind.Skip, required: true },
    { name: 's4', kind: FieldKind.Skip },
    { name: 's5', kind: FieldKind.Skip },
  ],
};
/**
 * Small specs for the one-pass line path's edges: a line that is one skip
 * run (so only its commas and its end decide), a skip run ending the line
 * after a number, a lone number.
 */
export const SMALL_SPECS: CsvSpec[] = [
  { format: 'skip1', fields: [{ name: 's', kind: FieldKind.Skip }] },
  { format: 'skip3', fields: [{ name: 's0', kind: FieldKind.Skip }, { name: 's1', kind: FieldKind.Skip }, { name: 's2', kind: FieldKind.Skip }] },
  { format: 'num-skips', fields: [{ name: 'a', kind: FieldKind.Number }, { name: 's0', kind: FieldKind.Skip }, { name: 's1', kind: FieldKind.Skip }] },
  { format: 'num1', fields: [{ name: 'a', kind: FieldKind.Number }] },
];
/** Lines for {@link SMALL_SPECS}: random ones, and empty, CR-only, comma-only and CR-inside lines. */
export const smallLineArb = fc.oneof(
  lineArbFor(3),
  fc.constantFrom('', '\r', '\r\r', ',', ',,', ',,,', ',\r', ',,\r', '1', '1\r', '1,,', '1,\r,', '\r,1', '1.5,,x', '12345678901234567890,,'),
  fc.stringMatching(/^[0-9.,\r]{0,40}$/),
);

/** Lines of {@link SKIP_SPEC}, with long skipped fields now and then (more than 16 bytes per skip run). */
export const skipLineArb = fc.oneof(
  lineArbFor(9),
  fc.tuple(lineArbFor(9), fc.nat(200), fc.stringMatching(/^[a-z,]{0,40}$/)).map(([l, at, ins]) => l.slice(0, at) + ins + l.slice(at)),
);

/**
 * Parses `lines` with both parsers, batch by batch (capacity `cap`), and
 * expects the same stop positions, line counts, bad lines (index, reason)
 * and columns bit for bit.
 */
export function csvDifferential(lines: string[], cap: number, spec: CsvSpec = SPEC): void {
  const buf = Buffer.from(lines.map((l) => l + '\n').join('') + 'tail-without-newline', 'latin1');
  const ts = new LineParser(spec, cap);
  const w = new WasmLineScanner(spec, cap);
  const badTs: [number, string][] = [];
  const badW: [number, string][] = [];
  let s1 = 0;
  let s2 = 0;
  w.load(buf, 0);
  for (let guard = 0; guard < 1000; guard++) {
    s1 = ts.parseLines(buf, s1, (k, r) => badTs.push([k, r]));
    s2 = w.parseLoaded((k, r) => badW.push([k, r]));
    expect(s2).toBe(s1);
    expect(w.lines).toBe(ts.lines);
    expect(badW).toEqual(badTs);
    expect(w.rows).toBe(ts.rows);
    const rows = ts.rows;
    const a = ts.cols;
    const b = w.take();
    ts.reset();
    for (const name of Object.keys(a)) {
      const x = new Uint8Array(a[name]!.buffer, 0, rows * 8);
      const y = new Uint8Array(b[name]!.buffer, 0, rows * 8);
      // bit for bit, except that any NaN equals any NaN
      const xs = Array.from(a[name]!.subarray(0, rows));
      const ys = Array.from(b[name]!.subarray(0, rows));
      expect(ys).toEqual(xs);
      for (let i = 0; i < rows; i++) if (!Number.isNaN(xs[i]!)) expect(y.subarray(i * 8, i * 8 + 8)).toEqual(x.subarray(i * 8, i * 8 + 8));
    }
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    if (rows < cap) break;
  }
  expect(s1).toBe(buf.length - 'tail-without-newline'.length);
}
