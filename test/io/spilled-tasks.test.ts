/**
 * The spilling reader (src/io/google/spill-builder.ts) gives the one-pass
 * builder's table exactly — whatever the batch split, bucket size, buffer size
 * and resubmissions — while holding only the open tasks; its files live in a
 * folder under TMPDIR that `dispose` removes; a trace with a non-integer time is
 * read with the one-pass builder instead.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eventBatch as batch, type Ev } from './task-event-batch.ts';
import { NotExactError, SPILL_TUNING, SpillingTaskBuilder } from '../../src/io/google/spill-builder.ts';
import { TaskTableBuilder } from '../../src/io/google/task-table-builder.ts';
import { TRACE_START } from '../../src/io/google/schema.ts';
import { readGoogleTrace } from '../../src/io/google/trace-folder.ts';
import { TempFolder } from '../../src/io/temp-files.ts';
import type { TaskTable } from '../../src/model/tasks.ts';


const COLUMNS = ['jobId', 'taskIndex', 'submit', 'duration', 'cpuRequest', 'memRequest', 'priority', 'schedulingClass', 'lastEvent', 'firstSchedule'] as const;

function columns(t: TaskTable): Record<string, number[]> {
  const out: Record<string, number[]> = { count: [t.count] };
  for (const c of COLUMNS) out[c] = Array.from((t as unknown as Record<string, ArrayLike<number>>)[c]!);
  return out;
}

const tuning = { ...SPILL_TUNING };
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-spill-test-'));
});
afterEach(() => {
  Object.assign(SPILL_TUNING, tuning);
  rmSync(dir, { recursive: true, force: true });
});

/** Events of a few tasks, times increasing by steps that may be 0 (or any order with `shuffled`), some fields empty. */
const events = fc.array(
  fc.tuple(
    fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 8 }),
    fc.option(fc.constantFrom(0.125, 0.5, 0.0625), { nil: Number.NaN }), fc.option(fc.constantFrom(0.25, 0.03125), { nil: Number.NaN }),
    fc.option(fc.integer({ min: 0, max: 3 }), { nil: Number.NaN }), fc.option(fc.integer({ min: 0, max: 11 }), { nil: Number.NaN }),
  ),
  { minLength: 1, maxLength: 80 },
);

function timed(raw: [number, number, number, number, number, number, number, number][], shuffled: boolean): Ev[] {
  let t = 0;
  return raw.map(([step, job, idx, type, cpu, mem, cls, pri], i) => {
    t += step * 1e6;
    // Time 0 (the trace start), "after the trace" (2^63 − 1) and, shuffled, any order.
    const time = i % 17 === 3 ? 0 : i % 23 === 5 ? 2 ** 63 - 1 : shuffled ? ((i * 7919) % 97) * 1e6 + 600e6 : 600e6 + t;
    return [time, 6e9 + job, idx, type, cpu, mem, cls, pri];
  });
}

describe('SpillingTaskBuilder', () => {
  it('builds the one-pass table exactly, for any split, bucket and buffer size (property)', () => {
    fc.assert(
      fc.property(events, fc.boolean(), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 4 }), (raw, shuffled, split, bucket, buffer) => {
        const evs = timed(raw, shuffled);
        Object.assign(SPILL_TUNING, { bucket, buffer });
        const one = new TaskTableBuilder(TRACE_START, { extras: false });
        const folder = new TempFolder('fairfit-spill-prop-', 'test files');
        try {
          const spill = new SpillingTaskBuilder(folder, TRACE_START);
          for (let i = 0; i < evs.length; i += split) {
            one.add(batch(evs.slice(i, i + split)));
            spill.add(batch(evs.slice(i, i + split)));
          }
          expect(spill.lastTime).toBe(one.lastTime);
          expect(spill.events).toBe(one.events);
          const a = one.build();
          const b = spill.build();
          expect(b.missingRequests).toBe(a.missingRequests);
          expect(b.tasks.buckets).toBe(Math.ceil(a.tasks.count / bucket));
          expect(columns(b.tasks.materialize())).toEqual(columns(a.tasks));
          // Each bucket is the table's slice.
          for (let k = 0; k < b.tasks.buckets; k++) {
            const { first, tasks } = b.tasks.bucket(k);
            expect(first).toBe(k * bucket);
            const whole = columns(a.tasks);
            const part = columns(tasks);
            for (const c of COLUMNS) expect(part[c], `${c} of bucket ${k}`).toEqual(whole[c]!.slice(first, first + tasks.count));
          }
          b.tasks.dispose();
        } finally {
          folder.remove();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('holds only the open tasks: a long trace of short tasks keeps a few slots', () => {
    const folder = new TempFolder('fairfit-spill-open-', 'test files');
    try {
      const spill = new SpillingTaskBuilder(folder, TRACE_START);
      const evs: Ev[] = [];
      // 5,000 tasks, each SUBMIT, SCHEDULE, FINISH before the next one starts; every tenth resubmitted once.
      for (let k = 0; k < 5000; k++) {
        const t = 700e6 + k * 10e6;
        evs.push([t, 6e9 + k, 0, 0, 0.5, 0.25, 1, 2], [t + 1e6, 6e9 + k, 0, 1, NaN, NaN, NaN, 2], [t + 2e6, 6e9 + k, 0, 4, NaN, NaN, NaN, 2]);
        if (k % 10 === 0) evs.push([t + 3e6, 6e9 + k, 0, 0, NaN, NaN, NaN, 2], [t + 4e6, 6e9 + k, 0, 1, NaN, NaN, NaN, 2], [t + 6e6, 6e9 + k, 0, 4, NaN, NaN, NaN, 2]);
      }
      spill.add(batch(evs));
      expect(spill.maxOpen).toBe(1);
      expect(spill.spilled).toBe(5500);
      const t = spill.build().tasks.materialize();
      expect(t.count).toBe(5000);
      expect(t.duration[0]).toBe(3e6);
      expect(t.duration[1]).toBe(1e6);
    } finally {
      folder.remove();
    }
  });

  it('refuses a non-integer time (the fold would not be exact)', () => {
    const folder = new TempFolder('fairfit-spill-exact-', 'test files');
    try {
      const spill = new SpillingTaskBuilder(folder, TRACE_START);
      expect(() => spill.add(batch([[700e6 + 0.5, 6e9, 0, 0, 0.5, 0.5, 0, 0]]))).toThrow(NotExactError);
    } finally {
      folder.remove();
    }
  });
});

describe('readGoogleTrace({ spill: true })', () => {
  function writeTrace(rows: Ev[]): string {
    const root = join(dir, 'trace');
    mkdirSync(join(root, 'task_events'), { recursive: true });
    // time, missing info, job, index, machine, type, user, class, priority, cpu, mem, disk, different machine
    const csv = rows.map(([t, j, i, e, c, m, k, p]) => [t, '', j, i, '', e, 'u', Number.isNaN(k) ? '' : k, Number.isNaN(p) ? '' : p, Number.isNaN(c) ? '' : c, Number.isNaN(m) ? '' : m, '', ''].join(',')).join('\n');
    writeFileSync(join(root, 'task_events', 'part-00000-of-00001.csv'), csv + '\n');
    return root;
  }
  const rows: Ev[] = [
    [0, 6e9, 0, 0, 0.5, 0.25, 1, 2], [0, 6e9, 0, 1, NaN, NaN, NaN, 2], [650e6, 6e9, 1, 0, 0.125, NaN, 0, 9],
    [700e6, 6e9, 0, 2, NaN, NaN, NaN, 2], [710e6, 6e9, 0, 0, 0.9, 0.9, 3, 2], [720e6, 6e9, 0, 1, NaN, NaN, NaN, 2],
    [760e6, 6e9, 1, 1, NaN, 0.5, NaN, 9], [800e6, 6e9, 0, 4, NaN, NaN, NaN, 2], [900e6, 7e9, 0, 0, NaN, NaN, NaN, 0],
  ];

  it('reads the same table, keeps its files under TMPDIR until disposed, and makes `tasks` only when read', async () => {
    const root = writeTrace(rows);
    const one = await readGoogleTrace(root, { extras: false });
    // Below the size at which spilling pays, the table is read whole.
    expect((await readGoogleTrace(root, { spill: true })).spilled).toBeUndefined();
    SPILL_TUNING.minBytes = 0;
    const was = process.env.TMPDIR;
    process.env.TMPDIR = dir;
    try {
      const sp = await readGoogleTrace(root, { spill: true });
      expect(sp.spilled?.count).toBe(3);
      expect(sp.source).toEqual(one.source);
      expect(sp.end).toBe(one.end);
      const held = readdirSync(dir).filter((n) => n.startsWith('fairfit-tasks-'));
      expect(held).toHaveLength(1);
      expect(readdirSync(join(dir, held[0]!))).toEqual(['tasks-1.bin']);
      expect(columns(sp.tasks)).toEqual(columns(one.tasks));
      sp.spilled!.dispose();
      expect(readdirSync(dir).filter((n) => n.startsWith('fairfit-tasks-'))).toEqual([]);
    } finally {
      if (was === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = was;
    }
  });

  it('parses in a worker thread: the same skipped lines and first problems; strict mode throws the same error', async () => {
    SPILL_TUNING.minBytes = 0;
    const root = writeTrace(rows);
    const file = join(root, 'task_events', 'part-00000-of-00001.csv');
    // Two bad lines (an unknown event type, a negative request) between good ones.
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    lines.splice(2, 0, '700000000,,6000000000,3,,11,u,0,0,0.5,0.5,,');
    lines.splice(5, 0, '710000000,,6000000000,4,,0,u,0,0,-0.5,0.5,,');
    writeFileSync(file, lines.join('\n') + '\n');
    const one = await readGoogleTrace(root, { extras: false });
    const sp = await readGoogleTrace(root, { spill: true });
    try {
      expect(sp.spilled).toBeDefined();
      expect(one.summary.skipped).toBe(2);
      expect(sp.summary).toEqual(one.summary);
      expect(sp.source).toEqual(one.source);
      expect(columns(sp.tasks)).toEqual(columns(one.tasks));
    } finally {
      // Its files go under the real TMPDIR: removed even when an assertion fails.
      sp.spilled?.dispose();
    }
    const strict = await readGoogleTrace(root, { extras: false, strict: true }).catch((e: unknown) => e);
    expect(strict).toMatchObject({ code: 'PARSE_ERROR' });
    await expect(readGoogleTrace(root, { spill: true, strict: true })).rejects.toMatchObject({ code: 'PARSE_ERROR', message: (strict as Error).message });
  });

  it('reads a trace with a non-integer time with the one-pass builder (no spill), the same table', async () => {
    const root = writeTrace([...rows, [950e6 + 0.5, 7e9, 1, 0, 0.5, 0.5, 0, 0]]);
    SPILL_TUNING.minBytes = 0;
    const one = await readGoogleTrace(root, { extras: false });
    const sp = await readGoogleTrace(root, { spill: true });
    expect(sp.spilled).toBeUndefined();
    expect(columns(sp.tasks)).toEqual(columns(one.tasks));
    expect(sp.source).toEqual(one.source);
  });
});
