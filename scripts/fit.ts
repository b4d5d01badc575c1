/**
 * `npm run fit [trace folder]`: fits the synthetic trace generator and the
 * synthetic usage model to a local copy of the real Google 2011 trace (the
 * folder given as argument, default the `traces` constant below) and writes
 * the aggregate parameters (quantile tables, mixes, lognormal fits — never
 * trace rows) to `src/io/fitted-params.ts`. Run it again to regenerate;
 * never edit that file by hand. The method is described in docs/model.md.
 * A development script, not part of the package (tsconfig compiles only
 * `src/`).
 *
 * @module
 */
import { writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Problems } from '../src/io/csv/problems.ts';
import { readMachineEvents } from '../src/io/google/machine-events.ts';
import { partFiles, tableBatches } from '../src/io/google/part-files.ts';
import { TASK_EVENTS_SPEC, TRACE_START } from '../src/io/google/schema.ts';
import { TaskTableBuilder } from '../src/io/google/task-table-builder.ts';
import { usageBatches } from '../src/io/google/task-usage.ts';
import { quantileTable } from '../src/io/quantiles.ts';
import { Resubmissions } from './fit-resubmissions.ts';

const here = dirname(fileURLToPath(import.meta.url));
const traces = process.argv[2] ?? join(here, '../../shared/traces/google2011');

function meanSd(xs: number[]): { mu: number; sigma: number; n: number } {
  const n = xs.length;
  const mu = xs.reduce((a, b) => a + b, 0) / n;
  const v = xs.reduce((a, b) => a + (b - mu) * (b - mu), 0) / Math.max(1, n - 1);
  return { mu: +mu.toPrecision(6), sigma: +Math.sqrt(v).toPrecision(6), n };
}

function mix(counts: Map<string, number>, top = 40): { keys: string[]; weights: number[] } {
  const all = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, top);
  const total = all.reduce((s, [, c]) => s + c, 0);
  return { keys: all.map(([k]) => k), weights: all.map(([, c]) => +(c / total).toPrecision(6)) };
}

async function main(): Promise<void> {
  if (!existsSync(traces)) {
    process.stderr.write(`fit: ${traces} not found (give the folder of the Google 2011 trace as argument)\n`);
    process.exitCode = 1;
    return;
  }
  const problems = new Problems(true);
  const te = join(traces, 'task_events');
  const files = partFiles(te);
  const builder = new TaskTableBuilder(TRACE_START);
  // Per job: first task's class/priority/requests and its user; disk request from the raw rows.
  const jobFirst = new Map<number, { pri: number; cls: number; cpu: number; mem: number; disk: number; user: number; submit: number; tasks: Set<number> }>();
  const resub = new Resubmissions();
  for await (const b of tableBatches(te, TASK_EVENTS_SPEC, problems, {}, files)) {
    builder.add(b);
    const c = b.cols;
    for (let i = 0; i < b.rows; i++) {
      resub.add(c.jobId![i]!, c.taskIndex![i]!, c.time![i]!, c.eventType![i]!);
      const job = c.jobId![i]!;
      let j = jobFirst.get(job);
      const t = c.time![i]! === 0 ? TRACE_START : c.time![i]!;
      if (!j) {
        j = { pri: c.priority![i]!, cls: c.schedulingClass![i]!, cpu: NaN, mem: NaN, disk: NaN, user: c.user![i]!, submit: t, tasks: new Set() };
        jobFirst.set(job, j);
      }
      j.tasks.add(c.taskIndex![i]!);
      if (c.eventType![i]! === 0 && t < j.submit) j.submit = t;
      if (Number.isNaN(j.cpu) && !Number.isNaN(c.cpuRequest![i]!)) {
        j.cpu = c.cpuRequest![i]!;
        j.mem = c.memRequest![i]!;
        j.disk = c.diskRequest![i]!;
      }
    }
  }
  const end = builder.lastTime;
  const { tasks } = builder.build(end);
  const window = end - TRACE_START;

  // Jobs: snapshot (first seen at the trace start) vs arrivals.
  const jobs = [...jobFirst.values()];
  const arriving = jobs.filter((j) => j.submit > TRACE_START).sort((a, b) => a.submit - b.submit);
  const gaps: number[] = [];
  for (let i = 1; i < arriving.length; i++) gaps.push(Math.max(1, arriving[i]!.submit - arriving[i - 1]!.submit));
  const tasksPerJob = arriving.map((j) => j.tasks.size);
  const classPri = new Map<string, number>();
  for (const j of jobs) classPri.set(`${j.pri}:${Number.isNaN(j.cls) ? 0 : j.cls}`, (classPri.get(`${j.pri}:${Number.isNaN(j.cls) ? 0 : j.cls}`) ?? 0) + 1);
  const withReq = jobs.filter((j) => j.cpu > 0 && j.mem > 0);
  const users = new Set(jobs.map((j) => j.user));

  // Tasks: delays, run times, terminal mix, long-running share.
  const delay: number[] = [];
  const runFinish: number[] = [];
  const term = new Map<string, number>();
  let early = 0;
  let earlyRunning = 0;
  let snapRunning = 0;
  let snapEnded = 0;
  const snapResidual: number[] = [];
  let snapTasks = 0;
  for (let i = 0; i < tasks.count; i++) {
    const s = tasks.submit[i]!;
    const fs = tasks.firstSchedule![i]!;
    const last = tasks.lastEvent![i]!;
    const runs = tasks.runs![i]!;
    if (s === TRACE_START) snapTasks++;
    if (fs === TRACE_START) {
      snapRunning++;
      if (runs === 1 && last >= 2 && last <= 6) {
        snapEnded++;
        snapResidual.push(Math.max(1, tasks.duration[i]!));
      }
      continue;
    }
    if (!(fs > TRACE_START) || !(s > TRACE_START)) continue;
    delay.push(Math.max(1, fs - s));
    if (runs === 1 && last >= 2 && last <= 6) {
      term.set(String(last), (term.get(String(last)) ?? 0) + 1);
      if (last === 4) runFinish.push(Math.max(1, tasks.duration[i]!));
    }
    if (fs < TRACE_START + window / 2) {
      early++;
      if (last === 1) earlyRunning++;
    }
  }

  // Machines present at the start, and their capacity mix.
  const me = await readMachineEvents(join(traces, 'machine_events'), { strict: true });
  const m = me.machineEvents;
  const caps = new Map<string, number>();
  let machines0 = 0;
  for (let i = 0; i < m.count; i++) {
    if (m.time[i] === TRACE_START && m.type[i] === 0) {
      machines0++;
      if (!Number.isNaN(m.cpu[i]!) && !Number.isNaN(m.mem[i]!)) caps.set(`${m.cpu[i]}:${m.mem[i]}`, (caps.get(`${m.cpu[i]}:${m.mem[i]}`) ?? 0) + 1);
    }
  }

  // The 120 real task_usage rows joined with their requests.
  const ratioCpu: number[] = [];
  const ratioMem: number[] = [];
  const peak: number[] = [];
  const sampled: number[] = [];
  const mai: number[] = [];
  const cpi: number[] = [];
  const canon: number[] = [];
  const maxMem: number[] = [];
  const memBurst: number[] = [];
  const pageCache: number[] = [];
  const unmapped: number[] = [];
  const diskIo: number[] = [];
  const localDisk: number[] = [];
  const maxDiskIo: number[] = [];
  let usageRows = 0;
  let sampledRows = 0; // rows with a 1-s CPU sample (column 19 > 0)
  for await (const u of usageBatches(join(traces, 'task_usage'), { ids: builder.ids, strict: true, allColumns: true })) {
    for (let i = 0; i < u.rows; i++) {
      usageRows++;
      const t = u.task[i]!;
      if (t < 0) continue;
      const cpu = u.cpu[i]!;
      const req = tasks.cpuRequest[t]!;
      const mreq = tasks.memRequest[t]!;
      if (cpu > 0 && req > 0) ratioCpu.push(Math.log(cpu / req));
      if (u.mem[i]! > 0 && mreq > 0) ratioMem.push(Math.log(u.mem[i]! / mreq));
      if (cpu > 0 && u.maxCpu[i]! >= cpu) peak.push(Math.log(u.maxCpu[i]! / cpu));
      const sc = u.cols.sampledCpu![i]!;
      if (sc > 0) sampledRows++;
      if (cpu > 0 && sc > 0) sampled.push(Math.log(sc / cpu));
      if (u.mai[i]! > 0) mai.push(Math.log(u.mai[i]!));
      if (u.cols.cpi![i]! > 0) cpi.push(Math.log(u.cols.cpi![i]!));
      const mem = u.mem[i]!;
      if (mem > 0) {
        canon.push(u.cols.canonicalMem![i]! / mem);
        maxMem.push(u.cols.maxMem![i]! / mem);
        const cm = u.cols.canonicalMem![i]!;
        if (cm > 0 && u.cols.maxMem![i]! >= cm) memBurst.push(Math.log(u.cols.maxMem![i]! / cm));
        pageCache.push(u.cols.totalPageCache![i]! / mem);
        unmapped.push(u.cols.unmappedPageCache![i]! / mem);
        localDisk.push(u.cols.localDisk![i]! / mem);
      }
      if (cpu > 0) {
        diskIo.push(u.cols.diskIoTime![i]! / cpu);
        maxDiskIo.push(u.cols.maxDiskIo![i]! / cpu);
      }
    }
  }
  const med = (xs: number[]): number => {
    const a = [...xs].sort((x, y) => x - y);
    return +(a[Math.floor(a.length / 2)] ?? 0).toPrecision(6);
  };

  const params = {
    source: {
      taskEventsFiles: files.map((f) => f.slice(f.lastIndexOf('task_events'))),
      events: builder.events,
      tasks: tasks.count,
      jobs: jobs.length,
      arrivingJobs: arriving.length,
      windowUs: window,
      usageRows,
    },
    trace: { start: TRACE_START, windowUs: 300e6 },
    jobs: {
      interArrivalUs: quantileTable(gaps, true),
      tasksPerJob: quantileTable(tasksPerJob, true),
      priorityClass: mix(classPri),
      cpuRequest: quantileTable(withReq.map((j) => j.cpu), true),
      memPerCpu: quantileTable(withReq.map((j) => j.mem / j.cpu), true),
      diskRequest: quantileTable(withReq.filter((j) => j.disk > 0).map((j) => j.disk), true),
      jobsPerUser: +(jobs.length / users.size).toPrecision(6),
    },
    tasks: {
      snapshotPerMachine: +(snapTasks / machines0).toPrecision(6),
      snapshotEndedShare: +(snapEnded / Math.max(1, snapRunning)).toPrecision(6),
      snapshotResidualUs: quantileTable(snapResidual, true),
      scheduleDelayUs: quantileTable(delay, true),
      finishRunUs: quantileTable(runFinish, true),
      longRunningShare: +(earlyRunning / Math.max(1, early)).toPrecision(6),
      terminal: mix(term),
      resubmissions: resub.fit(),
    },
    machines: { atStart: machines0, capacity: mix(caps, 12) },
    usage: {
      cpuRatioLog: meanSd(ratioCpu),
      memRatioLog: meanSd(ratioMem),
      peakLog: meanSd(peak),
      sampledLog: meanSd(sampled),
      sampledShare: +(sampledRows / Math.max(1, usageRows)).toPrecision(6),
      memPeakLog: meanSd(memBurst),
      maiLog: meanSd(mai),
      cpiLog: meanSd(cpi),
      cpuRatioMax: +Math.exp(Math.max(...ratioCpu)).toPrecision(6),
      memRatioMax: +Math.exp(Math.max(...ratioMem)).toPrecision(6),
      memShares: { canonical: med(canon), max: med(maxMem), totalPageCache: med(pageCache), unmappedPageCache: med(unmapped), localDisk: med(localDisk) },
      cpuShares: { diskIoTime: med(diskIo), maxDiskIo: med(maxDiskIo) },
    },
  };
  const out = join(here, '../src/io/fitted-params.ts');
  writeFileSync(
    out,
    `/**\n * GENERATED by \`npm run fit\` (scripts/fit.ts) from a sample of the real Google 2011\n * trace — aggregate statistics only (quantile tables, mixes, lognormal fits), no\n * trace rows. Do not edit by hand; the method is in docs/model.md.\n *\n * @module\n */\n\n/** Fitted parameters of the synthetic trace generator and usage model. */\nexport const FIT = ${JSON.stringify(params, null, 2)} as const;\n`,
  );
  process.stderr.write(`fit: wrote ${out}\n`);
}

await main();
