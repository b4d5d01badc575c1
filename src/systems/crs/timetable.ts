/**
 * The course timetable model of CRS (seed 002, definitions 1–3; docs/model.md
 * "CRS rebalancing"): a course VM runs its lessons `(section 1–5, day 1–5,
 * odd / even weeks)` in weeks `firstWeek … lastWeek` of a 16-week term, and a
 * host's predicted load `C[i][j][k]` is what its course VMs use in section i,
 * day j, week k. A term is {@link SLOTS} = 16·5·5 = 400 slots; a course is the
 * sorted list of its slots, so GOFit costs O(lessons) per host, not O(400).
 *
 * @module
 */
import { arrayLength, didYouMean, FairfitError, shown, unknownKey } from '../../errors.ts';

const COURSE_KEYS = ['name', 'firstWeek', 'lastWeek', 'lessons'];
const LESSON_KEYS = ['section', 'day', 'odd', 'even'];

/** Weeks in a term. */
export const WEEKS = 16;
/** Teaching days in a week (Monday = 1 … Friday = 5). */
export const DAYS = 5;
/** Lesson sections in a day. */
export const SECTIONS = 5;
/** Slots in a term: one per (week, day, section). */
export const SLOTS = WEEKS * DAYS * SECTIONS;

/** One weekly lesson: section and day, and in which weeks (odd, even or both) it takes place. */
export interface Lesson {
  /** 1–5. */
  section: number;
  /** 1–5 (Monday = 1). */
  day: number;
  /** Held in odd weeks (default true). */
  odd?: boolean;
  /** Held in even weeks (default true). */
  even?: boolean;
}

/** A course: the timetable its VMs share (CVm of seed 002 without the name and resources). */
export interface Course {
  /** Unique name. */
  name: string;
  /** 1–16. */
  firstWeek: number;
  /** firstWeek–16. */
  lastWeek: number;
  lessons: Lesson[];
}

/** A point of the term: week 1–16, day 1–5, section 1–5. */
export interface TermTime {
  week: number;
  day: number;
  section: number;
}

/** Slot index of a (week, day, section), all 1-based: week-major, then day, then section. */
export function slotOf(t: TermTime): number {
  // Out of the term, { week: 17, day: 9 } gave slot 439 (another week's), null a TypeError.
  if (t === null || typeof t !== 'object') throw new FairfitError('INVALID_OPTION', `time must be an object { week, day, section }, got ${shown(t)}`, { field: 'time' });
  const week = intIn(t.week, 1, WEEKS, 'week'), day = intIn(t.day, 1, DAYS, 'day'), section = intIn(t.section, 1, SECTIONS, 'section');
  return ((week - 1) * DAYS + (day - 1)) * SECTIONS + (section - 1);
}

/** The (week, day, section) of a slot index. */
export function timeOfSlot(slot: number): TermTime {
  // −1 gave week 0, NaN a time of NaNs.
  intIn(slot, 0, SLOTS - 1, 'slot');
  return { week: Math.floor(slot / (DAYS * SECTIONS)) + 1, day: (Math.floor(slot / SECTIONS) % DAYS) + 1, section: (slot % SECTIONS) + 1 };
}

function intIn(v: unknown, lo: number, hi: number, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new FairfitError('INVALID_OPTION', `${field} must be an integer in ${lo}–${hi}, got ${shown(v)}`, { field });
  }
  return v;
}


/** Checks a course (weeks, sections, days in range); `field` names it in errors. */
export function checkCourse(c: Course, field = 'course'): void {
  if (c === null || typeof c !== 'object' || Array.isArray(c)) throw new FairfitError('INVALID_OPTION', `${field} must be an object { name, firstWeek, lastWeek, lessons }, got ${shown(c)}`, { field });
  const k = unknownKey(c, COURSE_KEYS);
  if (k !== undefined) throw new FairfitError('INVALID_OPTION', `${field}.${k} is not a field of ${field}${didYouMean(k, COURSE_KEYS)}`, { field: `${field}.${k}` });
  intIn(c.firstWeek, 1, WEEKS, `${field}.firstWeek`);
  intIn(c.lastWeek, c.firstWeek, WEEKS, `${field}.lastWeek`);
  if (!Array.isArray(c.lessons)) throw new FairfitError('INVALID_OPTION', `${field}.lessons must be an array, got ${shown(c.lessons)}`, { field: `${field}.lessons` });
  c.lessons.forEach((l, i) => {
    if (l === null || typeof l !== 'object' || Array.isArray(l)) throw new FairfitError('INVALID_OPTION', `${field}.lessons[${i}] must be an object { section, day, odd?, even? }, got ${shown(l)}`, { field: `${field}.lessons[${i}]` });
    intIn(l.section, 1, SECTIONS, `${field}.lessons[${i}].section`);
    intIn(l.day, 1, DAYS, `${field}.lessons[${i}].day`);
    const unknown = unknownKey(l, LESSON_KEYS);
    if (unknown !== undefined) throw new FairfitError('INVALID_OPTION', `${field}.lessons[${i}].${unknown} is not a field of ${field}.lessons[${i}]${didYouMean(unknown, LESSON_KEYS)}`, { field: `${field}.lessons[${i}].${unknown}` });
    for (const k of ['odd', 'even'] as const) {
      // Only `false` leaves a week out: 'no' or 0 held the lesson every week.
      const at = `${field}.lessons[${i}].${k}`;
      if (typeof l[k] !== 'boolean' && l[k] !== undefined) throw new FairfitError('INVALID_OPTION', `${at} must be a boolean, got ${shown(l[k])}`, { field: at });
    }
  });
}

/** The sorted, distinct slots in which a course's VMs are in class; the course is checked first, named `field` in errors. */
export function courseSlots(c: Course, field = 'course'): Int32Array {
  checkCourse(c, field);
  const on = new Uint8Array(SLOTS);
  for (let w = c.firstWeek; w <= c.lastWeek; w++) {
    const odd = w % 2 === 1;
    for (const l of c.lessons) {
      if (odd ? l.odd === false : l.even === false) continue;
      on[slotOf({ week: w, day: l.day, section: l.section })] = 1;
    }
  }
  const out: number[] = [];
  for (let s = 0; s < SLOTS; s++) if (on[s]) out.push(s);
  return Int32Array.from(out);
}

/**
 * GOFit of a VM whose course has `slots` against a host whose course VMs are
 * in class `counts[s]` times in slot s (seed 002, definition 3, as SPEC §5
 * reads it): `overlap / coinciding`, overlap = the VM's lessons at which the
 * host has any VM in class, coinciding = Σ of the host's VMs' lessons that
 * coincide with the VM's. 1 when nothing coincides; higher fits better.
 * `base` is the host's offset into `counts` (slot counts are host-major).
 */
export function gofit(slots: ArrayLike<number>, counts: ArrayLike<number>, base = 0): number {
  // A course has at most SLOTS lessons: a longer list (a length of 1e10) looped for ever; a length of
  // −1 or 1.5 gave 1, as did slots outside the term (their counts undefined).
  const length = arrayLength(slots, 'slots');
  if (length > SLOTS) throw new FairfitError('INVALID_OPTION', `slots: a course has at most ${SLOTS} lessons, got a list of ${length}`, { field: 'slots' });
  let overlap = 0;
  let coinciding = 0;
  for (let i = 0; i < length; i++) {
    const slot = slots[i]!;
    if (!(Number.isInteger(slot) && slot >= 0 && slot < SLOTS)) throw new FairfitError('INVALID_OPTION', `slots[${i}] must be a slot in [0, ${SLOTS}), got ${shown(slot)}`, { field: 'slots', index: i });
    const n = counts[base + slot]!;
    if (n > 0) {
      overlap++;
      coinciding += n;
    }
  }
  return coinciding === 0 ? 1 : overlap / coinciding;
}
