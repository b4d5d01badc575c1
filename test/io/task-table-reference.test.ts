/**
 * On the real task_events part, the columnar task table equals a plain
 * object-per-task reference written from the docs/model.md rules over
 * `String.split` of the gunzipped text (a differential test of the reader
 * and of the derivation, on all 450,146 events).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readTaskEvents } from '../../src/io/google/task-events.ts';

const TE = join(import.meta.dirname, '../../../shared/traces/google2011/task_events/part-00000-of-00500.csv.gz');
const HAVE = existsSync(TE);
if (!HAVE) console.warn(`skipped: the real Google 2011 task_events part is absent (${TE})`);

interface RefTask {
  job: number;
  index: number;
  submit: number;
  duration: number;
  runStart: number | null;
  cpu: number | null;
  mem: number | null;
  priority: number;
  runs: number;
  last: number;
}

function reference(text: string): { tasks: RefTask[]; end: number } {
  const byKey = new Map<string, RefTask>();
  const tasks: RefTask[] = [];
  let end = 600e6;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const f = line.split(',');
    const raw = Number(f[0]);
    const t = raw === 0 ? 600e6 : raw;
    if (t > end) end = t;
    const key = `${f[2]}/${f[3]}`;
    let task = byKey.get(key);
    if (!task) {
      task = { job: Number(f[2]), index: Number(f[3]), submit: t, duration: 0, runStart: null, cpu: null, mem: null, priority: Number(f[8]), runs: 0, last: -1 };
      byKey.set(key, task);
      tasks.push(task);
    }
    if (task.cpu === null && f[9] !== '') task.cpu = Number(f[9]);
    if (task.mem === null && f[10] !== '') task.mem = Number(f[10]);
    const e = Number(f[5]);
    if (e === 1) {
      if (task.runStart !== null) task.duration += t - task.runStart;
      task.runStart = t;
      task.runs++;
    } else if (e >= 2 && e <= 6 && task.runStart !== null) {
      task.duration += t - task.runStart;
      task.runStart = null;
    }
    task.last = e;
  }
  for (const task of tasks) if (task.runStart !== null) task.duration += end - task.runStart;
  return { tasks, end };
}

describe.skipIf(!HAVE)('task table on the real part', () => {
  it('equals the object-per-task reference for every task', async () => {
    const ref = reference(gunzipSync(readFileSync(TE)).toString('latin1'));
    const got = await readTaskEvents(TE);
    expect(got.end).toBe(ref.end);
    expect(got.tasks.count).toBe(ref.tasks.length);
    const t = got.tasks;
    let diff = 0;
    const first: string[] = [];
    ref.tasks.forEach((r, i) => {
      const same =
        t.jobId[i] === r.job &&
        t.taskIndex[i] === r.index &&
        t.submit[i] === r.submit &&
        t.duration[i] === r.duration &&
        t.cpuRequest[i] === (r.cpu ?? 0) &&
        t.memRequest[i] === (r.mem ?? 0) &&
        t.priority[i] === r.priority &&
        t.runs![i] === r.runs &&
        t.lastEvent![i] === r.last;
      if (!same) {
        diff++;
        if (first.length < 3) first.push(`task ${i}: ${JSON.stringify(r)} vs duration ${t.duration[i]} submit ${t.submit[i]}`);
      }
    });
    expect(first).toEqual([]);
    expect(diff).toBe(0);
  });
});
