/**
 * The plain-TypeScript twin of the WebAssembly virtual-cluster placer
 * (`assembly/docklet.ts`): the same rules, tie-breaks and float expressions, over
 * typed arrays, so both give the same hosts (test/docklet/wasm-equals-reference.test.ts).
 *
 * @module
 */
import { loadPass, type GangPlacer, type HostColumns, type ClusterPlacement } from './model.ts';

/** Gang placement over columns in TypeScript memory. */
export class ReferencePlacer implements GangPlacer {
  private capCpu = new Float64Array(0);
  private capMem = new Float64Array(0);
  private useCpu = new Float64Array(0);
  private useMem = new Float64Array(0);
  private members = new Int32Array(0);

  get hostCount(): number {
    return this.capCpu.length;
  }

  addHosts(cpu: ArrayLike<number>, mem: ArrayLike<number>): void {
    const grow = <T extends Float64Array | Int32Array>(a: T, add: ArrayLike<number> | number): T => {
      const n = typeof add === 'number' ? add : add.length;
      const out = new (a.constructor as new (n: number) => T)(a.length + n);
      out.set(a);
      if (typeof add !== 'number') out.set(add, a.length);
      return out;
    };
    this.capCpu = grow(this.capCpu, cpu);
    this.capMem = grow(this.capMem, mem);
    this.useCpu = grow(this.useCpu, cpu.length);
    this.useMem = grow(this.useMem, cpu.length);
    this.members = grow(this.members, cpu.length);
  }

  place(count: number, cpu: number, mem: number, mode: ClusterPlacement, prior: ArrayLike<number>): Int32Array | number {
    const H = this.hostCount;
    const gang = new Int32Array(H);
    for (let j = 0; j < prior.length; j++) gang[prior[j]!]!++;
    const out = new Int32Array(count);
    const undoCpu = new Float64Array(count);
    const undoMem = new Float64Array(count);
    const { capCpu, capMem, useCpu, useMem, members } = this;
    for (let i = 0; i < count; i++) {
      // choose(): the first host of the best key, in host order.
      let best = -1;
      let bestGang = 0;
      let bestLoad = 0;
      for (let h = 0; h < H; h++) {
        const uc = useCpu[h]! + cpu;
        const um = useMem[h]! + mem;
        const cc = capCpu[h]!;
        const cm = capMem[h]!;
        if (!(uc <= cc && um <= cm)) continue;
        const lc = uc / cc;
        const lm = um / cm;
        const l = lc >= lm ? lc : lm;
        if (mode === 'pack') {
          if (best < 0 || l > bestLoad) { best = h; bestLoad = l; }
        } else {
          const g = gang[h]!;
          if (best < 0 || g < bestGang || (g === bestGang && l < bestLoad)) { best = h; bestGang = g; bestLoad = l; }
        }
      }
      if (best < 0) {
        for (let j = i - 1; j >= 0; j--) {
          const k = out[j]!;
          useCpu[k] = undoCpu[j]!;
          useMem[k] = undoMem[j]!;
          members[k]!--;
        }
        return i;
      }
      undoCpu[i] = useCpu[best]!;
      undoMem[i] = useMem[best]!;
      useCpu[best] = useCpu[best]! + cpu;
      useMem[best] = useMem[best]! + mem;
      members[best]!++;
      gang[best]!++;
      out[i] = best;
    }
    return out;
  }

  removeHosts(keep: readonly boolean[]): void {
    this.capCpu = this.capCpu.filter((_, h) => keep[h]);
    this.capMem = this.capMem.filter((_, h) => keep[h]);
    this.useCpu = this.useCpu.filter((_, h) => keep[h]);
    this.useMem = this.useMem.filter((_, h) => keep[h]);
    this.members = this.members.filter((_, h) => keep[h]);
  }

  setUse(useCpu: ArrayLike<number>, useMem: ArrayLike<number>, members: ArrayLike<number>): void {
    this.useCpu.set(useCpu);
    this.useMem.set(useMem);
    this.members.set(members);
  }

  setColumns(c: HostColumns): void {
    this.capCpu = c.capCpu.slice();
    this.capMem = c.capMem.slice();
    this.useCpu = c.useCpu.slice();
    this.useMem = c.useMem.slice();
    this.members = c.members.slice();
  }

  release(hosts: ArrayLike<number>, cpu: number, mem: number): void {
    const { useCpu, useMem, members } = this;
    for (let j = 0; j < hosts.length; j++) {
      const h = hosts[j]!;
      const m = members[h]! - 1;
      members[h] = m;
      if (m === 0) {
        useCpu[h] = 0;
        useMem[h] = 0;
      } else {
        const c = useCpu[h]! - cpu;
        const e = useMem[h]! - mem;
        useCpu[h] = c > 0 ? c : 0;
        useMem[h] = e > 0 ? e : 0;
      }
    }
  }

  columns(from = 0, to = this.capCpu.length): HostColumns {
    return { capCpu: this.capCpu.slice(from, to), capMem: this.capMem.slice(from, to), useCpu: this.useCpu.slice(from, to), useMem: this.useMem.slice(from, to), members: this.members.slice(from, to) };
  }

  dominantShares(out: Float64Array, free?: Float64Array): number {
    return loadPass(this.capCpu, this.capMem, this.useCpu, this.useMem, this.members, this.capCpu.length, out, free);
  }

  close(): void {}
}
