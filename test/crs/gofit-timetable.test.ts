/**
 * The course timetable model: slots of a term, odd / even weeks, the
 * predicted per-slot load, and GOFit on the paper's worked example.
 */
import { describe, expect, it } from 'vitest';
import { placeCourseVms, TimetablePlacer } from '../../src/systems/crs/placement.ts';
import { courseSlots, gofit, slotOf, SLOTS, timeOfSlot, type Course } from '../../src/systems/crs/timetable.ts';

const cpp: Course = { name: 'C++', firstWeek: 1, lastWeek: 16, lessons: [{ section: 4, day: 2 }, { section: 5, day: 1 }] };
const java: Course = { name: 'Java', firstWeek: 1, lastWeek: 16, lessons: [{ section: 4, day: 2 }] };

describe('the course timetable model', () => {
  it('numbers the 400 slots of a term week-major and back', () => {
    expect(SLOTS).toBe(400);
    expect(slotOf({ week: 1, day: 1, section: 1 })).toBe(0);
    expect(slotOf({ week: 16, day: 5, section: 5 })).toBe(399);
    for (const s of [0, 7, 123, 399]) expect(slotOf(timeOfSlot(s))).toBe(s);
  });

  it('a C++ course with two weekly lessons over 16 weeks has 32 lesson instances (seed 002, definition 3)', () => {
    expect(courseSlots(cpp)).toHaveLength(32);
  });

  it('odd-only and even-only lessons take every other week, and first/last week bound the course', () => {
    expect(courseSlots({ name: 'o', firstWeek: 1, lastWeek: 16, lessons: [{ section: 1, day: 1, even: false }] })).toHaveLength(8);
    const even = courseSlots({ name: 'e', firstWeek: 1, lastWeek: 16, lessons: [{ section: 1, day: 1, odd: false }] });
    expect([...even].map((s) => timeOfSlot(s).week)).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
    expect(courseSlots({ name: 'h', firstWeek: 9, lastWeek: 12, lessons: [{ section: 3, day: 4 }] })).toHaveLength(4);
  });

  it("GOFit of the C++ VM on a host with 4 Java VMs at (4, Tue) is 16/64 = 0.25 (the paper's example)", () => {
    const counts = new Int32Array(SLOTS);
    for (let vm = 0; vm < 4; vm++) for (const s of courseSlots(java)) counts[s]! += 1;
    expect(gofit(courseSlots(cpp), counts)).toBe(0.25);
  });

  it('GOFit is 1 when nothing coincides and 1/n with n VMs of the same course', () => {
    const counts = new Int32Array(SLOTS);
    expect(gofit(courseSlots(cpp), counts)).toBe(1);
    for (const s of courseSlots(cpp)) counts[s] = 3;
    expect(gofit(courseSlots(cpp), counts)).toBeCloseTo(1 / 3, 15);
  });

  it('refuses a time or a slot outside the term ({ week: 17, day: 9 } gave slot 439, another week\'s; slot −1 gave week 0)', () => {
    for (const [t, field] of [[{ week: 17, day: 1, section: 1 }, 'week'], [{ week: 1, day: 9, section: 1 }, 'day'], [{ week: 1, day: 1, section: 0 }, 'section'], [{ week: 1.5, day: 1, section: 1 }, 'week'], [null, 'time']] as const) {
      expect(() => slotOf(t as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field } }));
    }
    for (const slot of [-1, SLOTS, NaN, 0.5]) expect(() => timeOfSlot(slot)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'slot' } }));
    expect([slotOf({ week: 16, day: 5, section: 5 }), timeOfSlot(SLOTS - 1)]).toEqual([SLOTS - 1, { week: 16, day: 5, section: 5 }]);
  });
  it('GOFit refuses a slot list longer than a term (a length of 1e10 looped for ever)', () => {
    const counts = new Int32Array(SLOTS);
    expect(gofit(Int32Array.from({ length: SLOTS }, (_, s) => s), counts)).toBe(1);
    // −1 and 1.5 gave 1 (no lesson, or one undefined), as if nothing coincided.
    for (const length of [SLOTS + 1, 1e10, NaN, -1, 1.5]) {
      expect(() => gofit({ length } as ArrayLike<number>, counts)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'slots' } }));
    }
  });
  it('GOFit refuses a slot outside the term (its count was undefined: the lesson counted as free)', () => {
    const counts = new Int32Array(SLOTS).fill(1);
    expect(gofit([0, SLOTS - 1], counts)).toBe(1);
    for (const [slot, shown] of [[SLOTS, String(SLOTS)], [-1, '-1'], [0.5, '0.5'], ['3', '"3"']] as const) {
      expect(() => gofit([0, slot as number], counts)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: `slots[1] must be a slot in [0, ${SLOTS}), got ${shown}`, details: { field: 'slots', index: 1 } }));
    }
  });
  it('rejects a lesson outside the week with a message naming the field', () => {
    expect(() => courseSlots({ name: 'x', firstWeek: 1, lastWeek: 16, lessons: [{ section: 6, day: 1 }] })).toThrow(/lessons\[0\]\.section/);
    expect(() => courseSlots({ name: 'x', firstWeek: 5, lastWeek: 4, lessons: [] })).toThrow(/lastWeek/);
  });
});

describe('initial placement by timetable', () => {
  const hosts = [{ name: 'a', cpu: 4, mem: 8 }, { name: 'b', cpu: 4, mem: 8 }];
  it('puts a new VM where its GOFit is best, here beside VMs of a course at other times', () => {
    const placer = new TimetablePlacer(hosts, [java, cpp, { name: 'Py', firstWeek: 1, lastWeek: 16, lessons: [{ section: 1, day: 3 }] }]);
    placer.add({ name: 'j1', cpu: 1, mem: 2, course: 'Java' }, 'a');
    placer.add({ name: 'p1', cpu: 1, mem: 2, course: 'Py' }, 'b');
    const r = placer.place({ name: 'c1', cpu: 1, mem: 2, course: 'C++' });
    expect(r).toMatchObject({ kind: 'placed', host: 'b', gofit: 1 });
    expect(placer.slotLoad('b').vms[slotOf({ week: 3, day: 2, section: 4 })]).toBe(1);
  });

  it('refuses bad hosts, courses, requests and options with INVALID_OPTION naming them, before placing any VM', () => {
    const vm = { name: 'v', cpu: 1, mem: 2, course: 'Java' };
    const refused = (args: unknown[], message: string) => {
      expect(() => (placeCourseVms as (...a: unknown[]) => unknown)(...args)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message }));
    };
    // Each was accepted: a negative or string allocation placed the VM, NaN or H = 'x' rejected every VM, a typo ran the defaults.
    refused([hosts, [java], [vm, { ...vm, cpu: -100 }]], 'vms[1].cpu: must be a finite number ≥ 0, got -100');
    refused([hosts, [java], [{ ...vm, mem: NaN }]], 'vms[0].mem: must be a finite number ≥ 0, got NaN');
    refused([hosts, [java], [{ ...vm, cpu: '1' }]], 'vms[0].cpu: must be a finite number ≥ 0, got "1"');
    refused([hosts, [java], [{ ...vm, course: 'Jav' }]], 'vms[0].course: "Jav" is not a course');
    refused([hosts, [java], [vm], { high: { cpu: 'x' } }], 'high.cpu: must be a number in [0, 1], got "x"');
    refused([hosts, [java], [vm], { high: { cpu: 50 } }], 'high.cpu: must be a number in [0, 1], got 50');
    refused([hosts, [java], [vm], { high: { cpus: 0.5 } }], 'high.cpus: is not a field of high (did you mean cpu?)');
    refused([hosts, [java], [vm], { high: { disk: 0.5 } }], 'high.disk: is not a field of high (it has cpu and mem)');
    refused([hosts, [java], [vm], { hihg: { cpu: 0.5 } }], 'hihg: not an option of placeCourseVms (did you mean high?)');
    refused([[hosts[0], { name: 'a', cpu: 4, mem: 8 }], [java], [vm]], 'hosts[1].name: must be a non-empty string used once, got "a"');
    refused([[{ name: 'a', cpu: 0, mem: 8 }], [java], [vm]], 'hosts[0].cpu: must be a finite number > 0, got 0');
    refused([[null], [java], [vm]], 'hosts[0]: must be an object { name, cpu, mem }, got null');
    refused([hosts, [java, java], [vm]], 'courses[1].name: must be a non-empty string used once, got "Java"');
    refused([hosts, [java], [vm], { existing: [{ ...vm, name: 'e', host: 'z' }] }], 'existing[0].host: "z" is not a host');
    // A VM named twice, among the new ones or across the running and the new ones.
    refused([hosts, [java], [vm, { ...vm }]], "vms[1].name: 'v' is used twice");
    refused([hosts, [java], [vm], { existing: [{ ...vm, host: 'a' }] }], "vms[0].name: 'v' is used twice");
    // A placer used directly checks each request before it records anything.
    const placer = new TimetablePlacer(hosts, [java]);
    expect(() => placer.add({ ...vm, cpu: -1 }, 'a')).toThrow(/^vm\.cpu: must be a finite number ≥ 0, got -1$/);
    expect(placer.slotLoad('a').cpu.every((x) => x === 0)).toBe(true);
    expect(placeCourseVms(hosts, [java], [vm])).toEqual([expect.objectContaining({ kind: 'placed', host: 'a' })]);
  });

  it('peakWith checks its request and host as place does (undefined was a TypeError, a cpu of NaN a peak of NaN; found by an API fuzz)', () => {
    const placer = new TimetablePlacer(hosts, [java]);
    const vm = { name: 'v', cpu: 1, mem: 2, course: 'Java' };
    const refused = (f: () => unknown, code: string, message: string) => expect(f).toThrow(expect.objectContaining({ code, message }));
    refused(() => placer.peakWith(undefined as never, 0), 'INVALID_OPTION', 'vm: must be an object { name, cpu, mem, course }, got undefined');
    refused(() => placer.peakWith({ ...vm, cpu: NaN }, 0), 'INVALID_OPTION', 'vm.cpu: must be a finite number ≥ 0, got NaN');
    refused(() => placer.peakWith(vm, 'a' as never), 'INDEX_OUT_OF_RANGE', 'host: "a" is not a host index');
    refused(() => placer.peakWith(vm, 2), 'INDEX_OUT_OF_RANGE', 'host: 2 is not a host');
    // A null-prototype value in a message threw there (no toString).
    refused(() => placer.slotLoad(Object.create(null) as never), 'INDEX_OUT_OF_RANGE', 'host: an object is not a host');
    refused(() => placer.gofit(Object.create(null) as never, 0), 'INVALID_OPTION', 'course: an object is not a course');
    expect(placer.peakWith(vm, 0)).toEqual({ cpu: 0.25, mem: 0.25 });
  });

  it('keeps the predicted peak below H: with 2 of 4 cores taken at the same lessons, a third VM goes elsewhere', () => {
    const placer = new TimetablePlacer(hosts, [java]);
    placer.add({ name: 'j1', cpu: 2, mem: 1, course: 'Java' }, 'a');
    placer.add({ name: 'j2', cpu: 2, mem: 1, course: 'Java' }, 'b');
    // a: (2 + 1) / 4 = 0.75 ≥ 0.70 → not allowed; b the same; → rejected.
    expect(placer.place({ name: 'j3', cpu: 1, mem: 1, course: 'Java' })).toMatchObject({ kind: 'rejected' });
    expect(placer.place({ name: 'j4', cpu: 0.5, mem: 1, course: 'Java' })).toMatchObject({ kind: 'placed', host: 'a' });
  });
});
