/**
 * Checks for option values at the edges of the public API and the CLI, shared
 * by every system: numbers typed as text, `a:b:step` ranges, integer bounds,
 * worker counts, unknown option keys. Every rejection is a
 * `FairfitError('INVALID_OPTION')` whose message and `details.field` name the
 * option, so the CLI can print it and exit 2.
 *
 * @module
 */
import { FairfitError, shown } from '../errors.ts';

/** Most configurations one range may expand to: a typo like `0:1000:0.001` should fail fast, not run for a week. */
export const MAX_RANGE_VALUES = 10_000;

/** Throws `INVALID_OPTION` naming `field`. */
export function invalid(field: string, message: string, extra: Record<string, unknown> = {}): never {
  throw new FairfitError('INVALID_OPTION', `${field}: ${message}`, { field, ...extra });
}

/** Parses a finite number from CLI text, naming the option on failure. */
export function parseNumber(text: string, field: string): number {
  const s = textOf(text, field);
  // Number('') is 0 and Number('0x10') is 16: accept plain decimal notation only.
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) invalid(field, `'${text}' is not a number`);
  const n = Number(s);
  if (!Number.isFinite(n)) invalid(field, `'${text}' is not a finite number`);
  return n;
}

/** `text` trimmed; `INVALID_OPTION` when it is no string (a number or null was a TypeError from `trim`). */
function textOf(text: unknown, field: string): string {
  if (typeof text !== 'string') invalid(field, `must be text, got ${shown(text)}`);
  return text.trim();
}

/** Decimal places needed to write `x` exactly as typed (for float-safe range steps). */
function decimals(text: string): number {
  const m = /^[-+]?\d*(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text.trim());
  if (!m) return 0;
  const frac = m[1]?.length ?? 0;
  const exp = m[2] ? Number(m[2]) : 0;
  return Math.max(0, frac - exp);
}

/**
 * Expands a sweep range. Accepted forms: `a` (one value), `a,b,c` (a list), and
 * `a:b:step` (from `a` to `b` inclusive). Stepping is float-safe: value i is
 * `a + i·step` rounded to the decimals the user wrote, so `0.5:1.4:0.3` is
 * exactly `[0.5, 0.8, 1.1, 1.4]` and `b` is included even when `(b − a) / step`
 * lands at 2.9999999999999996.
 */
export function parseRange(text: string, field: string): number[] {
  const s = textOf(text, field);
  if (s === '') invalid(field, 'empty range');
  if (s.includes(':')) {
    const parts = s.split(':');
    if (parts.length !== 3) invalid(field, `'${text}' must be a:b:step (start, end inclusive, step)`);
    const [ta, tb, tstep] = parts as [string, string, string];
    const a = parseNumber(ta, field);
    const b = parseNumber(tb, field);
    const step = parseNumber(tstep, field);
    if (step <= 0) invalid(field, `step must be > 0 in '${text}'`);
    if (b < a) invalid(field, `end ${b} is below start ${a} in '${text}'`);
    const places = Math.min(15, Math.max(decimals(ta), decimals(tstep)));
    const scale = 10 ** places;
    // The tolerance absorbs binary representation error of the quotient only.
    const steps = Math.floor((b - a) / step + 1e-9);
    if (steps + 1 > MAX_RANGE_VALUES) invalid(field, `'${text}' expands to ${steps + 1} values (at most ${MAX_RANGE_VALUES})`);
    const out: number[] = [];
    // + 0: a value rounded up to zero from below is -0, which prints and compares as 0 but is not Object.is(0)
    for (let i = 0; i <= steps; i++) out.push(Math.round((a + i * step) * scale) / scale + 0);
    return out;
  }
  const values = s.split(',').map((p) => parseNumber(p, field));
  if (values.length > MAX_RANGE_VALUES) invalid(field, `${values.length} values (at most ${MAX_RANGE_VALUES})`);
  return values;
}

/** Validates a list of numbers given through the API (not the CLI): non-empty, finite. */
export function checkValues(values: unknown, field: string): number[] {
  const list = typeof values === 'number' ? [values] : values;
  if (!Array.isArray(list) || list.length === 0) invalid(field, 'expected a number or a non-empty array of numbers');
  for (const [i, v] of list.entries()) {
    if (typeof v !== 'number' || !Number.isFinite(v)) invalid(`${field}[${i}]`, `must be a finite number, got ${shown(v)}`, { index: i });
  }
  if (list.length > MAX_RANGE_VALUES) invalid(field, `${list.length} values (at most ${MAX_RANGE_VALUES})`);
  return [...(list as number[])];
}

/** Validates an integer option within [min, max]. */
export function checkInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(field, `must be an integer in [${min}, ${max}], got ${shown(value)}`);
  }
  return value;
}

/** Most worker threads a pool may start (far above any sane core count; guards typos like 1000). */
export const MAX_WORKERS = 256;

/** Validates `workers` (default 1 = run in this thread). */
export function checkWorkers(value: unknown): number {
  if (value === undefined) return 1;
  return checkInteger(value, 'workers', 1, MAX_WORKERS);
}

/** Rejects option keys nobody reads (a misspelt `overcomit` must not silently run the default). */
export function checkKeys(options: object, allowed: Set<string>, what: string): void {
  if (options === null || typeof options !== 'object') invalid(what, 'expected an options object');
  for (const key of Object.keys(options)) {
    if (!allowed.has(key)) invalid(key, `unknown ${what} option (known: ${[...allowed].join(', ')})`);
  }
}
