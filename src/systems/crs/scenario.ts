/**
 * CRS scenarios: a {@link RebalanceInput} with a description, the point of
 * the term it describes, and optionally a sequence of periods (each a new set
 * of VM means, for replaying a day period by period); and the seeded
 * generator behind `fairfit gen-scenario` and `examples/crs-campus.json`.
 *
 * Usage model of generated scenarios (docs/model.md "CRS rebalancing"): a VM
 * whose course is in class at `now` uses 50–95 % of its vCPUs and 60–90 % of
 * its memory; any other VM 0–8 % of its vCPUs and 30–60 % of its memory (a
 * powered-on idle guest keeps its memory), uniform draws from the seed.
 *
 * @module
 */
import { constants } from 'node:buffer';
import { FairfitError, checkOptionNames, shown } from '../../errors.ts';
import { checkSeed, Rng } from '../../rng.ts';
import type { CrsHost, CrsVm, RebalanceInput } from './model.ts';
import { TimetablePlacer } from './placement.ts';
import { courseSlots, DAYS, SECTIONS, slotOf, WEEKS, type Course, type TermTime } from './timetable.ts';

/** One period of a replayed scenario: every VM's mean use over it, in VM order. */
export interface ScenarioPeriod {
  /** Label (e.g. a time of day). */
  label: string;
  /** Seconds from the scenario's start. */
  start: number;
  /** `[cpu cores, GB]` per VM, in the order of `vms`. */
  use: [number, number][];
}

/** A rebalancing scenario, as `fairfit rebalance --input` reads it (schemas/crs-scenario.schema.json). */
export interface RebalanceScenario extends RebalanceInput {
  description?: string;
  /** The point of the term the VMs' `use` describes. */
  now?: TermTime;
  /** Further periods to replay one after the other (VM use per period; VMs follow the plan of the period before). */
  periods?: ScenarioPeriod[];
}

/** Options of {@link generateScenario}. */
export interface ScenarioGenOptions {
  /** `'paper'`: seed 002's experiment (7 compute nodes, 1 vCPU / 2 GB course VMs, a term of courses, placed by timetable); `'random'` (default): a large random cluster, VMs placed at random. */
  preset?: 'paper' | 'random';
  /** Hosts (random preset; default 100). With the VMs and courses, the scenario's JSON must fit one JavaScript string (about 80 characters a host, 200 a VM, 300 a course; 2^29 − 24 in all): a larger scenario is refused. */
  hosts?: number;
  /** VMs (random preset; default 20 per host). */
  vms?: number;
  /** Courses (random preset; default 40). */
  courses?: number;
  /** Default 1. */
  seed?: number;
  /** Default: week 1, Monday, section 1. */
  now?: TermTime;
}

function positiveInt(v: number | undefined, field: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < 1) throw new FairfitError('INVALID_OPTION', `${field}: must be an integer ≥ 1, got ${shown(v)}`, { field });
  return v;
}

/** Use of a VM at `now`: in class or idle (see the module comment). */
function drawUse(r: Rng, cpu: number, mem: number, inClass: boolean): { cpu: number; mem: number } {
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return inClass
    ? { cpu: round(cpu * (0.5 + 0.45 * r.next())), mem: round(mem * (0.6 + 0.3 * r.next())) }
    : { cpu: round(cpu * 0.08 * r.next()), mem: round(mem * (0.3 + 0.3 * r.next())) };
}

/** The paper's term (Table 3 is lost from the seed: these courses are an assumption, docs/model.md). */
const PAPER_COURSES: (Course & { students: number })[] = [
  { name: 'Java', firstWeek: 1, lastWeek: 16, lessons: [{ section: 1, day: 1 }], students: 24 },
  { name: 'C++', firstWeek: 1, lastWeek: 16, lessons: [{ section: 4, day: 2 }, { section: 5, day: 1 }], students: 16 },
  { name: 'Linux', firstWeek: 1, lastWeek: 16, lessons: [{ section: 1, day: 1, even: false }], students: 12 },
  { name: 'Python', firstWeek: 1, lastWeek: 16, lessons: [{ section: 2, day: 3 }], students: 16 },
  { name: 'Hadoop', firstWeek: 1, lastWeek: 8, lessons: [{ section: 3, day: 4 }], students: 10 },
  { name: 'Database', firstWeek: 9, lastWeek: 16, lessons: [{ section: 2, day: 5 }], students: 12 },
  { name: 'Networks', firstWeek: 1, lastWeek: 16, lessons: [{ section: 2, day: 1, odd: false }], students: 10 },
];

const GEN_OPTIONS = ['preset', 'hosts', 'vms', 'courses', 'seed', 'now'] as const;

/**
 * The longest scenario JSON, in characters: the writer builds the file as one string and
 * `readScenario` reads it as one, and a JavaScript string holds at most `MAX_STRING_LENGTH`
 * characters (2^29 − 24 in Node 20 on 64 bits).
 */
const MAX_SCENARIO_JSON = constants.MAX_STRING_LENGTH;

/** Characters of a random scenario's JSON per host, VM and course, rounded up from what the writer gives (about 72, 180 and 216). */
const JSON_CHARS = { hosts: 80, vms: 200, courses: 300 } as const;

/**
 * Refuses (`INVALID_OPTION`) a random scenario whose JSON would not fit {@link MAX_SCENARIO_JSON},
 * before any allocation: `hosts: 1e7` was a RangeError, `hosts: 1e9` a minute, then V8 out of memory.
 * Names the count that weighs most (`hosts` when the VMs are its default 20 per host).
 */
function checkScenarioSize(o: ScenarioGenOptions, counts: { hosts: number; vms: number; courses: number }): void {
  const chars = (k: keyof typeof counts) => JSON_CHARS[k] * counts[k];
  const total = chars('hosts') + chars('vms') + chars('courses');
  if (total <= MAX_SCENARIO_JSON) return;
  const heaviest = (['hosts', 'vms', 'courses'] as const).reduce((a, b) => (chars(b) > chars(a) ? b : a));
  const field = heaviest === 'vms' && o.vms === undefined ? 'hosts' : heaviest;
  const mb = (n: number) => `${Math.round(n / 1e6)} MB`;
  throw new FairfitError('INVALID_OPTION', `${field}: a scenario of ${counts.hosts} hosts, ${counts.vms} VMs${o.vms === undefined ? ' (20 per host)' : ''} and ${counts.courses} courses is about ${mb(total)} of JSON, more than the ${mb(MAX_SCENARIO_JSON)} one file can hold (it is written and read as one JavaScript string); give fewer`, { field });
}

/**
 * Unknown options, an unknown preset and the random preset's sizes given to
 * the paper preset are `INVALID_OPTION` naming the field (they were ignored:
 * `{ preset: 'paper', hosts: 5 }` gave 7 hosts, `{ host: 5 }` 100).
 */
function checkGenOptions(o: ScenarioGenOptions): void {
  if (o === null || typeof o !== 'object') throw new FairfitError('INVALID_OPTION', `options: must be an object, got ${String(o)}`, { field: 'options' });
  checkOptionNames(o, GEN_OPTIONS, 'generateScenario');
  if (o.preset !== undefined && o.preset !== 'paper' && o.preset !== 'random') throw new FairfitError('INVALID_OPTION', `preset: ${shown(o.preset)} is not one of paper, random`, { field: 'preset' });
  if (o.preset === 'paper') {
    for (const key of ['hosts', 'vms', 'courses'] as const) {
      if (o[key] !== undefined) throw new FairfitError('INVALID_OPTION', `${key}: applies to the random preset only (the paper preset is 7 hosts, 100 VMs, 7 courses)`, { field: key });
    }
  }
}

/** Seeded scenario generator (same options → same scenario). */
export function generateScenario(o: ScenarioGenOptions = {}): RebalanceScenario {
  checkGenOptions(o);
  const seed = o.seed ?? 1;
  checkSeed(seed, 'seed');
  const r = new Rng(seed);
  const given: unknown = o.now === undefined ? { week: 1, day: 1, section: 1 } : o.now;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) throw new FairfitError('INVALID_OPTION', `now: must be an object { week, day, section }, got ${JSON.stringify(given)}`, { field: 'now' });
  // Only the three fields are copied into the scenario: any other key would make a file its own schema refuses.
  for (const key of Object.keys(given)) {
    if (key !== 'week' && key !== 'day' && key !== 'section') throw new FairfitError('INVALID_OPTION', `now.${key}: not a field of now (week, day, section)`, { field: `now.${key}` });
  }
  const { week, day, section } = given as TermTime;
  const now: TermTime = { week, day, section };
  if (!(now.week >= 1 && now.week <= WEEKS && now.day >= 1 && now.day <= DAYS && now.section >= 1 && now.section <= SECTIONS) || ![now.week, now.day, now.section].every(Number.isInteger)) {
    throw new FairfitError('INVALID_OPTION', `now: week 1–${WEEKS}, day 1–${DAYS}, section 1–${SECTIONS}, got ${JSON.stringify(now)}`, { field: 'now' });
  }
  // After the check, which names `now` (slotOf would name its week).
  const nowSlot = slotOf(now);
  if (o.preset === 'paper') {
    // 1 controller (not a compute host) + 7 compute nodes; capacities are an assumption (Table 2 is lost).
    const hosts: CrsHost[] = Array.from({ length: 7 }, (_, i) => (i < 4 ? { name: `computenode${i + 1}`, cpu: 16, mem: 32 } : { name: `computenode${i + 1}`, cpu: 8, mem: 16 }));
    const courses: Course[] = PAPER_COURSES.map(({ students: _, ...c }) => c);
    const placer = new TimetablePlacer(hosts, courses);
    const vms: CrsVm[] = [];
    for (const [k, c] of PAPER_COURSES.entries()) {
      const inClass = courseSlots(courses[k]!).includes(nowSlot);
      for (let s = 1; s <= c.students; s++) {
        const name = `${c.name.toLowerCase().replace(/\W/g, 'pp')}-${String(s).padStart(2, '0')}`;
        const res = placer.place({ name, cpu: 1, mem: 2, course: c.name });
        if (res.kind !== 'placed') throw new FairfitError('INVALID_OPTION', `preset paper: ${res.reason}`, { field: 'preset' });
        vms.push({ name, host: res.host, cpu: 1, mem: 2, course: c.name, use: drawUse(r, 1, 2, inClass) });
      }
    }
    return { description: `seed 002's experiment (assumed capacities and courses), placed by timetable, at week ${now.week} day ${now.day} section ${now.section}; seed ${seed}`, now, hosts, courses, vms };
  }
  const H = positiveInt(o.hosts, 'hosts', 100);
  const V = o.vms === undefined ? 20 * H : o.vms;
  if (!Number.isSafeInteger(V) || V < 0) throw new FairfitError('INVALID_OPTION', `vms: must be an integer ≥ 0, got ${shown(o.vms)}`, { field: 'vms' });
  const K = positiveInt(o.courses, 'courses', 40);
  checkScenarioSize(o, { hosts: H, vms: V, courses: K });
  const sizes = [[16, 64], [32, 128], [48, 192], [64, 256]] as const;
  const hosts: CrsHost[] = Array.from({ length: H }, (_, i) => {
    const [cpu, mem] = sizes[r.below(sizes.length)]!;
    return { name: `h${i}`, cpu, mem };
  });
  const courses: Course[] = Array.from({ length: K }, (_, i) => {
    const half = r.below(4);
    const lessons = Array.from({ length: 1 + r.below(2) }, () => {
      const l: Course['lessons'][number] = { section: 1 + r.below(SECTIONS), day: 1 + r.below(DAYS) };
      const parity = r.below(5);
      if (parity === 0) l.even = false;
      if (parity === 1) l.odd = false;
      return l;
    });
    return { name: `c${i}`, firstWeek: half === 3 ? 9 : 1, lastWeek: half === 2 ? 8 : 16, lessons };
  });
  const inClass = courses.map((c) => courseSlots(c).includes(nowSlot));
  const capTotal = hosts.reduce((s, h) => s + h.cpu, 0);
  const cum = new Float64Array(H);
  let acc = 0;
  hosts.forEach((h, i) => (cum[i] = acc += h.cpu / capTotal));
  const vms: CrsVm[] = Array.from({ length: V }, (_, i) => {
    const cpu = [1, 2, 4][r.below(3)]!;
    const mem = cpu * (r.below(2) ? 4 : 2);
    const k = r.below(K);
    // Host drawn in proportion to its cores (binary search in the cumulative shares).
    const x = r.next();
    let lo = 0;
    let hi = H - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return { name: `v${i}`, host: hosts[lo]!.name, cpu, mem, course: courses[k]!.name, use: drawUse(r, cpu, mem, inClass[k]!) };
  });
  return { description: `random cluster: ${H} hosts, ${V} VMs, ${K} courses, at week ${now.week} day ${now.day} section ${now.section}; seed ${seed}`, now, hosts, courses, vms };
}
