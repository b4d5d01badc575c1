/**
 * How a structure shared by TypeScript and AssemblyScript is described: once,
 * here in TypeScript, with named fields. `scripts/layouts.ts` renders every
 * description as AssemblyScript constants into `assembly/layouts.ts`, and
 * `test/wasm/layouts.test.ts` fails when that file is not the rendering of
 * the current descriptions — so the two sides cannot drift, and nothing
 * crosses the boundary as a positional slot or a bare number.
 *
 * Three kinds of description:
 * - {@link struct}: named scalar fields at fixed byte offsets (natural
 *   alignment, size rounded to 8), read and written by name;
 * - {@link enumeration}: names with their codes (the index in a list, so the
 *   list is the single source of the numbering);
 * - {@link constants}: named numbers both sides need (scratch sizes, limits).
 *
 * @module
 */
import type { WasmMemory } from './wasm-types.ts';

/** Scalar field types: `ptr` is a byte offset into linear memory (`usize` in wasm32). */
export type FieldType = 'i32' | 'u32' | 'f64' | 'ptr';

const BYTES: Record<FieldType, number> = { i32: 4, u32: 4, f64: 8, ptr: 4 };

/** Values of a struct's fields, by name. */
export type StructValues<F extends Record<string, FieldType>> = { [K in keyof F]: number };

/** A structure in linear memory with named fields. */
export interface StructLayout<F extends Record<string, FieldType>> {
  readonly kind: 'struct';
  /** Name of the AssemblyScript namespace that mirrors it. */
  readonly name: string;
  /** What the structure is for, one line (copied into the rendering). */
  readonly doc: string;
  readonly fields: Readonly<F>;
  /** Byte offset of each field. */
  readonly offset: { readonly [K in keyof F]: number };
  /** Bytes, a multiple of 8. */
  readonly size: number;
  /** Writes every field (all of them: a missing one is a type error) at `ptr`. */
  write(memory: WasmMemory, ptr: number, values: StructValues<F>): void;
  /** Writes the given fields at `ptr`, leaving the others as they are. */
  update(memory: WasmMemory, ptr: number, values: Partial<StructValues<F>>): void;
  /** Reads every field at `ptr`. */
  read(memory: WasmMemory, ptr: number): StructValues<F>;
  /** Reads one field at `ptr`. */
  get(memory: WasmMemory, ptr: number, field: keyof F): number;
}

/**
 * A view of a whole memory buffer, kept while the buffer is the same: a single-field read
 * (hot calls read one header field) makes no object. A grown memory has a new buffer.
 */
let viewed: ArrayBufferLike | undefined;
let wholeDataView: DataView | undefined;
function wholeView(buffer: ArrayBufferLike): DataView {
  if (buffer !== viewed || wholeDataView === undefined) {
    wholeDataView = new DataView(buffer);
    viewed = buffer;
  }
  return wholeDataView;
}

/** Describes a struct; offsets follow declaration order with natural alignment. */
export function struct<const F extends Record<string, FieldType>>(name: string, doc: string, fields: F): StructLayout<F> {
  const offset = {} as Record<keyof F, number>;
  let at = 0;
  for (const [field, type] of Object.entries(fields) as [keyof F & string, FieldType][]) {
    const b = BYTES[type];
    at = Math.ceil(at / b) * b;
    offset[field] = at;
    at += b;
  }
  const size = Math.ceil(at / 8) * 8;
  const entries = Object.entries(fields) as [keyof F & string, FieldType][];
  const get = (view: DataView, field: keyof F & string): number => {
    const o = offset[field];
    switch (fields[field] as FieldType) {
      case 'f64': return view.getFloat64(o, true);
      case 'i32': return view.getInt32(o, true);
      default: return view.getUint32(o, true);
    }
  };
  const set = (view: DataView, field: keyof F & string, v: number): void => {
    const o = offset[field];
    switch (fields[field] as FieldType) {
      case 'f64': view.setFloat64(o, v, true); break;
      case 'i32': view.setInt32(o, v, true); break;
      default: view.setUint32(o, v, true);
    }
  };
  return {
    kind: 'struct', name, doc, fields, offset, size,
    write(memory, ptr, values) {
      const view = new DataView(memory.buffer, ptr, size);
      for (const [field] of entries) set(view, field, values[field]);
    },
    update(memory, ptr, values) {
      const view = new DataView(memory.buffer, ptr, size);
      for (const [field, v] of Object.entries(values) as [keyof F & string, number][]) set(view, field, v);
    },
    read(memory, ptr) {
      const view = new DataView(memory.buffer, ptr, size);
      const out = {} as StructValues<F>;
      for (const [field] of entries) out[field] = get(view, field);
      return out;
    },
    get(memory, ptr, field) {
      const o = ptr + offset[field as keyof F & string];
      const view = wholeView(memory.buffer);
      switch (fields[field as keyof F & string] as FieldType) {
        case 'f64': return view.getFloat64(o, true);
        case 'i32': return view.getInt32(o, true);
        default: return view.getUint32(o, true);
      }
    },
  };
}

/** Names with codes: the code of a name is its index in the list. */
export interface EnumLayout<N extends string> {
  readonly kind: 'enum';
  readonly name: string;
  readonly doc: string;
  readonly names: readonly N[];
  readonly code: { readonly [K in N]: number };
}

/** Describes an enumeration whose codes are the positions in `names`. */
export function enumeration<const N extends string>(name: string, doc: string, names: readonly N[]): EnumLayout<N> {
  const code = Object.fromEntries(names.map((n, i) => [n, i])) as { [K in N]: number };
  return { kind: 'enum', name, doc, names, code: Object.freeze(code) };
}

/** Named numbers (sizes, limits) that both sides use. */
export interface ConstantsLayout<C extends Record<string, number>> {
  readonly kind: 'constants';
  readonly name: string;
  readonly doc: string;
  readonly values: Readonly<C>;
}

/** Describes named integer constants. */
export function constants<const C extends Record<string, number>>(name: string, doc: string, values: C): ConstantsLayout<C> {
  for (const [k, v] of Object.entries(values)) if (!Number.isSafeInteger(v)) throw new Error(`constant ${name}.${k} must be an integer, got ${v}`);
  return { kind: 'constants', name, doc, values: Object.freeze(values) };
}

/** Any description. */
export type Layout = StructLayout<Record<string, FieldType>> | EnumLayout<string> | ConstantsLayout<Record<string, number>>;

const AS_TYPE: Record<FieldType, string> = { i32: 'i32', u32: 'u32', f64: 'f64', ptr: 'usize' };

/** The AssemblyScript rendering of one description: a namespace of constants. */
export function renderAssembly(layout: Layout): string {
  const lines = [`/** ${layout.doc} */`, `export namespace ${layout.name} {`];
  if (layout.kind === 'struct') {
    for (const [field, type] of Object.entries(layout.fields)) {
      lines.push(`  export const ${field}: usize = ${layout.offset[field]}; // ${AS_TYPE[type]}`);
    }
    lines.push(`  export const SIZE: usize = ${layout.size}; // bytes`);
  } else if (layout.kind === 'enum') {
    for (const n of layout.names) lines.push(`  export const ${n}: i32 = ${layout.code[n]};`);
    lines.push(`  export const COUNT: i32 = ${layout.names.length};`);
  } else {
    for (const [k, v] of Object.entries(layout.values)) lines.push(`  export const ${k}: i32 = ${v};`);
  }
  lines.push('}');
  return lines.join('\n');
}

/** Slot index (offset / 8) of each field of an all-`f64` struct, for Float64Array access. */
export function slots<F extends Record<string, 'f64'>>(layout: StructLayout<F>): { readonly [K in keyof F]: number } {
  return Object.freeze(Object.fromEntries(Object.entries(layout.offset).map(([k, o]) => [k, o / 8]))) as { [K in keyof F]: number };
}
