/**
 * A health sweep that takes many nodes down at once (a rack, or a host that
 * stopped forwarding heartbeats): the node order is made once for the call,
 * not once per node — with 4000 nodes a sweep re-ordered 4000 times and took
 * 45 s, a host's whole heartbeat period many times over.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { ReferenceEngine } from '../../src/systems/iptas/reference-engine.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

const ENGINES = [
  ['Engine', () => new Engine({ ringCapacity: 8 })],
  ['ReferenceEngine', () => new ReferenceEngine({ ringCapacity: 8 })],
] as const;

describe('sweepHealth and removeNode re-order the nodes once per call', () => {
  for (const [name, make] of ENGINES) {
    it(`${name}: 60 nodes down in one sweep, one re-order; their tasks requeued in submission order`, () => {
      const e = make();
      e.addNodes(Array.from({ length: 60 }, (_, i) => ({ capacity: [2 + (i % 3), 4] })));
      // Tasks spread over the nodes, submitted so that submission order differs from node order.
      for (let k = 0; k < 120; k++) e.submit({ id: `t${k}`, user: `u${k % 5}`, demand: [1, 1], dataGB: k % 2 === 0 ? 500 : 1, requestTime: 100 });
      expect(e.runRound(0).placements.length).toBeGreaterThan(60);
      e.sweepHealth(1); // every node's clock starts
      for (let i = 50; i < 60; i++) e.heartbeat(i, 20);
      const running = e.state().tasks.filter((t) => t.state === 'running' && t.node < 50).map((t) => t.id);
      const reorder = vi.spyOn(Object.getPrototypeOf(e) as { reorder(): void }, 'reorder');
      const r = e.sweepHealth(40);
      expect(r.down).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(r.requeued).toEqual(running); // state() lists tasks in submission order
      expect(r.failed).toEqual([]);
      // The reference re-orders in the sweep, the WebAssembly engine when the order is next read: once either way.
      expect(e.nodeOrder().every((i) => i >= 50)).toBe(true);
      expect(reorder).toHaveBeenCalledTimes(1);
      reorder.mockClear();
      const gone = e.removeNode(55);
      expect(gone.down).toEqual([55]);
      expect(e.nodeOrder()).not.toContain(55);
      expect(reorder).toHaveBeenCalledTimes(1);
      (e as { close?: () => void }).close?.();
    });
  }

  it('Engine: nodes added, revived or changed one call each are re-ordered once, when the order is next read; δ0 and explain see every change', () => {
    const e = new Engine({ ringCapacity: 8 });
    const ref = new ReferenceEngine({ ringCapacity: 8 });
    const reorder = vi.spyOn(Object.getPrototypeOf(e) as { reorder(): void }, 'reorder');
    const both = <T>(f: (x: Engine | ReferenceEngine) => T): T => {
      const a = f(e), b = f(ref);
      expect(a).toEqual(b);
      return a;
    };
    for (let i = 0; i < 200; i++) both((x) => x.addNode({ capacity: [2 + (i % 5), 4], speed: 1 + (i % 3) / 2 }));
    expect(reorder).toHaveBeenCalledTimes(0);
    // δ0 is half the largest capacity (6, 2): a demand of 3.5 in the first dimension is large.
    both((x) => x.submit({ id: 'a', user: 'u', demand: [3.5, 1], dataGB: 1, requestTime: 9 }));
    expect(both((x) => x.taskView('a').size)).toBe('large');
    expect(reorder).toHaveBeenCalledTimes(1);
    both((x) => x.addNode({ capacity: [16, 4] }));
    both((x) => x.updateNode(3, { speed: 9 }));
    both((x) => x.submit({ id: 'b', user: 'u', demand: [3.5, 1], dataGB: 1, requestTime: 9 }));
    expect(both((x) => x.taskView('b').size)).toBe('small');
    both((x) => x.sweepHealth(0));
    both((x) => x.sweepHealth(100)); // every node down
    both((x) => x.explain('a'));
    for (let i = 0; i < 201; i += 2) both((x) => x.heartbeat(i, 101)); // half revived
    reorder.mockClear();
    both((x) => x.nodeOrder());
    both((x) => x.runRound(102));
    both((x) => x.state());
    expect(reorder).toHaveBeenCalledTimes(1);
    e.close();
  });

  it('the two engines still answer alike (fail policy: the tasks are failed, in submission order)', () => {
    const engines = [new Engine({ downNodeTasks: 'fail' }), new ReferenceEngine({ downNodeTasks: 'fail' })];
    const answers = engines.map((e) => {
      e.addNodes(Array.from({ length: 12 }, (_, i) => ({ capacity: [1 + (i % 4), 4] })));
      for (let k = 0; k < 40; k++) e.submit({ id: `t${k}`, user: 'u', demand: [1, 1], dataGB: 40 - k, requestTime: 10 });
      e.runRound(0);
      e.sweepHealth(0);
      e.heartbeat(3, 10);
      e.heartbeat(7, 10, { storageOk: false });
      const swept = e.sweepHealth(31);
      return { swept, state: e.state() };
    });
    expect(answers[0]!.swept.failed.length).toBeGreaterThan(0);
    expect(answers[0]).toEqual(answers[1]);
    (engines[0] as Engine).close();
  });
});
