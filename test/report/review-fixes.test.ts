/**
 * What a visual review of the pages found (2026-12-06): tooltips read as the table does (Chart.js's
 * own format showed an overcommit of 1.829e-4 as 0 and 1986.128 as 1,986.128) and a bar's tooltip
 * names its value with the axis's words and unit; a sweep held at a value where no run finished
 * says so (it said every metric was 0 there); a line of a single value is drawn as a point (it
 * showed an empty plot, under a note naming the line).
 */
import { describe, expect, it } from 'vitest';
import type { ComparisonPage } from '../../src/report/html.ts';
import { CHROMIUM, haveChromium, tooltips, withPage } from './chromium.ts';

if (!haveChromium) console.warn(`skipped: no headless Chromium at ${CHROMIUM}`);

const page: ComparisonPage = {
  title: 'review fixes',
  interrupted: true,
  facts: [],
  metrics: [{ key: 'delay', label: 'Mean task delay', axis: 'mean delay (s)' }],
  policies: ['a', 'b'],
  colors: { a: '#4e79a7', b: '#f28e2b' },
  summary: [{ policy: 'a', runs: 1, values: [1986.128] }, { policy: 'b', runs: 1, values: [8.347e-5] }],
  series: [
    { key: 'oc', label: 'Overcommit', axis: 'overcommit', lines: [{ policy: 'a', x: [0, 1, 2], y: [1.829e-4, 15780, 0] }, { policy: 'b', x: [0, 1, 2], y: [null, 0.5, null] }] },
  ],
  info: { keys: [], runs: [] },
  sweep: [{
    param: 'p', paramLabel: 'p', values: [1, 2], metric: 'delay', label: 'Mean task delay',
    lines: [{ policy: 'a', y: [3, 4] }, { policy: 'b', y: [5, null] }],
    // Held at q 8, no run finished: every line is null.
    held: { param: 'q', paramLabel: 'q', values: [7, 8], lines: [[{ policy: 'a', y: [3, 4] }, { policy: 'b', y: [5, null] }], [{ policy: 'a', y: [null, null] }, { policy: 'b', y: [null, null] }]] },
  }],
};

describe.skipIf(!haveChromium)('what the visual review found', () => {
  it('tooltips as the table; a held value with no run says so; a one-value line is drawn as a point', async () => {
    await withPage(page, async (p, errors) => {
      const got = {
        tips: await tooltips(p, [['#bars canvas', 0, 0, 0], ['#bars canvas', 0, 0, 1], ['#series canvas', 0, 0, 0], ['#series canvas', 0, 0, 1]]),
        ...(await p.evaluate(() => {
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          const Chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart;
          return {
            radius: Chart.getChart(document.querySelector<HTMLCanvasElement>('#series canvas')!).data.datasets.map((d: { pointRadius: number }) => d.pointRadius),
            table: Array.from(document.querySelectorAll('#summary td.num'), (td) => td.textContent),
          };
        })),
      };
      expect(got.table).toEqual(['1986', '8.347e-5']);
      expect(got.tips).toEqual(['mean delay (s): 1986', 'mean delay (s): 8.347e-5', 'a: 1.829e-4', 'a: 15780']);
      // b has one value: drawn as a point; a has a line to draw.
      expect(got.radius).toEqual([0, 3]);
      const sweepNote = () => p.evaluate(() => document.querySelector('#sweep > .card p.zero')?.textContent ?? null);
      expect(await sweepNote()).toBeNull();
      await p.selectOption('#sweep-hold-0', '1');
      expect(await sweepNote()).toBe('No run finished at these values (interrupted): nothing to draw.');
      await p.selectOption('#sweep-hold-0', '0');
      expect(await sweepNote()).toBeNull();
      expect(errors).toEqual([]);
    });
  }, 60_000);
});
