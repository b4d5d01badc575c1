/**
 * The one error catalogue of fairfit. Every failure a caller can act on is a
 * {@link FairfitError} with a stable {@link FairfitErrorCode}; messages name the
 * field, index or `file:line` at fault. The AssemblyScript status codes in
 * `assembly/status.ts` mirror {@link WASM_STATUS} (a test checks the two agree).
 *
 * @module
 */

/** Stable error codes. Never renamed once released; new ones are appended. */
export const ERROR_CODES = [
  /** A number is NaN or ±Infinity where a finite value is required. */
  'NOT_FINITE',
  /** A capacity, demand, weight or count is negative. */
  'NEGATIVE_VALUE',
  /** Vectors or columns disagree on their length or dimension count. */
  'DIMENSION_MISMATCH',
  /** A node set is empty where at least one node is required. */
  'EMPTY_NODE_SET',
  /** A node or task index is outside its table. */
  'INDEX_OUT_OF_RANGE',
  /** A release would give a node more than its capacity back. */
  'RELEASE_EXCEEDS_CAPACITY',
  /** An option has the wrong type or a value outside its range. */
  'INVALID_OPTION',
  /** The WebAssembly core aborted: a bug in fairfit, not in the caller's input. */
  'WASM_ABORT',
  /** An input file or folder does not exist or cannot be read. */
  'FILE_NOT_FOUND',
  /** A trace line could not be parsed (strict mode, or reported in the skip summary). */
  'PARSE_ERROR',
  /** A compressed input is truncated or corrupt. */
  'CORRUPT_INPUT',
  /** The operation was cancelled (Ctrl-C or an AbortSignal). */
  'ABORTED',
  /** A worker thread failed. */
  'WORKER_FAILED',
  /** An input has no usable rows, or spans no time (every row skipped, empty files). */
  'NO_DATA',
  /** An output file cannot be written (its folder is missing or read-only, it is a folder…). */
  'OUTPUT_ERROR',
  /** A file-system call failed outside the readers' and writers' own checks (the command line wraps Node's ENOSPC, EACCES… in it). */
  'IO_ERROR',
  /** A WebAssembly memory could not grow: past its 4 GiB, or the machine would not give the pages. */
  'OUT_OF_MEMORY',
  /** A gang (a virtual cluster's members) does not fit on the hosts all at once: nothing was placed. */
  'NO_FIT',
  /** A change would take a tenant past one of its quota limits: nothing changed. */
  'QUOTA_EXCEEDED',
] as const;

/** A stable fairfit error code. */
export type FairfitErrorCode = (typeof ERROR_CODES)[number];

/**
 * Status codes returned by WebAssembly kernels. 0 is success; every other value
 * maps to an {@link FairfitErrorCode}. Mirrored by `assembly/status.ts`.
 */
export const WASM_STATUS = {
  OK: 0,
  NOT_FINITE: 1,
  NEGATIVE_VALUE: 2,
  DIMENSION_MISMATCH: 3,
  EMPTY_NODE_SET: 4,
  INDEX_OUT_OF_RANGE: 5,
  RELEASE_EXCEEDS_CAPACITY: 6,
} as const satisfies Record<string, number>;

/** Extra machine-readable facts about an error (field, index, file, line…). */
export interface FairfitErrorDetails {
  field?: string;
  index?: number;
  file?: string;
  line?: number;
  [key: string]: unknown;
}

/** The single error class thrown by fairfit for anything a caller can act on. */
export class FairfitError extends Error {
  override readonly name = 'FairfitError';
  /** Stable code: switch on this, not on the message. */
  readonly code: FairfitErrorCode;
  /** Where the problem is, when known. */
  readonly details: FairfitErrorDetails;

  constructor(code: FairfitErrorCode, message: string, details: FairfitErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

/** `1 job`, `2 jobs`: a count and its noun, singular or plural, for a message. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}

/**
 * `path` a non-empty string (`field` names it): a number was read as a file descriptor (0: standard
 * input, a wait for a terminal; -0 aborted Node), a symbol or an object failed in the message.
 */
export function checkPath(path: unknown, field: string): asserts path is string {
  if (typeof path !== 'string' || path.trim() === '') throw new FairfitError('INVALID_OPTION', `${field}: expected a file path, got ${shown(path)}`, { field });
}

/**
 * A value as an error message shows it: a string quoted (the '1' a host passed is not the number 1;
 * past 80 characters cut, with its length), an array, typed array or object by its kind and size,
 * a BigInt with its `n` (`1n`), anything else as `String` gives it.
 */
export function shown(v: unknown): string {
  // Bounded: a message quotes a value, it does not print a megabyte array or a function's source.
  if (typeof v === 'string') return v.length > 80 ? `${JSON.stringify(v.slice(0, 80))}… (${v.length} characters)` : JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) {
    const name = v.constructor.name;
    return `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name} of ${v.byteLength} bytes`;
  }
  if (v instanceof ArrayBuffer) return `an ArrayBuffer of ${v.byteLength} bytes`;
  if (typeof v === 'object' && v !== null) return 'an object';
  // 1n, not 1: a BigInt is not the number a field wants.
  if (typeof v === 'bigint') return `${v}n`;
  return String(v);
}

/** Throws `NOT_FINITE` / `NEGATIVE_VALUE` unless `value` is a finite number ≥ 0 (or > 0 when `positive`). */
export function checkNonNegative(value: unknown, field: string, index?: number, positive = false): number {
  // The field's name is made only for an error (hot loops check millions of values).
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new FairfitError('NOT_FINITE', `${where(field, index)} must be a finite number, got ${shown(value)}`, { field, index });
  }
  if (value < 0 || (positive && value === 0)) {
    throw new FairfitError('NEGATIVE_VALUE', `${where(field, index)} must be ${positive ? '> 0' : '≥ 0'}, got ${value}`, { field, index });
  }
  return value;
}

function where(field: string, index: number | undefined): string {
  return index === undefined ? field : `${field}[${index}]`;
}

/** Longest array or typed array there is (a plain array: 2^32 − 1; a Uint8Array in Node 20: 2^32). */
const MAX_ARRAY_LENGTH = 2 ** 32;

/**
 * The length of `values`, or `INVALID_OPTION` naming `field` when it is no array or typed array (null,
 * a number…, an array-like longer than any array: `{ length: 1e10 }` was a RangeError from the copy).
 */
export function arrayLength(values: unknown, field: string): number {
  const n = (values as { length?: unknown } | null | undefined)?.length;
  if (values === null || typeof values !== 'object' || typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_ARRAY_LENGTH) {
    const got = values === null || typeof values !== 'object' ? shown(values) : typeof n === 'number' ? `an object of length ${n}` : 'an object without a length';
    throw new FairfitError('INVALID_OPTION', `${field} must be an array of numbers, got ${got}`, { field });
  }
  return n;
}

/** `options` itself, or `INVALID_OPTION` naming `field` unless it is undefined or an object. */
export function optionsObject<T extends object>(options: T | undefined, field = 'options'): T | Record<string, never> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') throw new FairfitError('INVALID_OPTION', `${field} must be an object, got ${String(options)}`, { field });
  return options;
}

/** `value` true, false or absent (`INVALID_OPTION` naming `field` otherwise): a truthy 'no' read as true. */
export function checkBooleanOption(value: unknown, field: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw new FairfitError('INVALID_OPTION', `${field} must be true or false, got ${shown(value)}`, { field });
}

/** `v` when it is a number, else NaN: what a kernel's finite check then refuses at that index, never a conversion ('1' to 1, null to 0). */
export function numberOrNaN(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}

/** Throws `NOT_FINITE` unless `value` is a finite number. */
export function checkFinite(value: unknown, field: string, index?: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const where = index === undefined ? field : `${field}[${index}]`;
    throw new FairfitError('NOT_FINITE', `${where} must be a finite number, got ${shown(value)}`, { field, index });
  }
  return value;
}

/**
 * A JSON pointer (`/usage/t 1/0`, as JSON Schema validators report places) as
 * the field path an error names, from `root` (`command.usage["t 1"][0]`);
 * `more` appends segments (a missing or unknown property).
 */
export function fieldPath(root: string, pointer: string, ...more: string[]): string {
  const segs = pointerSegments(pointer);
  let out = root;
  for (const s of [...segs, ...more]) {
    if (/^(0|[1-9]\d*)$/.test(s)) out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** The segments of a JSON pointer (`/usage/t~11/0` → `usage`, `t/1`, `0`), unescaped. */
export function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * The option names of an options type `T`, listed once for the run-time check
 * ({@link checkOptionNames}); the compiler refuses a list that misses one of T's keys.
 */
export function optionNames<T extends object>(): <const K extends readonly (keyof T & string)[]>(
  ...names: K & ([Exclude<keyof T, K[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, K[number]> })
) => readonly string[] {
  return (...names) => names;
}

/**
 * `options` (absent, or an object) has only keys among `known`: `INVALID_OPTION` naming the first
 * other key and the option it most likely misspells. A misspelt option was ignored, its option
 * left at its default (`readSwf(path, { strickt: true })` read leniently). `required`: absent is
 * refused too (options holding required fields: their absence was a TypeError).
 */
export function checkOptionNames(options: unknown, known: readonly string[], of: string, required = false): void {
  if (options === undefined && !required) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new FairfitError('INVALID_OPTION', `options of ${of} must be an object, got ${shown(options)}`, { field: 'options' });
  const key = unknownKey(options, known);
  if (key !== undefined) throw new FairfitError('INVALID_OPTION', `${key}: not an option of ${of}${didYouMean(key, known)}`, { field: key });
}

/** The first key of `v` that is not one of `known` (a field or option it does not have), or undefined. */
export function unknownKey(v: object, known: readonly string[]): string | undefined {
  // for…in, not Object.keys: no array per call (some callers check one object per task).
  for (const key in v) if (!known.includes(key)) return key;
  return undefined;
}

/** ` (did you mean x?)`, x the name of `names` that `key` most likely misspells, or '' when none is close. */
export function didYouMean(key: string, names: readonly string[]): string {
  const near = nearestName(key, names);
  return near === undefined ? '' : ` (did you mean ${near}?)`;
}

/** The name of `names` that `key` most likely misspells (case aside, at most 2 edits away), or undefined. */
export function nearestName(key: string, names: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined, bestDistance = 3;
  for (const name of names) {
    const d = name.toLowerCase() === lower ? 0 : editDistance(lower, name.toLowerCase());
    if (d < bestDistance) { best = name; bestDistance = d; }
  }
  return best;
}

/** Levenshtein distance (names are short: the plain two-row table). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
