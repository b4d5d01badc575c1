#!/usr/bin/env node
/**
 * The `fairfit` command. Node conventions: `--help`, data on stdout, messages
 * on stderr, exit 0 on success, 1 on a runtime failure, 2 on a usage error.
 *
 * Each subcommand lives in its own file (a thin layer over the public API)
 * and is registered here; shared plumbing is in common.ts.
 *
 * @module
 */
import { Command, CommanderError } from 'commander';
import { FairfitError } from '../errors.ts';
import { registerDemo } from './demo.ts';
import { EXIT_FAILURE, EXIT_USAGE } from './common.ts';
import { registerGen } from './gen.ts';
import { registerGenScenario } from './gen-scenario.ts';
import { registerInspect } from './inspect.ts';
import { registerRebalance } from './rebalance-command.ts';
import { registerReplay } from './replay-command.ts';
import { registerSchedule } from './schedule-command.ts';
import { registerSweep } from './sweep-command.ts';
import { registerWorker } from './worker-command.ts';

const program = new Command('fairfit')
  .description('Embeddable cluster-scheduling engine: trace replay, policy comparison, kernels')
  .showHelpAfterError()
  .exitOverride();

registerDemo(program);
registerGen(program);
registerGenScenario(program);
registerInspect(program);
registerRebalance(program);
registerReplay(program);
registerSchedule(program);
registerSweep(program);
registerWorker(program);

program.parseAsync(process.argv).then(
  () => undefined,
  (err: unknown) => {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; parse errors were already printed by commander.
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    if (err instanceof FairfitError) {
      process.stderr.write(`fairfit: ${err.code}: ${err.message}\n`);
      process.exitCode = err.code === 'INVALID_OPTION' ? EXIT_USAGE : EXIT_FAILURE;
      return;
    }
    process.stderr.write(`fairfit: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = EXIT_FAILURE;
  },
);
