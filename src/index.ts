/**
 * fairfit — an embeddable cluster-scheduling engine: a typed TypeScript API
 * over an AssemblyScript core compiled to WebAssembly.
 *
 * @packageDocumentation
 */
export { FairfitError, ERROR_CODES, type FairfitErrorCode, type FairfitErrorDetails } from './errors.ts';
export { wasmModule, type WasmBuild } from './wasm/module.ts';

// Maths kernels (WebAssembly) and their plain-TypeScript references.
export { gini } from './kernels/gini.ts';
export { giniReference } from './reference/gini.ts';
