/**
 * A `generateTrace` stopped or failed halfway leaves nothing behind: no part file (tested with the
 * CLI in test/cli/outputs-cli.test.ts) and no folder it created — the table folders, and `out`
 * itself when the run made it — while folders that were there before stay.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { rejection } from '../rejection.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fairfit-gen-stopped-'));
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A generation stopped once planned (before any row is written), into `out`. */
async function stopped(out: string, usage = true) {
  const stop = new AbortController();
  return rejection(generateTrace({ machines: 20, tasks: 400, days: 0.05, seed: 4, out, usage, signal: stop.signal, onPlanned: () => stop.abort() }));
}

describe('a generation stopped halfway', () => {
  it('removes the folders it created, out included (they were left behind empty)', async () => {
    for (const usage of [true, false]) {
      const out = join(root, `new-${String(usage)}`, 'trace');
      expect((await stopped(out, usage)).code).toBe('ABORTED');
      expect(existsSync(join(root, `new-${String(usage)}`))).toBe(false);
    }
  });

  it('keeps the folders that were there, and a folder something else was put into', async () => {
    const out = join(root, 'kept');
    mkdirSync(join(out, 'machine_events'), { recursive: true });
    writeFileSync(join(out, 'notes.txt'), 'mine');
    expect((await stopped(out)).code).toBe('ABORTED');
    expect(readdirSync(out).sort()).toEqual(['machine_events', 'notes.txt']);
    expect(readdirSync(join(out, 'machine_events'))).toEqual([]);
  });

  it('the same run not stopped writes the three tables', async () => {
    const out = join(root, 'whole');
    await generateTrace({ machines: 20, tasks: 400, days: 0.05, seed: 4, out });
    expect(readdirSync(out).sort()).toEqual(['machine_events', 'task_events', 'task_usage']);
  });
});
