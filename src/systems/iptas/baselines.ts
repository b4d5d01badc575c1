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
 *    by one until the head fits; that end is the shadow time, and the processors free at that
 *    time (every job with that requested end given back, not only the one that made the head
 *    fit) beyond the head's need are the "extra" processors;
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
  for (let i = 0; i < run.length; i++) {
    avail += run[i]!.procs;
    if (avail >= head.procs) {
      shadow = run[i]!.requestedEnd;
      // The shadow is a time: every job whose requested end is that time has given its processors
      // back by then, not only the one that made the head fit (it used to stop there, which left
      // the tied jobs' processors out of the extra and refused backfills EASY allows).
      for (let k = i + 1; k < run.length && run[k]!.requestedEnd === shadow; k++) avail += run[k]!.procs;
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

// ------------------------------------------------------------ vector resources

/**
 * Per-node residuals of a cluster of identical nodes with a D-dimensional capacity,
 * for the vector form of the baselines (jobs whose tasks demand, e.g., CPU and memory).
 * A job is a gang of `procs` tasks of one demand vector; it is placed by first fit over
 * the nodes in index order, member after member on tentative residuals, all or nothing.
 * A node fits a task iff `residual[d] ≥ demand[d]` for every d (as in the IPTAS engine);
 * releases are clamped to the capacity so rounding cannot grow a node, and a node left with no
 * member gets exactly its capacity back: given back in another order than taken, (1 − 0.1 − 0.2
 * − 0.3) + 0.2 + 0.3 + 0.1 is 0.9999999999999999, and a job demanding a whole node would then
 * never start, even on an idle cluster.
 */
export class NodePool {
  /** Residuals, node-major: `res[node·D + d]`. */
  readonly res: Float64Array;
  /** Members placed on each node (taken and not yet given back). */
  private readonly members: Int32Array;
  constructor(readonly nodes: number, readonly capacity: readonly number[]) {
    const D = capacity.length;
    this.res = new Float64Array(nodes * D);
    this.members = new Int32Array(nodes);
    for (let k = 0; k < nodes; k++) for (let d = 0; d < D; d++) this.res[k * D + d] = capacity[d]!;
  }
  /** A copy with the same residuals. */
  clone(): NodePool {
    const p = new NodePool(this.nodes, this.capacity);
    p.res.set(this.res);
    p.members.set(this.members);
    return p;
  }
  /** The nodes first fit chooses for the `procs` members of a gang (one entry per member), or undefined if it does not fit now. */
  fit(demand: readonly number[], procs: number): number[] | undefined {
    const D = this.capacity.length;
    const tentative = new Map<number, number>(); // node → members tentatively placed there
    const chosen: number[] = [];
    let k = 0;
    for (let m = 0; m < procs; m++) {
      for (; k < this.nodes; k++) {
        const c = tentative.get(k) ?? 0;
        let ok = true;
        for (let d = 0; d < D; d++) {
          if (this.res[k * D + d]! - c * demand[d]! < demand[d]!) {
            ok = false;
            break;
          }
        }
        if (ok) break;
      }
      if (k >= this.nodes) return undefined;
      tentative.set(k, (tentative.get(k) ?? 0) + 1);
      chosen.push(k);
    }
    return chosen;
  }
  /** Whether node `k` fits one task of `demand` now. */
  fitsOn(k: number, demand: readonly number[]): boolean {
    const D = this.capacity.length;
    for (let d = 0; d < D; d++) if (this.res[k * D + d]! < demand[d]!) return false;
    return true;
  }
  /** Takes one member's demand from each chosen node. */
  take(demand: readonly number[], chosen: readonly number[]): void {
    const D = this.capacity.length;
    for (const k of chosen) {
      for (let d = 0; d < D; d++) this.res[k * D + d] = this.res[k * D + d]! - demand[d]!;
      this.members[k]! += 1;
    }
  }
  /** Gives one member's demand back to each chosen node (at most the capacity; exactly the capacity once the node has no member left). */
  give(demand: readonly number[], chosen: readonly number[]): void {
    const D = this.capacity.length;
    for (const k of chosen) {
      const left = Math.max(0, this.members[k]! - 1);
      this.members[k] = left;
      for (let d = 0; d < D; d++) this.res[k * D + d] = left === 0 ? this.capacity[d]! : Math.min(this.res[k * D + d]! + demand[d]!, this.capacity[d]!);
    }
  }
  /** Largest residual per dimension over the nodes: a task demanding more in some dimension fits nowhere. */
  maxResidual(): Float64Array {
    const D = this.capacity.length;
    const m = new Float64Array(D);
    for (let k = 0; k < this.nodes; k++) for (let d = 0; d < D; d++) if (this.res[k * D + d]! > m[d]!) m[d] = this.res[k * D + d]!;
    return m;
  }
}

/** A waiting job of the vector baselines. */
export interface QueuedVectorJob extends QueuedJob {
  /** Demand of each member, one number per dimension. */
  demand: readonly number[];
}

/** A running job of the vector baselines: where its members are. */
export interface RunningVectorJob extends RunningJob {
  demand: readonly number[];
  /** Node of each member. */
  nodes: readonly number[];
}

/** Result of a vector pass: the jobs to start now and where, in start order. */
export interface VectorPass {
  start: { index: number; nodes: number[] }[];
  /** EASY only: the head's shadow time (`extra` is not defined for vectors and is reported as 0). */
  reservation?: Reservation;
}

function exceeds(demand: readonly number[], max: Float64Array): boolean {
  for (let d = 0; d < max.length; d++) if (demand[d]! > max[d]!) return true;
  return false;
}

/**
 * FCFS over vector resources: start jobs from the head while they fit (first fit on
 * `pool`, which is updated); stop at the first that does not.
 */
export function fcfsVectorPass(queue: readonly QueuedVectorJob[], pool: NodePool): VectorPass {
  const start: VectorPass['start'] = [];
  for (const j of queue) {
    const nodes = pool.fit(j.demand, j.procs);
    if (!nodes) break;
    pool.take(j.demand, nodes);
    start.push({ index: j.index, nodes });
  }
  return { start };
}

/**
 * EASY backfilling over vector resources, the same rule as {@link easyPass} with node
 * placement instead of a processor count:
 * 1. FCFS from the head (first fit);
 * 2. the shadow time: running jobs (with those just started) by requested end ascending (ties:
 *    index) give their members back to a copy of the residuals until the head fits there; that
 *    requested end is the shadow time, and the copy with every job of that requested end given
 *    back is the cluster at the shadow time;
 * 3. every later job, in queue order, starts now if it fits now and either ends by the shadow
 *    time, or the head still fits in the shadow copy once the job's members are taken from it
 *    (it is still running then on the nodes it gets now) — the vector form of "uses only extra
 *    processors".
 * Backfilled jobs therefore never delay the head's reservation. Jobs whose demand exceeds the
 * largest residual in some dimension are skipped without a scan, and the shadow time is only
 * computed once a candidate fits now. Options: `runningSorted` — the caller keeps `running`
 * sorted by (requested end, index), so the pass does not sort it; `reservation: false` — the
 * reservation is not needed in the result (saves computing it when nothing backfills).
 */
export function easyVectorPass(queue: readonly QueuedVectorJob[], pool: NodePool, running: readonly RunningVectorJob[], now: number, options: { runningSorted?: boolean; reservation?: boolean } = {}): VectorPass {
  const runningSorted = options.runningSorted === true;
  const { start } = fcfsVectorPass(queue, pool);
  const rest = queue.slice(start.length);
  const head = rest[0];
  if (head === undefined) return { start };
  const byEnd = (a: RunningVectorJob, b: RunningVectorJob) => a.requestedEnd - b.requestedEnd || a.index - b.index;
  // The shadow time is computed when the first candidate fits now (a full cluster skips it).
  let shadow = Infinity;
  let shadowPool: NodePool | undefined;
  const computeShadow = (): NodePool => {
    const fresh: RunningVectorJob[] = start.map((s, k) => {
      const j = queue[k]!;
      return { index: j.index, procs: j.procs, requestedEnd: now + j.requestedTime, demand: j.demand, nodes: s.nodes };
    }).sort(byEnd);
    const old = runningSorted ? running : running.slice().sort(byEnd);
    const sp = pool.clone();
    let a = 0, b = 0;
    while (a < old.length || b < fresh.length) {
      const r = b >= fresh.length || (a < old.length && byEnd(old[a]!, fresh[b]!) < 0) ? old[a++]! : fresh[b++]!;
      // Past the shadow time: the copy is the cluster at that time once every job whose requested
      // end is the shadow time is back (not only the one that made the head fit).
      if (r.requestedEnd > shadow) break;
      sp.give(r.demand, r.nodes);
      if (shadow !== Infinity) continue;
      // A one-task head fits once a node it was given back to fits it; a gang needs the full first fit.
      const fits = head.procs === 1 ? r.nodes.some((k) => sp.fitsOn(k, head.demand)) : sp.fit(head.demand, head.procs) !== undefined;
      if (fits) shadow = r.requestedEnd;
    }
    return sp;
  };
  let max = pool.maxResidual();
  for (let k = 1; k < rest.length; k++) {
    const j = rest[k]!;
    if (exceeds(j.demand, max)) continue;
    const nodes = pool.fit(j.demand, j.procs);
    if (!nodes) continue;
    shadowPool ??= computeShadow();
    if (now + j.requestedTime > shadow) {
      const trial = shadowPool.clone();
      trial.take(j.demand, nodes);
      // A negative residual means the job sits on capacity the head's reservation counts on.
      let fits = true;
      for (let x = 0; x < trial.res.length; x++) if (trial.res[x]! < 0) { fits = false; break; }
      if (!fits || !trial.fit(head.demand, head.procs)) continue;
      shadowPool.take(j.demand, nodes);
    }
    pool.take(j.demand, nodes);
    start.push({ index: j.index, nodes });
    max = pool.maxResidual();
  }
  if (options.reservation === false) return { start };
  shadowPool ??= computeShadow();
  return { start, reservation: { job: head.index, time: shadow, extra: 0 } };
}
