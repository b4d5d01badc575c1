/**
 * The planners' rules on small worked clusters: which VM leaves a high host,
 * where CRS, SS and FF send it, one migration per host per wave, and the
 * energy phase running only when no host is high.
 */
import { describe, expect, it } from 'vitest';
import type { RebalanceInput } from '../../src/systems/crs/model.ts';
import { planRebalance } from '../../src/systems/crs/plan.ts';
import type { Course } from '../../src/systems/crs/timetable.ts';

const courses: Course[] = [
  { name: 'Java', firstWeek: 1, lastWeek: 16, lessons: [{ section: 1, day: 1 }] },
  { name: 'Py', firstWeek: 1, lastWeek: 16, lessons: [{ section: 2, day: 3 }] },
];
const base = { cpu: 1.5, mem: 50 };

/**
 * hot: cpu (5 + 3) / 10 = 0.8 → high. Candidates for its VM `v1` (5 cores of use):
 * a (index 1): 8 used cores, two Java VMs → GOFit 0.5; b: 4 cores, a Python VM → GOFit 1;
 * c: 1 core, two Java VMs → GOFit 0.5. Every candidate stays at 0.65 CPU after the move.
 */
const cluster: RebalanceInput = {
  hosts: [{ name: 'hot', cpu: 10, mem: 100, base: { cpu: 0, mem: 50 } }, ...['a', 'b', 'c'].map((name) => ({ name, cpu: 10, mem: 100, base }))],
  courses,
  vms: [
    { name: 'v1', host: 'hot', cpu: 4, mem: 4, course: 'Java', use: { cpu: 5, mem: 1 } },
    { name: 'v2', host: 'hot', cpu: 1, mem: 4, course: 'Java', use: { cpu: 3, mem: 1 } },
    { name: 'a1', host: 'a', cpu: 4, mem: 1, course: 'Java', use: { cpu: 0, mem: 0 } },
    { name: 'a2', host: 'a', cpu: 4, mem: 1, course: 'Java', use: { cpu: 0, mem: 0 } },
    { name: 'b1', host: 'b', cpu: 4, mem: 1, course: 'Py', use: { cpu: 0, mem: 0 } },
    { name: 'c1', host: 'c', cpu: 0.5, mem: 1, course: 'Java', use: { cpu: 0, mem: 0 } },
    { name: 'c2', host: 'c', cpu: 0.5, mem: 1, course: 'Java', use: { cpu: 0, mem: 0 } },
  ],
};

describe.each(['wasm', 'reference'] as const)('planner rules (%s)', (engine) => {
  it('moves the VM with the largest migrateValue off the high host, once: hot ends at 0.3 CPU', () => {
    const p = planRebalance(cluster, { engine });
    expect(p.before[0]).toMatchObject({ host: 'hot', class: 'high' });
    expect(p.waves).toHaveLength(1);
    expect(p.waves[0]).toHaveLength(1);
    expect(p.waves[0]![0]).toMatchObject({ vm: 'v1', from: 'hot', phase: 'balance' });
    expect(p.after[0]!.cpu).toBeCloseTo(0.3, 12);
  });

  it('CRS sends it where GOFit is best (b, no coinciding lessons)', () => {
    expect(planRebalance(cluster, { engine, algorithm: 'crs' }).waves[0]![0]!.to).toBe('b');
  });

  it('SS sends it to the host with the fewest used cores (c, 1 core)', () => {
    expect(planRebalance(cluster, { engine, algorithm: 'ss' }).waves[0]![0]!.to).toBe('c');
  });

  it('FF sends it to the first host in order that fits (a)', () => {
    expect(planRebalance(cluster, { engine, algorithm: 'ff' }).waves[0]![0]!.to).toBe('a');
  });

  it('FF skips a first host the VM would push to H: a at 0.2 + 0.5 = 0.70 does not fit, b does', () => {
    const hosts = cluster.hosts.map((h) => (h.name === 'a' ? { ...h, base: { cpu: 2, mem: 50 } } : h));
    expect(planRebalance({ ...cluster, hosts }, { engine, algorithm: 'ff' }).waves[0]![0]!.to).toBe('b');
  });

  it('a host that gives several VMs takes part in one migration per wave', () => {
    // hot: base 3.5 + 4 VMs of 2 cores on 10 → 1.15; each target takes one VM (0.3 + 0.2 = 0.5; a second would reach 0.7).
    const input: RebalanceInput = {
      hosts: [{ name: 'hot', cpu: 10, mem: 100, base: { cpu: 3.5, mem: 50 } }, ...['t1', 't2', 't3'].map((name) => ({ name, cpu: 10, mem: 100, base: { cpu: 3, mem: 50 } }))],
      vms: Array.from({ length: 4 }, (_, i) => ({ name: `v${i}`, host: 'hot', cpu: 2, mem: 1, use: { cpu: 2, mem: 1 } })),
    };
    const p = planRebalance(input, { engine });
    // 11.5 → 9.5 → 7.5 → 5.5: three moves to get below 0.7, all from hot, so three waves.
    expect(p.moves).toBe(3);
    expect(p.waves).toHaveLength(3);
    for (const w of p.waves) expect(w).toHaveLength(1);
    expect(p.after[0]!.class).not.toBe('high');
  });

  describe('the energy phase', () => {
    // idle: cpu 0.05 → low; n1, n2 normal with room.
    const energy: RebalanceInput = {
      hosts: [{ name: 'n1', cpu: 10, mem: 100, base: { cpu: 3, mem: 50 } }, { name: 'idle', cpu: 10, mem: 100, base: { cpu: 0, mem: 50 } }, { name: 'n2', cpu: 10, mem: 100, base: { cpu: 3, mem: 50 } }],
      vms: [
        { name: 'i1', host: 'idle', cpu: 1, mem: 2, use: { cpu: 0.3, mem: 2 } },
        { name: 'i2', host: 'idle', cpu: 1, mem: 2, use: { cpu: 0.2, mem: 2 } },
      ],
    };

    it('empties the low host onto normal hosts and powers it off when no host is high', () => {
      const p = planRebalance(energy, { engine });
      expect(p.powerOff).toEqual(['idle']);
      expect(p.waves.flat().every((m) => m.phase === 'energy' && m.from === 'idle')).toBe(true);
      expect(p.moves).toBe(2);
      expect(p.after[1]!.class).toBe('off');
    });

    it('does not run while a host is still high (a VM too large to go anywhere)', () => {
      const stuck: RebalanceInput = {
        hosts: [...energy.hosts, { name: 'big', cpu: 10, mem: 100, base: { cpu: 0, mem: 50 } }],
        vms: [...energy.vms, { name: 'huge', host: 'big', cpu: 10, mem: 2, use: { cpu: 9.5, mem: 1 } }],
      };
      const p = planRebalance(stuck, { engine });
      expect(p.unresolved).toEqual(['big']);
      expect(p.moves).toBe(0);
      expect(p.powerOff).toEqual([]);
    });

    it('maxPowerOff 0 turns it off; a host whose VMs cannot all move is left as it was', () => {
      expect(planRebalance(energy, { engine, maxPowerOff: 0 }).moves).toBe(0);
      const tight = { ...energy, hosts: energy.hosts.map((h) => (h.name === 'idle' ? h : { ...h, base: { cpu: 6.75, mem: 50 } })) };
      // Each normal host can take one VM (6.75 + 0.3 → 0.705 ≥ 0.7 for i1: nowhere) → i1 cannot move → nothing moves.
      const p = planRebalance(tight, { engine });
      expect(p.moves).toBe(0);
      expect(p.powerOff).toEqual([]);
      expect(p.after.map((u) => u.cpu)).toEqual(p.before.map((u) => u.cpu));
    });
  });

  it('rejects a VM on an unknown host, naming the field and index', () => {
    expect(() => planRebalance({ hosts: [{ name: 'a', cpu: 1, mem: 1 }], vms: [{ name: 'x', host: 'zz', cpu: 1, mem: 1, use: { cpu: 0, mem: 0 } }] }, { engine })).toThrow(/vms\[0\]\.host/);
    expect(() => planRebalance({ hosts: [{ name: 'a', cpu: 1, mem: 1 }], vms: [{ name: 'x', host: 'a', cpu: 1, mem: 1, use: { cpu: -1, mem: 0 } }] }, { engine })).toThrow(/vms\[0\]\.use\.cpu/);
  });
});
