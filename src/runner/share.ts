/**
 * Moving columnar data to worker threads once: {@link toShared} copies every
 * typed array of a plain-data tree into a `SharedArrayBuffer`, so cloning the
 * tree into a worker (`workerData` or a task message) shares the columns
 * instead of copying them per worker or per task.
 *
 * @module
 */

type TypedArray = Exclude<ArrayBufferView, DataView>;

function isTyped(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/** A copy of `typed` over a fresh SharedArrayBuffer (or `typed` itself if it already is shared). */
export function shareTyped<T extends TypedArray>(typed: T): T {
  if (typed.buffer instanceof SharedArrayBuffer) return typed;
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

/**
 * {@link toShared} in place, for a tree the caller owns and gives up (e.g. a
 * preparation made only to be shared): each typed array is replaced by its
 * shared copy as soon as that is made, so the unshared one can be collected
 * while the rest is copied — the peak is the tree plus one column, not two
 * trees. Plain objects and arrays are changed in place; returns the same tree.
 */
export function moveToShared<T>(value: T): T {
  if (isTyped(value)) return shareTyped(value) as T;
  // Only changed slots are written: a nested object may be frozen or shared (e.g. parameters).
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = moveToShared(value[i]);
      if (v !== value[i]) value[i] = v;
    }
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const obj = value as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      const v = moveToShared(obj[k]);
      if (v !== obj[k]) obj[k] = v;
    }
  }
  return value;
}
