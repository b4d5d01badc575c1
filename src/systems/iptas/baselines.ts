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
  /**
   * The nodes given something back, in order (once per call to `give`): the only ones where a
   * task may fit now that did not fit there before, see {@link NodePool.firstFitFrom}. Its length
   * is {@link NodePool.growth}.
   */
  private grown = new Int32Array(0);
  private grows = 0;
  constructor(readonly nodes: number, readonly capacity: readonly number[]) {
    const D = capacity.length;
    this.res = new Float64Array(nodes * D);
    this.members = new Int32Array(nodes);
    for (let k = 0; k < nodes; k++) for (let d = 0; d < D; d++) this.res[k * D + d] = capacity[d]!;
  }
  /** How many times a node was given something back so far (the clock of {@link NodePool.firstFitFrom}). */
  get growth(): number {
    return this.grows;
  }
  /**
   * First fit for one task of `demand` (as `fit(demand, 1)`) when, at {@link NodePool.growth}
   * `since`, no node below `from` fit it (`from` = its first fit then, or `nodes` if none): of
   * those nodes, only the ones given something back since can fit it now (the others only lost),
   * so they are tried, and the nodes from `from` on are scanned only when none of them fits. The
   * whole scan when the nodes given back to since are more than there are nodes.
   */
  firstFitFrom(demand: readonly number[], since: number, from: number): number {
    if (!(since >= 0 && since <= this.grows) || this.grows - since >= this.nodes) return this.firstFitOne(demand);
    let best = -1;
    for (let i = since; i < this.grows; i++) {
      const k = this.grown[i]!;
      if (k < from && (best < 0 || k < best) && this.fitsOn(k, demand)) best = k;
    }
    if (best >= 0) return best;
    for (let k = from; k < this.nodes; k++) if (this.fitsOn(k, demand)) return k;
    return -1;
  }
  /** The first node that fits one task of `demand` now, or −1. */
  private firstFitOne(demand: readonly number[]): number {
    for (let k = 0; k < this.nodes; k++) if (this.fitsOn(k, demand)) return k;
    return -1;
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
    if (procs === 1) {
      // One member: the first node where it fits (no tentative counts to keep).
      const k = this.firstFitOne(demand);
      return k < 0 ? undefined : [k];
    }
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
    for (let i = 0; i < chosen.length; i++) {
      const k = chosen[i]!;
      // Once per call and node (a gang's members on one node are next to each other). Not once
      // across calls: a task found to fit nowhere in between must see the second growth.
      if (i === 0 || chosen[i - 1] !== k) {
        if (this.grows === this.grown.length) {
          const more = new Int32Array(Math.max(64, 2 * this.grown.length));
          more.set(this.grown);
          this.grown = more;
        }
        this.grown[this.grows++] = k;
      }
      const left = Math.max(0, this.members[k]! - 1);
      this.members[k] = left;
      for (let d = 0; d < D; d++) this.res[k * D + d] = left === 0 ? this.capacity[d]! : Math.min(this.res[k * D + d]! + demand[d]!, this.capacity[d]!);
    }
  }
  /**
   * Takes one member of `demand` from each chosen node, as {@link NodePool.take} does, first
   * writing each chosen node's residuals into `saved` (D numbers per entry of `chosen`, so that
   * {@link NodePool.untake} can put them back); returns false when a residual went below zero.
   */
  takeSaving(demand: readonly number[], chosen: readonly number[], saved: Float64Array): boolean {
    const D = this.capacity.length;
    let ok = true;
    for (let i = 0; i < chosen.length; i++) {
      const k = chosen[i]!;
      for (let d = 0; d < D; d++) {
        const r = this.res[k * D + d]!;
        saved[i * D + d] = r;
        const left = r - demand[d]!;
        this.res[k * D + d] = left;
        if (left < 0) ok = false;
      }
      this.members[k]! += 1;
    }
    return ok;
  }
  /** Undoes {@link NodePool.takeSaving} with the same `chosen` and `saved`: every number back as it was. */
  untake(chosen: readonly number[], saved: Float64Array): void {
    const D = this.capacity.length;
    // In reverse order: a node chosen twice gets its first saved numbers last.
    for (let i = chosen.length - 1; i >= 0; i--) {
      const k = chosen[i]!;
      for (let d = 0; d < D; d++) this.res[k * D + d] = saved[i * D + d]!;
      this.members[k]! -= 1;
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
 * largest residual in some dimension, or that a job found to fit nowhere in this pass rules out
 * (`FitFailures` below), are skipped without a scan, and the shadow time is only computed once a
 * candidate fits now. Options: `runningSorted` — the caller keeps `running`
 * sorted by (requested end, index), so the pass does not sort it; `reservation: false` — the
 * reservation is not needed in the result (saves computing it when nothing backfills);
 * `firstFits` — the caller's {@link FirstFitMemory} of the jobs' first fits on the same `pool`
 * across passes; `unchangedBefore` — the queue's length at the last pass, given only when that
 * pass started nothing and no job ended since (the same pool and running jobs; later jobs only
 * appended): then the head still does not fit, every job the last pass looked at meets the same
 * pool and cluster at the shadow time (the shadow time too) and is refused again — a later `now`
 * only makes fewer jobs end by the shadow time — so the scan starts at the first job appended
 * since (on a congested cluster, half of EASY's passes). None of these changes which jobs start
 * or where.
 */
export function easyVectorPass(queue: readonly QueuedVectorJob[], pool: NodePool, running: readonly RunningVectorJob[], now: number, options: { runningSorted?: boolean; reservation?: boolean; firstFits?: FirstFitMemory; unchangedBefore?: number } = {}): VectorPass {
  const runningSorted = options.runningSorted === true;
  const memory = options.firstFits;
  const { start } = fcfsVectorPass(queue, pool);
  const first = start.length;
  const head = queue[first];
  if (head === undefined) return { start };
  const byEnd = (a: RunningVectorJob, b: RunningVectorJob) => a.requestedEnd - b.requestedEnd || a.index - b.index;
  // The shadow time is computed when the first candidate fits now (a full cluster skips it).
  let shadow = Infinity;
  let shadowPool: NodePool | undefined;
  let atShadow: ShadowCluster | undefined;
  // Whether the cluster at the shadow time has a residual below zero (rounding): then no job that
  // ends after the shadow time can be backfilled (a take only lowers residuals).
  let shadowNegative = false;
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
    for (let x = 0; x < sp.res.length; x++) if (sp.res[x]! < 0) shadowNegative = true;
    return sp;
  };
  // Residuals only shrink during a pass, so a job found to fit nowhere now (the head first) rules
  // out every later one needing as many members or more of as much or more in every dimension.
  const failed = new FitFailures();
  failed.add(head);
  let max = pool.maxResidual();
  // The jobs before `unchangedBefore` start nothing now (see the option): only the later ones are looked at.
  const from = first === 0 && options.unchangedBefore !== undefined ? Math.max(1, options.unchangedBefore) : first + 1;
  for (let k = from; k < queue.length; k++) {
    const j = queue[k]!;
    if ((memory !== undefined && j.procs === 1 && memory.fitsNowhere(pool, j.index)) || exceeds(j.demand, max) || failed.rulesOut(j)) continue;
    let nodes: number[] | undefined;
    if (j.procs === 1 && memory !== undefined) {
      // A one-task job: what earlier passes found of its first fit spares most of the scan.
      const node = memory.firstFit(pool, j.index, j.demand);
      if (node >= 0) nodes = [node];
    } else nodes = pool.fit(j.demand, j.procs);
    if (!nodes) {
      failed.add(j);
      continue;
    }
    shadowPool ??= computeShadow();
    // Ending after the shadow time, the job is still running then on the nodes it gets now: it
    // must leave the head room in the cluster at the shadow time, and take nothing below zero there.
    if (now + j.requestedTime > shadow) {
      if (shadowNegative) continue;
      atShadow ??= new ShadowCluster(shadowPool, head);
      if (!atShadow.takeIfHeadStillFits(j.demand, nodes)) continue;
    }
    pool.take(j.demand, nodes);
    start.push({ index: j.index, nodes });
    max = pool.maxResidual();
  }
  if (options.reservation === false) return { start };
  shadowPool ??= computeShadow();
  return { start, reservation: { job: head.index, time: shadow, extra: 0 } };
}

/**
 * What earlier passes over one {@link NodePool} found of each one-task job's first fit, for
 * {@link easyVectorPass}'s `firstFits`: no node below `from[job]` fit it when the pool's growth
 * was `since[job]` (−1: nothing known). A later pass then finds the same node as a whole first-fit
 * scan by looking at the nodes given back to since and, only if none fits, from `from` on.
 */
export class FirstFitMemory {
  private readonly since: Int32Array;
  private readonly from: Int32Array;
  /** Room for jobs with indices below `jobs`. */
  constructor(jobs: number) {
    this.since = new Int32Array(jobs).fill(-1);
    this.from = new Int32Array(jobs);
  }
  /** Whether job `index` is known to fit nowhere on `pool` now: it did not at the pool's present growth (since then the pool only lost). */
  fitsNowhere(pool: NodePool, index: number): boolean {
    return this.since[index] === pool.growth && this.from[index] === pool.nodes;
  }
  /** The node first fit chooses now on `pool` for one task of `demand` of job `index` (−1: none), remembered for the next call. */
  firstFit(pool: NodePool, index: number, demand: readonly number[]): number {
    const k = pool.firstFitFrom(demand, this.since[index]!, this.from[index]!);
    this.since[index] = pool.growth;
    this.from[index] = k < 0 ? pool.nodes : k;
    return k;
  }
}

/**
 * Jobs a pass found to fit nowhere now, kept as (members, demand) pairs none of which is covered
 * by another. First fit places a gang's members greedily, each node taking as many as fit on it,
 * so a gang fits iff those counts add up to its members; a node's count can only fall when the
 * demand rises in some dimension (rounded sums and differences are monotone) or its residual
 * falls. So while residuals only shrink, a job with at least as many members and at least the
 * demand in every dimension of a failed one fails too, and is skipped without a scan of the nodes.
 */
class FitFailures {
  private readonly kept: { procs: number; demand: readonly number[] }[] = [];
  /** At most this many are kept (a check costs one comparison each); the later ones are simply not remembered. */
  private static readonly MAX = 32;

  /** Whether `j` needs at least the members and the demand of a job that failed. */
  rulesOut(j: { procs: number; demand: readonly number[] }): boolean {
    for (const f of this.kept) if (f.procs <= j.procs && covers(j.demand, f.demand)) return true;
    return false;
  }

  /** Remembers a job that failed (dropping the failures it covers: it rules out more than they do). */
  add(j: { procs: number; demand: readonly number[] }): void {
    for (let i = this.kept.length - 1; i >= 0; i--) {
      const f = this.kept[i]!;
      if (j.procs <= f.procs && covers(f.demand, j.demand)) this.kept.splice(i, 1);
    }
    if (this.kept.length < FitFailures.MAX) this.kept.push({ procs: j.procs, demand: j.demand });
  }
}

/**
 * EASY's cluster at the shadow time during one pass, and its test of a backfill that ends after
 * the shadow time: the job's members taken from the nodes it gets now must leave no residual
 * below zero and the head a place. The same answer as taking them on a copy of every node and
 * running first fit for the head there, without the copy; for a one-member head, without the
 * scan either: the cluster counts the nodes that fit the head and looks only at the chosen ones.
 */
class ShadowCluster {
  /** Nodes that fit one member of the head (kept for a one-member head; −1 for a gang). */
  private headNodes = -1;
  private saved = new Float64Array(16);
  /**
   * Per node, demands of one-task jobs refused there since the cluster last changed (none covering
   * another): a job of as much or more in every dimension is refused there too, without a test —
   * its take leaves that node no more room, for itself or for the head. Cleared by every take kept.
   */
  private refused: (readonly number[])[][] = [];
  private anyRefused = false;

  constructor(readonly pool: NodePool, private readonly head: QueuedVectorJob) {
    if (head.procs !== 1) return;
    let n = 0;
    for (let k = 0; k < pool.nodes; k++) if (pool.fitsOn(k, head.demand)) n++;
    this.headNodes = n;
  }

  /** Takes the members of a job of `demand` on `chosen` (first fit's nodes, ascending) when the test passes; true if it did. */
  takeIfHeadStillFits(demand: readonly number[], chosen: readonly number[]): boolean {
    const one = chosen.length === 1;
    if (one && this.anyRefused) {
      const there = this.refused[chosen[0]!];
      if (there !== undefined) for (const r of there) if (covers(demand, r)) return false;
    }
    if (this.test(demand, chosen)) {
      if (this.anyRefused) {
        this.refused = [];
        this.anyRefused = false;
      }
      return true;
    }
    if (one) {
      const k = chosen[0]!;
      const there = (this.refused[k] ??= []);
      for (let i = there.length - 1; i >= 0; i--) if (covers(there[i]!, demand)) there.splice(i, 1);
      if (there.length < 8) there.push(demand);
      this.anyRefused = true;
    }
    return false;
  }

  /** The test itself: takes and returns true, or leaves everything as it was and returns false. */
  private test(demand: readonly number[], chosen: readonly number[]): boolean {
    const { pool, head } = this;
    const D = pool.capacity.length;
    if (this.saved.length < chosen.length * D) this.saved = new Float64Array(2 * chosen.length * D);
    const oneTaskHead = this.headNodes >= 0;
    const before = oneTaskHead ? this.headFitsOn(chosen) : 0;
    if (pool.takeSaving(demand, chosen, this.saved)) {
      if (!oneTaskHead) {
        if (pool.fit(head.demand, head.procs) !== undefined) return true;
      } else {
        const left = this.headNodes - before + this.headFitsOn(chosen);
        if (left > 0) {
          this.headNodes = left;
          return true;
        }
      }
    }
    pool.untake(chosen, this.saved);
    return false;
  }

  /** How many of the chosen nodes (each once: first fit gives them ascending) fit one task of the head now. */
  private headFitsOn(chosen: readonly number[]): number {
    let n = 0;
    for (let i = 0; i < chosen.length; i++) if ((i === 0 || chosen[i - 1] !== chosen[i]) && this.pool.fitsOn(chosen[i]!, this.head.demand)) n++;
    return n;
  }
}

/** Whether `a[d] ≥ b[d]` in every dimension. */
function covers(a: readonly number[], b: readonly number[]): boolean {
  for (let d = 0; d < b.length; d++) if (!(a[d]! >= b[d]!)) return false;
  return true;
}
