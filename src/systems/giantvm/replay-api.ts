/**
 * The public replay API: replay a trace through one or more GiantVM
 * rebalancing policies, in this thread or across worker threads, and get
 * every run's metrics and time series in a fixed order.
 *
 * ```ts
 * import { replay } from 'fairfit';
 * const report = await replay({ trace: 'path/to/google2011', policies: 'all', machines: 800, workers: 2 });
 * for (const run of report.runs) console.log(run.policy, run.metrics.gini);
 * ```
 *
 * @module
 */
import { resolveReplayOptions, type ReplayOptions } from './options.ts';
import { runConfigurations, streamsTasks } from './schedule.ts';
import { queueRuns } from './queue-runs.ts';
import { checkBeforeRuns, loadTraceUnlessAborted, traceRecord, unreadTraceRecord } from './trace.ts';
import type { ReplayReport } from './types.ts';

/**
 * Replays a trace with each selected policy. All options are validated before
 * any work (a rejected call reads nothing and starts no thread); runs come back
 * in policy order; the same options give byte-identical JSON whatever
 * `workers` is.
 *
 * @throws FairfitError `INVALID_OPTION` naming the option; the reader's
 *   `FILE_NOT_FOUND` / `PARSE_ERROR` / `CORRUPT_INPUT` / `NO_DATA` (no valid
 *   task or job); `WORKER_FAILED`.
 */
export async function replay(options: ReplayOptions): Promise<ReplayReport> {
  const o = resolveReplayOptions(options);
  const first = o.configs[0]!;
  // An unreachable queue is reported before a large trace is read.
  const queue = o.queue && (await queueRuns(o.queue.connection));
  const input = await loadTraceUnlessAborted(o.trace, o.needs, o.read, { spill: streamsTasks(o), signal: o.signal });
  // Stopped while the trace was read: no run started.
  // The policies asked for, in run order: a report whose runs did not all finish still says what was asked.
  const policies = o.configs.map((c) => c.policy);
  if (!input) return { trace: unreadTraceRecord(o.trace, { usage: first.usage, machines: first.machines, seed: first.seed }, first), policies, runs: [], interrupted: true };
  try {
    checkBeforeRuns(input, o.configs, typeof o.trace !== 'string');
    // Taken before the runs: a trace read here from a path is let go once prepared (ownsInput).
    const trace = traceRecord(input, { usage: first.usage, machines: first.machines, seed: first.seed });
    const { results, interrupted } = queue ? await queue.runOnQueue(input, o, 'cells') : await runConfigurations(input, o.configs, { ...o, ownsInput: typeof o.trace === 'string' });
    const report: ReplayReport = {
      trace,
      policies,
      runs: results.filter((r) => r !== undefined),
    };
    if (interrupted) report.interrupted = true;
    // No run states the choices (stopped before the first ended): the first configuration's, as for an unread trace.
    if (report.runs.length === 0) trace.params = { ...first };
    return report;
  } finally {
    // The task files of a trace read here with `spill` (none otherwise).
    if (typeof o.trace === 'string') input.spilled?.dispose();
  }
}
