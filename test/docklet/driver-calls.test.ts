/**
 * The two calls a driver uses (`tryCreate`, `dominantShares`) agree with the manager's own answers:
 * a gang that does not fit is answered with the room `create`'s NO_FIT names and nothing changes; a
 * gang that fits is placed as `create` places it; the shares and hosts in use are those `hosts()`
 * gives — on both engines.
 */
import { describe, expect, it } from 'vitest';
import { FairfitError } from '../../src/errors.ts';
import { VirtualClusters } from '../../src/systems/docklet/virtual-clusters.ts';

const HOSTS = [{ id: 'a', cpu: 4, mem: 8 }, { id: 'b', cpu: 2, mem: 16 }, { id: 'c', cpu: 8, mem: 4 }];

describe.each(['wasm', 'reference'] as const)('%s engine', (engine) => {
  it('tryCreate: no-fit with the room create names, nothing changed; a fit placed as create places it', () => {
    using vc = new VirtualClusters({ hosts: HOSTS, engine });
    using twin = new VirtualClusters({ hosts: HOSTS, engine });
    vc.create({ name: 'base', tenant: 't', nodes: 3, demand: { cpu: 1, mem: 2 } });
    twin.create({ name: 'base', tenant: 't', nodes: 3, demand: { cpu: 1, mem: 2 } });
    const before = vc.snapshot();
    const big = { name: 'big', tenant: 't', nodes: 9, demand: { cpu: 1.5, mem: 1 } };
    let room = -1;
    try {
      twin.create(big);
    } catch (err) {
      if (!(err instanceof FairfitError) || err.code !== 'NO_FIT') throw err;
      room = err.details.room as number;
    }
    expect(room).toBeGreaterThan(0);
    expect(vc.tryCreate(big)).toEqual({ kind: 'no-fit', room });
    expect(vc.snapshot()).toEqual(before);
    const fits = { name: 'ok', tenant: 't', nodes: room, demand: { cpu: 1.5, mem: 1 }, placement: 'pack' as const };
    expect(vc.tryCreate(fits)).toEqual({ kind: 'placed', cluster: twin.create(fits) });
    expect(vc.snapshot()).toEqual(twin.snapshot());
    expect(() => vc.tryCreate(fits)).toThrow(/already exists/);
    expect(() => vc.tryCreate({ ...fits, name: 'x', nodes: 0 })).toThrow(FairfitError);
  });

  it('dominantShares: max(used / capacity) of each host in host order, and the hosts holding members', () => {
    using vc = new VirtualClusters({ hosts: HOSTS, engine });
    const out = new Float64Array(4).fill(-1);
    expect(vc.dominantShares(out)).toBe(0);
    expect(Array.from(out)).toEqual([0, 0, 0, -1]);
    vc.create({ name: 'w', tenant: 't', nodes: 2, demand: { cpu: 1, mem: 3 } });
    const inUse = vc.dominantShares(out);
    const hosts = vc.hosts();
    expect(inUse).toBe(hosts.filter((h) => h.members > 0).length);
    expect(Array.from(out.subarray(0, 3))).toEqual(hosts.map((h) => Math.max(h.used.cpu / h.cpu, h.used.mem / h.mem)));
    expect(() => vc.dominantShares(new Float64Array(2))).toThrow(/at least 3 entries/);
    // The free and stranded totals, from hosts() the long way: the free share beyond the other dimension's.
    const free = new Float64Array(4);
    vc.dominantShares(out, free);
    const want: [number, number, number, number] = [0, 0, 0, 0];
    for (const h of hosts) {
      const fc = 1 - h.used.cpu / h.cpu, fm = 1 - h.used.mem / h.mem;
      want[0] += h.cpu - h.used.cpu;
      want[1] += h.mem - h.used.mem;
      want[2] += Math.max(0, fc - fm) * h.cpu;
      want[3] += Math.max(0, fm - fc) * h.mem;
    }
    for (let i = 0; i < 4; i++) expect(free[i]).toBeCloseTo(want[i]!, 12);
    expect(want[3]).toBeGreaterThan(0);
    expect(() => vc.dominantShares(out, new Float64Array(3))).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'free' } }));
  });
});
