/**
 * Vector EASY's shortcuts change nothing: `easyVectorPass` (a failed job rules out the jobs it
 * covers, the backfill test on the cluster at the shadow time without a copy, refusals per
 * node remembered, first fits remembered across passes) gives the very starts, nodes,
 * reservation and residuals of the plain pass it replaced (kept below as written before, every
 * candidate tested on a copy of every node), pass after pass on one pool, with jobs ending in
 * between; and so does the driver's way of calling it (the scan from the first job appended
 * since a pass that started nothing with no job ended since). Also `dropStarted` (the driver's
 * queue after a pass) and `FirstFitMemory` against a whole first-fit scan.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { easyVectorPass, fcfsVectorPass, FirstFitMemory, NodePool, type QueuedVectorJob, type RunningVectorJob, type VectorPass } from '../../src/systems/iptas/baselines.ts';
import { dropStarted } from '../../src/systems/iptas/schedule-trace.ts';

/** The pass as it was before the shortcuts (the same rule, docs/model.md): every candidate's backfill test on a copy of every node. */
function plainEasyVectorPass(queue: readonly QueuedVectorJob[], pool: NodePool, running: readonly RunningVectorJob[], now: number): VectorPass {
  const { start } = fcfsVectorPass(queue, pool);
  const rest = queue.slice(start.length);
  const head = rest[0];
  if (head === undefined) return { start };
  const byEnd = (a: RunningVectorJob, b: RunningVectorJob) => a.requestedEnd - b.requestedEnd || a.index - b.index;
  let shadow = Infinity;
  let shadowPool: NodePool | undefined;
  const computeShadow = (): NodePool => {
    const fresh: RunningVectorJob[] = start.map((s, k) => {
      const j = queue[k]!;
      return { index: j.index, procs: j.procs, requestedEnd: now + j.requestedTime, demand: j.demand, nodes: s.nodes };
    }).sort(byEnd);
    const old = running.slice().sort(byEnd);
    const sp = pool.clone();
    let a = 0, b = 0;
    while (a < old.length || b < fresh.length) {
      const r = b >= fresh.length || (a < old.length && byEnd(old[a]!, fresh[b]!) < 0) ? old[a++]! : fresh[b++]!;
      if (r.requestedEnd > shadow) break;
      sp.give(r.demand, r.nodes);
      if (shadow !== Infinity) continue;
      const fits = head.procs === 1 ? r.nodes.some((k) => sp.fitsOn(k, head.demand)) : sp.fit(head.demand, head.procs) !== undefined;
      if (fits) shadow = r.requestedEnd;
    }
    return sp;
  };
  const exceeds = (demand: readonly number[], max: Float64Array): boolean => demand.some((x, d) => x > max[d]!);
  let max = pool.maxResidual();
  for (let k = 1; k < rest.length; k++) {
    const j = rest[k]!;
    if (exceeds(j.demand, max)) continue;
    const nodes = pool.fit(j.demand, j.procs);
    if (!nodes) continue;
    shadowPool ??= computeShadow();
    if (now + j.requestedTime > shadow) {
      const trial = shadowPool.clone();
      trial.take(j.demand, nodes);
      let fits = true;
      for (let x = 0; x < trial.res.length; x++) if (trial.res[x]! < 0) { fits = false; break; }
      if (!fits || !trial.fit(head.demand, head.procs)) continue;
      shadowPool.take(j.demand, nodes);
    }
    pool.take(j.demand, nodes);
    start.push({ index: j.index, nodes });
    max = pool.maxResidual();
  }
  shadowPool ??= computeShadow();
  return { start, reservation: { job: head.index, time: shadow, extra: 0 } };
}

/** A demand: often one of a few values (so jobs repeat and cover each other), sometimes any double, sometimes a whole node. */
const amount = fc.oneof(
  fc.constantFrom(0, 0.1, 0.2, 0.25, 0.3, 0.5, 0.7, 1),
  fc.double({ min: 0, max: 1, noNaN: true }),
);
const scenario = fc.record({
  nodes: fc.integer({ min: 1, max: 6 }),
  dims: fc.integer({ min: 1, max: 3 }),
  jobs: fc.array(fc.record({
    procs: fc.oneof(fc.constant(1), fc.constant(1), fc.integer({ min: 1, max: 4 })),
    demand: fc.array(amount, { minLength: 3, maxLength: 3 }),
    requestedTime: fc.integer({ min: 1, max: 30 }),
    // When it arrives (pass number) and how long it runs once started (passes).
    arrives: fc.integer({ min: 0, max: 8 }),
  }), { minLength: 1, maxLength: 40 }),
  /** Per pass, the time step to the next one. */
  steps: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 10, maxLength: 10 }),
});

describe('vector EASY with its shortcuts against the plain pass', () => {
  it('the same starts, nodes, reservations and residuals, pass after pass, jobs ending in between', () => {
    fc.assert(fc.property(scenario, ({ nodes, dims, jobs, steps }) => {
      const capacity = Array.from({ length: dims }, () => 1);
      const plainPool = new NodePool(nodes, capacity), fastPool = new NodePool(nodes, capacity), driverPool = new NodePool(nodes, capacity);
      const memory = new FirstFitMemory(jobs.length), driverMemory = new FirstFitMemory(jobs.length);
      const queue: QueuedVectorJob[] = [];
      // The driver's way (schedule-trace.ts): the scan from the first job appended since a pass that
      // started nothing, when no job ended in between.
      const driverQueue: QueuedVectorJob[] = [];
      let unchangedBefore = -1;
      let running: RunningVectorJob[] = [];
      let now = 0;
      for (let pass = 0; pass < steps.length; pass++) {
        // The jobs that end by now give their members back (in index order, as the driver does).
        for (const r of running.filter((x) => x.requestedEnd <= now).sort((a, b) => a.index - b.index)) {
          plainPool.give(r.demand, r.nodes);
          fastPool.give(r.demand, r.nodes);
          driverPool.give(r.demand, r.nodes);
          unchangedBefore = -1;
        }
        running = running.filter((x) => x.requestedEnd > now);
        jobs.forEach((j, index) => {
          if (j.arrives !== pass) return;
          const q = { index, procs: j.procs, requestedTime: j.requestedTime, demand: j.demand.slice(0, dims) };
          queue.push(q);
          driverQueue.push(q);
        });
        const sorted = running.slice().sort((a, b) => a.requestedEnd - b.requestedEnd || a.index - b.index);
        const plain = plainEasyVectorPass(queue, plainPool, running, now);
        const fast = easyVectorPass(queue, fastPool, sorted, now, { runningSorted: true, firstFits: memory });
        const driver = easyVectorPass(driverQueue, driverPool, sorted, now, { runningSorted: true, firstFits: driverMemory, ...(unchangedBefore >= 0 ? { unchangedBefore } : {}) });
        expect(fast).toEqual(plain);
        expect(driver).toEqual(plain);
        expect(Array.from(fastPool.res)).toEqual(Array.from(plainPool.res));
        expect(Array.from(driverPool.res)).toEqual(Array.from(plainPool.res));
        unchangedBefore = driver.start.length === 0 ? driverQueue.length : -1;
        for (const s of plain.start) {
          const j = queue.find((q) => q.index === s.index)!;
          running.push({ index: s.index, procs: j.procs, requestedEnd: now + j.requestedTime, demand: j.demand, nodes: s.nodes });
        }
        dropStarted(queue, plain.start.map((s) => s.index));
        dropStarted(driverQueue, driver.start.map((s) => s.index));
        now += steps[pass]!;
      }
    }), { numRuns: 400 });
  });
});

describe('vector EASY when the cluster at the shadow time has a residual below zero', () => {
  // Not reached from the driver in practice (a take follows a fit), but the plain pass refused
  // every backfill ending after the shadow time then (its copy kept the negative residual), and
  // the shortcut, which looks at the chosen nodes only, must too. Node 0 is a rounding below zero;
  // nodes 1 and 2 are half taken until 10, when the head (a whole node) fits on either.
  it('refuses a long backfill the head would still have room for elsewhere, as the plain pass does', () => {
    const make = (): { pool: NodePool; running: RunningVectorJob[] } => {
      const pool = new NodePool(3, [1]);
      pool.take([0.5], [1]);
      pool.take([0.5], [2]);
      pool.res[0] = -1e-17;
      return { pool, running: [{ index: 7, procs: 1, requestedEnd: 10, demand: [0.5], nodes: [1] }, { index: 8, procs: 1, requestedEnd: 10, demand: [0.5], nodes: [2] }] };
    };
    const queue: QueuedVectorJob[] = [{ index: 0, procs: 1, requestedTime: 5, demand: [1] }, { index: 1, procs: 1, requestedTime: 100, demand: [0.4] }, { index: 2, procs: 1, requestedTime: 3, demand: [0.4] }];
    const a = make(), b = make();
    const plain = plainEasyVectorPass(queue, a.pool, a.running, 0);
    const fast = easyVectorPass(queue, b.pool, b.running, 0, { runningSorted: true, firstFits: new FirstFitMemory(3) });
    // The long job (1) is refused; the short one (2) ends by the shadow time and starts on node 1.
    expect(plain.start).toEqual([{ index: 2, nodes: [1] }]);
    expect(fast).toEqual(plain);
  });
});

describe('FirstFitMemory', () => {
  it('finds the node a whole first-fit scan finds, whatever was taken and given back between calls', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 8 }),
      // Each job has one demand (what the memory is of); other tasks are taken and given back in between.
      fc.array(fc.array(amount, { minLength: 2, maxLength: 2 }), { minLength: 6, maxLength: 6 }),
      fc.array(fc.record({ job: fc.integer({ min: 0, max: 5 }), other: fc.array(amount, { minLength: 2, maxLength: 2 }), op: fc.constantFrom('ask', 'ask', 'take', 'give') }), { minLength: 1, maxLength: 150 }),
      (nodes, demands, ops) => {
        const pool = new NodePool(nodes, [1, 1]);
        const memory = new FirstFitMemory(6);
        const placed: { demand: number[]; node: number }[] = [];
        for (const o of ops) {
          const demand = demands[o.job]!;
          if (o.op === 'ask') {
            const whole = pool.fit(demand, 1)?.[0] ?? -1;
            expect(memory.firstFit(pool, o.job, demand)).toBe(whole);
            // Known to fit nowhere only when it does not fit now.
            expect(memory.fitsNowhere(pool, o.job)).toBe(whole < 0);
          } else if (o.op === 'take') {
            const k = pool.fit(o.other, 1)?.[0];
            if (k !== undefined) {
              pool.take(o.other, [k]);
              placed.push({ demand: o.other, node: k });
            }
          } else if (placed.length > 0) {
            const p = placed.splice(o.job % placed.length, 1)[0]!;
            pool.give(p.demand, [p.node]);
          }
          // Still true after a take (the pool only lost), false again after a give.
          if (memory.fitsNowhere(pool, o.job)) expect(pool.fit(demand, 1)).toBeUndefined();
        }
      },
    ), { numRuns: 300 });
  });
});

describe('dropStarted', () => {
  it('leaves the queue as filtering the started jobs out would, for a started head run plus backfills in queue order', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), fc.array(fc.boolean(), { maxLength: 30 }), (n, headRun, picks) => {
      const queue = Array.from({ length: n }, (_, i) => ({ index: 100 + 3 * i }));
      const lead = Math.min(headRun, n);
      const started = queue.slice(0, lead).map((q) => q.index);
      for (let i = lead; i < n; i++) if (picks[i % Math.max(1, picks.length)]) started.push(queue[i]!.index);
      const want = queue.filter((q) => !started.includes(q.index));
      dropStarted(queue, started);
      expect(queue).toEqual(want);
    }));
  });

  it('refuses a started job that is not in the queue in pass order (an internal error, not a silent loss)', () => {
    const queue = [{ index: 1 }, { index: 2 }, { index: 3 }];
    expect(() => dropStarted(queue, [3, 2])).toThrow(/not in the queue in pass order/);
  });
});
