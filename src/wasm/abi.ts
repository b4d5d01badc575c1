/**
 * The typed ABI of the WebAssembly core: every export of `assembly/index.ts`
 * with its parameter types. Pointers are byte offsets into `memory`; layouts
 * are described in `src/kernels/kernel-layouts.ts`, `src/systems/giantvm/replay-layouts.ts`,
 * `src/systems/crs/crs-layouts.ts` and `src/systems/docklet/docklet-layouts.ts`
 * (rendered into `assembly/layouts.ts`) and documented in `docs/abi.md`.
 * `test/wasm/abi.test.ts` checks this list against the release build.
 *
 * @module
 */
import type { WasmMemory } from './wasm-types.ts';

/** Exports of the fairfit WebAssembly module. */
export interface CoreExports {
  memory: WasmMemory;
  heapBase(): number;
  lastErrorIndex(): number;
  gini(x: number, n: number, tmp: number, hist: number, out: number): number;
  giniColumns(mat: number, rows: number, cols: number, x: number, tmp: number, hist: number, out: number): number;
  giniTrack(tracker: number): number;
  capacityWeights(speed: number, vcpu: number, mem: number, up: number, n: number, lambdaCpu: number, lambdaMem: number, out: number): number;
  recomputePriorities(dataGB: number, user: number, rounds: number, n: number, running: number, users: number, params: number, out: number, pen: number): number;
  ffRebuild(matcher: number): void;
  ffPlace(matcher: number, dem: number, size: number): number;
  ffPlaceBatch(matcher: number, dem: number, m: number, sizes: number, thr: number, out: number): number;
  ffPlaceAll(matcher: number, dem: number, m: number, sizes: number, thr: number, out: number, undo: number): number;
  ffRelease(matcher: number, node: number, dem: number): number;
  ffReleaseBatch(matcher: number, nodes: number, dem: number, m: number): number;
  ffSetUp(matcher: number, node: number, up: number): void;
  rngFill(seed: number, n: number, state: number, out: number): void;
  rngFillNext(n: number, state: number, out: number): void;
  replayInit(replay: number): number;
  replayStep(replay: number, until: number): number;
  replayStateBytes(machines: number, cells: number, sampleEvery: number): number;
  usageFeedDraw(feed: number, period: number): number;
  usageFeedScatter(feed: number, mirror: number, period: number): number;
  usagePeak(feed: number, task: number, window: number, cpu: number): number;
  usageMem(feed: number, task: number): number;
  v8MathFill(fn: number, x: number, n: number, out: number): void;
  v8MathFill2(fn: number, x: number, n: number, out: number): void;
  csvParse(scan: number): number;
  engineRound(engine: number): number;
  engineRelease(engine: number, task: number, next: number): number;
  engineReleaseMany(engine: number, count: number): number;
  engineAddRows(engine: number, count: number, user: number, gang: number, large: number, dataGB: number, request: number): number;
  engineTimeKills(engine: number): number;
  engineEvict(engine: number, node: number, requeue: number): number;
  engineCancel(engine: number, count: number): number;
  enginePurge(engine: number, nodes: number): number;
  engineCheckRows(engine: number, tasks: number, users: number, gangs: number, nodes: number, records: number, columns: number, from: number, to: number): number;
  crsPlan(plan: number): number;
  dockletPlace(hosts: number, gang: number): number;
  dockletRelease(hosts: number, gang: number): void;
  dockletShares(hosts: number, out: number, free: number): number;
  columnScanBegin(): void;
  columnScan(ptr: number, n: number, element: number, fallback: number): void;
  columnScanNeedsRest(n: number): number;
  columnScanRest(ptr: number, n: number, fallback: number): void;
  columnScanEnd(n: number): number;
  columnPack(src: number, element: number, from: number, count: number, type: number, out: number): void;
  columnGather(src: number, element: number, from: number, n: number, fallback: number, type: number, max: number, rowsOut: number, valsOut: number): number;
  columnGatherNext(): number;
  columnUnpack(at: number, type: number, count: number, dst: number, element: number, from: number): void;
  columnScatter(rowsAt: number, valsAt: number, type: number, count: number, dst: number, element: number, n: number): number;
  columnTypeSize(type: number): number;
  columnFill(dst: number, element: number, n: number, value: number): void;
  memoryFill(ptr: number, value: number, n: number): void;
}

/** Names of the function exports, in the order of {@link CoreExports}: the ABI test compares them with the module. */
export const CORE_FUNCTIONS = [
  'heapBase', 'lastErrorIndex', 'gini', 'giniColumns', 'giniTrack', 'capacityWeights', 'recomputePriorities',
  'ffRebuild', 'ffPlace', 'ffPlaceBatch', 'ffPlaceAll', 'ffRelease', 'ffReleaseBatch', 'ffSetUp', 'rngFill', 'rngFillNext',
  'replayInit', 'replayStep', 'replayStateBytes', 'usageFeedDraw', 'usageFeedScatter', 'usagePeak', 'usageMem', 'v8MathFill', 'v8MathFill2', 'csvParse',
  'engineAddRows', 'engineRound', 'engineRelease', 'engineReleaseMany', 'engineTimeKills', 'engineEvict', 'engineCancel', 'enginePurge', 'engineCheckRows',
  'crsPlan', 'dockletPlace', 'dockletRelease', 'dockletShares', 'columnScanBegin', 'columnScan', 'columnScanNeedsRest', 'columnScanRest', 'columnScanEnd', 'columnPack', 'columnGather', 'columnGatherNext', 'columnUnpack', 'columnScatter', 'columnTypeSize', 'columnFill', 'memoryFill',
] as const satisfies readonly (keyof CoreExports)[];
