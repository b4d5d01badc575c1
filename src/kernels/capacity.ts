/**
 * Node capacity weights `Wu` (IPTAS paper eq. 1–3; docs/model.md) in WebAssembly.
 *
 * @module
 */
import { FairfitError } from '../errors.ts';
import { withScratch } from '../wasm/module.ts';
import { capacityOptions, nodeColumns, type NodeColumns, type NodeSpec } from './node-columns.ts';
import { throwStatus } from './status.ts';

/** Options of {@link capacityWeights}. */
export interface CapacityWeightOptions {
  /** λ1, weight of the CPU term. Default 0.5. */
  lambdaCpu?: number;
  /** λ2, weight of the memory term. Default 0.5. */
  lambdaMem?: number;
}

/** Field order of the kernel's status word. */
export const CAPACITY_FIELDS = ['nodes.speed', 'nodes.vcpus', 'nodes.mem'] as const;

/**
 * Capacity weight of every node: `Wu(i) = sqrt(λ1·Wcpu(i)² + λ2·Wmem(i)²)` with
 * `Wcpu(i) = speed·vcpus / max(speed·vcpus)` and `Wmem(i) = mem / max(mem)`,
 * maxima over the nodes that are up. Down nodes get 0.
 *
 * @throws FairfitError `EMPTY_NODE_SET`, `DIMENSION_MISMATCH`, `NOT_FINITE` / `NEGATIVE_VALUE` naming `nodes.<field>[i]`,
 *   `INVALID_OPTION` for a bad λ.
 */
export function capacityWeights(nodes: readonly NodeSpec[] | NodeColumns, options: CapacityWeightOptions = {}): Float64Array {
  const { lambdaCpu, lambdaMem } = capacityOptions(options);
  const c = nodeColumns(nodes);
  if (c.n === 0) throw new FairfitError('EMPTY_NODE_SET', 'nodes is empty: capacity weights need at least one node', { field: 'nodes' });
  return withScratch((core) => {
    const speed = core.putF64(c.speed), vcpus = core.putF64(c.vcpus), mem = core.putF64(c.mem);
    const up = core.putU8(c.up);
    const out = core.alloc(c.n * 8);
    const status = core.exports.capacityWeights(speed, vcpus, mem, up, c.n, lambdaCpu, lambdaMem, out);
    throwStatus(core, status, CAPACITY_FIELDS, (f, i) => [c.speed, c.vcpus, c.mem][f]?.[i]);
    return core.f64(out, c.n).slice();
  });
}
