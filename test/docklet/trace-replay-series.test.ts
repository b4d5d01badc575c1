/**
 * The Docklet trace replay's load samples (`series`) on generated traces: one per sample, every
 * `sampleSeconds` from the window start; their time-weighted means are the run's means; no share
 * passes the run's peak; hosts and waiting gangs within their counts. (test/docklet/trace-replay.test.ts
 * has the values worked by hand on a two-host trace.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { readClusterTrace, type ClusterTrace } from '../../src/systems/docklet/trace-gangs.ts';
import { replayClusterTrace } from '../../src/systems/docklet/trace-replay.ts';

let dir = '';
const traces: ClusterTrace[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-vcseries-'));
  // A light load (most gangs placed at once) and a heavy one (many wait).
  for (const [machines, tasks, seed] of [[60, 3000, 4], [25, 6000, 9]] as const) {
    const out = join(dir, `g${seed}`);
    await generateTrace({ machines, tasks, days: 0.1, seed, out, usage: false });
    traces.push(await readClusterTrace(out));
  }
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the replay\'s load samples', () => {
  it('are taken every sampleSeconds, and their time-weighted means are the run\'s', async () => {
    let waited = 0;
    for (const t of traces) {
      const sampleSeconds = 200;
      const r = await replayClusterTrace(t, 'generated', { sampleSeconds });
      const span = r.trace.end - r.trace.start;
      for (const run of r.runs) {
        const s = run.series;
        const n = run.samples;
        expect(n).toBe(Math.max(1, Math.ceil(span / sampleSeconds)));
        for (const v of Object.values(s)) expect(v).toHaveLength(n);
        expect(s.time).toEqual(Array.from({ length: n }, (_, i) => i * sampleSeconds));
        // Each sample stands for the time to the next one, the last for the time to the window end.
        const w = s.time.map((x, i) => (i + 1 < n ? sampleSeconds : span - x));
        const mean = (y: readonly number[]) => y.reduce((a, v, i) => a + v * w[i]!, 0) / w.reduce((a, b) => a + b, 0);
        expect(mean(s.hostsInUse)).toBeCloseTo(run.meanHostsInUse, 9);
        expect(mean(s.gini)).toBeCloseTo(run.meanGini, 12);
        expect(mean(s.strandedCpu)).toBeCloseTo(run.meanStrandedCpu, 12);
        expect(mean(s.strandedMem)).toBeCloseTo(run.meanStrandedMem, 12);
        // The peak is the exact largest share after any placement; a sample's share is one such state.
        expect(Math.max(...s.cpuInUse)).toBeLessThanOrEqual(run.peakCpuFraction + 1e-12);
        expect(Math.max(...s.memInUse)).toBeLessThanOrEqual(run.peakMemFraction + 1e-12);
        expect(Math.min(...s.cpuInUse, ...s.memInUse)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...s.hostsInUse)).toBeLessThanOrEqual(r.trace.counts.hosts);
        expect(Math.max(...s.waiting)).toBeLessThanOrEqual(run.gangs.asked - run.gangs.neverFit);
        for (const x of [...s.gini, ...s.strandedCpu, ...s.strandedMem]) expect(x >= 0 && x <= 1, String(x)).toBe(true);
        waited += Math.max(...s.waiting);
      }
    }
    // The heavy trace keeps gangs waiting: the queue's series is exercised, not only its zeros.
    expect(waited).toBeGreaterThan(0);
  }, 60_000);
});
