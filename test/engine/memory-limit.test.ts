/**
 * An engine under a memory limit: a call that would need more memory is
 * OUT_OF_MEMORY and changes nothing (its snapshot the same bytes), and the
 * engine goes on deciding exactly as a twin without the limit that never saw
 * the refused calls — the "rejected command changes nothing" rule, for the
 * one failure a host cannot check up front. Random sequences of the calls
 * that allocate (nodes, tasks, gangs, new users, rounds) and some that free
 * (completions, cancels, purges).
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { FairfitError } from '../../src/errors.ts';
import { Rng } from '../../src/rng.ts';

type Op = (e: Engine) => unknown;

function attempt(f: () => unknown): { ok: unknown } | { code: string } {
  try {
    return { ok: f() };
  } catch (e) {
    if (e instanceof FairfitError) return { code: e.code };
    throw e;
  }
}

describe('memoryLimit', () => {
  it('is checked, and an engine that cannot start inside it is OUT_OF_MEMORY', () => {
    for (const bad of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN, '1e6']) {
      expect(() => new Engine({}, { memoryLimit: bad as number })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'options.memoryLimit' } }));
    }
    expect(() => new Engine({}, { memoryLimit: 4096 })).toThrow(expect.objectContaining({ code: 'OUT_OF_MEMORY' }));
    const e = new Engine({}, { memoryLimit: 2 ** 22 });
    expect(e.memoryUsed).toBeGreaterThan(0);
    expect(e.memoryUsed).toBeLessThanOrEqual(2 ** 22);
    e.close();
  });

  it('a refused call changes nothing, and the engine then decides as a twin that never saw it (80 random sequences)', () => {
    let refused = 0, afterRefusal = 0;
    for (let seed = 1; seed <= 80; seed++) {
      const rng = new Rng(seed);
      // Short dispatch rings on most seeds: a node row is then mostly its matcher's share, so a growth can fail there too.
      const params = seed % 4 === 0 ? {} : { ringCapacity: 1 + rng.below(6) };
      const probe = new Engine(params, { taskCapacity: 8, nodeCapacity: 2 });
      const start = probe.memoryUsed;
      probe.close();
      // Room for a few growths past the start: every kind of call meets the limit sooner or later.
      const limit = start + 1 + rng.below(384 * 1024);
      const lim = new Engine(params, { taskCapacity: 8, nodeCapacity: 2, memoryLimit: limit });
      const twin = new Engine(params, { taskCapacity: 8, nodeCapacity: 2 });
      let next = 0, users = 0, now = 0;
      const running: string[] = [];
      const task = () => ({ id: `t${next++}`, user: `u${rng.below(3) === 0 ? users++ : rng.below(users + 1)}`, demand: [rng.below(4) * 0.5, rng.below(6)], dataGB: rng.below(300), requestTime: 1 + rng.below(100) });
      const ops: (() => Op)[] = [
        () => { const specs = Array.from({ length: 1 + rng.below(40) }, () => ({ capacity: [1 + rng.below(8), 1 + rng.below(16)], speed: 0.5 + rng.next() })); return (e) => e.addNodes(specs); },
        () => { const t = task(); return (e) => e.submit(t); },
        () => { const g = { ...task(), procs: 1 + rng.below(6) }; return (e) => e.submitGang(g); },
        () => { const items = Array.from({ length: 1 + rng.below(60) }, () => (rng.below(5) === 0 ? { ...task(), procs: 1 + rng.below(40) } : task())); return (e) => Array.from(e.submitMany(items)); },
        () => { const t = ++now; return (e) => e.runRound(t); },
        () => {
          const done = running.splice(0, rng.below(running.length + 1));
          const t = now;
          return (e) => done.map((id, k) => e.complete(id, { status: k % 7 === 3 ? 'failed' : 'ok', actualTime: 1 + (t % 50) }));
        },
        // A cancel needs no memory: never refused for it, and the twins stay alike (an id of any state, or unknown).
        () => { const id = `t${rng.below(next + 1)}`; return (e) => e.cancel(id); },
        // A purge needs no memory either (the rows it frees are reused by the submissions after it).
        () => (e) => e.purge(),
      ];
      let sawRefusal = false;
      for (let step = 0; step < 120; step++) {
        const op = ops[rng.below(ops.length)]!();
        const before = lim.snapshot();
        const a = attempt(() => op(lim));
        if ('code' in a && a.code === 'OUT_OF_MEMORY') {
          refused++;
          sawRefusal = true;
          expect(Buffer.from(lim.snapshot()).equals(Buffer.from(before)), `seed ${seed} step ${step}: a refused call changed the engine`).toBe(true);
          continue;
        }
        const b = attempt(() => op(twin));
        expect(JSON.stringify(a), `seed ${seed} step ${step}`).toBe(JSON.stringify(b));
        if (sawRefusal && 'ok' in a) afterRefusal++;
        const placed = 'ok' in a && a.ok !== null && typeof a.ok === 'object' && 'placements' in a.ok ? (a.ok as { placements: { task: string }[] }).placements : [];
        running.push(...placed.map((p) => p.task));
      }
      expect(Buffer.from(lim.snapshot()).equals(Buffer.from(twin.snapshot())), `seed ${seed}: the engines differ at the end`).toBe(true);
      expect(lim.memoryUsed).toBeLessThanOrEqual(limit);
      lim.close();
      twin.close();
    }
    // The test meets the limit, and engines go on after it.
    expect(refused).toBeGreaterThan(80);
    expect(afterRefusal).toBeGreaterThan(200);
  });

  it('submissions refused at the limit leave an engine whose rounds still run (they grew nothing a round needs)', () => {
    for (const [seed, gangs] of [[1, false], [2, true], [3, false]] as const) {
      const rng = new Rng(seed);
      const e = new Engine({}, { taskCapacity: 8, nodeCapacity: 2, memoryLimit: 2 ** 21 });
      e.addNodes(Array.from({ length: 4 }, () => ({ capacity: [2, 2] })));
      let id = 0, refusedAt = -1, now = 0;
      // Submit until the limit refuses one, with a round now and then (some tasks run, and return on a node failure).
      for (let k = 0; k < 200_000 && refusedAt < 0; k++) {
        const t = { id: `t${id}`, user: `u${rng.below(50)}`, demand: [0.5, 0.5], dataGB: rng.below(300), requestTime: 10 };
        try {
          if (gangs && k % 3 === 0) e.submitGang({ ...t, procs: 1 + rng.below(4) });
          else e.submit(t);
          id++;
        } catch (err) {
          expect(err).toMatchObject({ code: 'OUT_OF_MEMORY' });
          refusedAt = k;
        }
        if (k % 5000 === 0) e.runRound(++now);
      }
      expect(refusedAt, `seed ${seed}: the limit was met`).toBeGreaterThan(0);
      // A round at the limit (it used to grow its scratch and records here, and be refused every time).
      e.runRound(++now);
      expect(e.counts().running).toBeGreaterThan(0);
      // Every node down: all that ran is waiting again, and a round still runs.
      e.sweepHealth(++now);
      e.sweepHealth(now + 100);
      expect(e.counts()).toMatchObject({ running: 0, waiting: e.counts().total });
      for (let n = 0; n < 4; n++) e.heartbeat(n, now + 101);
      e.runRound(now + 102);
      expect(e.counts().running).toBeGreaterThan(0);
      // And a restore within the limit runs rounds too.
      const back = Engine.restore(e.snapshot(), { memoryLimit: 2 ** 21 });
      back.runRound(now + 103);
      back.close();
      e.close();
    }
  });

  it('a restore into too small a limit is OUT_OF_MEMORY (not a corrupt snapshot); within it, the same engine', () => {
    const e = new Engine({});
    e.addNodes([{ capacity: [4, 8], speed: 1 }]);
    e.submitMany(Array.from({ length: 5000 }, (_, i) => ({ id: `t${i}`, user: `u${i % 7}`, demand: [1, 1], dataGB: 1, requestTime: 10 })));
    const bytes = e.snapshot();
    expect(() => Engine.restore(bytes, { memoryLimit: 2 ** 18 })).toThrow(expect.objectContaining({ code: 'OUT_OF_MEMORY' }));
    expect(() => Engine.restore(bytes, { memoryLimit: -5 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    const back = Engine.restore(bytes, { memoryLimit: 2 ** 24 });
    expect(Buffer.from(back.snapshot()).equals(Buffer.from(bytes))).toBe(true);
    e.close();
    back.close();
  });
  it('the first-fit miss memo is made by the first round that can use it; with no room for it, a round decides the same without it', () => {
    // 256 nodes of two dimensions (a tree of 256 leaves): the memo is 2·4·256·2 values of 8 bytes.
    const memoBytes = 2 * 4 * 256 * 2 * 8;
    const make = (limit?: number): Engine => {
      // The task rows and a round's scratch reserved up front (prefault): a round then grows nothing but the memo.
      const e = new Engine({}, { taskCapacity: 2000, nodeCapacity: 256, prefault: true, ...(limit !== undefined ? { memoryLimit: limit } : {}) });
      const r = new Rng(7);
      e.addNodes(Array.from({ length: 256 }, () => ({ capacity: [1 + r.below(8), 1 + r.below(16)] })));
      for (let i = 0; i < 100; i++) e.submit({ id: `a${i}`, user: `u${i % 5}`, demand: [1 + r.below(4), 1 + r.below(8)], dataGB: r.below(300), requestTime: 60 });
      return e;
    };
    const more = (e: Engine): void => {
      const r = new Rng(8);
      for (let i = 0; i < 1500; i++) e.submit({ id: `b${i}`, user: `u${i % 5}`, demand: [1 + r.below(4), 1 + r.below(8)], dataGB: r.below(300), requestTime: 60 });
    };
    const free = make();
    let used = free.memoryUsed;
    // 100 waiting, fewer than the leaves: no memo.
    const first = free.runRound(1);
    expect(free.memoryUsed).toBe(used);
    more(free);
    used = free.memoryUsed;
    // 1,500 and more waiting: the memo, once.
    const second = free.runRound(2);
    expect(free.memoryUsed - used).toBeGreaterThanOrEqual(memoBytes);
    used = free.memoryUsed;
    const third = free.runRound(3);
    expect(free.memoryUsed).toBe(used);
    // The same with no room for the memo: the same placements, nothing grown.
    const probe = make();
    more(probe);
    const tight = make(probe.memoryUsed + 64);
    probe.close();
    expect(tight.runRound(1)).toEqual(first);
    more(tight);
    const before = tight.memoryUsed;
    expect(tight.runRound(2)).toEqual(second);
    expect(tight.runRound(3)).toEqual(third);
    expect(tight.memoryUsed).toBe(before);
    free.close();
    tight.close();
  });
});
