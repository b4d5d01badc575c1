// Status codes returned by kernels. Mirrors WASM_STATUS in src/errors.ts
// (test/wasm/abi.test.ts checks the two lists agree). A kernel that fails
// records the offending index (error.ts, `lastErrorIndex`) and returns
// one of these; 0 means success.
export const OK: i32 = 0;
export const NOT_FINITE: i32 = 1;
export const NEGATIVE_VALUE: i32 = 2;
export const DIMENSION_MISMATCH: i32 = 3;
export const EMPTY_NODE_SET: i32 = 4;
export const INDEX_OUT_OF_RANGE: i32 = 5;
export const RELEASE_EXCEEDS_CAPACITY: i32 = 6;
