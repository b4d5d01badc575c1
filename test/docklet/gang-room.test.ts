/**
 * A NO_FIT refusal says how many members the hosts have room for (src/systems/docklet/gang-room.ts).
 * For one gang of identical members that count is Σ k(h), each host's own count, whatever the
 * order; both placers are greedy and stop only when no host fits, so they place exactly that many
 * before refusing: the greedy placement is exact. Checked here on random hosts and uses, decimal
 * demands (float sums) included, both placers and both rules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gangRoom, shortWords } from '../../src/systems/docklet/gang-room.ts';
import type { GangPlacer } from '../../src/systems/docklet/model.ts';
import { ReferencePlacer } from '../../src/systems/docklet/reference-placer.ts';
import { WasmPlacer } from '../../src/systems/docklet/wasm-placer.ts';
import { manager } from './helpers.ts';

const tenth = (min: number, max: number) => fc.integer({ min, max }).map((x) => x / 10);

describe('what a gang that does not fit has room for', () => {
  it('a placer places exactly gangRoom(…).room members before it refuses, and places the gang when the room is enough', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cpu: tenth(1, 160), mem: tenth(1, 320) }), { minLength: 1, maxLength: 60 }),
        // Earlier gangs, to leave uneven uses with float residues.
        fc.array(fc.record({ count: fc.integer({ min: 1, max: 40 }), cpu: tenth(0, 30), mem: tenth(0, 60) }), { maxLength: 5 }),
        fc.record({ count: fc.integer({ min: 1, max: 300 }), cpu: tenth(0, 40), mem: tenth(0, 80), mode: fc.constantFrom('spread' as const, 'pack' as const) }),
        fc.constantFrom('wasm', 'reference'),
        (hosts, earlier, g, engine) => {
          const p: GangPlacer = engine === 'wasm' ? new WasmPlacer() : new ReferencePlacer();
          try {
            p.addHosts(hosts.map((h) => h.cpu), hosts.map((h) => h.mem));
            for (const e of earlier) p.place(e.count, e.cpu, e.mem, 'spread', []);
            const before = p.columns();
            const room = gangRoom(before, g, g.count);
            const r = p.place(g.count, g.cpu, g.mem, g.mode, []);
            if (typeof r === 'number') {
              expect(room.room).toBe(r);
              expect(room.room).toBeLessThan(g.count);
              // Every host is counted once, by what stops its next member.
              expect(room.cpuShort + room.memShort + room.bothShort).toBe(hosts.length);
              expect(p.columns()).toEqual(before);
            } else {
              expect(room.room).toBe(g.count);
            }
          } finally {
            p.close();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('by hand: which dimension runs out, host by host; skipped hosts are not counted', () => {
    const hosts = {
      capCpu: Float64Array.of(8, 8, 4, 8),
      capMem: Float64Array.of(8, 32, 8, 8),
      useCpu: Float64Array.of(0, 0, 0, 7),
      useMem: Float64Array.of(0, 0, 0, 0),
      members: Int32Array.of(0, 0, 0, 1),
    };
    // Members of cpu 2, mem 4: h0 takes 2 (mem 8 full, cpu 4 left), h1 4 (cpu full, mem 16 left), h2 2 (both full), h3 0 (cpu).
    const r = gangRoom(hosts, { cpu: 2, mem: 4 }, 100);
    expect(r).toEqual({ room: 8, cpuShort: 2, memShort: 1, bothShort: 1 });
    expect(shortWords(r)).toBe('what runs out: cpu on 2 hosts, mem on 1 host, both on 1 host');
    expect(gangRoom(hosts, { cpu: 2, mem: 4 }, 100, new Set([1, 3]))).toEqual({ room: 4, cpuShort: 0, memShort: 1, bothShort: 1 });
    // The count stops at the limit: a gang of 5 fits, and no host is judged.
    expect(gangRoom(hosts, { cpu: 2, mem: 4 }, 5)).toEqual({ room: 5, cpuShort: 0, memShort: 1, bothShort: 0 });
    expect(shortWords({ room: 0, cpuShort: 0, memShort: 0, bothShort: 0 })).toBe('no host to place on');
  });

  it('the refusal on the API says it: a scale-out short of mem', () => {
    using vc = manager('wasm', [{ id: 'a', cpu: 16, mem: 8 }, { id: 'b', cpu: 16, mem: 8 }]);
    vc.create({ name: 'db', tenant: 't', nodes: 2, demand: { cpu: 1, mem: 3 } });
    const r = vc.apply({ op: 'scale', name: 'db', nodes: 6 });
    expect(!r.ok && r.error.message).toBe("nodes: cluster 'db' of tenant 't' needs room for 4 more members (cpu 1, mem 3 each); the 2 hosts have room for 2, in any arrangement (what runs out: mem on 2 hosts); nothing was placed");
  });
});
