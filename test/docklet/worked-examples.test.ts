/**
 * Placements worked out by hand from the rules of docs/model.md "Docklet virtual clusters"
 * (spread: fewest members of the cluster, then least dominant share after placing, then host
 * order; pack: most dominant share after placing, then host order), on both engines.
 */
import { describe, expect, it } from 'vitest';
import { FairfitError } from '../../src/errors.ts';
import { ENGINES, manager, perHost, sameHosts, snapshot } from './helpers.ts';

const hostsOf = (members: readonly { host: string | null }[]) => members.map((m) => m.host);

describe.each(ENGINES)('virtual clusters by hand (%s)', (engine) => {
  it('spread: 4 members on 3 equal empty hosts land 2/1/1, in host order h0 h1 h2 h0', () => {
    using vc = manager(engine, sameHosts(3));
    const s = vc.create({ name: 'web', tenant: 'acme', nodes: 4, demand: { cpu: 1, mem: 2 } });
    expect(hostsOf(s.members)).toEqual(['h0', 'h1', 'h2', 'h0']);
    expect(perHost(s.members)).toEqual({ h0: 2, h1: 1, h2: 1 });
    expect(s.members.map((m) => m.id)).toEqual(['web#0', 'web#1', 'web#2', 'web#3']);
    expect(s).toMatchObject({ state: 'running', nodes: 4, placement: 'spread', tenant: 'acme' });
  });

  it('spread: fewest members of the cluster first, then least load after placing, then host order', () => {
    using vc = manager(engine, sameHosts(3));
    // h0 carries another cluster's member: load after a (1, 2) member there is max(5/8, 6/32) = 0.625.
    expect(hostsOf(vc.create({ name: 'base', tenant: 'x', nodes: 1, demand: { cpu: 4, mem: 4 } }).members)).toEqual(['h0']);
    const s = vc.create({ name: 'web', tenant: 'acme', nodes: 4, demand: { cpu: 1, mem: 2 } });
    // #0: all hold 0 of web; h1, h2 at 0.125 < h0 → h1. #1: h0, h2 hold 0; h2 less loaded → h2.
    // #2: only h0 holds 0 of web → h0 despite its load. #3: all hold 1; h1 and h2 at 0.25 < h0 at 0.75 → h1.
    expect(hostsOf(s.members)).toEqual(['h1', 'h2', 'h0', 'h1']);
  });

  it('spread: a scale-out counts the members already placed', () => {
    using vc = manager(engine, sameHosts(3));
    vc.create({ name: 'web', tenant: 'acme', nodes: 4, demand: { cpu: 1, mem: 2 } }); // h0 h1 h2 h0
    const s = vc.scale('web', 6);
    // #4: h1 and h2 hold 1, h0 holds 2 → h1 (host order); #5: h2.
    expect(hostsOf(s.members)).toEqual(['h0', 'h1', 'h2', 'h0', 'h1', 'h2']);
  });

  it('pack: best fit fills one host before the next', () => {
    using vc = manager(engine, sameHosts(3));
    const s = vc.create({ name: 'batch', tenant: 'acme', nodes: 5, demand: { cpu: 2, mem: 4 }, placement: 'pack' });
    expect(hostsOf(s.members)).toEqual(['h0', 'h0', 'h0', 'h0', 'h1']);
    // The most loaded host where it fits: h1 (0.25 after the first), not the empty h2; h0 is full.
    expect(hostsOf(vc.create({ name: 'more', tenant: 'acme', nodes: 2, demand: { cpu: 1, mem: 1 }, placement: 'pack' }).members)).toEqual(['h1', 'h1']);
  });

  it('a gang that does not fit is refused with NO_FIT and changes nothing', () => {
    using vc = manager(engine, sameHosts(3));
    vc.create({ name: 'web', tenant: 'acme', nodes: 4, demand: { cpu: 1.1, mem: 2.3 } });
    vc.quota('acme', { cpu: 100 });
    const before = snapshot(vc, ['acme']);
    // web holds 2.2 cpu on h0 and 1.1 on h1 and h2: members of 6 cpu fit on h1 and h2 only, the third fits nowhere.
    const r = vc.apply({ op: 'create', name: 'big', tenant: 'acme', nodes: 4, demand: { cpu: 6, mem: 1 } });
    expect(r).toMatchObject({ ok: false, op: 'create', error: { code: 'NO_FIT', field: 'command.nodes' } });
    // h0 has 5.8 cpu free (no member of 6), h1 and h2 6.9 (one each): room for 2 in any arrangement, cpu short everywhere.
    expect(!r.ok && r.error.message).toBe("nodes: cluster 'big' of tenant 'acme' needs room for 4 members (cpu 6, mem 1 each); the 3 hosts have room for 2, in any arrangement (what runs out: cpu on 3 hosts); nothing was placed");
    expect(snapshot(vc, ['acme'])).toBe(before);
    // The same for a scale-out that only partly fits.
    expect(vc.apply({ op: 'scale', name: 'web', nodes: 40 })).toMatchObject({ ok: false, error: { code: 'NO_FIT' } });
    expect(snapshot(vc, ['acme'])).toBe(before);
  });

  it('scale in removes the newest members first; member ids are never reused', () => {
    using vc = manager(engine, sameHosts(3));
    vc.create({ name: 'web', tenant: 'acme', nodes: 4, demand: { cpu: 1, mem: 2 } });
    const s = vc.scale('web', 2);
    expect(s.members).toEqual([{ id: 'web#0', host: 'h0' }, { id: 'web#1', host: 'h1' }]);
    expect(vc.hosts().map((h) => h.members)).toEqual([1, 1, 0]);
    expect(vc.hosts()[2]!.used).toEqual({ cpu: 0, mem: 0 });
    // The next member is web#4 and goes where web has fewest: h2.
    expect(vc.scale('web', 3).members.at(-1)).toEqual({ id: 'web#4', host: 'h2' });
    expect(vc.scale('web', 0).members).toEqual([]);
    expect(vc.hosts().every((h) => h.members === 0 && h.used.cpu === 0 && h.used.mem === 0)).toBe(true);
  });

  it('stop releases and keeps the definition; start re-places all-or-nothing or refuses and stays stopped', () => {
    using vc = manager(engine, sameHosts(2));
    vc.create({ name: 'web', tenant: 'acme', nodes: 2, demand: { cpu: 4, mem: 8 } });
    const stopped = vc.stop('web');
    expect(stopped).toMatchObject({ state: 'stopped', nodes: 2, demand: { cpu: 4, mem: 8 } });
    expect(stopped.members).toEqual([{ id: 'web#0', host: null }, { id: 'web#1', host: null }]);
    expect(vc.hosts().map((h) => h.used.cpu)).toEqual([0, 0]);
    expect(vc.stop('web')).toEqual(stopped); // stopping a stopped cluster changes nothing
    // Someone else takes most of h0: web's two members no longer fit (one per host would, but h0 has 1 cpu left).
    vc.create({ name: 'hog', tenant: 'other', nodes: 1, demand: { cpu: 7, mem: 1 } });
    vc.scale('web', 3); // a stopped cluster's definition changes, nothing is placed
    const before = snapshot(vc);
    const r = vc.apply({ op: 'start', name: 'web' });
    expect(r).toMatchObject({ ok: false, op: 'start', error: { code: 'NO_FIT', field: 'command.name' } });
    expect(snapshot(vc)).toBe(before);
    expect(vc.status('web').state).toBe('stopped');
    expect(vc.delete('hog')).toEqual({ name: 'hog', tenant: 'other', released: 1 });
    const started = vc.start('web');
    expect(started.state).toBe('running');
    expect(started.members.map((m) => m.id)).toEqual(['web#0', 'web#1', 'web#2']);
    expect(started.members.map((m) => m.host)).toEqual(['h0', 'h1', 'h0']);
  });

  it('quota: a create, scale or start past a limit is refused with QUOTA_EXCEEDED naming the tenant and the limit; stopped clusters do not count', () => {
    using vc = manager(engine, sameHosts(4));
    expect(vc.quota('acme', { cpu: 4, nodes: 10 })).toEqual({ tenant: 'acme', limits: { cpu: 4, nodes: 10 }, used: { nodes: 0, cpu: 0, mem: 0 } });
    vc.create({ name: 'web', tenant: 'acme', nodes: 3, demand: { cpu: 1, mem: 1 } });
    const before = snapshot(vc, ['acme']);
    const err = (() => { try { vc.scale('web', 5); } catch (e) { return e as FairfitError; } })();
    expect(err).toBeInstanceOf(FairfitError);
    expect(err!.code).toBe('QUOTA_EXCEEDED');
    expect(err!.message).toMatch(/tenant 'acme'.*cpu 5.*limit cpu 4/);
    expect(err!.details).toMatchObject({ tenant: 'acme', limit: 'cpu', field: 'nodes' });
    expect(snapshot(vc, ['acme'])).toBe(before);
    expect(vc.apply({ op: 'create', name: 'db', tenant: 'acme', nodes: 2, demand: { cpu: 1, mem: 1 } })).toMatchObject({ ok: false, error: { code: 'QUOTA_EXCEEDED' } });
    // Another tenant is not limited by acme's quota.
    vc.create({ name: 'db', tenant: 'other', nodes: 8, demand: { cpu: 1, mem: 1 } });
    // Stopped: acme holds nothing, so another cluster fits in the quota, and then web cannot start.
    vc.stop('web');
    expect(vc.quota('acme').used).toEqual({ nodes: 0, cpu: 0, mem: 0 });
    vc.create({ name: 'api', tenant: 'acme', nodes: 2, demand: { cpu: 1, mem: 1 } });
    expect(vc.apply({ op: 'start', name: 'web' })).toMatchObject({ ok: false, error: { code: 'QUOTA_EXCEEDED', field: 'command.name' } });
    expect(vc.status('web').state).toBe('stopped');
    // A limit below what the tenant holds is refused; a higher one lets web start.
    expect(vc.apply({ op: 'quota', tenant: 'acme', limits: { cpu: 1 } })).toMatchObject({ ok: false, error: { code: 'QUOTA_EXCEEDED', field: 'command.limits.cpu' } });
    expect(vc.quota('acme', { cpu: 5 }).limits).toEqual({ cpu: 5 });
    expect(vc.start('web').state).toBe('running');
    expect(vc.quota('acme').used).toEqual({ nodes: 5, cpu: 5, mem: 5 });
  });

  it('quota: decimal demands that add up to the limit are allowed, float rounding aside; a real excess is still refused', () => {
    using vc = manager(engine, sameHosts(4));
    vc.quota('acme', { cpu: 0.3, mem: 0.3 });
    // 3 × 0.1 is 0.30000000000000004 in binary floats, and so is 0.1 + 0.2: both are at the limit, not past it.
    expect(vc.create({ name: 'a', tenant: 'acme', nodes: 3, demand: { cpu: 0.1, mem: 0 } }).nodes).toBe(3);
    vc.delete('a');
    vc.create({ name: 'b', tenant: 'acme', nodes: 1, demand: { cpu: 0.1, mem: 0.1 } });
    expect(vc.create({ name: 'c', tenant: 'acme', nodes: 1, demand: { cpu: 0.2, mem: 0.2 } }).nodes).toBe(1);
    // Setting the limit to what the tenant holds (0.30000000000000004 on the sum) is allowed too.
    expect(vc.quota('acme', { cpu: 0.3 }).limits).toEqual({ cpu: 0.3 });
    // 10 × 0.1 against 1.0; 0.31 against 0.3 is an excess.
    vc.quota('acme', { cpu: 1 });
    expect(vc.scale('b', 8).nodes).toBe(8);
    vc.quota('acme', { cpu: 0.3 + 0.7 });
    const before = snapshot(vc, ['acme']);
    expect(vc.apply({ op: 'create', name: 'd', tenant: 'acme', nodes: 1, demand: { cpu: 0.01, mem: 0 } })).toMatchObject({ ok: false, error: { code: 'QUOTA_EXCEEDED' } });
    expect(snapshot(vc, ['acme'])).toBe(before);
    // A limit of 0 stays exact.
    vc.quota('zero', { mem: 0 });
    expect(vc.apply({ op: 'create', name: 'z', tenant: 'zero', nodes: 1, demand: { cpu: 1, mem: 1e-300 } })).toMatchObject({ ok: false, error: { code: 'QUOTA_EXCEEDED' } });
    // A sum that overflows to Infinity is past even the largest limit.
    vc.quota('huge', { cpu: Number.MAX_VALUE });
    expect(vc.apply({ op: 'create', name: 'h', tenant: 'huge', nodes: 2, demand: { cpu: Number.MAX_VALUE, mem: 0 } })).toMatchObject({ ok: false, error: { code: 'QUOTA_EXCEEDED' } });
  });

  it('delete releases and forgets; unknown names and taken names are refused by field', () => {
    using vc = manager(engine, sameHosts(2));
    vc.create({ name: 'web', tenant: 'acme', nodes: 3, demand: { cpu: 1, mem: 1 } });
    expect(vc.apply({ op: 'create', name: 'web', tenant: 'b', nodes: 1, demand: { cpu: 1, mem: 1 } })).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', field: 'command.name' } });
    expect(vc.delete('web')).toEqual({ name: 'web', tenant: 'acme', released: 3 });
    expect(vc.list()).toEqual([]);
    expect(vc.hosts().map((h) => [h.members, h.used.cpu])).toEqual([[0, 0], [0, 0]]);
    expect(vc.apply({ op: 'status', name: 'web' })).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', field: 'command.name', message: "name: no cluster named 'web'" } });
    // The name is free again; the new cluster's members are numbered from #0 (a new life).
    expect(vc.create({ name: 'web', tenant: 'b', nodes: 2, demand: { cpu: 1, mem: 1 } }).members.map((m) => m.id)).toEqual(['web#0', 'web#1']);
  });

  it('a message quotes a name or id with a newline, a quote or 1,000 characters JSON-quoted and bounded, on one line', () => {
    using vc = manager(engine, sameHosts(2));
    const odd = ['a\nb', 'c\r\nd', "o'brien", 'tab\there', 'x'.repeat(1000)];
    for (const name of odd) {
      const r = vc.apply({ op: 'status', name: name.slice(0, 256) });
      expect(r.ok).toBe(false);
      const message = !r.ok ? r.error.message : '';
      expect(message).not.toMatch(/[\n\r\t]/);
      expect(message.length).toBeLessThan(150);
    }
    expect(vc.apply({ op: 'status', name: 'a\nb' })).toMatchObject({ ok: false, error: { message: 'name: no cluster named "a\\nb"' } });
    expect(vc.apply({ op: 'removeHosts', ids: ['x'.repeat(100_000)] })).toMatchObject({ ok: false, error: { message: `ids[0]: no host "${'x'.repeat(80)}"… (100000 characters)` } });
    // A plain name keeps its single quotes; a name in Unicode letters is plain.
    expect(vc.apply({ op: 'status', name: 'café-1' })).toMatchObject({ ok: false, error: { message: "name: no cluster named 'café-1'" } });
  });

  it('addHosts appends after the hosts there; a taken id is refused and adds none', () => {
    using vc = manager(engine, sameHosts(1, 2, 2));
    vc.create({ name: 'web', tenant: 'acme', nodes: 2, demand: { cpu: 1, mem: 1 } });
    expect(vc.apply({ op: 'scale', name: 'web', nodes: 3 })).toMatchObject({ ok: false, error: { code: 'NO_FIT' } });
    const before = snapshot(vc);
    expect(vc.apply({ op: 'addHosts', hosts: [{ id: 'n1', cpu: 4, mem: 4 }, { id: 'h0', cpu: 1, mem: 1 }] })).toMatchObject({ ok: false, error: { field: 'command.hosts[1].id' } });
    expect(snapshot(vc)).toBe(before);
    expect(vc.addHosts([{ id: 'n1', cpu: 4, mem: 4 }])).toEqual([{ id: 'n1', cpu: 4, mem: 4, used: { cpu: 0, mem: 0 }, members: 0 }]);
    expect(vc.scale('web', 3).members.at(-1)).toEqual({ id: 'web#2', host: 'n1' });
  });

  it('removeHosts removes empty hosts only; the others keep their order and their members', () => {
    using vc = manager(engine, sameHosts(4));
    vc.create({ name: 'web', tenant: 'acme', nodes: 2, demand: { cpu: 1, mem: 1 } }); // h0 h1
    const before = snapshot(vc);
    const r = vc.apply({ op: 'removeHosts', ids: ['h2', 'h1'] });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', field: 'command.ids[1]' } });
    expect(!r.ok && r.error.message).toMatch(/host 'h1' holds 1 member\(s\) \(cluster 'web' among them\)/);
    expect(snapshot(vc)).toBe(before);
    vc.scale('web', 1); // web#1 leaves h1
    expect(vc.removeHosts(['h2', 'h1']).map((h) => h.id)).toEqual(['h2', 'h1']);
    expect(vc.hosts().map((h) => [h.id, h.members])).toEqual([['h0', 1], ['h3', 0]]);
    expect(vc.status('web').members).toEqual([{ id: 'web#0', host: 'h0' }]);
    // Spread over what is left: web#2 where web has none (h3), web#3 on a tie of load by host order (h0).
    expect(vc.scale('web', 3).members.map((m) => m.host)).toEqual(['h0', 'h3', 'h0']);
    // A removed id can be added again, at the end.
    expect(vc.addHosts([{ id: 'h1', cpu: 1, mem: 1 }]).map((h) => h.id)).toEqual(['h1']);
    expect(vc.hosts().map((h) => h.id)).toEqual(['h0', 'h3', 'h1']);
  });

  it('drainHosts moves the members elsewhere by their cluster\'s rule, keeps their ids, then removes the hosts; all or nothing', () => {
    using vc = manager(engine, sameHosts(3));
    vc.create({ name: 'web', tenant: 'acme', nodes: 4, demand: { cpu: 2, mem: 4 } }); // h0 h1 h2 h0
    vc.create({ name: 'db', tenant: 'acme', nodes: 1, demand: { cpu: 1, mem: 1 } });
    vc.stop('db'); // a stopped cluster has nothing to move
    const r = vc.drainHosts(['h0']);
    // web#0 and web#3 leave h0: spread over h1, h2 (one web member each: a tie, then equal load, then host order: h1), then h2.
    expect(r.moved).toEqual([
      { cluster: 'web', id: 'web#0', from: 'h0', to: 'h1' },
      { cluster: 'web', id: 'web#3', from: 'h0', to: 'h2' },
    ]);
    expect(r.removed).toEqual([{ id: 'h0', cpu: 8, mem: 32, used: { cpu: 4, mem: 8 }, members: 2 }]);
    expect(vc.status('web').members).toEqual([{ id: 'web#0', host: 'h1' }, { id: 'web#1', host: 'h1' }, { id: 'web#2', host: 'h2' }, { id: 'web#3', host: 'h2' }]);
    expect(vc.hosts().map((h) => [h.id, h.members, h.used.cpu])).toEqual([['h1', 2, 4], ['h2', 2, 4]]);
    expect(vc.start('db').members).toEqual([{ id: 'db#0', host: 'h1' }]); // a tie of load after placing: host order
    // web#4 on h2 (less load), web#5 on h1 (fewer web members), web#6 on h2 (h1 is full): cpu 7 on h1, 8 on h2.
    expect(vc.scale('web', 7).members.slice(4).map((m) => m.host)).toEqual(['h2', 'h1', 'h2']);
    // h2's four web members would need 8 cpu on h1, which has 1 free: refused at the first, nothing moved.
    const before = snapshot(vc);
    const refused = vc.apply({ op: 'drainHosts', ids: ['h2'] });
    expect(refused).toMatchObject({ ok: false, op: 'drainHosts', error: { code: 'NO_FIT', field: 'command.ids' } });
    expect(!refused.ok && refused.error.message).toBe("ids: cluster 'web' of tenant 'acme' needs room for its 4 members to move (cpu 2, mem 4 each); the 1 other host has room for 0, in any arrangement (what runs out: cpu on 1 host); nothing was moved");
    expect(snapshot(vc)).toBe(before);
    expect(vc.apply({ op: 'drainHosts', ids: ['h7'] })).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', field: 'command.ids[0]' } });
    expect(snapshot(vc)).toBe(before);
  });

  it('drainHosts: a later cluster that finds no host undoes the moves of the earlier ones, exactly', () => {
    using vc = manager(engine, [{ id: 'h0', cpu: 8, mem: 8 }]);
    vc.create({ name: 'a', tenant: 't', nodes: 1, demand: { cpu: 2, mem: 0.1 } });
    vc.create({ name: 'b', tenant: 't', nodes: 1, demand: { cpu: 3, mem: 0.2 } });
    vc.addHosts([{ id: 'h1', cpu: 4, mem: 8 }]);
    const before = snapshot(vc);
    // a's member fits on h1 (2 of 4), b's then does not (3 > 2 left).
    expect(vc.apply({ op: 'drainHosts', ids: ['h0'] })).toMatchObject({ ok: false, error: { code: 'NO_FIT', message: expect.stringMatching(/^ids: cluster 'b' of tenant 't' needs room for its 1 member to move \(cpu 3, mem 0.2 each\); the 1 other host has room for 0/) } });
    expect(snapshot(vc)).toBe(before);
    vc.addHosts([{ id: 'h2', cpu: 4, mem: 8 }]);
    expect(vc.drainHosts(['h0']).moved).toEqual([{ cluster: 'a', id: 'a#0', from: 'h0', to: 'h1' }, { cluster: 'b', id: 'b#0', from: 'h0', to: 'h2' }]);
    expect(vc.hosts().map((h) => [h.id, h.members, h.used])).toEqual([['h1', 1, { cpu: 2, mem: 0.1 }], ['h2', 1, { cpu: 3, mem: 0.2 }]]);
  });

  it('many hosts: a 1,000-member spread cluster on 10,000 hosts puts one member on each of the first 1,000', () => {
    using vc = manager(engine, Array.from({ length: 10_000 }, (_, i) => ({ id: `h${i}`, cpu: 64, mem: 256 })));
    const s = vc.create({ name: 'big', tenant: 'acme', nodes: 1000, demand: { cpu: 1, mem: 4 } });
    expect(s.members.map((m) => m.host)).toEqual(Array.from({ length: 1000 }, (_, i) => `h${i}`));
  });
});
