/**
 * The `fairfit schedule` HTML page in headless Chromium: it loads without
 * console errors and shows the three algorithms, a bar chart per metric and
 * the over-time charts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durationUnit } from '../../src/report/html.ts';
import { Rng } from '../../src/rng.ts';
import { scheduleLog } from '../../src/systems/iptas/schedule-log.ts';
import { SCHEDULE_AXES, SCHEDULE_COLUMNS, schedulePage, writeScheduleHtml } from '../../src/systems/iptas/schedule-report.ts';
import { CHROMIUM, expectedCharts, haveChromium, openReport } from './chromium.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (no Chromium, or a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-schedule-html-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
if (!haveChromium) console.warn(`skipped: no headless Chromium at ${CHROMIUM}`);

describe.skipIf(!haveChromium)('the schedule report page in headless Chromium', () => {
  it('loads without console errors and shows iptas, fcfs and easy', async () => {
    const r = new Rng(2);
    const lines = ['; MaxProcs: 8'];
    for (let j = 1, t = 0; j <= 200; j++) {
      t += r.below(60);
      const run = 1 + r.below(900);
      lines.push([j, t, 0, run, 1 << r.below(3), -1, -1, -1, run * 2, -1, 1, 1 + r.below(4), -1, -1, -1, -1, -1, -1].join(' '));
    }
    const log = join(dir, 'log.swf.gz');
    writeFileSync(log, gzipSync(lines.join('\n')));
    const report = await scheduleLog({ trace: log, nodes: 8 });
    const file = join(dir, 'schedule.html');
    writeScheduleHtml(file, report);
    const page = await openReport(file);
    expect(page.errors).toEqual([]);
    const want = expectedCharts(schedulePage(report));
    expect(page.charts).toBe(want.charts);
    for (const n of want.notes) expect(page.text).toContain(n);
    for (const c of page.canvases) expect(c.inked).toBeGreaterThan(0);
    for (const a of ['iptas', 'fcfs', 'easy']) expect(page.text).toContain(a);
    expect(page.text).toContain('8 nodes × 1 processor');
    // Headers and y axes in words with units (they read throughputPerHour, meanWait…), each title whole beside its plot.
    for (const k of SCHEDULE_COLUMNS) {
      expect(page.text).toContain(SCHEDULE_AXES[k]);
      // A camelCase key (throughputPerHour) is nowhere on the page; utilisation, makespan and killed are words anyway.
      if (/[A-Z]/.test(k)) expect(page.text).not.toContain(k);
    }
    const titles = page.axes.map((a) => a.yTitle);
    // The mean wait's axis in the unit its range calls for (the table's header keeps seconds).
    const wait = durationUnit(report.runs.map((x) => x.metrics.meanWait)).unit;
    expect(titles).toEqual(expect.arrayContaining(['throughput (jobs/h)', `mean wait (${wait})`, 'utilisation (busy share)', 'jobs waiting']));
    for (const a of page.axes) expect(a.yTitleFits, a.yTitle).toBe(true);
    // The makespan (hours of seconds) is drawn in the unit its range calls for, not in seconds; the table keeps the seconds.
    const makespans = report.runs.map((x) => x.metrics.makespan);
    const unit = durationUnit(makespans);
    expect(unit.unit).not.toBe('s');
    const chart = page.axes.find((a) => a.card.startsWith('Makespan'))!;
    expect(chart.yTitle).toBe(`makespan (${unit.unit})`);
    expect(chart.yMax).toBeGreaterThanOrEqual(Math.max(...makespans) / unit.seconds);
    expect(chart.yMax).toBeLessThan((2 * Math.max(...makespans)) / unit.seconds);
    expect(page.text).toContain('makespan (s)');
    expect(page.text).toContain(String(makespans[0]));
  }, 60_000);
});
