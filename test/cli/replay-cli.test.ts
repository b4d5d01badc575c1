import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { toJson } from '../../src/report/json.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';
import { POLICIES } from '../../src/systems/giantvm/types.ts';
import { AS_TERMINAL, stderrReaches } from './as-terminal.ts';
import { spawnSyncChild } from '../children.ts';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
let trace = '';
/** The real Google 2011 sample beside this checkout (tests that need it are skipped without it). */
const SAMPLE = fileURLToPath(new URL('../../../shared/traces/google2011', import.meta.url));
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-cli-'));
  trace = join(dir, 'trace');
  if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run \`npm run build\` first (npm test does)`);
  await generateTrace({ machines: 120, tasks: 1500, days: 0.04, seed: 5, out: trace });
});

function fairfit(...args: string[]) {
  const r = spawnSyncChild(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: process.env.CI ?? '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('fairfit replay writes the table, JSON, CSV and report', () => {
  it('prints one table line per policy and writes the same JSON as the API', async () => {
    const out = join(dir, 'r1');
    const r = fairfit('replay', '--trace', trace, '--policy', 'all', '--machines', '100', '--seed', '2', '--json', `${out}.json`, '--csv', `${out}.csv`, '--report', `${out}.html`, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    // First the modes that produced the runs, then the table.
    expect(lines[0]).toBe(`trace ${trace} (google2011): 1500 tasks · usage trace (${JSON.parse(readFileSync(`${out}.json`, 'utf8')).runs[0].info.tasksWithWindows} tasks with usage windows, ${JSON.parse(readFileSync(`${out}.json`, 'utf8')).runs[0].info.usageFallbackToRequest} fell back to request) · 100 identical machines · seed 2`);
    // The ratio is stated when some task's CPU came from it (the tasks that fell back to request).
    const info0 = JSON.parse(readFileSync(`${out}.json`, 'utf8')).runs[0].info;
    expect(lines[1]).toBe(`model: capacity 0.5, overcommit 1, cell size 4, interval 10 ticks, tick 1 s${info0.usageFallbackToRequest > 0 ? ', usage ratio 0.18' : ''}`);
    expect(lines[2]).toBe('rules: tasks all, time0 queue, arrival tick, delay finished, migratedRequest follows, destinationCheck usage, minMove 0.005, memOrder asc, gini time-mean');
    expect(lines[3]).toBe('');
    lines.splice(0, 4);
    expect(lines[0]).toMatch(/^policy\s+meanCpu\s+gini\s+overcommit\s+delay\s+stretch\s+migratedMemory\s+migrations$/);
    expect(lines.slice(2).map((l) => l.split(/\s+/)[0])).toEqual([...POLICIES]);
    const json = readFileSync(`${out}.json`, 'utf8');
    expect(json).toBe(toJson(await replay({ trace, machines: 100, seed: 2 })));
    const report = JSON.parse(json);
    expect(Object.keys(report)).toEqual(['trace', 'policies', 'runs']);
    expect(report.policies).toEqual([...POLICIES]);
    expect(report.trace).toMatchObject({ format: 'google2011', path: trace, usage: 'trace', machines: 100, seed: 2 });
    expect(Object.keys(report.runs[0])).toEqual(expect.arrayContaining(['policy', 'params', 'metrics', 'series']));
    const rows = parse(readFileSync(`${out}.csv`, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => x.policy)).toEqual([...POLICIES]);
    rows.forEach((row, i) => {
      for (const k of ['meanCpu', 'gini', 'overcommit', 'delay', 'stretch', 'migratedMemory', 'migrations']) expect(Number(row[k])).toBe(report.runs[i].metrics[k]);
      expect(Number(row.overcommitRatio)).toBe(1);
      expect(row.usage).toBe('trace');
    });
    expect(readFileSync(`${out}.html`, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('--preset thesis and the rule options reach every output; explicit options override the preset; a bad choice is a usage error', () => {
    const out = join(dir, 'rules');
    const r = fairfit('replay', '--trace', trace, '--policy', 'mem_usage', '--machines', '60', '--preset', 'thesis', '--delay', 'finished', '--migrated-request', 'stays',
      '--destination-check', 'request', '--mem-order', 'desc', '--gini', 'series-mean', '--min-move', '0', '--json', `${out}.json`, '--csv', `${out}.csv`, '--report', `${out}.html`, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const chosen = { tasks: 'ended', time0: 'queue', arrival: 'boundary', delay: 'finished', migratedRequest: 'stays', destinationCheck: 'request', minMove: 0, memOrder: 'desc', gini: 'series-mean' };
    expect(r.stdout.split('\n')[2]).toBe(`rules: ${Object.entries(chosen).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    expect(JSON.parse(readFileSync(`${out}.json`, 'utf8')).runs[0].params).toMatchObject(chosen);
    const row = (parse(readFileSync(`${out}.csv`, 'utf8'), { columns: true }) as Record<string, string>[])[0]!;
    expect({ tasks: row.tasks, time0: row.time0, arrival: row.arrival, delay: row.delayOver, migratedRequest: row.migratedRequest, destinationCheck: row.destinationCheck, minMove: Number(row.minMove), memOrder: row.memOrder, gini: row.giniRule }).toEqual(chosen);
    expect(readFileSync(`${out}.html`, 'utf8')).toContain('migratedRequest stays, destinationCheck request');
    for (const [flag, value] of [['--gini', 'median'], ['--tasks', 'some'], ['--preset', 'paper'], ['--migrated-request', 'moves']]) {
      const bad = fairfit('replay', '--trace', trace, '--machines', '60', flag!, value!, '--quiet');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(`${flag!.slice(2)}: '${value}' is not one of`);
    }
  });

  it('under --tasks ended, the line above the table and the report say how many of the trace\'s tasks take part', () => {
    const out = join(dir, 'ended');
    const r = fairfit('replay', '--trace', trace, '--policy', 'no_migration', '--machines', '50', '--usage', 'request', '--tasks', 'ended', '--json', `${out}.json`, '--report', `${out}.html`, '--quiet');
    expect(r.code).toBe(0);
    const info = JSON.parse(readFileSync(`${out}.json`, 'utf8')).runs[0].info;
    expect(info.arriving).toBeLessThan(1500);
    expect(r.stdout.split('\n')[0]).toContain(`: 1500 tasks (${info.arriving} of them end inside the window and take part) · usage request`);
    expect(readFileSync(`${out}.html`, 'utf8')).toContain(`["Tasks","1500 (${info.arriving} of them end inside the window and take part)"]`);
    // Under --tasks all (the default) the line is as it was.
    expect(fairfit('replay', '--trace', trace, '--policy', 'no_migration', '--machines', '50', '--usage', 'request', '--quiet').stdout.split('\n')[0]).toContain(': 1500 tasks · usage request');
  });

  it('under --arrival boundary, the line above the table and the report say how many tasks arrive at the end and take no part, when any do', () => {
    // Ticks of 1000 s over the 3456 s window: the last one is cut short, and every task submitted in it
    // would arrive at its boundary, the window end (they were only info.arrivesAtEnd in the JSON).
    const out = join(dir, 'boundary');
    const args = ['replay', '--trace', trace, '--policy', 'no_migration', '--machines', '50', '--usage', 'request', '--arrival', 'boundary', '--tick', '1000000000'];
    const r = fairfit(...args, '--json', `${out}.json`, '--report', `${out}.html`, '--quiet');
    expect(r.code).toBe(0);
    const info = JSON.parse(readFileSync(`${out}.json`, 'utf8')).runs[0].info;
    expect(info.arrivesAtEnd).toBeGreaterThan(0);
    expect(r.stdout.split('\n')[0]).toContain(`: 1500 tasks (${info.arrivesAtEnd} of them arrive at the end and take no part) · usage request`);
    expect(readFileSync(`${out}.html`, 'utf8')).toContain(`["Tasks","1500 (${info.arrivesAtEnd} of them arrive at the end and take no part)"]`);
    // With --tasks ended, both notes.
    const ended = fairfit(...args, '--tasks', 'ended', '--json', `${out}-ended.json`, '--quiet');
    const e = JSON.parse(readFileSync(`${out}-ended.json`, 'utf8')).runs[0].info;
    expect(e.arrivesAtEnd).toBeGreaterThan(0);
    expect(ended.stdout.split('\n')[0]).toContain(`: 1500 tasks (${e.arriving} of them end inside the window and take part; ${e.arrivesAtEnd} of them arrive at the end and take no part) · usage request`);
    // None at the end (ticks of 1 s): the line is as it was.
    const none = fairfit('replay', '--trace', trace, '--policy', 'no_migration', '--machines', '50', '--usage', 'request', '--arrival', 'boundary', '--json', `${out}-none.json`, '--quiet');
    expect(JSON.parse(readFileSync(`${out}-none.json`, 'utf8')).runs[0].info.arrivesAtEnd).toBe(0);
    expect(none.stdout.split('\n')[0]).toContain(': 1500 tasks · usage request');
  });

  it('under --tasks finished, fewer tasks take part than under ended (runs ended by KILL or FAIL are left out), and every output says so', () => {
    const out = join(dir, 'finished');
    const r = fairfit('replay', '--trace', trace, '--policy', 'no_migration', '--machines', '50', '--usage', 'request', '--tasks', 'finished', '--json', `${out}.json`, '--report', `${out}.html`, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const run = JSON.parse(readFileSync(`${out}.json`, 'utf8')).runs[0];
    const ended = JSON.parse(readFileSync(join(dir, 'ended.json'), 'utf8')).runs[0].info;
    expect(run.params.tasks).toBe('finished');
    expect(run.info.leftOutNotEnded).toBe(ended.leftOutNotEnded);
    expect(run.info.leftOutNotFinished).toBeGreaterThan(0);
    expect(run.info.arriving + run.info.leftOutNotFinished).toBe(ended.arriving);
    expect(r.stdout.split('\n')[0]).toContain(`: 1500 tasks (${run.info.arriving} of them finish inside the window and take part) · usage request`);
    expect(r.stdout.split('\n')[2]).toMatch(/^rules: tasks finished,/);
    expect(readFileSync(`${out}.html`, 'utf8')).toContain(`["Tasks","1500 (${run.info.arriving} of them finish inside the window and take part)"]`);
  });

  it("states the model's numbers above the table and in the report: the usage ratio whenever a task's CPU came from it, the tick", () => {
    const out = join(dir, 'model');
    const r = fairfit('replay', '--trace', trace, '--policy', 'no_migration', '--machines', '50', '--usage', 'request', '--usage-ratio', '0.3', '--tick', '500000', '--interval', '4', '--capacity', '0.4', '--overcommit', '0.9', '--cell-size', '5', '--report', `${out}.html`, '--quiet');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe('model: capacity 0.4, overcommit 0.9, cell size 5, interval 4 ticks, tick 500 ms, usage ratio 0.3');
    const html = readFileSync(`${out}.html`, 'utf8');
    expect(html).toContain('Usage ratio (CPU = request × ratio)');
    expect(html).toContain('500 ms');
    // Synthetic usage takes no CPU from the ratio: not stated.
    const s = fairfit('replay', '--trace', trace, '--policy', 'no_migration', '--machines', '50', '--usage', 'synthetic', '--quiet');
    expect(s.stdout.split('\n')[1]).toBe('model: capacity 0.5, overcommit 1, cell size 4, interval 10 ticks, tick 1 s');
  });

  it.skipIf(!existsSync(SAMPLE))('under synthetic usage, states the usage ratio and the fall-backs when some task\'s CPU came from it (the real sample: tasks without a synthetic window)', () => {
    const out = join(dir, 'synthetic-ratio');
    const r = fairfit('replay', '--trace', SAMPLE, '--policy', 'no_migration', '--machines', '800', '--preset', 'thesis', '--usage', 'synthetic', '--usage-ratio', '0.3', '--json', `${out}.json`, '--report', `${out}.html`, '--quiet');
    expect(r.code).toBe(0);
    const info = JSON.parse(readFileSync(`${out}.json`, 'utf8')).runs[0].info;
    expect(info.usageFallbackToRequest).toBeGreaterThan(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toContain(`usage synthetic (${info.tasksWithWindows} tasks with usage windows, ${info.usageFallbackToRequest} fell back to request)`);
    expect(lines[1]).toBe('model: capacity 0.5, overcommit 1, cell size 4, interval 10 ticks, tick 1 s, usage ratio 0.3');
    expect(readFileSync(`${out}.html`, 'utf8')).toContain('["Usage ratio (CPU = request × ratio)","0.3"]');
  });

  it('is byte-identical with --workers 2, and when a single policy is split by cells over 3 workers', () => {
    const a = join(dir, 'w1.json');
    const b = join(dir, 'w2.json');
    expect(fairfit('replay', '--trace', trace, '--machines', '80', '--json', a, '--quiet').code).toBe(0);
    expect(fairfit('replay', '--trace', trace, '--machines', '80', '--json', b, '--quiet', '--workers', '2').code).toBe(0);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    expect(fairfit('replay', '--trace', trace, '--machines', '80', '--policy', 'mem_usage', '--json', a, '--quiet').code).toBe(0);
    expect(fairfit('replay', '--trace', trace, '--machines', '80', '--policy', 'mem_usage', '--json', b, '--quiet', '--workers', '3').code).toBe(0);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
  });

  it('shows no progress bar when stderr is not a TTY: only what was read and the summary line', () => {
    const r = fairfit('replay', '--trace', trace, '--machines', '80', '--policy', 'no_migration');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^fairfit replay: read google2011 \(detected: folder with task_events\/\): \d+ rows from \d files, window [\d.]+ (min|h)\n1 run in \d+\.\d s\n$/);
  });
});

describe('task_usage rows whose task is not in task_events', () => {
  it('are left out and said on stderr, as the JSON counts them (usageUnmatched), in both ways of reading task_usage', () => {
    const folder = join(dir, 'unmatched');
    cpSync(trace, folder, { recursive: true });
    const part = join(folder, 'task_usage', readdirSync(join(folder, 'task_usage')).find((f) => f.startsWith('part-'))!);
    const first = gunzipSync(readFileSync(part)).toString('utf8').split('\n')[0]!.split(',');
    // Three rows of a job the trace does not have: a gzip member appended (gunzip reads them in a row).
    const rows = [0, 1, 2].map((k) => [first[0], first[1], '999999', String(k), ...first.slice(4)].join(',')).join('\n') + '\n';
    appendFileSync(part, gzipSync(rows));
    for (const how of ['stream', 'whole']) {
      const out = join(dir, `unmatched-${how}.json`);
      const r = fairfit('replay', '--trace', folder, '--policy', 'no_migration', '--machines', '100', '--usage-read', how, '--json', out);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('; 3 task_usage rows of tasks not in task_events left out');
      expect(JSON.parse(readFileSync(out, 'utf8')).trace.usageUnmatched).toBe(3);
    }
    // None left out: nothing said.
    expect(fairfit('replay', '--trace', trace, '--policy', 'no_migration', '--machines', '100').stderr).not.toContain('left out');
  });
});

describe('fairfit sweep', () => {
  it('runs the grid in order and gives byte-identical JSON with 1 and 2 workers', () => {
    const a = join(dir, 's1.json');
    const b = join(dir, 's2.json');
    const args = ['sweep', '--trace', trace, '--machines', '60:100:40', '--overcommit', '0.5:1.4:0.3', '--policy', 'no_migration,fine_grained', '--seeds', '2', '--quiet'];
    const r1 = fairfit(...args, '--json', a, '--workers', '1');
    expect(r1.code).toBe(0);
    expect(fairfit(...args, '--json', b, '--workers', '2').code).toBe(0);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    const report = JSON.parse(readFileSync(a, 'utf8'));
    expect(report.sweep).toEqual({ machines: [60, 100], overcommit: [0.5, 0.8, 1.1, 1.4], seeds: [1, 2], policies: ['no_migration', 'fine_grained'], configurations: 32, completed: 32 });
    const keys = report.runs.map((r: { policy: string; params: { machines: number; overcommit: number; seed: number } }) => `${r.params.machines}/${r.params.overcommit}/${r.params.seed}/${r.policy}`);
    expect(keys.slice(0, 5)).toEqual(['60/0.5/1/no_migration', '60/0.5/1/fine_grained', '60/0.5/2/no_migration', '60/0.5/2/fine_grained', '60/0.8/1/no_migration']);
    expect(keys.at(-1)).toBe('100/1.4/2/fine_grained');
    expect(r1.stdout).toMatch(/^trace .* · usage trace .* · machines 60, 100 · seeds 1, 2\nmodel: capacity 0.5, overcommit 0.5, 0.8, 1.1, 1.4, cell size 4, interval 10 ticks, tick 1 s(, usage ratio 0.18)?\nrules: tasks all, .*, gini time-mean\n\npolicy\s+runs\s+meanCpu/);
    expect(r1.stdout).toContain('mean over the policy');
  });

  it('states every cell size in effect when some machine counts are below it (the model line and the report)', () => {
    const out = join(dir, 'cells');
    const r = fairfit('sweep', '--trace', trace, '--machines', '2,3,8', '--overcommit', '1', '--policy', 'no_migration', '--usage', 'request', '--json', `${out}.json`, '--report', `${out}.html`, '--quiet');
    expect(r.code).toBe(0);
    const runs = JSON.parse(readFileSync(`${out}.json`, 'utf8')).runs as { params: { machines: number; cellSize: number } }[];
    expect(runs.map((x) => [x.params.machines, x.params.cellSize])).toEqual([[2, 2], [3, 3], [8, 4]]);
    expect(r.stdout.split('\n')[1]).toBe('model: capacity 0.5, overcommit 1, cell size 2 (3 at 3 machines, 4 at 8 machines), interval 10 ticks, tick 1 s, usage ratio 0.18');
    expect(readFileSync(`${out}.html`, 'utf8')).toContain('["Cell size","2 (3 at 3 machines, 4 at 8 machines)"]');
    // One cell size for every run: stated once, as before.
    const same = fairfit('sweep', '--trace', trace, '--machines', '8,12', '--overcommit', '1', '--policy', 'no_migration', '--usage', 'request', '--quiet');
    expect(same.stdout.split('\n')[1]).toBe('model: capacity 0.5, overcommit 1, cell size 4, interval 10 ticks, tick 1 s, usage ratio 0.18');
  });

  it('names the machines of machine_events as a replay does (it said "machines trace")', () => {
    const fromTrace = fairfit('sweep', '--trace', trace, '--machines', 'trace', '--overcommit', '1', '--policy', 'no_migration', '--usage', 'request', '--quiet');
    expect(fromTrace.code).toBe(0);
    expect(fromTrace.stdout.split('\n')[0]).toMatch(/ · machines from machine_events · seeds 1$/);
  });
});

describe('fairfit replay/sweep reject bad options with exit 2 and name the option', () => {
  it.each([
    [['sweep', '--overcommit', '1.4:0.5:0.3'], 'overcommit'],
    [['sweep', '--machines', '700:900'], 'machines'],
    [['replay', '--policy', 'fine_grained,best_fit'], 'policy'],
    [['replay', '--workers', '0'], 'workers'],
    [['replay', '--machines', 'many'], 'machines'],
    [['replay', '--capacity', '-1'], 'capacity'],
    [['replay', '--usage', 'guess'], 'usage'],
    [['replay', '--tick', '-1'], 'tick'],
    [['sweep', '--usage-ratio', 'half'], 'usage-ratio'],
    [['sweep', '--seeds', '2.5'], 'seeds'],
  ])('%j', (args, field) => {
    const [cmd, ...rest] = args as string[];
    const r = fairfit(cmd!, '--trace', trace, ...rest, '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('INVALID_OPTION');
    expect(r.stderr).toContain(field);
    expect(r.stdout).toBe('');
  });
  it('a missing trace folder is a runtime failure (exit 1, FILE_NOT_FOUND); no --trace is a usage error', () => {
    const r = fairfit('replay', '--trace', join(dir, 'nope'), '--quiet');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FILE_NOT_FOUND');
    expect(fairfit('replay').code).toBe(2);
  });
});

describe('Ctrl-C stops a long sweep cleanly and still writes the finished runs', () => {
  it('first SIGINT: exit 130, JSON/CSV/report written and marked interrupted', async () => {
    const out = join(dir, 'int');
    const child = spawn(process.execPath, [...AS_TERMINAL, MAIN, 'sweep', '--trace', trace, '--machines', '40:400:2', '--overcommit', '0.5:1.4:0.1', '--policy', 'no_migration,fine_grained', '--workers', '2', '--no-series', '--json', `${out}.json`, '--csv', `${out}.csv`, '--report', `${out}.html`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // Stopped once the bar counts a finished run (the sweep needs minutes): a fixed 5 s could end inside the read on a loaded machine.
    await stderrReaches(child, /\| [1-9]\d*\/3620 runs \|/);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(stderr).toContain('interrupted');
    expect(code).toBe(130);
    const report = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
    expect(report.interrupted).toBe(true);
    expect(report.sweep.configurations).toBe(181 * 10 * 2);
    expect(report.runs.length).toBeGreaterThan(0);
    expect(report.runs.length).toBeLessThan(report.sweep.configurations);
    expect(report.sweep.completed).toBe(report.runs.length);
    expect(report.runs[0].series).toEqual({});
    expect(readFileSync(`${out}.csv`, 'utf8').trimEnd().split('\n')).toHaveLength(report.runs.length + 1);
    expect(readFileSync(`${out}.csv`, 'utf8').split('\n')[0]).toMatch(/,interrupted$/);
    expect(readFileSync(`${out}.html`, 'utf8')).toContain('"interrupted":true');
    expect(stdout).toMatch(/^trace .*\nmodel: .*\nrules: .*\n\npolicy/);
  });
});

describe('any rhythm of SIGINT and SIGTERM writes the finished runs once and exits 130', () => {
  it.each([
    ['SIGINT twice, 3 ms apart (as `timeout -s INT` after a Ctrl-C)', ['SIGINT', 'SIGINT'], 3],
    ['SIGTERM, then SIGINT and SIGTERM again', ['SIGTERM', 'SIGINT', 'SIGTERM'], 1],
    ['five SIGINTs, 50 ms apart', ['SIGINT', 'SIGINT', 'SIGINT', 'SIGINT', 'SIGINT'], 50],
  ] as const)('%s', async (_name, signals, gap) => {
    const out = join(dir, `burst-${signals.length}-${gap}`);
    mkdirSync(out, { recursive: true });
    const child = spawn(process.execPath, [MAIN, 'sweep', '--trace', trace, '--machines', '40:400:2', '--overcommit', '0.5:1.4:0.1', '--policy', 'no_migration', '--no-series', '--json', join(out, 'r.json'), '--report', join(out, 'r.html')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    // The trace is read (and the handler installed) once stderr says so; then give some runs time to finish.
    const read = new Promise<void>((resolve) => child.stderr.on('data', (d) => ((stderr += d), stderr.includes('fairfit sweep: read') && resolve())));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    await read;
    await new Promise((r) => setTimeout(r, 1500));
    for (const s of signals) {
      child.kill(s);
      await new Promise((r) => setTimeout(r, gap));
    }
    expect(await exited).toBe(130);
    // One "stopping" message, at most one "already stopping", whatever the number of signals.
    expect(stderr.match(/stopping; the finished runs will be written/g)).toHaveLength(1);
    expect((stderr.match(/already stopping/g) ?? []).length).toBeLessThanOrEqual(1);
    expect(stderr).not.toMatch(/internal error|\n\s+at /);
    const report = JSON.parse(readFileSync(join(out, 'r.json'), 'utf8'));
    expect(report.interrupted).toBe(true);
    expect(report.sweep.completed).toBe(report.runs.length);
    expect(readFileSync(join(out, 'r.html'), 'utf8')).toContain('"interrupted":true');
    // Written once, through temporary files that are all gone.
    expect(readdirSync(out).sort()).toEqual(['r.html', 'r.json']);
  }, 60_000);
});
