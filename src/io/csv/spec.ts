/**
 * The description of a CSV file format that every trace reader passes to the
 * CSV layer: what each field is ({@link FieldKind}, {@link FieldSpec},
 * {@link CsvSpec}), the shape of the parsed output ({@link ColumnBatch}) and
 * the options every reader shares ({@link ReadOptions}).
 *
 * @module
 */
import { optionNames } from '../../errors.ts';

/** What to do with one CSV field. */
export const FieldKind = {
  /** Ignore the content (the field must still be present). */
  Skip: 0,
  /** Decimal number (integer, fraction, exponent); empty = NaN. */
  Number: 1,
  /** Opaque string (e.g. a base64 hash): kept as a 53-bit hash of its bytes; empty = NaN. */
  Hash: 2,
  /** Identifier with a non-numeric prefix, e.g. `m_1932` (Alibaba): the number of its trailing digits; empty = NaN. */
  Id: 3,
} as const;
/** One of the {@link FieldKind} values. */
export type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];

/** One field of a {@link CsvSpec}. */
export interface FieldSpec {
  /** Name used in batches and messages. */
  name: string;
  /** How the field is parsed. */
  kind: FieldKind;
  /** An empty value makes the line bad. */
  required?: boolean;
  /** Smallest valid value (checked at read time; `field-checks.ts`). */
  min?: number;
  /** Largest valid value. */
  max?: number;
  /** What `max` is, for messages (e.g. "3651 days in µs"). */
  maxNote?: string;
  /** The value must be an integer. */
  integer?: boolean;
  /** Exact values accepted outside the range (sentinels such as 2^63−1). */
  also?: readonly number[];
}

/** Column layout of one file format. */
export interface CsvSpec {
  /** Format name for messages, e.g. "task_events". */
  format: string;
  /** The fields of a line, in order. */
  fields: FieldSpec[];
  /** Field separator byte: ',' (default) or 'whitespace' (runs of spaces/tabs, as in SWF). */
  separator?: ',' | 'whitespace';
  /** Lines starting with this byte are comments (SWF: ';'). */
  comment?: string;
  /**
   * A check across the fields of row `i` (after the per-field checks):
   * the reason it fails, `field N (name) …`, or undefined.
   */
  rowCheck?: (cols: Record<string, Float64Array>, i: number) => string | undefined;
}

/** A batch of parsed rows: `cols[name][i]` is field `name` of row `i`, for i < rows. */
export interface ColumnBatch {
  /** Number of valid rows in the batch (the arrays may be longer). */
  rows: number;
  /** One Float64Array per Number/Hash field, by field name. */
  cols: Record<string, Float64Array>;
  /** File the rows come from. */
  file: string;
  /** Line (1-based) of each row in its file, with {@link ReadOptions.lines}. */
  lines?: Float64Array;
}

/** Options shared by every reader. */
/** The names of {@link ReadOptions}, for the readers' run-time check (`checkOptionNames`). */
export const READ_OPTIONS = optionNames<ReadOptions>()('strict', 'batchRows', 'lines', 'signal');

export interface ReadOptions {
  /** Stop at the first bad line with `PARSE_ERROR` (`CORRUPT_INPUT` for broken gzip). Default false. */
  strict?: boolean;
  /** Rows per batch (default 65,536). */
  batchRows?: number;
  /** Give each batch the line number of each row (`ColumnBatch.lines`). */
  lines?: boolean;
  /**
   * Stop reading once aborted: the Google and SWF readers throw the signal's reason before the next
   * file or batch (a Ctrl-C during a long read used to wait for the whole read).
   */
  signal?: AbortSignal;
}
