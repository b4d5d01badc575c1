/**
 * `fairfit demo`: a small tour of the WebAssembly kernels on seeded data.
 *
 * @module
 */
import type { Command } from 'commander';
import { gini } from '../kernels/gini.ts';

/** Registers `fairfit demo`. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the maths kernels on a small seeded example and print the results')
    .action(() => {
      const loads = [0.1, 0.2, 0.3, 0.9];
      process.stdout.write(`gini(${loads.join(', ')}) = ${gini(loads).toFixed(4)}\n`);
    });
}
