/**
 * The WebAssembly placer's per-sample pass (`dockletShares`) against `loadPass`, the TypeScript pass
 * the reference placer runs: the same shares, hosts in use and free and stranded sums, bit for bit, on
 * random hosts and uses (empty hosts, full ones, one dimension full, capacities far apart).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadPass } from '../../src/systems/docklet/model.ts';
import { WasmPlacer } from '../../src/systems/docklet/wasm-placer.ts';

const capacity = fc.oneof(fc.constantFrom(1, 4, 8, 16, 0.5, 64), fc.double({ min: 1e-3, max: 1e4, noNaN: true }));
/** A host: capacities, then its use as a share of each (0, all, or any) and a member count. */
const host = fc.tuple(capacity, capacity, fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true })), fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true })), fc.nat(5));

describe('dockletShares equals loadPass', () => {
  it('on random hosts and uses: shares, hosts in use and the free and stranded sums, bit for bit', () => {
    fc.assert(fc.property(fc.array(host, { maxLength: 200 }), (hs) => {
      const cols = {
        capCpu: Float64Array.from(hs, (h) => h[0]), capMem: Float64Array.from(hs, (h) => h[1]),
        useCpu: Float64Array.from(hs, (h) => h[0] * h[2]), useMem: Float64Array.from(hs, (h) => h[1] * h[3]),
        members: Int32Array.from(hs, (h) => h[4]),
      };
      const n = hs.length;
      const want = new Float64Array(n + 1).fill(-1), wantFree = new Float64Array(4);
      const wantInUse = loadPass(cols.capCpu, cols.capMem, cols.useCpu, cols.useMem, cols.members, n, want, wantFree);
      const p = new WasmPlacer();
      try {
        p.setColumns(cols);
        const got = new Float64Array(n + 1).fill(-1), gotFree = new Float64Array(4);
        expect(p.dominantShares(got, gotFree)).toBe(wantInUse);
        expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
        expect(Buffer.from(gotFree.buffer).equals(Buffer.from(wantFree.buffer))).toBe(true);
        // Without `free`: the same shares.
        got.fill(-1);
        expect(p.dominantShares(got)).toBe(wantInUse);
        expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      } finally {
        p.close();
      }
    }), { numRuns: 300 });
  });
});
