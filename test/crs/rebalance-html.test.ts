/**
 * The `fairfit rebalance` HTML page in headless Chromium (skipped without
 * one): the example scenario with CRS, SS and FF loads without console errors
 * and draws a bar chart per metric and each host's CPU and memory per wave;
 * the per-wave numbers behind the charts are the executed plan.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plural } from '../../src/errors.ts';
import { formatMetric } from '../../src/report/table.ts';
import { chartedHosts, formatRebalanceTable, MAX_HOST_CHARTS, REBALANCE_AXES, rebalanceCsv, rebalancePage, renderRebalanceHtml, utilisationByWave, writeRebalanceHtml, type RebalanceReport } from '../../src/systems/crs/rebalance-report.ts';
import { generateScenario, type RebalanceScenario } from '../../src/systems/crs/scenario.ts';
import { readScenario } from '../../src/systems/crs/scenario-schema.ts';
import { runScenario } from '../../src/systems/crs/scenario-run.ts';
import { CHROMIUM, expectedCharts, haveChromium, openReport } from '../report/chromium.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-rebalance-html-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const EXAMPLE = fileURLToPath(new URL('../../examples/crs-campus.json', import.meta.url));
const scenario = readScenario(EXAMPLE);
const report: RebalanceReport = { input: 'examples/crs-campus.json', description: scenario.description ?? '', hosts: 7, vms: scenario.vms.length, courses: 7, periods: 0, runs: runScenario(scenario) };
// The campus with three periods of other VM use (made up, each VM's own): a replay without ../shared.
const replayed: RebalanceScenario = { ...scenario, periods: [1, 2, 3].map((k) => ({ label: `p${k}`, start: 3600 * k, use: scenario.vms.map((_, i): [number, number] => [((i * k) % 7) * 0.3, ((i + k) % 5) * 0.6]) })) };
const replayReport: RebalanceReport = { ...report, input: 'campus with periods', periods: 3, runs: runScenario(replayed) };
const WAVES = 'wave (0 = before the plan)';
const COLUMNS_KEYS = ['moves', 'waves', 'powerOff', 'unresolved', 'cpuGapBefore', 'cpuGapAfter', 'memGapBefore', 'memGapAfter'] as const;

describe('the rebalance report', () => {
  it('names its columns and y axes in words, not the keys (cpuGapBefore); the CSV keeps the keys', () => {
    for (const r of [report, replayReport]) {
      const page = rebalancePage(r === report ? scenario : replayed, r);
      for (const m of page.metrics) expect(m.axis, m.key).toBeTruthy();
      // A camelCase key (cpuGapBefore) is no title; moves and waves are words, and titled anyway.
      for (const m of page.metrics) if (/[A-Z]/.test(m.key)) expect(m.axis, m.key).not.toBe(m.key);
      for (const s of page.series) expect(s.axis, s.key).toBeTruthy();
    }
    expect(rebalancePage(scenario, report).metrics.map((m) => m.axis)).toEqual(COLUMNS_KEYS.map((k) => REBALANCE_AXES[k]));
    expect(REBALANCE_AXES.cpuGapBefore).toBe('CPU gap before the plan');
    expect(rebalanceCsv(report).split('\n')[0]).toContain(',cpuGapBefore,cpuGapAfter,memGapBefore,memGapAfter,');
  });

  it('the title names the algorithms run, the scenario file and its size (it said "CRS vs SS vs FF" whatever ran, and the whole path)', () => {
    expect(rebalancePage(scenario, { ...report, input: '/some/where/crs-campus.json' }).title).toBe(`fairfit — CRS vs SS vs FF rebalancing — crs-campus.json: 7 hosts, ${scenario.vms.length} VMs`);
    expect(rebalancePage(scenario, { ...report, runs: report.runs.slice(0, 1) }).title).toBe(`fairfit — CRS rebalancing — crs-campus.json: 7 hosts, ${scenario.vms.length} VMs`);
  });
  it('the wave charts have a wave axis, the replay charts the time axis (one title read "wave … · replay charts: hours …" on both)', () => {
    const page = rebalancePage(replayed, replayReport);
    const waves = page.series.filter((s) => s.label.endsWith('after each wave'));
    const replay = page.series.filter((s) => s.label.startsWith('Replay:'));
    expect([waves.length, replay.length]).toEqual([14, 5]);
    for (const s of waves) expect(s.xAxis).toBe(WAVES);
    for (const s of replay) expect(s.xAxis).toBeUndefined();
    const html = renderRebalanceHtml(replayed, replayReport);
    expect(html).toContain("'hours since the scenario start'");
    expect(html).not.toContain('replay charts');
  });

  it('a replay\'s migrations and mean gaps after are table columns, the numbers the CLI prints (they were charts only)', () => {
    const page = rebalancePage(replayed, replayReport);
    const keys = page.metrics.map((m) => m.key);
    expect(keys.slice(8)).toEqual(['replayMoves', 'replayMeanCpuGapAfter', 'replayMeanMemGapAfter']);
    const text = formatRebalanceTable(replayReport);
    for (const row of page.summary) {
      const [moves, cpu, mem] = row.values.slice(8) as number[];
      const run = replayReport.runs.find((x) => x.algorithm === row.policy)!;
      expect(moves).toBe(run.totalMoves);
      expect(text).toContain(`${row.policy}: 3 periods replayed, ${plural(moves!, 'migration')}, mean CPU gap after ${formatMetric(cpu!)}, mean memory gap after ${formatMetric(mem!)}`);
    }
    // Without periods there is no replay to sum up: the plan's 8 columns only.
    expect(rebalancePage(scenario, report).metrics).toHaveLength(8);
  });

  it('per-wave utilisation starts at the plan\'s before and ends at its after, for every host and algorithm', () => {
    for (const run of report.runs) {
      const u = utilisationByWave(scenario, run.plan);
      run.plan.before.forEach((b, h) => {
        expect(u.cpu[h]![0]).toBeCloseTo(b.cpu, 12);
        expect(u.mem[h]!.at(-1)).toBeCloseTo(run.plan.after[h]!.mem, 12);
        expect(u.cpu[h]).toHaveLength(run.plan.waves.length + 1);
      });
    }
    const page = rebalancePage(scenario, report);
    expect(page.series).toHaveLength(14);
    expect(page.summary.map((s) => s.policy)).toEqual(['crs', 'ss', 'ff']);
  });

  it('a host emptied by the plan reads its base use exactly in the last wave, as in the plan\'s after', () => {
    // 0 + 0.1 + 0.7 − 0.7 − 0.1 is −2.8e-17: the chart of the powered-off host ended a hair below 0.
    const input = {
      hosts: [{ name: 'n1', cpu: 10, mem: 100, base: { cpu: 3, mem: 50 } }, { name: 'idle', cpu: 10, mem: 100, base: { cpu: 0, mem: 0.2 } }],
      vms: [
        { name: 'i1', host: 'idle', cpu: 1, mem: 2, use: { cpu: 0.1, mem: 0.1 } },
        { name: 'i2', host: 'idle', cpu: 1, mem: 2, use: { cpu: 0.7, mem: 0.7 } },
      ],
    };
    const [run] = runScenario(input, { algorithms: ['crs'] });
    expect(run!.plan.powerOff).toEqual(['idle']);
    const u = utilisationByWave(input, run!.plan);
    expect([u.cpu[1]!.at(-1), u.mem[1]!.at(-1)]).toEqual([0, 0.2 / 100]);
    expect([run!.plan.after[1]!.cpu, run!.plan.after[1]!.mem]).toEqual([0, 0.2 / 100]);
  });

  it('on a large cluster charts the hosts the plans change, not the first 16 in order', () => {
    const big = generateScenario({ preset: 'random', hosts: 100, seed: 1 });
    const runs = runScenario(big);
    const r: RebalanceReport = { input: 'random', description: '', hosts: 100, vms: big.vms.length, courses: 0, periods: 0, runs };
    const changed = new Set(runs.flatMap(({ plan }) => [...plan.waves.flat().flatMap((m) => [m.from, m.to]), ...plan.powerOff, ...plan.unresolved]));
    // The seed's plans move VMs between hosts past the first 16 (the test means nothing otherwise).
    const names = big.hosts.map((h) => h.name);
    expect([...changed].some((h) => names.indexOf(h) >= MAX_HOST_CHARTS)).toBe(true);
    const charted = chartedHosts(big, r).map((i) => names[i]!);
    expect(charted).toHaveLength(MAX_HOST_CHARTS);
    for (const h of [...changed].slice(0, MAX_HOST_CHARTS)) expect(charted).toContain(h);
    expect(charted).toEqual([...charted].sort((a, b) => names.indexOf(a) - names.indexOf(b)));
    const page = rebalancePage(big, r);
    expect(page.series.filter((x) => x.key.endsWith(' cpu')).map((x) => x.key.slice(0, -4))).toEqual(charted);
    expect(page.info!.keys.slice(0, 2)).toEqual([`${charted[0]} cpu before → after`, `${charted[0]} mem before → after`]);
  });

  it('the writers refuse what is not a report, a scenario or a plan, naming it, and write nothing (TypeErrors; found by an API fuzz)', () => {
    const err = (f: () => unknown, field: string, message: RegExp) => expect(f).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field }, message: expect.stringMatching(message) }));
    err(() => formatRebalanceTable(null as never), 'report', /^report: formatRebalanceTable takes a RebalanceReport .*: got null$/);
    err(() => formatRebalanceTable({} as never), 'report', /its runs are undefined, not an array$/);
    err(() => formatRebalanceTable({ ...report, runs: [{ algorithm: 'crs', periods: [] }] } as never), 'report', /runs\[0\] is not a run of runScenario/);
    err(() => renderRebalanceHtml(scenario, null as never), 'report', /^report: renderRebalanceHtml takes/);
    err(() => renderRebalanceHtml(null as never, report), 'scenario', /^scenario: must be the scenario/);
    err(() => utilisationByWave(scenario, null as never), 'plan', /^plan: utilisationByWave takes a plan of planRebalance, got null$/);
    err(() => utilisationByWave({ ...scenario, vms: [null] } as never, report.runs[0]!.plan), 'scenario.vms[0]', /got null$/);
    expect(() => utilisationByWave(scenario, report.runs[0]!.plan, [99])).toThrow(expect.objectContaining({ code: 'INDEX_OUT_OF_RANGE', details: { field: 'hosts' } }));
    // A report of another scenario: its plans move VMs and name hosts this one does not have.
    err(() => renderRebalanceHtml(generateScenario({ preset: 'random', hosts: 10, seed: 2 }), report), 'plan', /^plan: moves VM ".*", which the scenario does not have/);
    const file = join(dir, 'never.html');
    err(() => writeRebalanceHtml(file, scenario, { runs: null } as never), 'report', /^report: writeRebalanceHtml takes/);
    expect(existsSync(file)).toBe(false);
  });

  it('the CSV header is fixed: the same with no run as with runs (the schedule and replay CSVs lost columns with none)', () => {
    const header = (r: RebalanceReport) => rebalanceCsv(r).split('\n')[0];
    expect(header(report)).toBe('algorithm,moves,waves,powerOff,unresolved,cpuGapBefore,cpuGapAfter,memGapBefore,memGapAfter,periods,replayMoves,replayMeanCpuGapAfter,replayMeanMemGapAfter');
    expect(rebalanceCsv({ ...report, runs: [] })).toBe(`${header(report)}\n`);
  });
});

if (!haveChromium) console.warn(`skipped: no headless Chromium at ${CHROMIUM}`);
describe.skipIf(!haveChromium)('the rebalance report page in headless Chromium', () => {
  it('loads without console errors and draws every chart', async () => {
    const file = join(dir, 'rebalance.html');
    writeRebalanceHtml(file, scenario, report);
    const page = await openReport(file);
    expect(page.errors).toEqual([]);
    // 8 bars and 14 series, less those whose values are all 0 (the page says so in a sentence instead).
    const data = rebalancePage(scenario, report);
    const want = expectedCharts({ ...data, sweep: [] });
    expect(want.charts + want.notes.length).toBe(8 + 14);
    expect(page.charts).toBe(want.charts);
    for (const n of want.notes) expect(page.text).toContain(n);
    for (const c of page.canvases) expect(c.inked).toBeGreaterThan(0);
    for (const a of ['crs', 'ss', 'ff', 'computenode5']) expect(page.text).toContain(a);
    // Waves are counted: the per-host charts tick at whole waves only (Chart.js put ticks at 0.2, 0.4… on a few waves).
    const waveCharts = page.axes.filter((a) => a.card.includes('after each wave'));
    expect(waveCharts.length).toBeGreaterThan(0);
    for (const a of waveCharts) {
      expect(a.xTicks.length, a.card).toBeGreaterThan(1);
      for (const t of a.xTicks) expect(Number.isInteger(Number(t)), `${a.card}: tick ${t}`).toBe(true);
    }
    // No replay here: every line chart is over waves, and says so (it read "… · replay charts: hours from the start").
    for (const a of page.axes.filter((x) => x.card.includes('after each wave'))) expect(a.xTitle).toBe(WAVES);
    expect(page.text).not.toContain('replay charts');
    // Headers and y axes in words: no camelCase key (cpuGapBefore, powerOff) on the page, every y title whole.
    for (const k of COLUMNS_KEYS) {
      expect(page.text).toContain(REBALANCE_AXES[k]);
      if (/[A-Z]/.test(k)) expect(page.text).not.toContain(k);
    }
    for (const a of page.axes) expect(a.yTitleFits, a.yTitle).toBe(true);
  }, 60_000);

  it('a replayed scenario: the replay charts are over hours, and the table shows the replay\'s numbers per algorithm', async () => {
    const file = join(dir, 'replayed.html');
    writeRebalanceHtml(file, replayed, replayReport);
    const page = await openReport(file);
    expect(page.errors).toEqual([]);
    const data = rebalancePage(replayed, replayReport);
    const lines = new Set(data.series.filter((x) => x.label.startsWith('Replay:')).map((x) => x.label));
    const replay = page.axes.filter((a) => lines.has(a.card));
    expect(replay.length).toBeGreaterThan(0);
    for (const a of replay) expect(a.xTitle).toBe('hours since the scenario start');
    for (const a of page.axes.filter((x) => x.card.includes('after each wave'))) expect(a.xTitle).toBe(WAVES);
    for (const h of ['replay: migrations', 'replay: mean CPU gap', 'replay: mean memory gap']) expect(page.text).toContain(h);
    // Each table row ends with the replay's migrations and mean gaps, as the CLI prints them.
    for (const row of data.summary) {
      const [moves, cpu, mem] = row.values.slice(8) as number[];
      expect(page.text).toContain(`\t${moves}\t${formatMetric(cpu!)}\t${formatMetric(mem!)}\n`);
    }
    for (const a of page.axes) expect(a.yTitleFits, a.yTitle).toBe(true);
  }, 60_000);
});
