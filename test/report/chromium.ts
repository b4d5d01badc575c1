/**
 * Opens an HTML report in Debian's headless Chromium (playwright-core) and
 * collects what the report test checks: console errors, page errors, canvases
 * with their count of non-blank pixels, and optionally a screenshot.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

export interface PageCheck {
  errors: string[];
  charts: number;
  canvases: { width: number; height: number; inked: number }[];
  title: string;
  text: string;
}

export async function openReport(file: string, screenshot?: string): Promise<PageCheck> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => errors.push(`requestfailed: ${r.url()}`));
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => document.documentElement.hasAttribute('data-charts'), undefined, { timeout: 20_000 });
    const charts = Number(await page.evaluate(() => document.documentElement.getAttribute('data-charts')));
    const canvases = await page.evaluate(() =>
      [...document.querySelectorAll('canvas')].map((c) => {
        const ctx = c.getContext('2d')!;
        const px = ctx.getImageData(0, 0, c.width, c.height).data;
        let inked = 0;
        // Chart.js leaves the background transparent: any alpha > 0 is something drawn.
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) inked++;
        return { width: c.width, height: c.height, inked };
      }),
    );
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return { errors, charts, canvases, title: await page.title(), text: await page.evaluate(() => document.body.innerText) };
  } finally {
    await browser.close();
  }
}

/** What a report page should draw: a chart per column and series that is not 0 everywhere, a note for each that is. */
export function expectedCharts(d: { metrics: { label: string; zeroNote?: string }[]; summary: { values: (number | null)[] }[]; series: { label: string; zeroNote?: string; lines: { y: (number | null)[] }[] }[]; sweep: unknown[] }): { charts: number; notes: string[] } {
  const zero = (v: number | null) => v === 0 || v === null;
  const notes: string[] = [];
  let charts = d.sweep.length;
  d.metrics.forEach((m, j) => {
    if (d.summary.every((s) => zero(s.values[j] ?? null))) notes.push(m.zeroNote ?? `${m.label} is 0 throughout`);
    else charts++;
  });
  for (const s of d.series) {
    if (s.lines.every((l) => l.y.every(zero))) notes.push(s.zeroNote ?? `${s.label} is 0 throughout`);
    else charts++;
  }
  return { charts, notes };
}
