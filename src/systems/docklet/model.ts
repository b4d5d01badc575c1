/**
 * The vocabulary of Docklet virtual clusters (seed 001; SPEC §4; docs/model.md
 * "Docklet virtual clusters"): hosts, cluster specifications, quotas, the views a
 * manager returns, and the placer interface both placers (WebAssembly and
 * plain TypeScript) implement.
 *
 * @module
 */
import { PLACEMENTS } from './docklet-layouts.ts';

export { PLACEMENTS };

/** How a cluster's members are laid over the hosts: `spread` (the default) or `pack`. */
export type ClusterPlacement = (typeof PLACEMENTS)[number];

/** Largest node count of one virtual cluster (a limit of the manager, not of the paper). */
export const MAX_CLUSTER_NODES = 1_000_000;

/** A resource vector of the two dimensions virtual clusters use. */
export interface Resources {
  /** CPU (cores, or any unit the host application uses consistently). */
  cpu: number;
  /** Memory (GB, or any unit used consistently). */
  mem: number;
}

/** A host given to the manager: a unique id and its capacity (both > 0). */
export interface HostInput {
  id: string;
  cpu: number;
  mem: number;
}

/** A host as the manager reports it: capacity, what its placed members use, how many there are. */
export interface HostView {
  id: string;
  cpu: number;
  mem: number;
  used: Resources;
  /** Members of any cluster placed on the host. */
  members: number;
}

/** What `create` takes. */
export interface ClusterSpec {
  /** Unique among the manager's clusters (of every tenant). */
  name: string;
  tenant: string;
  /** Members, 1 … {@link MAX_CLUSTER_NODES}. */
  nodes: number;
  /** What each member needs. */
  demand: Resources;
  /** Default `'spread'`. */
  placement?: ClusterPlacement;
}

/** A cluster is `running` (every member placed) or `stopped` (no member placed, definition kept). */
export type ClusterState = 'running' | 'stopped';

/** One member: its id (`<cluster>#<k>`, k counting up from 0 over the cluster's life) and its host id (null when stopped). */
export interface MemberView {
  id: string;
  host: string | null;
}

/** A cluster without its members (what `list` returns). */
export interface ClusterSummary {
  name: string;
  tenant: string;
  state: ClusterState;
  nodes: number;
  demand: Resources;
  placement: ClusterPlacement;
}

/** A cluster with its members, oldest first (what `status`, `create`, `scale`, `stop` and `start` return). */
export interface ClusterStatus extends ClusterSummary {
  members: MemberView[];
}

/** What `delete` returns. */
export interface DeleteResult {
  name: string;
  tenant: string;
  /** Members whose resources were released (0 for a stopped cluster). */
  released: number;
}

/** One member moved by `drainHosts`: its cluster, id, and the host ids it left and went to. */
export interface MemberMove {
  cluster: string;
  id: string;
  from: string;
  to: string;
}

/** What `drainHosts` returns: the hosts removed (as they were, with their members) and every member moved, cluster by cluster. */
export interface DrainResult {
  removed: HostView[];
  moved: MemberMove[];
}

/** A tenant's limits over its placed members; an absent field is no limit. */
export interface QuotaLimits {
  nodes?: number;
  cpu?: number;
  mem?: number;
}

/** What a tenant's placed members hold: members and Σ demand. */
export interface QuotaUse {
  nodes: number;
  cpu: number;
  mem: number;
}

/** What `quota` returns. */
export interface QuotaView {
  tenant: string;
  limits: QuotaLimits;
  used: QuotaUse;
}

/**
 * The hosts' columns and the gang placement both placers implement (`src/systems/docklet/wasm-placer.ts`,
 * `src/systems/docklet/reference-placer.ts`): they give the same hosts for the same calls.
 * Inputs are checked by the manager; a placer trusts them.
 */
export interface GangPlacer {
  /** Hosts held. */
  readonly hostCount: number;
  /** Appends hosts of these capacities (use 0). */
  addHosts(cpu: ArrayLike<number>, mem: ArrayLike<number>): void;
  /**
   * Places `count` members of demand (cpu, mem), the cluster's members already placed being on
   * `prior`: their hosts when every one fits (the hosts' use updated), else the index of the first
   * member that found no host (then nothing changed).
   */
  place(count: number, cpu: number, mem: number, mode: ClusterPlacement, prior: ArrayLike<number>): Int32Array | number;
  /** Keeps only the hosts whose `keep` entry is true (they must hold no member), in their order. */
  removeHosts(keep: readonly boolean[]): void;
  /** Sets every host's use and member count (a restored manager's; one entry per host, checked by the manager). */
  setUse(useCpu: ArrayLike<number>, useMem: ArrayLike<number>, members: ArrayLike<number>): void;
  /** Sets the hosts to exactly `c`: their number, capacities, use and member counts (a dry run's way back; `c` from {@link GangPlacer.columns}). */
  setColumns(c: HostColumns): void;
  /** Releases members of demand (cpu, mem) from `hosts`. */
  release(hosts: ArrayLike<number>, cpu: number, mem: number): void;
  /** A copy of the hosts' columns, of hosts `from` (default 0) to `to` (default every host), `to` not included. */
  columns(from?: number, to?: number): HostColumns;
  /**
   * Writes each host's dominant share in use, `max(useCpu / capCpu, useMem / capMem)`, into
   * `out[0 … hostCount)` in host order (no copy of the columns) and returns the hosts holding at
   * least one member. `out` is checked by the manager. With `free` (4 entries), also writes the
   * free cpu and mem summed over the hosts and the **stranded** part of each: per host, the free
   * share of one dimension beyond the other's, `max(0, freeCpu/capCpu − freeMem/capMem) · capCpu`
   * (and the same for mem), room a member needing both cannot use.
   */
  dominantShares(out: Float64Array, free?: Float64Array): number;
  /** Frees what the placer holds. */
  close(): void;
}

/** The hosts' columns as a placer holds them (copies). */
export interface HostColumns {
  capCpu: Float64Array;
  capMem: Float64Array;
  useCpu: Float64Array;
  useMem: Float64Array;
  members: Int32Array;
}

/**
 * One pass over the hosts' columns for {@link GangPlacer.dominantShares} (the reference placer; the
 * WebAssembly one runs its twin `dockletShares`, assembly/docklet.ts, the same bits): each host's
 * dominant share into `out`, the hosts holding members returned, and with `free` the free and
 * stranded totals `[freeCpu, freeMem, strandedCpu, strandedMem]`.
 */
export function loadPass(
  capCpu: ArrayLike<number>, capMem: ArrayLike<number>, useCpu: ArrayLike<number>, useMem: ArrayLike<number>, members: ArrayLike<number>,
  n: number, out: Float64Array, free?: Float64Array,
): number {
  let inUse = 0, fc = 0, fm = 0, sc = 0, sm = 0;
  for (let h = 0; h < n; h++) {
    const cc = capCpu[h]!, cm = capMem[h]!;
    const c = useCpu[h]! / cc;
    const m = useMem[h]! / cm;
    out[h] = c >= m ? c : m;
    if (members[h]! > 0) inUse++;
    // Free shares 1 − use/cap; the one beyond the other is stranded. (A drained host's +∞ use never reaches here.)
    const gc = cc - useCpu[h]!, gm = cm - useMem[h]!;
    fc += gc;
    fm += gm;
    if (m > c) sc += (m - c) * cc;
    else if (c > m) sm += (c - m) * cm;
  }
  if (free) {
    free[0] = fc;
    free[1] = fm;
    free[2] = sc;
    free[3] = sm;
  }
  return inUse;
}
