/**
 * `fairfit sweep`: every combination of machines × overcommit × seeds ×
 * policies over one trace, across worker threads; prints per-policy means and
 * writes JSON / CSV / HTML like `fairfit replay`. A thin layer over
 * {@link sweep}.
 *
 * @module
 */
import type { Command } from 'commander';
import { parseRange } from '../runner/checks.ts';
import { parsePolicies } from '../systems/giantvm/options.ts';
import { sweep } from '../systems/giantvm/sweep-api.ts';
import { intOption, withOptionNames } from './common.ts';
import { addQueueOptions, queueOption, type QueueCliOptions } from './queue-flags.ts';
import { addCommonOptions, addTraceOptions, checkCellSize, checkRulesTakeEffect, commonParams, GIANTVM_FLAGS, readOptions, runTraceCommand, type CommonCliOptions } from './giantvm-options.ts';

interface SweepCliOptions extends CommonCliOptions, QueueCliOptions {
  machines: string;
  overcommit: string;
  seeds: string;
  seed?: string;
}

/** Registers `fairfit sweep`. */
export function registerSweep(program: Command): void {
  addQueueOptions(addCommonOptions(
    addTraceOptions(program.command('sweep'))
      .description('run a parameter sweep (machines × overcommit × seeds × policies) across worker threads')
      .option('--machines <range>', "machine counts: n, a,b,c, a:b:step (inclusive) or 'trace'", '700:900:100')
      .option('--overcommit <range>', 'overcommit ratios: x, a,b,c or a:b:step (inclusive)', '0.5:1.4:0.3')
      .option('--seeds <n>', 'number of seeds, starting at --seed', '1')
      .option('--seed <n>', 'first seed (default: the replay default seed); seeds are integers in [-2^31, 2^32 − 1], the last one (seed + seeds − 1) too'),
  ), false).action(async (o: SweepCliOptions) => {
    // An error of the API naming its key (minMove) names the option instead (min-move).
    await withOptionNames(GIANTVM_FLAGS, async () => {
      const policies = parsePolicies(o.policy);
      checkRulesTakeEffect(o, policies);
      // Left to the API's default (1) when not given: with --queue, where it cannot act, it must stay unset.
      const workers = o.workers === undefined ? undefined : intOption(o.workers, 'workers');
      const machines = o.machines === 'trace' ? ('trace' as const) : parseRange(o.machines, 'machines');
      const overcommit = parseRange(o.overcommit, 'overcommit');
      const seeds = intOption(o.seeds, 'seeds');
      const seed = o.seed === undefined ? undefined : intOption(o.seed, 'seed');
      checkCellSize(o, machines === 'trace' ? [] : machines);
      const read = readOptions(o, 'sweep');
      // Checked before standard input is copied (`--trace -`): a mistake must not wait for the input.
      const queue = queueOption(o);
      await runTraceCommand('sweep', o, read, (trace, read, session) => sweep({
        trace,
        policies,
        workers,
        machines,
        overcommit,
        seeds,
        ...(seed === undefined ? {} : { seed }),
        ...commonParams(o),
        series: o.series,
        read,
        ...queue,
        signal: session.signal,
        onProgress: session.onProgress,
      }));
    });
  });
}
