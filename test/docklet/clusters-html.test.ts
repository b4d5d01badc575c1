/**
 * The Docklet report page in headless Chromium: it loads without console errors and draws the hosts'
 * cpu and mem stacked by tenant and the share in use over the commands (each y title whole, command
 * ticks whole); a stacked bar's tooltip lists the tenants on that host only; at 420 px the page does
 * not scroll sideways (wide tables scroll in their box and fade where more of them is); past 200
 * hosts it draws the sorted use; an empty manager gets sentences, not empty axes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockletCommandLog, MAX_HOST_BARS, writeClustersHtml } from '../../src/systems/docklet/clusters-report.ts';
import { VirtualClusters } from '../../src/systems/docklet/virtual-clusters.ts';
import { CHROMIUM, haveChromium, openReport, withReport } from '../report/chromium.ts';
import { sameHosts } from './helpers.ts';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-clusters-html-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const COMMANDS: unknown[] = [
  { op: 'quota', tenant: 'acme', limits: { nodes: 6, cpu: 10 } },
  { op: 'create', name: 'web', tenant: 'acme', nodes: 4, demand: { cpu: 2, mem: 4 } },
  { op: 'create', name: 'db', tenant: 'beta', nodes: 2, demand: { cpu: 4, mem: 16 }, placement: 'pack' },
  { op: 'scale', name: 'web', nodes: 8 },
  { op: 'create', name: 'big', tenant: 'beta', nodes: 3, demand: { cpu: 9, mem: 1 } },
  { op: 'create', name: 'batch-with-a-rather-long-name', tenant: 'gamma-research-group', nodes: 3, demand: { cpu: 1, mem: 2 } },
  { op: 'stop', name: 'batch-with-a-rather-long-name' },
  { op: 'scale', name: 'web', nodes: 5 },
];

/** The page of COMMANDS on three hosts (h3 twice the size), written to `name`. */
function workedPage(name: string): string {
  using vc = new VirtualClusters({ hosts: [{ id: 'h1', cpu: 8, mem: 32 }, { id: 'h2', cpu: 8, mem: 32 }, { id: 'h3', cpu: 16, mem: 64 }] });
  const log = new DockletCommandLog(vc.snapshot());
  COMMANDS.forEach((c, i) => log.record(c, vc.apply(c), i + 1));
  const file = join(dir, name);
  writeClustersHtml(file, vc.snapshot(), { log, input: 'commands.jsonl' });
  return file;
}

if (!haveChromium && !process.env.CI) console.warn(`skipped: no headless Chromium at ${CHROMIUM} (CI installs it and fails without it)`);

describe.skipIf(!haveChromium && !process.env.CI)('the Docklet report page in headless Chromium', () => {
  it('draws the host charts and the use over the commands without errors; a stacked bar\'s tooltip lists its tenants', async () => {
    const file = workedPage('worked.html');
    const page = await openReport(file);
    expect(page.errors).toEqual([]);
    // Two host charts (cpu, mem) and the share over the commands.
    expect(page.charts).toBe(3);
    expect(page.canvases).toHaveLength(3);
    for (const c of page.canvases) expect(c.inked).toBeGreaterThan(2000);
    expect(page.title).toBe('fairfit — Docklet virtual clusters — commands.jsonl: 3 hosts, 3 tenants, 3 clusters');
    for (const a of page.axes) expect(a.yTitleFits, a.yTitle).toBe(true);
    const [cpu, , over] = page.axes;
    expect(cpu!.xTicks).toEqual(['h1', 'h2', 'h3']);
    expect([cpu!.yMin, cpu!.yMax]).toEqual([0, 1]);
    expect(over!.xTitle).toBe('command');
    for (const t of over!.xTicks) expect(Number.isInteger(Number(t)), t).toBe(true);
    for (const s of ['Summary', 'Tenants', 'Clusters', 'Refused commands', '8: 6 accepted, 2 refused (NO_FIT 1, QUOTA_EXCEEDED 1)', '5 of 6 (83.33 %)']) expect(page.text).toContain(s);
    // Hovering a host: every tenant with a part of it, none without (h3 holds web members only).
    const lines = await withReport(file, (p) => p.evaluate(() => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const Chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart;
      const chart = Chart.getChart(document.querySelectorAll('canvas')[0]!);
      return [0, 2].map((index) => {
        const active = chart.data.datasets.map((_: unknown, datasetIndex: number) => ({ datasetIndex, index }));
        const el = chart.getDatasetMeta(0).data[index];
        chart.tooltip.setActiveElements(active, { x: el.x, y: el.y });
        chart.update();
        return chart.tooltip.body.flatMap((b: { lines: string[] }) => b.lines).join(' | ');
      });
    }));
    // h1: web#1 and web#4 (2 × 2 of its 8 cpu) and db#0 (4): acme 0.5, beta 0.5; h3: web#0 and web#3 (2 × 2 of 16).
    // acme first: it holds the most cpu (10 against 8).
    expect(lines).toEqual(['acme: 0.5 | beta: 0.5', 'acme: 0.25']);
  }, 60_000);

  it('at 420 px wide: no sideways scroll of the page; wide tables scroll in their box and fade at the right', async () => {
    const file = workedPage('narrow.html');
    const m = await withReport(file, async (page, errors) => ({
      errors,
      ...(await page.evaluate(() => ({
        inner: window.innerWidth,
        scroll: document.documentElement.scrollWidth,
        canvasRight: Math.max(...Array.from(document.querySelectorAll('canvas'), (c) => c.getBoundingClientRect().right)),
        tables: Array.from(document.querySelectorAll('table'), (t) => ({
          id: t.id,
          wider: t.scrollWidth > t.parentElement!.clientWidth,
          scrolls: getComputedStyle(t.parentElement!).overflowX,
          cue: ['more-left', 'more-right'].filter((c) => t.parentElement!.classList.contains(c)),
        })),
        titleLines: (() => {
          const h1 = document.querySelector('h1')!;
          return Math.round(h1.getBoundingClientRect().height / parseFloat(getComputedStyle(h1).lineHeight));
        })(),
      }))),
    }), 420);
    expect(m.errors).toEqual([]);
    expect([m.inner, m.scroll]).toEqual([420, 420]);
    expect(m.canvasRight).toBeLessThanOrEqual(420);
    expect(m.titleLines).toBeLessThanOrEqual(3);
    expect(m.tables.map((t) => t.id)).toEqual(['tenants', 'clusters', 'refused']);
    for (const t of m.tables) {
      expect(t.scrolls, t.id).toBe('auto');
      expect(t.cue, t.id).toEqual(t.wider ? ['more-right'] : []);
    }
    // The tenant table (9 columns) and the refusals (messages kept 18em wide) do not fit a phone.
    expect(m.tables.filter((t) => t.wider).map((t) => t.id)).toEqual(expect.arrayContaining(['tenants', 'refused']));
  }, 60_000);

  it(`past ${MAX_HOST_BARS} hosts, the sorted use; an empty manager, sentences instead of empty charts`, async () => {
    using big = new VirtualClusters({ hosts: sameHosts(MAX_HOST_BARS + 50, 4, 8) });
    big.create({ name: 'w', tenant: 't', nodes: 120, demand: { cpu: 1, mem: 3 } });
    const file = join(dir, 'big.html');
    writeClustersHtml(file, big.snapshot());
    const page = await openReport(file);
    expect(page.errors).toEqual([]);
    expect(page.charts).toBe(1);
    expect(page.axes[0]!.xTitle).toBe('host rank (1 = most used)');
    expect(page.text).toContain(`${MAX_HOST_BARS + 50} hosts: more than ${MAX_HOST_BARS}, too many to draw a bar each`);

    using empty = new VirtualClusters({ hosts: sameHosts(2) });
    const log = new DockletCommandLog(empty.snapshot());
    const none = join(dir, 'empty.html');
    writeClustersHtml(none, empty.snapshot(), { log });
    const e = await openReport(none);
    expect(e.errors).toEqual([]);
    expect(e.charts).toBe(0);
    expect(e.text.match(/No member is placed: every host is empty\./g)).toHaveLength(2);
    expect(e.text).toContain('none was given');
  }, 60_000);
});
