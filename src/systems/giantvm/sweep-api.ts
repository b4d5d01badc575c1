/**
 * The public sweep API: every combination of machines × overcommit ratio ×
 * seed × policy over one trace, run across worker threads. Runs are ordered
 * machines → overcommit → seed → policy (policy varies fastest), whatever
 * order the workers finish in.
 *
 * @module
 */
import { resolveSweepOptions, type SweepOptions } from './options.ts';
import { runConfigurations, streamsTasks } from './schedule.ts';
import { queueRuns } from './queue-runs.ts';
import { checkBeforeRuns, loadTraceUnlessAborted, traceRecord, unreadTraceRecord } from './trace.ts';
import type { SweepReport } from './types.ts';

/**
 * Runs a sweep. Every configuration is validated (by `defaultParams`) before
 * any work starts; same options → byte-identical JSON whatever `workers` is.
 * On abort, resolves with the finished configurations (in order),
 * `interrupted: true` and `sweep.completed` < `sweep.configurations`.
 */
export async function sweep(options: SweepOptions): Promise<SweepReport> {
  const o = resolveSweepOptions(options);
  const first = o.configs[0]!;
  // An unreachable queue is reported before a large trace is read.
  const queue = o.queue && (await queueRuns(o.queue.connection));
  const { machines, overcommit, seeds, policies } = o.grid;
  const input = await loadTraceUnlessAborted(o.trace, o.needs, o.read, { spill: streamsTasks(o), signal: o.signal });
  // Stopped while the trace was read: no run started.
  if (!input) return { trace: unreadTraceRecord(o.trace, { usage: first.usage, machines, seeds }, first), sweep: { machines, overcommit, seeds, policies, configurations: o.configs.length, completed: 0 }, runs: [], interrupted: true };
  try {
    checkBeforeRuns(input, o.configs, typeof o.trace !== 'string');
    // Taken before the runs: a trace read here from a path is let go once prepared (ownsInput).
    const trace = traceRecord(input, { usage: first.usage, machines, seeds });
    const { results, interrupted } = queue ? await queue.runOnQueue(input, o, 'groups') : await runConfigurations(input, o.configs, { ...o, ownsInput: typeof o.trace === 'string' });
    const runs = results.filter((r) => r !== undefined);
    const report: SweepReport = {
      trace,
      sweep: { machines, overcommit, seeds, policies, configurations: o.configs.length, completed: runs.length },
      runs,
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
