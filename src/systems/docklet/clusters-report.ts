/**
 * The HTML report of a virtual-cluster manager (`fairfit clusters --report`, `renderClustersHtml`):
 * the state a snapshot holds — hosts, tenants, clusters and quotas — and, from a
 * {@link DockletCommandLog}, what the commands did: accepted and refused (by code, the refusals
 * listed) and the share of all hosts' cpu and mem in use after each command. The numbers are
 * computed here ({@link clustersReport}, tested); the page is a `SectionPage` of the generic
 * shell (src/report/html.ts), which only draws them.
 *
 * @module
 */
import { checkOptionNames, FairfitError, plural, shown, type FairfitErrorCode } from '../../errors.ts';
import { writeTextFile } from '../../report/file.ts';
import { finite, inputName, minMaxIndices, renderSectionPage, type ChartLine, type PageChart, type PageSection, type SectionPage } from '../../report/html.ts';
import { formatMetric } from '../../report/table.ts';
import type { DockletCommandResult } from './commands.ts';
import type { ClusterSummary, QuotaLimits, Resources } from './model.ts';
import { checkSnapshotShape, type DockletSnapshot } from './snapshot.ts';
import { VirtualClusters } from './virtual-clusters.ts';

/** Refused commands a log keeps (and the page lists) at most, the first ones; the others are counted by code only. */
export const MAX_REFUSALS_LISTED = 50;

/** Most hosts the page draws a bar each; with more, it draws each dimension's host use sorted instead. */
export const MAX_HOST_BARS = 200;

/** Most rows of the page's tenant and cluster tables (the others are counted under the table). */
export const MAX_TABLE_ROWS = 500;

/** Colours of the tenants in the host charts, in order of what they hold; with more tenants, the last stands for the rest. */
const TENANT_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** Colours of the two dimensions in the line charts. */
const DIMENSION_COLORS: Record<string, string> = { cpu: '#4e79a7', mem: '#f28e2b' };

/** One refused command as a {@link DockletCommandLog} keeps it. */
export interface CommandRefusal {
  /** Its number among the commands recorded, from 1. */
  command: number;
  /** Its line in the input, when the caller gave one (`fairfit clusters` does: its stderr names lines). */
  line?: number;
  /** The command's `op`, when it had a string one. */
  op?: string;
  /** Present when the refused command was a dry run. */
  dryRun?: true;
  code: FairfitErrorCode;
  message: string;
}

/** What a {@link DockletCommandLog} holds: counts, the first refusals, and the share of capacity in use after each command. */
export interface CommandSummary {
  /** Commands recorded. */
  total: number;
  /** Accepted commands, dry runs included. */
  accepted: number;
  /** Refused commands, dry runs included. */
  refused: number;
  /** Dry runs among them (accepted or refused; none changed anything). */
  dryRuns: number;
  /** Refusals per error code, the most frequent first (ties by code). */
  byCode: [code: string, count: number][];
  /** The first {@link MAX_REFUSALS_LISTED} refusals, in command order. */
  refusals: CommandRefusal[];
  /**
   * Σ use / Σ capacity over all hosts, per dimension, before the first command (index 0) and after
   * each command k (index k); null while there is no host.
   */
  use: { cpu: (number | null)[]; mem: (number | null)[] };
}

interface ShadowCluster {
  cpu: number;
  mem: number;
  placed: number;
}

/**
 * Records the commands applied to a manager and their answers, for {@link clustersReport}: counts,
 * refusals, and the share of all hosts' cpu and mem in use after each command. It follows the
 * answers, not the manager (the totals change by what each accepted answer says was placed,
 * released, added or removed; a dry run changes nothing), so recording costs O(1) a command
 * whatever the number of hosts; the sums are kept as the manager's are, up to float rounding
 * (an empty pool reads exactly 0).
 *
 * @example
 * ```ts
 * const log = new DockletCommandLog(vc.snapshot());
 * for (const command of commands) log.record(command, vc.apply(command));
 * writeClustersHtml('clusters.html', vc.snapshot(), { log });
 * ```
 */
export class DockletCommandLog {
  private readonly clusters = new Map<string, ShadowCluster>();
  private hostCount = 0;
  private readonly cap: Resources = { cpu: 0, mem: 0 };
  private readonly used: Resources = { cpu: 0, mem: 0 };
  private members = 0;
  private readonly shares: { cpu: (number | null)[]; mem: (number | null)[] } = { cpu: [], mem: [] };
  private accepted = 0;
  private refused = 0;
  private dryRuns = 0;
  private readonly codes = new Map<string, number>();
  private readonly refusals: CommandRefusal[] = [];

  /**
   * A log starting from the manager's state before the first command: `start` is its
   * {@link VirtualClusters.snapshot} (absent: a manager with no host). A snapshot of the wrong shape
   * is refused (`CORRUPT_INPUT`, naming the field).
   */
  constructor(start?: DockletSnapshot) {
    if (start !== undefined) {
      checkSnapshotShape(start);
      for (const h of start.hosts) this.addHost(h.cpu, h.mem);
      for (const c of start.clusters) this.setPlaced(c.name, c.demand, c.state === 'running' ? c.members.length : 0);
    }
    this.note();
  }

  /** Commands recorded so far. */
  get count(): number {
    return this.accepted + this.refused;
  }

  /**
   * Records one command and the manager's answer to it (`apply`'s). `line`: where the command was
   * read, kept with a refusal. An accepted answer changes the totals by what it says (a command
   * with `dryRun: true` changes nothing); a refusal changes nothing and is counted by its code.
   */
  record(command: unknown, answer: DockletCommandResult, line?: number): void {
    if (answer === null || typeof answer !== 'object' || typeof (answer as { ok?: unknown }).ok !== 'boolean') {
      throw new FairfitError('INVALID_OPTION', `answer: must be the answer of VirtualClusters.apply ({ ok, op, result } or { ok: false, error }), got ${shown(answer)}`, { field: 'answer' });
    }
    if (line !== undefined && !(Number.isInteger(line) && line >= 1)) throw new FairfitError('INVALID_OPTION', `line: must be a line number from 1, got ${shown(line)}`, { field: 'line' });
    // apply's answer to a dry run says so; the command is read too, for an answer a caller built itself.
    const dry = answer.dryRun === true || (command !== null && typeof command === 'object' && (command as { dryRun?: unknown }).dryRun === true);
    if (dry) this.dryRuns++;
    if (answer.ok) {
      this.accepted++;
      if (!dry) this.follow(answer);
    } else {
      this.refused++;
      const code = answer.error.code;
      this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
      if (this.refusals.length < MAX_REFUSALS_LISTED) {
        this.refusals.push({ command: this.count, ...(line === undefined ? {} : { line }), ...(answer.op === undefined ? {} : { op: answer.op }), ...(dry ? { dryRun: true as const } : {}), code, message: answer.error.message });
      }
    }
    this.note();
  }

  /** What the log holds (copies). */
  summary(): CommandSummary {
    const byCode = [...this.codes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return {
      total: this.count, accepted: this.accepted, refused: this.refused, dryRuns: this.dryRuns, byCode,
      refusals: this.refusals.map((r) => ({ ...r })),
      use: { cpu: [...this.shares.cpu], mem: [...this.shares.mem] },
    };
  }

  /** The totals after an accepted answer that took effect. */
  private follow(answer: Extract<DockletCommandResult, { ok: true }>): void {
    switch (answer.op) {
      case 'addHosts':
        for (const h of answer.result) this.addHost(h.cpu, h.mem);
        break;
      case 'removeHosts':
        for (const h of answer.result) this.removeHost(h.cpu, h.mem);
        break;
      case 'drainHosts':
        // The members on them moved to other hosts: the use is the same.
        for (const h of answer.result.removed) this.removeHost(h.cpu, h.mem);
        break;
      case 'create': case 'scale': case 'stop': case 'start': {
        const k = answer.result;
        this.setPlaced(k.name, k.demand, k.state === 'running' ? k.nodes : 0);
        break;
      }
      case 'delete':
        this.setPlaced(answer.result.name, { cpu: 0, mem: 0 }, 0);
        this.clusters.delete(answer.result.name);
        break;
      default:
        break; // reads and quotas change no host's use
    }
  }

  private addHost(cpu: number, mem: number): void {
    this.hostCount++;
    this.cap.cpu += cpu;
    this.cap.mem += mem;
  }

  private removeHost(cpu: number, mem: number): void {
    this.hostCount--;
    // No host left: exactly 0, not a residue of the additions and subtractions.
    this.cap.cpu = this.hostCount === 0 ? 0 : this.cap.cpu - cpu;
    this.cap.mem = this.hostCount === 0 ? 0 : this.cap.mem - mem;
  }

  /** Cluster `name` (of member demand `demand`) now has `placed` members placed. */
  private setPlaced(name: string, demand: Resources, placed: number): void {
    const k = this.clusters.get(name) ?? { cpu: demand.cpu, mem: demand.mem, placed: 0 };
    const change = placed - k.placed;
    this.members += change;
    this.used.cpu = this.members === 0 ? 0 : this.used.cpu + change * k.cpu;
    this.used.mem = this.members === 0 ? 0 : this.used.mem + change * k.mem;
    k.placed = placed;
    this.clusters.set(name, k);
  }

  private note(): void {
    this.shares.cpu.push(this.cap.cpu > 0 ? this.used.cpu / this.cap.cpu : null);
    this.shares.mem.push(this.cap.mem > 0 ? this.used.mem / this.cap.mem : null);
  }
}

/** A tenant as the report shows it: its clusters, what its placed members hold, and its quota. */
export interface TenantRow {
  tenant: string;
  /** Clusters defined (running or stopped). */
  clusters: number;
  running: number;
  /** Members placed (of its running clusters). */
  members: number;
  /** Σ members × demand over its running clusters. */
  cpu: number;
  mem: number;
  /** Its quota limits (`{}`: none). */
  limits: QuotaLimits;
  /** Each limit's share used (use / limit), for the limits set above 0. */
  share: { nodes?: number; cpu?: number; mem?: number };
}

/** A cluster as the report shows it: its summary (`nodes`: members defined, placed when running) and how it lies over the hosts. */
export interface ClusterRow extends ClusterSummary {
  /** Distinct hosts its members are on (0 when stopped). */
  hosts: number;
  /** The most of its members on one host (0 when stopped). */
  mostOnOneHost: number;
}

/** The numbers of the report page: the pool, the tenants, the clusters and, with a log, the commands. */
export interface ClustersReport {
  /** Hosts, their total capacity and use. */
  hosts: { count: number; cpu: number; mem: number; used: Resources };
  /** Members placed, over every cluster. */
  members: number;
  /** Tenants with a cluster or a quota, by name (code-unit order). */
  tenants: TenantRow[];
  /** In creation order. */
  clusters: ClusterRow[];
  /** From the log, when one was given. */
  commands?: CommandSummary;
}

/** Options of {@link clustersReport} and the HTML writers ({@link renderClustersHtml}, {@link writeClustersHtml}). */
export interface ClustersReportOptions {
  /** The commands applied, from the state they started in to the snapshot's. */
  log?: DockletCommandLog;
  /** What the title names as the input (a path: its last part), e.g. the commands file. */
  input?: string;
  /** The commands were cut short (Ctrl-C): the page says it shows those applied before. */
  interrupted?: boolean;
}

const OPTION_KEYS = ['log', 'input', 'interrupted'] as const;

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The options checked: known names, a log of this module, a string input, a boolean interrupted. */
function checkOptions(options: ClustersReportOptions | undefined, of: string): ClustersReportOptions {
  checkOptionNames(options, OPTION_KEYS, of);
  const o = options ?? {};
  if (o.log !== undefined && !(o.log instanceof DockletCommandLog)) throw new FairfitError('INVALID_OPTION', `log: must be a DockletCommandLog, got ${shown(o.log)}`, { field: 'log' });
  if (o.input !== undefined && typeof o.input !== 'string') throw new FairfitError('INVALID_OPTION', `input: must be a string, got ${shown(o.input)}`, { field: 'input' });
  if (o.interrupted !== undefined && typeof o.interrupted !== 'boolean') throw new FairfitError('INVALID_OPTION', `interrupted: must be true or false, got ${shown(o.interrupted)}`, { field: 'interrupted' });
  return o;
}

/**
 * Refuses a snapshot `VirtualClusters.restore` refuses (`CORRUPT_INPUT`, naming the field): the page
 * reads members' hosts and quotas as a manager's, so its parts must agree.
 */
function checkSnapshot(snapshot: unknown): asserts snapshot is DockletSnapshot {
  VirtualClusters.restore(snapshot, { engine: 'reference' }).close();
}

/**
 * The report's numbers from a manager's {@link VirtualClusters.snapshot} (and a log of the commands
 * that led there): tenants with what they hold and their quota shares, clusters with how their
 * members lie over the hosts, the pool's totals, the commands' counts and use after each.
 */
export function clustersReport(snapshot: DockletSnapshot, options?: ClustersReportOptions): ClustersReport {
  const o = checkOptions(options, 'clustersReport');
  checkSnapshot(snapshot);
  return reportOf(snapshot, o.log);
}

function reportOf(s: DockletSnapshot, log: DockletCommandLog | undefined): ClustersReport {
  const hosts = { count: s.hosts.length, cpu: 0, mem: 0, used: { cpu: 0, mem: 0 } };
  for (const h of s.hosts) {
    hosts.cpu += h.cpu;
    hosts.mem += h.mem;
    hosts.used.cpu += h.used.cpu;
    hosts.used.mem += h.used.mem;
  }
  const tenants = new Map<string, TenantRow>();
  const tenant = (t: string): TenantRow => {
    let row = tenants.get(t);
    if (row === undefined) {
      row = { tenant: t, clusters: 0, running: 0, members: 0, cpu: 0, mem: 0, limits: {}, share: {} };
      tenants.set(t, row);
    }
    return row;
  };
  let members = 0;
  const clusters: ClusterRow[] = s.clusters.map((c) => {
    const t = tenant(c.tenant);
    t.clusters++;
    const running = c.state === 'running';
    const perHost = new Map<string, number>();
    if (running) {
      t.running++;
      const n = c.members.length;
      // As the manager sums a tenant's use: cluster by cluster, N × demand.
      t.members += n;
      t.cpu += n * c.demand.cpu;
      t.mem += n * c.demand.mem;
      members += n;
      for (const m of c.members) perHost.set(m.host!, (perHost.get(m.host!) ?? 0) + 1);
    }
    let most = 0;
    for (const n of perHost.values()) most = Math.max(most, n);
    return { name: c.name, tenant: c.tenant, state: c.state, nodes: c.members.length, demand: { ...c.demand }, placement: c.placement, hosts: perHost.size, mostOnOneHost: most };
  });
  for (const q of s.quotas) {
    const t = tenant(q.tenant);
    t.limits = { ...q.limits };
  }
  for (const t of tenants.values()) {
    const held = { nodes: t.members, cpu: t.cpu, mem: t.mem };
    for (const d of ['nodes', 'cpu', 'mem'] as const) {
      const l = t.limits[d];
      if (l !== undefined && l > 0) t.share[d] = held[d] / l;
    }
  }
  return {
    hosts, members,
    tenants: [...tenants.values()].sort((a, b) => byName(a.tenant, b.tenant)),
    clusters,
    ...(log === undefined ? {} : { commands: log.summary() }),
  };
}

/** 4 significant digits (the page shows no more), 0 as 0. */
function r4(v: number): number {
  return v === 0 ? 0 : Number(v.toPrecision(4));
}

function percent(share: number): string {
  return `${formatMetric(100 * share)} %`;
}

/** A quota cell: `6 of 12 (50 %)`, `0 of 0`, or null (no limit). */
function quotaCell(used: number, limit: number | undefined, share: number | undefined): string | null {
  if (limit === undefined) return null;
  return `${formatMetric(used)} of ${formatMetric(limit)}${share === undefined ? '' : ` (${percent(share)})`}`;
}

/**
 * The tenants drawn in their own colour in the host charts, by what they hold (cpu, then mem, then
 * name): every tenant with a member placed when they fit the palette, else all but the last colour's
 * worth, the rest drawn together in the last colour.
 */
function chartTenants(r: ClustersReport): { own: Map<string, string>; rest: Set<string> } {
  const holding = r.tenants.filter((t) => t.members > 0).sort((a, b) => b.cpu - a.cpu || b.mem - a.mem || byName(a.tenant, b.tenant));
  const fits = holding.length <= TENANT_COLORS.length;
  const own = new Map<string, string>();
  const rest = new Set<string>();
  holding.forEach((t, i) => {
    if (fits || i < TENANT_COLORS.length - 1) own.set(t.tenant, TENANT_COLORS[i]!);
    else rest.add(t.tenant);
  });
  return { own, rest };
}

/** The hosts' charts: per host stacked by tenant, or, past {@link MAX_HOST_BARS} hosts, each dimension's use sorted. */
function hostSection(s: DockletSnapshot, r: ClustersReport): PageSection {
  const heading = 'Hosts: cpu and mem in use';
  if (s.hosts.length === 0) return { kind: 'facts', heading, facts: [['Hosts', 'none']] };
  const dims = ['cpu', 'mem'] as const;
  if (s.hosts.length > MAX_HOST_BARS) {
    const lines = (d: (typeof dims)[number]): ChartLine => {
      const y = s.hosts.map((h) => h.used[d] / h[d]).sort((a, b) => b - a);
      const keep = minMaxIndices(y);
      return { policy: d, x: keep.map((i) => i + 1), y: keep.map((i) => finite(r4(y[i]!))) };
    };
    return {
      kind: 'charts', heading,
      note: `${plural(s.hosts.length, 'host')}: more than ${MAX_HOST_BARS}, too many to draw a bar each. The chart shows the share of each host's cpu and of its mem in use, the hosts sorted from the most used to the least (x: a host's rank in that order; each line is sorted on its own). What each tenant holds is in the tenant table.`,
      charts: [{ kind: 'lines', title: 'Share of each host\'s capacity in use, hosts sorted by it', xAxis: 'host rank (1 = most used)', yAxis: 'share of the host in use', yRange: [0, 1], wholeX: true, wide: true, lines: dims.map(lines), colors: DIMENSION_COLORS, zeroNote: 'No member is placed: every host is empty.' }],
    };
  }
  const index = new Map(s.hosts.map((h, i) => [h.id, i]));
  const { own, rest } = chartTenants(r);
  const other = `${plural(rest.size, 'other tenant')}`;
  // Per drawn tenant (or the rest together), per host: Σ demand of its members there.
  const held = new Map<string, { cpu: Float64Array; mem: Float64Array }>();
  for (const name of [...own.keys(), ...(rest.size ? [other] : [])]) held.set(name, { cpu: new Float64Array(s.hosts.length), mem: new Float64Array(s.hosts.length) });
  for (const c of s.clusters) {
    if (c.state !== 'running') continue;
    const h = held.get(own.has(c.tenant) ? c.tenant : other)!;
    for (const m of c.members) {
      const i = index.get(m.host!)!;
      h.cpu[i]! += c.demand.cpu;
      h.mem[i]! += c.demand.mem;
    }
  }
  const chart = (d: (typeof dims)[number]): PageChart => ({
    kind: 'bars', stacked: true, wide: true,
    title: `${d}: share of each host's ${d} held, by tenant`,
    xAxis: 'host', yAxis: `share of the host's ${d}`, yRange: [0, 1],
    labels: s.hosts.map((h) => h.id),
    datasets: [...held].map(([name, h]) => ({ label: name, color: own.get(name) ?? TENANT_COLORS.at(-1)!, data: Array.from(h[d], (v, i) => r4(v / s.hosts[i]![d])) })),
    zeroNote: 'No member is placed: every host is empty.',
  });
  return {
    kind: 'charts', heading,
    note: `One bar per host, in host order, stacked by tenant: the share of the host's capacity its members hold.${rest.size ? ` The ${TENANT_COLORS.length - 1} tenants holding the most cpu have a colour each; the ${other} are drawn together.` : ''}`,
    charts: dims.map(chart),
  };
}

function tenantSection(r: ClustersReport): PageSection {
  const { own, rest } = chartTenants(r);
  const rows = r.tenants.slice(0, MAX_TABLE_ROWS);
  return {
    kind: 'table', heading: 'Tenants',
    note: 'What each tenant\'s placed members hold, and its quota: used of limit (the share used); — is no limit.',
    table: {
      id: 'tenants',
      columns: [
        { label: 'tenant' }, { label: 'clusters' }, { label: 'running' }, { label: 'members placed' }, { label: 'cpu held' }, { label: 'mem held' },
        { label: 'quota: nodes', title: 'members placed of the limit' }, { label: 'quota: cpu', title: 'cpu held of the limit' }, { label: 'quota: mem', title: 'mem held of the limit' },
      ],
      rows: rows.map((t) => [
        t.tenant, t.clusters, t.running, t.members, t.cpu, t.mem,
        quotaCell(t.members, t.limits.nodes, t.share.nodes), quotaCell(t.cpu, t.limits.cpu, t.share.cpu), quotaCell(t.mem, t.limits.mem, t.share.mem),
      ]),
      rowColors: rows.map((t) => own.get(t.tenant) ?? (rest.has(t.tenant) ? TENANT_COLORS.at(-1)! : null)),
      ...(r.tenants.length > MAX_TABLE_ROWS ? { more: `The first ${MAX_TABLE_ROWS} of ${r.tenants.length} tenants, by name.` } : {}),
    },
  };
}

function clusterSection(r: ClustersReport): PageSection {
  return {
    kind: 'table', heading: 'Clusters',
    note: 'In creation order. Hosts: the distinct hosts a running cluster\'s members are on; most on one host: the most of its members on any one host (spread keeps it low, pack high).',
    table: {
      id: 'clusters',
      columns: [
        { label: 'cluster' }, { label: 'tenant', text: true }, { label: 'state', text: true }, { label: 'members' }, { label: 'cpu per member' }, { label: 'mem per member' },
        { label: 'placement', text: true }, { label: 'hosts' }, { label: 'most on one host' },
      ],
      rows: r.clusters.slice(0, MAX_TABLE_ROWS).map((c) => {
        const running = c.state === 'running';
        return [c.name, c.tenant, c.state, c.nodes, c.demand.cpu, c.demand.mem, c.placement, running ? c.hosts : null, running ? c.mostOnOneHost : null];
      }),
      ...(r.clusters.length > MAX_TABLE_ROWS ? { more: `The first ${MAX_TABLE_ROWS} of ${r.clusters.length} clusters, in creation order.` } : {}),
    },
  };
}

function commandSections(c: CommandSummary): PageSection[] {
  const out: PageSection[] = [];
  if (c.total === 0) {
    out.push({ kind: 'facts', heading: 'Over the commands', facts: [['Commands', 'none was given']] });
    return out;
  }
  const line = (d: 'cpu' | 'mem'): ChartLine => {
    const y = c.use[d].map((v) => v ?? Number.NaN);
    const keep = minMaxIndices(y);
    return { policy: d, x: keep, y: keep.map((i) => finite(r4(y[i]!))) };
  };
  const lines = [line('cpu'), line('mem')];
  const thinned = lines.some((l) => l.x.length < c.total + 1);
  out.push({
    kind: 'charts', heading: 'Over the commands',
    note: `The share of all hosts' cpu and mem in use after each command (0: before the first).${thinned ? ' With this many commands each line keeps the lowest and highest point of each stretch of commands.' : ''}`,
    charts: [{ kind: 'lines', title: 'Share of all hosts\' cpu and mem in use after each command', xAxis: 'command', yAxis: 'share in use', yRange: [0, 1], wholeX: true, wide: true, lines, colors: DIMENSION_COLORS, zeroNote: 'No member was placed at any point.' }],
  });
  if (c.refused > 0) {
    const withLines = c.refusals.some((x) => x.line !== undefined);
    const left = c.refused - c.refusals.length;
    out.push({
      kind: 'table', heading: 'Refused commands',
      note: 'A refused command changed nothing.',
      table: {
        id: 'refused',
        columns: [{ label: 'command' }, ...(withLines ? [{ label: 'line' }] : []), { label: 'op', text: true }, { label: 'code', text: true }, { label: 'message', long: true }],
        rows: c.refusals.map((x) => [x.command, ...(withLines ? [x.line ?? null] : []), x.op === undefined ? null : `${x.op}${x.dryRun ? ' (dry run)' : ''}`, x.code, x.message]),
        ...(left > 0 ? { more: `… and ${plural(left, 'more refused command')}, not listed (the summary counts them by code).` } : {}),
      },
    });
  }
  return out;
}

/** The summary facts. */
function summaryFacts(r: ClustersReport): [string, string][] {
  const running = r.clusters.filter((c) => c.state === 'running').length;
  const defined = r.clusters.reduce((n, c) => n + c.nodes, 0);
  const share = (used: number, cap: number) => (cap > 0 ? percent(used / cap) : '—');
  const h = r.hosts;
  const facts: [string, string][] = [
    ['Hosts', h.count === 0 ? 'none' : `${plural(h.count, 'host')}: cpu ${formatMetric(h.cpu)}, mem ${formatMetric(h.mem)} in all; in use: cpu ${share(h.used.cpu, h.cpu)}, mem ${share(h.used.mem, h.mem)}`],
    ['Tenants', `${r.tenants.length} (${r.tenants.filter((t) => t.limits.nodes !== undefined || t.limits.cpu !== undefined || t.limits.mem !== undefined).length} with a quota limit)`],
    ['Clusters', `${r.clusters.length}: ${running} running, ${r.clusters.length - running} stopped`],
    ['Members placed', `${r.members} (of ${defined} defined)`],
  ];
  const c = r.commands;
  if (c !== undefined) {
    const codes = c.byCode.map(([code, n]) => `${code} ${n}`).join(', ');
    facts.push(['Commands', `${c.total}: ${c.accepted} accepted, ${c.refused} refused${codes ? ` (${codes})` : ''}${c.dryRuns > 0 ? `; ${plural(c.dryRuns, 'dry run')} among them, which changed nothing` : ''}`]);
  }
  return facts;
}

/**
 * The page data of the HTML report: a summary, the hosts' use (per host stacked by tenant; past
 * {@link MAX_HOST_BARS} hosts, each dimension's use sorted), the tenant and cluster tables, and, with
 * a log, the share in use after each command and the refused commands.
 */
export function clustersPage(snapshot: DockletSnapshot, options?: ClustersReportOptions): SectionPage {
  return checkedPage(snapshot, options, 'clustersPage');
}

function checkedPage(snapshot: DockletSnapshot, options: ClustersReportOptions | undefined, of: string): SectionPage {
  const o = checkOptions(options, of);
  checkSnapshot(snapshot);
  const r = reportOf(snapshot, o.log);
  const name = o.input === undefined ? '' : ` — ${inputName(o.input)}`;
  return {
    title: `fairfit — Docklet virtual clusters${name}: ${plural(r.hosts.count, 'host')}, ${plural(r.tenants.length, 'tenant')}, ${plural(r.clusters.length, 'cluster')}`,
    ...(o.interrupted ? { interrupted: 'The commands were interrupted (Ctrl-C): the page shows the manager after the commands applied before.' } : {}),
    sections: [
      { kind: 'facts', heading: 'Summary', facts: summaryFacts(r) },
      hostSection(snapshot, r),
      tenantSection(r),
      clusterSection(r),
      ...(r.commands === undefined ? [] : commandSections(r.commands)),
    ],
  };
}

/** The self-contained HTML report of a manager's snapshot (and the log of the commands that led there). */
export function renderClustersHtml(snapshot: DockletSnapshot, options?: ClustersReportOptions): string {
  return renderSectionPage(checkedPage(snapshot, options, 'renderClustersHtml'));
}

/** Writes {@link renderClustersHtml} to `path` (through a temporary file; `OUTPUT_ERROR` naming the path when it cannot). */
export function writeClustersHtml(path: string, snapshot: DockletSnapshot, options?: ClustersReportOptions): void {
  writeTextFile(path, renderSectionPage(checkedPage(snapshot, options, 'writeClustersHtml')));
}
