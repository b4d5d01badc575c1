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

describe('SleepingGangs', () => {
  it('on the hosts: a gang alone in its cell wakes once the hosts touched have taken its missing members', () => {
    // Gang 0: (0.25, 0.25), 2 members missing. Gang 1: (0.6, 0.1), 1 missing.
    const s = of([0.25, 0.6], [0.25, 0.1]);
    s.onHosts(0, 2);
    s.onHosts(1, 1);
    // A host of (1, 1) using (0.75, 0.5): takes 1 of gang 0's members (the fit rule, use + δ ≤ C), none of gang 1's.
    s.touch(1, 1, 0.75, 0.5);
    expect([...s.takeWoken()]).toEqual([]);
    // Its free mem fits gang 1's member but not its cpu: nothing.
    s.touch(1, 1, 0.5, 0);
    expect([...s.takeWoken()]).toEqual([0]);
    expect([s.state[0], s.state[1]]).toEqual([Sleep.No, Sleep.Hosts]);
    s.touch(1, 1, 0.4, 0.9);
    expect([...s.takeWoken()]).toEqual([1]);
  });

  it('on the hosts: a cell counts what a host takes of its smallest demand, so a larger gang of the cell wakes early, never late', () => {
    // 0.2 and 0.24 share a cell (within 1.25×); a host with 0.45 free takes 2 of 0.2, 1 of 0.24.
    const s = of([0.2, 0.24], [0.2, 0.24]);
    s.onHosts(1, 2);
    s.touch(1, 1, 0.55, 0.55);
    expect([...s.takeWoken()]).toEqual([1]);
    s.onHosts(0, 3);
    s.touch(1, 1, 0.55, 0.55);
    expect([...s.takeWoken()]).toEqual([]);
    s.touch(1, 1, 0.8, 0.8);
    expect([...s.takeWoken()]).toEqual([0]);
  });

  it('on the totals: a gang wakes once the freed sum of its dimension reaches the mark, a stale mark wakes nothing', () => {
    const s = of([0.1, 0.1, 0.1], [0.1, 0.1, 0.1]);
    s.onTotals(0, 0, 5);
    s.onTotals(1, 1, 3);
    s.onTotals(2, 0, 2);
    s.freed(4, 2.9);
    expect([...s.takeWoken()]).toEqual([2]);
    s.freed(5, 2.9);
    expect([...s.takeWoken()]).toEqual([0]);
    // Gang 0 asleep again, later: its first mark (5) is stale and must not wake it.
    s.onTotals(0, 1, 10);
    s.onTotals(2, 0, 9);
    s.freed(8, 3);
    expect([...s.takeWoken()]).toEqual([1]);
    expect([s.state[0], s.state[2]]).toEqual([Sleep.Totals, Sleep.Totals]);
    s.freed(9, 10);
    expect([...s.takeWoken()]).toEqual([0, 2]);
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
        const woken = new Set(s.takeWoken());
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
        rest.push(...s.takeWoken());
      }
      expect(rest.sort((a, b) => a - b)).toEqual([...asleep.keys()].sort((a, b) => a - b));
    }), { numRuns: 300 });
  });
});
