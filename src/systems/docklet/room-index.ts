/**
 * The hosts of a Docklet trace replay (`replayClusters`) by free room, so that a gang the hosts
 * have no room for is refused without asking the manager: the placer's refusal scans every host
 * (O(hosts) a call), and a month's replay made hundreds of thousands of such calls for gangs woken
 * early (docs/results.md, "Docklet replay: the hosts by free room").
 *
 * Hosts sit in cells of a grid of free cpu × free mem (cap − use, from the replay's {@link UseMirror}),
 * each step {@link STEP}× the one below, and a cell knows only how many hosts it holds. A host whose
 * free room is at most (fc, fm), the upper edges of its cell, takes at most
 * ⌊min(fc / cpu, fm / mem)·(1 + 10⁻⁶)⌋ members of demand (cpu, mem): the placer adds a member's
 * demand to the host's use one at a time, each sum rounded by at most 2⁻⁵³ of the capacity, so k
 * members fit only if k·(cpu − 2⁻⁵³·cap) ≤ cap − use, within 10⁻⁶ of k ≤ (cap − use)/cpu while
 * cpu ≥ 10⁻⁹·cap. Summed over the cells, that bounds the room from above ({@link RoomIndex.atMost}):
 * never below what the placer would place, so a gang refused by it would be refused by the placer.
 *
 * @module
 */

/** Cells per dimension, the ratio of one cell's upper edge to the one below, and the lowest edge (a share of the largest capacity). */
const STEP = 1.1;
const FLOOR = 1e-4;
const CELLS = Math.ceil(Math.log(1 / FLOOR) / Math.log(STEP)) + 1;
/** The relative slack of a count by division (see the module's comment), and the smallest demand it holds for (a share of the largest capacity). */
const SLACK = 1e-6;
const TINY = 1e-9;

/** The upper edges of one dimension's cells: FLOOR·top, then ×STEP; the last cell's edge is the largest capacity. */
function edges(top: number): Float64Array {
  const e = new Float64Array(CELLS);
  for (let i = 0; i < CELLS; i++) e[i] = FLOOR * top * STEP ** i;
  e[CELLS - 1] = Math.max(top, e[CELLS - 2]!);
  return e;
}

/** The first cell whose upper edge is ≥ x (x ≤ the last edge). */
function cellOf(e: Float64Array, x: number): number {
  if (x <= e[0]!) return 0;
  // The logarithm gives the cell within one; the edges themselves decide.
  let i = Math.min(CELLS - 1, Math.max(0, Math.ceil(Math.log(x / e[0]!) / Math.log(STEP))));
  while (i < CELLS - 1 && e[i]! < x) i++;
  while (i > 0 && e[i - 1]! >= x) i--;
  return i;
}

export class RoomIndex {
  private readonly capCpu: Float64Array;
  private readonly capMem: Float64Array;
  private readonly edgeCpu: Float64Array;
  private readonly edgeMem: Float64Array;
  /** Below these demands the count by division is not trusted: the bound is then the limit asked. */
  private readonly tinyCpu: number;
  private readonly tinyMem: number;
  /** Per host: its cell (row · CELLS + column). */
  private readonly cell: Int32Array;
  /** Per cell: its hosts. Per row (a cell of free cpu): its cells that hold hosts, and each cell's place in that list. */
  private readonly count = new Int32Array(CELLS * CELLS);
  private readonly rows: Int32Array[] = [];
  private readonly rowLength = new Int32Array(CELLS);
  private readonly place = new Int32Array(CELLS * CELLS);

  /**
   * @param capCpu - each host's cpu capacity (the hosts start empty); the caller's array, read at
   *   each {@link RoomIndex.update}: a host with no capacity in either dimension is not there (a
   *   machine not added yet, or removed), and holds no cell
   * @param capMem - each host's mem capacity
   * @param top - the largest capacities any host will have (by default the largest given now): the
   *   cells' upper edges end there, and a host with more free room would be counted short
   */
  constructor(capCpu: Float64Array, capMem: Float64Array, top?: { cpu: number; mem: number }) {
    this.capCpu = capCpu;
    this.capMem = capMem;
    let topCpu = top?.cpu ?? 0, topMem = top?.mem ?? 0;
    for (let h = 0; h < capCpu.length; h++) {
      topCpu = Math.max(topCpu, capCpu[h]!);
      topMem = Math.max(topMem, capMem[h]!);
    }
    this.edgeCpu = edges(topCpu);
    this.edgeMem = edges(topMem);
    this.tinyCpu = TINY * topCpu;
    this.tinyMem = TINY * topMem;
    for (let r = 0; r < CELLS; r++) this.rows.push(new Int32Array(CELLS));
    this.cell = new Int32Array(capCpu.length).fill(-1);
    for (let h = 0; h < capCpu.length; h++) this.update(h, 0, 0);
  }

  /** Host h now uses (useCpu, useMem), or has a new capacity: it moves to the cell of its free room (none when it is not there). */
  update(h: number, useCpu: number, useMem: number): void {
    const there = this.capCpu[h]! > 0 || this.capMem[h]! > 0;
    const to = there ? cellOf(this.edgeCpu, Math.max(0, this.capCpu[h]! - useCpu)) * CELLS + cellOf(this.edgeMem, Math.max(0, this.capMem[h]! - useMem)) : -1;
    const from = this.cell[h]!;
    if (to === from) return;
    if (from >= 0 && --this.count[from]! === 0) {
      // The row's last cell takes the emptied one's place.
      const r = (from / CELLS) | 0, row = this.rows[r]!, last = row[--this.rowLength[r]!]!;
      row[this.place[from]!] = last;
      this.place[last] = this.place[from]!;
    }
    if (to >= 0 && this.count[to]!++ === 0) {
      const r = (to / CELLS) | 0;
      this.place[to] = this.rowLength[r]!;
      this.rows[r]![this.rowLength[r]!++] = to;
    }
    this.cell[h] = to;
  }

  /**
   * At least as many members of demand (cpu, mem) as the hosts take now, counted up to `limit`
   * (a result ≥ `limit` says nothing): below `limit`, the gang would be refused.
   */
  atMost(cpu: number, mem: number, limit: number): number {
    if ((cpu <= 0 && mem <= 0) || (cpu > 0 && cpu < this.tinyCpu) || (mem > 0 && mem < this.tinyMem)) return limit;
    const ec = this.edgeCpu, em = this.edgeMem;
    // The cells whose edges can hold one member (with the slack): from the first row and column whose edge reaches the demand.
    const lowCpu = cpu / (1 + SLACK), lowMem = mem / (1 + SLACK);
    const r0 = cpu > 0 ? cellOf(ec, Math.min(lowCpu, ec[CELLS - 1]!)) : 0, c0 = mem > 0 ? cellOf(em, Math.min(lowMem, em[CELLS - 1]!)) : 0;
    if ((cpu > 0 && ec[r0]! < lowCpu) || (mem > 0 && em[c0]! < lowMem)) return 0;
    let room = 0;
    for (let r = CELLS - 1; r >= r0; r--) {
      const n = this.rowLength[r]!;
      if (n === 0) continue;
      const byCpu = cpu > 0 ? (ec[r]! / cpu) * (1 + SLACK) : Number.POSITIVE_INFINITY;
      if (byCpu < 1) break;
      const row = this.rows[r]!;
      for (let i = 0; i < n; i++) {
        const cell = row[i]!, col = cell - r * CELLS;
        if (col < c0) continue;
        const byMem = mem > 0 ? (em[col]! / mem) * (1 + SLACK) : Number.POSITIVE_INFINITY;
        const takes = Math.floor(Math.min(byCpu, byMem, limit));
        room += takes * this.count[cell]!;
        if (room >= limit) return room;
      }
    }
    return room;
  }
}
