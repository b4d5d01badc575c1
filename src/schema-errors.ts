/**
 * Ajv's first error in fairfit's words, for every JSON Schema the library checks (the IPTAS and
 * Docklet commands, the CRS scenario, the Docklet snapshot): the field at fault as a path from
 * the root (`command.demand[1]`, `scenario.hosts[0].cpu`) and what is wrong with it, the value
 * given where it helps. One translator, so the same fault is said the same way in each of them.
 *
 * @module
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { didYouMean, fieldPath, pointerSegments, shown } from './errors.ts';

/** A schema violation: the field at fault and what is wrong with it (the message is `${field} ${why}`). */
export interface SchemaFault {
  field: string;
  why: string;
}

/** What {@link schemaFault} needs to know of a schema. */
export interface SchemaWords {
  /** The name the fields are given from: `command`, `scenario`, `snapshot`. */
  root: string;
  /** A command language's ops (its objects discriminated by `op`): a missing or unknown op lists them. */
  ops?: readonly string[];
  /** Said after `has an invalid key "k"` for a key `propertyNames` refuses (`: keys must be non-empty task ids`). */
  badKey?: string;
  /** Said of a field that matches none of a `oneOf` (other than the ops'). */
  oneOf?: string;
}

/** The value at a JSON pointer of `root` (undefined when absent). */
function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const seg of pointerSegments(pointer)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

/**
 * The fields the schema object of error `e` allows: Ajv's `parentSchema`, given with its option
 * `verbose: true` (its `schemaPath` is relative to a `$ref`'s target, so it cannot find the object).
 */
function knownFields(e: ErrorObject): string[] {
  const props = (e.parentSchema as { properties?: object } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

/** `a finite number`, `an integer`, `an object`… for Ajv's `type` parameter (`number` or `string,null`). */
function typeWords(type: unknown): string {
  return String(type).split(',').map((t) => (t === 'number' ? 'a finite number' : t === 'integer' ? 'an integer' : t === 'null' ? 'null' : t === 'object' || t === 'array' ? `an ${t}` : `a ${t}`)).join(' or ');
}

/**
 * The first of Ajv's `errors` for `value` as a {@link SchemaFault} (from a validator compiled with
 * `verbose: true`, which gives each error its schema object). A field the schema does not allow
 * is named before a field it misses (a misspelt `cpus` is why `cpu` is missing), with the nearest name
 * allowed; the value given is shown for a wrong type, enum or range.
 */
export function schemaFault(errors: readonly ErrorObject[] | null | undefined, value: unknown, words: SchemaWords): SchemaFault {
  // A value that matches no branch of a oneOf: Ajv lists each branch's error first, then the oneOf's, which says it.
  const e = errors?.find((x) => x.keyword === 'oneOf') ?? errors?.[0];
  if (e === undefined) return { field: words.root, why: 'is invalid' };
  const p = e.params as Record<string, unknown>;
  const path = (pointer: string, ...more: string[]): string => fieldPath(words.root, pointer, ...more);
  const at = path(e.instancePath);
  const got = (): string => shown(valueAt(value, e.instancePath));
  const ops = words.ops;
  const badOp = (): SchemaFault => {
    const op = (value as { op?: unknown }).op;
    return { field: path('', 'op'), why: `must be one of ${ops!.join(', ')}; ${op === undefined ? 'it is missing' : `got ${shown(op)}`}` };
  };
  /** Key `key` of the object at `pointer`, which its schema does not allow. */
  const stray = (pointer: string, key: string): SchemaFault => {
    const of = pointer === '' && ops ? `op ${JSON.stringify((value as { op?: unknown }).op)}` : path(pointer);
    return { field: path(pointer, key), why: `is not a field of ${of}${didYouMean(key, knownFields(e))}` };
  };
  if (ops && (e.instancePath === '/op' || e.keyword === 'discriminator' || (e.instancePath === '' && e.keyword === 'required' && p.missingProperty === 'op'))) return badOp();
  if (e.propertyName !== undefined) return { field: at, why: `has an invalid key ${JSON.stringify(e.propertyName)}${words.badKey ?? ''}` };
  switch (e.keyword) {
    case 'required': {
      const known = knownFields(e);
      const obj = valueAt(value, e.instancePath);
      const key = obj !== null && typeof obj === 'object' && known.length > 0 ? Object.keys(obj).find((k) => !known.includes(k)) : undefined;
      if (key !== undefined) return stray(e.instancePath, key);
      return { field: path(e.instancePath, String(p.missingProperty)), why: 'is required' };
    }
    case 'additionalProperties':
      return stray(e.instancePath, String(p.additionalProperty));
    case 'type':
      return { field: at, why: `must be ${typeWords(p.type)}, got ${got()}` };
    case 'enum':
      return { field: at, why: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}; got ${got()}` };
    case 'minLength':
      return { field: at, why: p.limit === 1 ? 'must be a non-empty string' : `must have at least ${String(p.limit)} characters` };
    case 'minimum': case 'exclusiveMinimum': case 'maximum': case 'exclusiveMaximum':
      return { field: at, why: `${e.message ?? 'is out of range'}, got ${got()}` };
    case 'oneOf':
      if (words.oneOf !== undefined) return { field: at, why: words.oneOf };
      return { field: at, why: e.message ?? 'is invalid' };
    default:
      return { field: at, why: e.message ?? 'is invalid' };
  }
}
