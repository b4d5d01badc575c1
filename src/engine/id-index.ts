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

export class IdIndex {
  /** Slot → value + 1 (0: empty), `size` i32 slots at `ptr` of the core's memory. */
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
      this.slots = this.size === 0 ? new Int32Array(0) : this.core.i32(this.ptr, this.size);
      this.generation = this.core.generation;
    }
    return this.slots;
  }

  /** The value of `id`, or −1. */
  get(id: string): number {
    if (this.count === 0) return -1;
    const slots = this.table();
    const mask = this.size - 1;
    let at = idHash(id, 0, id.length) & mask;
    for (;;) {
      const v = slots[at]! - 1;
      if (v < 0) return -1;
      if (this.keyOf(v) === id) return v;
      at = (at + 1) & mask;
    }
  }

  /** Adds `id` → v (`id` is not in the index; v ≥ 0). */
  add(id: string, v: number): void {
    if (2 * (this.count + 1) > this.size) this.grow();
    this.put(this.table(), idHash(id, 0, id.length), v);
    this.count++;
  }

  private put(slots: Int32Array, hash: number, v: number): void {
    const mask = this.size - 1;
    let at = hash & mask;
    while (slots[at] !== 0) at = (at + 1) & mask;
    slots[at] = v + 1;
  }

  /** Twice the slots (at least 64), every value put again (the old table's memory stays with the engine's arena). */
  private grow(): void {
    const oldPtr = this.ptr, oldSize = this.size;
    this.size = Math.max(64, 2 * this.size);
    // A fresh arena allocation is zero: every slot empty.
    this.ptr = this.core.alloc(4 * this.size);
    this.generation = -1;
    const slots = this.table();
    const old = oldSize === 0 ? slots.subarray(0, 0) : this.core.i32(oldPtr, oldSize);
    for (let k = 0; k < old.length; k++) {
      const v = old[k]! - 1;
      if (v < 0) continue;
      const id = this.keyOf(v);
      this.put(slots, idHash(id, 0, id.length), v);
    }
  }
}
