/**
 * A plain array given to a kernel may hold anything. Copying it into linear memory converted what
 * is not a number ('1' to 1, null to 0, true to 1), so the WebAssembly kernels computed with values
 * their plain-TypeScript references refuse (found by an API fuzz). Both now refuse alike: the same
 * code, field, index and message, quoting the value as given.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capacityWeights } from '../../src/kernels/capacity.ts';
import { FirstFitMatcher } from '../../src/kernels/firstfit.ts';
import { gini } from '../../src/kernels/gini.ts';
import { recomputePriorities } from '../../src/kernels/priority.ts';
import { capacityWeightsReference } from '../../src/reference/capacity.ts';
import { LinearFirstFit } from '../../src/reference/firstfit.ts';
import { giniReference } from '../../src/reference/gini.ts';
import { recomputePrioritiesReference } from '../../src/reference/priority.ts';
import { errorOf } from './helpers.ts';

const notANumber = fc.constantFrom<unknown>('1', '', null, true, false, undefined, [2], {});
/** Non-negative numbers with one value at a random index replaced by something that is not a number. */
const column = fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 12 })
  .chain((xs) => fc.tuple(fc.constant(xs), fc.nat({ max: xs.length - 1 }), notANumber))
  .map(([xs, at, bad]) => xs.map((x, i) => (i === at ? bad : x)) as number[]);

/** The refusal of both calls: equal, and a refusal. */
function refusedAlike(wasm: () => unknown, reference: () => unknown): void {
  const [a, b] = [errorOf(wasm), errorOf(reference)];
  expect(a).toBeDefined();
  expect(a).toEqual(b);
}

describe('a plain array holding something that is not a number', () => {
  it('gini, capacityWeights and recomputePriorities refuse it as their references do', () => {
    fc.assert(fc.property(column, (xs) => {
      refusedAlike(() => gini(xs), () => giniReference(xs));
      const ones = xs.map(() => 1);
      const nodes = { speed: xs, vcpus: ones, mem: ones };
      refusedAlike(() => capacityWeights(nodes), () => capacityWeightsReference(nodes));
      const cols = { dataGB: xs, user: xs.map(() => 0), rounds: xs.map(() => 0), running: xs.map(() => 0) };
      refusedAlike(() => recomputePriorities(cols), () => recomputePrioritiesReference(cols));
    }), { numRuns: 200 });
  });

  it('the first-fit matcher refuses it in a batch as the linear reference does, placing nothing', () => {
    fc.assert(fc.property(column, fc.boolean(), (xs, second) => {
      const nodes = [{ capacity: [400, 400] }, { capacity: [400, 400] }];
      const ok = xs.map(() => 1);
      const demands = second ? [ok, xs] : [xs, ok];
      using m = new FirstFitMatcher(nodes);
      const l = new LinearFirstFit(nodes);
      refusedAlike(() => m.placeBatch({ demands }), () => l.placeBatch({ demands }));
      refusedAlike(() => m.placeAll({ demands }), () => l.placeAll({ demands }));
      refusedAlike(() => m.releaseBatch(xs.map(() => 0), demands), () => l.releaseBatch(xs.map(() => 0), demands));
      // Nothing was taken: two demands of a whole node still fit, one on each.
      expect([...m.placeBatch({ demands: [[400, 400], [400, 400]] })].sort()).toEqual([0, 1]);
    }), { numRuns: 200 });
  });
});

describe("a node's up flag that is not a boolean", () => {
  it("is refused by the matchers, their setDown and capacityWeights, as both builds of each do ('false' and 0 counted as up, setDown(0, 'false') took a node down)", () => {
    const nodes = (up: unknown) => [{ capacity: [4, 4] }, { capacity: [4, 4], up }] as never;
    for (const up of ['false', 0, null, 1]) {
      refusedAlike(() => new FirstFitMatcher(nodes(up)), () => new LinearFirstFit(nodes(up)));
      const rows = [{ speed: 1, vcpus: 1, mem: 1 }, { speed: 1, vcpus: 1, mem: 1, up }] as never;
      refusedAlike(() => capacityWeights(rows), () => capacityWeightsReference(rows));
    }
    for (const up of ['false', 2, null]) {
      const cols = { speed: [1, 1], vcpus: [1, 1], mem: [1, 1], up: [true, up] } as never;
      refusedAlike(() => capacityWeights(cols), () => capacityWeightsReference(cols));
    }
    // The column's documented values still work: 0/false down, 1/true up.
    const w = capacityWeights({ speed: [1, 1, 1, 1], vcpus: [1, 1, 1, 1], mem: [1, 1, 1, 1], up: [0, 1, false, true] });
    expect([...w].map((x) => x > 0)).toEqual([false, true, false, true]);
    const ok = [{ capacity: [4, 4] }, { capacity: [4, 4] }];
    using m = new FirstFitMatcher(ok);
    const l = new LinearFirstFit(ok);
    for (const down of ['false', 0, undefined]) refusedAlike(() => m.setDown(0, down as never), () => l.setDown(0, down as never));
    expect([m.isUp(0), l.isUp(0)]).toEqual([true, true]);
  });
});

describe('a null-prototype object (no toString)', () => {
  it('is refused by the kernels and their references with a FairfitError quoting it (the message threw a TypeError; found by an API fuzz)', () => {
    const np = Object.create(null) as never;
    const nodes = [{ speed: 1, vcpus: 1, mem: 1 }];
    const cols = { dataGB: [1], user: [0], rounds: [0], running: [0] };
    const calls: [string, () => unknown][] = [
      ['capacityWeights', () => capacityWeights(nodes, { lambdaCpu: np })],
      ['capacityWeightsReference', () => capacityWeightsReference(nodes, { lambdaCpu: np })],
      ['recomputePriorities params', () => recomputePriorities(cols, { k1: np })],
      ['recomputePriorities running', () => recomputePriorities({ ...cols, running: [np] })],
      ['recomputePrioritiesReference user', () => recomputePrioritiesReference({ ...cols, user: [np] })],
      ['FirstFitMatcher size', () => new FirstFitMatcher([{ capacity: [1] }]).place([1], np)],
      ['FirstFitMatcher release', () => new FirstFitMatcher([{ capacity: [1] }]).release(np, [1])],
      ['LinearFirstFit release', () => new LinearFirstFit([{ capacity: [1] }]).release(np, [1])],
    ];
    for (const [name, call] of calls) expect(errorOf(call)?.message, name).toMatch(/got an object$/);
  });
});

describe('a misspelt kernel option', () => {
  it('is refused by both builds, naming it and the likely one (it was ignored, its option left at its default)', () => {
    const nodes = { speed: [1, 2], vcpus: [1, 1], mem: [1, 1] };
    const cw = { code: 'INVALID_OPTION', message: 'lamdaCpu: not an option of capacityWeights (did you mean lambdaCpu?)' };
    expect(errorOf(() => capacityWeights(nodes, { lamdaCpu: 1 } as never))).toEqual(cw);
    expect(errorOf(() => capacityWeightsReference(nodes, { lamdaCpu: 1 } as never))).toEqual(cw);
    const cols = { dataGB: [5, 50], user: [0, 1], rounds: [2, 0], running: [3, 4] };
    const pr = { code: 'INVALID_OPTION', message: 'params.W1 is not a priority parameter (did you mean w1?)' };
    expect(errorOf(() => recomputePriorities(cols, { W1: 5 } as never))).toEqual(pr);
    expect(errorOf(() => recomputePrioritiesReference(cols, { W1: 5 } as never))).toEqual(pr);
    const matcherNodes = [{ capacity: [4, 4] }];
    expect(errorOf(() => new FirstFitMatcher(matcherNodes, { treshold: [1, 1] } as never))).toEqual({ code: 'INVALID_OPTION', message: 'treshold: not an option of FirstFitMatcher (did you mean threshold?)' });
    expect(errorOf(() => new LinearFirstFit(matcherNodes, { treshold: [1, 1] } as never))).toEqual({ code: 'INVALID_OPTION', message: 'treshold: not an option of LinearFirstFit (did you mean threshold?)' });
    expect(errorOf(() => new FirstFitMatcher(matcherNodes, null as never))?.code).toBe('INVALID_OPTION');
    // The spelt ones still work.
    expect(capacityWeights(nodes, { lambdaCpu: 1, lambdaMem: 0 })).toEqual(capacityWeightsReference(nodes, { lambdaCpu: 1, lambdaMem: 0 }));
    using m = new FirstFitMatcher(matcherNodes, { threshold: [1, 1], lambdaCpu: 0.3 });
    expect(m.place([1, 1])).toEqual({ kind: 'placed', node: 0 });
  });
});
