/**
 * `checkLimitsColumns`: a usage report as columns (handles, and D numbers a
 * handle in one Float64Array) kills what the Map of the same entries kills, in
 * both engines, and leaves the same state; a bad report is refused naming its
 * index and changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { FairfitError } from '../../src/errors.ts';
import type { IptasBatchEngine } from '../../src/systems/iptas/engine-api.ts';
import { ReferenceEngine } from '../../src/systems/iptas/reference-engine.ts';

const makers: [string, () => IptasBatchEngine][] = [
  ['WebAssembly', () => new Engine({}, { taskCapacity: 4, nodeCapacity: 2 })],
  ['reference', () => new ReferenceEngine({})],
];

/** An engine with `tasks` tasks placed on 4 nodes at time 0 (requested 10 s: T0 15 s with the default α), two users. */
function running(make: () => IptasBatchEngine, demands: readonly [number, number][]): IptasBatchEngine {
  const e = make();
  e.addNodes(Array.from({ length: 4 }, () => ({ capacity: [64, 64] })));
  e.submitMany(demands.map((demand, k) => ({ id: `t${k}`, user: `u${k % 2}`, demand: [...demand], dataGB: 1, requestTime: 10 })));
  e.runRoundHandles(0);
  return e;
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof FairfitError) return `${e.code}:${e.details.field}${e.details.index === undefined ? '' : `[${e.details.index}]`}: ${e.message}`;
    throw e;
  }
  return 'accepted';
}

const demand = fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 })).map(([a, b]) => [a / 2, b / 2] as [number, number]);

describe.each(makers)('checkLimitsColumns (%s engine)', (_, make) => {
  it('kills what the Map of the same entries kills, and leaves the same state (property)', () => {
    fc.assert(
      fc.property(
        fc.array(demand, { minLength: 1, maxLength: 24 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 })), { maxLength: 24 }),
        fc.integer({ min: 1, max: 20 }),
        (demands, picks, now) => {
          const byMap = running(make, demands), byCols = running(make, demands);
          // Distinct running tasks, in the order picked, each with a usage of quarters (some above its demand).
          const handles: number[] = [];
          const values: number[] = [];
          for (const [p, a, b] of picks) {
            const h = p % demands.length;
            if (handles.includes(h)) continue;
            handles.push(h);
            values.push(a / 4, b / 4);
          }
          const map = new Map(handles.map((h, k) => [h, values.slice(2 * k, 2 * k + 2)]));
          const want = byMap.checkLimitsHandles(now, map);
          const got = byCols.checkLimitsColumns(now, Int32Array.from(handles), Float64Array.from(values));
          expect(Array.from(got)).toEqual(Array.from(want));
          expect(JSON.stringify(byCols.state())).toBe(JSON.stringify(byMap.state()));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('names the dimension through checkLimits-style reasons: a usage above demand in dimension 1 and a time kill, in submission order', () => {
    const e = running(make, [[1, 1], [1, 1], [1, 1]]);
    // t2 over in dimension 1 at 5 s; nothing is past T0 (15 s) yet.
    expect(Array.from(e.checkLimitsColumns(5, [2, 0], Float64Array.of(1, 1.5, 1, 1)))).toEqual([2]);
    expect(e.taskView('t2').state).toBe('killed');
    // At 15 s t0 and t1 reach T0; t1's usage is within its demand: both go, in submission order.
    expect(Array.from(e.checkLimitsColumns(15, [1], Float64Array.of(0.5, 0.5)))).toEqual([0, 1]);
    expect(e.counts()).toMatchObject({ running: 0, killed: 3 });
  });

  it('writes the kills into a lent array when it has room', () => {
    const e = running(make, [[1, 1], [1, 1]]);
    const into = new Int32Array(4);
    const out = e.checkLimitsColumns(1, Int32Array.of(1, 0), Float64Array.of(2, 0, 0, 2), into);
    expect(Array.from(out)).toEqual([0, 1]);
    expect(out.buffer).toBe(into.buffer);
  });

  it('no handles: the time kills alone, as checkLimitsHandles without usage', () => {
    const a = running(make, [[1, 1], [2, 2]]), b = running(make, [[1, 1], [2, 2]]);
    expect(Array.from(a.checkLimitsColumns(15, [], new Float64Array(0)))).toEqual(Array.from(b.checkLimitsHandles(15)));
    expect(JSON.stringify(a.state())).toBe(JSON.stringify(b.state()));
  });

  it('a bad report is refused naming its index, and nothing changes', () => {
    const e = running(make, [[1, 1], [1, 1], [1, 1]]);
    e.complete('t2', { status: 'ok', actualTime: 1 });
    const before = JSON.stringify(e.state());
    const cases: [() => unknown, string][] = [
      [() => e.checkLimitsColumns(1, [0, 1, 0], Float64Array.of(9, 9, 0, 0, 0, 0)), "INVALID_OPTION:handles: handles[2]: task 't0' is given twice"],
      [() => e.checkLimitsColumns(1, [0, 2], Float64Array.of(9, 9, 0, 0)), "INVALID_OPTION:handles: handles[1]: task 't2' is ok, not running"],
      [() => e.checkLimitsColumns(1, [0, 7], Float64Array.of(9, 9, 0, 0)), 'INDEX_OUT_OF_RANGE:handles[1]: handles[1]: task handle must be an integer in [0, 3), got 7'],
      [() => e.checkLimitsColumns(1, 'nope' as never, new Float64Array(0)), 'INVALID_OPTION:handles: handles must be an array of task handles'],
      [() => e.checkLimitsColumns(1, [0, 1], Float64Array.of(9, 9, 0)), 'DIMENSION_MISMATCH:usage: usage must hold 2 numbers for each of the 2 handles (4), got 3'],
      [() => e.checkLimitsColumns(1, [0, 1], [9, 9, 0, 0] as never), 'INVALID_OPTION:usage: usage must be a Float64Array of 2 numbers a handle, got an array of 4'],
      [() => e.checkLimitsColumns(1, [0, 1], Float64Array.of(9, 9, 0, Number.NaN)), 'NOT_FINITE:usage[3]: usage[3] must be a finite number, got NaN'],
      [() => e.checkLimitsColumns(1, [0, 1], Float64Array.of(9, -1, 0, 0)), 'NEGATIVE_VALUE:usage[1]: usage[1] must be ≥ 0, got -1'],
      [() => e.checkLimitsColumns(1, [0, 1], Float64Array.of(9, Infinity, 0, 0)), 'NOT_FINITE:usage[1]: usage[1] must be a finite number, got Infinity'],
      [() => e.checkLimitsColumns(-1, [0, 1], Float64Array.of(9, 9, 0, 0)), 'INVALID_OPTION:now: now = -1 is before the engine clock 0: time must not go backwards'],
      [() => e.checkLimitsColumns(1, [0], Float64Array.of(9, 9), [0] as never), 'INVALID_OPTION:into: into must be an Int32Array when given, got an array of 1'],
      // completeMany names the entry of an out-of-range handle as it names its other errors.
      [() => e.completeMany([0, 99], { status: 'ok', actualTime: 1 }), 'INDEX_OUT_OF_RANGE:handles[1]: handles[1]: task handle must be an integer in [0, 3), got 99'],
      [() => e.completeMany([0, 0], { status: 'ok', actualTime: 1 }), "INVALID_OPTION:handles: handles[1]: task 't0' is given twice"],
    ];
    // The Map form names a usage entry whose key is no task by that entry (it said field 'handle').
    cases.push([() => e.checkLimitsHandles(1, new Map([[0, [1, 1]], [9, [0, 0]]])), 'INDEX_OUT_OF_RANGE:usage[9][9]: usage[9]: task handle must be an integer in [0, 3), got 9']);
    for (const [f, want] of cases) {
      expect(codeOf(f)).toBe(want);
      expect(JSON.stringify(e.state())).toBe(before);
    }
  });
});
