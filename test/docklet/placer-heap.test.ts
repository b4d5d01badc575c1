/**
 * The WebAssembly placer keeps the hosts a member fits in a heap; the reference scans every host for
 * every member. On random hosts (up to 300, with members of earlier gangs on them), random gangs (up
 * to 400 members, spread and pack, with the cluster's earlier members counted) and many ties (a few
 * capacities and demands), both choose the same hosts, fail at the same member, and leave the same
 * columns bit for bit. Runs on the release and the debug build (vitest.config.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReferencePlacer } from '../../src/systems/docklet/reference-placer.ts';
import { WasmPlacer } from '../../src/systems/docklet/wasm-placer.ts';
import type { GangPlacer } from '../../src/systems/docklet/model.ts';

const quarter = (max: number) => fc.integer({ min: 0, max }).map((x) => x / 4);
const gang = fc.record({
  count: fc.integer({ min: 1, max: 400 }),
  cpu: quarter(8),
  mem: quarter(8),
  mode: fc.constantFrom('spread' as const, 'pack' as const),
  // Hosts of the cluster's members already placed, as indices modulo the host count.
  prior: fc.array(fc.nat(), { maxLength: 20 }),
});

describe('the WebAssembly gang placer (a heap of fitting hosts) against the reference (a scan per member)', () => {
  it('same hosts, same failing member, same columns, gang after gang', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cpu: fc.integer({ min: 1, max: 8 }).map((x) => x * 2), mem: fc.integer({ min: 1, max: 4 }).map((x) => x * 4) }), { minLength: 1, maxLength: 300 }),
        fc.array(gang, { minLength: 1, maxLength: 8 }),
        (hosts, gangs) => {
          const placers: GangPlacer[] = [new WasmPlacer(), new ReferencePlacer()];
          try {
            for (const p of placers) p.addHosts(hosts.map((h) => h.cpu), hosts.map((h) => h.mem));
            for (const g of gangs) {
              const prior = g.prior.map((x) => x % hosts.length);
              const [w, r] = placers.map((p) => p.place(g.count, g.cpu, g.mem, g.mode, prior));
              expect(w).toEqual(r);
              const [cw, cr] = placers.map((p) => p.columns());
              expect(cw).toEqual(cr);
            }
          } finally {
            for (const p of placers) p.close();
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('a gang of 3·10^4 members on 10^4 hosts: the same hosts as the reference', () => {
    const H = 10_000;
    const placers: GangPlacer[] = [new WasmPlacer(), new ReferencePlacer()];
    try {
      for (const p of placers) p.addHosts(Array.from({ length: H }, (_, h) => 16 + (h % 7)), Array.from({ length: H }, (_, h) => 64 + (h % 5)));
      // Earlier gangs leave uneven use; the large one then fills many hosts to the brim.
      for (const [count, mode] of [[3_000, 'pack'], [5_000, 'spread']] as const) {
        const [w, r] = placers.map((p) => p.place(count, 0.75, 2.5, mode, []));
        expect(w).toEqual(r);
      }
      const [w, r] = placers.map((p) => p.place(30_000, 1.25, 1.5, 'spread', []));
      expect(typeof w).toBe('object');
      expect(w).toEqual(r);
      expect(placers[0]!.columns()).toEqual(placers[1]!.columns());
    } finally {
      for (const p of placers) p.close();
    }
  }, 60_000);
});
