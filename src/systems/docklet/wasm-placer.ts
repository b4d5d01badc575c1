/**
 * The WebAssembly virtual-cluster placer: the hosts' columns live in the
 * manager's own core (one `Core` per manager) as a `DockletHosts` struct
 * (src/systems/docklet/docklet-layouts.ts) kept between calls; a gang is placed
 * or released by one call (`dockletPlace`, `dockletRelease` in
 * `assembly/docklet.ts`), its scratch carved above the columns and freed on return.
 *
 * @module
 */
import { FairfitError } from '../../errors.ts';
import { Core } from '../../wasm/module.ts';
import { DOCKLET_GANG, DOCKLET_HOSTS, DOCKLET_MODE } from './docklet-layouts.ts';
import type { GangPlacer, HostColumns, ClusterPlacement } from './model.ts';

/** Gang placement in WebAssembly; same hosts as `ReferencePlacer` for the same calls. */
export class WasmPlacer implements GangPlacer {
  private core: Core | undefined;
  /** The `DockletHosts` struct; the columns are allocated after it, up to `columnsEnd`. */
  private readonly struct: number;
  private readonly columnsStart: number;
  private hosts = 0;
  private room = 0;

  constructor() {
    this.core = Core.reuse('ordinary');
    this.struct = this.core.alloc(DOCKLET_HOSTS.size);
    this.columnsStart = this.core.mark();
    this.layOut(0, undefined);
  }

  private live(): Core {
    if (!this.core || this.core.broken) throw new FairfitError('INVALID_OPTION', 'the virtual-cluster manager is closed (close() was called, or its WebAssembly instance aborted)', { field: 'manager' });
    return this.core;
  }

  get hostCount(): number {
    return this.hosts;
  }

  /** Allocates columns for `room` hosts after the struct, copying `keep` (the old columns) in. */
  private layOut(room: number, keep: HostColumns | undefined): void {
    const k = this.live();
    const top = k.mark();
    k.release(this.columnsStart);
    const r = Math.max(1, room);
    // One reservation: the six columns in one growth at most. When memory cannot grow (OUT_OF_MEMORY) the
    // arena's top goes back above the old columns, which stay in use: else the next call's scratch,
    // carved at the top, would overwrite them.
    try {
      k.reserve(4 * r * 8 + 2 * r * 4 + 6 * 16);
    } catch (err) {
      k.release(top);
      throw err;
    }
    const ptr = {
      capCpu: k.alloc(r * 8), capMem: k.alloc(r * 8), useCpu: k.alloc(r * 8), useMem: k.alloc(r * 8),
      members: k.alloc(r * 4), gang: k.alloc(r * 4),
    };
    if (keep) {
      k.f64(ptr.capCpu, keep.capCpu.length).set(keep.capCpu);
      k.f64(ptr.capMem, keep.capMem.length).set(keep.capMem);
      k.f64(ptr.useCpu, keep.useCpu.length).set(keep.useCpu);
      k.f64(ptr.useMem, keep.useMem.length).set(keep.useMem);
      k.i32(ptr.members, keep.members.length).set(keep.members);
    }
    this.room = room;
    DOCKLET_HOSTS.write(k.memory, this.struct, { hosts: this.hosts, room, ...ptr });
  }

  private ptrs(): { capCpu: number; capMem: number; useCpu: number; useMem: number; members: number } {
    return DOCKLET_HOSTS.read(this.live().memory, this.struct);
  }

  addHosts(cpu: ArrayLike<number>, mem: ArrayLike<number>): void {
    const n = cpu.length;
    if (n === 0) return;
    // Room doubles: columns are copied O(log H) times over a manager's life, not once per call.
    if (this.hosts + n > this.room) this.layOut(Math.max(this.hosts + n, 2 * this.room, 64), this.columns());
    const k = this.live();
    const p = this.ptrs();
    k.f64(p.capCpu + this.hosts * 8, n).set(cpu);
    k.f64(p.capMem + this.hosts * 8, n).set(mem);
    // Use and member counts of new hosts: zero (the arena of a fresh or recycled core is zeroed; a relaid column may hold old rows past `hosts`).
    k.fill(p.useCpu + this.hosts * 8, 0, n * 8);
    k.fill(p.useMem + this.hosts * 8, 0, n * 8);
    k.fill(p.members + this.hosts * 4, 0, n * 4);
    this.hosts += n;
    DOCKLET_HOSTS.update(k.memory, this.struct, { hosts: this.hosts });
  }

  removeHosts(keep: readonly boolean[]): void {
    // The kept rows move down over the removed ones in place (host indices after a removed one shift
    // down); the room stays. A trace replay with its machine events drains thousands of hosts one at a
    // time: copying and laying out the columns each time was a fifth of its drains' cost.
    const k = this.live();
    const p = this.ptrs();
    const n = this.hosts;
    const capCpu = k.f64(p.capCpu, n), capMem = k.f64(p.capMem, n), useCpu = k.f64(p.useCpu, n), useMem = k.f64(p.useMem, n), members = k.i32(p.members, n);
    let j = 0;
    for (let h = 0; h < n; h++) {
      if (!keep[h]) continue;
      if (j !== h) {
        capCpu[j] = capCpu[h]!;
        capMem[j] = capMem[h]!;
        useCpu[j] = useCpu[h]!;
        useMem[j] = useMem[h]!;
        members[j] = members[h]!;
      }
      j++;
    }
    this.hosts = j;
    DOCKLET_HOSTS.update(k.memory, this.struct, { hosts: j });
  }

  setUse(useCpu: ArrayLike<number>, useMem: ArrayLike<number>, members: ArrayLike<number>): void {
    const k = this.live();
    const p = this.ptrs();
    k.f64(p.useCpu, this.hosts).set(useCpu);
    k.f64(p.useMem, this.hosts).set(useMem);
    k.i32(p.members, this.hosts).set(members);
  }

  setColumns(c: HostColumns): void {
    // The room never shrinks, so a way back after addHosts grew it asks for no memory.
    this.hosts = c.capCpu.length;
    this.layOut(Math.max(this.room, this.hosts), c);
  }

  /** Runs `fn` with a `DockletGang` struct and its columns for `count` members, freed afterwards. */
  private withGang<T>(count: number, prior: number, fn: (k: Core, gang: number, p: { priorHosts: number; out: number }) => T): T {
    const k = this.live();
    const mark = k.mark();
    try {
      const H = Math.max(1, this.hosts);
      k.reserve(DOCKLET_GANG.size + prior * 4 + count * 4 + 2 * count * 8 + H * 12 + 7 * 16);
      const gang = k.alloc(DOCKLET_GANG.size);
      const priorHosts = k.alloc(Math.max(1, prior) * 4);
      const out = k.alloc(Math.max(1, count) * 4);
      const undoCpu = k.alloc(Math.max(1, count) * 8);
      const undoMem = k.alloc(Math.max(1, count) * 8);
      const heap = k.alloc(H * 4);
      const load = k.alloc(H * 8);
      DOCKLET_GANG.write(k.memory, gang, { count, prior, mode: 0, failed: -1, demCpu: 0, demMem: 0, priorHosts, out, undoCpu, undoMem, heap, load });
      return fn(k, gang, { priorHosts, out });
    } finally {
      k.release(mark);
    }
  }

  place(count: number, cpu: number, mem: number, mode: ClusterPlacement, prior: ArrayLike<number>): Int32Array | number {
    return this.withGang(count, prior.length, (k, gang, p) => {
      if (prior.length > 0) k.i32(p.priorHosts, prior.length).set(prior);
      DOCKLET_GANG.update(k.memory, gang, { mode: DOCKLET_MODE.code[mode], demCpu: cpu, demMem: mem });
      const ok = k.exports.dockletPlace(this.struct, gang);
      return ok === 1 ? k.i32(p.out, count).slice() : DOCKLET_GANG.get(k.memory, gang, 'failed');
    });
  }

  release(hosts: ArrayLike<number>, cpu: number, mem: number): void {
    if (hosts.length === 0) return;
    this.withGang(hosts.length, 0, (k, gang, p) => {
      k.i32(p.out, hosts.length).set(hosts);
      DOCKLET_GANG.update(k.memory, gang, { demCpu: cpu, demMem: mem });
      k.exports.dockletRelease(this.struct, gang);
    });
  }

  columns(from = 0, to = this.hosts): HostColumns {
    const k = this.live();
    const p = this.ptrs();
    const n = to - from;
    return {
      capCpu: k.f64(p.capCpu + from * 8, n).slice(), capMem: k.f64(p.capMem + from * 8, n).slice(),
      useCpu: k.f64(p.useCpu + from * 8, n).slice(), useMem: k.f64(p.useMem + from * 8, n).slice(), members: k.i32(p.members + from * 4, n).slice(),
    };
  }

  dominantShares(out: Float64Array, free?: Float64Array): number {
    const k = this.live();
    const n = this.hosts;
    const mark = k.mark();
    try {
      // loadPass in WebAssembly (dockletShares: the same bits), its shares copied out in one batch.
      const at = k.alloc(Math.max(1, n) * 8), sums = k.alloc(32);
      const inUse = k.exports.dockletShares(this.struct, at, sums);
      out.set(k.f64(at, n));
      free?.set(k.f64(sums, 4));
      return inUse;
    } finally {
      k.release(mark);
    }
  }

  /** Gives the core back for the next manager made in this thread (`Core.recycle`). */
  close(): void {
    if (this.core) Core.recycle(this.core);
    this.core = undefined;
  }
}
