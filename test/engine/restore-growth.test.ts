/**
 * A restore grows its WebAssembly memory once. While the memory was an
 * ordinary one, V8 counted each growth's whole new buffer against its
 * external memory budget: a restore that grew once per column it enlarged
 * (ten times for 10^6 tasks) counted gigabytes and started a full collection
 * inside the restore. The memory is shared now, which V8 does not count
 * (test/wasm/memory-accounting.test.ts); one growth still means one remap
 * and the views made once. In a file of
 * its own: a thread's closed engines give their memory to the next one
 * (Core.reuse), which would then need no growth at all.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';

describe('memory growths', () => {
  // Every tenth item a gang of 2, or (20,000 items) every item one: the gang ids' table is made in
  // one piece and counted with the rest (a table grown by doubling left its old pieces in the arena).
  it.each([[3000, 10], [20_000, 1]])('a restore grows its memory once, however many users, gangs and waiting tasks it reads (%i items, a gang every %i)', (count, every) => {
    const e = new Engine({}, { taskCapacity: 64 });
    e.addNodes(Array.from({ length: 40 }, (_, i) => ({ capacity: [2 + (i % 3), 4] })));
    const items = Array.from({ length: count }, (_, k) => ({ id: `t${k}`, user: `u${k % 700}`, demand: [1, 1], dataGB: k % 9, requestTime: 30 + (k % 50), ...(k % every === 0 ? { procs: 2 } : {}) }));
    e.submitMany(items);
    e.runRound(1);
    const bytes = e.snapshot();
    const grow = WebAssembly.Memory.prototype.grow;
    let growths = 0;
    WebAssembly.Memory.prototype.grow = function (this: WebAssembly.Memory, pages: number) {
      growths++;
      return grow.call(this, pages);
    };
    let back: Engine;
    try {
      back = Engine.restore(bytes);
    } finally {
      WebAssembly.Memory.prototype.grow = grow;
    }
    expect(growths).toBeGreaterThan(0);
    expect(growths).toBe(1);
    // And it decides as the engine it came from.
    expect(back.runRoundHandles(2).tasks).toEqual(e.runRoundHandles(2).tasks);
    back.close();
    e.close();
  });
});
