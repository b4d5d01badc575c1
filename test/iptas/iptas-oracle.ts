/**
 * An independent oracle of the IPTAS round scheduler, written from /work/shared/SPEC.md §1–§3
 * and the interpretations recorded in docs/model.md ("IPTAS round scheduler", "Maths kernels"),
 * not from the engines' code. Deliberately naive: arrays scanned linearly, everything
 * recomputed when asked. Covers nodes (add, drain), tasks and gangs, rounds, completions
 * ok / failed, checkLimits (usage, time) and the priority terms of explain().
 */

export interface OracleParams {
  w1: number; w2: number; w3: number;
  staticShort: number; staticMedium: number; staticLong: number;
  k1: number; k2: number;
  penalty: number; l0: number; deltaR: number; agingCap: number;
  threshold?: number[];
  alpha: number; minEpsilon: number; historyLength: number;
  lambdaCpu: number; lambdaMem: number;
  ringCapacity: number;
  heartbeatInterval: number; downNodeTasks: 'requeue' | 'fail';
}

export const ORACLE_DEFAULTS: OracleParams = {
  w1: 1, w2: 1, w3: 1, staticShort: 3, staticMedium: 2, staticLong: 1, k1: 10, k2: 100,
  penalty: -2, l0: 4, deltaR: 1, agingCap: Infinity, alpha: 0.5, minEpsilon: 0, historyLength: 10,
  lambdaCpu: 0.5, lambdaMem: 0.5, ringCapacity: 1024, heartbeatInterval: 30, downNodeTasks: 'requeue',
};

interface ONode { cap: number[]; res: number[]; speed: number; vcpus: number; mem: number; ring: string[]; tasks: number; up: boolean; removed: boolean; last: number; storageOk: boolean }

export interface OTask {
  id: string; user: string; demand: number[]; dataGB: number; requestTime: number; seq: number;
  gang?: string; state: 'waiting' | 'running' | 'ok' | 'failed' | 'killed';
  size: 'small' | 'large'; lengthClass: 'short' | 'medium' | 'long';
  rounds: number; failures: number; node: number; start: number; t0: number; deadline: number;
}

export class IptasOracle {
  readonly p: OracleParams;
  nodes: ONode[] = [];
  tasks: OTask[] = [];
  byId = new Map<string, OTask>();
  history = new Map<string, [number, number][]>();
  constructor(p: Partial<OracleParams> = {}) { this.p = { ...ORACLE_DEFAULTS, ...p }; }

  addNode(cap: number[], speed = 1, vcpus?: number, mem?: number): number {
    this.nodes.push({ cap: [...cap], res: [...cap], speed, vcpus: vcpus ?? cap[0]!, mem: mem ?? (cap.length > 1 ? cap[1]! : cap[0]!), ring: [], tasks: 0, up: true, removed: false, last: NaN, storageOk: true });
    return this.nodes.length - 1;
  }

  /** SPEC §2 eq. 1–3 over the (up) nodes; model.md: ties keep the lower index. */
  weights(): number[] {
    const ups = this.nodes.filter((n) => n.up);
    const mc = Math.max(0, ...ups.map((n) => n.speed * n.vcpus));
    const mm = Math.max(0, ...ups.map((n) => n.mem));
    return this.nodes.map((n) => {
      if (!n.up) return 0;
      const wc = mc > 0 ? (n.speed * n.vcpus) / mc : 0;
      const wm = mm > 0 ? n.mem / mm : 0;
      return Math.sqrt(this.p.lambdaCpu * wc * wc + this.p.lambdaMem * wm * wm);
    });
  }
  order(): number[] {
    const w = this.weights();
    return this.nodes.map((_, i) => i).filter((i) => this.nodes[i]!.up).sort((a, b) => (w[a]! - w[b]!) || a - b);
  }

  private classify(demand: number[], dataGB: number): Pick<OTask, 'size' | 'lengthClass'> {
    let th = this.p.threshold;
    const present = this.nodes.filter((n) => !n.removed);
    if (!th && present.length > 0) th = demand.map((_, d) => Math.max(...present.map((n) => n.cap[d]!)) / 2);
    const large = th !== undefined && demand.some((x, d) => x >= th![d]!);
    const lengthClass = dataGB <= this.p.k1 ? 'short' : dataGB <= this.p.k2 ? 'medium' : 'long';
    return { size: large ? 'large' : 'small', lengthClass };
  }

  submit(id: string, user: string, demand: number[], dataGB: number, requestTime: number, gang?: string): void {
    const t: OTask = {
      id, user, demand: [...demand], dataGB, requestTime, seq: this.tasks.length, gang, state: 'waiting',
      ...this.classify(demand, dataGB), rounds: 0, failures: 0, node: -1, start: NaN, t0: NaN, deadline: NaN,
    };
    this.tasks.push(t);
    this.byId.set(id, t);
  }
  submitGang(id: string, user: string, demand: number[], dataGB: number, requestTime: number, procs: number): string[] {
    const ids: string[] = [];
    for (let k = 0; k < procs; k++) { this.submit(`${id}#${k}`, user, demand, dataGB, requestTime, id); ids.push(`${id}#${k}`); }
    return ids;
  }

  running(user: string): number { return this.tasks.filter((t) => t.state === 'running' && t.user === user).length; }

  epsilon(user: string): number {
    const h = this.history.get(user) ?? [];
    if (h.length === 0) return 1;
    let a = 0, r = 0;
    for (const [x, y] of h) { a += x; r += y; }
    return a / r;
  }

  /** SPEC §2 eq. 5–7 by term (weighted), with L_u given. */
  terms(t: OTask, lu: number): { static: number; user: number; aging: number; total: number } {
    const s = t.lengthClass === 'short' ? this.p.staticShort : t.lengthClass === 'medium' ? this.p.staticMedium : this.p.staticLong;
    const st = this.p.w1 * s;
    const us = this.p.w2 * (lu >= this.p.l0 ? this.p.penalty : 0);
    const ag = this.p.w3 * Math.min(t.rounds * this.p.deltaR, this.p.agingCap);
    return { static: st, user: us, aging: ag, total: st + us + ag };
  }

  private fits(res: number[], d: number[]): boolean { return d.every((x, k) => res[k]! >= x); }

  /** Sorted first-fit over `res` (tentative residuals) and ring lengths; the node or −1. */
  private scan(t: OTask, res: number[][]): number {
    const ord = this.order();
    if (t.size === 'large') ord.reverse();
    for (const i of ord) if (this.fits(res[i]!, t.demand)) return i;
    return -1;
  }

  runRound(now: number): { placements: { task: string; node: number }[]; waiting: string[] } {
    const waiting = this.tasks.filter((t) => t.state === 'waiting');
    const lu = new Map<string, number>();
    for (const t of waiting) if (!lu.has(t.user)) lu.set(t.user, this.running(t.user));
    const pri = new Map(waiting.map((t) => [t, this.terms(t, lu.get(t.user)!).total]));
    const visit = [...waiting].sort((a, b) => (pri.get(b)! - pri.get(a)!) || a.seq - b.seq);
    const placements: { task: string; node: number }[] = [];
    const seenGang = new Set<string>();
    for (const t of visit) {
      if (t.state !== 'waiting') continue;
      const members = t.gang === undefined ? [t] : this.tasks.filter((u) => u.gang === t.gang && u.state === 'waiting');
      if (t.gang !== undefined) { if (seenGang.has(t.gang)) continue; seenGang.add(t.gang); }
      const res = this.nodes.map((n) => [...n.res]);
      const ring = this.nodes.map((n) => n.ring.length);
      const chosen: number[] = [];
      let ok = true;
      for (const m of members) {
        const i = this.scan(m, res);
        if (i < 0 || ring[i]! >= this.p.ringCapacity) { ok = false; break; }
        for (let d = 0; d < m.demand.length; d++) res[i]![d] = res[i]![d]! - m.demand[d]!;
        ring[i]!++;
        chosen.push(i);
      }
      if (!ok) continue;
      const t0 = t.requestTime * Math.max(this.epsilon(t.user), this.p.minEpsilon) * (1 + this.p.alpha);
      members.forEach((m, k) => {
        const n = this.nodes[chosen[k]!]!;
        n.res = res[chosen[k]!]!.slice();
        // each take from the node's real residual, as eq. 4 (ξ ← ξ − δ)
        n.ring.push(m.id);
        n.tasks++;
        m.state = 'running'; m.node = chosen[k]!; m.start = now; m.t0 = t0; m.deadline = now + t0;
        placements.push({ task: m.id, node: m.node });
      });
      // the residual copies above were computed member by member from the real residuals
    }
    for (const t of waiting) if (t.state === 'waiting') t.rounds++;
    return { placements, waiting: this.tasks.filter((t) => t.state === 'waiting').map((t) => t.id) };
  }

  private release(t: OTask): void {
    const n = this.nodes[t.node]!;
    n.tasks--;
    if (n.tasks === 0) n.res = [...n.cap];
    else n.res = n.res.map((x, d) => Math.min(x + t.demand[d]!, n.cap[d]!));
    t.node = -1;
  }

  complete(id: string, status: 'ok' | 'failed', actualTime: number): OTask['state'] {
    const t = this.byId.get(id)!;
    this.release(t);
    if (status === 'ok') {
      t.state = 'ok';
      const h = this.history.get(t.user) ?? [];
      h.push([actualTime, t.requestTime]);
      while (h.length > this.p.historyLength) h.shift();
      this.history.set(t.user, h);
    } else if (t.failures === 0) {
      t.failures = 1; t.state = 'waiting';
    } else {
      t.failures = 2; t.state = 'failed';
    }
    return t.state;
  }

  checkLimits(now: number, usage?: Map<string, number[]>): { task: string; reason: 'usage' | 'time'; dimension?: number }[] {
    const kills: { task: string; reason: 'usage' | 'time'; dimension?: number }[] = [];
    for (const t of this.tasks) {
      if (t.state !== 'running') continue;
      const u = usage?.get(t.id);
      const d = u ? u.findIndex((x, k) => x > t.demand[k]!) : -1;
      if (d >= 0) kills.push({ task: t.id, reason: 'usage', dimension: d });
      else if (now >= t.deadline) kills.push({ task: t.id, reason: 'time' });
      else continue;
      this.release(t);
      t.state = 'killed';
    }
    return kills;
  }

  /** model.md "Health": records the time and the storage flag; a report of storage fine brings a down node up at once. */
  heartbeat(node: number, now: number, storageOk = true): void {
    const n = this.nodes[node]!;
    n.last = now;
    n.storageOk = storageOk;
    if (storageOk && !n.up && !n.removed) n.up = true;
  }

  private goDown(i: number, out: { down: number[]; requeued: string[]; failed: string[] }, requeue: boolean): void {
    this.goDownMany([i], out, requeue);
  }
  private goDownMany(down: number[], out: { down: number[]; requeued: string[]; failed: string[] }, requeue: boolean): void {
    for (const t of this.tasks) {
      if (t.state !== 'running' || !down.includes(t.node)) continue;
      t.node = -1;
      if (requeue) { t.state = 'waiting'; out.requeued.push(t.id); } else { t.state = 'failed'; out.failed.push(t.id); }
    }
    for (const i of down) {
      const n = this.nodes[i]!;
      n.up = false;
      n.ring = [];
      n.tasks = 0;
      n.res = [...n.cap];
    }
  }

  sweepHealth(now: number, requeue = this.p.downNodeTasks === 'requeue'): { down: number[]; requeued: string[]; failed: string[] } {
    const out = { down: [] as number[], requeued: [] as string[], failed: [] as string[] };
    this.nodes.forEach((n, i) => {
      if (!n.up) return;
      if (Number.isNaN(n.last)) { n.last = now; }
      if (!n.storageOk || now - n.last > this.p.heartbeatInterval) out.down.push(i);
    });
    // the tasks of all the nodes that go down in one sweep, in submission order (the engines)
    this.goDownMany(out.down, out, requeue);
    return out;
  }

  removeNode(i: number, requeue = this.p.downNodeTasks === 'requeue'): { down: number[]; requeued: string[]; failed: string[] } {
    const out = { down: [] as number[], requeued: [] as string[], failed: [] as string[] };
    out.down.push(i); // the removed node is listed, up or already down (the engines; model.md "Health")
    this.goDown(i, out, requeue);
    this.nodes[i]!.removed = true;
    return out;
  }

  updateNode(i: number, u: { speed?: number; vcpus?: number; mem?: number }): void {
    const n = this.nodes[i]!;
    if (u.speed !== undefined) n.speed = u.speed;
    if (u.vcpus !== undefined) n.vcpus = u.vcpus;
    if (u.mem !== undefined) n.mem = u.mem;
  }

  /** Where a waiting plain task would go if visited now (sorted first-fit, ring room), or −1. */
  fitsNow(id: string): number {
    const t = this.byId.get(id)!;
    const i = this.scan(t, this.nodes.map((n) => n.res));
    return i >= 0 && this.nodes[i]!.ring.length < this.p.ringCapacity ? i : -1;
  }

  drain(node: number): string[] { const r = this.nodes[node]!.ring; this.nodes[node]!.ring = []; return r; }

  explainTerms(id: string): { static: number; user: number; aging: number; total: number } {
    const t = this.byId.get(id)!;
    return this.terms(t, this.running(t.user));
  }
}
