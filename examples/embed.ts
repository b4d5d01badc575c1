// The README's embedding example. The test suite runs it (test/docs/examples.test.ts).
import { FirstFitMatcher, capacityWeights, gini, recomputePriorities, FairfitError } from '../src/index.ts';

export function main(log: (...args: unknown[]) => void = console.log): void {
  using matcher = new FirstFitMatcher([{ capacity: [8, 32] }, { capacity: [2, 4] }, { capacity: [4, 16] }]);
  const placed = matcher.place([1, 2], 'small'); // weakest node that fits → { kind: 'placed', node: 1 }
  const nodes = matcher.placeBatch({ demands: [[1, 4], [1, 8]], sizes: [0, 1] }); // one call; a column per dimension: tasks (1, 1), (4, 8)
  const gang = matcher.placeAll({ demands: [[4, 4], [16, 16]] }); // two tasks of (4, 16): every member or none
  if (placed.kind === 'placed') matcher.release(placed.node, [1, 2]);
  const wu = capacityWeights([{ speed: 2.4, vcpus: 8, mem: 32 }, { speed: 2.0, vcpus: 4, mem: 8 }]);
  const pri = recomputePriorities({ dataGB: [5, 50], user: [0, 1], rounds: [2, 0], running: [3, 4] });
  const balance = gini([0.2, 0.4, 0.9]); // 0 = perfectly even
  try {
    matcher.place([NaN, 1]);
  } catch (e) {
    if (e instanceof FairfitError) log(e.code, e.message);
  }
  log({ placed, nodes: [...nodes], gang, wu: [...wu], pri: [...pri], balance });
}

if (import.meta.url === `file://${process.argv[1]}`) main();
