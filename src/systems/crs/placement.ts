/**
 * Initial placement of new course VMs from their timetable (seed 002 §1,
 * the CRD deployment of its reference [2]; docs/model.md "CRS rebalancing"):
 * each host's predicted per-slot load `C[i][j][k]` — the course VMs in class
 * in section i, day j, week k and the vCPUs and GB they were allocated — and
 * the host where the new VM's GOFit is best while the predicted peak stays
 * below H in every dimension (ties: the lower predicted peak, then host order).
 *
 * @module
 */
import { checkOptionNames, didYouMean, FairfitError, shown } from '../../errors.ts';
import { REBALANCE_DEFAULTS, type CpuMem, type CrsHost } from './model.ts';
import { courseSlots, gofit, SLOTS, type Course } from './timetable.ts';

function bad(field: string, message: string): never {
  throw new FairfitError('INVALID_OPTION', `${field}: ${message}`, { field });
}

/** H of the placement rule: an object of cpu and/or mem, each in [0, 1], the defaults for the rest. */
function checkHigh(high: unknown): CpuMem {
  if (high === undefined) return { ...REBALANCE_DEFAULTS.high };
  if (high === null || typeof high !== 'object' || Array.isArray(high)) bad('high', `must be an object { cpu?, mem? }, got ${shown(high)}`);
  for (const k of Object.keys(high)) if (k !== 'cpu' && k !== 'mem') bad(`high.${k}`, `is not a field of high${didYouMean(k, ['cpu', 'mem']) || ' (it has cpu and mem)'}`);
  const h = high as Partial<CpuMem>;
  const out = { cpu: h.cpu ?? REBALANCE_DEFAULTS.high.cpu, mem: h.mem ?? REBALANCE_DEFAULTS.high.mem };
  for (const k of ['cpu', 'mem'] as const) if (typeof out[k] !== 'number' || !(out[k] >= 0 && out[k] <= 1)) bad(`high.${k}`, `must be a number in [0, 1], got ${shown(out[k])}`);
  return out;
}

/** A host's predicted load per slot of the term (slot = `slotOf(week, day, section)`). */
export interface SlotLoad {
  /** Course VMs in class. */
  vms: Int32Array;
  /** Their allocated vCPUs. */
  cpu: Float64Array;
  /** Their allocated GB. */
  mem: Float64Array;
}

/** A course VM to place: its allocation and course. */
export interface CourseVmRequest {
  name: string;
  cpu: number;
  mem: number;
  course: string;
}

/** Where placement put a VM, or why it could not. */
export type PlacementResult =
  | { kind: 'placed'; vm: string; host: string; gofit: number; peak: CpuMem }
  | { kind: 'rejected'; vm: string; reason: string };

/**
 * The predicted per-slot load of hosts and the placement rule over it. Add
 * the VMs already placed with {@link TimetablePlacer.add}, then
 * {@link TimetablePlacer.place} new ones (each placement is added).
 */
export class TimetablePlacer {
  private readonly load: SlotLoad[];
  private readonly courses = new Map<string, Int32Array>();
  private readonly hostIndex = new Map<string, number>();
  private readonly high: CpuMem;

  constructor(readonly hosts: readonly CrsHost[], courses: readonly Course[], opts: { high?: Partial<CpuMem> } = {}) {
    checkOptionNames(opts, ['high'], 'TimetablePlacer');
    this.high = checkHigh(opts.high);
    if (!Array.isArray(hosts)) bad('hosts', `must be an array, got ${shown(hosts)}`);
    hosts.forEach((h, i) => {
      if (h === null || typeof h !== 'object') bad(`hosts[${i}]`, `must be an object { name, cpu, mem }, got ${shown(h)}`);
      if (typeof h.name !== 'string' || h.name === '' || this.hostIndex.has(h.name)) bad(`hosts[${i}].name`, `must be a non-empty string used once, got ${shown(h.name)}`);
      for (const k of ['cpu', 'mem'] as const) if (typeof h[k] !== 'number' || !(h[k] > 0 && h[k] < Infinity)) bad(`hosts[${i}].${k}`, `must be a finite number > 0, got ${shown(h[k])}`);
      this.hostIndex.set(h.name, i);
    });
    if (!Array.isArray(courses)) bad('courses', `must be an array, got ${shown(courses)}`);
    courses.forEach((c, i) => {
      const slots = courseSlots(c, `courses[${i}]`);
      if (typeof c.name !== 'string' || c.name === '' || this.courses.has(c.name)) bad(`courses[${i}].name`, `must be a non-empty string used once, got ${shown(c.name)}`);
      this.courses.set(c.name, slots);
    });
    this.load = hosts.map(() => ({ vms: new Int32Array(SLOTS), cpu: new Float64Array(SLOTS), mem: new Float64Array(SLOTS) }));
  }

  private slots(course: string): Int32Array {
    const s = this.courses.get(course);
    if (!s) throw new FairfitError('INVALID_OPTION', `course: ${shown(course)} is not a course`, { field: 'course' });
    return s;
  }

  /** The predicted load of host `host` (its index or name). */
  slotLoad(host: number | string): SlotLoad {
    const h = typeof host === 'number' ? host : this.hostIndex.get(host);
    const l = h === undefined ? undefined : this.load[h];
    if (!l) throw new FairfitError('INDEX_OUT_OF_RANGE', `host: ${shown(host)} is not a host`, { field: 'host' });
    return l;
  }

  /** Checks a VM request (`field` names it in errors): name, allocation ≥ 0, a known course. */
  check(vm: CourseVmRequest, field = 'vm'): void {
    if (vm === null || typeof vm !== 'object') bad(field, `must be an object { name, cpu, mem, course }, got ${shown(vm)}`);
    if (typeof vm.name !== 'string' || vm.name === '') bad(`${field}.name`, `must be a non-empty string, got ${shown(vm.name)}`);
    for (const k of ['cpu', 'mem'] as const) if (typeof vm[k] !== 'number' || !(vm[k] >= 0 && vm[k] < Infinity)) bad(`${field}.${k}`, `must be a finite number ≥ 0, got ${shown(vm[k])}`);
    if (!this.courses.has(vm.course)) bad(`${field}.course`, `${shown(vm.course)} is not a course`);
  }

  /** Records a VM already running on `host`. */
  add(vm: CourseVmRequest, host: string): void {
    this.check(vm);
    const l = this.slotLoad(host);
    for (const s of this.slots(vm.course)) {
      l.vms[s] = l.vms[s]! + 1;
      l.cpu[s] = l.cpu[s]! + vm.cpu;
      l.mem[s] = l.mem[s]! + vm.mem;
    }
  }

  /** GOFit of a course VM on a host. */
  gofit(course: string, host: number): number {
    return gofit(this.slots(course), this.slotLoad(host).vms);
  }

  /** The predicted peak utilisation of a host over the term if `vm` were added. */
  peakWith(vm: CourseVmRequest, host: number): CpuMem {
    // undefined was a TypeError, a cpu of NaN a peak of NaN, a host given by name (as slotLoad takes it) a TypeError.
    this.check(vm);
    if (typeof host !== 'number') throw new FairfitError('INDEX_OUT_OF_RANGE', `host: ${shown(host)} is not a host index`, { field: 'host' });
    return this.peak(vm, host);
  }

  private peak(vm: CourseVmRequest, host: number): CpuMem {
    const l = this.slotLoad(host);
    const h = this.hosts[host]!;
    const on = new Uint8Array(SLOTS);
    for (const s of this.slots(vm.course)) on[s] = 1;
    let cpu = 0;
    let mem = 0;
    for (let s = 0; s < SLOTS; s++) {
      cpu = Math.max(cpu, l.cpu[s]! + (on[s] ? vm.cpu : 0));
      mem = Math.max(mem, l.mem[s]! + (on[s] ? vm.mem : 0));
    }
    return { cpu: cpu / h.cpu, mem: mem / h.mem };
  }

  /** Places one VM: best GOFit where the predicted peak stays below H; records it. */
  place(vm: CourseVmRequest): PlacementResult {
    this.check(vm);
    let best = -1;
    let bestG = -1;
    let bestPeak: CpuMem = { cpu: 0, mem: 0 };
    for (let h = 0; h < this.hosts.length; h++) {
      const peak = this.peak(vm, h);
      if (!(peak.cpu < this.high.cpu && peak.mem < this.high.mem)) continue;
      const g = this.gofit(vm.course, h);
      if (g > bestG || (g === bestG && peak.cpu + peak.mem < bestPeak.cpu + bestPeak.mem)) {
        best = h;
        bestG = g;
        bestPeak = peak;
      }
    }
    if (best < 0) return { kind: 'rejected', vm: vm.name, reason: `no host keeps its predicted peak below H (cpu ${this.high.cpu}, mem ${this.high.mem})` };
    const host = this.hosts[best]!.name;
    this.add(vm, host);
    return { kind: 'placed', vm: vm.name, host, gofit: bestG, peak: bestPeak };
  }
}

/** Places new course VMs one after the other, in the order given (see {@link TimetablePlacer}). */
export function placeCourseVms(hosts: readonly CrsHost[], courses: readonly Course[], vms: readonly CourseVmRequest[], opts: { high?: Partial<CpuMem>; existing?: readonly (CourseVmRequest & { host: string })[] } = {}): PlacementResult[] {
  checkOptionNames(opts, ['high', 'existing'], 'placeCourseVms');
  const placer = new TimetablePlacer(hosts, courses, { high: opts.high });
  // Every request is checked before any is placed: a refused call places nothing.
  const existing = opts.existing ?? [];
  const names = new Set(hosts.map((h) => h.name));
  if (!Array.isArray(existing)) bad('existing', `must be an array, got ${shown(existing)}`);
  existing.forEach((v, i) => {
    placer.check(v, `existing[${i}]`);
    if (typeof v.host !== 'string' || !names.has(v.host)) bad(`existing[${i}].host`, `${shown(v.host)} is not a host`);
  });
  if (!Array.isArray(vms)) bad('vms', `must be an array, got ${shown(vms)}`);
  vms.forEach((v, i) => placer.check(v, `vms[${i}]`));
  // A VM is named once, among the running ones and the new ones alike (as in a scenario and planRebalance).
  const vmNames = new Set<string>();
  for (const [list, field] of [[existing, 'existing'], [vms, 'vms']] as const) {
    list.forEach((v, i) => {
      if (vmNames.has(v.name)) bad(`${field}[${i}].name`, `'${v.name}' is used twice`);
      vmNames.add(v.name);
    });
  }
  for (const v of existing) placer.add(v, v.host);
  return vms.map((v) => placer.place(v));
}
