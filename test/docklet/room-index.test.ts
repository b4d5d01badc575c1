/**
 * The hosts by free room (src/systems/docklet/room-index.ts): its bound is never below the members
 * the hosts take (hostTakes, the placers' own sums), whatever the uses the hosts went through; a
 * hand-worked grid; and the demands it says nothing about.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostTakes } from '../../src/systems/docklet/gang-room.ts';
import { RoomIndex } from '../../src/systems/docklet/room-index.ts';
import { UseMirror } from '../../src/systems/docklet/use-mirror.ts';

/** The exact room: Σ over the hosts of hostTakes, up to `limit`. */
function exactRoom(capCpu: Float64Array, capMem: Float64Array, use: UseMirror, c: number, m: number, limit: number): number {
  let room = 0;
  for (let h = 0; h < capCpu.length && room < limit; h++) room += hostTakes(capCpu[h]!, capMem[h]!, use.useCpu[h]!, use.useMem[h]!, c, m, limit - room);
  return room;
}

function indexOf(hosts: readonly { cpu: number; mem: number }[]): { index: RoomIndex; use: UseMirror; capCpu: Float64Array; capMem: Float64Array } {
  const capCpu = Float64Array.from(hosts, (h) => h.cpu), capMem = Float64Array.from(hosts, (h) => h.mem);
  const index = new RoomIndex(capCpu, capMem);
  return { index, use: new UseMirror(hosts.length, index), capCpu, capMem };
}

describe('the hosts by free room', () => {
  it('hand-worked: edges 10⁻⁴·1.1^i of the largest capacity, a host counted by its cell\'s edges', () => {
    // Both hosts have capacity (1, 1). Host 0 uses (0.5, 0.2): free (0.5, 0.8), in the cells whose
    // edges are 10⁻⁴·1.1^90 = 0.5313 and 10⁻⁴·1.1^95 = 0.8556. Host 1 uses (0.9, 0.95): free (0.1, 0.05).
    const { index, use } = indexOf([{ cpu: 1, mem: 1 }, { cpu: 1, mem: 1 }]);
    use.place([0], 0.5, 0.2);
    use.place([1], 0.9, 0.95);
    // Demand (0.25, 0.1): host 0 ⌊min(0.5313 / 0.25, 0.8556 / 0.1)⌋ = ⌊2.125⌋ = 2 (it takes 2 exactly),
    // host 1 none (its cpu edge, 0.1x, is below 0.25).
    expect(index.atMost(0.25, 0.1, 10)).toBe(2);
    // Counted up to the limit only (a count at the limit says nothing).
    expect(index.atMost(0.25, 0.1, 1)).toBe(1);
    // Demand (0.05, 0.05): host 0 ⌊0.5313 / 0.05⌋ = 10; host 1's free (0.1, 0.05) in cells of edges
    // 10⁻⁴·1.1^73 = 0.1051 and 10⁻⁴·1.1^66 = 0.05391: ⌊min(2.10, 1.08)⌋ = 1 (it takes 1 exactly).
    expect(index.atMost(0.05, 0.05, 100)).toBe(11);
    // No host has a free cpu near 0.6: none counted, a gang of one member is refused.
    expect(index.atMost(0.6, 0.01, 1)).toBe(0);
    // Host 0 emptied: (1, 1) free, the top cells, whose edge is the largest capacity.
    use.release([0], 0.5, 0.2);
    expect(index.atMost(0.25, 0.1, 100)).toBe(4);
    expect(index.atMost(0.6, 0.01, 1)).toBe(1);
  });

  it('holds no host without capacity, and hosts added later up to the largest capacity given', () => {
    // Host 1 is not there yet (capacity 0); the top given is (2, 2), a capacity no host has now.
    const capCpu = Float64Array.from([1, 0]), capMem = Float64Array.from([1, 0]);
    const index = new RoomIndex(capCpu, capMem, { cpu: 2, mem: 2 });
    const use = new UseMirror(2, index);
    // Host 0 alone: ⌊min(1 / 0.5, 1 / 0.5)⌋ = 2 at most (its cells' edges within a step of 1.1 above).
    expect(index.atMost(0.5, 0.5, 100)).toBe(2);
    // Host 1 comes with (2, 2): 4 more, counted through the top cell's edge, 2.
    capCpu[1] = 2;
    capMem[1] = 2;
    use.reset(1);
    expect(index.atMost(0.5, 0.5, 100)).toBe(6);
    expect(index.atMost(1.5, 1.5, 100)).toBe(1);
    // Host 0 removed: capacity 0, and it holds no cell again.
    capCpu[0] = 0;
    capMem[0] = 0;
    use.reset(0);
    expect(index.atMost(0.5, 0.5, 100)).toBe(4);
    expect(index.atMost(1e-3, 1e-3, 10_000)).toBe(2000);
    // A demand below the lowest cell's edge (2·10⁻⁴) would count a host with no room left in that
    // cell: host 1 alone, 2 / 10⁻⁴.
    expect(index.atMost(1e-4, 1e-4, 1e6)).toBe(20_000);
  });

  it('counts a member that fits only through the rounding of the placer\'s sum', () => {
    // Free cpu 10⁻⁴·1.1^90 (a cell's edge, exactly); the demand one ulp above it. The placer's sum
    // use + demand rounds to exactly the capacity, so the member fits: the slack keeps the cell counted.
    const { index, use, capCpu, capMem } = indexOf([{ cpu: 1, mem: 1 }]);
    const u = 0.46869773881516863, c = 0.5313022611848315;
    use.place([0], u, 0);
    expect(1 - u).toBeLessThan(c);
    expect(exactRoom(capCpu, capMem, use, c, 0.1, 5)).toBe(1);
    expect(index.atMost(c, 0.1, 5)).toBe(1);
  });

  it('says nothing below the limit for a demand of 0 in both, or one too small to count by division', () => {
    const { index, use } = indexOf([{ cpu: 1, mem: 1 }]);
    use.place([0], 1, 1);
    expect(index.atMost(0, 0, 7)).toBe(7);
    expect(index.atMost(1e-12, 0, 7)).toBe(7);
    // Full in cpu, a demand of cpu 0 is counted by mem alone (and the host is full in mem too).
    expect(index.atMost(0, 0.1, 7)).toBe(0);
    // Past every capacity: no host can take one member.
    expect(index.atMost(2, 0.1, 7)).toBe(0);
  });

  it('never counts fewer members than the hosts take, through any places and releases', () => {
    const tenth = (min: number, max: number) => fc.integer({ min, max }).map((x) => x / 10);
    const demand = fc.oneof(tenth(0, 12), fc.double({ min: 1e-6, max: 1.5, noNaN: true }));
    const arb = fc.record({
      hosts: fc.array(fc.record({ cpu: fc.oneof(tenth(1, 20), fc.double({ min: 0.01, max: 2, noNaN: true })), mem: fc.oneof(tenth(1, 20), fc.double({ min: 0.01, max: 2, noNaN: true })) }), { minLength: 1, maxLength: 12 }),
      steps: fc.array(fc.oneof(
        { weight: 3, arbitrary: fc.record({ c: demand, m: demand, nodes: fc.integer({ min: 1, max: 30 }) }) },
        { weight: 2, arbitrary: fc.record({ release: fc.nat() }) },
      ), { maxLength: 80 }),
    });
    fc.assert(fc.property(arb, ({ hosts, steps }) => {
      const { index, use, capCpu, capMem } = indexOf(hosts);
      const placed: { hosts: number[]; c: number; m: number }[] = [];
      for (const s of steps) {
        if ('release' in s) {
          if (placed.length === 0) continue;
          const [p] = placed.splice(s.release % placed.length, 1);
          use.release(p!.hosts, p!.c, p!.m);
          continue;
        }
        const limit = s.nodes;
        const exact = exactRoom(capCpu, capMem, use, s.c, s.m, limit);
        const bound = index.atMost(s.c, s.m, limit);
        expect(bound).toBeGreaterThanOrEqual(exact);
        // Place what fits, host by host with the placers' sums (first fit: any order keeps the use exact).
        const on: number[] = [];
        for (let h = 0; h < hosts.length && on.length < limit; h++) {
          const k = hostTakes(capCpu[h]!, capMem[h]!, use.useCpu[h]!, use.useMem[h]!, s.c, s.m, limit - on.length);
          for (let i = 0; i < k; i++) on.push(h);
        }
        if (on.length > 0 && (s.c > 0 || s.m > 0)) {
          use.place(on, s.c, s.m);
          placed.push({ hosts: on, c: s.c, m: s.m });
        }
      }
    }), { numRuns: 400 });
  });

  it('counts a full grid of hosts at most 1.1·(1 + 10⁻⁶) of each one\'s room, rounded down', () => {
    // Not a proof of tightness: a check that the cells hold what they should (a host left in a wrong
    // cell after a move shows as a count far from its room).
    fc.assert(fc.property(fc.array(fc.record({ uc: fc.double({ min: 0, max: 1, noNaN: true }), um: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 20 }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), (uses, c, m) => {
      const { index, use } = indexOf(uses.map(() => ({ cpu: 1, mem: 1 })));
      // Each host first filled, then brought to its use: every host moves cells at least once.
      uses.forEach((u, h) => {
        use.place([h], 1, 1);
        use.release([h], 1, 1);
        use.place([h], u.uc, u.um);
      });
      let loose = 0;
      uses.forEach((u, h) => {
        loose += Math.floor(Math.min((1 - use.useCpu[h]!) * 1.1 / c, (1 - use.useMem[h]!) * 1.1 / m) * (1 + 1e-6) + 1e-9);
      });
      // The lowest cell's edge (10⁻⁴) holds hosts with less free: ≤ 10⁻⁴ / 0.01 = 0.01 of a member each.
      expect(index.atMost(c, m, 1e9)).toBeLessThanOrEqual(loose);
    }), { numRuns: 300 });
  });
});
