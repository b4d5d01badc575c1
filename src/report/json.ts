/**
 * The JSON writer of every report. Deterministic: key order is the order the
 * drivers build objects in, numbers use JavaScript's
 * shortest round-trip form, non-finite numbers become `null` (as
 * `JSON.stringify` does), and nothing depends on time or worker count — the
 * same seed gives byte-identical files whatever the worker count is.
 *
 * Objects are indented two spaces; arrays of plain values (the time series)
 * stay on one line so a file with long series is still readable.
 *
 * @module
 */
import { FairfitError, fieldPath } from '../errors.ts';
import { writeTextFile } from './file.ts';

function isPlain(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

/**
 * True when `JSON.stringify(v, null, 2)` lays `v` out exactly as
 * {@link encode} does: no non-empty array of plain values (kept on one line
 * here), no typed array, no `toJSON`, no boxed primitive, no symbol-valued
 * property (JSON.stringify drops it; encode writes null). Walks without
 * allocating.
 */
function stringifies(v: unknown, depth: number): boolean {
  if (isPlain(v)) return true;
  const o = v as Record<string, unknown>;
  if (depth > 64 || ArrayBuffer.isView(o) || typeof o.toJSON === 'function' || o instanceof Number || o instanceof String || o instanceof Boolean) return false;
  if (Array.isArray(o)) {
    if (o.length > 0 && o.every(isPlain)) return false;
    for (const x of o) if (!stringifies(x, depth + 1)) return false;
    return true;
  }
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    const x = o[k];
    if (typeof x === 'symbol' || !stringifies(x, depth + 1)) return false;
  }
  return true;
}

function encode(value: unknown, indent: string, out: string[]): void {
  if (isPlain(value)) {
    // Same mapping as JSON.stringify: NaN/±Infinity → null, undefined → null inside arrays.
    out.push(JSON.stringify(value) ?? 'null');
    return;
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    encode(Array.from(value as unknown as ArrayLike<number>), indent, out);
    return;
  }
  // A subtree JSON.stringify lays out the same way is written by it, re-indented (a JSON string holds
  // no raw line break): one native call instead of a piece per key and value — a scenario of 2·10^5
  // VMs took 3.9 s here, 0.3 s so (the pieces' garbage was most of it).
  if (stringifies(value, 0)) {
    const text = JSON.stringify(value, null, 2);
    out.push(indent === '' ? text : text.replaceAll('\n', '\n' + indent));
    return;
  }
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
    } else if (value.every(isPlain)) {
      out.push('[' + value.map((v) => JSON.stringify(v) ?? 'null').join(',') + ']');
    } else {
      out.push('[\n');
      value.forEach((v, i) => {
        out.push(inner);
        encode(v, inner, out);
        out.push(i < value.length - 1 ? ',\n' : '\n');
      });
      out.push(indent + ']');
    }
    return;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (entries.length === 0) {
    out.push('{}');
    return;
  }
  out.push('{\n');
  entries.forEach(([k, v], i) => {
    out.push(inner + JSON.stringify(k) + ': ');
    encode(v, inner, out);
    out.push(i < entries.length - 1 ? ',\n' : '\n');
  });
  out.push(indent + '}');
}

/**
 * Serialises any JSON-like value the way the report files are written (see module docs).
 * @throws FairfitError `INVALID_OPTION` naming where a BigInt is (`value.runs[0].seed`), or where a
 * value contains itself (`value.a.back`): JSON holds neither.
 */
export function toJson(value: unknown): string {
  const out: string[] = [];
  try {
    encode(value, '', out);
  } catch (cause) {
    // JSON.stringify's "Do not know how to serialize a BigInt" said neither where nor which, and a cycle
    // overflowed the stack (a RangeError naming nothing): looked for only now.
    const found = unwritableAt(value, new Set(), new Set());
    if (found === undefined) throw cause;
    const field = fieldPath('value', '', ...found.at);
    const what = found.bigint ? 'is a BigInt, which JSON cannot hold: give a number or a string' : 'is an object that contains it, a cycle JSON cannot hold';
    throw new FairfitError('INVALID_OPTION', `${field} ${what}`, { field }, { cause });
  }
  return out.join('') + '\n';
}

/**
 * The keys from `v` to the first value JSON cannot hold, a BigInt or one of its own ancestors, and which
 * (`open`: the objects on the path; `done`: those whose every descendant was looked at); undefined when none.
 */
function unwritableAt(v: unknown, open: Set<object>, done: Set<object>): { at: string[]; bigint: boolean } | undefined {
  if (typeof v === 'bigint' || v instanceof BigInt) return { at: [], bigint: true };
  if (v === null || typeof v !== 'object' || done.has(v)) return undefined;
  if (open.has(v)) return { at: [], bigint: false };
  open.add(v);
  const entries = ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<unknown>).entries() : Object.entries(v);
  for (const [k, x] of entries) {
    const found = unwritableAt(x, open, done);
    if (found !== undefined) return { at: [String(k), ...found.at], bigint: found.bigint };
  }
  open.delete(v);
  done.add(v);
  return undefined;
}

/** Writes any JSON-like value (e.g. a replay or sweep report) as {@link toJson} does, creating the folder if needed. */
export function writeJson(path: string, value: unknown): void {
  writeTextFile(path, toJson(value));
}
