// Growable columns (src/io/columns.ts): any mix of push, pushMany and pushAll gives the values of one
// push per value, in order, whatever the starting capacity; take hands them over and empties the column.
// And the task table's first size guessed from the task_events files' sizes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { F64Column, I32Column } from '../../src/io/columns.ts';
import { expectedTasks } from '../../src/io/google/task-events.ts';

const op = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), v: fc.integer({ min: -1000, max: 1000 }) }),
  fc.record({ kind: fc.constant('many' as const), n: fc.integer({ min: 0, max: 300 }), v: fc.constantFrom(-1, 0, 7) }),
  fc.record({ kind: fc.constant('all' as const), vs: fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 200 }), cut: fc.nat() }),
);

describe('growable columns', () => {
  it('push, pushMany and pushAll = one push a value, in order (property)', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), fc.integer({ min: 0, max: 64 }), (ops, capacity) => {
      const f = new F64Column(capacity), i = new I32Column(capacity);
      const want: number[] = [];
      for (const o of ops) {
        if (o.kind === 'push') { f.push(o.v); i.push(o.v); want.push(o.v); }
        else if (o.kind === 'many') { f.pushMany(o.n, o.v); i.pushMany(o.n, o.v); for (let k = 0; k < o.n; k++) want.push(o.v); }
        else {
          const n = o.vs.length === 0 ? 0 : o.cut % (o.vs.length + 1);
          f.pushAll(o.vs, n); i.pushAll(Int32Array.from(o.vs), n);
          want.push(...o.vs.slice(0, n));
        }
      }
      expect(f.length).toBe(want.length);
      expect(Array.from(f.toArray())).toEqual(want);
      expect(Array.from(i.take())).toEqual(want);
      expect(i.length).toBe(0);
    }), { numRuns: 200 });
  });

  it('pushMany of NaN fills with NaN, past a doubling', () => {
    const f = new F64Column(16);
    f.push(1);
    f.pushMany(40, Number.NaN);
    expect(f.length).toBe(41);
    expect(f.data.length).toBeGreaterThanOrEqual(41);
    expect(f.data[0]).toBe(1);
    expect(Array.from(f.toArray().subarray(1)).every((x) => Number.isNaN(x))).toBe(true);
  });
});

describe('expectedTasks (the task table builder\'s first size)', () => {
  it('worked values: bytes / 20 for gzip, / 200 for plain CSV, summed over files, 1,024 at least, 2^24 at most; a missing file counts 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fairfit-expected-tasks-'));
    try {
      const file = (name: string, bytes: number) => { const f = join(dir, name); writeFileSync(f, ''); truncateSync(f, bytes); return f; };
      expect(expectedTasks([file('a.csv.gz', 4_139_742)])).toBe(206_988);
      expect(expectedTasks([file('b.csv', 2_000_000), file('c.csv.gz', 200_000)])).toBe(10_000 + 10_000);
      expect(expectedTasks([file('d.csv.gz', 100)])).toBe(1024);
      expect(expectedTasks([file('e.csv.gz', 2 ** 30)])).toBe(2 ** 24);
      expect(expectedTasks([join(dir, 'missing.csv.gz')])).toBe(1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
