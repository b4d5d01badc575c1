/**
 * Plain-TypeScript sorted first-fit with a linear scan: the oracle for the
 * WebAssembly {@link FirstFitMatcher} and the benchmark baseline. Same order,
 * same arithmetic, same errors; O(n) per placement.
 *
 * @module
 */
import { FairfitError, checkNonNegative, shown } from '../errors.ts';
import {
  checkSizes, demandRows, demandVector, isLarge, matcherSetup, nodeIndex, unplacedReason, weightOrder,
  type DemandColumns, type GangResult, type MatcherNode, type MatcherOptions, type MatcherSetup, type Placement, type TaskSize,
} from '../kernels/firstfit-setup.ts';
import { releaseError, type DemandBatch } from '../kernels/firstfit.ts';

/** Reference twin of {@link FirstFitMatcher}. */
export class LinearFirstFit {
  readonly size: number;
  readonly dims: number;
  private readonly s: MatcherSetup;
  private res: Float64Array;
  private ord: Int32Array;

  constructor(nodes: readonly MatcherNode[], options: MatcherOptions = {}) {
    this.s = matcherSetup(nodes, options);
    this.size = this.s.n;
    this.dims = this.s.dims;
    this.res = this.s.cap.slice();
    this.ord = weightOrder(this.s);
  }

  private scan(dem: Float64Array, large: boolean): number {
    const { n, dims, up } = this.s;
    for (let k = 0; k < n; k++) {
      const node = this.ord[large ? n - 1 - k : k]!;
      if (!up[node]) continue;
      let ok = true;
      for (let d = 0; d < dims; d++) if (this.res[node * dims + d]! < dem[d]!) { ok = false; break; }
      if (ok) {
        for (let d = 0; d < dims; d++) this.res[node * dims + d] = this.res[node * dims + d]! - dem[d]!;
        return node;
      }
    }
    return -1;
  }

  /** The largest residual of an up node per dimension (−∞ when none is up). */
  private maxResidual(): Float64Array {
    const { n, dims, up } = this.s;
    const max = new Float64Array(dims).fill(-Infinity);
    for (let i = 0; i < n; i++) if (up[i]) for (let d = 0; d < dims; d++) max[d] = Math.max(max[d]!, this.res[i * dims + d]!);
    return max;
  }

  place(demand: ArrayLike<number>, size?: TaskSize): Placement {
    const dem = demandVector(demand, this.dims);
    const node = this.scan(dem, isLarge(size, dem, this.s.threshold));
    return node >= 0 ? { kind: 'placed', node } : { kind: 'unplaced', reason: unplacedReason(this.maxResidual(), dem) };
  }

  /** Validated rows of a batch and the size of each demand. */
  private batchRows(batch: DemandBatch): { m: number; rows: Float64Array; large: (j: number) => boolean } {
    const { m, rows } = demandRows(batch.demands, this.dims);
    checkSizes(batch.sizes, m);
    // The values as given (a row holds NaN for one that is not a number), so the message quotes them.
    for (let j = 0; j < m; j++) for (let d = 0; d < this.dims; d++) checkNonNegative(batch.demands[d]![j], `demands[${d}]`, j);
    const large = (j: number): boolean => batch.sizes ? batch.sizes[j] !== 0 : isLarge(undefined, rows.subarray(j * this.dims, (j + 1) * this.dims), this.s.threshold);
    return { m, rows, large };
  }

  placeBatch(batch: DemandBatch): Int32Array {
    const { m, rows, large } = this.batchRows(batch);
    const out = new Int32Array(m);
    for (let j = 0; j < m; j++) out[j] = this.scan(rows.subarray(j * this.dims, (j + 1) * this.dims), large(j));
    return out;
  }

  placeAll(batch: DemandBatch): GangResult {
    const { m, rows, large } = this.batchRows(batch);
    const saved = this.res.slice();
    const nodes = new Int32Array(m);
    for (let j = 0; j < m; j++) {
      const dem = rows.subarray(j * this.dims, (j + 1) * this.dims);
      nodes[j] = this.scan(dem, large(j));
      if (nodes[j]! < 0) {
        // Judged on the residuals the demand met (after the earlier takes), then undone.
        const reason = unplacedReason(this.maxResidual(), dem);
        this.res = saved;
        return { kind: 'unplaced', index: j, reason };
      }
    }
    return { kind: 'placed', nodes };
  }

  private give(node: number, dem: ArrayLike<number>, res: Float64Array): boolean {
    const { dims, cap } = this.s;
    for (let d = 0; d < dims; d++) {
      const c = cap[node * dims + d]!;
      if (res[node * dims + d]! + dem[d]! > c + 1e-9 * Math.max(c, 1)) return false;
    }
    for (let d = 0; d < dims; d++) res[node * dims + d] = Math.min(res[node * dims + d]! + dem[d]!, cap[node * dims + d]!);
    return true;
  }

  release(node: number, demand: ArrayLike<number>): void {
    nodeIndex(node, this.size);
    if (!this.give(node, demandVector(demand, this.dims), this.res)) throw releaseError(node);
  }

  releaseBatch(nodes: ArrayLike<number>, demands: DemandColumns): void {
    const { m, rows } = demandRows(demands, this.dims);
    if (nodes.length !== m) throw new FairfitError('DIMENSION_MISMATCH', `nodes has ${nodes.length} values, demands have ${m}`, { field: 'nodes' });
    for (let j = 0; j < m; j++) nodeIndex(nodes[j]!, this.size, `nodes[${j}]`);
    for (let j = 0; j < m; j++) for (let d = 0; d < this.dims; d++) checkNonNegative(demands[d]![j], `demands[${d}]`, j);
    const res = this.res.slice();
    for (let j = 0; j < m; j++) {
      if (!this.give(nodes[j]!, rows.subarray(j * this.dims, (j + 1) * this.dims), res)) throw releaseError(nodes[j]!, j);
    }
    this.res = res;
  }

  setDown(node: number, down: boolean): void {
    nodeIndex(node, this.size);
    // 'false' (truthy) took the node down.
    if (typeof down !== 'boolean') throw new FairfitError('INVALID_OPTION', `down must be true or false, got ${shown(down)}`, { field: 'down' });
    this.s.up[node] = down ? 0 : 1;
    this.ord = weightOrder(this.s);
  }

  isUp(node: number): boolean {
    return this.s.up[nodeIndex(node, this.size)] === 1;
  }

  residual(node: number): Float64Array {
    nodeIndex(node, this.size);
    return this.res.slice(node * this.dims, (node + 1) * this.dims);
  }

  residuals(): Float64Array {
    return this.res.slice();
  }

  order(): Int32Array {
    return this.ord.slice();
  }
}
