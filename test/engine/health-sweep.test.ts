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
      expect(reorder).toHaveBeenCalledTimes(1);
      expect(r.down).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(r.requeued).toEqual(running); // state() lists tasks in submission order
      expect(r.failed).toEqual([]);
      expect(e.nodeOrder().every((i) => i >= 50)).toBe(true);
      reorder.mockClear();
      const gone = e.removeNode(55);
      expect(reorder).toHaveBeenCalledTimes(1);
      expect(gone.down).toEqual([55]);
      (e as { close?: () => void }).close?.();
    });
  }

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
