/**
 * The engine's nodes as columns: ids, speed, vCPUs, memory, last heartbeat
 * (NaN: none yet), flags (up, removed, storage ok) and capacities
 * (node-major), grown by doubling; {@link NodeRow} reads and writes one node's
 * values there.
 *
 * Why columns: a snapshot writes these columns, and a restore reads them. As one
 * object a node, a snapshot of 10^4 nodes spent ≈ 7 ms gathering them (a boxed
 * double or a typed array behind every field, a cache miss each), and a
 * restore made the objects again; as columns both are a copy.
 *
 * @module
 */

/** A node's flag bits, as a snapshot stores them. */
export const NODE_FLAG = { up: 1, removed: 2, storageOk: 4 } as const;

/** The columns of a snapshot, in its order: speed, vCPUs, memory, last heartbeat, flags, capacities. */
export type NodeColumns = [Float64Array, Float64Array, Float64Array, Float64Array, Uint8Array, Float64Array];

/** A node as the engine checked it before adding it. */
export interface NewNode {
  id: string;
  capacity: ArrayLike<number>;
  speed: number;
  vcpus: number;
  mem: number;
}

export class NodeTable {
  /** The nodes' ids, by index (a removed node keeps its id here). */
  readonly ids: string[] = [];
  speed: Float64Array;
  vcpus: Float64Array;
  mem: Float64Array;
  /** Last heartbeat; NaN before the first. */
  heartbeat: Float64Array;
  /** {@link NODE_FLAG} bits. */
  flags: Uint8Array;
  /** Capacities, node-major (`dims` a node). */
  capacity: Float64Array;

  constructor(readonly dims: number, rows = 16) {
    this.speed = new Float64Array(rows);
    this.vcpus = new Float64Array(rows);
    this.mem = new Float64Array(rows);
    this.heartbeat = new Float64Array(rows);
    this.flags = new Uint8Array(rows);
    this.capacity = new Float64Array(rows * dims);
  }

  /** A table of `ids.length` nodes whose columns a restore reads into ({@link columns}). */
  static forIds(ids: readonly string[], dims: number): NodeTable {
    const t = new NodeTable(dims, Math.max(16, ids.length));
    // A loop, not push(...ids): hundreds of thousands of arguments overflow the stack.
    for (const id of ids) t.ids.push(id);
    return t;
  }

  get length(): number {
    return this.ids.length;
  }

  /** Adds an up node with storage ok and no heartbeat yet; returns its index. */
  add(n: NewNode): number {
    const i = this.ids.length, D = this.dims;
    if (i === this.flags.length) this.grow(2 * i);
    this.ids.push(n.id);
    this.speed[i] = n.speed;
    this.vcpus[i] = n.vcpus;
    this.mem[i] = n.mem;
    this.heartbeat[i] = NaN;
    this.flags[i] = NODE_FLAG.up | NODE_FLAG.storageOk;
    for (let d = 0; d < D; d++) this.capacity[i * D + d] = n.capacity[d]!;
    return i;
  }

  /** The columns of the nodes present (views, in the snapshot's order). */
  columns(): NodeColumns {
    const n = this.ids.length;
    return [this.speed.subarray(0, n), this.vcpus.subarray(0, n), this.mem.subarray(0, n), this.heartbeat.subarray(0, n), this.flags.subarray(0, n), this.capacity.subarray(0, n * this.dims)];
  }

  /** Node i's flag `bit`. */
  has(i: number, bit: number): boolean {
    return (this.flags[i]! & bit) !== 0;
  }

  /** Sets or clears node i's flag `bit`. */
  setFlag(i: number, bit: number, on: boolean): void {
    this.flags[i] = on ? this.flags[i]! | bit : this.flags[i]! & ~bit;
  }

  /** Room for `rows` nodes, the values kept. */
  private grow(rows: number): void {
    const f64 = (a: Float64Array, n: number): Float64Array => { const b = new Float64Array(n); b.set(a); return b; };
    this.speed = f64(this.speed, rows);
    this.vcpus = f64(this.vcpus, rows);
    this.mem = f64(this.mem, rows);
    this.heartbeat = f64(this.heartbeat, rows);
    this.capacity = f64(this.capacity, rows * this.dims);
    const flags = new Uint8Array(rows);
    flags.set(this.flags);
    this.flags = flags;
  }
}

/** One node of a {@link NodeTable}: its values read and written there. */
export class NodeRow {
  constructor(private readonly t: NodeTable, readonly index: number) {}

  get id(): string { return this.t.ids[this.index]!; }
  get speed(): number { return this.t.speed[this.index]!; }
  set speed(x: number) { this.t.speed[this.index] = x; }
  get vcpus(): number { return this.t.vcpus[this.index]!; }
  set vcpus(x: number) { this.t.vcpus[this.index] = x; }
  get mem(): number { return this.t.mem[this.index]!; }
  set mem(x: number) { this.t.mem[this.index] = x; }
  get up(): boolean { return this.t.has(this.index, NODE_FLAG.up); }
  set up(x: boolean) { this.t.setFlag(this.index, NODE_FLAG.up, x); }
  get removed(): boolean { return this.t.has(this.index, NODE_FLAG.removed); }
  set removed(x: boolean) { this.t.setFlag(this.index, NODE_FLAG.removed, x); }
  get storageOk(): boolean { return this.t.has(this.index, NODE_FLAG.storageOk); }
  set storageOk(x: boolean) { this.t.setFlag(this.index, NODE_FLAG.storageOk, x); }
  /** The last heartbeat; undefined before the first. */
  get lastHeartbeat(): number | undefined { const h = this.t.heartbeat[this.index]!; return Number.isNaN(h) ? undefined : h; }
  set lastHeartbeat(x: number | undefined) { this.t.heartbeat[this.index] = x ?? NaN; }
  /** The capacity (a view of the table: read it now, it does not follow the table's growth). */
  get capacity(): Float64Array { const D = this.t.dims; return this.t.capacity.subarray(this.index * D, (this.index + 1) * D); }
  set capacity(x: ArrayLike<number>) { this.t.capacity.set(x, this.index * this.t.dims); }
}
