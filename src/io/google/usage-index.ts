/**
 * `task_usage` indexed for reading in time order (docs/model.md, "Bounded
 * memory", "task_usage read in time order"): one pass over the files keeps,
 * per task, its row count and its *early* rows — the first row, and each row
 * that starts more than {@link EARLY_GAP_US} after the ends of the task's rows
 * before it — and no other row. A replay then reads the files again as it
 * advances (src/systems/giantvm/trace-usage-feed.ts) and takes an early row
 * from here, since a replayed task may need it long before the reader gets
 * to it (a task the trace kept pending for hours, or that it evicted and ran
 * again later, may run at once in the replay).
 *
 * Memory: 20 bytes per task of the id map while reading, then 4 per task and
 * 48 per early row; never per usage row.
 *
 * @module
 */
import type { UsageIndex, EarlyRows } from '../../model/tasks.ts';
import { F64Column, I32Column } from '../columns.ts';
import { Problems, readSummary, type ReadSummary } from '../csv/problems.ts';
import { partFiles, type GoogleReadOptions } from './part-files.ts';
import { usageBatches } from './task-usage.ts';
import type { TaskIds } from './task-ids.ts';

/** A row starting more than this after the ends of its task's rows before it is kept in the index (one 5-minute measurement window). */
export const EARLY_GAP_US = 300e6;

/** Result of {@link indexTaskUsage}. */
export interface UsageIndexResult {
  index: UsageIndex;
  /** Rows of tasks absent from `ids` (counted, not kept). */
  unmatched: number;
  /** Latest finite window end of a joined row (-∞: none). */
  lastEnd: number;
  summary: ReadSummary;
}

/** One pass over `task_usage` (a file or a folder of part files) joined to `ids`: see the module comment. */
export async function indexTaskUsage(path: string, ids: TaskIds, opts: GoogleReadOptions = {}, problems = new Problems(opts.strict)): Promise<UsageIndexResult> {
  const files = partFiles(path, opts.parts, 'parts');
  const tasks = ids.count;
  const rows = new Int32Array(tasks);
  const lastStart = new Float64Array(tasks);
  const reach = new Float64Array(tasks); // largest end of the task's rows so far
  const eTask = new I32Column(), eIndex = new I32Column();
  const eEnd = new F64Column(), eCpu = new F64Column(), eMem = new F64Column(), eMax = new F64Column(), eMai = new F64Column();
  let count = 0, unmatched = 0, read = 0, lastEnd = -Infinity;
  let problem: UsageIndex['problem'];
  for await (const b of usageBatches(path, { ...opts, ids, lines: true }, problems)) {
    read += b.rows;
    const { task, start, end, cpu, mem, maxCpu, mai } = b;
    for (let r = 0; r < b.rows; r++) {
      const k = task[r]!;
      if (k < 0) { unmatched++; continue; }
      count++;
      const s = start[r]!, e = end[r]!, c = cpu[r]!, m = mem[r]!;
      if (e > lastEnd && e !== Infinity) lastEnd = e;
      const n = rows[k]!;
      if (problem === undefined && !(c >= 0 && c < Infinity && m >= 0 && m < Infinity && e === e && !(n > 0 && s < lastStart[k]!))) problem = rowProblem(b.file, b.lines![r]!, s, e, c, m, lastStart[k]!);
      if (n === 0 || s > reach[k]! + EARLY_GAP_US) {
        eTask.push(k); eIndex.push(n);
        eEnd.push(e); eCpu.push(c); eMem.push(m); eMax.push(maxCpu[r]!); eMai.push(mai[r]!);
      }
      rows[k] = n + 1;
      if (n === 0 || s > lastStart[k]!) lastStart[k] = s;
      reach[k] = n === 0 ? e : Math.max(reach[k]!, e);
    }
  }
  const early = groupByTask(tasks, eTask.data.subarray(0, eTask.length), eIndex, [eEnd, eCpu, eMem, eMax, eMai]);
  const index: UsageIndex = { files, rows, count, early, ...(problem ? { problem } : {}) };
  return { index, unmatched, lastEnd, summary: readSummary(files, read, problems) };
}

/** Why a row cannot be used, in the words of the whole-table checks, naming file:line. */
function rowProblem(file: string, line: number, s: number, e: number, c: number, m: number, before: number): NonNullable<UsageIndex['problem']> {
  const at = { file, line };
  for (const [f, v] of [['cpu', c], ['mem', m]] as const) {
    if (!Number.isFinite(v)) return { code: 'NOT_FINITE', field: `usage.${f}`, message: `${file}:${line}: usage ${f} must be finite, got ${v}`, ...at };
    if (v < 0) return { code: 'NEGATIVE_VALUE', field: `usage.${f}`, message: `${file}:${line}: usage ${f} must be ≥ 0, got ${v}`, ...at };
  }
  if (e !== e) return { code: 'NOT_FINITE', field: 'usage.end', message: `${file}:${line}: usage end must be a number, got NaN`, ...at };
  return {
    code: 'PARSE_ERROR', field: 'usage.start', ...at,
    message: `${file}:${line}: this task_usage row starts at ${s} µs, before an earlier row of the same task (${before} µs): reading usage in time order needs each task's rows in start order (read the usage whole instead: usageRead 'whole' / --usage-read whole)`,
  };
}

/** The early rows grouped by task (a counting sort keeps file order within a task). */
function groupByTask(tasks: number, task: Int32Array, index: I32Column, cols: F64Column[]): EarlyRows {
  const n = task.length;
  const first = new Int32Array(tasks + 1);
  for (let i = 0; i < n; i++) first[task[i]! + 1]!++;
  for (let k = 0; k < tasks; k++) first[k + 1]! += first[k]!;
  const at = first.slice(0, tasks);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[at[task[i]!]!++] = i;
  const pick = <T extends Float64Array | Int32Array>(src: T, out: T): T => {
    for (let j = 0; j < n; j++) out[j] = src[order[j]!]!;
    return out;
  };
  const [end, cpu, mem, maxCpu, mai] = cols.map((c) => pick(c.data, new Float64Array(n)));
  return { first, index: pick(index.data, new Int32Array(n)), end: end!, cpu: cpu!, mem: mem!, maxCpu: maxCpu!, mai: mai! };
}
