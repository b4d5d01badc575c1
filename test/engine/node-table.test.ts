// The engine's nodes as columns (src/engine/node-table.ts): what a node row reads is what was added or
// set, through the table's growth; the columns a snapshot writes hold exactly the nodes present. (The
// engine's use of it is held by the engine's differential, snapshot and health tests.)
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NODE_FLAG, NodeRow, NodeTable } from '../../src/engine/node-table.ts';

describe('NodeTable', () => {
  it('keeps every node\'s values through growth, rows reading and writing them (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 3 }), fc.array(fc.record({ speed: fc.double({ noNaN: true }), vcpus: fc.nat(), mem: fc.nat(), cap: fc.array(fc.double({ noNaN: true }), { minLength: 3, maxLength: 3 }), hb: fc.option(fc.double({ noNaN: true })), up: fc.boolean(), removed: fc.boolean(), ok: fc.boolean() }), { maxLength: 60 }), (D, nodes) => {
      const t = new NodeTable(D, 1);
      const rows = nodes.map((n, k) => new NodeRow(t, t.add({ id: `n${k}`, capacity: n.cap.slice(0, D), speed: n.speed, vcpus: n.vcpus, mem: n.mem })));
      // A new node: up, storage ok, not removed, no heartbeat.
      for (const r of rows) expect([r.up, r.storageOk, r.removed, r.lastHeartbeat]).toEqual([true, true, false, undefined]);
      nodes.forEach((n, k) => {
        const r = rows[k]!;
        r.up = n.up; r.removed = n.removed; r.storageOk = n.ok; r.lastHeartbeat = n.hb ?? undefined;
      });
      expect(t.length).toBe(nodes.length);
      nodes.forEach((n, k) => {
        const r = rows[k]!;
        expect(r.index).toBe(k);
        expect(r.id).toBe(`n${k}`);
        expect([r.speed, r.vcpus, r.mem]).toEqual([n.speed, n.vcpus, n.mem]);
        expect([...r.capacity]).toEqual(n.cap.slice(0, D));
        expect([r.up, r.removed, r.storageOk, r.lastHeartbeat]).toEqual([n.up, n.removed, n.ok, n.hb ?? undefined]);
      });
      const [speed, vcpus, mem, heartbeat, flags, capacity] = t.columns();
      expect([speed.length, vcpus.length, mem.length, heartbeat.length, flags.length, capacity.length]).toEqual([nodes.length, nodes.length, nodes.length, nodes.length, nodes.length, nodes.length * D]);
      nodes.forEach((n, k) => {
        expect(flags[k]).toBe((n.up ? NODE_FLAG.up : 0) | (n.removed ? NODE_FLAG.removed : 0) | (n.ok ? NODE_FLAG.storageOk : 0));
        expect(Object.is(heartbeat[k], n.hb ?? NaN)).toBe(true);
        expect(speed[k]).toBe(n.speed);
      });
    }));
  });

  it('a row writes its capacity into the table; forIds makes columns to read into for the ids given', () => {
    const t = new NodeTable(2);
    const r = new NodeRow(t, t.add({ id: 'a', capacity: [4, 8], speed: 1, vcpus: 4, mem: 8 }));
    r.capacity = [6, 10];
    expect([...t.columns()[5]]).toEqual([6, 10]);
    const back = NodeTable.forIds(['x', 'y', 'z'], 2);
    expect(back.length).toBe(3);
    expect(back.columns().map((c) => c.length)).toEqual([3, 3, 3, 3, 3, 6]);
    back.columns()[1].set([1, 2, 3]);
    expect(new NodeRow(back, 2).vcpus).toBe(3);
    expect(new NodeRow(back, 1).id).toBe('y');
    // Added after the ids read: the next index.
    expect(back.add({ id: 'w', capacity: [1, 1], speed: 1, vcpus: 1, mem: 1 })).toBe(3);
  });

  it('forIds takes as many ids as a snapshot may hold (500,000: more than one call can take as arguments)', () => {
    const ids = Array.from({ length: 500_000 }, (_, i) => `n${i}`);
    const t = NodeTable.forIds(ids, 1);
    expect(t.length).toBe(500_000);
    expect(new NodeRow(t, 499_999).id).toBe('n499999');
  });
});
