/**
 * `fairfit clusters` through the built command: one JSON answer per command line on stdout
 * (the same answers as the API), refusals named with their line on stderr, exit 0 when every
 * command was applied and 1 when any was refused, and bad hosts or paths refused before any command.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClusters } from '../../src/systems/docklet/virtual-clusters.ts';
import { spawnSyncChild } from '../children.ts';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-clusters-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const HOSTS = [{ id: 'h1', cpu: 8, mem: 32 }, { id: 'h2', cpu: 8, mem: 32 }, { id: 'h3', cpu: 8, mem: 32 }];
const COMMANDS = [
  { op: 'quota', tenant: 'acme', limits: { nodes: 6 } },
  { op: 'create', name: 'web', tenant: 'acme', nodes: 4, demand: { cpu: 1, mem: 2 } },
  { op: 'scale', name: 'web', nodes: 5 },
  { op: 'stop', name: 'web' },
  { op: 'start', name: 'web' },
  { op: 'status', name: 'web' },
];

function fairfit(args: string[], input?: string) {
  return spawnSyncChild(process.execPath, [MAIN, 'clusters', ...args], { encoding: 'utf8', ...(input === undefined ? {} : { input }) });
}

function hostsFile(hosts: unknown = HOSTS): string {
  const f = join(dir, `hosts-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(f, JSON.stringify(hosts));
  return f;
}

describe('fairfit clusters', () => {
  it('answers each command line as the API does, exit 0 when all were applied', () => {
    const file = join(dir, 'commands.jsonl');
    writeFileSync(file, `${COMMANDS.map((c) => JSON.stringify(c)).join('\n')}\n\n`);
    const hosts = hostsFile();
    const r = fairfit(['--hosts', hosts, '--commands', file]);
    expect(r.status).toBe(0);
    using vc = new VirtualClusters({ hosts: HOSTS });
    expect(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual(COMMANDS.map((c) => vc.apply(c)));
    expect(r.stderr).toBe(`3 hosts from ${hosts}\n6 commands: 6 applied, 0 refused\n`);
  });

  it('reads standard input; a refused command or a line that is not JSON is answered, named on stderr, and makes the exit code 1', () => {
    const lines = [JSON.stringify(COMMANDS[1]), JSON.stringify({ op: 'scale', name: 'web', nodes: 40 }), 'not json', JSON.stringify({ op: 'scale', name: 'web', nodez: 3 }), JSON.stringify({ op: 'list' }), JSON.stringify({ op: 'scale', name: 'web', nodes: 1, dryRun: true })];
    const r = fairfit(['--hosts', hostsFile(), '--commands', '-'], lines.join('\n'));
    expect(r.status).toBe(1);
    const answers = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { ok: boolean; error?: { code: string; field: string } });
    expect(answers.map((a) => a.ok)).toEqual([true, false, false, false, true, true]);
    expect(answers.slice(1, 4).map((a) => [a.error!.code, a.error!.field])).toEqual([['NO_FIT', 'command.nodes'], ['PARSE_ERROR', 'command'], ['INVALID_OPTION', 'command.nodez']]);
    expect(r.stderr).toMatch(/^line 2: NO_FIT: /m);
    expect(r.stderr).toMatch(/^line 3: PARSE_ERROR: /m);
    expect(r.stderr).toMatch(/^line 4: INVALID_OPTION: command\.nodez is not a field of op "scale" \(did you mean nodes\?\)$/m);
    // A dry run is counted apart: it applied nothing.
    expect(r.stderr).toMatch(/6 commands: 2 applied, 1 dry run accepted, 3 refused\n$/);
    expect(fairfit(['--hosts', hostsFile(), '--commands', '-', '--quiet'], lines.join('\n')).stderr).toBe('');
  });

  it('skips a UTF-8 byte-order mark at the start of the hosts file and of the commands', () => {
    const hosts = join(dir, 'bom-hosts.json');
    writeFileSync(hosts, `\uFEFF${JSON.stringify(HOSTS)}`);
    const r = fairfit(['--hosts', hosts, '--commands', '-'], `\uFEFF${JSON.stringify({ op: 'hosts' })}\n`);
    expect([r.status, r.stderr]).toEqual([0, `3 hosts from ${hosts}\n1 command: 1 applied, 0 refused\n`]);
    expect((JSON.parse(r.stdout) as { ok: boolean }).ok).toBe(true);
  });

  it('--restore starts from a snapshot (the answer line of a snapshot command, or its result) and goes on as one manager would', () => {
    const first = fairfit(['--hosts', hostsFile(), '--commands', '-', '--quiet'], [...COMMANDS.slice(0, 3), { op: 'snapshot' }].map((c) => JSON.stringify(c)).join('\n'));
    expect(first.status).toBe(0);
    const line = first.stdout.trimEnd().split('\n').at(-1)!;
    const state = join(dir, 'state.json');
    const result = join(dir, 'state-result.json');
    writeFileSync(state, line);
    writeFileSync(result, JSON.stringify((JSON.parse(line) as { result: unknown }).result));
    const more = [{ op: 'scale', name: 'web', nodes: 6 }, { op: 'scale', name: 'web', nodes: 7 }, { op: 'hosts' }];
    using vc = new VirtualClusters({ hosts: HOSTS });
    for (const c of COMMANDS.slice(0, 3)) vc.apply(c);
    const want = more.map((c) => vc.apply(c));
    for (const file of [state, result]) {
      const r = fairfit(['--restore', file, '--commands', '-'], more.map((c) => JSON.stringify(c)).join('\n'));
      expect(r.status).toBe(1); // the quota of 6 nodes refuses the second scale
      expect(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual(want);
      expect(r.stderr).toMatch(new RegExp(`^3 hosts and 1 cluster from ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
    }
    const both = fairfit(['--hosts', hostsFile(), '--restore', state, '--commands', '-'], '');
    expect([both.status, both.stderr]).toEqual([2, expect.stringMatching(/^fairfit: INVALID_OPTION: --hosts: give --hosts or --restore, not both/)]);
    const neither = fairfit(['--commands', '-'], '');
    expect([neither.status, neither.stderr]).toEqual([2, expect.stringMatching(/^fairfit: INVALID_OPTION: --hosts: give --hosts or --restore/)]);
    // The answer line of a refused snapshot command, or of another op: named as such (not "snapshot.format is missing").
    const refusedLine = fairfit(['--hosts', hostsFile(), '--commands', '-', '--quiet'], JSON.stringify({ op: 'snapshot', at: 1 })).stdout.trimEnd();
    for (const [text, what] of [[refusedLine, /the answer line of a refused command \(INVALID_OPTION: command\.at is not a field/], [JSON.stringify({ ok: true, op: 'hosts', result: [] }), /the answer line of a "hosts" command, not a snapshot/]] as const) {
      const f = join(dir, 'answer.json');
      writeFileSync(f, text);
      const r = fairfit(['--restore', f, '--commands', '-'], '');
      expect([r.status, r.stdout]).toEqual([1, '']);
      expect(r.stderr).toMatch(new RegExp(`^fairfit: CORRUPT_INPUT: --restore: .*answer\\.json: ${what.source}`));
    }
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, line.replace('"next":5', '"next":2'));
    const bad = fairfit(['--restore', corrupt, '--commands', '-'], '');
    expect([bad.status, bad.stdout]).toEqual([1, '']);
    expect(bad.stderr).toMatch(/^fairfit: CORRUPT_INPUT: --restore: .*corrupt\.json: virtual-cluster snapshot rejected: snapshot\.clusters\[0\]\.members\[2\]\.id /);
  });

  it('refuses bad hosts, a missing file and a bad option before any command', () => {
    const bad = fairfit(['--hosts', hostsFile([{ id: 'a', cpu: 1, mem: 1, disk: 3 }]), '--commands', '-'], '');
    expect(bad.status).toBe(1); // bad data, as rebalance's scenario file; exit 2 is for a bad option
    expect(bad.stderr).toMatch(/^fairfit: PARSE_ERROR: --hosts: .*hosts\[0\]\.disk is not a field/);
    expect(bad.stdout).toBe('');
    const missing = fairfit(['--hosts', join(dir, 'nope.json'), '--commands', '-'], '');
    expect([missing.status, missing.stderr]).toEqual([1, expect.stringMatching(/^fairfit: FILE_NOT_FOUND: --hosts: /)]);
    const commands = fairfit(['--hosts', hostsFile(), '--commands', join(dir, 'nope.jsonl')]);
    expect([commands.status, commands.stderr]).toEqual([1, expect.stringMatching(/^fairfit: FILE_NOT_FOUND: --commands: /)]);
    const engine = fairfit(['--hosts', hostsFile(), '--commands', '-', '--engine', 'gpu'], '');
    expect([engine.status, engine.stderr]).toEqual([2, expect.stringMatching(/^fairfit: INVALID_OPTION: --engine: 'gpu' is not one of wasm, reference/)]);
    expect(fairfit(['--help']).stdout).toContain('--commands <file>');
  });
});
