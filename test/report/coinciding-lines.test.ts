/**
 * Lines drawn with exactly the same points hide each other: under every line chart (over time, sweep,
 * and a sweep chart redrawn with the other parameter held) the page names the lines that coincide, and
 * the lines equal at 90 % or more of their points with the count, and says nothing where no two lines
 * are equal at most points.
 */
import { describe, expect, it } from 'vitest';
import type { ComparisonPage } from '../../src/report/html.ts';
import { CHROMIUM, haveChromium, withPage } from './chromium.ts';

if (!haveChromium) console.warn(`skipped: no headless Chromium at ${CHROMIUM}`);

const colors = { a: '#4e79a7', b: '#f28e2b', c: '#e15759', d: '#76b7b2', e: '#59a14f' };
const x = [0, 1, 2, 3];
const x20 = Array.from({ length: 20 }, (_, i) => i);
const y20 = x20.map((i) => (i * 7) % 5);
const page: ComparisonPage = {
  title: 'coinciding lines',
  interrupted: false,
  facts: [],
  metrics: [{ key: 'm', label: 'Metric' }],
  policies: ['a', 'b', 'c', 'd', 'e'],
  colors,
  summary: ['a', 'b', 'c', 'd', 'e'].map((p, i) => ({ policy: p, runs: 1, values: [i + 1] })),
  series: [
    {
      key: 'same', label: 'Three lines the same, two others the same', lines: [
        { policy: 'a', x, y: [1, 2, null, 4] },
        { policy: 'b', x, y: [1, 2, null, 4] },
        { policy: 'c', x, y: [5, 6, 7, 8] },
        { policy: 'd', x, y: [1, 2, null, 4] },
        { policy: 'e', x, y: [5, 6, 7, 8] },
      ],
    },
    {
      // Equal y at other x: different lines. And lines differing at one point by the last bit.
      key: 'apart', label: 'No two lines the same', lines: [
        { policy: 'a', x, y: [1, 2, 3, 4] },
        { policy: 'b', x: [0, 1, 2, 3.5], y: [1, 2, 3, 4] },
        { policy: 'c', x, y: [1, 2, 3, 4 + 2 ** -50] },
      ],
    },
    {
      // Equal at 19 of 20 points (a and d wholly): named with the count; c, equal to a at 17 of 20 (85 %), is not.
      key: 'near', label: 'Two lines the same at most points', lines: [
        { policy: 'a', x: x20, y: y20 },
        { policy: 'b', x: x20, y: y20.map((v, i) => (i === 7 ? v + 1 : v)) },
        { policy: 'c', x: x20, y: y20.map((v, i) => (i % 7 === 1 ? v + 1 : v)) },
        { policy: 'd', x: x20, y: y20 },
      ],
    },
  ],
  info: { keys: [], runs: [] },
  sweep: [{
    param: 'p', paramLabel: 'p', values: [1, 2], metric: 'm', label: 'Metric', spread: '2 seeds',
    lines: [{ policy: 'a', y: [1, 2], sd: [0.1, 0.1] }, { policy: 'b', y: [1, 2], sd: [0.2, 0.1] }, { policy: 'c', y: [1, 3] }],
    held: { param: 'q', paramLabel: 'q', values: [7], lines: [[{ policy: 'a', y: [1, 2] }, { policy: 'b', y: [1, 2.5] }, { policy: 'c', y: [1, 3] }]] },
  }],
};

describe.skipIf(!haveChromium)('a line chart names the lines that coincide', () => {
  it('over time and in a sweep: a note under the chart names each group of equal lines; none where all differ; a redraw recomputes it', async () => {
    await withPage(page, async (p, errors) => {
      const notes = () => p.evaluate(() => Array.from(document.querySelectorAll('#series > .card, #sweep > .card'), (c) => c.querySelector('p.coincide')?.textContent ?? null));
      expect(await notes()).toEqual([
        "a, b and d coincide as drawn: the same values at every point (only a's colour shows); c and e coincide as drawn: the same values at every point (only c's colour shows).",
        null,
        "a and d coincide as drawn: the same values at every point (only a's colour shows); a, d and b coincide as drawn at 19 of 20 points (only a's colour shows there).",
        // The sweep lines a and b have the same means (their whiskers differ): the lines still coincide.
        "a and b coincide as drawn: the same values at every point (only a's colour shows).",
      ]);
      await p.selectOption('#sweep-hold-0', '0');
      expect(await notes()).toEqual([expect.any(String), null, expect.any(String), null]);
      await p.selectOption('#sweep-hold-0', '-1');
      expect((await notes())[3]).toContain('a and b coincide');
      expect(errors).toEqual([]);
    });
  }, 60_000);
});
