/**
 * A rebalancing scenario from the Alibaba 2018 machine tables
 * (docs/model.md "CRS rebalancing", "The Alibaba-derived scenario"): the hosts
 * are the machines that have `machine_usage` rows, with their real CPU and
 * memory utilisation averaged per period of one day; the trace has no VMs, so
 * each host gets `vmsPerHost` synthesised VMs that share its use in seeded,
 * fixed proportions (so the sum over a host's VMs is the host's measured use
 * in every period, until a plan moves a VM — its use goes with it).
 *
 * @module
 */
import { FairfitError, checkOptionNames, checkPath, optionNames, shown } from '../../errors.ts';
import { readAlibabaMachines } from '../../io/alibaba.ts';
import type { ReadSummary } from '../../io/csv/problems.ts';
import { checkSeed, Rng } from '../../rng.ts';
import type { CrsHost, CrsVm } from './model.ts';
import type { RebalanceScenario, ScenarioPeriod } from './scenario.ts';

/** The names of {@link AlibabaScenarioOptions}, for the run-time check. */
const ALIBABA_SCENARIO_OPTIONS = optionNames<AlibabaScenarioOptions>()('day', 'periodMinutes', 'vmsPerHost', 'seed', 'onRead');

/** Options of {@link alibabaScenario}. */
export interface AlibabaScenarioOptions {
  /** Day of the 8-day trace, 1–8 (default 2, the first full day of the extract). */
  day?: number;
  /** Period length in minutes (default 30). */
  periodMinutes?: number;
  /** Synthesised VMs per host (default 12: 8 vCPUs each on the 96-core machines). */
  vmsPerHost?: number;
  /** Default 1. */
  seed?: number;
  /** Called once the tables are read: the read's summary (lines skipped, first problems) and the machines left out. */
  onRead?: (read: AlibabaScenarioRead) => void;
}

/** What {@link alibabaScenario} read, and the machines with `machine_usage` rows it could not make hosts of. */
export interface AlibabaScenarioRead {
  summary: ReadSummary;
  /** Machines with usage rows but no valid `machine_meta` row (their capacity is unknown), by name. */
  noMeta: string[];
  /** Machines whose last `machine_meta` row gives no cores or no memory (empty, or 0), by name. */
  noCapacity: string[];
  /** Machines with a capacity but no valid CPU or no valid memory sample on the chosen day (their use that day is unknown, not 0), by name. */
  noSample: string[];
  /** The chosen day. */
  day: number;
}

const DAY = 86_400;

/** Reads `machine_meta*` / `machine_usage*` from `dir` and builds the scenario. */
export async function alibabaScenario(dir: string, o: AlibabaScenarioOptions = {}): Promise<RebalanceScenario> {
  checkPath(dir, 'dir');
  checkOptionNames(o, ALIBABA_SCENARIO_OPTIONS, 'alibabaScenario');
  const day = o.day ?? 2;
  const minutes = o.periodMinutes ?? 30;
  const k = o.vmsPerHost ?? 12;
  const seed = o.seed ?? 1;
  if (!Number.isInteger(day) || day < 1 || day > 8) throw new FairfitError('INVALID_OPTION', `day: must be an integer in 1–8, got ${shown(day)}`, { field: 'day' });
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) throw new FairfitError('INVALID_OPTION', `periodMinutes: must be an integer in 1–1440, got ${shown(minutes)}`, { field: 'periodMinutes' });
  if (!Number.isInteger(k) || k < 1 || k > 96) throw new FairfitError('INVALID_OPTION', `vmsPerHost: must be an integer in 1–96, got ${shown(k)}`, { field: 'vmsPerHost' });
  checkSeed(seed, 'seed');
  const { machines, usage, summary } = await readAlibabaMachines(dir);
  if (!usage || usage.count === 0) throw new FairfitError('FILE_NOT_FOUND', `${dir}: no machine_usage rows`, { file: dir });
  const periods = Math.floor(1440 / minutes);
  const t0 = (day - 1) * DAY;
  // Capacity from machine_meta (cpu_num / mem_size of the machine's last row; 96 cores and 100 units throughout the extract).
  const cores = new Map<number, number>();
  const memUnits = new Map<number, number>();
  let maxCpu = 0;
  for (let i = 0; i < machines.count; i++) if (machines.cpu[i]! > maxCpu) maxCpu = machines.cpu[i]!;
  for (let i = 0; i < machines.count; i++) {
    cores.set(machines.machine[i]!, Math.round((machines.cpu[i]! / (maxCpu || 1)) * 96));
    memUnits.set(machines.machine[i]!, Math.round(machines.mem[i]! * 100));
  }
  // The hosts: machines with usage rows and a capacity. The others are left out and named (onRead), never given a made-up size.
  const name = (m: number): string => `m_${machines.machineNumber[m]}`;
  const noMeta: string[] = [], noCapacity: string[] = [];
  const ids = [...new Set(usage.machine)].sort((a, b) => a - b).filter((m) => {
    if (!cores.has(m)) noMeta.push(name(m));
    else if (!(cores.get(m)! > 0 && memUnits.get(m)! > 0)) noCapacity.push(name(m));
    else return true;
    return false;
  });
  if (ids.length === 0) {
    o.onRead?.({ summary, noMeta, noCapacity, noSample: [], day });
    throw new FairfitError('NO_DATA', `${dir}: no machine with machine_usage rows has a capacity in machine_meta (${noMeta.length} without a valid machine_meta row, ${noCapacity.length} with 0 or no cores or memory)`, { file: dir });
  }
  // Per machine: sums and counts of valid samples per period.
  const slot = new Map(ids.map((m, i) => [m, i]));
  const sum = ids.map(() => ({ cpu: new Float64Array(periods), mem: new Float64Array(periods), nc: new Int32Array(periods), nm: new Int32Array(periods) }));
  let inDay = 0;
  for (let i = 0; i < usage.count; i++) {
    const t = usage.time[i]! / 1e6 - t0;
    if (t < 0 || t >= periods * minutes * 60) continue;
    const host = slot.get(usage.machine[i]!);
    if (host === undefined) continue;
    inDay++;
    const p = Math.floor(t / (minutes * 60));
    const s = sum[host]!;
    const c = usage.cpu[i]!;
    const m = usage.mem[i]!;
    if (Number.isFinite(c)) { s.cpu[p]! += c; s.nc[p]! += 1; }
    if (Number.isFinite(m)) { s.mem[p]! += m; s.nm[p]! += 1; }
  }
  // A day without samples would be a scenario of hosts at zero use throughout, which says nothing of the trace.
  if (inDay === 0) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < usage.count; i++) { lo = Math.min(lo, usage.time[i]!); hi = Math.max(hi, usage.time[i]!); }
    throw new FairfitError('NO_DATA', `${dir}: no machine_usage sample on day ${day}; the samples span days ${Math.floor(lo / 1e6 / DAY) + 1}–${Math.floor(hi / 1e6 / DAY) + 1}`, { file: dir, field: 'day' });
  }
  // A machine not sampled that day (in one dimension) is left out and named: its use is unknown, and at 0 it
  // would be an idle host, the first one the energy phase empties and powers off.
  const sampled = sum.map((s) => s.nc.some((x) => x > 0) && s.nm.some((x) => x > 0));
  const noSample = ids.filter((_, i) => !sampled[i]).map(name);
  o.onRead?.({ summary, noMeta, noCapacity, noSample, day });
  const kept = ids.flatMap((_, i) => (sampled[i] ? [i] : []));
  if (kept.length === 0) {
    throw new FairfitError('NO_DATA', `${dir}: no machine has both a CPU and a memory sample on day ${day} (${noSample.length} with one of them only)`, { file: dir, field: 'day' });
  }
  const hosts: CrsHost[] = kept.map((i) => ({ name: name(ids[i]!), cpu: cores.get(ids[i]!)!, mem: memUnits.get(ids[i]!)! }));
  // A period without samples keeps the previous period's mean; the periods before the machine's first
  // sample of the day take that sample's period mean (it is not idle before it was measured).
  const fill = (total: Float64Array, n: Int32Array): Float64Array => {
    const out = new Float64Array(periods);
    const first = n.findIndex((x) => x > 0);
    for (let p = 0; p < periods; p++) out[p] = n[p]! ? total[p]! / n[p]! : p > first ? out[p - 1]! : total[first]! / n[first]!;
    return out;
  };
  const util = kept.map((i) => ({ cpu: fill(sum[i]!.cpu, sum[i]!.nc), mem: fill(sum[i]!.mem, sum[i]!.nm) }));
  const r = new Rng(seed);
  const vms: CrsVm[] = [];
  const shares: { cpu: number; mem: number; host: number }[] = [];
  hosts.forEach((h, hi) => {
    const wc = Array.from({ length: k }, () => 0.5 + r.next());
    const wm = Array.from({ length: k }, () => 0.5 + r.next());
    const sc = wc.reduce((a, b) => a + b, 0);
    const sm = wm.reduce((a, b) => a + b, 0);
    for (let j = 0; j < k; j++) {
      shares.push({ cpu: wc[j]! / sc, mem: wm[j]! / sm, host: hi });
      vms.push({ name: `${h.name}-vm${String(j).padStart(2, '0')}`, host: h.name, cpu: Math.round(h.cpu / k), mem: Math.round((h.mem / k) * 100) / 100, use: { cpu: 0, mem: 0 } });
    }
  });
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  const useAt = (p: number): [number, number][] => shares.map((s) => [round(s.cpu * util[s.host]!.cpu[p]! * hosts[s.host]!.cpu), round(s.mem * util[s.host]!.mem[p]! * hosts[s.host]!.mem)]);
  const list: ScenarioPeriod[] = Array.from({ length: periods }, (_, p) => {
    const start = p * minutes * 60;
    const hh = String(Math.floor(start / 3600)).padStart(2, '0');
    const mm = String((start / 60) % 60).padStart(2, '0');
    return { label: `day ${day} ${hh}:${mm}`, start, use: useAt(p) };
  });
  const first = list[0]!.use;
  vms.forEach((v, i) => (v.use = { cpu: first[i]![0], mem: first[i]![1] }));
  return {
    description: `Alibaba cluster-trace-v2018: ${hosts.length} machines with machine_usage rows, day ${day}, ${periods} periods of ${minutes} min; ${k} synthesised VMs per host sharing its measured use (seed ${seed})${leftOut(noMeta, noCapacity, noSample, day)}`,
    hosts, courses: [], vms, periods: list,
  };
}

/** `; N machines left out: …` for the scenario's description (empty when none was). */
export function leftOut(noMeta: readonly string[], noCapacity: readonly string[], noSample: readonly string[] = [], day = 0): string {
  const few = (names: readonly string[]): string => `${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`;
  const parts = [
    noMeta.length > 0 ? `${noMeta.length} without a valid machine_meta row (${few(noMeta)})` : '',
    noCapacity.length > 0 ? `${noCapacity.length} with 0 or no cores or memory in machine_meta (${few(noCapacity)})` : '',
    noSample.length > 0 ? `${noSample.length} without a CPU or memory sample on day ${day} (${few(noSample)})` : '',
  ].filter(Boolean);
  return parts.length > 0 ? `; machines with usage rows left out: ${parts.join('; ')}` : '';
}
