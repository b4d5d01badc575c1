/**
 * Thinning a long over-time series keeps every bucket's extremes (min–max
 * decimation), so a spike between two kept points is still drawn: the
 * property of `minMaxIndices`, and the IPTAS schedule page's queue and
 * utilisation lines, which a stride (every k-th bin) used to thin.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_POINTS, minMaxIndices } from '../../src/report/html.ts';
import type { ScheduleLogReport } from '../../src/systems/iptas/schedule-log.ts';
import type { ScheduleMetrics } from '../../src/systems/iptas/schedule-trace.ts';
import { schedulePage } from '../../src/systems/iptas/schedule-report.ts';

/** The buckets minMaxIndices documents: B = ⌊(max − 2) / 2⌋, bucket b = [⌊b·n/B⌋, ⌊(b+1)·n/B⌋). */
function buckets(n: number, max: number): [number, number][] {
  const B = Math.floor((max - 2) / 2);
  return Array.from({ length: B }, (_, b) => [Math.floor((b * n) / B), Math.floor(((b + 1) * n) / B)]);
}

/** Smallest and largest finite value of y[from, to), or undefined when there is none. */
function extremes(y: readonly number[], from: number, to: number): { min: number; max: number } | undefined {
  const v = y.slice(from, to).filter(Number.isFinite);
  return v.length ? { min: Math.min(...v), max: Math.max(...v) } : undefined;
}

/** Series with ties (small integers), spikes (any double) and some non-finite values. */
const series = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: -5, max: 5 }) },
    { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
    { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity) },
  ),
  // size 'large': the default size keeps arrays to about 10 values, shorter than most bounds.
  { maxLength: 700, size: 'large' },
);

describe('minMaxIndices', () => {
  it('keeps the first and last points, the global and every bucket\'s min and max; strictly increasing, at most max (property)', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 2, max: 80 }), (y, max) => {
        const idx = minMaxIndices(y, max);
        for (let i = 1; i < idx.length; i++) expect(idx[i]!).toBeGreaterThan(idx[i - 1]!);
        if (y.length <= max) {
          expect(idx).toEqual(y.map((_, i) => i));
          return;
        }
        expect(idx.length).toBeLessThanOrEqual(max);
        expect(idx[0]).toBe(0);
        expect(idx.at(-1)).toBe(y.length - 1);
        const kept = idx.map((i) => y[i]!);
        const all = extremes(y, 0, y.length);
        if (all && max >= 4) {
          expect(kept).toContain(all.min);
          expect(kept).toContain(all.max);
        }
        for (const [from, to] of buckets(y.length, max)) {
          const e = extremes(y, from, to);
          if (!e) continue;
          const inBucket = idx.filter((i) => i >= from && i < to).map((i) => y[i]!);
          expect(inBucket).toContain(e.min);
          expect(inBucket).toContain(e.max);
        }
        expect(minMaxIndices(y, max)).toEqual(idx);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a series of at most MAX_POINTS whole, and shortens a longer one to at most MAX_POINTS by default', () => {
    expect(minMaxIndices([])).toEqual([]);
    expect(minMaxIndices([3, 1, 2])).toEqual([0, 1, 2]);
    const whole = Array.from({ length: MAX_POINTS }, (_, i) => i % 7);
    expect(minMaxIndices(whole)).toEqual(whole.map((_, i) => i));
    expect(minMaxIndices(Array.from({ length: 123_457 }, (_, i) => Math.sin(i))).length).toBeLessThanOrEqual(MAX_POINTS);
  });
});

describe('the schedule page\'s over-time charts', () => {
  it('draw a one-bin peak of waiting jobs and a one-bin dip of utilisation that a stride would drop', () => {
    const bins = 500; // the most the schedule series has (docs/model.md, "IPTAS round scheduler")
    const time = Array.from({ length: bins }, (_, i) => i * 60);
    // A flat queue of 2 with a peak of 90 at bin 100, and utilisation 0.8 with a dip to 0.1 at bin 301:
    // neither bin is a multiple of the stride ⌈500 / 239⌉ = 3 that the report used to keep.
    const queue = time.map((_, i) => (i === 100 ? 90 : 2));
    const utilisation = time.map((_, i) => (i === 301 ? 0.1 : 0.8));
    const metrics: ScheduleMetrics = { jobs: 1, throughputPerHour: 1, meanWait: 1, p95Wait: 1, meanBoundedSlowdown: 1, utilisation: 0.8, makespan: 1, killed: 0, killedWastedSeconds: 0, killedWastedProcSeconds: 0, fairnessGini: 0, completed: 1, users: 1 };
    const report: ScheduleLogReport = {
      trace: { path: 'log.swf', format: 'swf', detected: 'option', rows: 1, skippedLines: 0, droppedTooLarge: 0, droppedByMaxJobs: 0, jobs: 1, users: 1 },
      cluster: { nodes: 1, nodeCapacity: [1], dimensions: ['processors'] },
      params: { tau: 10, secondsPerGB: 1, minEpsilon: 0, alpha: 0.5, historyLength: 3 },
      notes: [],
      runs: [{ algorithm: 'fcfs', metrics, rounds: 0, utilisationByDimension: [0.8], series: { binSeconds: 60, time, utilisation, queue } }],
    };
    const page = schedulePage(report);
    const line = (key: string) => page.series.find((s) => s.key === key)!.lines[0]!;
    const q = line('queue');
    const u = line('utilisation');
    expect(q.y.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(u.y.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(Math.max(...q.y.map(Number))).toBe(90);
    expect(q.x[q.y.indexOf(90)]).toBe(+((100 * 60) / 3600).toFixed(6));
    expect(Math.min(...u.y.map(Number))).toBe(0.1);
    expect(u.x[u.y.indexOf(0.1)]).toBe(+((301 * 60) / 3600).toFixed(6));
  });
});
