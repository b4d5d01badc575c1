/**
 * A copy of the hosts' use kept by a driver of the manager (`replayClusters`), computed as the
 * placers compute theirs (assembly/docklet.ts, src/systems/docklet/reference-placer.ts), so the
 * driver can count the members a host takes (`hostTakes`) without asking the manager for its
 * columns. Bit-for-bit the placers' values when every placement and release goes through it
 * (test/docklet/use-mirror.test.ts compares it with the manager's hosts on random calls).
 *
 * @module
 */
import type { RoomIndex } from './room-index.ts';

/** Each host's cpu and mem in use and member count, with the placers' float sums. */
export class UseMirror {
  readonly useCpu: Float64Array;
  readonly useMem: Float64Array;
  readonly members: Int32Array;

  /**
   * @param hosts - the number of hosts, empty at first
   * @param index - the hosts by free room, told of every change
   */
  constructor(hosts: number, private readonly index?: RoomIndex) {
    this.useCpu = new Float64Array(hosts);
    this.useMem = new Float64Array(hosts);
    this.members = new Int32Array(hosts);
  }

  /** Members of demand (cpu, mem) placed on `hosts` (a host once per member): one addition each, as the placer's. */
  place(hosts: ArrayLike<number>, cpu: number, mem: number): void {
    for (let j = 0; j < hosts.length; j++) {
      const h = hosts[j]!;
      this.useCpu[h] = this.useCpu[h]! + cpu;
      this.useMem[h] = this.useMem[h]! + mem;
      this.members[h]!++;
      this.index?.update(h, this.useCpu[h]!, this.useMem[h]!);
    }
  }

  /** Host h holds nothing (a machine added, or removed once drained, whose capacity the index reads anew). */
  reset(h: number): void {
    this.useCpu[h] = 0;
    this.useMem[h] = 0;
    this.members[h] = 0;
    this.index?.update(h, 0, 0);
  }

  /** Members of demand (cpu, mem) released from `hosts`: the placer's subtraction, never below 0, exactly 0 on a host left empty. */
  release(hosts: ArrayLike<number>, cpu: number, mem: number): void {
    for (let j = 0; j < hosts.length; j++) {
      const h = hosts[j]!;
      const m = this.members[h]! - 1;
      this.members[h] = m;
      if (m === 0) {
        this.useCpu[h] = 0;
        this.useMem[h] = 0;
      } else {
        const c = this.useCpu[h]! - cpu;
        const e = this.useMem[h]! - mem;
        this.useCpu[h] = c > 0 ? c : 0;
        this.useMem[h] = e > 0 ? e : 0;
      }
      this.index?.update(h, this.useCpu[h]!, this.useMem[h]!);
    }
  }
}
