/**
 * Both IPTAS engines (the WebAssembly `Engine` and the plain-TypeScript `ReferenceEngine`)
 * against an independent oracle (test/iptas/iptas-oracle.ts, written from SPEC §1–§3 and
 * docs/model.md only): hand-built worked cases and seeded random operation sequences on small
 * clusters, comparing placements per round, the waiting order, explain()'s priority terms and
 * its fits-now / user-at-L0 reasons, completions, ε_u, kills, health answers, task views, node
 * order and residuals after every step. `ORACLE_RUNS=n` runs more random sequences (default 300), `ORACLE_SEED=s` other ones.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Engine } from '../../src/engine/engine.ts';
import { ReferenceEngine } from '../../src/systems/iptas/reference-engine.ts';
import type { IptasEngine } from '../../src/systems/iptas/engine-api.ts';
import type { IptasParams } from '../../src/systems/iptas/params.ts';
import { IptasOracle, type OracleParams } from './iptas-oracle.ts';

type Op =
  | { op: 'node'; cap: number[]; speed: number }
  | { op: 'submit'; user: number; demand: number[]; dataGB: number; requestTime: number }
  | { op: 'gang'; user: number; demand: number[]; dataGB: number; requestTime: number; procs: number }
  | { op: 'round'; dt: number }
  | { op: 'complete'; pick: number; failed: boolean; actual: number }
  | { op: 'limits'; dt: number; pick: number; over: number }
  | { op: 'drain'; pick: number }
  | { op: 'explain'; pick: number }
  | { op: 'heartbeat'; pick: number; dt: number; storageOk: boolean }
  | { op: 'sweep'; dt: number }
  | { op: 'remove'; pick: number }
  | { op: 'update'; pick: number; speed: number; vcpus: number };

/**
 * `expect(got, message()).toEqual(want)`, with expect called (and the message built) only when
 * `isDeepStrictEqual` finds them different: vitest's expect costs microseconds a call, most of this
 * file's time at one call per task and step. A pair deeply strictly equal is equal to toEqual too
 * (which is looser), and expect judges the rest.
 */
function agree(got: unknown, want: unknown, message: () => string): void {
  if (!isDeepStrictEqual(got, want)) expect(got, message()).toEqual(want);
}

/** Runs `ops` on the oracle and both engines; every answer and view must agree. */
function compare(params: Partial<OracleParams> & Pick<IptasParams, 'dims'>, ops: Op[]): IptasOracle {
  const o = new IptasOracle(params);
  const engines: IptasEngine[] = [new ReferenceEngine(params), new Engine(params)];
  let now = 0;
  let seq = 0;
  const check = (what: string): void => {
    for (const e of engines) {
      const name = (): string => `${e.constructor.name} after ${what}`;
      for (let i = 0; i < o.nodes.length; i++) if (!o.nodes[i]!.removed) agree(e.isUp(i), o.nodes[i]!.up, () => `${name()}: up ${i}`);
      for (let i = 0; i < o.nodes.length; i++) if (!o.nodes[i]!.removed) agree(e.residual(i), o.nodes[i]!.res, () => `${name()}: residual ${i}`);
      if (o.nodes.length) agree(e.nodeOrder(), o.order(), () => `${name()}: order`);
      for (const t of o.tasks) {
        const v = e.taskView(t.id);
        agree({ state: v.state, rounds: v.rounds, size: v.size, lengthClass: v.lengthClass, node: v.node, start: v.start, t0: v.t0, deadline: v.deadline, failures: v.failures },
          { state: t.state, rounds: t.rounds, size: t.size, lengthClass: t.lengthClass, node: t.state === 'running' ? t.node : -1, start: t.start, t0: t.t0, deadline: t.deadline, failures: t.failures },
          () => `${name()}: task ${t.id}`);
      }
    }
  };
  for (const [k, op] of ops.entries()) {
    const what = `op ${k} ${JSON.stringify(op)}`;
    const running = o.tasks.filter((t) => t.state === 'running');
    const all = o.tasks;
    switch (op.op) {
      case 'node': {
        const i = o.addNode(op.cap, op.speed);
        for (const e of engines) agree(e.addNode({ capacity: op.cap, speed: op.speed }), i, () => what);
        break;
      }
      case 'submit': {
        const id = `t${seq++}`;
        o.submit(id, `u${op.user}`, op.demand, op.dataGB, op.requestTime);
        for (const e of engines) e.submit({ id, user: `u${op.user}`, demand: op.demand, dataGB: op.dataGB, requestTime: op.requestTime });
        break;
      }
      case 'gang': {
        const id = `g${seq++}`;
        const ids = o.submitGang(id, `u${op.user}`, op.demand, op.dataGB, op.requestTime, op.procs);
        for (const e of engines) agree(e.submitGang({ id, user: `u${op.user}`, demand: op.demand, dataGB: op.dataGB, requestTime: op.requestTime, procs: op.procs }), ids, () => what);
        break;
      }
      case 'round': {
        now += op.dt;
        const want = o.runRound(now);
        for (const e of engines) agree(e.runRound(now), want, () => `${e.constructor.name} ${what}`);
        break;
      }
      case 'complete': {
        if (!running.length) continue;
        const t = running[op.pick % running.length]!;
        const status = op.failed ? 'failed' : 'ok';
        const want = o.complete(t.id, status, op.actual);
        for (const e of engines) {
          agree(e.complete(t.id, { status, actualTime: op.actual }), want, () => `${e.constructor.name} ${what}`);
          agree(e.epsilon(t.user), o.epsilon(t.user), () => `${e.constructor.name} ${what}: ε`);
        }
        break;
      }
      case 'limits': {
        now += op.dt;
        const usage = new Map<string, number[]>();
        if (running.length && op.over > 0) {
          const t = running[op.pick % running.length]!;
          usage.set(t.id, t.demand.map((x, d) => (d === op.over - 1 ? x + 0.5 : x)));
        }
        const want = o.checkLimits(now, usage);
        for (const e of engines) agree(e.checkLimits(now, usage), want, () => `${e.constructor.name} ${what}`);
        break;
      }
      case 'drain': {
        const live = o.nodes.map((_, i) => i).filter((i) => !o.nodes[i]!.removed);
        if (!live.length) continue;
        const i = live[op.pick % live.length]!;
        const want = o.drain(i);
        for (const e of engines) agree(e.drainDispatch(i), want, () => `${e.constructor.name} ${what}`);
        break;
      }
      case 'heartbeat': {
        const live = o.nodes.map((_, i) => i).filter((i) => !o.nodes[i]!.removed);
        if (!live.length) continue;
        const i = live[op.pick % live.length]!;
        now += op.dt;
        o.heartbeat(i, now, op.storageOk);
        for (const e of engines) e.heartbeat(i, now, { storageOk: op.storageOk });
        break;
      }
      case 'sweep': {
        now += op.dt;
        const want = o.sweepHealth(now);
        for (const e of engines) agree(e.sweepHealth(now), want, () => `${e.constructor.name} ${what}`);
        break;
      }
      case 'remove': {
        const live = o.nodes.map((_, i) => i).filter((i) => !o.nodes[i]!.removed);
        if (live.length < 2) continue;
        const i = live[op.pick % live.length]!;
        const want = o.removeNode(i);
        for (const e of engines) agree(e.removeNode(i), want, () => `${e.constructor.name} ${what}`);
        break;
      }
      case 'update': {
        const live = o.nodes.map((_, i) => i).filter((i) => !o.nodes[i]!.removed);
        if (!live.length) continue;
        const i = live[op.pick % live.length]!;
        o.updateNode(i, { speed: op.speed, vcpus: op.vcpus });
        for (const e of engines) e.updateNode(i, { speed: op.speed, vcpus: op.vcpus });
        break;
      }
      case 'explain': {
        if (!all.length) continue;
        const t = all[op.pick % all.length]!;
        const want = o.explainTerms(t.id);
        for (const e of engines) {
          const x = e.explain(t.id);
          agree(x.priority, want, () => `${e.constructor.name} ${what}`);
          expect([x.size, x.lengthClass, x.state]).toEqual([t.size, t.lengthClass, t.state]);
          if (t.state === 'waiting' && t.gang === undefined) {
            const at = o.fitsNow(t.id);
            const fits = x.reasons.filter((r) => r.code === 'fits-now');
            expect(fits, `${e.constructor.name} ${what}: fits-now ${JSON.stringify(x.reasons)}`).toEqual(at >= 0 ? [{ code: 'fits-now', node: at }] : []);
            if (at < 0) expect(x.reasons.length, `${e.constructor.name} ${what}: a task that cannot be placed says why`).toBeGreaterThan(0);
          }
          if (t.state === 'waiting') {
            const lu = o.running(t.user);
            expect(x.reasons.filter((r) => r.code === 'user-at-l0'), `${e.constructor.name} ${what}: L0`).toEqual(lu >= o.p.l0 ? [{ code: 'user-at-l0', running: lu, l0: o.p.l0 }] : []);
          }
        }
        break;
      }
    }
    check(what);
  }
  for (const e of engines) if (e instanceof Engine) e.close();
  return o;
}

const S = (user: number, demand: number[], dataGB = 5, requestTime = 10): Op => ({ op: 'submit', user, demand, dataGB, requestTime });

describe('IPTAS engines against the independent oracle: worked cases', () => {
  it('sorted first-fit: small from the weak end, large from the strong end (default δ0 = half the largest capacity)', () => {
    const o = compare({}, [
      { op: 'node', cap: [4, 4], speed: 1 }, { op: 'node', cap: [1, 1], speed: 1 }, { op: 'node', cap: [2, 2], speed: 1 },
      S(0, [1, 1]), S(0, [2, 2]), S(0, [0.5, 0.5]), S(0, [0.5, 2]), S(0, [0.5, 3]),
      { op: 'round', dt: 1 },
    ]);
    expect(o.order()).toEqual([1, 2, 0]);
    expect(o.tasks.map((t) => [t.size, t.node])).toEqual([['small', 1], ['large', 0], ['small', 2], ['large', 0], ['large', -1]]);
  });
  it('priority: short > medium > long, ties by submission; aging lifts a waiting long task; user penalty at L0', () => {
    compare({ l0: 2, agingCap: 1.5 }, [
      { op: 'node', cap: [2, 2], speed: 1 },
      S(0, [1, 1], 500), S(1, [1, 1], 50), S(2, [1, 1], 10), S(3, [1, 1], 0), S(3, [1, 1], 10.5),
      { op: 'explain', pick: 0 }, { op: 'round', dt: 1 }, { op: 'explain', pick: 0 }, { op: 'explain', pick: 1 },
      { op: 'complete', pick: 0, failed: false, actual: 5 }, { op: 'round', dt: 1 }, { op: 'explain', pick: 0 },
      { op: 'complete', pick: 0, failed: false, actual: 5 }, { op: 'complete', pick: 0, failed: false, actual: 5 },
      { op: 'round', dt: 1 }, { op: 'round', dt: 1 }, { op: 'explain', pick: 0 },
      S(0, [0.1, 0.1], 0), S(0, [0.1, 0.1], 0), S(0, [0.1, 0.1], 0), S(0, [0.1, 0.1], 0), { op: 'round', dt: 1 }, { op: 'explain', pick: 6 },
    ]);
  });
  it('retry once then final; T0 = requestTime·ε_u·(1+α) over the last m completions; time and usage kills', () => {
    compare({ historyLength: 2 }, [
      { op: 'node', cap: [4, 4], speed: 1 },
      S(0, [1, 1], 5, 10), { op: 'round', dt: 0 }, { op: 'complete', pick: 0, failed: false, actual: 20 },
      S(0, [1, 1], 5, 10), { op: 'round', dt: 1 }, { op: 'complete', pick: 0, failed: false, actual: 5 },
      S(0, [1, 1], 5, 10), { op: 'round', dt: 1 }, { op: 'complete', pick: 0, failed: true, actual: 1 },
      { op: 'round', dt: 1 }, { op: 'complete', pick: 0, failed: true, actual: 1 }, { op: 'round', dt: 1 },
      S(0, [1, 1], 5, 4), S(0, [1, 1], 5, 100), { op: 'round', dt: 1 },
      { op: 'limits', dt: 6, pick: 1, over: 0 }, { op: 'limits', dt: 0, pick: 0, over: 2 },
    ]);
  });
  it('kills free their residuals in submission order, usage kills too (the WebAssembly engine freed the usage kills first, in the report\'s order)', () => {
    const run = (e: IptasEngine | IptasOracle): number[][] => {
      const out: number[][] = [];
      const sub = (id: string, demand: number[], requestTime: number): void => {
        if (e instanceof IptasOracle) e.submit(id, 'u', demand, 0, requestTime);
        else e.submit({ id, user: 'u', demand, dataGB: 0, requestTime });
      };
      if (e instanceof IptasOracle) e.addNode([2, 2]); else e.addNode({ capacity: [2, 2] });
      sub('a', [0, 0.1], 1); sub('b', [0, 0.2], 9); sub('c', [0, 0.1], 9); sub('e', [0, 0.6], 9);
      e.runRound(0);
      // a is due (time); c and e over their demand, reported out of submission order:
      // 2 − 0.1 − 0.2 − 0.1 − 0.6 given back a, c, e is 1.7999999999999998, given back e, c, a 1.8
      const usage = new Map([['e', [0.5, 0]], ['c', [0.5, 0.1]]]);
      const kills = e.checkLimits(2, usage);
      expect(kills).toEqual([{ task: 'a', reason: 'time' }, { task: 'c', reason: 'usage', dimension: 0 }, { task: 'e', reason: 'usage', dimension: 0 }]);
      out.push(e instanceof IptasOracle ? e.nodes[0]!.res : e.residual(0));
      return out;
    };
    const want = run(new IptasOracle({}));
    const wasm = new Engine({});
    expect(run(new ReferenceEngine({}))).toEqual(want);
    expect(run(wasm)).toEqual(want);
    wasm.close();
  });
  it('a gang that does not fit leaves no trace for the plain tasks after it (tentative takes, searches skipped)', () => {
    for (const n of [2, 3, 9]) {
      const nodes: Op[] = Array.from({ length: n }, () => ({ op: 'node', cap: [1, 1], speed: 1 }));
      compare({}, [
        ...nodes,
        { op: 'gang', user: 0, demand: [1, 1], dataGB: 5, requestTime: 5, procs: n + 1 },
        S(1, [1, 1]), S(1, [1, 1]), S(1, [0.5, 1]), S(1, [1, 1]), ...Array.from({ length: n }, () => S(2, [1, 1], 500)),
        { op: 'round', dt: 1 }, { op: 'complete', pick: 0, failed: false, actual: 1 }, { op: 'round', dt: 1 },
      ]);
    }
  });
  it('gangs: all or nothing, visited once', () => {
    compare({}, [
      { op: 'node', cap: [2, 2], speed: 1 }, { op: 'node', cap: [2, 2], speed: 2 },
      { op: 'gang', user: 0, demand: [1, 1], dataGB: 5, requestTime: 5, procs: 3 },
      { op: 'gang', user: 1, demand: [1, 1], dataGB: 5, requestTime: 5, procs: 5 },
      S(2, [1, 1]), { op: 'round', dt: 1 }, { op: 'round', dt: 1 },
    ]);
  });
});

// quarters (exact in binary) and tenths (not: residuals given back drift, SPEC eq. 4 vs model.md's exact capacity)
const demandArb = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 })).map(([a, b]) => [a / 4, b / 4]),
  fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 })).map(([a, b]) => [a / 10, b / 10]),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ op: fc.constant('node' as const), cap: fc.constantFrom<number[]>([1, 1], [2, 1], [1, 2], [2, 2], [4, 4], [3, 1]), speed: fc.constantFrom(1, 1, 2, 0.5) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('submit' as const), user: fc.integer({ min: 0, max: 2 }), demand: demandArb, dataGB: fc.constantFrom(0, 5, 10, 50, 100, 200), requestTime: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('gang' as const), user: fc.integer({ min: 0, max: 2 }), demand: demandArb, dataGB: fc.constantFrom(0, 5, 50, 200), requestTime: fc.integer({ min: 1, max: 8 }), procs: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('round' as const), dt: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('complete' as const), pick: fc.nat(), failed: fc.boolean(), actual: fc.integer({ min: 0, max: 12 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('limits' as const), dt: fc.integer({ min: 0, max: 4 }), pick: fc.nat(), over: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('drain' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('explain' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('heartbeat' as const), pick: fc.nat(), dt: fc.integer({ min: 0, max: 2 }), storageOk: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('sweep' as const), dt: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('update' as const), pick: fc.nat(), speed: fc.constantFrom(0.5, 1, 3), vcpus: fc.constantFrom(1, 2, 4) }) },
);
const paramsArb = fc.record({
  l0: fc.integer({ min: 1, max: 3 }),
  historyLength: fc.integer({ min: 1, max: 3 }),
  ringCapacity: fc.integer({ min: 1, max: 4 }),
  agingCap: fc.constantFrom(Infinity, 2, 0.5),
  deltaR: fc.constantFrom(1, 0.5, 2),
  minEpsilon: fc.constantFrom(0, 0.5),
  w2: fc.constantFrom(1, 3),
  heartbeatInterval: fc.constantFrom(3, 8),
  downNodeTasks: fc.constantFrom('requeue' as const, 'fail' as const),
  w1: fc.constantFrom(1, 0.5), w3: fc.constantFrom(1, 2),
  k1: fc.constantFrom(10, 0), k2: fc.constantFrom(100, 50),
  staticLong: fc.constantFrom(1, 2.5),
  threshold: fc.constantFrom<number[] | undefined>(undefined, [1, 1], [0.5, 3]),
  alpha: fc.constantFrom(0.5, 1, 0.1),
}, { requiredKeys: ['l0', 'historyLength', 'ringCapacity', 'agingCap', 'deltaR', 'minEpsilon', 'w2', 'heartbeatInterval', 'downNodeTasks', 'w1', 'w3', 'k1', 'k2', 'staticLong', 'alpha'] });

const stats = { waiting: 0, running: 0, ok: 0, failed: 0, killed: 0, gangPlaced: 0 };
describe('IPTAS engines against the independent oracle: seeded random sequences', () => {
  it('agree on every step of 300 sequences of 30–150 operations (one node to start, nodes added and removed)', () => {
    fc.assert(fc.property(paramsArb, fc.array(opArb, { minLength: 30, maxLength: 150, size: 'max' }), (p, ops) => {
      const nodes = [{ op: 'node', cap: [2, 2], speed: 1 } as Op];
      const o = compare(p, [...nodes, ...ops]);
      for (const t of o.tasks) stats[t.state]++;
      stats.gangPlaced += o.tasks.filter((t) => t.gang !== undefined && t.start >= 0).length;
    }), { seed: Number(process.env.ORACLE_SEED ?? 20261204), numRuns: Number(process.env.ORACLE_RUNS ?? 300) });
    console.log('final task states over the sequences', stats);
    expect(stats.killed).toBeGreaterThan(0);
    expect(stats.failed).toBeGreaterThan(0);
  });
  it('agree with one and with three dimensions too (D = 1 takes the kernel\'s loop search, not the recursive one)', () => {
    const reshape = (v: number[], dims: number): number[] => (dims === 1 ? [v[0]! + v[1]!] : [v[0]!, v[1]!, v[0]!]);
    fc.assert(fc.property(fc.constantFrom(1, 3), paramsArb, fc.array(opArb, { minLength: 30, maxLength: 120, size: 'max' }), (dims, p, ops) => {
      const shaped = ops.map((op): Op => (op.op === 'node' ? { ...op, cap: reshape(op.cap, dims) } : op.op === 'submit' || op.op === 'gang' ? { ...op, demand: reshape(op.demand, dims) } : op));
      const threshold = p.threshold === undefined ? undefined : reshape(p.threshold, dims);
      compare({ ...p, threshold, dims }, [{ op: 'node', cap: reshape([2, 2], dims), speed: 1 }, ...shaped]);
    }), { seed: Number(process.env.ORACLE_SEED ?? 4122026), numRuns: Number(process.env.ORACLE_RUNS ?? 300) / 2 });
  });
  it('agree on larger clusters with many tasks waiting (8–20 nodes; the kernels skip searches that cannot succeed)', () => {
    const cap = fc.constantFrom<number[]>([1, 1], [2, 1], [1, 2], [2, 2], [4, 4], [3, 1], [0.5, 0.5]);
    fc.assert(fc.property(paramsArb, fc.array(fc.record({ cap, speed: fc.constantFrom(1, 2, 0.5) }), { minLength: 8, maxLength: 20 }), fc.array(opArb, { minLength: 60, maxLength: 200, size: 'max' }), (p, nodes, ops) => {
      compare(p, [...nodes.map((x): Op => ({ op: 'node', ...x })), ...ops]);
    }), { seed: Number(process.env.ORACLE_SEED ?? 19122026), numRuns: Math.ceil(Number(process.env.ORACLE_RUNS ?? 300) / 3) });
  });
});
