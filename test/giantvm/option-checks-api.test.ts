/**
 * The API's side of the CLI review: the cell size in effect is recorded
 * (at most the machines, also for `machines: 'trace'`), a tick is at most a
 * day, a swept value listed twice is refused, `taskEventParts` is refused on
 * an SWF log, and a Google folder without task_events/ says so.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { readGoogleTrace } from '../../src/io/google/trace-folder.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';
import { ReplayPool } from '../../src/systems/giantvm/replay-pool.ts';
import { defaultParams, MAX_TICK_US } from '../../src/systems/giantvm/replay-params.ts';
import { sweep } from '../../src/systems/giantvm/sweep-api.ts';
import { isSweepReport } from '../../src/systems/giantvm/types.ts';
import { rejection } from '../rejection.ts';
import { seededInput } from './input.ts';

const input = seededInput(5, 200, 2);
// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
let small = '';
let withUsage = '';
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-option-checks-'));
  small = join(dir, 'small');
  withUsage = join(dir, 'with-usage');
  await generateTrace({ machines: 2, tasks: 40, days: 0.01, seed: 3, out: small, usage: false });
  await generateTrace({ machines: 2, tasks: 40, days: 0.01, seed: 3, out: withUsage });
});


describe('the cell size in effect: at most the machines', () => {
  it('defaultParams records min(cellSize, machines)', () => {
    expect(defaultParams({ machines: 3 }).cellSize).toBe(3);
    expect(defaultParams({ machines: 2, cellSize: 8 }).cellSize).toBe(2);
    expect(defaultParams({ machines: 800 }).cellSize).toBe(4);
  });

  it("machines: 'trace' with 2 machines: cell size 2, one cell, the same runs as an explicit cellSize: 2", async () => {
    const r = await replay({ trace: small, machines: 'trace', policies: ['fine_grained'], usage: 'request' });
    expect(r.runs[0]!.params.cellSize).toBe(2);
    expect(r.runs[0]!.info?.cells).toBe(1);
    const two = await replay({ trace: small, machines: 'trace', cellSize: 2, policies: ['fine_grained'], usage: 'request' });
    expect(JSON.stringify(r.runs)).toBe(JSON.stringify(two.runs));
  });
});

describe('a tick is at most one day', () => {
  it('refuses more, takes one day', async () => {
    expect((await rejection(() => defaultParams({ tick: MAX_TICK_US + 1 }))).details.field).toBe('tick');
    expect((await rejection(replay({ trace: input, tick: 1e20, usage: 'request' }))).message).toContain('at most 86400000000 µs (one day)');
    expect(defaultParams({ tick: MAX_TICK_US }).tick).toBe(86_400e6);
  });
});

describe('sweep values listed twice are refused', () => {
  it.each([
    [{ machines: [40, 80, 80] }, 'machines', '80 is listed twice'],
    [{ machines: '40,80,40' }, 'machines', '40 is listed twice'],
    [{ overcommit: [1, 1] }, 'overcommit', '1 is listed twice'],
    [{ seeds: [3, 4, 3] }, 'seeds', '3 is listed twice'],
  ])('%j', async (opts, field, text) => {
    const e = await rejection(sweep({ trace: input, usage: 'request', policies: ['no_migration'], ...opts }));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.details.field).toBe(field);
    expect(e.message).toContain(text);
  });
});

describe('policies that are not a list', () => {
  it('are refused by replay and sweep naming policies (null was "value is not iterable"); isSweepReport(null) is false', async () => {
    for (const policies of [null, 5, {}]) {
      for (const run of [replay, sweep]) {
        const e = await rejection(run({ trace: input, usage: 'request', policies } as never));
        expect([e.code, e.details.field]).toEqual(['INVALID_OPTION', 'policies']);
      }
    }
    expect([isSweepReport(null as never), isSweepReport(undefined as never)]).toEqual([false, false]);
    // A misspelt key beside workers was ignored.
    expect(() => new ReplayPool({ workers: 1, wokers: 2 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: 'wokers: not an option of ReplayPool (did you mean workers?)' }));
  });
});

describe('a null-prototype object (no toString) as an option', () => {
  it('is refused by replay, sweep and ReplayPool quoting it, not a TypeError from the message (found by an API fuzz)', async () => {
    const np = Object.create(null) as never;
    for (const [run, field] of [[() => replay({ trace: input, policies: [np] }), 'policies'], [() => replay({ trace: input, series: np }), 'series'],
      [() => replay({ trace: 'x', read: { usageRead: np } }), 'read.usageRead'], [() => sweep({ trace: input, overcommit: [np] }), 'overcommit[0]'],
      [() => new ReplayPool({ workers: np }), 'workers']] as const) {
      const e = await rejection(run);
      expect([e.code, e.details.field, e.message.includes('an object')], field).toEqual(['INVALID_OPTION', field, true]);
    }
  });
});

describe('readers', () => {
  it('taskEventParts on an SWF log is refused', async () => {
    const swf = join(dir, 'log.swf');
    writeFileSync(swf, '; Version: 2.2\n;\n1 0 0 100 4 -1 -1 4 200 -1 1 1 -1 -1 -1 -1 -1 -1\n');
    const e = await rejection(replay({ trace: swf, machines: 4, read: { taskEventParts: 1 } }));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.details.field).toBe('taskEventParts');
  });

  it('taskEventParts on a task_events file is refused, as on an SWF log (the file was read whole, the option ignored)', async () => {
    const file = join(small, 'task_events', 'part-00000-of-00001.csv.gz');
    const e = await rejection(replay({ trace: file, machines: 2, usage: 'request', read: { taskEventParts: 3 } }));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.details.field).toBe('read.taskEventParts');
    expect(e.message).toContain('no part files to limit');
    // A folder of part files takes it.
    expect((await replay({ trace: join(small, 'task_events'), machines: 2, usage: 'request', policies: ['no_migration'], read: { taskEventParts: 1 } })).runs).toHaveLength(1);
  });

  it('usageRead on an SWF log is refused, as taskEventParts is (it was ignored)', async () => {
    const swf = join(dir, 'log2.swf');
    writeFileSync(swf, '; Version: 2.2\n;\n1 0 0 100 4 -1 -1 4 200 -1 1 1 -1 -1 -1 -1 -1 -1\n');
    for (const usage of ['trace', 'synthetic'] as const) {
      const e = await rejection(replay({ trace: swf, machines: 4, usage, read: { usageRead: 'whole' } }));
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.details.field).toBe('read.usageRead');
      expect(e.message).toContain('has no task_usage to read');
    }
    expect((await replay({ trace: swf, machines: 4, policies: ['no_migration'] })).runs).toHaveLength(1);
    // Nor does a Google folder without task_usage/ (or a task_events file) have any.
    for (const trace of [small, join(small, 'task_events', 'part-00000-of-00001.csv.gz')]) {
      const e = await rejection(replay({ trace, machines: 2, read: { usageRead: 'stream' } }));
      expect(e.details.field).toBe('read.usageRead');
      expect(e.message).toContain('has no task_usage/ to read');
    }
  });

  it('a Google folder without task_events/ names it', async () => {
    const noTe = join(dir, 'no-te');
    mkdirSync(join(noTe, 'machine_events'), { recursive: true });
    const e = await rejection(readGoogleTrace(noTe));
    expect(e.code).toBe('FILE_NOT_FOUND');
    expect(e.message).toBe(`${noTe}: no task_events/ folder (the table every replay reads), though it has machine_events/`);
  });
});

describe('signal and onProgress of the wrong kind are refused before any work', () => {
  it.each([
    ['a plain object as signal', { signal: {} }, 'signal', 'expected an AbortSignal, got an object'],
    ['an AbortController as signal', { signal: new AbortController() }, 'signal', 'expected an AbortSignal'],
    ['a string as onProgress', { onProgress: 'log' }, 'onProgress', 'expected a function, got "log"'],
  ])('%s', async (_, opts, field, text) => {
    // A path that does not exist: refused before it is looked at (it was FILE_NOT_FOUND, or a TypeError after the read).
    for (const call of [() => replay({ trace: join(dir, 'absent'), ...opts } as never), () => sweep({ trace: join(dir, 'absent'), ...opts } as never)]) {
      const e = await rejection(call);
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.details.field).toBe(field);
      expect(e.message).toContain(text);
    }
    // On workers they failed with a TypeError; in this thread `signal: {}` was ignored.
    for (const workers of [1, 2]) {
      const e = await rejection(replay({ trace: input, usage: 'request', policies: ['no_migration', 'fine_grained'], workers, ...opts } as never));
      expect(e.details.field).toBe(field);
    }
  });
});

describe('read options a replay does not have are refused', () => {
  it.each([
    ['a misspelt maxSkipped', { maxSkiped: 0 }, 'read.maxSkiped', 'not an option of read (did you mean maxSkipped?)'],
    ['an unknown key', { bogus: 2 }, 'read.bogus', 'not an option of read'],
    ['strict that is not a boolean', { strict: 'yes' }, 'read.strict', 'must be true or false, got "yes"'],
    ['an array', [], 'read', 'expected an object'],
  ])('%s', async (_, read, field, text) => {
    // Refused before the path is looked at: it was ignored (a misspelt maxSkipped read with no damage limit).
    for (const call of [() => replay({ trace: join(dir, 'absent'), read } as never), () => sweep({ trace: join(dir, 'absent'), read } as never)]) {
      const e = await rejection(call);
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.details.field).toBe(field);
      expect(e.message).toContain(text);
    }
  });
  it('a read option with a trace already in memory is refused (it was ignored: onRead never called), an empty read taken', async () => {
    for (const read of [{ onRead: () => undefined }, { strict: true }, { maxSkipped: 3 }, { taskEventParts: 1 }]) {
      for (const call of [() => replay({ trace: input, usage: 'request', read }), () => sweep({ trace: input, usage: 'request', read })]) {
        const e = await rejection(call);
        expect(e.code).toBe('INVALID_OPTION');
        expect(e.details.field).toBe(`read.${Object.keys(read)[0]!}`);
        expect(e.message).toContain('applies to reading a trace path; this trace is a ReplayInput already in memory');
      }
    }
    expect((await replay({ trace: input, usage: 'request', policies: ['no_migration'], read: {} })).runs).toHaveLength(1);
  });
  it('workers with a queue are refused before Redis is asked (they were accepted and ignored; the command line refused them)', async () => {
    for (const call of [() => replay({ trace: small, workers: 2, queue: 'redis://127.0.0.1:1' }), () => sweep({ trace: small, workers: 1, queue: 'redis://127.0.0.1:1' })]) {
      const e = await rejection(call);
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.details.field).toBe('workers');
      expect(e.message).toContain("does not take effect with queue: the queue's `fairfit worker` processes run the jobs");
    }
  });
  it('every known read option is still taken', async () => {
    const r = await replay({ trace: withUsage, machines: 2, usage: 'trace', policies: ['no_migration'], read: { strict: true, taskEventParts: 1, maxSkipped: 0, usageRead: 'whole', onRead: () => undefined } });
    expect(r.runs).toHaveLength(1);
  });
});

describe('a bad entry of a swept list is named by its index', () => {
  it.each([
    [{ machines: [40, 'x'] }, 'machines[1]', "machines[1]: must be a finite number or 'trace', got \"x\""],
    [{ machines: [40, Number.NaN] }, 'machines[1]', 'machines[1]: must be a finite number'],
    [{ seeds: [1, 1.5] }, 'seeds[1]', 'seeds[1] must be an integer'],
    [{ seeds: [2 ** 33] }, 'seeds[0]', 'seeds[0] must be an integer'],
  ])('%j', async (opts, field, text) => {
    // They said machines[1][0] (the index of a one-value list) and seed (an option not given).
    const e = await rejection(sweep({ trace: input, usage: 'request', policies: ['no_migration'], ...opts } as never));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.details.field).toBe(field);
    expect(e.message).toContain(text);
  });
});

/** A pool of 2 workers that counts the jobs handed to it. */
function countingPool(): { pool: ReplayPool; jobs: () => number } {
  const pool = new ReplayPool({ workers: 2 });
  let jobs = 0;
  const runJob = pool.runJob.bind(pool);
  pool.runJob = ((...args: Parameters<typeof runJob>) => { jobs++; return runJob(...args); }) as typeof pool.runJob;
  return { pool, jobs: () => jobs };
}

describe("tasks: 'finished' on an input without last events is refused before any job goes to a worker", () => {
  it('replay() and sweep() on a pool: refused naming tasks, and no job handed to the pool (each worker refused it in its preparation)', async () => {
    const { pool, jobs } = countingPool();
    try {
      expect(input.tasks.lastEvent).toBeUndefined();
      for (const call of [() => replay({ trace: input, usage: 'request', tasks: 'finished', pool }), () => sweep({ trace: input, usage: 'request', tasks: 'finished', machines: [20, 40], pool })]) {
        const e = await rejection(call);
        expect(e.code).toBe('INVALID_OPTION');
        expect(e.details.field).toBe('tasks');
      }
      expect(jobs()).toBe(0);
      // With last events, the same call runs on the pool.
      const withLast = { ...input, tasks: { ...input.tasks, lastEvent: new Int32Array(input.tasks.count).fill(4) } };
      expect((await replay({ trace: withLast, usage: 'request', tasks: 'finished', pool })).runs).toHaveLength(8);
      expect(jobs()).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });
});

describe('bad data in an input given in memory is refused before any job goes to a worker', () => {
  it('replay() and sweep() on a pool: the preparation\'s error (code, field, index), and no job handed to the pool', async () => {
    const { pool, jobs } = countingPool();
    try {
      const withTasks = (f: string, v: unknown) => ({ ...input, tasks: { ...input.tasks, [f]: v } });
      const nanRequest = Float64Array.from(input.tasks.cpuRequest);
      nanRequest[3] = Number.NaN;
      const negative = Float64Array.from(input.tasks.duration);
      negative[5] = -1;
      const cases: [object, Record<string, unknown>, string, string, number?][] = [
        // Found on the workers once the pool had started, before.
        [withTasks('cpuRequest', nanRequest), { usage: 'synthetic' }, 'NOT_FINITE', 'tasks.cpuRequest', 3],
        [withTasks('duration', negative), { usage: 'request' }, 'NEGATIVE_VALUE', 'tasks.duration', 5],
        [withTasks('priority', new Int32Array(1)), { usage: 'request' }, 'DIMENSION_MISMATCH', 'tasks.priority'],
        [{ ...input, end: input.start }, { usage: 'request' }, 'INVALID_OPTION', 'input.end'],
        [{ ...input, end: input.start + 2e14 }, { usage: 'request' }, 'INVALID_OPTION', 'tick'],
      ];
      for (const [trace, opts, code, field, index] of cases) {
        for (const call of [() => replay({ trace, ...opts, pool } as never), () => sweep({ trace, ...opts, machines: [20, 40], pool } as never)]) {
          const e = await rejection(call);
          expect({ code: e.code, field: e.details.field }, field).toEqual({ code, field });
          if (index !== undefined) expect(e.details.index).toBe(index);
        }
      }
      expect(jobs()).toBe(0);
      // The NaN request is refused under synthetic usage only: under 'request' the same input runs on the pool.
      expect((await replay({ trace: withTasks('cpuRequest', nanRequest), usage: 'request', policies: ['no_migration'], pool })).runs).toHaveLength(1);
      expect(jobs()).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });
});
