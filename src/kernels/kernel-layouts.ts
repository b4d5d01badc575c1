/**
 * The memory layouts the maths kernels share with `assembly/`: the matcher's
 * struct, the priority parameter block, the Gini scratch sizes and the kernels'
 * enumerations. Described once here (see `src/wasm/layout.ts`); the
 * AssemblyScript side reads the rendering in `assembly/layouts.ts`.
 *
 * @module
 */
import { constants, enumeration, struct } from '../wasm/layout.ts';
import { PRIORITY_PARAM_ORDER } from './priority-params.ts';

/**
 * A sorted first-fit matcher's state, one struct per matcher in its instance's
 * memory; every `ff*` export takes its address. Columns: `cap`, `res`, `save`
 * f64[n·dims] node-major; `up` u8[n]; `node` (position → node) and `pos`
 * (node → position) i32[n]; `tree` f64[2·size·dims].
 */
export const MATCHER = struct('Matcher', 'State of one sorted first-fit matcher (src/kernels/firstfit.ts).', {
  n: 'i32', dims: 'i32', size: 'i32',
  cap: 'ptr', res: 'ptr', up: 'ptr', node: 'ptr', pos: 'ptr', tree: 'ptr', save: 'ptr',
});

/** Task size classes of sorted first-fit: a small task scans from the weak end, a large one from the strong end. */
export const TASK_SIZE = enumeration('TaskSize', 'Size class of a task (sorted first-fit scan direction).', ['small', 'large']);

/** The first-fit miss memo of an engine round (assembly/firstfit.ts): f64[2·size·WAYS·dims]. */
export const MISS_MEMO = constants('MissMemo', 'Ways of the first-fit miss memo (assembly/firstfit.ts).', {
  /** Misses remembered per tree vertex. */
  WAYS: 4,
});

/** Outcome of one demand of an all-or-nothing placement (`ffPlaceAll`). */
export const PLACE_ALL = constants('PlaceAll', 'Return value of ffPlaceAll when every demand was placed.', { ALL_PLACED: -1 });

/** The priority kernel's parameter block, f64 fields in {@link PRIORITY_PARAM_ORDER}. */
export const PRIORITY_PARAMS = struct('PriorityParams', 'Parameters of the dynamic priority (src/kernels/priority-params.ts).',
  Object.fromEntries(PRIORITY_PARAM_ORDER.map((k) => [k, 'f64'])) as { [K in (typeof PRIORITY_PARAM_ORDER)[number]]: 'f64' });

/** Scratch the Gini kernels need: the radix sort's histograms (6 passes of 11 bits) and the column block. */
export const GINI = constants('Gini', 'Scratch sizes of the Gini kernels (src/kernels/gini.ts).', {
  RADIX_BITS: 11,
  RADIX_PASSES: 6,
  /** Bytes of the `hist` scratch: u32[RADIX_PASSES · 2^RADIX_BITS]. */
  HIST_BYTES: 6 * 2048 * 4,
  /** Columns gathered per pass by giniColumns: `x` scratch is f64[COL_BLOCK · rows]. */
  COL_BLOCK: 8,
});

/**
 * A Gini tracker's state (src/kernels/gini.ts, `GiniTracker`): the Gini of a vector that changes
 * a little between calls, kept sorted from call to call. The caller writes `n` values into `values`
 * and sets `n`; `giniTrack` writes `gini` and `changed` (values that differ from the last call's,
 * or −1 when it sorted them all). Columns of `cap` entries: `values`, `prev` (the last call's values,
 * −0 as +0), `sorted` and `next` (f64, ping-pong), `removed` and `added` (f64), `tmp` (u64).
 */
export const GINI_TRACK = struct('GiniTrack', 'State of one Gini tracker (src/kernels/gini.ts).', {
  n: 'i32', last: 'i32', cap: 'i32', changed: 'i32',
  values: 'ptr', prev: 'ptr', sorted: 'ptr', next: 'ptr', removed: 'ptr', added: 'ptr', tmp: 'ptr', hist: 'ptr',
  gini: 'f64',
});

/**
 * One call of the CSV line scanner (`csvParse`): where the lines and the spec
 * are, where the columns go, and what the call did (written on return).
 */
export const CSV_SCAN = struct('CsvScan', 'A call of the CSV line scanner: input, spec, columns; results written on return (src/io/csv/wasm-line-scanner.ts).', {
  /** u8[len + 16]: whole '\n'-ended lines and 16 readable bytes after them. */
  buf: 'ptr', len: 'i32',
  /** Where to start in buf. */
  pos: 'i32',
  /** u8[3·fields]: kinds, required flags, ends of optional skip runs. */
  spec: 'ptr', fields: 'i32',
  /** The comment byte, or −1. */
  comment: 'i32',
  /** u32[fields]: the address of each kept field's f64[cap] column. */
  cols: 'ptr', cap: 'i32',
  /** Rows already in the columns. */
  row: 'i32',
  /** Results: where the scan stopped (start of the first unparsed line), rows now in the columns, lines parsed by this call. */
  stop: 'i32', rows: 'i32', lines: 'i32',
  /** With status 2: the '\n' ending the line left to TypeScript. */
  leftLine: 'i32',
  /** Of the lines parsed, those the one-pass path did not take (a diagnostic). */
  slowLines: 'i32',
});

/** Field kinds of the CSV scanner's spec (src/io/csv/spec.ts, FieldKind). */
export const CSV_FIELD = enumeration('CsvField', 'Field kinds of the CSV scanner spec (src/io/csv/spec.ts).', ['skip', 'number', 'hash', 'id']);

/** What `csvParse` returns. */
export const CSV_STATUS = constants('CsvStatus', 'Return values of csvParse.', {
  /** The buffer is used up or the columns are full. */
  DONE: 0,
  /** The line at `stop` needs TypeScript's LineParser. */
  LINE_FOR_TYPESCRIPT: 2,
});

/**
 * Element types of an engine snapshot's column (src/engine/column-codec.ts):
 * what `columnTypes` chooses. The `…S` types hold sixteenths: x·16 as that
 * integer type (demands such as 0.5 or 2.25 in one byte instead of a float32's four).
 */
export const COLUMN_TYPE = enumeration('ColumnType', 'Element types of a snapshot column (src/engine/column-codec.ts); …S: sixteenths (x·16).', ['U8', 'I8', 'U16', 'I16', 'I32', 'U32', 'F32', 'F64', 'U8S', 'I8S', 'U16S', 'I16S']);

/** How the column `columnTypes` scans is held in memory. */
export const COLUMN_ELEMENT = enumeration('ColumnElement', 'Element of a column scanned by columnTypes.', ['I32', 'U8', 'F64']);

/** The PRNG's state (xoshiro128**, mirrored by src/rng.ts): four u32 words. */
export const RNG_STATE = struct('RngState', 'State of the seeded PRNG (src/rng.ts): xoshiro128** words.', { a: 'u32', b: 'u32', c: 'u32', d: 'u32' });
