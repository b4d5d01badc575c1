/**
 * The comma scanner of assembly/csv.ts against LineParser, in the kernel
 * projects (so the debug build, with its bounds checks, runs it too).
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { csvDifferential, hashIdLineArb, HASH_ID_SPEC, lineArb, plainLineArb, skipLineArb, smallLineArb, SKIP_SPEC, SMALL_SPECS } from '../io/csv-wasm-helpers.ts';

describe('csvParse (WebAssembly) = LineParser.parseLines', () => {
  it('same rows, values bit for bit, bad lines and reasons on random lines', () => {
    fc.assert(fc.property(fc.array(lineArb, { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (lines, cap) => csvDifferential(lines, cap)), { numRuns: 250 });
  });
  it('same on plain decimals of 0–17 bytes (the 16-byte conversion and its edges)', () => {
    fc.assert(fc.property(fc.array(plainLineArb, { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (lines, cap) => csvDifferential(lines, cap)), { numRuns: 250 });
  });
  it('same on small specs with empty, CR-only and comma-only lines', () => {
    for (const spec of SMALL_SPECS) fc.assert(fc.property(fc.array(smallLineArb, { maxLength: 30 }), fc.integer({ min: 1, max: 7 }), (lines, cap) => csvDifferential(lines, cap, spec)), { numRuns: 100 });
  });
  it('same on Hash and Id fields', () => {
    fc.assert(fc.property(fc.array(hashIdLineArb, { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (lines, cap) => csvDifferential(lines, cap, HASH_ID_SPEC)), { numRuns: 250 });
  });
  it('same with runs of skipped fields', () => {
    fc.assert(fc.property(fc.array(skipLineArb, { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (lines, cap) => csvDifferential(lines, cap, SKIP_SPEC)), { numRuns: 250 });
  });
});
