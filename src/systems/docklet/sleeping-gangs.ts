/**
 * The waiting gangs of a Docklet trace replay (`replayClusters`) that a retry need not visit: each
 * sleeps until a departure can have made room for all its members, so a departure costs what it can
 * change, not a visit of every waiting gang (the retries cost O(waiting gangs) per departure before,
 * which a month's replay could not afford: docs/results.md, "Docklet replay at a month's length").
 *
 * Two ways to sleep, each sound: a gang asleep would be refused by the placer, so waking it late
 * never happens and waking it early costs only a visit.
 * - **On the hosts:** with `bound` an upper bound of its room (the members the hosts can take) below
 *   its size. A host no departure touched since has only taken members, so takes no more of the
 *   gang's than when the bound was made; each host a departure touches adds what it takes of the
 *   gang then ({@link hostTakes} on the driver's copy of the use: placements later only lower it, and
 *   a host touched again adds again). The gang wakes once the bound reaches its size. Gangs sit in
 *   buckets by cpu demand, so a touched host visits only those whose member fits its free cpu.
 * - **On the totals:** refused because the free total of one dimension is short, it wakes when the
 *   room departures have freed in that dimension (a monotone sum) has grown by the shortfall.
 *
 * @module
 */
import { TimeHeap } from '../../model/time-heap.ts';
import { hostTakes } from './gang-room.ts';

/** Gangs per bucket of the cpu-ordered gangs. */
const BUCKET = 256;
/** Slack of the fit filter: a host visits a gang whose member fits its free room but for float rounding. */
const FIT_SLACK = 1e-9;

/** Where a gang is: not asleep (not waiting, or to be visited), on the hosts, on the totals. */
export const Sleep = { No: 0, Hosts: 1, Totals: 2 } as const;

export class SleepingGangs {
  /** Per gang: its state, its bucket, its place in the bucket's list. */
  readonly state: Uint8Array;
  private readonly bucketOf: Int32Array;
  private readonly slot: Int32Array;
  /** Per bucket: the gangs asleep in it, and the smallest cpu demand of the bucket's gangs. */
  private readonly items: number[][];
  private readonly minCpu: Float64Array;
  /** Per gang asleep on the totals: the dimension (0 cpu, 1 mem) and the freed sum that wakes it. */
  private readonly dim: Uint8Array;
  private readonly at: Float64Array;
  private readonly byTotal = [new TimeHeap(), new TimeHeap()] as const;
  /** Gangs woken since {@link takeWoken}. */
  private woken: number[] = [];
  /** The departure time now ({@link departure}), and per gang the last one that raised its bound and the bound before it. */
  private time = 0;
  private readonly raisedAt: Int32Array;
  private readonly before: Float64Array;
  /** The count of touched hosts before this departure time's. */
  private from = 0;

  /**
   * @param members - each gang's member count
   * @param cpu - each gang's member cpu demand
   * @param mem - each gang's member mem demand
   * @param bound - each gang's room bound, the driver's: read and raised here while a gang sleeps on the hosts
   * @param seen - the count of touched hosts each bound has counted, the driver's: set back when a gang wakes from the hosts
   */
  constructor(
    private readonly members: Int32Array,
    private readonly cpu: Float64Array,
    private readonly mem: Float64Array,
    private readonly bound: Float64Array,
    private readonly seen: Int32Array,
  ) {
    const n = members.length;
    this.state = new Uint8Array(n);
    this.bucketOf = new Int32Array(n);
    this.slot = new Int32Array(n).fill(-1);
    this.dim = new Uint8Array(n);
    this.at = new Float64Array(n);
    this.raisedAt = new Int32Array(n).fill(-1);
    this.before = new Float64Array(n);
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => cpu[a]! - cpu[b]! || a - b);
    const buckets = Math.ceil(n / BUCKET);
    this.items = Array.from({ length: buckets }, () => []);
    this.minCpu = new Float64Array(buckets);
    for (let i = 0; i < n; i++) this.bucketOf[order[i]!] = Math.floor(i / BUCKET);
    for (let b = 0; b < buckets; b++) this.minCpu[b] = cpu[order[b * BUCKET]!]!;
  }

  /** Gang `k`, whose room `bound[k]` (made now) is below its size, sleeps on the hosts. */
  onHosts(k: number): void {
    const list = this.items[this.bucketOf[k]!]!;
    this.slot[k] = list.length;
    list.push(k);
    this.state[k] = Sleep.Hosts;
  }

  /** Gang `k` sleeps until the room freed in dimension `dim` (0 cpu, 1 mem) reaches `freed`. */
  onTotals(k: number, dim: 0 | 1, freed: number): void {
    this.dim[k] = dim;
    this.at[k] = freed;
    this.byTotal[dim].push(freed, k);
    this.state[k] = Sleep.Totals;
  }

  /**
   * The departures of a new time begin; `from` hosts were touched before them. A gang they wake gets
   * back its bound from before them, counting `from` touched hosts, so that the driver counts what
   * this time's hosts take of it with the use of the moment it tries the gang: gangs woken by the
   * same hosts are tried one after another, and the first placed may leave no room for the next.
   */
  departure(from: number): void {
    this.time++;
    this.from = from;
  }

  /**
   * A departure touched a host of capacity (capCpu, capMem) now using (useCpu, useMem): each gang
   * asleep on the hosts whose member it takes adds what it takes to its bound, and wakes once the
   * bound reaches its size.
   */
  touch(capCpu: number, capMem: number, useCpu: number, useMem: number): void {
    const freeCpu = capCpu - useCpu + FIT_SLACK, freeMem = capMem - useMem + FIT_SLACK;
    for (let b = 0; b < this.items.length && this.minCpu[b]! <= freeCpu; b++) {
      const list = this.items[b]!;
      // Backwards: a gang woken is replaced by the last one, already seen.
      for (let i = list.length - 1; i >= 0; i--) {
        const k = list[i]!, c = this.cpu[k]!, m = this.mem[k]!;
        if (c > freeCpu || m > freeMem) continue;
        const need = this.members[k]! - this.bound[k]!;
        const takes = hostTakes(capCpu, capMem, useCpu, useMem, c, m, need);
        if (takes === 0) continue;
        if (this.raisedAt[k] !== this.time) {
          this.raisedAt[k] = this.time;
          this.before[k] = this.bound[k]!;
        }
        this.bound[k] = this.bound[k]! + takes;
        if (takes < need) continue;
        const last = list.pop()!;
        if (last !== k) {
          list[i] = last;
          this.slot[last] = i;
        }
        this.slot[k] = -1;
        this.bound[k] = this.before[k]!;
        this.seen[k] = this.from;
        this.wake(k);
      }
    }
  }

  /** The room freed so far in cpu and mem (monotone sums): wakes the gangs asleep on the totals it reaches. */
  freed(cpu: number, mem: number): void {
    for (const d of [0, 1] as const) {
      const heap = this.byTotal[d];
      const now = d === 0 ? cpu : mem;
      while (heap.size > 0 && heap.peekTime() <= now) {
        const at = heap.peekTime(), k = heap.pop();
        // A gang woken, or asleep again since, left this entry behind.
        if (this.state[k] === Sleep.Totals && this.dim[k] === d && this.at[k] === at) this.wake(k);
      }
    }
  }

  /** The gangs woken since the last call, in index order (the queue's: gangs are created in index order). */
  takeWoken(): number[] {
    const w = this.woken;
    this.woken = [];
    return w.sort((a, b) => a - b);
  }

  private wake(k: number): void {
    this.state[k] = Sleep.No;
    this.woken.push(k);
  }
}
