/**
 * fairfit — an embeddable cluster-scheduling engine: a typed TypeScript API
 * over an AssemblyScript core compiled to WebAssembly. This entry point holds
 * what applications call; the building blocks the project's own layers use
 * are in `fairfit/internals` (src/internals.ts). docs/architecture.md
 * describes the layers.
 *
 * @packageDocumentation
 */
export { FairfitError, ERROR_CODES, type FairfitErrorCode, type FairfitErrorDetails } from './errors.ts';
export { wasmModule, type WasmBuild, type MemoryKind } from './wasm/module.ts';
export type { WasmMemory, WasmModule } from './wasm/wasm-types.ts';

// Maths kernels (WebAssembly) and their plain-TypeScript references.
export { gini, GiniTracker } from './kernels/gini.ts';
export { giniReference } from './reference/gini.ts';
export { capacityWeights, type CapacityWeightOptions } from './kernels/capacity.ts';
export type { NodeSpec, NodeColumns } from './kernels/node-columns.ts';
export { capacityWeightsReference } from './reference/capacity.ts';
export { recomputePriorities, PriorityTable } from './kernels/priority.ts';
export type { PriorityParams, PriorityColumns } from './kernels/priority-params.ts';
export { recomputePrioritiesReference } from './reference/priority.ts';
export {
  FirstFitMatcher, type DemandBatch, type DemandColumns, type MatcherNode, type MatcherOptions, type MatcherPlacement, type TaskSize,
  type Placement, type GangResult, type UnplacedReason,
} from './kernels/firstfit.ts';
export { LinearFirstFit } from './reference/firstfit.ts';
export { Rng } from './rng.ts';

// The embeddable IPTAS engine (WebAssembly), its plain-TypeScript reference, JSON commands, and job-log scheduling.
export { Engine, type EngineOptions } from './engine/engine.ts';
export { ReferenceEngine } from './systems/iptas/reference-engine.ts';
export type {
  TaskInput, GangInput, NodeInput, NodeUpdate, RoundResult, RoundHandles, RoundBuffers, Kill, HealthResult, TaskView, TaskState, LengthClass,
  Explanation, Reason, Counts, EngineDump, Placement as EnginePlacement,
} from './systems/iptas/reference-engine.ts';
export type { IptasEngine, IptasBatchCalls, IptasBatchEngine } from './systems/iptas/engine-api.ts';
export { resolveIptasParams, type IptasParams, type ResolvedIptasParams, type DownNodePolicy } from './systems/iptas/params.ts';
export { applyCommand, applyCommandLine, validateCommand, IPTAS_COMMAND_SCHEMA, IPTAS_OPS, type CommandResult, type CommandError, type CommandSuccess, type CommandFailure, type CommandResultOf } from './systems/iptas/commands.ts';
export type * from './systems/iptas/command-schema.ts';
export { scheduleJobs, jobsFromSwf, metricsOf, type TraceJob, type Algorithm, type ScheduleOptions, type ScheduleMetrics, type ScheduleResult } from './systems/iptas/schedule-trace.ts';
export { scheduleLog, ALGORITHMS, type ScheduleLogOptions, type ScheduleLogReport, type ScheduleRun, type ScheduleSeries, type LogFacts, type LogFormat } from './systems/iptas/schedule-log.ts';
export type { Reservation } from './systems/iptas/baselines.ts';

// GiantVM trace replay: public replay and sweep API, their types, the worker pool they can share.
export { replay } from './systems/giantvm/replay-api.ts';
export { sweep } from './systems/giantvm/sweep-api.ts';
export type { ReplayOptions, SweepOptions } from './systems/giantvm/options.ts';
export type { TraceReadOptions, TraceReadReport } from './systems/giantvm/trace.ts';
export { ReplayPool, type ReplayPoolOptions } from './systems/giantvm/replay-pool.ts';
export type { QueueOptions } from './queue/queue-options.ts';
export {
  POLICIES, USAGE_MODES, PRESETS, isSweepReport,
  TASK_SELECTIONS, TIME0_RULES, ARRIVAL_RULES, DELAY_RULES, MIGRATED_REQUEST_RULES, DESTINATION_CHECKS, MEM_ORDERS, GINI_RULES,
  type TaskSelection, type Time0Rule, type ArrivalRule, type DelayRule, type MigratedRequestRule, type DestinationCheck, type MemOrder, type GiniRule, type PresetName,
  type PolicyName, type UsageMode, type ReplayParams, type RunMetrics, type RunResult, type ReplayReport, type SweepReport, type SweepGrid,
} from './systems/giantvm/types.ts';
export { defaultParams, DEFAULT_PARAMS, type ResolvedParams } from './systems/giantvm/replay-params.ts';
export { simulate } from './systems/giantvm/replay.ts';
export { simulateReference } from './systems/giantvm/reference.ts';
export type { TaskTable, UsageTable, UsageIndex, EarlyRows, MachineEventTable, ReplayInput, TaskBuckets } from './model/tasks.ts';
export {
  liveRebalancerState, liveRebalanceStep, liveRebalanceReplay, parseProcStatSteal, parseCpuList, stealPerNode,
  type LiveRebalancerOptions, type LiveRebalancerState, type LiveDecision,
} from './systems/giantvm/live-rebalancer.ts';

// Report writers: generic JSON, and the GiantVM CSV, HTML report and comparison table.
export { toJson, writeJson } from './report/json.ts';
export { toCsv, writeCsv } from './systems/giantvm/csv-report.ts';
export { renderHtml, writeHtml } from './systems/giantvm/html-report.ts';
export { METRIC_COLUMNS } from './systems/giantvm/metrics.ts';
export { describeModes, formatTable, summarizeByPolicy, type PolicySummary } from './systems/giantvm/summary.ts';

// Trace ingestion: Google 2011 / SWF / Alibaba 2018 readers, synthetic usage, synthetic trace generator.
export { readGoogleTrace, type GoogleTraceOptions } from './io/google/trace-folder.ts';
export { readTaskEvents, type TaskEventsResult } from './io/google/task-events.ts';
export { readTaskUsage, usageWindows, type UsageBatch } from './io/google/task-usage.ts';
export { readMachineEvents } from './io/google/machine-events.ts';
export { partFiles, type GoogleReadOptions } from './io/google/part-files.ts';
export type { TaskExtras } from './io/google/task-table-builder.ts';
export { TRACE_START, TaskEvent, USAGE_REPLAY_COLUMNS } from './io/google/schema.ts';
export type { ReadSummary } from './io/csv/problems.ts';
export { syntheticUsage, WINDOW_US, type SyntheticUsageOptions } from './io/synthetic-usage.ts';
export { generateTrace, type GenerateOptions, type GenerateResult } from './io/generate.ts';
export { readSwf, type SwfColumns } from './io/swf.ts';
export { readAlibabaMachines, type MachineUsageTable } from './io/alibaba.ts';

// CRS rebalancing (seed 002): the course timetable model, CRS / SS / FF planners (WebAssembly, plain-TypeScript reference), initial placement, scenarios.
export { planRebalance, type RebalancePlan, type PlannedMove, type HostUtilisation, type UtilisationSpread } from './systems/crs/plan.ts';
export {
  REBALANCE_ALGORITHMS, REBALANCE_DEFAULTS, resolveRebalanceOptions, classifyHost, loadDecisionValue, migrateValue, DecisionPeriod,
  type RebalanceAlgorithm, type RebalanceInput, type RebalanceOptions, type ResolvedRebalanceOptions, type CrsHost, type CrsVm, type CpuMem, type UseValue, type HostClass,
} from './systems/crs/model.ts';
export { WEEKS, DAYS, SECTIONS, SLOTS, slotOf, timeOfSlot, courseSlots, gofit, type Course, type Lesson, type TermTime } from './systems/crs/timetable.ts';
export { TimetablePlacer, placeCourseVms, type SlotLoad, type CourseVmRequest, type PlacementResult } from './systems/crs/placement.ts';
export { generateScenario, type RebalanceScenario, type ScenarioPeriod, type ScenarioGenOptions } from './systems/crs/scenario.ts';
export { CRS_SCENARIO_SCHEMA, validateScenario, readScenario } from './systems/crs/scenario-schema.ts';
export { alibabaScenario, type AlibabaScenarioOptions, type AlibabaScenarioRead } from './systems/crs/alibaba-scenario.ts';
export { runScenario, type ScenarioRun, type ScenarioRunOptions, type PeriodOutcome } from './systems/crs/scenario-run.ts';
export { formatRebalanceTable, renderRebalanceHtml, writeRebalanceHtml, utilisationByWave, type RebalanceReport } from './systems/crs/rebalance-report.ts';

// Docklet virtual clusters (seed 001): the embeddable manager (WebAssembly gang placer, plain-TypeScript twin), its JSON commands.
export { VirtualClusters, type VirtualClustersOptions, type DockletApplyInput, type DockletApplyResult } from './systems/docklet/virtual-clusters.ts';
export {
  PLACEMENTS, MAX_CLUSTER_NODES,
  type ClusterPlacement, type Resources, type HostInput, type HostView, type ClusterSpec, type ClusterState, type MemberView, type ClusterSummary, type ClusterStatus,
  type DeleteResult, type DrainResult, type MemberMove, type QuotaLimits, type QuotaUse, type QuotaView,
} from './systems/docklet/model.ts';
export { DOCKLET_COMMAND_SCHEMA, DOCKLET_OPS, type DockletOp, type DockletCommand, type DockletCommandOf } from './systems/docklet/command-schema.ts';
export type {
  AddHostsCommand, RemoveHostsCommand, DrainHostsCommand, CreateCommand, DeleteCommand, ScaleCommand, StopCommand, StartCommand, ListCommand, StatusCommand, QuotaCommand, HostsCommand, SnapshotCommand,
} from './systems/docklet/command-schema.ts';
export { DOCKLET_SNAPSHOT_SCHEMA, DOCKLET_SNAPSHOT_FORMAT, DOCKLET_SNAPSHOT_VERSION, type DockletSnapshot, type SnapshotHost, type SnapshotCluster } from './systems/docklet/snapshot.ts';
export { validateDockletCommand, type DockletResults, type DockletCommandResult, type DockletCommandSuccess, type DockletCommandFailure, type DockletCommandError } from './systems/docklet/commands.ts';
export {
  DockletCommandLog, clustersReport, renderClustersHtml, writeClustersHtml, MAX_HOST_BARS, MAX_REFUSALS_LISTED, MAX_TABLE_ROWS,
  type ClustersReport, type ClustersReportOptions, type TenantRow, type ClusterRow, type CommandSummary, type CommandRefusal,
} from './systems/docklet/clusters-report.ts';
export {
  replayClusters, replayClusterTrace, describeClustersReplay, formatClustersReplay, DEFAULT_SAMPLE_SECONDS,
  type ClustersReplayOptions, type ClustersReplayReport, type ClustersPlacementRun, type ClustersSeries, type GangOutcomes, type MachineOutcomes,
} from './systems/docklet/trace-replay.ts';
export { renderClustersReplayHtml, writeClustersReplayHtml, clustersReplayCsv, writeClustersReplayCsv } from './systems/docklet/clusters-replay-report.ts';
export { readClusterTrace, type ClusterTrace, type ClusterTraceCounts, type ClusterTraceReadOptions, type TraceGangs, type MachineChanges } from './systems/docklet/trace-gangs.ts';
