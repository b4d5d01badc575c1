/**
 * Empirical quantile tables: the fitted distributions of the synthetic
 * generator are inverse CDFs sampled at fixed probabilities, interpolated
 * linearly (or log-linearly for positive heavy-tailed quantities).
 *
 * @module
 */

/** Probabilities at which every fitted quantile table is sampled (denser in the tails). */
export const QUANTILE_PROBS: readonly number[] = [
  0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95,
  0.98, 0.99, 0.995, 0.999, 1,
];

/** An inverse CDF: `values[i]` is the quantile at `QUANTILE_PROBS[i]`. */
export interface QuantileTable {
  values: readonly number[];
  /** Interpolate in log space (all values > 0). */
  log: boolean;
}

/** Quantiles of `xs` at {@link QUANTILE_PROBS} (type-7, linear between order statistics). */
export function quantileTable(xs: ArrayLike<number>, log: boolean, digits = 6): QuantileTable {
  const a = Float64Array.from(xs).sort();
  if (a.length === 0) throw new Error('quantileTable: no data');
  const values = QUANTILE_PROBS.map((p) => {
    const h = (a.length - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(a.length - 1, lo + 1);
    const v = a[lo]! + (h - lo) * (a[hi]! - a[lo]!);
    return Number(v.toPrecision(digits));
  });
  if (log && values.some((v) => !(v > 0))) throw new Error('quantileTable: log table needs positive values');
  return { values, log };
}

/** Inverse-CDF sample of `q` at uniform `u` ∈ [0, 1). */
export function sampleQuantile(q: QuantileTable, u: number): number {
  const P = QUANTILE_PROBS;
  let i = 0;
  while (i < P.length - 2 && u >= P[i + 1]!) i++;
  const p0 = P[i]!;
  const p1 = P[i + 1]!;
  const f = (u - p0) / (p1 - p0);
  const a = q.values[i]!;
  const b = q.values[i + 1]!;
  return q.log ? a * Math.pow(b / a, f) : a + f * (b - a);
}

/** Mean of a quantile table (trapezoid rule over the probabilities; exact for the linear case). */
export function quantileMean(q: QuantileTable): number {
  let s = 0;
  for (let i = 0; i + 1 < QUANTILE_PROBS.length; i++) {
    const w = QUANTILE_PROBS[i + 1]! - QUANTILE_PROBS[i]!;
    const a = q.values[i]!;
    const b = q.values[i + 1]!;
    s += w * (q.log && a !== b ? (b - a) / Math.log(b / a) : (a + b) / 2);
  }
  return s;
}
