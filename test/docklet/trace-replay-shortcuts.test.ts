/**
 * The trace replay skips calls the manager would certainly refuse (`shortcuts`, on by default: the
 * free total, the room a gang was refused with plus what departures can have added since, by the
 * freed sums and by what the hosts they touched take now, a gang dominating one refused in the same
 * retry). On random small traces, replayed under both rules with and without the shortcuts, the
 * reports are the same bytes: the shortcuts never skip a gang that fits. (A first bound on the room's
 * growth used the smaller of the freed cpu and mem per demand, and skipped a gang bound by mem for
 * good; test/docklet/trace-replay.test.ts has that case by hand, and one of the touched hosts.) The
 * crowded traces found each of these errors, put in by hand on 7 Dec: a staircase step dominating
 * demands 0.1 less in mem, the touched hosts not added to a bound, a refusal's room not kept as the
 * bound, and counting only the last departure's hosts (2 tries of 3 at 300 runs, 3 of 3 at 800).
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toJson } from '../../src/report/json.ts';
import { readClusterTrace, type ClusterTrace } from '../../src/systems/docklet/trace-gangs.ts';
import { replayClusterTrace, type ClustersReplayOptions, type ClustersReplayReport } from '../../src/systems/docklet/trace-replay.ts';
import { VirtualClusters } from '../../src/systems/docklet/virtual-clusters.ts';
import { WAIT_TRACE, writeTrace } from './trace-helpers.ts';

let dir = '';
let template: ClusterTrace;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-shortcuts-'));
  template = await readClusterTrace(writeTrace(dir, WAIT_TRACE.tasks, WAIT_TRACE.machines));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const tenth = (min: number, max: number) => fc.integer({ min, max }).map((x) => x / 10);

const times = { at: fc.integer({ min: 0, max: 3600 }), hold: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3600 })), user: fc.integer({ min: 0, max: 3 }) };
// Lopsided demands (much of one dimension, little of the other) make the dimension that binds a host
// differ from gang to gang; many small members against single large ones make a departure free far
// more of one dimension than of the other, relative to a waiting gang's demand.
const lopsided = fc.constantFrom(0, 0.05, 0.1, 0.2, 0.3, 0.7);
const gang = fc.oneof(
  fc.record({ ...times, members: fc.integer({ min: 1, max: 16 }), cpu: lopsided, mem: lopsided }),
  fc.record({ ...times, members: fc.integer({ min: 6, max: 24 }), cpu: fc.constantFrom(0.05, 0.1), mem: fc.constantFrom(0.05, 0.1) }),
  fc.record({ ...times, members: fc.constant(1), cpu: fc.constantFrom(0.05, 0.7), mem: fc.constantFrom(0.05, 0.7) }),
);

// A cluster kept full: small gangs of many shapes (twentieths), most arriving while others wait, so a
// retry refuses some and skips others by the refusals, and departures free a few hosts at a time.
const twentieth = fc.integer({ min: 0, max: 12 }).map((x) => x / 20);
const crowd = fc.record({ ...times, hold: fc.oneof(fc.constant(0), fc.integer({ min: 60, max: 1800 })), members: fc.integer({ min: 1, max: 6 }), cpu: twentieth, mem: twentieth });

/** A trace of these hosts and gangs over [600 s, 4200 s], gangs in creation order. */
function traceOf(hosts: { cpu: number; mem: number }[], gangs: { at: number; hold: number; members: number; cpu: number; mem: number; user: number }[]): ClusterTrace {
  const sorted = [...gangs].sort((a, b) => a.at - b.at);
  const n = sorted.length;
  const start = 600e6;
  const col = (f: (g: (typeof sorted)[number]) => number) => Float64Array.from(sorted, f);
  return {
    ...template,
    hosts: hosts.map((h, i) => ({ id: String(100 + i), ...h })),
    gangs: {
      count: n,
      jobId: Float64Array.from(sorted, (_, i) => 1000 + i),
      user: Int32Array.from(sorted, (g) => g.user),
      created: col((g) => start + g.at * 1e6),
      end: col((g) => (g.hold === 0 ? Number.NaN : start + (g.at + g.hold) * 1e6)),
      members: Int32Array.from(sorted, (g) => g.members),
      cpu: col((g) => g.cpu),
      mem: col((g) => g.mem),
    },
    start,
    end: start + 3600e6,
  };
}

/** `t` with these machine events (times in s from the window start, in time order, ties in the given order). */
function withChanges(t: ClusterTrace, changes: { at: number; id: number; type: number; cpu: number; mem: number }[]): ClusterTrace {
  const sorted = changes.map((c, i) => ({ ...c, i })).sort((a, b) => a.at - b.at || a.i - b.i);
  return {
    ...t,
    machineChanges: {
      count: sorted.length,
      time: Float64Array.from(sorted, (c) => t.start + c.at * 1e6),
      id: sorted.map((c) => String(c.id)),
      type: Uint8Array.from(sorted, (c) => c.type),
      cpu: Float64Array.from(sorted, (c) => (c.type === 1 ? Number.NaN : c.cpu)),
      mem: Float64Array.from(sorted, (c) => (c.type === 1 ? Number.NaN : c.mem)),
    },
  };
}

/** Replays `t` with the shortcuts and without, under both rules: the same report bytes. Returns the first. */
async function sameBothWays(t: ClusterTrace, options: ClustersReplayOptions): Promise<ClustersReplayReport> {
  const fast = await replayClusterTrace(t, 'random', options);
  const every = await replayClusterTrace(t, 'random', { ...options, shortcuts: false });
  expect(toJson(fast)).toBe(toJson(every));
  return fast;
}

describe('the trace replay: shortcuts on and off', () => {
  it('give the same report on random traces, under both rules', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ cpu: tenth(5, 15), mem: tenth(5, 15) }), { minLength: 1, maxLength: 4 }),
        fc.array(gang, { minLength: 1, maxLength: 40 }),
        async (hosts, gangs) => {
          await sameBothWays(traceOf(hosts, gangs), { sampleSeconds: 120 });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('give the same report on a crowded cluster: many small gangs of many shapes waiting, under both rules', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ cpu: tenth(5, 15), mem: tenth(5, 15) }), { minLength: 2, maxLength: 6 }),
        fc.array(crowd, { minLength: 20, maxLength: 80 }),
        async (hosts, gangs) => {
          await sameBothWays(traceOf(hosts, gangs), { sampleSeconds: 600 });
        },
      ),
      { numRuns: 800 },
    );
  });

  it('give the same report with machines added and removed (machineEvents: apply), under both rules', async () => {
    // Changes to the start's hosts (ids 100…) and to new machines (200…): ADD, REMOVE, UPDATE in any
    // mix, repeats and machines that are no host included; a removal evicts what cannot move.
    const change = fc.record({ at: fc.integer({ min: 0, max: 3600 }), id: fc.oneof(fc.integer({ min: 100, max: 105 }), fc.integer({ min: 200, max: 203 })), type: fc.constantFrom(0, 0, 1, 1, 2), cpu: tenth(5, 15), mem: tenth(5, 15) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ cpu: tenth(5, 15), mem: tenth(5, 15) }), { minLength: 1, maxLength: 6 }),
        fc.array(gang, { minLength: 1, maxLength: 40 }),
        fc.array(change, { minLength: 1, maxLength: 12 }),
        async (hosts, gangs, changes) => {
          const fast = await sameBothWays(withChanges(traceOf(hosts, gangs), changes), { sampleSeconds: 120, machineEvents: 'apply' });
          for (const r of fast.runs) {
            expect(r.gangs.placedAtOnce + r.gangs.placedAfterWait + r.gangs.waitingAtEnd).toBe(r.gangs.asked);
            expect(r.machines!.added + r.machines!.removed + r.machines!.notApplied).toBe(changes.length);
            expect(r.machines!.placedAgain + r.machines!.evictedWaitingAtEnd).toBeLessThanOrEqual(r.machines!.evicted);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('give the same report on a crowded cluster with machines added and removed (machineEvents: apply), under both rules', async () => {
    // Removals of full hosts evict gangs, which join the queue behind the gangs waiting: with the
    // shortcuts a retry visits them in that order too (by their ticket, not their index), hosts added
    // wake gangs asleep, a drain's moves keep the copy of the use, and a host removed holds no room.
    const change = fc.record({ at: fc.integer({ min: 0, max: 3600 }), id: fc.oneof(fc.integer({ min: 100, max: 105 }), fc.integer({ min: 200, max: 202 })), type: fc.constantFrom(0, 1, 1), cpu: tenth(5, 15), mem: tenth(5, 15) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ cpu: tenth(5, 15), mem: tenth(5, 15) }), { minLength: 2, maxLength: 6 }),
        fc.array(crowd, { minLength: 20, maxLength: 80 }),
        fc.array(change, { minLength: 1, maxLength: 16 }),
        async (hosts, gangs, changes) => {
          await sameBothWays(withChanges(traceOf(hosts, gangs), changes), { sampleSeconds: 600, machineEvents: 'apply' });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('give the same report when the only host goes and another comes, for a gang of demand 0 (check 2 bounded its room by 3 a member freed)', async () => {
    // Found by the property above (1 run in ≈ 2,000): the gang, refused with no host, was skipped for good after
    // the ADD, since the bound took 3 members a freed member (Δmembers = 1 for a host added) for a gang a host takes whole.
    const t = withChanges(traceOf([{ cpu: 0.5, mem: 0.5 }], [{ at: 0, hold: 1, user: 0, members: 4, cpu: 0, mem: 0 }]), [
      { at: 0, id: 100, type: 1, cpu: 0.5, mem: 0.5 },
      { at: 1, id: 200, type: 0, cpu: 0.5, mem: 0.5 },
    ]);
    const fast = await sameBothWays(t, { sampleSeconds: 120, machineEvents: 'apply' });
    expect(fast.runs.map((r) => r.gangs.placedAfterWait)).toEqual([1, 1]);
  });

  it('refuse a gang by the hosts\' free room without asking the manager (the room index), the same report', async () => {
    // Two hosts of (1, 1); gang 0's two members of cpu 0.6 go one on each (spread), for the whole
    // window: each host has 0.4 of cpu free, 0.8 in all. Gang 1 (one member of cpu 0.5) passes the
    // free total, but no host's free cpu reaches 0.5: refused by the index, with no call.
    const t = traceOf([{ cpu: 1, mem: 1 }, { cpu: 1, mem: 1 }], [
      { at: 0, hold: 0, user: 0, members: 2, cpu: 0.6, mem: 0.1 },
      { at: 10, hold: 0, user: 0, members: 1, cpu: 0.5, mem: 0.1 },
    ]);
    const calls = vi.spyOn(VirtualClusters.prototype, 'tryCreate');
    try {
      const fast = await replayClusterTrace(t, 'random', { placements: ['spread'] });
      expect(calls).toHaveBeenCalledTimes(1);
      calls.mockClear();
      const every = await replayClusterTrace(t, 'random', { placements: ['spread'], shortcuts: false });
      expect(calls).toHaveBeenCalledTimes(2);
      expect(toJson(fast)).toBe(toJson(every));
      expect(fast.runs[0]!.gangs).toMatchObject({ placedAtOnce: 1, waitingAtEnd: 1 });
    } finally {
      calls.mockRestore();
    }
  });

  it('follow a drain\'s moves and a removal in the hosts by free room (machineEvents: apply), the same report', async () => {
    // Three hosts of (1, 1); gang 0's two members of cpu 0.6 go on two of them (spread). Host 100 is
    // removed at 10 s: its member moves to the empty host, so two hosts have 0.4 of cpu free and the
    // removed one none. Gang 1 (one member of cpu 0.5) passes the free total (0.8) but no host has
    // room: refused by the index, with no call, only if the index saw the move and the removal.
    const t = withChanges(traceOf([{ cpu: 1, mem: 1 }, { cpu: 1, mem: 1 }, { cpu: 1, mem: 1 }], [
      { at: 0, hold: 0, user: 0, members: 2, cpu: 0.6, mem: 0.1 },
      { at: 20, hold: 0, user: 0, members: 1, cpu: 0.5, mem: 0.1 },
    ]), [{ at: 10, id: 100, type: 1, cpu: 1, mem: 1 }]);
    const calls = vi.spyOn(VirtualClusters.prototype, 'tryCreate');
    try {
      const fast = await replayClusterTrace(t, 'random', { placements: ['spread'], machineEvents: 'apply' });
      expect(calls).toHaveBeenCalledTimes(1);
      calls.mockClear();
      const every = await replayClusterTrace(t, 'random', { placements: ['spread'], machineEvents: 'apply', shortcuts: false });
      expect(calls).toHaveBeenCalledTimes(2);
      expect(toJson(fast)).toBe(toJson(every));
      expect(fast.runs[0]!.gangs).toMatchObject({ placedAtOnce: 1, waitingAtEnd: 1 });
      expect(fast.runs[0]!.machines).toMatchObject({ removed: 1, movedMembers: 1, evicted: 0 });
    } finally {
      calls.mockRestore();
    }
  });

  it('shortcuts must be true or false', async () => {
    await expect(replayClusterTrace(template, 'x', { shortcuts: 'no' as never })).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { field: 'shortcuts' } });
  });
});
