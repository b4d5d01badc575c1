/**
 * The waiting gangs of a Docklet trace replay (`replayClusters`) that a retry need not visit: each
 * sleeps until a departure can have made room for all its members, so a departure costs what it can
 * change, not a visit of every waiting gang (the retries cost O(waiting gangs) per departure before,
 * which a month's replay could not afford: docs/results.md, "Docklet replay at a month's length").
 *
 * Two ways to sleep, each sound: a gang asleep would be refused, so it is never woken late; woken
 * early, it costs a count (the replay's check 4) or a call.
 * - **On the hosts:** with `need`, the members its room bound (the replay's check 4: a host no
 *   departure touched since has only taken members) lacks. Each host a departure touches can give it
 *   at most what that host takes of its demand then (placements later only lower it; a host touched
 *   again gives again). Gangs sit in cells of similar demand (a grid of cpu × mem, each step 1.25×),
 *   and a touch adds to each cell whose smallest demand fits the host what the host takes of that
 *   smallest demand, no less than it takes of any gang of the cell. A gang wakes once its cell's sum
 *   has grown by its need since it fell asleep: a touch costs O(cells), whatever the number of gangs.
 * - **On the totals:** refused because the free total of one dimension is short, it wakes when the
 *   room departures have freed in that dimension (a monotone sum) has grown by the shortfall.
 * - **Waiting for room** (when the member counts are given): a gang its cell's sum wakes waits in the
 *   cell until the room bound of the cell's smallest demand ({@link RoomBound}: the replay's hosts by
 *   free room, no smaller than any of the cell's gangs' room) holds its members, counted at the
 *   departure's end ({@link SleepingGangs.recheck}). The sums grow with every take, even of room that
 *   later placements took back, so in a crowded cluster they woke most gangs again and again for
 *   nothing; the bound is of the room now. A cell is counted again only once the takes of touched
 *   hosts since its last count could lift that count to the members of its smallest waiting gang.
 * - **Visited while the room holds** ({@link SleepingGangs.nextVisit}): the gangs a recheck lets
 *   through are not woken all at once but visited in queue order from their cell's buckets (one per
 *   member count), and once room was taken the cell is counted again before its next gang: when the
 *   room no longer holds a bucket's members, its gangs go on waiting unvisited. A retry used to wake
 *   every gang of a demand whose room came back, place the first and refuse the others one by one.
 *
 * @module
 */
import { TimeHeap } from '../../model/time-heap.ts';
import { hostTakes } from './gang-room.ts';

/** Cells per dimension, their step (each cell's demands within a factor of it) and the demand below which cells stop. */
const CELLS = 64;
const STEP = Math.log(1.25);
const FLOOR = 1e-4;
/** Slack of the fit filter: a host adds to a cell whose member fits its free room but for float rounding. */
const FIT_SLACK = 1e-9;
/** Past this many members, a host's take is estimated by division (+ 2 for the rounding of the placer's sums). */
const COUNT_UP_TO = 64;

/** Where a gang is: not asleep (not waiting, or to be visited), on the hosts, on the totals, waiting for its cell's room ({@link SleepingGangs.recheck}). */
export const Sleep = { No: 0, Hosts: 1, Totals: 2, Room: 3 } as const;

/** What bounds the members of a demand the hosts have room for now (the replay's `RoomIndex`). */
export interface RoomBound {
  atMost(cpu: number, mem: number, limit: number): number;
}

/**
 * The gangs of one cell waiting for room with one member count, by queue order; `active` while a
 * retry is to visit them (an entry of the visits heap stands for its first gang).
 */
interface RoomBucket {
  readonly id: number;
  readonly cell: number;
  readonly need: number;
  readonly gangs: TimeHeap;
  active: boolean;
}

/** The cell index of a demand in one dimension: 0 at or below {@link FLOOR}, then one per step of 1.25×. */
function step(d: number): number {
  return d <= FLOOR ? 0 : Math.min(CELLS - 1, 1 + Math.floor(Math.log(d / FLOOR) / STEP));
}

/**
 * At least as many members of demand (cpu, mem) as a host of capacity (capCpu, capMem) using
 * (useCpu, useMem) takes ({@link hostTakes}), at most `limit`.
 */
export function takesAtMost(capCpu: number, capMem: number, useCpu: number, useMem: number, cpu: number, mem: number, limit: number): number {
  const e = Math.min(cpu > 0 ? (capCpu - useCpu) / cpu : Number.POSITIVE_INFINITY, mem > 0 ? (capMem - useMem) / mem : Number.POSITIVE_INFINITY);
  if (e <= COUNT_UP_TO) return hostTakes(capCpu, capMem, useCpu, useMem, cpu, mem, limit);
  return Math.min(limit, Math.floor(e * (1 + 1e-9)) + 2);
}

export class SleepingGangs {
  /** Per gang: its state, its cell, and its wake mark (the cell's sum, or the freed sum of a dimension). */
  readonly state: Uint8Array;
  private readonly cellOf: Int32Array;
  private readonly at: Float64Array;
  private readonly dim: Uint8Array;
  /** Per cell: its smallest demands, the sum of takes so far, the largest mark set, its gangs asleep by mark, their count. */
  private readonly cellCpu = new Float64Array(CELLS * CELLS).fill(Number.POSITIVE_INFINITY);
  private readonly cellMem = new Float64Array(CELLS * CELLS).fill(Number.POSITIVE_INFINITY);
  private readonly sum = new Float64Array(CELLS * CELLS);
  private readonly most = new Float64Array(CELLS * CELLS);
  private readonly marks = new Map<number, TimeHeap>();
  private readonly asleep = new Int32Array(CELLS * CELLS);
  /** Per cpu row: its cells with gangs asleep, and the row's smallest cpu demand. */
  private readonly rows: number[][] = Array.from({ length: CELLS }, () => []);
  private readonly rowCpu = new Float64Array(CELLS).fill(Number.POSITIVE_INFINITY);
  private readonly byTotal = [new TimeHeap(), new TimeHeap()] as const;
  /** Gangs woken since the last visit ({@link nextVisit}), and those taken from it not yet visited, in queue order. */
  private readonly woken: number[] = [];
  private order = new Int32Array(0);
  private orderAt = 0;
  /** Each gang's place in the queue (its ticket), or its index when none is given. */
  private readonly ticket: Float64Array | undefined;
  /**
   * The next visits: (queue place of a source's first gang, source), the source a bucket's id or −1
   * for the woken gangs. An entry whose place is no longer its source's first is stale.
   */
  private readonly visits = new TimeHeap();
  /**
   * Counted room of each cell's smallest demand (the count, its limit, and the {@link roomTaken}
   * version it was made at): a retry visits a bucket's gangs only while that count can hold them.
   */
  private version = 0;
  private readonly countVal = new Float64Array(CELLS * CELLS);
  private readonly countLimit = new Float64Array(CELLS * CELLS);
  private readonly countVersion = new Float64Array(CELLS * CELLS).fill(-1);
  /** With `members`: per cell, its gangs waiting for room in buckets by member count (the non-empty ones in `byNeed`, ascending); the cells a touch fitted since the last recheck. */
  private readonly members: Int32Array | undefined;
  private readonly buckets: RoomBucket[] = [];
  private readonly bucketOf = new Map<number, Map<number, RoomBucket>>();
  private readonly byNeed = new Map<number, RoomBucket[]>();
  private readonly onRoom = new Int32Array(CELLS * CELLS);
  private readonly dirty: number[] = [];
  private readonly isDirty = new Uint8Array(CELLS * CELLS);
  /** Per cell: the room bound of its smallest demand at its last recheck, and what touched hosts took of that demand since. */
  private readonly lastBound = new Float64Array(CELLS * CELLS);
  private readonly growth = new Float64Array(CELLS * CELLS);
  /**
   * Per cell, the least mark of its sleepers and the fewest members of its gangs waiting for room (∞:
   * none; set by each recheck, which a gang starting to wait calls for): read by every touch, the
   * heaps only when reached.
   */
  private readonly nextMark = new Float64Array(CELLS * CELLS).fill(Number.POSITIVE_INFINITY);
  private readonly nextRoom = new Float64Array(CELLS * CELLS).fill(Number.POSITIVE_INFINITY);

  /**
   * @param cpu - each gang's member cpu demand
   * @param mem - each gang's member mem demand
   * @param members - each gang's member count: given, a gang the sums wake waits for room
   * @param ticket - each waiting gang's place in the queue (visits follow it; default: the gang's index)
   */
  constructor(cpu: Float64Array, mem: Float64Array, members?: Int32Array, ticket?: Float64Array) {
    const n = cpu.length;
    this.members = members;
    this.ticket = ticket;
    this.state = new Uint8Array(n);
    this.cellOf = new Int32Array(n);
    this.at = new Float64Array(n);
    this.dim = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const row = step(cpu[k]!), cell = row * CELLS + step(mem[k]!);
      this.cellOf[k] = cell;
      if (cpu[k]! < this.cellCpu[cell]!) this.cellCpu[cell] = cpu[k]!;
      if (mem[k]! < this.cellMem[cell]!) this.cellMem[cell] = mem[k]!;
      if (cpu[k]! < this.rowCpu[row]!) this.rowCpu[row] = cpu[k]!;
    }
  }

  /** Gang `k`, whose room bound lacks `need` (> 0) members, sleeps on the hosts. */
  onHosts(k: number, need: number): void {
    const cell = this.cellOf[k]!;
    const mark = this.sum[cell]! + need;
    this.at[k] = mark;
    if (mark > this.most[cell]!) this.most[cell] = mark;
    let heap = this.marks.get(cell);
    if (!heap) this.marks.set(cell, (heap = new TimeHeap()));
    heap.push(mark, k);
    if (mark < this.nextMark[cell]!) this.nextMark[cell] = mark;
    if (this.asleep[cell]!++ === 0) this.rows[Math.floor(cell / CELLS)]!.push(cell);
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
   * A departure touched a host of capacity (capCpu, capMem) now using (useCpu, useMem): each cell
   * whose smallest demand fits it adds what the host takes of that demand (no more than the largest
   * need asleep there: a take past it wakes nobody more), and wakes its gangs whose mark it reaches.
   */
  touch(capCpu: number, capMem: number, useCpu: number, useMem: number): void {
    const freeCpu = capCpu - useCpu + FIT_SLACK, freeMem = capMem - useMem + FIT_SLACK;
    for (let r = 0; r < CELLS; r++) {
      if (this.rowCpu[r]! > freeCpu) continue;
      const row = this.rows[r]!;
      for (let i = row.length - 1; i >= 0; i--) {
        const cell = row[i]!, c = this.cellCpu[cell]!, m = this.cellMem[cell]!;
        if (c > freeCpu || m > freeMem) continue;
        // What the gangs waiting for room still lack, by the cell's bound at its last recheck and the takes since.
        const onRoom = this.onRoom[cell]! > 0, lack = onRoom ? this.nextRoom[cell]! - this.lastBound[cell]! - this.growth[cell]! : 0;
        const takes = takesAtMost(capCpu, capMem, useCpu, useMem, c, m, Math.max(this.most[cell]! - this.sum[cell]!, lack));
        if (takes <= 0) continue;
        if (onRoom) {
          this.growth[cell] = this.growth[cell]! + takes;
          if (takes >= lack) this.markDirty(cell);
        }
        const sum = (this.sum[cell] = this.sum[cell]! + takes);
        if (sum < this.nextMark[cell]!) continue;
        const heap = this.marks.get(cell)!;
        while (heap.size > 0 && heap.peekTime() <= sum) {
          const mark = heap.peekTime(), k = heap.pop();
          // A gang woken, or asleep again since, left this entry behind.
          if (this.state[k] !== Sleep.Hosts || this.at[k] !== mark) continue;
          if (this.members) {
            // Its cell's room is counted at the next recheck: until then it waits there.
            this.waitForRoom(k, cell);
            continue;
          }
          this.wake(k);
          // A row's list loses a cell once none sleeps there (the last of the list takes its place, already seen).
          if (--this.asleep[cell]! === 0) this.leaveRow(cell, i);
        }
        this.nextMark[cell] = heap.size > 0 ? heap.peekTime() : Number.POSITIVE_INFINITY;
      }
    }
  }

  /**
   * After the touches of a departure time: in each cell a touched host fitted, the gangs waiting for
   * room whose members the room bound of the cell's smallest demand can hold (no smaller than any of
   * its gangs' room) are to be visited ({@link nextVisit}). A gang left waiting is not woken by the
   * sums again: the room of its demand grows only on hosts that fit the cell's smallest demand, which
   * mark the cell.
   */
  recheck(room: RoomBound): void {
    // Departures gave room back since the last counts: none of them holds now.
    this.version++;
    for (const cell of this.dirty) {
      this.isDirty[cell] = 0;
      let bound = -1;
      for (const b of this.byNeed.get(cell) ?? []) {
        if (bound < b.need) {
          bound = this.count(room, cell, b.need);
          if (bound < b.need) break;
        }
        if (!b.active) {
          b.active = true;
          this.visits.push(b.gangs.peekTime(), b.id);
        }
      }
      // The room bound now (a whole count: the one that stopped the loop), from which the takes count again.
      this.lastBound[cell] = bound;
      this.growth[cell] = 0;
    }
    this.dirty.length = 0;
  }

  /**
   * Room was taken since the last counts (a gang placed), or a demand was found with no room at all
   * (the replay's staircase, which its count reads): the counts are made again when next needed.
   */
  roomTaken(): void {
    this.version++;
  }

  /** The room bound of cell `cell`'s smallest demand, counted up to `limit` (a result ≥ `limit` says nothing more). */
  private count(room: RoomBound, cell: number, limit: number): number {
    const v = room.atMost(this.cellCpu[cell]!, this.cellMem[cell]!, limit);
    this.countVal[cell] = v;
    this.countLimit[cell] = limit;
    this.countVersion[cell] = this.version;
    return v;
  }

  /**
   * The next gang to visit, in queue order, or −1: the woken ones and those of the buckets the
   * rechecks since made active. Given `room` (the hosts now), a bucket is visited only while the room
   * bound of its cell's smallest demand holds its members, counted again once room was taken
   * ({@link roomTaken}); else its gangs go on waiting for room, unvisited, the count kept as the cell's
   * bound. Without `room`, every active bucket is emptied. A gang returned is no longer asleep.
   */
  nextVisit(room?: RoomBound): number {
    if (this.woken.length > 0) this.takeIntoOrder();
    for (;;) {
      if (this.visits.size === 0) return -1;
      const at = this.visits.peekTime(), src = this.visits.pop();
      if (src < 0) {
        if (this.orderAt >= this.order.length || this.keyOf(this.order[this.orderAt]!) !== at) continue;
        const k = this.order[this.orderAt++]!;
        if (this.orderAt < this.order.length) this.visits.push(this.keyOf(this.order[this.orderAt]!), -1);
        return k;
      }
      const b = this.buckets[src]!;
      if (!b.active || b.gangs.size === 0 || b.gangs.peekTime() !== at) continue;
      const cell = b.cell;
      if (room) {
        const known = this.countVersion[cell] === this.version
          && (this.countVal[cell]! >= b.need || this.countVal[cell]! < this.countLimit[cell]!);
        const bound = known ? this.countVal[cell]! : this.count(room, cell, b.need);
        if (bound < b.need) {
          // Room only shrinks during a retry: this count bounds the cell's room until the next touch.
          b.active = false;
          this.lastBound[cell] = Math.min(this.lastBound[cell]!, bound);
          continue;
        }
      }
      const k = b.gangs.pop();
      if (b.gangs.size > 0) this.visits.push(b.gangs.peekTime(), b.id);
      else this.dropBucket(b);
      this.onRoom[cell]!--;
      if (--this.asleep[cell]! === 0) this.leaveRow(cell);
      this.state[k] = Sleep.No;
      return k;
    }
  }

  private keyOf(k: number): number {
    return this.ticket ? this.ticket[k]! : k;
  }

  /** The gangs woken since join those still to visit, in queue order. */
  private takeIntoOrder(): void {
    const n = this.state.length;
    const rest = this.order.subarray(this.orderAt);
    // A typed array sorts numbers without a comparator call per comparison (queue places are whole, unique, below 2^53 / n).
    const keys = new Float64Array(rest.length + this.woken.length);
    let i = 0;
    for (const k of rest) keys[i++] = this.keyOf(k) * n + k;
    for (const k of this.woken) keys[i++] = this.keyOf(k) * n + k;
    keys.sort();
    this.order = Int32Array.from(keys, (x) => x % n);
    this.orderAt = 0;
    this.woken.length = 0;
    this.visits.push(this.keyOf(this.order[0]!), -1);
  }

  /** Gang `k`, woken by its cell's sum, waits for room in its cell's bucket of its member count. */
  private waitForRoom(k: number, cell: number): void {
    this.state[k] = Sleep.Room;
    const need = this.members![k]!;
    let ofCell = this.bucketOf.get(cell);
    if (!ofCell) this.bucketOf.set(cell, (ofCell = new Map()));
    let b = ofCell.get(need);
    if (!b) {
      b = { id: this.buckets.length, cell, need, gangs: new TimeHeap(), active: false };
      ofCell.set(need, b);
      this.buckets.push(b);
    }
    const key = this.keyOf(k);
    if (b.gangs.size === 0) {
      // A bucket empty until now joins its cell's list, in order of member count.
      let list = this.byNeed.get(cell);
      if (!list) this.byNeed.set(cell, (list = []));
      let i = list.length;
      while (i > 0 && list[i - 1]!.need > need) i--;
      list.splice(i, 0, b);
      this.nextRoom[cell] = list[0]!.need;
    } else if (b.active && key < b.gangs.peekTime()) this.visits.push(key, b.id);
    b.gangs.push(key, k);
    this.onRoom[cell]!++;
    this.markDirty(cell);
  }

  /** Bucket `b`, empty now, leaves its cell's list. */
  private dropBucket(b: RoomBucket): void {
    b.active = false;
    const list = this.byNeed.get(b.cell)!;
    list.splice(list.indexOf(b), 1);
    this.nextRoom[b.cell] = list.length > 0 ? list[0]!.need : Number.POSITIVE_INFINITY;
  }

  private markDirty(cell: number): void {
    if (this.isDirty[cell] === 1) return;
    this.isDirty[cell] = 1;
    this.dirty.push(cell);
  }

  /** Cell `cell` (at `i` in its row's list, when known) has no gang asleep left: it leaves the list, the last taking its place. */
  private leaveRow(cell: number, i = this.rows[Math.floor(cell / CELLS)]!.indexOf(cell)): void {
    const row = this.rows[Math.floor(cell / CELLS)]!;
    const last = row.pop()!;
    if (last !== cell) row[i] = last;
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

  /** Gang `k`, not asleep (an evicted gang back in the queue), is visited at the next retry, as the woken are. */
  visitNext(k: number): void {
    this.wake(k);
  }

  private wake(k: number): void {
    this.state[k] = Sleep.No;
    this.woken.push(k);
  }
}
