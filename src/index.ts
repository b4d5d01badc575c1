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
export { capacityWeights, type CapacityWeightOptions } from './kernels/capacity.ts';
export type { NodeSpec, NodeColumns } from './kernels/columns.ts';
export { capacityWeightsReference } from './reference/capacity.ts';
export { recomputePriorities, PriorityTable } from './kernels/priority.ts';
export type { PriorityParams, PriorityColumns } from './kernels/priority-params.ts';
export { recomputePrioritiesReference } from './reference/priority.ts';
export { FirstFitMatcher, type DemandBatch, type DemandColumns, type MatcherNode, type MatcherOptions, type TaskSize } from './kernels/firstfit.ts';
export { LinearFirstFit } from './reference/firstfit.ts';
export { Rng } from './rng.ts';
