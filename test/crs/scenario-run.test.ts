/**
 * `runScenario` through the API: the options and periods it reads itself
 * (not seen by planRebalance) are INVALID_OPTION naming the field, not a
 * TypeError nor silently ignored.
 */
import { describe, expect, it } from 'vitest';
import type { RebalanceScenario } from '../../src/systems/crs/scenario.ts';
import { DecisionPeriod } from '../../src/systems/crs/model.ts';
import { generateScenario } from '../../src/systems/crs/scenario.ts';
import { runScenario } from '../../src/systems/crs/scenario-run.ts';
import { slotOf, timeOfSlot } from '../../src/systems/crs/timetable.ts';

const base: RebalanceScenario = {
  hosts: [{ name: 'a', cpu: 4, mem: 8 }, { name: 'b', cpu: 4, mem: 8 }],
  vms: [{ name: 'v', host: 'a', cpu: 1, mem: 2, use: { cpu: 3.5, mem: 1 } }, { name: 'w', host: 'b', cpu: 1, mem: 2, use: { cpu: 1, mem: 1 } }],
};

function fails(s: unknown, o: unknown, field: string, message: RegExp): void {
  expect(() => runScenario(s as RebalanceScenario, o as never)).toThrow(expect.objectContaining({ name: 'FairfitError', code: 'INVALID_OPTION', details: { field }, message: expect.stringMatching(message) }));
}

describe('runScenario checks what planRebalance does not see', () => {
  it('a period whose use is short or malformed names the period and the entry', () => {
    fails({ ...base, periods: [{ label: 'p', start: 0, use: [[1, 1]] }] }, {}, 'scenario.periods[0].use', /has 1 entries; one per VM \(2\)/);
    fails({ ...base, periods: [{ label: 'p', start: 0, use: [[1, 1], [1, 1]] }, { label: 'q', start: 60, use: [[1, 1], [2]] }] }, {}, 'scenario.periods[1].use[1]', /\[cpu, mem\]/);
    fails({ ...base, periods: [{ label: 'p', start: 0, use: [[1, 1], [-1, 1]] }] }, {}, 'scenario.periods[0].use[1]', /≥ 0/);
    fails({ ...base, periods: [{ label: 'p', start: -5, use: [[1, 1], [1, 1]] }] }, {}, 'scenario.periods[0].start', /≥ 0/);
    fails({ ...base, periods: {} }, {}, 'scenario.periods', /array/);
  });

  it('algorithm (singular) is refused, not overwritten by all three; algorithms must be a non-empty list without repeats', () => {
    fails(base, { algorithm: 'ss' }, 'algorithm', /give algorithms, a list/);
    fails(base, { algorithms: [] }, 'algorithms', /non-empty/);
    fails(base, { algorithms: ['crs', 'CRS'] }, 'algorithms[1]', /"CRS" is not one of crs, ss, ff/);
    fails(base, { algorithms: ['ss', 'ss'] }, 'algorithms[1]', /twice/);
    expect(runScenario(base, { algorithms: ['ss'] }).map((r) => r.algorithm)).toEqual(['ss']);
    const ok = runScenario({ ...base, periods: [{ label: 'p', start: 0, use: [[3.5, 1], [1, 1]] }] });
    expect(ok.map((r) => r.periods.length)).toEqual([1, 1, 1]);
  });

  it('a null-prototype object (no toString) anywhere is refused quoting it, not a TypeError from the message (found by an API fuzz)', () => {
    const np = Object.create(null) as never;
    fails(base, { algorithms: [np] }, 'algorithms[0]', /^algorithms\[0\] an object is not one of/);
    fails({ ...base, periods: [{ label: 'p', start: np, use: [[1, 1], [1, 1]] }] }, {}, 'scenario.periods[0].start', /got an object$/);
    expect(() => runScenario({ ...base, vms: [{ ...base.vms[0]!, host: np }] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: 'vms[0].host: an object is not a host' }));
    expect(() => runScenario({ ...base, vms: [{ ...base.vms[0]!, course: np }] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: 'vms[0].course: an object is not a course' }));
    fails(base, { maxPowerOff: np }, 'maxPowerOff', /got an object$/);
    fails(base, { high: { cpu: np } }, 'high.cpu', /got an object$/);
    fails(base, { bounds: np }, 'bounds', /an object is not one of inclusive, strict/);
    for (const [make, field] of [[() => new DecisionPeriod({ lambda: np }), 'lambda'], [() => new DecisionPeriod().reportMigration(np), 'seconds'],
      [() => generateScenario({ hosts: np }), 'hosts'], [() => generateScenario({ preset: np }), 'preset'], [() => generateScenario({ vms: np }), 'vms'],
      [() => slotOf({ week: np, day: 1, section: 1 }), 'week'], [() => timeOfSlot(np), 'slot']] as const) {
      expect(make, field).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field }, message: expect.stringMatching(/an object/) }));
    }
  });
});
