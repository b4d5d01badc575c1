/**
 * The trace driver gives the same schedule with the WebAssembly engine and
 * with the plain-TypeScript reference engine, on random job logs with one
 * dimension (processors: the one-dimension first-fit descent, large and small
 * tasks, gangs, kills at T0, queues) and with two.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../src/rng.ts';
import { ReferenceEngine } from '../../src/systems/iptas/reference-engine.ts';
import { scheduleJobs, type TraceJob } from '../../src/systems/iptas/schedule-trace.ts';

function randomJobs(seed: number, n: number, maxProcs: number, dims: number): TraceJob[] {
  const r = new Rng(seed);
  let t = 0;
  return Array.from({ length: n }, (_, i) => {
    t += r.below(4) === 0 ? 0 : r.below(30);
    const runTime = r.below(200);
    return {
      id: i, submit: t, runTime, requestedTime: Math.max(1, runTime + r.below(100) - 40), procs: 1 + r.below(maxProcs), user: r.below(6),
      ...(dims === 2 ? { demand: [0.25 * (1 + r.below(4)), 0.125 * r.below(8)] } : {}),
    };
  });
}

describe('scheduleJobs with the WebAssembly engine and with the reference engine', () => {
  it('gives the same starts, ends and kills (one and two dimensions, 1–8 processors per node)', () => {
    let killed = 0, waited = 0;
    fc.assert(fc.property(fc.integer({ min: 1, max: 1 << 30 }), fc.constantFrom(1, 2, 8), fc.constantFrom(1, 2), (seed, perNode, dims) => {
      const jobs = randomJobs(seed, 300, 6, dims);
      const options = { algorithm: 'iptas' as const, nodes: 8, nodeCapacity: dims === 2 ? [1, 1] : perNode, params: { historyLength: 4 } };
      const wasm = scheduleJobs(jobs, options);
      const ref = scheduleJobs(jobs, { ...options, engine: (p) => new ReferenceEngine(p) });
      expect([...wasm.start]).toEqual([...ref.start]);
      expect([...wasm.end]).toEqual([...ref.end]);
      expect([...wasm.killed]).toEqual([...ref.killed]);
      killed += wasm.killed.reduce((a, k) => a + k, 0);
      waited += jobs.filter((j, i) => wasm.start[i]! > j.submit).length;
    }), { numRuns: 20 });
    // The logs were busy enough to exercise kills and queues.
    expect(killed).toBeGreaterThan(0);
    expect(waited).toBeGreaterThan(0);
  });
});
