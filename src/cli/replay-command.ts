/**
 * `fairfit replay`: replay a Google 2011 trace through the GiantVM policies,
 * print the comparison table on stdout and write JSON / CSV / HTML outputs.
 * A thin layer over {@link replay}: it turns the option text into typed
 * values and leaves checking them to the API.
 *
 * @module
 */
import type { Command } from 'commander';
import { parseNumber } from '../runner/checks.ts';
import { parsePolicies } from '../systems/giantvm/options.ts';
import { DEFAULT_PARAMS as D } from '../systems/giantvm/replay-params.ts';
import { replay } from '../systems/giantvm/replay-api.ts';
import { intOption, withOptionNames } from './common.ts';
import { addQueueOptions, queueOption, type QueueCliOptions } from './queue-flags.ts';
import { addCommonOptions, addTraceOptions, checkCellSize, checkRulesTakeEffect, commonParams, GIANTVM_FLAGS, readOptions, runTraceCommand, type CommonCliOptions } from './giantvm-options.ts';

interface ReplayCliOptions extends CommonCliOptions, QueueCliOptions {
  machines?: string;
  overcommit?: string;
  seed?: string;
}

/** Registers `fairfit replay`. */
export function registerReplay(program: Command): void {
  addQueueOptions(addCommonOptions(
    addTraceOptions(program.command('replay'))
      .description('replay a trace through GiantVM cell-rebalancing policies and compare them (docs/model.md describes the model)')
      .option('--machines <n>', `number of identical machines, or 'trace' for the machines of machine_events (default ${D.machines})`)
      .option('--overcommit <ratio>', `admission: Σ request × ratio ≤ capacity (default ${D.overcommit})`)
      .option('--seed <n>', `PRNG seed, an integer in [-2^31, 2^32 − 1] (default ${D.seed})`),
  ), true).action(async (o: ReplayCliOptions) => {
    // An error of the API naming its key (minMove) names the option instead (min-move).
    await withOptionNames(GIANTVM_FLAGS, async () => {
      const policies = parsePolicies(o.policy);
      checkRulesTakeEffect(o, policies);
      // Left to the API's default (1) when not given: with --queue, where it cannot act, it must stay unset.
      const workers = o.workers === undefined ? undefined : intOption(o.workers, 'workers');
      const params = {
        ...commonParams(o),
        ...(o.machines !== undefined ? { machines: o.machines === 'trace' ? ('trace' as const) : intOption(o.machines, 'machines') } : {}),
        ...(o.overcommit !== undefined ? { overcommit: parseNumber(o.overcommit, 'overcommit') } : {}),
        ...(o.seed !== undefined ? { seed: intOption(o.seed, 'seed') } : {}),
      };
      // Without --machines the default count bounds an explicit --cell-size too (it was quietly cut down to it).
      if (params.machines !== 'trace') checkCellSize(o, [params.machines ?? D.machines], params.machines === undefined ? `--machines (default ${D.machines})` : '--machines');
      const read = readOptions(o, 'replay');
      // Checked before standard input is copied (`--trace -`): a mistake must not wait for the input.
      const queue = queueOption(o);
      await runTraceCommand('replay', o, read, (trace, read, session) => replay({ trace, policies, workers, ...params, series: o.series, read, ...queue, signal: session.signal, onProgress: session.onProgress }));
    });
  });
}
