/**
 * Population Gini coefficient in WebAssembly (SPEC §2): O(n) radix sort and one
 * pass, values copied into linear memory in one batch.
 *
 * @module
 */
import { withScratch } from '../wasm/module.ts';
import { throwStatus } from './status.ts';

/**
 * Population Gini coefficient `Σi Σj |xi − xj| / (2·n²·mean)` of non-negative values.
 * Returns 0 for an empty, all-equal or all-zero input.
 *
 * @throws FairfitError `NOT_FINITE` / `NEGATIVE_VALUE` naming `values[i]`.
 * @example gini([1, 1, 1]) === 0
 */
export function gini(values: ArrayLike<number>): number {
  const n = values.length;
  return withScratch((core) => {
    const x = core.putF64(values);
    const tmp = core.alloc(n * 8);
    const hist = core.alloc(6 * 2048 * 4);
    const out = core.alloc(8);
    const status = core.exports.gini(x, n, tmp, hist, out);
    throwStatus(core, status, ['values'], (_f, i) => values[i]);
    return core.f64(out, 1)[0]!;
  });
}
