/**
 * Checks of a table given as columns (a task table, a usage table, machine events) before a
 * kernel or a loop reads it: its count, and each column present, numeric and of that length.
 * A count no column backs ran loops past the columns (Infinity: for ever).
 *
 * @module
 */
import { FairfitError, shown } from '../errors.ts';

/** DIMENSION_MISMATCH naming `field` unless it has `want` rows. */
export function dim(field: string, got: number, want: number): void {
  if (got !== want) throw new FairfitError('DIMENSION_MISMATCH', `${field} has ${got} rows, expected ${want}`, { field });
}

/**
 * Checks that `table[f]` is a column of `want` values: an array or typed array (INVALID_OPTION
 * naming it when absent or of another type, DIMENSION_MISMATCH for another length); an
 * optional column may be absent.
 */
export function column(table: object, prefix: string, f: string, want: number, optional = false): void {
  const v = (table as Record<string, unknown>)[f];
  if (v === undefined && optional) return;
  if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) {
    throw new FairfitError('INVALID_OPTION', `${prefix}.${f} must be a column of ${want} numbers (a typed array), got ${v === null ? 'null' : typeof v}`, { field: `${prefix}.${f}` });
  }
  dim(`${prefix}.${f}`, (v as ArrayLike<number>).length, want);
  // A plain array may hold anything: '4' passed here and then failed `lastEvent[i] === FINISH` (every task left out).
  if (Array.isArray(v)) {
    const i = v.findIndex((x) => typeof x !== 'number');
    if (i >= 0) throw new FairfitError('INVALID_OPTION', `${prefix}.${f}[${i}] must be a number, got ${shown(v[i])}`, { field: `${prefix}.${f}`, index: i });
  }
}

/** Checks that `table` is an object with an integer count ≥ 0 (before its columns are read). */
export function tableCount(table: unknown, prefix: string): number {
  if (table === null || typeof table !== 'object') throw new FairfitError('INVALID_OPTION', `${prefix} must be a table of columns, got ${String(table)}`, { field: prefix });
  const n = (table as { count?: unknown }).count;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new FairfitError('INVALID_OPTION', `${prefix}.count must be an integer ≥ 0, got ${shown(n)}`, { field: `${prefix}.count` });
  return n;
}
