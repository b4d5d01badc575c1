/**
 * Plain task ids as runs: hosts often number their tasks (`t0`, `t1`, … or
 * `12345`, `12346`, …), and such ids are kept in a snapshot as
 * (prefix, first number, count) — a few bytes instead of a text of millions
 * of characters — and a restored engine finds and names them from the runs,
 * without a string per id until a call needs the whole list.
 *
 * An id is in a run when it is a prefix that does not end in a digit followed
 * by the canonical decimal of a number below 10^15 (no leading zero, `0`
 * itself allowed): then it splits one way only, so looking an id up is a
 * parse, not a search.
 *
 * @module
 */

/** A run: ids `prefix + (start + k)` for k in [0, count), in submission order. */
export type IdRun = [prefix: string, start: number, count: number];

/** Numbers in runs stay below 10^15 (exact, at most 15 digits). */
const LIMIT = 1e15;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The id as [prefix, number] when it can be in a run, else undefined. */
export function splitId(id: string): [string, number] | undefined {
  let a = id.length;
  while (a > 0 && isDigit(id.charCodeAt(a - 1))) a--;
  const digits = id.length - a;
  if (digits === 0 || digits > 15 || (digits > 1 && id.charCodeAt(a) === 48)) return undefined;
  let n = 0;
  for (let i = a; i < id.length; i++) n = n * 10 + (id.charCodeAt(i) - 48);
  return [id.slice(0, a), n];
}

/**
 * The runs of ids given one at a time, in order (as an engine adds its plain
 * tasks), or `undefined` once an id cannot be in a run or there are more than
 * one run per 16 ids (past the first 64 runs): then a text is smaller. An id
 * that continues the last run makes no string and costs a few comparisons.
 */
export class RunTracker {
  runs: IdRun[] | undefined;
  private ids = 0;
  private prefix = '';
  private next = -1;
  /** The next number's digits, and the number from which it has one more. */
  private digits = 0;
  private wider = 0;

  /** Continuing `runs` (copied), of `ids` ids in all; undefined: ids that are not runs. */
  constructor(runs: readonly IdRun[] | undefined, ids: number) {
    this.runs = runs?.map((r): IdRun => [...r]);
    this.ids = ids;
    const last = this.runs?.at(-1);
    if (last !== undefined) this.resume(last[0], last[1] + last[2]);
  }

  private resume(prefix: string, next: number): void {
    this.prefix = prefix;
    this.next = next;
    this.digits = String(next).length;
    this.wider = 10 ** this.digits;
  }

  push(id: string): void {
    const runs = this.runs;
    if (runs === undefined) return;
    this.ids++;
    const last = runs.at(-1);
    if (last !== undefined && id.length === this.prefix.length + this.digits && this.next < LIMIT && continues(id, this.prefix, this.next)) {
      last[2]++;
      if (++this.next === this.wider) { this.digits++; this.wider *= 10; }
      return;
    }
    const split = splitId(id);
    if (split === undefined || (runs.length >= 64 && runs.length >= this.ids >> 4)) {
      this.runs = undefined;
      return;
    }
    runs.push([split[0], split[1], 1]);
    this.resume(split[0], split[1] + 1);
  }
}

/** Whether `id`, of the right length, is `prefix` followed by the decimal of `n` (the digits right to left, then the prefix). */
function continues(id: string, prefix: string, n: number): boolean {
  const p = prefix.length;
  let i = id.length - 1;
  if (n < 0x40000000) {
    for (let m = n; i >= p; i--) {
      const d = m % 10;
      if (id.charCodeAt(i) !== 48 + d) return false;
      m = (m - d) / 10;
    }
  } else {
    for (let m = n; i >= p; i--) {
      const d = m % 10;
      if (id.charCodeAt(i) !== 48 + d) return false;
      m = Math.round((m - d) / 10);
    }
  }
  for (let j = 0; j < p; j++) if (id.charCodeAt(j) !== prefix.charCodeAt(j)) return false;
  return true;
}

/**
 * `runs` as a snapshot gave them, checked: `total` ids in all, each prefix not
 * ending in a digit, numbers below 10^15, no id twice. Returns the reason when not.
 */
export function checkRuns(runs: unknown, total: number): string | undefined {
  if (!Array.isArray(runs)) return 'the id runs are not a list';
  let sum = 0;
  const byPrefix = new Map<string, [number, number][]>();
  for (const r of runs as unknown[]) {
    if (!Array.isArray(r) || r.length !== 3) return 'an id run is not [prefix, start, count]';
    const [prefix, start, count] = r as unknown[];
    if (typeof prefix !== 'string' || (prefix.length > 0 && isDigit(prefix.charCodeAt(prefix.length - 1)))) return `id run prefix ${JSON.stringify(prefix)} is not a text that ends in a non-digit`;
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || (start as number) < 0 || (count as number) < 1 || (start as number) + (count as number) > LIMIT) return `id run ${JSON.stringify(r)} has bad numbers`;
    sum += count as number;
    const list = byPrefix.get(prefix) ?? [];
    list.push([start as number, count as number]);
    byPrefix.set(prefix, list);
  }
  if (sum !== total) return `the id runs hold ${sum} ids, the columns ${total}`;
  for (const [prefix, list] of byPrefix) {
    list.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < list.length; i++) if (list[i]![0] < list[i - 1]![0] + list[i - 1]![1]) return `id runs of prefix ${JSON.stringify(prefix)} overlap`;
  }
  return undefined;
}

/** A restored engine's plain ids, from their runs (checked with {@link checkRuns}). */
export class IdRuns {
  /** Place of each run's first id among the ids. */
  private readonly bases: number[] = [];
  /** Per prefix, its runs' indexes by ascending start. */
  private readonly byPrefix = new Map<string, number[]>();
  private readonly total: number;
  readonly withHash: number;

  /** Id r names task r when r < `lead`, else task `taskOf[r − lead]`. */
  constructor(readonly runs: readonly IdRun[], private readonly lead: number, private readonly taskOf: Int32Array) {
    let at = 0, withHash = 0;
    runs.forEach(([prefix, , count], i) => {
      this.bases.push(at);
      at += count;
      if (prefix.includes('#')) withHash += count;
      const list = this.byPrefix.get(prefix) ?? [];
      list.push(i);
      this.byPrefix.set(prefix, list);
    });
    for (const list of this.byPrefix.values()) list.sort((a, b) => runs[a]![1] - runs[b]![1]);
    this.total = at;
    this.withHash = withHash;
  }

  /** Id r. */
  idAt(r: number): string {
    const { bases } = this;
    let lo = 0, hi = bases.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bases[mid]! <= r) lo = mid;
      else hi = mid - 1;
    }
    const [prefix, start] = this.runs[lo]!;
    return prefix + String(start + (r - bases[lo]!));
  }

  /** The task of id `id`, or −1 when no run holds it. */
  find(id: string): number {
    const split = splitId(id);
    if (split === undefined) return -1;
    const [prefix, n] = split;
    const list = this.byPrefix.get(prefix);
    if (list === undefined) return -1;
    let lo = 0, hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.runs[list[mid]!]![1] <= n) lo = mid;
      else hi = mid - 1;
    }
    const i = list[lo]!, [, start, count] = this.runs[i]!;
    if (n < start || n >= start + count) return -1;
    const r = this.bases[i]! + (n - start);
    return r < this.lead ? r : this.taskOf[r - this.lead]!;
  }

  /** Every id, in order. */
  list(): string[] {
    const out = new Array<string>(this.total);
    let at = 0;
    for (const [prefix, start, count] of this.runs) for (let k = 0; k < count; k++) out[at++] = prefix + String(start + k);
    return out;
  }
}
