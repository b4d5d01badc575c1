/**
 * Running a GiantVM sweep or replay on the queue (`queue` option): the jobs
 * and how their results are put back, for src/queue/coordinator.ts to run.
 *
 * - A sweep: one `run` job per policy group (consecutive configurations that
 *   differ only in policy, so a worker prepares the trace once per job).
 * - A replay: every configuration split into `parts` cell ranges (`cells`
 *   jobs), or under synthetic usage every policy group (`lockstep` jobs: a
 *   range of cells for all the group's policies, in lockstep); the coordinator
 *   prepares each configuration itself only to count its cells and to merge
 *   the parts in cell order, as a local split replay does.
 *
 * Results are placed by index, never by completion order, and every job runs
 * the same code on the same inputs as a local run (machine draws happen in
 * `prepareReplay`, cells are independent), so the report is byte-identical to
 * a local one whoever ran which job.
 *
 * @module
 */
import type { ReplayInput } from '../../model/tasks.ts';
import { contentHash, relativeFiles } from '../../queue/content-hash.ts';
import { runJobsOnQueue, type QueueJobSpec } from '../../queue/coordinator.ts';
import { invalid } from '../../runner/checks.ts';
import { PrepareCache } from './jobs.ts';
import type { ResolvedReplayOptions } from './options.ts';
import type { GiantvmQueueJob, TraceSpec } from './queue-handler.ts';
import { cellCount, mergeRunsInLockstep, type PartialRun } from './replay.ts';
import { PartCollector } from './part-collector.ts';
import { TempFolder } from '../../io/temp-files.ts';
import { SYSTEM } from './replay-pool.ts';
import type { ResolvedParams } from './replay-params.ts';
import { policyGroups, splitCells, type RunOutcome } from './schedule.ts';
import { lockstepGroups } from './policy-groups.ts';
import type { RunResult } from './types.ts';

function describe(p: ResolvedParams): string {
  return `machines ${p.machines}, overcommit ${p.overcommit}, seed ${p.seed}`;
}

/**
 * Runs the configurations of `o` on `o.queue`. `split`: `'groups'` for a
 * sweep, `'cells'` for a replay (see the module comment).
 */
export async function runOnQueue(input: ReplayInput, o: ResolvedReplayOptions, split: 'groups' | 'cells'): Promise<RunOutcome> {
  const q = o.queue!;
  if (typeof o.trace !== 'string') invalid('trace', 'a queue run needs a trace path, a Google folder or an SWF log (each worker reads its own copy), not a ReplayInput in memory');
  // The hash covers exactly the files the reader read (not a folder's other tables or unused parts).
  const files = relativeFiles(o.trace, (input.source?.files as string[] | undefined) ?? []);
  // What the reader is told travels to the workers; the coordinator's own callback (its stderr account of the read) stays here.
  const { onRead: _local, ...read } = o.read ?? {};
  const trace: TraceSpec = { path: o.trace, files, hash: await contentHash(o.trace, files), read, needs: o.needs };
  const configs = o.configs;
  const total = configs.length;
  const results: (RunResult | undefined)[] = configs.map(() => undefined);
  let done = 0;
  o.onProgress?.(0, total);

  if (split === 'groups') {
    const groups = policyGroups(configs);
    const jobs: QueueJobSpec[] = groups.map(({ first, count }) => {
      const params = configs.slice(first, first + count);
      const payload: GiantvmQueueJob = { kind: 'run', trace, params, series: o.series };
      return { label: `runs ${first + 1}–${first + count} of ${total} (${describe(params[0]!)}; policies ${params.map((p) => p.policy).join(', ')})`, payload };
    });
    const outcome = await runJobsOnQueue(q, SYSTEM, jobs, {
      signal: o.signal,
      runName: 'sweep',
      onResult(index, result) {
        const { first } = groups[index]!;
        (result as RunResult[]).forEach((r, k) => (results[first + k] = r));
        done += (result as RunResult[]).length;
        o.onProgress?.(done, total);
      },
    });
    return { results, interrupted: outcome.interrupted };
  }

  // Cells: prepare here to count cells and merge; the policies of one configuration share the preparation.
  // A lockstep group (its policies under synthetic usage) is one job per cell range for all of its
  // policies, which share the range's draws as in a local run; any other configuration, one job per range.
  const cache = new PrepareCache();
  const groups = lockstepGroups(configs);
  const ranges = groups.map((g) => splitCells(cellCount(cache.get('coordinator', input, configs[g.first]!)), q.parts));
  const jobs: QueueJobSpec[] = [];
  const where: { group: number; part: number }[] = [];
  for (const [g, { first, count }] of groups.entries()) {
    const params = configs.slice(first, first + count);
    const policies = count === 1 ? `policy ${params[0]!.policy}` : `policies ${params.map((p) => p.policy).join(', ')}`;
    for (const [k, cells] of ranges[g]!.entries()) {
      const payload: GiantvmQueueJob = count === 1 ? { kind: 'cells', trace, params: params[0]!, cells } : { kind: 'lockstep', trace, params, cells };
      jobs.push({ label: `${policies}, ${describe(params[0]!)}, cells ${cells.first}–${cells.first + cells.count - 1}`, payload });
      where.push({ group: g, part: k });
    }
  }
  // Each group's parts held as little as a local run holds them (part-collector.ts: series folded in cell
  // order as they arrive, big machine × point values to files in this folder).
  const folder = new TempFolder('fairfit-series-', 'series files');
  const parts: PartCollector[] = [];
  try {
    for (const [g, { first, count }] of groups.entries()) parts.push(new PartCollector(cache.get('coordinator', input, configs[first]!), count, ranges[g]!.length, folder));
    const outcome = await runJobsOnQueue(q, SYSTEM, jobs, {
      signal: o.signal,
      runName: 'replay',
      onResult(index, result) {
        const { group, part } = where[index]!;
        parts[group]!.add(part, groups[group]!.count === 1 ? [result as PartialRun] : result as PartialRun[]);
        done += groups[group]!.count / ranges[group]!.length;
        o.onProgress?.(done, total);
      },
    });
    for (const [g, { first, count }] of groups.entries()) {
      const got = parts[g]!.complete();
      if (!got) continue;
      const runs = mergeRunsInLockstep(configs.slice(first, first + count).map((params) => cache.get('coordinator', input, params)), got, parts[g]!.spills);
      runs.forEach((run, i) => (results[first + i] = o.series ? run : { ...run, series: {} }));
    }
    return { results, interrupted: outcome.interrupted };
  } finally {
    for (const c of parts) c.dispose();
    folder.remove();
  }
}
