/**
 * The files of one Google 2011 table (a file, or a folder of `part-*` files
 * as the trace is published) and their raw column batches, in order: what
 * every single-table reader starts from.
 *
 * @module
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkPath, FairfitError, optionNames } from '../../errors.ts';
import type { Problems } from '../csv/problems.ts';
import { readCsvBatches, type SpareColumns } from '../csv/read-batches.ts';
import type { ColumnBatch, CsvSpec, ReadOptions } from '../csv/spec.ts';

/** Options of the single-table readers. */
export interface GoogleReadOptions extends ReadOptions {
  /** Read at most this many part files (default all). */
  parts?: number;
}

/** The names of {@link GoogleReadOptions}, which the single-table readers check (`checkOptionNames`). */
export const GOOGLE_READ_OPTIONS = optionNames<GoogleReadOptions>()('strict', 'batchRows', 'lines', 'signal', 'parts');

/** True for the names the readers take in a table folder: `part-*.csv` and `part-*.csv.gz`. */
export function isPartFile(name: string): boolean {
  return name.startsWith('part-') && /\.csv(\.gz)?$/.test(name);
}

/**
 * The files of one table: `path` itself when it is a file, else the first
 * `limit` `part-*` files of the folder in name order. Throws `FILE_NOT_FOUND`;
 * `INVALID_OPTION` naming `field` unless `limit` is an integer ≥ 1 (0 would
 * read nothing, and a negative one drop parts from the end).
 */
export function partFiles(path: string, limit?: number, field = 'limit'): string[] {
  checkPath(path, 'path');
  checkPartLimit(limit, field);
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new FairfitError('FILE_NOT_FOUND', `${path}: no such file or folder`, { file: path });
  }
  if (st.isFile()) return [path];
  const names = readdirSync(path)
    .filter(isPartFile)
    .sort();
  if (names.length === 0) throw new FairfitError('FILE_NOT_FOUND', `${path}: no part-*.csv or part-*.csv.gz files`, { file: path });
  return names.slice(0, limit ?? names.length).map((n) => join(path, n));
}

/** Throws `INVALID_OPTION` naming `field` unless `limit` is undefined or an integer ≥ 1. */
export function checkPartLimit(limit: unknown, field: string): void {
  if (limit !== undefined && !(typeof limit === 'number' && Number.isInteger(limit) && limit >= 1)) {
    throw new FairfitError('INVALID_OPTION', `${field} must be an integer ≥ 1 (part files to read), got ${String(limit)}`, { field });
  }
}

/** Raw column batches of every file of a table, in order (into arrays handed back to `spare`, when given). */
export async function* tableBatches(path: string, spec: CsvSpec, problems: Problems, opts: GoogleReadOptions = {}, files?: string[], spare?: SpareColumns): AsyncGenerator<ColumnBatch> {
  for (const f of files ?? partFiles(path, opts.parts, 'parts')) {
    opts.signal?.throwIfAborted();
    for await (const b of readCsvBatches(f, spec, problems, opts, spare)) {
      yield b;
      opts.signal?.throwIfAborted();
    }
  }
}


/** Bytes of `files` on disk (gzip: compressed). */
export function fileBytes(files: string[]): number {
  return files.reduce((sum, f) => sum + statSync(f).size, 0);
}
