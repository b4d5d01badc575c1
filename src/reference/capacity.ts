/**
 * Plain-TypeScript capacity weights (IPTAS paper eq. 1–3; docs/model.md): the oracle
 * for `assembly/capacity.ts` and the benchmark baseline. Same operation order.
 *
 * @module
 */
import { FairfitError, checkNonNegative } from '../errors.ts';
import { capacityOptions, nodeColumns, type NodeColumns, type NodeSpec } from '../kernels/node-columns.ts';
import type { CapacityWeightOptions } from '../kernels/capacity.ts';

/** Reference twin of {@link capacityWeights}. */
export function capacityWeightsReference(nodes: readonly NodeSpec[] | NodeColumns, options: CapacityWeightOptions = {}): Float64Array {
  const { lambdaCpu: l1, lambdaMem: l2 } = capacityOptions(options);
  const c = nodeColumns(nodes);
  if (c.n === 0) throw new FairfitError('EMPTY_NODE_SET', 'nodes is empty: capacity weights need at least one node', { field: 'nodes' });
  const cols = [c.speed, c.vcpus, c.mem] as const;
  const names = ['nodes.speed', 'nodes.vcpus', 'nodes.mem'];
  cols.forEach((col, f) => {
    for (let i = 0; i < c.n; i++) checkNonNegative(col[i], names[f]!, i);
  });
  let maxCpu = 0;
  let maxMem = 0;
  for (let i = 0; i < c.n; i++) {
    if (!c.up[i]) continue;
    maxCpu = Math.max(maxCpu, c.speed[i]! * c.vcpus[i]!);
    maxMem = Math.max(maxMem, c.mem[i]!);
  }
  const out = new Float64Array(c.n);
  for (let i = 0; i < c.n; i++) {
    if (!c.up[i]) continue;
    const wc = maxCpu > 0 ? (c.speed[i]! * c.vcpus[i]!) / maxCpu : 0;
    const wm = maxMem > 0 ? c.mem[i]! / maxMem : 0;
    out[i] = Math.sqrt(l1 * wc * wc + l2 * wm * wm);
  }
  return out;
}
