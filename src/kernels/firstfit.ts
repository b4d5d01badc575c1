/**
 * Capacity-weighted sorted first-fit (IPTAS paper §3.1.3; docs/model.md) in WebAssembly:
 * nodes ordered by capacity weight, a max-residual segment tree per dimension
 * so a placement visits O(D·log n) tree vertices when most nodes are full.
 *
 * @module
 */
import { FairfitError, shown, WASM_STATUS } from '../errors.ts';
import { Core } from '../wasm/module.ts';
import { capacityWeights } from './capacity.ts';
import {
  checkSizes, demandRows, demandVector, isLarge, matcherSetup, nodeIndex, unplacedReason, weightOrder,
  type DemandColumns, type GangResult, type MatcherNode, type MatcherOptions, type MatcherSetup, type Placement, type TaskSize,
} from './firstfit-setup.ts';
import { MATCHER, PLACE_ALL, TASK_SIZE } from './kernel-layouts.ts';
import { throwStatus } from './status.ts';

export type { DemandColumns, GangResult, MatcherNode, MatcherOptions, Placement, TaskSize, UnplacedReason } from './firstfit-setup.ts';

/** Where a matcher lives: its own instance (default) or an engine's shared {@link Core}. */
export interface MatcherPlacement {
  /** Lay the matcher's struct and columns in this core (shared with other kernel objects of one engine). */
  core?: Core;
}

/** Batch of demands: one column per dimension, optional sizes (1 = large, 0 = small; default by δ0). */
export interface DemandBatch {
  demands: DemandColumns;
  sizes?: ArrayLike<number>;
}

/**
 * A sorted first-fit matcher over D-dimensional nodes. A small task takes the
 * weakest node (lowest capacity weight) whose residual fits in every dimension,
 * a large task the strongest one. Its state is a struct in WebAssembly memory
 * (`Matcher` in `src/kernels/kernel-layouts.ts`), in its own instance or in an
 * engine's shared {@link Core}. {@link close} it, or declare it with `using`.
 *
 * @example
 * const m = new FirstFitMatcher([{ capacity: [1, 1] }, { capacity: [2, 4] }]);
 * m.place([0.5, 0.5], 'small'); // → { kind: 'placed', node: 0 }, the weaker node
 * m.place([0.5, 0.5], 'large'); // → { kind: 'placed', node: 1 }, the stronger node
 */
export class FirstFitMatcher {
  /** Number of nodes. */
  readonly size: number;
  /** Number of resource dimensions D. */
  readonly dims: number;
  private readonly setup: MatcherSetup;
  private core: Core | undefined;
  /** Address of the `Matcher` struct and of the columns it points to. */
  private readonly p: { matcher: number; cap: number; res: number; up: number; node: number; pos: number; tree: number; dem: number };

  constructor(nodes: readonly MatcherNode[], options: MatcherOptions & MatcherPlacement = {}) {
    const s = matcherSetup(nodes, options, 'FirstFitMatcher', ['core']);
    this.setup = s;
    this.size = s.n;
    this.dims = s.dims;
    const order = weightOrder(s, capacityWeights);
    const core = options.core ?? new Core();
    let treeSize = 1;
    while (treeSize < s.n) treeSize *= 2;
    const nd = s.n * s.dims;
    const matcher = core.alloc(MATCHER.size);
    const cap = core.putF64(s.cap), res = core.putF64(s.cap), up = core.putU8(s.up);
    const node = core.putI32(order), pos = core.alloc(s.n * 4), tree = core.alloc(2 * treeSize * s.dims * 8);
    const save = core.alloc(nd * 8);
    this.p = { matcher, cap, res, up, node, pos, tree, dem: core.alloc(s.dims * 8) };
    MATCHER.write(core.memory, matcher, { n: s.n, dims: s.dims, size: treeSize, cap, res, up, node, pos, tree, save });
    this.core = core;
    this.writePositions(order);
    core.exports.ffRebuild(matcher);
  }

  private live(): Core {
    if (!this.core || this.core.broken) throw new FairfitError('INVALID_OPTION', 'FirstFitMatcher is closed', { field: 'matcher' });
    return this.core;
  }

  private writePositions(order: Int32Array): void {
    const core = this.core!;
    core.i32(this.p.node, this.size).set(order);
    const pos = core.i32(this.p.pos, this.size);
    for (let i = 0; i < order.length; i++) pos[order[i]!] = i;
  }

  /**
   * Places one task: the node it took, or why it could not be placed (no node
   * up; no up node has enough of a dimension; or enough in every dimension but
   * not on one node). `size` defaults to the δ0 classification (large iff some
   * δ[d] ≥ δ0[d]).
   * @throws FairfitError `DIMENSION_MISMATCH`, `NOT_FINITE`, `NEGATIVE_VALUE` (nothing changes).
   */
  place(demand: ArrayLike<number>, size?: TaskSize): Placement {
    const core = this.live();
    const dem = demandVector(demand, this.dims);
    const large = isLarge(size, dem, this.setup.threshold);
    core.f64(this.p.dem, this.dims).set(dem);
    const node = core.exports.ffPlace(this.p.matcher, this.p.dem, large ? TASK_SIZE.code.large : TASK_SIZE.code.small);
    return node >= 0 ? { kind: 'placed', node } : { kind: 'unplaced', reason: unplacedReason(this.maxResidual(core), dem) };
  }

  /** The largest residual of an up node per dimension (−∞ when no node is up): the tree's root. */
  private maxResidual(core: Core): Float64Array {
    return core.f64(this.p.tree + this.dims * 8, this.dims);
  }

  /**
   * Places a batch in order, in one call; returns each task's node (-1 = no fit).
   * Every demand is validated before anything is placed.
   */
  placeBatch(batch: DemandBatch): Int32Array {
    return this.withBatch(batch, (core, dem, m, sizes, thr) => {
      const out = core.alloc(m * 4);
      this.throwDemand(core, core.exports.ffPlaceBatch(this.p.matcher, dem, m, sizes, thr, out), batch.demands);
      return core.i32(out, m).slice();
    });
  }

  /**
   * Places every demand of a batch (a gang) or none, in one WebAssembly call.
   * On success each demand's node, in order; otherwise the index of the first
   * demand that did not fit (given the ones placed before it) and why, judged
   * on the residuals it met, after the earlier demands' takes (one node of
   * [4, 4] and two demands of [3, 3]: `dimension` 0, largest 1) — and the
   * matcher is exactly as before the call.
   * @throws FairfitError as {@link placeBatch} (nothing changes).
   */
  placeAll(batch: DemandBatch): GangResult {
    return this.withBatch(batch, (core, dem, m, sizes, thr, rows): GangResult => {
      const out = core.alloc((m + 1) * 4), undo = core.alloc(m * this.dims * 8);
      this.throwDemand(core, core.exports.ffPlaceAll(this.p.matcher, dem, m, sizes, thr, out, undo), batch.demands);
      const first = core.i32(out, m + 1)[m]!;
      if (first === PLACE_ALL.values.ALL_PLACED) return { kind: 'placed', nodes: core.i32(out, m).slice() };
      // The matcher is back as it was; the reason is judged where the demand failed, after the earlier
      // demands' takes (the kernel left those maxima in undo's row `first`): against the cluster as it
      // was before, a gang too big for one node would be "fragmented".
      const missed = core.f64(undo + first * this.dims * 8, this.dims);
      return { kind: 'unplaced', index: first, reason: unplacedReason(missed, rows.subarray(first * this.dims, (first + 1) * this.dims)) };
    });
  }

  /** Validates a batch, copies it in (demands, sizes, δ0), runs `fn`, frees the copies. */
  private withBatch<T>(batch: DemandBatch, fn: (core: Core, dem: number, m: number, sizes: number, thr: number, rows: Float64Array) => T): T {
    const core = this.live();
    const { m, rows } = demandRows(batch.demands, this.dims);
    checkSizes(batch.sizes, m);
    const mark = core.mark();
    try {
      return fn(core, core.putF64(rows), m, batch.sizes ? core.putU8(batch.sizes) : 0, core.putF64(this.setup.threshold), rows);
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
    const status = core.exports.ffRelease(this.p.matcher, node, this.p.dem);
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
      const status = core.exports.ffReleaseBatch(this.p.matcher, nd, dem, m);
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
    // 'false' (truthy) took the node down.
    if (typeof down !== 'boolean') throw new FairfitError('INVALID_OPTION', `down must be true or false, got ${shown(down)}`, { field: 'down' });
    const s = this.setup;
    if ((s.up[node] === 0) === down) return;
    s.up[node] = down ? 0 : 1;
    core.u8(this.p.up, this.size)[node] = s.up[node]!;
    const order = weightOrder(s, capacityWeights);
    const old = core.i32(this.p.node, this.size);
    if (order.every((v, i) => v === old[i])) {
      core.exports.ffSetUp(this.p.matcher, node, down ? 0 : 1);
    } else {
      this.writePositions(order);
      core.exports.ffRebuild(this.p.matcher);
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

  /** Releases the instance (or, in a shared core, stops using it). */
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
