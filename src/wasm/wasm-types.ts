/**
 * The WebAssembly types that appear in fairfit's public signatures, declared
 * structurally here so the published typings compile with `lib: ES2022` and
 * `@types/node` alone (`@types/node` 20 has no `WebAssembly` namespace; the
 * DOM library does). A `WebAssembly.Memory` / `WebAssembly.Module` is
 * assignable to them.
 *
 * @module
 */

/** What fairfit uses of a `WebAssembly.Memory`. */
export interface WasmMemory {
  /**
   * The linear memory's bytes, replaced when the memory grows: an `ArrayBuffer`
   * (old views detached), or for an engine's shared memory a `SharedArrayBuffer`
   * (old views stay attached; docs/architecture.md says why it is shared).
   */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** Grows the memory by `delta` 64 KiB pages; returns the previous size in pages. */
  grow(delta: number): number;
}

declare const wasmModuleBrand: unique symbol;

/** A compiled `WebAssembly.Module` (opaque: fairfit only instantiates it and hashes its bytes). */
export interface WasmModule {
  /** Never present: only keeps unrelated objects from passing for a module by accident. */
  readonly [wasmModuleBrand]?: never;
}
