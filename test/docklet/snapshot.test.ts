/**
 * Snapshot and restore of a virtual-cluster manager: a worked state (running and stopped clusters,
 * member ids after a scale-in, float residues in a host's use, quotas) survives JSON text on both
 * engines, and the restored manager goes on as the original (the next member id, a start, a quota
 * refusal); a malformed or inconsistent snapshot is refused with CORRUPT_INPUT naming its field. The
 * property test of test/docklet/wasm-equals-reference.test.ts restores at random points.
 */
import { describe, expect, it } from 'vitest';
import { FairfitError } from '../../src/errors.ts';
import type { DockletSnapshot } from '../../src/systems/docklet/snapshot.ts';
import { VirtualClusters } from '../../src/systems/docklet/virtual-clusters.ts';
import { ENGINES, manager, sameHosts, snapshot } from './helpers.ts';

/** Hosts h0–h2; web (acme, 0.1 cpu: residues) scaled 4 → 2 → 3, db stopped, a quota for acme. */
function worked(engine: (typeof ENGINES)[number]): VirtualClusters {
  const vc = manager(engine, sameHosts(3, 1, 4));
  vc.create({ name: 'web', tenant: 'acme', nodes: 4, demand: { cpu: 0.1, mem: 0.7 } });
  vc.scale('web', 2);
  vc.scale('web', 3);
  vc.create({ name: 'db', tenant: 'zeta', nodes: 2, demand: { cpu: 0.3, mem: 1 }, placement: 'pack' });
  vc.stop('db');
  vc.create({ name: 'cache', tenant: 'zeta', nodes: 2, demand: { cpu: 0.2, mem: 0.1 } });
  vc.quota('acme', { cpu: 0.5 });
  return vc;
}

/** The code and field of what `f` throws. */
function refusal(f: () => unknown): { code: string; field: unknown } {
  try {
    f();
  } catch (e) {
    if (e instanceof FairfitError) return { code: e.code, field: e.details.field };
    throw e;
  }
  throw new Error('not refused');
}

describe('virtual clusters: snapshot and restore', () => {
  for (const engine of ENGINES) {
    it(`a worked state through JSON text (${engine}): the same state, and the same answers after`, () => {
      using vc = worked(engine);
      const taken = vc.snapshot();
      expect(taken.format).toBe('fairfit-docklet-snapshot');
      expect(taken.clusters.map((c) => [c.name, c.state, c.next, c.members.map((m) => m.id)])).toEqual([
        ['web', 'running', 5, ['web#0', 'web#1', 'web#4']],
        ['db', 'stopped', 2, ['db#0', 'db#1']],
        ['cache', 'running', 2, ['cache#0', 'cache#1']],
      ]);
      expect(taken.quotas).toEqual([{ tenant: 'acme', limits: { cpu: 0.5 } }]);
      // A host's use keeps its float residue exactly (0.1 + 0.2 on one host, not 0.3).
      expect(taken.hosts.map((h) => h.used.cpu)).toEqual(vc.hosts().map((h) => h.used.cpu));
      expect(taken.hosts.some((h) => h.used.cpu === 0.1 + 0.2)).toBe(true);
      for (const other of ENGINES) {
        using back = VirtualClusters.restore(JSON.parse(JSON.stringify(taken)), { engine: other });
        expect(back.snapshot()).toEqual(taken);
        expect(snapshot(back, ['acme', 'zeta'])).toBe(snapshot(vc, ['acme', 'zeta']));
      }
      using back = VirtualClusters.restore(JSON.parse(JSON.stringify(taken)), { engine });
      const next = [
        { op: 'scale', name: 'web', nodes: 4 },
        { op: 'scale', name: 'web', nodes: 6 },
        { op: 'start', name: 'db' },
        { op: 'create', name: 'api', tenant: 'acme', nodes: 1, demand: { cpu: 0.2, mem: 0 } },
        { op: 'delete', name: 'cache' },
        { op: 'hosts' },
      ] as const;
      const answers = next.map((c) => back.apply(c));
      expect(answers).toEqual(next.map((c) => vc.apply(c)));
      // The next member id continues after web#4; the quota holds; the stopped cluster starts.
      expect(answers[0]).toMatchObject({ ok: true, result: { members: [{ id: 'web#0' }, { id: 'web#1' }, { id: 'web#4' }, { id: 'web#5' }] } });
      expect(answers[1]).toMatchObject({ ok: false, error: { code: 'QUOTA_EXCEEDED' } });
      expect(answers[2]).toMatchObject({ ok: true, result: { state: 'running' } });
      expect(answers[3]).toMatchObject({ ok: false, error: { code: 'QUOTA_EXCEEDED' } });
      expect(back.snapshot()).toEqual(vc.snapshot());
    });
  }

  it('a use of −0 (given without JSON, which writes it 0) reads 0', () => {
    using vc = VirtualClusters.restore({ format: 'fairfit-docklet-snapshot', version: 1, hosts: [{ id: 'h', cpu: 1, mem: 1, used: { cpu: -0, mem: -0 } }], clusters: [], quotas: [] });
    expect(Object.is(vc.hosts()[0]!.used.cpu, 0) && Object.is(vc.hosts()[0]!.used.mem, 0)).toBe(true);
  });

  it('an empty manager round-trips', () => {
    using vc = new VirtualClusters();
    const taken = vc.snapshot();
    expect(taken).toEqual({ format: 'fairfit-docklet-snapshot', version: 1, hosts: [], clusters: [], quotas: [] });
    using back = VirtualClusters.restore(taken);
    expect(back.addHosts(sameHosts(1))).toHaveLength(1);
  });

  // Each: a change to the worked snapshot, and the field the refusal names.
  const corrupt: [string, (s: DockletSnapshot) => unknown, string][] = [
    ['another format', (s) => ({ ...s, format: 'fairfit-engine' }), 'snapshot.format'],
    ['another version', (s) => ({ ...s, version: 2 }), 'snapshot.version'],
    ['no hosts', ({ hosts: _, ...s }) => s, 'snapshot.hosts'],
    ['an unknown field', (s) => ({ ...s, tenants: [] }), 'snapshot.tenants'],
    ['a negative capacity', (s) => (s.hosts[0]!.cpu = -1, s), 'snapshot.hosts[0].cpu'],
    ['a use above the capacity', (s) => (s.hosts[2]!.used.mem = 5, s), 'snapshot.hosts[2].used.mem'],
    ['a use its members do not explain', (s) => (s.hosts[0]!.used.cpu += 0.05, s), 'snapshot.hosts[0].used.cpu'],
    ['a use on a host without members', (s) => (s.hosts.push({ id: 'h9', cpu: 1, mem: 1, used: { cpu: 0.1, mem: 0 } }), s), 'snapshot.hosts[3].used.cpu'],
    // Two members of cpu 10^308 on a host of Number.MAX_VALUE: their sum is Infinity, which a slack of 10^-9 of the larger let pass.
    ['members whose demands sum past Number.MAX_VALUE', (s) => (s.hosts[0] = { id: 'h0', cpu: Number.MAX_VALUE, mem: 4, used: { cpu: 1e308, mem: 0 } }, s.clusters.push({
      name: 'big', tenant: 'big', demand: { cpu: 1e308, mem: 0 }, placement: 'spread', state: 'running', next: 2, members: [{ id: 'big#0', host: 'h0' }, { id: 'big#1', host: 'h0' }],
    }), s.clusters = s.clusters.map((c) => (c.state === 'running' && c.name !== 'big' ? { ...c, members: c.members.filter((m) => m.host !== 'h0') } : c)), s), 'snapshot.hosts[0].used.cpu'],
    ['a host id twice', (s) => (s.hosts[1]!.id = 'h0', s), 'snapshot.hosts[1].id'],
    ['a cluster name twice', (s) => (s.clusters[2]!.name = 'web', s), 'snapshot.clusters[2].name'],
    ['a member on an unknown host', (s) => (s.clusters[0]!.members[0]!.host = 'h7', s), 'snapshot.clusters[0].members[0].host'],
    ['a running member without a host', (s) => (s.clusters[0]!.members[1]!.host = null, s), 'snapshot.clusters[0].members[1].host'],
    ['a stopped member on a host', (s) => (s.clusters[1]!.members[0]!.host = 'h0', s), 'snapshot.clusters[1].members[0].host'],
    ['member ids out of order', (s) => (s.clusters[0]!.members.reverse(), s), 'snapshot.clusters[0].members[1].id'],
    ['a member id of another cluster', (s) => (s.clusters[1]!.members[0]!.id = 'web#0', s), 'snapshot.clusters[1].members[0].id'],
    ['a member id at next', (s) => (s.clusters[0]!.next = 4, s), 'snapshot.clusters[0].members[2].id'],
    ['a tenant over its quota', (s) => (s.quotas[0]!.limits.cpu = 0.2, s), 'snapshot.quotas[0].limits.cpu'],
    ['a tenant twice', (s) => (s.quotas.push({ tenant: 'acme', limits: { nodes: 9 } }), s), 'snapshot.quotas[1].tenant'],
  ];
  for (const [what, change, field] of corrupt) {
    it(`refuses a snapshot with ${what}: CORRUPT_INPUT naming ${field}`, () => {
      using vc = worked('wasm');
      const s = JSON.parse(JSON.stringify(vc.snapshot())) as DockletSnapshot;
      expect(refusal(() => VirtualClusters.restore(change(s)))).toEqual({ code: 'CORRUPT_INPUT', field });
    });
  }

  for (const engine of ENGINES) {
    it(`a restored next near 2^53 (${engine}): a scale that would number a member past it is refused, ids stay distinct, the state restores`, () => {
      const s: DockletSnapshot = {
        format: 'fairfit-docklet-snapshot', version: 1, hosts: [{ id: 'h0', cpu: 1, mem: 1, used: { cpu: 0, mem: 0 } }],
        clusters: [{ name: 'c', tenant: 't', demand: { cpu: 0, mem: 0 }, placement: 'spread', state: 'running', next: Number.MAX_SAFE_INTEGER - 3, members: [] }],
        quotas: [],
      };
      using vc = VirtualClusters.restore(s, { engine });
      // 2^53 − 3 … 2^53: next++ at 2^53 gives 2^53 again, so a fourth member would repeat the third's id.
      expect(refusal(() => vc.scale('c', 4))).toEqual({ code: 'INVALID_OPTION', field: 'nodes' });
      expect(vc.status('c').members).toEqual([]);
      const ids = vc.scale('c', 3).members.map((m) => m.id);
      expect(new Set(ids).size).toBe(3);
      expect(ids.at(-1)).toBe(`c#${Number.MAX_SAFE_INTEGER - 1}`);
      vc.stop('c');
      expect(refusal(() => vc.scale('c', 4))).toEqual({ code: 'INVALID_OPTION', field: 'nodes' });
      using back = VirtualClusters.restore(JSON.parse(JSON.stringify(vc.snapshot())), { engine });
      expect(back.snapshot()).toEqual(vc.snapshot());
    });
  }

  it('refuses what is not a snapshot, and options it does not take', () => {
    expect(refusal(() => VirtualClusters.restore(null))).toEqual({ code: 'CORRUPT_INPUT', field: 'snapshot' });
    // Another kind of file: named by its format, not by the first snapshot field it lacks.
    expect(() => VirtualClusters.restore({ format: 'fairfit-engine-snapshot', version: 1, state: {} })).toThrow(/snapshot\.format is "fairfit-engine-snapshot", not 'fairfit-docklet-snapshot'/);
    expect(refusal(() => VirtualClusters.restore({ format: 'fairfit-docklet-snapshot', version: 1, hosts: [{ id: 'h', cpu: Number.NaN, mem: 1, used: { cpu: 0, mem: 0 } }], clusters: [], quotas: [] }))).toEqual({ code: 'CORRUPT_INPUT', field: 'snapshot.hosts[0].cpu' });
    using vc = worked('reference');
    expect(refusal(() => VirtualClusters.restore(vc.snapshot(), { hosts: [] } as never))).toMatchObject({ code: 'INVALID_OPTION' });
  });
});
