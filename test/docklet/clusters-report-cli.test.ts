/**
 * `fairfit clusters --report`: once the commands end (a file, or standard input's end) the page is
 * written, holding the data the API's page holds for the same commands (refusals with their lines);
 * `--report` alone writes report.html; `-` and a path that cannot be written are refused before any
 * command; Ctrl-C with standard input still open writes the report of the commands applied, marked
 * interrupted, exit 130; two runs write the same bytes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clustersPage, DockletCommandLog } from '../../src/systems/docklet/clusters-report.ts';
import { VirtualClusters } from '../../src/systems/docklet/virtual-clusters.ts';
import { killTracked, spawnSyncChild, tracked } from '../children.ts';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-clusters-report-cli-'));
});
afterEach(killTracked);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const HOSTS = [{ id: 'h1', cpu: 8, mem: 32 }, { id: 'h2', cpu: 8, mem: 32 }];
/** Line 3 is blank, line 5 refused (NO_FIT), line 6 is not JSON. */
const LINES = [
  JSON.stringify({ op: 'quota', tenant: 'acme', limits: { cpu: 6 } }),
  JSON.stringify({ op: 'create', name: 'web', tenant: 'acme', nodes: 3, demand: { cpu: 2, mem: 4 } }),
  '',
  JSON.stringify({ op: 'create', name: 'db', tenant: 'beta', nodes: 2, demand: { cpu: 4, mem: 8 }, placement: 'pack' }),
  JSON.stringify({ op: 'create', name: 'big', tenant: 'beta', nodes: 1, demand: { cpu: 8, mem: 1 } }),
  'not json',
  JSON.stringify({ op: 'stop', name: 'web' }),
];

function fairfit(args: string[], options: { input?: string; cwd?: string } = {}) {
  return spawnSyncChild(process.execPath, [MAIN, 'clusters', ...args], { encoding: 'utf8', ...options });
}

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

/** The page data a report embeds. */
function pageData(html: string): unknown {
  return JSON.parse(/<script type="application\/json" id="fairfit-data">(.*?)<\/script>/s.exec(html)![1]!.replace(/\\u003c/g, '<'));
}

/** The page the API makes of the same lines, numbered as the command numbers them (blank lines skipped). */
function apiPage(lines: readonly string[], input: string, interrupted = false) {
  using vc = new VirtualClusters({ hosts: HOSTS });
  const log = new DockletCommandLog(vc.snapshot());
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let command: unknown;
    try {
      command = JSON.parse(line);
    } catch (err) {
      log.record(undefined, { ok: false, error: { code: 'PARSE_ERROR', message: `command is not valid JSON: ${(err as Error).message}`, field: 'command' } }, i + 1);
      return;
    }
    log.record(command, vc.apply(command), i + 1);
  });
  return clustersPage(vc.snapshot(), { log, input, ...(interrupted ? { interrupted } : {}) });
}

describe('fairfit clusters --report', () => {
  it('writes the page once the commands file ends: the API\'s page of the same commands, refusals with their lines', () => {
    const hosts = file('hosts.json', JSON.stringify(HOSTS));
    const commands = file('commands.jsonl', `${LINES.join('\n')}\n`);
    const out = join(dir, 'out', 'clusters.html');
    const r = fairfit(['--hosts', hosts, '--commands', commands, '--report', out]);
    expect(r.status).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(6);
    expect(r.stderr).toMatch(/\n6 commands: 4 applied, 2 refused; wrote .*clusters\.html\n$/);
    const html = readFileSync(out, 'utf8');
    const data = pageData(html);
    expect(data).toEqual(JSON.parse(JSON.stringify(apiPage(LINES, commands))));
    expect(html).toContain('<title>fairfit — Docklet virtual clusters — commands.jsonl: 2 hosts, 2 tenants, 2 clusters</title>');
    const refused = (data as ReturnType<typeof apiPage>).sections.find((s) => s.kind === 'table' && s.table.id === 'refused');
    expect(refused?.kind === 'table' && refused.table.rows.map((row) => row.slice(0, 4))).toEqual([[4, 5, 'create', 'NO_FIT'], [5, 6, null, 'PARSE_ERROR']]);
    // The same commands again: the same bytes.
    const again = join(dir, 'out', 'again.html');
    expect(fairfit(['--hosts', hosts, '--commands', commands, '--report', again]).status).toBe(1);
    expect(readFileSync(again)).toEqual(readFileSync(out));
  });

  it('from standard input, when it ends; --report alone writes report.html', () => {
    const cwd = join(dir, 'alone');
    mkdirSync(cwd);
    const hosts = file('hosts-stdin.json', JSON.stringify(HOSTS));
    const r = fairfit(['--hosts', hosts, '--commands', '-', '--report', '--quiet'], { input: LINES.slice(0, 4).join('\n'), cwd });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(pageData(readFileSync(join(cwd, 'report.html'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(apiPage(LINES.slice(0, 4), 'standard input'))));
  });

  it("'-' and a path that cannot be written are refused before any command is applied", () => {
    const hosts = file('hosts-bad.json', JSON.stringify(HOSTS));
    const dash = fairfit(['--hosts', hosts, '--commands', '-', '--report', '-'], { input: LINES[1]! });
    expect([dash.status, dash.stdout]).toEqual([2, '']);
    expect(dash.stderr).toMatch(/^fairfit: INVALID_OPTION: --report: '-' is standard output, which carries the answers: give a file name/);
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const bad = fairfit(['--hosts', hosts, '--commands', '-', '--report', folder], { input: LINES[1]! });
    expect([bad.status, bad.stdout]).toEqual([1, '']);
    expect(bad.stderr).toContain(`OUTPUT_ERROR: ${folder}: is a folder; give a file name`);
  });

  it('Ctrl-C with standard input still open: the report of the commands applied, marked interrupted, exit 130', async () => {
    const hosts = file('hosts-int.json', JSON.stringify(HOSTS));
    const out = join(dir, 'interrupted.html');
    const child = tracked(spawn(process.execPath, [MAIN, 'clusters', '--hosts', hosts, '--commands', '-', '--report', out], { stdio: ['pipe', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    child.stdin.write(`${LINES.slice(0, 2).join('\n')}\n`);
    // Both answered: the commands were read and applied; standard input stays open.
    while (stdout.split('\n').length < 3 && child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGINT');
    expect(await exited).toEqual([130, null]);
    expect(stderr).toContain('fairfit: SIGINT — stopping; the report of the commands applied will be written (exit 130)\n');
    expect(stderr).toMatch(/\n2 commands: 2 applied, 0 refused \(interrupted\); wrote .*interrupted\.html\n$/);
    expect(existsSync(out)).toBe(true);
    const data = pageData(readFileSync(out, 'utf8')) as { interrupted?: string };
    expect(data).toEqual(JSON.parse(JSON.stringify(apiPage(LINES.slice(0, 2), 'standard input', true))));
    expect(data.interrupted).toMatch(/^The commands were interrupted \(Ctrl-C\)/);
  }, 60_000);
});
