#!/usr/bin/env node
/**
 * The `fairfit` command's entry: for `fairfit worker`, keeps SIGINT and SIGTERM
 * from the start (early-signals.ts: the worker acts on them once started); sets
 * the process's V8 heap before anything else is loaded (young-generation.ts
 * says why; loading the program alone grows the young generation to 8 MiB, and
 * it does not shrink back) and how worker threads optimise
 * (worker-optimisation.ts), then runs the program (program.ts).
 *
 * @module
 */
import { keepSignals } from './early-signals.ts';
import { optimiseWorkersOnTheirThread } from './worker-optimisation.ts';
import { keepYoungGenerationSmall } from './young-generation.ts';

// The command is the first operand, as program.ts finds it. Other commands keep their meaning of a signal
// before they handle one: it ends the process.
if (process.argv.slice(2).find((a) => !a.startsWith('-')) === 'worker') keepSignals();
keepYoungGenerationSmall();
optimiseWorkersOnTheirThread();
await import('./program.ts');
