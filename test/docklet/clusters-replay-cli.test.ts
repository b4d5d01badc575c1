/**
 * `fairfit clusters-replay` through the built command: the comparison table on stdout, the account of
 * what was read and left out on stderr, the JSON, CSV and HTML reports equal to the API's, and a bad option or a
 * trace folder without machine_events/ refused by code and exit status.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toJson } from '../../src/report/json.ts';
import { clustersReplayCsv, renderClustersReplayHtml } from '../../src/systems/docklet/clusters-replay-report.ts';
import { replayClusters } from '../../src/systems/docklet/trace-replay.ts';
import { spawnSyncChild } from '../children.ts';
import { CHURN_TRACE, WAIT_TRACE, writeTrace } from './trace-helpers.ts';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
let dir = '';
let trace = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-vcreplay-cli-'));
  trace = writeTrace(join(dir, 'trace'), WAIT_TRACE.tasks, WAIT_TRACE.machines);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function fairfit(args: string[]) {
  return spawnSyncChild(process.execPath, [MAIN, 'clusters-replay', ...args], { encoding: 'utf8' });
}

describe('fairfit clusters-replay', () => {
  it('prints one row per rule, says what it read and left out, and writes the report the API gives', async () => {
    const json = join(dir, 'out.json');
    const r = fairfit(['--trace', trace, '--sample-seconds', '100', '--json', json]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^placement\s+asked\s+at once\s+after wait\s+waiting/);
    expect(lines[2]).toMatch(/^spread\s+2\s+1\s+1\s+0\s+0\s+300\s+300\s+3\s+1\.444\s/);
    expect(lines[3]).toMatch(/^pack\s+2\s+2\s+0\s+0\s+0\s+—\s+—\s+3\s+1\.333\s/);
    expect(r.stderr).toContain(`read ${trace}: 2 jobs (3 tasks) → 2 virtual clusters on 2 hosts, window 600–1500 s, load sampled every 100 s`);
    expect(r.stderr).toMatch(/left out: 0 jobs without any request, .* 0 bad lines/);
    expect(readFileSync(json, 'utf8')).toBe(toJson(await replayClusters(trace, { sampleSeconds: 100 })));
  });

  it('--csv - and --report FILE: the CSV on stdout (the table then on stderr) and the page the API renders; --json alone: on stdout', async () => {
    const page = join(dir, 'page.html');
    const r = fairfit(['--trace', trace, '--sample-seconds', '100', '--csv', '-', '--report', page]);
    expect(r.status, r.stderr).toBe(0);
    const api = await replayClusters(trace, { sampleSeconds: 100 });
    expect(r.stdout).toBe(clustersReplayCsv(api));
    expect(r.stdout.split('\n')[0]).toMatch(/^placement,asked,placedAtOnce,placedAfterWait,waitingAtEnd,/);
    expect(r.stdout.split('\n').slice(1, 3).map((l) => l.split(',')[0])).toEqual(['spread', 'pack']);
    expect(r.stderr).toMatch(/^placement\s+asked/m);
    expect(readFileSync(page, 'utf8')).toBe(renderClustersReplayHtml(api));
    expect(r.stderr).toContain(`wrote ${page}, standard output`);
    const alone = fairfit(['--trace', trace, '--sample-seconds', '100', '--json', '--quiet']);
    expect(alone.status, alone.stderr).toBe(0);
    expect(JSON.parse(alone.stdout).runs[0].series.waiting).toEqual([0, 1, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('--machine-events apply: what the events did, on stderr and in the CSV; ignored by default, and said so; a bad value exits 2', async () => {
    const churn = writeTrace(join(dir, 'churn'), CHURN_TRACE.tasks, CHURN_TRACE.machines);
    const r = fairfit(['--trace', churn, '--placement', 'spread', '--sample-seconds', '100', '--machine-events', 'apply', '--csv', '-']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('machine events applied under spread: 1 host added, 2 removed, 3 events not applied (updates, repeats); 1 member moved off removed hosts, 1 cluster evicted (1 placed again, 0 waiting at the end)');
    expect(r.stdout).toBe(clustersReplayCsv(await replayClusters(churn, { placements: ['spread'], sampleSeconds: 100, machineEvents: 'apply' })));
    const [header, row] = r.stdout.split('\n').map((l) => l.split(','));
    const cell = (k: string) => row![header!.indexOf(k)];
    expect([cell('machineEvents'), cell('added'), cell('removed'), cell('evicted'), cell('placedAgain')]).toEqual(['apply', '1', '2', '1', '1']);
    const ignored = fairfit(['--trace', churn, '--placement', 'spread', '--csv', '-']);
    expect(ignored.stderr).toContain('the machine events inside the window are not applied (--machine-events apply applies them)');
    const [h2, r2] = ignored.stdout.split('\n').map((l) => l.split(','));
    expect([r2![h2!.indexOf('machineEvents')], r2![h2!.indexOf('evicted')]]).toEqual(['ignore', '']);
    const bad = fairfit(['--trace', churn, '--machine-events', 'some']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("INVALID_OPTION: --machine-events: 'some' is not one of ignore, apply");
  });

  it('--placement pack --quiet: one row, nothing on stderr', () => {
    const r = fairfit(['--trace', trace, '--placement', 'pack', '--quiet']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter((l) => /^(spread|pack)\s/.test(l)).map((l) => l.split(/\s+/)[0])).toEqual(['pack']);
    expect(r.stderr).toBe('');
  });

  it('a bad option is refused naming it, exit 2; a folder without machine_events/ is FILE_NOT_FOUND, exit 1', () => {
    const bad = fairfit(['--trace', trace, '--placement', 'random']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("INVALID_OPTION: --placement: 'random' is not one of spread, pack, both");
    const missing = fairfit(['--trace', join(trace, 'task_events')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^fairfit: FILE_NOT_FOUND: .*no task_events\/ folder/);
  });

  it('--max-skipped: a trace with more bad lines than the fraction is refused before any replay, exit 1; the default (0.1) lets 1 bad line in 12 through', () => {
    // 9 task lines, 1 bad line, 2 machine lines: 1 of 12 lines skipped (8.3 %).
    const damaged = writeTrace(join(dir, 'damaged'), WAIT_TRACE.tasks, WAIT_TRACE.machines, ['not a task event']);
    const strict = fairfit(['--trace', damaged, '--max-skipped', '0.05']);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toBe('');
    expect(strict.stderr).toMatch(/PARSE_ERROR: .*damaged: 1 of 12 lines skipped \(8\.3 %\), more than the limit 0\.05 \(--max-skipped\)/);
    const lenient = fairfit(['--trace', damaged, '--quiet']);
    expect(lenient.status).toBe(0);
    expect(fairfit(['--trace', damaged, '--max-skipped', '2']).status).toBe(2);
  });
});
