/**
 * A mean and its sd read with the same number of decimals wherever the page shows "±" — the table and
 * the tooltips of bars and sweep points: the sd to 2 significant digits, the mean to as many decimals
 * ("760 ± 2.405" showed the sd more finely than the mean).
 */
import { describe, expect, it } from 'vitest';
import type { ComparisonPage } from '../../src/report/html.ts';
import { CHROMIUM, haveChromium, tooltips, withPage } from './chromium.ts';

if (!haveChromium) console.warn(`skipped: no headless Chromium at ${CHROMIUM}`);

const page: ComparisonPage = {
  title: 'mean ± sd',
  interrupted: false,
  facts: [],
  metrics: [{ key: 'delay', label: 'Delay' }, { key: 'cpu', label: 'CPU' }, { key: 'moves', label: 'Moves' }, { key: 'tiny', label: 'Tiny' }, { key: 'span', label: 'Makespan', chart: { by: 86_400, axis: 'makespan (days)' } }],
  policies: ['a', 'b'],
  colors: { a: '#4e79a7', b: '#f28e2b' },
  summary: [
    { policy: 'a', runs: 3, values: [759.93, 0.46823, 3578, 3.784e-4, 7_948_936], sd: [2.405, 0.003883, 320.8, 5.026e-4, 86_400] },
    { policy: 'b', runs: 3, values: [1734.2, 0.5, 0, 0.25, 86_400], sd: [115.4, 0, 0, null, 0] },
  ],
  summarySpread: '3 seeds',
  series: [],
  info: { keys: [], runs: [] },
  sweep: [{ param: 'p', paramLabel: 'p', values: [1, 2], metric: 'delay', label: 'Delay', spread: '3 seeds', lines: [{ policy: 'a', y: [759.93, 800], sd: [2.405, 0.5] }, { policy: 'b', y: [10, 12], sd: [0.01234, 1] }] }],
};

describe.skipIf(!haveChromium)('mean ± sd with the same decimals', () => {
  it('in the table, and in the tooltips of a bar and of a sweep point', async () => {
    await withPage(page, async (p, errors) => {
      const cells = await p.evaluate(() => Array.from(document.querySelectorAll('#summary tr'), (tr) => Array.from(tr.querySelectorAll('td.num'), (td) => td.textContent)).filter((r) => r.length));
      expect(cells).toEqual([
        ['759.9 ± 2.4', '0.4682 ± 0.0039', '3578 ± 321', '0.00038 ± 0.00050', '7948936 ± 86400'],
        // sd 0: the mean's own decimals; no sd: the mean alone, as before.
        ['1734 ± 115', '0.5 ± 0.0', '0 ± 0', '0.25', '86400 ± 0'],
      ]);
      // The last bar chart draws its column in days: its tooltip says so.
      const tips = await tooltips(p, [['#bars canvas', 0, 0, 0], ['#bars canvas', 0, 0, 1], ['#sweep canvas', 0, 0, 1], ['#sweep canvas', 0, 1, 0], ['#bars canvas', -1, 0, 0]]);
      expect(tips).toEqual(['Delay: 759.9 ± 2.4', 'Delay: 1734 ± 115', 'a: 800.00 ± 0.50', 'b: 10.000 ± 0.012', 'makespan (days): 92.0 ± 1.0']);
      expect(errors).toEqual([]);
    });
  }, 60_000);
});
