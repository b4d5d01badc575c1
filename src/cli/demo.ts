/**
 * `fairfit demo`: a small tour of the WebAssembly kernels on seeded data.
 *
 * @module
 */
import type { Command } from 'commander';
import { capacityWeights } from '../kernels/capacity.ts';
import { FirstFitMatcher } from '../kernels/firstfit.ts';
import { gini } from '../kernels/gini.ts';
import { recomputePriorities } from '../kernels/priority.ts';
import { checkSeed, Rng } from '../rng.ts';
import { intOption } from './common.ts';

/** Registers `fairfit demo`. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the maths kernels on a small seeded example and print the results')
    .option('--seed <n>', 'PRNG seed, an integer in [-2^31, 2^32 − 1]', '1')
    .action((opts: { seed: string }) => {
      const out = (s: string) => process.stdout.write(`${s}\n`);
      const rng = new Rng(checkSeed(intOption(opts.seed, '--seed'), '--seed'));
      const nodes = Array.from({ length: 6 }, (_, i) => ({ speed: 2 + (i % 2) * 0.5, vcpus: 4 << (i % 3), mem: 8 << (i % 3) }));
      const wu = capacityWeights(nodes);
      out('capacity weights (IPTAS paper eq. 1–3):');
      nodes.forEach((n, i) => out(`  node ${i}: ${n.speed} GHz × ${n.vcpus} vCPU, ${n.mem} GB → Wu = ${wu[i]!.toFixed(3)}`));
      using m = new FirstFitMatcher(nodes.map((n) => ({ capacity: [n.vcpus, n.mem], speed: n.speed })));
      const tasks = 12;
      const demands = [Float64Array.from({ length: tasks }, () => 1 + rng.below(4)), Float64Array.from({ length: tasks }, () => 2 + rng.below(8))];
      const placed = m.placeBatch({ demands });
      out('sorted first-fit (small tasks from the weak end, large from the strong end):');
      placed.forEach((node, j) => out(`  task ${j} (${demands[0]![j]} vCPU, ${demands[1]![j]} GB) → ${node < 0 ? 'waits' : `node ${node}`}`));
      const used = Array.from({ length: nodes.length }, (_, i) => 1 - m.residual(i)[0]! / nodes[i]!.vcpus);
      out(`gini of per-node CPU use: ${gini(used).toFixed(3)} (0 = even, < 0.25 "balanced")`);
      const pri = recomputePriorities({ dataGB: [5, 50, 500], user: [0, 1, 1], rounds: [0, 3, 6], running: [1, 5] });
      out(`priorities of a short, a medium and a long task (IPTAS paper eq. 5–7): ${[...pri].join(', ')}`);
    });
}
