/**
 * The seed 000 rules as scenarios on both IPTAS engines (reference and WebAssembly), with worked
 * values: length classes and priority, aging, the L0 penalty, sorted first-fit by
 * capacity weight, retry once, T0 from the user's history, heartbeat health,
 * dispatch rings, gangs, explain, and the parameter validation.
 */
import { describe, expect, it } from 'vitest';
import { FairfitError } from '../../src/errors.ts';
import { Engine } from '../../src/engine/engine.ts';
import { ReferenceEngine } from '../../src/systems/iptas/reference-engine.ts';
import { resolveIptasParams, type IptasParams } from '../../src/systems/iptas/params.ts';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof FairfitError ? `${e.code}:${String(e.details.field)}` : `other:${String(e)}`;
  }
  return 'no error';
}

const task = (id: string, user: string, demand: number[], dataGB: number, requestTime = 100) => ({ id, user, demand, dataGB, requestTime });

describe('parameters resolve to the SPEC defaults and reject bad values by name', () => {
  it('defaults', () => {
    const p = resolveIptasParams();
    expect([p.w1, p.w2, p.w3, p.staticShort, p.staticMedium, p.staticLong, p.k1, p.k2, p.penalty, p.l0, p.deltaR, p.agingCap]).toEqual([1, 1, 1, 3, 2, 1, 10, 100, -2, 4, 1, Infinity]);
    expect([p.alpha, p.historyLength, p.heartbeatInterval, p.downNodeTasks, p.lambdaCpu, p.lambdaMem, p.ringCapacity, p.dims, p.minEpsilon]).toEqual([0.5, 10, 30, 'requeue', 0.5, 0.5, 1024, 2, 0]);
  });
  it('bad values name the field', () => {
    expect(codeOf(() => resolveIptasParams({ alpha: 0 }))).toBe('INVALID_OPTION:params.alpha');
    expect(codeOf(() => resolveIptasParams({ alpha: 1.5 }))).toBe('INVALID_OPTION:params.alpha');
    expect(codeOf(() => resolveIptasParams({ historyLength: 0 }))).toBe('INVALID_OPTION:params.historyLength');
    expect(codeOf(() => resolveIptasParams({ ringCapacity: 2.5 }))).toBe('INVALID_OPTION:params.ringCapacity');
    expect(codeOf(() => resolveIptasParams({ downNodeTasks: 'drop' as never }))).toBe('INVALID_OPTION:params.downNodeTasks');
    expect(codeOf(() => resolveIptasParams({ threshold: [1] }))).toBe('INVALID_OPTION:params.threshold');
    expect(codeOf(() => resolveIptasParams({ penalty: 1 }))).toBe('INVALID_OPTION:params.penalty');
    expect(codeOf(() => resolveIptasParams({ k1: 50, k2: 10 }))).toBe('INVALID_OPTION:params.k2');
    expect(codeOf(() => resolveIptasParams({ heartbeatInterval: 0 }))).toBe('INVALID_OPTION:params.heartbeatInterval');
  });
});

// Each rule on both engines: the WebAssembly one is held to it directly, not only through its differential
// tests against the reference.
const ENGINES = [['reference', (p?: IptasParams) => new ReferenceEngine(p)], ['wasm', (p?: IptasParams) => new Engine(p)]] as const;

for (const [name, make] of ENGINES) {
  describe(`round scheduling follows seed 000 (${name})`, () => {
    it('a short task goes before a long one when only one fits', () => {
      const e = make();
      e.addNode({ capacity: [4, 8] });
      e.submit(task('long', 'a', [4, 8], 500)); // submitted first, static 1
      e.submit(task('short', 'b', [4, 8], 5)); // static 3
      const r = e.runRound(1);
      expect(r.placements).toEqual([{ task: 'short', node: 0 }]);
      expect(r.waiting).toEqual(['long']);
      expect(e.explain('long').priority).toEqual({ static: 1, user: 0, aging: 1, total: 2 });
    });

    it('ties go to the earlier submission', () => {
      const e = make();
      e.addNode({ capacity: [1, 1] });
      e.submit(task('first', 'a', [1, 1], 5));
      e.submit(task('second', 'b', [1, 1], 5));
      expect(e.runRound(0).placements.map((p) => p.task)).toEqual(['first']);
    });

    it('a starving long task climbs by one per round and overtakes a fresh short task', () => {
      const e = make();
      e.addNode({ capacity: [1, 1] });
      e.submit(task('blocker', 'x', [1, 1], 5));
      e.runRound(0);
      e.submit(task('long', 'a', [1, 1], 500));
      for (let r = 1; r <= 3; r++) e.runRound(r); // long waits 3 rounds: 1 + 3 = 4
      expect(e.explain('long').priority.total).toBe(4);
      e.complete('blocker', { status: 'ok', actualTime: 3 });
      e.submit(task('fresh', 'b', [1, 1], 5)); // 3 < 4
      expect(e.runRound(4).placements).toEqual([{ task: 'long', node: 0 }]);
    });

    it('aging is capped by agingCap', () => {
      const e = make({ agingCap: 2 });
      e.submit(task('t', 'a', [1, 1], 500));
      for (let r = 0; r < 5; r++) e.runRound(r);
      expect(e.taskView('t').rounds).toBe(5);
      expect(e.explain('t').priority).toEqual({ static: 1, user: 0, aging: 2, total: 3 });
    });

    it('a user at L0 at the round start is penalised; placements in the round do not change it until the next', () => {
      const e = make({ l0: 2 });
      e.addNode({ capacity: [10, 10] });
      e.submit(task('a1', 'a', [1, 1], 5));
      e.submit(task('a2', 'a', [1, 1], 5));
      expect(e.runRound(0).placements).toHaveLength(2); // L_a was 0 at the round start: no penalty
      expect(e.running('a')).toBe(2);
      e.updateNode(0, { capacity: [3, 3] }); // room for exactly one more
      e.submit(task('a3', 'a', [1, 1], 5)); // 3 − 2 = 1
      e.submit(task('b1', 'b', [1, 1], 50)); // medium 2, user b runs nothing
      const ex = e.explain('a3');
      expect(ex.priority).toEqual({ static: 3, user: -2, aging: 0, total: 1 });
      expect(ex.reasons[0]).toEqual({ code: 'user-at-l0', running: 2, l0: 2 });
      expect(e.runRound(1).placements).toEqual([{ task: 'b1', node: 0 }]);
    });

    it('large tasks land on the strongest node, small ones on the weakest (Wu ascending, ties by index)', () => {
      const e = make({ threshold: [4, 8] });
      const weak = e.addNode({ capacity: [2, 4], id: 'weak' });
      const strong = e.addNode({ capacity: [16, 32], id: 'strong' });
      const mid = e.addNode({ capacity: [8, 16], id: 'mid' });
      const twin = e.addNode({ capacity: [2, 4], id: 'twin' });
      expect(e.nodeOrder()).toEqual([weak, twin, mid, strong]);
      e.submit(task('small', 'a', [1, 1], 5));
      e.submit(task('big', 'b', [4, 4], 5));
      e.submit(task('small2', 'c', [2, 4], 5));
      e.submit(task('small3', 'd', [1, 1], 5));
      const r = e.runRound(0);
      expect(r.placements).toEqual([
        { task: 'small', node: weak }, { task: 'big', node: strong }, { task: 'small2', node: twin }, { task: 'small3', node: weak },
      ]);
      expect(e.taskView('big').size).toBe('large');
      expect(e.residual(weak)).toEqual([0, 2]);
    });

    it('a large task falls back to weaker nodes when the strong end is full', () => {
      const e = make({ threshold: [4, 4] });
      e.addNode({ capacity: [8, 8] });
      e.addNode({ capacity: [16, 16] });
      e.submit(task('fill', 'a', [16, 16], 5));
      e.submit(task('big', 'b', [4, 4], 5));
      expect(e.runRound(0).placements).toEqual([{ task: 'fill', node: 1 }, { task: 'big', node: 0 }]);
    });
  });

  describe(`completion, retry and termination (${name})`, () => {
    it('a task that fails is retried once, then fails for good', () => {
      const e = make();
      e.addNode({ capacity: [1, 1] });
      e.submit(task('t', 'a', [1, 1], 5));
      e.runRound(0);
      expect(e.complete('t', { status: 'failed', actualTime: 1 })).toBe('waiting');
      expect(e.residual(0)).toEqual([1, 1]);
      expect(e.running('a')).toBe(0);
      expect(e.runRound(1).placements).toEqual([{ task: 't', node: 0 }]);
      expect(e.complete('t', { status: 'failed', actualTime: 1 })).toBe('failed');
      expect(e.counts()).toMatchObject({ waiting: 0, running: 0, failed: 1, total: 1 });
      expect(codeOf(() => e.complete('t', { status: 'ok', actualTime: 1 }))).toBe('INVALID_OPTION:taskId');
    });

    it('T0 = requestTime·ε·(1+α) with ε from the user\'s last m completed tasks; over T0 is killed', () => {
      const e = make({ historyLength: 2 });
      e.addNode({ capacity: [8, 8] });
      expect(e.epsilon('a')).toBe(1);
      e.submit(task('h1', 'a', [1, 1], 5, 100));
      e.submit(task('h2', 'a', [1, 1], 5, 100));
      e.submit(task('h3', 'a', [1, 1], 5, 200));
      e.runRound(0);
      e.complete('h1', { status: 'ok', actualTime: 1000 }); // pushed out by m = 2
      e.complete('h2', { status: 'ok', actualTime: 50 });
      e.complete('h3', { status: 'ok', actualTime: 100 });
      expect(e.epsilon('a')).toBe(150 / 300);
      e.submit(task('t', 'a', [1, 1], 5, 40));
      e.runRound(10);
      const v = e.taskView('t');
      expect(v.t0).toBe(40 * 0.5 * 1.5); // 30
      expect(v.deadline).toBe(40);
      expect(e.checkLimits(39.5)).toEqual([]);
      expect(e.checkLimits(40)).toEqual([{ task: 't', reason: 'time' }]);
      expect(e.taskView('t').state).toBe('killed');
      expect(e.residual(0)).toEqual([8, 8]);
      expect(e.running('a')).toBe(0);
    });

    it('ε when a sum of run times overflows: the ratio of the sums scaled by 2^-64, never NaN; Infinity when the ratio overflows; a snapshot of either restores', () => {
      const e = make({ historyLength: 3 });
      e.addNode({ capacity: [8, 8] });
      // The requested sum overflows (1e308 + 1e308): ε was 1.5e308 / Infinity = 0.
      e.submit(task('o1', 'a', [1, 1], 5, 1e308));
      e.submit(task('o2', 'a', [1, 1], 5, 1e308));
      // Both sums overflow: ε was Infinity / Infinity = NaN, so T0 and the deadline were NaN.
      e.submit(task('n1', 'c', [1, 1], 5, 1e308));
      e.submit(task('n2', 'c', [1, 1], 5, 1e308));
      // The ratio itself overflows: ε = Infinity, an infinite T0 (its tasks are never killed for time).
      e.submit(task('r1', 'b', [1, 1], 5, 1e-300));
      e.runRound(0);
      e.complete('o1', { status: 'ok', actualTime: 1e308 });
      e.complete('o2', { status: 'ok', actualTime: 5e307 });
      e.complete('r1', { status: 'ok', actualTime: 1e9 });
      e.complete('n1', { status: 'ok', actualTime: 1e308 });
      e.complete('n2', { status: 'ok', actualTime: 1e308 });
      expect(e.epsilon('c')).toBe(1);
      const s = 2 ** -64;
      expect(e.epsilon('a')).toBe((1e308 * s + 5e307 * s) / (1e308 * s + 1e308 * s));
      expect(e.epsilon('a')).toBeCloseTo(0.75, 12);
      expect(e.epsilon('b')).toBe(Infinity);
      e.submit(task('ta', 'a', [1, 1], 5, 40));
      e.submit(task('tb', 'b', [1, 1], 5, 40));
      e.submit(task('tc', 'c', [1, 1], 5, 40));
      e.runRound(10);
      expect(e.taskView('tc').t0).toBe(60);
      expect(e.taskView('ta').t0).toBe(40 * e.epsilon('a') * 1.5);
      expect(e.taskView('tb').t0).toBe(Infinity);
      if (e instanceof Engine) {
        // The engine's own snapshot was refused (ε not finite).
        const again = Engine.restore(e.snapshot());
        expect(again.state()).toEqual(e.state());
        expect(again.checkLimits(1e300)).toEqual([{ task: 'ta', reason: 'time' }, { task: 'tc', reason: 'time' }]);
        again.close();
      }
      expect(e.checkLimits(1e300)).toEqual([{ task: 'ta', reason: 'time' }, { task: 'tc', reason: 'time' }]);
      expect(e.taskView('tb').state).toBe('running');
    });

    it('an actual time of −0 is kept as +0 (a snapshot writes +0: the restored state is the same)', () => {
      const e = make();
      e.addNode({ capacity: [8, 8] });
      e.submit(task('z', 'a', [1, 1], 5, 10));
      e.submit(task('y', 'a', [1, 1], 5, 10));
      e.runRound(0);
      e.complete('z', { status: 'ok', actualTime: -0 });
      e.completeMany([e.handleOf('y')], { status: 'ok', actualTime: -0 });
      const history = e.state().users[0]!.history;
      expect(history.flat().some((x) => Object.is(x, -0))).toBe(false);
      if (e instanceof Engine) {
        const again = Engine.restore(e.snapshot());
        expect(again.state()).toEqual(e.state());
        again.close();
      }
    });

    it('usage above the declared demand is killed, naming the dimension', () => {
      const e = make();
      e.addNode({ capacity: [8, 8] });
      e.submit(task('fine', 'a', [2, 2], 5));
      e.submit(task('greedy', 'a', [2, 2], 5));
      e.runRound(0);
      const kills = e.checkLimits(1, new Map([['fine', [2, 2]], ['greedy', [1, 2.5]]]));
      expect(kills).toEqual([{ task: 'greedy', reason: 'usage', dimension: 1 }]);
      expect(e.counts()).toMatchObject({ running: 1, killed: 1 });
    });

    it('with minEpsilon 0 a user whose past tasks ran 0 s has every task killed at its start', () => {
      const e = make({ historyLength: 1 });
      e.addNode({ capacity: [8, 8] });
      e.submit(task('z', 'a', [1, 1], 5));
      e.runRound(0);
      e.complete('z', { status: 'ok', actualTime: 0 });
      e.submit(task('next', 'a', [1, 1], 5));
      e.runRound(1);
      expect(e.checkLimits(1)).toEqual([{ task: 'next', reason: 'time' }]);
      const f = make({ historyLength: 1, minEpsilon: 0.8 });
      f.addNode({ capacity: [8, 8] });
      f.submit(task('z', 'a', [1, 1], 5));
      f.runRound(0);
      f.complete('z', { status: 'ok', actualTime: 0 });
      f.submit(task('next', 'a', [1, 1], 5, 100));
      f.runRound(1);
      expect(f.taskView('next').t0).toBe(100 * 0.8 * 1.5);
    });
  });

  describe(`node health by heartbeat (${name})`, () => {
    it('a node that misses its heartbeat is swept down, gets no work and its tasks return to waiting', () => {
      const e = make({ heartbeatInterval: 10, threshold: [2, 2] });
      e.addNode({ capacity: [1, 1] });
      e.addNode({ capacity: [1, 1] });
      e.sweepHealth(0); // starts both clocks
      e.submit(task('t0', 'a', [1, 1], 5));
      e.submit(task('t1', 'a', [1, 1], 5));
      expect(e.runRound(1).placements).toEqual([{ task: 't0', node: 0 }, { task: 't1', node: 1 }]);
      e.heartbeat(0, 8);
      expect(e.sweepHealth(10)).toEqual({ down: [], requeued: [], failed: [] }); // 10 − 0 is not > 10
      const s = e.sweepHealth(10.5);
      expect(s).toEqual({ down: [1], requeued: ['t1'], failed: [] });
      expect(e.isUp(1)).toBe(false);
      expect(e.pendingDispatch(1)).toBe(0);
      expect(e.residual(1)).toEqual([1, 1]);
      const ex = e.explain('t1');
      expect(ex.reasons).toContainEqual({ code: 'nodes-down', nodes: [1] });
      expect(ex.reasons).toContainEqual({ code: 'dimension-short', dimension: 0, maxResidual: 0 });
      expect(e.runRound(11).placements).toEqual([]);
      e.heartbeat(1, 12, { storageOk: true });
      expect(e.isUp(1)).toBe(true);
      expect(e.runRound(12).placements).toEqual([{ task: 't1', node: 1 }]);
    });

    it('a node reporting a storage failure goes down at the next sweep; with downNodeTasks fail its tasks fail', () => {
      const e = make({ downNodeTasks: 'fail' });
      e.addNode({ capacity: [1, 1] });
      e.submit(task('t', 'a', [1, 1], 5));
      e.runRound(0);
      e.heartbeat(0, 1, { storageOk: false });
      expect(e.isUp(0)).toBe(true);
      expect(e.sweepHealth(1)).toEqual({ down: [0], requeued: [], failed: ['t'] });
      expect(e.counts()).toMatchObject({ failed: 1, running: 0 });
    });
  });

  describe(`dispatch rings and gangs (${name})`, () => {
    it('a full ring holds placements back (tasks keep waiting) and drains in placement order', () => {
      const e = make({ ringCapacity: 2 });
      e.addNode({ capacity: [10, 10] });
      for (const id of ['a', 'b', 'c']) e.submit(task(id, 'u' + id, [1, 1], 5));
      const r = e.runRound(0);
      expect(r.placements.map((p) => p.task)).toEqual(['a', 'b']);
      expect(r.waiting).toEqual(['c']);
      expect(e.explain('c').reasons).toContainEqual({ code: 'dispatch-ring-full', node: 0 });
      expect(e.residual(0)).toEqual([8, 8]);
      expect(e.drainDispatch(0)).toEqual(['a', 'b']);
      expect(e.drainDispatch(0)).toEqual([]);
      expect(e.runRound(1).placements.map((p) => p.task)).toEqual(['c']);
      expect(e.drainDispatch(0)).toEqual(['c']);
    });

    it('a gang is placed all-or-nothing: if one member does not fit, residuals are unchanged', () => {
      const e = make();
      e.addNode({ capacity: [2, 2] });
      e.addNode({ capacity: [1, 1] });
      const ids = e.submitGang({ id: 'g', procs: 4, user: 'a', demand: [1, 1], dataGB: 5, requestTime: 10 });
      expect(ids).toEqual(['g#0', 'g#1', 'g#2', 'g#3']);
      const before = e.state();
      const r = e.runRound(0);
      expect(r.placements).toEqual([]);
      const after = e.state();
      expect(after.nodes).toEqual(before.nodes);
      expect(e.explain('g#2').reasons).toContainEqual({ code: 'gang-does-not-fit', members: 4, fit: 3 });
      e.addNode({ capacity: [1, 1] });
      // members are large (δ0 = half the largest capacity at submission = [1, 1]): strong end first
      expect(e.nodeOrder()).toEqual([1, 2, 0]);
      expect(e.runRound(1).placements).toEqual([{ task: 'g#0', node: 0 }, { task: 'g#1', node: 0 }, { task: 'g#2', node: 2 }, { task: 'g#3', node: 1 }]);
      expect(e.residual(0)).toEqual([0, 0]);
    });

    it('rejected calls name the field and change nothing', () => {
      const e = make();
      e.addNode({ capacity: [2, 2] });
      e.submit(task('t', 'a', [1, 1], 5));
      e.submitGang({ ...task('g', 'a', [1, 1], 5), procs: 2 });
      e.runRound(5);
      const before = JSON.stringify(e.state());
      const cases: [() => unknown, string][] = [
        [() => e.submit(task('t', 'b', [1, 1], 5)), 'INVALID_OPTION:id'],
        [() => e.submit(task('u', 'b', [1], 5)), 'DIMENSION_MISMATCH:demand'],
        [() => e.submit(task('u', 'b', [1, -1], 5)), 'NEGATIVE_VALUE:demand'],
        [() => e.submit(task('u', 'b', [1, 1], NaN)), 'NOT_FINITE:dataGB'],
        [() => e.submit(task('u', 'b', [1, 1], 5, 0)), 'NEGATIVE_VALUE:requestTime'],
        [() => e.submitGang({ ...task('g', 'b', [1, 1], 5), procs: 1 }), 'INVALID_OPTION:id'],
        [() => e.submit(task('g#1', 'b', [1, 1], 5)), 'INVALID_OPTION:id'],
        [() => e.submitGang({ ...task('v', 'b', [1, 1], 5), procs: 0 }), 'INVALID_OPTION:procs'],
        [() => e.runRound(4), 'INVALID_OPTION:now'],
        [() => e.runRound(Infinity), 'NOT_FINITE:now'],
        [() => e.complete('nope', { status: 'ok', actualTime: 1 }), 'INDEX_OUT_OF_RANGE:taskId'],
        [() => e.complete('t', { status: 'meh' as never, actualTime: 1 }), 'INVALID_OPTION:status'],
        [() => e.complete('t', { status: 'ok', actualTime: -1 }), 'NEGATIVE_VALUE:actualTime'],
        [() => e.checkLimits(6, new Map([['t', [1, 1]], ['nope', [0, 0]]])), 'INDEX_OUT_OF_RANGE:usage["nope"]'],
        [() => e.heartbeat(3, 6), 'INDEX_OUT_OF_RANGE:node'],
        [() => e.updateNode(0, { capacity: [0.5, 2] }), 'INVALID_OPTION:capacity'],
        [() => e.addNode({ capacity: [1, 1], id: 'node0' }), 'INVALID_OPTION:id'],
        [() => e.addNode({ capacity: [1, 1, 1] }), 'DIMENSION_MISMATCH:capacity'],
      ];
      for (const [f, code] of cases) {
        expect(codeOf(f)).toBe(code);
        expect(JSON.stringify(e.state())).toBe(before);
      }
    });
  });

  describe(`explain: priority terms, the user, the queue, a reason per node class (${name})`, () => {
    it('no up node at all: no-up-node, and never-fits for a demand no node could hold', () => {
      const e = make();
      e.submit(task('t', 'a', [1, 1], 5));
      const ex = e.explain('t');
      expect(ex.reasons).toEqual([{ code: 'no-up-node' }, { code: 'never-fits', dimension: 0 }, { code: 'never-fits', dimension: 1 }]);
      expect(ex.queue).toEqual({ position: 1, waiting: 1 });
    });

    it('a large task whose strong nodes are all full: strong-nodes-full names them, strongest first', () => {
      const e = make({ threshold: [4, 4] });
      e.addNode({ capacity: [8, 8] });
      e.addNode({ capacity: [16, 16] });
      e.addNode({ capacity: [8, 2] });
      e.addNode({ capacity: [2, 8] });
      e.submit(task('fill16', 'b', [16, 16], 5)); // large: the strongest node
      e.submit(task('fill8', 'a', [8, 8], 5)); // large: the next strongest with room
      expect(e.runRound(0).placements).toEqual([{ task: 'fill16', node: 1 }, { task: 'fill8', node: 0 }]);
      e.submit(task('big', 'c', [4, 4], 5));
      const ex = e.explain('big');
      expect(ex.size).toBe('large');
      // Nodes 2 and 3 have 4 of one dimension each but not of both, and cannot hold it at all: not strong nodes.
      expect(ex.reasons).toEqual([{ code: 'no-single-node-fits' }, { code: 'strong-nodes-full', nodes: [1, 0] }]);
      expect(e.runRound(1).placements).toEqual([]);
    });

    it('the user block (running, L0, penalty, ε) and the queue position in the order a round visits', () => {
      const e = make({ l0: 1, historyLength: 2 });
      e.addNode({ capacity: [1, 1] });
      e.submit(task('done', 'a', [1, 1], 5, 100));
      e.runRound(0);
      e.complete('done', { status: 'ok', actualTime: 50 }); // ε of a: 0.5
      e.submit(task('a-run', 'a', [1, 1], 5));
      e.runRound(1); // a runs one task: at L0 = 1
      e.submit(task('long', 'b', [1, 1], 500)); // static 1
      e.submit(task('short-a', 'a', [1, 1], 5)); // static 3, penalty −2: 1, submitted after long
      e.submit(task('short-c', 'c', [1, 1], 5)); // static 3
      const ex = e.explain('short-a');
      expect(ex.user).toEqual({ name: 'a', running: 1, l0: 1, atL0: true, epsilon: 0.5 });
      expect(e.explain('short-c').user).toEqual({ name: 'c', running: 0, l0: 1, atL0: false, epsilon: 1 });
      // short-c (3) first; long and short-a tie at 1, long submitted first.
      expect(['short-c', 'long', 'short-a'].map((id) => e.explain(id).queue)).toEqual([
        { position: 1, waiting: 3 }, { position: 2, waiting: 3 }, { position: 3, waiting: 3 },
      ]);
      expect(e.explain('a-run').queue).toBeUndefined();
      // The order a round visits them: with room for one, the first in the queue is placed.
      e.complete('a-run', { status: 'ok', actualTime: 10 });
      // a below L0 again: short-a at 3 ties with short-c and was submitted first.
      expect(e.explain('short-a').queue).toEqual({ position: 1, waiting: 3 });
      expect(e.runRound(2).placements).toEqual([{ task: 'short-a', node: 0 }]);
      // Each waited a round: short-c 3 + 1, long 1 + 1.
      expect(e.explain('short-c').queue).toEqual({ position: 1, waiting: 2 });
      expect(e.explain('long').queue).toEqual({ position: 2, waiting: 2 });
    });
  });
}

describe('a node whose last running task leaves gets exactly its capacity back (both engines)', () => {
  // Given back in another order than taken, min(ξ + δ, C) alone leaves 1 − 0.1 − 0.2 − 0.3 + 0.2 + 0.3 + 0.1 =
  // 0.9999999999999999: a task asking for the whole node then waited for ever on an idle cluster.
  const makers = { reference: () => new ReferenceEngine(), wasm: () => new Engine() } as const;
  for (const [name, make] of Object.entries(makers)) {
    // The WebAssembly engine's count of each node's running tasks is not in a snapshot: rebuilt on restore.
    for (const restored of name === 'wasm' ? [false, true] : [false]) {
      it(`${name}${restored ? ', restored from a snapshot taken while they ran' : ''}`, () => {
        let e: ReferenceEngine | Engine = make();
        e.addNode({ capacity: [1, 1] });
        for (const [id, d] of [['a', 0.1], ['b', 0.2], ['c', 0.3]] as const) e.submit(task(id, 'u', [d, d], 5));
        expect(e.runRound(0).placements.map((p) => p.task)).toEqual(['a', 'b', 'c']);
        if (restored && e instanceof Engine) e = Engine.restore(e.snapshot());
        e.complete('b', { status: 'ok', actualTime: 1 });
        e.complete('c', { status: 'ok', actualTime: 1 });
        // Not the last: clamped sums, as before.
        expect(e.residual(0)).toEqual([1 - 0.1 - 0.2 - 0.3 + 0.2 + 0.3, 1 - 0.1 - 0.2 - 0.3 + 0.2 + 0.3]);
        e.complete('a', { status: 'ok', actualTime: 1 });
        expect(e.residual(0)).toEqual([1, 1]);
        e.submit(task('whole', 'u', [1, 1], 5));
        expect(e.runRound(1).placements).toEqual([{ task: 'whole', node: 0 }]);
      });
    }
  }
});
