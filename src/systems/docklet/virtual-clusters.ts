/**
 * The embeddable virtual-cluster manager (Docklet, seed 001; SPEC §4; the rules are in
 * docs/model.md "Docklet virtual clusters"): hosts, tenants' named clusters of N identical
 * members placed all-or-nothing, elastic scale-out / scale-in, stop / start / delete,
 * per-tenant quotas, and every call addressable as JSON ({@link VirtualClusters.apply}).
 *
 * Every call checks all of its input and the quota before anything changes, and a gang
 * placement either places every member or changes nothing: a refused call leaves the
 * manager exactly as it was. Placement runs in WebAssembly (`engine: 'wasm'`, the default:
 * `src/systems/docklet/wasm-placer.ts`) or in plain TypeScript (`engine: 'reference'`),
 * with the same result.
 *
 * @module
 */
import { checkOptionNames, FairfitError, optionsObject, shown } from '../../errors.ts';
import type { DockletCommand, DockletCommandOf, DockletOp } from './command-schema.ts';
import { readCommandText } from '../../command-answers.ts';
import { validateDockletCommand, type DockletCommandFailure, type DockletCommandResult, type DockletCommandSuccess, type DockletResults } from './commands.ts';
import type {
  ClusterSpec, ClusterState, ClusterStatus, ClusterSummary, DeleteResult, DrainResult, GangPlacer, MemberMove, HostInput, HostView, ClusterPlacement, QuotaLimits, QuotaUse, QuotaView, Resources,
} from './model.ts';
import { gangRoom, shortWords } from './gang-room.ts';
import { ReferencePlacer } from './reference-placer.ts';
import { checkSnapshotShape, corruptSnapshot, DOCKLET_SNAPSHOT_FORMAT, DOCKLET_SNAPSHOT_VERSION, type DockletSnapshot } from './snapshot.ts';
import { WasmPlacer } from './wasm-placer.ts';

/**
 * What {@link VirtualClusters.apply} takes, by the argument's static type `C`. A command whose `op` is
 * one of `DOCKLET_OPS` must be that op's command: a literal with a misspelt or missing field is
 * a compile error, as is an `op` literal that is no op. A value whose `op` is only known to be a
 * string, or of type `unknown` or `any` (JSON from the wire), is taken as it is and checked at run
 * time only (`apply<unknown>(…)` does the same for any argument).
 */
export type DockletApplyInput<C> = C extends { op: infer K }
  ? K extends DockletOp ? DockletCommandOf<K> : string extends K ? C : DockletCommand
  : C;

/** What {@link VirtualClusters.apply} answers for an argument of static type `C`: the op's result type when `C` names the op. */
export type DockletApplyResult<C> = C extends { op: infer K extends DockletOp } ? DockletCommandSuccess<K> | DockletCommandFailure : DockletCommandResult;

/** Options of {@link VirtualClusters}. */
export interface VirtualClustersOptions {
  /** Hosts to start with (more with {@link VirtualClusters.addHosts}); host order is the order given. */
  hosts?: HostInput[];
  /** Where placement runs: `'wasm'` (default) or `'reference'` (plain TypeScript, same result). */
  engine?: 'wasm' | 'reference';
}

const OPTION_KEYS = ['hosts', 'engine'] as const;

interface Cluster {
  name: string;
  tenant: string;
  demand: Resources;
  placement: ClusterPlacement;
  state: ClusterState;
  /** Member ids, oldest first. */
  ids: string[];
  /** Running: each member's host key (parallel to `ids`); stopped: empty. */
  hosts: number[];
  /** The k of the next member id `<name>#<k>`. */
  next: number;
  /** Rank in creation order (the order of the manager's map): a drain moves clusters in it. */
  seq: number;
}

const LIMITS = ['nodes', 'cpu', 'mem'] as const;

/**
 * A name or id as a message quotes it: `'web'` when it is plain, else JSON-quoted and cut after 80
 * characters (`shown`): a newline or a control character in a user's name must not split or garble
 * a message line (`fairfit clusters` writes one per refusal), nor a long id fill it.
 */
function q(s: string): string {
  return s.length <= 80 && !/[\p{C}\p{Zl}\p{Zp}'\\]/u.test(s) ? `'${s}'` : shown(s);
}

/**
 * Relative slack of a quota comparison. The sums are of binary floats: 3 members of cpu 0.1 hold
 * 0.30000000000000004 and 0.1 + 0.2 is as much, which a limit of 0.3 must allow. The rounding of
 * a sum of k terms is below k·2⁻⁵³ of it; 10⁻⁹ covers ~10⁷ terms and refuses any real excess
 * (one part in a billion of the limit).
 */
const QUOTA_SLACK = 1e-9;

/** Relative slack of a restored host's use against its members' demands summed again (docs/model.md, "Snapshot and restore"). */
const USE_SLACK = 1e-9;

/** Whether `sum` takes a tenant past `limit`, float rounding aside (a limit of 0 is exact). */
function pastLimit(sum: number, limit: number): boolean {
  // Not `sum > limit + limit · slack`: at a limit near Number.MAX_VALUE that is Infinity, and an overflowed sum would pass.
  return sum > limit && sum - limit > limit * QUOTA_SLACK;
}

/**
 * Validates a typed call as its command (fields named without the `command.` prefix). A spec object
 * carrying dryRun (create passes its spec through) would dry-run silently: typed calls take effect.
 */
function checkTyped(command: DockletCommand): void {
  if (Object.hasOwn(command, 'dryRun')) throw new FairfitError('INVALID_OPTION', `dryRun: the typed calls take effect; give the command to apply() with dryRun: true for a dry run`, { field: 'dryRun' });
  const invalid = validateDockletCommand(command);
  if (invalid !== undefined) {
    const field = invalid.field.replace(/^command\.?/, '') || 'command';
    throw new FairfitError(invalid.code, invalid.message.replace(/\bcommand\./g, ''), { field });
  }
}

/**
 * A manager of virtual clusters over a set of hosts. Owns a WebAssembly instance
 * (`engine: 'wasm'`): call {@link VirtualClusters.close} (or `using`) when done.
 *
 * @example
 * ```ts
 * const vc = new VirtualClusters({ hosts: [{ id: 'h1', cpu: 8, mem: 32 }, { id: 'h2', cpu: 8, mem: 32 }] });
 * vc.create({ name: 'web', tenant: 'acme', nodes: 3, demand: { cpu: 2, mem: 4 } });
 * vc.apply({ op: 'scale', name: 'web', nodes: 4 }); // { ok: true, op: 'scale', result: { … } }
 * vc.close();
 * ```
 */
export class VirtualClusters {
  private readonly placer: GangPlacer;
  private readonly engine: 'wasm' | 'reference';
  /** Host ids in host order (the placer's). */
  private readonly hostIds: string[] = [];
  /**
   * Each host's key in host order. A key is given when the host is added and never changes, so a
   * member holds its host's key, not its index: a removal shifts the indices past the removed host
   * (one pass over the hosts), not every member (that pass, with the drain's own pass over every
   * member to find its clusters, was 38 % of a churned trace replay; docs/model.md "Hosts").
   */
  private readonly hostKeys: number[] = [];
  /** Host id → key. */
  private readonly keyOf = new Map<string, number>();
  /** Key → host index, −1 once removed. */
  private readonly keyAt: number[] = [];
  /** Key → the running clusters with members on that host, and how many: a drain finds its clusters here. */
  private readonly onHost: (Map<Cluster, number> | undefined)[] = [];
  private readonly clusters = new Map<string, Cluster>();
  /** The next cluster's `seq`. */
  private nextSeq = 0;
  private readonly quotas = new Map<string, QuotaLimits>();
  private closed = false;

  constructor(options?: VirtualClustersOptions) {
    checkOptionNames(options, OPTION_KEYS, 'VirtualClusters');
    const o: VirtualClustersOptions = optionsObject(options);
    if (o.engine !== undefined && o.engine !== 'wasm' && o.engine !== 'reference') {
      throw new FairfitError('INVALID_OPTION', `engine must be 'wasm' or 'reference', got ${shown(o.engine)}`, { field: 'engine' });
    }
    this.engine = o.engine ?? 'wasm';
    this.placer = this.engine === 'reference' ? new ReferencePlacer() : new WasmPlacer();
    try {
      if (o.hosts !== undefined) this.addHosts(o.hosts);
    } catch (err) {
      this.placer.close();
      throw err;
    }
  }

  // ------------------------------------------------------------------ typed calls

  /** Appends hosts after the ones there (host order = order of addition); returns them. Ids must be new and unique. */
  addHosts(hosts: HostInput[]): HostView[] {
    return this.run({ op: 'addHosts', hosts });
  }

  /**
   * Removes hosts that hold no member, by id; the others keep their order. Refused (`INVALID_OPTION`,
   * naming the host and a cluster on it), removing none, when one holds members: stop, scale in or
   * delete its clusters first. Returns the hosts removed.
   */
  removeHosts(ids: string[]): HostView[] {
    return this.run({ op: 'removeHosts', ids });
  }

  /**
   * Empties hosts and removes them: every member on them is placed again on the other hosts (each
   * cluster's moved members as one gang, in creation order, by the cluster's placement rule with its
   * members on other hosts counted) and keeps its id; then the hosts go as by `removeHosts`. All or
   * nothing: when a member finds no other host, `NO_FIT` and nothing moved. Returns the hosts removed
   * (as they were) and the members moved.
   */
  drainHosts(ids: string[]): DrainResult {
    return this.run({ op: 'drainHosts', ids });
  }

  /** Creates a cluster and places all of its members, or refuses (`NO_FIT`, `QUOTA_EXCEEDED`, a taken name) changing nothing. */
  create(spec: ClusterSpec): ClusterStatus {
    return this.run({ ...spec, op: 'create' });
  }

  /**
   * {@link VirtualClusters.create} for a driver that retries refused creates (a queue of waiting
   * clusters, `replayClusters`): a gang that does not fit is answered `{ kind: 'no-fit', room }`
   * instead of thrown, `room` being the members of this demand the hosts have room for now, in any
   * arrangement (the placer's greedy count, exact for one gang), without the host-by-host account a
   * `NO_FIT` message gives. Every other refusal (input, a taken name, the quota) throws as `create`
   * does; a refusal changes nothing.
   */
  tryCreate(spec: ClusterSpec): { kind: 'placed'; cluster: ClusterStatus } | { kind: 'no-fit'; room: number } {
    const command: DockletCommandOf<'create'> = { ...spec, op: 'create' };
    this.checkOpen();
    checkTyped(command);
    const k = this.newCluster(command);
    if (typeof k === 'number') return { kind: 'no-fit', room: k };
    return { kind: 'placed', cluster: this.statusOf(k) };
  }

  /** Releases a cluster's members (newest first) and forgets the cluster. */
  delete(name: string): DeleteResult {
    return this.run({ op: 'delete', name });
  }

  /**
   * Sets a cluster's node count. Running: new members placed all-or-nothing as by `create`, with the
   * members already placed counted by spread; fewer nodes remove the newest members. Stopped: only
   * the definition changes (the quota is checked at `start`).
   */
  scale(name: string, nodes: number): ClusterStatus {
    return this.run({ op: 'scale', name, nodes });
  }

  /** Releases a running cluster's members and keeps its definition (member ids, demand, placement); a stopped cluster stays so. */
  stop(name: string): ClusterStatus {
    return this.run({ op: 'stop', name });
  }

  /** Places a stopped cluster's members again, all or nothing (`NO_FIT`, `QUOTA_EXCEEDED`: it stays stopped); a running cluster stays so. */
  start(name: string): ClusterStatus {
    return this.run({ op: 'start', name });
  }

  /** Every cluster (of `tenant` when given), without members, in creation order. */
  list(tenant?: string): ClusterSummary[] {
    return this.run(tenant === undefined ? { op: 'list' } : { op: 'list', tenant });
  }

  /** A cluster with its members, oldest first. */
  status(name: string): ClusterStatus {
    return this.run({ op: 'status', name });
  }

  /**
   * A tenant's limits and use; with `limits`, sets them first (replacing the old ones; an absent field is no
   * limit), refused with `QUOTA_EXCEEDED` when the tenant's placed members already hold more.
   */
  quota(tenant: string, limits?: QuotaLimits): QuotaView {
    return this.run(limits === undefined ? { op: 'quota', tenant } : { op: 'quota', tenant, limits });
  }

  /** Every host with its capacity, use and member count, in host order. */
  hosts(): HostView[] {
    return this.run({ op: 'hosts' });
  }

  /**
   * Writes each host's dominant share in use, `max(used.cpu / cpu, used.mem / mem)`, into
   * `out[0 … hosts)` in host order and returns the number of hosts holding at least one member:
   * one pass over the placer's columns with nothing copied, for a driver that samples the load of
   * many hosts often (`replayClusters`). Not a command: it has no JSON form.
   *
   * With `free` (a Float64Array of 4 entries), also writes `[freeCpu, freeMem, strandedCpu,
   * strandedMem]` summed over the hosts: the stranded part of a host's free room is the free share of
   * one dimension beyond the other's, `max(0, freeCpu/capCpu − freeMem/capMem) · capCpu` (and the
   * same for mem), which no member needing both can use.
   *
   * @throws FairfitError `INVALID_OPTION` (`out`, `free`) when `out` is not a Float64Array of at least as many entries as hosts, or `free` not one of at least 4.
   */
  dominantShares(out: Float64Array, free?: Float64Array): number {
    this.checkOpen();
    const n = this.hostIds.length;
    if (!(out instanceof Float64Array) || out.length < n) throw new FairfitError('INVALID_OPTION', `out must be a Float64Array of at least ${n} entries (one per host), got ${out instanceof Float64Array ? `${out.length} entries` : shown(out)}`, { field: 'out' });
    if (free !== undefined && (!(free instanceof Float64Array) || free.length < 4)) throw new FairfitError('INVALID_OPTION', `free must be a Float64Array of at least 4 entries, got ${free instanceof Float64Array ? `${free.length} entries` : shown(free)}`, { field: 'free' });
    return this.placer.dominantShares(out, free);
  }

  /**
   * The manager's whole state as one JSON value (hosts with their use, clusters with their members and
   * next member id, quotas, each in the manager's order), for {@link VirtualClusters.restore}.
   */
  snapshot(): DockletSnapshot {
    return this.run({ op: 'snapshot' });
  }

  /**
   * A manager in the state of a {@link VirtualClusters.snapshot} (also after `JSON.stringify` and
   * `JSON.parse`): it answers every later call as the manager it was taken from would. A snapshot that
   * is malformed, or whose parts disagree (a member on an unknown host, a host's use that its members do
   * not explain, a member id out of order, a tenant over its quota), is refused with `CORRUPT_INPUT`
   * naming the field (`snapshot.clusters[2].members[0].host`).
   */
  static restore(snapshot: unknown, options?: Omit<VirtualClustersOptions, 'hosts'>): VirtualClusters {
    checkOptionNames(options, ['engine'], 'VirtualClusters.restore');
    checkSnapshotShape(snapshot);
    const vc = new VirtualClusters(options);
    try {
      vc.load(snapshot);
    } catch (err) {
      vc.close();
      throw err;
    }
    return vc;
  }

  /**
   * Applies one JSON command (`{ op, …arguments }`, see `DOCKLET_COMMAND_SCHEMA`). Never throws for bad
   * input: a schema violation or a refusal comes back as `{ ok: false, error: { code, message, field } }`
   * and the manager is then exactly as before.
   */
  apply<const C>(command: DockletApplyInput<C>): DockletApplyResult<C>;
  apply(command: unknown): DockletCommandResult {
    const op = command !== null && typeof command === 'object' && typeof (command as { op?: unknown }).op === 'string' ? (command as { op: string }).op : undefined;
    const invalid = validateDockletCommand(command);
    if (invalid !== undefined) return op === undefined ? { ok: false, error: invalid } : { ok: false, op, error: invalid };
    const c = command as DockletCommand;
    // A dry run's answer says so: in a log of answers it is not mistaken for a change.
    const dry = 'dryRun' in c && c.dryRun === true ? { dryRun: true as const } : {};
    try {
      return { ok: true, op: c.op, ...dry, result: this.dispatch(c) } as DockletCommandResult;
    } catch (err) {
      if (!(err instanceof FairfitError)) throw err;
      const f = err.details.field;
      return { ok: false, op: c.op, ...dry, error: { code: err.code, message: err.message, field: f === undefined || f === 'manager' ? (f ?? 'command') : `command.${f}` } };
    }
  }

  /**
   * {@link apply} on one line of JSON text, as `Engine.applyLine` (a host speaking JSON lines): text
   * that is not JSON is refused with `PARSE_ERROR` on field `command`, and nothing changes.
   */
  applyLine(line: string): DockletCommandResult {
    const text = readCommandText(line);
    return text.ok ? this.apply(text.command) : text;
  }

  /** Gives the WebAssembly instance back; the manager cannot be used afterwards. */
  close(): void {
    this.closed = true;
    this.placer.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  // ------------------------------------------------------------------ dispatch

  /** Validates a typed call as its command (fields named without the `command.` prefix) and runs it. */
  private run<K extends DockletOp>(command: DockletCommandOf<K>): DockletResults[K] {
    checkTyped(command);
    return this.dispatch(command) as DockletResults[K];
  }

  /** Every call, also those the placer is not asked for (list, quota): a closed manager answers nothing. */
  private checkOpen(): void {
    if (this.closed) throw new FairfitError('INVALID_OPTION', 'the virtual-cluster manager is closed (close() was called)', { field: 'manager' });
  }

  private dispatch(c: DockletCommand): DockletResults[DockletOp] {
    this.checkOpen();
    if ('dryRun' in c && c.dryRun === true) return this.dryRun(c);
    switch (c.op) {
      case 'addHosts': return this.doAddHosts(c.hosts);
      case 'removeHosts': return this.doRemoveHosts(c.ids);
      case 'drainHosts': return this.doDrainHosts(c.ids);
      case 'create': return this.doCreate(c);
      case 'delete': return this.doDelete(c.name);
      case 'scale': return this.doScale(c.name, c.nodes);
      case 'stop': return this.doStop(c.name);
      case 'start': return this.doStart(c.name);
      case 'list': return [...this.clusters.values()].filter((k) => c.tenant === undefined || k.tenant === c.tenant).map((k) => this.summary(k));
      case 'status': return this.statusOf(this.cluster(c.name));
      case 'quota': return this.doQuota(c.tenant, c.limits);
      case 'hosts': return this.hostViews(0);
      case 'snapshot': return this.doSnapshot();
    }
  }

  // ------------------------------------------------------------------ the calls

  /**
   * A command's answer without its effect: the command runs on this manager, which is then set back
   * exactly as it was (the hosts' columns bit for bit, the host ids, every cluster's record and
   * lists, the quotas, each map in its order). Exact by construction: the answer is the command's
   * own, refusals included. Saved is what the op can change: the hosts' columns and the quotas
   * always; the host ids for the host ops; a copy of the named cluster for delete, scale, stop and
   * start, of every cluster for removeHosts and drainHosts (they renumber or move members); create
   * only adds a cluster. Until 7 Dec the command ran on a copy restored from a snapshot: 65 ms for
   * 10^5 members on 10^4 hosts, against 0.1 ms for the command itself.
   */
  private dryRun(c: DockletCommand): DockletResults[DockletOp] {
    const clone = (k: Cluster): Cluster => ({ ...k, demand: { ...k.demand }, ids: k.ids.slice(), hosts: k.hosts.slice() });
    const hostOp = c.op === 'addHosts' || c.op === 'removeHosts' || c.op === 'drainHosts';
    const columns = this.placer.columns();
    const hostIds = hostOp ? this.hostIds.slice() : undefined;
    const hostKeys = hostOp ? this.hostKeys.slice() : undefined;
    const keyAt = hostOp ? this.keyAt.slice() : undefined;
    const order = [...this.clusters.values()];
    const copies = new Map<Cluster, Cluster>();
    if (c.op === 'removeHosts' || c.op === 'drainHosts') for (const k of order) copies.set(k, clone(k));
    else if (c.op === 'delete' || c.op === 'scale' || c.op === 'stop' || c.op === 'start') {
      const k = this.clusters.get(c.name);
      if (k !== undefined) copies.set(k, clone(k));
    }
    const quotas = [...this.quotas].map(([t, l]): [string, QuotaLimits] => [t, { ...l }]);
    try {
      return this.dispatch({ ...c, dryRun: false } as DockletCommand);
    } finally {
      // Only the host ops change the hosts' number or capacities.
      if (hostIds === undefined) this.placer.setUse(columns.useCpu, columns.useMem, columns.members);
      else this.placer.setColumns(columns);
      // The index of clusters by host: the clusters the op may have changed (its copies' originals, a
      // cluster it created) taken out as they are now, their copies put in as they were. (A cluster the
      // op deleted holds no member now.)
      const was = new Set(order);
      for (const k of this.clusters.values()) if (copies.has(k) || !was.has(k)) this.count(k, k.hosts, -1);
      if (hostIds !== undefined && hostKeys !== undefined && keyAt !== undefined) {
        this.hostIds.length = 0;
        this.hostKeys.length = 0;
        this.keyOf.clear();
        hostIds.forEach((id, h) => {
          this.hostIds.push(id);
          this.hostKeys.push(hostKeys[h]!);
          this.keyOf.set(id, hostKeys[h]!);
        });
        this.keyAt.length = 0;
        this.keyAt.push(...keyAt);
        this.onHost.length = keyAt.length;
      }
      for (const k of copies.values()) this.count(k, k.hosts, 1);
      this.clusters.clear();
      for (const k of order) this.clusters.set(k.name, copies.get(k) ?? k);
      this.quotas.clear();
      for (const [t, l] of quotas) this.quotas.set(t, l);
    }
  }

  private doAddHosts(hosts: HostInput[]): HostView[] {
    const seen = new Set<string>();
    hosts.forEach((h, i) => {
      if (this.keyOf.has(h.id) || seen.has(h.id)) throw new FairfitError('INVALID_OPTION', `hosts[${i}].id: a host ${q(h.id)} is already known`, { field: `hosts[${i}].id` });
      seen.add(h.id);
    });
    const first = this.placer.hostCount;
    this.placer.addHosts(hosts.map((h) => h.cpu), hosts.map((h) => h.mem));
    for (const h of hosts) {
      const key = this.keyAt.length;
      this.keyAt.push(this.hostIds.length);
      this.onHost.push(undefined);
      this.keyOf.set(h.id, key);
      this.hostKeys.push(key);
      this.hostIds.push(h.id);
    }
    return this.hostViews(first);
  }

  /** The host index of host `id`, or `INVALID_OPTION` on `ids[i]`. */
  private hostOf(id: string, i: number): number {
    const key = this.keyOf.get(id);
    if (key === undefined) throw new FairfitError('INVALID_OPTION', `ids[${i}]: no host ${q(id)}`, { field: `ids[${i}]` });
    return this.keyAt[key]!;
  }

  private doRemoveHosts(ids: string[]): HostView[] {
    // The views of the removed hosts only: a drain removes one host at a time, and a trace replay
    // drains thousands of 10^4 (each view of every host made, and each cluster's hosts mapped to a
    // new array, were most of a drain's cost; docs/results.md).
    const views: HostView[] = [];
    const gone = ids.map((id, i) => {
      const h = this.hostOf(id, i);
      const view = this.viewOf(h);
      if (view.members > 0) {
        const on = this.clustersOn([this.hostKeys[h]!])[0]!;
        throw new FairfitError('INVALID_OPTION', `ids[${i}]: host ${q(id)} holds ${view.members} member(s) (cluster ${q(on.name)} among them): drainHosts moves them, or stop, scale in or delete them first`, { field: `ids[${i}]` });
      }
      views.push(view);
      return h;
    });
    const H = this.hostIds.length;
    // Marks, not `gone.includes` per host: that made removing 10^5 of 10^5 hosts take 4.2 s (quadratic); now 0.3 s, most of it the schema check.
    const keep = new Array<boolean>(H).fill(true);
    let first = H;
    for (const h of gone) {
      keep[h] = false;
      if (h < first) first = h;
    }
    this.placer.removeHosts(keep);
    for (const h of gone) {
      const key = this.hostKeys[h]!;
      this.keyOf.delete(this.hostIds[h]!);
      this.keyAt[key] = -1;
      this.onHost[key] = undefined;
    }
    // The hosts before the first removed one keep their index; the members keep their keys.
    let j = first;
    for (let h = first; h < H; h++) {
      if (!keep[h]) continue;
      const key = this.hostKeys[h]!;
      this.hostIds[j] = this.hostIds[h]!;
      this.hostKeys[j] = key;
      this.keyAt[key] = j++;
    }
    this.hostIds.length = this.hostKeys.length = j;
    return views;
  }

  /** Host h's view. */
  private viewOf(h: number): HostView {
    const c = this.placer.columns(h, h + 1);
    return { id: this.hostIds[h]!, cpu: c.capCpu[0]!, mem: c.capMem[0]!, used: { cpu: c.useCpu[0]!, mem: c.useMem[0]! }, members: c.members[0]! };
  }

  private doDrainHosts(ids: string[]): DrainResult {
    const drained = ids.map((id, i) => this.hostOf(id, i));
    const views = drained.map((h) => this.viewOf(h));
    const gone = new Set(drained);
    const goneKeys = new Set(drained.map((h) => this.hostKeys[h]!));
    // The clusters with members on the drained hosts, from the index by host, and each one's members
    // there (their places in its list, oldest first; the list is read up to the last of them).
    const displaced = this.clustersOn(goneKeys).map((k) => {
      let there = 0;
      for (const key of goneKeys) there += this.onHost[key]?.get(k) ?? 0;
      const at: number[] = [];
      const hs = k.hosts;
      for (let i = 0; at.length < there && i < hs.length; i++) if (goneKeys.has(hs[i]!)) at.push(i);
      return { k, at };
    });
    const moved: MemberMove[] = [];
    if (displaced.length > 0) {
      const before = this.placer.columns();
      const placed: Int32Array[] = [];
      try {
        // Every member on the drained hosts moves, so they are left with none, and take none while the
        // others are placed: a use of +∞ fits nothing (both placers check fit first). Set at once, as
        // releasing each member there and then setting the use would leave them; no other host changes.
        const c = before.members.slice();
        const useCpu = before.useCpu.slice(), useMem = before.useMem.slice();
        for (const h of gone) {
          useCpu[h] = useMem[h] = Number.POSITIVE_INFINITY;
          c[h] = 0;
        }
        this.placer.setUse(useCpu, useMem, c);
        for (const { k, at } of displaced) {
          // Pack orders the hosts by load alone: only spread counts the cluster's members on them.
          const prior: number[] = [];
          if (k.placement === 'spread') for (const key of k.hosts) if (!goneKeys.has(key)) prior.push(this.keyAt[key]!);
          const r = this.placer.place(at.length, k.demand.cpu, k.demand.mem, k.placement, prior);
          if (typeof r === 'number') {
            const room = gangRoom(this.placer.columns(), k.demand, at.length, gone);
            const others = this.hostIds.length - gone.size;
            throw new FairfitError(
              'NO_FIT',
              `ids: cluster ${q(k.name)} of tenant ${q(k.tenant)} needs room for its ${at.length} member${at.length === 1 ? '' : 's'} to move (cpu ${k.demand.cpu}, mem ${k.demand.mem} each); the ${others} other host${others === 1 ? ' has' : 's have'} room for ${room.room}, in any arrangement (${shortWords(room)}); nothing was moved`,
              { field: 'ids', cluster: k.name, member: r, room: room.room },
            );
          }
          placed.push(r);
        }
      } catch (err) {
        // Back to the state before the call, exactly (use, member counts), whatever stopped it (NO_FIT, OUT_OF_MEMORY).
        this.placer.setUse(before.useCpu, before.useMem, before.members);
        throw err;
      }
      // (The drained hosts' entries in the index by host go with the hosts.)
      displaced.forEach(({ k, at }, j) => {
        const to = placed[j]!;
        at.forEach((i, m) => {
          moved.push({ cluster: k.name, id: k.ids[i]!, from: this.hostIds[this.keyAt[k.hosts[i]!]!]!, to: this.hostIds[to[m]!]! });
          k.hosts[i] = this.hostKeys[to[m]!]!;
        });
        this.count(k, at.map((i) => k.hosts[i]!), 1);
      });
      // The drained hosts go next, +∞ and all: their rows leave the columns.
    }
    this.doRemoveHosts(ids);
    return { removed: views, moved };
  }

  private doCreate(c: DockletCommandOf<'create'>): ClusterStatus {
    const k = this.newCluster(c, true);
    return this.statusOf(k as Cluster);
  }

  /**
   * Creates and places cluster `c`; when the gang does not fit, throws `NO_FIT` with its account
   * (`explain`) or returns the members the hosts have room for (nothing changed).
   */
  private newCluster(c: DockletCommandOf<'create'>, explain = false): Cluster | number {
    if (this.clusters.has(c.name)) throw new FairfitError('INVALID_OPTION', `name: a cluster ${q(c.name)} already exists`, { field: 'name' });
    const k: Cluster = {
      name: c.name, tenant: c.tenant, demand: { cpu: c.demand.cpu, mem: c.demand.mem }, placement: c.placement ?? 'spread',
      state: 'running', ids: [], hosts: [], next: 0, seq: this.nextSeq++,
    };
    this.checkQuota(k, c.nodes, 'nodes');
    if (explain) k.hosts = this.placeGang(k, c.nodes, 'nodes');
    else if (c.nodes > 0) {
      const r = this.placer.place(c.nodes, k.demand.cpu, k.demand.mem, k.placement, []);
      // The first member that found no host: the members before it are what the hosts have room for (exact for one gang).
      if (typeof r === 'number') return r;
      k.hosts = this.placedOn(k, r);
    }
    for (let i = 0; i < c.nodes; i++) k.ids.push(`${k.name}#${k.next++}`);
    this.clusters.set(k.name, k);
    return k;
  }

  private doDelete(name: string): DeleteResult {
    const k = this.cluster(name);
    const released = k.hosts.length;
    this.releaseNewest(k, released);
    this.clusters.delete(name);
    return { name, tenant: k.tenant, released };
  }

  private doScale(name: string, nodes: number): ClusterStatus {
    const k = this.cluster(name);
    const n = k.ids.length;
    // Past 2^53 − 1, next++ stops counting (2^53 + 1 is 2^53) and ids repeat; a restored snapshot's next may be near it.
    if (nodes > n && k.next + (nodes - n) > Number.MAX_SAFE_INTEGER) {
      throw new FairfitError('INVALID_OPTION', `nodes: cluster ${q(k.name)} would number a member past ${Number.MAX_SAFE_INTEGER} (its next member id is ${q(`${k.name}#${k.next}`)}): member ids are not reused`, { field: 'nodes' });
    }
    if (nodes > n && k.state === 'running') {
      this.checkQuota(k, nodes, 'nodes');
      const added = this.placeGang(k, nodes - n, 'nodes');
      k.hosts.push(...added);
    } else if (nodes < n && k.state === 'running') {
      this.releaseNewest(k, n - nodes);
    }
    if (nodes > n) for (let i = n; i < nodes; i++) k.ids.push(`${k.name}#${k.next++}`);
    else k.ids.length = nodes;
    return this.statusOf(k);
  }

  private doStop(name: string): ClusterStatus {
    const k = this.cluster(name);
    if (k.state === 'running') {
      this.releaseNewest(k, k.hosts.length);
      k.state = 'stopped';
    }
    return this.statusOf(k);
  }

  private doStart(name: string): ClusterStatus {
    const k = this.cluster(name);
    if (k.state === 'stopped') {
      this.checkQuota(k, k.ids.length, 'name');
      k.hosts = this.placeGang(k, k.ids.length, 'name');
      k.state = 'running';
    }
    return this.statusOf(k);
  }

  private doQuota(tenant: string, limits: QuotaLimits | undefined): QuotaView {
    const used = this.tenantUse(tenant);
    if (limits !== undefined) {
      for (const d of LIMITS) {
        const l = limits[d];
        if (l !== undefined && pastLimit(used[d], l)) {
          throw new FairfitError('QUOTA_EXCEEDED', `limits.${d}: tenant ${q(tenant)} already holds ${d} ${used[d]} on placed members, more than the limit ${l} asked for`, { field: `limits.${d}`, tenant, limit: d });
        }
      }
      const set: QuotaLimits = {};
      for (const d of LIMITS) if (limits[d] !== undefined) set[d] = limits[d];
      if (Object.keys(set).length === 0) this.quotas.delete(tenant);
      else this.quotas.set(tenant, set);
    }
    return { tenant, limits: { ...this.quotas.get(tenant) }, used };
  }

  private doSnapshot(): DockletSnapshot {
    const c = this.placer.columns();
    return {
      format: DOCKLET_SNAPSHOT_FORMAT,
      version: DOCKLET_SNAPSHOT_VERSION,
      hosts: this.hostIds.map((id, h) => ({ id, cpu: c.capCpu[h]!, mem: c.capMem[h]!, used: { cpu: c.useCpu[h]!, mem: c.useMem[h]! } })),
      clusters: [...this.clusters.values()].map((k) => {
        const { name, tenant, demand, placement, state, members } = this.statusOf(k);
        return { name, tenant, demand, placement, state, next: k.next, members };
      }),
      quotas: [...this.quotas].map(([tenant, limits]) => ({ tenant, limits: { ...limits } })),
    };
  }

  /** Takes a snapshot's state into this new manager (no host, no cluster yet), checking that its parts agree. */
  private load(s: DockletSnapshot): void {
    const bad = corruptSnapshot;
    s.hosts.forEach((h, i) => {
      if (this.keyOf.has(h.id)) throw bad(`snapshot.hosts[${i}].id`, `repeats host ${q(h.id)}`);
      this.keyOf.set(h.id, i);
      this.hostIds.push(h.id);
      this.hostKeys.push(i);
      this.keyAt.push(i);
      this.onHost.push(undefined);
    });
    const H = s.hosts.length;
    const members = new Int32Array(H);
    const sumCpu = new Float64Array(H);
    const sumMem = new Float64Array(H);
    s.clusters.forEach((c, i) => {
      const at = `snapshot.clusters[${i}]`;
      if (this.clusters.has(c.name)) throw bad(`${at}.name`, `repeats cluster ${q(c.name)}`);
      const hosts: number[] = [];
      let last = -1;
      c.members.forEach((m, j) => {
        // Ids as the manager makes them: <name>#<k>, k rising (oldest first) and below next.
        const k = m.id.startsWith(`${c.name}#`) && /^(0|[1-9]\d*)$/.test(m.id.slice(c.name.length + 1)) ? Number(m.id.slice(c.name.length + 1)) : -1;
        if (k <= last || k >= c.next) throw bad(`${at}.members[${j}].id`, `must be '${c.name}#<k>' with k rising from member to member and below next (${c.next}), got ${q(m.id)}`);
        last = k;
        if (c.state === 'stopped') {
          if (m.host !== null) throw bad(`${at}.members[${j}].host`, `must be null: the cluster is stopped`);
          return;
        }
        // A restored manager's keys are its hosts' indices.
        const h = m.host === null ? undefined : this.keyOf.get(m.host);
        if (h === undefined) throw bad(`${at}.members[${j}].host`, m.host === null ? 'is null in a running cluster' : `names no host of the snapshot: ${q(m.host)}`);
        hosts.push(h);
        members[h]!++;
        sumCpu[h]! += c.demand.cpu;
        sumMem[h]! += c.demand.mem;
      });
      const k: Cluster = {
        name: c.name, tenant: c.tenant, demand: { cpu: c.demand.cpu, mem: c.demand.mem }, placement: c.placement, state: c.state,
        ids: c.members.map((m) => m.id), hosts, next: c.next, seq: this.nextSeq++,
      };
      this.clusters.set(c.name, k);
      this.count(k, hosts, 1);
    });
    s.hosts.forEach((h, i) => {
      for (const [d, sum] of [['cpu', sumCpu[i]!], ['mem', sumMem[i]!]] as const) {
        const used = h.used[d];
        // The members' demands summed in another order differ in the last bits only; a host without members holds exactly 0.
        // A sum past Number.MAX_VALUE (Infinity) is over any capacity, and its slack (Infinity) would let any use pass.
        if (used > h[d] || (members[i] === 0 ? used !== 0 : !(Math.abs(used - sum) <= USE_SLACK * Math.max(h[d], sum)) || sum === Infinity)) {
          throw bad(`snapshot.hosts[${i}].used.${d}`, `is ${used}, but its ${members[i]} member(s) use ${sum} of capacity ${h[d]}`);
        }
      }
    });
    const tenants = new Set<string>();
    s.quotas.forEach((quota, i) => {
      if (tenants.has(quota.tenant)) throw bad(`snapshot.quotas[${i}].tenant`, `repeats tenant ${q(quota.tenant)}`);
      tenants.add(quota.tenant);
      const used = this.tenantUse(quota.tenant);
      for (const d of LIMITS) {
        const l = quota.limits[d];
        if (l !== undefined && pastLimit(used[d], l)) throw bad(`snapshot.quotas[${i}].limits.${d}`, `is ${l}, but tenant ${q(quota.tenant)} holds ${used[d]}`);
      }
      if (Object.keys(quota.limits).length > 0) this.quotas.set(quota.tenant, { ...quota.limits });
    });
    this.placer.addHosts(s.hosts.map((h) => h.cpu), s.hosts.map((h) => h.mem));
    // + 0: a −0 given without JSON reads 0, as the manager's own use never is −0.
    this.placer.setUse(s.hosts.map((h) => h.used.cpu + 0), s.hosts.map((h) => h.used.mem + 0), members);
  }

  // ------------------------------------------------------------------ helpers

  private cluster(name: string): Cluster {
    const k = this.clusters.get(name);
    if (k === undefined) throw new FairfitError('INVALID_OPTION', `name: no cluster named ${q(name)}`, { field: 'name' });
    return k;
  }

  /** Places `count` more members of `k` (its placed members counted): their host keys, or `NO_FIT` (nothing changed). */
  private placeGang(k: Cluster, count: number, field: string): number[] {
    if (count === 0) return [];
    const r = this.placer.place(count, k.demand.cpu, k.demand.mem, k.placement, k.hosts.map((key) => this.keyAt[key]!));
    if (typeof r === 'number') {
      // The placer is back as it was; what the hosts have room for is counted on the failure path only.
      const room = gangRoom(this.placer.columns(), k.demand, count);
      const hosts = this.hostIds.length;
      throw new FairfitError(
        'NO_FIT',
        `${field}: cluster ${q(k.name)} of tenant ${q(k.tenant)} needs room for ${count} ${k.hosts.length > 0 ? 'more ' : ''}member${count === 1 ? '' : 's'} (cpu ${k.demand.cpu}, mem ${k.demand.mem} each); the ${hosts} host${hosts === 1 ? ' has' : 's have'} room for ${room.room}, in any arrangement (${shortWords(room)}); nothing was placed`,
        { field, cluster: k.name, member: r, room: room.room },
      );
    }
    return this.placedOn(k, r);
  }

  /** The keys of hosts `r` (indices) where members of `k` were just placed, counted in the index by host. */
  private placedOn(k: Cluster, r: Int32Array): number[] {
    const keys = new Array<number>(r.length);
    for (let i = 0; i < r.length; i++) keys[i] = this.hostKeys[r[i]!]!;
    this.count(k, keys, 1);
    return keys;
  }

  /** Adds `d` (±1) to the count of `k`'s members on each host of `keys`; a count of 0 leaves the index. */
  private count(k: Cluster, keys: readonly number[], d: 1 | -1): void {
    for (const key of keys) {
      let on = this.onHost[key];
      if (on === undefined) this.onHost[key] = on = new Map();
      const n = (on.get(k) ?? 0) + d;
      if (n === 0) on.delete(k);
      else on.set(k, n);
    }
  }

  /** The clusters with members on the hosts of `keys`, in creation order. */
  private clustersOn(keys: Iterable<number>): Cluster[] {
    const found = new Set<Cluster>();
    for (const key of keys) for (const k of this.onHost[key]?.keys() ?? []) found.add(k);
    return [...found].sort((a, b) => a.seq - b.seq);
  }

  /** Releases the `count` newest placed members of `k`, newest first. */
  private releaseNewest(k: Cluster, count: number): void {
    if (count === 0) return;
    const gone = k.hosts.splice(k.hosts.length - count, count).reverse();
    this.count(k, gone, -1);
    this.placer.release(gone.map((key) => this.keyAt[key]!), k.demand.cpu, k.demand.mem);
  }

  /**
   * What `tenant`'s placed members hold: Σ over its running clusters, in creation order, of nodes and
   * nodes × demand; `change` counts cluster `change.k` as running with `change.nodes` members instead.
   */
  private tenantUse(tenant: string, change?: { k: Cluster; nodes: number }): QuotaUse {
    const use: QuotaUse = { nodes: 0, cpu: 0, mem: 0 };
    const add = (k: Cluster, n: number): void => {
      use.nodes += n;
      use.cpu += n * k.demand.cpu;
      use.mem += n * k.demand.mem;
    };
    let seen = false;
    for (const k of this.clusters.values()) {
      if (k.tenant !== tenant) continue;
      if (change !== undefined && k === change.k) {
        add(k, change.nodes);
        seen = true;
      } else if (k.state === 'running') {
        add(k, k.hosts.length);
      }
    }
    if (change !== undefined && !seen) add(change.k, change.nodes);
    return use;
  }

  /** `QUOTA_EXCEEDED` when `k` running with `nodes` members would take its tenant past a limit. */
  private checkQuota(k: Cluster, nodes: number, field: string): void {
    const limits = this.quotas.get(k.tenant);
    if (limits === undefined) return;
    const after = this.tenantUse(k.tenant, { k, nodes });
    for (const d of LIMITS) {
      const l = limits[d];
      if (l !== undefined && pastLimit(after[d], l)) {
        throw new FairfitError('QUOTA_EXCEEDED', `${field}: tenant ${q(k.tenant)} would hold ${d} ${after[d]} with cluster ${q(k.name)} at ${nodes} members, over its quota limit ${d} ${l}`, { field, tenant: k.tenant, limit: d });
      }
    }
  }

  private summary(k: Cluster): ClusterSummary {
    return { name: k.name, tenant: k.tenant, state: k.state, nodes: k.ids.length, demand: { ...k.demand }, placement: k.placement };
  }

  private statusOf(k: Cluster): ClusterStatus {
    const running = k.state === 'running';
    return { ...this.summary(k), members: k.ids.map((id, i) => ({ id, host: running ? this.hostIds[this.keyAt[k.hosts[i]!]!]! : null })) };
  }

  /** The hosts from `from` on (an `addHosts` answers with the new ones only: no copy of every host's columns per call). */
  private hostViews(from: number): HostView[] {
    const c = this.placer.columns(from);
    const out: HostView[] = [];
    for (let j = 0; j < c.capCpu.length; j++) {
      out.push({ id: this.hostIds[from + j]!, cpu: c.capCpu[j]!, mem: c.capMem[j]!, used: { cpu: c.useCpu[j]!, mem: c.useMem[j]! }, members: c.members[j]! });
    }
    return out;
  }
}
