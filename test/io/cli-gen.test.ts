/**
 * `fairfit gen` and `fairfit inspect` follow the CLI conventions: data (JSON)
 * on stdout, messages on stderr, exit 0 / 1 (runtime failure) / 2 (usage
 * error), and `--strict` stops at the first bad line naming file:line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { spawnSyncChild } from '../children.ts';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSyncChild(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', cwd: join(import.meta.dirname, '../..') });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('fairfit gen / inspect', () => {
  // Made before the first test: made while the file was collected, it stayed when the suite was skipped
  // (a -t that selects none of its tests), since a skipped suite runs no afterAll.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fairfit-cli-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gen writes the trace and prints its files and row counts as JSON; inspect reads it back', () => {
    const out = join(dir, 't');
    const g = run('gen', '--out', out, '--machines', '10', '--tasks', '300', '--days', '0.05', '--seed', '4');
    expect(g.status).toBe(0);
    const res = JSON.parse(g.stdout) as { files: string[]; rows: Record<string, number> };
    expect(res.files).toHaveLength(3);
    expect(res.rows.machine_events).toBe(10);
    expect(g.stderr).toMatch(/^fairfit gen: wrote 3 files/);
    const i = run('inspect', out, '--strict');
    expect(i.status).toBe(0);
    const info = JSON.parse(i.stdout) as { tasks: number; usageRows: number; summary: { skipped: number } };
    expect(info.tasks).toBe(300);
    expect(info.usageRows).toBe(res.rows.task_usage);
    expect(info.summary.skipped).toBe(0);
  });

  it('gen --resubmissions adds the resubmitted runs, with or without task_usage', () => {
    const args = ['--machines', '20', '--tasks', '3000', '--days', '0.5', '--seed', '4', '--no-usage'];
    const plain = run('gen', '--out', join(dir, 'plain'), ...args);
    const re = run('gen', '--out', join(dir, 're'), ...args, '--resubmissions');
    expect(re.status).toBe(0);
    const rows = (r: { stdout: string }): number => (JSON.parse(r.stdout) as { rows: Record<string, number> }).rows.task_events!;
    expect(rows(re)).toBeGreaterThan(rows(plain));
    const i = run('inspect', join(dir, 're'), '--strict');
    expect(i.status).toBe(0);
    expect((JSON.parse(i.stdout) as { tasks: number }).tasks).toBe(3000);
    const withUsage = run('gen', '--out', join(dir, 're-usage'), '--machines', '20', '--tasks', '300', '--days', '0.1', '--resubmissions', '--resubmitted-share', '0.5');
    expect(withUsage.status).toBe(0);
    expect((JSON.parse(withUsage.stdout) as { rows: Record<string, number> }).rows.task_usage).toBeGreaterThan(0);
    expect(run('inspect', join(dir, 're-usage'), '--strict').status).toBe(0);
    const more = run('gen', '--out', join(dir, 're-share'), ...args, '--resubmissions', '--resubmitted-share', '0.5');
    expect(more.status).toBe(0);
    expect(rows(more)).toBeGreaterThan(rows(re));
    const noShare = run('gen', '--out', join(dir, 're-noshare'), ...args, '--resubmitted-share', '0.5');
    expect(noShare.status).toBe(2);
    expect(noShare.stderr).toContain('INVALID_OPTION: resubmitted-share: only takes effect with --resubmissions');
  });

  it('exits 2 on a usage error and 1 on a missing trace or a bad line in --strict mode', () => {
    const bad = run('gen', '--out', join(dir, 'x'), '--machines', '0');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('INVALID_OPTION: machines must be an integer ≥ 1');
    expect(bad.stdout).toBe('');
    const missing = run('inspect', join(dir, 'nope'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('FILE_NOT_FOUND');
    const te = join(dir, 'bad/task_events');
    mkdirSync(te, { recursive: true });
    const f = join(te, 'part-00000-of-00001.csv.gz');
    writeFileSync(f, gzipSync('0,,1,0,,0,u,0,9,0.1,0.1,0,0\n0,,1,1,,0\n'));
    const lenient = run('inspect', join(dir, 'bad'));
    expect(lenient.status).toBe(0);
    expect(lenient.stderr).toContain(`1 line skipped; first:\n  ${f}:2: wrong column count`);
    const strict = run('inspect', join(dir, 'bad'), '--strict');
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain(`PARSE_ERROR: ${f}:2: wrong column count: 6 fields, expected 13`);
  });
});

describe('fairfit gen into a folder that holds another trace', () => {
  // Made before the first test: made while the file was collected, it stayed when the suite was skipped
  // (a -t that selects none of its tests), since a skipped suite runs no afterAll.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fairfit-cli-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  it('refuses part files it would not overwrite (a replay would mix the two traces); the same options rewrite the same names', () => {
    const out = join(dir, 't');
    const args = ['gen', '--out', out, '--machines', '10', '--tasks', '300', '--days', '0.05'];
    expect(run(...args, '--usage-parts', '3').status).toBe(0);
    const again = run(...args);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`OUTPUT_ERROR: ${join(out, 'task_usage')}: holds part-00000-of-00003.csv.gz and 2 more part files`);
    expect(readdirSync(join(out, 'task_usage')).sort()).toEqual(['part-00000-of-00003.csv.gz', 'part-00001-of-00003.csv.gz', 'part-00002-of-00003.csv.gz']);
    expect(run(...args, '--usage-parts', '3', '--seed', '9').status).toBe(0);
    // Without usage: the old task_usage parts would be read as the new trace's usage.
    // --usage-parts has nothing to split without task_usage: a bad option (exit 2), nothing written.
    const parts = run(...args, '--usage-parts', '3', '--no-usage', '--seed', '4');
    expect(parts.status).toBe(2);
    expect(parts.stderr).toContain('INVALID_OPTION: usage-parts: only takes effect when task_usage is written (not with --no-usage)');
    const noUsage = run(...args, '--no-usage');
    expect(noUsage.status).toBe(1);
    expect(noUsage.stderr).toContain(`OUTPUT_ERROR: ${join(out, 'task_usage')}: holds part-00000-of-00003.csv.gz and 2 more part files`);
  });
});
