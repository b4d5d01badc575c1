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
import { intOption, startSession, withOptionNames, withSignalsHeld } from './common.ts';
import { addQueueOptions, queueOption, type QueueCliOptions } from './queue-flags.ts';
import { withInput } from './stdin.ts';
import { addCommonOptions, addTraceOptions, checkCellSize, checkCommonOutputs, checkQueueInput, commonParams, finish, GIANTVM_FLAGS, readNaming, readOptions, type CommonCliOptions } from './giantvm-options.ts';

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
      const workers = intOption(o.workers, 'workers');
      const machines = o.machines === 'trace' ? ('trace' as const) : parseRange(o.machines, 'machines');
      const overcommit = parseRange(o.overcommit, 'overcommit');
      const seeds = intOption(o.seeds, 'seeds');
      const seed = o.seed === undefined ? undefined : intOption(o.seed, 'seed');
      checkCellSize(o, machines === 'trace' ? [] : machines);
      const read = readOptions(o, 'sweep');
      checkQueueInput(o);
      await withSignalsHeld(() => checkCommonOutputs(o));
      // `--trace -`: standard input, copied to a file first (the format detection and the reader both read it).
      await withInput('--trace', o.trace, async (input) => {
        const session = startSession('sweep', 'runs', o.quiet === true);
        const t0 = performance.now();
        try {
          const report = input.renamed(await sweep({
            trace: input.path,
            policies,
            workers,
            machines,
            overcommit,
            seeds,
            ...(seed === undefined ? {} : { seed }),
            ...commonParams(o),
            series: o.series,
            read: readNaming(read, input),
            ...queueOption(o),
            signal: session.signal,
            onProgress: session.onProgress,
          }));
          session.end();
          finish(report, o, (performance.now() - t0) / 1000, session);
        } finally {
          session.close();
        }
      });
    });
  });
}
