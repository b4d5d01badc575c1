/**
 * The `machine_events` reader: machine additions, removals and capacity
 * updates, with machine IDs made dense.
 *
 * @module
 */
import { checkOptionNames, checkPath } from '../../errors.ts';
import type { MachineEventTable } from '../../model/tasks.ts';
import { F64Column, I32Column } from '../columns.ts';
import { Problems, readSummary, type ReadSummary } from '../csv/problems.ts';
import { GOOGLE_READ_OPTIONS, partFiles, tableBatches, type GoogleReadOptions } from './part-files.ts';
import { MACHINE_EVENTS_SPEC, traceTime } from './schema.ts';

/** Reads `machine_events` into a {@link MachineEventTable} (machines dense in order of first appearance). */
export async function readMachineEvents(path: string, opts: GoogleReadOptions = {}, problems?: Problems): Promise<{ machineEvents: MachineEventTable & { machineId: Float64Array }; summary: ReadSummary }> {
  checkPath(path, 'path');
  checkOptionNames(opts, GOOGLE_READ_OPTIONS, 'readMachineEvents');
  problems ??= new Problems(opts.strict);
  const files = partFiles(path, opts.parts, 'parts');
  const time = new F64Column();
  const machine = new I32Column();
  const type = new I32Column();
  const cpu = new F64Column();
  const mem = new F64Column();
  const machineIds = new F64Column();
  const dense = new Map<number, number>();
  for await (const b of tableBatches(path, MACHINE_EVENTS_SPEC, problems, opts, files)) {
    const t = b.cols.time!;
    const m = b.cols.machineId!;
    const e = b.cols.eventType!;
    const c = b.cols.cpu!;
    const r = b.cols.mem!;
    for (let i = 0; i < b.rows; i++) {
      let id = dense.get(m[i]!);
      if (id === undefined) {
        dense.set(m[i]!, (id = dense.size));
        machineIds.push(m[i]!);
      }
      time.push(traceTime(t[i]!));
      machine.push(id);
      type.push(e[i]!);
      cpu.push(c[i]!);
      mem.push(r[i]!);
    }
  }
  return {
    machineEvents: {
      count: time.length,
      time: time.toArray(),
      machine: machine.toArray(),
      type: type.toArray(),
      cpu: cpu.toArray(),
      mem: mem.toArray(),
      machines: dense.size,
      machineId: machineIds.toArray(),
    },
    summary: readSummary(files, time.length, problems),
  };
}
