#!/usr/bin/env node
/**
 * The `fairfit` command's entry: sets the process's V8 heap before anything
 * else is loaded (young-generation.ts says why; loading the program alone grows
 * the young generation to 8 MiB, and it does not shrink back) and how worker
 * threads optimise (worker-optimisation.ts), then runs the program (program.ts).
 *
 * @module
 */
import { optimiseWorkersOnTheirThread } from './worker-optimisation.ts';
import { keepYoungGenerationSmall } from './young-generation.ts';

keepYoungGenerationSmall();
optimiseWorkersOnTheirThread();
await import('./program.ts');
