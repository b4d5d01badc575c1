/**
 * An input that exists but cannot be read: the error names the file (Node's
 * message for a failed `read` names none: `fairfit: IO_ERROR: EIO: i/o error,
 * read`). `/proc/self/mem` is such a file on Linux: every process's own, and a
 * read at offset 0 (never mapped) fails with EIO.
 */
import { closeSync, mkdirSync, openSync, readSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fairfit, optionFixture } from './option-fixture.ts';

const { dir } = optionFixture('fairfit-inputs-');
const MEM = '/proc/self/mem';

describe('an input that cannot be read is named (IO_ERROR, exit 1)', () => {
  it('/proc/self/mem fails to read here (the premise of the cases below)', () => {
    const fd = openSync(MEM, 'r');
    try {
      expect(() => readSync(fd, Buffer.alloc(2), 0, 2, 0)).toThrow(expect.objectContaining({ code: 'EIO' }));
    } finally {
      closeSync(fd);
    }
  });

  it.each([
    [['inspect', MEM]],
    [['inspect', MEM, '--format', 'swf']],
    [['inspect', MEM, '--format', 'google']],
    [['schedule', '--trace', MEM, '--nodes', '2', '--format', 'swf']],
  ])('%j', (args) => {
    const r = fairfit(...args);
    expect(r.stderr).toBe(`fairfit: IO_ERROR: ${MEM}: cannot read this file (EIO: i/o error, read)\n`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });

  it('a rebalance scenario: IO_ERROR with the reason (it was FILE_NOT_FOUND), and a missing one still FILE_NOT_FOUND', () => {
    const r = fairfit('rebalance', '--input', MEM);
    expect(r.stderr).toBe(`fairfit: IO_ERROR: ${MEM}: cannot read the scenario file (EIO: i/o error, read)\n`);
    expect(r.code).toBe(1);
    const missing = fairfit('rebalance', '--input', join(dir, 'no-such-scenario.json'));
    expect(missing.stderr).toMatch(/^fairfit: FILE_NOT_FOUND: .*no-such-scenario\.json/);
  });

  it('a part file of a Google folder (a link to it) is named, not only the folder', () => {
    const trace = join(dir, 'unreadable');
    mkdirSync(join(trace, 'task_events'), { recursive: true });
    const part = join(trace, 'task_events', 'part-00000-of-00001.csv');
    symlinkSync(MEM, part);
    const r = fairfit('replay', '--trace', trace, '--machines', '4', '--quiet');
    expect(r.stderr).toBe(`fairfit: IO_ERROR: ${part}: cannot read this file (EIO: i/o error, read)\n`);
    expect(r.code).toBe(1);
  });
});
