/**
 * The WebAssembly placer when its memory cannot grow: a refused `addHosts` (`OUT_OF_MEMORY`, the
 * columns could not be laid out again for more hosts) leaves the manager as it was, and the next
 * calls answer as the reference's. The arena's top used to stay below the live columns, so the
 * next gang's scratch overwrote the hosts' capacities (cpu read 2.5e-323 and NaN). A dry run there
 * answers as the command does (until 7 Dec it ran on a copy in another core, which could say yes).
 */
import { describe, expect, it } from 'vitest';
import { manager, sameHosts, snapshot } from './helpers.ts';

describe('virtual clusters over WebAssembly: a memory that cannot grow', () => {
  it('refuses addHosts with OUT_OF_MEMORY, changes nothing, and later calls answer as the reference', () => {
    using vc = manager('wasm', sameHosts(60));
    using ref = manager('reference', sameHosts(60));
    // White box: the core's limit, set just above what it holds (the columns have room for 64 hosts).
    const core = (vc as unknown as { placer: { core: { limit: number; mark(): number } } }).placer.core;
    const limit = core.limit;
    const before = snapshot(vc);
    core.limit = core.mark() + 1024;
    const more = Array.from({ length: 10 }, (_, i) => ({ id: `x${i}`, cpu: 4, mem: 4 }));
    expect(vc.apply({ op: 'addHosts', hosts: more })).toMatchObject({ ok: false, error: { code: 'OUT_OF_MEMORY' } });
    expect(snapshot(vc)).toBe(before);
    core.limit = limit;
    const create = { op: 'create', name: 'web', tenant: 'acme', nodes: 70, demand: { cpu: 1, mem: 1 } } as const;
    expect(vc.apply(create)).toEqual(ref.apply(create));
    expect(snapshot(vc)).toBe(snapshot(ref));
    expect(vc.addHosts(more)).toEqual(ref.addHosts(more));
    expect(vc.apply({ ...create, name: 'db' })).toEqual(ref.apply({ ...create, name: 'db' }));
    expect(snapshot(vc)).toBe(snapshot(ref));
  });

  it('a dry run answers as the command would where memory is short, and one that grew the columns sets them back', () => {
    using vc = manager('wasm', sameHosts(60));
    using ref = manager('reference', sameHosts(60));
    const core = (vc as unknown as { placer: { core: { limit: number; mark(): number } } }).placer.core;
    const limit = core.limit;
    const before = JSON.stringify(vc.snapshot());
    const more = Array.from({ length: 10 }, (_, i) => ({ id: `x${i}`, cpu: 4, mem: 4 }));
    // The dry run is refused as the command is: it runs on the manager, not on a copy needing memory of its own.
    core.limit = core.mark() + 1024;
    expect(vc.apply({ op: 'addHosts', hosts: more, dryRun: true })).toEqual({ ...vc.apply({ op: 'addHosts', hosts: more }), dryRun: true });
    expect(JSON.stringify(vc.snapshot())).toBe(before);
    core.limit = limit;
    // 60 + 10 hosts outgrow the columns' room of 64: the dry run lays them out again, larger, and back to 60 hosts.
    expect(vc.apply({ op: 'addHosts', hosts: more, dryRun: true })).toEqual(ref.apply({ op: 'addHosts', hosts: more, dryRun: true }));
    expect(JSON.stringify(vc.snapshot())).toBe(before);
    const create = { op: 'create', name: 'web', tenant: 'acme', nodes: 70, demand: { cpu: 1, mem: 1 } } as const;
    expect(vc.apply(create)).toEqual(ref.apply(create));
    expect(vc.addHosts(more)).toEqual(ref.addHosts(more));
    expect(vc.apply({ ...create, name: 'db' })).toEqual(ref.apply({ ...create, name: 'db' }));
    expect(JSON.stringify(vc.snapshot())).toBe(JSON.stringify(ref.snapshot()));
  });
});
