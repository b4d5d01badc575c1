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
   * The linear memory's bytes: a `SharedArrayBuffer`, since fairfit's module
   * declares its memory shared (docs/architecture.md says why); a new object
   * after each growth, while views made before it stay attached.
   */
  readonly buffer: SharedArrayBuffer;
  /** Grows the memory by `delta` 64 KiB pages; returns the previous size in pages. */
  grow(delta: number): number;
}

declare const wasmModuleBrand: unique symbol;

/** A compiled `WebAssembly.Module` (opaque: fairfit only instantiates it and hashes its bytes). */
export interface WasmModule {
  /** Never present: only keeps unrelated objects from passing for a module by accident. */
  readonly [wasmModuleBrand]?: never;
}
