/**
 * FCFS and EASY of the trace driver against an independent oracle (test/iptas/easy-oracle.ts,
 * written from the textbook definitions and docs/model.md only): start times job by job on
 * the NASA iPSC log (skipped without ../shared), on seeded random logs (scalar processors and
 * two-dimensional first fit, several node counts), and on hand-built cases where several
 * running jobs share the shadow time's requested end (EASY once counted only the first of
 * them as given back at the shadow time, and so refused backfills the definition allows), and
 * where float rounding of given-back residuals kept a whole-node job off an idle node.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readSwf } from '../../src/io/swf.ts';
import { Engine } from '../../src/engine/engine.ts';
import { easyPass, easyVectorPass, NodePool } from '../../src/systems/iptas/baselines.ts';
import type { IptasParams } from '../../src/systems/iptas/params.ts';
import { ReferenceEngine } from '../../src/systems/iptas/reference-engine.ts';
import { jobsFromSwf, scheduleJobs, type TraceJob } from '../../src/systems/iptas/schedule-trace.ts';
import { scheduleLog } from '../../src/systems/iptas/schedule-log.ts';
import { jobsFromGoogle } from '../../src/systems/iptas/google-jobs.ts';
import { readGoogleTrace } from '../../src/io/google/trace-folder.ts';
import { parseSwfText, simulateBaseline, type OracleJob } from './easy-oracle.ts';

const LOG = join(import.meta.dirname, '../../../shared/traces/swf-nasa-ipsc-1993/NASA-iPSC-1993-3.1-cln.swf.gz');
const HAVE = existsSync(LOG);
if (!HAVE) console.warn(`skipped: the NASA iPSC SWF log is absent because ../shared is absent (${LOG})`);

/** Indices where the project's start time differs from the oracle's (at most 5 shown). */
function mismatches(oracle: readonly number[], project: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let i = 0; i < oracle.length; i++) if (!Object.is(oracle[i], project[i])) out.push(`job ${i}: oracle ${oracle[i]}, project ${project[i]}`);
  return out.slice(0, 5).concat(out.length > 5 ? [`… ${out.length} in all`] : []);
}

describe('hand-built: running jobs that share the shadow time', () => {
  // 4 processors. At 0, A (2 procs) and B (1 proc) start, both with requested end 10. At 1 the
  // head H needs 3 (1 free): by requested ends A alone makes it fit, so the shadow time is 10, but
  // at 10 B has ended too: 4 free, 1 extra. J (1 proc, 100 s) fits now and uses only that extra
  // processor, so EASY starts it at 1; H still gets its 3 processors at 10.
  const jobs: TraceJob[] = [
    { id: 'A', submit: 0, runTime: 10, requestedTime: 10, procs: 2, user: 0 },
    { id: 'B', submit: 0, runTime: 10, requestedTime: 10, procs: 1, user: 0 },
    { id: 'H', submit: 1, runTime: 5, requestedTime: 5, procs: 3, user: 1 },
    { id: 'J', submit: 1, runTime: 100, requestedTime: 100, procs: 1, user: 2 },
  ];
  it('easyPass counts every job ending at the shadow time in the extra processors', () => {
    const p = easyPass([{ index: 2, procs: 3, requestedTime: 5 }, { index: 3, procs: 1, requestedTime: 100 }], 1,
      [{ index: 0, procs: 2, requestedEnd: 10 }, { index: 1, procs: 1, requestedEnd: 10 }], 1);
    expect(p).toEqual({ start: [3], reservation: { job: 2, time: 10, extra: 0 } });
  });
  it('the driver backfills J at 1 and H starts at its shadow time; the oracle agrees', () => {
    const r = scheduleJobs(jobs, { algorithm: 'easy', nodes: 4 });
    expect([...r.start]).toEqual([0, 0, 10, 1]);
    expect(simulateBaseline(jobs, 'easy', 4).start).toEqual([0, 0, 10, 1]);
  });
  it('vector EASY: the cluster at the shadow time has every job ending then given back', () => {
    // 2 nodes (cpu 1, mem 1). A (0.5, 0.5) on node 0 and B (1, 1) on node 1, both requested end 10.
    // The head H (1, 1) fits node 0 once A is back, so the shadow time is 10; J (0.5, 0.5, 100 s)
    // fits node 0 now. With only A back, J on node 0 would leave H nowhere at 10; with B back too
    // (it ends at 10 as well) H takes node 1, so J starts now.
    const v: TraceJob[] = [
      { id: 'A', submit: 0, runTime: 10, requestedTime: 10, procs: 1, demand: [0.5, 0.5], user: 0 },
      { id: 'B', submit: 0, runTime: 10, requestedTime: 10, procs: 1, demand: [1, 1], user: 0 },
      { id: 'H', submit: 1, runTime: 5, requestedTime: 5, procs: 1, demand: [1, 1], user: 1 },
      { id: 'J', submit: 1, runTime: 100, requestedTime: 100, procs: 1, demand: [0.5, 0.5], user: 2 },
    ];
    const pool = new NodePool(2, [1, 1]);
    pool.take([0.5, 0.5], [0]);
    pool.take([1, 1], [1]);
    const pass = easyVectorPass([{ index: 2, procs: 1, requestedTime: 5, demand: [1, 1] }, { index: 3, procs: 1, requestedTime: 100, demand: [0.5, 0.5] }], pool,
      [{ index: 0, procs: 1, requestedEnd: 10, demand: [0.5, 0.5], nodes: [0] }, { index: 1, procs: 1, requestedEnd: 10, demand: [1, 1], nodes: [1] }], 1);
    expect(pass.start).toEqual([{ index: 3, nodes: [0] }]);
    expect(pass.reservation?.time).toBe(10);
    const r = scheduleJobs(v, { algorithm: 'easy', nodes: 2, nodeCapacity: [1, 1] });
    expect([...r.start]).toEqual([0, 0, 10, 1]);
    expect(simulateBaseline(v, 'easy', 2, [1, 1]).start).toEqual([0, 0, 10, 1]);
  });
});

describe('vector residuals: rounding does not keep a whole-node job off an idle node', () => {
  // 1 − 0.1 − 0.2 − 0.3, given back 0.2, 0.3, 0.1 (ends in another order than starts), is
  // 0.9999999999999999 with a clamp alone: D (the whole node) never started and the run threw.
  const jobs: TraceJob[] = [
    { id: 'A', submit: 0, runTime: 30, requestedTime: 30, procs: 1, demand: [0.1, 0.1], user: 0 },
    { id: 'B', submit: 0, runTime: 10, requestedTime: 10, procs: 1, demand: [0.2, 0.2], user: 0 },
    { id: 'C', submit: 0, runTime: 20, requestedTime: 20, procs: 1, demand: [0.3, 0.3], user: 0 },
    { id: 'D', submit: 1, runTime: 5, requestedTime: 5, procs: 1, demand: [1, 1], user: 1 },
    { id: 'E', submit: 2, runTime: 5, requestedTime: 5, procs: 1, demand: [0.5, 0.5], user: 1 },
  ];
  it('NodePool: a node with no member left has exactly its capacity', () => {
    const pool = new NodePool(1, [1, 1]);
    for (const d of [0.1, 0.2, 0.3]) pool.take([d, d], [0]);
    pool.give([0.2, 0.2], [0]);
    pool.give([0.3, 0.3], [0]);
    expect(pool.fit([1, 1], 1)).toBeUndefined(); // 0.1 still there
    pool.give([0.1, 0.1], [0]);
    expect([...pool.res]).toEqual([1, 1]);
  });
  it('FCFS starts D at 30 when the node is idle, E after it; EASY backfills E at 10 (ends by the shadow time 30)', () => {
    expect([...scheduleJobs(jobs, { algorithm: 'fcfs', nodes: 1, nodeCapacity: [1, 1] }).start]).toEqual([0, 0, 0, 30, 35]);
    expect([...scheduleJobs(jobs, { algorithm: 'easy', nodes: 1, nodeCapacity: [1, 1] }).start]).toEqual([0, 0, 0, 30, 10]);
    expect(simulateBaseline(jobs, 'fcfs', 1, [1, 1]).start).toEqual([0, 0, 0, 30, 35]);
    expect(simulateBaseline(jobs, 'easy', 1, [1, 1]).start).toEqual([0, 0, 0, 30, 10]);
  });
  it('IPTAS, both engines: E fits when B ends (10), D once the node is idle (30); it stopped with an internal error', () => {
    for (const engine of [(p: IptasParams) => new ReferenceEngine(p), (p: IptasParams) => new Engine(p)]) {
      expect([...scheduleJobs(jobs, { algorithm: 'iptas', nodes: 1, nodeCapacity: [1, 1], engine }).start]).toEqual([0, 0, 0, 30, 10]);
    }
  });
});

describe('oracle sanity (it can fail: hand-checked schedules)', () => {
  it('FCFS blocks behind the head; EASY backfills a short job but not one that would delay the head', () => {
    // 2 processors: X (2 procs) runs 0–10; at 1: H (2 procs), S (1 proc, 5 s, ends by 10), L (1 proc, 50 s).
    const jobs: OracleJob[] = [
      { submit: 0, runTime: 10, requestedTime: 10, procs: 2 },
      { submit: 1, runTime: 5, requestedTime: 5, procs: 2 },
      { submit: 1, runTime: 5, requestedTime: 5, procs: 1 },
      { submit: 1, runTime: 50, requestedTime: 50, procs: 1 },
    ];
    expect(simulateBaseline(jobs, 'fcfs', 2).start).toEqual([0, 10, 15, 15]);
    // nothing is free at 1 (X holds both), so EASY cannot backfill either: same as FCFS
    expect(simulateBaseline(jobs, 'easy', 2).start).toEqual([0, 10, 15, 15]);
    // 3 processors, 1 free at 1: S ends by the shadow time 10 and starts at 1; L does not fit then.
    // When S ends at 6, L would run past 10, but at 10 three processors are free and H needs two:
    // one extra, so L starts at 6 and H still starts at 10.
    expect(simulateBaseline(jobs, 'easy', 3).start).toEqual([0, 10, 1, 6]);
  });
  it('a job over its requested time is killed at it; a zero-length job frees its processors at once', () => {
    const jobs: OracleJob[] = [
      { submit: 0, runTime: 30, requestedTime: 10, procs: 1 },
      { submit: 0, runTime: 0, requestedTime: 5, procs: 1 },
      { submit: 0, runTime: 1, requestedTime: 1, procs: 1 },
    ];
    const r = simulateBaseline(jobs, 'fcfs', 1);
    expect(r.start).toEqual([0, 10, 10]);
    expect(r.end).toEqual([10, 10, 11]);
    expect(r.killed).toEqual([true, false, false]);
  });
});

describe('SWF conventions (docs/model.md, jobsFromSwf)', () => {
  it('requested time −1 or 0 → run time (≥ 1 s); processors allocated, else requested, else 1; run −1 → 0', async () => {
    const text = [
      '; MaxProcs: 4',
      '1 0 0 10 2 -1 -1 2 0 -1 1 1 1 -1 -1 -1 -1 -1',
      '2 0 0 -1 1 -1 -1 1 -1 -1 1 1 1 -1 -1 -1 -1 -1',
      '3 1 0 5 -1 -1 -1 3 20 -1 1 2 1 -1 -1 -1 -1 -1',
      '4 2 0 5 0 -1 -1 0 20 -1 1 2 1 -1 -1 -1 -1 -1',
      '5 3 0 50 1 -1 -1 4 30 -1 1 2 1 -1 -1 -1 -1 -1',
    ].join('\n') + '\n';
    const dir = mkdtempSync(join(tmpdir(), 'easy-oracle-'));
    try {
      const path = join(dir, 'edge.swf');
      writeFileSync(path, text);
      const theirs = jobsFromSwf(await readSwf(path)).map((j) => [j.submit, j.runTime, j.requestedTime, j.procs]);
      const mine = parseSwfText(text).jobs.map((j) => [j.submit, j.runTime, j.requestedTime, j.procs]);
      expect(mine).toEqual([[0, 10, 10, 2], [0, 0, 1, 1], [1, 5, 20, 3], [2, 5, 20, 1], [3, 50, 30, 1]]);
      expect(theirs).toEqual(mine);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!HAVE)('NASA iPSC/860 1993 log against the oracle (skipped when ../shared is absent)', () => {
  let jobs: TraceJob[];
  let mine: OracleJob[];
  beforeAll(async () => {
    jobs = jobsFromSwf(await readSwf(LOG));
    mine = parseSwfText(gunzipSync(readFileSync(LOG)).toString('utf8')).jobs;
  });
  it('readSwf + jobsFromSwf give the jobs the oracle parses from the text (18 239)', () => {
    expect(jobs).toHaveLength(18239);
    expect(jobs.map((j) => [j.submit, j.runTime, j.requestedTime, j.procs])).toEqual(mine.map((j) => [j.submit, j.runTime, j.requestedTime, j.procs]));
  });
  // 128 is the log's machine; 64 and 32 add contention (wider jobs dropped, as scheduleLog does);
  // 16 nodes × 4 processors is the 64-processor cluster again (SWF processors are pooled).
  for (const [nodes, cap] of [[128, 1], [64, 1], [32, 1], [16, 4]] as const) {
    for (const algorithm of ['fcfs', 'easy'] as const) {
      it(`${algorithm}, ${nodes} nodes × ${cap}: every start time equals the oracle's`, () => {
        const fit = jobs.filter((j) => j.procs <= nodes * cap);
        const o = simulateBaseline(fit, algorithm, nodes, cap);
        const p = scheduleJobs(fit, { algorithm, nodes, nodeCapacity: cap });
        expect(mismatches(o.start, p.start)).toEqual([]);
        expect(mismatches(o.end, p.end)).toEqual([]);
      });
    }
  }
  it('the command harness (scheduleLog) reports the oracle mean wait, 64 nodes', async () => {
    const rep = await scheduleLog({ trace: LOG, nodes: 64, algorithms: ['fcfs', 'easy'] });
    const fit = mine.filter((j) => j.procs <= 64);
    expect(rep.trace.droppedTooLarge).toBe(mine.length - fit.length);
    for (const run of rep.runs) {
      const o = simulateBaseline(fit, run.algorithm as 'fcfs' | 'easy', 64);
      let w = 0;
      for (let i = 0; i < fit.length; i++) w += o.start[i]! - fit[i]!.submit;
      expect(run.metrics.meanWait).toBeCloseTo(w / fit.length, 9);
    }
  });
});

const GOOGLE = join(import.meta.dirname, '../../../shared/traces/google2011');
const HAVE_GOOGLE = existsSync(join(GOOGLE, 'task_events'));
if (!HAVE_GOOGLE) console.warn(`skipped: the Google 2011 sample is absent because ../shared is absent (${GOOGLE})`);

// The jobs come from the project's adapter (jobsFromGoogle): only the scheduling is checked here.
describe.skipIf(!HAVE_GOOGLE)('Google 2011 sample, two dimensions, against the oracle (skipped when ../shared is absent)', () => {
  let first: TraceJob[];
  beforeAll(async () => {
    const g = jobsFromGoogle(await readGoogleTrace(GOOGLE, { usage: false, machineEvents: false }));
    // the first 2,000 tasks by submit time (ties: log order), as `--max-jobs` keeps them
    const keep = g.jobs.map((_, i) => i).sort((a, b) => g.jobs[a]!.submit - g.jobs[b]!.submit || a - b).slice(0, 2000).sort((a, b) => a - b);
    first = keep.map((i) => g.jobs[i]!);
  });
  // 10 and 40 nodes: most of the 2,000 tasks wait (1,697 and 1,221 under EASY), so the queue is long.
  for (const nodes of [10, 40]) {
    for (const algorithm of ['fcfs', 'easy'] as const) {
      it(`${algorithm}, first 2,000 tasks, ${nodes} nodes × (1, 1): every start time equals the oracle's`, () => {
        const empty = new NodePool(nodes, [1, 1]);
        const jobs = first.filter((j) => empty.fit(j.demand!, j.procs) !== undefined);
        const p = scheduleJobs(jobs, { algorithm, nodes, nodeCapacity: [1, 1] });
        expect(mismatches(simulateBaseline(jobs, algorithm, nodes, [1, 1]).start, p.start)).toEqual([]);
      });
    }
  }
});

// Multiples of 5 s and small node counts make equal times (ties of ends, submissions and
// requested ends) common; requested times below the run time make kills.
const scalarCase = fc.record({
  nodes: fc.integer({ min: 1, max: 6 }),
  cap: fc.constantFrom(1, 2, 4),
  jobs: fc.array(fc.record({
    submit: fc.integer({ min: 0, max: 40 }), run: fc.integer({ min: 0, max: 12 }), req: fc.integer({ min: 1, max: 14 }),
    procs: fc.integer({ min: 1, max: 10 }), user: fc.integer({ min: 0, max: 3 }),
  }), { minLength: 1, maxLength: 40 }),
});
// Demands in eighths are exact in binary, so first fit does not depend on rounding.
const vectorCase = fc.record({
  nodes: fc.integer({ min: 1, max: 4 }),
  jobs: fc.array(fc.record({
    submit: fc.integer({ min: 0, max: 40 }), run: fc.integer({ min: 0, max: 12 }), req: fc.integer({ min: 1, max: 14 }),
    procs: fc.integer({ min: 1, max: 3 }), cpu: fc.integer({ min: 0, max: 8 }), mem: fc.integer({ min: 0, max: 8 }), user: fc.integer({ min: 0, max: 3 }),
  }), { minLength: 1, maxLength: 30 }),
});

// Arbitrary doubles (and whole-node demands) in 1–3 dimensions: rounding of the residuals is
// exercised; oracle and project do the same float operations in the same order, so starts agree.
const floatCase = fc.record({
  nodes: fc.integer({ min: 1, max: 6 }),
  dims: fc.integer({ min: 1, max: 3 }),
  jobs: fc.array(fc.record({
    submit: fc.integer({ min: 0, max: 60 }), run: fc.integer({ min: 0, max: 20 }), req: fc.integer({ min: 1, max: 24 }),
    procs: fc.integer({ min: 1, max: 4 }), d: fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(1)), { minLength: 3, maxLength: 3 }), user: fc.integer({ min: 0, max: 3 }),
  }), { minLength: 1, maxLength: 40 }),
});

describe('seeded random logs against the oracle', () => {
  for (const algorithm of ['fcfs', 'easy'] as const) {
    it(`${algorithm}, any float demands in 1–3 dimensions (some a whole node): every job starts, as in the oracle`, () => {
      fc.assert(fc.property(floatCase, (c) => {
        const cap = [1, 0.75, 2].slice(0, c.dims);
        const all: TraceJob[] = c.jobs.map((j, i) => ({ id: i, submit: j.submit * 5, runTime: j.run * 5, requestedTime: j.req * 5, procs: j.procs, demand: cap.map((x, k) => j.d[k]! * x), user: j.user }));
        const empty = new NodePool(c.nodes, cap);
        const jobs = all.filter((j) => empty.fit(j.demand!, j.procs) !== undefined);
        const p = scheduleJobs(jobs, { algorithm, nodes: c.nodes, nodeCapacity: cap });
        for (let i = 0; i < jobs.length; i++) expect(p.start[i]).toBeGreaterThanOrEqual(jobs[i]!.submit);
        expect(mismatches(simulateBaseline(jobs, algorithm, c.nodes, cap).start, p.start)).toEqual([]);
      }), { numRuns: 1500, seed: 20261204 });
    });
    it(`${algorithm}, processors pooled over 1–6 nodes of 1, 2 or 4`, () => {
      fc.assert(fc.property(scalarCase, (c) => {
        const jobs: TraceJob[] = c.jobs.filter((j) => j.procs <= c.nodes * c.cap)
          .map((j, i) => ({ id: i, submit: j.submit * 5, runTime: j.run * 5, requestedTime: j.req * 5, procs: j.procs, user: j.user }));
        const p = scheduleJobs(jobs, { algorithm, nodes: c.nodes, nodeCapacity: c.cap });
        expect(mismatches(simulateBaseline(jobs, algorithm, c.nodes, c.cap).start, p.start)).toEqual([]);
      }), { numRuns: 4000, seed: 20261204 });
    });
    it(`${algorithm}, two dimensions, first fit over 1–4 nodes`, () => {
      fc.assert(fc.property(vectorCase, (c) => {
        const all: TraceJob[] = c.jobs.map((j, i) => ({ id: i, submit: j.submit * 5, runTime: j.run * 5, requestedTime: j.req * 5, procs: j.procs, demand: [j.cpu / 8, j.mem / 8], user: j.user }));
        // jobs that fit no empty cluster are dropped before scheduling (scheduleLog does the same)
        const empty = new NodePool(c.nodes, [1, 1]);
        const jobs = all.filter((j) => empty.fit(j.demand!, j.procs) !== undefined);
        const p = scheduleJobs(jobs, { algorithm, nodes: c.nodes, nodeCapacity: [1, 1] });
        expect(mismatches(simulateBaseline(jobs, algorithm, c.nodes, [1, 1]).start, p.start)).toEqual([]);
      }), { numRuns: 4000, seed: 20261204 });
    });
  }
});
