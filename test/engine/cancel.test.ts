/**
 * `cancel`: the host withdraws a task (docs/model.md, "IPTAS engine in WebAssembly", Cancel). Each
 * scenario runs on the WebAssembly engine and on the reference engine, which must answer alike:
 * a waiting task is never placed; a running one gives its node and its user's count back without
 * touching ε, and leaves its node's dispatch ring; a gang goes as a whole; an ended or unknown task
 * is refused and nothing changes; a snapshot keeps cancelled tasks (format version 7) and the
 * restored engine decides as the original.
 */
import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { Engine } from '../../src/engine/engine.ts';
import type { IptasBatchEngine } from '../../src/systems/iptas/engine-api.ts';
import { ReferenceEngine } from '../../src/systems/iptas/reference-engine.ts';
import { onBoth, refusal as refusalText, snapshotVersion, task } from './engine-scenario.ts';

/** Refusals here are compared with their messages. */
const refusal = (f: () => unknown): string => refusalText(f, true);

describe('cancel', () => {
  it('a waiting task leaves the waiting list and is never placed; the counts say cancelled', () => {
    const [cancelled, round, view, counts, why, later] = onBoth({}, (e) => {
      e.addNode({ capacity: [4, 8] });
      e.submit(task('a', 'u', [1, 1]));
      e.submit(task('b', 'u', [1, 1]));
      e.submit(task('c', 'v', [1, 1]));
      const out: unknown[] = [e.cancel('b'), e.runRound(1), e.taskView('b'), e.counts(), e.explain('b')];
      out.push(e.runRound(2));
      return out;
    });
    expect(cancelled).toEqual(['b']);
    expect(round).toEqual({ placements: [{ task: 'a', node: 0 }, { task: 'c', node: 0 }], waiting: [] });
    expect(view).toMatchObject({ state: 'cancelled', node: -1, rounds: 0, failures: 0 });
    expect(counts).toEqual({ waiting: 0, running: 2, ok: 0, failed: 0, killed: 0, cancelled: 1, total: 3 });
    expect(why).toMatchObject({ task: 'b', state: 'cancelled', reasons: [] });
    expect(later).toEqual({ placements: [], waiting: [] });
  });

  it('a waiting gang leaves the waiting list whole, the tasks around it keeping their order', () => {
    const got = onBoth({}, (e) => {
      e.submit(task('a', 'u', [1, 1]));
      e.submitGang({ id: 'g', user: 'u', demand: [1, 1], dataGB: 5, requestTime: 100, procs: 3 });
      e.submit(task('b', 'u', [1, 1]));
      e.submitGang({ id: 'h', user: 'v', demand: [1, 1], dataGB: 5, requestTime: 100, procs: 2 });
      e.submit(task('c', 'u', [1, 1]));
      return [e.cancel('g#2'), e.cancel('h#0'), e.runRound(0), e.counts()]; // no node: all would wait
    });
    expect(got).toEqual([['g#0', 'g#1', 'g#2'], ['h#0', 'h#1'], { placements: [], waiting: ['a', 'b', 'c'] },
      { waiting: 3, running: 0, ok: 0, failed: 0, killed: 0, cancelled: 5, total: 8 }]);
  });

  it('a running task gives its node and its user\'s running count back, leaves ε alone and is never retried; what did not fit fits', () => {
    const got = onBoth({ historyLength: 3 }, (e) => {
      e.addNode({ capacity: [4, 8] });
      e.submit(task('h', 'u', [1, 1], 100));
      e.runRound(0);
      e.complete('h', { status: 'ok', actualTime: 50 }); // ε_u = 0.5
      e.submit(task('a', 'u', [3, 4]));
      e.submit(task('b', 'u', [1, 2]));
      e.runRound(1);
      e.drainDispatch(0);
      e.submit(task('big', 'v', [3, 3])); // does not fit beside a
      const before = [e.runRound(2), e.residual(0), e.running('u'), e.epsilon('u')];
      const cancelled = e.cancel('a');
      const after = [e.residual(0), e.running('u'), e.epsilon('u'), e.state().users, e.taskView('a'), e.pendingDispatch(0), e.counts()];
      return [before, cancelled, after, e.runRound(3), e.runRound(4), e.taskView('a').state];
    });
    const [before, cancelled, after, round, next, stateAfter] = got as [unknown[], string[], unknown[], unknown, unknown, string];
    expect(before).toEqual([{ placements: [], waiting: ['big'] }, [0, 2], 2, 0.5]);
    expect(cancelled).toEqual(['a']);
    const [residual, running, epsilon, users, view, pending, counts] = after;
    expect(residual).toEqual([3, 6]); // b's [1, 2] still taken
    expect(running).toBe(1);
    expect(epsilon).toBe(0.5); // no history entry: a cancel has no run time
    expect(users).toEqual([{ user: 'u', running: 1, history: [[50, 100]] }, { user: 'v', running: 0, history: [] }]);
    expect(view).toMatchObject({ state: 'cancelled', node: -1, failures: 0, start: 1 });
    expect(pending).toBe(0);
    expect(counts).toMatchObject({ running: 1, ok: 1, cancelled: 1, waiting: 1, total: 4 });
    expect(round).toEqual({ placements: [{ task: 'big', node: 0 }], waiting: [] });
    expect(next).toEqual({ placements: [], waiting: [] }); // never retried
    expect(stateAfter).toBe('cancelled');
  });

  it('the last task of a node leaving by cancel gives the node exactly its capacity back', () => {
    const [residual] = onBoth({}, (e) => {
      e.addNode({ capacity: [1, 1] });
      for (const [id, d] of [['x', 0.1], ['y', 0.2], ['z', 0.3]] as const) e.submit(task(id, 'u', [d, d]));
      e.runRound(0);
      e.cancel('y');
      e.complete('z', { status: 'ok', actualTime: 1 });
      e.cancel('x');
      return [e.residual(0)];
    });
    expect(residual).toEqual([1, 1]);
  });

  it('a placement the host has not drained leaves the ring; the other entries keep their order; a held-back task gets the slot', () => {
    const got = onBoth({ ringCapacity: 3 }, (e) => {
      e.addNode({ capacity: [8, 8] });
      for (const id of ['a', 'b', 'c', 'd']) e.submit(task(id, 'u', [1, 1]));
      const round = e.runRound(0); // d is held back: the ring is full
      const cancelled = e.cancel('b');
      const pending = e.pendingDispatch(0);
      const ring = e.state().nodes[0]!.ring;
      const next = e.runRound(1); // d takes the freed slot
      return [round, cancelled, pending, ring, next, e.drainDispatch(0), e.drainDispatch(0)];
    });
    expect(got).toEqual([
      { placements: [{ task: 'a', node: 0 }, { task: 'b', node: 0 }, { task: 'c', node: 0 }], waiting: ['d'] },
      ['b'], 2, ['a', 'c'],
      { placements: [{ task: 'd', node: 0 }], waiting: [] },
      ['a', 'c', 'd'], [],
    ]);
  });

  it('the ring of a task placed again before the host drained it loses both its entries; other nodes\' rings are left as they are', () => {
    const got = onBoth({}, (e) => {
      e.addNode({ capacity: [2, 2] });
      e.submit(task('a', 'u', [1, 1]));
      e.submit(task('b', 'u', [1, 1]));
      e.runRound(0);
      e.complete('a', { status: 'failed', actualTime: 1 }); // retried: back to waiting, its entry stays
      e.runRound(1); // placed again on node 0
      const ring = e.state().nodes[0]!.ring;
      return [ring, e.cancel('a'), e.drainDispatch(0)];
    });
    expect(got).toEqual([['a', 'b', 'a'], ['a'], ['b']]);
  });

  it('cancelling any member of a gang cancels every member that has not ended, in submission order', () => {
    const got = onBoth({}, (e) => {
      e.addNodes([{ capacity: [2, 2] }, { capacity: [2, 2] }]);
      e.submitGang({ id: 'g', user: 'u', demand: [1, 1], dataGB: 5, requestTime: 100, procs: 4 });
      e.submit(task('other', 'v', [1, 1]));
      const round = e.runRound(0); // large tasks (δ0 is half the largest capacity): from the strong end, node 1
      e.drainDispatch(1);
      e.complete('g#3', { status: 'ok', actualTime: 10 }); // ended: stays ok
      e.complete('g#0', { status: 'failed', actualTime: 1 }); // waiting again (a retry)
      const cancelled = e.cancel('g#2');
      return [round, cancelled, e.state().tasks.map((t) => [t.id, t.state]), e.residual(0), e.residual(1), e.running('u'), e.state().nodes.map((n) => n.ring), e.counts(),
        refusal(() => e.cancel('g#1')), refusal(() => e.cancel('g#3')), e.runRound(1)];
    });
    const [round, cancelled, states, r0, r1, running, rings, counts, again, ended, next] = got;
    expect(round).toEqual({ placements: [{ task: 'g#0', node: 1 }, { task: 'g#1', node: 1 }, { task: 'g#2', node: 0 }, { task: 'g#3', node: 0 }], waiting: ['other'] });
    expect(cancelled).toEqual(['g#0', 'g#1', 'g#2']);
    expect(states).toEqual([['g#0', 'cancelled'], ['g#1', 'cancelled'], ['g#2', 'cancelled'], ['g#3', 'ok'], ['other', 'waiting']]);
    expect([r0, r1, running]).toEqual([[2, 2], [2, 2], 0]);
    expect(rings).toEqual([['g#3'], []]); // node 0's ring keeps the entry of the member that ended ok, as any ended task's
    expect(counts).toEqual({ waiting: 1, running: 0, ok: 1, failed: 0, killed: 0, cancelled: 3, total: 5 });
    expect(again).toBe("INVALID_OPTION taskId: task 'g#1' is cancelled: it has ended, there is nothing to cancel");
    expect(ended).toBe("INVALID_OPTION taskId: task 'g#3' is ok: it has ended, there is nothing to cancel");
    expect(next).toEqual({ placements: [{ task: 'other', node: 1 }], waiting: [] });
  });

  it('an unknown task or one that has ended is refused on taskId, and nothing changes (the same snapshot bytes)', () => {
    const e = new Engine({ heartbeatInterval: 5, downNodeTasks: 'fail' });
    const ref = new ReferenceEngine({ heartbeatInterval: 5, downNodeTasks: 'fail' });
    try {
      for (const x of [e, ref] as IptasBatchEngine[]) {
        x.addNodes([{ capacity: [4, 4] }, { capacity: [1, 1] }]);
        for (const id of ['ok', 'cancelled', 'waiting', 'w2']) x.submit(task(id, 'u', [1, 1], 10));
        x.submitGang({ id: 'g', user: 'u', demand: [1, 1], dataGB: 5, requestTime: 10, procs: 2 });
        x.runRound(0);
        x.complete('ok', { status: 'ok', actualTime: 1 });
        x.cancel('cancelled');
      }
      const refusals = (x: IptasBatchEngine): string[] => ['nope', 'g#2', 'g#01', 'ok', 'cancelled', '', 7 as never].map((id) => refusal(() => x.cancel(id)));
      const before = e.snapshot();
      const refState = JSON.stringify(ref.state());
      const got = refusals(e);
      expect(got).toEqual(refusals(ref));
      expect(got).toEqual([
        "INDEX_OUT_OF_RANGE taskId: taskId 'nope' is not a submitted task",
        "INDEX_OUT_OF_RANGE taskId: taskId 'g#2' is not a submitted task",
        "INDEX_OUT_OF_RANGE taskId: taskId 'g#01' is not a submitted task",
        "INVALID_OPTION taskId: task 'ok' is ok: it has ended, there is nothing to cancel",
        "INVALID_OPTION taskId: task 'cancelled' is cancelled: it has ended, there is nothing to cancel",
        "INDEX_OUT_OF_RANGE taskId: taskId '' is not a submitted task",
        // A number is no id: it read "'7' is not a submitted task", as if the string '7' were meant.
        'INVALID_OPTION taskId: taskId must be a string, got 7',
      ]);
      expect(Buffer.from(e.snapshot()).equals(Buffer.from(before))).toBe(true);
      expect(JSON.stringify(ref.state())).toBe(refState);
      // Failed for good and killed: refused too (node 1 goes down with a task, failed per downNodeTasks; the others reach T0).
      for (const x of [e, ref] as IptasBatchEngine[]) {
        x.runRound(1);
        x.heartbeat(0, 1);
        x.sweepHealth(2);
        x.heartbeat(0, 20);
        x.sweepHealth(20);
        x.checkLimits(20);
      }
      const ended = e.state().tasks.filter((t) => t.state === 'failed' || t.state === 'killed');
      expect(new Set(ended.map((t) => t.state))).toEqual(new Set(['failed', 'killed']));
      const snap = e.snapshot();
      for (const { id } of ended) expect(refusal(() => e.cancel(id))).toBe(refusal(() => ref.cancel(id)));
      for (const { id, state } of ended) expect(refusal(() => e.cancel(id))).toBe(`INVALID_OPTION taskId: task '${id}' is ${state}: it has ended, there is nothing to cancel`);
      expect(Buffer.from(e.snapshot()).equals(Buffer.from(snap))).toBe(true);
      expect(JSON.stringify(e.state())).toBe(JSON.stringify(ref.state()));
    } finally {
      e.close();
    }
  });
});

describe('snapshots with cancelled tasks', () => {
  /** An engine with cancelled tasks of every kind: waiting, running (a ring entry gone), a gang. */
  function withCancels(e: IptasBatchEngine): void {
    e.addNodes([{ capacity: [4, 8], speed: 2 }, { capacity: [2, 4] }, { capacity: [8, 8] }]);
    for (let i = 0; i < 12; i++) e.submit(task(`t${i}`, `u${i % 3}`, [1 + (i % 2), 1 + (i % 3)], 20 + i));
    e.submitGang({ id: 'g', user: 'u1', demand: [1, 1], dataGB: 50, requestTime: 30, procs: 3 });
    e.runRound(1);
    e.drainDispatch(1);
    e.cancel('t0');
    e.cancel(e.state().tasks.find((t) => t.state === 'waiting' && t.gang === undefined)!.id);
    e.cancel('g#1');
    e.complete(e.state().tasks.find((t) => t.state === 'running')!.id, { status: 'ok', actualTime: 9 });
    e.submit(task('late', 'u2', [1, 1], 15));
  }

  /** What an engine decides over the next steps, every answer as JSON. */
  function next(e: IptasBatchEngine): string[] {
    const out: string[] = [];
    for (let t = 10; t <= 60; t += 10) {
      out.push(JSON.stringify(e.runRound(t)));
      const running = e.state().tasks.filter((x) => x.state === 'running').map((x) => x.id);
      if (running.length > 0) out.push(JSON.stringify(e.cancel(running[0]!)));
      if (running.length > 1) out.push(JSON.stringify(e.complete(running[1]!, { status: 'ok', actualTime: 3 })));
      out.push(JSON.stringify(e.checkLimits(t)));
      for (let n = 0; n < 3; n++) out.push(JSON.stringify(e.drainDispatch(n)));
    }
    out.push(JSON.stringify(e.state()), JSON.stringify(e.counts()));
    return out;
  }

  it('are written as format version 7 and restored with the same state, deciding as the original and the reference', () => {
    using e = new Engine({ ringCapacity: 4 });
    withCancels(e);
    const ref = new ReferenceEngine({ ringCapacity: 4 });
    withCancels(ref);
    expect(JSON.stringify(e.state())).toBe(JSON.stringify(ref.state()));
    expect(e.counts().cancelled).toBe(5);
    const bytes = e.snapshot();
    expect(snapshotVersion(bytes)).toBe(7);
    using r = Engine.restore(bytes);
    expect(JSON.stringify(r.state())).toBe(JSON.stringify(e.state()));
    expect(r.counts()).toEqual(e.counts());
    // Written again, the same bytes.
    expect(Buffer.from(r.snapshot()).equals(Buffer.from(bytes))).toBe(true);
    const decided = next(r);
    expect(decided).toEqual(next(e));
    expect(decided).toEqual(next(ref));
  });

  it('without a cancelled task are still version 6 (a build that reads only 6 restores them); 7 is read, other versions named', () => {
    using e = new Engine();
    e.addNode({ capacity: [4, 8] });
    e.submit(task('a', 'u', [1, 1]));
    e.runRound(1);
    const v6 = e.snapshot();
    expect(snapshotVersion(v6)).toBe(6);
    expect(JSON.parse(Buffer.from(v6.buffer, v6.byteOffset + 56, new DataView(v6.buffer, v6.byteOffset).getUint32(40, true)).toString('utf8')).tally).toEqual({ waiting: 0, running: 1, ok: 0, failed: 0, killed: 0, total: 1 });
    using r6 = Engine.restore(v6);
    expect(r6.counts()).toEqual({ waiting: 0, running: 1, ok: 0, failed: 0, killed: 0, cancelled: 0, total: 1 });
    e.cancel('a');
    const v7 = e.snapshot();
    expect(snapshotVersion(v7)).toBe(7);
    using r7 = Engine.restore(v7);
    expect(r7.counts()).toEqual({ waiting: 0, running: 0, ok: 0, failed: 0, killed: 0, cancelled: 1, total: 1 });
    expect(r7.residual(0)).toEqual([4, 8]);
    const other = v7.slice();
    // (8 is read too since purge: test/engine/purge.test.ts.)
    new DataView(other.buffer).setUint32(4, 9, true);
    new DataView(other.buffer).setUint32(other.length - 4, crc32(other.subarray(0, other.length - 4)), true);
    expect(refusal(() => Engine.restore(other))).toBe('CORRUPT_INPUT snapshot: engine snapshot rejected: format version 9, this fairfit reads version 6, 7 or 8');
  });
});
