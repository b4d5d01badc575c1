/**
 * The waiting gangs asleep until a departure can have made room for them (SleepingGangs, used by the
 * Docklet trace replay): hand-worked wakes on the hosts and on the totals, and on random gangs and
 * touches against a plain model counting what each touched host takes of each gang's own demand: a
 * gang is never woken later than the model says it can fit (the replay's reports rest on that), and
 * none is lost.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostTakes } from '../../src/systems/docklet/gang-room.ts';
import { Sleep, SleepingGangs, takesAtMost } from '../../src/systems/docklet/sleeping-gangs.ts';

const of = (cpu: number[], mem: number[]) => new SleepingGangs(Float64Array.from(cpu), Float64Array.from(mem));

/** Every gang to visit now, in queue order (the retry's visits, without a count of the room). */
const visitAll = (s: SleepingGangs): number[] => {
  const out: number[] = [];
  for (let k = s.nextVisit(); k >= 0; k = s.nextVisit()) out.push(k);
  return out;
};

/** The hosts of a test, each of capacity (1, 1): the exact room of a demand (hostTakes summed), as a RoomBound. */
class Hosts {
  constructor(readonly useCpu: number[], readonly useMem: number[]) {}
  atMost(cpu: number, mem: number, limit: number): number {
    let room = 0;
    for (let h = 0; h < this.useCpu.length && room < limit; h++) room += hostTakes(1, 1, this.useCpu[h]!, this.useMem[h]!, cpu, mem, limit - room);
    return room;
  }
}

describe('SleepingGangs', () => {
  it('on the hosts: a gang alone in its cell wakes once the hosts touched have taken its missing members', () => {
    // Gang 0: (0.25, 0.25), 2 members missing. Gang 1: (0.6, 0.1), 1 missing.
    const s = of([0.25, 0.6], [0.25, 0.1]);
    s.onHosts(0, 2);
    s.onHosts(1, 1);
    // A host of (1, 1) using (0.75, 0.5): takes 1 of gang 0's members (the fit rule, use + δ ≤ C), none of gang 1's.
    s.touch(1, 1, 0.75, 0.5);
    expect([...visitAll(s)]).toEqual([]);
    // Its free mem fits gang 1's member but not its cpu: nothing.
    s.touch(1, 1, 0.5, 0);
    expect([...visitAll(s)]).toEqual([0]);
    expect([s.state[0], s.state[1]]).toEqual([Sleep.No, Sleep.Hosts]);
    s.touch(1, 1, 0.4, 0.9);
    expect([...visitAll(s)]).toEqual([1]);
  });

  it('on the hosts: a cell counts what a host takes of its smallest demand, so a larger gang of the cell wakes early, never late', () => {
    // 0.2 and 0.24 share a cell (within 1.25×); a host with 0.45 free takes 2 of 0.2, 1 of 0.24.
    const s = of([0.2, 0.24], [0.2, 0.24]);
    s.onHosts(1, 2);
    s.touch(1, 1, 0.55, 0.55);
    expect([...visitAll(s)]).toEqual([1]);
    s.onHosts(0, 3);
    s.touch(1, 1, 0.55, 0.55);
    expect([...visitAll(s)]).toEqual([]);
    s.touch(1, 1, 0.8, 0.8);
    expect([...visitAll(s)]).toEqual([0]);
  });

  it('on the totals: a gang wakes once the freed sum of its dimension reaches the mark, a stale mark wakes nothing', () => {
    const s = of([0.1, 0.1, 0.1], [0.1, 0.1, 0.1]);
    s.onTotals(0, 0, 5);
    s.onTotals(1, 1, 3);
    s.onTotals(2, 0, 2);
    s.freed(4, 2.9);
    expect([...visitAll(s)]).toEqual([2]);
    s.freed(5, 2.9);
    expect([...visitAll(s)]).toEqual([0]);
    // Gang 0 asleep again, later: its first mark (5) is stale and must not wake it.
    s.onTotals(0, 1, 10);
    s.onTotals(2, 0, 9);
    s.freed(8, 3);
    expect([...visitAll(s)]).toEqual([1]);
    expect([s.state[0], s.state[2]]).toEqual([Sleep.Totals, Sleep.Totals]);
    s.freed(9, 10);
    expect([...visitAll(s)]).toEqual([0, 2]);
  });

  it('waiting for room: woken by the sums, then only once the room bound of the cell\'s smallest demand holds its members', () => {
    // Gang 0: 4 members of (0.25, 0.25), asleep with 2 missing from its bound. Two full hosts of (1, 1).
    const s = new SleepingGangs(Float64Array.of(0.25), Float64Array.of(0.25), Int32Array.of(4));
    const hosts = new Hosts([1, 1], [1, 1]);
    const asked: number[] = [];
    const counted = { atMost: (c: number, m: number, l: number) => (asked.push(l), hosts.atMost(c, m, l)) };
    const free = (h: number, use: number) => {
      hosts.useCpu[h] = use;
      hosts.useMem[h] = use;
      s.touch(1, 1, use, use);
    };
    s.onHosts(0, 2);
    // Host 0 freed to 0.5 in use: it takes 2 members, the sums' need; the gang waits for room, which is 2: it stays.
    free(0, 0.5);
    expect(s.state[0]).toBe(Sleep.Room);
    s.recheck(counted);
    expect(asked).toEqual([4]);
    expect([...visitAll(s)]).toEqual([]);
    // Host 0 fills again; host 1 freed to 0.75 takes 1, below the 2 the count of 2 lacked: no count.
    hosts.useCpu[0] = 1;
    hosts.useMem[0] = 1;
    free(1, 0.75);
    s.recheck(counted);
    expect(asked).toEqual([4]);
    // Host 0 freed to 0.75 takes 1 more: the takes since (2) reach what it lacked: counted, the room is 2: it stays.
    free(0, 0.75);
    s.recheck(counted);
    expect(asked).toEqual([4, 4]);
    expect([...visitAll(s)]).toEqual([]);
    // Host 0 freed to 0.5 takes 2: counted, the room is 3: it stays. Host 1 freed to 0.5: the room is 4: woken.
    free(0, 0.5);
    s.recheck(counted);
    expect(asked).toEqual([4, 4, 4]);
    expect([...visitAll(s)]).toEqual([]);
    free(1, 0.5);
    s.recheck(counted);
    expect(asked).toEqual([4, 4, 4, 4]);
    expect([...visitAll(s)]).toEqual([0]);
    expect(s.state[0]).toBe(Sleep.No);
  });

  it('waiting for room: never woken later than its exact room holds its members, and none lost', () => {
    const demand = fc.oneof(fc.integer({ min: 1, max: 20 }).map((x) => x / 40), fc.double({ min: 0.01, max: 0.5, noNaN: true }));
    const arb = fc.record({
      hosts: fc.integer({ min: 1, max: 5 }),
      gangs: fc.array(fc.record({ cpu: demand, mem: demand, members: fc.integer({ min: 1, max: 12 }) }), { minLength: 1, maxLength: 60 }),
      steps: fc.array(fc.oneof(
        fc.record({ sleep: fc.nat() }),
        fc.record({ host: fc.nat(), release: fc.boolean(), cpu: fc.integer({ min: 0, max: 40 }), mem: fc.integer({ min: 0, max: 40 }) }),
      ), { maxLength: 200 }),
    });
    fc.assert(fc.property(arb, ({ hosts: H, gangs: gs, steps }) => {
      const s = new SleepingGangs(Float64Array.from(gs, (x) => x.cpu), Float64Array.from(gs, (x) => x.mem), Int32Array.from(gs, (x) => x.members));
      const hosts = new Hosts(new Array<number>(H).fill(1), new Array<number>(H).fill(1));
      const roomOf = (k: number) => hosts.atMost(gs[k]!.cpu, gs[k]!.mem, gs[k]!.members);
      const check = () => {
        for (let k = 0; k < gs.length; k++) if (s.state[k] !== Sleep.No) expect(roomOf(k), `gang ${k} fits and sleeps`).toBeLessThan(gs[k]!.members);
      };
      for (const step of steps) {
        if ('sleep' in step) {
          // A gang refused now sleeps with its exact room as its bound (the replay's: no larger than its room bound).
          const k = step.sleep % gs.length, room = roomOf(k);
          if (s.state[k] === Sleep.No && room < gs[k]!.members) s.onHosts(k, gs[k]!.members - room);
          continue;
        }
        const h = step.host % H, c = step.cpu / 40, m = step.mem / 40;
        if (step.release) {
          // A departure: the host's use falls in both dimensions (to at most what it was), then it is touched.
          hosts.useCpu[h] = Math.min(hosts.useCpu[h]!, c);
          hosts.useMem[h] = Math.min(hosts.useMem[h]!, m);
          s.touch(1, 1, hosts.useCpu[h]!, hosts.useMem[h]!);
          s.recheck(hosts);
        } else {
          // A placement: the use grows (no touch; room only shrinks).
          hosts.useCpu[h] = Math.max(hosts.useCpu[h]!, c);
          hosts.useMem[h] = Math.max(hosts.useMem[h]!, m);
        }
        visitAll(s);
        check();
      }
      // Every host emptied: each gang that fits the empty hosts wakes; none left behind.
      for (let h = 0; h < H; h++) {
        hosts.useCpu[h] = 0;
        hosts.useMem[h] = 0;
        s.touch(1, 1, 0, 0);
      }
      s.recheck(hosts);
      visitAll(s);
      for (let k = 0; k < gs.length; k++) if (roomOf(k) >= gs[k]!.members) expect(s.state[k], `gang ${k} lost`).toBe(Sleep.No);
      check();
    }), { numRuns: 400 });
  });

  it('a retry\'s visits: a bucket is left waiting once a count after a placement says its members no longer fit, in queue order', () => {
    // Gangs 0–2: one member of (0.5, 0.5) each, one cell; their queue places run backwards (2 first).
    const ticket = Float64Array.of(7, 5, 3);
    const s = new SleepingGangs(Float64Array.of(0.5, 0.5, 0.5), Float64Array.of(0.5, 0.5, 0.5), Int32Array.of(1, 1, 1), ticket);
    const hosts = new Hosts([1], [1]);
    const asked: number[] = [];
    const counted = { atMost: (c: number, m: number, l: number) => (asked.push(l), hosts.atMost(c, m, l)) };
    for (const k of [0, 1, 2]) s.onHosts(k, 1);
    // The host freed to 0.5: it takes 1 member; all three wait for room, which holds 1: the bucket is to visit.
    hosts.useCpu[0] = hosts.useMem[0] = 0.5;
    s.touch(1, 1, 0.5, 0.5);
    s.recheck(counted);
    expect(asked).toEqual([1]);
    expect(s.nextVisit(counted)).toBe(2);
    // Gang 2 placed: the next visit counts again (room 0) and leaves gangs 0 and 1 waiting, unvisited.
    hosts.useCpu[0] = hosts.useMem[0] = 1;
    s.roomTaken();
    expect(s.nextVisit(counted)).toBe(-1);
    expect(asked).toEqual([1, 1]);
    expect([s.state[0], s.state[1], s.state[2]]).toEqual([Sleep.Room, Sleep.Room, Sleep.No]);
    // Not placed (no room taken): the count stands and the next gang is visited without another.
    hosts.useCpu[0] = hosts.useMem[0] = 0.5;
    s.touch(1, 1, 0.5, 0.5);
    s.recheck(counted);
    expect(s.nextVisit(counted)).toBe(1);
    expect(s.nextVisit(counted)).toBe(0);
    expect(s.nextVisit(counted)).toBe(-1);
    expect(asked).toEqual([1, 1, 1]);
  });

  it('a retry\'s visits: in queue order, and no gang left asleep or waiting whose room holds it when they end', () => {
    const demand = fc.oneof(fc.integer({ min: 1, max: 20 }).map((x) => x / 40), fc.double({ min: 0.01, max: 0.5, noNaN: true }));
    const arb = fc.record({
      hosts: fc.integer({ min: 1, max: 5 }),
      gangs: fc.array(fc.record({ cpu: demand, mem: demand, members: fc.integer({ min: 1, max: 6 }), place: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 60 }),
      steps: fc.array(fc.oneof(
        fc.record({ sleep: fc.nat() }),
        fc.record({ host: fc.nat(), cpu: fc.integer({ min: 0, max: 40 }), mem: fc.integer({ min: 0, max: 40 }) }),
      ), { maxLength: 200 }),
    });
    fc.assert(fc.property(arb, ({ hosts: H, gangs: gs, steps }) => {
      // Queue places: a random order of the gangs, fixed.
      const ticket = Float64Array.from(gs, (x, k) => Math.floor(x.place * 1e6) * 64 + k);
      const s = new SleepingGangs(Float64Array.from(gs, (x) => x.cpu), Float64Array.from(gs, (x) => x.mem), Int32Array.from(gs, (x) => x.members), ticket);
      const hosts = new Hosts(new Array<number>(H).fill(1), new Array<number>(H).fill(1));
      const placed = new Uint8Array(gs.length);
      const roomOf = (k: number) => hosts.atMost(gs[k]!.cpu, gs[k]!.mem, gs[k]!.members);
      const sleepIfRefused = (k: number): boolean => {
        const room = roomOf(k);
        if (room >= gs[k]!.members) return false;
        s.onHosts(k, gs[k]!.members - room);
        return true;
      };
      for (const step of steps) {
        if ('sleep' in step) {
          const k = step.sleep % gs.length;
          if (s.state[k] === Sleep.No && placed[k] === 0) sleepIfRefused(k);
          continue;
        }
        // A departure: the host's use falls (to at most what it was), it is touched, then the retry's visits.
        const h = step.host % H;
        hosts.useCpu[h] = Math.min(hosts.useCpu[h]!, step.cpu / 40);
        hosts.useMem[h] = Math.min(hosts.useMem[h]!, step.mem / 40);
        s.touch(1, 1, hosts.useCpu[h]!, hosts.useMem[h]!);
        s.recheck(hosts);
        let last = -1;
        for (let k = s.nextVisit(hosts); k >= 0; k = s.nextVisit(hosts)) {
          expect(ticket[k]!, `gang ${k} visited out of queue order`).toBeGreaterThan(last);
          last = ticket[k]!;
          if (sleepIfRefused(k)) continue;
          // Placed, member by member on the first host with room for it.
          for (let i = 0; i < gs[k]!.members; i++) {
            const at = hosts.useCpu.findIndex((u, x) => hostTakes(1, 1, u, hosts.useMem[x]!, gs[k]!.cpu, gs[k]!.mem, 1) > 0);
            hosts.useCpu[at] = hosts.useCpu[at]! + gs[k]!.cpu;
            hosts.useMem[at] = hosts.useMem[at]! + gs[k]!.mem;
          }
          placed[k] = 1;
          s.roomTaken();
        }
        for (let k = 0; k < gs.length; k++) if (s.state[k] !== Sleep.No) expect(roomOf(k), `gang ${k} fits and waits`).toBeLessThan(gs[k]!.members);
      }
    }), { numRuns: 400 });
  });

  it('takesAtMost: no fewer than hostTakes, and the same up to 64 members', () => {
    const d = fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1, noNaN: true }));
    fc.assert(fc.property(d, d, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 2000 }), (c, m, uc, um, limit) => {
      fc.pre(c > 0 || m > 0);
      const exact = hostTakes(1, 1, uc, um, c, m, limit), bound = takesAtMost(1, 1, uc, um, c, m, limit);
      expect(bound).toBeGreaterThanOrEqual(exact);
      expect(bound).toBeLessThanOrEqual(limit);
      if (Math.min(c > 0 ? (1 - uc) / c : Infinity, m > 0 ? (1 - um) / m : Infinity) <= 64) expect(bound).toBe(exact);
    }), { numRuns: 20_000 });
  });

  it('never wakes a gang later than what the hosts touched take of its own demand says it fits, and loses none', () => {
    const demand = fc.oneof(fc.integer({ min: 0, max: 20 }).map((x) => x / 40), fc.double({ min: 0.001, max: 0.5, noNaN: true }));
    const arb = fc.record({
      gangs: fc.array(fc.record({ cpu: demand, mem: demand }), { minLength: 1, maxLength: 200 }),
      steps: fc.array(fc.oneof(
        fc.record({ sleep: fc.nat(), need: fc.integer({ min: 1, max: 40 }) }),
        fc.record({ useCpu: fc.integer({ min: 0, max: 40 }).map((x) => x / 40), useMem: fc.integer({ min: 0, max: 40 }).map((x) => x / 40) }),
      ), { maxLength: 300 }),
    });
    fc.assert(fc.property(arb, ({ gangs: gs, steps }) => {
      const cpu = gs.map((x) => x.cpu), mem = gs.map((x) => x.mem);
      const s = of(cpu, mem);
      // The model: per gang asleep, its need and what the touched hosts took of its own demand since.
      const asleep = new Map<number, { need: number; took: number }>();
      for (const step of steps) {
        if ('sleep' in step) {
          const k = step.sleep % gs.length;
          if (s.state[k] !== Sleep.No) continue;
          s.onHosts(k, step.need);
          asleep.set(k, { need: step.need, took: 0 });
          continue;
        }
        s.touch(1, 1, step.useCpu, step.useMem);
        const woken = new Set(visitAll(s));
        for (const [k, a] of asleep) {
          a.took += hostTakes(1, 1, step.useCpu, step.useMem, cpu[k]!, mem[k]!, a.need - a.took);
          if (woken.has(k)) asleep.delete(k);
          else expect(a.took, `gang ${k} (${cpu[k]}, ${mem[k]}) fits and sleeps`).toBeLessThan(a.need);
        }
        for (const k of woken) expect(s.state[k]).toBe(Sleep.No);
      }
      // Empty hosts until all are awake: each gang asleep wakes once, none lost.
      const rest: number[] = [];
      for (let i = 0; i < 40; i++) {
        s.touch(1, 1, 0, 0);
        rest.push(...visitAll(s));
      }
      expect(rest.sort((a, b) => a - b)).toEqual([...asleep.keys()].sort((a, b) => a - b));
    }), { numRuns: 300 });
  });
});
