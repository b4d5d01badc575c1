/**
 * `fairfit gen-scenario` and `fairfit rebalance` through the built command:
 * a generated scenario planned by CRS, SS and FF (table, JSON, HTML report),
 * the same plans as the API, and errors that name the option (exit 2) or the
 * scenario file's field (exit 1, bad data).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRebalance } from '../../src/systems/crs/plan.ts';
import { readScenario } from '../../src/systems/crs/scenario-schema.ts';
import { spawnSyncChild } from '../children.ts';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-rebalance-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function fairfit(...args: string[]) {
  return spawnSyncChild(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
}

describe('fairfit gen-scenario + fairfit rebalance', () => {
  it('plans a generated cluster with the three algorithms and writes JSON and HTML', () => {
    const file = join(dir, 's.json');
    const g = fairfit('gen-scenario', '--hosts', '30', '--seed', '4', '--now', '1,1,1', '--out', file, '--quiet');
    expect(g.status).toBe(0);
    const r = fairfit('rebalance', '--input', file, '--json', join(dir, 'r.json'), '--report', join(dir, 'r.html'), '--quiet');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^algorithm\s+moves\s+waves\s+powerOff/);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(report.runs.map((x: { algorithm: string }) => x.algorithm)).toEqual(['crs', 'ss', 'ff']);
    // The command's plan is the API's plan.
    const api = planRebalance(readScenario(file), { algorithm: 'ss' });
    expect(report.runs[1].plan.waves).toEqual(api.waves);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain('h0 cpu');
    expect(html).toContain('fairfit — CRS vs SS vs FF rebalancing');
  });

  it('--csv writes one row per algorithm with the table\'s numbers (the option did not exist)', () => {
    const file = join(dir, 'c.json');
    expect(fairfit('gen-scenario', '--hosts', '12', '--seed', '2', '--out', file, '--quiet').status).toBe(0);
    const r = fairfit('rebalance', '--input', file, '--algorithm', 'crs,ff', '--json', join(dir, 'c-out.json'), '--csv', join(dir, 'c.csv'), '--quiet');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = readFileSync(join(dir, 'c.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('algorithm,moves,waves,powerOff,unresolved,cpuGapBefore,cpuGapAfter,memGapBefore,memGapAfter,periods,replayMoves,replayMeanCpuGapAfter,replayMeanMemGapAfter');
    const report = JSON.parse(readFileSync(join(dir, 'c-out.json'), 'utf8'));
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['crs', 'ff']);
    lines.slice(1).forEach((line, i) => {
      const p = report.runs[i].plan;
      expect(line).toBe([report.runs[i].algorithm, p.moves, p.waves.length, p.powerOff.length, p.unresolved.length, p.spread.before.cpu, p.spread.after.cpu, p.spread.before.mem, p.spread.after.mem, 0, 0, '', ''].join(','));
    });
  });

  it('rejects a bad scenario file as data (exit 1, like malformed JSON) and a bad option with exit 2, naming each', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ hosts: [{ name: 'a', cpu: 4, mem: 8 }], vms: [{ name: 'v', host: 'b', cpu: 1, mem: 2, use: { cpu: 1, mem: 1 } }] }));
    const a = fairfit('rebalance', '--input', file);
    expect(a.status).toBe(1);
    expect(a.stderr).toMatch(/PARSE_ERROR: .*bad\.json: scenario\.vms\[0\]\.host 'b' is not a host/);
    writeFileSync(file, JSON.stringify({ hosts: [{ name: 'a', cpu: -4, mem: 8 }], vms: [] }));
    const s = fairfit('rebalance', '--input', file);
    expect(s.status).toBe(1);
    expect(s.stderr).toMatch(/PARSE_ERROR: .*scenario\.hosts\[0\]\.cpu/);
    // Valid field by field, but its uses sum past the largest number: found while planning, and named as the file's too.
    writeFileSync(file, JSON.stringify({ hosts: [{ name: 'a', cpu: 1e308, mem: 1 }], vms: ['v', 'w'].map((name) => ({ name, host: 'a', cpu: 1, mem: 1, use: { cpu: 1e308, mem: 0 } })) }));
    const o = fairfit('rebalance', '--input', file);
    expect(o.status).toBe(1);
    expect(o.stderr).toMatch(/NOT_FINITE: .*bad\.json: hosts\[0\]: the cpu use of its base and VMs sums past the largest number/);
    writeFileSync(file, '{"hosts": [');
    const j = fairfit('rebalance', '--input', file);
    expect(j.status).toBe(1);
    expect(j.stderr).toMatch(/PARSE_ERROR: .*not valid JSON/);
    const good = join(dir, 'good.json');
    expect(fairfit('gen-scenario', '--preset', 'paper', '--out', good, '--quiet').status).toBe(0);
    const b = fairfit('rebalance', '--input', good, '--algorithm', 'crs,xx');
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/--algorithm: 'xx'/);
    const c = fairfit('rebalance', '--input', good, '--low', '0.8,0.3');
    expect(c.status).toBe(2);
    expect(c.stderr).toMatch(/--low/);
    const d = fairfit('gen-scenario', '--preset', 'big', '--out', good);
    expect(d.status).toBe(2);
    expect(d.stderr).toMatch(/--preset/);
  });

  it('says what it is doing, one stderr line per stage (a scenario of 10^5 hosts was a silent minute)', () => {
    const file = join(dir, 'p.json');
    const g = fairfit('gen-scenario', '--hosts', '3', '--vms', '5', '--out', file);
    expect(g.status).toBe(0);
    expect(g.stderr).toBe(`writing ${file}: 3 hosts, 5 VMs\nwrote ${file}: 3 hosts, 5 VMs, 40 courses\n`);
    const out = join(dir, 'p-out.json');
    const r = fairfit('rebalance', '--input', file, '--algorithm', 'ff,crs', '--json', out);
    expect(r.status).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(new RegExp(`^read ${file}: 3 hosts, 5 VMs in \\d+\\.\\d\\d s$`));
    expect(lines[1]).toMatch(/^ff: \d+ migrations planned in \d+\.\d\d s$/);
    expect(lines[2]).toMatch(/^crs: \d+ migrations planned in /);
    expect(lines[3]).toBe(`writing ${out}`);
    expect(lines[4]).toMatch(new RegExp(`^2 algorithms in .* s; wrote ${out}$`));
  });

  it('gen-scenario refuses a flag its source ignores (exit 2, naming the flag), where it wrote another cluster than asked', () => {
    const out = join(dir, 'ignored.json');
    const cases: [string[], RegExp][] = [
      [['--preset', 'paper', '--hosts', '5'], /INVALID_OPTION: --hosts: .*random preset only/],
      [['--preset', 'paper', '--courses', '3'], /INVALID_OPTION: --courses: /],
      [['--hosts', '5', '--period-minutes', '7'], /INVALID_OPTION: --period-minutes: applies to --alibaba only/],
      [['--vms-per-host', '4'], /INVALID_OPTION: --vms-per-host: applies to --alibaba only/],
      [['--alibaba', dir, '--hosts', '5'], /INVALID_OPTION: --hosts: applies to the presets only, not to --alibaba/],
      [['--alibaba', dir, '--preset', 'random'], /INVALID_OPTION: --preset: /],
      [['--hosts', '0'], /INVALID_OPTION: --hosts: /],
    ];
    for (const [args, message] of cases) {
      const r = fairfit('gen-scenario', ...args, '--out', out, '--quiet');
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.status, args.join(' ')).toBe(2);
      expect(existsSync(out)).toBe(false);
    }
  });
});

const ALIBABA = join(import.meta.dirname, '../../../shared/traces/alibaba2018');
const HAVE = existsSync(join(ALIBABA, 'machine_usage.head100k.csv'));
if (!HAVE) console.warn(`skipped: the Alibaba 2018 extract is absent because ../shared is absent (${ALIBABA})`);

describe.skipIf(!HAVE)('fairfit gen-scenario --alibaba (skipped when ../shared is absent)', () => {
  it('derives a scenario from the real machine tables and fairfit rebalance replays it period by period', () => {
    const file = join(dir, 'alibaba.json');
    const g = fairfit('gen-scenario', '--alibaba', ALIBABA, '--day', '3', '--period-minutes', '120', '--out', file);
    expect(g.status).toBe(0);
    // m_1932 has no sample on day 3 (days 5–8 only): left out and named, not a host at zero use.
    expect(g.stderr).toMatch(/machines with usage rows left out: 1 without a CPU or memory sample on day 3 \(m_1932\)\n/);
    expect(g.stderr).toMatch(/15 hosts, 180 VMs, 0 courses, 12 periods/);
    const r = fairfit('rebalance', '--input', file, '--algorithm', 'crs,ff', '--json', join(dir, 'a.json'), '--quiet');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/crs: 12 periods replayed/);
    const report = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'));
    expect(report.runs[1].periods.map((p: { label: string }) => p.label)[1]).toBe('day 3 02:00');
  });
});

