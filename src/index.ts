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

// Trace replay shell: public replay and sweep API, worker pool, report writers.
export { replay, type ReplayOptions, type ReplayReport } from './sim/replay.ts';
export { sweep, type SweepOptions } from './sim/sweep.ts';
export { isSweepReport, type SweepReport, type SweepGrid } from './sim/types.ts';
export { ReplayPool, type ReplayPoolOptions } from './sim/pool.ts';
export { parseRange, parsePolicies } from './sim/options.ts';
export type { TraceReadOptions } from './sim/trace.ts';
export { toJson, writeJson } from './report/json.ts';
export { toCsv, writeCsv, METRIC_COLUMNS } from './report/csv.ts';
export { renderHtml, writeHtml } from './report/html.ts';
export { describeModes, formatTable, summarizeByPolicy, type PolicySummary } from './report/table.ts';
export type { TaskTable, UsageTable, MachineEventTable, ReplayInput } from './model/tasks.ts';
export { POLICIES, type PolicyName, type UsageMode, type ReplayParams, type RunMetrics, type RunResult } from './systems/giantvm/types.ts';

// Trace ingestion: Google 2011 / SWF / Alibaba 2018 readers, synthetic usage, synthetic trace generator.
export { readGoogleTrace, type GoogleTraceOptions } from './io/google/trace-folder.ts';
export { readTaskEvents, type TaskEventsResult } from './io/google/task-events.ts';
export { readTaskUsage, usageBatches, usageWindows, type UsageBatch } from './io/google/task-usage.ts';
export { readMachineEvents } from './io/google/machine-events.ts';
export { partFiles, type GoogleReadOptions } from './io/google/part-files.ts';
export { TaskIds } from './io/google/task-ids.ts';
export { TaskTableBuilder, type TaskExtras } from './io/google/task-table-builder.ts';
export { TRACE_START, TaskEvent, USAGE_REPLAY_COLUMNS } from './io/google/schema.ts';
export { syntheticUsage, WINDOW_US, type SyntheticUsageOptions } from './io/synthetic-usage.ts';
export { generateTrace, type GenerateOptions, type GenerateResult } from './io/generate.ts';
export { readSwf } from './io/swf.ts';
export { readAlibabaMachines, type MachineUsageTable } from './io/alibaba.ts';
export { readCsvBatches } from './io/csv/read-batches.ts';
export { Problems, MAX_PROBLEMS, type ReadSummary } from './io/csv/problems.ts';
export { FieldKind, type CsvSpec, type FieldSpec, type ColumnBatch, type ReadOptions } from './io/csv/spec.ts';
export { F64Column, I32Column } from './io/columns.ts';

// GiantVM trace replay core (SPEC §6): WebAssembly replay, its object-per-task reference, parameters.
export {
  prepareReplay, simulateCells, mergeRuns, simulate, cellCount, withPolicy, defaultParams, DEFAULT_PARAMS,
  type CellRange, type PreparedReplay, type PreparedTasks, type PreparedWindows, type PreparedEvents, type PartialRun, type ResolvedParams,
} from './systems/giantvm/replay.ts';
export { simulateReference } from './systems/giantvm/reference.ts';
