/**
 * The `fairfit schedule` writers on a report with no finished algorithm (an exploratory audit found
 * the CSV header lost its 13 metric columns, and the table printed an empty per-dimension line).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { Rng } from '../../src/rng.ts';
import { scheduleLog, type ScheduleLogReport } from '../../src/systems/iptas/schedule-log.ts';
import { formatScheduleTable, SCHEDULE_METRIC_KEYS, scheduleCsv } from '../../src/systems/iptas/schedule-report.ts';

let dir = '';
let swf: ScheduleLogReport;
let swfFcfs: ScheduleLogReport;
let google: ScheduleLogReport;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-schedule-report-'));
  const r = new Rng(4);
  const lines = ['; MaxProcs: 8'];
  for (let j = 1, t = 0; j <= 120; j++) {
    t += r.below(60);
    const run = 1 + r.below(900);
    lines.push([j, t, 0, run, 1 << r.below(3), -1, -1, -1, run * 2, -1, 1, 1 + r.below(4), -1, -1, -1, -1, -1, -1].join(' '));
  }
  const log = join(dir, 'log.swf');
  writeFileSync(log, lines.join('\n') + '\n');
  swf = await scheduleLog({ trace: log, nodes: 8 });
  swfFcfs = await scheduleLog({ trace: log, nodes: 8, algorithms: ['fcfs', 'easy'] });
  const folder = join(dir, 'google');
  await generateTrace({ machines: 20, tasks: 300, days: 0.05, seed: 5, out: folder, usage: false });
  google = await scheduleLog({ trace: folder, nodes: 20, algorithms: ['fcfs'] });
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
