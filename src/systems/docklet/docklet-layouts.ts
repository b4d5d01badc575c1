/**
 * The memory layouts of the WebAssembly virtual-cluster placer (`assembly/docklet.ts`):
 * the hosts' columns a manager keeps in its core between calls, and the request of one
 * gang placement. Described once here (see `src/wasm/layout.ts`); `npm run layouts`
 * renders them into `assembly/layouts.ts`.
 *
 * @module
 */
import { enumeration, struct } from '../../wasm/layout.ts';

/** How members are spread over hosts (docs/model.md "Docklet virtual clusters"). */
export const PLACEMENTS = ['spread', 'pack'] as const;

/**
 * The hosts of one manager, struct-of-arrays (H hosts, room for `room`):
 * f64[room] `capCpu capMem useCpu useMem`, i32[room] `members` (members of every cluster on the
 * host: a host that holds none gets its use set back to exactly 0), i32[room] `gang` (the call's
 * scratch: members of the cluster being placed on each host).
 */
export const DOCKLET_HOSTS = struct('DockletHosts', 'The hosts of a virtual-cluster manager (src/systems/docklet/wasm-placer.ts).', {
  hosts: 'i32', room: 'i32',
  capCpu: 'ptr', capMem: 'ptr', useCpu: 'ptr', useMem: 'ptr', members: 'ptr', gang: 'ptr',
});

/**
 * One gang placement (`dockletPlace`) or release (`dockletRelease`): `count` members of demand
 * (`demCpu`, `demMem`) with placement `mode`; i32[prior] `priorHosts` the hosts of the cluster's
 * members already placed (a scale-out); i32[count] `out` the chosen hosts; f64[count]
 * `undoCpu undoMem` each chosen host's use before the member came, restored in reverse when a
 * later member does not fit (exact: no subtraction residue); i32[hosts] `heap` and f64[hosts]
 * `load` the call's scratch (the hosts a member fits, best first, and each one's load after
 * placing). `failed`: the first member that found no host, or −1.
 */
export const DOCKLET_GANG = struct('DockletGang', 'One gang placement or release of the virtual-cluster placer (src/systems/docklet/wasm-placer.ts).', {
  count: 'i32', prior: 'i32', mode: 'i32', failed: 'i32',
  demCpu: 'f64', demMem: 'f64',
  priorHosts: 'ptr', out: 'ptr', undoCpu: 'ptr', undoMem: 'ptr', heap: 'ptr', load: 'ptr',
});

/** Placement modes, coded by their position in PLACEMENTS (`DockletGang.mode`). */
export const DOCKLET_MODE = enumeration('DockletMode', 'Virtual-cluster placement modes (src/systems/docklet/docklet-layouts.ts, PLACEMENTS).', PLACEMENTS);

/** Every layout of the virtual-cluster placer, in rendering order. */
export const DOCKLET_LAYOUTS = [DOCKLET_HOSTS, DOCKLET_GANG, DOCKLET_MODE] as const;
