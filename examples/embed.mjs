// The README's embedding example as plain JavaScript for Node 20, which has no `using`:
// close() in `finally` frees the WebAssembly memory instead. Run: node examples/embed.mjs
// (after `npm run build`; 'fairfit' resolves to this package). test/docs/packaging.test.ts runs it.
import { FirstFitMatcher, capacityWeights, gini, recomputePriorities, FairfitError } from 'fairfit';

const matcher = new FirstFitMatcher([{ capacity: [8, 32] }, { capacity: [2, 4] }, { capacity: [4, 16] }]);
try {
  const placed = matcher.place([1, 2], 'small'); // weakest node that fits → { kind: 'placed', node: 1 }
  const nodes = matcher.placeBatch({ demands: [[1, 4], [1, 8]], sizes: [0, 1] });
  const gang = matcher.placeAll({ demands: [[4, 4], [16, 16]] });
  if (placed.kind === 'placed') matcher.release(placed.node, [1, 2]);
  const wu = capacityWeights([{ speed: 2.4, vcpus: 8, mem: 32 }, { speed: 2.0, vcpus: 4, mem: 8 }]);
  const pri = recomputePriorities({ dataGB: [5, 50], user: [0, 1], rounds: [2, 0], running: [3, 4] });
  const balance = gini([0.2, 0.4, 0.9]);
  try { matcher.place([NaN, 1]); } catch (e) { if (e instanceof FairfitError) console.error(e.code, e.message); }
  console.log(JSON.stringify({ placed, nodes: [...nodes], gang: { kind: gang.kind, nodes: gang.kind === 'placed' ? [...gang.nodes] : [] }, wu: [...wu], pri: [...pri], balance }));
} finally {
  matcher.close();
}
