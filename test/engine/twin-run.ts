/** Runs the same random operations on the WebAssembly engine and the reference engine, comparing as it goes. */
import { expect } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { FairfitError } from '../../src/errors.ts';
import { Rng } from '../../src/rng.ts';
import type { IptasBatchEngine as IptasEngine } from '../../src/systems/iptas/engine-api.ts';
import { ReferenceEngine } from '../../src/systems/iptas/reference-engine.ts';
import type { IptasParams } from '../../src/systems/iptas/params.ts';

type Outcome = { ok: unknown } | { error: { code: string; message: string } };

function outcome(f: () => unknown): Outcome {
  try {
    return { ok: f() };
  } catch (e) {
    if (e instanceof FairfitError) return { error: { code: e.code, message: e.message } };
    throw e;
  }
}

/** What {@link checkMembership} reads of the WebAssembly engine: private fields, for this check only. */
interface EngineInside {
  rows: number;
  cols: { state: Int32Array; waitList: Int32Array };
  get(field: 'waiting' | 'runList' | 'runCount'): number;
  live(): { i32(ptr: number, n: number): Int32Array };
}

/** Marks of the tasks seen in a list, one per check (a mark per row: no clearing). */
let marks = new Int32Array(0);
let markNow = 0;

/**
 * Every task the WebAssembly engine holds is in exactly one of waiting, running and ended: its state
 * column says which, the waiting list holds exactly the waiting ones and the run list exactly the
 * running ones, each once; and the engine has counted every task submitted (`submitted`), none lost.
 * Read from its linear memory, not through its own answers, after every step.
 */
function checkMembership(wasm: Engine, submitted: number, at: string): void {
  const inside = wasm as unknown as EngineInside;
  const rows = inside.rows, state = inside.cols.state;
  const lists: [string, number, Int32Array][] = [
    ['waiting', 0, inside.cols.waitList.subarray(0, inside.get('waiting'))],
    ['running', 1, inside.live().i32(inside.get('runList'), inside.get('runCount'))],
  ];
  if (marks.length < rows) marks = new Int32Array(Math.max(rows, 2 * marks.length));
  const perState = new Int32Array(6);
  for (let t = 0; t < rows; t++) {
    const s = state[t]!;
    if (!(s >= 0 && s < 6)) expect.fail(`task row ${t} has no state (${s}) after ${at}`);
    perState[s]!++;
  }
  for (const [name, s, list] of lists) {
    const mark = ++markNow;
    for (const t of list) {
      if (!(t >= 0 && t < rows)) expect.fail(`the ${name} list names row ${t} of ${rows} after ${at}`);
      if (state[t] !== s) expect.fail(`the ${name} list holds row ${t}, whose state is ${state[t]}, after ${at}`);
      if (marks[t] === mark) expect.fail(`the ${name} list holds row ${t} twice after ${at}`);
      marks[t] = mark;
    }
    if (list.length !== perState[s]) expect.fail(`${perState[s]} tasks are ${name} but its list holds ${list.length} after ${at}`);
  }
  const total = wasm.counts().total;
  if (total !== submitted) expect.fail(`${submitted} tasks submitted, ${total} counted after ${at}`);
}

/**
 * Runs the same random operations on both engines, comparing results and errors at every step, and on
 * the WebAssembly engine the task lists ({@link checkMembership}) at every step; the whole state every
 * `fullEvery` steps. At each step of `restoreAt` the WebAssembly engine is replaced by its restored snapshot.
 * With `maxWaiting` tasks or more waiting, a single submission's step submits nothing: the queue then stays
 * near that bound instead of growing with the steps (a round costs the reference O(waiting)).
 */
export function twinRun(seed: number, steps: number, params: IptasParams, taskCapacity = 8, restoreAt: number | readonly number[] = -1, fullEvery = 1, maxWaiting = Infinity): { wasm: Engine; ref: ReferenceEngine } {
  const restores = new Set(typeof restoreAt === 'number' ? [restoreAt] : restoreAt);
  const rng = new Rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[rng.below(xs.length)]!;
  let wasm = new Engine(params, { taskCapacity, nodeCapacity: 2 });
  const ref = new ReferenceEngine(params);
  let full = true; // this step compares everything (results in full, then the whole state)
  const both = (what: string, f: (e: IptasEngine) => unknown): unknown => {
    const a = outcome(() => f(wasm));
    const b = outcome(() => f(ref));
    // A round's waiting list is the whole queue: compared in full on full steps, by length otherwise.
    const brief = (o: Outcome): string => JSON.stringify(o, (k, v) => (!full && k === 'waiting' && Array.isArray(v) ? v.length : v));
    if (brief(a) !== brief(b)) expect(brief(a), what).toBe(brief(b));
    return 'ok' in b ? b.ok : undefined;
  };
  let now = 0;
  let nextId = 0;
  const ids: string[] = [];
  let reused = 0; // submissions accepted among the bad calls (not in ids)
  // What the test knows without a state dump per step: live nodes and their capacity, running tasks.
  const caps = new Map<number, number[]>();
  const running = new Set<string>();
  const track = (r: unknown): void => {
    const o = r as { placements?: { task: string }[]; requeued?: string[]; failed?: string[] } | { task: string }[] | undefined;
    if (Array.isArray(o)) for (const k of o) running.delete(k.task);
    else if (o) {
      for (const p of o.placements ?? []) running.add(p.task);
      for (const id of [...(o.requeued ?? []), ...(o.failed ?? [])]) running.delete(id);
    }
  };
  const addNode = (): void => {
    const spec = { capacity: [1 + rng.below(8), 1 + rng.below(16)], speed: 0.5 + rng.next() };
    const n = both('addNode', (e) => e.addNode(spec));
    if (typeof n === 'number') caps.set(n, spec.capacity);
  };
  // Now and then no node at all at first (and removals may take the last one): nothing may be placed then.
  const initialNodes = rng.below(6) === 0 ? 0 : 3;
  for (let k = 0; k < initialNodes; k++) addNode();
  // Demands of 0 in every dimension fit any up node, and none when no node is up.
  // Tenths now and then: they are not exact in binary, so residuals taken or given back in another
  // order than the reference's can differ in the last bit (halves and integers never do).
  const demand = (): number[] => {
    const r = rng.below(8);
    return r === 0 ? [0, 0] : r === 1 ? [rng.below(11) / 10, rng.below(31) / 10] : [rng.below(5) * 0.5, rng.below(9)];
  };
  for (let step = 0; step < steps; step++) {
    if (restores.has(step)) {
      // From here on the engine restored from a snapshot must decide exactly as the reference.
      const bytes = wasm.snapshot();
      wasm.close();
      wasm = Engine.restore(bytes);
    }
    now += rng.below(3) * 0.5;
    full = step % fullEvery === 0 || step === steps - 1;
    const live = [...caps.keys()];
    const runningIds = [...running];
    const op = rng.below(128);
    const at = `step ${step} op ${op}`;
    if (op < 24) {
      // With the queue at its bound the step submits nothing (the checks below still run).
      if (ref.counts().waiting < maxWaiting) {
        const id = `t${nextId++}`;
        const spec = { id, user: `u${rng.below(5)}`, demand: demand(), dataGB: rng.below(200), requestTime: 1 + rng.below(20) };
        if (rng.below(5) === 0) {
          const procs = 1 + rng.below(4);
          const members = both(at, (e) => e.submitGang({ ...spec, procs }));
          if (Array.isArray(members)) ids.push(...(members as string[]));
        } else {
          both(at, (e) => e.submit(spec));
          ids.push(id);
        }
      }
    } else if (op < 50) {
      track(both(at, (e) => e.runRound(now)));
    } else if (op < 68 && runningIds.length > 0) {
      const task = pick(runningIds), status = rng.below(4) === 0 ? 'failed' : 'ok', actualTime = rng.below(30);
      both(at, (e) => e.complete(task, { status, actualTime }));
      running.delete(task);
    } else if (op < 74) {
      const use = new Map<string, number[]>();
      if (runningIds.length > 0 && rng.below(2) === 0) use.set(pick(runningIds), [rng.below(3), rng.below(8)]);
      track(both(at, (e) => e.checkLimits(now, use)));
    } else if (op < 84 && live.length > 0) {
      const n = pick(live), storageOk = rng.below(6) !== 0;
      both(at, (e) => e.heartbeat(n, now, { storageOk }));
    } else if (op < 88) {
      track(both(at, (e) => e.sweepHealth(now)));
    } else if (op < 91 && live.length < 12) {
      addNode();
    } else if (op < 93 && live.length > 0) {
      const n = pick(live);
      track(both(at, (e) => e.removeNode(n)));
      caps.delete(n);
    } else if (op < 95 && live.length > 0) {
      const n = pick(live);
      const cap = caps.get(n)!, res = ref.residual(n);
      const update = { capacity: cap.map((c, d) => c - res[d]! + rng.below(4)), speed: 0.5 + rng.next() };
      both(at, (e) => e.updateNode(n, update));
      caps.set(n, update.capacity);
    } else if (op < 100 && live.length > 0) {
      const n = pick(live);
      both(at, (e) => e.drainDispatch(n));
    } else if (op < 104 && ids.length > 0) {
      const id = pick(ids);
      both(at, (e) => e.explain(id));
    } else if (op === 109) {
      // A purge: the ended tasks forgotten (a gang once none of its members waits or runs), the kept ones
      // renumbered; their ids stay in `ids`, so later calls name forgotten ids too (unknown to both) and a
      // taken-id submission may reuse one.
      both(at, (e) => e.purge());
    } else if (op >= 122 && ids.length > 0) {
      // A cancel: of a running task half the time (its node's ring, a gang's running members), else of any
      // task (waiting ones; ended ones are refused), now and then of an unknown id.
      const id = rng.below(8) === 0 ? `nope${step}` : runningIds.length > 0 && rng.below(2) === 0 ? pick(runningIds) : pick(ids);
      const cancelled = both(at, (e) => e.cancel(id));
      if (Array.isArray(cancelled)) for (const t of cancelled as string[]) running.delete(t);
    } else if (op >= 110) {
      // The batch calls (task handles, typed arrays), against the same calls of the reference.
      const handlesOf = (r: unknown): number[] => (r instanceof Int32Array ? [...r] : []);
      const kind = op - 110;
      if (kind < 3) {
        const items = Array.from({ length: 1 + rng.below(4) }, () => {
          const id = rng.below(8) === 0 && ids.length > 0 ? pick(ids) : `b${nextId++}`; // now and then a taken id: the whole batch is refused
          const spec = { id, user: `u${rng.below(5)}`, demand: demand(), dataGB: rng.below(200), requestTime: 1 + rng.below(20) };
          return rng.below(3) === 0 ? { ...spec, procs: 1 + rng.below(3) } : spec;
        });
        // Sometimes into a lent array (room for 0–5 first handles: too small ones are not used).
        const lendFirst = rng.below(2) === 0 ? rng.below(6) : -1;
        const first = both(at, (e) => {
          const into = lendFirst < 0 ? undefined : new Int32Array(lendFirst);
          const out = e.submitMany(items, into);
          expect(out.buffer === into?.buffer, `${at}: first handles written into the lent array`).toBe(into !== undefined && lendFirst >= items.length);
          return out;
        });
        if (first instanceof Int32Array) {
          items.forEach((it, k) => {
            const p = 'procs' in it ? it.procs : 0;
            if (p === 0) ids.push(it.id);
            else for (let m = 0; m < p; m++) ids.push(`${it.id}#${m}`);
            both(`${at} handle ${k}`, (e) => e.handleOf(ids[ids.length - 1]!) - first[k]!);
          });
        }
      } else if (kind < 6) {
        // Sometimes with buffers lent for the placements (room for 0–5: too small ones are not used).
        const lend = rng.below(2) === 0 ? rng.below(6) : -1;
        const r = both(at, (e) => {
          const into = lend < 0 ? undefined : { tasks: new Int32Array(lend), nodes: new Int32Array(lend), t0: new Float64Array(lend) };
          const out = e.runRoundHandles(now, into);
          const n = out.tasks.length;
          const inLent = n > 0 && out.tasks.buffer === into?.tasks.buffer && out.nodes.buffer === into.nodes.buffer && out.t0.buffer === into.t0.buffer;
          expect(inLent, `${at}: placements written into the lent buffers`).toBe(n > 0 && lend >= n);
          return out;
        }) as { tasks: Int32Array } | undefined;
        if (r) for (const h of r.tasks) running.add(ref.idOf(h));
      } else if (kind < 8 && runningIds.length > 0) {
        const some = runningIds.filter(() => rng.below(3) === 0).map((id) => ref.handleOf(id));
        if (rng.below(6) === 0 && some.length > 0) some.push(some[0]!); // given twice: refused
        const status = rng.below(4) === 0 ? 'failed' : 'ok', actualTime = rng.below(30);
        const r = both(at, (e) => e.completeMany(some, { status, actualTime }));
        if (Array.isArray(r)) for (const h of some) running.delete(ref.idOf(h));
      } else if (kind < 9) {
        const use = new Map<number, number[]>();
        if (runningIds.length > 0 && rng.below(2) === 0) use.set(ref.handleOf(pick(runningIds)), [rng.below(3), rng.below(8)]);
        const lendKills = rng.below(2) === 0 ? rng.below(4) : -1;
        // Now and then the report as columns, of several running tasks (now and then one given twice: refused).
        const columns = rng.below(3) === 0 ? runningIds.filter(() => rng.below(3) === 0).map((id) => ref.handleOf(id)) : undefined;
        if (columns && rng.below(6) === 0 && columns.length > 0) columns.push(columns[0]!);
        const values = columns ? Float64Array.from({ length: 2 * columns.length }, () => rng.below(8) / 2) : undefined;
        const killed = handlesOf(both(at, (e) => {
          const into = lendKills < 0 ? undefined : new Int32Array(lendKills);
          const out = columns ? e.checkLimitsColumns(now, columns, values!, into) : e.checkLimitsHandles(now, use, into);
          expect(out.length === 0 || out.buffer === into?.buffer, `${at}: kills written into the lent array`).toBe(out.length === 0 || (into !== undefined && lendKills >= out.length));
          return out;
        }));
        for (const h of killed) running.delete(ref.idOf(h));
      } else if (kind < 11 && live.length > 0) {
        const nodes = live.filter(() => rng.below(2) === 0);
        if (rng.below(5) === 0 && nodes.length > 0) nodes.push(nodes[0]!); // given twice: refused
        // Sometimes into a lent array (room for 0–5 handles: too small ones are not used).
        const lend = rng.below(2) === 0 ? rng.below(6) : -1;
        both(at, (e) => {
          if (nodes.length === 1) return e.drainDispatchHandles(nodes[0]!);
          const into = lend < 0 ? undefined : new Int32Array(lend);
          const out = e.drainDispatchMany(nodes, into);
          expect(out.buffer === into?.buffer, `${at}: handles written into the lent array`).toBe(into !== undefined && lend >= out.length);
          return out;
        });
      } else if (live.length < 12) {
        const specs = Array.from({ length: 1 + rng.below(2) }, () => ({ capacity: [1 + rng.below(8), 1 + rng.below(16)], speed: 0.5 + rng.next() }));
        const added = both(at, (e) => e.addNodes(specs));
        if (Array.isArray(added)) added.forEach((n, k) => caps.set(n as number, specs[k]!.capacity));
      }
    } else {
      // bad calls: the same error, nothing changed
      // Picked once, outside the calls: each engine must be given the same bad value.
      const notReport = pick([false, null, 'ok', 0, [true]]);
      const notInt32 = pick([[0, 0], new Float64Array(2), new Uint32Array(2)]);
      const bad: ((e: IptasEngine) => unknown)[] = [
        (e) => e.submit({ id: ids.length > 0 ? ids[0]! : '', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 1 }),
        (e) => e.submit({ id: `bad${step}`, user: 'u', demand: [1, Number.NaN], dataGB: 1, requestTime: 1 }),
        (e) => e.runRound(e.now - 0.25),
        (e) => e.complete('nope', { status: 'ok', actualTime: 1 }),
        (e) => e.cancel(ids.length > 0 ? `${ids[0]!}x` : 'nope'),
        (e) => e.heartbeat(100_000, now),
        (e) => e.heartbeat(live[0] ?? 0, now, notReport as never), // a report that is no object
        (e) => e.updateNode(live[0] ?? 0, { capacity: [-1, 1] }),
        (e) => e.submitGang({ id: `g${step}`, user: 'u', demand: [1, 1], dataGB: 1, requestTime: 1, procs: 0 }),
        // A lent buffer that is no Int32Array: refused before anything is added, killed or drained.
        (e) => e.submitMany([{ id: `lent${step}`, user: 'u', demand: [1, 1], dataGB: 1, requestTime: 1 }], notInt32 as never),
        (e) => e.checkLimitsHandles(now, undefined, [0] as never),
        (e) => e.checkLimitsColumns(now, [], Float64Array.of(1)), // usage for no handle
        (e) => e.drainDispatchMany(live.slice(0, 2), new Uint8Array(8) as never),
      ];
      const f = pick(bad);
      // A forgotten id (purged) is free again: the taken-id submission is then accepted, by both.
      const before = ref.counts().total;
      both(at, f);
      reused += ref.counts().total - before;
    }
    checkMembership(wasm, ids.length + reused, at);
    if (full) {
      expect(JSON.stringify(wasm.state()), `state after ${at}`).toBe(JSON.stringify(ref.state()));
    } else {
      // Between full comparisons: the same counts, and every residual within [0, capacity].
      const c = wasm.counts();
      if (JSON.stringify(c) !== JSON.stringify(ref.counts())) expect(JSON.stringify(c), `counts after ${at}`).toBe(JSON.stringify(ref.counts()));
      if (c.waiting + c.running + c.ok + c.failed + c.killed + c.cancelled !== c.total) expect.fail(`counts do not add up after ${at}`);
      for (const n of caps.keys()) {
        const r = wasm.residual(n), cap = caps.get(n)!;
        if (r.some((v, d) => !(v >= 0 && v <= cap[d]!))) expect.fail(`residual of node ${n} outside [0, capacity] after ${at}`);
      }
    }
  }
  return { wasm, ref };
}

