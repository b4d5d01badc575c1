/**
 * The scenario derived from the real Alibaba 2018 machine tables of
 * ../shared/traces (skipped when ../shared is absent): one host per machine
 * with usage rows, VMs whose use sums to the machine's measured use in every
 * period, and a replay of the day period by period with every algorithm.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { alibabaScenario, type AlibabaScenarioRead } from '../../src/systems/crs/alibaba-scenario.ts';
import type { RebalanceScenario } from '../../src/systems/crs/scenario.ts';
import { runScenario } from '../../src/systems/crs/scenario-run.ts';
import { validateScenario } from '../../src/systems/crs/scenario-schema.ts';

const DIR = join(import.meta.dirname, '../../../shared/traces/alibaba2018');
const HAVE = existsSync(join(DIR, 'machine_usage.head100k.csv'));
if (!HAVE) console.warn(`skipped: the Alibaba 2018 extract is absent because ../shared is absent (${DIR})`);

describe.skipIf(!HAVE)('the Alibaba-derived scenario (skipped when ../shared is absent)', () => {
  let s: RebalanceScenario;
  let read: AlibabaScenarioRead | undefined;
  beforeAll(async () => {
    s = await alibabaScenario(DIR, { day: 2, periodMinutes: 60, onRead: (r) => (read = r) });
  });

  it('has the 15 machines sampled on day 2 (96 cores each; m_1932, sampled on days 5–8 only, left out and named), 12 VMs each, 24 hourly periods, and passes the schema', () => {
    expect(s.hosts).toHaveLength(15);
    expect(read!.noSample).toEqual(['m_1932']);
    expect(s.description).toMatch(/left out: 1 without a CPU or memory sample on day 2 \(m_1932\)$/);
    expect(s.hosts.every((h) => h.cpu === 96)).toBe(true);
    expect(s.vms).toHaveLength(15 * 12);
    expect(s.periods).toHaveLength(24);
    expect(validateScenario(s)).toBe(s);
  });

  it("a host's VMs add up to its measured use in every period (utilisation in [0, 1])", () => {
    for (const p of s.periods!) {
      s.hosts.forEach((h) => {
        const mine = s.vms.map((v, i) => [v, i] as const).filter(([v]) => v.host === h.name);
        const cpu = mine.reduce((a, [, i]) => a + p.use[i]![0], 0) / h.cpu;
        const mem = mine.reduce((a, [, i]) => a + p.use[i]![1], 0) / h.mem;
        expect(cpu).toBeGreaterThanOrEqual(0);
        expect(cpu).toBeLessThanOrEqual(1.001);
        expect(mem).toBeLessThanOrEqual(1.001);
      });
    }
    // Real data: the machines are not idle and not identical.
    const u0 = s.hosts.map((h) => s.vms.filter((v) => v.host === h.name).reduce((a, v) => a + (v.use.cpu as number), 0) / h.cpu);
    expect(Math.max(...u0) - Math.min(...u0)).toBeGreaterThan(0.05);
  });

  it('replays the day period by period with CRS, SS and FF, never making a host high', () => {
    const runs = runScenario(s);
    for (const r of runs) {
      expect(r.periods).toHaveLength(24);
      expect(r.totalMoves).toBe(r.periods.reduce((a, p) => a + p.moves, 0));
      // A plan never makes a host high: targets stay below H and sources only shed load.
      for (const p of r.periods) expect(p.highAfter).toBeLessThanOrEqual(p.highBefore);
    }
    console.log(runs.map((r) => `${r.algorithm}: ${r.totalMoves} moves; mean cpu gap after ${(r.periods.reduce((a, p) => a + p.spreadAfter.cpu, 0) / 24).toFixed(3)}`).join('\n'));
  });
});

describe('a day without machine_usage samples', () => {
  it('is NO_DATA naming the days the samples span, not a scenario at zero use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fairfit-ali-day-'));
    try {
      writeFileSync(join(dir, 'machine_meta.csv'), 'm_1,0,1,2,96,100,USING\nm_2,0,1,2,96,100,USING\n');
      // Samples at 10 min and 20 h of day 1 only.
      writeFileSync(join(dir, 'machine_usage.csv'), 'm_1,600,50,60,,,1,2,3\nm_2,72000,40,30,,,1,2,3\n');
      await expect(alibabaScenario(dir, { day: 1 })).resolves.toMatchObject({ hosts: [{ name: 'm_1' }, { name: 'm_2' }] });
      await expect(alibabaScenario(dir, { day: 3 })).rejects.toMatchObject({ code: 'NO_DATA', message: `${dir}: no machine_usage sample on day 3; the samples span days 1–1` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('machines not sampled on the chosen day, or not from its start', () => {
  it('are left out and named when they have no CPU or no memory sample that day; before its first sample a machine takes that sample, not 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fairfit-ali-sampled-'));
    try {
      writeFileSync(join(dir, 'machine_meta.csv'), ['m_1', 'm_2', 'm_3', 'm_4'].map((m) => `${m},0,1,2,96,100,USING`).join('\n') + '\n');
      // Day 2 starts at 86,400 s. m_1: sampled at 10 min and at 5 h; m_2: first sampled at 3 h 10 min;
      // m_3: day 1 only; m_4: CPU only (memory empty) on day 2.
      const rows = ['m_1,87000,50,60', 'm_1,104400,20,30', 'm_2,98400,40,80', 'm_3,600,90,90', 'm_4,87000,30,'];
      writeFileSync(join(dir, 'machine_usage.csv'), rows.map((r) => `${r},,,1,2,3`).join('\n') + '\n');
      let read: AlibabaScenarioRead | undefined;
      const s = await alibabaScenario(dir, { day: 2, periodMinutes: 60, vmsPerHost: 1, onRead: (r) => (read = r) });
      expect(s.hosts.map((h) => h.name)).toEqual(['m_1', 'm_2']);
      expect(read!.noSample).toEqual(['m_3', 'm_4']);
      expect(s.description).toMatch(/left out: 2 without a CPU or memory sample on day 2 \(m_3, m_4\)$/);
      // One VM a host: its use is the host's. m_2 before 3 h: its 3 h sample (40 % of 96 cores, 80 % of 100), not idle.
      const use = (p: number) => s.periods![p]!.use;
      expect([0, 1, 2, 3, 4].map((p) => use(p)[1])).toEqual(Array(5).fill([38.4, 80]));
      // m_1: its first hour's sample, kept until the next one at 5 h.
      expect([0, 4, 5, 23].map((p) => use(p)[0])).toEqual([[48, 60], [48, 60], [19.2, 30], [19.2, 30]]);
      // No machine sampled in both dimensions: NO_DATA, not hosts at zero use.
      writeFileSync(join(dir, 'machine_usage.csv'), 'm_4,87000,30,,,,1,2,3\n');
      await expect(alibabaScenario(dir, { day: 2 })).rejects.toMatchObject({ code: 'NO_DATA', message: `${dir}: no machine has both a CPU and a memory sample on day 2 (1 with one of them only)` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('machines the scenario cannot size', () => {
  it('are left out and named (no made-up 96 cores), the read summary is given to onRead, and none left is NO_DATA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fairfit-ali-meta-'));
    try {
      // m_3 has no meta row, m_4 has 0 cores, m_5 no memory size; one usage line is bad (time "x").
      writeFileSync(join(dir, 'machine_meta.csv'), 'm_1,0,1,2,96,100,USING\nm_2,0,1,2,48,50,USING\nm_4,0,1,2,0,100,USING\nm_5,0,1,2,96,,USING\n');
      writeFileSync(join(dir, 'machine_usage.csv'), ['m_1,600,50,60,,,1,2,3', 'm_2,600,40,30,,,1,2,3', 'm_3,600,90,90,,,1,2,3', 'm_4,600,20,20,,,1,2,3', 'm_5,600,20,20,,,1,2,3', 'm_1,x,1,1,,,1,2,3'].join('\n') + '\n');
      let read: AlibabaScenarioRead | undefined;
      const s = await alibabaScenario(dir, { day: 1, onRead: (r) => (read = r) });
      expect(s.hosts).toEqual([{ name: 'm_1', cpu: 96, mem: 100 }, { name: 'm_2', cpu: 48, mem: 50 }]);
      expect(read!.noMeta).toEqual(['m_3']);
      expect(read!.noCapacity).toEqual(['m_4', 'm_5']);
      expect(read!.summary.skipped).toBe(1);
      expect(read!.summary.firstProblems[0]).toMatch(/machine_usage\.csv:6/);
      expect(s.description).toMatch(/left out: 1 without a valid machine_meta row \(m_3\); 2 with 0 or no cores or memory in machine_meta \(m_4, m_5\)$/);
      // Only the left-out machines have samples on the day: nothing to make a scenario of.
      writeFileSync(join(dir, 'machine_usage.csv'), 'm_3,600,90,90,,,1,2,3\nm_4,600,20,20,,,1,2,3\n');
      await expect(alibabaScenario(dir, { day: 1 })).rejects.toMatchObject({ code: 'NO_DATA', message: `${dir}: no machine with machine_usage rows has a capacity in machine_meta (1 without a valid machine_meta row, 1 with 0 or no cores or memory)` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
