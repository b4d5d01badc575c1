// The list of WebAssembly exports; nothing else lives here (see docs/abi.md).
export { lastErrorIndex } from './error';
export { gini, giniColumns, giniTrack } from './gini';
export { capacityWeights } from './capacity';
export { recomputePriorities } from './priority';
export { ffRebuild, ffPlace, ffPlaceBatch, ffPlaceAll, ffRelease, ffReleaseBatch, ffSetUp } from './firstfit';

/** First free byte after static data: where the TypeScript arena starts. */
export function heapBase(): usize {
  return __heap_base;
}
export { rngFill, rngFillNext } from './rng';
export { replayInit, replayStep, replayStateBytes } from './replay';
export { usageFeedDraw, usageFeedScatter, usageMem, usagePeak } from './synthetic-usage';
export { v8MathFill, v8MathFill2 } from './v8-math';
export { csvParse } from './csv';
export { engineAddRows, engineRound, engineRelease, engineReleaseMany, engineTimeKills, engineEvict, engineCancel, enginePurge, engineCheckRows } from './engine';
export { crsPlan } from './crs';
export { dockletPlace, dockletRelease, dockletShares } from './docklet';
export { columnScanBegin, columnScan, columnScanNeedsRest, columnScanRest, columnScanEnd } from './column-types';
export { columnPack, columnGather, columnGatherNext, columnUnpack, columnScatter, columnTypeSize, columnFill } from './column-codec';
export { memoryFill } from './memory';
