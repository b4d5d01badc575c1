/**
 * Laying a rebalancing input out as columns: the duplicate-name check (hash +
 * sort) finds the same first repeat as a Set would, and bad VMs are named.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstDuplicate, planColumns } from '../../src/systems/crs/plan-columns.ts';

function bySet(names: string[]): number {
  const seen = new Set<string>();
  for (let i = 0; i < names.length; i++) {
    if (seen.has(names[i]!)) return i;
    seen.add(names[i]!);
  }
  return -1;
}

describe('planColumns', () => {
  it('firstDuplicate agrees with a Set on random name lists (small alphabets make repeats common)', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'é', '1'), maxLength: 3 }), { maxLength: 60 }), (names) => {
      expect(firstDuplicate(names)).toBe(bySet(names));
    }), { numRuns: 500 });
    expect(firstDuplicate(['v1', 'v2', 'v3'])).toBe(-1);
    expect(firstDuplicate(['x', 'y', 'z', 'y', 'x'])).toBe(3);
  });

  it('rejects a repeated VM name at the later index, and an unknown course', () => {
    const hosts = [{ name: 'a', cpu: 2, mem: 2 }];
    const vm = (name: string) => ({ name, host: 'a', cpu: 1, mem: 1, use: { cpu: 0, mem: 0 } });
    expect(() => planColumns({ hosts, vms: [vm('p'), vm('q'), vm('p')] })).toThrow(/vms\[2\]\.name: 'p' is used twice/);
    expect(() => planColumns({ hosts, vms: [{ ...vm('p'), course: 'nope' }] })).toThrow(/vms\[0\]\.course/);
  });

  it('refuses entries that are not objects with INVALID_OPTION naming them (they were TypeErrors)', () => {
    const hosts = [{ name: 'a', cpu: 2, mem: 2 }];
    const vm = { name: 'v', host: 'a', cpu: 1, mem: 1, use: { cpu: 0, mem: 0 } };
    const course = { name: 'J', firstWeek: 1, lastWeek: 2, lessons: [{ section: 1, day: 1 }] };
    const cases: [unknown, string][] = [
      [{ hosts: [hosts[0], null], vms: [] }, 'hosts[1]: must be an object { name, cpu, mem, base? }, got null'],
      [{ hosts: [{ ...hosts[0], base: 5 }], vms: [] }, 'hosts[0].base: must be an object { cpu, mem }, got 5'],
      [{ hosts, vms: [vm, null] }, 'vms[1]: must be an object { name, host, cpu, mem, course?, use }, got null'],
      [{ hosts, vms: [{ ...vm, use: 'x' }] }, 'vms[0].use: must be an object { cpu, mem }, got "x"'],
      [{ hosts, vms: [], courses: {} }, 'courses: must be an array, got an object'],
      [{ hosts, vms: [], courses: [null] }, 'courses[0]: must be an object { name, firstWeek, lastWeek, lessons }, got null'],
      [{ hosts, vms: [], courses: [{ ...course, lessons: undefined }] }, 'courses[0].lessons: must be an array, got undefined'],
      [{ hosts, vms: [], courses: [{ ...course, lessons: [course.lessons[0], null] }] }, 'courses[0].lessons[1]: must be an object { section, day, odd?, even? }, got null'],
    ];
    for (const [input, message] of cases) {
      expect(() => planColumns(input as Parameters<typeof planColumns>[0])).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message }));
    }
  });

  it('refuses a field it does not know, naming the one it most likely means (a misspelt course or base was ignored)', () => {
    const hosts = [{ name: 'a', cpu: 2, mem: 2 }];
    const vm = { name: 'v', host: 'a', cpu: 1, mem: 1, use: { cpu: 0, mem: 0 } };
    const course = { name: 'J', firstWeek: 1, lastWeek: 2, lessons: [{ section: 1, day: 1 }] };
    const cases: [unknown, string][] = [
      [{ hosts, courses: [course], vms: [{ ...vm, Course: 'J' }] }, 'vms[0].Course: is not a field of vms[0] (did you mean course?)'],
      [{ hosts: [{ ...hosts[0], bas: { cpu: 1, mem: 1 } }], vms: [] }, 'hosts[0].bas: is not a field of hosts[0] (did you mean base?)'],
      [{ hosts: [{ ...hosts[0], base: { cpu: 1, mem: 1, disk: 1 } }], vms: [] }, 'hosts[0].base.disk: is not a field of hosts[0].base'],
      [{ hosts, vms: [{ ...vm, use: { cpu: 0, mem: 0, memory: 1 } }] }, 'vms[0].use.memory: is not a field of vms[0].use'],
      [{ hosts, vms: [], courses: [{ ...course, lastweek: 3 }] }, 'courses[0].lastweek: is not a field of courses[0] (did you mean lastWeek?)'],
      [{ hosts, vms: [], courses: [{ ...course, lessons: [{ section: 1, day: 1, evn: false }] }] }, 'courses[0].lessons[0].evn: is not a field of courses[0].lessons[0] (did you mean even?)'],
      [{ hosts, vms: [], courses: [{ ...course, lessons: [{ section: 1, day: 1, odd: 'no' }] }] }, 'courses[0].lessons[0].odd: must be a boolean, got "no"'],
    ];
    for (const [input, message] of cases) {
      expect(() => planColumns(input as Parameters<typeof planColumns>[0])).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message }));
    }
  });

  it("refuses a host whose base and VMs' use sum past the largest number (NOT_FINITE naming the host), each value finite", () => {
    const big = (name: string, host: string) => ({ name, host, cpu: 1, mem: 1, use: { cpu: 1e308, mem: 1 } });
    const hosts = [{ name: 'a', cpu: 1e308, mem: 8 }, { name: 'b', cpu: 1e308, mem: 8 }];
    // One such VM per host is fine; two on host b sum to Infinity.
    expect(planColumns({ hosts, vms: [big('v', 'a'), big('w', 'b')] }).useCpu[1]).toBe(1e308);
    expect(() => planColumns({ hosts, vms: [big('v', 'a'), big('w', 'b'), big('x', 'b')] })).toThrow(expect.objectContaining({ code: 'NOT_FINITE', message: expect.stringMatching(/^hosts\[1\]: the cpu use/) }));
    // The base counts too, and samples averaged to a huge mean.
    expect(() => planColumns({ hosts: [{ name: 'a', cpu: 4, mem: 8, base: { cpu: 0, mem: 1.5e308 } }], vms: [{ name: 'v', host: 'a', cpu: 1, mem: 1, use: { cpu: 0, mem: [1e308, 1e308] } }] }))
      .toThrow(expect.objectContaining({ code: 'NOT_FINITE', message: expect.stringMatching(/^hosts\[0\]: the mem use/) }));
  });

  it('averages samples given as arrays and lays out course slots', () => {
    const c = planColumns({
      hosts: [{ name: 'a', cpu: 2, mem: 2 }],
      courses: [{ name: 'J', firstWeek: 1, lastWeek: 2, lessons: [{ section: 1, day: 1 }] }],
      vms: [{ name: 'v', host: 'a', cpu: 1, mem: 1, course: 'J', use: { cpu: [0.2, 0.4], mem: 1 } }],
    });
    expect(c.useCpu[0]).toBeCloseTo(0.3, 15);
    expect([...c.courseSlots]).toEqual([0, 25]);
    expect(c.vmCourse[0]).toBe(0);
  });
});
