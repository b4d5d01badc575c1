import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FirstFitMatcher } from '../../src/kernels/firstfit.ts';
import { LinearFirstFit } from '../../src/reference/firstfit.ts';
import type { MatcherNode } from '../../src/kernels/firstfit-setup.ts';
import { Rng } from '../../src/rng.ts';
import { errorOf } from './helpers.ts';
import type { Placement } from '../../src/kernels/firstfit-setup.ts';
import { Core } from '../../src/wasm/module.ts';
import { PriorityTable } from '../../src/kernels/priority.ts';

/** The node of a placement, or -1 when it was not placed. */
const nodeOf = (p: Placement): number => (p.kind === 'placed' ? p.node : -1);

describe('sorted first-fit scans by capacity weight (seed 000 §3.1.3)', () => {
  const nodes: MatcherNode[] = [{ capacity: [4, 4] }, { capacity: [1, 1] }, { capacity: [2, 2] }];
  it('orders nodes by capacity weight ascending', () => {
    using m = new FirstFitMatcher(nodes);
    expect([...m.order()]).toEqual([1, 2, 0]);
  });
  it('a small task takes the weakest node that fits, a large one the strongest', () => {
    using m = new FirstFitMatcher(nodes);
    expect(m.place([0.5, 0.5], 'small')).toEqual({ kind: 'placed', node: 1 });
    expect(m.place([0.6, 0.1], 'small')).toEqual({ kind: 'placed', node: 2 }); // node 1 has 0.5 left in cpu
    expect(m.place([0.5, 0.5], 'large')).toEqual({ kind: 'placed', node: 0 });
    expect(m.place([5, 0], 'large')).toEqual({ kind: 'unplaced', reason: { code: 'dimension', dimension: 0, demand: 5, largest: 3.5 } });
    expect([...m.residual(1)]).toEqual([0.5, 0.5]);
  });
  it('classifies by δ0 when no size is given: large iff some δ[d] ≥ δ0[d]', () => {
    using m = new FirstFitMatcher(nodes, { threshold: [1, 3] });
    expect(nodeOf(m.place([0.5, 0.5]))).toBe(1); // small
    expect(nodeOf(m.place([1, 0]))).toBe(0); // large by cpu
  });
  it('skips nodes that are down, and re-orders when the strongest goes down', () => {
    using m = new FirstFitMatcher([{ capacity: [1, 8] }, { capacity: [2, 2] }, { capacity: [8, 1] }]);
    const before = [...m.order()];
    m.setDown(2, true);
    expect(m.isUp(2)).toBe(false);
    expect(nodeOf(m.place([3, 0], 'large'))).toBe(-1);
    m.setDown(2, false);
    expect([...m.order()]).toEqual(before);
    expect(nodeOf(m.place([3, 0], 'large'))).toBe(2);
  });
  it('says why a task was not placed: no node up, a dimension nobody has, or no single node with all of it', () => {
    using m = new FirstFitMatcher([{ capacity: [4, 1] }, { capacity: [1, 4] }]);
    expect(m.place([2, 2])).toEqual({ kind: 'unplaced', reason: { code: 'fragmented' } });
    expect(m.place([1, 5])).toEqual({ kind: 'unplaced', reason: { code: 'dimension', dimension: 1, demand: 5, largest: 4 } });
    m.setDown(0, true);
    m.setDown(1, true);
    expect(m.place([0, 0])).toEqual({ kind: 'unplaced', reason: { code: 'no-node-up' } });
  });
  it('release gives the demand back, and rejects more than the capacity', () => {
    using m = new FirstFitMatcher(nodes);
    const node = nodeOf(m.place([1, 1], 'large'));
    m.release(node, [1, 1]);
    expect([...m.residual(node)]).toEqual([4, 4]);
    expect(errorOf(() => m.release(node, [0.5, 0]))?.code).toBe('RELEASE_EXCEEDS_CAPACITY');
    expect([...m.residual(node)]).toEqual([4, 4]);
  });
});

/** A random scenario: nodes, then a sequence of operations applied to both implementations. */
const scenario = fc.integer({ min: 1, max: 3 }).chain((dims) => fc.record({
  dims: fc.constant(dims),
  nodes: fc.array(fc.record({
    capacity: fc.array(fc.oneof(fc.integer({ min: 0, max: 8 }), fc.double({ min: 0, max: 8, noNaN: true })), { minLength: dims, maxLength: dims }),
    speed: fc.constantFrom(1, 2, 3), up: fc.boolean(),
  }), { minLength: 1, maxLength: 40 }),
  ops: fc.array(fc.oneof(
    fc.record({ op: fc.constant('place' as const), demand: fc.array(fc.oneof(fc.integer({ min: 0, max: 4 }), fc.double({ min: 0, max: 4, noNaN: true })), { minLength: dims, maxLength: dims }), size: fc.constantFrom('small' as const, 'large' as const, undefined) }),
    fc.record({ op: fc.constant('batch' as const), count: fc.integer({ min: 0, max: 30 }), seed: fc.nat() }),
    fc.record({ op: fc.constant('gang' as const), count: fc.integer({ min: 0, max: 12 }), seed: fc.nat() }),
    fc.record({ op: fc.constant('release' as const), pick: fc.nat(), batch: fc.boolean() }),
    fc.record({ op: fc.constant('down' as const), node: fc.nat(), down: fc.boolean() }),
    fc.record({ op: fc.constant('bad' as const), kind: fc.constantFrom('nan', 'negative', 'dims', 'node', 'over') }),
  ), { maxLength: 60 }),
}));

describe('the WebAssembly matcher equals the linear-scan reference', () => {
  it('on random operation sequences: same nodes, same residuals, same errors', () => {
    fc.assert(fc.property(scenario, ({ dims, nodes, ops }) => {
      using wasm = new FirstFitMatcher(nodes);
      const ref = new LinearFirstFit(nodes);
      expect(wasm.order()).toEqual(ref.order());
      const placed: { node: number; demand: number[] }[] = [];
      for (const o of ops) {
        // Both must reject the call with the same error.
        const both = (f: (m: FirstFitMatcher | LinearFirstFit) => unknown): void => {
          const ew = errorOf(() => f(wasm));
          expect(ew).toBeDefined();
          expect(ew).toEqual(errorOf(() => f(ref)));
        };
        if (o.op === 'place') {
          const a = wasm.place(o.demand, o.size), b = ref.place(o.demand, o.size);
          expect(a).toEqual(b);
          if (a.kind === 'placed') placed.push({ node: a.node, demand: o.demand });
        } else if (o.op === 'batch') {
          const r = new Rng(o.seed);
          const demands = Array.from({ length: dims }, () => Float64Array.from({ length: o.count }, () => r.next() * 2));
          const sizes = Uint8Array.from({ length: o.count }, () => r.below(2));
          const useSizes = r.next() < 0.5;
          const a = wasm.placeBatch({ demands, sizes: useSizes ? sizes : undefined });
          const b = ref.placeBatch({ demands, sizes: useSizes ? sizes : undefined });
          expect(a).toEqual(b);
          a.forEach((node, j) => { if (node >= 0) placed.push({ node, demand: demands.map((c) => c[j]!) }); });
        } else if (o.op === 'gang') {
          const r = new Rng(o.seed);
          const demands = Array.from({ length: dims }, () => Float64Array.from({ length: o.count }, () => r.next() * 3));
          const before = wasm.residuals();
          const a = wasm.placeAll({ demands });
          expect(a).toEqual(ref.placeAll({ demands }));
          if (a.kind === 'placed') a.nodes.forEach((node, j) => placed.push({ node, demand: demands.map((c) => c[j]!) }));
          else expect(wasm.residuals()).toEqual(before); // all or nothing, bit for bit
        } else if (o.op === 'release') {
          if (placed.length === 0) continue;
          if (o.batch) {
            const k = 1 + (o.pick % placed.length);
            const chosen = placed.splice(0, k);
            const cols = Array.from({ length: dims }, (_, d) => chosen.map((p) => p.demand[d]!));
            wasm.releaseBatch(chosen.map((p) => p.node), cols);
            ref.releaseBatch(chosen.map((p) => p.node), cols);
          } else {
            const [p] = placed.splice(o.pick % placed.length, 1);
            wasm.release(p!.node, p!.demand);
            ref.release(p!.node, p!.demand);
          }
        } else if (o.op === 'down') {
          const node = o.node % nodes.length;
          wasm.setDown(node, o.down);
          ref.setDown(node, o.down);
          expect(wasm.order()).toEqual(ref.order());
        } else {
          const before = wasm.residuals();
          const good = new Array(dims).fill(0.1);
          const bad = o.kind === 'nan' ? [...good.slice(1), NaN] : o.kind === 'negative' ? [-1, ...good.slice(1)] : [...good, 0.1];
          if (o.kind === 'node') both((m) => m.release(nodes.length, good));
          else if (o.kind === 'over') both((m) => m.releaseBatch([0, 0], Array.from({ length: dims }, () => [0, 1e6])));
          else {
            both((m) => m.place(bad));
            both((m) => m.placeBatch({ demands: Array.from({ length: bad.length }, (_, d) => [0.1, bad[d]!]) }));
            both((m) => m.placeAll({ demands: Array.from({ length: bad.length }, (_, d) => [0.1, bad[d]!]) }));
          }
          expect(wasm.residuals()).toEqual(before); // a rejected call changes nothing
        }
        expect(wasm.residuals()).toEqual(ref.residuals());
      }
    }), { numRuns: 300 });
  });

  it('at scale: 10k nodes × 2 dimensions, 50k placements and releases', () => {
    const r = new Rng(5);
    const nodes = Array.from({ length: 10_000 }, () => ({ capacity: [0.5 + r.below(4) * 0.25, 0.25 + r.below(4) * 0.25] }));
    using wasm = new FirstFitMatcher(nodes);
    const ref = new LinearFirstFit(nodes);
    for (let round = 0; round < 10; round++) {
      const m = 5_000;
      const demands = [Float64Array.from({ length: m }, () => r.next() * 0.1), Float64Array.from({ length: m }, () => r.next() * 0.1)];
      const a = wasm.placeBatch({ demands });
      expect(a).toEqual(ref.placeBatch({ demands }));
      // release half of them
      const keep = [...a.keys()].filter((j) => a[j]! >= 0 && j % 2 === 0);
      const cols = demands.map((c) => keep.map((j) => c[j]!));
      wasm.releaseBatch(keep.map((j) => a[j]!), cols);
      ref.releaseBatch(keep.map((j) => a[j]!), cols);
      if (round % 3 === 2) { wasm.setDown(round, true); ref.setDown(round, true); }
    }
    expect(wasm.residuals()).toEqual(ref.residuals());
  });
});

describe('all-or-nothing placement (placeAll) of a gang', () => {
  it('places every member or none, and names the first member that did not fit', () => {
    using m = new FirstFitMatcher([{ capacity: [2, 2] }, { capacity: [1, 1] }]);
    expect(m.placeAll({ demands: [[1, 1, 1], [1, 1, 1]], sizes: [0, 0, 0] })).toEqual({ kind: 'placed', nodes: Int32Array.of(1, 0, 0) });
    const before = m.residuals();
    const r = m.placeAll({ demands: [[0.5, 0.5], [0.5, 0.5]] });
    expect(r).toEqual({ kind: 'unplaced', index: 0, reason: { code: 'dimension', dimension: 0, demand: 0.5, largest: 0 } });
    expect(m.residuals()).toEqual(before);
  });
  it('judges the reason on the residuals the member met, after the earlier members took theirs (both implementations)', () => {
    for (const M of [FirstFitMatcher, LinearFirstFit]) {
      // One node: a gang too big for it as a whole is short of a dimension, never "fragmented".
      const one = new M([{ capacity: [4, 4] }]);
      expect(one.placeAll({ demands: [[3, 3], [3, 3]] })).toEqual({ kind: 'unplaced', index: 1, reason: { code: 'dimension', dimension: 0, demand: 3, largest: 1 } });
      expect([...one.residuals()]).toEqual([4, 4]);
      // Two nodes: members [3, 3] take both; the third, [2, 1], meets residuals of at most 1.
      const two = new M([{ capacity: [4, 4] }, { capacity: [4, 4] }]);
      expect(two.placeAll({ demands: [[3, 3, 2], [3, 3, 1]], sizes: [0, 0, 0] })).toEqual({ kind: 'unplaced', index: 2, reason: { code: 'dimension', dimension: 0, demand: 2, largest: 1 } });
      // [4, 2] then [1, 4] leave [0, 2] and [3, 0]: the third, [1, 1], has each dimension somewhere, not both on one node.
      expect(two.placeAll({ demands: [[4, 1, 1], [2, 4, 1]], sizes: [0, 0, 0] })).toEqual({ kind: 'unplaced', index: 2, reason: { code: 'fragmented' } });
      expect([...two.residuals()]).toEqual([4, 4, 4, 4]);
      // Nothing up: no node, whatever the gang.
      two.setDown(0, true);
      two.setDown(1, true);
      expect(two.placeAll({ demands: [[0], [0]] })).toEqual({ kind: 'unplaced', index: 0, reason: { code: 'no-node-up' } });
      if (one instanceof FirstFitMatcher) one.close();
      if (two instanceof FirstFitMatcher) two.close();
    }
  });
  it('a matcher needs a node: an empty node set is EMPTY_NODE_SET (both implementations)', () => {
    for (const M of [FirstFitMatcher, LinearFirstFit]) expect(errorOf(() => new M([]))?.code).toBe('EMPTY_NODE_SET');
  });
  it('a gang larger than the free room leaves the matcher exactly as it was, bit for bit', () => {
    const r = new Rng(9);
    const nodes = Array.from({ length: 64 }, () => ({ capacity: [r.next() * 4, r.next() * 4] }));
    using m = new FirstFitMatcher(nodes);
    using fresh = new FirstFitMatcher(nodes);
    const first = { demands: [Float64Array.from({ length: 40 }, () => r.next() * 0.7), Float64Array.from({ length: 40 }, () => r.next() * 0.7)] };
    m.placeBatch(first);
    fresh.placeBatch(first);
    const before = m.residuals();
    const gang = m.placeAll({ demands: [Float64Array.from({ length: 500 }, () => 0.1 + r.next() * 0.3), Float64Array.from({ length: 500 }, () => 0.1 + r.next() * 0.3)] });
    expect(gang.kind).toBe('unplaced');
    expect(m.residuals()).toEqual(before);
    // The next placements are those of a matcher that never saw the gang (the tree was restored too).
    const next = { demands: [Float64Array.from({ length: 60 }, () => r.next() * 0.5), Float64Array.from({ length: 60 }, () => r.next() * 0.5)] };
    expect(m.placeBatch(next)).toEqual(fresh.placeBatch(next));
  });
});

describe('kernel objects of one engine share one WebAssembly instance', () => {
  it('a matcher and a priority table live side by side in one core, and stay correct when it grows', () => {
    const core = new Core();
    using m = new FirstFitMatcher([{ capacity: [4, 4] }, { capacity: [1, 1] }], { core });
    using t = new PriorityTable(4, 2, { core });
    t.dataGB.set([1, 50, 500, 5]);
    t.user.set([0, 1, 0, 1]);
    const before = t.recompute().slice();
    using m2 = new FirstFitMatcher(Array.from({ length: 200_000 }, () => ({ capacity: [1, 1] })), { core }); // grows the memory
    expect(nodeOf(m.place([0.5, 0.5], 'small'))).toBe(1);
    expect(nodeOf(m2.place([0.5, 0.5], 'large'))).toBeGreaterThanOrEqual(0);
    t.rounds.set([1, 0, 0, 0]); // the kept views were made again over the grown memory
    const after = t.recompute();
    expect(after[0]).toBe(before[0]! + 1);
    expect([...after.subarray(1)]).toEqual([...before.subarray(1)]);
    expect(m.residuals()).toEqual(Float64Array.of(4, 4, 0.5, 0.5));
  });
});

describe('matcher invariants and bad input', () => {
  it('residuals never go below zero and a placed node always had room', () => {
    fc.assert(fc.property(scenario, ({ nodes, ops, dims }) => {
      using m = new FirstFitMatcher(nodes);
      for (const o of ops) {
        if (o.op !== 'place') continue;
        const before = m.residuals();
        const node = nodeOf(m.place(o.demand, o.size));
        if (node >= 0) {
          for (let d = 0; d < dims; d++) expect(before[node * dims + d]).toBeGreaterThanOrEqual(o.demand[d]!);
          expect(m.isUp(node)).toBe(true);
        }
        for (const v of m.residuals()) expect(v).toBeGreaterThanOrEqual(0);
      }
    }), { numRuns: 100 });
  });
  it('names the field and index of bad nodes and demands', () => {
    expect(errorOf(() => new FirstFitMatcher([]))?.code).toBe('EMPTY_NODE_SET');
    expect(errorOf(() => new FirstFitMatcher([{ capacity: [1, 1] }, { capacity: [1] }]))).toEqual({ code: 'DIMENSION_MISMATCH', message: 'nodes[1].capacity has 1 dimensions, nodes[0] has 2' });
    expect(errorOf(() => new FirstFitMatcher([{ capacity: [1, -1] }]))?.message).toBe('nodes[0].capacity[1] must be ≥ 0, got -1');
    using m = new FirstFitMatcher([{ capacity: [1, 1] }]);
    expect(errorOf(() => m.place([0.1, Infinity]))?.message).toBe('demand[1] must be a finite number, got Infinity');
    expect(errorOf(() => m.placeBatch({ demands: [[0.1, 0.2], [0.1, -0.5]] }))?.message).toBe('demands[1][1] must be ≥ 0, got -0.5');
    expect(errorOf(() => m.placeBatch({ demands: [[0.1], [0.1, 0.2]] }))?.code).toBe('DIMENSION_MISMATCH');
    expect(errorOf(() => m.release(3, [0, 0]))?.code).toBe('INDEX_OUT_OF_RANGE');
    expect(errorOf(() => m.place([0.1, 0.1], 'huge' as never))?.code).toBe('INVALID_OPTION');
  });

  it("a batch's sizes are 0 (small) or 1 (large): anything else is refused by both implementations, naming its index, and nothing is placed", () => {
    const nodes: MatcherNode[] = [{ capacity: [8, 32] }, { capacity: [2, 4] }, { capacity: [4, 16] }];
    for (const make of [(n: MatcherNode[]) => new FirstFitMatcher(n), (n: MatcherNode[]) => new LinearFirstFit(n)]) {
      const m = make(nodes);
      const bad: [unknown, string][] = [
        [[2], 'sizes[0] must be 0 (small) or 1 (large), got 2'],
        [[-1], 'sizes[0] must be 0 (small) or 1 (large), got -1'],
        [[0.5], 'sizes[0] must be 0 (small) or 1 (large), got 0.5'],
        [[Number.NaN], 'sizes[0] must be 0 (small) or 1 (large), got NaN'],
        [['large'], 'sizes[0] must be 0 (small) or 1 (large), got "large"'],
        [[1, 7], 'sizes[1] must be 0 (small) or 1 (large), got 7'],
      ];
      for (const [sizes, message] of bad) {
        const demands = (sizes as unknown[]).length === 2 ? [[1, 1], [1, 1]] : [[1], [1]];
        expect(errorOf(() => m.placeBatch({ demands, sizes: sizes as never }))).toEqual({ code: 'INVALID_OPTION', message });
        expect(errorOf(() => m.placeAll({ demands, sizes: sizes as never }))).toEqual({ code: 'INVALID_OPTION', message });
      }
      expect(errorOf(() => m.placeBatch({ demands: [[1], [1]], sizes: 'large' as never }))).toEqual({ code: 'INVALID_OPTION', message: 'sizes must be an array of 0 (small) and 1 (large) when given, got "large"' });
      expect(errorOf(() => m.placeBatch({ demands: [[1], [1]], sizes: [1, 0] }))?.code).toBe('DIMENSION_MISMATCH');
      // Nothing was placed: the strongest node still takes a large task with all its room.
      expect(Array.from(m.placeBatch({ demands: [[8], [32]], sizes: [1] }))).toEqual([0]);
    }
  });
});
