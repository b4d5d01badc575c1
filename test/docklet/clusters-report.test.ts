/**
 * The numbers of the Docklet report page, worked by hand on a short command sequence: the log's
 * counts, refusals and share of capacity in use after each command (a dry run changes nothing), the
 * tenant rows with their quota shares, the cluster rows with their hosts and most members on one
 * host, the stacked host charts; on random sequences the log's shares are the hosts' own; past
 * 200 hosts the page draws the sorted use; the same commands give the same page, byte for byte;
 * bad input is refused naming it.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clustersPage, clustersReport, DockletCommandLog, MAX_HOST_BARS, MAX_REFUSALS_LISTED, renderClustersHtml, writeClustersHtml } from '../../src/systems/docklet/clusters-report.ts';
import type { DockletCommand } from '../../src/systems/docklet/command-schema.ts';
import type { DockletSnapshot } from '../../src/systems/docklet/snapshot.ts';
import type { BarChart, LineChart, PageSection, PageTable } from '../../src/report/html.ts';
import { VirtualClusters } from '../../src/systems/docklet/virtual-clusters.ts';
import { ENGINES, manager, sameHosts } from './helpers.ts';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-clusters-report-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Two hosts of cpu 10, mem 20: 20 cpu and 40 mem in all until `c` (20, 40) is added. */
const HOSTS = [{ id: 'a', cpu: 10, mem: 20 }, { id: 'b', cpu: 10, mem: 20 }];

/**
 * The worked sequence. After each command, Σ use (cpu, mem) / Σ capacity:
 *  1 quota acme ≤ 4 nodes, ≤ 8 cpu                 0 / 20, 0 / 40
 *  2 create web (acme) 3 × (2, 1), spread: a b a   6 / 20, 3 / 40
 *  3 create db (beta) 2 × (3, 8), pack: a a        12 / 20, 19 / 40  (a's load after: 0.7 then 1.0, b's 0.5)
 *  4 scale web 5: QUOTA_EXCEEDED (5 nodes > 4)     unchanged
 *  5 create big (beta) 1 × (9, 1): NO_FIT          unchanged (a has no cpu left, b 8)
 *  6 create x (gamma), dry run                     unchanged
 *  7 stop web                                      6 / 20, 16 / 40
 *  8 create batch (gamma) 2 × (1, 2), spread: b a  8 / 20, 20 / 40
 *  9 addHosts c (20, 40)                           8 / 40, 20 / 80
 * 10 scale db with a misspelt field: INVALID_OPTION unchanged
 * 11 delete db                                     2 / 40, 4 / 80
 */
const COMMANDS: unknown[] = [
  { op: 'quota', tenant: 'acme', limits: { nodes: 4, cpu: 8 } },
  { op: 'create', name: 'web', tenant: 'acme', nodes: 3, demand: { cpu: 2, mem: 1 } },
  { op: 'create', name: 'db', tenant: 'beta', nodes: 2, demand: { cpu: 3, mem: 8 }, placement: 'pack' },
  { op: 'scale', name: 'web', nodes: 5 },
  { op: 'create', name: 'big', tenant: 'beta', nodes: 1, demand: { cpu: 9, mem: 1 } },
  { op: 'create', name: 'x', tenant: 'gamma', nodes: 1, demand: { cpu: 1, mem: 1 }, dryRun: true },
  { op: 'stop', name: 'web' },
  { op: 'create', name: 'batch', tenant: 'gamma', nodes: 2, demand: { cpu: 1, mem: 2 } },
  { op: 'addHosts', hosts: [{ id: 'c', cpu: 20, mem: 40 }] },
  { op: 'scale', name: 'db', nodez: 3 },
  { op: 'delete', name: 'db' },
];

/** Runs the first `upTo` commands on a new manager: its snapshot then, and the log. */
function run(engine: (typeof ENGINES)[number], upTo = COMMANDS.length, commands = COMMANDS): { snapshot: DockletSnapshot; log: DockletCommandLog } {
  using vc = manager(engine, HOSTS);
  const log = new DockletCommandLog(vc.snapshot());
  for (const c of commands.slice(0, upTo)) log.record(c, vc.apply(c));
  return { snapshot: vc.snapshot(), log };
}

const table = (sections: PageSection[], id: string): PageTable => sections.flatMap((s) => (s.kind === 'table' && s.table.id === id ? [s.table] : []))[0]!;
const charts = (sections: PageSection[]) => sections.flatMap((s) => (s.kind === 'charts' ? s.charts : []));

describe('the Docklet report: the worked sequence', () => {
  it.each(ENGINES)('the log: counts, refusals by code, and the share in use after each command (%s)', (engine) => {
    const c = run(engine).log.summary();
    expect([c.total, c.accepted, c.refused, c.dryRuns]).toEqual([11, 8, 3, 1]);
    expect(c.byCode).toEqual([['INVALID_OPTION', 1], ['NO_FIT', 1], ['QUOTA_EXCEEDED', 1]]);
    expect(c.refusals.map((r) => [r.command, r.op, r.code])).toEqual([[4, 'scale', 'QUOTA_EXCEEDED'], [5, 'create', 'NO_FIT'], [10, 'scale', 'INVALID_OPTION']]);
    expect(c.refusals[0]!.message).toMatch(/tenant 'acme' would hold nodes 5 .* over its quota limit nodes 4/);
    // Sums of whole numbers, divided once: exact.
    expect(c.use.cpu).toEqual([0, 0, 6 / 20, 12 / 20, 12 / 20, 12 / 20, 12 / 20, 6 / 20, 8 / 20, 8 / 40, 8 / 40, 2 / 40]);
    expect(c.use.mem).toEqual([0, 0, 3 / 40, 19 / 40, 19 / 40, 19 / 40, 19 / 40, 16 / 40, 20 / 40, 20 / 80, 20 / 80, 4 / 80]);
  });

  it('tenants and clusters after command 3: quota shares used, how each cluster lies over the hosts', () => {
    const { snapshot, log } = run('wasm', 3);
    const r = clustersReport(snapshot, { log });
    expect(r.hosts).toEqual({ count: 2, cpu: 20, mem: 40, used: { cpu: 12, mem: 19 } });
    expect(r.members).toBe(5);
    expect(r.tenants).toEqual([
      { tenant: 'acme', clusters: 1, running: 1, members: 3, cpu: 6, mem: 3, limits: { nodes: 4, cpu: 8 }, share: { nodes: 0.75, cpu: 0.75 } },
      { tenant: 'beta', clusters: 1, running: 1, members: 2, cpu: 6, mem: 16, limits: {}, share: {} },
    ]);
    expect(r.clusters).toEqual([
      // spread: a b a; pack: both on a.
      { name: 'web', tenant: 'acme', state: 'running', nodes: 3, demand: { cpu: 2, mem: 1 }, placement: 'spread', hosts: 2, mostOnOneHost: 2 },
      { name: 'db', tenant: 'beta', state: 'running', nodes: 2, demand: { cpu: 3, mem: 8 }, placement: 'pack', hosts: 1, mostOnOneHost: 2 },
    ]);
    // The host charts: per host, each tenant's share of it. a holds web#0, web#2, db#0, db#1; b holds web#1.
    // Tenants in order of cpu held, then mem: both hold 6 cpu, beta more mem.
    const [cpu, mem] = charts(clustersPage(snapshot, { log }).sections) as BarChart[];
    expect(cpu!.labels).toEqual(['a', 'b']);
    expect(cpu!.datasets.map((d) => [d.label, d.data])).toEqual([['beta', [0.6, 0]], ['acme', [0.4, 0.2]]]);
    expect(mem!.datasets.map((d) => [d.label, d.data])).toEqual([['beta', [0.8, 0]], ['acme', [0.1, 0.05]]]);
    expect([cpu!.stacked, cpu!.yRange]).toEqual([true, [0, 1]]);
    const tenants = table(clustersPage(snapshot).sections, 'tenants');
    expect(tenants.rows).toEqual([['acme', 1, 1, 3, 6, 3, '3 of 4 (75 %)', '6 of 8 (75 %)', null], ['beta', 1, 1, 2, 6, 16, null, null, null]]);
  });

  it('after all eleven: a stopped cluster holds nothing and lies on no host, a deleted one is gone with its quota-less tenant', () => {
    const { snapshot, log } = run('reference');
    const r = clustersReport(snapshot, { log });
    expect(r.hosts).toEqual({ count: 3, cpu: 40, mem: 80, used: { cpu: 2, mem: 4 } });
    expect(r.tenants.map((t) => [t.tenant, t.clusters, t.running, t.members, t.cpu, t.mem, t.share])).toEqual([['acme', 1, 0, 0, 0, 0, { nodes: 0, cpu: 0 }], ['gamma', 1, 1, 2, 2, 4, {}]]);
    expect(r.clusters.map((c) => [c.name, c.state, c.nodes, c.hosts, c.mostOnOneHost])).toEqual([['web', 'stopped', 3, 0, 0], ['batch', 'running', 2, 2, 1]]);
    const page = clustersPage(snapshot, { log, input: '/some/where/commands.jsonl' });
    expect(page.title).toBe('fairfit — Docklet virtual clusters — commands.jsonl: 3 hosts, 2 tenants, 2 clusters');
    const facts = page.sections[0]!;
    expect(facts.kind === 'facts' && facts.facts).toEqual([
      ['Hosts', '3 hosts: cpu 40, mem 80 in all; in use: cpu 5 %, mem 5 %'],
      ['Tenants', '2 (1 with a quota limit)'],
      ['Clusters', '2: 1 running, 1 stopped'],
      ['Members placed', '2 (of 5 defined)'],
      ['Commands', '11: 8 accepted, 3 refused (INVALID_OPTION 1, NO_FIT 1, QUOTA_EXCEEDED 1); 1 dry run among them, which changed nothing'],
    ]);
    expect(table(page.sections, 'clusters').rows).toEqual([['web', 'acme', 'stopped', 3, 2, 1, 'spread', null, null], ['batch', 'gamma', 'running', 2, 1, 2, 'spread', 2, 1]]);
    expect(table(page.sections, 'refused').rows.map((row) => row.slice(0, 3))).toEqual([[4, 'scale', 'QUOTA_EXCEEDED'], [5, 'create', 'NO_FIT'], [10, 'scale', 'INVALID_OPTION']]);
    const over = charts(page.sections).find((c): c is LineChart => c.kind === 'lines')!;
    expect(over.lines.map((l) => l.policy)).toEqual(['cpu', 'mem']);
    expect(over.lines[0]!.x).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(over.lines[1]!.y).toEqual([0, 0, 0.075, 0.475, 0.475, 0.475, 0.475, 0.4, 0.5, 0.25, 0.25, 0.05]);
  });

  it('without a log the page has no command sections; with lines, the refusals name them', () => {
    const { snapshot } = run('wasm');
    expect(clustersPage(snapshot).sections.map((s) => s.heading)).toEqual(['Summary', 'Hosts: cpu and mem in use', 'Tenants', 'Clusters']);
    using vc = manager('wasm', HOSTS);
    const log = new DockletCommandLog(vc.snapshot());
    log.record({ op: 'start', name: 'none' }, vc.apply({ op: 'start', name: 'none' }), 7);
    log.record(undefined, { ok: false, error: { code: 'PARSE_ERROR', message: 'command is not valid JSON', field: 'command' } }, 9);
    // A refused dry run is named so (its answer says it was one).
    const dry = { op: 'create', name: 'huge', tenant: 't', nodes: 1, demand: { cpu: 1000, mem: 1 }, dryRun: true };
    log.record(dry, vc.apply(dry), 10);
    const refused = table(clustersPage(vc.snapshot(), { log }).sections, 'refused');
    expect(refused.columns.map((c) => c.label)).toEqual(['command', 'line', 'op', 'code', 'message']);
    expect(refused.rows.map((r) => r.slice(0, 4))).toEqual([[1, 7, 'start', 'INVALID_OPTION'], [2, 9, null, 'PARSE_ERROR'], [3, 10, 'create (dry run)', 'NO_FIT']]);
    expect(log.summary().dryRuns).toBe(1);
  });
});

describe('the Docklet report: many', () => {
  it(`lists the first ${MAX_REFUSALS_LISTED} refusals and counts the rest`, () => {
    using vc = manager('wasm', HOSTS);
    const log = new DockletCommandLog(vc.snapshot());
    for (let i = 0; i < MAX_REFUSALS_LISTED + 12; i++) log.record({ op: 'delete', name: `n${i}` }, vc.apply({ op: 'delete', name: `n${i}` }));
    const c = log.summary();
    expect([c.refused, c.refusals.length, c.refusals.at(-1)!.command]).toEqual([MAX_REFUSALS_LISTED + 12, MAX_REFUSALS_LISTED, MAX_REFUSALS_LISTED]);
    expect(c.byCode).toEqual([['INVALID_OPTION', MAX_REFUSALS_LISTED + 12]]);
    const t = table(clustersPage(vc.snapshot(), { log }).sections, 'refused');
    expect(t.rows).toHaveLength(MAX_REFUSALS_LISTED);
    expect(t.more).toBe('… and 12 more refused commands, not listed (the summary counts them by code).');
  });

  it('more commands than a line draws: each line keeps its first and last point and its extremes, and the page says so', () => {
    using vc = manager('wasm', sameHosts(2, 10, 10));
    const log = new DockletCommandLog(vc.snapshot());
    // 1 … 10 members of (1, 1) on 20 cpu, round and round: the use swings between 0.05 and 0.5; command 300 takes it to 1.
    for (let i = 1; i <= 600; i++) {
      const c = i === 1 ? { op: 'create', name: 'k', tenant: 't', nodes: 2, demand: { cpu: 1, mem: 1 } } : { op: 'scale', name: 'k', nodes: i === 300 ? 20 : 1 + (i % 10) };
      log.record(c, vc.apply(c));
    }
    const section = clustersPage(vc.snapshot(), { log }).sections.find((s) => s.heading === 'Over the commands')!;
    expect(section.note).toContain('each line keeps the lowest and highest point of each stretch of commands');
    const [cpu] = charts([section]) as LineChart[];
    const l = cpu!.lines[0]!;
    expect(l.x.length).toBeLessThanOrEqual(240);
    expect([l.x[0], l.x.at(-1)]).toEqual([0, 600]);
    expect(Math.max(...l.y.map((v) => v ?? 0))).toBe(1);
    expect(l.y[l.x.indexOf(300)]).toBe(1);
  });

  it(`more than ${MAX_HOST_BARS} hosts: each dimension's host use sorted, most used first, and the page says so`, () => {
    using vc = manager('wasm', sameHosts(MAX_HOST_BARS + 1, 4, 8));
    vc.create({ name: 'w', tenant: 't', nodes: 3, demand: { cpu: 1, mem: 1 }, placement: 'pack' });
    const page = clustersPage(vc.snapshot());
    const section = page.sections[1]!;
    expect(section.note).toContain(`${MAX_HOST_BARS + 1} hosts: more than ${MAX_HOST_BARS}, too many to draw a bar each`);
    const [chart] = charts(page.sections) as LineChart[];
    expect(chart!.kind).toBe('lines');
    // pack puts the three on one host: 3 of its 4 cpu, 3 of its 8 mem (then every other host holds nothing).
    for (const l of chart!.lines) {
      expect(l.y[0]).toBe(l.policy === 'cpu' ? 0.75 : 0.375);
      expect(l.y.slice(1).every((v) => v === 0)).toBe(true);
      expect(l.x[0]).toBe(1);
      expect(l.x.at(-1)).toBe(MAX_HOST_BARS + 1);
    }
    // At 200, a bar per host.
    using small = manager('wasm', sameHosts(MAX_HOST_BARS));
    expect(charts(clustersPage(small.snapshot()).sections).map((c) => c.kind)).toEqual(['bars', 'bars']);
  });

  it('more than 10 tenants holding members: the 9 holding the most cpu drawn each, the others together', () => {
    using vc = manager('wasm', sameHosts(4, 64, 64));
    for (let i = 0; i < 12; i++) vc.create({ name: `k${i}`, tenant: `t${String(i).padStart(2, '0')}`, nodes: 1, demand: { cpu: i + 1, mem: 1 } });
    const page = clustersPage(vc.snapshot());
    const [cpu] = charts(page.sections) as BarChart[];
    expect(cpu!.datasets.map((d) => d.label)).toEqual(['t11', 't10', 't09', 't08', 't07', 't06', 't05', 't04', 't03', '3 other tenants']);
    // Each host's stack is what its members hold: Σ over datasets = the host's use / capacity.
    const hosts = vc.hosts();
    hosts.forEach((h, i) => expect(cpu!.datasets.reduce((s, d) => s + d.data[i]!, 0)).toBeCloseTo(h.used.cpu / h.cpu, 3));
    const colors = table(page.sections, 'tenants').rowColors!;
    expect(new Set(colors.slice(0, 3))).toEqual(new Set([colors[0]]));
    expect(new Set(colors.slice(3)).size).toBe(9);
  });
});

// Commands that change hosts' use or capacity, some dry runs, some refused.
const name = fc.constantFrom('a', 'b', 'c');
const mutating: fc.Arbitrary<DockletCommand> = fc.oneof(
  fc.record({ name, tenant: fc.constantFrom('t1', 't2'), nodes: fc.integer({ min: 1, max: 6 }), demand: fc.record({ cpu: fc.integer({ min: 0, max: 30 }).map((x) => x / 10), mem: fc.integer({ min: 0, max: 40 }).map((x) => x / 10) }), placement: fc.constantFrom('spread' as const, 'pack' as const) })
    .map((c) => ({ op: 'create' as const, ...c })),
  fc.record({ name, nodes: fc.integer({ min: 0, max: 8 }) }).map((c) => ({ op: 'scale' as const, ...c })),
  name.map((n) => ({ op: 'stop' as const, name: n })),
  name.map((n) => ({ op: 'start' as const, name: n })),
  name.map((n) => ({ op: 'delete' as const, name: n })),
  fc.record({ id: fc.integer({ min: 0, max: 9 }), cpu: fc.integer({ min: 1, max: 16 }), mem: fc.integer({ min: 1, max: 32 }) }).map(({ id, ...h }) => ({ op: 'addHosts' as const, hosts: [{ id: `x${id}`, ...h }] })),
  fc.uniqueArray(fc.constantFrom('h0', 'h1', 'h2', 'x0', 'x1'), { minLength: 1, maxLength: 2 }).map((ids) => ({ op: 'removeHosts' as const, ids })),
  fc.uniqueArray(fc.constantFrom('h0', 'h1', 'h2', 'x0', 'x1'), { minLength: 1, maxLength: 2 }).map((ids) => ({ op: 'drainHosts' as const, ids })),
  fc.record({ tenant: fc.constantFrom('t1', 't2'), limits: fc.record({ nodes: fc.integer({ min: 0, max: 10 }) }) }).map((c) => ({ op: 'quota' as const, ...c })),
);
const command = fc.tuple(mutating, fc.boolean()).map(([c, dry]) => (dry && c.op !== 'quota' ? { ...c, dryRun: true } : c));

describe('the Docklet report: the log follows the manager', () => {
  it('on random sequences its share in use after each command is the hosts\' Σ use / Σ capacity', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 30 }), (commands) => {
        using vc = manager('reference', sameHosts(3, 8, 16));
        const log = new DockletCommandLog(vc.snapshot());
        const want: { cpu: (number | null)[]; mem: (number | null)[] } = { cpu: [], mem: [] };
        const note = () => {
          const hosts = vc.hosts();
          const sum = (f: (h: (typeof hosts)[number]) => number) => hosts.reduce((s, h) => s + f(h), 0);
          want.cpu.push(hosts.length ? sum((h) => h.used.cpu) / sum((h) => h.cpu) : null);
          want.mem.push(hosts.length ? sum((h) => h.used.mem) / sum((h) => h.mem) : null);
        };
        note();
        for (const c of commands) {
          log.record(c, vc.apply(c));
          note();
        }
        const got = log.summary().use;
        for (const d of ['cpu', 'mem'] as const) {
          expect(got[d].map((v) => v === null)).toEqual(want[d].map((v) => v === null));
          got[d].forEach((v, i) => expect(Math.abs(v! - want[d][i]!), `${d} after command ${i}`).toBeLessThan(1e-12));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a log started from a restored manager\'s snapshot starts at its use', () => {
    const { snapshot } = run('wasm', 3);
    using vc = VirtualClusters.restore(snapshot);
    const log = new DockletCommandLog(vc.snapshot());
    log.record({ op: 'delete', name: 'web' }, vc.apply({ op: 'delete', name: 'web' }));
    expect(log.summary().use).toEqual({ cpu: [12 / 20, 6 / 20], mem: [19 / 40, 16 / 40] });
  });
});

describe('the Docklet report: the same commands, the same page', () => {
  it('byte for byte, on either engine', () => {
    const pages = ENGINES.flatMap((e) => [0, 1].map(() => {
      const { snapshot, log } = run(e);
      return renderClustersHtml(snapshot, { log, input: 'commands.jsonl' });
    }));
    expect(new Set(pages).size).toBe(1);
    // The page holds the data it draws (a change of the state changes it).
    const { snapshot, log } = run('wasm', 10);
    expect(renderClustersHtml(snapshot, { log, input: 'commands.jsonl' })).not.toBe(pages[0]);
  });
});

describe('the Docklet report: bad input', () => {
  it('a snapshot restore refuses, an unknown option, a log that is none, an answer that is none: refused naming it', () => {
    const { snapshot, log } = run('wasm', 3);
    const bad = structuredClone(snapshot);
    bad.clusters[0]!.members[0]!.host = 'nowhere';
    expect(() => clustersReport(bad)).toThrow(expect.objectContaining({ code: 'CORRUPT_INPUT', details: expect.objectContaining({ field: 'snapshot.clusters[0].members[0].host' }) }));
    expect(() => renderClustersHtml(null as never)).toThrow(expect.objectContaining({ code: 'CORRUPT_INPUT' }));
    expect(() => clustersReport(snapshot, { logs: log } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'logs' } }));
    expect(() => clustersReport(snapshot, { log: log.summary() } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'log' } }));
    expect(() => log.record({ op: 'list' }, 'ok' as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'answer' } }));
    expect(() => new DockletCommandLog({ format: 'x' } as never)).toThrow(expect.objectContaining({ code: 'CORRUPT_INPUT' }));
  });

  it('a path that cannot be written: OUTPUT_ERROR naming it', () => {
    const { snapshot } = run('wasm', 3);
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    expect(() => writeClustersHtml(folder, snapshot)).toThrow(expect.objectContaining({ code: 'OUTPUT_ERROR', message: expect.stringContaining(folder) }));
  });
});
