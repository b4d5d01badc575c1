/**
 * Synthetic usage (SPEC §6 'synthetic') is a pure function of the seed and
 * the task identities: same seed → same windows, any task order → the same
 * values per task, windows tile each run exactly, values stay in [0, 1] and
 * the CPU usage/request ratio follows the fitted lognormal.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TaskTable } from '../../src/model/tasks.ts';
import { syntheticUsage, WINDOW_US } from '../../src/io/synthetic-usage.ts';
import { FIT } from '../../src/io/fitted-params.ts';
import { Rng } from '../../src/rng.ts';

const START = 600e6;

function tasks(n: number, seed: number): TaskTable {
  const r = new Rng(seed);
  const t: TaskTable = {
    count: n,
    jobId: new Float64Array(n),
    taskIndex: new Int32Array(n),
    submit: new Float64Array(n),
    duration: new Float64Array(n),
    cpuRequest: new Float64Array(n),
    memRequest: new Float64Array(n),
    priority: new Int32Array(n),
    schedulingClass: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    t.jobId[i] = 6e9 + r.below(1000);
    t.taskIndex[i] = i;
    t.submit[i] = START + r.below(3600) * 1e6;
    t.duration[i] = r.below(5) === 0 ? 0 : r.below(7200) * 1e6 + r.below(1e6);
    t.cpuRequest[i] = r.next() * 0.5;
    t.memRequest[i] = r.next() * 0.5;
  }
  return t;
}

function permuted(t: TaskTable, order: number[]): TaskTable {
  const p = <A extends Float64Array | Int32Array>(a: A): A => {
    const out = a.slice() as A;
    order.forEach((src, dst) => (out[dst] = a[src]!));
    return out;
  };
  return { ...t, jobId: p(t.jobId), taskIndex: p(t.taskIndex), submit: p(t.submit), duration: p(t.duration), cpuRequest: p(t.cpuRequest), memRequest: p(t.memRequest) };
}

describe('syntheticUsage', () => {
  it('tiles every run with windows aligned to the 5-minute grid, sorted by task then start', () => {
    const t = tasks(300, 1);
    const end = START + 4 * 3600e6;
    const u = syntheticUsage(t, { seed: 9, start: START, end });
    const covered = new Float64Array(t.count);
    for (let r = 0; r < u.count; r++) {
      const i = u.task[r]!;
      if (r > 0) expect(u.task[r - 1]! < i || (u.task[r - 1] === i && u.start[r - 1]! < u.start[r]!)).toBe(true);
      expect(u.end[r]).toBeGreaterThan(u.start[r]!);
      expect(Math.floor((u.start[r]! - START) / WINDOW_US)).toBe(Math.ceil((u.end[r]! - START) / WINDOW_US) - 1); // inside one grid window
      covered[i]! += u.end[r]! - u.start[r]!;
      for (const v of [u.cpu[r]!, u.mem[r]!, u.maxCpu[r]!]) expect(v >= 0 && v <= 1).toBe(true);
      expect(u.maxCpu[r]).toBeGreaterThanOrEqual(u.cpu[r]!);
      expect(u.mai[r]).toBeGreaterThan(0);
    }
    for (let i = 0; i < t.count; i++) expect(covered[i]).toBeCloseTo(Math.min(end, t.submit[i]! + t.duration[i]!) - t.submit[i]!, 0);
  });

  it('is deterministic in the seed and independent of the task order', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 40 }), fc.integer(), (seed, n, shuffleSeed) => {
        const t = tasks(n, 3);
        const end = START + 3 * 3600e6;
        const a = syntheticUsage(t, { seed, start: START, end });
        expect(syntheticUsage(t, { seed, start: START, end })).toEqual(a);
        const r = new Rng(shuffleSeed);
        const order = Array.from({ length: n }, (_, i) => i);
        for (let i = n - 1; i > 0; i--) {
          const j = r.below(i + 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        const b = syntheticUsage(permuted(t, order), { seed, start: START, end });
        // rows of original task order[dst] in b equal rows of task order[dst] in a
        const rowsOf = (u: typeof a, task: number): number[][] => {
          const out: number[][] = [];
          for (let k = 0; k < u.count; k++) if (u.task[k] === task) out.push([u.start[k]!, u.end[k]!, u.cpu[k]!, u.mem[k]!, u.maxCpu[k]!, u.mai[k]!]);
          return out;
        };
        order.forEach((src, dst) => expect(rowsOf(b, dst)).toEqual(rowsOf(a, src)));
        const c = syntheticUsage(t, { seed: seed ^ 1, start: START, end });
        if (a.count > 0) expect(Array.from(c.cpu)).not.toEqual(Array.from(a.cpu));
      }),
      { numRuns: 40 },
    );
  });

  it('draws CPU usage/request ratios around the fitted lognormal (median within 10 %)', () => {
    const n = 4000;
    const t = tasks(n, 5);
    for (let i = 0; i < n; i++) {
      t.duration[i] = 300e6;
      t.submit[i] = START;
      t.cpuRequest[i] = 0.25;
    }
    const u = syntheticUsage(t, { seed: 11, start: START, end: START + 600e6 });
    const logs = Array.from(u.cpu, (c) => Math.log(c / 0.25)).sort((a, b) => a - b);
    const median = logs[Math.floor(logs.length / 2)]!;
    // the window noise has mean −s²/2 in log space: the median ratio is exp(μ − s²/2)
    const s = FIT.usage.sampledLog.sigma;
    expect(Math.abs(Math.exp(median) / Math.exp(FIT.usage.cpuRatioLog.mu - (s * s) / 2) - 1)).toBeLessThan(0.1);
  });

  it('rejects invalid options naming the field', () => {
    const t = tasks(3, 1);
    expect(() => syntheticUsage(t, { seed: 1, start: START, end: START - 1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'end' } }));
    expect(() => syntheticUsage(t, { seed: 1.5, start: START, end: START })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'seed' } }));
    expect(() => syntheticUsage(t, { seed: 1, start: START, end: START, windowUs: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'windowUs' } }));
  });

  it('rejects a task table its columns do not back (a count of Infinity looped for ever; NaN and −1 gave no window, 0.5 gave some)', () => {
    const o = { seed: 1, start: START, end: START + 3600e6 };
    for (const count of [Infinity, NaN, -1, 0.5]) {
      expect(() => syntheticUsage({ ...tasks(3, 1), count }, o)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'tasks.count' } }));
    }
    expect(() => syntheticUsage({ ...tasks(3, 1), count: 4 }, o)).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH', details: { field: 'tasks.jobId' } }));
    expect(() => syntheticUsage({ ...tasks(3, 1), duration: [1, '2', 3] } as never, o)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'tasks.duration', index: 1 } }));
    expect(() => syntheticUsage(null as never, o)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'tasks' } }));
    expect(() => syntheticUsage(tasks(3, 1), undefined as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'options' } }));
  });
});
