/**
 * The WebAssembly engine against the reference over a long run: 10^5 random
 * operations (results and errors compared at every step, counts and residuals
 * checked at every step, the whole state every 1000 steps, and a restore from
 * a snapshot half-way). Release build only: the debug project runs the shorter
 * sequences of engine-equals-reference.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { twinRun } from './twin-run.ts';

describe('the WebAssembly engine equals the reference engine over a long run', () => {
  it('on 10^5 random operations: same results and errors every step, same counts and residuals in [0, capacity], the whole state every 1000 steps', () => {
    const { wasm } = twinRun(11, 100_000, { ringCapacity: 4, heartbeatInterval: 5, historyLength: 3, l0: 2 }, 64, 50_000, 1000);
    expect(wasm.counts().total).toBeGreaterThan(20_000);
    wasm.close();
    // Minutes, not seconds: 9 of them were seen on the 2-core machine with three other jobs beside it.
  }, 1_200_000);
});
