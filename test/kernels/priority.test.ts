import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PriorityTable, recomputePriorities } from '../../src/kernels/priority.ts';
import { recomputePrioritiesReference } from '../../src/reference/priority.ts';
import { PRIORITY_PARAM_ORDER, priorityParamsObject, resolvePriorityParams, type PriorityColumns, type PriorityParams } from '../../src/kernels/priority-params.ts';
import { resolveIptasParams } from '../../src/systems/iptas/params.ts';
import { errorOf, sameBits } from './helpers.ts';

const batch = fc.integer({ min: 1, max: 12 }).chain((users) => fc.record({
  running: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: users, maxLength: users }),
  tasks: fc.array(fc.record({ dataGB: fc.oneof(fc.double({ min: 0, max: 500, noNaN: true }), fc.constantFrom(0, 10, 100)), user: fc.integer({ min: 0, max: users - 1 }), rounds: fc.integer({ min: 0, max: 50 }) }), { maxLength: 200 }),
}));

function columns(b: { running: number[]; tasks: { dataGB: number; user: number; rounds: number }[] }): PriorityColumns {
  return { dataGB: b.tasks.map((t) => t.dataGB), user: b.tasks.map((t) => t.user), rounds: b.tasks.map((t) => t.rounds), running: b.running };
}

const params = fc.record({
  w1: fc.double({ min: 0, max: 3, noNaN: true }), w2: fc.double({ min: 0, max: 3, noNaN: true }), w3: fc.double({ min: 0, max: 3, noNaN: true }),
  penalty: fc.double({ min: -5, max: 0, noNaN: true }), l0: fc.integer({ min: 0, max: 6 }), deltaR: fc.double({ min: 0, max: 2, noNaN: true }),
  agingCap: fc.oneof(fc.constant(Infinity), fc.double({ min: 0, max: 20, noNaN: true })),
}, { requiredKeys: [] });

describe('priorities follow seed 000 eq. 5–7 with the SPEC defaults', () => {
  it('static class by granularity, user penalty at L0, aging per round', () => {
    // short (5 GB) 3 + no penalty (user 0 runs 3 < 4) + 2 rounds = 5;
    // medium (50 GB) 2 − 2 (user 1 runs 4 ≥ 4) + 0 = 0; long (500 GB) 1 + 0 + 7 = 8; K = 10 is still short.
    const p = recomputePriorities({ dataGB: [5, 50, 500, 10], user: [0, 1, 0, 0], rounds: [2, 0, 7, 0], running: [3, 4] });
    expect([...p]).toEqual([5, 0, 8, 3]);
  });
  it('the aging term can be capped', () => {
    expect([...recomputePriorities({ dataGB: [5], user: [0], rounds: [9], running: [0] }, { agingCap: 4 })]).toEqual([7]);
  });
});

describe('priority recompute in WebAssembly equals the reference', () => {
  it('on random batches and parameters, exactly', () => {
    fc.assert(fc.property(batch, params, (b, p: PriorityParams) => {
      const c = columns(b);
      expect(recomputePriorities(c, p)).toEqual(recomputePrioritiesReference(c, p));
    }), { numRuns: 300 });
  });
  it('with more users than tasks (the user terms are then made for the users of the batch only), exactly', () => {
    const many = fc.integer({ min: 13, max: 3000 }).chain((users) => fc.record({
      running: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: users, maxLength: users }),
      tasks: fc.array(fc.record({ dataGB: fc.double({ min: 0, max: 500, noNaN: true }), user: fc.integer({ min: 0, max: users - 1 }), rounds: fc.integer({ min: 0, max: 50 }) }), { maxLength: 12 }),
    }));
    fc.assert(fc.property(many, params, (b, p: PriorityParams) => {
      const c = columns(b);
      expect(recomputePriorities(c, p)).toEqual(recomputePrioritiesReference(c, p));
      // A bad user index among them is still the same error as the reference's.
      if (b.tasks.length > 0) {
        const bad = { ...c, user: [...b.tasks.slice(0, -1).map((t) => t.user), b.running.length] };
        expect(errorOf(() => recomputePriorities(bad, p))).toEqual(errorOf(() => recomputePrioritiesReference(bad, p)));
      }
    }), { numRuns: 200 });
  });
  it('a resident PriorityTable gives the same as the copying call', () => {
    fc.assert(fc.property(batch, params, (b, p: PriorityParams) => {
      const c = columns(b);
      using t = new PriorityTable(b.tasks.length, b.running.length);
      t.dataGB.set(c.dataGB); t.user.set(c.user); t.rounds.set(c.rounds); t.running.set(c.running);
      expect(t.recompute(p).slice()).toEqual(recomputePrioritiesReference(c, p));
    }), { numRuns: 100 });
  });
  it('on 10^6 tasks', () => {
    const n = 1_000_000;
    const c = { dataGB: Float64Array.from({ length: n }, (_, i) => (i * 7919) % 211), user: Int32Array.from({ length: n }, (_, i) => i % 1000), rounds: Int32Array.from({ length: n }, (_, i) => i % 17), running: Int32Array.from({ length: 1000 }, (_, u) => u % 9) };
    expect(sameBits(recomputePriorities(c), recomputePrioritiesReference(c))).toBe(true);
  });
  it('rejects bad columns with the same error, naming field and index', () => {
    const base = { dataGB: [1, 2, 3], user: [0, 1, 0], rounds: [0, 1, 2], running: [1, 5] };
    const cases: PriorityColumns[] = [
      { ...base, dataGB: [1, NaN, 3] }, { ...base, dataGB: [1, 2, -3] }, { ...base, user: [0, 2, 0] },
      { ...base, user: [-1, 0, 0] }, { ...base, rounds: [0, -1, 0] },
    ];
    const expected = ['columns.dataGB[1]', 'columns.dataGB[2]', 'columns.user[1]', 'columns.user[0]', 'columns.rounds[1]'];
    cases.forEach((c, k) => {
      const e = errorOf(() => recomputePriorities(c));
      expect(e).toEqual(errorOf(() => recomputePrioritiesReference(c)));
      expect(e?.message).toContain(expected[k]);
    });
    expect(errorOf(() => recomputePriorities({ ...base, user: [0, 1] }))?.code).toBe('DIMENSION_MISMATCH');
    expect(errorOf(() => recomputePriorities({ ...base, rounds: [0, 1.5, 2] }))?.message).toContain('columns.rounds[1] must be an integer');
    expect(errorOf(() => recomputePriorities(base, { w1: NaN }))?.message).toContain('params.w1');
    expect(errorOf(() => recomputePriorities(base, { k1: 50, k2: 20 }))?.code).toBe('INVALID_OPTION');
  });
});

describe('a PriorityTable keeps its last result when a recompute is rejected', () => {
  it('the previous priorities survive a bad row', () => {
    using t = new PriorityTable(3, 1);
    t.dataGB.set([5, 50, 500]);
    const first = t.recompute().slice();
    t.dataGB[1] = NaN;
    expect(errorOf(() => t.recompute())?.message).toContain('columns.dataGB[1]');
    expect(t.priority).toEqual(first);
  });
});

describe('bad input anywhere in a batch is found, in either SIMD lane or the scalar tail', () => {
  it('gives the same first error as the reference', () => {
    const badValue = fc.oneof(
      fc.record({ field: fc.constant('dataGB' as const), v: fc.constantFrom(NaN, Infinity, -Infinity, -1, -1e-300) }),
      fc.record({ field: fc.constant('user' as const), v: fc.constantFrom(-1, 99, 2147483647, -2147483648) }),
      fc.record({ field: fc.constant('rounds' as const), v: fc.constantFrom(-1, -2147483648) }),
    );
    fc.assert(fc.property(batch.filter((b) => b.tasks.length > 0), fc.array(fc.tuple(fc.nat(), badValue), { minLength: 1, maxLength: 3 }), (b, bads) => {
      const c = columns(b);
      const cols = { dataGB: Float64Array.from(c.dataGB), user: Int32Array.from(c.user), rounds: Int32Array.from(c.rounds), running: c.running };
      for (const [at, { field, v }] of bads) cols[field][at % b.tasks.length] = v;
      const e = errorOf(() => recomputePriorities(cols));
      expect(e).toBeDefined();
      expect(e).toEqual(errorOf(() => recomputePrioritiesReference(cols)));
    }), { numRuns: 300 });
  });
});

describe('inputs the kernel refuses, the reference refuses alike', () => {
  it('no columns object, no params object: INVALID_OPTION, not a TypeError', () => {
    for (const f of [recomputePriorities, recomputePrioritiesReference]) {
      for (const bad of [null, undefined, 5]) expect(errorOf(() => f(bad as never)), String(bad)).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/^columns must/) });
      expect(errorOf(() => f({ dataGB: [1], user: [0], rounds: [0], running: [0] }, null as never))).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/^params must/) });
    }
  });
  it('a fractional user or rounds, a fractional running count: the same error from both', () => {
    const base: PriorityColumns = { dataGB: [1, 2], user: [0, 1], rounds: [0, 3], running: [0, 1] };
    for (const change of [{ user: [0, 0.5] }, { rounds: [0, 2.5] }, { running: [0, 1.5] }, { user: [0, 2 ** 31] }, { user: [0, Number.NaN] }]) {
      const cols = { ...base, ...change };
      const a = errorOf(() => recomputePriorities(cols)), b = errorOf(() => recomputePrioritiesReference(cols));
      expect(a, JSON.stringify(change)).toBeDefined();
      expect([b?.code, b?.message]).toEqual([a?.code, a?.message]);
    }
  });
});

describe('the params block as an object names its entries in the block order', () => {
  it('priorityParamsObject: a field per PRIORITY_PARAM_ORDER entry, in that order, each holding its entry', () => {
    const block = Float64Array.from(PRIORITY_PARAM_ORDER, (_, i) => 100 + i);
    const o = priorityParamsObject(block);
    expect(Object.keys(o)).toEqual([...PRIORITY_PARAM_ORDER]);
    PRIORITY_PARAM_ORDER.forEach((k, i) => expect(o[k]).toBe(100 + i));
  });
  it('resolveIptasParams: the priority fields at the top level and under priority are the block resolvePriorityParams gives', () => {
    const given = { w1: 0.5, staticLong: 0.25, k1: 5, k2: 50, penalty: -1, l0: 2, agingCap: 9 };
    const block = resolvePriorityParams(given);
    const p = resolveIptasParams(given);
    PRIORITY_PARAM_ORDER.forEach((k, i) => {
      expect(p[k]).toBe(block[i]);
      expect(p.priority[k]).toBe(block[i]);
    });
    expect(Object.isFrozen(p) && Object.isFrozen(p.priority)).toBe(true);
  });
});
