/**
 * Plain-TypeScript dynamic priority (IPTAS paper eq. 5–7; docs/model.md): the oracle
 * for `assembly/priority.ts` and the benchmark baseline. Same operation order.
 *
 * @module
 */
import { FairfitError, checkNonNegative } from '../errors.ts';
import { checkPriorityIntegers, checkPriorityParamNames, priorityColumnsLength, resolvePriorityParams, type PriorityColumns, type PriorityParams } from '../kernels/priority-params.ts';

/** Reference twin of {@link recomputePriorities}. */
export function recomputePrioritiesReference(columns: PriorityColumns, params: PriorityParams = {}): Float64Array {
  checkPriorityParamNames(params);
  const [w1, w2, w3, sShort, sMedium, sLong, k1, k2, penalty, l0, deltaR, cap] = resolvePriorityParams(params) as unknown as number[];
  const n = priorityColumnsLength(columns);
  const { dataGB, user, rounds, running } = columns;
  // The kernel's copy into Int32 memory refuses what it would change (a fractional user): so does the reference.
  checkPriorityIntegers(columns, n);
  for (let i = 0; i < n; i++) {
    checkNonNegative(dataGB[i], 'columns.dataGB', i);
    const u = user[i]!;
    if (!(u >= 0 && u < running.length)) throw new FairfitError('INDEX_OUT_OF_RANGE', `columns.user[${i}] is out of range, got ${u}`, { field: 'columns.user', index: i });
    if (rounds[i]! < 0) throw new FairfitError('NEGATIVE_VALUE', `columns.rounds[${i}] must be ≥ 0, got ${rounds[i]}`, { field: 'columns.rounds', index: i });
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = dataGB[i]!;
    const st = k <= k1! ? sShort! : k <= k2! ? sMedium! : sLong!;
    const us = running[user[i]!]! >= l0! ? penalty! : 0;
    const r = Math.min(rounds[i]! * deltaR!, cap!);
    out[i] = w1! * st + w2! * us + w3! * r;
  }
  return out;
}
