/**
 * The task table is derived from task_events as docs/model.md says: first
 * SUBMIT, run time summed over SCHEDULE → terminal runs, a task still running
 * at the window end runs until the end, time 0 placed at the trace start,
 * 2^63−1 after the end; (job ID, task index) → dense ids, exact for any IDs.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TaskIds } from '../../src/io/google/task-ids.ts';
import { TaskTableBuilder } from '../../src/io/google/task-table-builder.ts';
import { TRACE_START } from '../../src/io/google/schema.ts';
import type { ColumnBatch } from '../../src/io/csv/spec.ts';

type Ev = [time: number, job: number, index: number, type: number, cpu?: number, mem?: number];

function batch(events: Ev[]): ColumnBatch {
  const n = events.length;
  const col = (f: (e: Ev) => number): Float64Array => Float64Array.from(events, f);
  return {
    rows: n,
    file: 'mem',
    cols: {
      time: col((e) => e[0]),
      jobId: col((e) => e[1]),
      taskIndex: col((e) => e[2]),
      eventType: col((e) => e[3]),
      user: col(() => 42),
      schedulingClass: col(() => 2),
      priority: col(() => 9),
      cpuRequest: col((e) => e[4] ?? Number.NaN),
      memRequest: col((e) => e[5] ?? Number.NaN),
    },
  };
}

describe('TaskTableBuilder', () => {
  it('sums the runs of a resubmitted task and runs unfinished tasks to the window end (worked example)', () => {
    const b = new TaskTableBuilder(TRACE_START);
    b.add(
      batch([
        [0, 1, 0, 0, 0.1, 0.2], // SUBMIT before the trace → 600e6
        [0, 1, 0, 1], // SCHEDULE at the start
        [650e6, 1, 1, 0, 0.3], // task (1,1) SUBMIT with only a CPU request
        [660e6, 1, 1, 1, undefined, 0.4], // SCHEDULE; memory request arrives later
        [700e6, 1, 0, 2], // EVICT: first run 100 s
        [710e6, 1, 0, 0, 0.9, 0.9], // resubmission: requests stay the first ones
        [720e6, 1, 0, 1],
        [800e6, 1, 0, 4], // FINISH: second run 80 s
        [900e6, 2, 0, 0], // never scheduled, no requests
        [2 ** 63 - 1, 1, 1, 5], // KILL "after the trace": (1,1) runs to the end
      ]),
    );
    const { tasks, missingRequests } = b.build();
    expect(tasks.count).toBe(3);
    expect(b.lastTime).toBe(900e6);
    expect(Array.from(tasks.submit)).toEqual([600e6, 650e6, 900e6]);
    expect(Array.from(tasks.duration)).toEqual([180e6, 240e6, 0]);
    expect(Array.from(tasks.cpuRequest)).toEqual([0.1, 0.3, 0]);
    expect(Array.from(tasks.memRequest)).toEqual([0.2, 0.4, 0]);
    expect(Array.from(tasks.runs!)).toEqual([2, 1, 0]);
    expect(Array.from(tasks.lastEvent!)).toEqual([4, 5, 0]);
    expect(Array.from(tasks.firstSchedule!)).toEqual([600e6, 660e6, Number.NaN]);
    expect(Array.from(tasks.user!)).toEqual([0, 0, 0]);
    expect(missingRequests).toBe(1);
    // The columns were handed over: a second build is refused, the id map still answers.
    expect(() => b.build()).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(b.ids.get(1, 1)).toBe(1);
  });

  it('gives the same table whatever the batch split (and without the user and runs columns, the same less them)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 6 })), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 60 }),
        (raw, cut) => {
          let t = 600e6;
          const evs: Ev[] = raw.map(([dt, j, i, e]) => [(t += dt * 1e6), j, i, e, 0.01 * (j + 1), 0.02]);
          const one = new TaskTableBuilder();
          one.add(batch(evs));
          const two = new TaskTableBuilder();
          two.add(batch(evs.slice(0, cut)));
          two.add(batch(evs.slice(cut)));
          const lean = new TaskTableBuilder(TRACE_START, { extras: false });
          lean.add(batch(evs));
          const built = one.build();
          expect(two.build()).toEqual(built);
          // Without the extras: the same table less the user and runs columns.
          const { user: _u, runs: _r, ...rest } = built.tasks;
          expect(lean.build()).toEqual({ ...built, tasks: rest });
          const { tasks } = built;
          const window = one.lastTime - TRACE_START;
          for (let k = 0; k < tasks.count; k++) {
            expect(tasks.duration[k]).toBeGreaterThanOrEqual(0);
            expect(tasks.duration[k]).toBeLessThanOrEqual(window);
          }
        },
      ),
    );
  });
});

describe('TaskIds', () => {
  it('maps pairs to dense ids in order of first appearance, exactly, also beyond 2^33 / 2^20', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(fc.integer({ min: 0, max: 7e9 }), fc.constantFrom(2 ** 33, 2 ** 40 + 1, 2 ** 53 - 1)), fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(2 ** 20, 2 ** 30))), { maxLength: 80 }),
        fc.constantFrom(undefined, 0, 1, 80, 5000),
        (pairs, capacity) => {
          const ids = new TaskIds(capacity);
          const ref = new Map<string, number>();
          for (const [j, i] of pairs) {
            const k = `${j}/${i}`;
            if (!ref.has(k)) ref.set(k, ref.size);
            expect(ids.intern(j, i)).toBe(ref.get(k));
            expect(ids.get(j, i)).toBe(ref.get(k));
          }
          expect(ids.count).toBe(ref.size);
          expect(ids.get(-5, 0)).toBe(-1);
          // A task index that is not an int32 is refused, not truncated into another task's key.
          expect(() => ids.intern(1, 2 ** 31)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
          expect(() => ids.get(1, 0.5)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
        },
      ),
    );
  });

  it('gives the same ids whether its slots were made for the tasks or grew (rehashed) past a small table', () => {
    // 20,000 pairs: a table made for 1 grows from 4,096 slots to 32,768 (three rehashes); one made for 20,000 never does.
    const grown = new TaskIds(1), made = new TaskIds(20_000);
    let x = 7;
    const pairs: [number, number][] = [];
    for (let k = 0; k < 40_000; k++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      pairs.push([2 ** 32 + ((x >>> 8) % 7_000) * 977, (x >>> 4) % 3]);
    }
    for (const [j, i] of pairs) expect(grown.intern(j, i)).toBe(made.intern(j, i));
    expect(grown.count).toBe(made.count);
    expect(grown.count).toBeGreaterThan(12_288);
    for (const [j, i] of pairs) expect(grown.get(j, i)).toBe(made.get(j, i));
    for (let id = 0; id < grown.count; id++) expect(grown.get(grown.jobId.data[id]!, grown.taskIndex.data[id]!)).toBe(id);
  });
});
