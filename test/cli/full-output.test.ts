/**
 * Standard output that fails other than by a closed reader (a full disk: Linux's /dev/full gives
 * ENOSPC on every write) is an I/O error of the command: one line `fairfit: IO_ERROR: standard
 * output: …` on stderr, no stack trace, exit 1 — or the exit code the command had already set. It
 * was an uncaught exception with its stack.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAIN, optionFixture } from './option-fixture.ts';

const { trace } = optionFixture('fairfit-full-output-');

/** The command run with its stdout on /dev/full. */
function intoFullDisk(...args: string[]): { code: number | null; stderr: string } {
  const full = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', stdio: ['ignore', full, 'pipe'] });
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

  it('keeps the exit code of a bad option (2)', () => {
    const r = intoFullDisk('replay', '--trace', trace, '--tick', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^fairfit: INVALID_OPTION: /);
  });
});
