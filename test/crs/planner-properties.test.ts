/**
 * Properties of every plan on random clusters, for CRS, SS and FF under every
 * option: the WebAssembly planner (release and debug builds) equals the
 * plain-TypeScript reference; executed wave by wave, no move pushes its
 * target to or over H; each host takes part in at most one migration per
 * wave; no VM is lost or duplicated and none moves twice (so never A→B→A);
 * energy waves come after every balance wave and only when no host is left
 * high; powered-off hosts end empty.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.ts';
import { REBALANCE_ALGORITHMS, resolveRebalanceOptions, type RebalanceInput, type RebalanceOptions } from '../../src/systems/crs/model.ts';
import { describePlan } from '../../src/systems/crs/plan.ts';
import { planColumns, planParams } from '../../src/systems/crs/plan-columns.ts';
import { referencePlan } from '../../src/systems/crs/reference-planner.ts';
import { wasmPlan } from '../../src/systems/crs/wasm-planner.ts';
import { Core, wasmModule } from '../../src/wasm/module.ts';

/** A random cluster: sizes from fast-check, contents from the seed. */
function cluster(seed: number, hosts: number, vms: number, courses: number): RebalanceInput {
  const r = new Rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[r.below(xs.length)]!;
  const cs = Array.from({ length: courses }, (_, i) => ({
    name: `c${i}`, firstWeek: 1 + r.below(8), lastWeek: 9 + r.below(8),
    lessons: Array.from({ length: 1 + r.below(3) }, () => ({ section: 1 + r.below(5), day: 1 + r.below(5), odd: r.below(4) !== 0, even: r.below(4) !== 0 })),
  }));
  return {
    hosts: Array.from({ length: hosts }, (_, i) => ({ name: `h${i}`, cpu: pick([4, 8, 16]), mem: pick([8, 16, 64]), ...(r.below(2) ? { base: { cpu: r.next(), mem: r.next() * 4 } } : {}) })),
    courses: cs,
    vms: Array.from({ length: vms }, (_, i) => {
      const cpu = pick([1, 2, 4]);
      const mem = pick([1, 2, 4, 8]);
      // Quantised uses make ties (equal De, equal migrateValue, exact threshold hits) common.
      return { name: `v${i}`, host: `h${r.below(hosts)}`, cpu, mem, ...(courses && r.below(4) ? { course: `c${r.below(courses)}` } : {}), use: { cpu: (cpu * r.below(9)) / 8, mem: (mem * r.below(9)) / 8 } };
    }),
  };
}

const optionsArb = fc.record({
  algorithm: fc.constantFrom(...REBALANCE_ALGORITHMS),
  highWhen: fc.constantFrom('any', 'all'),
  lowWhen: fc.constantFrom('any', 'all'),
  bounds: fc.constantFrom('inclusive', 'strict'),
  targets: fc.constantFrom('normal-then-low', 'normal'),
  maxPowerOff: fc.integer({ min: 0, max: 3 }),
  high: fc.record({ cpu: fc.constantFrom(0.5, 0.7, 0.9), mem: fc.constantFrom(0.6, 0.9) }),
}) as fc.Arbitrary<RebalanceOptions>;

const caseArb = fc.record({ seed: fc.integer(), hosts: fc.integer({ min: 1, max: 12 }), vms: fc.integer({ min: 0, max: 50 }), courses: fc.integer({ min: 0, max: 4 }), options: optionsArb });

const release = new Core(wasmModule('release'));
const debug = new Core(wasmModule('debug'));

describe('rebalancing plans on random clusters', () => {
  it('the WebAssembly planner (release and debug) returns the reference plan, bit for bit', () => {
    fc.assert(fc.property(caseArb, ({ seed, hosts, vms, courses, options }) => {
      const c = planColumns(cluster(seed, hosts, vms, courses));
      const p = planParams(resolveRebalanceOptions(options));
      const ref = referencePlan(c, p);
      expect(wasmPlan(c, p, release)).toEqual(ref);
      expect(wasmPlan(c, p, debug)).toEqual(ref);
    }), { numRuns: 300 });
  });

  it('keep every invariant when executed wave by wave', () => {
    let moved = 0;
    let powered = 0;
    fc.assert(fc.property(caseArb, ({ seed, hosts, vms, courses, options }) => {
      const input = cluster(seed, hosts, vms, courses);
      const o = resolveRebalanceOptions(options);
      const c = planColumns(input);
      const plan = describePlan(input, c, referencePlan(c, planParams(o)), o);
      const where = new Map(input.vms.map((v) => [v.name, v.host]));
      const use = new Map(input.hosts.map((h) => [h.name, { cpu: h.base?.cpu ?? 0, mem: h.base?.mem ?? 0, cap: h }]));
      for (const v of input.vms) {
        const u = use.get(v.host)!;
        u.cpu += v.use.cpu as number;
        u.mem += v.use.mem as number;
      }
      const vmByName = new Map(input.vms.map((v) => [v.name, v]));
      const seenVm = new Set<string>();
      let lastBalance = -1;
      let firstEnergy = Infinity;
      plan.waves.forEach((wave, w) => {
        expect(wave.length).toBeGreaterThan(0);
        const inWave = new Set<string>();
        for (const m of wave) {
          // One migration per host per wave; a VM moves at most once (no A→B→A).
          expect(inWave.has(m.from) || inWave.has(m.to)).toBe(false);
          inWave.add(m.from);
          inWave.add(m.to);
          expect(seenVm.has(m.vm)).toBe(false);
          seenVm.add(m.vm);
          expect(where.get(m.vm)).toBe(m.from);
          expect(m.to).not.toBe(m.from);
          where.set(m.vm, m.to);
          const v = vmByName.get(m.vm)!;
          const f = use.get(m.from)!;
          const t = use.get(m.to)!;
          f.cpu -= v.use.cpu as number;
          f.mem -= v.use.mem as number;
          t.cpu += v.use.cpu as number;
          t.mem += v.use.mem as number;
          if (m.phase === 'balance') lastBalance = w;
          else firstEnergy = Math.min(firstEnergy, w);
        }
        // After the wave, no target is at or over H.
        for (const m of wave) {
          const t = use.get(m.to)!;
          expect(t.cpu / t.cap.cpu).toBeLessThan(o.high.cpu + 1e-9);
          expect(t.mem / t.cap.mem).toBeLessThan(o.high.mem + 1e-9);
        }
      });
      expect(firstEnergy).toBeGreaterThan(lastBalance);
      if (plan.unresolved.length > 0 || plan.after.some((u) => u.class === 'high')) expect(firstEnergy).toBe(Infinity);
      // Every VM is on exactly one host, powered-off hosts hold none, and `after` is the executed state.
      expect([...where.keys()].sort()).toEqual(input.vms.map((v) => v.name).sort());
      for (const h of plan.powerOff) expect([...where.values()]).not.toContain(h);
      expect(plan.powerOff.length).toBeLessThanOrEqual(o.maxPowerOff);
      plan.after.forEach((a) => {
        const u = use.get(a.host)!;
        expect(a.cpu).toBeCloseTo(u.cpu / u.cap.cpu, 9);
        expect(a.mem).toBeCloseTo(u.mem / u.cap.mem, 9);
      });
      moved += plan.moves;
      powered += plan.powerOff.length;
    }), { numRuns: 400 });
    // The random clusters do exercise both phases.
    expect(moved).toBeGreaterThan(100);
    expect(powered).toBeGreaterThan(10);
  });
});
