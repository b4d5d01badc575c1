/**
 * Capacity-weighted sorted first-fit (SPEC §2, seed 000 §3.1.3) in WebAssembly:
 * nodes ordered by capacity weight, a max-residual segment tree per dimension
 * so a placement visits O(D·log n) tree vertices when most nodes are full.
 *
 * @module
 */
import { FairfitError, WASM_STATUS } from '../errors.ts';
import { Core } from '../wasm/module.ts';
import { capacityWeights } from './capacity.ts';
import {
  demandRows, demandVector, isLarge, matcherSetup, nodeIndex, weightOrder,
  type DemandColumns, type MatcherNode, type MatcherOptions, type MatcherSetup, type TaskSize,
} from './firstfit-setup.ts';
import { throwStatus } from './status.ts';

export type { DemandColumns, MatcherNode, MatcherOptions, TaskSize } from './firstfit-setup.ts';

/** Batch of demands: one column per dimension, optional sizes (1 = large, 0 = small; default by δ0). */
export interface DemandBatch {
  demands: DemandColumns;
  sizes?: ArrayLike<number>;
}

/**
 * A sorted first-fit matcher over D-dimensional nodes. A small task takes the
 * weakest node (lowest capacity weight) whose residual fits in every dimension,
 * a large task the strongest one. Owns a WebAssembly instance: {@link close} it,
 * or declare it with `using`.
 *
 * @example
 * const m = new FirstFitMatcher([{ capacity: [1, 1] }, { capacity: [2, 4] }]);
 * m.place([0.5, 0.5], 'small'); // → 0, the weaker node
 * m.place([0.5, 0.5], 'large'); // → 1, the stronger node
 */
export class FirstFitMatcher {
  /** Number of nodes. */
  readonly size: number;
  /** Number of resource dimensions D. */
  readonly dims: number;
  private readonly setup: MatcherSetup;
  private core: Core | undefined;
  private readonly p: { cap: number; res: number; up: number; node: number; pos: number; tree: number; save: number; dem: number; treeSize: number };

  constructor(nodes: readonly MatcherNode[], options: MatcherOptions = {}) {
    const s = matcherSetup(nodes, options);
    this.setup = s;
    this.size = s.n;
    this.dims = s.dims;
    const order = weightOrder(s, capacityWeights);
    const core = new Core();
    let treeSize = 1;
    while (treeSize < s.n) treeSize *= 2;
    const nd = s.n * s.dims;
    this.p = {
      cap: core.putF64(s.cap), res: core.putF64(s.cap), up: core.putU8(s.up),
      node: core.putI32(order), pos: core.alloc(s.n * 4), tree: core.alloc(2 * treeSize * s.dims * 8),
      save: core.alloc(nd * 8), dem: core.alloc(s.dims * 8), treeSize,
    };
    this.core = core;
    this.writePositions(order);
    core.exports.ffInit(s.n, s.dims, treeSize, this.p.cap, this.p.res, this.p.up, this.p.node, this.p.pos, this.p.tree, this.p.save);
  }

  private live(): Core {
    if (!this.core || this.core.broken) throw new FairfitError('INVALID_OPTION', 'FirstFitMatcher is closed', { field: 'this' });
    return this.core;
  }

  private writePositions(order: Int32Array): void {
    const core = this.core!;
    core.i32(this.p.node, this.size).set(order);
    const pos = core.i32(this.p.pos, this.size);
    for (let i = 0; i < order.length; i++) pos[order[i]!] = i;
  }

  /**
   * Places one task; returns the node index, or -1 when no node fits. `size`
   * defaults to the δ0 classification (large iff some δ[d] ≥ δ0[d]).
   * @throws FairfitError `DIMENSION_MISMATCH`, `NOT_FINITE`, `NEGATIVE_VALUE` (nothing changes).
   */
  place(demand: ArrayLike<number>, size?: TaskSize): number {
    const core = this.live();
    const dem = demandVector(demand, this.dims);
    const large = isLarge(size, dem, this.setup.threshold);
    core.f64(this.p.dem, this.dims).set(dem);
    return core.exports.ffPlace(this.p.dem, large ? 1 : 0);
  }

  /**
   * Places a batch in order, in one call; returns each task's node (-1 = no fit).
   * Every demand is validated before anything is placed.
   */
  placeBatch(batch: DemandBatch): Int32Array {
    const core = this.live();
    const { m, rows } = demandRows(batch.demands, this.dims);
    if (batch.sizes !== undefined && batch.sizes.length !== m) throw new FairfitError('DIMENSION_MISMATCH', `sizes has ${batch.sizes.length} values, demands have ${m}`, { field: 'sizes' });
    const mark = core.mark();
    try {
      const dem = core.putF64(rows);
      const sizes = batch.sizes ? core.putU8(batch.sizes) : 0;
      const thr = core.putF64(this.setup.threshold);
      const out = core.alloc(m * 4);
      const status = core.exports.ffPlaceBatch(dem, m, sizes, thr, out);
      this.throwDemand(core, status, batch.demands);
      return core.i32(out, m).slice();
    } finally {
      core.release(mark);
    }
  }

  /**
   * Gives a task's demand back to `node`.
   * @throws FairfitError `INDEX_OUT_OF_RANGE`, `RELEASE_EXCEEDS_CAPACITY`, … (nothing changes).
   */
  release(node: number, demand: ArrayLike<number>): void {
    const core = this.live();
    nodeIndex(node, this.size);
    const dem = demandVector(demand, this.dims);
    core.f64(this.p.dem, this.dims).set(dem);
    const status = core.exports.ffRelease(node, this.p.dem);
    if (status !== WASM_STATUS.OK) throw releaseError(node);
  }

  /** Releases a batch (all or nothing): `nodes[j]` gets `demands[·][j]` back. */
  releaseBatch(nodes: ArrayLike<number>, demands: DemandColumns): void {
    const core = this.live();
    const { m, rows } = demandRows(demands, this.dims);
    if (nodes.length !== m) throw new FairfitError('DIMENSION_MISMATCH', `nodes has ${nodes.length} values, demands have ${m}`, { field: 'nodes' });
    for (let j = 0; j < m; j++) if (!Number.isInteger(nodes[j])) nodeIndex(nodes[j]!, this.size, `nodes[${j}]`);
    const mark = core.mark();
    try {
      const nd = core.putI32(nodes);
      const dem = core.putF64(rows);
      const status = core.exports.ffReleaseBatch(nd, dem, m);
      if (status === WASM_STATUS.INDEX_OUT_OF_RANGE) nodeIndex(nodes[core.exports.lastErrorIndex()]!, this.size, `nodes[${core.exports.lastErrorIndex()}]`);
      if (status === WASM_STATUS.RELEASE_EXCEEDS_CAPACITY) {
        const j = core.exports.lastErrorIndex();
        throw releaseError(nodes[j]!, j);
      }
      this.throwDemand(core, status, demands);
    } finally {
      core.release(mark);
    }
  }

  /** Marks a node down (`true`) or up again; weights and order are recomputed over the nodes that are up. */
  setDown(node: number, down: boolean): void {
    const core = this.live();
    nodeIndex(node, this.size);
    const s = this.setup;
    if ((s.up[node] === 0) === down) return;
    s.up[node] = down ? 0 : 1;
    core.u8(this.p.up, this.size)[node] = s.up[node]!;
    const order = weightOrder(s, capacityWeights);
    const old = core.i32(this.p.node, this.size);
    if (order.every((v, i) => v === old[i])) {
      core.exports.ffSetUp(node, down ? 0 : 1);
    } else {
      this.writePositions(order);
      core.exports.ffRebuild();
    }
  }

  /** Whether a node is up. */
  isUp(node: number): boolean {
    return this.setup.up[nodeIndex(node, this.size)] === 1;
  }

  /** Current residual ξ of a node (a copy). */
  residual(node: number): Float64Array {
    const core = this.live();
    nodeIndex(node, this.size);
    return core.f64(this.p.res + node * this.dims * 8, this.dims).slice();
  }

  /** All residuals, node-major (n × D), a copy. */
  residuals(): Float64Array {
    return this.live().f64(this.p.res, this.size * this.dims).slice();
  }

  /** Nodes in scan order (capacity weight ascending), a copy. */
  order(): Int32Array {
    return this.live().i32(this.p.node, this.size).slice();
  }

  private throwDemand(core: Core, status: number, demands: DemandColumns): void {
    if (status === WASM_STATUS.OK) return;
    const i = core.exports.lastErrorIndex();
    const j = Math.floor(i / this.dims), d = i % this.dims;
    try {
      throwStatus(core, status, ['demands'], () => demands[d]?.[j]);
    } catch (e) {
      const err = e as FairfitError;
      throw new FairfitError(err.code, err.message.replace(`demands[${i}]`, `demands[${d}][${j}]`), { field: `demands[${d}]`, index: j });
    }
  }

  /** Releases the instance. */
  close(): void {
    this.core = undefined;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** The error of a release that would exceed a node's capacity. */
export function releaseError(node: number, j?: number): FairfitError {
  const where = j === undefined ? '' : ` (release ${j} of the batch)`;
  return new FairfitError('RELEASE_EXCEEDS_CAPACITY', `releasing this demand would give node ${node} more than its capacity back${where}`, { field: 'node', index: node });
}
