/**
 * A min-heap of events by (time, index), ties by the smaller index: the end or departure events of
 * the trace drivers (IPTAS's schedule of a log, Docklet's replay of a trace), popped in one order
 * whatever the order they were pushed in.
 *
 * @module
 */

/** Events as (time, index) pairs, in two plain arrays; `pop` returns the index of the earliest. */
export class TimeHeap {
  private t: number[] = [];
  private j: number[] = [];
  get size(): number {
    return this.t.length;
  }
  peekTime(): number {
    return this.t[0] ?? Infinity;
  }
  private less(a: number, b: number): boolean {
    return this.t[a]! < this.t[b]! || (this.t[a] === this.t[b] && this.j[a]! < this.j[b]!);
  }
  private swap(a: number, b: number): void {
    const t = this.t[a]!, j = this.j[a]!;
    this.t[a] = this.t[b]!;
    this.j[a] = this.j[b]!;
    this.t[b] = t;
    this.j[b] = j;
  }
  push(time: number, index: number): void {
    this.t.push(time);
    this.j.push(index);
    let i = this.t.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): number {
    const index = this.j[0]!;
    const lt = this.t.pop()!;
    const lj = this.j.pop()!;
    if (this.t.length > 0) {
      this.t[0] = lt;
      this.j[0] = lj;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < this.t.length && this.less(l, m)) m = l;
        if (r < this.t.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return index;
  }
}
