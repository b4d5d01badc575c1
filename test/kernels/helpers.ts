import { FairfitError } from '../../src/errors.ts';

/** The FairfitError a call throws, as { code, message }, or undefined when it returns. */
export function errorOf(f: () => unknown): { code: string; message: string } | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof FairfitError) return { code: e.code, message: e.message };
    throw e;
  }
  return undefined;
}

/** Whether two float64 arrays are bit-for-bit identical (fast for 10^6 values, unlike a deep equal). */
export function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && Buffer.compare(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength)) === 0;
}
