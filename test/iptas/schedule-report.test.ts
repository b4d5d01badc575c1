/**
 * The `fairfit schedule` writers on a report with no finished algorithm (an exploratory audit found
 * the CSV header lost its 13 metric columns, and the table printed an empty per-dimension line), and
 * the notes and facts of a run of some algorithms (they spoke of all three).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { scheduleLog, type ScheduleLogReport } from '../../src/systems/iptas/schedule-log.ts';
import { durationUnit } from '../../src/report/html.ts';
import { describeSchedule, formatScheduleTable, SCHEDULE_COLUMNS, SCHEDULE_METRIC_KEYS, scheduleCsv, schedulePage, scheduleTitle } from '../../src/systems/iptas/schedule-report.ts';
import { swfText } from '../swf-log.ts';

let dir = '';
let swf: ScheduleLogReport;
let swfFcfs: ScheduleLogReport;
let google: ScheduleLogReport;
let googleIptas: ScheduleLogReport;
let odd: Record<'iptas' | 'fcfs' | 'easy' | 'all', ScheduleLogReport>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-schedule-report-'));
  const log = join(dir, 'log.swf');
  writeFileSync(log, swfText(120));
  swf = await scheduleLog({ trace: log, nodes: 8 });
  swfFcfs = await scheduleLog({ trace: log, nodes: 8, algorithms: ['fcfs', 'easy'] });
  const folder = join(dir, 'google');
  await generateTrace({ machines: 20, tasks: 300, days: 0.05, seed: 5, out: folder, usage: false });
  google = await scheduleLog({ trace: folder, nodes: 20, algorithms: ['fcfs'] });
  googleIptas = await scheduleLog({ trace: folder, nodes: 20, algorithms: ['iptas'] });
  // Jobs that ran longer than they requested (odd j) and of an unknown user (j a multiple of 3).
  const oddLines = ['; MaxProcs: 4'];
  for (let j = 1; j <= 12; j++) oddLines.push([j, 10 * j, 0, 100, 1, -1, -1, -1, j % 2 ? 50 : 200, -1, 1, j % 3 ? 1 + (j % 2) : -1, -1, -1, -1, -1, -1, -1].join(' '));
  const oddLog = join(dir, 'odd.swf');
  writeFileSync(oddLog, oddLines.join('\n') + '\n');
  odd = {
    iptas: await scheduleLog({ trace: oddLog, nodes: 4, algorithms: ['iptas'] }),
    fcfs: await scheduleLog({ trace: oddLog, nodes: 4, algorithms: ['fcfs'] }),
    easy: await scheduleLog({ trace: oddLog, nodes: 4, algorithms: ['easy'] }),
    all: await scheduleLog({ trace: oddLog, nodes: 4 }),
  };
}, 60_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const none = (r: ScheduleLogReport): ScheduleLogReport => ({ ...r, runs: [], interrupted: true });
const header = (csv: string) => csv.split('\n')[0]!;

describe('scheduleCsv has the same columns whether some algorithm finished or none', () => {
  it('SCHEDULE_METRIC_KEYS are a run\'s metrics, in order', () => {
    for (const run of [...swf.runs, ...google.runs]) expect(Object.keys(run.metrics)).toEqual([...SCHEDULE_METRIC_KEYS]);
  });
  it('an interrupted report with no run: the complete header plus interrupted, and no row', () => {
    for (const r of [swf, google]) {
      const full = header(scheduleCsv(r));
      expect(full.split(',')).toHaveLength(23);
      expect(scheduleCsv(none(r))).toBe(`${full},interrupted\n`);
      expect(header(scheduleCsv({ ...r, runs: r.runs.slice(0, 1), interrupted: true }))).toBe(`${full},interrupted`);
    }
  });
});

describe('formatScheduleTable with no finished algorithm', () => {
  it('prints no empty per-dimension utilisation line, and says no algorithm finished', () => {
    expect(formatScheduleTable(google)).toMatch(/\nutilisation per dimension \(cpu, mem\): fcfs \S+ \/ \S+\n/);
    const table = formatScheduleTable(none(google));
    expect(table).not.toContain('utilisation per dimension');
    expect(table).toContain('(interrupted: no algorithm finished)');
    // Some finished: the line as before.
    expect(formatScheduleTable({ ...google, interrupted: true })).toContain('(interrupted: only the finished algorithms are shown)\nutilisation per dimension (cpu, mem): fcfs ');
  });
});

describe('the notes of an SWF schedule', () => {
  it("speak of IPTAS's length class only when IPTAS runs (it was there for --algorithm fcfs)", () => {
    const lengthClass = "IPTAS's length class";
    expect(swf.notes[0]).toBe("SWF jobs are gangs of one-processor tasks; IPTAS's length class comes from the requested time (short ≤ 600 s, medium ≤ 6000 s)");
    expect(swfFcfs.notes[0]).toBe('SWF jobs are gangs of one-processor tasks');
    expect(formatScheduleTable(swfFcfs)).not.toContain(lengthClass);
  });
});

describe('the notes and facts speak of the algorithms asked for only', () => {
  const facts = (r: ScheduleLogReport) => schedulePage(r).facts.map(([k, v]) => `${k}: ${v}`).join('\n');
  it('the report lists them, in the order they run', () => {
    expect(swf.algorithms).toEqual(['iptas', 'fcfs', 'easy']);
    expect(swfFcfs.algorithms).toEqual(['fcfs', 'easy']);
    expect(none(swfFcfs).algorithms).toEqual(['fcfs', 'easy']);
  });
  it('Google: first fit is said of the baselines that run (none with --algorithm iptas)', () => {
    expect(google.notes).toContain('FCFS places tasks by first fit over the nodes in both dimensions');
    expect(googleIptas.notes.join('\n')).not.toMatch(/FCFS|EASY/);
  });
  it('jobs run beyond their request: killed at it by the baselines that run; an unknown user is its own user in IPTAS only', () => {
    expect(odd.all.notes).toContain("6 jobs ran longer in the log than they requested (300 s beyond their requests in all): FCFS and EASY kill each at its requested time, as a batch system's time limit does (per run: cutAtRequest)");
    expect(odd.easy.notes).toContain("6 jobs ran longer in the log than they requested (300 s beyond their requests in all): EASY kills each at its requested time, as a batch system's time limit does (per run: cutAtRequest)");
    expect(odd.iptas.notes).toContain('6 jobs ran longer in the log than they requested (300 s beyond their requests in all)');
    expect(odd.all.notes).toContain('user unknown (−1) for 4 jobs: scheduled as the others (IPTAS: each its own user), left out of the per-user fairness figure and the user count');
    expect(odd.fcfs.notes).toContain('user unknown (−1) for 4 jobs: scheduled as the others, left out of the per-user fairness figure and the user count');
    expect(facts(odd.iptas)).toContain('Ran longer than requested in the log: 6 of 12 jobs');
    expect(facts(odd.fcfs)).toContain('Ran longer than requested in the log (FCFS: killed at the request): 6 of 12 jobs');
  });
  it("IPTAS's parameters are stated only when IPTAS is asked for (also with no run finished)", () => {
    for (const r of [swf, none(swf), odd.iptas]) {
      expect(describeSchedule(r)).toContain(' · IPTAS minEpsilon 0, alpha 0.5');
      expect(facts(r)).toContain('IPTAS parameters: minEpsilon 0');
    }
    for (const r of [swfFcfs, none(swfFcfs), odd.fcfs]) {
      expect(describeSchedule(r)).not.toContain('IPTAS');
      expect(facts(r)).not.toContain('IPTAS');
    }
    // A report built by hand without `algorithms`: its runs' stand in.
    const { algorithms: _, ...handBuilt } = swfFcfs;
    expect(describeSchedule(handBuilt)).not.toContain('IPTAS');
  });
});

describe('the page names its metrics in words with units, as the replay page does', () => {
  it('every table column and bar chart axis has a reader\'s title, not the CSV key; the series too', () => {
    const page = schedulePage(swf);
    expect(page.metrics.map((m) => m.key)).toEqual([...SCHEDULE_COLUMNS]);
    // The generic page falls back to the key (`throughputPerHour`) without an axis title.
    for (const m of [...page.metrics, ...page.series]) {
      expect(m.axis, m.key).toBeTruthy();
      expect(m.axis, m.key).not.toBe(m.key);
    }
    const axis = Object.fromEntries(page.metrics.map((m) => [m.key, m.axis]));
    expect(axis).toMatchObject({ throughputPerHour: 'throughput (jobs/h)', meanWait: 'mean wait (s)', p95Wait: '95th-percentile wait (s)', killedWastedSeconds: 'killed: run time wasted (s)' });
    // The data formats keep the keys.
    expect(header(scheduleCsv(swf))).toContain('throughputPerHour,meanWait,p95Wait');
  });
});

describe('long durations are drawn in hours or days, the table and the data formats keep the seconds', () => {
  it('durationUnit picks the unit from the largest value: s up to 2 min, min up to 2 h, h up to 2 days, then days', () => {
    expect(durationUnit([]).unit).toBe('s');
    expect(durationUnit([null, 0, 120]).unit).toBe('s');
    expect(durationUnit([121]).unit).toBe('min');
    expect(durationUnit([-7201, 5]).unit).toBe('h');
    expect(durationUnit([2 * 86400]).unit).toBe('h');
    expect(durationUnit([7948936, Number.NaN]).unit).toBe('days');
    expect(durationUnit([7948936]).seconds).toBe(86400);
  });
  it('a makespan of 8e6 s is charted in days (axis "makespan (days)"); the column keeps its seconds and its title', () => {
    const long: ScheduleLogReport = { ...swf, runs: swf.runs.map((x) => ({ ...x, metrics: { ...x.metrics, makespan: 7948936, meanWait: 30 } })) };
    const m = Object.fromEntries(schedulePage(long).metrics.map((c) => [c.key, c]));
    expect(m.makespan).toMatchObject({ axis: 'makespan (s)', chart: { by: 86400, axis: 'makespan (days)' } });
    // A short wait stays in seconds: no chart scale at all.
    expect(m.meanWait!.chart).toBeUndefined();
    expect(schedulePage(long).summary[0]!.values[SCHEDULE_COLUMNS.indexOf('makespan')]).toBe(7948936);
    expect(scheduleCsv(long)).toContain(',7948936,');
  });
});

describe('the page title names what was run', () => {
  it('the algorithms asked for, the log file and the cluster (it read "IPTAS vs FCFS vs EASY on a job log" whatever ran)', () => {
    expect(schedulePage(swf).title).toBe('fairfit — IPTAS vs FCFS vs EASY — log.swf: 8 nodes × 1 processor');
    expect(scheduleTitle(swfFcfs)).toBe('fairfit — FCFS vs EASY — log.swf: 8 nodes × 1 processor');
    expect(scheduleTitle(google)).toBe('fairfit — FCFS — google: 20 nodes × (cpu 1, mem 1)');
  });
});
