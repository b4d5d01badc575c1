/**
 * The memory layouts the maths kernels share with `assembly/`: the matcher's
 * struct, the priority parameter block, the Gini scratch sizes and the kernels'
 * enumerations. Described once here (see `src/wasm/layout.ts`); the
 * AssemblyScript side reads the rendering in `assembly/layouts.ts`.
 *
 * @module
 */
import { constants, enumeration, struct } from '../wasm/layout.ts';
import { PRIORITY_PARAM_ORDER } from './priority-params.ts';

/**
 * A sorted first-fit matcher's state, one struct per matcher in its instance's
 * memory; every `ff*` export takes its address. Columns: `cap`, `res`, `save`
 * f64[n·dims] node-major; `up` u8[n]; `node` (position → node) and `pos`
 * (node → position) i32[n]; `tree` f64[2·size·dims].
 */
export const MATCHER = struct('Matcher', 'State of one sorted first-fit matcher (src/kernels/firstfit.ts).', {
  n: 'i32', dims: 'i32', size: 'i32',
  cap: 'ptr', res: 'ptr', up: 'ptr', node: 'ptr', pos: 'ptr', tree: 'ptr', save: 'ptr',
});

/** Task size classes of sorted first-fit: a small task scans from the weak end, a large one from the strong end. */
export const TASK_SIZE = enumeration('TaskSize', 'Size class of a task (sorted first-fit scan direction).', ['small', 'large']);

/** Outcome of one demand of an all-or-nothing placement (`ffPlaceAll`). */
export const PLACE_ALL = constants('PlaceAll', 'Return value of ffPlaceAll when every demand was placed.', { ALL_PLACED: -1 });

/** The priority kernel's parameter block, f64 fields in {@link PRIORITY_PARAM_ORDER}. */
export const PRIORITY_PARAMS = struct('PriorityParams', 'Parameters of the dynamic priority (src/kernels/priority-params.ts).',
  Object.fromEntries(PRIORITY_PARAM_ORDER.map((k) => [k, 'f64'])) as { [K in (typeof PRIORITY_PARAM_ORDER)[number]]: 'f64' });

/** Scratch the Gini kernels need: the radix sort's histograms (6 passes of 11 bits) and the column block. */
export const GINI = constants('Gini', 'Scratch sizes of the Gini kernels (src/kernels/gini.ts).', {
  RADIX_BITS: 11,
  RADIX_PASSES: 6,
  /** Bytes of the `hist` scratch: u32[RADIX_PASSES · 2^RADIX_BITS]. */
  HIST_BYTES: 6 * 2048 * 4,
  /** Columns gathered per pass by giniColumns: `x` scratch is f64[COL_BLOCK · rows]. */
  COL_BLOCK: 8,
});
