/**
 * `-` as an input path is standard input (`schedule`, `replay`, `sweep --trace -`,
 * `inspect -`, `rebalance --input -`), through the built command with its stdin
 * piped from content generated here: the same results as the same content given
 * as a file, every name in the outputs and messages `standard input` (never the
 * temporary file it is copied to), the errors of a file, and no temporary file
 * left (each run gets its own TMPDIR, checked empty after it), also after an
 * error or a signal.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { swfText } from '../swf-log.ts';
import { forcedCollections, MAIN } from './option-fixture.ts';
import { spawnSyncChild } from '../children.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
/** The TMPDIR of the runs: where the copy of standard input goes, and must be gone from after each run. */
let tmp = '';
let google = '';
let taskEvents = '';
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-pipe-tests-'));
  tmp = join(dir, 'tmp');
  google = join(dir, 'google');
  taskEvents = join(google, 'task_events', 'part-00000-of-00001.csv.gz');
  if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run \`npm run build\` first (npm test does)`);
  mkdirSync(tmp);
  await generateTrace({ machines: 20, tasks: 200, days: 0.02, seed: 4, out: google, usage: false });
});

const SWF = swfText();

type Result = { code: number | null; stdout: string; stderr: string };

/** The built CLI with `args`, `input` on its stdin (a pipe; empty when not given), TMPDIR `tmp`. */
function fairfit(args: string[], input: string | Buffer = '', cwd?: string): Result {
  const r = spawnSyncChild(process.execPath, [MAIN, ...args], { input, cwd, encoding: 'utf8', env: { ...process.env, CI: process.env.CI ?? '', TMPDIR: tmp } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** No temporary file left, and nothing said about one. */
function noTemporary(...results: Result[]): void {
  expect(readdirSync(tmp)).toEqual([]);
  for (const r of results) expect(r.stdout + r.stderr).not.toContain(tmp);
}

/** A file in the test folder holding `content`. */
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('schedule --trace -', () => {
  it('on an SWF log piped in, plain or gzip: the JSON of the same log given as a file, but for the path (standard input)', () => {
    // No .swf in the file's name: both are detected by the first line.
    const log = file('joblog', SWF);
    const args = ['--nodes', '8', '--json', '-', '--quiet'];
    const byFile = fairfit(['schedule', '--trace', log, ...args]);
    const piped = fairfit(['schedule', '--trace', '-', ...args], SWF);
    const gz = fairfit(['schedule', '--trace', '-', ...args], gzipSync(SWF));
    for (const r of [byFile, piped, gz]) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const expected = JSON.parse(byFile.stdout);
    expect(expected.trace).toMatchObject({ path: log, format: 'swf', detected: "first line starts with ';'", jobs: 60 });
    expect(JSON.parse(piped.stdout)).toEqual({ ...expected, trace: { ...expected.trace, path: 'standard input' } });
    expect(gz.stdout).toBe(piped.stdout);
    noTemporary(piped, gz);
  });

  it('names standard input in the facts line, the CSV and the HTML report, and the JSON file', () => {
    const out = join(dir, 'schedule-out');
    mkdirSync(out);
    const csv = fairfit(['schedule', '--trace', '-', '--nodes', '8', '--csv', '-', '--json', join(out, 's.json'), '--report', join(out, 's.html')], SWF);
    expect(csv.code).toBe(0);
    expect(csv.stderr.split('\n')[0]).toBe("trace standard input (swf, detected: first line starts with ';'): 60 jobs of 4 users · 8 nodes × 1 processor · IPTAS minEpsilon 0, alpha 0.5");
    expect(csv.stderr).toMatch(/\n3 algorithms in \S+ s; wrote \S+s\.json, \S+s\.html, standard output\n$/);
    const rows = csv.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(4);
    for (const row of rows.slice(1)) expect(row).toContain(',standard input,swf,');
    expect(JSON.parse(readFileSync(join(out, 's.json'), 'utf8')).trace.path).toBe('standard input');
    const html = readFileSync(join(out, 's.html'), 'utf8');
    expect(html).toContain('standard input');
    expect(html).not.toContain(tmp);
    noTemporary(csv);
  });

  it('detects a log without header comments by its first line (18 numbers), and --format swf overrides the detection', () => {
    const bare = swfText(60, true);
    const r = fairfit(['schedule', '--trace', '-', '--nodes', '8', '--algorithm', 'fcfs'], bare);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^trace standard input \(swf, detected: first line holds the 18 numbers of an SWF job\): 60 jobs/);
    // Detected as Google (no SWF line first), but --format swf reads it as SWF, as for a file.
    const late = '\n' + '600000000,,1,0,,0,u1,0,0,0.1,0.1,0,0\n' + bare;
    const forced = fairfit(['schedule', '--trace', '-', '--nodes', '8', '--algorithm', 'fcfs', '--format', 'swf', '--max-skipped', '1', '--quiet'], late);
    expect(forced.code).toBe(0);
    expect(forced.stdout.split('\n')[0]).toMatch(/^trace standard input \(swf, format given\): 60 jobs/);
    noTemporary(r, forced);
  });

  it('a bad line is named standard input:LINE, skipped (JSON, stderr) or, with --strict, the error (exit 1); the temporary file is gone after it', () => {
    const lines = SWF.split('\n');
    lines.splice(5, 0, '61 70 0 10 2.5 -1 -1 2 20 -1 1 1 -1 -1 -1 -1 -1 -1'); // line 6
    const bad = lines.join('\n');
    const strict = fairfit(['schedule', '--trace', '-', '--nodes', '8', '--strict'], bad);
    expect(strict.stderr).toBe('fairfit: PARSE_ERROR: standard input:6: field 5 (procs) must be an integer, got 2.5\n');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe('');
    const skipped = fairfit(['schedule', '--trace', '-', '--nodes', '8', '--algorithm', 'fcfs', '--json', '-'], bad);
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout).trace.firstProblems).toEqual(['standard input:6: field 5 (procs) must be an integer, got 2.5']);
    expect(skipped.stderr).toContain('1 line skipped; first:\n  standard input:6: field 5 (procs) must be an integer, got 2.5\n');
    const limit = fairfit(['schedule', '--trace', '-', '--nodes', '8', '--max-skipped', '0'], bad);
    expect(limit.stderr).toBe('fairfit: PARSE_ERROR: standard input: 1 of 61 lines skipped (1.6 %), more than the limit 0 (--max-skipped); first: standard input:6: field 5 (procs) must be an integer, got 2.5\n');
    expect(limit.code).toBe(1);
    noTemporary(strict, skipped, limit);
  });
});

describe('replay and sweep --trace -', () => {
  it('replay an SWF log and a Google task_events file (gzip or plain) piped in, as the same file given: trace.path standard input', () => {
    const args = ['--machines', '10', '--policy', 'no_migration', '--json', '-'];
    const swf = fairfit(['replay', '--trace', '-', ...args], SWF);
    expect(swf.code).toBe(0);
    expect(swf.stderr).toMatch(/^fairfit replay: read swf \(detected: first line starts with ';'\): 60 rows from 1 file, window /);
    const report = JSON.parse(swf.stdout);
    expect(report.trace).toMatchObject({ format: 'swf', path: 'standard input', tasks: 60 });
    const byFile = JSON.parse(fairfit(['replay', '--trace', taskEvents, ...args, '--quiet']).stdout);
    expect(byFile.trace.path).toBe(taskEvents);
    expect(byFile.trace.files).toEqual([taskEvents]);
    const expected = { ...byFile, trace: { ...byFile.trace, path: 'standard input', files: ['standard input'] } };
    const gz = fairfit(['replay', '--trace', '-', ...args, '--quiet'], readFileSync(taskEvents));
    const plain = fairfit(['replay', '--trace', '-', ...args, '--quiet'], gunzipSync(readFileSync(taskEvents)));
    for (const r of [gz, plain]) {
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(expected);
    }
    noTemporary(swf, gz, plain);
  });

  it('--queue is refused before standard input is read: its workers read the trace from a path (exit 2 naming the option)', () => {
    for (const cmd of [['replay', '--machines', '10'], ['sweep', '--machines', '10']]) {
      const r = fairfit([...cmd, '--trace', '-', '--queue', 'redis://127.0.0.1:1'], SWF);
      expect(r.stderr).toBe('fairfit: INVALID_OPTION: queue: its workers read the trace from its path on their own machines, and standard input (--trace -) has none: give the trace as a file\n');
      expect(r.code).toBe(2);
      noTemporary(r);
    }
  });

  it('sweep across worker threads', () => {
    const r = fairfit(['sweep', '--trace', '-', '--machines', '8,10', '--overcommit', '1', '--policy', 'no_migration', '--workers', '2', '--json', '-', '--quiet'], SWF);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.trace.path).toBe('standard input');
    expect(report.runs).toHaveLength(2);
    noTemporary(r);
  });
});

describe('inspect -', () => {
  it('an SWF log and a Google task_events file piped in: the counts of the same file given, the file named standard input', () => {
    const log = file('inspect.swf', SWF);
    const te = file('task-events.csv', gunzipSync(readFileSync(taskEvents)));
    for (const [path, input, format] of [[log, SWF, 'swf'], [te, readFileSync(te), 'google2011'], [taskEvents, readFileSync(taskEvents), 'google2011']] as const) {
      const byFile = fairfit(['inspect', path]);
      const piped = fairfit(['inspect', '-'], input);
      expect(piped.code, path).toBe(0);
      const expected = JSON.parse(byFile.stdout);
      expect(expected.format).toBe(format);
      expect(JSON.parse(piped.stdout), path).toEqual({ ...expected, summary: { ...expected.summary, files: ['standard input'] } });
      // The reason differs for the SWF file (its name); the rest of the line is the same.
      expect(piped.stderr.replace(/\(detected: [^)]*\)/, ''), path).toBe(byFile.stderr.replace(/\(detected: [^)]*\)/, ''));
      noTemporary(piped);
    }
  });

  it('--format google on an SWF log: every line skipped, named standard input:LINE', () => {
    const r = fairfit(['inspect', '-', '--format', 'google'], swfText(3, true));
    expect(r.code).toBe(1);
    const first = [1, 2, 3].map((n) => `standard input:${n}: field 1 (time) is not a number`).join(' | ');
    expect(r.stderr).toBe(`fairfit: NO_DATA: no valid task events in standard input: 3 lines skipped; first: ${first}\n`);
    noTemporary(r);
  });

  it('an Alibaba 2018 trace is a folder, which standard input cannot be: refused before reading it (exit 2 naming the option)', () => {
    for (const [args, option] of [[['inspect', '-', '--format', 'alibaba'], '--format'], [['gen-scenario', '--alibaba', '-', '--out', join(dir, 'never.json')], '--alibaba']] as const) {
      const r = fairfit([...args], SWF);
      expect(r.stderr).toMatch(new RegExp(`^fairfit: INVALID_OPTION: ${option}: .*standard input.*folder`));
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    }
    noTemporary();
  });
});

describe('rebalance --input -', () => {
  it('a scenario from fairfit gen-scenario piped in: the plans of the same file given, input standard input', () => {
    const scenario = file('scenario.json', fairfit(['gen-scenario', '--out', '-', '--hosts', '6', '--vms', '20', '--quiet']).stdout);
    const byFile = fairfit(['rebalance', '--input', scenario, '--json', '-', '--quiet']);
    expect(byFile.code).toBe(0);
    const sh = `"${process.execPath}" "${MAIN}" gen-scenario --out - --hosts 6 --vms 20 --quiet | "${process.execPath}" "${MAIN}" rebalance --input - --json -`;
    const r = spawnSyncChild('sh', ['-c', sh], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp } });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^read standard input: 6 hosts, 20 VMs in \S+ s\n/);
    expect(JSON.parse(r.stdout)).toEqual({ ...JSON.parse(byFile.stdout), input: 'standard input' });
    noTemporary({ code: r.status, stdout: r.stdout, stderr: r.stderr });
  });

  it('a bad scenario is named standard input', () => {
    const r = fairfit(['rebalance', '--input', '-'], '{"hosts": []');
    expect(r.stderr).toMatch(/^fairfit: PARSE_ERROR: standard input: not valid JSON \(/);
    expect(r.code).toBe(1);
    noTemporary(r);
  });
});

describe('an empty standard input, or none (a terminal)', () => {
  it('an empty stream gives the error of an empty file, naming standard input', () => {
    const empty = file('empty', '');
    for (const args of [['schedule', '--trace', '%', '--nodes', '2'], ['replay', '--trace', '%'], ['inspect', '%'], ['inspect', '%', '--format', 'swf'], ['rebalance', '--input', '%']]) {
      const byFile = fairfit(args.map((a) => (a === '%' ? empty : a)));
      const piped = fairfit(args.map((a) => (a === '%' ? '-' : a)), '');
      expect(byFile.code, args.join(' ')).toBeGreaterThan(0);
      expect(byFile.stderr, args.join(' ')).toContain(empty);
      expect(piped.stderr, args.join(' ')).toBe(byFile.stderr.replaceAll(empty, 'standard input'));
      expect(piped.code, args.join(' ')).toBe(byFile.code);
      expect(piped.stdout).toBe('');
      noTemporary(piped);
    }
  });

  // `script` runs the command on a pseudo-terminal (util-linux; absent on some systems).
  const hasScript = spawnSyncChild('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('a terminal is refused before any read: INVALID_OPTION naming the option, exit 2', () => {
    for (const [args, option] of [[['schedule', '--trace', '-', '--nodes', '2'], '--trace'], [['rebalance', '--input', '-'], '--input'], [['inspect', '-'], 'path']] as const) {
      const command = [process.execPath, MAIN, ...args].map((a) => `'${a}'`).join(' ');
      const r = spawnSyncChild('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp }, timeout: 20_000 });
      expect(r.stdout.replace(/\r/g, '')).toBe(`fairfit: INVALID_OPTION: ${option}: standard input is a terminal: pipe a file into it\n`);
      expect(r.status).toBe(2);
    }
    noTemporary();
  });
});

describe('standard input with outputs', () => {
  it("'-' in and '-' out at once; a file named '-' is not the input when '-' is standard input", () => {
    const cwd = join(dir, 'dash');
    mkdirSync(cwd);
    writeFileSync(join(cwd, '-'), 'a file named -\n');
    const r = fairfit(['schedule', '--trace', '-', '--nodes', '8', '--algorithm', 'fcfs', '--json', './-', '--csv', '-', '--quiet'], SWF, cwd);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^algorithm,/);
    expect(JSON.parse(readFileSync(join(cwd, '-'), 'utf8')).trace.path).toBe('standard input');
    noTemporary(r);
  });
});

/**
 * Runs the built CLI with `head` written to its stdin (kept open), and sends `sig` once the copy of stdin exists;
 * under `--trace-gc`, which also tells how many collections were the command's own at its end (`gc()`: `testing`).
 */
async function stoppedWhileCopying(args: string[], head: string, sig: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; collections: number }> {
  const child = spawn(process.execPath, ['--trace-gc', MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp } });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => (stdout += d));
  child.stdin.write(head);
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  // The copy of stdin is in a folder of TMPDIR: once it holds the bytes written, the command is copying.
  const copied = () => readdirSync(tmp).some((d) => readdirSync(join(tmp, d)).some((f) => readFileSync(join(tmp, d, f), 'utf8') === head));
  const deadline = Date.now() + 20_000;
  while (!copied() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(copied()).toBe(true);
  child.kill(sig);
  const [code, signal] = await exited;
  child.stdin.destroy();
  return { code, signal, stderr, collections: forcedCollections(stdout) };
}

describe('a signal while standard input is copied', () => {
  it.each([
    ['schedule', ['schedule', '--trace', '-', '--nodes', '8'], 'SIGINT'],
    ['inspect', ['inspect', '-'], 'SIGTERM'],
    ['rebalance', ['rebalance', '--input', '-'], 'SIGINT'],
  ] as const)('%s: exit 130, ABORTED, the copy removed, the heap collected on the way out (src/cli/exit-collection.ts)', async (_, args, sig) => {
    const r = await stoppedWhileCopying([...args], SWF.slice(0, 500), sig);
    expect([r.code, r.signal, r.collections]).toEqual([130, null, 1]);
    expect(r.stderr).toBe(`fairfit: ABORTED: interrupted by ${sig}\n`);
    noTemporary();
  });
});

describe('--help', () => {
  it.each([['schedule', '--trace'], ['replay', '--trace'], ['sweep', '--trace'], ['rebalance', '--input'], ['inspect', 'path']])('%s %s says - is standard input', (cmd) => {
    const r = fairfit([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain("'-': standard input");
  });
});

describe('a mistake in the options is answered before standard input is read', () => {
  /** Runs the command with a standard input that stays open and empty: an answer must not wait for it. */
  async function withOpenStdin(args: string[]): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(timer);
    child.stdin.destroy();
    return { code, stderr };
  }
  it('replay and sweep: a queue option without --queue; schedule: two outputs on one path', async () => {
    const cases: [string[], RegExp][] = [
      [['replay', '--trace', '-', '--machines', '8', '--attempts', '3'], /INVALID_OPTION: attempts/],
      [['sweep', '--trace', '-', '--machines', '8', '--overcommit', '1', '--attempts', '3'], /INVALID_OPTION: attempts/],
      [['schedule', '--trace', '-', '--nodes', '8', '--json', join(dir, 'same.out'), '--csv', join(dir, 'same.out')], /INVALID_OPTION: --csv: .* is also the path of --json/],
    ];
    for (const [args, message] of cases) {
      const r = await withOpenStdin(args);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.code, args.join(' ')).toBe(2);
    }
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);
});

describe('--debug on standard input', () => {
  it('prints the stack of the place that threw, named standard input (not the renaming)', () => {
    const r = fairfit(['schedule', '--trace', '-', '--nodes', '8', '--format', 'swf', '--strict', '--debug'], 'bad\n');
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines[1]).toBe('FairfitError: standard input:1: wrong column count: 1 field, expected 18');
    expect(lines[2]).not.toContain('stdin.js');
    expect(r.stderr).not.toContain('renamedError');
    noTemporary(r);
  });
});
