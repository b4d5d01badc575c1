// The WebAssembly replay gives exactly the reference's result (metrics, series, info) on random traces.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../src/systems/giantvm/replay.ts';
import { simulateReference } from '../../src/systems/giantvm/reference.ts';
import { ARRIVAL_RULES, DELAY_RULES, DESTINATION_CHECKS, GINI_RULES, MEM_ORDERS, MIGRATED_REQUEST_RULES, POLICIES, TASK_SELECTIONS, TIME0_RULES, type ReplayParams } from '../../src/systems/giantvm/types.ts';
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

/** Every regime choice and open rule (docs/model.md), drawn independently. */
const rules = fc.record({
  tasks: fc.constantFrom(...TASK_SELECTIONS),
  time0: fc.constantFrom(...TIME0_RULES),
  arrival: fc.constantFrom(...ARRIVAL_RULES),
  delay: fc.constantFrom(...DELAY_RULES),
  migratedRequest: fc.constantFrom(...MIGRATED_REQUEST_RULES),
  destinationCheck: fc.constantFrom(...DESTINATION_CHECKS),
  memOrder: fc.constantFrom(...MEM_ORDERS),
  gini: fc.constantFrom(...GINI_RULES),
  minMove: fc.constantFrom(0, 0.005, 0.03),
  lastEvents: fc.boolean(),
});

/** The values an arbitrary draws. */
type Drawn<A> = A extends fc.Arbitrary<infer T> ? T : never;

function check(s: Drawn<typeof scenario>, policy: (typeof POLICIES)[number], r?: Drawn<typeof rules>): void {
  // tasks 'finished' needs the last events (without them both refuse it: regime-rules.test.ts).
  const input = randomTrace(s.seed, { ...s, lastEvents: r !== undefined && (r.lastEvents || r.tasks === 'finished') });
  const { lastEvents: _, ...chosen } = r ?? { lastEvents: false };
  const params: Partial<ReplayParams> = {
    policy, machines: s.traceMachines ? 'trace' : s.machines, cellSize: s.cellSize, interval: s.interval,
    overcommit: s.overcommit, capacity: s.capacity, usage: s.usage, seed: s.seed, tick: s.tick, ...chosen,
  };
  expect(JSON.stringify(simulate(input, params))).toBe(JSON.stringify(simulateReference(input, params)));
}

describe('the WebAssembly replay equals the object-per-task reference', () => {
  for (const policy of POLICIES) {
    it(`${policy}: identical JSON on random traces (windows, machine events, all usage modes)`, () => {
      fc.assert(fc.property(scenario, (s) => check(s, policy)), { numRuns: 60 });
    });
  }
});

describe('under every regime choice and open rule, too', () => {
  for (const policy of POLICIES) {
    it(`${policy}: identical JSON with random rules (tasks, time 0, arrival, delay, migrated request, destination check, memory order, Gini, minMove)`, () => {
      fc.assert(fc.property(scenario, rules, (s, r) => check(s, policy, r)), { numRuns: 75 });
    });
  }
});

describe('the debug build (asserts on) agrees too', () => {
  let saved: string | undefined;
  beforeAll(() => { saved = process.env.FAIRFIT_WASM; process.env.FAIRFIT_WASM = 'debug'; });
  afterAll(() => { if (saved === undefined) delete process.env.FAIRFIT_WASM; else process.env.FAIRFIT_WASM = saved; });
  it('on random traces and random policies', () => {
    fc.assert(fc.property(scenario, fc.constantFrom(...POLICIES), rules, (s, policy, r) => check(s, policy, r)), { numRuns: 45 });
  });
});
