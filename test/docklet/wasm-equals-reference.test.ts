/**
 * On random hosts and random command sequences, the manager over the WebAssembly placer
 * answers every command exactly as the one over the plain-TypeScript reference (refusals
 * included) and holds the same state bit for bit; and after every command: no host is over
 * capacity in any dimension, every running cluster has exactly its N members placed and a
 * stopped one none, members are never duplicated or lost, no tenant is past a quota limit,
 * and a refused command changed nothing; the same command as a dry run first answered alike and changed
 * nothing; a manager restored from a snapshot (through JSON text, on
 * either engine) before a random command answers that command and every later one alike. Runs on the
 * release and the debug build (vitest.config.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DockletCommand } from '../../src/systems/docklet/command-schema.ts';
import type { DrainResult, QuotaLimits } from '../../src/systems/docklet/model.ts';
import { VirtualClusters } from '../../src/systems/docklet/virtual-clusters.ts';
import { ENGINES, manager, snapshot } from './helpers.ts';

const NAMES = ['a', 'b', 'c', 'd'];
/** The ops that change state, which take `dryRun`. */
const MUTATING = new Set(['addHosts', 'removeHosts', 'drainHosts', 'create', 'delete', 'scale', 'stop', 'start', 'quota']);
const TENANTS = ['t1', 't2'];

// Tenths and quarters: sums of them leave float residues, which both placers must handle alike.
const demand = fc.record({ cpu: fc.integer({ min: 0, max: 30 }).map((x) => x / 10), mem: fc.integer({ min: 0, max: 40 }).map((x) => x / 10) });
const host = fc.record({ cpu: fc.integer({ min: 1, max: 32 }).map((x) => x / 2), mem: fc.integer({ min: 1, max: 64 }).map((x) => x / 4) });
const name = fc.constantFrom(...NAMES);
const tenant = fc.constantFrom(...TENANTS);
const limits: fc.Arbitrary<QuotaLimits> = fc.record(
  { nodes: fc.integer({ min: 0, max: 14 }), cpu: fc.integer({ min: 0, max: 40 }).map((x) => x / 2), mem: fc.integer({ min: 0, max: 80 }).map((x) => x / 2) },
  { requiredKeys: [] },
);

const command: fc.Arbitrary<DockletCommand> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ name, tenant, nodes: fc.integer({ min: 1, max: 7 }), demand, placement: fc.constantFrom('spread', 'pack', undefined) })
    .map(({ placement, ...c }) => ({ op: 'create' as const, ...c, ...(placement ? { placement } : {}) })) },
  { weight: 4, arbitrary: fc.record({ name, nodes: fc.integer({ min: 0, max: 9 }) }).map((c) => ({ op: 'scale' as const, ...c })) },
  { weight: 2, arbitrary: name.map((n) => ({ op: 'delete' as const, name: n })) },
  { weight: 2, arbitrary: name.map((n) => ({ op: 'stop' as const, name: n })) },
  { weight: 2, arbitrary: name.map((n) => ({ op: 'start' as const, name: n })) },
  { weight: 1, arbitrary: fc.record({ tenant, limits: fc.option(limits, { nil: undefined }) }).map(({ limits: l, ...c }) => ({ op: 'quota' as const, ...c, ...(l ? { limits: l } : {}) })) },
  { weight: 1, arbitrary: fc.uniqueArray(fc.constantFrom('h0', 'h1', 'h2', 'h3', 'h7', 'x0', 'x1', 'x2'), { minLength: 1, maxLength: 3 }).map((ids) => ({ op: 'removeHosts' as const, ids })) },
  { weight: 2, arbitrary: fc.uniqueArray(fc.constantFrom('h0', 'h1', 'h2', 'h3', 'x0', 'x1', 'h9'), { minLength: 1, maxLength: 2 }).map((ids) => ({ op: 'drainHosts' as const, ids })) },
  // Resolved against the manager's hosts when applied (see `resolve`): a host that is empty at that moment, so removals succeed often.
  { weight: 2, arbitrary: fc.nat({ max: 50 }).map((k) => ({ op: 'removeHosts' as const, ids: [`@empty${k}`] })) },
  { weight: 1, arbitrary: fc.record({ id: fc.integer({ min: 0, max: 20 }), h: host }).map(({ id, h }) => ({ op: 'addHosts' as const, hosts: [{ id: `x${id}`, ...h }] })) },
);

/** `@empty<k>` in a removal: the k-th (mod their count) host that holds no member now, or a host that does. */
function resolve(vc: VirtualClusters, c: DockletCommand): DockletCommand {
  if (c.op !== 'removeHosts' || !c.ids[0]!.startsWith('@empty')) return c;
  const k = Number(c.ids[0]!.slice(6));
  const hosts = vc.hosts();
  const empty = hosts.filter((h) => h.members === 0);
  const pick = empty.length ? empty[k % empty.length]! : hosts[k % hosts.length];
  return { op: 'removeHosts', ids: [pick?.id ?? 'none'] };
}

/** What the test itself expects of the member ids: a cluster's ids, oldest first, and its next k. */
type IdModel = Map<string, { ids: string[]; next: number }>;

function followIds(model: IdModel, c: DockletCommand): void {
  if (c.op === 'create') model.set(c.name, { ids: Array.from({ length: c.nodes }, (_, i) => `${c.name}#${i}`), next: c.nodes });
  else if (c.op === 'delete') model.delete(c.name);
  else if (c.op === 'scale') {
    const m = model.get(c.name)!;
    while (m.ids.length < c.nodes) m.ids.push(`${c.name}#${m.next++}`);
    m.ids.length = c.nodes;
  }
}

function checkInvariants(vc: VirtualClusters, ids: IdModel, quotas: Map<string, QuotaLimits>): void {
  const hosts = vc.hosts();
  const clusters = vc.list().map((c) => vc.status(c.name));
  const count = new Map<string, number>();
  const sum = new Map<string, { cpu: number; mem: number }>();
  const seen = new Set<string>();
  expect(clusters.map((c) => c.name).sort()).toEqual([...ids.keys()].sort());
  for (const c of clusters) {
    expect(c.members.map((m) => m.id)).toEqual(ids.get(c.name)!.ids);
    expect(c.members).toHaveLength(c.nodes);
    for (const m of c.members) {
      expect(seen.has(m.id)).toBe(false);
      seen.add(m.id);
      if (c.state === 'stopped') expect(m.host).toBeNull();
      else {
        expect(m.host).not.toBeNull();
        count.set(m.host!, (count.get(m.host!) ?? 0) + 1);
        const s = sum.get(m.host!) ?? { cpu: 0, mem: 0 };
        sum.set(m.host!, { cpu: s.cpu + c.demand.cpu, mem: s.mem + c.demand.mem });
      }
    }
  }
  for (const h of hosts) {
    expect(h.used.cpu).toBeLessThanOrEqual(h.cpu);
    expect(h.used.mem).toBeLessThanOrEqual(h.mem);
    expect(h.members).toBe(count.get(h.id) ?? 0);
    // A removal of a host with members names the first cluster, in creation order, with a member there
    // (the manager finds it in its index of clusters by host, which this checks against the members).
    if (h.members > 0) {
      const first = clusters.find((c) => c.members.some((m) => m.host === h.id))!;
      const r = vc.apply({ op: 'removeHosts', ids: [h.id], dryRun: true });
      expect(r.ok ? undefined : r.error.message).toContain(`(cluster '${first.name}' among them)`);
    }
    const s = sum.get(h.id) ?? { cpu: 0, mem: 0 };
    if (h.members === 0) expect(h.used).toEqual({ cpu: 0, mem: 0 });
    expect(Math.abs(h.used.cpu - s.cpu)).toBeLessThan(1e-9 * Math.max(1, h.cpu));
    expect(Math.abs(h.used.mem - s.mem)).toBeLessThan(1e-9 * Math.max(1, h.mem));
  }
  for (const [t, l] of quotas) {
    // The manager's own sum: running clusters in creation order, nodes × demand.
    const use = { nodes: 0, cpu: 0, mem: 0 };
    for (const c of clusters) if (c.tenant === t && c.state === 'running') { use.nodes += c.nodes; use.cpu += c.nodes * c.demand.cpu; use.mem += c.nodes * c.demand.mem; }
    expect(vc.quota(t).used).toEqual(use);
    // Past a limit by float rounding at most (a relative 10^-9: 0.1 + 0.2 is within a limit of 0.3).
    for (const d of ['nodes', 'cpu', 'mem'] as const) if (l[d] !== undefined) expect(use[d]).toBeLessThanOrEqual(l[d] + l[d] * 1e-9);
  }
}

describe(`virtual clusters: WebAssembly (${process.env.FAIRFIT_WASM ?? 'release'}) = reference, and the invariants hold`, () => {
  it('on random hosts and command sequences', () => {
    fc.assert(
      fc.property(fc.array(host, { minLength: 1, maxLength: 8 }), fc.array(command, { minLength: 1, maxLength: 40 }), fc.nat(), fc.constantFrom(...ENGINES), (hs, commands, cut, engine) => {
        const hosts = hs.map((h, i) => ({ id: `h${i}`, ...h }));
        using wasm = manager('wasm', hosts);
        using ref = manager('reference', hosts);
        // A manager restored, through JSON text, from the state before command `cut`: it answers every later command alike.
        let restored: VirtualClusters | undefined;
        const ids: IdModel = new Map();
        const quotas = new Map<string, QuotaLimits>();
        try {
          for (const [i, command] of commands.entries()) {
            if (i === cut % commands.length) {
              const taken = wasm.apply({ op: 'snapshot' });
              expect(taken.ok).toBe(true);
              restored = VirtualClusters.restore(JSON.parse(JSON.stringify(taken.ok && taken.result)), { engine });
              expect(restored.snapshot()).toEqual(ref.snapshot());
            }
            const c = resolve(ref, command);
            const before = snapshot(ref, TENANTS);
            // A dry run answers as the command will, and changes nothing: on either engine, the whole state
            // (the snapshot: uses bit for bit, member id counters, map orders) is as before.
            const whole = MUTATING.has(c.op) ? [wasm, ref].map((m) => JSON.stringify(m.snapshot())) : [];
            const dry = MUTATING.has(c.op) ? [wasm, ref].map((m) => m.apply({ ...c, dryRun: true } as DockletCommand)) : undefined;
            if (dry) expect([wasm, ref].map((m) => JSON.stringify(m.snapshot()))).toEqual(whole);
            const rr = ref.apply(c);
            if (dry) expect(dry).toEqual([rr, rr].map((r) => ({ ...r, dryRun: true })));
            const rw = wasm.apply(c);
            expect(rw).toEqual(rr);
            // A drain moves each cluster's members as one gang, the clusters in creation order.
            if (rr.ok && rr.op === 'drainHosts') {
              const order = JSON.parse(before).clusters.map((k: { name: string }) => k.name) as string[];
              const ranks = (rr.result as DrainResult).moved.map((m) => order.indexOf(m.cluster));
              expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
            }
            if (restored) expect(restored.apply(c)).toEqual(rr);
            if (rr.ok) {
              followIds(ids, c);
              if (c.op === 'quota' && c.limits) {
                if (Object.keys(c.limits).length) quotas.set(c.tenant, c.limits);
                else quotas.delete(c.tenant);
              }
            } else {
              expect(['NO_FIT', 'QUOTA_EXCEEDED', 'INVALID_OPTION']).toContain(rr.error.code);
              expect(snapshot(ref, TENANTS)).toBe(before);
            }
            expect(snapshot(wasm, TENANTS)).toBe(snapshot(ref, TENANTS));
            if (restored) expect(snapshot(restored, TENANTS)).toBe(snapshot(ref, TENANTS));
            checkInvariants(ref, ids, quotas);
          }
        } finally {
          restored?.close();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('bit for bit on larger clusters over many hosts', () => {
    fc.assert(
      fc.property(fc.array(host, { minLength: 50, maxLength: 300 }), fc.array(fc.tuple(demand, fc.integer({ min: 1, max: 200 }), fc.boolean()), { minLength: 1, maxLength: 12 }), (hs, gangs) => {
        const hosts = hs.map((h, i) => ({ id: `h${i}`, ...h }));
        using wasm = manager('wasm', hosts);
        using ref = manager('reference', hosts);
        gangs.forEach(([d, n, pack], i) => {
          const c = { op: 'create', name: `g${i}`, tenant: 't', nodes: n, demand: d, placement: pack ? 'pack' : 'spread' };
          expect(wasm.apply(c)).toEqual(ref.apply(c));
          if (i % 3 === 2) {
            const s = { op: 'scale', name: `g${i - 1}`, nodes: Math.floor(n / 2) };
            expect(wasm.apply(s)).toEqual(ref.apply(s));
          }
        });
        expect(snapshot(wasm)).toBe(snapshot(ref));
      }),
      { numRuns: 40 },
    );
  });
});
