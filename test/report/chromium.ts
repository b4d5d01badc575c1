/**
 * Opens an HTML report in Debian's headless Chromium (playwright-core) and
 * collects what the report test checks: console errors, page errors, canvases
 * with their count of non-blank pixels, and optionally a screenshot.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { renderPage, type ComparisonPage } from '../../src/report/html.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

export interface PageCheck {
  errors: string[];
  charts: number;
  canvases: { width: number; height: number; inked: number }[];
  /** Per chart (canvas order): the card title, the y axis (title, whether it fits, range, tick labels). */
  axes: ChartAxes[];
  title: string;
  text: string;
}

export interface ChartAxes {
  card: string;
  yTitle: string;
  /** The rotated y title lies between the top of the canvas and the bottom of the x axis (not clipped, not over the legend). */
  yTitleFits: boolean;
  yMin: number;
  yMax: number;
  yTicks: string[];
  /** The x axis's title. */
  xTitle: string;
  /** The x axis's tick labels. */
  xTicks: string[];
  /** Non-blank pixels above the plot area, between its left and right edges (where only a stray whisker could draw). */
  inkAbovePlot: number;
  /** Every end of a ±1 sd whisker drawn (datasets with `sd`), with the ink where its cap and where an arrowhead would be. */
  whiskerEnds: WhiskerEnd[];
}

/**
 * One whisker end, found from the chart's data and scales (not from the plugin): `clipped` when it lies
 * beyond the plot area. `cap`: non-blank pixels 2 px left and right of the whisker on the end's rows (a
 * cap is 3 px each side; the whisker itself is 1 px wide). `arrow`: the same two columns 4–5 px inside
 * the end (at the plot's edge for a clipped end), where an arrowhead 6 px deep and 8 px wide is inked
 * and a capped end is blank. Any ink counts (grid lines too): a test keeps its capped ends off the grid.
 */
export interface WhiskerEnd {
  dataset: number;
  point: number;
  end: 'top' | 'bottom';
  clipped: boolean;
  /** The whisker is at least 4 px inside the plot's left and right edges (its cap or arrowhead is whole). */
  whole: boolean;
  cap: number;
  arrow: number;
}

export async function openReport(file: string, screenshot?: string, viewportWidth = 1400): Promise<PageCheck> {
  return withReport(file, async (page, errors) => {
    const charts = Number(await page.evaluate(() => document.documentElement.getAttribute('data-charts')));
    // One pass, one pixel readback per canvas (a second one makes Chromium warn about readbacks).
    const drawn = await page.evaluate(() =>
      Array.from(document.querySelectorAll('canvas'), (c) => {
        const ctx = c.getContext('2d')!;
        const px = ctx.getImageData(0, 0, c.width, c.height).data;
        let inked = 0;
        // Chart.js leaves the background transparent: any alpha > 0 is something drawn.
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) inked++;
        // The Chart.js UMD bundle's global (its chart objects are not typed here).
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const Chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): any; defaults: { font: { family: string } } } }).Chart;
        const chart = Chart.getChart(c);
        const y = chart.scales.y;
        const x = chart.scales.x;
        const t = y.options.title;
        ctx.save();
        ctx.font = `${t.font?.weight ?? 'bold'} ${t.font?.size ?? 12}px ${t.font?.family ?? Chart.defaults.font.family}`;
        const half = ctx.measureText(String(t.text)).width / 2;
        ctx.restore();
        const mid = (y.top + y.bottom) / 2;
        const area = chart.chartArea;
        const r = chart.currentDevicePixelRatio;
        let inkAbovePlot = 0;
        for (let row = 0; row < Math.floor((area.top - 5) * r); row++) {
          for (let col = Math.ceil(area.left * r); col < Math.floor(area.right * r); col++) if (px[(row * c.width + col) * 4 + 3]! > 0) inkAbovePlot++;
        }
        const alpha = (col: number, row: number): number => (col >= 0 && col < c.width && row >= 0 && row < c.height ? px[(row * c.width + col) * 4 + 3]! : 0);
        const inkAt = (x: number, rows: number[]): number => {
          let n = 0;
          for (const row of rows) for (const col of [Math.round(x * r) - 2 * r, Math.round(x * r) + 2 * r]) if (alpha(col, row) > 0) n++;
          return n;
        };
        const whiskerEnds: WhiskerEnd[] = [];
        chart.data.datasets.forEach((ds: { data: (number | null)[]; sd?: (number | null)[] }, i: number) => {
          if (!ds.sd || !chart.isDatasetVisible(i)) return;
          chart.getDatasetMeta(i).data.forEach((pt: { x: number }, j: number) => {
            const m = ds.data[j];
            const d = ds.sd![j];
            if (m === null || m === undefined || d === null || d === undefined || !(d > 0)) return;
            for (const end of ['top', 'bottom'] as const) {
              const py = y.getPixelForValue(end === 'top' ? m + d : m - d);
              const clipped = end === 'top' ? py < area.top : py > area.bottom;
              const at = clipped ? (end === 'top' ? area.top : area.bottom) : py;
              const inward = end === 'top' ? 1 : -1;
              const row = Math.floor(at * r);
              whiskerEnds.push({
                dataset: i,
                point: j,
                end,
                clipped,
                whole: pt.x - 4 >= area.left && pt.x + 4 <= area.right,
                cap: inkAt(pt.x, [row - 1, row, row + 1]),
                arrow: inkAt(pt.x, inward === 1 ? [row + 4 * r, row + 5 * r] : [row - 5 * r, row - 4 * r]),
              });
            }
          });
        });
        const axes: ChartAxes = {
          card: c.closest('.card')?.querySelector('h3')?.textContent ?? '',
          yTitle: String(t.text),
          yTitleFits: mid - half >= 0 && mid + half <= x.bottom,
          yMin: y.min,
          yMax: y.max,
          yTicks: y.ticks.map((k: { label: unknown }) => String(k.label)),
          xTitle: String(x.options.title.text),
          xTicks: x.ticks.map((k: { label: unknown }) => String(k.label)),
          inkAbovePlot,
          whiskerEnds,
        };
        return { canvas: { width: c.width, height: c.height, inked }, axes };
      }),
    );
    const canvases = drawn.map((d) => d.canvas);
    const axes = drawn.map((d) => d.axes);
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return { errors, charts, canvases, axes, title: await page.title(), text: await page.evaluate(() => document.body.innerText) };
  }, viewportWidth);
}

/** What a report page should draw: a chart per column, series and sweep chart that is not 0 everywhere, a note for each that is. */
export function expectedCharts(d: {
  metrics: { label: string; zeroNote?: string }[];
  summary: { values: (number | null)[] }[];
  series: { label: string; zeroNote?: string; lines: { y: (number | null)[] }[] }[];
  sweep: { label: string; zeroNote?: string; lines: { y: (number | null)[] }[] }[];
}): { charts: number; notes: string[] } {
  const zero = (v: number | null) => v === 0 || v === null;
  const notes: string[] = [];
  let charts = 0;
  d.metrics.forEach((m, j) => {
    if (d.summary.every((s) => zero(s.values[j] ?? null))) notes.push(m.zeroNote ?? `${m.label} is 0 throughout`);
    else charts++;
  });
  for (const s of [...d.series, ...d.sweep]) {
    if (s.lines.every((l) => l.y.every(zero))) notes.push(s.zeroNote ?? `${s.label} is 0 throughout`);
    else charts++;
  }
  return { charts, notes };
}

/** What the sweep section shows now: its selects (with their labels and options) and each sweep card (chart or note). */
export interface SweepView {
  /** The page's `data-charts`: charts drawn and not since replaced. */
  charts: number;
  /** The hold controls shown (their container is not hidden). */
  holdShown: boolean;
  selects: { id: string; param: string; label: string; options: string[]; value: string }[];
  /** Each card of the sweep grid in order: its title, and for a chart each dataset's label, data, sd and drawn point positions (px). */
  cards: { title: string; note?: string; datasets?: { label: string; data: (number | null)[]; sd?: (number | null)[]; points: [number, number][] }[] }[];
}

/** Reads the sweep section of a loaded report page from the DOM and Chart.js's state (no pixel readback). */
export async function sweepView(page: Page): Promise<SweepView> {
  return page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const Chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart;
    const hold = document.getElementById('sweep-hold');
    return {
      charts: Number(document.documentElement.getAttribute('data-charts')),
      holdShown: hold !== null && !hold.hidden,
      selects: Array.from(document.querySelectorAll('select'), (s) => ({
        id: s.id,
        param: s.getAttribute('data-param') ?? '',
        label: Array.from(s.labels ?? [], (l) => l.textContent ?? '').join(' '),
        options: Array.from(s.options, (o) => o.textContent ?? ''),
        value: s.value,
      })),
      cards: Array.from(document.querySelectorAll('#sweep > .card'), (card) => {
        const title = card.querySelector('h3')?.textContent ?? '';
        const canvas = card.querySelector('canvas');
        if (!canvas) return { title, note: card.querySelector('p')?.textContent ?? '' };
        const chart = Chart.getChart(canvas);
        return {
          title,
          datasets: chart.data.datasets.map((ds: { label: string; data: (number | null)[]; sd?: (number | null)[] }, i: number) => ({
            label: ds.label,
            data: [...ds.data],
            ...(ds.sd ? { sd: [...ds.sd] } : {}),
            points: chart.getDatasetMeta(i).data.map((p: { x: number; y: number }) => [Math.round(p.x * 100) / 100, Math.round(p.y * 100) / 100]),
          })),
        };
      }),
    };
  });
}

/** Opens a report in headless Chromium, waits for its charts, and hands the page to `act` (errors: console errors and warnings, page errors, failed requests so far). */
export async function withReport<T>(file: string, act: (page: Page, errors: string[]) => Promise<T>, viewportWidth = 1400): Promise<T> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: viewportWidth, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => errors.push(`requestfailed: ${r.url()}`));
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => document.documentElement.hasAttribute('data-charts'), undefined, { timeout: 20_000 });
    return await act(page, errors);
  } finally {
    await browser.close();
  }
}

/**
 * The tooltip lines of chart points, as a reader hovering them sees them: each point is
 * [a CSS selector of canvases, which of them, dataset index, point index]; its lines joined by ' | '.
 */
export function tooltips(page: Page, points: [selector: string, nth: number, dataset: number, index: number][]): Promise<string[]> {
  return page.evaluate((pts) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const Chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart;
    return pts.map(([selector, nth, datasetIndex, index]) => {
      const canvases = Array.from(document.querySelectorAll<HTMLCanvasElement>(selector));
      const chart = Chart.getChart(canvases.at(nth)!);
      const el = chart.getDatasetMeta(datasetIndex).data[index];
      chart.tooltip.setActiveElements([{ datasetIndex, index }], { x: el.x, y: el.y });
      chart.update();
      return chart.tooltip.body.flatMap((b: { lines: string[] }) => b.lines).join(' | ');
    });
  }, points);
}

/** {@link withReport} of `page` as renderPage writes it (policies, time in hours), from a scratch folder removed after. */
export async function withPage<T>(page: ComparisonPage, act: (page: Page, errors: string[]) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'fairfit-page-'));
  try {
    const file = join(dir, 'page.html');
    writeFileSync(file, renderPage(page, { variant: 'policy', timeAxis: 'hours' }));
    return await withReport(file, act);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
