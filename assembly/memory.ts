// Bulk fills of linear memory for the TypeScript side. An engine's memory is shared, and
// JavaScript's TypedArray.prototype.fill over a SharedArrayBuffer stores element by element with
// relaxed atomics: 32 MiB took 19 ms that way against 1.4 ms for `memory.fill` (a memset).

/** Sets `n` bytes from `ptr` to `value` (the low 8 bits). */
export function memoryFill(ptr: usize, value: i32, n: usize): void {
  memory.fill(ptr, <u8>value, n);
}
