/**
 * The `fairfit clusters-replay` HTML page in headless Chromium: it loads without console errors and
 * shows both placement rules, a bar chart per metric (or its note when 0 for both) and the load and
 * queue over time, with titles and axes in words; an interrupted report says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { durationUnit } from '../../src/report/html.ts';
import { CLUSTERS_REPLAY_COLUMNS, clustersReplayPage, writeClustersReplayHtml } from '../../src/systems/docklet/clusters-replay-report.ts';
import { replayClusters } from '../../src/systems/docklet/trace-replay.ts';
import { CHROMIUM, expectedCharts, haveChromium, openReport } from './chromium.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped.
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-vcreplay-html-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
if (!haveChromium) console.warn(`skipped: no headless Chromium at ${CHROMIUM}`);

describe.skipIf(!haveChromium)('the clusters-replay report page in headless Chromium', () => {
  it('loads without console errors and shows spread and pack, a chart per metric and the load and queue over time', async () => {
    // A heavy load on few machines: gangs wait under both rules, so every chart has something to draw.
    const trace = join(dir, 'trace');
    await generateTrace({ machines: 25, tasks: 6000, days: 0.1, seed: 9, out: trace, usage: false });
    const report = await replayClusters(trace, { sampleSeconds: 200 });
    const file = join(dir, 'clusters-replay.html');
    writeClustersReplayHtml(file, report);
    const page = await openReport(file);
    expect(page.errors).toEqual([]);
    const data = clustersReplayPage(report);
    const want = expectedCharts(data);
    expect(page.charts).toBe(want.charts);
    // 12 metrics and 7 series; on this trace every one has a non-zero value (stranded cpu included).
    expect(want.charts).toBe(19);
    for (const c of page.canvases) expect(c.inked).toBeGreaterThan(0);
    expect(page.title).toBe('fairfit — Docklet spread vs pack — trace: 25 hosts');
    for (const a of ['spread', 'pack', 'Gangs waiting in the queue, every 200 s', `${Math.round(report.trace.end)} s of trace time`]) expect(page.text).toContain(a);
    // The over-time charts' x axis: hours since the window start.
    const waiting = page.axes.find((a) => a.card.startsWith('Gangs waiting in the queue'))!;
    expect(waiting.xTitle).toBe('hours since the window start');
    expect(waiting.yMax).toBeGreaterThanOrEqual(Math.max(...report.runs.flatMap((x) => x.series.waiting)));
    const titles = page.axes.map((a) => a.yTitle);
    const wait = durationUnit(report.runs.map((x) => x.meanWait)).unit;
    expect(titles).toEqual(expect.arrayContaining(['gangs waiting', 'cpu share in use', `mean wait (${wait})`, 'stranded share of free mem']));
    for (const a of page.axes) expect(a.yTitleFits, a.yTitle).toBe(true);
    // Headers in words; no camelCase key of the JSON is on the page.
    for (const k of CLUSTERS_REPLAY_COLUMNS) {
      expect(page.text).toContain(k.axis);
      expect(page.text).not.toContain(k.key);
    }
  }, 60_000);

  it('an interrupted replay: the page says so and shows the rule that finished', async () => {
    const trace = join(dir, 'trace');
    const stop = new AbortController();
    // Aborted once the first rule is done: the second is not run.
    const report = await replayClusters(trace, { sampleSeconds: 200, onProgress: (done) => { if (done >= 1) stop.abort(); }, signal: stop.signal });
    expect(report.interrupted).toBe(true);
    expect(report.runs.map((x) => x.placement)).toEqual(['spread']);
    const file = join(dir, 'interrupted.html');
    writeClustersReplayHtml(file, report);
    const page = await openReport(file);
    expect(page.errors).toEqual([]);
    expect(page.text).toContain('INTERRUPTED — only the finished placements are shown');
    expect(page.charts).toBe(expectedCharts(clustersReplayPage(report)).charts);
  }, 60_000);
});
