/**
 * Alibaba cluster-trace-v2018 machine readers: `machine_meta` (capacities and
 * status over time) and `machine_usage` (per-machine utilisation series: the
 * real host load that the CRS rebalancer consumes; docs/model.md, "Alibaba
 * 2018 machines"). Plain CSV or gzip, no header. Times s → µs from the 8-day window start; percentages →
 * fractions in [0, 1]; the trace's invalid values (< 0 or > 100) → NaN.
 *
 * @module
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FairfitError, checkOptionNames, checkPath } from '../errors.ts';
import type { MachineEventTable } from '../model/tasks.ts';
import { noData, Problems, readSummary, type ReadSummary } from './csv/problems.ts';
import { readCsvBatches } from './csv/read-batches.ts';
import { FieldKind, READ_OPTIONS, type CsvSpec, type ReadOptions } from './csv/spec.ts';
import { F64Column, I32Column, orderByTaskThenStart, permute } from './columns.ts';

const N = FieldKind.Number;

/** Latest valid time, s: 3651 days (as for the other readers; the trace spans 8 days). */
export const ALIBABA_MAX_SECONDS = 3651 * 86400;
/** Most CPU cores of one machine. */
export const ALIBABA_MAX_CPUS = 1e5;
const TIME = { min: 0, max: ALIBABA_MAX_SECONDS, maxNote: '3651 days in s' } as const;
const MACHINE = { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true } as const;

/**
 * machine_meta columns (schema.txt of cluster-trace-v2018), with valid
 * ranges. machine_usage percentages are not range-checked: the trace holds
 * values outside [0, 100] (e.g. −1, 101), which the reader keeps as NaN.
 */
export const ALIBABA_META_SPEC: CsvSpec = {
  format: 'machine_meta',
  fields: [
    { name: 'machine', kind: FieldKind.Id, required: true, ...MACHINE },
    { name: 'time', kind: N, required: true, ...TIME },
    { name: 'failureDomain1', kind: N, min: 0, integer: true },
    { name: 'failureDomain2', kind: FieldKind.Skip },
    { name: 'cpuNum', kind: N, min: 0, max: ALIBABA_MAX_CPUS },
    { name: 'memSize', kind: N, min: 0, max: 100 },
    { name: 'status', kind: FieldKind.Hash },
  ],
};

/** machine_usage columns. */
export const ALIBABA_USAGE_SPEC: CsvSpec = {
  format: 'machine_usage',
  fields: [
    { name: 'machine', kind: FieldKind.Id, required: true, ...MACHINE },
    { name: 'time', kind: N, required: true, ...TIME },
    { name: 'cpu', kind: N },
    { name: 'mem', kind: N },
    { name: 'memGps', kind: N },
    { name: 'mkpi', kind: N },
    { name: 'netIn', kind: N },
    { name: 'netOut', kind: N },
    { name: 'diskIo', kind: N },
  ],
};

/** Per-machine utilisation series, sorted by machine then time. */
export interface MachineUsageTable {
  /** Rows. */
  count: number;
  /** Dense machine id (same numbering as the machine table). */
  machine: Int32Array;
  /** µs from the start of the trace window. */
  time: Float64Array;
  /** CPU and memory utilisation as fractions of capacity (NaN when invalid). */
  cpu: Float64Array;
  /** Memory utilisation fraction (NaN when invalid). */
  mem: Float64Array;
  /** Disk I/O utilisation fraction (NaN when invalid). */
  diskIo: Float64Array;
  /** Cache misses per thousand instructions (NaN when empty). */
  mkpi: Float64Array;
}

function pct(v: number): number {
  return v >= 0 && v <= 100 ? v / 100 : Number.NaN;
}

/** The `machine_meta*` and `machine_usage*` files of `dir` (plain or .gz), in name order. */
function alibabaFiles(dir: string): { metaFiles: string[]; usageFiles: string[] } {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    names = readdirSync(dir).sort();
  } catch {
    throw new FairfitError('FILE_NOT_FOUND', `${dir}: no such folder`, { file: dir });
  }
  const metaFiles = names.filter((n) => /^machine_meta.*\.csv(\.gz)?$/.test(n)).map((n) => join(dir, n));
  const usageFiles = names.filter((n) => /^machine_usage.*\.csv(\.gz)?$/.test(n)).map((n) => join(dir, n));
  if (metaFiles.length === 0) throw new FairfitError('FILE_NOT_FOUND', `${dir}: no machine_meta*.csv file`, { file: dir });
  return { metaFiles, usageFiles };
}

/** Machine names → dense ids in order of first appearance, with the number of each name. */
class MachineIds {
  readonly dense = new Map<number, number>();
  readonly number = new F64Column();
  idOf(m: number): number {
    let id = this.dense.get(m);
    if (id === undefined) {
      this.dense.set(m, (id = this.dense.size));
      this.number.push(m);
    }
    return id;
  }
}

/** The rows of the `machine_meta` files: ADD for a machine's first row, UPDATE after; raw cpu_num and mem_size. */
async function readMeta(files: string[], problems: Problems, opts: ReadOptions, ids: MachineIds) {
  const dense = ids.dense;
  const time = new F64Column();
  const machine = new I32Column();
  const type = new I32Column();
  const cpuN = new F64Column();
  const memS = new F64Column();
  let rows = 0;
  for (const f of files) {
    for await (const b of readCsvBatches(f, ALIBABA_META_SPEC, problems, opts)) {
      const c = b.cols;
      for (let i = 0; i < b.rows; i++) {
        const known = dense.has(c.machine![i]!);
        machine.push(ids.idOf(c.machine![i]!));
        type.push(known ? 2 : 0);
        time.push(c.time![i]! * 1e6);
        cpuN.push(c.cpuNum![i]!);
        memS.push(c.memSize![i]!);
      }
      rows += b.rows;
    }
  }
  return { time, machine, type, cpuN, memS, rows };
}

/** The rows of the `machine_usage` files, sorted by machine then time. */
async function readUsage(files: string[], problems: Problems, opts: ReadOptions, ids: MachineIds): Promise<{ usage: MachineUsageTable; rows: number }> {
  let rows = 0;
  const um = new I32Column();
  const ut = new F64Column();
  const uc = new F64Column();
  const ur = new F64Column();
  const ud = new F64Column();
  const uk = new F64Column();
  for (const f of files) {
    for await (const b of readCsvBatches(f, ALIBABA_USAGE_SPEC, problems, opts)) {
      const c = b.cols;
      for (let i = 0; i < b.rows; i++) {
        um.push(ids.idOf(c.machine![i]!));
        ut.push(c.time![i]! * 1e6);
        uc.push(pct(c.cpu![i]!));
        ur.push(pct(c.mem![i]!));
        ud.push(pct(c.diskIo![i]!));
        uk.push(c.mkpi![i]!);
      }
      rows += b.rows;
    }
  }
  const order = orderByTaskThenStart(um.data, ut.data, um.length, ids.dense.size);
  const usage = {
    count: um.length,
    machine: permute(um.data, order),
    time: permute(ut.data, order),
    cpu: permute(uc.data, order),
    mem: permute(ur.data, order),
    diskIo: permute(ud.data, order),
    mkpi: permute(uk.data, order),
  };
  return { usage, rows };
}

/**
 * Reads `machine_meta*.csv` and `machine_usage*.csv` (plain or .gz) from
 * `dir`. The first meta row of a machine is its ADD (0), later rows UPDATE
 * (2); CPU capacity = cpu_num / max cpu_num, memory = mem_size / 100.
 * `machineNumber` is the number in the machine name (m_1932 → 1932).
 * No valid `machine_meta` row at all throws `NO_DATA` (as the Google and SWF readers do).
 */
export async function readAlibabaMachines(
  dir: string,
  opts: ReadOptions = {},
): Promise<{ machines: MachineEventTable & { machineNumber: Float64Array }; usage?: MachineUsageTable; summary: ReadSummary }> {
  checkPath(dir, 'dir');
  checkOptionNames(opts, READ_OPTIONS, 'readAlibabaMachines');
  const problems = new Problems(opts.strict ?? false);
  const { metaFiles, usageFiles } = alibabaFiles(dir);
  const ids = new MachineIds();
  const { time, machine, type, cpuN, memS, rows: metaRows } = await readMeta(metaFiles, problems, opts, ids);
  if (time.length === 0) throw noData(`no valid machine_meta rows in ${dir}`, problems, dir);
  let rows = metaRows;
  let maxCpu = 0;
  for (let i = 0; i < cpuN.length; i++) if (cpuN.data[i]! > maxCpu) maxCpu = cpuN.data[i]!;
  const cpu = Float64Array.from(cpuN.toArray(), (v) => (maxCpu > 0 ? v / maxCpu : Number.NaN));
  const mem = Float64Array.from(memS.toArray(), (v) => pct(v));
  let usage: MachineUsageTable | undefined;
  if (usageFiles.length > 0) {
    const u = await readUsage(usageFiles, problems, opts, ids);
    usage = u.usage;
    rows += u.rows;
  }
  const machines = {
    count: time.length,
    time: time.toArray(),
    machine: machine.toArray(),
    type: type.toArray(),
    cpu,
    mem,
    machines: ids.dense.size,
    machineNumber: ids.number.toArray(),
  };
  const summary = readSummary([...metaFiles, ...usageFiles], rows, problems);
  return usage ? { machines, usage, summary } : { machines, summary };
}
