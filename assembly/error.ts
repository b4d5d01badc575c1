// Where a kernel found bad input: kernels return a status from status.ts and
// leave the offending element's index here for the TypeScript side to name.
let errIndex: i32 = -1;

export function setErrorIndex(i: i32): void {
  errIndex = i;
}

/** Index of the element that made the last kernel fail (-1 when none). */
export function lastErrorIndex(): i32 {
  return errIndex;
}

/** Checks a value is finite and ≥ 0; returns a status (0 = fine) and records `i` on failure. */
// @ts-ignore: decorator
@inline
export function checkNonNeg(x: f64, i: i32): i32 {
  if (x - x != 0.0) { errIndex = i; return 1; } // NaN or ±Infinity (status NOT_FINITE)
  if (x < 0.0) { errIndex = i; return 2; }      // status NEGATIVE_VALUE
  return 0;
}
