import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { capacityWeights } from '../../src/kernels/capacity.ts';
import { capacityWeightsReference } from '../../src/reference/capacity.ts';
import { errorOf } from './helpers.ts';

const node = fc.record({
  speed: fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constant(0)),
  vcpus: fc.integer({ min: 0, max: 128 }),
  mem: fc.double({ min: 0, max: 1024, noNaN: true }),
  up: fc.boolean(),
});

describe('capacity weights follow the Wu formula (seed 000 eq. 1–3)', () => {
  it('a hand-worked 2-node case', () => {
    // Node 0: 2 GHz × 4 vCPU, 8 GB; node 1: 2.5 GHz × 8 vCPU, 32 GB.
    // Wcpu = 8/20 = 0.4 and 1; Wmem = 0.25 and 1; Wu0 = sqrt(0.5·0.16 + 0.5·0.0625) = sqrt(0.11125).
    const w = capacityWeights([{ speed: 2, vcpus: 4, mem: 8 }, { speed: 2.5, vcpus: 8, mem: 32 }]);
    expect(w[0]).toBeCloseTo(Math.sqrt(0.11125), 15);
    expect(w[1]).toBeCloseTo(1, 15);
  });
  it('λ weights the two terms', () => {
    const w = capacityWeights([{ speed: 1, vcpus: 1, mem: 4 }, { speed: 1, vcpus: 2, mem: 2 }], { lambdaCpu: 1, lambdaMem: 0 });
    expect([...w]).toEqual([0.5, 1]);
  });
  it('maxima are over the nodes that are up; down nodes weigh 0', () => {
    const w = capacityWeights([{ speed: 1, vcpus: 2, mem: 2 }, { speed: 1, vcpus: 8, mem: 8, up: false }]);
    expect([...w]).toEqual([1, 0]);
  });
  it('accepts columns as well as rows', () => {
    const rows = [{ speed: 1, vcpus: 2, mem: 3 }, { speed: 2, vcpus: 2, mem: 1 }];
    expect(capacityWeights({ speed: [1, 2], vcpus: [2, 2], mem: [3, 1] })).toEqual(capacityWeights(rows));
  });
});

describe('capacity weights in WebAssembly equal the reference', () => {
  it('on random node sets, exactly', () => {
    fc.assert(fc.property(fc.array(node, { minLength: 1, maxLength: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), (nodes, l) => {
      expect(capacityWeights(nodes, { lambdaCpu: l, lambdaMem: 1 - l })).toEqual(capacityWeightsReference(nodes, { lambdaCpu: l, lambdaMem: 1 - l }));
    }), { numRuns: 200 });
  });
  it('on 10^5 nodes given as columns', () => {
    const n = 100_000;
    const cols = { speed: Float64Array.from({ length: n }, (_, i) => 1 + (i % 7)), vcpus: Float64Array.from({ length: n }, (_, i) => 1 + (i % 13)), mem: Float64Array.from({ length: n }, (_, i) => (i * 31) % 101) };
    expect(capacityWeights(cols)).toEqual(capacityWeightsReference(cols));
  });
  it('reject bad values with the same error, naming field and index', () => {
    fc.assert(fc.property(fc.array(node, { minLength: 1, maxLength: 30 }), fc.nat(), fc.constantFrom('speed', 'vcpus', 'mem'), fc.constantFrom(NaN, -Infinity, Infinity, -2), (nodes, at, field, bad) => {
      const i = at % nodes.length;
      const bent = nodes.map((n, k) => (k === i ? { ...n, [field]: bad } : n));
      const e = errorOf(() => capacityWeights(bent));
      expect(e).toEqual(errorOf(() => capacityWeightsReference(bent)));
      expect(e?.message).toContain(`nodes.${field}[${i}]`);
      expect(e?.code).toBe(Number.isFinite(bad) ? 'NEGATIVE_VALUE' : 'NOT_FINITE');
    }), { numRuns: 100 });
  });
  it('reject an empty node set, mismatched columns and bad λ', () => {
    expect(errorOf(() => capacityWeights([]))?.code).toBe('EMPTY_NODE_SET');
    expect(errorOf(() => capacityWeights({ speed: [1, 2], vcpus: [1], mem: [1, 2] }))).toEqual({ code: 'DIMENSION_MISMATCH', message: 'nodes.vcpus has 1 entries, nodes.speed has 2' });
    expect(errorOf(() => capacityWeights([{ speed: 1, vcpus: 1, mem: 1 }], { lambdaMem: NaN }))?.code).toBe('INVALID_OPTION');
  });
});

describe('inputs that are no node set', () => {
  it('are INVALID_OPTION naming nodes (or options), not a TypeError, in the kernel and the reference', () => {
    for (const f of [capacityWeights, capacityWeightsReference]) {
      for (const bad of [null, undefined, 5]) expect(errorOf(() => f(bad as never)), String(bad)).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/^nodes must/) });
      expect(errorOf(() => f([{ speed: 1, vcpus: 1, mem: 1 }], null as never))).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/^options must/) });
    }
  });
  it('nor are columns of a length no array has (1e10 and −1 were RangeErrors; found by an API fuzz)', () => {
    for (const f of [capacityWeights, capacityWeightsReference]) {
      for (const length of [1e10, -1]) {
        const col = { length };
        expect(errorOf(() => f({ speed: col, vcpus: col, mem: col } as never)), String(length)).toEqual({ code: 'INVALID_OPTION', message: `nodes.speed must be an array of numbers, got an object of length ${length}` });
      }
    }
  });
});
