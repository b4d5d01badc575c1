/**
 * Node setup shared by the WebAssembly {@link FirstFitMatcher} and its linear
 * reference: validation of capacities, capacity weights, the weight order and
 * the small/large threshold δ0.
 *
 * @module
 */
import { FairfitError, checkBooleanOption, checkNonNegative, checkOptionNames, numberOrNaN, optionNames, shown } from '../errors.ts';
import { capacityWeightsReference } from '../reference/capacity.ts';

/** One node of a matcher. */
export interface MatcherNode {
  /** Capacity per resource dimension (D ≥ 1 numbers, the same D for every node). */
  capacity: ArrayLike<number>;
  /** CPU speed for the capacity weight. Default 1. */
  speed?: number;
  /** vCPU count for the capacity weight. Default `capacity[0]`. */
  vcpus?: number;
  /** Memory for the capacity weight. Default `capacity[1]` (or `capacity[0]` when D = 1). */
  mem?: number;
  /** Starts down when `false`. Default up. */
  up?: boolean;
}

/** Options of a matcher. */
export interface MatcherOptions {
  /** λ1, λ2 of the capacity weight. Default 0.5 each. */
  lambdaCpu?: number;
  lambdaMem?: number;
  /**
   * δ0: a demand is large iff δ[d] ≥ δ0[d] in some dimension (docs/model.md). Used when
   * no size is given. Default: half the largest capacity in each dimension.
   */
  threshold?: ArrayLike<number>;
}

/** Whether a task scans from the weak end (`small`) or from the strong end (`large`). */
export type TaskSize = 'small' | 'large';

/**
 * Why a demand could not be placed: no node is up; no up node has enough of
 * `dimension` (the first such dimension); or every dimension is available
 * somewhere but not all of them on one node.
 */
export type UnplacedReason =
  | { code: 'no-node-up' }
  | { code: 'dimension'; dimension: number; demand: number; largest: number }
  | { code: 'fragmented' };

/** The outcome of placing one task. */
export type Placement = { kind: 'placed'; node: number } | { kind: 'unplaced'; reason: UnplacedReason };

/**
 * The outcome of an all-or-nothing placement: every node, or the first demand that did not fit
 * (and nothing placed), with its reason judged on the residuals it met — after the earlier
 * demands' takes, since a gang fits as a whole or not at all.
 */
export type GangResult = { kind: 'placed'; nodes: Int32Array } | { kind: 'unplaced'; index: number; reason: UnplacedReason };

/** The reason a demand does not fit, from the largest residual of an up node per dimension (−∞ when none is up). */
export function unplacedReason(maxResidual: ArrayLike<number>, demand: ArrayLike<number>): UnplacedReason {
  if (maxResidual[0] === -Infinity) return { code: 'no-node-up' };
  for (let d = 0; d < demand.length; d++) {
    if (maxResidual[d]! < demand[d]!) return { code: 'dimension', dimension: d, demand: demand[d]!, largest: maxResidual[d]! };
  }
  return { code: 'fragmented' };
}

/** What both implementations start from. */
export interface MatcherSetup {
  n: number;
  dims: number;
  /** Capacities, node-major (n × D). */
  cap: Float64Array;
  up: Uint8Array;
  speed: Float64Array;
  vcpus: Float64Array;
  mem: Float64Array;
  lambdaCpu: number;
  lambdaMem: number;
  threshold: Float64Array;
}

/** The keys of {@link MatcherOptions}. */
const MATCHER_OPTIONS = optionNames<MatcherOptions>()('lambdaCpu', 'lambdaMem', 'threshold');

/** Validates nodes and options (`of` the matcher's name, `extra` the keys its own options add) into columns. */
export function matcherSetup(nodes: readonly MatcherNode[], options: MatcherOptions = {}, of = 'LinearFirstFit', extra: readonly string[] = []): MatcherSetup {
  // A misspelt { treshold } was ignored (δ0 left at its default); null was a TypeError.
  checkOptionNames(options, [...MATCHER_OPTIONS, ...extra], of);
  if (!Array.isArray(nodes) || nodes.length === 0) throw new FairfitError('EMPTY_NODE_SET', 'nodes is empty: a matcher needs at least one node', { field: 'nodes' });
  const n = nodes.length;
  const dims = nodes[0]?.capacity?.length ?? 0;
  if (!(dims >= 1 && dims <= 8)) throw new FairfitError('DIMENSION_MISMATCH', `nodes[0].capacity must have 1 to 8 dimensions, got ${dims}`, { field: 'nodes[0].capacity', index: 0 });
  const cap = new Float64Array(n * dims);
  const up = new Uint8Array(n);
  const speed = new Float64Array(n), vcpus = new Float64Array(n), mem = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    const c = node?.capacity;
    if (c?.length !== dims) throw new FairfitError('DIMENSION_MISMATCH', `nodes[${i}].capacity has ${c?.length ?? 'no'} dimensions, nodes[0] has ${dims}`, { field: 'nodes.capacity', index: i });
    for (let d = 0; d < dims; d++) cap[i * dims + d] = checkNonNegative(c[d], `nodes[${i}].capacity`, d);
    speed[i] = checkNonNegative(node.speed ?? 1, 'nodes.speed', i);
    vcpus[i] = checkNonNegative(node.vcpus ?? c[0], 'nodes.vcpus', i);
    mem[i] = checkNonNegative(node.mem ?? (dims > 1 ? c[1] : c[0]), 'nodes.mem', i);
    checkBooleanOption(node.up, `nodes[${i}].up`);
    up[i] = node.up === false ? 0 : 1;
  }
  let threshold: Float64Array;
  if (options.threshold !== undefined) {
    if (options.threshold.length !== dims) throw new FairfitError('DIMENSION_MISMATCH', `options.threshold has ${options.threshold.length} dimensions, nodes have ${dims}`, { field: 'options.threshold' });
    threshold = Float64Array.from({ length: dims }, (_, d) => checkNonNegative(options.threshold![d], 'options.threshold', d));
  } else {
    threshold = new Float64Array(dims);
    for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++) threshold[d] = Math.max(threshold[d]!, cap[i * dims + d]! / 2);
  }
  const lambdaCpu = options.lambdaCpu ?? 0.5, lambdaMem = options.lambdaMem ?? 0.5;
  return { n, dims, cap, up, speed, vcpus, mem, lambdaCpu, lambdaMem, threshold };
}

/**
 * Positions by capacity weight ascending (ties: lower node index first), with
 * weights over the nodes that are up — recomputed whenever a node goes up or down.
 */
export function weightOrder(s: MatcherSetup, weights: typeof capacityWeightsReference = capacityWeightsReference): Int32Array {
  const w = weights({ speed: s.speed, vcpus: s.vcpus, mem: s.mem, up: s.up }, { lambdaCpu: s.lambdaCpu, lambdaMem: s.lambdaMem });
  const order = Int32Array.from({ length: s.n }, (_, i) => i);
  order.sort((a, b) => w[a]! - w[b]! || a - b);
  return order;
}

/** Validates one demand vector of D numbers; returns it as a Float64Array. */
export function demandVector(demand: ArrayLike<number>, dims: number, field = 'demand'): Float64Array {
  if (demand?.length !== dims) throw new FairfitError('DIMENSION_MISMATCH', `${field} has ${demand?.length ?? 'no'} dimensions, nodes have ${dims}`, { field });
  const out = new Float64Array(dims);
  for (let d = 0; d < dims; d++) out[d] = checkNonNegative(demand[d], field, d);
  return out;
}

/** Validates a node index. */
export function nodeIndex(node: number, n: number, field = 'node'): number {
  if (!Number.isInteger(node) || node < 0 || node >= n) throw new FairfitError('INDEX_OUT_OF_RANGE', `${field} must be a node index in [0, ${n}), got ${shown(node)}`, { field, index: node });
  return node;
}

/** Resolves an explicit size or classifies by δ0. */
export function isLarge(size: TaskSize | undefined, demand: Float64Array, threshold: Float64Array): boolean {
  if (size === 'large') return true;
  if (size === 'small') return false;
  if (size !== undefined) throw new FairfitError('INVALID_OPTION', `size must be 'small' or 'large', got ${shown(size)}`, { field: 'size' });
  for (let d = 0; d < demand.length; d++) if (demand[d]! >= threshold[d]!) return true;
  return false;
}

/**
 * Validates a batch's sizes against its m demands: absent, or m values each 0 (small) or 1 (large)
 * (`DIMENSION_MISMATCH` on the count, `INVALID_OPTION` naming `sizes[j]` otherwise). Any other value
 * was taken as small by the WebAssembly matcher and as large by the reference.
 */
export function checkSizes(sizes: ArrayLike<number> | undefined, m: number): void {
  if (sizes === undefined) return;
  if (sizes === null || typeof sizes !== 'object' || typeof sizes.length !== 'number') throw new FairfitError('INVALID_OPTION', `sizes must be an array of 0 (small) and 1 (large) when given, got ${shown(sizes)}`, { field: 'sizes' });
  if (sizes.length !== m) throw new FairfitError('DIMENSION_MISMATCH', `sizes has ${sizes.length} values, demands have ${m}`, { field: 'sizes' });
  for (let j = 0; j < m; j++) {
    const v = sizes[j];
    if (v !== 0 && v !== 1) throw new FairfitError('INVALID_OPTION', `sizes[${j}] must be 0 (small) or 1 (large), got ${shown(v)}`, { field: 'sizes', index: j });
  }
}

/** Columnar demands of a batch: one column of m values per dimension. */
export type DemandColumns = readonly ArrayLike<number>[];

/** Validates columnar demands and lays them out task-major (m × D) for the kernel. Returns m and the rows. */
export function demandRows(demands: DemandColumns, dims: number): { m: number; rows: Float64Array } {
  if (!Array.isArray(demands) || demands.length !== dims) throw new FairfitError('DIMENSION_MISMATCH', `demands must have one column per dimension (${dims}), got ${Array.isArray(demands) ? demands.length : 'none'}`, { field: 'demands' });
  const m = demands[0]!.length;
  const rows = new Float64Array(m * dims);
  for (let d = 0; d < dims; d++) {
    const col = demands[d]!;
    if (col.length !== m) throw new FairfitError('DIMENSION_MISMATCH', `demands[${d}] has ${col.length} values, demands[0] has ${m}`, { field: `demands[${d}]` });
    // Not converted: '1' or true taken as 1 was placed where place() refuses it.
    for (let j = 0; j < m; j++) rows[j * dims + d] = numberOrNaN(col[j]);
  }
  return { m, rows };
}
