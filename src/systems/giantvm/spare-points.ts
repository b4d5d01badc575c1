/**
 * Machine × point arrays reused by the parts of a spilled merge, in this thread.
 *
 * Why: each part of a merge whose series go to files (part-collector.ts) made
 * fresh arrays of about a megabyte a policy (its machines × points × 8 bytes)
 * and dropped them once written. glibc serves blocks of that size from its
 * heaps once a free has raised its mmap threshold, and a worker thread's heap
 * kept the freed blocks: the 614k-task window, all eight policies on 2
 * workers, grew by ≈ 80 MiB over its parts (peak 355–377 MiB, 302–310 with
 * the arrays reused, the same JSON; docs/results.md).
 *
 * Only arrays made here are taken back (a caller's own array, perhaps a view
 * into something it still uses, never is), at most {@link MAX_SPARES} of them,
 * and the merge that spilled lets them all go when it ends ({@link dropSpares}):
 * nothing is held between jobs.
 *
 * @module
 */

/** Spare buffers at most: one per policy of a lockstep group, and the spill's own block copy. */
export const MAX_SPARES = 9;

/** Buffers of arrays made by {@link pointRows}: the only ones {@link giveBack} keeps. */
const made = new WeakSet<ArrayBuffer>();
/** Buffers given back, free for the next {@link pointRows}. */
const spares: ArrayBuffer[] = [];

/** `n` zeros: a view on the smallest spare buffer that holds them, or a new array. */
export function pointRows(n: number): Float64Array {
  let best = -1;
  for (let i = 0; i < spares.length; i++) {
    if (spares[i]!.byteLength >= n * 8 && (best < 0 || spares[i]!.byteLength < spares[best]!.byteLength)) best = i;
  }
  if (best < 0) {
    const a = new Float64Array(n);
    made.add(a.buffer);
    return a;
  }
  const a = new Float64Array(spares.splice(best, 1)[0]!, 0, n);
  a.fill(0);
  return a;
}

/** Gives `a`'s buffer back for the next {@link pointRows}, when it was made there and is not spare already; `a` must not be used after. */
export function giveBack(a: Float64Array): void {
  const b = a.buffer;
  if (!(b instanceof ArrayBuffer) || !made.has(b) || b.byteLength === 0 || spares.includes(b) || spares.length >= MAX_SPARES) return;
  spares.push(b);
}

/** Lets every spare go (at the end of a spilled merge). */
export function dropSpares(): void {
  spares.length = 0;
}

/** Spare buffers held now (for tests). */
export function sparesHeld(): number {
  return spares.length;
}
