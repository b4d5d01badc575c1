/**
 * SWF logs in a replay: every log line is a job that ran and ended, whatever its status (cleaned logs
 * such as NASA iPSC say −1, unknown, on every line), so its run ends in the replay; an earlier reading
 * of −1 as "not ended" left every job of such a log running for ever (docs/model.md, "SWF → the task model").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSwf } from '../../src/io/swf.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';

const NASA = join(import.meta.dirname, '../../../shared/traces/swf-nasa-ipsc-1993/NASA-iPSC-1993-3.1-cln.swf.gz');
// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-swf-replay-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** An SWF log of `statuses.length` one-processor jobs of `run` s each (−1: unknown), submitted 10 s apart. */
function log(name: string, statuses: number[], run: (j: number) => number): string {
  const lines = ['; MaxProcs: 4'];
  statuses.forEach((s, j) => lines.push(`${j + 1} ${j * 10} -1 ${run(j)} 1 -1 -1 1 -1 -1 ${s} 1 1 -1 1 -1 -1 -1`));
  const f = join(dir, name);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

describe('SWF status → the end of a job', () => {
  it('maps each status to a terminal event, a run time known or not', async () => {
    const f = log('statuses.swf', [-1, 0, 1, 2, 3, 4, 5, -1], (j) => (j === 7 ? -1 : 100));
    const t = (await readSwf(f)).tasks;
    // −1 → FINISH, 0 → FAIL, 1 → FINISH, 2 → EVICT, 3 → FINISH, 4 → FAIL, 5 → KILL; no run time: still ends (after 0).
    expect(Array.from(t.lastEvent!)).toEqual([4, 3, 4, 2, 4, 3, 5, 4]);
    expect(Array.from(t.duration)).toEqual([100e6, 100e6, 100e6, 100e6, 100e6, 100e6, 100e6, 0]);
  });

  it('replays a log whose every status is −1: every job finishes, none is censored', async () => {
    const f = log('unknown.swf', Array.from({ length: 40 }, () => -1), (j) => 50 + j);
    const r = await replay({ trace: f, machines: 2, policies: ['no_migration'], usage: 'request', series: false });
    const info = r.runs[0]!.info!;
    expect(info.censoredUnfinished).toBe(0);
    // Two machines and 40 jobs of 50–89 s arriving every 10 s: jobs wait (a delay); most finish inside the
    // window (it ends at the last submit + run), the others are still waiting or running at its end.
    expect(info.finished).toBeGreaterThan(20);
    expect(r.runs[0]!.metrics.delay).toBeGreaterThan(0);
  });
});

describe.skipIf(!existsSync(NASA))('the real NASA iPSC log in a replay', () => {
  it('finishes jobs (every line has status −1)', async () => {
    const r = await replay({ trace: NASA, machines: 128, policies: ['no_migration'], usage: 'request', series: false });
    const info = r.runs[0]!.info!;
    expect(info.censoredUnfinished).toBe(0);
    expect(info.finished).toBeGreaterThan(18_000);
    expect(r.runs[0]!.metrics.delay).toBeGreaterThan(0);
  });
});
if (!existsSync(NASA)) console.warn(`skipped: the real NASA SWF log is absent (${NASA})`);
