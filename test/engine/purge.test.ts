/**
 * `purge`: the host bounds an engine's memory by forgetting the tasks that have ended
 * (docs/model.md, "IPTAS engine in WebAssembly", Purge). Each scenario runs on the WebAssembly
 * engine and on the reference engine, which must answer alike: the ended tasks are forgotten (ids
 * unknown afterwards, and free to be submitted again), the kept ones keep their order and get dense
 * handles, a gang stays whole while a member lives, rings lose the forgotten entries, the counts
 * stay those of every task ever submitted. A run with purges decides exactly as the same run without
 * them; a snapshot after a purge (format version 8) restores and decides alike; an engine that
 * purges as it goes keeps as many rows as it has live tasks.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { Rng } from '../../src/rng.ts';
import type { IptasBatchEngine } from '../../src/systems/iptas/engine-api.ts';
import type { IptasParams } from '../../src/systems/iptas/params.ts';
import { ReferenceEngine } from '../../src/systems/iptas/reference-engine.ts';
import { onBoth as onBothEngines, refusal, snapshotVersion as version, task } from './engine-scenario.ts';

/** `scenario` on both engines (the WebAssembly one starting small, so that purges meet grown columns): the same answers and final state. */
const onBoth = (params: IptasParams, scenario: (e: IptasBatchEngine) => unknown[]): unknown[] => onBothEngines(params, scenario, { engine: { taskCapacity: 4, nodeCapacity: 2 }, state: true });

describe('purge', () => {
  it('forgets the ended tasks: counts kept, handles dense in submission order, ids kept, forgotten ids unknown and free again', () => {
    const out = onBoth({ historyLength: 3 }, (e) => {
      e.addNode({ capacity: [8, 8] });
      for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) e.submit(task(id, id === 'g' ? 'v' : 'u', [1, 1], id === 'c' ? 1 : 100));
      e.runRound(1);
      e.complete('a', { status: 'ok', actualTime: 50 });
      e.complete('b', { status: 'failed', actualTime: 1 }); // back to waiting: kept
      e.checkLimits(5); // c: T0 = 1·1·1.5 → killed
      e.cancel('d');
      e.complete('e', { status: 'failed', actualTime: 1 });
      e.runRound(6); // b and e placed again
      e.complete('e', { status: 'failed', actualTime: 1 }); // a second failure: failed for good
      e.submit(task('h', 'u', [1, 1])); // waiting
      const before = e.counts();
      return [
        e.purge(), before, e.counts(), e.state().tasks.map((t) => `${t.id}:${t.state}`),
        ['b', 'f', 'g', 'h'].map((id) => e.handleOf(id)), [0, 1, 2, 3].map((h) => e.idOf(h)), refusal(() => e.idOf(4)),
        ['a', 'c', 'd', 'e'].flatMap((id) => [
          refusal(() => e.taskView(id)), refusal(() => e.explain(id)), refusal(() => e.handleOf(id)),
          refusal(() => e.complete(id, { status: 'ok', actualTime: 1 })), refusal(() => e.cancel(id)),
        ]),
        // A forgotten id is a new task: the next handle, waiting, rounds 0, placed by the next round.
        e.submit(task('a', 'u', [1, 1])), e.handleOf('a'), e.taskView('a'), e.runRound(7).placements,
        // Nothing has ended since: nothing to forget.
        e.purge(), e.counts(),
      ];
    });
    expect(out[0]).toBe(4);
    // Every task ever submitted is counted, before and after (a purge forgets tasks, not their counts).
    expect(out[1]).toEqual({ waiting: 1, running: 3, ok: 1, failed: 1, killed: 1, cancelled: 1, total: 8 });
    expect(out[2]).toEqual(out[1]);
    expect(out[3]).toEqual(['b:running', 'f:running', 'g:running', 'h:waiting']);
    expect(out[4]).toEqual([0, 1, 2, 3]);
    expect(out[5]).toEqual(['b', 'f', 'g', 'h']);
    expect(out[6]).toBe('INDEX_OUT_OF_RANGE handle');
    expect(new Set(out[7] as string[])).toEqual(new Set(['INDEX_OUT_OF_RANGE taskId']));
    expect(out[8]).toBe('a');
    expect(out[9]).toBe(4);
    expect(out[10]).toMatchObject({ id: 'a', state: 'waiting', rounds: 0, failures: 0, start: NaN });
    expect(out[11]).toEqual([{ task: 'h', node: 0 }, { task: 'a', node: 0 }]);
    expect(out[12]).toBe(0);
    expect(out[13]).toEqual({ waiting: 0, running: 5, ok: 1, failed: 1, killed: 1, cancelled: 1, total: 9 });
  });

  it('keeps a gang whole while a member waits or runs (its ended members too), and forgets it with its id once all ended', () => {
    const [first, kept, view, handles, later, reused] = onBoth({}, (e) => {
      e.addNode({ capacity: [8, 8] });
      e.submit(task('x', 'u', [1, 1]));
      e.submitGang({ ...task('g', 'u', [1, 1]), procs: 3 });
      e.submit(task('y', 'u', [1, 1]));
      e.runRound(1);
      e.complete('x', { status: 'ok', actualTime: 1 });
      e.complete('g#1', { status: 'ok', actualTime: 1 }); // one member ended, two still run
      const out: unknown[] = [e.purge(), e.state().tasks.map((t) => `${t.id}:${t.state}`), e.taskView('g#1'), ['g#0', 'g#1', 'g#2', 'y'].map((id) => e.handleOf(id))];
      e.complete('g#0', { status: 'ok', actualTime: 1 });
      e.complete('g#2', { status: 'ok', actualTime: 1 });
      out.push(e.purge());
      // The gang id is free again: a new gang of that id (another size), placed as any.
      out.push([e.submitGang({ ...task('g', 'u', [1, 1]), procs: 2 }), e.runRound(2), e.handleOf('g#1')]);
      return out;
    });
    expect(first).toBe(1);
    expect(kept).toEqual(['g#0:running', 'g#1:ok', 'g#2:running', 'y:running']);
    expect(view).toMatchObject({ id: 'g#1', gang: 'g', state: 'ok' });
    expect(handles).toEqual([0, 1, 2, 3]);
    expect(later).toBe(3);
    expect(reused).toEqual([['g#0', 'g#1'], { placements: [{ task: 'g#0', node: 0 }, { task: 'g#1', node: 0 }], waiting: [] }, 2]);
  });

  it('takes the forgotten tasks\' entries out of the dispatch rings, the others in their order (handles renumbered)', () => {
    const [forgot, pending, drained, handles] = onBoth({ ringCapacity: 8, heartbeatInterval: 5 }, (e) => {
      const [n0, n1] = e.addNodes([{ capacity: [4, 4] }, { capacity: [4, 4] }]) as [number, number];
      e.heartbeat(n1!, 0, { storageOk: false });
      e.sweepHealth(0); // n1 down: everything goes to n0
      for (const id of ['a', 'b', 'c', 'd']) e.submit(task(id, 'u', [1, 1]));
      e.runRound(1);
      e.complete('b', { status: 'ok', actualTime: 1 });
      e.complete('d', { status: 'failed', actualTime: 1 }); // retried: kept, its first entry too
      e.complete('a', { status: 'ok', actualTime: 1 });
      e.runRound(2); // d placed again: a second entry
      const out: unknown[] = [e.purge(), e.pendingDispatch(n0!)];
      out.push(e.drainDispatchHandles(n0!), ['c', 'd'].map((id) => e.handleOf(id)));
      return out;
    });
    expect(forgot).toBe(2);
    expect(pending).toBe(3);
    expect([...(drained as Int32Array)]).toEqual([0, 1, 1]); // c, d (first placement), d (again)
    expect(handles).toEqual([0, 1]);
  });

  it('a run with purges decides as the same run without them (both engines; placements, kills, health, drains, explain)', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const rng = new Rng(seed);
      // Rings longer than the run's placements: a purge shortens rings (the forgotten entries leave), and a
      // full ring holds placements back, so with short rings the two runs could rightly differ there.
      const params: IptasParams = { heartbeatInterval: 4, historyLength: 3, l0: 2 };
      const plain = new ReferenceEngine(params);
      const purged: IptasBatchEngine[] = [new Engine(params, { taskCapacity: 4, nodeCapacity: 2 }), new ReferenceEngine(params)];
      const nodes = plain.addNodes([{ capacity: [4, 8] }, { capacity: [6, 6], speed: 2 }, { capacity: [2, 16] }]);
      for (const e of purged) e.addNodes([{ capacity: [4, 8] }, { capacity: [6, 6], speed: 2 }, { capacity: [2, 16] }]);
      let now = 0, next = 0, forgotten = 0;
      const held = (e: IptasBatchEngine, id: string): boolean => refusal(() => e.taskView(id)) === 'accepted';
      for (let step = 0; step < 500; step++) {
        now += rng.below(3);
        const st = plain.state();
        const open = st.tasks.filter((t) => t.state === 'waiting' || t.state === 'running').map((t) => t.id);
        const runningIds = st.tasks.filter((t) => t.state === 'running').map((t) => t.id);
        const op = rng.below(20);
        const at = `seed ${seed} step ${step} op ${op}`;
        // The same call on the three engines: the plain one's answer, the purged ones' answers (ids).
        const same = (f: (e: IptasBatchEngine) => unknown): void => {
          const want = JSON.stringify(f(plain));
          for (const e of purged) expect(JSON.stringify(f(e)), at).toBe(want);
        };
        if (op < 5) {
          const spec = task(`t${next++}`, `u${rng.below(3)}`, [rng.below(5) * 0.5, rng.below(6)], 1 + rng.below(30));
          const procs = op === 0 ? 1 + rng.below(3) : 0;
          same((e) => (procs > 0 ? e.submitGang({ ...spec, procs }) : e.submit(spec)));
        } else if (op < 9) {
          // A round, the placements by id: the purged engines through handles (renumbered ones name the same tasks).
          const r = plain.runRound(now);
          for (const e of purged) {
            const h = e.runRoundHandles(now);
            expect(JSON.stringify({ placements: [...h.tasks].map((t, k) => ({ task: e.idOf(t), node: h.nodes[k] })), waiting: h.waiting }), at)
              .toBe(JSON.stringify({ placements: r.placements, waiting: r.waiting.length }));
          }
        } else if (op < 12 && runningIds.length > 0) {
          const id = runningIds[rng.below(runningIds.length)]!, result = { status: rng.below(4) === 0 ? 'failed' as const : 'ok' as const, actualTime: rng.below(20) };
          same((e) => e.complete(id, result));
        } else if (op < 13) {
          const use = new Map<string, number[]>();
          if (runningIds.length > 0) use.set(runningIds[0]!, [rng.below(3), rng.below(4)]);
          same((e) => e.checkLimits(now, use));
        } else if (op < 14) {
          const n = nodes[rng.below(nodes.length)]!, ok = rng.below(4) !== 0;
          same((e) => e.heartbeat(n, now, { storageOk: ok }));
        } else if (op < 15) {
          same((e) => e.sweepHealth(now));
        } else if (op < 16 && open.length > 0) {
          const id = open[rng.below(open.length)]!;
          same((e) => e.cancel(id));
        } else if (op < 17) {
          // A drain: the plain engine's entries of tasks the purged engines forgot are not in theirs.
          const n = nodes[rng.below(nodes.length)]!;
          const want = plain.drainDispatch(n);
          for (const e of purged) expect(e.drainDispatch(n), at).toEqual(want.filter((id) => held(e, id)));
        } else if (op < 19 && open.length > 0) {
          const id = open[rng.below(open.length)]!;
          same((e) => e.explain(id));
        } else {
          const [a, b] = purged.map((e) => e.purge());
          expect(a, at).toBe(b);
          forgotten += a!;
          expect(JSON.stringify(purged[0]!.state()), at).toBe(JSON.stringify(purged[1]!.state()));
        }
        same((e) => e.counts());
      }
      // The held tasks: those of the plain run not forgotten, in order, their views alike.
      const ids = new Set(purged[0]!.state().tasks.map((t) => t.id));
      expect(JSON.stringify(purged[0]!.state().tasks)).toBe(JSON.stringify(plain.state().tasks.filter((t) => ids.has(t.id))));
      expect(forgotten, `seed ${seed}`).toBeGreaterThan(20);
      (purged[0] as Engine).close();
    }
  });

  it('a snapshot after a purge (format version 8) restores and decides as the original and the reference', () => {
    const scenario = (e: IptasBatchEngine): void => {
      e.addNodes([{ capacity: [4, 4] }, { capacity: [2, 8] }]);
      for (let k = 0; k < 30; k++) {
        if (k % 7 === 3) e.submitGang({ ...task(`g${k}`, `u${k % 3}`, [1, 1], 5 + k), procs: 2 });
        else e.submit(task(`t${k}`, `u${k % 3}`, [k % 3, 1], 5 + k));
      }
      e.runRound(1);
      for (const id of ['t0', 't1', 't2', 'g3#0', 'g3#1']) e.complete(id, { status: 'ok', actualTime: 3 });
      e.cancel('t20');
      e.runRound(2);
      e.checkLimits(9);
      e.purge();
    };
    const next = (e: IptasBatchEngine): string[] => {
      const out: string[] = [];
      e.submit(task('t0', 'u0', [1, 1])); // forgotten before the snapshot: a new task
      for (let t = 10; t < 40; t += 3) {
        out.push(JSON.stringify(e.runRound(t)), JSON.stringify(e.checkLimits(t)));
        const running = e.state().tasks.filter((x) => x.state === 'running').map((x) => x.id);
        if (running.length > 0) out.push(e.complete(running[0]!, { status: 'ok', actualTime: 2 }));
        if (t % 2 === 0) out.push(String(e.purge()));
        for (let n = 0; n < 2; n++) out.push(JSON.stringify(e.drainDispatch(n)));
      }
      out.push(JSON.stringify(e.state()), JSON.stringify(e.counts()));
      return out;
    };
    using e = new Engine();
    scenario(e);
    const ref = new ReferenceEngine();
    scenario(ref);
    expect(JSON.stringify(e.state())).toBe(JSON.stringify(ref.state()));
    const bytes = e.snapshot();
    expect(version(bytes)).toBe(8);
    using r = Engine.restore(bytes);
    expect(JSON.stringify(r.state())).toBe(JSON.stringify(e.state()));
    expect(r.counts()).toEqual(e.counts());
    expect(r.counts().total).toBeGreaterThan(r.state().tasks.length);
    expect(Buffer.from(r.snapshot()).equals(Buffer.from(bytes))).toBe(true);
    const decided = next(r);
    expect(decided).toEqual(next(e));
    expect(decided).toEqual(next(ref));
  });

  it('a snapshot after a purge left fewer tasks than the largest gang restores (it was CORRUPT_INPUT: "6 gang members to undo for 1 tasks")', () => {
    // Found by the restore property of engine-equals-reference.test.ts (seed 742537115, snapshot at step 8):
    // the room of a round's gang-undo scratch was bounded by the task count, but it is a capacity, grown
    // for the largest gang ever submitted, and a purge can leave fewer tasks than that.
    using e = new Engine();
    e.addNode({ capacity: [8, 8] });
    e.submitGang({ ...task('g', 'u', [1, 1]), procs: 6 });
    e.submit(task('w', 'u', [9, 9])); // never fits: stays waiting
    e.runRound(1);
    for (let k = 0; k < 6; k++) e.complete(`g#${k}`, { status: 'ok', actualTime: 1 });
    expect(e.purge()).toBe(6);
    expect(e.state().tasks.map((t) => t.id)).toEqual(['w']);
    const bytes = e.snapshot();
    using r = Engine.restore(bytes);
    expect(Buffer.from(r.snapshot()).equals(Buffer.from(bytes))).toBe(true);
    // The restored engine places a gang as large as the one it was grown for.
    for (const x of [e, r]) x.submitGang({ ...task('h', 'u', [1, 1]), procs: 6 });
    expect(JSON.stringify(r.runRound(2))).toBe(JSON.stringify(e.runRound(2)));
    expect(JSON.stringify(r.state())).toBe(JSON.stringify(e.state()));
  });

  it('purges a restored engine (ids as runs, as a text, and after ids were added) as the reference does', () => {
    const idSets = [Array.from({ length: 40 }, (_, k) => `t${k}`), Array.from({ length: 40 }, (_, k) => `job-${k}-${'x'.repeat(k % 3)}`)];
    for (const ids of idSets) {
      for (const addFirst of [false, true]) {
        const build = (e: IptasBatchEngine): void => {
          e.addNode({ capacity: [64, 64] });
          ids.forEach((id, k) => (k === 5 ? e.submitGang({ ...task(id, 'u', [1, 1]), procs: 3 }) : e.submit(task(id, `u${k % 2}`, [1, 1]))));
          e.runRound(1);
          for (const id of [ids[0]!, ids[2]!, `${ids[5]!}#0`, `${ids[5]!}#1`, `${ids[5]!}#2`]) e.complete(id, { status: 'ok', actualTime: 1 });
        };
        const after = (e: IptasBatchEngine): unknown[] => {
          if (addFirst) e.submit(task('late', 'u', [1, 1]));
          const out: unknown[] = [e.purge(), e.handleOf(ids[1]!), e.handleOf(ids[39]!), refusal(() => e.taskView(ids[2]!)), refusal(() => e.handleOf(`${ids[5]!}#1`))];
          out.push(e.submit(task(ids[0]!, 'u', [1, 1])), e.submitGang({ ...task(ids[5]!, 'u', [1, 1]), procs: 2 }), e.runRound(2), e.state());
          return out;
        };
        using source = new Engine();
        build(source);
        using restored = Engine.restore(source.snapshot());
        const ref = new ReferenceEngine();
        build(ref);
        expect(JSON.stringify(after(restored))).toBe(JSON.stringify(after(ref)));
        // And the purged restored engine's snapshot restores alike.
        using again = Engine.restore(restored.snapshot());
        expect(JSON.stringify(again.state())).toBe(JSON.stringify(restored.state()));
      }
    }
  });

  it('a purge that cannot make room for a restored engine\'s ids is OUT_OF_MEMORY and changes nothing', () => {
    using e = new Engine();
    e.addNode({ capacity: [4, 4] });
    for (let k = 0; k < 2000; k++) e.submit(task(`id-${k}x`, 'u', [0, 0]));
    e.runRound(1);
    for (let k = 0; k < 1000; k++) e.complete(`id-${k}x`, { status: 'ok', actualTime: 1 });
    const bytes = e.snapshot();
    const used = (() => { using probe = Engine.restore(bytes); return probe.memoryUsed; })();
    using tight = Engine.restore(bytes, { memoryLimit: used });
    expect(refusal(() => tight.purge())).toMatch(/^OUT_OF_MEMORY /);
    expect(Buffer.from(tight.snapshot()).equals(Buffer.from(bytes))).toBe(true);
    expect(tight.handleOf('id-1500x')).toBe(1500);
    // With room, the same purge as the original engine's.
    using roomy = Engine.restore(bytes);
    expect(roomy.purge()).toBe(e.purge());
    expect(JSON.stringify(roomy.state())).toBe(JSON.stringify(e.state()));
  });

  it('an engine that submits, runs, completes and purges for many steps keeps rows for its live tasks only (memory stops growing)', () => {
    using e = new Engine({ historyLength: 3 }, { taskCapacity: 64 });
    // Room for 128 tasks at once: what arrives in a step runs then and ends the step after.
    e.addNodes(Array.from({ length: 16 }, () => ({ capacity: [8, 8] })));
    const handles = new Int32Array(64);
    let next = 0, now = 0, usedAt100 = 0, maxRows = 0;
    for (let step = 0; step < 600; step++) {
      // 40 tasks a step (one gang of 4 among them), a round, the running ones completed next step.
      const items = Array.from({ length: 36 }, (_, k) => task(`t${next++}`, `u${k % 5}`, [1, 1], 10)) as (ReturnType<typeof task> & { procs?: number })[];
      items.push({ ...task(`g${next++}`, 'u9', [1, 1], 10), procs: 4 });
      e.submitMany(items, handles);
      e.runRoundHandles(++now);
      // Tasks placed two steps ago and before end now (the handles of the ones running).
      const running = e.state().tasks.flatMap((t, h) => (t.state === 'running' && t.start <= now - 1 ? [h] : []));
      if (running.length > 0) e.completeMany(running, { status: step % 11 === 0 ? 'failed' : 'ok', actualTime: 5 });
      e.drainDispatchMany(Array.from({ length: 16 }, (_, n) => n));
      e.purge();
      const rows = e.state().tasks.length;
      maxRows = Math.max(maxRows, rows);
      // Only live tasks (and members of gangs that live) are held.
      expect(rows).toBeLessThanOrEqual(e.counts().waiting + e.counts().running + 3);
      if (step === 100) usedAt100 = e.memoryUsed;
    }
    expect(e.counts().total).toBe(600 * 40);
    expect(e.counts().ok).toBeGreaterThan(10_000);
    expect(maxRows).toBeLessThan(2000);
    // The rows freed by each purge were reused: no growth after the first steps.
    expect(e.memoryUsed).toBe(usedAt100);
  });
});
