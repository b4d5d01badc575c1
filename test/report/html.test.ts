import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketMeans, renderPage, type ComparisonPage } from '../../src/report/html.ts';
import { cyclesPerPoint, reportData, renderHtml, writeHtml } from '../../src/systems/giantvm/html-report.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';
import { sweep } from '../../src/systems/giantvm/sweep-api.ts';
import { POLICIES, PRESETS, type ReplayReport, type RunResult, type SweepReport } from '../../src/systems/giantvm/types.ts';
import { generateTrace } from '../../src/io/generate.ts';
import { METRIC_COLUMNS, METRIC_LABELS } from '../../src/systems/giantvm/metrics.ts';
import { SCHEDULE_AXES, SCHEDULE_LABELS } from '../../src/systems/iptas/schedule-report.ts';
import { seededInput } from '../giantvm/input.ts';
import { CHROMIUM, expectedCharts, haveChromium, openReport, sweepView, withReport, type SweepView } from './chromium.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let replayReport: ReplayReport;
let sweepReport: SweepReport;
/** A replay whose series points are 2 cycles each (sampleTicks 20, interval 10) and whose last point is shorter (6 ticks, 1 cycle). */
let partialReport: ReplayReport;
/** Machines and overcommit both swept, 3 seeds: small enough that delay and stretch still change with both. */
let twoD: SweepReport;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-html-'));
  twoD = await sweep({ trace: seededInput(11, 400, 2), machines: [8, 12], overcommit: [0.6, 0.9, 1.2], seeds: 3, policies: ['no_migration', 'fine_grained'], usage: 'synthetic', series: false });
  const input = seededInput(11, 800, 4);
  replayReport = await replay({ trace: input, machines: 48, usage: 'request' });
  partialReport = await replay({ trace: seededInput(11, 800, 3.3014), machines: 48, usage: 'request' });
  sweepReport = await sweep({ trace: input, machines: [32, 48], overcommit: '0.8:1.2:0.4', policies: ['no_migration', 'fine_grained', 'mem_usage'], usage: 'request' });
});

describe('the report data behind the charts', () => {
  it('has one bar per policy per metric and one line per policy per series (replay)', () => {
    const d = reportData(replayReport);
    expect(d.summary.map((s) => s.policy)).toEqual([...POLICIES]);
    expect(d.summary[2]!.values[1]).toBe(replayReport.runs[2]!.metrics.gini);
    expect(d.series.map((s) => s.key)).toEqual(expect.arrayContaining(['meanCpu', 'gini', 'migratedMemoryCumulative']));
    for (const s of d.series) expect(s.lines.map((l) => l.policy)).toEqual([...POLICIES]);
    expect(d.sweep).toEqual([]);
    const facts = Object.fromEntries(d.facts);
    expect(facts['Usage mode']).toBe('request');
    expect(facts['Usage windows']).toBe('none (request usage reads no task_usage)');
    expect(facts['Machine mode']).toBe('48 identical machines');
    expect(facts['Seed']).toBe('1');
  });
  it("titles the Gini, delay and stretch by the runs' rules: the default's titles, the other rule's own, or the rules named when runs differ", async () => {
    const title = (r: ReplayReport, key: string) => reportData(r).metrics.find((m) => m.key === key)!.label;
    expect(title(replayReport, 'gini')).toBe(METRIC_LABELS.gini);
    expect(title(replayReport, 'delay')).toBe(METRIC_LABELS.delay);
    const ruled = await replay({ trace: seededInput(11, 200, 2), machines: 16, usage: 'request', policies: ['fine_grained'], gini: 'series-mean', delay: 'all' });
    expect(title(ruled, 'gini')).toBe('Gini of machine CPU per series point, mean over time');
    expect(title(ruled, 'delay')).toBe('Mean task delay over all tasks (open ones: delay so far + remaining work)');
    expect(title(ruled, 'stretch')).toBe('Mean stretch over all tasks: per task, time in the system / its run time in the trace (open ones: delay so far + remaining work)');
    const mixed: ReplayReport = { ...ruled, runs: [...ruled.runs, ...replayReport.runs.slice(0, 1)] };
    expect(title(mixed, 'gini')).toBe(`${METRIC_LABELS.gini} (gini rule differs between runs: series-mean, time-mean)`);
    expect(title(mixed, 'stretch')).toBe(`${METRIC_LABELS.stretch} (delay rule differs between runs: all, finished)`);
    // A sweep's charts take the same titles.
    const swept = await sweep({ trace: seededInput(11, 200, 2), machines: [12, 16], policies: ['fine_grained'], usage: 'request', series: false, delay: 'all' });
    expect(reportData(swept).sweep.find((c) => c.metric === 'delay')!.label).toBe(title(ruled, 'delay'));
    expect(reportData(swept).sweep.find((c) => c.metric === 'gini')!.label).toBe(METRIC_LABELS.gini);
  });
  it('a unit is stated once, in the axis title: no chart title of a replay, sweep or schedule page carries one (", s" sat mid-title before "(mean over 3 seeds…)")', async () => {
    const ruled = await replay({ trace: seededInput(11, 200, 2), machines: 16, usage: 'request', policies: ['fine_grained'], delay: 'all' });
    const titles = [replayReport, ruled, sweepReport].flatMap((r) => reportData(r).metrics.map((m) => m.label));
    titles.push(...Object.values(SCHEDULE_LABELS));
    for (const t of titles) expect(t).not.toMatch(/, s\b|\((s|h|days)\)/);
    expect(reportData(replayReport).metrics.find((m) => m.key === 'delay')!.axis).toBe('mean delay (s)');
    expect(SCHEDULE_AXES.meanWait).toBe('mean wait (s)');
  });
  it('stretch is titled as what it is per task (time in the system over its run time in the trace), not as a trace duration', () => {
    const stretch = reportData(replayReport).metrics.find((m) => m.key === 'stretch')!.label;
    expect(stretch).toBe('Mean stretch: per task, time in the system (finish − submit) / its run time in the trace');
    expect(stretch).not.toContain('trace duration');
  });
  it('the title and heading name what was run: the system, the trace folder and the main configuration (they read "fairfit — GiantVM cell-rebalancing replay")', () => {
    const at = <R extends ReplayReport>(r: R, path: string): R => ({ ...r, trace: { ...r.trace, path } });
    expect(reportData(at(replayReport, '/data/demo-trace/')).title).toBe('fairfit — GiantVM replay — demo-trace: 48 machines, overcommit 1');
    expect(reportData(at(sweepReport, '/data/demo-trace')).title).toBe('fairfit — GiantVM sweep — demo-trace: 32, 48 machines × overcommit 0.8, 1.2 × 1 seed');
    expect(reportData(at({ ...replayReport, trace: { ...replayReport.trace, machines: 'trace' } }, 'standard input')).title).toBe("fairfit — GiantVM replay — standard input: the trace's machines, overcommit 1");
    // Five machine counts or more: the ends and how many.
    expect(reportData(at({ ...sweepReport, sweep: { ...sweepReport.sweep, machines: [10, 20, 30, 40, 50], seeds: [1, 2, 3] } }, 't')).title).toBe('fairfit — GiantVM sweep — t: 10 … 50 (5 values) machines × overcommit 0.8, 1.2 × 3 seeds');
    // One policy asked for: named; every choice of the thesis preset: said.
    const one = { ...replayReport, policies: ['fine_grained' as const], runs: replayReport.runs.filter((r) => r.policy === 'fine_grained') };
    expect(reportData(at(one, 't')).title).toBe('fairfit — GiantVM replay of fine_grained — t: 48 machines, overcommit 1');
    const thesis = { ...one, runs: one.runs.map((r) => ({ ...r, params: { ...r.params, ...PRESETS.thesis } })) };
    expect(reportData(at(thesis, 't')).title).toBe('fairfit — GiantVM replay of fine_grained — t: 48 machines, overcommit 1, thesis regime');
    // Three of the thesis's four choices are not its regime.
    const almost = { ...one, runs: thesis.runs.map((r) => ({ ...r, params: { ...r.params, delay: 'finished' as const } })) };
    expect(reportData(at(almost, 't')).title).toBe('fairfit — GiantVM replay of fine_grained — t: 48 machines, overcommit 1');
    const sweptOne = { ...sweepReport, sweep: { ...sweepReport.sweep, policies: ['mem_usage' as const] }, runs: sweepReport.runs.filter((r) => r.policy === 'mem_usage').map((r) => ({ ...r, params: { ...r.params, ...PRESETS.thesis } })) };
    expect(reportData(at(sweptOne, 't')).title).toBe('fairfit — GiantVM sweep of mem_usage — t: 32, 48 machines × overcommit 0.8, 1.2 × 1 seed, thesis regime');
    // A title asked for is kept.
    expect(reportData(replayReport, 'mine').title).toBe('mine');
  });
  it('a mean delay of hours is charted in hours (bars, sweep lines and held lines alike), as the schedule pages chart waits; the table keeps seconds', () => {
    // Each run's delay as plus + delay × by seconds.
    const moved = <R extends ReplayReport>(r: R, by: number, plus: number): R => ({ ...r, runs: r.runs.map((x) => ({ ...x, metrics: { ...x.metrics, delay: plus + x.metrics.delay * by } })) });
    const j = METRIC_COLUMNS.indexOf('delay');
    const d = reportData(moved(replayReport, 1, 3 * 3600));
    expect(d.metrics[j]).toMatchObject({ key: 'delay', axis: 'mean delay (s)', chart: { by: 3600, axis: 'mean delay (h)' } });
    for (const row of d.summary) expect(row.values[j]).toBeGreaterThan(3 * 3600);
    // Up to 2 minutes, seconds: no chart scale; up to 2 hours, minutes.
    expect(reportData(moved(replayReport, 0, 100)).metrics[j]!.chart).toBeUndefined();
    expect(reportData(moved(replayReport, 0, 121)).metrics[j]!.chart).toEqual({ by: 60, axis: 'mean delay (min)' });
    const sweepDelay = (r: SweepReport) => reportData(r).sweep.filter((s) => s.metric === 'delay');
    // The sweep's delays shrunk under 2 minutes (drawn in seconds), then the same 3 hours longer.
    const small = sweepReport.runs.reduce((a, r) => Math.max(a, r.metrics.delay), 0) / 100;
    const plain = sweepDelay(moved(sweepReport, 1 / small, 0));
    const long = sweepDelay(moved(sweepReport, 1 / small, 3 * 3600));
    expect(plain.length).toBe(2);
    expect(plain.flatMap((s) => s.lines.flatMap((l) => l.y)).some((v) => v !== plain[0]!.lines[0]!.y[0])).toBe(true);
    for (const [k, s] of long.entries()) {
      expect(s.axis).toBe('mean delay (h)');
      expect(plain[k]!.axis).toBe('mean delay (s)');
      const same = (a: (number | null)[], b: (number | null)[]) => a.forEach((v, i) => expect(v).toBeCloseTo((b[i]! + 3 * 3600) / 3600, 9));
      s.lines.forEach((l, i) => same(l.y, plain[k]!.lines[i]!.y));
      s.held!.lines.forEach((ls, h) => ls.forEach((l, i) => same(l.y, plain[k]!.held!.lines[h]![i]!.y)));
    }
  });
  it('a trace name with markup is escaped in <title> and in the heading, and the page shows it as written', async () => {
    const odd = { ...replayReport, trace: { ...replayReport.trace, path: `/x/<b>&"it's"` } };
    const html = renderHtml(odd);
    const escaped = 'fairfit — GiantVM replay — &#60;b&#62;&#38;&#34;it&#39;s&#34;: 48 machines, overcommit 1';
    expect(html).toContain(`<title>${escaped}</title>`);
    expect(html).toContain(`<h1 id="title">${escaped}</h1>`);
    expect(html).not.toContain('<b>&');
    if (!haveChromium) return;
    const file = join(dir, 'odd-title.html');
    writeFileSync(file, html);
    const page = await openReport(file);
    expect(page.title).toBe(`fairfit — GiantVM replay — <b>&"it's": 48 machines, overcommit 1`);
    expect(page.text).toContain(`<b>&"it's": 48 machines`);
  }, 60_000);
  it('states a damaged input: the skipped lines, a truncated file and the first problems (as stderr did), none of it when clean', async () => {
    const damaged = join(dir, 'damaged');
    await generateTrace({ machines: 20, tasks: 400, days: 0.05, seed: 4, out: damaged, usage: false });
    const opts = { machines: 8, usage: 'request' as const, policies: ['no_migration' as const], read: { maxSkipped: 1 } };
    const clean = Object.fromEntries(reportData(await replay({ trace: damaged, ...opts })).facts);
    expect(clean['Skipped input lines']).toBe('0');
    expect(clean).not.toHaveProperty('Truncated or corrupt files');
    expect(clean).not.toHaveProperty('First input problems');
    const part = join(damaged, 'task_events', 'part-00000-of-00001.csv.gz');
    const bytes = readFileSync(part);
    writeFileSync(part, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const r = await replay({ trace: damaged, ...opts });
    expect(r.trace.corruptFiles).toBe(1);
    const facts = Object.fromEntries(reportData(r).facts);
    expect(facts['Skipped input lines']).toBe(String(r.trace.skipped));
    expect(facts['Truncated or corrupt files']).toBe('1: the rows after the damage are lost and not counted');
    expect(facts['First input problems']).toContain(`${part}:`);
    expect(facts['First input problems']).toContain('corrupt or truncated gzip');
  });
  it('under synthetic usage, "Usage windows" gives the windows drawn, not the 0 task_usage windows read', async () => {
    const r = await replay({ trace: seededInput(11, 400, 2), machines: 16, usage: 'synthetic', policies: ['no_migration'] });
    const drawn = r.runs[0]!.info!.usageWindows as number;
    expect(drawn).toBeGreaterThan(0);
    expect(Object.fromEntries(reportData(r).facts)['Usage windows']).toBe(`${drawn} drawn by the synthetic model (no task_usage read)`);
  });
  it('a replay stopped before any run (here before reading) records the policies it was asked for, in their order, and its page names them', async () => {
    const stopped = await replay({ trace: seededInput(11, 200, 2), machines: 16, usage: 'request', policies: ['mem_usage', 'no_migration'], signal: AbortSignal.abort() });
    expect(stopped).toMatchObject({ runs: [], interrupted: true, policies: ['mem_usage', 'no_migration'] });
    expect(Object.fromEntries(reportData(stopped).facts)['Policies']).toBe('mem_usage, no_migration (asked; none finished)');
  });
  it('the Policies row of a report with no finished run says what was asked or that none finished (it was empty)', () => {
    const policies = (r: ReplayReport) => Object.fromEntries(reportData(r).facts)['Policies'];
    expect(policies(sweepReport)).toBe('no_migration, fine_grained, mem_usage');
    expect(policies({ ...sweepReport, runs: [], interrupted: true })).toBe('no_migration, fine_grained, mem_usage (asked; none finished)');
    // A replay records the policies asked for (it could only say "none finished"); a report without them still can.
    expect(replayReport.policies).toEqual([...POLICIES]);
    expect(policies({ ...replayReport, runs: [], interrupted: true })).toBe(`${POLICIES.join(', ')} (asked; none finished)`);
    const { policies: _asked, ...older } = replayReport;
    expect(policies({ ...older, runs: [], interrupted: true })).toBe('none finished');
    // Some finished: the policies of those runs, and those asked that did not finish (they were not named).
    expect(policies({ ...sweepReport, runs: sweepReport.runs.slice(0, 1), interrupted: true })).toBe('no_migration; fine_grained, mem_usage asked, not finished');
    expect(policies({ ...replayReport, runs: replayReport.runs.slice(0, 7), interrupted: true })).toBe(`${POLICIES.slice(0, 7).join(', ')}; ${POLICIES[7]} asked, not finished`);
  });
  it("an interrupted sweep's whiskers are over the seeds that finished, not the seeds asked", async () => {
    const seeded = await sweep({ trace: seededInput(11, 300, 2), machines: [16, 24], overcommit: 1, seeds: 3, policies: ['no_migration'], usage: 'request' });
    const spreads = (r: SweepReport) => [...new Set(reportData(r).sweep.map((c) => c.spread))];
    expect(spreads(seeded)).toEqual(['3 seeds']);
    const stopped = { ...seeded, runs: seeded.runs.filter((r) => r.params.seed !== 3), interrupted: true };
    expect(spreads(stopped)).toEqual(['2 seeds']);
    // With one seed left there is no spread to draw.
    expect(spreads({ ...seeded, runs: seeded.runs.filter((r) => r.params.seed === 1), interrupted: true })).toEqual([undefined]);
  });
  it('averages a sweep per policy and parameter value (sweep)', () => {
    const d = reportData(sweepReport);
    const c = d.sweep.find((s) => s.metric === 'meanCpu' && s.param === 'machines')!;
    expect(c.values).toEqual([32, 48]);
    const fine = c.lines.find((l) => l.policy === 'fine_grained')!;
    const runs = sweepReport.runs.filter((r) => r.policy === 'fine_grained' && r.params.machines === 48);
    expect(runs).toHaveLength(2);
    expect(fine.y[1]).toBeCloseTo((runs[0]!.metrics.meanCpu + runs[1]!.metrics.meanCpu) / 2, 12);
    expect(d.series).toEqual([]);
  });
  it('with several seeds: each point is the mean over seeds of the per-seed means, with the sd over seeds as a whisker', async () => {
    const seeded = await sweep({ trace: seededInput(11, 800, 4), machines: [32, 48], seeds: 3, policies: ['fine_grained'], usage: 'synthetic' });
    const c = reportData(seeded).sweep.find((s) => s.metric === 'meanCpu' && s.param === 'machines')!;
    expect(c.spread).toBe('3 seeds');
    // Overcommit held at one value gives no curve: only the machines charts are drawn.
    expect(new Set(reportData(seeded).sweep.map((s) => s.param))).toEqual(new Set(['machines']));
    // And the facts name it as a value, not as swept (they said "Swept overcommit: 1").
    const facts = Object.fromEntries(reportData(seeded).facts);
    expect([facts['Overcommit ratio'], facts['Swept overcommit']]).toEqual(['1', undefined]);
    const sweptFacts = Object.fromEntries(reportData(sweepReport).facts);
    expect([sweptFacts['Overcommit ratio'], sweptFacts['Swept overcommit']]).toEqual([undefined, '0.8, 1.2']);
    const per = [1, 2, 3].map((seed) => seeded.runs.find((r) => r.params.seed === seed && r.params.machines === 32)!.metrics.meanCpu);
    const mean = (per[0]! + per[1]! + per[2]!) / 3;
    const sd = Math.sqrt(per.reduce((a, b) => a + (b - mean) ** 2, 0) / 2);
    expect(c.lines[0]!.y[0]).toBeCloseTo(mean, 14);
    expect(c.lines[0]!.sd![0]).toBeCloseTo(sd, 14);
    expect(sd).toBeGreaterThan(0);
    expect(reportData(sweepReport).sweep[0]!.spread).toBeUndefined();
  });
  it('a sweep over seeds at one point (Figs. 5-4 and 5-5): the table and bars are means over the seeds, each with its sd over them; none when machines or overcommit vary', async () => {
    const point = await sweep({ trace: seededInput(11, 800, 4), machines: 32, seeds: 3, policies: ['no_migration', 'fine_grained'], usage: 'synthetic', series: false });
    const d = reportData(point);
    expect(d.summarySpread).toBe('3 seeds');
    const j = METRIC_COLUMNS.indexOf('meanCpu');
    const per = point.runs.filter((r) => r.policy === 'fine_grained').map((r) => r.metrics.meanCpu);
    expect(per).toHaveLength(3);
    const mean = (per[0]! + per[1]! + per[2]!) / 3;
    const sd = Math.sqrt(per.reduce((a, b) => a + (b - mean) ** 2, 0) / 2);
    const row = d.summary.find((s) => s.policy === 'fine_grained')!;
    expect(row.values[j]).toBeCloseTo(mean, 14);
    expect(row.sd![j]).toBeCloseTo(sd, 14);
    expect(sd).toBeGreaterThan(0);
    for (const other of [sweepReport, twoD]) {
      expect(reportData(other).summarySpread).toBeUndefined();
      expect(reportData(other).summary.every((s) => s.sd === undefined)).toBe(true);
    }
    expect(reportData(replayReport).summarySpread).toBeUndefined();
    // Only seeds vary: no sweep chart repeats the bars with one point each.
    expect(d.sweep).toEqual([]);
    // One machine count is not "swept".
    expect(Object.fromEntries(d.facts)['Machine mode']).toBe('32 identical machines');
    expect(Object.fromEntries(reportData(sweepReport).facts)['Machine mode']).toBe('swept: 2 sizes of identical machines (32, 48)');
    // One machine count but several overcommit values: the spread over runs is overcommit's effect, not an sd.
    const byOvercommit = await sweep({ trace: seededInput(11, 800, 4), machines: 32, overcommit: [0.8, 1.2], seeds: 2, policies: ['fine_grained'], usage: 'synthetic', series: false });
    expect(reportData(byOvercommit).summarySpread).toBeUndefined();
    expect(reportData(byOvercommit).summary.every((s) => s.sd === undefined)).toBe(true);
    // Interrupted after one seed of three: no spread to give.
    const firstSeed = { ...point, runs: point.runs.filter((r) => r.params.seed === 1), interrupted: true };
    expect(reportData(firstSeed).summarySpread).toBeUndefined();
    expect(reportData({ ...point, runs: point.runs.filter((r) => r.params.seed !== 3), interrupted: true }).summarySpread).toBe('2 seeds');
  });
  it('with machines and overcommit both swept, each chart also holds the other at each of its values: mean and sd over seeds of the one run per seed there (not with one swept)', async () => {
    const d = reportData(twoD);
    const seeds = [1, 2, 3];
    expect(twoD.sweep.seeds).toEqual(seeds);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1));
    const closeTo = (got: number | null | undefined, want: number) => {
      expect(typeof got).toBe('number');
      expect(Math.abs(got! - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
    };
    const runsAt = (policy: string, seed: number, at: Partial<Record<'machines' | 'overcommit', number | string>>) =>
      twoD.runs.filter((r) => r.policy === policy && r.params.seed === seed && Object.entries(at).every(([k, v]) => r.params[k as 'machines'] === v));
    expect(d.sweep).toHaveLength(7 * 2);
    let differs = 0;
    for (const c of d.sweep) {
      const other = c.param === 'machines' ? 'overcommit' : 'machines';
      const m = c.metric as (typeof METRIC_COLUMNS)[number];
      // A delay drawn in minutes, hours or days (its axis says which): back to the runs' seconds.
      const by = ({ '(min)': 60, '(h)': 3600, '(days)': 86400 } as Record<string, number>)[/\((min|h|days)\)$/.exec(c.axis ?? '')?.[0] ?? ''] ?? 1;
      const close = (got: number | null | undefined, want: number) => closeTo(got === null || got === undefined ? got : got * by, want);
      expect(c.held).toBeDefined();
      expect({ param: c.held!.param, label: c.held!.paramLabel, values: c.held!.values }).toEqual({ param: other, label: other === 'machines' ? 'machines' : 'overcommit ratio', values: twoD.sweep[other] });
      expect(c.held!.lines).toHaveLength(c.held!.values.length);
      // The mean over all, as before: per seed the mean over the other parameter's values, then mean and sd over the seeds.
      for (const l of c.lines) {
        c.values.forEach((v, j) => {
          const per = seeds.map((seed) => mean(runsAt(l.policy, seed, { [c.param]: v }).map((r) => r.metrics[m])));
          close(l.y[j], mean(per));
          close(l.sd![j], sd(per));
        });
      }
      c.held!.values.forEach((w, k) => {
        const lines = c.held!.lines[k]!;
        expect(lines.map((l) => l.policy)).toEqual(['no_migration', 'fine_grained']);
        for (const l of lines) {
          expect(l.y).toHaveLength(c.values.length);
          c.values.forEach((v, j) => {
            const per = seeds.map((seed) => {
              const at = runsAt(l.policy, seed, { [c.param]: v, [other]: w });
              expect(at).toHaveLength(1);
              return at[0]!.metrics[m];
            });
            close(l.y[j], mean(per));
            close(l.sd![j], sd(per));
          });
          if (l.y.some((y, j) => y !== c.lines.find((x) => x.policy === l.policy)!.y[j])) differs++;
        }
      });
    }
    // Holding the other parameter changes many lines here (delay, stretch, migrations…): not the mean over all again.
    expect(differs).toBeGreaterThan(10);
    // The file's other sweep varies both too (32, 48 machines × 0.8, 1.2).
    expect(reportData(sweepReport).sweep.every((c) => c.held !== undefined)).toBe(true);
    // One parameter swept, or none (seeds only): no held lines, the charts as they were.
    const oneD = await sweep({ trace: seededInput(11, 400, 2), machines: [8, 12], seeds: 2, policies: ['fine_grained'], usage: 'synthetic', series: false });
    const none = await sweep({ trace: seededInput(11, 400, 2), machines: [8], seeds: 2, policies: ['fine_grained'], usage: 'synthetic', series: false });
    for (const r of [oneD, none]) {
      const one = reportData(r);
      // Nothing swept but seeds: no sweep chart (the table and bars give mean ± sd over the seeds).
      expect(one.sweep.length).toBe(r === oneD ? 7 : 0);
      if (r === none) expect(one.summarySpread).toBe('2 seeds');
      for (const c of one.sweep) expect(c).not.toHaveProperty('held');
    }
  });
  it('is one self-contained file: no external script, style or image, data not able to close its script tag', () => {
    const evil: ReplayReport = { ...replayReport, trace: { ...replayReport.trace, path: '</script><script>alert(1)</script>' } };
    const html = renderHtml(evil);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).not.toContain('</script><script>alert(1)');
    expect(html).toContain('Chart.js v4');
  });
});

/** Rebalancing cycles of a run: one at every tick k with k % interval = 0. */
const cyclesOf = (r: RunResult) => Math.ceil((r.info!.ticks as number) / r.params.interval);

describe('over-time charts per cycle and shares of migrations (not per series point, not counting points without moves)', () => {
  it('bucketMeans with weights: Σ w·y / Σ w per bucket, points of weight 0 left out, null when a bucket has none', () => {
    const x = [0, 1, 2, 3, 4, 5];
    expect(bucketMeans(x, [1, 0, 0, 1, 0, 0], 3, 4, [2, 0, 0, 5, 0, 0]).y).toEqual([1, 1, null]);
    expect(bucketMeans(x, [1, 0.5, 0, 0, 0, 0], 3).y).toEqual([0.75, 0, 0]);
    expect(bucketMeans(x, [4, 2, 6, 6, 1, 1], 2, 4, [1, 3, 1, 1, 0, 0]).y).toEqual([3.2, 6]);
  });
  it('cycles per series point: sampleTicks / interval per point, the last one shorter, summing to the run\'s cycles', () => {
    const r = partialReport.runs[1]!;
    expect(r.info!.sampleTicks).toBe(20);
    expect(r.params.interval).toBe(10);
    const n = r.series.time!.length;
    expect((r.info!.ticks as number) % 20).not.toBe(0);
    const c = cyclesPerPoint(r, n)!;
    expect(c[0]).toBe(2);
    expect(c[n - 1]).toBe(1);
    expect(c.reduce((a, b) => a + b, 0)).toBe(cyclesOf(r));
  });
  it('"Migrations per cycle" and "Memory migrated per cycle" are per cycle: their mean is the run total / cycles', () => {
    for (const report of [replayReport, partialReport]) {
      const d = reportData(report);
      for (const key of ['migrations', 'migratedMemory'] as const) {
        const chart = d.series.find((s) => s.key === key)!;
        expect(chart.label).toMatch(/per cycle/);
        for (const run of report.runs) {
          if (!(run.metrics[key] > 0)) continue;
          const y = chart.lines.find((l) => l.policy === run.policy)!.y as number[];
          const n = run.series.time!.length;
          const size = Math.ceil(n / y.length);
          const c = cyclesPerPoint(run, n)!;
          // Each drawn point times the cycles of its bucket gives back the bucket's total: they add up to the run's.
          let total = 0;
          y.forEach((v, b) => { let k = 0; for (let p = b * size; p < Math.min(n, (b + 1) * size); p++) k += c[p]!; total += v * k; });
          expect(total / run.metrics[key]).toBeCloseTo(1, 3);
          // The plain mean of the drawn points is the total per cycle (the buckets have equal cycles but the last).
          const mean = y.reduce((a, b) => a + b, 0) / y.length;
          expect(mean / (run.metrics[key] / cyclesOf(run))).toBeCloseTo(1, 1);
        }
      }
    }
  });
  it('share charts leave out points without migrations: coarse_grained (share 1 by definition) is 1 wherever defined', () => {
    const coarse = replayReport.runs.find((r) => r.policy === 'coarse_grained')!;
    expect(coarse.metrics.firstShare).toBe(1);
    // The JSON stores 0/0 as 0 at the many points where nothing moved; that is what the chart must not average in.
    expect(coarse.series.migrations!.filter((m) => m === 0).length).toBeGreaterThan(100);
    const d = reportData(replayReport);
    const first = d.series.find((s) => s.key === 'firstShare')!.lines.find((l) => l.policy === 'coarse_grained')!.y;
    const second = d.series.find((s) => s.key === 'secondShare')!.lines.find((l) => l.policy === 'coarse_grained')!.y;
    expect(first.filter((v) => v !== null).length).toBeGreaterThan(10);
    for (const v of first) if (v !== null) expect(v).toBe(1);
    for (const v of second) if (v !== null) expect(v).toBe(0);
    // Every policy: the drawn shares weighted by the migrations of their buckets give the run's moves to the least-loaded node.
    for (const run of replayReport.runs) {
      if (!(run.metrics.migrations > 0)) continue;
      const y = d.series.find((s) => s.key === 'firstShare')!.lines.find((l) => l.policy === run.policy)!.y;
      const m = run.series.migrations!;
      const size = Math.ceil(m.length / y.length);
      let moved = 0;
      y.forEach((v, b) => { let k = 0; for (let p = b * size; p < Math.min(m.length, (b + 1) * size); p++) k += m[p]!; if (v === null) expect(k).toBe(0); else moved += v * k; });
      expect(moved).toBeCloseTo(run.info!.migrationsToFirst as number, 0);
    }
  });
});

if (!haveChromium && !process.env.CI) console.warn(`report test: ${CHROMIUM} not found; skipping the headless-Chromium checks (CI installs it and fails without it)`);

describe.skipIf(!haveChromium && !process.env.CI)('the HTML report renders its charts in headless Chromium without errors', () => {
  it('replay report: every chart drawn, no console or page errors', async () => {
    const file = join(dir, 'replay.html');
    writeHtml(file, replayReport);
    const page = await openReport(file, process.env.FAIRFIT_SCREENSHOT);
    expect(page.errors).toEqual([]);
    const want = expectedCharts(reportData(replayReport));
    expect(page.charts).toBe(want.charts);
    expect(page.canvases.length).toBe(page.charts);
    // A metric that is 0 in every run gets a sentence instead of an empty axis.
    for (const n of want.notes) expect(page.text).toContain(n);
    for (const c of page.canvases) expect(c.inked).toBeGreaterThan(2000);
    expect(page.title).toContain('GiantVM');
    expect(page.text).toContain('Usage mode');
    expect(page.text).toContain('cpu_usage_desc');
  });
  it('every y axis title fits beside its plot (not cut at the canvas edge, not over the legend), at two page widths; ticks read as decimals', async () => {
    const file = join(dir, 'replay-axes.html');
    writeHtml(file, replayReport);
    for (const width of [1400, 1000]) {
      const page = await openReport(file, undefined, width);
      expect(page.axes.length).toBeGreaterThan(10);
      expect(page.axes.filter((a) => !a.yTitleFits).map((a) => a.yTitle)).toEqual([]);
    }
  });
  it('small axis ticks read as 0.0005 (from 1e-4) or 5e-5, not 5.000e-4', async () => {
    const d = reportData(replayReport);
    const scaled = (key: string, by: number, label: string) => {
      const s = d.series.find((x) => x.key === key)!;
      return { ...s, label, lines: s.lines.map((l) => ({ ...l, y: l.y.map((v) => (v === null ? null : v * by)) })) };
    };
    // Mean CPU is about 0.07 here: ticks of 1e-4…7e-4 and of 1e-7…7e-7.
    d.series = [scaled('meanCpu', 1e-2, 'milli'), scaled('meanCpu', 1e-5, 'micro')];
    const file = join(dir, 'ticks.html');
    writeFileSync(file, renderPage(d, { variant: 'policy', timeAxis: 'hours since trace start' }));
    const page = await openReport(file);
    expect(page.errors).toEqual([]);
    const ticks = (card: string) => page.axes.find((a) => a.card === card)!.yTicks;
    expect(ticks('milli').length).toBeGreaterThan(3);
    for (const t of ticks('milli')) expect(t).toMatch(/^0(\.000?[1-9]\d{0,3})?$/);
    for (const t of ticks('micro')) expect(t).toMatch(/^(0|[1-9](\.\d{1,3})?e-\d+)$/);
    for (const t of [...ticks('milli'), ...ticks('micro')]) expect(t).not.toMatch(/0e/);
  });
  it('sweep report: bars and sweep charts drawn, no errors', async () => {
    const file = join(dir, 'sweep.html');
    writeHtml(file, sweepReport);
    const page = await openReport(file, process.env.FAIRFIT_SCREENSHOT_SWEEP);
    expect(page.errors).toEqual([]);
    const want = expectedCharts(reportData(sweepReport));
    expect(page.charts).toBe(want.charts);
    expect(want.charts).toBeGreaterThanOrEqual(7 * 2);
    for (const n of want.notes) expect(page.text).toContain(n);
    for (const c of page.canvases) expect(c.inked).toBeGreaterThan(2000);
    expect(page.text).toContain('Sweep results');
    // Overcommit is 0 in every run of this sweep: its sweep charts are the zero note, not a flat line on a -1..1 axis.
    expect(sweepReport.runs.every((r) => r.metrics.overcommit === 0)).toBe(true);
    expect(page.axes.filter((a) => a.card.startsWith('Mean overcommit'))).toEqual([]);
    expect(page.text.match(/No overcommit in any run/g)?.length).toBe(1 + 2);
    for (const a of page.axes) expect(a.yMin).toBeGreaterThanOrEqual(0);
    expect(page.axes.filter((a) => !a.yTitleFits).map((a) => a.yTitle)).toEqual([]);
  });
  it('both parameters swept: a labelled select per chart kind holds the other at one value; the charts redraw with its lines and title; "mean over all" restores them (no select with one swept)', async () => {
    const d = reportData(twoD);
    const file = join(dir, 'sweep-held.html');
    writeHtml(file, twoD);
    type Card = { title: string; note?: string; datasets?: { label: string; data: (number | null)[]; sd?: (number | null)[] }[] };
    /** The sweep cards the page should show with overcommit held at index km (charts vs machines) and machines at ko (-1: mean over all). */
    const expected = (km: number, ko: number): Card[] =>
      d.sweep.map((c) => {
        const k = c.param === 'machines' ? km : ko;
        const lines = k < 0 ? c.lines : c.held!.lines[k]!;
        const title = `${c.label} vs ${c.paramLabel} (${k < 0 ? 'mean over the other swept values' : `at ${c.held!.paramLabel} ${c.held!.values[k]}`}; whiskers ±1 sd over 3 seeds)`;
        if (lines.every((l) => l.y.every((v) => v === 0 || v === null))) return { title, note: c.zeroNote ?? `${c.label} is 0 throughout, for every policy.` };
        return { title, datasets: lines.map((l) => ({ label: l.policy, data: l.y, sd: l.sd })) };
      });
    const drawn = (cards: Card[]) => cards.filter((c) => c.datasets).length;
    const withoutPoints = (v: SweepView) => v.cards.map((c) => (c.datasets ? { ...c, datasets: c.datasets.map(({ points: _, ...rest }) => rest) } : c));
    const views = await withReport(file, async (page, errors) => {
      const opened = await sweepView(page);
      await page.selectOption('select[data-param="machines"]', { label: '1.2' }, { timeout: 5000 });
      const atRatio = await sweepView(page);
      // From the keyboard: the select for the charts against overcommit, one step down from "mean over all" (8 machines).
      await page.focus('select[data-param="overcommit"]', { timeout: 5000 });
      await page.keyboard.press('ArrowDown');
      const both = await sweepView(page);
      await page.selectOption('select[data-param="machines"]', { label: 'mean over all' }, { timeout: 5000 });
      await page.selectOption('select[data-param="overcommit"]', { label: 'mean over all' }, { timeout: 5000 });
      const back = await sweepView(page);
      const reloaded = await page.evaluate(() => performance.getEntriesByType('navigation').length);
      return { opened, atRatio, both, back, errors, reloaded };
    });
    expect(views.errors).toEqual([]);
    expect(views.reloaded).toBe(1);
    const { opened, atRatio, both, back } = views;
    expect(opened.holdShown).toBe(true);
    expect(opened.selects.map(({ id: _, ...s }) => s)).toEqual([
      { param: 'machines', label: 'Charts vs machines — overcommit ratio: ', options: ['mean over all', '0.6', '0.9', '1.2'], value: '-1' },
      { param: 'overcommit', label: 'Charts vs overcommit ratio — machines: ', options: ['mean over all', '8', '12'], value: '-1' },
    ]);
    // As it opens: today's charts (the mean over the other swept values), as many as before.
    expect(withoutPoints(opened)).toEqual(expected(-1, -1));
    expect(opened.charts).toBe(expectedCharts(d).charts);
    // data-charts counts the bar charts too, and follows the sweep charts as they are redrawn.
    const bars = opened.charts - drawn(expected(-1, -1));
    expect(bars).toBeGreaterThan(0);
    // Overcommit held at 1.2: the charts against machines show that value's lines, those against overcommit are as they were.
    expect(atRatio.selects.map((s) => s.value)).toEqual(['2', '-1']);
    expect(withoutPoints(atRatio)).toEqual(expected(2, -1));
    expect(atRatio.charts).toBe(bars + drawn(expected(2, -1)));
    const moved = (a: SweepView, b: SweepView, param: string) =>
      d.sweep.filter((c, i) => c.param === param && JSON.stringify(a.cards[i]!.datasets?.map((x) => x.points)) !== JSON.stringify(b.cards[i]!.datasets?.map((x) => x.points))).length;
    expect(moved(opened, atRatio, 'machines')).toBeGreaterThanOrEqual(3);
    expect(moved(opened, atRatio, 'overcommit')).toBe(0);
    expect(both.selects.map((s) => s.value)).toEqual(['2', '0']);
    expect(withoutPoints(both)).toEqual(expected(2, 0));
    expect(moved(atRatio, both, 'overcommit')).toBeGreaterThanOrEqual(3);
    // Back to "mean over all": the page as it opened, down to the drawn points.
    expect(back).toEqual(opened);
    // One parameter swept: no select, the sweep charts as before.
    const oneD = await sweep({ trace: seededInput(11, 400, 2), machines: [8, 12], seeds: 2, policies: ['fine_grained'], usage: 'synthetic', series: false });
    const one = join(dir, 'sweep-one.html');
    writeHtml(one, oneD);
    const single = await withReport(one, async (page, errors) => ({ errors, view: await sweepView(page) }));
    expect(single.errors).toEqual([]);
    expect(single.view.selects).toEqual([]);
    expect(single.view.holdShown).toBe(false);
    // Nothing else was swept: no "mean over the other swept values" (the title said so at overcommit 1 only).
    expect(single.view.cards.map((c) => c.title)).toEqual(reportData(oneD).sweep.map((c) => `${c.label} vs machines (whiskers ±1 sd over 2 seeds)`));
    // One seed, one parameter: the title says nothing in brackets.
    const bare = await sweep({ trace: seededInput(11, 400, 2), machines: [8, 12], policies: ['fine_grained'], usage: 'synthetic', series: false });
    const bareFile = join(dir, 'sweep-bare.html');
    writeHtml(bareFile, bare);
    const bareView = await withReport(bareFile, async (page, errors) => ({ errors, view: await sweepView(page) }));
    expect(bareView.errors).toEqual([]);
    expect(bareView.view.cards.map((c) => c.title)).toEqual(reportData(bare).sweep.map((c) => `${c.label} vs machines`));
  });
  it('a sweep over seeds at one point: its table reads mean ± sd, and its bars carry ±1 sd whiskers; no errors', async () => {
    const point = await sweep({ trace: seededInput(11, 800, 4), machines: 32, seeds: 3, policies: ['no_migration', 'fine_grained', 'coarse_grained'], usage: 'synthetic', series: false });
    const file = join(dir, 'point.html');
    writeHtml(file, point);
    const page = await openReport(file, process.env.FAIRFIT_SCREENSHOT_POINT);
    expect(page.errors).toEqual([]);
    const d = reportData(point);
    // Every table cell of a metric with a value and an sd reads "mean ± sd".
    const withSd = d.summary.flatMap((s) => s.values.filter((v, j) => v !== null && s.sd![j] !== null)).length;
    expect(withSd).toBeGreaterThan(10);
    expect(page.text.match(/ ± /g)?.length).toBe(withSd);
    expect(page.text).toContain('runs');
    const bars = page.axes.filter((a) => a.card.includes('(mean over 3 seeds; whiskers ±1 sd)'));
    // The bars are every chart: no one-point sweep chart repeats them.
    expect(bars.length).toBe(page.charts);
    // One bar chart per metric that is not 0 in every run.
    expect(bars.length).toBe(d.metrics.filter((_, j) => !d.summary.every((s) => s.values[j] === 0 || s.values[j] === null)).length);
    expect(bars.length).toBeGreaterThanOrEqual(5);
    const ends = bars.flatMap((a) => a.whiskerEnds);
    expect(ends.length).toBeGreaterThan(10);
    // A whisker inside the plot has its cap (a bar's own colour counts as ink: no arrowhead check here).
    for (const e of ends.filter((x) => !x.clipped)) expect({ ...e, capInked: e.cap > 0 }).toMatchObject({ capInked: true });
  });
  it('sweep whiskers stay inside the plot area, however long', async () => {
    const seeded = await sweep({ trace: seededInput(11, 800, 4), machines: [32, 48], seeds: 3, policies: ['fine_grained', 'coarse_grained'], usage: 'synthetic' });
    const d = reportData(seeded);
    // Whiskers 1000 sd long reach far past the axis range (which Chart.js sets from the means only).
    for (const c of d.sweep) for (const l of c.lines) if (l.sd) l.sd = l.sd.map((v) => (v === null ? null : Math.max(v, 1e-3) * 1000));
    const file = join(dir, 'whiskers.html');
    writeFileSync(file, renderPage(d, { variant: 'policy', timeAxis: 'hours since trace start' }));
    const page = await openReport(file, process.env.FAIRFIT_SCREENSHOT_WHISKERS);
    expect(page.errors).toEqual([]);
    const sweepCharts = page.axes.filter((a) => a.card.includes('whiskers'));
    expect(sweepCharts.length).toBeGreaterThan(5);
    for (const a of sweepCharts) expect({ chart: a.card, ink: a.inkAbovePlot }).toEqual({ chart: a.card, ink: 0 });
    const ends = sweepCharts.flatMap((a) => a.whiskerEnds);
    expect(ends.filter((e) => e.clipped).length).toBeGreaterThan(10);
    // Every whisker here is cut: each cut end shows its arrowhead.
    for (const e of ends.filter((x) => x.clipped)) expect({ ...e, arrowInked: e.arrow > 0 }).toMatchObject({ arrowInked: true });
    expect(page.text).toContain('a cut end has an arrowhead pointing out of the plot');
  });
  it('a whisker end inside the plot has a cap; an end cut at the edge has an arrowhead pointing out instead', async () => {
    const page: ComparisonPage = {
      title: 'whisker ends', interrupted: false, facts: [], policies: ['p'], colors: { p: '#1f77b4' },
      metrics: [{ key: 'm', label: 'metric' }], summary: [{ policy: 'p', runs: 4, values: [1] }],
      series: [], info: { keys: [], runs: [] },
      // Means 1…4 set the y range: 2 ± 0.3 lies inside it, 3 ± 10 is cut at both edges, 4 ± 1.5 at the top only.
      sweep: [{ param: 'k', paramLabel: 'k', values: ['a', 'b', 'c', 'd'], metric: 'm', label: 'metric', spread: 'seeds',
        lines: [{ policy: 'p', y: [1, 2, 3, 4], sd: [0.3, 0.3, 10, 1.5] }] }],
    };
    const file = join(dir, 'whisker-ends.html');
    writeFileSync(file, renderPage(page, { variant: 'policy', timeAxis: 'hours' }));
    const got = await openReport(file, process.env.FAIRFIT_SCREENSHOT_WHISKER_ENDS);
    expect(got.errors).toEqual([]);
    const ends = got.axes.find((a) => a.card.startsWith('metric vs k'))!.whiskerEnds;
    const at = (point: number, end: 'top' | 'bottom') => ends.find((e) => e.point === point && e.end === end)!;
    expect([at(1, 'top').clipped, at(1, 'bottom').clipped, at(2, 'top').clipped, at(2, 'bottom').clipped, at(3, 'top').clipped, at(3, 'bottom').clipped])
      .toEqual([false, false, true, true, true, false]);
    // The first and last values too lie inside the plot, not on its edges where half of each mark was cut.
    expect(ends.filter((e) => !e.whole)).toEqual([]);
    for (const e of ends) {
      if (e.clipped) expect({ ...e, arrowInked: e.arrow > 0 }).toMatchObject({ arrowInked: true });
      else expect({ ...e, capInked: e.cap > 0 }).toMatchObject({ capInked: true, arrow: 0 });
    }
  });
  it('bar whiskers are never cut: the y axis reaches every mean + sd, and every mean − sd below 0 (it fitted the means: 5964 ± 207 was cut at 6000)', async () => {
    const page: ComparisonPage = {
      title: 'bar whiskers', interrupted: false, facts: [], policies: ['a', 'b', 'c'], colors: { a: '#1f77b4', b: '#ff7f0e', c: '#2ca02c' },
      metrics: [{ key: 'big', label: 'big' }, { key: 'neg', label: 'neg' }, { key: 'small', label: 'small' }],
      // big: Chart.js alone ends the axis at 6000; neg: a negative mean; small: an sd longer than its mean.
      summary: [
        { policy: 'a', runs: 5, values: [5964, -2, 0.2], sd: [207, 1.5, 0.45] },
        { policy: 'b', runs: 5, values: [3000, 1, 3], sd: [10, 0.5, 0.1] },
        { policy: 'c', runs: 5, values: [100, 0.5, 1], sd: [5, null, 0.2] },
      ],
      summarySpread: '5 seeds', series: [], info: { keys: [], runs: [] }, sweep: [],
    };
    const file = join(dir, 'bar-whiskers.html');
    writeFileSync(file, renderPage(page, { variant: 'policy', timeAxis: 'hours' }));
    const got = await openReport(file);
    expect(got.errors).toEqual([]);
    expect(got.axes).toHaveLength(3);
    page.metrics.forEach((m, j) => {
      const a = got.axes.find((x) => x.card.startsWith(`${m.label} (`))!;
      const ends = page.summary.map((s) => [s.values[j]! + (s.sd![j] ?? 0), s.values[j]! - (s.sd![j] ?? 0)]);
      expect({ m: m.key, top: a.yMax >= Math.max(...ends.map((e) => e[0]!)) }).toEqual({ m: m.key, top: true });
      expect({ m: m.key, bottom: a.yMin <= Math.min(0, ...ends.map((e) => e[1]!)) }).toEqual({ m: m.key, bottom: true });
      // Bars of positive means still start at 0.
      if (ends.every((e) => e[1]! >= 0)) expect(a.yMin).toBe(0);
      expect(a.whiskerEnds.length).toBeGreaterThanOrEqual(4);
      expect(a.whiskerEnds.filter((e) => e.clipped)).toEqual([]);
    });
    // No sweep chart, so nothing can be cut and the page has no note about cut whiskers.
    expect(got.text).not.toContain('arrowhead');
  });
  it('a chart whose every value is a whole number ticks at whole numbers only (migrations 0 … 2, hosts 14 … 15); other charts keep fractional ticks', async () => {
    const page: ComparisonPage = {
      title: 'integer ticks', interrupted: false, facts: [], policies: ['a', 'b', 'c'], colors: { a: '#1f77b4', b: '#ff7f0e', c: '#2ca02c' },
      metrics: [{ key: 'moves', label: 'moves' }, { key: 'gap', label: 'gap' }],
      summary: [
        { policy: 'a', runs: 1, values: [0, 0.5] },
        { policy: 'b', runs: 1, values: [1, 1.25] },
        { policy: 'c', runs: 1, values: [2, 2] },
      ],
      series: [
        { key: 'hosts', label: 'hosts on', lines: [{ policy: 'a', x: [0, 1, 2, 3], y: [15, 14, 14, 15] }, { policy: 'b', x: [0, 1, 2, 3], y: [15, 15, null, 14] }] },
        { key: 'share', label: 'share', lines: [{ policy: 'a', x: [0, 1, 2, 3], y: [0.1, 0.35, 0.2, 0.3] }] },
      ],
      info: { keys: [], runs: [] },
      sweep: [{ param: 'k', paramLabel: 'k', values: [1, 2], metric: 'moves', label: 'moves swept', lines: [{ policy: 'a', y: [1, 2] }, { policy: 'b', y: [0, 1] }] }],
    };
    const file = join(dir, 'integer-ticks.html');
    writeFileSync(file, renderPage(page, { variant: 'policy', timeAxis: 'hours' }));
    const got = await openReport(file);
    expect(got.errors).toEqual([]);
    const ticks = (title: string) => got.axes.find((a) => a.card.startsWith(title))!.yTicks.map(Number);
    for (const title of ['moves', 'hosts on', 'moves swept']) {
      expect(ticks(title).length, title).toBeGreaterThan(1);
      expect({ title, ticks: ticks(title).filter((t) => !Number.isInteger(t)) }).toEqual({ title, ticks: [] });
    }
    for (const title of ['gap', 'share']) expect(ticks(title).some((t) => !Number.isInteger(t)), title).toBe(true);
  });
  it('a report interrupted before any run finished (or while reading) says there is nothing to draw, not that every metric is 0', async () => {
    const file = join(dir, 'no-runs.html');
    writeHtml(file, { trace: { path: '/some/trace', read: false, usage: 'trace', machines: 40, seed: 1 }, runs: [], interrupted: true });
    const page = await openReport(file);
    expect(page.errors).toEqual([]);
    expect(page.text).toContain('No run finished (interrupted): nothing to draw.');
    expect(page.text).not.toContain('0 throughout');
    expect(page.text).toContain('stopped while reading');
  });
  it('an interrupted report says so', async () => {
    const file = join(dir, 'interrupted.html');
    writeHtml(file, { ...replayReport, runs: replayReport.runs.slice(0, 2), interrupted: true });
    expect(readFileSync(file, 'utf8')).toContain('"interrupted":true');
    const page = await openReport(file);
    expect(page.errors).toEqual([]);
    expect(page.text).toContain('interrupted');
  });
});
