/**
 * A bad option is refused as it was typed (a review of replay / sweep / gen):
 * one line `fairfit: INVALID_OPTION: <option>: …`, exit 2, whichever layer
 * found it (the CLI, commander or the API), even when stderr is a closed pipe;
 * options that could not take effect, empty output paths, duplicate sweep
 * values and a trace without tasks are refused; the default cell size on a
 * tiny cluster is recorded as the one in effect.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fairfit, MAIN, optionFixture } from './option-fixture.ts';
import { spawnSyncChild } from '../children.ts';

const { dir, trace, swf } = optionFixture('fairfit-option-names-');

/** Exit 2, nothing on stdout, and one stderr line `fairfit: INVALID_OPTION: <option>…` holding every part. */
function refused(args: string[], option: string, ...parts: string[]): void {
  const r = fairfit(...args);
  const what = args.join(' ');
  expect(r.stderr, what).toMatch(new RegExp(`^fairfit: INVALID_OPTION: ${option.replace(/[-[\]]/g, '\\$&')}[: ]`));
  expect(r.stderr.trimEnd().split('\n'), what).toHaveLength(1);
  for (const p of parts) expect(r.stderr, what).toContain(p);
  expect(r.code, what).toBe(2);
  expect(r.stdout, what).toBe('');
}

const replay = (...args: string[]) => ['replay', '--trace', trace, '--machines', '10', '--policy', 'no_migration', '--quiet', ...args];
const sweep = (...args: string[]) => ['sweep', '--trace', trace, '--policy', 'no_migration', '--quiet', ...args];

describe('errors name the option as typed, not the API key', () => {
  it.each([
    ['--min-move', '-1', 'min-move'], ['--usage-ratio', '-1', 'usage-ratio'], ['--cell-size', '0', 'cell-size'], ['--tick', '0', 'tick'],
    ['--interval', '0', 'interval'], ['--capacity', '0', 'capacity'], ['--overcommit', '0', 'overcommit'],
  ])('replay %s %s: %s', (flag, value, option) => {
    refused(replay(flag, value), option, `INVALID_OPTION: ${option}: must be`);
    expect(fairfit(...replay(flag, value)).stderr).not.toMatch(/minMove|usageRatio|cellSize/);
  });

  it.each([
    ['--min-move', '0', 'coarse_grained', 'the fine-grained policies'],
    ['--mem-order', 'desc', 'fine_grained,cpu_usage_desc', 'the memory-ordered policies'],
    ['--migrated-request', 'stays', 'no_migration', 'the migrating policies'],
    ['--destination-check', 'request', 'no_migration', 'the migrating policies'],
  ])('a rule none of the policies uses could not take effect: %s %s with --policy %s is refused', (flag, value, policy, who) => {
    const args = ['--trace', trace, '--machines', '10', '--quiet', '--policy', policy, flag, value];
    refused(['replay', ...args], flag.slice(2), `only takes effect in ${who}`, `--policy ${policy} uses none of them`);
    refused(['sweep', ...args], flag.slice(2), `only takes effect in ${who}`);
  });

  it('a rule some selected policy uses is accepted; a bad value is named as such first', () => {
    expect(fairfit('replay', '--trace', trace, '--machines', '10', '--quiet', '--policy', 'no_migration,mem_usage', '--mem-order', 'desc', '--min-move', '0').code).toBe(0);
    refused(replay('--mem-order', 'down'), 'mem-order', "'down' is not one of asc, desc");
  });

  it('--cell-size with no_migration alone is accepted: the tasks of a removed machine go to an up machine of its cell', () => {
    // The fixture's 20 machines, the first 10 removed 100 s into the window (docs/model.md, "Options that could not take effect").
    const removals = join(dir, 'removals');
    cpSync(trace, removals, { recursive: true });
    const events = join(removals, 'machine_events', 'part-00000-of-00001.csv.gz');
    const rows = gunzipSync(readFileSync(events)).toString('utf8').trimEnd().split('\n');
    const removed = rows.slice(0, 10).map((row) => { const f = row.split(','); return `700000000,${f[1]},1,${f[3]},,`; });
    writeFileSync(events, gzipSync([...rows, ...removed].join('\n') + '\n'));
    const csv = (cell: string) => {
      const r = fairfit('replay', '--trace', removals, '--machines', 'trace', '--policy', 'no_migration', '--cell-size', cell, '--quiet', '--csv', '-');
      expect(r.code, r.stderr).toBe(0);
      const [head, row] = r.stdout.trimEnd().split('\n').map((l) => l.split(','));
      return Object.fromEntries(head!.map((k, i) => [k, row![i]]));
    };
    const alone = csv('1'), one = csv('20');
    expect([alone.cellSize, one.cellSize]).toEqual(['1', '20']);
    expect(Number(one['info.requeued'])).toBeGreaterThan(Number(alone['info.requeued']));
    expect(Number(one['info.started'])).toBeGreaterThan(Number(alone['info.started']));
  });

  it('sweep too', () => {
    refused(sweep('--machines', '10', '--min-move', '-1'), 'min-move', 'must be a finite number ≥ 0');
    refused(sweep('--machines', '10', '--cell-size', '1.5'), 'cell-size');
  });

  it.each<[string[], string, ...string[]]>([
    [['--gzip-level', '0'], 'gzip-level'], [['--usage-parts', '0'], 'usage-parts'], [['--long-run-mean-days', '-1'], 'long-run-mean-days'],
    [['--resubmitted-share', '0.5'], 'resubmitted-share', 'only takes effect with --resubmissions'],
  ])('gen %j: %s', (args, option, ...parts) => {
    refused(['gen', '--out', join(dir, 'g-names'), '--machines', '2', '--tasks', '2', ...args], option, ...parts);
  });
});

describe('gen-scenario and rebalance name the option as typed, not the API key, once', () => {
  const SCENARIO = fileURLToPath(new URL('../../examples/crs-campus.json', import.meta.url));
  it.each<[string[], string, string, RegExp]>([
    [['gen-scenario', '--hosts', '0'], '--hosts', '--hosts: must be an integer ≥ 1', /--hosts: hosts:/],
    [['gen-scenario', '--now', '0,1,1'], '--now', '--now: week 1–16', /--now: now:/],
    [['gen-scenario', '--alibaba', trace, '--vms-per-host', '0'], '--vms-per-host', 'must be an integer in 1–96', /vmsPerHost/],
    [['gen-scenario', '--alibaba', trace, '--period-minutes', '0'], '--period-minutes', 'must be an integer in 1–1440', /periodMinutes/],
    [['rebalance', '--input', SCENARIO, '--max-power-off', '-1'], '--max-power-off', '--max-power-off: must be an integer ≥ 0', /maxPowerOff/],
    [['rebalance', '--input', SCENARIO, '--high-when', 'x'], '--high-when', '--high-when: "x" is not one of any, all', /highWhen/],
    [['rebalance', '--input', SCENARIO, '--bounds', 'x'], '--bounds', '--bounds: "x" is not one of inclusive, strict', /--bounds: bounds:/],
  ])('%j', (args, option, part, apiKey) => {
    const out = join(dir, 'named.json');
    const withOut = args[0] === 'gen-scenario' ? [...args, '--out', out] : args;
    refused([...withOut, '--quiet'], option, part);
    expect(fairfit(...withOut, '--quiet').stderr).not.toMatch(apiKey);
    expect(existsSync(out)).toBe(false);
  });
  it('rebalance checks its options before reading the scenario: a bad option is exit 2 whatever the file', () => {
    refused(['rebalance', '--input', join(dir, 'none.json'), '--targets', 'x', '--quiet'], '--targets', '"x" is not one of normal-then-low, normal');
  });
});

describe('usage errors found by the option parser are one line, exit 2', () => {
  it('a missing required option, an unknown option, an extra argument', () => {
    refused(['replay'], "required option '--trace <path>' not specified", '(see fairfit replay --help)');
    refused(['sweep', '--trace', trace, '--parts', '3'], "unknown option '--parts'", '(see fairfit sweep --help)');
    refused(['gen', '--out', join(dir, 'g-extra'), 'extra'], 'too many arguments', '(see fairfit gen --help)');
    refused(['replay', '--trace'], "option '--trace <path>' argument missing");
  });

  it('--help still prints the help on stdout, exit 0', () => {
    const r = fairfit('replay', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--cell-size');
  });

  it('--workers with --queue is refused, before Redis is reached (it was ignored: the queue\'s worker processes run the jobs)', () => {
    refused(replay('--queue', 'redis://127.0.0.1:1', '--workers', '2'), 'workers', 'does not take effect with --queue');
    refused(sweep('--queue', 'redis://127.0.0.1:1', '--workers', '1'), 'workers', 'give them --threads instead');
    // Without --workers, the queue is tried (and here not reached).
    expect(fairfit(...replay('--queue', 'redis://127.0.0.1:1')).stderr).toContain('cannot reach Redis');
  });

  it('--usage-read on an SWF log is refused as --task-event-parts is (it was ignored)', () => {
    refused(['replay', '--trace', swf, '--machines', '10', '--policy', 'no_migration', '--quiet', '--usage-read', 'whole'], 'usage-read', 'has no task_usage to read');
    // A task_events file has none either, nor a folder without task_usage/.
    refused(['replay', '--trace', join(trace, 'task_events', 'part-00000-of-00001.csv.gz'), '--machines', '10', '--policy', 'no_migration', '--quiet', '--usage-read', 'stream'], 'usage-read', 'has no task_usage/ to read');
    const bare = join(dir, 'bare-usage-read');
    cpSync(join(trace, 'task_events'), join(bare, 'task_events'), { recursive: true });
    refused(['replay', '--trace', bare, '--machines', '10', '--policy', 'no_migration', '--quiet', '--usage-read', 'whole'], 'usage-read', 'has no task_usage/ to read');
    expect(fairfit('replay', '--trace', trace, '--machines', '10', '--policy', 'no_migration', '--quiet', '--usage-read', 'whole').code).toBe(0);
  });

  it("--usage-ratio's help names every usage whose CPU it sets (it named 'request' and 'trace', and it also sets the synthetic fall-back tasks')", () => {
    for (const cmd of ['replay', 'sweep']) {
      const help = fairfit(cmd, '--help').stdout.replace(/\s+/g, ' ');
      const line = /--usage-ratio <r> (.*?) --tick/.exec(help)?.[1];
      expect(line, cmd).toContain("without task_usage rows under 'trace'");
      expect(line, cmd).toContain("without a synthetic window under 'synthetic'");
    }
  });

  it('help of an unknown command says so, as the command alone does (it printed the whole help without a word on the command)', () => {
    refused(['help', 'nosuch'], "unknown command 'nosuch'", '(see fairfit --help)');
    expect(fairfit('help', 'nosuch').stderr).toBe(fairfit('nosuch').stderr);
    refused(['help', 'relay'], "unknown command 'relay'", '(Did you mean replay?)');
    const known = fairfit('help', 'replay');
    expect(known.code).toBe(0);
    expect(known.stdout).toContain('--cell-size');
  });

  it('with a command loaded only when named: the listing of all, --version, one command\'s help and near-name suggestions as before', () => {
    // program.ts imports a command's module only when the arguments name it (all for the listing).
    const listing = fairfit('--help');
    expect(listing.code).toBe(0);
    const listed = [...listing.stdout.split('Commands:')[1]!.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]);
    expect(listed).toEqual(['clusters', 'clusters-replay', 'demo', 'gen', 'gen-scenario', 'inspect', 'rebalance', 'replay', 'schedule', 'sweep', 'worker', 'help']);
    const version = (JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;
    for (const args of [['--version'], ['-V'], ['--debug', '--version']]) expect(fairfit(...args), args.join(' ')).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(fairfit('gen', '--help').stdout).toContain('--machines');
    expect(fairfit('--debug', 'help', 'gen').stdout).toBe(fairfit('gen', '--help').stdout);
    refused(['genn'], "unknown command 'genn'", '(Did you mean gen?)');
    // A command after another's name is that command's operand (demo takes none), as before.
    refused(['demo', 'replay'], 'too many arguments for', "'demo'. Expected 0 arguments but got 1.");
  });
});

describe('a closed stderr keeps the exit code', () => {
  it.each([
    ['a bad value', replay('--tick', '0').map((a) => `'${a}'`).join(' ')],
    ['a missing --trace', 'replay'],
  ])('%s into `2>&1 | head -0`: exit 2', (_what, args) => {
    const r = spawnSyncChild('bash', ['-c', `'${process.execPath}' '${MAIN}' ${args} 2>&1 | head -c 0; echo "exit \${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('exit 2');
  });
});

describe('an empty output path is refused, naming the option', () => {
  it.each(['--json', '--csv', '--report'])('replay %s \'\'', (flag) => {
    refused(replay(flag, ''), flag, 'an empty path');
  });
  it("gen --out ''", () => refused(['gen', '--out', '', '--machines', '2', '--tasks', '2'], '--out', 'an empty path'));
  it('two outputs on one path are a bad option too (exit 2; it was OUTPUT_ERROR, exit 1)', () => {
    refused(replay('--json', join(dir, 'same'), '--csv', join(dir, 'same')), '--csv', 'is also the path of --json');
  });
});

describe('options that could not take effect are refused', () => {
  it('queue options without --queue', () => {
    refused(replay('--parts', '3'), 'parts', 'only takes effect with --queue');
    refused(replay('--sweep-id', 'x', '--attempts', '9'), 'sweep-id', '--sweep-id, --attempts given without it');
    refused(sweep('--machines', '10', '--backoff', '10'), 'backoff', 'only takes effect with --queue');
    refused(sweep('--machines', '10', '--result-ttl', '10'), 'result-ttl', 'only takes effect with --queue');
  });

  it('--usage-read with a usage that reads no task_usage', () => {
    refused(replay('--usage', 'request', '--usage-read', 'whole'), 'usage-read', 'only takes effect with --usage trace');
    refused(replay('--usage', 'synthetic', '--usage-read', 'stream'), 'usage-read', '--usage synthetic');
    expect(fairfit(...replay('--usage-read', 'whole')).code).toBe(0);
  });

  it('--task-event-parts on an SWF log, or on a task_events file (it was ignored)', () => {
    refused(['replay', '--trace', swf, '--machines', '4', '--policy', 'no_migration', '--task-event-parts', '1', '--quiet'], 'task-event-parts', 'has no task_events part files');
    refused(['replay', '--trace', join(trace, 'task_events', 'part-00000-of-00001.csv.gz'), '--machines', '10', '--policy', 'no_migration', '--task-event-parts', '2', '--quiet'], 'task-event-parts', 'no part files to limit');
  });

  it('--tick above one day; one day runs', () => {
    refused(replay('--tick', '1e20'), 'tick', 'at most 86400000000 µs (one day)');
    expect(fairfit(...replay('--tick', '86400000000')).code).toBe(0);
  });
});

describe('sweep values listed twice are refused, as policies are', () => {
  it.each([
    [['--machines', '10,20,20'], 'machines', '20 is listed twice'],
    [['--machines', '10', '--overcommit', '1,0.5,1'], 'overcommit', '1 is listed twice'],
  ])('sweep %j', (args, option, part) => refused(sweep(...args), option, part));
});

describe('gen --tasks', () => {
  it('0 is refused: no replay could read the trace', () => {
    refused(['gen', '--out', join(dir, 'g0'), '--machines', '1', '--tasks', '0'], 'tasks', 'must be at least 1');
    expect(existsSync(join(dir, 'g0'))).toBe(false);
  });
});

describe('a Google folder without task_events/', () => {
  it('says task_events/ is missing', () => {
    const noTe = join(dir, 'no-te');
    cpSync(join(trace, 'machine_events'), join(noTe, 'machine_events'), { recursive: true });
    cpSync(join(trace, 'task_usage'), join(noTe, 'task_usage'), { recursive: true });
    const r = fairfit('replay', '--trace', noTe, '--machines', '4', '--quiet');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fairfit: FILE_NOT_FOUND: ${noTe}: no task_events/ folder (the table every replay reads), though it has task_usage/ and machine_events/\n`);
  });
});

describe('the cell size: at most the machines; the default is min(4, machines)', () => {
  it('--machines 3 runs with cell size 3, and says so; an explicit --cell-size 4 is refused', () => {
    const json = join(dir, 'm3.json');
    expect(fairfit('replay', '--trace', trace, '--machines', '3', '--policy', 'fine_grained', '--json', json, '--quiet').code).toBe(0);
    const run = (JSON.parse(readFileSync(json, 'utf8')) as { runs: { params: { cellSize: number }; info: { cells: number } }[] }).runs[0]!;
    expect(run.params.cellSize).toBe(3);
    expect(run.info.cells).toBe(1);
    refused(['replay', '--trace', trace, '--machines', '3', '--cell-size', '4', '--quiet'], 'cell-size', '4 is larger than the 3 machines');
  });
});

describe('counts are singular or plural', () => {
  it('1 run', () => {
    const r = fairfit('replay', '--trace', trace, '--machines', '10', '--policy', 'no_migration');
    expect(r.stderr).toMatch(/\n1 run in \d+\.\d s\n$/);
  });

  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  it('gen-scenario and rebalance: 1 host, 1 VM, 1 course, 1 algorithm (stderr and the HTML report)', () => {
    const file = join(dir, 'one-host.json');
    const g = fairfit('gen-scenario', '--out', file, '--hosts', '1', '--vms', '1', '--courses', '1');
    expect(g.code).toBe(0);
    expect(g.stderr).toBe(`writing ${file}: 1 host, 1 VM\nwrote ${file}: 1 host, 1 VM, 1 course\n`);
    const html = join(dir, 'one-host.html');
    const r = fairfit('rebalance', '--input', file, '--algorithm', 'crs', '--max-power-off', '1', '--report', html);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^read ${esc(file)}: 1 host, 1 VM in \\S+ s\ncrs: 0 migrations planned in \\S+ s\nwriting ${esc(html)}\n1 algorithm in \\S+ s; wrote ${esc(html)}\n$`));
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('1 host, 1 VM, 1 course');
    expect(page).toContain('at most 1 host powered off per plan');
  });

  it('schedule and inspect: 1 job of 1 user on 1 node, 1 row, a line of 1 field, the notes of 1 job and 1 line', () => {
    const log = join(dir, 'one-job.swf');
    // Run time and requested time unknown (−1); the last line is one field, not 18.
    writeFileSync(log, '; Version: 2.2\n;\n1 0 0 -1 4 -1 -1 4 -1 -1 1 1 -1 -1 -1 -1 -1 -1\nbad\n');
    const html = join(dir, 'one-job.html');
    const s = fairfit('schedule', '--trace', log, '--nodes', '1', '--node-capacity', '4', '--algorithm', 'iptas', '--max-skipped', '1', '--report', html);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain('): 1 job of 1 user · 1 node × 4 processors · ');
    expect(s.stdout).toContain('requested time unknown for 1 job: its run time stands in');
    expect(s.stdout).toContain('run time unknown (−1) on 1 line of the log: that job runs 0 s');
    expect(s.stderr).toContain(': 1 row; 1 line skipped; first:\n  ' + `${log}:4: wrong column count: 1 field, expected 18\n`);
    expect(s.stderr).toMatch(/\n1 algorithm in \S+ s; wrote /);
    expect(readFileSync(html, 'utf8')).toContain('1 of 1 job');
    const i = fairfit('inspect', log);
    expect(i.stderr).toContain(': 1 row from 1 file; 1 line skipped; first:');
  });

  it('replay: 1 task, interval 1 tick (stdout), 1 machine in 1 cell (the HTML report)', () => {
    const one = join(dir, 'one-task');
    expect(fairfit('gen', '--out', one, '--tasks', '1', '--machines', '1', '--days', '0.01').code).toBe(0);
    const html = join(dir, 'one-task.html');
    const r = fairfit('replay', '--trace', one, '--machines', '1', '--interval', '1', '--policy', 'no_migration', '--report', html, '--quiet');
    expect(r.code).toBe(0);
    const [modes, model] = r.stdout.split('\n');
    expect(modes).toMatch(/^trace \S+ \(google2011\): 1 task · usage trace \(1 task with usage windows, 0 fell back to request\) · 1 identical machine · /);
    expect(model).toContain('interval 1 tick,');
    expect(readFileSync(html, 'utf8')).toContain('1 machine in 1 cell');
  });
});
