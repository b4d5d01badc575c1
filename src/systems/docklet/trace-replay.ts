/**
 * A Google 2011 trace replayed through the Docklet virtual-cluster manager (`replayClusters`):
 * each job is one virtual cluster created at its first task event and deleted when its last
 * task's run ends, on the machines present at the window start, once per placement rule
 * (`spread`, `pack`), so the rules can be compared on a real workload. A create refused with
 * `NO_FIT` waits in a FIFO queue, retried in order after each departure, and a later gang may
 * pass a blocked earlier one (counted). The hosts' load is sampled every `sampleSeconds` of
 * trace time from the manager's columns in one pass, the Gini by the WebAssembly kernel.
 * Decisions in docs/model.md ("Docklet virtual clusters", "Replaying a Google trace").
 *
 * @module
 */
import { checkOptionNames, FairfitError, optionNames, optionsObject, plural, shown } from '../../errors.ts';
import { GiniTracker } from '../../kernels/gini.ts';
import { TimeHeap } from '../../model/time-heap.ts';
import { formatMetric, textTable } from '../../report/table.ts';
import { hostRoom, hostTakes } from './gang-room.ts';
import { MAX_CLUSTER_NODES, PLACEMENTS, type ClusterPlacement } from './model.ts';
import { readClusterTrace, type ClusterTrace, type ClusterTraceCounts } from './trace-gangs.ts';
import { RoomIndex } from './room-index.ts';
import { SleepingGangs } from './sleeping-gangs.ts';
import { UseMirror } from './use-mirror.ts';
import { VirtualClusters } from './virtual-clusters.ts';

/** Default sampling interval of the hosts' load, s of trace time. */
export const DEFAULT_SAMPLE_SECONDS = 300;

/** Options of {@link replayClusters} and {@link replayClusterTrace}. */
export interface ClustersReplayOptions {
  /** The rules to replay, in this order (default both: `spread`, `pack`). */
  placements?: readonly ClusterPlacement[];
  /** Interval of the load samples (hosts in use, Gini), s of trace time (default 300). */
  sampleSeconds?: number;
  /** Where placement runs (default `'wasm'`; `'reference'` gives the same result). */
  engine?: 'wasm' | 'reference';
  /** Read strictly: the first bad line throws `PARSE_ERROR` (default: skipped and counted). */
  strict?: boolean;
  /** Refuse a damaged trace before any replay (see {@link ClusterTraceReadOptions.maxSkipped}; default: no limit). */
  maxSkipped?: number;
  /**
   * Stop once aborted: the replay yields to the event loop every ~50 ms of work, so a signal handler
   * can abort it; the rules finished are reported, marked `interrupted` (an abort while reading the
   * trace throws the reader's `ABORTED`).
   */
  signal?: AbortSignal;
  /** Called as the replay advances: `done` of `total` rules, fractions by trace time. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Skip the calls the manager would certainly refuse (default `true`): a gang needing more than the
   * free total, or more than the room it was refused with plus what departures can have added (by
   * the freed sums, and by the members the hosts departures touched take now), or dominating one
   * refused since the last departure, or more than the hosts' free room bounds (the hosts kept by
   * free room in a grid). `false` offers every waiting gang to the manager at each
   * retry: the same report, slower (the property test compares the two).
   */
  shortcuts?: boolean;
  /**
   * The machine events inside the window after its start: `'ignore'` (default: counted, the hosts
   * are the machines present at the start throughout) or `'apply'`: an ADD adds the host, a REMOVE
   * drains it (its members move to other hosts; a cluster whose members find no room is evicted —
   * deleted and queued again with the rest of its hold — and the drain tried again), an UPDATE is
   * counted, not applied (a host's capacity is fixed). docs/model.md, "Replaying a Google trace".
   */
  machineEvents?: 'ignore' | 'apply';
}

const OPTION_KEYS = optionNames<ClustersReplayOptions>()('placements', 'sampleSeconds', 'engine', 'strict', 'maxSkipped', 'signal', 'shortcuts', 'onProgress', 'machineEvents');

/** What the machine events did under one rule (`machineEvents: 'apply'`). */
export interface MachineOutcomes {
  /** Hosts added (an ADD of a machine that is not a host, with a capacity > 0 in both dimensions). */
  added: number;
  /** Hosts removed (a REMOVE of a host). */
  removed: number;
  /** Events not applied: an UPDATE (capacities are fixed), an ADD of a host already there or without a capacity, a REMOVE of a machine that is not a host. */
  notApplied: number;
  /** Members moved off removed hosts onto others. */
  movedMembers: number;
  /** Clusters evicted by a removal (their members found no room elsewhere): deleted and queued again with the rest of their hold. */
  evicted: number;
  /** Evicted clusters placed again (each placement counted). */
  placedAgain: number;
  /** Evicted clusters still waiting at the window end. */
  evictedWaitingAtEnd: number;
}

/** What became of the gangs under one rule. */
export interface GangOutcomes {
  /** Creates asked for (the trace's kept jobs whose creation falls inside the window). */
  asked: number;
  /** Placed when created. */
  placedAtOnce: number;
  /** Refused (`NO_FIT`), queued, placed later. */
  placedAfterWait: number;
  /** Still queued at the window end (those that fit no empty cluster included). */
  waitingAtEnd: number;
  /** Of those, gangs that fit not even the empty hosts: never tried again. */
  neverFit: number;
  /** Gangs placed while an earlier gang (that fits the empty hosts) was still waiting: passes of the FIFO order. */
  passes: number;
  /** Gangs deleted inside the window (their last task's run ended). */
  deleted: number;
}

/** One rule's replay. */
export interface ClustersPlacementRun {
  placement: ClusterPlacement;
  gangs: GangOutcomes;
  /** Wait of the gangs placed after waiting, s: mean and 95th percentile (nearest rank); null when none waited. */
  meanWait: number | null;
  p95Wait: number | null;
  /** Members placed (each placement of a gang counts its members). */
  membersPlaced: number;
  /** Time-weighted mean over the samples of the hosts holding at least one member. */
  meanHostsInUse: number;
  /** Time-weighted mean over the samples of the Gini of the hosts' dominant share in use (every host, empty ones 0). */
  meanGini: number;
  /**
   * Time-weighted mean over the samples of the stranded share of the free CPU and memory: per host,
   * the free share of one dimension beyond the other's (`max(0, freeCpu/capCpu − freeMem/capMem) ·
   * capCpu`, and the same for memory), summed, over the hosts' free total (0 when none is free).
   * Room a member needing both dimensions cannot use: high when hosts are full in one dimension only.
   */
  meanStrandedCpu: number;
  meanStrandedMem: number;
  /** Largest share of the hosts' total CPU and memory held by placed members (exact: after every placement). */
  peakCpuFraction: number;
  peakMemFraction: number;
  /** Load samples taken. */
  samples: number;
  /** The samples themselves, in time order (the means above are their time-weighted means). */
  series: ClustersSeries;
  /** With `machineEvents: 'apply'`: what the machine events did. */
  machines?: MachineOutcomes;
}

/**
 * The hosts' load at each sample of one rule's replay: the state after every event at or before the
 * sample's time (the first at the window start, then every `sampleSeconds` while before its end).
 */
export interface ClustersSeries {
  /** Sample time, s since the window start. */
  time: number[];
  /** Hosts holding at least one member. */
  hostsInUse: number[];
  /** Share of the hosts' total CPU and memory held by placed members. */
  cpuInUse: number[];
  memInUse: number[];
  /** Gini of the hosts' dominant share in use (every host, empty ones 0). */
  gini: number[];
  /** Stranded share of the free CPU and memory ({@link ClustersPlacementRun.meanStrandedCpu}). */
  strandedCpu: number[];
  strandedMem: number[];
  /** Gangs waiting in the queue (those that fit not even the empty hosts not counted). */
  waiting: number[];
}

/** A replay of one trace under each rule asked for. */
export interface ClustersReplayReport {
  kind: 'clusters-replay';
  trace: {
    path: string;
    /** Window, s of trace time. */
    start: number;
    end: number;
    files: string[];
    rows: number;
    skippedLines: number;
    firstProblems: string[];
    counts: ClusterTraceCounts;
  };
  sampleSeconds: number;
  /** Whether the machine events inside the window were applied ({@link ClustersReplayOptions.machineEvents}). */
  machineEvents: 'ignore' | 'apply';
  /** The rules asked for, in order (`runs` has fewer when interrupted). */
  placements: ClusterPlacement[];
  runs: ClustersPlacementRun[];
  /** Aborted (`signal`) before every rule finished: `runs` holds those that did. */
  interrupted: boolean;
}

/** Checks the options and gives them with defaults. */
function resolve(options: ClustersReplayOptions | undefined): Required<Omit<ClustersReplayOptions, 'signal' | 'strict' | 'onProgress' | 'maxSkipped'>> & Pick<ClustersReplayOptions, 'signal' | 'onProgress'> {
  checkOptionNames(options, OPTION_KEYS, 'replayClusters');
  const o: ClustersReplayOptions = optionsObject(options);
  const placements = o.placements ?? PLACEMENTS;
  if (!Array.isArray(placements) || placements.length === 0) throw new FairfitError('INVALID_OPTION', `placements must be a non-empty array of ${PLACEMENTS.join(', ')}, got ${shown(placements)}`, { field: 'placements' });
  placements.forEach((p, i) => {
    if (!(PLACEMENTS as readonly unknown[]).includes(p)) throw new FairfitError('INVALID_OPTION', `placements[${i}] must be one of ${PLACEMENTS.join(', ')}, got ${shown(p)}`, { field: `placements[${i}]` });
  });
  if (new Set(placements).size !== placements.length) throw new FairfitError('INVALID_OPTION', `placements names a rule twice: ${shown(placements)}`, { field: 'placements' });
  const sampleSeconds = o.sampleSeconds ?? DEFAULT_SAMPLE_SECONDS;
  if (typeof sampleSeconds !== 'number' || !Number.isFinite(sampleSeconds) || sampleSeconds <= 0) throw new FairfitError('INVALID_OPTION', `sampleSeconds must be a finite number > 0, got ${shown(sampleSeconds)}`, { field: 'sampleSeconds' });
  const engine = o.engine ?? 'wasm';
  if (engine !== 'wasm' && engine !== 'reference') throw new FairfitError('INVALID_OPTION', `engine must be 'wasm' or 'reference', got ${shown(engine)}`, { field: 'engine' });
  const shortcuts = o.shortcuts ?? true;
  if (typeof shortcuts !== 'boolean') throw new FairfitError('INVALID_OPTION', `shortcuts must be true or false, got ${shown(shortcuts)}`, { field: 'shortcuts' });
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw new FairfitError('INVALID_OPTION', `onProgress must be a function, got ${shown(o.onProgress)}`, { field: 'onProgress' });
  const machineEvents = o.machineEvents ?? 'ignore';
  if (machineEvents !== 'ignore' && machineEvents !== 'apply') throw new FairfitError('INVALID_OPTION', `machineEvents must be 'ignore' or 'apply', got ${shown(machineEvents)}`, { field: 'machineEvents' });
  return { placements: [...placements], sampleSeconds, engine, shortcuts, machineEvents, ...(o.signal ? { signal: o.signal } : {}), ...(o.onProgress ? { onProgress: o.onProgress } : {}) };
}

/**
 * Reads a Google 2011 trace folder (`task_events/`, `machine_events/`) and replays its jobs as
 * virtual clusters under each placement rule (default `spread` then `pack`). Deterministic: the
 * same folder and options give the same report (byte-identical as JSON).
 *
 * @throws FairfitError `INVALID_OPTION` naming the option; the reader's `FILE_NOT_FOUND`, `PARSE_ERROR` (strict, or past `maxSkipped`), `CORRUPT_INPUT` (strict, or below `maxSkipped` 1), `NO_DATA`.
 * @example
 * ```ts
 * const report = await replayClusters('traces/google2011', { placements: ['spread', 'pack'] });
 * for (const r of report.runs) console.log(r.placement, r.meanHostsInUse, r.gangs.placedAfterWait);
 * ```
 */
export async function replayClusters(trace: string, options?: ClustersReplayOptions): Promise<ClustersReplayReport> {
  const o = resolve(options);
  const m = options?.maxSkipped;
  if (m !== undefined && (typeof m !== 'number' || !(m >= 0 && m <= 1))) throw new FairfitError('INVALID_OPTION', `maxSkipped must be a number in [0, 1], got ${shown(m)}`, { field: 'maxSkipped' });
  const t = await readClusterTrace(trace, { strict: options?.strict === true, ...(m !== undefined ? { maxSkipped: m } : {}), ...(o.signal ? { signal: o.signal } : {}) });
  return replayClusterTrace(t, trace, options);
}

/** {@link replayClusters} on a trace already read ({@link readClusterTrace}); `path` is what the report names. */
export async function replayClusterTrace(t: ClusterTrace, path: string, options?: ClustersReplayOptions): Promise<ClustersReplayReport> {
  const o = resolve(options);
  const runs: ClustersPlacementRun[] = [];
  let interrupted = false;
  for (const [i, p] of o.placements.entries()) {
    const progress = o.onProgress ? (f: number) => o.onProgress!(i + f, o.placements.length) : undefined;
    try {
      runs.push(await runPlacement(t, p, o, progress));
      o.onProgress?.(i + 1, o.placements.length);
    } catch (err) {
      if (!(o.signal?.aborted === true && err === o.signal.reason)) throw err;
      interrupted = true;
      break;
    }
  }
  return {
    kind: 'clusters-replay',
    trace: {
      path,
      start: t.start / 1e6,
      end: t.end / 1e6,
      files: t.summary.files,
      rows: t.summary.rows,
      skippedLines: t.summary.skipped,
      firstProblems: t.summary.firstProblems,
      counts: t.counts,
    },
    sampleSeconds: o.sampleSeconds,
    machineEvents: o.machineEvents,
    placements: [...o.placements],
    runs,
    interrupted,
  };
}

/**
 * Members of demand (c, m) that hosts of each distinct capacity take when empty, summed, up to
 * `n` (the placer's own test: use + δ ≤ C, by repeated addition): `< n` means the gang fits not
 * even the empty hosts, in any arrangement.
 */
function emptyRoom(caps: readonly { cpu: number; mem: number; hosts: number }[], n: number, c: number, m: number): number {
  let room = 0;
  for (const cap of caps) {
    room += hostRoom(cap.cpu, cap.mem, 0, 0, c, m, n)[0] * cap.hosts;
    if (room >= n) return room;
  }
  return room;
}

/** The first index of ascending `xs` whose entry is > x (`orEqual`: ≥ x), `xs.length` when none. */
function firstAbove(xs: readonly number[], x: number, orEqual: boolean): number {
  let lo = 0, hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x || (!orEqual && xs[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Whether demand (c, m) is no smaller in either dimension than a step of the staircase (`cpu`
 * ascending, `mem` strictly descending): of the steps with cpu ≤ c, the last has the least mem.
 */
function onStaircase(cpu: readonly number[], mem: readonly number[], c: number, m: number): boolean {
  const i = firstAbove(cpu, c, false) - 1;
  return i >= 0 && mem[i]! <= m;
}

/**
 * Adds demand (c, m), which no step dominates, to the staircase, dropping the steps it dominates
 * (cpu ≥ c and mem ≥ m: a run from the first step of cpu ≥ c, mem descending along it).
 */
function addStep(cpu: number[], mem: number[], c: number, m: number): void {
  const lo = firstAbove(cpu, c, true);
  let hi = lo;
  while (hi < cpu.length && mem[hi]! >= m) hi++;
  cpu.splice(lo, hi - lo, c);
  mem.splice(lo, hi - lo, m);
}

/** Nearest-rank quantile of sorted values. */
function nearestRank(sorted: Float64Array, q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

/** One rule's replay on a fresh manager. */
async function runPlacement(
  t: ClusterTrace, placement: ClusterPlacement, o: ReturnType<typeof resolve>, onProgress: ((fraction: number) => void) | undefined,
): Promise<ClustersPlacementRun> {
  const { sampleSeconds, engine, shortcuts, signal } = o;
  const g = t.gangs;
  const n = g.count;
  const H = t.hosts.length;
  // The machine events applied (none unless asked): in time order, after the departures of their time.
  const mc = o.machineEvents === 'apply' ? t.machineChanges : undefined;
  const changes = mc?.count ?? 0;
  const machines: MachineOutcomes | undefined = mc ? { added: 0, removed: 0, notApplied: 0, movedMembers: 0, evicted: 0, placedAgain: 0, evictedWaitingAtEnd: 0 } : undefined;
  // The hosts there now, by id, with their capacity (a removal takes it off the totals).
  const present = new Map<string, { cpu: number; mem: number }>();
  let capCpu = 0, capMem = 0;
  for (const h of t.hosts) {
    capCpu += h.cpu;
    capMem += h.mem;
    present.set(h.id, h);
  }
  // A gang that fits not even every host the window ever has, empty, never fits: the hosts at the
  // start and, with the events applied, each machine an ADD brings, at the largest capacity it is given.
  const ever = new Map<string, { cpu: number; mem: number }>(present);
  let adds = 0;
  for (let i = 0; i < changes; i++) {
    if (mc!.type[i] !== 0 || !(mc!.cpu[i]! > 0 && mc!.mem[i]! > 0)) continue;
    adds++;
    const e = ever.get(mc!.id[i]!);
    ever.set(mc!.id[i]!, { cpu: Math.max(e?.cpu ?? 0, mc!.cpu[i]!), mem: Math.max(e?.mem ?? 0, mc!.mem[i]!) });
  }
  const byCap = new Map<string, { cpu: number; mem: number; hosts: number }>();
  for (const h of ever.values()) {
    const key = `${h.cpu},${h.mem}`;
    const e = byCap.get(key);
    if (e) e.hosts++;
    else byCap.set(key, { cpu: h.cpu, mem: h.mem, hosts: 1 });
  }
  const caps = [...byCap.values()];
  // Slack of the aggregate pre-check: a gang needing more than the free total (by more than float
  // rounding of these sums) fits nowhere; the check only spares a call that would be refused.
  const slack = 1e-9 * Math.max(capCpu, capMem);
  using vc = new VirtualClusters({ hosts: t.hosts, engine });
  const shares = new Float64Array(H + adds);
  // Each sample's Gini: between two samples few hosts change, so the shares stay sorted from one to the next.
  using shareGini = new GiniTracker();
  const waits: number[] = [];
  const out: GangOutcomes = { asked: 0, placedAtOnce: 0, placedAfterWait: 0, waitingAtEnd: 0, neverFit: 0, passes: 0, deleted: 0 };
  let membersPlaced = 0;
  let useCpu = 0, useMem = 0, peakCpu = 0, peakMem = 0;
  // Departures by (time, gang index): at a tie the earlier-created gang leaves first.
  const departures = new TimeHeap();
  let queue: number[] = [];
  const names = new Array<string>(n);
  const byName = mc ? new Map<string, number>() : undefined;
  // Per gang: how long it holds its members once placed (the trace's first event → last run end; +∞
  // when it does not end inside the window; what is left of it after an eviction), and when it leaves
  // (a departure popped at another time, or for a gang not placed now, is an evicted gang's old one).
  const hold = Float64Array.from(g.end, (end, k) => (end === end ? end - g.created[k]! : Number.POSITIVE_INFINITY));
  const leaveAt = new Float64Array(n).fill(Number.NaN);
  const placedNow = new Uint8Array(n);
  const evictedOnce = new Uint8Array(n);

  // What departures have freed so far (monotone sums), and per queued gang the room the hosts had at
  // its last refusal with the sums then. A host a departure touched takes at most
  // max_d(freed_d / demand_d) + 1 more members (the dimension that bound it may be either), + 2 for
  // the rounding of the placer's sums; summed over the touched hosts (≤ Δmembers) that is at most
  // Δcpu / c + Δmem / m + 3·Δmembers, so a gang still short by more is not tried (the call would be
  // refused). (Until 7 Dec the bound took the smaller of Δcpu / c and Δmem / m: a gang bound by mem
  // was skipped for good when a departure freed mem but little cpu; test/docklet/trace-replay.test.ts.)
  let freedCpu = 0, freedMem = 0, freedMembers = 0;
  const roomAt = new Float64Array(n), cpuAt = new Float64Array(n), memAt = new Float64Array(n), membersAt = new Float64Array(n);
  /** Retry passes so far, and the pass of each gang's last count of room (a call to the placer, or the index's bound). */
  let pass = 0;
  const tried = new Int32Array(n).fill(-1);

  // The hosts departures touched. A host no departure touched since a gang's room was bounded has
  // only taken members since, so takes no more of the gang's than then (the count is monotone in
  // the use, the placer's float sums included): the room now is at most that bound plus what the
  // touched hosts take now, counted on a copy of the hosts' use made with the placer's own sums.
  // `touched` lists them in order (a host once per departure time, again at a later one: counted
  // twice, which only loosens the bound); per queued gang, `bound` holds the room bound once
  // `touched` had `seen` entries (at a refusal: the room the placer reported).
  // Each host's index here: its place in `ever` (the hosts at the start in order, then each machine
  // an ADD brings; a machine removed and added again keeps its index). A host not there has capacity 0.
  const hostIndex = new Map<string, number>();
  const hostCpu = new Float64Array(ever.size), hostMem = new Float64Array(ever.size);
  let topCpu = 0, topMem = 0;
  for (const [id, h] of ever) {
    const i = hostIndex.size;
    hostIndex.set(id, i);
    if (i < H) {
      hostCpu[i] = t.hosts[i]!.cpu;
      hostMem[i] = t.hosts[i]!.mem;
    }
    topCpu = Math.max(topCpu, h.cpu);
    topMem = Math.max(topMem, h.mem);
  }
  const gangHosts = new Array<Int32Array | undefined>(n);
  const touched: number[] = [];
  const touchedAt = new Int32Array(hostIndex.size).fill(-1);
  let departureTimes = 0;
  const bound = new Float64Array(n);
  const seen = new Int32Array(n);
  // Past this many hosts to count, the call is made instead (one pass over every host in WebAssembly).
  const WALK = Math.max(64, H >> 2);
  // With the checks on, the copy of the use is kept (`use`, below), and follows the machine events
  // when they are applied: a host added is touched with its whole capacity, a drain's moves are placed
  // on their new hosts with the placer's sums, a host removed holds nothing and has capacity 0.
  // With the copy kept, the hosts by free room (RoomIndex, told of every change by the copy): a gang
  // the index bounds below its members is refused without a call (check 5: the placer's refusal scans
  // every host).
  const rooms = shortcuts ? new RoomIndex(hostCpu, hostMem, { cpu: topCpu, mem: topMem }) : undefined;
  const use = new UseMirror(hostIndex.size, rooms);
  // With the copy kept, the queue: each gang's ticket, taken as it joins (its creation refused, or
  // evicted: then after every gang waiting; −1 before it first joins), and which tickets still wait.
  // Without evictions the tickets follow the gangs' indices.
  const ticket = shortcuts ? new Float64Array(n).fill(-1) : undefined;
  // With the copy kept, a waiting gang sleeps until a departure (or a machine added, or a gang
  // evicted) can have made room for it (SleepingGangs) and a retry visits, in ticket order, the woken
  // ones only. Otherwise each retry visits the whole `queue`.
  const sleeping = shortcuts ? new SleepingGangs(g.cpu, g.mem, g.members, ticket) : undefined;
  // With `sleeping`: the gangs whose (bound, seen) holds, whether the placer refused them or not.
  const bounded = sleeping ? new Uint8Array(n) : undefined;
  let tickets = 0, ticketWaits = sleeping ? new Uint8Array(Math.max(16, n)) : undefined;
  let waitingCount = 0, firstWaiting = 0;
  const waitingNow = (): number => (sleeping ? waitingCount : queue.length);
  // Why tryPlace (or the retry's dominance check) refused a gang last, and the room bound it gave.
  let refusedBy = 0, refusedBound = 0;
  const BY_TOTALS = 1, BY_ZERO = 2, BY_GROW = 3, BY_WALK = 4, BY_PLACER = 5, BY_DOMINANCE = 6, BY_INDEX = 7;
  // Float rounding of the running sums, against which a gang asleep on the totals wakes early.
  const totalsSlack = 1e-6 * Math.max(capCpu, capMem);

  // Demands refused with room 0 since the last departure, none dominating another (cpu ascending, mem
  // strictly descending): a gang needing no less of either has room 0 too (placements since only take
  // room, and a host's count of members is monotone in the demand, the placer's float sums included).
  const zeroCpu: number[] = [], zeroMem: number[] = [];
  /** Room came back (a departure, a host added, an eviction): the refusals with room 0 no longer stand. */
  const clearStaircase = (): void => {
    zeroCpu.length = 0;
    zeroMem.length = 0;
  };

  /** The largest shares of the hosts' totals held so far (no host left: nothing held). */
  const notePeak = (): void => {
    if (capCpu > 0 && useCpu / capCpu > peakCpu) peakCpu = useCpu / capCpu;
    if (capMem > 0 && useMem / capMem > peakMem) peakMem = useMem / capMem;
  };

  /** Gang k refused with room for at most `room` of its members now (the placer's count, or the index's bound). */
  const refusedCounted = (k: number, room: number): void => {
    tried[k] = pass;
    roomAt[k] = room;
    cpuAt[k] = freedCpu;
    memAt[k] = freedMem;
    membersAt[k] = freedMembers;
    bound[k] = room;
    seen[k] = touched.length;
    if (shortcuts && room === 0) {
      addStep(zeroCpu, zeroMem, g.cpu[k]!, g.mem[k]!);
      sleeping?.roomTaken();
    }
  };

  const tryPlace = (k: number, now: number): boolean => {
    const nodes = g.members[k]!, c = g.cpu[k]!, m = g.mem[k]!;
    if (shortcuts && (nodes * c > capCpu - useCpu + slack || nodes * m > capMem - useMem + slack)) {
      refusedBy = BY_TOTALS;
      return false;
    }
    if (shortcuts && nodes > 0 && onStaircase(zeroCpu, zeroMem, c, m)) {
      refusedBy = BY_ZERO;
      return false;
    }
    if (shortcuts && tried[k]! >= 0) {
      // A gang of demand 0 in both dimensions binds no host: any host added or freed may take all of it.
      const grow = c === 0 && m === 0 ? Number.POSITIVE_INFINITY : (c > 0 ? (freedCpu - cpuAt[k]!) / c : 0) + (m > 0 ? (freedMem - memAt[k]!) / m : 0) + 3 * (freedMembers - membersAt[k]!);
      if (roomAt[k]! + grow < nodes) {
        refusedBy = BY_GROW;
        refusedBound = roomAt[k]! + grow;
        return false;
      }
    }
    if (rooms) {
      const atMost = rooms.atMost(c, m, nodes);
      if (atMost < nodes) {
        refusedCounted(k, atMost);
        refusedBy = BY_INDEX;
        return false;
      }
    }
    if (shortcuts && (tried[k]! >= 0 || bounded![k] === 1)) {
      const from = seen[k]!;
      if (touched.length - from <= WALK) {
        const need = nodes - bound[k]!;
        let more = 0;
        for (let j = from; j < touched.length && more < need; j++) {
          const h = touched[j]!;
          more += hostTakes(hostCpu[h]!, hostMem[h]!, use.useCpu[h]!, use.useMem[h]!, c, m, need - more);
        }
        if (more < need) {
          bound[k] = bound[k]! + more;
          seen[k] = touched.length;
          refusedBy = BY_WALK;
          return false;
        }
      }
    }
    if (names[k] === undefined) {
      names[k] = String(g.jobId[k]!);
      byName?.set(names[k], k);
    }
    const r = vc.tryCreate({ name: names[k], tenant: g.user[k]! < 0 ? 'unknown' : `u${g.user[k]!}`, nodes, demand: { cpu: c, mem: m }, placement });
    if (r.kind === 'no-fit') {
      refusedCounted(k, r.room);
      refusedBy = BY_PLACER;
      return false;
    }
    if (shortcuts) {
      const hosts = Int32Array.from(r.cluster.members, (x) => hostIndex.get(x.host!)!);
      use.place(hosts, c, m);
      gangHosts[k] = hosts;
      sleeping?.roomTaken();
    }
    membersPlaced += nodes;
    useCpu += nodes * c;
    useMem += nodes * m;
    notePeak();
    // The job holds its members as long as the trace shows it (first event → last run end), from its placement.
    const leave = now + hold[k]!;
    leaveAt[k] = leave;
    placedNow[k] = 1;
    if (leave <= t.end) departures.push(leave, k);
    return true;
  };

  /** Host h was touched: it may take more than at the waiting gangs' bounds (listed once per time). */
  const touch = (h: number): void => {
    if (touchedAt[h] !== departureTimes) touched.push(h);
    touchedAt[h] = departureTimes;
  };

  /** Takes a placed gang's members off the hosts: a departure, or an eviction. */
  const release = (k: number): void => {
    vc.delete(names[k]!);
    placedNow[k] = 0;
    useCpu -= g.members[k]! * g.cpu[k]!;
    useMem -= g.members[k]! * g.mem[k]!;
    freedCpu += g.members[k]! * g.cpu[k]!;
    freedMem += g.members[k]! * g.mem[k]!;
    freedMembers += g.members[k]!;
    const hosts = gangHosts[k];
    if (hosts) {
      use.release(hosts, g.cpu[k]!, g.mem[k]!);
      for (const h of hosts) touch(h);
      gangHosts[k] = undefined;
    }
  };

  /**
   * Applies machine event `i` at `now`; whether it can have made room (a host added, a gang evicted).
   * A host added can take at most min(cpu/c, mem/m) members of any demand: counted as room freed on
   * one host, as a departure's, for the room bound of the waiting gangs.
   */
  const applyChange = (i: number, now: number): boolean => {
    const id = mc!.id[i]!, type = mc!.type[i]!;
    const here = present.get(id);
    if (type === 0) {
      const cpu = mc!.cpu[i]!, mem = mc!.mem[i]!;
      if (here || !(cpu > 0 && mem > 0)) {
        machines!.notApplied++;
        return false;
      }
      vc.addHosts([{ id, cpu, mem }]);
      present.set(id, { cpu, mem });
      if (shortcuts) {
        const h = hostIndex.get(id)!;
        hostCpu[h] = cpu;
        hostMem[h] = mem;
        use.reset(h);
        touch(h);
      }
      capCpu += cpu;
      capMem += mem;
      freedCpu += cpu;
      freedMem += mem;
      freedMembers += 1;
      machines!.added++;
      return true;
    }
    if (type !== 1 || !here) {
      machines!.notApplied++;
      return false;
    }
    // Drain the host; a cluster whose members find no room elsewhere is evicted, and the drain tried
    // again (the drain is all or nothing and names the cluster it could not move).
    let evicted = false;
    for (;;) {
      try {
        const { moved } = vc.drainHosts([id]);
        machines!.movedMembers += moved.length;
        if (shortcuts) {
          // Each member moved is placed on its new host, in the order the placer placed them (a
          // cluster at a time), so the copy's sums stay the placer's; the drained host empties below.
          const from = hostIndex.get(id)!;
          for (const mv of moved) {
            const k = byName!.get(mv.cluster)!, to = hostIndex.get(mv.to)!, hosts = gangHosts[k]!;
            hosts[hosts.indexOf(from)] = to;
            use.place([to], g.cpu[k]!, g.mem[k]!);
          }
        }
        break;
      } catch (err) {
        const name = err instanceof FairfitError && err.code === 'NO_FIT' ? (err.details as { cluster?: unknown }).cluster : undefined;
        const k = typeof name === 'string' ? byName!.get(name) : undefined;
        if (k === undefined) throw err;
        release(k);
        // What is left of its hold goes with it (a gang that would not leave inside the window keeps +∞).
        hold[k] = leaveAt[k]! - now;
        evictedOnce[k] = 1;
        if (sleeping) {
          join(k);
          sleeping.visitNext(k);
        } else queue.push(k);
        machines!.evicted++;
        evicted = true;
      }
    }
    if (shortcuts) {
      const h = hostIndex.get(id)!;
      hostCpu[h] = 0;
      hostMem[h] = 0;
      use.reset(h);
    }
    present.delete(id);
    capCpu -= here.cpu;
    capMem -= here.mem;
    // Members moved onto fewer hosts: a larger share of what is left may be held.
    notePeak();
    machines!.removed++;
    return evicted;
  };

  /**
   * Gang `k`, refused now, sleeps until a departure can have made room for it: on the totals when
   * their free room is short (it grows by no more than what departures free), else on the hosts with
   * the room bound its refusal gave (room 0 on the staircase; a dominating gang's room this pass).
   */
  const sleep = (k: number): void => {
    const nodes = g.members[k]!;
    if (refusedBy === BY_TOTALS) {
      const shortCpu = nodes * g.cpu[k]! - (capCpu - useCpu);
      if (shortCpu > slack) sleeping!.onTotals(k, 0, freedCpu + shortCpu - slack - totalsSlack);
      else sleeping!.onTotals(k, 1, freedMem + nodes * g.mem[k]! - (capMem - useMem) - slack - totalsSlack);
      return;
    }
    if (refusedBy === BY_ZERO) bound[k] = 0;
    else if (refusedBy === BY_GROW || refusedBy === BY_DOMINANCE) bound[k] = refusedBound;
    // BY_WALK, BY_INDEX and BY_PLACER: tryPlace made the bound now.
    seen[k] = touched.length;
    bounded![k] = 1;
    sleeping!.onHosts(k, nodes - bound[k]!);
  };

  /** With `sleeping`: gang k joins the waiting ones, at the end of the queue (its ticket). */
  const join = (k: number): void => {
    waitingCount++;
    if (tickets === ticketWaits!.length) {
      const grown = new Uint8Array(2 * tickets);
      grown.set(ticketWaits!);
      ticketWaits = grown;
    }
    ticket![k] = tickets;
    ticketWaits![tickets++] = 1;
  };

  /** A gang refused joins the waiting ones (at the end of the queue). */
  const enqueue = (k: number): void => {
    if (!sleeping) {
      queue.push(k);
      return;
    }
    join(k);
    sleep(k);
  };

  /**
   * One waiting gang tried in a retry; whether it was placed. A gang whose demand is no smaller in
   * either dimension than one refused earlier in this pass, and which needs more members than the
   * hosts had room for then, is not tried: its room is no larger (as for the refusals with room 0,
   * kept by `tryPlace`; of those with some room, the first 64 of the pass). `queuedBefore`: a gang
   * before it in the queue still waits (the placement passes it).
   */
  const visit = (k: number, now: number, refused: number[], queuedBefore: boolean): boolean => {
    const nodes = g.members[k]!, c = g.cpu[k]!, m = g.mem[k]!;
    if (shortcuts) for (const r of refused) {
      if (nodes > roomAt[r]! && c >= g.cpu[r]! && m >= g.mem[r]!) {
        refusedBy = BY_DOMINANCE;
        refusedBound = roomAt[r]!;
        return false;
      }
    }
    if (!tryPlace(k, now)) {
      // Only a refusal by the placer or the index tells the room (the other checks do not).
      if (tried[k] === pass && roomAt[k]! > 0 && refused.length < 64) refused.push(k);
      return false;
    }
    // An evicted gang placed again is not a creation that waited: counted apart, its wait not in the waits.
    if (evictedOnce[k]) machines!.placedAgain++;
    else {
      out.placedAfterWait++;
      waits.push((now - g.created[k]!) / 1e6);
    }
    if (queuedBefore) out.passes++;
    return true;
  };

  /**
   * The room bound a retry's visits read for a cell's smallest demand: none on the staircase (a
   * demand refused with room 0 this pass, which it dominates), else the hosts by free room's.
   */
  const roomNow = {
    atMost: (c: number, m: number, limit: number): number => (onStaircase(zeroCpu, zeroMem, c, m) ? 0 : rooms!.atMost(c, m, limit)),
  };

  /** Retries the waiting gangs in queue order: every one, or with `sleeping` those woken. */
  const retry = (now: number): void => {
    const refused: number[] = [];
    pass++;
    if (!sleeping) {
      const kept: number[] = [];
      for (const k of queue) if (!visit(k, now, refused, kept.length > 0)) kept.push(k);
      queue = kept;
      return;
    }
    for (let k = sleeping.nextVisit(roomNow); k >= 0; k = sleeping.nextVisit(roomNow)) {
      while (ticketWaits![firstWaiting] === 0) firstWaiting++;
      if (visit(k, now, refused, firstWaiting < ticket![k]!)) {
        ticketWaits![ticket![k]!] = 0;
        waitingCount--;
      } else sleep(k);
    }
  };

  /** After a time's departures or machine events: the hosts touched since `from` wake the gangs they can have made room for. */
  const wakeSleepers = (from: number): void => {
    if (!sleeping) return;
    for (let j = from; j < touched.length; j++) {
      const h = touched[j]!;
      sleeping.touch(hostCpu[h]!, hostMem[h]!, use.useCpu[h]!, use.useMem[h]!);
    }
    sleeping.freed(freedCpu, freedMem);
    sleeping.recheck(rooms!);
  };

  let next = 0, nextChange = 0;
  /**
   * Applies every departure, machine event and creation at or before `until`, in time order; at a tie
   * the departures first, then the machine events, then the creations.
   */
  const advance = (until: number): void => {
    for (;;) {
      const td = departures.peekTime();
      const tm = nextChange < changes ? mc!.time[nextChange]! : Number.POSITIVE_INFINITY;
      const ta = next < n ? g.created[next]! : Number.POSITIVE_INFINITY;
      if (td <= ta && td <= tm && td <= until) {
        const from = touched.length;
        while (departures.peekTime() === td) {
          const k = departures.pop();
          // An evicted gang's departure from before its eviction: it left already.
          if (placedNow[k] === 0 || leaveAt[k] !== td) continue;
          release(k);
          out.deleted++;
        }
        departureTimes++;
        clearStaircase();
        wakeSleepers(from);
        if (waitingNow() > 0) retry(td);
      } else if (tm < td && tm <= ta && tm <= until) {
        const from = touched.length;
        let room = false;
        while (nextChange < changes && mc!.time[nextChange] === tm) room = applyChange(nextChange++, tm) || room;
        departureTimes++;
        // A host added or a cluster evicted made room, as a departure does: the refusals with room 0 no longer stand.
        if (room) {
          clearStaircase();
          wakeSleepers(from);
        }
        if (room && waitingNow() > 0) retry(tm);
      } else if (ta < td && ta < tm && ta <= until) {
        while (next < n && g.created[next] === ta) {
          const k = next++;
          out.asked++;
          if (emptyRoom(caps, g.members[k]!, g.cpu[k]!, g.mem[k]!) < g.members[k]!) {
            out.neverFit++;
            continue;
          }
          if (tryPlace(k, ta)) {
            out.placedAtOnce++;
            if (waitingNow() > 0) out.passes++;
          } else enqueue(k);
        }
      } else break;
    }
  };

  const step = sampleSeconds * 1e6;
  let samples = 0, weight = 0, hostsSum = 0, giniSum = 0, strandedCpuSum = 0, strandedMemSum = 0;
  const free = new Float64Array(4);
  const series: ClustersSeries = { time: [], hostsInUse: [], cpuInUse: [], memInUse: [], gini: [], strandedCpu: [], strandedMem: [], waiting: [] };
  // The loop yields to the event loop every ~50 ms of work: a signal handler can then abort it, and a progress bar draws.
  let yielded = performance.now();
  for (let s = t.start; samples === 0 || s < t.end; s = t.start + samples * step) {
    if (performance.now() - yielded > 50) {
      onProgress?.(t.end > t.start ? (s - t.start) / (t.end - t.start) : 0);
      await new Promise<void>((resolve) => setImmediate(resolve));
      yielded = performance.now();
    }
    signal?.throwIfAborted();
    advance(s);
    const inUse = vc.dominantShares(shares, free);
    const w = t.end > t.start ? Math.min(step, t.end - s) : 1;
    // The hosts there now (removals and additions applied): every one of them, none other.
    const giniNow = present.size === 0 ? 0 : shareGini.gini(present.size === shares.length ? shares : shares.subarray(0, present.size));
    const strandedCpu = free[0]! > 0 ? free[2]! / free[0]! : 0, strandedMem = free[1]! > 0 ? free[3]! / free[1]! : 0;
    hostsSum += w * inUse;
    giniSum += w * giniNow;
    strandedCpuSum += w * strandedCpu;
    strandedMemSum += w * strandedMem;
    weight += w;
    samples++;
    series.time.push((s - t.start) / 1e6);
    series.hostsInUse.push(inUse);
    // The running sums can end a hair below 0 once every member has left.
    series.cpuInUse.push(capCpu > 0 ? Math.max(0, useCpu) / capCpu : 0);
    series.memInUse.push(capMem > 0 ? Math.max(0, useMem) / capMem : 0);
    series.gini.push(giniNow);
    series.strandedCpu.push(strandedCpu);
    series.strandedMem.push(strandedMem);
    series.waiting.push(waitingNow());
  }
  advance(t.end);
  let evictedWaiting = 0;
  if (ticket) for (let k = 0; k < n; k++) evictedWaiting += ticket[k]! >= 0 && evictedOnce[k] === 1 ? ticketWaits![ticket[k]!]! : 0;
  else for (const k of queue) evictedWaiting += evictedOnce[k]!;
  if (machines) machines.evictedWaitingAtEnd = evictedWaiting;
  // Gangs never placed: an evicted gang waiting again is counted apart (machines.evictedWaitingAtEnd).
  out.waitingAtEnd = waitingNow() - evictedWaiting + out.neverFit;
  // Creations after the window end never happen (none in a read trace: its end is the last event).
  const sorted = Float64Array.from(waits).sort();
  return {
    placement,
    gangs: out,
    meanWait: sorted.length === 0 ? null : waits.reduce((a, b) => a + b, 0) / waits.length,
    p95Wait: sorted.length === 0 ? null : nearestRank(sorted, 0.95),
    membersPlaced,
    meanHostsInUse: hostsSum / weight,
    meanGini: giniSum / weight,
    meanStrandedCpu: strandedCpuSum / weight,
    meanStrandedMem: strandedMemSum / weight,
    peakCpuFraction: peakCpu,
    peakMemFraction: peakMem,
    samples,
    series,
    ...(machines ? { machines } : {}),
  };
}

/** One line on what was read and what was left out (every count; the stderr account of `fairfit clusters-replay`). */
export function describeClustersReplay(r: ClustersReplayReport): string {
  const c = r.trace.counts;
  const t = r.trace;
  const lines = [
    `read ${t.path}: ${c.jobs} jobs (${c.tasks} tasks) → ${c.gangs} virtual clusters on ${c.hosts} hosts, window ${t.start}–${t.end} s, load sampled every ${r.sampleSeconds} s`,
    `  left out: ${c.jobsWithoutRequest} jobs without any request, ${c.jobsTooLarge} jobs over ${MAX_CLUSTER_NODES} tasks, ${c.hostsWithoutCapacity} machines without a capacity at the start, machine events ${r.machineEvents === 'apply' ? `after the window ${c.machineEventsAfterWindow}` : `inside the window ${c.machinesAddedLater} added, ${c.machinesRemoved} removed, ${c.machinesUpdated} updated (${c.machineEventsAfterWindow} after it)`}, ${t.skippedLines} bad lines`,
    `  kept as read: ${c.tasksWithoutRequest} tasks without a request (members with their job's demand), ${c.jobsUnequalRequests} jobs whose tasks' requests differ (members get the largest), ${c.jobsNotEnding} jobs not ending inside the window (held to its end)`,
  ];
  if (r.machineEvents === 'apply') {
    for (const x of r.runs) {
      const m = x.machines!;
      lines.push(`  machine events applied under ${x.placement}: ${plural(m.added, 'host')} added, ${m.removed} removed, ${plural(m.notApplied, 'event')} not applied (updates, repeats); ${plural(m.movedMembers, 'member')} moved off removed hosts, ${plural(m.evicted, 'cluster')} evicted (${m.placedAgain} placed again, ${m.evictedWaitingAtEnd} waiting at the end)`);
    }
  } else if (c.machinesAddedLater + c.machinesRemoved + c.machinesUpdated > 0) lines.push('  the machine events inside the window are not applied (--machine-events apply applies them)');
  if (t.firstProblems.length > 0) lines.push(`  first bad lines:\n    ${t.firstProblems.join('\n    ')}`);
  return lines.join('\n');
}

/** The comparison table: one row per rule. */
export function formatClustersReplay(r: ClustersReplayReport): string {
  const header = ['placement', 'asked', 'at once', 'after wait', 'waiting', 'passes', 'mean wait s', 'p95 wait s', 'members', 'hosts in use', 'Gini', 'stranded cpu', 'stranded mem', 'peak cpu', 'peak mem'];
  const f = (v: number | null): string => (v === null ? '—' : formatMetric(v));
  const rows = r.runs.map((x) => [
    x.placement, f(x.gangs.asked), f(x.gangs.placedAtOnce), f(x.gangs.placedAfterWait), f(x.gangs.waitingAtEnd), f(x.gangs.passes),
    f(x.meanWait), f(x.p95Wait), f(x.membersPlaced), f(x.meanHostsInUse), f(x.meanGini), f(x.meanStrandedCpu), f(x.meanStrandedMem), f(x.peakCpuFraction), f(x.peakMemFraction),
  ]);
  return textTable(header, rows, ['hosts in use, Gini, stranded: time-weighted means of the samples (stranded: share of the free room beyond the other dimension\'s on its host); peak: share of the hosts\' total capacity held']);
}
