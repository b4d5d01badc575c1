/**
 * The task slots' windows as TypeScript writes and reads them: one
 * `SlotWindow` struct per slot (replay-layouts.ts), a window's values side by
 * side. The kernel reads a window's end and CPU together and the synthetic
 * draw writes a whole window at once, for slots scattered over the block: one
 * or two cache lines a window instead of one a column.
 *
 * @module
 */
import type { PreparedWindows } from './prepare.ts';
import { SLOT_WINDOW } from './replay-layouts.ts';

const S = SLOT_WINDOW.size / 8;
const O = SLOT_WINDOW.offset;
const END = O.end / 8, CPU = O.cpu / 8, MEM = O.mem / 8, MAX_CPU = O.maxCpu / 8, MAI = O.mai / 8;

/** A view over `n` slots' windows. */
export class SlotWindows {
  private readonly f: Float64Array;

  constructor(buffer: ArrayBufferLike, at: number, n: number) {
    this.f = new Float64Array(buffer, at, n * S);
  }

  set(x: number, end: number, cpu: number, mem: number, maxCpu: number, mai: number): void {
    const f = this.f, i = x * S;
    f[i + END] = end; f[i + CPU] = cpu; f[i + MEM] = mem; f[i + MAX_CPU] = maxCpu; f[i + MAI] = mai;
  }

  /** The one window of a task without usage rows: its request (the values of prepare.ts's `requestWindow`). */
  request(x: number, req: number, mem: number, usageRatio: number): void {
    this.set(x, Infinity, req * usageRatio, mem, req, Number.NaN);
  }

  /** Windows [b, e) of `w` into slots from `at` on. */
  copy(w: PreparedWindows, b: number, e: number, at: number): void {
    for (let y = b; y < e; y++, at++) this.set(at, w.end[y]!, w.cpu[y]!, w.mem[y]!, w.maxCpu[y]!, w.mai[y]!);
  }

  end(x: number): number { return this.f[x * S + END]!; }
  cpu(x: number): number { return this.f[x * S + CPU]!; }
  mem(x: number): number { return this.f[x * S + MEM]!; }
  maxCpu(x: number): number { return this.f[x * S + MAX_CPU]!; }
  mai(x: number): number { return this.f[x * S + MAI]!; }
}
