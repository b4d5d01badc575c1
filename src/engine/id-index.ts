/**
 * Ids → small integers (a gang's number, a plain task's index) for an engine:
 * an open-addressing hash table whose slots lie in the engine's linear memory
 * and whose keys are the engine's own id strings, read back through `keyOf`.
 * A `Map` of 10^4–10^6 ids allocates large fresh tables as it grows (a page
 * fault per 4 KiB page on first touch, costly on some machines) and an entry
 * per id; this table lives in memory a recycled engine already touched.
 *
 * @module
 */
import type { Core } from '../wasm/module.ts';

/** FNV-1a of the UTF-16 code units text[from, to). */
export function idHash(text: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Slots of a table grown from `size` slots (doubling, at least 64) until `ids` ids fill at most half of it. */
function slotsFor(ids: number, size: number): number {
  while (2 * ids > size) size = Math.max(64, 2 * size);
  return size;
}

export class IdIndex {
  /**
   * Slot k → value + 1 (0: empty) at i32 2k and the id's hash at 2k + 1, `size` slots at `ptr` of
   * the core's memory. The hash kept: a growth re-puts without reading any id, and a probe reads
   * an id only when the hashes agree.
   */
  private ptr = 0;
  private size = 0;
  private count = 0;
  private slots: Int32Array = new Int32Array(0);
  private generation = -1;

  /** `keyOf(v)`: the id of value v (every value added has one). */
  constructor(private readonly core: Core, private readonly keyOf: (v: number) => string) {}

  /** The slots, a view remade after the memory grew. */
  private table(): Int32Array {
    if (this.generation !== this.core.generation) {
      this.slots = this.size === 0 ? new Int32Array(0) : this.core.i32(this.ptr, 2 * this.size);
      this.generation = this.core.generation;
    }
    return this.slots;
  }

  /** The value of `id`, or −1. */
  get(id: string): number {
    if (this.count === 0) return -1;
    const slots = this.table();
    const mask = this.size - 1;
    const h = idHash(id, 0, id.length) | 0;
    let at = h & mask;
    for (;;) {
      const v = slots[2 * at]! - 1;
      if (v < 0) return -1;
      if (slots[2 * at + 1] === h && this.keyOf(v) === id) return v;
      at = (at + 1) & mask;
    }
  }

  /**
   * Grows now, if it must, so that `extra` more ids go in without an allocation: a caller
   * that adds many makes its room first, so an `OUT_OF_MEMORY` comes before anything changed.
   */
  room(extra: number): void {
    if (this.fits(extra)) return;
    this.grow(slotsFor(this.count + extra, this.size));
  }

  /** Bytes of the table an empty index grows to for `ids` ids in one growth ({@link room}). */
  static bytesFor(ids: number): number {
    return ids <= 0 ? 0 : 8 * slotsFor(ids, 0);
  }

  /** Whether `extra` more ids go in without a growth. */
  fits(extra: number): boolean {
    return 2 * (this.count + extra) <= this.size;
  }

  /** Adds `id` → v (`id` is not in the index; v ≥ 0). */
  add(id: string, v: number): void {
    if (!this.fits(1)) this.grow(Math.max(64, 2 * this.size));
    this.put(this.table(), idHash(id, 0, id.length) | 0, v);
    this.count++;
  }

  /** How many ids it holds. */
  get ids(): number {
    return this.count;
  }

  /** Empties it (its table stays: as many ids go in again without a growth). */
  clear(): void {
    if (this.size > 0) this.core.fill(this.ptr, 0, 8 * this.size);
    this.count = 0;
  }

  private put(slots: Int32Array, hash: number, v: number): void {
    const mask = this.size - 1;
    let at = hash & mask;
    while (slots[2 * at] !== 0) at = (at + 1) & mask;
    slots[2 * at] = v + 1;
    slots[2 * at + 1] = hash;
  }

  /** `size` slots (a power of 2 above the ids' count), every value put again by its kept hash (the old table's memory stays with the engine's arena). */
  private grow(size: number): void {
    const oldPtr = this.ptr, oldSize = this.size;
    // A fresh arena allocation is zero: every slot empty. Allocated first: an OUT_OF_MEMORY leaves the index as it was.
    this.ptr = this.core.alloc(8 * size);
    this.size = size;
    this.generation = -1;
    const slots = this.table();
    const old = oldSize === 0 ? slots.subarray(0, 0) : this.core.i32(oldPtr, 2 * oldSize);
    for (let k = 0; k < old.length; k += 2) {
      const v = old[k]! - 1;
      if (v >= 0) this.put(slots, old[k + 1]!, v);
    }
  }
}
