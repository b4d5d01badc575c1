/**
 * Google ClusterData-2011 `task_events` → jobs of the batch-scheduling driver
 * (`schedule-trace.ts`): one job per task, with the task's CPU and memory
 * requests as a two-dimensional demand, so IPTAS, FCFS and EASY can be judged
 * on the Google sample as on an SWF log. Tasks whose last run does not end
 * inside the read window are dropped and counted (the driver needs a run time).
 * Decisions in docs/model.md ("IPTAS round scheduler", Google task_events → jobs).
 *
 * @module
 */
import { FairfitError } from '../../errors.ts';
import { TaskEvent as EVENT } from '../../io/google/schema.ts';
import type { TaskTable } from '../../model/tasks.ts';
import type { TraceJob } from './schedule-trace.ts';

/** Jobs of a Google trace, and what was left out. */
export interface GoogleJobs {
  /** One job per task that ended inside the window, in task-table order. */
  jobs: TraceJob[];
  /** Tasks read. */
  tasks: number;
  /** Dropped: still running at the window end (last event SCHEDULE or UPDATE_RUNNING). */
  droppedRunning: number;
  /** Dropped: waiting at the window end, never ended (last event SUBMIT or UPDATE_PENDING). */
  droppedPending: number;
}

/** Last events that end a run inside the window. */
const ENDED: ReadonlySet<number> = new Set([EVENT.EVICT, EVENT.FAIL, EVENT.FINISH, EVENT.KILL, EVENT.LOST]);

/**
 * Jobs of a Google 2011 task table (`readGoogleTrace` / `readTaskEvents`, src/io/google/):
 * - submit = first SUBMIT − window start, s (tasks present at time 0 are submitted at 0);
 * - run time = the trace duration (the sum of its runs, SCHEDULE → end event), s;
 * - requested time = the run time, at least 1 s (the trace has no estimate; the IPTAS length
 *   class then comes from it, `dataGB = requestedTime / secondsPerGB`);
 * - one task (`procs` 1) demanding `[cpuRequest, memRequest]` (normalised, largest machine 1);
 * - user = the dense user id (−1 unknown).
 * Tasks whose last event is not EVICT, FAIL, FINISH, KILL or LOST have no end inside the window:
 * they are dropped and counted (`droppedRunning`, `droppedPending`).
 */
export function jobsFromGoogle(input: { tasks: TaskTable; start: number }): GoogleJobs {
  const t = input.tasks;
  const last = t.lastEvent;
  if (last === undefined) throw new FairfitError('INVALID_OPTION', 'input.tasks.lastEvent is missing: read the trace with readGoogleTrace or readTaskEvents', { field: 'input.tasks.lastEvent' });
  const jobs: TraceJob[] = [];
  let droppedRunning = 0;
  let droppedPending = 0;
  for (let i = 0; i < t.count; i++) {
    const e = last[i]!;
    if (!ENDED.has(e)) {
      if (e === EVENT.SCHEDULE || e === EVENT.UPDATE_RUNNING) droppedRunning++;
      else droppedPending++;
      continue;
    }
    const run = t.duration[i]! / 1e6;
    jobs.push({
      id: `${t.jobId[i]!}/${t.taskIndex[i]!}`,
      submit: Math.max(0, (t.submit[i]! - input.start) / 1e6),
      runTime: run,
      requestedTime: Math.max(run, 1),
      procs: 1,
      demand: [t.cpuRequest[i]!, t.memRequest[i]!],
      user: t.user?.[i] ?? -1,
    });
  }
  return { jobs, tasks: t.count, droppedRunning, droppedPending };
}
