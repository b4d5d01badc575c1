// Raw task_events batches built from tuples, for the task-table builders' tests.
import type { ColumnBatch } from '../../src/io/csv/spec.ts';

/** time, job, index, type, cpu, mem, class, priority (NaN: empty field). */
export type Ev = [number, number, number, number, number, number, number, number];

/** One batch of the events, in order (the user is the job ID). */
export function eventBatch(events: Ev[]): ColumnBatch {
  const col = (k: number): Float64Array => Float64Array.from(events, (e) => e[k]!);
  return {
    rows: events.length,
    file: 'mem',
    cols: { time: col(0), jobId: col(1), taskIndex: col(2), eventType: col(3), user: col(1), cpuRequest: col(4), memRequest: col(5), schedulingClass: col(6), priority: col(7) },
  };
}
