import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { toCsv, writeCsv } from '../../src/systems/giantvm/csv-report.ts';
import { renderHtml, writeHtml } from '../../src/systems/giantvm/html-report.ts';
import { FairfitError } from '../../src/errors.ts';
import { toJson, writeJson } from '../../src/report/json.ts';
import { generateScenario } from '../../src/systems/crs/scenario.ts';
import { formatMetric } from '../../src/report/table.ts';
import { describeModes, formatTable, summarizeByPolicy } from '../../src/systems/giantvm/summary.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';
import { POLICIES, type ReplayReport } from '../../src/systems/giantvm/types.ts';
import { seededInput } from '../giantvm/input.ts';

let report: ReplayReport;
beforeAll(async () => {
  report = await replay({ trace: seededInput(5, 400, 2), machines: 32, usage: 'request' });
});

describe('toJson writes the same value JSON.stringify would, laid out for reading', () => {
  it('property: parses back to JSON.parse(JSON.stringify(x)), NaN/Infinity as null', () => {
    const leaf = fc.oneof(fc.double(), fc.integer(), fc.string(), fc.boolean(), fc.constant(null));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 5 }), fc.dictionary(fc.string(), tie('node'), { maxKeys: 5 })),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(JSON.parse(toJson(v))).toEqual(JSON.parse(JSON.stringify(v) ?? 'null'));
      }),
    );
  });
  it('refuses a BigInt naming where it is, and writes no file (a TypeError that named neither; found by an API fuzz)', () => {
    const err = (v: unknown, field: string) => expect(() => toJson(v)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field }, message: `${field} is a BigInt, which JSON cannot hold: give a number or a string` }));
    err(1n, 'value');
    err({ runs: [{ seed: 1, metrics: { gini: 0.5, moves: 2n } }] }, 'value.runs[0].metrics.moves');
    err({ 'a b': [BigInt64Array.of(1n)] }, 'value["a b"][0][0]');
    const file = join(tmpdir(), `fairfit-bigint-${process.pid}.json`);
    expect(() => writeJson(file, { n: 1n })).toThrow(FairfitError);
    expect(existsSync(file)).toBe(false);
  });
  it('refuses a value that contains itself naming where (a stack overflow that named nothing)', () => {
    const err = (v: unknown, field: string) => expect(() => toJson(v)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field }, message: `${field} is an object that contains it, a cycle JSON cannot hold` }));
    const a: Record<string, unknown> = { n: 1, b: { c: [1, 2] } };
    (a.b as Record<string, unknown>).back = a;
    err(a, 'value.b.back');
    const list: unknown[] = [{ x: 1 }];
    list.push(list);
    err({ runs: list }, 'value.runs[1]');
    // Shared, not cyclic: written twice, as JSON.stringify does.
    const shared = { x: [1, 2] };
    expect(JSON.parse(toJson({ p: shared, q: [shared, shared] }))).toEqual({ p: shared, q: [shared, shared] });
  });
  it('keeps number arrays on one line and indents objects', () => {
    expect(toJson({ a: [1, 2.5, NaN], b: { c: 'x' }, d: [] })).toBe('{\n  "a": [1,2.5,null],\n  "b": {\n    "c": "x"\n  },\n  "d": []\n}\n');
  });
  it('round-trips a real replay exactly (every float survives)', () => {
    expect(JSON.parse(toJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });
  it('writes the same bytes as the piece-by-piece encoder it replaced (subtrees JSON.stringify lays out alike go to it in one call)', () => {
    const leaf = fc.oneof(fc.double(), fc.integer(), fc.string(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant(Symbol('s')), fc.constant(() => 1));
    const odd = fc.oneof(fc.constant(new Date(0)), fc.constant(new Number(3)), fc.constant(new String('x')), fc.constant(Float64Array.of(1, NaN)), fc.constant(new Map([[1, 2]])), fc.constant({}), fc.constant([]));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, odd, fc.array(tie('node'), { maxLength: 5 }), fc.dictionary(fc.string(), tie('node'), { maxKeys: 5 })),
    })).node;
    fc.assert(fc.property(value, (v) => {
      expect(toJson(v)).toBe(pieceByPiece(v));
    }), { numRuns: 2000 });
    const scenario = generateScenario({ hosts: 30, seed: 3 });
    expect(toJson(scenario)).toBe(pieceByPiece(scenario));
    expect(toJson(report)).toBe(pieceByPiece(report));
  });
});

/** The encoder before subtrees went to JSON.stringify (the byte-for-byte reference). */
function pieceByPiece(value: unknown): string {
  const plain = (v: unknown) => v === null || typeof v !== 'object';
  const encode = (v: unknown, indent: string, out: string[]): void => {
    if (plain(v)) return void out.push(JSON.stringify(v) ?? 'null');
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return encode(Array.from(v as unknown as ArrayLike<number>), indent, out);
    const inner = indent + '  ';
    if (Array.isArray(v)) {
      if (v.length === 0) out.push('[]');
      else if (v.every(plain)) out.push('[' + v.map((x) => JSON.stringify(x) ?? 'null').join(',') + ']');
      else {
        out.push('[\n');
        v.forEach((x, i) => {
          out.push(inner);
          encode(x, inner, out);
          out.push(i < v.length - 1 ? ',\n' : '\n');
        });
        out.push(indent + ']');
      }
      return;
    }
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && typeof x !== 'function');
    if (entries.length === 0) return void out.push('{}');
    out.push('{\n');
    entries.forEach(([k, x], i) => {
      out.push(inner + JSON.stringify(k) + ': ');
      encode(x, inner, out);
      out.push(i < entries.length - 1 ? ',\n' : '\n');
    });
    out.push(indent + '}');
  };
  const out: string[] = [];
  encode(value, '', out);
  return out.join('') + '\n';
}

describe('toCsv writes one row per run that a CSV parser reads back', () => {
  it('header and values match the runs', () => {
    const rows = parse(toCsv(report), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(8);
    rows.forEach((row, i) => {
      const run = report.runs[i]!;
      expect(row.run).toBe(String(i));
      expect(row.policy).toBe(run.policy);
      expect(Number(row.machines)).toBe(32);
      expect(Number(row.overcommitRatio)).toBe(run.params.overcommit);
      for (const [k, v] of Object.entries(run.metrics)) expect(Number(row[k])).toBe(v);
      for (const [k, v] of Object.entries(run.info ?? {})) expect(row[`info.${k}`]).toBe(String(v));
    });
  });
  it('an interrupted report ends every row with interrupted=true; a complete one has no such column', () => {
    expect(toCsv(report).split('\n')[0]).not.toContain('interrupted');
    const rows = parse(toCsv({ ...report, interrupted: true }), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!).at(-1)).toBe('interrupted');
    expect(rows.map((r) => r.interrupted)).toEqual(report.runs.map(() => 'true'));
  });
  it('property: any string in a cell survives RFC 4180 quoting', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = { ...report, runs: [{ ...report.runs[0]!, info: { note: s } }] };
        const rows = parse(toCsv(r), { columns: true, relax_column_count: false }) as Record<string, string>[];
        expect(rows[0]!['info.note']).toBe(s);
      }),
    );
  });
});

describe('the comparison table', () => {
  it('lists every policy once with its metrics (replay), means per policy (sweep-like)', () => {
    const text = formatTable(report);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2 + 8);
    expect(lines.slice(2).map((l) => l.split(/\s+/)[0])).toEqual([...POLICIES]);
    expect(lines[4]).toContain(formatMetric(report.runs[2]!.metrics.gini));
    const doubled = { ...report, runs: [...report.runs, ...report.runs.map((r) => ({ ...r, metrics: { ...r.metrics, gini: r.metrics.gini + 1 } }))] };
    const s = summarizeByPolicy(doubled);
    expect(s).toHaveLength(8);
    expect(s[0]!.runs).toBe(2);
    expect(s[0]!.metrics.gini).toBeCloseTo(report.runs[0]!.metrics.gini + 0.5, 12);
    expect(formatTable(doubled)).toContain('mean over');
  });
  it('an interrupted report says so in the table itself (stdout may be kept without stderr)', () => {
    expect(formatTable(report)).not.toContain('interrupted');
    const cut = { ...report, runs: report.runs.slice(0, 3), interrupted: true };
    expect(formatTable(cut).trimEnd().split('\n').at(-1)).toBe('(interrupted: only the 3 finished runs in this table)');
    const sweepCut = { ...cut, runs: [...cut.runs, ...cut.runs], sweep: { machines: [32, 64], overcommit: [1], seeds: [1], policies: [...POLICIES], configurations: 16, completed: 6 } };
    const lines = formatTable(sweepCut).trimEnd().split('\n');
    expect(lines.at(-2)).toBe("(each value: mean over the policy's configurations)");
    expect(lines.at(-1)).toBe('(interrupted: 6 of 16 runs finished; only those are in this table)');
  });
  it('formats metrics readably', () => {
    expect(formatMetric(0)).toBe('0');
    expect(formatMetric(1234)).toBe('1234');
    expect(formatMetric(0.123456)).toBe('0.1235');
    expect(formatMetric(0.5)).toBe('0.5');
    expect(formatMetric(3.038e-4)).toBe('3.038e-4');
    // No exponent between 10^4 and 10^6 (toPrecision's text has one there): as the HTML table shows it.
    expect(formatMetric(12110.5)).toBe('12110');
    expect(formatMetric(9999.7)).toBe('10000');
    expect(formatMetric(-54021.25)).toBe('-54020');
    expect(formatMetric(987654.3)).toBe('987700');
    expect(formatMetric(1234567.5)).toBe('1.235e+6');
    expect(formatMetric(Number.NaN)).toBe('—');
  });
});

describe('the GiantVM writers refuse what is not a report, an unknown option and an empty path (a FairfitError, never a TypeError)', () => {
  it.each([
    ['null', null, 'got null'],
    ['{}', {}, 'its runs are undefined, not an array'],
    ['a report without its trace record', { runs: [] }, 'its trace record is undefined'],
    ['a run that is not one', { trace: {}, runs: [{ policy: 'no_migration' }] }, 'runs[0] is not a run'],
    // Found by an API fuzz: formatTable threw a TypeError on the null policy, renderHtml on the missing series.
    ['a run whose policy is null', { trace: {}, runs: [{ policy: null, params: {}, metrics: {}, series: {} }] }, 'runs[0] is not a run'],
    ['a run without series', { trace: {}, runs: [{ policy: 'no_migration', params: {}, metrics: {} }] }, 'runs[0] is not a run'],
  ])('%s', (_, value, text) => {
    for (const [name, write] of [['toCsv', () => toCsv(value as never)], ['renderHtml', () => renderHtml(value as never)], ['formatTable', () => formatTable(value as never)],
      ['describeModes', () => describeModes(value as never)], ['writeHtml', () => writeHtml('/nonexistent/never.html', value as never)]] as const) {
      const e = (() => { try { write(); } catch (err) { return err; } return undefined; })();
      expect(e, name).toBeInstanceOf(FairfitError);
      expect((e as FairfitError).code, name).toBe('INVALID_OPTION');
      expect((e as FairfitError).details.field, name).toBe('report');
      expect((e as FairfitError).message, name).toContain(text);
    }
  });
  it('describeModes writes a trace record holding a null-prototype object (its String() threw a TypeError)', () => {
    const odd = { ...report, trace: { ...report.trace, format: Object.create(null), seed: Object.create(null) } };
    expect(describeModes(odd as never)).toMatch(/\(an object\): .* · seed an object\n/);
    // A real report's line is unchanged by the way values are written.
    expect(describeModes(report).split('\n')[0]).toMatch(/^trace .* · seed \d+$/);
  });
  it('renderHtml and writeHtml refuse an option they do not have and a title that is not a string (ignored, or a TypeError)', () => {
    expect(() => renderHtml(report, { titel: 'x' } as never)).toThrow(/titel: not an option of renderHtml \(did you mean title\?\)/);
    expect(() => writeHtml('/nonexistent/never.html', report, { titel: 'x' } as never)).toThrow(/titel: not an option of writeHtml/);
    expect(() => renderHtml(report, { title: 5 } as never)).toThrow(FairfitError);
    expect(renderHtml(report, { title: 'mine' })).toContain('<title>mine</title>');
  });
  it('a path that is empty or not a string is INVALID_OPTION naming path, before any file is touched', () => {
    for (const path of ['', '  ', undefined, 7]) {
      for (const write of [() => writeJson(path as never, report), () => writeCsv(path as never, report), () => writeHtml(path as never, report)]) {
        const e = (() => { try { write(); } catch (err) { return err; } return undefined; })();
        expect(e).toBeInstanceOf(FairfitError);
        expect((e as FairfitError).details.field).toBe('path');
      }
    }
  });
});
