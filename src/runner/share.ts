/**
 * Moving columnar data to worker threads once: {@link toShared} copies every
 * typed array of a plain-data tree into a `SharedArrayBuffer`, so cloning the
 * tree into a worker (`workerData` or a task message) shares the columns
 * instead of copying them per worker or per task.
 *
 * @module
 */

import { isCoreBuffer } from '../wasm/module.ts';

type TypedArray = Exclude<ArrayBufferView, DataView>;

function isTyped(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/**
 * A copy of `typed` over a fresh SharedArrayBuffer, or `typed` itself if it is
 * already shared — unless it is a view over a WebAssembly core's memory, which
 * is shared too but private to its thread and reused (copied like any other).
 */
export function shareTyped<T extends TypedArray>(typed: T): T {
  if (typed.buffer instanceof SharedArrayBuffer && !isCoreBuffer(typed.buffer)) return typed;
  const Ctor = typed.constructor as new (buffer: SharedArrayBuffer, byteOffset?: number, length?: number) => T;
  const sab = new SharedArrayBuffer(typed.byteLength);
  const copy = new Ctor(sab, 0, (typed as unknown as { length: number }).length);
  (copy as unknown as { set(a: ArrayLike<number | bigint>): void }).set(typed as unknown as ArrayLike<number | bigint>);
  return copy;
}

/**
 * Returns a structurally equal tree (same keys in the same order) in which
 * every typed array lives in shared memory. Plain objects and arrays are
 * copied shallowly; other values are kept as they are. The input is not changed.
 */
export function toShared<T>(value: T): T {
  if (isTyped(value)) return shareTyped(value) as T;
  if (Array.isArray(value)) return value.map((v) => toShared(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toShared(v);
    return out as T;
  }
  return value;
}
