/**
 * Temporary folders: their names carry this host and the process id, and the
 * first folder a process makes of a kind removes the ones that dead processes
 * of this host left (a killed run cannot clean up after itself), and nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { HOST_TAG, TempFolder, sweepStale } from '../../src/io/temp-files.ts';
import { spawnSyncChild } from '../children.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fairfit-temp-test-'));
});
const savedTmp = process.env.TMPDIR;
afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  if (root) rmSync(root, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSyncChild(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function folder(parent: string, name: string): string {
  const d = join(parent, name);
  mkdirSync(d);
  writeFileSync(join(d, 'spill-0.bin'), 'x');
  return d;
}

describe('temporary folders', () => {
  it('are named with the host and the process id, and removed with their files', () => {
    const parent = mkdtempSync(join(root, 'named-'));
    process.env.TMPDIR = parent;
    const f = new TempFolder('fairfit-tasks-', 'task files');
    const file = f.next('bucket');
    writeFileSync(file, 'x');
    expect(basename(dirname(file))).toMatch(new RegExp(`^fairfit-tasks-${HOST_TAG}-${process.pid}-[A-Za-z0-9]{6}$`));
    f.remove();
    expect(readdirSync(parent)).toEqual([]);
  });

  it('sweep removes a dead process’s folders of this host only', () => {
    const parent = mkdtempSync(join(root, 'sweep-'));
    const dead = deadPid();
    const stale = folder(parent, `fairfit-tasks-${HOST_TAG}-${dead}-abc123`);
    const live = folder(parent, `fairfit-tasks-${HOST_TAG}-${process.pid}-abc123`);
    const parentPid = folder(parent, `fairfit-tasks-${HOST_TAG}-${process.ppid}-abc123`);
    const otherHost = folder(parent, `fairfit-tasks-${HOST_TAG === '00000000' ? '11111111' : '00000000'}-${dead}-abc123`);
    const otherKind = folder(parent, `fairfit-arrivals-${HOST_TAG}-${dead}-abc123`);
    const oldName = folder(parent, 'fairfit-tasks-abc123');
    const testName = folder(parent, 'fairfit-tasks-test-abc123');
    expect(sweepStale(parent, 'fairfit-tasks-')).toEqual([basename(stale)]);
    expect(existsSync(stale)).toBe(false);
    for (const d of [live, parentPid, otherHost, otherKind, oldName, testName]) expect(existsSync(d)).toBe(true);
    expect(sweepStale(join(parent, 'missing'), 'fairfit-tasks-')).toEqual([]);
  });

  it('the first folder of a kind in a process sweeps the stale ones', () => {
    const parent = mkdtempSync(join(root, 'first-'));
    process.env.TMPDIR = parent;
    const dead = deadPid();
    const stale = folder(parent, `fairfit-arrivals-${HOST_TAG}-${dead}-xyz789`);
    const f = new TempFolder('fairfit-arrivals-', 'arrival files');
    expect(existsSync(stale)).toBe(true); // nothing happens before a file is asked for
    f.next('arrivals');
    expect(existsSync(stale)).toBe(false);
    f.remove();
    expect(readdirSync(parent)).toEqual([]);
  });

  it('a run killed with SIGKILL leaves its folder, and the next run removes it', () => {
    const parent = mkdtempSync(join(root, 'killed-'));
    // A child makes a folder, writes a file, then kills itself outright: no cleanup runs.
    const code = `
      const { TempFolder } = await import(${JSON.stringify(new URL('../../src/io/temp-files.ts', import.meta.url).href)});
      const { writeFileSync } = await import('node:fs');
      writeFileSync(new TempFolder('fairfit-tasks-', 'task files').next('bucket'), 'x');
      process.kill(process.pid, 'SIGKILL');`;
    const r = spawnSyncChild(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { env: { ...process.env, TMPDIR: parent }, encoding: 'utf8' });
    expect(r.signal).toBe('SIGKILL');
    const ours = (): string[] => readdirSync(parent).filter((n) => n.startsWith('fairfit-')); // tsx keeps a cache there too
    const left = ours();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(new RegExp(`^fairfit-tasks-${HOST_TAG}-\\d+-`));
    process.env.TMPDIR = parent;
    const f = new TempFolder('fairfit-tasks-', 'task files');
    const mine = basename(dirname(f.next('bucket')));
    expect(ours()).toEqual([mine]);
    f.remove();
    expect(ours()).toEqual([]);
  });
});
