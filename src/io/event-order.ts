/**
 * Time order of generated events without a comparator sort: each kind of event
 * (first SUBMITs, first SCHEDULEs, terminal events, …) is one stream, put in
 * time order by a stable LSD radix sort on typed arrays, and the streams are
 * merged. Ties keep the generation order (task, then the event's place in its
 * task), which is what the earlier comparator sort on (time, event number) gave.
 *
 * Memory: one Uint32Array per stream plus one scratch array, O(events).
 *
 * @module
 */

const DIGIT = 65536; // 16-bit digits: 2^16 counters, 3 passes for a month of µs
const DIGITS = 4; // keys < 2^53 < 2^64

/**
 * The `items` (indices into `keys`, or 0…n−1 when `items` is a number) in
 * non-decreasing `keys[item]` order, ties in their given order (stable).
 * Keys must be whole numbers ≥ `base` with `key − base` < 2^53. Returns
 * `null` when the items are already in order (no array needed).
 */
export function timeOrder(keys: Float64Array, items: Uint32Array | number, base: number): Uint32Array | null {
  const n = typeof items === 'number' ? items : items.length;
  const list = typeof items === 'number' ? null : items;
  // One scan: already in order? and the histogram of every digit (they do not depend on the order).
  const count = new Float64Array(DIGITS * DIGIT);
  let sorted = true;
  let prev = -Infinity;
  for (let k = 0; k < n; k++) {
    const v = keys[list === null ? k : list[k]!]!;
    if (v < prev) sorted = false;
    prev = v;
    let x = v - base;
    for (let p = 0; p < DIGITS && x > 0; p++) {
      const d = p * DIGIT + (x % DIGIT);
      count[d] = count[d]! + 1;
      x = Math.floor(x / DIGIT);
    }
  }
  if (sorted) return null;
  let a = list === null ? Uint32Array.from({ length: n }, (_, k) => k) : Uint32Array.from(list);
  let b = new Uint32Array(n);
  let scale = 1;
  for (let p = 0; p < DIGITS; p++, scale *= DIGIT) {
    const o = p * DIGIT;
    // Keys whose higher digits are all 0 were not counted: their digit 0 is the rest.
    let counted = 0;
    for (let d = 1; d < DIGIT; d++) counted += count[o + d]!;
    if (counted === 0) continue; // every key has digit 0 here: nothing moves
    count[o] = n - counted;
    let s = 0;
    for (let d = 0; d < DIGIT; d++) {
      const c = count[o + d]!;
      count[o + d] = s;
      s += c;
    }
    for (let k = 0; k < n; k++) {
      const it = a[k]!;
      const d = o + (Math.floor((keys[it]! - base) / scale) % DIGIT);
      b[count[d]!] = it;
      count[d] = count[d]! + 1;
    }
    [a, b] = [b, a];
  }
  return a;
}

/**
 * One stream of events in time order: position k holds item `order[k]` (k
 * itself when `order` is null), of time `times[item]`, task `tasks[item]` (the
 * item itself when `tasks` is null) and rank within its task `rank` (+ the item
 * when `rankByItem`: streams whose items are in task order).
 */
export interface EventStream {
  n: number;
  order: Uint32Array | null;
  times: Float64Array;
  tasks: Int32Array | null;
  rank: number;
  rankByItem: boolean;
}

/**
 * Calls `visit(stream, item)` for every event of the streams in (time, task,
 * rank) order, awaiting it when it returns a promise (the writer's flushes).
 */
export async function mergeStreams(streams: EventStream[], visit: (s: number, item: number) => void | Promise<void>): Promise<void> {
  const S = streams.length;
  const pos = new Float64Array(S);
  const headTime = new Float64Array(S);
  const headTask = new Float64Array(S);
  const headRank = new Float64Array(S);
  const headItem = new Float64Array(S);
  const load = (s: number): void => {
    const st = streams[s]!;
    const k = pos[s]!;
    if (k >= st.n) {
      headTime[s] = Infinity;
      return;
    }
    const it = st.order === null ? k : st.order[k]!;
    headItem[s] = it;
    headTime[s] = st.times[it]!;
    headTask[s] = st.tasks === null ? it : st.tasks[it]!;
    headRank[s] = st.rankByItem ? st.rank + it : st.rank;
  };
  for (let s = 0; s < S; s++) load(s);
  for (;;) {
    let best = -1;
    let bt = Infinity;
    for (let s = 0; s < S; s++) {
      const t = headTime[s]!;
      if (t === Infinity) continue;
      if (best < 0 || t < bt || (t === bt && (headTask[s]! < headTask[best]! || (headTask[s] === headTask[best] && headRank[s]! < headRank[best]!)))) {
        best = s;
        bt = t;
      }
    }
    if (best < 0) return;
    const r = visit(best, headItem[best]!);
    if (r) await r;
    pos[best] = pos[best]! + 1;
    load(best);
  }
}
