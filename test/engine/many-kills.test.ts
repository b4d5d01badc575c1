/**
 * Many running tasks ending at one instant — time kills (`checkLimits`) or a
 * node's eviction (`removeNode`, `sweepHealth`) — are answered in submission
 * order; the kernel sorted them with an insertion sort, quadratic when they
 * were placed in another order than submitted (a round visits by priority):
 * 80,000 time kills took 2.3 s, 150,000 about 8 s. Now a heap sort (insertion
 * sort up to 32): these tests check the order it gives, at sizes on both sides
 * of 32 and far past it. Its speed is measured, not asserted here
 * (docs/results.md).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';

/** n tasks on one node, short and long ones interleaved (a round places the short ones first), all running. */
function loaded(n: number): Engine {
  const e = new Engine({ ringCapacity: n }, { taskCapacity: n });
  e.addNode({ capacity: [n, n] });
  e.submitMany(Array.from({ length: n }, (_, i) => ({ id: `t${i}`, user: `u${i % 7}`, demand: [1, 1], dataGB: i % 2 === 0 ? 1 : 500, requestTime: 10 })));
  const r = e.runRoundHandles(0);
  expect(r.tasks.length).toBe(n);
  if (n >= 3) expect(r.tasks[1]).toBe(2); // placed by priority: not in submission order
  e.drainDispatchHandles(0);
  return e;
}

describe('many tasks ending at one instant', () => {
  it('150,000 time kills at once: in submission order', () => {
    const n = 150_000;
    using e = loaded(n);
    const kills = e.checkLimitsHandles(15);
    expect(kills.length).toBe(n);
    expect(kills.every((t, k) => t === k)).toBe(true);
    expect(e.counts().killed).toBe(n);
    expect(e.residual(0)).toEqual([n, n]);
  });

  it('a node evicting 150,000 tasks: requeued in submission order', () => {
    const n = 150_000;
    using e = loaded(n);
    // Some tasks end first, so that the running list is shuffled further.
    e.completeMany(Int32Array.from({ length: 1000 }, (_, k) => 3 * k), { status: 'ok', actualTime: 5 });
    const gone = e.removeNode(0);
    const handles = gone.requeued.map((id) => e.handleOf(id));
    expect(handles.length).toBe(n - 1000);
    expect(handles.every((h, k) => k === 0 || h > handles[k - 1]!)).toBe(true);
  });

  it('any number of running tasks, some ended first: the time kills are exactly the running ones, ascending (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.array(fc.nat(), { maxLength: 400 }), (n, ends) => {
        using e = loaded(n);
        const done = [...new Set(ends.map((x) => x % n))];
        if (done.length > 0) e.completeMany(Int32Array.from(done), { status: 'ok', actualTime: 5 });
        const kills = Array.from(e.checkLimitsHandles(15));
        const gone = new Set(done);
        expect(kills).toEqual(Array.from({ length: n }, (_, k) => k).filter((k) => !gone.has(k)));
      }),
      { numRuns: 40 },
    );
  });
});
