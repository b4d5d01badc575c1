/**
 * Per-field range checks at read time: every {@link FieldSpec} may declare
 * a range (`min`, `max`), `integer` and exact extra values it also accepts
 * (a sentinel such as the Google trace's 2^63−1); a {@link CsvSpec} may add
 * a check across fields of one row. The read loop runs {@link checkBatch} on
 * each parsed batch: a row that fails is removed from the batch and reported
 * as `file:line: field N (name) reason`, exactly like a line that does not
 * parse, so lenient reads skip and count it and strict reads stop at it.
 * An empty optional field (NaN) passes: it means "unknown" in every format.
 *
 * @module
 */
import { FieldKind, type CsvSpec } from './spec.ts';

/** One compiled field check. */
interface FieldCheck {
  /** Column name in the batch. */
  name: string;
  /** 1-based field number, for messages. */
  field: number;
  min: number;
  max: number;
  integer: boolean;
  also: readonly number[];
  /** How the bound reads in a message, e.g. "365 days in µs". */
  maxNote: string | undefined;
}

/** The checks of a spec, compiled once per reader (fields that are parsed and declare a bound). */
export interface SpecChecks {
  fields: FieldCheck[];
  row: CsvSpec['rowCheck'];
}

/** Compiles the checks of `spec`; undefined when it declares none. */
export function compileChecks(spec: CsvSpec): SpecChecks | undefined {
  const fields: FieldCheck[] = [];
  spec.fields.forEach((f, i) => {
    if (f.kind === FieldKind.Skip || f.kind === FieldKind.Hash) return;
    if (f.min === undefined && f.max === undefined && !f.integer) return;
    fields.push({ name: f.name, field: i + 1, min: f.min ?? -Infinity, max: f.max ?? Infinity, integer: f.integer === true, also: f.also ?? [], maxNote: f.maxNote });
  });
  if (fields.length === 0 && !spec.rowCheck) return undefined;
  return { fields, row: spec.rowCheck };
}

function fmt(v: number): string {
  return String(v);
}

/** Why `v` fails check `c`, or undefined when it passes. */
function failure(c: FieldCheck, v: number): string | undefined {
  if (v !== v) return undefined; // empty optional field: unknown
  if (c.also.length > 0 && c.also.includes(v)) return undefined;
  if (v < c.min) return `field ${c.field} (${c.name}) must be ≥ ${fmt(c.min)}, got ${fmt(v)}`;
  if (v > c.max) return `field ${c.field} (${c.name}) must be ≤ ${fmt(c.max)}${c.maxNote ? ` (${c.maxNote})` : ''}, got ${fmt(v)}`;
  if (c.integer && !Number.isInteger(v)) return `field ${c.field} (${c.name}) must be an integer, got ${fmt(v)}`;
  return undefined;
}

/**
 * Checks rows `[0, rows)` of `cols`; removes the failing ones in place
 * (columns and `lineOf` compacted, order kept) and returns the new row count
 * with the failures as `[line, reason]`, in line order. A row is reported
 * once, for its first failing field.
 */
export function checkBatch(cols: Record<string, Float64Array>, rows: number, lineOf: Float64Array, checks: SpecChecks): { rows: number; bad: [line: number, reason: string][] } {
  let reasons: (string | undefined)[] | undefined;
  for (const c of checks.fields) {
    const a = cols[c.name];
    if (!a) continue;
    // The common case costs two comparisons per value; the message is built only on failure.
    const lo = c.min;
    const hi = c.max;
    const int = c.integer;
    for (let i = 0; i < rows; i++) {
      const v = a[i]!;
      if (v >= lo && v <= hi && (!int || Number.isInteger(v))) continue;
      const why = failure(c, v);
      if (why === undefined) continue;
      reasons ??= new Array<string | undefined>(rows);
      reasons[i] ??= why;
    }
  }
  if (checks.row) {
    for (let i = 0; i < rows; i++) {
      if (reasons?.[i] !== undefined) continue;
      const why = checks.row(cols, i);
      if (why === undefined) continue;
      reasons ??= new Array<string | undefined>(rows);
      reasons[i] = why;
    }
  }
  if (!reasons) return { rows, bad: [] };
  const bad: [number, string][] = [];
  const names = Object.keys(cols);
  let w = 0;
  for (let i = 0; i < rows; i++) {
    const why = reasons[i];
    if (why !== undefined) {
      bad.push([lineOf[i]!, why]);
      continue;
    }
    if (w !== i) {
      for (const n of names) cols[n]![w] = cols[n]![i]!;
      lineOf[w] = lineOf[i]!;
    }
    w++;
  }
  return { rows: w, bad };
}
