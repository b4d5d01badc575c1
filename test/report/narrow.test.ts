/**
 * The report pages on a 420 px phone screen, in headless Chromium: the page
 * does not scroll sideways (charts fit the width, a wide table scrolls inside
 * its own box, a fact's word breaks only when longer than its line), for each
 * kind of page the CLI writes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHtml } from '../../src/systems/giantvm/html-report.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';
import { sweep } from '../../src/systems/giantvm/sweep-api.ts';
import { scheduleLog } from '../../src/systems/iptas/schedule-log.ts';
import { writeScheduleHtml } from '../../src/systems/iptas/schedule-report.ts';
import { writeRebalanceHtml, type RebalanceReport } from '../../src/systems/crs/rebalance-report.ts';
import { readScenario } from '../../src/systems/crs/scenario-schema.ts';
import { generateTrace } from '../../src/io/generate.ts';
import { writeClustersReplayHtml } from '../../src/systems/docklet/clusters-replay-report.ts';
import { replayClusters } from '../../src/systems/docklet/trace-replay.ts';
import { runScenario } from '../../src/systems/crs/scenario-run.ts';
import { seededInput } from '../giantvm/input.ts';
import { swfText } from '../swf-log.ts';
import { CHROMIUM, haveChromium, withReport } from './chromium.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped.
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-narrow-html-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
if (!haveChromium) console.warn(`skipped: no headless Chromium at ${CHROMIUM}`);

/** What a page measures at its viewport: the document's width, the canvases' right edge, each table's width and its box's, the facts' words broken needlessly. */
async function measure(file: string, width: number) {
  return withReport(
    file,
    async (page, errors) => ({
      errors,
      ...(await page.evaluate(() => ({
        inner: window.innerWidth,
        scroll: document.documentElement.scrollWidth,
        canvasRight: Math.max(...Array.from(document.querySelectorAll('canvas'), (c) => c.getBoundingClientRect().right)),
        tables: Array.from(document.querySelectorAll('table'), (t) => ({
          id: t.id,
          table: t.scrollWidth,
          box: t.parentElement!.clientWidth,
          scrolls: getComputedStyle(t.parentElement!).overflowX,
          // The box's cue of more table beyond each side (the page script's classes, faded by the CSS).
          cue: ['more-left', 'more-right'].filter((c) => t.parentElement!.classList.contains(c)),
          fade: getComputedStyle(t.parentElement!).maskImage,
        })),
        titleLines: (() => {
          const h1 = document.querySelector('h1')!;
          return Math.round(h1.getBoundingClientRect().height / parseFloat(getComputedStyle(h1).lineHeight));
        })(),
        // Words of the facts split over two lines though they would fit the line whole.
        brokenWords: Array.from(document.querySelectorAll('dd')).flatMap((dd) => {
          const t = dd.firstChild;
          if (!t || t.nodeType !== Node.TEXT_NODE) return [];
          const out: string[] = [];
          for (const m of (t.textContent ?? '').matchAll(/\S+/g)) {
            const r = document.createRange();
            r.setStart(t, m.index!);
            r.setEnd(t, m.index! + m[0].length);
            const rects = Array.from(r.getClientRects()).filter((x) => x.width > 0);
            const width = rects.reduce((a, x) => a + x.width, 0);
            if (new Set(rects.map((x) => Math.round(x.top))).size > 1 && width <= dd.clientWidth) out.push(m[0]);
          }
          return out;
        }),
      }))),
    }),
    width,
  );
}

describe.skipIf(!haveChromium)('the report pages at 420 px wide', () => {
  it('replay, sweep, schedule, rebalance and clusters-replay pages are no wider than the screen: charts shrink, wide tables scroll in their own box', async () => {
    const files: Record<string, string> = {};
    const input = seededInput(11, 400, 2);
    files.replay = join(dir, 'replay.html');
    writeHtml(files.replay, await replay({ trace: input, machines: 24, usage: 'request' }));
    files.sweep = join(dir, 'sweep.html');
    writeHtml(files.sweep, await sweep({ trace: input, machines: [16, 24], overcommit: [0.8, 1.2], policies: ['no_migration', 'fine_grained'], usage: 'synthetic', series: false }));
    const log = join(dir, 'log.swf');
    writeFileSync(log, swfText(120));
    files.schedule = join(dir, 'schedule.html');
    writeScheduleHtml(files.schedule, await scheduleLog({ trace: log, nodes: 8 }));
    const scenario = readScenario(fileURLToPath(new URL('../../examples/crs-campus.json', import.meta.url)));
    const report: RebalanceReport = { input: 'examples/crs-campus.json', description: scenario.description ?? '', hosts: 7, vms: scenario.vms.length, courses: 7, periods: 0, runs: runScenario(scenario) };
    files.rebalance = join(dir, 'rebalance.html');
    writeRebalanceHtml(files.rebalance, scenario, report);
    const google = join(dir, 'google');
    await generateTrace({ machines: 25, tasks: 2000, days: 0.05, seed: 9, out: google, usage: false });
    files.clustersReplay = join(dir, 'clusters-replay.html');
    writeClustersReplayHtml(files.clustersReplay, await replayClusters(google, { sampleSeconds: 200 }));
    const got: Record<string, Awaited<ReturnType<typeof measure>>> = {};
    for (const [kind, file] of Object.entries(files)) got[kind] = await measure(file, 420);
    // Each page's document width: the screen's (before, 749 px for the replay page … 1192 for the schedule page).
    expect(Object.fromEntries(Object.entries(got).map(([kind, m]) => [kind, m.scroll]))).toEqual({ replay: 420, sweep: 420, schedule: 420, rebalance: 420, clustersReplay: 420 });
    for (const [kind, m] of Object.entries(got)) {
      expect(m.inner, kind).toBe(420);
      expect(m.errors, kind).toEqual([]);
      expect(m.canvasRight, kind).toBeLessThanOrEqual(m.inner);
      // A word breaks only when it is longer than its line ("coarse_g / rained" broke anywhere).
      expect({ kind, broken: m.brokenWords }).toEqual({ kind, broken: [] });
      for (const t of m.tables) expect({ kind, ...t, scrolls: t.table > t.box ? t.scrolls : 'fits' }).toMatchObject({ scrolls: t.table > t.box ? 'auto' : 'fits' });
      // The metrics table is wider than a phone: it is kept whole and scrolls (not squeezed or cut),
      // and its box fades at the right, where the rest of it is (a phone shows no scrollbar).
      const summary = m.tables.find((t) => t.id === 'summary')!;
      expect(summary.table, kind).toBeGreaterThan(summary.box);
      expect(summary.cue, kind).toEqual(['more-right']);
      expect(summary.fade, kind).toContain('linear-gradient');
      // The title takes at most 3 lines (3 to 5 at the desktop's 22 px).
      expect(m.titleLines, kind).toBeLessThanOrEqual(3);
    }
    // Scrolled to its end, the box fades at the left only; halfway, at both sides.
    const scrolled = await withReport(files.sweep!, async (page) => {
      const at = async (where: 'half' | 'end') => {
        await page.evaluate((w) => {
          const box = document.getElementById('summary')!.parentElement!;
          box.scrollLeft = w === 'end' ? box.scrollWidth : (box.scrollWidth - box.clientWidth) / 2;
        }, where);
        await page.waitForFunction((w) => {
          const c = document.getElementById('summary')!.parentElement!.classList;
          return c.contains('more-left') && c.contains('more-right') === (w === 'half');
        }, where, { timeout: 5_000 });
        return page.evaluate(() => Array.from(document.getElementById('summary')!.parentElement!.classList, String).filter((c) => c.startsWith('more-')).sort());
      };
      return { half: await at('half'), end: await at('end') };
    }, 420);
    expect(scrolled).toEqual({ half: ['more-left', 'more-right'], end: ['more-left'] });
    // A table that fits has no cue: the desktop width.
    const wide = await measure(files.replay!, 1400);
    for (const t of wide.tables) if (t.table <= t.box) expect({ id: t.id, cue: t.cue }).toEqual({ id: t.id, cue: [] });
    expect(wide.tables.find((t) => t.id === 'summary')!.cue).toEqual([]);
  }, 120_000);
});
