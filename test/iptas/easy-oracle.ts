/**
 * Independent oracle for the FCFS and EASY baselines (test helper, not product code).
 *
 * Written from the textbook definitions (Lifka's EASY; Mu'alem & Feitelson 2001: one
 * reservation, for the queue head, at the "shadow time"; later jobs backfill if they end
 * by it or use only the "extra" processors) and from the conventions of docs/model.md
 * (IPTAS section, "EASY", "Driver", "Vector resources"), without the project's code:
 * - a job occupies its processors for min(runTime, requestedTime) (killed at its limit);
 * - at an event time: ends, then submissions (submit time, ties by index), then one pass;
 *   a job started with zero length ends at once and another pass runs at that instant;
 * - scalar capacity: processors are pooled (N·P), a job of p processors needs p free;
 * - vector capacity: each of the p tasks by first fit over nodes in index order, all or
 *   nothing, residuals given back clamped to the capacity, and exactly the capacity once a node
 *   has no task left (docs/model.md: rounding must not keep a whole-node job out of an idle node);
 * - the reservation is computed from the running jobs' *requested* ends, in requested-end
 *   order, ties by job index; at the shadow time every running job whose requested end is
 *   ≤ the shadow time has given its processors back (a time, not a job, is the shadow).
 * Times are whatever unit the caller uses (seconds in the tests).
 */

export interface OracleJob {
  submit: number;
  runTime: number;
  requestedTime: number;
  procs: number;
  /** Per-task demand (vector capacity only). */
  demand?: readonly number[];
}

export interface OracleResult {
  start: number[];
  end: number[];
  killed: boolean[];
}

interface Running {
  j: number;
  reqEnd: number;
  end: number;
  /** Vector case: node of each task. */
  nodes?: number[];
}

/** The simulator; `capacity` a number (processors per node, pooled) or a vector (first fit). */
export function simulateBaseline(
  jobs: readonly OracleJob[],
  algorithm: 'fcfs' | 'easy',
  nodes: number,
  capacity: number | readonly number[] = 1,
): OracleResult {
  const n = jobs.length;
  const start = new Array<number>(n).fill(NaN);
  const end = new Array<number>(n).fill(NaN);
  const killed = new Array<boolean>(n).fill(false);
  const vector = typeof capacity !== 'number';
  const cap = vector ? [...(capacity as readonly number[])] : [];
  const D = cap.length;
  // A node's row: its residual per dimension, then (index D) the number of tasks on it.
  const resid: number[][] = vector ? Array.from({ length: nodes }, () => [...cap, 0]) : [];
  let free = vector ? 0 : nodes * (capacity as number);

  const demandOf = (j: number): number[] => {
    const d = jobs[j]!.demand ?? [1];
    return Array.from({ length: D }, (_, k) => d[k] ?? 0);
  };

  /** First fit of job j's tasks on tentative residuals (a sparse copy of `res`); node per task, or undefined. */
  const firstFit = (j: number, res: number[][]): number[] | undefined => {
    const d = demandOf(j);
    const t = new Map<number, number[]>();
    const placed: number[] = [];
    for (let k = 0; k < jobs[j]!.procs; k++) {
      let found = -1;
      for (let v = 0; v < res.length && found < 0; v++) {
        const r = t.get(v) ?? res[v]!;
        if (d.every((x, i) => r[i]! >= x)) found = v;
      }
      if (found < 0) return undefined;
      const r = [...(t.get(found) ?? res[found]!)];
      for (let i = 0; i < D; i++) r[i] = r[i]! - d[i]!;
      t.set(found, r);
      placed.push(found);
    }
    return placed;
  };
  const take = (j: number, where: number[], res: number[][]): void => {
    const d = demandOf(j);
    for (const v of where) {
      for (let i = 0; i < D; i++) res[v]![i] = res[v]![i]! - d[i]!;
      res[v]![D] = res[v]![D]! + 1;
    }
  };
  const giveBack = (j: number, where: number[], res: number[][]): void => {
    const d = demandOf(j);
    for (const v of where) {
      res[v]![D] = res[v]![D]! - 1;
      for (let i = 0; i < D; i++) res[v]![i] = res[v]![D] === 0 ? cap[i]! : Math.min(res[v]![i]! + d[i]!, cap[i]!);
    }
  };

  // Jobs that fit no empty cluster never start (the harness drops them before).
  const fitsEmpty = (j: number): boolean =>
    vector ? firstFit(j, Array.from({ length: nodes }, () => [...cap, 0])) !== undefined : jobs[j]!.procs <= free;

  const order = [...Array(n).keys()].filter(fitsEmpty).sort((a, b) => jobs[a]!.submit - jobs[b]!.submit || a - b);
  const queue: number[] = [];
  let running: Running[] = [];
  let next = 0;

  const startJob = (j: number, now: number, where?: number[]): Running => {
    const job = jobs[j]!;
    start[j] = now;
    killed[j] = job.runTime > job.requestedTime;
    end[j] = now + Math.min(job.runTime, job.requestedTime);
    const r: Running = { j, reqEnd: now + job.requestedTime, end: end[j]!, nodes: where };
    if (vector) take(j, where!, resid);
    else free -= job.procs;
    running.push(r);
    return r;
  };

  const pass = (now: number): void => {
    const started = new Set<number>();
    // FCFS part (both algorithms): from the head while jobs fit.
    let i = 0;
    for (; i < queue.length; i++) {
      const j = queue[i]!;
      if (vector) {
        const w = firstFit(j, resid);
        if (!w) break;
        startJob(j, now, w);
      } else {
        if (jobs[j]!.procs > free) break;
        startJob(j, now);
      }
      started.add(j);
    }
    if (algorithm === 'easy' && i < queue.length) {
      const head = queue[i]!;
      const byReqEnd = [...running].sort((a, b) => a.reqEnd - b.reqEnd || a.j - b.j);
      let shadow = Infinity;
      if (!vector) {
        const need = jobs[head]!.procs;
        let avail = free;
        for (const r of byReqEnd) {
          avail += jobs[r.j]!.procs;
          if (avail >= need) {
            shadow = r.reqEnd;
            break;
          }
        }
        let atShadow = free;
        for (const r of running) if (r.reqEnd <= shadow) atShadow += jobs[r.j]!.procs;
        let extra = atShadow - need;
        for (let k = i + 1; k < queue.length; k++) {
          const j = queue[k]!;
          const p = jobs[j]!.procs;
          if (p > free) continue;
          if (now + jobs[j]!.requestedTime <= shadow) {
            startJob(j, now);
          } else if (p <= extra) {
            startJob(j, now);
            extra -= p;
          } else continue;
          started.add(j);
        }
      } else {
        const sim = resid.map((r) => [...r]);
        for (const r of byReqEnd) {
          giveBack(r.j, r.nodes!, sim);
          if (firstFit(head, sim)) {
            shadow = r.reqEnd;
            break;
          }
        }
        // The cluster at the shadow time: every job with requested end ≤ shadow is back.
        const atShadow = resid.map((r) => [...r]);
        for (const r of byReqEnd) if (r.reqEnd <= shadow) giveBack(r.j, r.nodes!, atShadow);
        for (let k = i + 1; k < queue.length; k++) {
          const j = queue[k]!;
          const w = firstFit(j, resid);
          if (!w) continue;
          if (now + jobs[j]!.requestedTime <= shadow) {
            startJob(j, now, w);
          } else {
            const trial = atShadow.map((r) => [...r]);
            take(j, w, trial);
            if (!firstFit(head, trial)) continue;
            startJob(j, now, w);
            take(j, w, atShadow);
          }
          started.add(j);
        }
      }
    }
    for (let k = queue.length - 1; k >= 0; k--) if (started.has(queue[k]!)) queue.splice(k, 1);
  };

  const endsAt = (now: number): boolean => {
    const done = running.filter((r) => r.end <= now);
    if (done.length === 0) return false;
    running = running.filter((r) => r.end > now);
    for (const r of done) {
      if (vector) giveBack(r.j, r.nodes!, resid);
      else free += jobs[r.j]!.procs;
    }
    return true;
  };

  while (next < order.length || queue.length > 0 || running.length > 0) {
    let now = Infinity;
    if (next < order.length) now = jobs[order[next]!]!.submit;
    for (const r of running) now = Math.min(now, r.end);
    if (now === Infinity) break; // queue not empty but nothing runs: cannot happen (jobs fit an empty cluster)
    endsAt(now);
    while (next < order.length && jobs[order[next]!]!.submit <= now) queue.push(order[next++]!);
    pass(now);
    // Zero-length runs end at this instant and free their processors: pass again.
    while (endsAt(now)) pass(now);
  }
  return { start, end, killed };
}

/** SWF text → jobs with docs/model.md's conventions (jobsFromSwf), parsed independently. */
export function parseSwfText(text: string): { jobs: OracleJob[]; users: number[] } {
  const jobs: OracleJob[] = [];
  const users: number[] = [];
  for (const line of text.split('\n')) {
    const s = line.trim();
    if (s === '' || s.startsWith(';')) continue;
    const f = s.split(/\s+/).map(Number);
    if (f.length !== 18) throw new Error(`bad SWF line: ${s}`);
    const run = f[3]! < 0 ? 0 : f[3]!;
    // Processors: allocated, else requested, else 1 (0 and −1 both mean unknown).
    const procs = f[4]! > 0 ? f[4]! : f[7]! > 0 ? f[7]! : 1;
    // Requested time −1 (unknown), or 0 (no usable limit): the run time, at least 1 s (exact estimates).
    const req = f[8]! > 0 ? f[8]! : Math.max(run, 1);
    jobs.push({ submit: f[1]!, runTime: run, requestedTime: req, procs });
    users.push(f[11]!);
  }
  return { jobs, users };
}
