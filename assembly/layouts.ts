// Memory layouts, enumerations and constants shared with TypeScript.
// Rendered by scripts/layouts.ts from the descriptions in src/kernels/kernel-layouts.ts,
// src/systems/giantvm/replay-layouts.ts, src/systems/iptas/engine-layouts.ts, src/systems/crs/crs-layouts.ts
// and src/systems/docklet/docklet-layouts.ts:
// edit those, then run `npm run layouts`.
// Struct fields are byte offsets: load<T>(ptr, Struct.field).

/** State of one sorted first-fit matcher (src/kernels/firstfit.ts). */
export namespace Matcher {
  export const n: usize = 0; // i32
  export const dims: usize = 4; // i32
  export const size: usize = 8; // i32
  export const cap: usize = 12; // usize
  export const res: usize = 16; // usize
  export const up: usize = 20; // usize
  export const node: usize = 24; // usize
  export const pos: usize = 28; // usize
  export const tree: usize = 32; // usize
  export const save: usize = 36; // usize
  export const SIZE: usize = 40; // bytes
}

/** Ways of the first-fit miss memo (assembly/firstfit.ts). */
export namespace MissMemo {
  export const WAYS: i32 = 4;
}

/** Size class of a task (sorted first-fit scan direction). */
export namespace TaskSize {
  export const small: i32 = 0;
  export const large: i32 = 1;
  export const COUNT: i32 = 2;
}

/** Return value of ffPlaceAll when every demand was placed. */
export namespace PlaceAll {
  export const ALL_PLACED: i32 = -1;
}

/** Parameters of the dynamic priority (src/kernels/priority-params.ts). */
export namespace PriorityParams {
  export const w1: usize = 0; // f64
  export const w2: usize = 8; // f64
  export const w3: usize = 16; // f64
  export const staticShort: usize = 24; // f64
  export const staticMedium: usize = 32; // f64
  export const staticLong: usize = 40; // f64
  export const k1: usize = 48; // f64
  export const k2: usize = 56; // f64
  export const penalty: usize = 64; // f64
  export const l0: usize = 72; // f64
  export const deltaR: usize = 80; // f64
  export const agingCap: usize = 88; // f64
  export const SIZE: usize = 96; // bytes
}

/** Scratch sizes of the Gini kernels (src/kernels/gini.ts). */
export namespace Gini {
  export const RADIX_BITS: i32 = 11;
  export const RADIX_PASSES: i32 = 6;
  export const HIST_BYTES: i32 = 49152;
  export const COL_BLOCK: i32 = 8;
}

/** State of one Gini tracker (src/kernels/gini.ts). */
export namespace GiniTrack {
  export const n: usize = 0; // i32
  export const last: usize = 4; // i32
  export const cap: usize = 8; // i32
  export const changed: usize = 12; // i32
  export const values: usize = 16; // usize
  export const prev: usize = 20; // usize
  export const sorted: usize = 24; // usize
  export const next: usize = 28; // usize
  export const removed: usize = 32; // usize
  export const added: usize = 36; // usize
  export const tmp: usize = 40; // usize
  export const hist: usize = 44; // usize
  export const gini: usize = 48; // f64
  export const SIZE: usize = 56; // bytes
}

/** State of the seeded PRNG (src/rng.ts): xoshiro128** words. */
export namespace RngState {
  export const a: usize = 0; // u32
  export const b: usize = 4; // u32
  export const c: usize = 8; // u32
  export const d: usize = 12; // u32
  export const SIZE: usize = 16; // bytes
}

/** A call of the CSV line scanner: input, spec, columns; results written on return (src/io/csv/wasm-line-scanner.ts). */
export namespace CsvScan {
  export const buf: usize = 0; // usize
  export const len: usize = 4; // i32
  export const pos: usize = 8; // i32
  export const spec: usize = 12; // usize
  export const fields: usize = 16; // i32
  export const comment: usize = 20; // i32
  export const cols: usize = 24; // usize
  export const cap: usize = 28; // i32
  export const row: usize = 32; // i32
  export const stop: usize = 36; // i32
  export const rows: usize = 40; // i32
  export const lines: usize = 44; // i32
  export const leftLine: usize = 48; // i32
  export const slowLines: usize = 52; // i32
  export const SIZE: usize = 56; // bytes
}

/** Field kinds of the CSV scanner spec (src/io/csv/spec.ts). */
export namespace CsvField {
  export const skip: i32 = 0;
  export const number: i32 = 1;
  export const hash: i32 = 2;
  export const id: i32 = 3;
  export const COUNT: i32 = 4;
}

/** Return values of csvParse. */
export namespace CsvStatus {
  export const DONE: i32 = 0;
  export const LINE_FOR_TYPESCRIPT: i32 = 2;
}

/** Element types of a snapshot column (src/engine/column-codec.ts); …S: sixteenths (x·16). */
export namespace ColumnType {
  export const U8: i32 = 0;
  export const I8: i32 = 1;
  export const U16: i32 = 2;
  export const I16: i32 = 3;
  export const I32: i32 = 4;
  export const U32: i32 = 5;
  export const F32: i32 = 6;
  export const F64: i32 = 7;
  export const U8S: i32 = 8;
  export const I8S: i32 = 9;
  export const U16S: i32 = 10;
  export const I16S: i32 = 11;
  export const COUNT: i32 = 12;
}

/** Element of a column scanned by columnTypes. */
export namespace ColumnElement {
  export const I32: i32 = 0;
  export const U8: i32 = 1;
  export const F64: i32 = 2;
  export const COUNT: i32 = 3;
}

/** GiantVM rebalancing policies (src/systems/giantvm/types.ts, POLICIES). */
export namespace Policy {
  export const no_migration: i32 = 0;
  export const coarse_grained: i32 = 1;
  export const fine_grained: i32 = 2;
  export const cpu_request: i32 = 3;
  export const cpu_usage: i32 = 4;
  export const mem_usage: i32 = 5;
  export const cpu_usage_desc: i32 = 6;
  export const cache_misses: i32 = 7;
  export const COUNT: i32 = 8;
}

/** Machine event types of the replay (Google 2011 machine_events). */
export namespace MachineEvent {
  export const add: i32 = 0;
  export const remove: i32 = 1;
  export const update: i32 = 2;
  export const COUNT: i32 = 3;
}

/** State of a replayed task. */
export namespace TaskState {
  export const unsubmitted: i32 = 0;
  export const pending: i32 = 1;
  export const running: i32 = 2;
  export const done: i32 = 3;
  export const COUNT: i32 = 4;
}

/** One GiantVM replay: counts, parameters, column addresses, cursor (src/systems/giantvm/replay-layouts.ts). */
export namespace Replay {
  export const tasks: usize = 0; // i32
  export const machines: usize = 4; // i32
  export const cells: usize = 8; // i32
  export const events: usize = 12; // i32
  export const cellSize: usize = 16; // i32
  export const policy: usize = 20; // i32
  export const interval: usize = 24; // i32
  export const sampleEvery: usize = 28; // i32
  export const points: usize = 32; // i32
  export const ringPoints: usize = 36; // i32
  export const ticks: usize = 40; // i32
  export const tickUs: usize = 48; // f64
  export const startUs: usize = 56; // f64
  export const overcommit: usize = 64; // f64
  export const minMove: usize = 72; // f64
  export const time0Run: usize = 80; // i32
  export const requestStays: usize = 84; // i32
  export const destRequest: usize = 88; // i32
  export const memDesc: usize = 92; // i32
  export const recycle: usize = 96; // i32
  export const slotWindows: usize = 100; // i32
  export const taskMachine: usize = 104; // usize
  export const taskSubmitTick: usize = 108; // usize
  export const taskSubmitUs: usize = 112; // usize
  export const taskWork: usize = 116; // usize
  export const taskReq: usize = 120; // usize
  export const taskPrio: usize = 124; // usize
  export const taskWinB: usize = 128; // usize
  export const taskWinE: usize = 132; // usize
  export const taskNext: usize = 136; // usize
  export const taskPrev: usize = 140; // usize
  export const taskState: usize = 144; // usize
  export const taskCur: usize = 148; // usize
  export const taskHome: usize = 152; // usize
  export const taskFinV: usize = 156; // usize
  export const taskRem: usize = 160; // usize
  export const taskHeld: usize = 164; // usize
  export const cand: usize = 168; // usize
  export const candKey: usize = 172; // usize
  export const arrivals: usize = 176; // usize
  export const freeList: usize = 180; // usize
  export const winEnd: usize = 184; // usize
  export const winCpu: usize = 188; // usize
  export const winMem: usize = 192; // usize
  export const winMaxCpu: usize = 196; // usize
  export const winMai: usize = 200; // usize
  export const winStride: usize = 204; // i32
  export const machineCap: usize = 208; // usize
  export const machineUp: usize = 212; // usize
  export const eventTick: usize = 216; // usize
  export const eventMachine: usize = 220; // usize
  export const eventType: usize = 224; // usize
  export const eventCap: usize = 228; // usize
  export const cellAcc: usize = 232; // usize
  export const cellPt: usize = 236; // usize
  export const machPt: usize = 240; // usize
  export const utilSum: usize = 244; // usize
  export const upTicks: usize = 248; // usize
  export const state: usize = 252; // usize
  export const usageFeed: usize = 256; // usize
  export const tick: usize = 260; // i32
  export const nextTask: usize = 264; // i32
  export const nextEvent: usize = 268; // i32
  export const staged: usize = 272; // i32
  export const freeCount: usize = 276; // i32
  export const SIZE: usize = 280; // bytes
}

/** Per-cell accumulators of a replay (f64 each). */
export namespace CellAcc {
  export const cpu: usize = 0; // f64
  export const cap: usize = 8; // f64
  export const over: usize = 16; // f64
  export const up: usize = 24; // f64
  export const delay: usize = 32; // f64
  export const stretch: usize = 40; // f64
  export const finished: usize = 48; // f64
  export const migMem: usize = 56; // f64
  export const migrations: usize = 64; // f64
  export const migFirst: usize = 72; // f64
  export const migSecond: usize = 80; // f64
  export const events: usize = 88; // f64
  export const arrived: usize = 96; // f64
  export const started: usize = 104; // f64
  export const requeued: usize = 112; // f64
  export const open: usize = 120; // f64
  export const openDelay: usize = 128; // f64
  export const openStretch: usize = 136; // f64
  export const openNever: usize = 144; // f64
  export const SIZE: usize = 152; // bytes
}

/** Per-cell, per-series-point accumulators of a replay (f64 each). */
export namespace CellPoint {
  export const cpu: usize = 0; // f64
  export const cap: usize = 8; // f64
  export const over: usize = 16; // f64
  export const up: usize = 24; // f64
  export const migMem: usize = 32; // f64
  export const migrations: usize = 40; // f64
  export const migFirst: usize = 48; // f64
  export const migSecond: usize = 56; // f64
  export const running: usize = 64; // f64
  export const pending: usize = 72; // f64
  export const SIZE: usize = 80; // bytes
}

/** Synthetic usage drawn on demand: model constants, per-slot columns, live list (src/systems/giantvm/replay-layouts.ts). */
export namespace UsageFeed {
  export const joins: usize = 0; // i32
  export const live: usize = 4; // i32
  export const capacity: usize = 8; // i32
  export const startUs: usize = 16; // f64
  export const windowUs: usize = 24; // f64
  export const cpuMu: usize = 32; // f64
  export const cpuSigma: usize = 40; // f64
  export const memMu: usize = 48; // f64
  export const memSigma: usize = 56; // f64
  export const memMax: usize = 64; // f64
  export const maiMu: usize = 72; // f64
  export const maiSigma: usize = 80; // f64
  export const peakMu: usize = 88; // f64
  export const peakSigma: usize = 96; // f64
  export const cpuS: usize = 104; // f64
  export const memS: usize = 112; // f64
  export const rho: usize = 120; // f64
  export const innovCpu: usize = 128; // f64
  export const innovMem: usize = 136; // f64
  export const taskKey: usize = 144; // usize
  export const taskK0: usize = 148; // usize
  export const taskCount: usize = 152; // usize
  export const taskMem: usize = 156; // usize
  export const taskReq: usize = 160; // usize
  export const joinList: usize = 164; // usize
  export const liveList: usize = 168; // usize
  export const rng: usize = 172; // usize
  export const replay: usize = 176; // usize
  export const slotWindows: usize = 180; // usize
  export const drawScratch: usize = 184; // usize
  export const mirrors: usize = 188; // usize
  export const mirrorCount: usize = 192; // i32
  export const mirrorSlots: usize = 196; // usize
  export const SIZE: usize = 200; // bytes
}

/** One task of synthetic usage's live list (src/systems/giantvm/replay-layouts.ts). */
export namespace LiveEntry {
  export const cpuLevel: usize = 0; // f64
  export const cpu: usize = 8; // f64
  export const arCpu: usize = 16; // f64
  export const arMem: usize = 24; // f64
  export const req: usize = 32; // f64
  export const slot: usize = 40; // i32
  export const key: usize = 44; // u32
  export const k0: usize = 48; // i32
  export const count: usize = 52; // i32
  export const cur: usize = 56; // i32
  export const drawn: usize = 60; // i32
  export const SIZE: usize = 64; // bytes
}

/** The window of one task slot (src/systems/giantvm/replay-layouts.ts). */
export namespace SlotWindow {
  export const end: usize = 0; // f64
  export const cpu: usize = 8; // f64
  export const mem: usize = 16; // f64
  export const maxCpu: usize = 24; // f64
  export const mai: usize = 32; // f64
  export const memLog: usize = 40; // f64
  export const SIZE: usize = 48; // bytes
}

/** States of an engine task (src/systems/iptas/reference-engine.ts, TaskState). */
export namespace EngineTaskState {
  export const waiting: i32 = 0;
  export const running: i32 = 1;
  export const ok: i32 = 2;
  export const failed: i32 = 3;
  export const killed: i32 = 4;
  export const cancelled: i32 = 5;
  export const COUNT: i32 = 6;
}

/** One WebAssembly IPTAS engine (src/systems/iptas/engine.ts). */
export namespace Engine {
  export const dims: usize = 0; // i32
  export const tasks: usize = 4; // i32
  export const taskCap: usize = 8; // i32
  export const users: usize = 12; // i32
  export const nodeCap: usize = 16; // i32
  export const ringCap: usize = 20; // i32
  export const gangs: usize = 24; // i32
  export const waiting: usize = 28; // i32
  export const now: usize = 32; // f64
  export const alphaPlusOne: usize = 40; // f64
  export const minDeadline: usize = 48; // f64
  export const matcher: usize = 56; // usize
  export const priorityParams: usize = 60; // usize
  export const state: usize = 64; // usize
  export const user: usize = 68; // usize
  export const dataGB: usize = 72; // usize
  export const request: usize = 76; // usize
  export const demand: usize = 80; // usize
  export const large: usize = 84; // usize
  export const rounds: usize = 88; // usize
  export const place: usize = 92; // usize
  export const gang: usize = 96; // usize
  export const submitTime: usize = 100; // usize
  export const plainRow: usize = 104; // usize
  export const failures: usize = 108; // usize
  export const waitList: usize = 112; // usize
  export const runList: usize = 116; // usize
  export const runCount: usize = 120; // i32
  export const placements: usize = 124; // i32
  export const pNode: usize = 128; // usize
  export const pRunPos: usize = 132; // usize
  export const pStart: usize = 136; // usize
  export const pT0: usize = 140; // usize
  export const pDeadline: usize = 144; // usize
  export const running: usize = 148; // usize
  export const epsilon: usize = 152; // usize
  export const ringBuf: usize = 156; // usize
  export const ringHead: usize = 160; // usize
  export const ringLen: usize = 164; // usize
  export const busy: usize = 168; // usize
  export const gangFirst: usize = 172; // usize
  export const gangSize: usize = 176; // usize
  export const gangSeen: usize = 180; // usize
  export const sData: usize = 184; // usize
  export const sUser: usize = 188; // usize
  export const sRounds: usize = 192; // usize
  export const sPri: usize = 196; // usize
  export const sPen: usize = 200; // usize
  export const sKeys: usize = 204; // usize
  export const sKeys2: usize = 208; // usize
  export const sIdx: usize = 212; // usize
  export const sIdx2: usize = 216; // usize
  export const sHist: usize = 220; // usize
  export const sUndo: usize = 224; // usize
  export const sGangNodes: usize = 228; // usize
  export const sFail: usize = 232; // usize
  export const sMemo: usize = 236; // usize
  export const outTask: usize = 240; // usize
  export const outNode: usize = 244; // usize
  export const outCount: usize = 248; // i32
  export const SIZE: usize = 256; // bytes
}

/** Fixed scratch sizes of the engine round. */
export namespace EngineScratch {
  export const FAIL_SLOTS: i32 = 64;
}

/** Findings of engineCheckRows (src/engine/engine.ts, checkRestored). */
export namespace EngineRowCheck {
  export const ok: i32 = 0;
  export const state: i32 = 1;
  export const user: i32 = 2;
  export const gang: i32 = 3;
  export const numbers: i32 = 4;
  export const demand: i32 = 5;
  export const gangRows: i32 = 6;
  export const record: i32 = 7;
  export const runningRecord: i32 = 8;
  export const COUNT: i32 = 9;
}

/** Optional columns engineCheckRows checks (bit flags). */
export namespace EngineRowColumn {
  export const gang: i32 = 1;
  export const submitTime: i32 = 2;
}

/** One call of the rebalancing planner (src/systems/crs/wasm-planner.ts). */
export namespace CrsPlan {
  export const hosts: usize = 0; // i32
  export const vms: usize = 4; // i32
  export const courses: usize = 8; // i32
  export const algorithm: usize = 12; // i32
  export const highAll: usize = 16; // i32
  export const lowAll: usize = 20; // i32
  export const strict: usize = 24; // i32
  export const normalOnly: usize = 28; // i32
  export const maxPowerOff: usize = 32; // i32
  export const count: usize = 36; // i32
  export const highCpu: usize = 40; // f64
  export const highMem: usize = 48; // f64
  export const lowCpu: usize = 56; // f64
  export const lowMem: usize = 64; // f64
  export const wCpu: usize = 72; // f64
  export const wMem: usize = 80; // f64
  export const capCpu: usize = 88; // usize
  export const capMem: usize = 92; // usize
  export const useCpu: usize = 96; // usize
  export const useMem: usize = 100; // usize
  export const cores: usize = 104; // usize
  export const baseCpu: usize = 108; // usize
  export const baseMem: usize = 112; // usize
  export const hostVms: usize = 116; // usize
  export const vmHost: usize = 120; // usize
  export const vmCpu: usize = 124; // usize
  export const vmUseCpu: usize = 128; // usize
  export const vmUseMem: usize = 132; // usize
  export const vmCourse: usize = 136; // usize
  export const courseStart: usize = 140; // usize
  export const courseSlots: usize = 144; // usize
  export const counts: usize = 148; // usize
  export const gcache: usize = 152; // usize
  export const gver: usize = 156; // usize
  export const hver: usize = 160; // usize
  export const keys: usize = 164; // usize
  export const tmpKeys: usize = 168; // usize
  export const list: usize = 172; // usize
  export const tmpList: usize = 176; // usize
  export const hist: usize = 180; // usize
  export const listStart: usize = 184; // usize
  export const cursor: usize = 188; // usize
  export const flags: usize = 192; // usize
  export const moved: usize = 196; // usize
  export const hcls: usize = 200; // usize
  export const hde: usize = 204; // usize
  export const lows: usize = 208; // usize
  export const lowTmp: usize = 212; // usize
  export const lowKeys: usize = 216; // usize
  export const lowTmpKeys: usize = 220; // usize
  export const undoF: usize = 224; // usize
  export const undoR: usize = 228; // usize
  export const moveVm: usize = 232; // usize
  export const moveFrom: usize = 236; // usize
  export const moveTo: usize = 240; // usize
  export const movePhase: usize = 244; // usize
  export const moveGofit: usize = 248; // usize
  export const moveDe: usize = 252; // usize
  export const SIZE: usize = 256; // bytes
}

/** Rebalancing planners (src/systems/crs/model.ts, REBALANCE_ALGORITHMS). */
export namespace CrsAlgorithm {
  export const crs: i32 = 0;
  export const ss: i32 = 1;
  export const ff: i32 = 2;
  export const COUNT: i32 = 3;
}

/** Term slots and returned host flags of the rebalancing planner (src/systems/crs/). */
export namespace Crs {
  export const SLOTS: i32 = 400;
  export const FLAG_OFF: i32 = 1;
  export const FLAG_UNRESOLVED: i32 = 2;
}

/** The hosts of a virtual-cluster manager (src/systems/docklet/wasm-placer.ts). */
export namespace DockletHosts {
  export const hosts: usize = 0; // i32
  export const room: usize = 4; // i32
  export const capCpu: usize = 8; // usize
  export const capMem: usize = 12; // usize
  export const useCpu: usize = 16; // usize
  export const useMem: usize = 20; // usize
  export const members: usize = 24; // usize
  export const gang: usize = 28; // usize
  export const SIZE: usize = 32; // bytes
}

/** One gang placement or release of the virtual-cluster placer (src/systems/docklet/wasm-placer.ts). */
export namespace DockletGang {
  export const count: usize = 0; // i32
  export const prior: usize = 4; // i32
  export const mode: usize = 8; // i32
  export const failed: usize = 12; // i32
  export const demCpu: usize = 16; // f64
  export const demMem: usize = 24; // f64
  export const priorHosts: usize = 32; // usize
  export const out: usize = 36; // usize
  export const undoCpu: usize = 40; // usize
  export const undoMem: usize = 44; // usize
  export const heap: usize = 48; // usize
  export const load: usize = 52; // usize
  export const SIZE: usize = 56; // bytes
}

/** Virtual-cluster placement modes (src/systems/docklet/docklet-layouts.ts, PLACEMENTS). */
export namespace DockletMode {
  export const spread: i32 = 0;
  export const pack: i32 = 1;
  export const COUNT: i32 = 2;
}
