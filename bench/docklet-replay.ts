/**
 * A Google trace replayed through the Docklet virtual-cluster manager (`replayClusters`,
 * src/systems/docklet/trace-replay.ts), spread against pack:
 * - the real 2011 sample (../shared/traces/google2011 or /work/shared/traces/google2011; left out,
 *   and said so, when absent): the read once (one run), then each rule's replay timed in
 *   alternation (`alternated`: median of the rounds' medians, ms per replay, wall clock);
 * - generated traces (`generateTrace`: 10,000 machines, seed 1, 200,000 tasks over 1 day, and
 *   1,000,000 tasks over 2 days, where thousands of gangs wait; each in a folder under os.tmpdir()
 *   removed afterwards): the read and each rule's replay, one run each (a replay takes seconds; wall
 *   clock).
 * - the 10^6-task trace again with machines removed and added back (`withChurn`: the generator
 *   writes no machine events after time 0) and `machineEvents: 'apply'`: the drains and the checks
 *   with hosts coming and going (docs/results.md, "Docklet replay with the machine events applied");
 * - with `FAIRFIT_BENCH_DOCKLET_MONTH=<scale>` (e.g. 0.1), the month `giantvm-full` generates
 *   (12,500 machines, 29 days, its resubmissions) at that share of its 25 M tasks, one run each: the
 *   trace where thousands of gangs wait for weeks (docs/results.md, "Docklet replay at a month's length"),
 *   and the same with 5,000 removals applied.
 * Each row carries its own peak RSS (bench/rss.ts) and what the replay gave, so a speed-up that
 * changes the outcome shows.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { generateTrace } from '../src/io/generate.ts';
import { Rng } from '../src/rng.ts';
import { readClusterTrace, type ClusterTrace } from '../src/systems/docklet/trace-gangs.ts';
import { replayClusterTrace, type ClustersPlacementRun } from '../src/systems/docklet/trace-replay.ts';
import type { BenchRow } from './run.ts';
import { alternated } from './measure.ts';
import { casePeak, startCase } from './rss.ts';
import { FULL_RESUBMITTED_SHARE } from './replay-memory.ts';

const REAL = [new URL('../../shared/traces/google2011', import.meta.url).pathname, '/work/shared/traces/google2011'].find((p) => existsSync(p));

/** What a replay gave, for the row. */
function outcome(r: ClustersPlacementRun): Record<string, number> {
  return { placed: r.gangs.placedAtOnce + r.gangs.placedAfterWait, waiting: r.gangs.waitingAtEnd, members: r.membersPlaced };
}

/**
 * Adds machine events to the generated trace in `dir` (one machine_events part, all ADDs at time 0),
 * seeded: `removals` REMOVEs of random machines at random times within `days` (from 1 h, up to 3 h
 * before the end), each machine added back 10 minutes to 2 hours later with its capacity, as the
 * Google trace's machines come back after maintenance. Rows in time order, as the trace has them.
 */
function withChurn(dir: string, removals: number, days: number, seed: number): void {
  const folder = join(dir, 'machine_events');
  const [part] = readdirSync(folder);
  const file = join(folder, part!);
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l.length > 0);
  const rng = new Rng(seed);
  const end = days * 86_400e6, hour = 3_600e6;
  const rows: { time: number; order: number; line: string }[] = lines.map((line, order) => ({ time: 0, order, line }));
  for (let i = 0; i < removals; i++) {
    const [, id, , platform, cpu, mem] = lines[rng.below(lines.length)]!.split(',');
    const time = hour + rng.below(Math.floor((end - 4 * hour) / 1e6)) * 1e6;
    const back = time + (600 + rng.below(6_601)) * 1e6;
    rows.push({ time, order: rows.length, line: `${time},${id},1,${platform},,` });
    rows.push({ time: back, order: rows.length, line: `${back},${id},0,${platform},${cpu},${mem}` });
  }
  rows.sort((a, b) => a.time - b.time || a.order - b.order);
  writeFileSync(file, gzipSync(rows.map((r) => r.line).join('\n') + '\n'));
}

/** The read (one run) and each rule's replay of `t` (`rounds` alternated rounds, or one run each when 0). */
async function cases(label: string, path: string, rounds: number, machineEvents: 'ignore' | 'apply' = 'ignore'): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  startCase();
  let a = performance.now();
  const t: ClusterTrace = await readClusterTrace(path);
  const readMs = performance.now() - a;
  rows.push({ name: `${label}: read (${t.counts.jobs} jobs, ${t.counts.tasks} tasks, ${t.counts.hosts} hosts; one run)`, impl: 'ts', meanMs: readMs, perSecond: t.counts.tasks / (readMs / 1000), extra: casePeak() });
  for (const placement of ['spread', 'pack'] as const) {
    startCase();
    let last: ClustersPlacementRun | undefined;
    const run = async () => { last = (await replayClusterTrace(t, path, { placements: [placement], machineEvents })).runs[0]; };
    let ms: number;
    if (rounds > 0) ms = (await alternated([run], { rounds, time: 1 })).times[0]!.p50;
    else {
      a = performance.now();
      await run();
      ms = performance.now() - a;
    }
    const events: Record<string, number> = machineEvents === 'apply' ? { moved: last!.machines!.movedMembers, evicted: last!.machines!.evicted } : {};
    rows.push({ name: `${label}: replay, ${placement}${rounds > 0 ? '' : ' (one run)'}`, impl: 'wasm', meanMs: ms, perSecond: t.gangs.count / (ms / 1000), extra: { ...outcome(last!), ...events, ...casePeak() } });
  }
  return rows;
}

export async function dockletReplaySuite(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  if (REAL) rows.push(...(await cases('real 2011 sample', REAL, 2)));
  else console.warn('docklet-replay: the real Google 2011 sample is absent (../shared/traces, /work/shared/traces): generated trace only');
  for (const [tasks, days, label] of [[200_000, 1, '2·10^5 tasks, 1 day'], [1_000_000, 2, '10^6 tasks, 2 days']] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'fairfit-bench-vc-'));
    try {
      await generateTrace({ machines: 10_000, tasks, days, seed: 1, out: dir, usage: false });
      rows.push(...(await cases(`generated 10^4 machines, ${label}`, dir, 0)));
      if (tasks === 1_000_000) {
        withChurn(dir, 1_000, days, 1);
        rows.push(...(await cases(`generated 10^4 machines, ${label}, 1,000 machines removed and added back, events applied`, dir, 0, 'apply')));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const month = Number(process.env.FAIRFIT_BENCH_DOCKLET_MONTH ?? '0');
  if (month > 0) {
    const dir = mkdtempSync(join(tmpdir(), 'fairfit-bench-vc-'));
    try {
      const tasks = Math.round(25_000_000 * month);
      await generateTrace({ machines: 12_500, tasks, days: 29, seed: 1, out: dir, usage: false, longRunMeanDays: 5, resubmissions: true, resubmittedShare: FULL_RESUBMITTED_SHARE });
      rows.push(...(await cases(`generated month x ${month}: 12,500 machines, ${tasks} tasks, 29 days`, dir, 0)));
      withChurn(dir, 5_000, 29, 1);
      rows.push(...(await cases(`generated month x ${month}: 12,500 machines, ${tasks} tasks, 29 days, 5,000 machines removed and added back, events applied`, dir, 0, 'apply')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}
