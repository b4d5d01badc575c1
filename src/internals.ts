/**
 * `fairfit/internals`: the building blocks fairfit's own layers use, for
 * tools, benchmarks and new systems built on them. No stability promise
 * beyond the package root (`fairfit`): names here may change in any release.
 *
 * - columnar trace building: `TaskTableBuilder`, `TaskIds`, `F64Column`,
 *   `I32Column`, the spilling builder (`SpillingTaskBuilder` → `SpilledTasks`, files in a
 *   `TempFolder`), the CSV batch reader (`readCsvBatches` with `SpareColumns`, `Problems`,
 *   `FieldKind`…) and `usageBatches`;
 * - the GiantVM replay in pieces: `prepareReplay` → `simulateCells` (any
 *   range of cells, any thread) → `mergeRuns`, with `cellCount` and
 *   `withPolicy`, `withoutSeries`, and the option resolution of `replay()` / `sweep()`;
 * - the parallel runner: `WorkerPool` and the job handler contract, shared
 *   memory (`toShared`), option value checks (`parseRange`…);
 * - the job queue: `runJobsOnQueue`, `QueueWorker` and what they share (this
 *   module imports BullMQ and ioredis, the optional peer dependencies: both
 *   must be installed to import it);
 * - the WebAssembly boundary: `Core` (one instance, its memory and arena; kernel
 *   objects of one engine share one through their `{ core }` option), `Views`,
 *   and the layout descriptions (`struct`, `enumeration`, `constants`);
 * - the batch-scheduling baselines of the IPTAS comparison: one FCFS or EASY
 *   pass (`fcfsPass`, `easyPass`, their vector forms over a `NodePool`).
 *
 * docs/architecture.md describes the layers.
 *
 * @packageDocumentation
 */

// The WebAssembly boundary: instances, kept views, layout descriptions.
export { Core, Views, POOL_BYTES } from './wasm/module.ts';
export type { CoreExports } from './wasm/abi.ts';
export { struct, enumeration, constants, slots, type StructLayout, type EnumLayout, type ConstantsLayout, type FieldType, type StructValues } from './wasm/layout.ts';

// Columnar trace building and CSV batch reading.
export { TaskIds } from './io/google/task-ids.ts';
export { TaskTableBuilder } from './io/google/task-table-builder.ts';
export { SpillingTaskBuilder, NotExactError, SPILL_TUNING } from './io/google/spill-builder.ts';
export { SpilledTasks, type SpilledTable } from './io/google/spilled-tasks.ts';
export { TempFolder } from './io/temp-files.ts';
export { usageBatches } from './io/google/task-usage.ts';
export { F64Column, I32Column } from './io/columns.ts';
export { readCsvBatches, SpareColumns } from './io/csv/read-batches.ts';
export { Problems, MAX_PROBLEMS } from './io/csv/problems.ts';
export { FieldKind, type CsvSpec, type FieldSpec, type ColumnBatch, type ReadOptions } from './io/csv/spec.ts';

// The GiantVM replay in pieces (prepare once, simulate cell ranges anywhere, merge in cell order).
export {
  prepareReplay, simulateCells, mergeRuns, cellCount, withPolicy, withoutSeries,
  type CellRange, type PreparedReplay, type PreparedTasks, type PreparedWindows, type PreparedSynthetic, type PreparedTraceUsage, type PreparedEvents, type PartialRun,
} from './systems/giantvm/replay.ts';
export { type ArrivalFile } from './systems/giantvm/arrival-file.ts';
export { type PointBlocks } from './systems/giantvm/part-collector.ts';
export {
  parsePolicies, resolveReplayOptions, resolveSweepOptions, MAX_SEEDS, PARAM_KEYS,
  type ResolvedReplayOptions, type ResolvedSweepOptions,
} from './systems/giantvm/options.ts';

// The parallel runner.
export { WorkerPool, type WorkerPoolOptions } from './runner/pool.ts';
export { errorOutcome, taskError, type Job, type JobHandler, type JobMessage, type JobOutcome, type ErrorOutcome } from './runner/job.ts';
export { toShared, shareTyped } from './runner/share.ts';

// The job queue (Redis + BullMQ): coordinator, worker, and what they share; it imports no system.
export { runJobsOnQueue, RECONCILE_MS, COORDINATOR_LEASE_MS, type QueueJobSpec, type QueueRunOutcome } from './queue/coordinator.ts';
export { QueueWorker, REFUSAL_PAUSE_MS, type QueueHandler, type QueueWorkerOptions, type QueueWorkerEvent } from './queue/queue-worker.ts';
export { resolveQueueOptions, QUEUE_DEFAULTS, WORKER_BOUNDS, WORKER_DEFAULTS, type ResolvedQueueOptions } from './queue/queue-options.ts';
export { parseQueueUrl, checkReachable, shownUrl, CONNECT_TIMEOUT_MS, type QueueConnection, type RedisOptions } from './queue/redis-url.ts';
export { contentHash, ContentHashCache, relativeFiles } from './queue/content-hash.ts';
export { encodePayload, decodePayload } from './queue/payload.ts';
export { QUEUE_NAME, PROTOCOL, jobId, coordinatorsKey, SWEEP_ID, refusal, isRefusal, isQueueRefusal, type QueueJobData, type QueueRefusal } from './queue/protocol.ts';
export { buildId } from './queue/build-id.ts';
export { CLOSE_MS } from './queue/close.ts';
export { parseRange, parseNumber, checkInteger, checkValues, checkWorkers, checkKeys, invalid, MAX_RANGE_VALUES, MAX_WORKERS } from './runner/checks.ts';

// The batch-scheduling baselines the IPTAS engine is judged against (one pass each).
export {
  fcfsPass, easyPass, fcfsVectorPass, easyVectorPass, NodePool, FirstFitMemory,
  type QueuedJob, type RunningJob, type Pass, type QueuedVectorJob, type RunningVectorJob, type VectorPass,
} from './systems/iptas/baselines.ts';

// CRS rebalancing planners as columns: the WebAssembly planner, its plain-TypeScript twin, waves.
export { planColumns, planParams, firstDuplicate, meanUse, HOST_FLAG, type PlanColumns, type PlanParams, type RawPlan } from './systems/crs/plan-columns.ts';
export { referencePlan } from './systems/crs/reference-planner.ts';
export { wasmPlan } from './systems/crs/wasm-planner.ts';
export { describePlan, runPlanner, waveIndices } from './systems/crs/plan.ts';
export { CRS_PLAN, CRS_ALGORITHM, CRS_CONSTANTS, CRS_LAYOUTS } from './systems/crs/crs-layouts.ts';

// Docklet virtual clusters: the gang placers (WebAssembly, plain-TypeScript twin) and their layouts.
export { WasmPlacer } from './systems/docklet/wasm-placer.ts';
export { ReferencePlacer } from './systems/docklet/reference-placer.ts';
export type { GangPlacer, HostColumns } from './systems/docklet/model.ts';
export { DOCKLET_HOSTS, DOCKLET_GANG, DOCKLET_MODE, DOCKLET_LAYOUTS } from './systems/docklet/docklet-layouts.ts';
