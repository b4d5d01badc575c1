/**
 * The memory layout of one call of the WebAssembly rebalancing planner
 * (`crsPlan` in `assembly/crs.ts`): the numeric options, the input columns,
 * the planner's scratch and the plan it writes. Described once here (see
 * `src/wasm/layout.ts`); `npm run layouts` renders it into `assembly/layouts.ts`.
 *
 * @module
 */
import { constants, enumeration, struct } from '../../wasm/layout.ts';
import { REBALANCE_ALGORITHMS } from './model.ts';
import { SLOTS } from './timetable.ts';

/**
 * One planning call. Columns (H hosts, V VMs, K courses, S = 400 slots):
 * host f64[H] `capCpu capMem useCpu useMem cores baseCpu baseMem hde`, i32[H] `hostVms cursor flags hver lows hcls`, i32[H+1] `listStart`,
 * u64[H] `lowKeys lowTmpKeys`, i32[H] `lowTmp`; VM f64[V] `vmCpu vmUseCpu vmUseMem`, i32[V] `vmHost vmCourse list moved`,
 * u64[V] `keys tmpKeys`, i32[V] `tmpList undoR`, f64[6V] `undoF`; i32[K+1] `courseStart`, i32[·] `courseSlots`;
 * i32[H·S] `counts`; f64[K·H] `gcache`, i32[K·H] `gver`; the radix sort's `hist`; the plan:
 * i32[V] `moveVm moveFrom moveTo movePhase`, f64[V] `moveGofit moveDe`, and `count`.
 * `useCpu`/`useMem` hold the hosts' base use on entry and their use after the plan on return.
 */
export const CRS_PLAN = struct('CrsPlan', 'One call of the rebalancing planner (src/systems/crs/wasm-planner.ts).', {
  hosts: 'i32', vms: 'i32', courses: 'i32', algorithm: 'i32',
  highAll: 'i32', lowAll: 'i32', strict: 'i32', normalOnly: 'i32', maxPowerOff: 'i32',
  /** Result: the number of moves. */
  count: 'i32',
  highCpu: 'f64', highMem: 'f64', lowCpu: 'f64', lowMem: 'f64', wCpu: 'f64', wMem: 'f64',
  capCpu: 'ptr', capMem: 'ptr', useCpu: 'ptr', useMem: 'ptr', cores: 'ptr', baseCpu: 'ptr', baseMem: 'ptr', hostVms: 'ptr',
  vmHost: 'ptr', vmCpu: 'ptr', vmUseCpu: 'ptr', vmUseMem: 'ptr', vmCourse: 'ptr',
  courseStart: 'ptr', courseSlots: 'ptr',
  counts: 'ptr', gcache: 'ptr', gver: 'ptr', hver: 'ptr',
  keys: 'ptr', tmpKeys: 'ptr', list: 'ptr', tmpList: 'ptr', hist: 'ptr', listStart: 'ptr', cursor: 'ptr',
  flags: 'ptr', moved: 'ptr', hcls: 'ptr', hde: 'ptr', lows: 'ptr', lowTmp: 'ptr', lowKeys: 'ptr', lowTmpKeys: 'ptr', undoF: 'ptr', undoR: 'ptr',
  moveVm: 'ptr', moveFrom: 'ptr', moveTo: 'ptr', movePhase: 'ptr', moveGofit: 'ptr', moveDe: 'ptr',
});

/** The planners, coded by their position in REBALANCE_ALGORITHMS (`CrsPlan.algorithm`). */
export const CRS_ALGORITHM = enumeration('CrsAlgorithm', 'Rebalancing planners (src/systems/crs/model.ts, REBALANCE_ALGORITHMS).', REBALANCE_ALGORITHMS);

/** Slots of a term and the host flags the planner returns in `CrsPlan.flags`. */
export const CRS_CONSTANTS = constants('Crs', 'Term slots and returned host flags of the rebalancing planner (src/systems/crs/).', {
  /** 16 weeks × 5 days × 5 sections: slot counts are i32[hosts · SLOTS]. */
  SLOTS,
  /** Host flag: emptied by the energy phase, to power off. */
  FLAG_OFF: 1,
  /** Host flag: still high, none of its VMs could move. */
  FLAG_UNRESOLVED: 2,
});

/** Every layout of the CRS planner, in rendering order. */
export const CRS_LAYOUTS = [CRS_PLAN, CRS_ALGORITHM, CRS_CONSTANTS] as const;
