/**
 * Why an engine's core has a shared memory (src/wasm/module.ts,
 * docs/architecture.md): V8 counts the growth of an ordinary WebAssembly
 * memory against its external-memory budget, and a large growth starts a full
 * collection, which marks everything the host holds — the pause that a
 * restore of 10^6 tasks took with the first engine's ids alive. A shared
 * memory's growth is not counted. In a file of its own: it reads the
 * collector's entries of the whole thread, so nothing else may run beside it.
 */
import { describe, expect, it, vi } from 'vitest';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setTimeout as sleep } from 'node:timers/promises';
import { Core } from '../../src/wasm/module.ts';
import { Engine } from '../../src/engine/engine.ts';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

describe('a core\'s memory and the garbage collector', () => {
  it('an engine takes a core with a shared memory, made or restored', () => {
    const reuse = vi.spyOn(Core, 'reuse');
    try {
      const e = new Engine();
      e.addNodes([{ capacity: [2, 2] }]);
      e.submit({ id: 't0', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 60 });
      const back = Engine.restore(e.snapshot());
      expect(reuse.mock.calls).toEqual([['shared'], ['shared']]);
      expect(reuse.mock.results.map((r) => (r.value as Core).shared)).toEqual([true, true]);
      back.close();
      e.close();
    } finally {
      reuse.mockRestore();
    }
  });

  it('growing a shared core by 512 MiB while the host holds 300,000 strings starts no full collection', async () => {
    const held = Array.from({ length: 300_000 }, (_, i) => `task-${i}`);
    collect();
    const majors: PerformanceEntry[] = [];
    const seen = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors.push(e);
    });
    seen.observe({ entryTypes: ['gc'] });
    try {
      const core = Core.reuse('shared');
      const p = core.alloc(512 << 20);
      core.u8(p, 1 << 20).fill(1);
      // Small allocations and turns of the event loop: the points where V8 would start and finish a collection.
      let kept = 0;
      for (let k = 0; k < 20; k++) {
        for (let j = 0; j < 1000; j++) kept += new Array(16).length;
        await sleep(5);
      }
      expect(kept).toBe(320_000);
      expect(core.memory.buffer.byteLength).toBeGreaterThanOrEqual(512 << 20);
    } finally {
      await sleep(20);
      seen.disconnect();
    }
    expect(held.length).toBe(300_000);
    expect(majors).toEqual([]);
  });
});
