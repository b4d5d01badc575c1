/**
 * Output files of every command, through the built command: never the input
 * (or a file inside an input folder; exit 2 naming the option), checked
 * before any work (exit 1 naming the path given), and a write that fails
 * names the path given, not its temporary file.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FairfitError } from '../../src/errors.ts';
import { generateTrace } from '../../src/io/generate.ts';
import { writeAll, writeTextFile } from '../../src/report/file.ts';
import { AS_TERMINAL, stderrReaches } from './as-terminal.ts';
import { spawnSyncChild } from '../children.ts';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const SCENARIO = fileURLToPath(new URL('../../examples/crs-campus.json', import.meta.url));
// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
let trace = '';
let swf = '';
const SWF_TEXT = '; Version: 2.2\n;\n1 0 0 100 4 -1 -1 4 200 -1 1 1 -1 -1 -1 -1 -1 -1\n2 10 0 50 2 -1 -1 2 100 -1 1 2 -1 -1 -1 -1 -1 -1\n';
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-outputs-'));
  trace = join(dir, 'trace');
  swf = join(dir, 'victim.swf');
  if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run \`npm run build\` first (npm test does)`);
  await generateTrace({ machines: 20, tasks: 100, days: 0.01, seed: 2, out: trace });
  writeFileSync(swf, SWF_TEXT);
});

function fairfit(...args: string[]) {
  const r = spawnSyncChild(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: process.env.CI ?? '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('--json, --csv and --report given alone (no file)', () => {
  it("schedule --json --report (as issue 9 writes it): the JSON on stdout, the page in report.html, the table on stderr", () => {
    const cwd = mkdtempSync(join(dir, 'alone-'));
    const r = spawnSyncChild(process.execPath, [MAIN, 'schedule', '--trace', swf, '--nodes', '4', '--json', '--report'], { encoding: 'utf8', cwd, env: { ...process.env, CI: process.env.CI ?? '' } });
    expect(r.stderr).toContain('algorithm');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { runs: unknown[] }).runs).toHaveLength(3);
    expect(readdirSync(cwd)).toEqual(['report.html']);
    expect(readFileSync(join(cwd, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    // Not a file named after the next option, as when --json required a file.
    expect(existsSync(join(cwd, '--report'))).toBe(false);
  });

  it('replay --csv alone and rebalance --json alone write on stdout; two outputs alone on stdout are refused (exit 2)', () => {
    const cwd = mkdtempSync(join(dir, 'alone-'));
    const run = (...args: string[]) => spawnSyncChild(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd, env: { ...process.env, CI: process.env.CI ?? '' } });
    const csv = run('replay', '--trace', trace, '--machines', '8', '--policy', 'no_migration,fine_grained', '--csv', '--quiet');
    expect(csv.status).toBe(0);
    expect(csv.stdout.split('\n')[0]).toMatch(/^run,policy,machines,/);
    expect(csv.stdout.trim().split('\n')).toHaveLength(3);
    const json = run('rebalance', '--input', SCENARIO, '--json', '--quiet');
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toHaveProperty('runs');
    const both = run('sweep', '--trace', trace, '--machines', '8', '--json', '--csv', '--quiet');
    expect(both.status).toBe(2);
    expect(both.stderr).toContain("INVALID_OPTION: --csv: '-' (standard output) is also given to --json");
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('an output that is an input, or lies inside an input folder, is refused before any work (exit 2 naming the option)', () => {
  it('schedule --csv, replay --json and sweep --report on the trace file itself leave it untouched', () => {
    for (const args of [
      ['schedule', '--trace', swf, '--nodes', '4', '--csv', swf],
      ['replay', '--trace', swf, '--machines', '4', '--json', swf],
      ['sweep', '--trace', swf, '--machines', '4', '--report', swf],
    ]) {
      const r = fairfit(...args, '--quiet');
      const option = args.at(-2)!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`INVALID_OPTION: ${option}: ${swf} is the input given to --trace`);
      expect(r.stdout).toBe('');
      expect(readFileSync(swf, 'utf8')).toBe(SWF_TEXT);
    }
  });

  it('a file inside a trace folder, the folder itself, or the input through a symbolic link', () => {
    const inside = fairfit('replay', '--trace', trace, '--machines', '10', '--csv', join(trace, 'task_events', 'x.csv'), '--quiet');
    expect(inside.code).toBe(2);
    expect(inside.stderr).toContain('INVALID_OPTION: --csv:');
    expect(inside.stderr).toContain(`lies inside the input folder given to --trace (${trace})`);
    expect(existsSync(join(trace, 'task_events', 'x.csv'))).toBe(false);
    const folder = fairfit('schedule', '--trace', trace, '--nodes', '4', '--json', join(trace, '.'), '--quiet');
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('INVALID_OPTION: --json:');
    const link = join(dir, 'link.swf');
    symlinkSync(swf, link);
    const linked = fairfit('schedule', '--trace', link, '--nodes', '4', '--report', swf, '--quiet');
    expect(linked.code).toBe(2);
    expect(linked.stderr).toContain(`INVALID_OPTION: --report: ${swf} is the input given to --trace`);
    expect(readFileSync(swf, 'utf8')).toBe(SWF_TEXT);
  });

  it('rebalance --json on its --input, gen-scenario --out inside its --alibaba folder', () => {
    const input = join(dir, 'victim.json');
    copyFileSync(SCENARIO, input);
    const before = readFileSync(input, 'utf8');
    const r = fairfit('rebalance', '--input', input, '--json', input, '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`INVALID_OPTION: --json: ${input} is the input given to --input`);
    expect(r.stdout).toBe('');
    expect(readFileSync(input, 'utf8')).toBe(before);
    const alibaba = join(dir, 'alibaba');
    mkdirSync(alibaba);
    const g = fairfit('gen-scenario', '--alibaba', alibaba, '--out', join(alibaba, 's.json'), '--quiet');
    expect(g.code).toBe(2);
    expect(g.stderr).toContain('INVALID_OPTION: --out:');
    expect(existsSync(join(alibaba, 's.json'))).toBe(false);
  });

  it('a different file beside the input is fine', () => {
    const out = join(dir, 'ok.json');
    expect(fairfit('rebalance', '--input', SCENARIO, '--json', out, '--quiet').code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).input).toBe(SCENARIO);
  });
});

describe('rebalance and gen-scenario check their outputs before the work (exit 1 naming the path given)', () => {
  it.each([
    [['rebalance', '--input', SCENARIO, '--json', '/proc/x.json'], '/proc/x.json: cannot write in this folder'],
    [['rebalance', '--input', SCENARIO, '--report', '.'], '.: is a folder; give a file name'],
    [['gen-scenario', '--out', '.'], '.: is a folder; give a file name'],
    [['gen-scenario', '--out', '/proc/s.json'], '/proc/s.json: cannot write in this folder'],
  ])('%j', (args, message) => {
    const r = fairfit(...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`OUTPUT_ERROR: ${message}`);
    expect(r.stderr).not.toContain('.tmp');
    expect(r.stdout).toBe(''); // no table: refused before the work
  });
});

describe('writeAll', () => {
  it('a writer that fails on its temporary file is reported under the path given', () => {
    const target = join(dir, 'target.json');
    let error: unknown;
    try {
      // A folder in the way of the temporary file's rename: the writer's own error names the temporary file.
      writeAll([[target, (tmp) => (mkdirSync(tmp), writeTextFile(tmp, 'x'))]]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FairfitError);
    expect((error as FairfitError).code).toBe('OUTPUT_ERROR');
    expect((error as FairfitError).message).toMatch(new RegExp(`^${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot write this file`));
    expect((error as FairfitError).message).not.toContain('.tmp');
    expect((error as FairfitError).details.file).toBe(target);
  });
});

/** Every file under `root` (relative path → bytes as hex). */
function files(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name).slice(root.length + 1)] = readFileSync(join(e.parentPath, e.name)).toString('hex');
  }
  return out;
}

describe('gen stopped while it writes', () => {
  it('SIGINT or SIGTERM: exit 130, one line, no part file written over the older trace there, no temporary file left', async () => {
    const out = join(dir, 'stopped');
    expect(fairfit('gen', '--out', out, '--machines', '5', '--tasks', '10', '--days', '0.01').code).toBe(0);
    const before = files(out);
    for (const [sig, table] of [['SIGINT', 'task_events'], ['SIGTERM', 'task_usage']] as const) {
      // Large enough to be stopped while a part of `table` is written (it took seconds, the older trace's parts were replaced one by one).
      const child = spawn(process.execPath, [MAIN, 'gen', '--out', out, '--machines', '200', '--tasks', '300000', '--days', '1', '--seed', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
      const t0 = Date.now();
      // A part being written (GzCsv's `<part>.<pid>.tmp`), not the probe file the output check makes and
      // removes (`<part>.<pid>.<random>.tmp`): a signal then stops gen before any part is opened (tested below).
      const writing = `.${child.pid}.tmp`;
      while (!readdirSync(join(out, table)).some((n) => n.endsWith(writing)) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 10));
      child.kill(sig);
      expect(await exited, sig).toEqual([130, null]);
      expect(stderr).toBe(`fairfit: ABORTED: interrupted by ${sig}: no part file written\n`);
      expect(stdout).toBe('');
      expect(files(out), sig).toEqual(before);
    }
  }, 120_000);

  it('Ctrl-C into a new folder: exit 130, and the folders gen created (out and its tables) are removed, the one that was there kept', async () => {
    const parent = join(dir, 'new-stopped');
    mkdirSync(parent);
    const out = join(parent, 'made', 'trace');
    const child = spawn(process.execPath, [...AS_TERMINAL, MAIN, 'gen', '--out', out, '--machines', '200', '--tasks', '300000', '--days', '1', '--seed', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    // task_events and machine_events are written; task_usage is being written (its bar is drawn).
    await stderrReaches(child, /task_usage window \d+\/\d+/);
    child.kill('SIGINT');
    expect(await exited).toEqual([130, null]);
    expect(stderr).toMatch(/\nfairfit: ABORTED: interrupted by SIGINT: no part file written\n$/);
    // They were left behind empty (out/task_events, out/task_usage, out/machine_events, and out's new parent).
    expect(readdirSync(parent)).toEqual([]);
  }, 120_000);
});

describe('gen into a folder holding what an interrupted gen left', () => {
  it('writes the trace beside a part-….tmp file (no reader takes it), and still refuses a part file it would not overwrite', () => {
    const out = join(dir, 'regen');
    mkdirSync(join(out, 'task_events'), { recursive: true });
    writeFileSync(join(out, 'task_events', 'part-00000-of-00001.csv.gz.4242.tmp'), 'half a part');
    const args = ['gen', '--out', out, '--machines', '5', '--tasks', '10', '--days', '0.01'];
    const r = fairfit(...args);
    expect(r.stderr).not.toContain('OUTPUT_ERROR');
    expect(r.code).toBe(0);
    expect(fairfit('replay', '--trace', out, '--machines', '5', '--policy', 'no_migration', '--quiet').code).toBe(0);
    writeFileSync(join(out, 'task_events', 'part-00001-of-00002.csv.gz'), '');
    const s = fairfit(...args);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('holds part-00001-of-00002.csv.gz that this trace would not overwrite');
  });
});

/** The built CLI run in `cwd` (a relative output path lands there). */
function fairfitIn(cwd: string, ...args: string[]) {
  const r = spawnSyncChild(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: process.env.CI ?? '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("'-' is standard output (it wrote a file named '-')", () => {
  /** A new empty folder to run in: nothing may be written there. */
  const emptyCwd = (name: string) => {
    const cwd = join(dir, name);
    mkdirSync(cwd);
    return cwd;
  };
  // A function: `trace` is known once the file's beforeAll has run, after this describe was collected.
  const replayArgs = () => ['replay', '--trace', trace, '--machines', '10', '--policy', 'no_migration'];

  it('replay --json -: stdout is the JSON alone, the table goes to stderr (none with --quiet), no file', () => {
    const cwd = emptyCwd('stdout-replay');
    const r = fairfitIn(cwd, ...replayArgs(), '--json', '-');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { runs: { policy: string }[] };
    expect(report.runs.map((x) => x.policy)).toEqual(['no_migration']);
    expect(r.stderr).toMatch(/\npolicy +meanCpu +gini/);
    expect(r.stderr).toMatch(/\n1 run in \S+ s; wrote standard output\n$/);
    const quiet = fairfitIn(cwd, ...replayArgs(), '--json', '-', '--quiet');
    expect(quiet.code).toBe(0);
    expect(JSON.parse(quiet.stdout)).toEqual(report);
    expect(quiet.stderr).toBe('');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('one output on stdout, the others in their files: replay --csv - --json FILE, sweep --report -', () => {
    const cwd = emptyCwd('stdout-mixed');
    const r = fairfitIn(cwd, ...replayArgs(), '--csv', '-', '--json', 'r.json', '--quiet');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^run,policy,/);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(readdirSync(cwd)).toEqual(['r.json']);
    const s = fairfitIn(cwd, 'sweep', '--trace', trace, '--machines', '10', '--overcommit', '1', '--policy', 'no_migration', '--report', '-', '--quiet');
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/^<!doctype html>/i);
    expect(s.stdout.trimEnd()).toMatch(/<\/html>$/);
    expect(readdirSync(cwd)).toEqual(['r.json']);
  });

  it('schedule, rebalance and gen-scenario: the JSON on stdout, nothing else there', () => {
    const cwd = emptyCwd('stdout-others');
    const s = fairfitIn(cwd, 'schedule', '--trace', swf, '--nodes', '4', '--json', '-');
    expect(s.code).toBe(0);
    expect((JSON.parse(s.stdout) as { runs: unknown[] }).runs).toHaveLength(3);
    expect(s.stderr).toContain('algorithm  throughputPerHour');
    const r = fairfitIn(cwd, 'rebalance', '--input', SCENARIO, '--json', '-');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { input: string }).input).toBe(SCENARIO);
    expect(r.stderr).toContain('algorithm  moves');
    expect(r.stderr).toContain('writing standard output\n');
    const g = fairfitIn(cwd, 'gen-scenario', '--out', '-', '--hosts', '3', '--vms', '5');
    expect(g.code).toBe(0);
    expect((JSON.parse(g.stdout) as { hosts: unknown[] }).hosts).toHaveLength(3);
    expect(g.stderr).toBe('writing standard output: 3 hosts, 5 VMs\nwrote standard output: 3 hosts, 5 VMs, 40 courses\n');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("two outputs on stdout, and gen's trace folder on stdout, are refused before any work (exit 2 naming the option)", () => {
    const cwd = emptyCwd('stdout-refused');
    for (const [args, option, text] of [
      [[...replayArgs(), '--json', '-', '--csv', '-'], '--csv', "'-' (standard output) is also given to --json"],
      [['rebalance', '--input', SCENARIO, '--json', '-', '--report', '-'], '--report', "'-' (standard output) is also given to --json"],
      [['gen', '--out', '-', '--machines', '2', '--tasks', '2'], '--out', "'-' (standard output) cannot hold a trace folder"],
    ] as const) {
      const r = fairfitIn(cwd, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.startsWith(`fairfit: INVALID_OPTION: ${option}: ${text}`), r.stderr).toBe(true);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
    expect(readdirSync(cwd)).toEqual([]);
  });
});

/**
 * A preload that sends this process a SIGINT the moment the output check is about to remove its
 * probe file (`<target>.<pid>.<random>.tmp`): a Ctrl-C in the window between the probe's creation
 * and its removal, which no signal from outside can hit on purpose.
 */
let PROBE_SIGNAL = '';
beforeAll(() => {
  PROBE_SIGNAL = join(dir, 'signal-at-probe.mjs');
  writeFileSync(PROBE_SIGNAL, `import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const unlink = fs.unlinkSync;
let sent = false;
fs.unlinkSync = (path, ...rest) => {
  if (!sent && new RegExp('\\\\.' + process.pid + '\\\\.[a-z0-9]+\\\\.tmp$').test(String(path))) {
    sent = true;
    process.kill(process.pid, 'SIGINT');
  }
  return unlink(path, ...rest);
};
syncBuiltinESMExports();
`);
});

describe('a signal while the output check has its probe file: the probe is removed, exit 130 (it was left behind, the process killed by the signal)', () => {
  it.each([
    ['gen', (out: string) => ['gen', '--out', out, '--machines', '2', '--tasks', '2', '--days', '0.01']],
    ['gen-scenario', (out: string) => ['gen-scenario', '--out', join(out, 's.json'), '--hosts', '2', '--vms', '2']],
    ['rebalance', (out: string) => ['rebalance', '--input', SCENARIO, '--json', join(out, 'r.json')]],
    ['replay', (out: string) => ['replay', '--trace', trace, '--machines', '4', '--policy', 'no_migration', '--json', join(out, 'r.json')]],
    ['schedule', (out: string) => ['schedule', '--trace', swf, '--nodes', '4', '--csv', join(out, 's.csv')]],
  ])('%s', (name, args) => {
    // A folder that does not exist yet: the check makes it for the probe and removes it again.
    const out = join(dir, `probe-${name}`);
    const r = spawnSyncChild(process.execPath, ['--import', pathToFileURL(PROBE_SIGNAL).href, MAIN, ...args(out)], { encoding: 'utf8' });
    expect([r.status, r.signal]).toEqual([130, null]);
    expect(r.stderr).toBe('fairfit: ABORTED: interrupted by SIGINT\n');
    expect(r.stdout).toBe('');
    expect(existsSync(out) ? files(out) : {}).toEqual({});
  });
});

/** Runs the built CLI and sends it `sig` once stderr says `writing …`: exit code, signal and output. */
async function stoppedWhileWriting(args: string[], sig: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    if (/^writing /m.test(stderr) && child.signalCode === null && !child.killed) child.kill(sig);
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  return { code, signal, stdout, stderr };
}

describe('rebalance and gen-scenario stopped while they write: exit 130, no output file and no temporary file (it was killed, a partial .tmp file left)', () => {
  // Large enough that rendering and writing take a while after the `writing` line (a scenario of 5,000 hosts: 19 MB of JSON).
  it('gen-scenario (SIGINT), rebalance --json --report (SIGTERM)', async () => {
    const input = join(dir, 'big-scenario.json');
    expect(fairfit('gen-scenario', '--out', input, '--hosts', '5000', '--quiet').code).toBe(0);
    const out = join(dir, 'stopped-writes');
    mkdirSync(out);
    const g = await stoppedWhileWriting(['gen-scenario', '--out', join(out, 's.json'), '--hosts', '5000'], 'SIGINT');
    expect([g.code, g.signal]).toEqual([130, null]);
    expect(g.stderr).toMatch(/^writing .*\nfairfit: ABORTED: interrupted by SIGINT: no output file written\n$/);
    expect(readdirSync(out)).toEqual([]);
    const r = await stoppedWhileWriting(['rebalance', '--input', input, '--algorithm', 'crs', '--json', join(out, 'r.json'), '--report', join(out, 'r.html')], 'SIGTERM');
    expect([r.code, r.signal]).toEqual([130, null]);
    expect(r.stderr).toMatch(/\nwriting .*\nfairfit: ABORTED: interrupted by SIGTERM: no output file written\n$/);
    expect(r.stdout).toMatch(/^algorithm +moves/); // the table, printed before the writing
    expect(readdirSync(out)).toEqual([]);
  }, 60_000);
});
