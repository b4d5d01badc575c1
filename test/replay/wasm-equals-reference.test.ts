// The WebAssembly replay gives exactly the reference's result (metrics, series, info) on random traces.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../src/systems/giantvm/replay.ts';
import { simulateReference } from '../../src/systems/giantvm/reference.ts';
import { POLICIES, type ReplayParams } from '../../src/systems/giantvm/types.ts';
import { randomTrace } from './helpers.ts';

const scenario = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  tasks: fc.integer({ min: 0, max: 160 }),
  seconds: fc.integer({ min: 20, max: 500 }),
  windows: fc.constantFrom(0, 0.5, 1),
  windowSeconds: fc.integer({ min: 5, max: 120 }),
  traceMachines: fc.constantFrom(0, 0, 9, 16),
  machines: fc.integer({ min: 1, max: 14 }),
  cellSize: fc.integer({ min: 1, max: 5 }),
  interval: fc.integer({ min: 1, max: 12 }),
  overcommit: fc.constantFrom(0.5, 1, 1.4),
  capacity: fc.constantFrom(0.25, 0.5, 1),
  usage: fc.constantFrom('trace', 'request', 'synthetic') as fc.Arbitrary<ReplayParams['usage']>,
  maxRequest: fc.constantFrom(0.05, 0.2, 0.6),
  tick: fc.constantFrom(1e6, 2.5e6),
});

function check(s: fc.infer<typeof scenario>, policy: (typeof POLICIES)[number]): void {
  const input = randomTrace(s.seed, s);
  const params: Partial<ReplayParams> = {
    policy, machines: s.traceMachines ? 'trace' : s.machines, cellSize: s.cellSize, interval: s.interval,
    overcommit: s.overcommit, capacity: s.capacity, usage: s.usage, seed: s.seed, tick: s.tick,
  };
  expect(JSON.stringify(simulate(input, params))).toBe(JSON.stringify(simulateReference(input, params)));
}

describe('the WebAssembly replay equals the object-per-task reference', () => {
  for (const policy of POLICIES) {
    it(`${policy}: identical JSON on random traces (windows, machine events, all usage modes)`, () => {
      fc.assert(fc.property(scenario, (s) => check(s, policy)), { numRuns: 20 });
    });
  }
});

describe('the debug build (asserts on) agrees too', () => {
  let saved: string | undefined;
  beforeAll(() => { saved = process.env.FAIRFIT_WASM; process.env.FAIRFIT_WASM = 'debug'; });
  afterAll(() => { if (saved === undefined) delete process.env.FAIRFIT_WASM; else process.env.FAIRFIT_WASM = saved; });
  it('on random traces and random policies', () => {
    fc.assert(fc.property(scenario, fc.constantFrom(...POLICIES), (s, policy) => check(s, policy)), { numRuns: 10 });
  });
});
