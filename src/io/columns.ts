/**
 * Growable typed-array columns (capacity doubles; no per-row objects) and a
 * stable counting sort by task, used by every trace reader.
 *
 * @module
 */

/** A typed array that grows by doubling; `make` allocates the array type. */
class Column<T extends Float64Array | Int32Array> {
  data: T;
  length = 0;
  constructor(
    private readonly make: (n: number) => T,
    capacity: number,
  ) {
    this.data = make(Math.max(16, capacity));
  }
  /** Appends one value. */
  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }
  /** Appends `n` copies of `v` (one growth at most: a batch's new rows at once). */
  pushMany(n: number, v: number): void {
    const end = this.length + n;
    this.grow(end);
    this.data.fill(v, this.length, end);
    this.length = end;
  }
  /** Appends the values of `src`. */
  pushAll(src: ArrayLike<number> & { length: number }, n = src.length): void {
    const end = this.length + n;
    this.grow(end);
    for (let i = 0; i < n; i++) this.data[this.length + i] = src[i]!;
    this.length = end;
  }
  /** Makes room for `n` values in total. */
  grow(n: number): void {
    if (n <= this.data.length) return;
    let cap = this.data.length;
    while (cap < n) cap *= 2;
    const next = this.make(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  /** A right-sized copy of the values. */
  toArray(): T {
    return this.data.slice(0, this.length) as T;
  }
  /**
   * Hands the values over as a view of the column's own array (no copy) and
   * empties the column. The capacity past the values was never written, so it
   * costs address space, not memory (its pages are not resident); a copy would
   * add the whole column to the peak until the old array is collected.
   */
  take(): T {
    const out = this.data.subarray(0, this.length) as T;
    this.data = this.make(0);
    this.length = 0;
    return out;
  }
}

/** A Float64Array that grows by doubling. */
export class F64Column extends Column<Float64Array> {
  constructor(capacity = 1024) {
    super((n) => new Float64Array(n), capacity);
  }
}

/** An Int32Array that grows by doubling. */
export class I32Column extends Column<Int32Array> {
  constructor(capacity = 1024) {
    super((n) => new Int32Array(n), capacity);
  }
}

/**
 * Row order sorting rows by `task` (dense ids in [0, tasks)) then by `start`,
 * stable: a counting sort by task, then inside each task nothing (already in
 * time order, the usual case), an insertion sort (small groups) or a comparison sort.
 */
export function orderByTaskThenStart(task: Int32Array, start: Float64Array, n: number, tasks: number): Int32Array {
  const counts = new Int32Array(tasks + 1);
  for (let i = 0; i < n; i++) counts[task[i]! + 1]!++;
  for (let t = 0; t < tasks; t++) counts[t + 1]! += counts[t]!;
  const first = counts.slice(0, tasks + 1);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[counts[task[i]!]!++] = i;
  for (let t = 0; t < tasks; t++) {
    const a = first[t]!;
    const b = first[t + 1]!;
    let sorted = true;
    for (let i = a + 1; i < b && sorted; i++) if (start[order[i]!]! < start[order[i - 1]!]!) sorted = false;
    if (sorted) continue;
    if (b - a > 32) {
      // Large unsorted group: a comparison sort (stable by row index on ties).
      const g = Array.from(order.subarray(a, b)).sort((x, y) => start[x]! - start[y]! || x - y);
      order.set(g, a);
      continue;
    }
    for (let i = a + 1; i < b; i++) {
      const r = order[i]!;
      const key = start[r]!;
      let j = i - 1;
      while (j >= a && start[order[j]!]! > key) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = r;
    }
  }
  return order;
}

/** `src` permuted by `order` (a new array of the same type). */
export function permute<T extends Float64Array | Int32Array>(src: T, order: Int32Array): T {
  const out = new (src.constructor as { new (n: number): T })(order.length);
  for (let i = 0; i < order.length; i++) out[i] = src[order[i]!]!;
  return out;
}
