/**
 * Randomised operation sequences (≥ 10^4 operations per run) on the reference
 * IPTAS engine — submit, gang submit, round, complete ok / failed, limits,
 * heartbeat, sweep, add / update / remove node, drain — checking after every
 * step that residuals stay in [0, capacity] and equal capacity minus the demands
 * running there, that every submitted task is in exactly one state with the
 * counts agreeing, and that rejected commands change nothing.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FairfitError } from '../../src/errors.ts';
import { Rng } from '../../src/rng.ts';
import { ReferenceEngine } from '../../src/systems/iptas/reference-engine.ts';

/** Tasks a purge forgot, by state: counts() still counts them (every task ever submitted). */
type Forgotten = Record<'ok' | 'failed' | 'killed' | 'cancelled', number>;

function checkInvariants(e: ReferenceEngine, submitted: Set<string>, forgotten: Forgotten, s = e.state()): void {
  // plain checks (an expect() per value is too slow for 10^4 steps); one expect at the end
  const bad: string[] = [];
  const ids = s.tasks.map((t) => t.id);
  if (new Set(ids).size !== ids.length) bad.push('duplicate task');
  if (ids.length !== submitted.size) bad.push(`lost or extra tasks: ${ids.length} vs ${submitted.size}`);
  for (const id of ids) if (!submitted.has(id)) bad.push(`unknown task ${id}`);
  const byState = { waiting: 0, running: 0, ok: 0, failed: 0, killed: 0, cancelled: 0 };
  const used = new Map<number, number[]>();
  const perUser = new Map<string, number>();
  for (const t of s.tasks) {
    byState[t.state] += 1;
    if (t.state === 'running') {
      if (t.node < 0) bad.push(`running task ${t.id} without node`);
      const u = used.get(t.node) ?? t.demand.map(() => 0);
      t.demand.forEach((d, k) => { u[k] = u[k]! + d; });
      used.set(t.node, u);
      perUser.set(t.user, (perUser.get(t.user) ?? 0) + 1);
    } else if (t.node !== -1) bad.push(`${t.state} task ${t.id} on node ${t.node}`);
  }
  const c = e.counts();
  const all = { ...byState, ok: byState.ok + forgotten.ok, failed: byState.failed + forgotten.failed, killed: byState.killed + forgotten.killed, cancelled: byState.cancelled + forgotten.cancelled };
  const total = ids.length + forgotten.ok + forgotten.failed + forgotten.killed + forgotten.cancelled;
  if (JSON.stringify(c) !== JSON.stringify({ ...all, total })) bad.push(`counts ${JSON.stringify(c)} vs ${JSON.stringify(all)}`);
  // Handles are the places in submission order, dense after any purge.
  for (let h = 0; h < ids.length; h++) if (e.handleOf(ids[h]!) !== h) { bad.push(`handle of ${ids[h]} is not ${h}`); break; }
  for (const u of s.users) if (u.running !== (perUser.get(u.user) ?? 0)) bad.push(`L_u of ${u.user}`);
  for (const n of s.nodes) {
    const u = used.get(n.index) ?? n.capacity.map(() => 0);
    if ((n.removed || !n.up) && used.has(n.index)) bad.push(`tasks on down node ${n.index}`);
    n.residual.forEach((r, d) => {
      if (!(r >= 0 && r <= n.capacity[d]!)) bad.push(`residual ${r} of node ${n.index} outside [0, ${n.capacity[d]}]`);
      if (!(Math.abs(r - (n.capacity[d]! - u[d]!)) < 1e-9 * Math.max(1, n.capacity[d]!))) bad.push(`residual of node ${n.index} ≠ capacity − running demand`);
    });
    if (n.ring.length > e.params.ringCapacity) bad.push(`ring of node ${n.index} over capacity`);
  }
  const upNodes = s.nodes.filter((n) => n.up && !n.removed).map((n) => n.index);
  if (JSON.stringify([...s.order].sort((a, b) => a - b)) !== JSON.stringify(upNodes)) bad.push('order is not the up nodes');
  expect(bad).toEqual([]);
}

/** Runs `steps` random operations; every ~7th is a deliberately bad call that must change nothing. */
function randomRun(seed: number, steps: number, downNodeTasks: 'requeue' | 'fail'): ReferenceEngine {
  const rng = new Rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[rng.below(xs.length)]!;
  const e = new ReferenceEngine({ ringCapacity: 1 + rng.below(6), heartbeatInterval: 5, downNodeTasks, historyLength: 3, l0: 2 });
  const submitted = new Set<string>();
  const forgotten: Forgotten = { ok: 0, failed: 0, killed: 0, cancelled: 0 };
  let now = 0;
  let nextId = 0;
  const nodes: number[] = [];
  const addNode = (): void => {
    nodes.push(e.addNode({ capacity: [1 + rng.below(8), 1 + rng.below(16)], speed: 0.5 + rng.next() }));
  };
  for (let k = 0; k < 3; k++) addNode();
  let st = e.state();
  for (let step = 0; step < steps; step++) {
    now += rng.below(3) * 0.5;
    const live = nodes.filter((n) => st.nodes[n]!.removed === false);
    const tasks = st.tasks;
    const running = tasks.filter((t) => t.state === 'running').map((t) => t.id);
    if (rng.below(7) === 0) {
      const before = JSON.stringify(st);
      const bad = [
        () => e.submit({ id: submitted.size > 0 ? pick([...submitted]) : '', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 1 }),
        () => e.submit({ id: `bad${step}`, user: 'u', demand: [1, NaN], dataGB: 1, requestTime: 1 }),
        () => e.runRound(e.now - 0.25),
        () => e.complete(pick([...tasks.filter((t) => t.state !== 'running').map((t) => t.id), 'nope']), { status: 'ok', actualTime: 1 }),
        () => e.heartbeat(100_000, now),
        () => e.checkLimits(now, new Map([[`none${step}`, [0, 0]]])),
        () => e.updateNode(pick(live), { capacity: [-1, 1] }),
        () => e.cancel(pick([...tasks.filter((t) => t.state !== 'running' && t.state !== 'waiting').map((t) => t.id), 'nope'])),
      ];
      expect(() => pick(bad)()).toThrow(FairfitError);
      expect(JSON.stringify(e.state())).toBe(before);
      continue;
    }
    const op = rng.below(106);
    const open = tasks.filter((t) => t.state === 'waiting' || t.state === 'running');
    if (op >= 104) {
      // A purge: the ended tasks of no gang that lives are forgotten, the others kept in their order.
      const liveGangs = new Set(open.map((t) => t.gang).filter((g) => g !== undefined));
      const gone = tasks.filter((t) => t.state !== 'waiting' && t.state !== 'running' && (t.gang === undefined || !liveGangs.has(t.gang)));
      expect(e.purge()).toBe(gone.length);
      for (const t of gone) {
        submitted.delete(t.id);
        forgotten[t.state as keyof Forgotten] += 1;
        expect(() => e.taskView(t.id)).toThrow(expect.objectContaining({ code: 'INDEX_OUT_OF_RANGE' }));
      }
      const goneIds = new Set(gone.map((t) => t.id));
      expect(e.state().tasks.map((t) => t.id)).toEqual(tasks.map((t) => t.id).filter((id) => !goneIds.has(id)));
    } else if (op >= 100 && open.length > 0) {
      // A cancel: the task and its gang's members that had not ended, in submission order, all cancelled.
      const t = pick(open);
      const expected = t.gang === undefined ? [t.id] : open.filter((m) => m.gang === t.gang).map((m) => m.id);
      expect(e.cancel(t.id)).toEqual(expected);
      for (const id of expected) expect(e.taskView(id).state).toBe('cancelled');
    } else if (op < 24) {
      const id = `t${nextId++}`;
      const spec = { id, user: `u${rng.below(5)}`, demand: [rng.below(5) * 0.5, rng.below(9)], dataGB: rng.below(200), requestTime: 1 + rng.below(20) };
      if (rng.below(5) === 0) for (const m of e.submitGang({ ...spec, procs: 1 + rng.below(4) })) submitted.add(m);
      else submitted.add(e.submit(spec));
    } else if (op < 50) {
      const r = e.runRound(now);
      for (const p of r.placements) expect(e.taskView(p.task).node).toBe(p.node);
    } else if (op < 68 && running.length > 0) {
      e.complete(pick(running), { status: rng.below(4) === 0 ? 'failed' : 'ok', actualTime: rng.below(30) });
    } else if (op < 74) {
      const use = new Map<string, number[]>();
      if (running.length > 0 && rng.below(2) === 0) use.set(pick(running), [rng.below(3), rng.below(8)]);
      e.checkLimits(now, use);
    } else if (op < 84 && live.length > 0) {
      e.heartbeat(pick(live), now, { storageOk: rng.below(6) !== 0 });
    } else if (op < 88) {
      e.sweepHealth(now);
    } else if (op < 91 && live.length < 12) {
      addNode();
    } else if (op < 93 && live.length > 1) {
      e.removeNode(pick(live));
    } else if (op < 95 && live.length > 0) {
      const n = pick(live);
      const cap = st.nodes[n]!.capacity;
      const res = e.residual(n);
      e.updateNode(n, { capacity: cap.map((c, d) => c - res[d]! + rng.below(4)), speed: 0.5 + rng.next() });
    } else if (live.length > 0) {
      const n = pick(live);
      const pending = st.nodes[n]!.ring;
      expect(e.drainDispatch(n)).toEqual(pending);
    }
    st = e.state();
    checkInvariants(e, submitted, forgotten, st);
  }
  return e;
}

describe('randomised operation sequences keep the engine consistent', () => {
  it('10 000 operations (requeue): residuals in [0, capacity], one state per task, nothing lost or duplicated', () => {
    const e = randomRun(1, 10_000, 'requeue');
    const c = e.counts();
    // the run exercised every state
    expect(c.ok).toBeGreaterThan(0);
    expect(c.failed).toBeGreaterThan(0);
    expect(c.killed).toBeGreaterThan(0);
    expect(c.cancelled).toBeGreaterThan(0);
    expect(c.total).toBeGreaterThan(2000);
  });
  it('the same with downNodeTasks = fail, over several seeds', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 1 << 30 }), (seed) => {
      randomRun(seed, 1000, 'fail');
    }), { numRuns: 2 });
  });
  it('the same operations give the same state (deterministic)', () => {
    expect(JSON.stringify(randomRun(7, 800, 'requeue').state())).toBe(JSON.stringify(randomRun(7, 800, 'requeue').state()));
  });
});
