/**
 * Standard output that fails other than by a closed reader (a full disk: Linux's /dev/full gives
 * ENOSPC on every write) is an I/O error of the command: one line `fairfit: IO_ERROR: standard
 * output: …` on stderr, no stack trace, exit 1 — or the exit code the command had already set. It
 * was an uncaught exception with its stack.
 */
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAIN, optionFixture } from './option-fixture.ts';
import { spawnSyncChild } from '../children.ts';

const { trace, dir } = optionFixture('fairfit-full-output-');
const SCENARIO = fileURLToPath(new URL('../../examples/crs-campus.json', import.meta.url));

/** The command run with its stdout on /dev/full. */
function intoFullDisk(...args: string[]): { code: number | null; stderr: string } {
  const full = openSync('/dev/full', 'w');
  try {
    const r = spawnSyncChild(process.execPath, [MAIN, ...args], { encoding: 'utf8', stdio: ['ignore', full, 'pipe'] });
    return { code: r.status, stderr: r.stderr };
  } finally {
    closeSync(full);
  }
}

describe('standard output on a full disk', () => {
  it.each([
    ['demo', ['demo']],
    ['--help', ['--help']],
    ['replay --json -', ['replay', '--trace', trace, '--machines', '10', '--policy', 'no_migration', '--quiet', '--json', '-']],
  ])('%s: one IO_ERROR line, no stack, exit 1', (_what, args) => {
    const r = intoFullDisk(...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('fairfit: IO_ERROR: standard output: ENOSPC: no space left on device, write\n');
    expect(r.stderr.match(/IO_ERROR/g)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  // The closing line said "wrote standard output" before the write had failed; now it is said only once the write went through.
  const swfPath = join(dir, 'log.swf');
  it.each([
    ['replay --json -', ['replay', '--trace', trace, '--machines', '10', '--policy', 'no_migration', '--json', '-'], 'run in '],
    ['schedule --json -', ['schedule', '--trace', swfPath, '--nodes', '4', '--json', '-'], 'algorithm'],
    ['rebalance --json -', ['rebalance', '--input', SCENARIO, '--json', '-'], 'algorithms in '],
    ['gen-scenario --out -', ['gen-scenario', '--preset', 'paper', '--out', '-'], 'wrote '],
  ])('%s: no line saying standard output was written when the write failed; said when it went through', (_what, args, closing) => {
    const r = intoFullDisk(...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('fairfit: IO_ERROR: standard output: ENOSPC');
    expect(r.stderr).not.toMatch(/wrote[^\n]*standard output/);
    const ok = spawnSyncChild(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stderr).toContain(closing);
    expect(ok.stderr).toMatch(/wrote[^\n]*standard output/);
  });

  it('keeps the exit code of a bad option (2)', () => {
    const r = intoFullDisk('replay', '--trace', trace, '--tick', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^fairfit: INVALID_OPTION: /);
  });
});
