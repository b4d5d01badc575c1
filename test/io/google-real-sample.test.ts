/**
 * The Google 2011 reader reads the real sample (outside the repository; the
 * tests are skipped without it) with its published row counts, hand-checked rows, and survives corrupted copies of it:
 * bad lines skipped and counted (valid rows kept), truncated gzip kept up to
 * the break, strict mode stopping at the first problem.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readGoogleTrace } from '../../src/io/google/trace-folder.ts';
import { expectedTasks, readTaskEvents } from '../../src/io/google/task-events.ts';
import { tableBatches } from '../../src/io/google/part-files.ts';
import { TASK_EVENTS_SPEC, TRACE_START } from '../../src/io/google/schema.ts';
import { Problems } from '../../src/io/csv/problems.ts';

const TRACE = join(import.meta.dirname, '../../../shared/traces/google2011');
const HAVE = existsSync(TRACE);
if (!HAVE) console.warn(`skipped: the real Google 2011 sample is absent (${TRACE})`);
const TE = join(TRACE, 'task_events/part-00000-of-00500.csv.gz');

describe.skipIf(!HAVE)('real Google 2011 sample', () => {
  let trace: Awaited<ReturnType<typeof readGoogleTrace>>;
  beforeAll(async () => {
    trace = await readGoogleTrace(TRACE);
  });

  it('the task table\'s first size, guessed from the file sizes, is at least its task count (an underestimate only grows the columns as before)', () => {
    expect(expectedTasks([TE])).toBeGreaterThanOrEqual(190926);
    expect(expectedTasks([TE])).toBeLessThan(2 * 190926);
  });

  it('has the row counts of PROVENANCE.md', async () => {
    expect(trace.summary.skipped).toBe(0);
    expect(trace.summary.rows).toBe(450146 + 120 + 37780);
    expect(trace.tasks.count).toBe(190926);
    expect(trace.usage!.count).toBe(120);
    expect(trace.source!.usageUnmatched).toBe(0); // all 120 usage tasks are in task_events part 00000
    expect(trace.machineEvents!.count).toBe(37780);
    expect(trace.machineEvents!.machines).toBe(12583);
    expect(trace.start).toBe(600e6);
    expect(trace.end).toBe(5611086346);
    // event-type counts straight from the raw columns
    const counts = new Array(9).fill(0);
    let zero = 0;
    const jobs = new Set<number>();
    for await (const b of tableBatches(TE, TASK_EVENTS_SPEC, new Problems(true))) {
      for (let i = 0; i < b.rows; i++) {
        counts[b.cols.eventType![i]!]++;
        if (b.cols.time![i] === 0) zero++;
        jobs.add(b.cols.jobId![i]!);
      }
    }
    expect(counts.slice(0, 6)).toEqual([201491, 189994, 4338, 581, 43237, 10505]);
    expect(zero).toBe(277321);
    expect(jobs.size).toBe(4895);
  });

  it('reads hand-checked rows', () => {
    const t = trace.tasks;
    // line 1: 0,2,3418309,0,4155527081,0,<user>,3,9,,,, (missing info 2: no requests in this row)
    expect(t.jobId[0]).toBe(3418309);
    expect(t.taskIndex[0]).toBe(0);
    expect(t.priority[0]).toBe(9);
    expect(t.schedulingClass[0]).toBe(3);
    expect(t.submit[0]).toBe(TRACE_START); // time 0 = state at the trace start
    // line 3: 0,,3418314,0,3938719206,0,<user>,3,9,0.125,0.07446,0.0004244,0
    expect(t.jobId[2]).toBe(3418314);
    expect(t.cpuRequest[2]).toBe(0.125);
    expect(t.memRequest[2]).toBe(0.07446);
    // last line: 5611086346,,515042969,26,,0,... SUBMIT of a task first seen earlier, same job as 5611086343 (KILL)
    const u = trace.usage!;
    // task_usage line 1: 600000000,900000000,3418309,0,4155527081,0.001562,0.06787,0.07568,…,0.03967 (max cpu),…,0.007243 (MAI)
    expect(u.task[0]).toBe(0);
    expect(u.start[0]).toBe(600e6);
    expect(u.end[0]).toBe(900e6);
    expect(u.cpu[0]).toBe(0.001562);
    expect(u.mem[0]).toBe(0.07568);
    expect(u.maxCpu[0]).toBe(0.03967);
    expect(u.mai[0]).toBe(0.007243);
    // machine_events line 1: 0,5,0,<platform>,0.5,0.2493
    const m = trace.machineEvents!;
    expect([m.time[0], m.machine[0], m.type[0], m.cpu[0], m.mem[0]]).toEqual([600e6, 0, 0, 0.5, 0.2493]);
  });

  it('derives run times within the window and every task one dense id', () => {
    const t = trace.tasks;
    const window = trace.end - trace.start;
    const seen = new Set<number>();
    let outside = 0;
    for (let i = 0; i < t.count; i++) {
      if (!(t.duration[i]! >= 0 && t.duration[i]! <= window && t.submit[i]! >= trace.start)) outside++;
      seen.add(t.jobId[i]! * 1048576 + t.taskIndex[i]!);
    }
    expect(outside).toBe(0);
    expect(seen.size).toBe(t.count);
    // job 3418309 task 0 is scheduled at time 0 and never ends in part 00000: it runs the whole window.
    expect(t.duration[0]).toBe(window);
  });

  it('reads only the first part with taskEventParts, and machine_events/usage can be left out', async () => {
    const r = await readGoogleTrace(TRACE, { usage: false, machineEvents: false, taskEventParts: 1 });
    expect(r.usage).toBeUndefined();
    expect(r.machineEvents).toBeUndefined();
    expect(r.tasks.count).toBe(190926);
  });

  describe('corrupted copies', () => {
    // Made before the first test: made while the file was collected, it stayed when the suite was skipped
    // (no ../shared, or a -t that selects none of it), since a skipped suite runs no afterAll.
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'fairfit-google-'));
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
    const text = HAVE ? gunzipSync(readFileSync(TE)) : Buffer.alloc(0);

    it('skips bad lines, counts them, names file:line, and keeps every valid row', async () => {
      const lines = text.toString('latin1').split('\n');
      lines.pop(); // final newline
      const bad = [...lines];
      bad.splice(9, 0, '0,,3418309,0,4155527081,0'); // becomes line 10: too few fields
      bad.splice(19, 0, lines[19]!.replace(/^0,/, 'zero,')); // line 20: non-numeric time
      bad.splice(29, 0, '0,,,0,1,0,u,3,9,,,,'); // line 30: missing job ID
      const d = join(dir, 'bad/task_events');
      mkdirSync(d, { recursive: true });
      const f = join(d, 'part-00000-of-00001.csv.gz');
      writeFileSync(f, gzipSync(bad.join('\n') + '\n'));
      const r = await readTaskEvents(d);
      expect(r.summary.rows).toBe(450146);
      expect(r.tasks.count).toBe(190926);
      expect(r.summary.skipped).toBe(3);
      expect(r.summary.firstProblems).toEqual([
        `${f}:10: wrong column count: 6 fields, expected 13`,
        `${f}:20: field 1 (time) is not a number`,
        `${f}:30: field 3 (jobId) is missing`,
      ]);
      await expect(readGoogleTrace(join(dir, 'bad'), { strict: true })).rejects.toMatchObject({ code: 'PARSE_ERROR', message: `${f}:10: wrong column count: 6 fields, expected 13` });
    });

    it('keeps the rows before a truncated gzip and reports CORRUPT_INPUT in strict mode', async () => {
      const d = join(dir, 'cut/task_events');
      mkdirSync(d, { recursive: true });
      const f = join(d, 'part-00000-of-00500.csv.gz');
      const gz = readFileSync(TE);
      writeFileSync(f, gz.subarray(0, Math.floor(gz.length * 0.6)));
      const r = await readTaskEvents(d);
      expect(r.summary.rows).toBeGreaterThan(200000);
      expect(r.summary.rows).toBeLessThan(450146);
      expect(r.summary.corruptFiles).toBe(1);
      expect(r.summary.firstProblems[0]).toContain(`${f}:`);
      expect(r.summary.firstProblems[0]).toContain('corrupt or truncated gzip');
      await expect(readTaskEvents(d, { strict: true })).rejects.toMatchObject({ code: 'CORRUPT_INPUT' });
    });

    it('reports a corrupt gzip (bytes overwritten) as CORRUPT_INPUT naming the file', async () => {
      const d = join(dir, 'garbled/task_events');
      mkdirSync(d, { recursive: true });
      const f = join(d, 'part-00000-of-00500.csv.gz');
      const gz = Buffer.from(readFileSync(TE));
      for (let i = 1000; i < 1400; i++) gz[i] = (gz[i]! * 31 + 7) & 255;
      writeFileSync(f, gz);
      const err = (await readTaskEvents(d, { strict: true }).then(
        () => ({ code: 'no error', message: '' }),
        (e: unknown) => e,
      )) as { code: string; message: string };
      expect(err.code).toBe('CORRUPT_INPUT');
      expect(err.message).toContain(f);
      const r = await readTaskEvents(d);
      expect(r.summary.corruptFiles).toBe(1);
    });

    it('reports a missing folder as FILE_NOT_FOUND naming the path', async () => {
      const p = join(dir, 'missing');
      await expect(readGoogleTrace(p)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringContaining(p) });
      mkdirSync(join(dir, 'empty/task_events'), { recursive: true });
      copyFileSync(join(TRACE, 'schema.csv'), join(dir, 'empty/task_events/schema.csv'));
      await expect(readGoogleTrace(join(dir, 'empty'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    });
  });
});
