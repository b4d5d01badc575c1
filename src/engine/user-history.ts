/**
 * A user's history for ε_u: the (actual, requested) run times of its last m
 * completed tasks, oldest first, in one typed array used as a ring (no array
 * per entry: a trace completes hundreds of thousands of tasks). ε is summed
 * oldest to newest, as `epsilonOf` sums an array, so it is the same number.
 *
 * @module
 */
import { epsilonOfRuns } from '../systems/iptas/engine-checks.ts';

export class UserHistory {
  /** Pairs (actual, requested); room grows by doubling up to m pairs. */
  private buf: Float64Array;
  /** The slot of the oldest entry. */
  private head = 0;
  /** Entries kept (≤ m). */
  length = 0;

  constructor(private readonly m: number) {
    this.buf = new Float64Array(2 * Math.min(m, 4));
  }

  /** Appends an entry; the oldest goes when m are kept. */
  push(actual: number, requested: number): void {
    let cap = this.buf.length >> 1;
    if (this.length === cap && cap < this.m) {
      // Unrolled into a larger buffer, oldest first.
      const next = new Float64Array(2 * Math.min(2 * cap, this.m));
      for (let k = 0; k < this.length; k++) {
        const s = (this.head + k) % cap;
        next[2 * k] = this.buf[2 * s]!;
        next[2 * k + 1] = this.buf[2 * s + 1]!;
      }
      this.buf = next;
      this.head = 0;
      cap = next.length >> 1;
    }
    let s: number;
    if (this.length < cap) {
      s = (this.head + this.length) % cap;
      this.length++;
    } else {
      s = this.head;
      this.head = (this.head + 1) % cap;
    }
    this.buf[2 * s] = actual;
    this.buf[2 * s + 1] = requested;
  }

  /** ε = Σ actual / Σ requested over the entries (oldest first); 1 when there are none (rules: `epsilonOfRuns`). */
  epsilon(): number {
    const cap = this.buf.length >> 1, buf = this.buf, head = this.head;
    return epsilonOfRuns(this.length, (k) => buf[2 * ((head + k) % cap)]!, (k) => buf[2 * ((head + k) % cap) + 1]!);
  }

  /** The entries, oldest first. */
  entries(): [number, number][] {
    const cap = this.buf.length >> 1;
    return Array.from({ length: this.length }, (_, k): [number, number] => {
      const s = (this.head + k) % cap;
      return [this.buf[2 * s]!, this.buf[2 * s + 1]!];
    });
  }

  /** A history of at most m entries holding the last m of `entries` (oldest first). */
  static of(m: number, entries: readonly (readonly [number, number])[]): UserHistory {
    const h = new UserHistory(m);
    for (const [a, r] of entries) h.push(a, r);
    return h;
  }
}
