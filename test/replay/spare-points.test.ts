// The machine × point arrays a spilled merge reuses (src/systems/giantvm/spare-points.ts): zeros
// every time, only arrays made there taken back, at most MAX_SPARES, none left once the merge ends;
// SpilledPoints gives back what it has written. (That a replay which spills gives the JSON of one
// that does not, on every path, is test/replay/series-spill.test.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import { dropSpares, giveBack, MAX_SPARES, pointRows, sparesHeld } from '../../src/systems/giantvm/spare-points.ts';
import { disposeAll, SpilledPoints } from '../../src/systems/giantvm/part-collector.ts';
import type { PartialRun } from '../../src/systems/giantvm/merge.ts';
import { TempFolder } from '../../src/io/temp-files.ts';

afterEach(() => dropSpares());

describe('spare machine × point arrays', () => {
  it('are zeros of the length asked, on a buffer given back when one holds them (the smallest)', () => {
    const a = pointRows(100), b = pointRows(40);
    expect([a.length, b.length]).toEqual([100, 40]);
    a.fill(7); b.fill(9);
    giveBack(a); giveBack(b);
    expect(sparesHeld()).toBe(2);
    const c = pointRows(30);
    expect(c.buffer).toBe(b.buffer);
    expect(c.length).toBe(30);
    expect(c.every((x) => x === 0)).toBe(true);
    const d = pointRows(60);
    expect(d.buffer).toBe(a.buffer);
    expect(d.every((x) => x === 0)).toBe(true);
    // None left that holds 200: a new one.
    expect(sparesHeld()).toBe(0);
    const e = pointRows(200);
    expect(e.buffer).not.toBe(a.buffer);
    expect(e.buffer.byteLength).toBe(1600);
  });

  it("never takes back an array it did not make, nor one twice, nor more than MAX_SPARES", () => {
    const mine = new Float64Array(50);
    giveBack(mine);
    giveBack(new Float64Array(new ArrayBuffer(800), 8, 10));
    expect(sparesHeld()).toBe(0);
    const x = pointRows(10);
    giveBack(x); giveBack(x);
    expect(sparesHeld()).toBe(1);
    // Made first, then given back: pointRows would otherwise take the spare just given.
    const many = Array.from({ length: MAX_SPARES + 3 }, () => pointRows(8));
    for (const a of many) giveBack(a);
    expect(sparesHeld()).toBe(MAX_SPARES);
    dropSpares();
    expect(sparesHeld()).toBe(0);
  });

  it('are given back by SpilledPoints once written (its block copy, and the part\'s values when made here), and let go by disposeAll', () => {
    const folder = new TempFolder('fairfit-spare-test-', 'test files');
    try {
      const P = 3, nM = 2;
      const part = (machPt: Float64Array, first: number): PartialRun => ({ first, count: nM, machineFirst: first, machines: nM, cellAcc: new Float64Array(0), cellPt: new Float64Array(0), machPt, utilSum: new Float64Array(nM), upTicks: new Float64Array(nM), elapsedMs: 0 });
      const spill = new SpilledPoints(folder.next('points'), P);
      const ours = pointRows(nM * P);
      ours.set([1, 2, 3, 4, 5, 6]);
      spill.add(0, part(ours, 0));
      expect(sparesHeld()).toBe(2);
      // A part whose values the caller made: only the block copy comes back (it was taken from the spares).
      spill.add(1, part(Float64Array.from([7, 8, 9, 10, 11, 12]), nM));
      expect(sparesHeld()).toBe(2);
      const back = new Float64Array(2 * nM * P);
      spill.read(0, P, back);
      expect([...back]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      disposeAll([spill]);
      expect(sparesHeld()).toBe(0);
    } finally {
      folder.remove();
    }
  });
});
