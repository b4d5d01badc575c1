/**
 * A big trace's task_events are parsed in a worker thread (`CLUSTER_READ_TUNING.threadBytes`): the
 * trace read that way is the one read in this thread — gangs, counts, hosts, skipped lines and the
 * first problem's file:line — and strict mode throws the same error. The per-task records in pages of
 * a few tasks (`pageBits`) give the same trace. On a generated trace cut into two part files, a bad
 * line in each.
 */
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { CLUSTER_READ_TUNING, readClusterTrace } from '../../src/systems/docklet/trace-gangs.ts';

let dir = '';
const saved = { ...CLUSTER_READ_TUNING };
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-vcthread-'));
  await generateTrace({ machines: 60, tasks: 3000, days: 0.1, seed: 4, out: dir, usage: false });
  // Two part files, each with a bad line, so the order of files and the lines' numbers both show.
  const one = join(dir, 'task_events', 'part-00000-of-00001.csv.gz');
  const lines = gunzipSync(readFileSync(one)).toString('utf8').split('\n').filter((l) => l !== '');
  unlinkSync(one);
  const half = lines.length >> 1;
  const parts = [[...lines.slice(0, 10), 'not a task event', ...lines.slice(10, half)], [...lines.slice(half, half + 5), '1,2,3', ...lines.slice(half + 5)]];
  parts.forEach((p, k) => writeFileSync(join(dir, 'task_events', `part-0000${k}-of-00002.csv.gz`), gzipSync(p.join('\n') + '\n')));
});
afterAll(() => {
  Object.assign(CLUSTER_READ_TUNING, saved);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The trace read with the task_events parsed in a worker thread (`threadBytes` 0) or in this one (+∞). */
async function readWith(threadBytes: number, strict = false, pageBits = saved.pageBits): ReturnType<typeof readClusterTrace> {
  Object.assign(CLUSTER_READ_TUNING, { threadBytes, pageBits });
  try {
    return await readClusterTrace(dir, { strict });
  } finally {
    Object.assign(CLUSTER_READ_TUNING, saved);
  }
}

describe('the read with task_events parsed in a worker thread', () => {
  it('gives the trace this thread reads: gangs, counts, hosts, skipped lines and the first problem', async () => {
    const here = await readWith(Infinity);
    const threaded = await readWith(0);
    expect(here.gangs.count).toBeGreaterThan(100);
    expect(here.summary.skipped).toBe(2);
    expect(here.summary.firstProblems[0]).toMatch(/part-00000-of-00002\.csv\.gz:11: /);
    expect(here.summary.firstProblems[1]).toMatch(/part-00001-of-00002\.csv\.gz:6: /);
    expect(threaded).toEqual(here);
    // Pages of 1 and of 8 tasks: thousands of pages, the same trace.
    expect(await readWith(Infinity, false, 0)).toEqual(here);
    expect(await readWith(0, false, 3)).toEqual(here);
  });

  it('strict: the same PARSE_ERROR naming file:line', async () => {
    const a = await readWith(Infinity, true).then(() => undefined, (e: unknown) => e);
    const b = await readWith(0, true).then(() => undefined, (e: unknown) => e);
    expect(a).toMatchObject({ code: 'PARSE_ERROR', message: expect.stringMatching(/part-00000-of-00002\.csv\.gz:11: /) });
    expect(b).toMatchObject({ code: (a as { code: string }).code, message: (a as Error).message });
  });
});
