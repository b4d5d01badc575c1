/**
 * The Docklet trace replay with the machine events applied (`machineEvents: 'apply'`), worked by hand
 * on a three-machine trace: a host added lets a waiting gang in; a host removed has its member moved
 * to another; a host removed whose members find no room evicts their cluster, which waits again
 * with the rest of its hold and is placed again after a departure (its departure from before the
 * eviction skipped); an UPDATE, an ADD of a host already there and a REMOVE of a machine that is no
 * host are counted, not applied. With the default (`'ignore'`) the events are counted only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clustersReplayPage } from '../../src/systems/docklet/clusters-replay-report.ts';
import { readClusterTrace } from '../../src/systems/docklet/trace-gangs.ts';
import { replayClusters } from '../../src/systems/docklet/trace-replay.ts';
import { CHURN_TRACE, writeTrace } from './trace-helpers.ts';

let dir = '';
let churn = '';
/** Job 1's rows: two members of (0.5, 0.25) from the start, until 1000 s. */
const JOB_1 = CHURN_TRACE.tasks.filter((r) => r[1] === 1);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-vcmachines-'));
  churn = writeTrace(join(dir, 'churn'), CHURN_TRACE.tasks, CHURN_TRACE.machines);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the machine events, applied', () => {
  it('the reader keeps the events inside the window after its start, in time order', async () => {
    const t = await readClusterTrace(churn);
    const m = t.machineChanges!;
    expect(m.count).toBe(6);
    expect(Array.from(m.time, (x) => x / 1e6)).toEqual([800, 900, 950, 1000, 1100, 1100]);
    expect(m.id).toEqual(['13', '11', '12', '13', '13', '99']);
    expect(Array.from(m.type)).toEqual([0, 1, 1, 2, 0, 1]);
    expect(Array.from(m.cpu.subarray(0, 2))).toEqual([1, Number.NaN]);
    expect([t.counts.machinesAddedLater, t.counts.machinesRemoved, t.counts.machinesUpdated, t.counts.machineEventsAfterWindow]).toEqual([2, 3, 1, 1]);
  });

  // spread, samples every 100 s at 600 … 1400. Job 1 puts a member on hosts 11 and 12; job 2 (0.75
  // cpu) fits neither and waits from 700 s; host 13 comes at 800 s and takes it (a wait of 100 s; it
  // leaves at 800 + 500 = 1300 s). Host 11 goes at 900 s: job 1's member there moves to host 12 (free
  // 0.5 cpu; host 13 has 0.25). Host 12 goes at 950 s: job 1's two members need 1 cpu, host 13 has
  // 0.25: job 1 is evicted (its 50 s left go with it) and waits; its departure at 1000 s is skipped.
  // Job 2 leaves at 1300 s: job 1 is placed again on host 13 and leaves at 1350 s. Job 9 is placed at
  // once at 1400 s and leaves at 1500 s.
  it('spread: an added host ends a wait, a removed one moves a member or evicts its cluster, which is placed again later', async () => {
    const r = await replayClusters(churn, { placements: ['spread'], sampleSeconds: 100, machineEvents: 'apply' });
    expect(r.machineEvents).toBe('apply');
    const s = r.runs[0]!;
    expect(s.gangs).toEqual({ asked: 3, placedAtOnce: 2, placedAfterWait: 1, waitingAtEnd: 0, neverFit: 0, passes: 0, deleted: 3 });
    expect(s.machines).toEqual({ added: 1, removed: 2, notApplied: 3, movedMembers: 1, evicted: 1, placedAgain: 1, evictedWaitingAtEnd: 0 });
    expect(s.meanWait).toBe(100);
    // Members placed: job 1 twice (2 + 2), job 2, job 9.
    expect(s.membersPlaced).toBe(6);
    const x = s.series;
    expect(x.hostsInUse).toEqual([2, 2, 3, 2, 1, 1, 1, 1, 1]);
    expect(x.waiting).toEqual([0, 1, 0, 0, 1, 1, 1, 0, 0]);
    expect(x.cpuInUse).toEqual([0.5, 0.5, 1.75 / 3, 0.875, 0.75, 0.75, 0.75, 1, 0.1]);
    // Of the hosts there now: 1.75 of 2 cpu once host 11 is gone; all of host 13 once job 1 is back.
    expect(s.peakCpuFraction).toBe(1);
    expect(s.peakMemFraction).toBe(0.5);
  });

  it('a cluster still waiting at the window end after an eviction is counted apart from those never placed', async () => {
    // The same, without job 2's end: host 13 stays taken, and job 1 waits to the end.
    const stuck = writeTrace(join(dir, 'stuck'), [
      ...JOB_1,
      [700, 2, 0, 0, 'bo', 0.75, 0.25], [700, 2, 0, 1, 'bo', 0.75, 0.25],
      [1500, 9, 0, 0, 'bo', 0.1, 0.1],
    ], [[0, 11, 0, 1, 1], [0, 12, 0, 1, 1], [800, 13, 0, 1, 1], [900, 11, 1, '', ''], [950, 12, 1, '', '']]);
    const s = (await replayClusters(stuck, { placements: ['spread'], sampleSeconds: 100, machineEvents: 'apply' })).runs[0]!;
    expect(s.gangs).toMatchObject({ asked: 3, placedAtOnce: 2, placedAfterWait: 1, waitingAtEnd: 0, deleted: 0 });
    expect(s.machines).toMatchObject({ evicted: 1, placedAgain: 0, evictedWaitingAtEnd: 1 });
    expect(s.series.waiting.at(-1)).toBe(1);
  });

  it('a cluster placed again before its old departure time leaves at its new one', async () => {
    // As `stuck`, and host 14 comes at 960 s: job 1 is placed again there at once, with its 50 s left,
    // and leaves at 1010 s, not at 1000 s (its departure from before the eviction).
    const back = writeTrace(join(dir, 'back'), [
      ...JOB_1,
      [700, 2, 0, 0, 'bo', 0.75, 0.25], [700, 2, 0, 1, 'bo', 0.75, 0.25],
      [1100, 9, 0, 0, 'bo', 0.1, 0.1],
    ], [[0, 11, 0, 1, 1], [0, 12, 0, 1, 1], [800, 13, 0, 1, 1], [900, 11, 1, '', ''], [950, 12, 1, '', ''], [960, 14, 0, 1, 1]]);
    const s = (await replayClusters(back, { placements: ['spread'], sampleSeconds: 10, machineEvents: 'apply' })).runs[0]!;
    expect(s.machines).toMatchObject({ added: 2, removed: 2, evicted: 1, placedAgain: 1, evictedWaitingAtEnd: 0 });
    expect(s.gangs.deleted).toBe(1);
    const at = (time: number) => s.series.hostsInUse[s.series.time.indexOf(time - 600)];
    // Job 2 on host 13 throughout; job 1 on host 14 from 960 to 1010 s.
    expect([at(950), at(960), at(1000), at(1010)]).toEqual([1, 2, 2, 1]);
  });

  it('ignored by default: counted, the hosts of the start throughout, no machines outcome', async () => {
    const r = await replayClusters(churn, { placements: ['spread'], sampleSeconds: 100 });
    expect(r.machineEvents).toBe('ignore');
    const s = r.runs[0]!;
    expect(s.machines).toBeUndefined();
    // Job 2 waits for job 1's departure at 1000 s, as on two fixed hosts, and takes host 11 to 1500 s;
    // job 9 takes the empty host 12 at 1400 s.
    expect(s.gangs).toEqual({ asked: 3, placedAtOnce: 2, placedAfterWait: 1, waitingAtEnd: 0, neverFit: 0, passes: 0, deleted: 3 });
    expect(s.meanWait).toBe(300);
    expect(s.series.hostsInUse).toEqual([2, 2, 2, 2, 1, 1, 1, 1, 2]);
  });

  it('the page says whether the events were applied, and what they did per rule', async () => {
    const applied = clustersReplayPage(await replayClusters(churn, { sampleSeconds: 100, machineEvents: 'apply' }));
    expect(applied.facts).toContainEqual(['Machine events inside the window (applied: ADD and REMOVE; an UPDATE is counted)', '2 added, 3 removed, 1 updated']);
    const row = applied.info.keys.indexOf('clusters evicted by a removal');
    expect(applied.info.runs.map((x) => [x.policy, x.values[row]])).toEqual([['spread', 1], ['pack', applied.info.runs[1]!.values[row]]]);
    expect(applied.info.runs[0]!.values).toHaveLength(applied.info.keys.length);
    const ignored = clustersReplayPage(await replayClusters(churn, { sampleSeconds: 100 }));
    expect(ignored.facts).toContainEqual(['Machine events inside the window (not applied)', '2 added, 3 removed, 1 updated']);
    expect(ignored.info.keys).not.toContain('clusters evicted by a removal');
  });

  it('both engines give the same report with the events applied; the option is checked', async () => {
    const wasm = await replayClusters(churn, { sampleSeconds: 100, machineEvents: 'apply' });
    const reference = await replayClusters(churn, { sampleSeconds: 100, machineEvents: 'apply', engine: 'reference' });
    expect(JSON.stringify(reference)).toBe(JSON.stringify(wasm));
    await expect(replayClusters(churn, { machineEvents: 'all' as never })).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { field: 'machineEvents' } });
  });
});
