/**
 * The real Google 2011 sample (outside the repository, ../shared/traces or /work/shared/traces; skipped,
 * and said so, when absent) replayed as virtual clusters: the counts of PROVENANCE.md, every gang accounted for, and
 * the figures README.md and docs/results.md quote.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayClusters, type ClustersReplayReport } from '../../src/systems/docklet/trace-replay.ts';

// ../shared/traces beside the project, or /work/shared/traces (a worktree elsewhere).
const PLACES = [join(import.meta.dirname, '../../../shared/traces/google2011'), '/work/shared/traces/google2011'];
const TRACE = PLACES.find((p) => existsSync(p)) ?? PLACES[0]!;
const HAVE = existsSync(TRACE);
if (!HAVE) console.warn(`skipped: the real Google 2011 sample is absent (looked in ${PLACES.join(' and ')})`);

describe.skipIf(!HAVE)('the real Google 2011 sample as virtual clusters', () => {
  let r: ClustersReplayReport;
  beforeAll(async () => {
    r = await replayClusters(TRACE);
  });

  it('reads the jobs, tasks and time-0 machines of PROVENANCE.md and counts what it leaves out', () => {
    const c = r.trace.counts;
    expect(c.tasks).toBe(190926);
    expect(c.jobs).toBe(4895);
    expect(c.hosts).toBe(12477); // machine_events rows at time 0 (all ADD, all with capacities)
    expect(c.gangs + c.jobsWithoutRequest + c.jobsTooLarge).toBe(c.jobs);
    // 6 ADD, 7 REMOVE, 13 UPDATE inside the window (≤ 5,611 s); the rest of the 37,780 rows come after it.
    expect([c.machinesAddedLater, c.machinesRemoved, c.machinesUpdated]).toEqual([6, 7, 13]);
    expect(c.hosts + c.hostsWithoutCapacity + c.machinesAddedLater + c.machinesRemoved + c.machinesUpdated + c.machineEventsAfterWindow).toBe(37780);
    expect(r.trace.skippedLines).toBe(0);
    expect([c.jobsWithoutRequest, c.tasksWithoutRequest, c.jobsUnequalRequests, c.jobsNotEnding]).toEqual([2, 2, 126, 3981]);
  });

  it('accounts for every gang under each rule, and gives the figures the docs quote', () => {
    for (const x of r.runs) {
      expect(x.gangs.asked).toBe(r.trace.counts.gangs);
      expect(x.gangs.placedAtOnce + x.gangs.placedAfterWait + x.gangs.waitingAtEnd).toBe(x.gangs.asked);
    }
    const [spread, pack] = r.runs;
    expect([spread!.gangs.placedAtOnce, spread!.gangs.placedAfterWait, spread!.gangs.waitingAtEnd, spread!.membersPlaced]).toEqual([4449, 32, 412, 138190]);
    expect([pack!.gangs.placedAtOnce, pack!.gangs.placedAfterWait, pack!.gangs.waitingAtEnd, pack!.membersPlaced]).toEqual([3491, 0, 1402, 73905]);
    // The window opens on a nearly full cell: every host holds a member in every sample, under both rules.
    expect(spread!.meanHostsInUse).toBe(12477);
    expect(pack!.meanHostsInUse).toBe(12477);
  });
});
