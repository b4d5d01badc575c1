/** The FairfitError a call rejects with, for tests of the API's refusals. */
import { expect } from 'vitest';
import { FairfitError } from '../src/errors.ts';

/** The FairfitError `p` rejects (or throws) with; fails the test when it succeeds or throws anything else. */
export async function rejection(p: Promise<unknown> | (() => unknown)): Promise<FairfitError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(FairfitError);
    return e as FairfitError;
  }
  throw new Error('expected a FairfitError');
}
