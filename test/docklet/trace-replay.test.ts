/**
 * A Google trace replayed as virtual clusters gives the outcomes worked by hand: a gang refused under
 * spread waits and is placed after a departure while pack places it at once on fewer hosts; a job's
 * members get the largest of its tasks' requests; every left-out job, task, machine event and bad line
 * is counted; the two engines and two runs give the same bytes; bad input is refused by code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FairfitError } from '../../src/errors.ts';
import { toJson } from '../../src/report/json.ts';
import { readClusterTrace } from '../../src/systems/docklet/trace-gangs.ts';
import { replayClusters, replayClusterTrace } from '../../src/systems/docklet/trace-replay.ts';
import { WAIT_TRACE, writeTrace, type MachineRow, type TaskRow } from './trace-helpers.ts';

let dir = '';
let waitTrace = '';
let mixed = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-vcreplay-'));
  waitTrace = writeTrace(join(dir, 'wait'), WAIT_TRACE.tasks, WAIT_TRACE.machines);
  mixed = writeTrace(join(dir, 'mixed'), [
    // Job 3: three tasks from the start, never ending; requests (0.2, 0.1), (0.25, 0.05) and none → 3 members of (0.25, 0.1).
    [0, 3, 0, 0, 'carol', 0.2, 0.1], [0, 3, 1, 0, 'carol', 0.25, 0.05], [0, 3, 2, 0, 'carol', '', ''],
    [0, 3, 0, 1, 'carol', 0.2, 0.1], [0, 3, 1, 1, 'carol', 0.25, 0.05],
    // Job 4: no request at all: left out.
    [0, 4, 0, 0, 'dave', '', ''],
    // Job 5: one small task, 2000 s → 2500 s (the window end).
    [2000, 5, 0, 0, 'carol', 0.1, 0.1], [2000, 5, 0, 1, 'carol', 0.1, 0.1], [2500, 5, 0, 4, 'carol', 0.1, 0.1],
    // Job 6: two tasks of cpu 0.75: only host 22 could take one, even empty: fits not even the empty hosts.
    [2100, 6, 0, 0, 'erin', 0.75, 0.1], [2100, 6, 1, 0, 'erin', 0.75, 0.1],
  ], [
    [0, 21, 0, 0.5, 1], [0, 22, 0, 1, 1], [0, 23, 0, '', 0.5],
    [800, 24, 0, 1, 1], [900, 21, 2, 0.5, 0.5], [1000, 22, 1, '', ''], [3000, 21, 2, 0.5, 1],
  ], ['this line is not a task event']);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Each value close to the worked one (12 digits), and as many. */
function expectClose(got: readonly number[], want: readonly number[]): void {
  expect(got).toHaveLength(want.length);
  want.forEach((w, i) => expect(got[i], `sample ${i}`).toBeCloseTo(w, 12));
}

describe('a gang that waits under spread is placed at once by pack, on fewer hosts', () => {
  // spread: job 1 puts one member on each host (0.5 cpu each); job 2 (0.75 cpu) fits neither, waits
  // from 700 s, and goes to host 11 when job 1 leaves at 600 + 400 = 1000 s; it leaves at 1000 + 800,
  // after the window end (1500 s). pack: job 1 fills host 11, job 2 takes host 12 at 700 s and leaves
  // at 1500 s. Samples every 100 s at 600 … 1400 (weight 100 each).
  it('spread: one gang placed at once, one after a wait of 300 s; hosts in use 2 until 1000 s, then 1', async () => {
    const r = await replayClusters(waitTrace, { placements: ['spread'], sampleSeconds: 100 });
    const s = r.runs[0]!;
    expect(s.gangs).toEqual({ asked: 2, placedAtOnce: 1, placedAfterWait: 1, waitingAtEnd: 0, neverFit: 0, passes: 0, deleted: 1 });
    expect(s.meanWait).toBe(300);
    expect(s.p95Wait).toBe(300);
    expect(s.membersPlaced).toBe(3);
    expect(s.samples).toBe(9);
    expect(s.meanHostsInUse).toBeCloseTo((4 * 2 + 5 * 1) / 9, 12);
    // Dominant shares: (0.5, 0.5) → Gini 0 until 1000 s; then (0.75, 0) → 0.5.
    expect(s.meanGini).toBeCloseTo((5 * 0.5) / 9, 12);
    // Free (cpu, mem) shares: (0.5, 0.75) on both hosts → mem 0.25 each stranded of 1.5 free: 1/3;
    // from 1000 s (0.25, 0.75) and (1, 1) → 0.5 of 1.75: 2/7. No cpu is stranded.
    expect(s.meanStrandedMem).toBeCloseTo((4 / 3 + 5 * (2 / 7)) / 9, 12);
    expect(s.meanStrandedCpu).toBe(0);
    expect(s.peakCpuFraction).toBe(0.5);
    expect(s.peakMemFraction).toBe(0.25);
    // The samples themselves: job 2 waits at 700, 800 and 900 s and holds 0.75 of 2 cpu from 1000 s.
    const x = s.series;
    expect(x.time).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800]);
    expect(x.hostsInUse).toEqual([2, 2, 2, 2, 1, 1, 1, 1, 1]);
    expect(x.waiting).toEqual([0, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(x.cpuInUse).toEqual([0.5, 0.5, 0.5, 0.5, 0.375, 0.375, 0.375, 0.375, 0.375]);
    expect(x.memInUse).toEqual([0.25, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.125, 0.125]);
    expectClose(x.gini, [0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expectClose(x.strandedMem, [...Array<number>(4).fill(1 / 3), ...Array<number>(5).fill(2 / 7)]);
    expect(x.strandedCpu).toEqual(Array<number>(9).fill(0));
  });

  it('pack: both gangs placed at once; hosts in use 1, 2 from 700 s, 1 from 1000 s', async () => {
    const r = await replayClusters(waitTrace, { placements: ['pack'], sampleSeconds: 100 });
    const p = r.runs[0]!;
    expect(p.gangs).toEqual({ asked: 2, placedAtOnce: 2, placedAfterWait: 0, waitingAtEnd: 0, neverFit: 0, passes: 0, deleted: 2 });
    expect(p.meanWait).toBeNull();
    expect(p.meanHostsInUse).toBeCloseTo((1 + 3 * 2 + 5 * 1) / 9, 12);
    // Shares (1, 0) → 0.5; (1, 0.75) → 0.25 · 2 / (2 · 4 · 0.875) = 1/14; (0, 0.75) → 0.5.
    expect(p.meanGini).toBeCloseTo((0.5 + 3 / 14 + 5 * 0.5) / 9, 12);
    // Free shares (0, 0.5) and (1, 1): 0.5 of 1.5 mem stranded; from 700 s, (0, 0.5) and (0.25, 0.75):
    // 1 of 1.25; from 1000 s, (1, 1) and (0.25, 0.75): 0.5 of 1.75.
    expect(p.meanStrandedMem).toBeCloseTo((1 / 3 + 3 * 0.8 + 5 * (2 / 7)) / 9, 12);
    expect(p.meanStrandedCpu).toBe(0);
    expect(p.peakCpuFraction).toBe(0.875);
    expect(p.peakMemFraction).toBe(0.375);
    const x = p.series;
    expect(x.hostsInUse).toEqual([1, 2, 2, 2, 1, 1, 1, 1, 1]);
    expect(x.waiting).toEqual(Array<number>(9).fill(0));
    expect(x.cpuInUse).toEqual([0.5, 0.875, 0.875, 0.875, 0.375, 0.375, 0.375, 0.375, 0.375]);
    expect(x.memInUse).toEqual([0.25, 0.375, 0.375, 0.375, 0.125, 0.125, 0.125, 0.125, 0.125]);
    expectClose(x.gini, [0.5, 1 / 14, 1 / 14, 1 / 14, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expectClose(x.strandedMem, [1 / 3, 0.8, 0.8, 0.8, 2 / 7, 2 / 7, 2 / 7, 2 / 7, 2 / 7]);
  });

  it('both rules by default, spread first; pack uses fewer hosts on this trace', async () => {
    const r = await replayClusters(waitTrace, { sampleSeconds: 100 });
    expect(r.runs.map((x) => x.placement)).toEqual(['spread', 'pack']);
    expect(r.runs[1]!.meanHostsInUse).toBeLessThan(r.runs[0]!.meanHostsInUse);
    expect(r.trace.start).toBe(600);
    expect(r.trace.end).toBe(1500);
  });
});

describe('a waiting gang is retried when a departure frees the dimension that bound it', () => {
  // Hosts 31 and 32 (cpu 1, mem 1). From the start, job 7 (cpu 0.05, mem 0.8, until 1000 s) goes to
  // host 31 and job 10 (cpu 0.9, mem 0.1, never ending) to host 32 (spread: the lesser load after
  // placing). Job 8, seven tasks of (0.1, 0.1) at 700 s: in total there is room (free cpu 1.05, mem
  // 1.1), but host 31 takes 2 at most (mem) and host 32 1 (cpu), so it waits. Job 7's departure frees
  // little cpu and most of the mem: host 31 then takes 9 more, and job 8 is placed at 1000 s (a wait
  // of 300 s). A bound on the room's growth by the freed cpu alone (the smaller of the two) let the
  // retry skip it for good. Job 9 (at 1500 s) places at once and ends the window.
  it('placed after a wait of 300 s', async () => {
    const memBound = writeTrace(join(dir, 'membound'), [
      [0, 7, 0, 0, 'ann', 0.05, 0.8], [0, 7, 0, 1, 'ann', 0.05, 0.8], [1000, 7, 0, 4, 'ann', 0.05, 0.8],
      [0, 10, 0, 0, 'cy', 0.9, 0.1], [0, 10, 0, 1, 'cy', 0.9, 0.1],
      ...[0, 1, 2, 3, 4, 5, 6].flatMap((i): TaskRow[] => [[700, 8, i, 0, 'ben', 0.1, 0.1], [700, 8, i, 1, 'ben', 0.1, 0.1]]),
      [1500, 9, 0, 0, 'ben', 0, 0.01],
    ], [[0, 31, 0, 1, 1], [0, 32, 0, 1, 1]]);
    const [run] = (await replayClusters(memBound, { placements: ['spread'], sampleSeconds: 100 })).runs;
    expect(run!.gangs).toMatchObject({ asked: 4, placedAtOnce: 3, placedAfterWait: 1, waitingAtEnd: 0 });
    expect(run!.meanWait).toBe(300);
  });
});

describe('a waiting gang counts every host a departure touched since its room was bounded', () => {
  // Hosts 41–45 (cpu 1, mem 1). From the start (spread): job 1 (0.6, 0.6) on 41 until 1000 s, job 2
  // (0.8, 0.8) on 42 until 1100 s, job 3 (0.8, 0.8) on 43, job 4 (0.1, 0.95) on 44 and job 5 (0.95,
  // 0.1) on 45, never ending. Job 6, three members of (0.5, 0.5) at 800 s: the free total (1.75 of
  // each) would hold them, but no host takes one (room 0): it waits. At 900 s jobs 7 (0.85, 0.01) and
  // 8 (0.01, 0.85) take hosts 44's and 45's free cpu and mem. At 1000 s host 41 is empty, but the
  // free total, 1.49, is short of job 6's 1.5: not offered (the free-total check), its room bound left
  // as it was. At 1100 s host 42 is empty too: hosts 41 and 42 take 2 members each, and job 6 is
  // placed after 300 s. A bound that counted only the hosts of the last departure (host 42: 2, on top
  // of room 0) would skip job 6 for good. Job 9 (at 1500 s) places at once and ends the window.
  it('placed after a wait of 300 s, with and without the shortcuts', async () => {
    const touched = writeTrace(join(dir, 'touched'), [
      ...([[1, 0.6, 0.6], [2, 0.8, 0.8], [3, 0.8, 0.8], [4, 0.1, 0.95], [5, 0.95, 0.1]] as const).flatMap(([j, c, m]): TaskRow[] => [[0, j, 0, 0, 'ann', c, m], [0, j, 0, 1, 'ann', c, m]]),
      [1000, 1, 0, 4, 'ann', 0.6, 0.6], [1100, 2, 0, 4, 'ann', 0.8, 0.8],
      ...[0, 1, 2].map((i): TaskRow => [800, 6, i, 0, 'ben', 0.5, 0.5]),
      [900, 7, 0, 0, 'cy', 0.85, 0.01], [900, 8, 0, 0, 'cy', 0.01, 0.85],
      [1500, 9, 0, 0, 'ben', 0, 0.01],
    ], [41, 42, 43, 44, 45].map((id): MachineRow => [0, id, 0, 1, 1]));
    for (const shortcuts of [true, false]) {
      const [run] = (await replayClusters(touched, { placements: ['spread'], sampleSeconds: 100, shortcuts })).runs;
      expect(run!.gangs).toEqual({ asked: 9, placedAtOnce: 8, placedAfterWait: 1, waitingAtEnd: 0, neverFit: 0, passes: 2, deleted: 2 });
      expect(run!.meanWait).toBe(300);
    }
  });
});

describe('a refusal with room 0 stands for the gangs needing more only until the next departure', () => {
  // Hosts 51 and 52 (cpu 1, mem 1). Jobs 1 and 2, one member of (0.8, 0.8) each from the start, hold
  // them (spread); job 1 ends at 1000 s, job 2 never. Job 3 (0.3, 0.3) at 700 s: the free total (0.4)
  // would hold it, but no host takes it (0.2 free on each): refused with room 0, it waits. Job 1's
  // departure frees host 51 and job 3 is placed there at 1000 s. Job 4 (0.4, 0.4), no smaller than
  // job 3 in either dimension, comes at 1200 s and fits on host 51 (0.7 free): placed at once. Had
  // job 3's refusal still stood after the departure, job 3 and job 4 would wait for good. Job 5 (at
  // 1500 s) places at once and ends the window.
  it('job 4 placed at once, with and without the shortcuts', async () => {
    const stale = writeTrace(join(dir, 'stale'), [
      [0, 1, 0, 0, 'ann', 0.8, 0.8], [0, 1, 0, 1, 'ann', 0.8, 0.8], [1000, 1, 0, 4, 'ann', 0.8, 0.8],
      [0, 2, 0, 0, 'ann', 0.8, 0.8], [0, 2, 0, 1, 'ann', 0.8, 0.8],
      [700, 3, 0, 0, 'ben', 0.3, 0.3], [1200, 4, 0, 0, 'cy', 0.4, 0.4], [1500, 5, 0, 0, 'ben', 0, 0.01],
    ], [[0, 51, 0, 1, 1], [0, 52, 0, 1, 1]]);
    for (const shortcuts of [true, false]) {
      const [run] = (await replayClusters(stale, { placements: ['spread'], sampleSeconds: 100, shortcuts })).runs;
      expect(run!.gangs).toEqual({ asked: 5, placedAtOnce: 4, placedAfterWait: 1, waitingAtEnd: 0, neverFit: 0, passes: 0, deleted: 1 });
      expect(run!.meanWait).toBe(300);
    }
  });
});

describe('what is kept, what is left out, and the counts', () => {
  it('counts every left-out job, machine and event; the members of an unequal job get its largest requests', async () => {
    const t = await readClusterTrace(mixed);
    expect(t.counts).toEqual({
      tasks: 7, jobs: 4, gangs: 3, tasksWithoutRequest: 2, jobsWithoutRequest: 1, jobsTooLarge: 0, jobsUnequalRequests: 1, jobsNotEnding: 2,
      hosts: 2, hostsWithoutCapacity: 1, machinesAddedLater: 1, machinesRemoved: 1, machinesUpdated: 1, machineEventsAfterWindow: 1,
    });
    expect(t.hosts).toEqual([{ id: '21', cpu: 0.5, mem: 1 }, { id: '22', cpu: 1, mem: 1 }]);
    expect(Array.from(t.gangs.jobId)).toEqual([3, 5, 6]);
    expect(Array.from(t.gangs.members)).toEqual([3, 1, 2]);
    expect(Array.from(t.gangs.cpu)).toEqual([0.25, 0.1, 0.75]);
    expect(Array.from(t.gangs.mem)).toEqual([0.1, 0.1, 0.1]);
    expect(Array.from(t.gangs.end)).toEqual([Number.NaN, 2500e6, Number.NaN]);
    expect(t.summary.skipped).toBe(1);
    expect(t.summary.firstProblems[0]).toMatch(/task_events.*part-00000-of-00001\.csv\.gz:12: /);
  });

  it('three members of cpu 0.25 spread over hosts of cpu 0.5 and 1 (22, 21, 22); job 5 is placed and leaves at the window end; a gang that not even the empty hosts could take is never tried and stays waiting', async () => {
    const r = await replayClusters(mixed, { placements: ['spread'] });
    const s = r.runs[0]!;
    expect(s.gangs).toEqual({ asked: 3, placedAtOnce: 2, placedAfterWait: 0, waitingAtEnd: 1, neverFit: 1, passes: 0, deleted: 1 });
    expect(s.membersPlaced).toBe(4);
    expect(s.peakCpuFraction).toBe((3 * 0.25 + 0.1) / 1.5);
    expect(s.peakMemFraction).toBe((3 * 0.1 + 0.1) / 2);
  });

  it('strict: the bad line throws PARSE_ERROR naming file:line', async () => {
    await expect(readClusterTrace(mixed, { strict: true })).rejects.toMatchObject({ code: 'PARSE_ERROR', message: expect.stringMatching(/part-00000-of-00001\.csv\.gz:12: /) });
  });
});

describe('deterministic, and the same on both engines', () => {
  it('two runs give the same JSON bytes; the reference engine gives the same report', async () => {
    const a = toJson(await replayClusters(mixed, { sampleSeconds: 50 }));
    const b = toJson(await replayClusters(mixed, { sampleSeconds: 50 }));
    expect(b).toBe(a);
    expect(toJson(await replayClusters(mixed, { sampleSeconds: 50, engine: 'reference' }))).toBe(a);
    expect(toJson(await replayClusters(waitTrace, { engine: 'reference' }))).toBe(toJson(await replayClusters(waitTrace)));
  });
});

describe('progress and interruption', () => {
  it('progress reaches each rule\'s end; an abort after the first rule reports it, marked interrupted; an abort before any reports none', async () => {
    const seen: [number, number][] = [];
    const controller = new AbortController();
    const r = await replayClusters(waitTrace, {
      sampleSeconds: 100,
      signal: controller.signal,
      onProgress: (done, total) => {
        seen.push([done, total]);
        if (done >= 1) controller.abort(new FairfitError('ABORTED', 'stop'));
      },
    });
    expect(seen).toEqual([[1, 2]]);
    expect(r.interrupted).toBe(true);
    expect(r.placements).toEqual(['spread', 'pack']);
    expect(r.runs.map((x) => x.placement)).toEqual(['spread']);
    // The finished rule is as in a whole run.
    const whole = await replayClusters(waitTrace, { sampleSeconds: 100 });
    expect(whole.interrupted).toBe(false);
    expect(r.runs[0]).toEqual(whole.runs[0]);
    const trace = await readClusterTrace(waitTrace);
    const before = new AbortController();
    before.abort(new FairfitError('ABORTED', 'at once'));
    expect(await replayClusterTrace(trace, waitTrace, { signal: before.signal })).toMatchObject({ interrupted: true, runs: [] });
    // An error other than the abort is thrown.
    await expect(replayClusterTrace(trace, waitTrace, { onProgress: () => { throw new Error('host bug'); } })).rejects.toThrow('host bug');
  });
});

describe('bad input and options', () => {
  it('a folder without machine_events/ is refused with FILE_NOT_FOUND naming it', async () => {
    const only = writeTrace(join(dir, 'nomachines'), WAIT_TRACE.tasks, WAIT_TRACE.machines);
    rmSync(join(only, 'machine_events'), { recursive: true });
    await expect(replayClusters(only)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringContaining('no machine_events/ folder') });
  });

  it('no machine at the window start: NO_DATA', async () => {
    const late = writeTrace(join(dir, 'late'), WAIT_TRACE.tasks, [[700, 11, 0, 1, 1]]);
    await expect(replayClusters(late)).rejects.toMatchObject({ code: 'NO_DATA', message: expect.stringContaining('no machine with a capacity is added at the window start') });
  });

  it('options are checked by name', async () => {
    await expect(replayClusters(waitTrace, { placements: ['spread', 'bogus' as 'pack'] })).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { field: 'placements[1]' } });
    await expect(replayClusters(waitTrace, { sampleSeconds: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { field: 'sampleSeconds' } });
    await expect(replayClusters(waitTrace, { placements: ['pack', 'pack'] })).rejects.toBeInstanceOf(FairfitError);
    await expect(replayClusters(waitTrace, { sampelSeconds: 10 } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(replayClusters(waitTrace, { maxSkipped: 1.5 })).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { field: 'maxSkipped' } });
    // The mixed trace has 1 bad line of 19 (5.3 %): refused at a limit of 1 %, read at 10 %.
    await expect(replayClusters(mixed, { maxSkipped: 0.01 })).rejects.toMatchObject({ code: 'PARSE_ERROR', message: expect.stringContaining('1 of 19 lines skipped (5.3 %), more than the limit 0.01') });
    expect((await replayClusters(mixed, { maxSkipped: 0.1 })).trace.skippedLines).toBe(1);
  });
});
