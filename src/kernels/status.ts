/**
 * Turns a kernel's status word into a {@link FairfitError}. Status layout:
 * bits 0–7 the code of `assembly/status.ts`, bits 8+ the index of the field
 * (in the kernel's own field list) at fault; the element index comes from
 * `lastErrorIndex()`.
 *
 * @module
 */
import { FairfitError, shown, WASM_STATUS, type FairfitErrorCode } from '../errors.ts';
import type { Core } from '../wasm/module.ts';

const BY_NUMBER = new Map<number, FairfitErrorCode>(
  Object.entries(WASM_STATUS).filter(([k]) => k !== 'OK').map(([k, v]) => [v, k as FairfitErrorCode]),
);

const WHAT: Partial<Record<FairfitErrorCode, string>> = {
  NOT_FINITE: 'must be a finite number',
  NEGATIVE_VALUE: 'must be ≥ 0',
  INDEX_OUT_OF_RANGE: 'is out of range',
  RELEASE_EXCEEDS_CAPACITY: 'would release more than the node\'s capacity',
};

/**
 * Throws for a non-zero status. `fields` names the kernel's fields in order;
 * `value(field, index)` fetches the offending value for the message.
 */
export function throwStatus(core: Core, status: number, fields: readonly string[], value?: (field: number, index: number) => unknown): void {
  if (status === 0) return;
  const code = BY_NUMBER.get(status & 0xff) ?? 'WASM_ABORT';
  const f = status >> 8;
  const field = fields[f] ?? fields[0] ?? 'input';
  const index = core.exports.lastErrorIndex();
  const got = value ? `, got ${shown(value(f, index))}` : '';
  throw new FairfitError(code, `${field}[${index}] ${WHAT[code] ?? 'is invalid'}${got}`, { field, index });
}
