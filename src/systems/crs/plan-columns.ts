/**
 * A rebalancing input as columns: what both planners (WebAssembly and the
 * plain-TypeScript reference) read. Built from a {@link RebalanceInput} once,
 * with every check naming the field and index at fault; both planners then
 * trust it.
 *
 * @module
 */
import { didYouMean, FairfitError, shown, unknownKey } from '../../errors.ts';
import type { RebalanceInput, ResolvedRebalanceOptions, UseValue } from './model.ts';
import { CRS_ALGORITHM, CRS_CONSTANTS } from './crs-layouts.ts';
import { courseSlots } from './timetable.ts';

/** Hosts, VMs and courses as typed columns, plus the numeric options. */
export interface PlanColumns {
  hosts: number;
  vms: number;
  courses: number;
  /** Host capacity: cores, GB. */
  capCpu: Float64Array;
  capMem: Float64Array;
  /** Host use not due to VMs. */
  baseCpu: Float64Array;
  baseMem: Float64Array;
  /** Host index of each VM. */
  vmHost: Int32Array;
  /** Allocated vCPUs (SimpleScheduler counts used cores with them). */
  vmCpu: Float64Array;
  /** Mean use over T. */
  useCpu: Float64Array;
  useMem: Float64Array;
  /** Course index, −1 for none. */
  vmCourse: Int32Array;
  /** Slots of course c: courseSlots[courseStart[c] … courseStart[c+1]). */
  courseStart: Int32Array;
  courseSlots: Int32Array;
}

function bad(field: string, message: string, index?: number): never {
  throw new FairfitError('INVALID_OPTION', `${field}: ${message}`, index === undefined ? { field } : { field, index });
}

function num(v: unknown, field: string, positive: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new FairfitError('NOT_FINITE', `${field} must be a finite number, got ${shown(v)}`, { field });
  if (positive ? !(v > 0) : v < 0) throw new FairfitError('NEGATIVE_VALUE', `${field} must be ${positive ? '> 0' : '≥ 0'}, got ${v}`, { field });
  return v;
}

/** Whether `v` is an object that is no array (a host, a VM, a plan…), its fields then read one by one. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Refuses a key of `v` that is not one of `known` (as the scenario schema does in a file): a
 * misspelt optional field (`Course`, `bas`) was ignored, and the VM planned without a course or the
 * host without its base.
 */
function checkKeys(v: object, known: readonly string[], field: string, index?: number): void {
  const k = unknownKey(v, known);
  if (k !== undefined) bad(`${field}.${k}`, `is not a field of ${field}${didYouMean(k, known)}`, index);
}

const HOST_KEYS = ['name', 'cpu', 'mem', 'base'];
const PAIR_KEYS = ['cpu', 'mem'];
const VM_KEYS = ['name', 'host', 'cpu', 'mem', 'course', 'use'];


/**
 * A host's use in one dimension after a VM of load `load` leaves it, `left` VMs staying: its base
 * use exactly when none stays, never below its base otherwise. Subtracting loads one by one leaves a
 * residue (0.1 + 0.7 − 0.7 − 0.1 is −2.8e-17). The planners (assembly/crs.ts the same) and the
 * per-wave charts follow this one rule.
 */
export function useAfterLeaving(use: number, load: number, base: number, left: number): number {
  return left === 0 ? base : Math.max(base, use - load);
}

/** The mean of a use value (a number, or samples over T). */
export function meanUse(v: UseValue, field: string): number {
  if (Array.isArray(v)) {
    if (v.length === 0) bad(field, 'no samples');
    let s = 0;
    for (let i = 0; i < v.length; i++) s += num(v[i], `${field}[${i}]`, false);
    return s / v.length;
  }
  return num(v, field, false);
}

/**
 * Index of the first name (in index order of the later copy) that repeats an
 * earlier one, or −1. Hashes and a numeric sort instead of a `Set`: a `Set` of
 * 2·10^5 fresh strings costs ~70 ms, this ~15 ms (then only equal hashes are
 * compared as strings).
 */
export function firstDuplicate(names: readonly string[]): number {
  const n = names.length;
  if (n > 1 << 21) {
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      if (seen.has(names[i]!)) return i;
      seen.add(names[i]!);
    }
    return -1;
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = names[i]!;
    let h = 0x811c9dc5;
    for (let j = 0; j < s.length; j++) h = Math.imul(h ^ s.charCodeAt(j), 0x01000193);
    keys[i] = (h >>> 0) * 2097152 + i;
  }
  keys.sort();
  let dup = -1;
  for (let a = 0; a < n; ) {
    const bucket = Math.floor(keys[a]! / 2097152);
    let b = a + 1;
    while (b < n && Math.floor(keys[b]! / 2097152) === bucket) b++;
    for (let x = a + 1; x < b; x++) {
      const i = keys[x]! % 2097152;
      for (let y = a; y < x; y++) {
        if (names[keys[y]! % 2097152] === names[i] && (dup < 0 || i < dup)) dup = i;
      }
    }
    a = b;
  }
  return dup;
}

/** Checks the input and lays it out as columns (`INVALID_OPTION`, `NOT_FINITE`, `NEGATIVE_VALUE`, naming the field). */
export function planColumns(input: RebalanceInput): PlanColumns {
  if (!input || !Array.isArray(input.hosts)) bad('hosts', 'must be an array');
  if (!Array.isArray(input.vms)) bad('vms', 'must be an array');
  if (input.hosts.length === 0) throw new FairfitError('EMPTY_NODE_SET', 'hosts: at least one host is needed', { field: 'hosts' });
  const H = input.hosts.length;
  const V = input.vms.length;
  const hostIndex = new Map<string, number>();
  const capCpu = new Float64Array(H);
  const capMem = new Float64Array(H);
  const baseCpu = new Float64Array(H);
  const baseMem = new Float64Array(H);
  input.hosts.forEach((h, i) => {
    if (!isObject(h)) bad(`hosts[${i}]`, `must be an object { name, cpu, mem, base? }, got ${shown(h)}`, i);
    checkKeys(h, HOST_KEYS, `hosts[${i}]`, i);
    if (typeof h.name !== 'string' || h.name === '') bad(`hosts[${i}].name`, 'must be a non-empty string', i);
    if (hostIndex.has(h.name)) bad(`hosts[${i}].name`, `'${h.name}' is used twice`, i);
    hostIndex.set(h.name, i);
    capCpu[i] = num(h.cpu, `hosts[${i}].cpu`, true);
    capMem[i] = num(h.mem, `hosts[${i}].mem`, true);
    if (h.base !== undefined && !isObject(h.base)) bad(`hosts[${i}].base`, `must be an object { cpu, mem }, got ${shown(h.base)}`, i);
    if (h.base) checkKeys(h.base, PAIR_KEYS, `hosts[${i}].base`, i);
    baseCpu[i] = h.base ? num(h.base.cpu, `hosts[${i}].base.cpu`, false) : 0;
    baseMem[i] = h.base ? num(h.base.mem, `hosts[${i}].base.mem`, false) : 0;
  });
  const courses = input.courses ?? [];
  if (!Array.isArray(courses)) bad('courses', `must be an array, got ${shown(courses)}`);
  const courseIndex = new Map<string, number>();
  const courseStart = new Int32Array(courses.length + 1);
  const slotLists: Int32Array[] = [];
  courses.forEach((c, i) => {
    if (!isObject(c)) bad(`courses[${i}]`, `must be an object { name, firstWeek, lastWeek, lessons }, got ${shown(c)}`, i);
    if (typeof c.name !== 'string' || c.name === '') bad(`courses[${i}].name`, 'must be a non-empty string', i);
    if (courseIndex.has(c.name)) bad(`courses[${i}].name`, `'${c.name}' is used twice`, i);
    courseIndex.set(c.name, i);
    let slots: Int32Array;
    try {
      slots = courseSlots(c, `courses[${i}]`);
    } catch (e) {
      if (!(e instanceof FairfitError)) throw e;
      // The course's check says `${field} ${why}`; these errors say `${field}: ${why}`.
      const f = String(e.details.field);
      bad(f, e.message.startsWith(`${f} `) ? e.message.slice(f.length + 1) : e.message, i);
    }
    slotLists.push(slots);
    courseStart[i + 1] = courseStart[i]! + slots.length;
  });
  const courseSlotsAll = new Int32Array(courseStart[courses.length]!);
  slotLists.forEach((s, i) => courseSlotsAll.set(s, courseStart[i]!));
  const vmHost = new Int32Array(V);
  const vmCpu = new Float64Array(V);
  const useCpu = new Float64Array(V);
  const useMem = new Float64Array(V);
  const vmCourse = new Int32Array(V);
  // The loop runs over every VM of large clusters: field names are built only on error.
  for (let i = 0; i < V; i++) {
    const v = input.vms[i]!;
    if (!isObject(v)) bad(`vms[${i}]`, `must be an object { name, host, cpu, mem, course?, use }, got ${shown(v)}`, i);
    checkKeys(v, VM_KEYS, `vms[${i}]`, i);
    if (typeof v.name !== 'string' || v.name === '') bad(`vms[${i}].name`, 'must be a non-empty string', i);
    const h = hostIndex.get(v.host);
    if (h === undefined) bad(`vms[${i}].host`, `${shown(v.host)} is not a host`, i);
    vmHost[i] = h;
    const cpu = v.cpu;
    vmCpu[i] = typeof cpu === 'number' && cpu >= 0 && cpu < Infinity ? cpu : num(cpu, `vms[${i}].cpu`, false);
    if (!(typeof v.mem === 'number' && v.mem >= 0 && v.mem < Infinity)) num(v.mem, `vms[${i}].mem`, false);
    const use = v.use;
    if (use === undefined) bad(`vms[${i}].use`, 'is required', i);
    if (!isObject(use)) bad(`vms[${i}].use`, `must be an object { cpu, mem }, got ${shown(use)}`, i);
    checkKeys(use, PAIR_KEYS, `vms[${i}].use`, i);
    const uc = use.cpu;
    const um = use.mem;
    useCpu[i] = typeof uc === 'number' && uc >= 0 && uc < Infinity ? uc : meanUse(uc, `vms[${i}].use.cpu`);
    useMem[i] = typeof um === 'number' && um >= 0 && um < Infinity ? um : meanUse(um, `vms[${i}].use.mem`);
    if (v.course === undefined) vmCourse[i] = -1;
    else {
      const c = courseIndex.get(v.course);
      if (c === undefined) bad(`vms[${i}].course`, `${shown(v.course)} is not a course`, i);
      vmCourse[i] = c;
    }
  }
  const dup = firstDuplicate(input.vms.map((v) => v.name));
  if (dup >= 0) bad(`vms[${dup}].name`, `'${input.vms[dup]!.name}' is used twice`, dup);
  // Every value is finite, but a host's use (its base and its VMs' use) must be too: a sum past the
  // largest double would make its utilisation Infinity or NaN and every figure after it meaningless.
  const sumCpu = Float64Array.from(baseCpu), sumMem = Float64Array.from(baseMem);
  for (let i = 0; i < V; i++) {
    sumCpu[vmHost[i]!]! += useCpu[i]!;
    sumMem[vmHost[i]!]! += useMem[i]!;
  }
  for (let h = 0; h < H; h++) {
    if (sumCpu[h]! === Infinity || sumMem[h]! === Infinity) {
      const dim = sumCpu[h]! === Infinity ? 'cpu' : 'mem';
      throw new FairfitError('NOT_FINITE', `hosts[${h}]: the ${dim} use of its base and VMs sums past the largest number (Infinity)`, { field: `hosts[${h}].${dim}`, index: h });
    }
  }
  return { hosts: H, vms: V, courses: courses.length, capCpu, capMem, baseCpu, baseMem, vmHost, vmCpu, useCpu, useMem, vmCourse, courseStart, courseSlots: courseSlotsAll };
}

/** The numeric form of the options both planners read. */
export interface PlanParams {
  algorithm: number;
  highAll: number;
  lowAll: number;
  strict: number;
  normalOnly: number;
  maxPowerOff: number;
  highCpu: number;
  highMem: number;
  lowCpu: number;
  lowMem: number;
  wCpu: number;
  wMem: number;
}

/** Resolved options → {@link PlanParams}. */
export function planParams(o: ResolvedRebalanceOptions): PlanParams {
  return {
    algorithm: CRS_ALGORITHM.code[o.algorithm],
    highAll: o.highWhen === 'all' ? 1 : 0,
    lowAll: o.lowWhen === 'all' ? 1 : 0,
    strict: o.bounds === 'strict' ? 1 : 0,
    normalOnly: o.targets === 'normal' ? 1 : 0,
    maxPowerOff: o.maxPowerOff,
    highCpu: o.high.cpu,
    highMem: o.high.mem,
    lowCpu: o.low.cpu,
    lowMem: o.low.mem,
    wCpu: o.weights.cpu,
    wMem: o.weights.mem,
  };
}

/** What a planner returns: the moves in decision order and the hosts' end state. */
export interface RawPlan {
  /** Moves, in the order they were decided. */
  count: number;
  vm: Int32Array;
  from: Int32Array;
  to: Int32Array;
  /** 0 = balance, 1 = energy. */
  phase: Int32Array;
  /** CRS: the target's GOFit for the VM; SS: the target's used cores; FF: 0. */
  gofit: Float64Array;
  /** The target's De before the move. */
  targetDe: Float64Array;
  /** Host use after the plan (cores, GB), VMs and base. */
  useCpu: Float64Array;
  useMem: Float64Array;
  /** Per host: bit 0 powered off, bit 1 still high (no VM of it could move). */
  flags: Int32Array;
}

/** Host flag bits of {@link RawPlan.flags}. */
export const HOST_FLAG = { OFF: CRS_CONSTANTS.values.FLAG_OFF, UNRESOLVED: CRS_CONSTANTS.values.FLAG_UNRESOLVED } as const;
