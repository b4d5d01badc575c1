/**
 * Batch-scheduling baselines the IPTAS engine is judged against (docs/model.md): FCFS
 * and EASY backfilling over a cluster of identical nodes with N processors in
 * total, jobs being gangs of `procs` processors. Each is one scheduling pass — a
 * pure function of the queue, the free processors and the running jobs at time
 * `now` — so the event-driven driver (`schedule-trace.ts`) and the tests call the
 * same code. Decisions are in docs/model.md ("IPTAS round scheduler").
 *
 * @module
 */

/** A waiting job as a pass sees it (queue order = submission order). */
export interface QueuedJob {
  /** Caller's job index. */
  index: number;
  /** Processors (integer ≥ 1). */
  procs: number;
  /** Requested run time (> 0). */
  requestedTime: number;
}

/** A running job as a pass sees it. */
export interface RunningJob {
  index: number;
  procs: number;
  /** `start + requestedTime`: the latest the job can end (jobs are killed at their requested time). */
  requestedEnd: number;
}

/** EASY's reservation for the head of the queue. */
export interface Reservation {
  /** Job index of the head. */
  job: number;
  /** Shadow time: the earliest time enough processors are free for the head, by requested end times. */
  time: number;
  /** Processors free at the shadow time beyond what the head needs, left after this pass's backfills. */
  extra: number;
}

/** Result of one pass: job indices to start now, in start order. */
export interface Pass {
  start: number[];
  /** EASY only: the head's reservation, when a job is still waiting after the pass. */
  reservation?: Reservation;
}

/** FCFS: start jobs from the head of the queue while they fit; stop at the first that does not. */
export function fcfsPass(queue: readonly QueuedJob[], free: number): Pass {
  const start: number[] = [];
  for (const j of queue) {
    if (j.procs > free) break;
    start.push(j.index);
    free -= j.procs;
  }
  return { start };
}

/**
 * EASY backfilling (Lifka's, as in Maui and Slurm's backfill, Mu'alem & Feitelson 2001):
 * 1. start jobs from the head while they fit (FCFS);
 * 2. the new head gets a reservation: running jobs (including those just started) sorted by
 *    requested end ascending (ties: job index), their processors added to the free count one
 *    by one until the head fits; that end is the shadow time, and the processors beyond the
 *    head's need at that time are the "extra" processors;
 * 3. every later job, in queue order, starts now if it fits in the free processors and either
 *    ends by the shadow time (`now + requestedTime ≤ shadow`, extra untouched) or uses only extra
 *    processors (`procs ≤ extra`, extra −= procs).
 * A backfilled job therefore never delays the head's reservation, and since jobs end at or before
 * their requested end the head starts no later than any reservation it was given.
 */
export function easyPass(queue: readonly QueuedJob[], free: number, running: readonly RunningJob[], now: number): Pass {
  const { start } = fcfsPass(queue, free);
  const startedSet = new Set(start);
  const run = running.slice();
  for (const j of queue) {
    if (!startedSet.has(j.index)) continue;
    free -= j.procs;
    run.push({ index: j.index, procs: j.procs, requestedEnd: now + j.requestedTime });
  }
  const rest = queue.slice(start.length);
  const head = rest[0];
  if (head === undefined) return { start };
  run.sort((a, b) => a.requestedEnd - b.requestedEnd || a.index - b.index);
  let avail = free;
  let shadow = Infinity;
  let extra = 0;
  for (const r of run) {
    avail += r.procs;
    if (avail >= head.procs) {
      shadow = r.requestedEnd;
      extra = avail - head.procs;
      break;
    }
  }
  for (let k = 1; k < rest.length; k++) {
    const j = rest[k]!;
    if (j.procs > free) continue;
    if (now + j.requestedTime <= shadow) {
      // ends by the shadow time: the head's processors are back in time
    } else if (j.procs <= extra) {
      extra -= j.procs;
    } else continue;
    start.push(j.index);
    free -= j.procs;
  }
  return { start, reservation: { job: head.index, time: shadow, extra } };
}
