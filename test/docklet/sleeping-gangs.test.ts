/**
 * The waiting gangs asleep until a departure can have made room for them (SleepingGangs, used by the
 * Docklet trace replay): hand-worked wakes on the hosts and on the totals, and on random gangs and
 * touches the woken gangs and bounds equal a plain model's that visits every asleep gang at every
 * touch (the buckets by cpu, the fit filter and the removal from a bucket's list skip nothing).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostTakes } from '../../src/systems/docklet/gang-room.ts';
import { Sleep, SleepingGangs } from '../../src/systems/docklet/sleeping-gangs.ts';

function gangs(members: number[], cpu: number[], mem: number[]) {
  const n = members.length;
  const bound = new Float64Array(n), seen = new Int32Array(n);
  const s = new SleepingGangs(Int32Array.from(members), Float64Array.from(cpu), Float64Array.from(mem), bound, seen);
  return { s, bound, seen };
}

describe('SleepingGangs', () => {
  it('on the hosts: a gang wakes once the hosts touched have taken its missing members, with its bound from before the time that woke it', () => {
    // Gang 0: 3 members of (0.25, 0.25), room 1 at its refusal. Gang 1: 1 member of (0.6, 0.1), room 0.
    const { s, bound, seen } = gangs([3, 1], [0.25, 0.6], [0.25, 0.1]);
    bound[0] = 1;
    s.onHosts(0);
    s.onHosts(1);
    s.departure(4);
    // A host of (1, 1) using (0.5, 0.5): takes 2 of gang 0's members (the fit rule, use + δ ≤ C), none of gang 1's.
    s.touch(1, 1, 0.5, 0.5);
    expect(s.takeWoken()).toEqual([0]);
    // Its bound is the one from before this time, counting the 4 hosts touched before it: the driver counts this time's hosts again at its try.
    expect([bound[0], seen[0], s.state[0]]).toEqual([1, 4, Sleep.No]);
    expect([bound[1], s.state[1]]).toEqual([0, Sleep.Hosts]);
    // A host whose free mem fits gang 1's member but not its cpu does not count; the next time, one that fits both wakes it.
    s.departure(5);
    s.touch(1, 1, 0.5, 0);
    expect(s.takeWoken()).toEqual([]);
    s.departure(6);
    s.touch(1, 1, 0.4, 0.9);
    expect(s.takeWoken()).toEqual([1]);
    expect([bound[1], seen[1]]).toEqual([0, 6]);
  });

  it('on the hosts: takes add up over touches and times until the gang is whole', () => {
    const { s, bound } = gangs([5], [0.5], [0.5]);
    bound[0] = 0;
    s.onHosts(0);
    s.departure(0);
    s.touch(1, 1, 0, 0); // 2
    s.touch(1, 1, 0.5, 0.5); // 1
    expect(s.takeWoken()).toEqual([]);
    expect(bound[0]).toBe(3);
    s.departure(2);
    s.touch(1, 1, 0.5, 0); // 1
    expect(s.takeWoken()).toEqual([]);
    s.departure(3);
    s.touch(1, 1, 0.25, 0.25); // 1: whole, woken with the bound from before this time
    expect(s.takeWoken()).toEqual([0]);
    expect(bound[0]).toBe(4);
  });

  it('on the totals: a gang wakes once the freed sum of its dimension reaches the mark, a stale mark wakes nothing', () => {
    const { s } = gangs([1, 1, 1], [0.1, 0.1, 0.1], [0.1, 0.1, 0.1]);
    s.onTotals(0, 0, 5);
    s.onTotals(1, 1, 3);
    s.onTotals(2, 0, 2);
    s.freed(4, 2.9);
    expect(s.takeWoken()).toEqual([2]);
    s.freed(5, 2.9);
    expect(s.takeWoken()).toEqual([0]);
    // Gang 0 asleep again, later: its first mark (5) is stale and must not wake it.
    s.onTotals(0, 1, 10);
    s.onTotals(2, 0, 9);
    s.freed(8, 3);
    expect(s.takeWoken()).toEqual([1]);
    expect([s.state[0], s.state[2]]).toEqual([Sleep.Totals, Sleep.Totals]);
    s.freed(9, 10);
    expect(s.takeWoken()).toEqual([0, 2]);
  });

  it('equals a plain model visiting every asleep gang at every touch (600 gangs: three buckets)', () => {
    const demand = fc.integer({ min: 0, max: 20 }).map((x) => x / 40);
    const arb = fc.record({
      gangs: fc.array(fc.record({ members: fc.integer({ min: 1, max: 12 }), cpu: demand, mem: demand }), { minLength: 600, maxLength: 600 }),
      steps: fc.array(fc.oneof(
        fc.record({ sleep: fc.integer({ min: 0, max: 599 }), room: fc.integer({ min: 0, max: 11 }) }),
        fc.record({ useCpu: fc.integer({ min: 0, max: 40 }).map((x) => x / 40), useMem: fc.integer({ min: 0, max: 40 }).map((x) => x / 40), newTime: fc.boolean() }),
      ), { maxLength: 300 }),
    });
    fc.assert(fc.property(arb, ({ gangs: gs, steps }) => {
      const members = gs.map((x) => x.members), cpu = gs.map((x) => x.cpu), mem = gs.map((x) => x.mem);
      const { s, bound, seen } = gangs(members, cpu, mem);
      const model = { asleep: new Set<number>(), bound: new Float64Array(gs.length), before: new Map<number, number>() };
      let touches = 0, from = 0;
      s.departure(0);
      for (const step of steps) {
        if ('sleep' in step) {
          const k = step.sleep;
          if (s.state[k] !== Sleep.No) continue;
          const room = Math.min(step.room, members[k]! - 1);
          bound[k] = room;
          model.bound[k] = room;
          s.onHosts(k);
          model.asleep.add(k);
          continue;
        }
        if (step.newTime) {
          from = touches;
          s.departure(from);
          model.before.clear();
        }
        touches++;
        s.touch(1, 1, step.useCpu, step.useMem);
        const woken: number[] = [];
        for (const k of model.asleep) {
          const need = members[k]! - model.bound[k]!;
          const takes = hostTakes(1, 1, step.useCpu, step.useMem, cpu[k]!, mem[k]!, need);
          if (takes === 0) continue;
          if (!model.before.has(k)) model.before.set(k, model.bound[k]!);
          model.bound[k] = model.bound[k]! + takes;
          if (takes >= need) {
            woken.push(k);
            model.asleep.delete(k);
            model.bound[k] = model.before.get(k)!;
          }
        }
        const got = s.takeWoken();
        expect(got).toEqual(woken.sort((a, b) => a - b));
        for (const k of got) expect(seen[k]).toBe(from);
      }
      expect(Array.from(bound)).toEqual(Array.from(model.bound));
      // Empty hosts, one time each, until all are awake: each gang asleep wakes once, none lost, none twice.
      const rest: number[] = [];
      for (let i = 0; i < 12; i++) {
        s.departure(touches);
        s.touch(1, 1, 0, 0);
        rest.push(...s.takeWoken());
      }
      expect(rest.sort((a, b) => a - b)).toEqual([...model.asleep].sort((a, b) => a - b));
    }), { numRuns: 60 });
  });
});
