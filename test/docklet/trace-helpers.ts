/** Tiny Google 2011 trace folders written by the tests (task_events and machine_events, gzip part files). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One task event: time (s; 0 = before the trace), job, task index, event type, user, cpu and mem request ('' = empty). */
export type TaskRow = [time: number, job: number, task: number, event: number, user: string, cpu: number | '', mem: number | ''];
/** One machine event: time (s), machine, event type (0 ADD, 1 REMOVE, 2 UPDATE), cpu, mem ('' = empty). */
export type MachineRow = [time: number, machine: number, event: number, cpu: number | '', mem: number | ''];

/** The task_events line of a row (13 fields; times in µs, time 0 kept as 0). */
export function taskLine([t, job, task, ev, user, cpu, mem]: TaskRow): string {
  return [t * 1e6, '', job, task, '', ev, user, 0, 0, cpu, mem, 0, 0].join(',');
}

/** Writes `dir`/task_events/part-00000-of-00001.csv.gz and `dir`/machine_events/part-00000-of-00001.csv.gz; `extra` lines are appended to task_events as they are. */
export function writeTrace(dir: string, tasks: TaskRow[], machines: MachineRow[], extra: string[] = []): string {
  mkdirSync(join(dir, 'task_events'), { recursive: true });
  mkdirSync(join(dir, 'machine_events'), { recursive: true });
  const te = [...tasks.map(taskLine), ...extra].join('\n') + '\n';
  const me = machines.map(([t, m, ev, cpu, mem]) => [t * 1e6, m, ev, 'p', cpu, mem].join(',')).join('\n') + '\n';
  writeFileSync(join(dir, 'task_events', 'part-00000-of-00001.csv.gz'), gzipSync(te));
  writeFileSync(join(dir, 'machine_events', 'part-00000-of-00001.csv.gz'), gzipSync(me));
  return dir;
}

/**
 * Two hosts (cpu 1, mem 1). Job 1 (two tasks of cpu 0.5, mem 0.25) is there at the start and ends at
 * 1000 s; job 2 (one task of cpu 0.75, mem 0.25) is submitted at 700 s and ends at 1500 s (the window end).
 * Worked in test/docklet/trace-replay.test.ts.
 */
export const WAIT_TRACE: { tasks: TaskRow[]; machines: MachineRow[] } = {
  tasks: [
    [0, 1, 0, 0, 'alice', 0.5, 0.25], [0, 1, 1, 0, 'alice', 0.5, 0.25],
    [0, 1, 0, 1, 'alice', 0.5, 0.25], [0, 1, 1, 1, 'alice', 0.5, 0.25],
    [700, 2, 0, 0, 'bob', 0.75, 0.25], [700, 2, 0, 1, 'bob', 0.75, 0.25],
    [1000, 1, 0, 4, 'alice', 0.5, 0.25], [1000, 1, 1, 4, 'alice', 0.5, 0.25],
    [1500, 2, 0, 4, 'bob', 0.75, 0.25],
  ],
  machines: [[0, 11, 0, 1, 1], [0, 12, 0, 1, 1]],
};

/**
 * Three machines that come and go (`machineEvents: 'apply'`): hosts 11 and 12 at the start, 13 added
 * at 800 s, 11 and 12 removed at 900 and 950 s, then an UPDATE, a repeated ADD and a REMOVE of no
 * host (not applied), and an ADD after the window. Jobs 1 (two members from the start to 1000 s), 2
 * (one member from 700 s, held 500 s) and 9 (one at 1400 s, to the window end at 1500 s). Worked in
 * test/docklet/trace-replay-machines.test.ts.
 */
export const CHURN_TRACE: { tasks: TaskRow[]; machines: MachineRow[] } = {
  tasks: [
    // Job 1: two members of (0.5, 0.25) from the start, until 1000 s.
    [0, 1, 0, 0, 'ann', 0.5, 0.25], [0, 1, 1, 0, 'ann', 0.5, 0.25], [0, 1, 0, 1, 'ann', 0.5, 0.25], [0, 1, 1, 1, 'ann', 0.5, 0.25],
    [1000, 1, 0, 4, 'ann', 0.5, 0.25], [1000, 1, 1, 4, 'ann', 0.5, 0.25],
    // Job 2: one member of (0.75, 0.25), submitted at 700 s, held 500 s.
    [700, 2, 0, 0, 'bo', 0.75, 0.25], [700, 2, 0, 1, 'bo', 0.75, 0.25], [1200, 2, 0, 4, 'bo', 0.75, 0.25],
    // Job 9: one small member at 1400 s, held 100 s: the window ends at 1500 s.
    [1400, 9, 0, 0, 'bo', 0.1, 0.1], [1400, 9, 0, 1, 'bo', 0.1, 0.1], [1500, 9, 0, 4, 'bo', 0.1, 0.1],
  ],
  machines: [
    [0, 11, 0, 1, 1], [0, 12, 0, 1, 1],
    [800, 13, 0, 1, 1], // added
    [900, 11, 1, '', ''], // removed: job 1's member there moves to host 12
    [950, 12, 1, '', ''], // removed: job 1's two members find no room on host 13: job 1 is evicted
    [1000, 13, 2, 0.5, 0.5], // an UPDATE: not applied
    [1100, 13, 0, 1, 1], // host 13 is there already: not applied
    [1100, 99, 1, '', ''], // no such host: not applied
    [2000, 14, 0, 1, 1], // after the window
  ],
};
