/**
 * Runs a list of resolved replay configurations — in this thread or on the
 * runner's worker pool — and returns their results in configuration order
 * whatever order the workers finish in. Used by {@link replay} and
 * {@link sweep}; it takes validated values and checks nothing again.
 *
 * Plans, all giving byte-identical results (cells are independent and every
 * task's machine is drawn in `prepareReplay`, so splitting draws nothing
 * differently):
 * - `workers = 1`: in this thread; each configuration is prepared and its
 *   cells simulated in a few ranges with a turn of the event loop between
 *   them, so Ctrl-C and progress are handled during a long replay; parts are
 *   merged in cell order.
 * - `workers > 1`, at least as many configurations as workers: `run` tasks
 *   of one configuration each, or of one policy group each (configurations
 *   that differ only in policy, prepared once) when there are at least two
 *   groups per worker; the trace is copied into shared memory once per batch
 *   and every task only references it.
 * - `workers > 1`, fewer configurations than workers (e.g. one big replay):
 *   each configuration is prepared here and split by cells into ranges that
 *   the workers simulate; the parts are merged in cell order.
 * - a big trace (synthetic or request usage) is cut into more parts of cells,
 *   about one per `PART_TUNING.tasksPerPart` tasks: a part's live tasks then
 *   stay nearer the caches.
 *
 * - a trace read spilled (the task table on disk in buckets: `streamsTasks`), or on workers
 *   one of at least `ARRIVAL_FILES.minTasks` tasks, under usage 'synthetic' or 'request':
 *   each preparation (one per policy group) is made here with its tasks in an arrival file
 *   (arrival-file.ts) that the parts read back as they go, not in memory; the batch's folder
 *   of files is removed when it ends, however it ends.
 *
 * On abort, unfinished configurations are dropped and `interrupted` is set;
 * a configuration counts only if all its parts finished.
 *
 * @module
 */
import { setMaxListeners } from 'node:events';
import { rmSync } from 'node:fs';
import { FairfitError } from '../../errors.ts';
import type { ReplayInput } from '../../model/tasks.ts';
import type { WorkerPool } from '../../runner/pool.ts';
import { toShared } from '../../runner/share.ts';
import { PartsInOrder, PrepareCache, type ReplayTask, type TaskOutcome } from './jobs.ts';
import { mergeRunsInLockstep, prepareResolved, withoutSeries, withPolicy, type CellRange, type PreparedReplay } from './replay.ts';
import { fitsArrivalFile } from './prepare.ts';
import { lockstepChunks, lockstepGroups, policyGroups } from './policy-groups.ts';
import { IN_THREAD_PARTS, PART_TUNING, partsFor } from './cell-parts.ts';
import { TempFolder } from '../../io/temp-files.ts';
import { PartCollector, SERIES_SPILL } from './part-collector.ts';
import { replayWorkers, SYSTEM } from './replay-pool.ts';
import type { PolicyName, RunResult } from './types.ts';
import type { ResolvedParams } from './replay-params.ts';

let batches = 0;

/** How a batch of configurations is run. */
export interface RunOptions {
  workers: number;
  /** An existing pool to run on (not closed here); otherwise one is made for the batch when workers > 1. */
  pool?: WorkerPool;
  signal?: AbortSignal;
  /** `done` counts finished configurations and may be fractional while one is in progress. */
  onProgress?: (done: number, total: number) => void;
  /** Keep each run's time series (default true); false keeps a big sweep's memory to its metrics. */
  series?: boolean;
  /**
   * The input was read for this batch and nothing else holds it (the API read it from a path):
   * its columns are let go once every configuration has what it needs from them (prepared, or
   * copied into shared memory), so a large trace is not held twice during the runs; in this
   * thread the last preparation may write its columns over the table's (`PrepareOptions.consume`).
   */
  ownsInput?: boolean;
}

/**
 * When a run on worker threads puts a preparation's tasks in an arrival file
 * (arrival-file.ts) instead of shared memory: traces of at least `minTasks`
 * tasks under usage 'synthetic' or 'request' (tests set it to 0).
 */
export const ARRIVAL_FILES = { minTasks: 1 << 20 };

/** Whether every configuration's preparation goes to an arrival file. */
function useArrivalFiles(input: ReplayInput, configs: ResolvedParams[]): boolean {
  // A spilled trace always: its preparations stream the buckets instead of making the table whole.
  return (input.spilled !== undefined || input.tasks.count >= ARRIVAL_FILES.minTasks) && configs.every(fitsArrivalFile);
}

/**
 * Whether a trace read for these runs is best kept on disk (the reader's `spill`): runs whose
 * preparations can all go to arrival files (usage 'synthetic' or 'request', not on a queue),
 * which stream the tasks from the read's buckets, in this thread or on workers.
 */
export function streamsTasks(o: { configs: ResolvedParams[]; queue?: unknown }): boolean {
  return o.queue === undefined && o.configs.every(fitsArrivalFile);
}

/** Lets go of a trace's task table and usage, and removes the files of a spilled table (the caller owns `input` and has taken what it needs). */
function releaseInput(input: ReplayInput): void {
  input.spilled?.dispose();
  delete input.spilled;
  const none = new Float64Array(0), nothing = new Int32Array(0);
  input.tasks = { count: 0, jobId: none, taskIndex: nothing, submit: none, duration: none, cpuRequest: none, memRequest: none, priority: nothing, schedulingClass: nothing };
  delete input.usage;
  delete input.usageIndex;
}

/** The prepared replay as the run needs it: without per-point sums when nobody keeps its series. */
function forRun(prepared: PreparedReplay, opts: RunOptions): PreparedReplay {
  return opts.series === false ? withoutSeries(prepared) : prepared;
}

/** The run as kept: with its series, or with `series: {}` when the caller asked for metrics only. */
function kept(run: RunResult, opts: RunOptions): RunResult {
  return opts.series === false ? { ...run, series: {} } : run;
}

/** Results by configuration index (`undefined` = did not finish) and whether the batch was stopped. */
export interface RunOutcome {
  results: (RunResult | undefined)[];
  interrupted: boolean;
}

export { IN_THREAD_PARTS, PART_TUNING, balancedParts, splitCells } from './cell-parts.ts';
export { policyGroups } from './policy-groups.ts';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function runInThread(input: ReplayInput, configs: ResolvedParams[], opts: RunOptions): Promise<RunOutcome> {
  const results: (RunResult | undefined)[] = configs.map(() => undefined);
  const total = configs.length;
  // A spilled trace's preparations go to arrival files in this folder (removed however the batch ends).
  const folder = new TempFolder('fairfit-arrivals-', 'arrival files');
  const cache = new PrepareCache(folder);
  try {
    return await runEachInThread(input, configs, opts, cache, results, total, folder);
  } finally {
    cache.drop();
    folder.remove();
  }
}

async function runEachInThread(input: ReplayInput, configs: ResolvedParams[], opts: RunOptions, cache: PrepareCache, results: (RunResult | undefined)[], total: number, folder: TempFolder): Promise<RunOutcome> {
  // A policy group's configurations run together (in lockstep under synthetic usage: one draw for all).
  for (const { first, count } of lockstepGroups(configs)) {
    if (opts.signal?.aborted) return { results, interrupted: true };
    // The last group: a trace read for this batch is prepared for the last time, so that preparation may
    // write its columns over the trace's (`consume`), and the trace is let go once it is made.
    const last = opts.ownsInput === true && first + count === configs.length;
    const group = configs.slice(first, first + count).map((params) => forRun(cache.get('this thread', input, params, last), opts));
    if (last) releaseInput(input);
    // Usage read in time order: every range reads the usage files again, so one range.
    const ranges = partsFor(group[0]!, IN_THREAD_PARTS);
    // One range after another in cell order (the series summed over cells as they run, not held per cell).
    const parts = new PartsInOrder(group, ranges, folder);
    try {
      for (const range of ranges) {
        await turn();
        if (opts.signal?.aborted) return { results, interrupted: true };
        const k = parts.count;
        // simulateCells reports ticks a few dozen times per call: a smooth bar even for one long run.
        const onTicks = opts.onProgress ? (d: number, t: number) => opts.onProgress!(first + count * (k + (t > 0 ? d / t : 1)) / ranges.length, total) : undefined;
        parts.run(range, onTicks);
        opts.onProgress?.(first + (count * parts.count) / ranges.length, total);
      }
      parts.merge().forEach((run, i) => (results[first + i] = kept(run, opts)));
    } finally {
      parts.dispose();
    }
  }
  return { results, interrupted: false };
}

async function runInPool(input: ReplayInput, configs: ResolvedParams[], opts: RunOptions): Promise<RunOutcome> {
  const total = configs.length;
  const results: (RunResult | undefined)[] = configs.map(() => undefined);
  // One controller for the batch: the caller's abort, or the first real failure, stops everything still queued.
  const stop = new AbortController();
  // piscina adds one abort listener per queued task; a sweep queues hundreds on purpose.
  setMaxListeners(Infinity, stop.signal);
  const onAbort = () => stop.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let failure: unknown;
  // A job cut short by the stop is not a failure of its own; one cut short otherwise (its pool closed by
  // the host) is, or the call would end with runs missing from a report not marked interrupted.
  const fail = (err: unknown) => {
    if (failure !== undefined || (err instanceof FairfitError && err.code === 'ABORTED' && stop.signal.aborted)) return;
    failure = err;
    stop.abort(err);
  };
  let done = 0;
  const workers = opts.pool?.workers ?? opts.workers;
  const split = configs.length < workers;
  const pool = opts.pool ?? replayWorkers(opts.workers);
  const files = useArrivalFiles(input, configs);
  const groups = policyGroups(configs);
  // The batch's arrival files: removed with everything in it however the batch ends.
  const folder = new TempFolder('fairfit-arrivals-', 'arrival files');
  try {
    if (!split && files) {
      await runGroupsFromFiles(input, configs, opts, pool, workers, stop.signal, folder, (c, run) => {
        results[c] = kept(run, opts);
        opts.onProgress?.(++done, total);
      }, fail);
    } else if (!split && configs[0]!.usage === 'synthetic' && groups.length < 2 * workers) {
      await runChunksOfGroups(input, configs, groups, opts, pool, workers, stop.signal, (c, run) => {
        results[c] = kept(run, opts);
        opts.onProgress?.(++done, total);
      }, fail);
    } else if (!split) {
      // One copy of the trace into shared memory for the whole batch; tasks only reference it.
      const shared = toShared(input);
      if (opts.ownsInput) releaseInput(input);
      // Unique per batch, so a worker's PrepareCache never serves another trace's preparation.
      const traceId = `${process.pid}:${++batches}`;
      // Whole policy groups per task when there are enough of them to keep every worker busy (two per
      // worker leave slack for uneven run times); otherwise single configurations (usage other than
      // synthetic: nothing to share).
      const tasks = groups.length >= 2 * workers ? groups : configs.map((_, i) => ({ first: i, count: 1 }));
      await Promise.allSettled(
        tasks.map(({ first, count }) =>
          pool.runJob<Extract<TaskOutcome, { kind: 'run' }>, ReplayTask>(SYSTEM, { kind: 'run', index: first, params: configs.slice(first, first + count), input: shared, traceId, series: opts.series !== false, spillBytes: SERIES_SPILL.bytes, parts: { ...PART_TUNING } }, stop.signal).then((o) => {
            SERIES_SPILL.spilled += o.spilled;
            o.results.forEach((r, k) => (results[o.index + k] = kept(r, opts)));
            done += o.results.length;
            opts.onProgress?.(done, total);
            // .catch, not then's second argument: a throwing onProgress fails the call, as in this thread.
          }).catch(fail),
        ),
      );
    } else {
      const perConfig = Math.ceil(workers / configs.length);
      // Each configuration's finished share, k / parts: its last part makes it exactly 1. Adding 1 / parts
      // at each part drifted (ten parts ended the progress at 0.9999999999999999, never at the run count).
      const share = configs.map(() => 0);
      // Each configuration is prepared before its first await, so once `map` returns all are.
      const running = configs.map(async (params, c) => {
          try {
            if (stop.signal.aborted) return;
            // Made here only to be shared: written into shared memory in place (never held twice), or
            // its tasks to an arrival file that the parts read back as they go.
            const file = files ? folder.next('prepared') : undefined;
            const prepared = forRun(prepareResolved(input, params, file ? { arrivalFile: file } : { shared: true }), opts);
            const ranges = partsFor(prepared, perConfig, configs.length, workers);
            let parts = 0;
            const run = (await runRanges(pool, prepared, [params.policy], ranges, stop.signal, fail, folder, () => {
              share[c] = ++parts / ranges.length;
              opts.onProgress?.(share.reduce((a, b) => a + b, 0), total);
            }))?.[0];
            if (file) rmSync(file, { force: true });
            if (run) results[c] = kept(run, opts);
          } catch (err) {
            fail(err);
          }
        });
      if (opts.ownsInput) releaseInput(input);
      await Promise.allSettled(running);
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (pool !== opts.pool) await pool.close();
    folder.remove();
  }
  if (failure !== undefined) {
    // The host closed its pool during the call: cut short, whichever job found it closed first (one
    // running or waiting is ABORTED, one asked for after the close INVALID_OPTION).
    if (opts.pool?.isClosed === true && failure instanceof FairfitError && failure.details.field === 'pool') {
      throw new FairfitError('ABORTED', 'pool: the ReplayPool was closed during the call; no result is kept', { field: 'pool' }, { cause: failure });
    }
    throw failure;
  }
  return { results, interrupted: opts.signal?.aborted === true };
}

/** Ids of the splits handed to the workers (unique in this thread). */
let nextSplit = 0;

/**
 * Runs the cell `ranges` of a prepared replay under each of `policies` (in lockstep: one pool task
 * a range for all of them) and waits for every one (an arrival file is removed only once no part can
 * still read it): the merged run of each policy, or undefined when a part did not finish (its error
 * went to `fail`). `onPart` is called as each part finishes. The parts are held as little as the
 * merge allows (`PartCollector`: series folded in cell order as they arrive, big per-machine series
 * spilled to files in `folder`).
 */
async function runRanges(pool: WorkerPool, prepared: PreparedReplay, policies: PolicyName[], ranges: CellRange[], signal: AbortSignal, fail: (err: unknown) => void, folder: TempFolder, onPart?: () => void): Promise<RunResult[] | undefined> {
  const parts = new PartCollector(prepared, policies.length, ranges.length, folder);
  // The split, for the workers to pick every range's tasks in one pass (jobs.ts, partPick).
  const split = { id: nextSplit++, ranges };
  try {
    await Promise.allSettled(
      ranges.map((cells, index) =>
        pool.runJob<Extract<TaskOutcome, { kind: 'lockstep' }>, ReplayTask>(SYSTEM, { kind: 'lockstep', index, prepared, policies, cells, split }, signal).then((o) => {
          parts.add(o.index, o.parts);
          onPart?.();
        }).catch(fail),
      ),
    );
    const all = parts.complete();
    return all && mergeRunsInLockstep(policies.map((policy) => withPolicy(prepared, policy)), all, parts.spills);
  } finally {
    parts.dispose();
  }
}

/**
 * The configurations of a batch with at least as many configurations as workers, from arrival
 * files: each policy group is prepared here once (its tasks to a file), its configurations run
 * in parts of cells by size (`PART_TUNING`: one part for a small trace), and the file is removed
 * when they are done. At most `workers` groups are in flight, so the files on disk stay few
 * while the workers are kept busy.
 */
async function runGroupsFromFiles(input: ReplayInput, configs: ResolvedParams[], opts: RunOptions, pool: WorkerPool, workers: number, signal: AbortSignal,
  folder: TempFolder, onRun: (c: number, run: RunResult) => void, fail: (err: unknown) => void): Promise<void> {
  const inflight = new Set<Promise<void>>();
  for (const { first, count } of policyGroups(configs)) {
    while (inflight.size >= workers) await Promise.race(inflight);
    if (signal.aborted) break;
    const file = folder.next('prepared');
    let base: PreparedReplay;
    try {
      base = prepareResolved(input, configs[first]!, { arrivalFile: file });
    } catch (err) {
      fail(err);
      break;
    }
    // A big trace's configurations in several parts of cells (PART_TUNING), merged in cell order. Under
    // synthetic usage the group's policies run in lockstep, each part one pool task for all of them (one
    // reading of the file and one draw a part); otherwise each configuration on its own.
    const prepared = forRun(base, opts);
    const runs = lockstepGroups(configs.slice(first, first + count)).map(async (g) => {
      const done = await runRanges(pool, prepared, configs.slice(first + g.first, first + g.first + g.count).map((p) => p.policy), partsFor(prepared, 1), signal, fail, folder);
      done?.forEach((run, k) => onRun(first + g.first + k, run));
    });
    const group = Promise.allSettled(runs.map((run) => run.catch(fail))).then(() => {
      rmSync(file, { force: true });
      inflight.delete(group);
    });
    inflight.add(group);
  }
  // Every group is prepared: the trace's columns are needed no more.
  if (opts.ownsInput) releaseInput(input);
  await Promise.allSettled(inflight);
}

/**
 * The configurations of a batch under synthetic usage with too few policy groups (`groups`) to give every
 * worker two: each group prepared here once, into shared memory, and cut into as few chunks of policies as
 * give every worker as many (`lockstepChunks`); a chunk is one pool task that runs its policies in
 * lockstep over every cell (sharing its draws) and merges them. One preparation a group, not one a
 * worker, and the trace's columns let go once all are made (the 614k-task window, all eight on 2
 * workers: docs/results.md "Series spilled, one preparation").
 */
async function runChunksOfGroups(input: ReplayInput, configs: ResolvedParams[], groups: CellRange[], opts: RunOptions, pool: WorkerPool, workers: number, signal: AbortSignal,
  onRun: (c: number, run: RunResult) => void, fail: (err: unknown) => void): Promise<void> {
  let prepared: PreparedReplay[];
  try {
    prepared = groups.map(({ first }) => forRun(prepareResolved(input, configs[first]!, { shared: true }), opts));
  } catch (err) {
    fail(err);
    return;
  }
  if (opts.ownsInput) releaseInput(input);
  const chunks = lockstepChunks(groups, workers);
  await Promise.allSettled(
    chunks.map(({ first, count }) => {
      const g = groups.findIndex((group) => first >= group.first && first < group.first + group.count);
      const policies = configs.slice(first, first + count).map((p) => p.policy);
      return pool.runJob<Extract<TaskOutcome, { kind: 'run' }>, ReplayTask>(SYSTEM, { kind: 'policies', index: first, prepared: prepared[g]!, policies, ranges: partsFor(prepared[g]!, 1), spillBytes: SERIES_SPILL.bytes }, signal).then((o) => {
        SERIES_SPILL.spilled += o.spilled;
        o.results.forEach((r, k) => onRun(o.index + k, r));
        // .catch, not then's second argument: a throwing onProgress (in onRun) lost the chunk's later runs without a word.
      }).catch(fail);
    }),
  );
}

/**
 * Runs every configuration and returns the results by index. Throws the first
 * task failure (after stopping the rest); an abort is not a failure: it
 * returns what finished with `interrupted: true`.
 */
export async function runConfigurations(input: ReplayInput, configs: ResolvedParams[], opts: RunOptions): Promise<RunOutcome> {
  if (configs.length === 0) return { results: [], interrupted: opts.signal?.aborted === true };
  opts.onProgress?.(0, configs.length);
  if (opts.workers <= 1 && !opts.pool) return runInThread(input, configs, opts);
  return runInPool(input, configs, opts);
}
