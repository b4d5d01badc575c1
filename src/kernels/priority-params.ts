/**
 * Parameters of the dynamic priority (IPTAS paper eq. 5–7; docs/model.md), their
 * defaults and validation — shared by the WebAssembly wrapper and the reference.
 *
 * @module
 */
import { didYouMean, FairfitError, shown, unknownKey } from '../errors.ts';

/** Priority parameters; every field optional, defaults in docs/model.md. */
export interface PriorityParams {
  /** Weights of the static, user and round terms. Default 1 each. */
  w1?: number;
  w2?: number;
  w3?: number;
  /** Static class values for short / medium / long tasks. Defaults 3, 2, 1. */
  staticShort?: number;
  staticMedium?: number;
  staticLong?: number;
  /** Granularity bounds in GB: short K ≤ K1, medium K ≤ K2, long above. Defaults 10, 100. */
  k1?: number;
  k2?: number;
  /** User penalty (< 0) applied when the user's running count ≥ L0. Default −2. */
  penalty?: number;
  /** Running-task count from which the penalty applies. Default 4. */
  l0?: number;
  /** Aging step Δr per round waited. Default 1. */
  deltaR?: number;
  /** Optional cap on the aging term `rounds·Δr`. Default none. */
  agingCap?: number;
}

/** Resolved parameters in the kernel's order (layout of the params block of `assembly/priority.ts`). */
export const PRIORITY_PARAM_ORDER = ['w1', 'w2', 'w3', 'staticShort', 'staticMedium', 'staticLong', 'k1', 'k2', 'penalty', 'l0', 'deltaR', 'agingCap'] as const;

const DEFAULTS: Required<PriorityParams> = {
  w1: 1, w2: 1, w3: 1, staticShort: 3, staticMedium: 2, staticLong: 1,
  k1: 10, k2: 100, penalty: -2, l0: 4, deltaR: 1, agingCap: Infinity,
};

/**
 * `params` of the priority kernels, the only keys (the engine hands on its IPTAS parameters, a
 * superset, checked there): a misspelt { W1 } was ignored, its weight left at 1, where
 * `new Engine({ W1 })` refuses it.
 */
export function checkPriorityParamNames(params: PriorityParams | undefined): void {
  if (params === null || typeof params !== 'object') return; // resolvePriorityParams says so
  const key = unknownKey(params, PRIORITY_PARAM_ORDER);
  if (key !== undefined) throw new FairfitError('INVALID_OPTION', `params.${key} is not a priority parameter${didYouMean(key, PRIORITY_PARAM_ORDER)}`, { field: `params.${key}` });
}

/** Applies defaults and validates; returns the params block in kernel order. */
export function resolvePriorityParams(params: PriorityParams = {}): Float64Array {
  if (params === null || typeof params !== 'object') throw new FairfitError('INVALID_OPTION', `params must be an object, got ${String(params)}`, { field: 'params' });
  const out = new Float64Array(PRIORITY_PARAM_ORDER.length);
  PRIORITY_PARAM_ORDER.forEach((key, i) => {
    const v = params[key] ?? DEFAULTS[key];
    const finiteOk = key === 'agingCap' ? !Number.isNaN(v) : Number.isFinite(v);
    if (typeof v !== 'number' || !finiteOk) {
      throw new FairfitError('INVALID_OPTION', `params.${key} must be a ${key === 'agingCap' ? 'number' : 'finite number'}, got ${shown(v)}`, { field: `params.${key}` });
    }
    out[i] = v;
  });
  const [k1, k2, l0, agingCap] = [out[6]!, out[7]!, out[9]!, out[11]!];
  if (k1 < 0 || k2 < k1) throw new FairfitError('INVALID_OPTION', `params.k1/k2 must satisfy 0 ≤ k1 ≤ k2, got ${k1}, ${k2}`, { field: 'params.k2' });
  if (!Number.isInteger(l0) || l0 < 0) throw new FairfitError('INVALID_OPTION', `params.l0 must be an integer ≥ 0, got ${l0}`, { field: 'params.l0' });
  if (agingCap < 0) throw new FairfitError('INVALID_OPTION', `params.agingCap must be ≥ 0, got ${agingCap}`, { field: 'params.agingCap' });
  return out;
}

/**
 * The params block as an object, a field per entry of {@link PRIORITY_PARAM_ORDER} in that order
 * (a test holds the two together). Written out as one literal, not built key by key or spread:
 * every object made here then has one shape (V8 map), so code optimised on one engine's
 * parameters keeps working on the next engine's (see `resolveIptasParams`).
 */
export function priorityParamsObject(b: ArrayLike<number>): Required<PriorityParams> {
  return {
    w1: b[0]!, w2: b[1]!, w3: b[2]!, staticShort: b[3]!, staticMedium: b[4]!, staticLong: b[5]!,
    k1: b[6]!, k2: b[7]!, penalty: b[8]!, l0: b[9]!, deltaR: b[10]!, agingCap: b[11]!,
  };
}

/** Columns of waiting tasks for a priority recompute. */
export interface PriorityColumns {
  /** Declared data volume K of each task, GB (≥ 0): decides short / medium / long. */
  dataGB: ArrayLike<number>;
  /** Dense user id of each task: an index into `running`. */
  user: ArrayLike<number>;
  /** Rounds each task has waited unplaced so far (integer ≥ 0). */
  rounds: ArrayLike<number>;
  /** Running-task count `L_u` of each user at the start of the round. */
  running: ArrayLike<number>;
}

/** Checks that the task columns agree in length; returns n. */
export function priorityColumnsLength(c: PriorityColumns): number {
  if (c === null || typeof c !== 'object') throw new FairfitError('INVALID_OPTION', `columns must be an object { dataGB, user, rounds, running }, got ${String(c)}`, { field: 'columns' });
  const n = c.dataGB?.length;
  if (typeof n !== 'number') throw new FairfitError('INVALID_OPTION', 'columns.dataGB must be an array of numbers', { field: 'columns.dataGB' });
  for (const f of ['user', 'rounds'] as const) {
    if (c[f]?.length !== n) throw new FairfitError('DIMENSION_MISMATCH', `columns.${f} has ${c[f]?.length ?? 'no'} entries, columns.dataGB has ${n}`, { field: `columns.${f}` });
  }
  if (typeof c.running?.length !== 'number') throw new FairfitError('INVALID_OPTION', 'columns.running must be an array of counts', { field: 'columns.running' });
  return n;
}

/**
 * Integer columns are copied into Int32 memory: reject what that would silently change. The
 * reference runs the same check, so kernel and reference refuse the same columns.
 */
export function checkPriorityIntegers(c: PriorityColumns, n: number): void {
  // Only arrays that are not already integer typed arrays need the check.
  for (const f of ['user', 'rounds'] as const) {
    const col = c[f];
    if (col instanceof Int32Array || col instanceof Uint16Array || col instanceof Uint8Array || col instanceof Int16Array) continue;
    for (let i = 0; i < n; i++) {
      const v = col[i];
      if (!Number.isInteger(v) || (v as number) > 0x7fffffff || (v as number) < -0x80000000) {
        throw new FairfitError(Number.isFinite(v) ? 'INVALID_OPTION' : 'NOT_FINITE', `columns.${f}[${i}] must be an integer, got ${shown(v)}`, { field: `columns.${f}`, index: i });
      }
    }
  }
  const r = c.running;
  for (let i = 0; i < r.length; i++) {
    const v = r[i];
    if (!Number.isInteger(v) || (v as number) < 0) throw new FairfitError('INVALID_OPTION', `columns.running[${i}] must be an integer ≥ 0, got ${shown(v)}`, { field: 'columns.running', index: i });
  }
}
