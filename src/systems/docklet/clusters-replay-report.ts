/**
 * The writers' Docklet parts for `fairfit clusters-replay`: the CSV rows and the HTML page of a
 * {@link ClustersReplayReport} (one variant per placement rule: a bar chart per metric, the hosts'
 * load and the queue over time), rendered by the generic writers of src/report/ (`csv-text.ts`,
 * `html.ts`), as `fairfit schedule` compares its algorithms. The stdout table and the stderr
 * account are in trace-replay.ts.
 *
 * @module
 */
import { plural } from '../../errors.ts';
import { csvText } from '../../report/csv-text.ts';
import { writeTextFile } from '../../report/file.ts';
import { axisInUnit, durationUnit, finite, inputName, minMaxIndices, renderPage, type ComparisonPage, type PageText } from '../../report/html.ts';
import { MAX_CLUSTER_NODES } from './model.ts';
import type { ClustersPlacementRun, ClustersReplayReport, ClustersSeries, MachineOutcomes } from './trace-replay.ts';

/** A metric column of the page: its key, what it means (chart title, header tooltip) and its axis in words with units. */
interface ClustersReplayColumn {
  key: string;
  label: string;
  axis: string;
  value: (r: ClustersPlacementRun) => number | null;
  /** In seconds: the bar chart draws it in the unit its values call for (the table keeps seconds). */
  seconds?: boolean;
  zeroNote?: string;
}

/** The page's metric columns, in table order. */
export const CLUSTERS_REPLAY_COLUMNS: readonly ClustersReplayColumn[] = [
  { key: 'placedAtOnce', label: 'Gangs placed when created', axis: 'gangs placed at once', value: (r) => r.gangs.placedAtOnce },
  { key: 'placedAfterWait', label: 'Gangs placed after waiting', axis: 'gangs placed after a wait', value: (r) => r.gangs.placedAfterWait, zeroNote: 'No gang was placed after waiting: every gang placed was placed when created.' },
  { key: 'waitingAtEnd', label: 'Gangs still waiting at the window end', axis: 'gangs waiting at the end', value: (r) => r.gangs.waitingAtEnd, zeroNote: 'No gang was still waiting at the window end.' },
  { key: 'meanWait', label: 'Mean wait of the gangs placed after waiting', axis: 'mean wait (s)', value: (r) => r.meanWait, seconds: true, zeroNote: 'No gang waited (or none that waited was placed): no wait to show.' },
  { key: 'p95Wait', label: '95th-percentile wait of the gangs placed after waiting', axis: '95th-percentile wait (s)', value: (r) => r.p95Wait, seconds: true, zeroNote: 'No gang waited (or none that waited was placed): no wait to show.' },
  { key: 'membersPlaced', label: 'Members placed', axis: 'members placed', value: (r) => r.membersPlaced },
  { key: 'meanHostsInUse', label: 'Hosts in use (time-weighted mean)', axis: 'hosts in use', value: (r) => r.meanHostsInUse },
  { key: 'meanGini', label: 'Gini of the hosts\' dominant share (time-weighted mean)', axis: 'Gini of dominant share', value: (r) => r.meanGini },
  { key: 'meanStrandedCpu', label: 'Stranded share of the free CPU (time-weighted mean)', axis: 'stranded share of free cpu', value: (r) => r.meanStrandedCpu },
  { key: 'meanStrandedMem', label: 'Stranded share of the free memory (time-weighted mean)', axis: 'stranded share of free mem', value: (r) => r.meanStrandedMem },
  { key: 'peakCpuFraction', label: 'Peak share of the hosts\' CPU held', axis: 'peak cpu share', value: (r) => r.peakCpuFraction },
  { key: 'peakMemFraction', label: 'Peak share of the hosts\' memory held', axis: 'peak mem share', value: (r) => r.peakMemFraction },
];

/** The over-time charts: a series of {@link ClustersSeries}, its title and axis. */
const SERIES: readonly { key: Exclude<keyof ClustersSeries, 'time'>; label: string; axis: string; zeroNote?: string }[] = [
  { key: 'cpuInUse', label: 'Share of the hosts\' CPU held by members', axis: 'cpu share in use' },
  { key: 'memInUse', label: 'Share of the hosts\' memory held by members', axis: 'mem share in use' },
  { key: 'waiting', label: 'Gangs waiting in the queue', axis: 'gangs waiting', zeroNote: 'No gang waited in the queue at any sample.' },
  { key: 'hostsInUse', label: 'Hosts holding at least one member', axis: 'hosts in use' },
  { key: 'gini', label: 'Gini of the hosts\' dominant share in use', axis: 'Gini of dominant share' },
  { key: 'strandedCpu', label: 'Stranded share of the free CPU', axis: 'stranded share of free cpu', zeroNote: 'No free CPU was stranded at any sample.' },
  { key: 'strandedMem', label: 'Stranded share of the free memory', axis: 'stranded share of free mem', zeroNote: 'No free memory was stranded at any sample.' },
];

/** What the machine events did (`machineEvents: 'apply'`): the details table's rows and the CSV's columns. */
const MACHINE_KEYS: readonly [keyof MachineOutcomes, string][] = [
  ['added', 'hosts added'], ['removed', 'hosts removed'], ['notApplied', 'machine events not applied'], ['movedMembers', 'members moved off removed hosts'],
  ['evicted', 'clusters evicted by a removal'], ['placedAgain', 'evicted clusters placed again'], ['evictedWaitingAtEnd', 'evicted clusters waiting at the end'],
];

/** Placement colours of the page (the same hues as the other pages' first two variants). */
export const PLACEMENT_COLORS: Record<string, string> = { spread: '#4e79a7', pack: '#f28e2b' };

/** How the page names what it compares. */
const TEXT: PageText = { variant: 'placement', timeAxis: 'hours since the window start' };

/** The page's title and heading: the rules and the trace (`fairfit — Docklet spread vs pack — google2011: 12477 hosts`). */
export function clustersReplayTitle(r: ClustersReplayReport): string {
  return `fairfit — Docklet ${r.placements.join(' vs ')} — ${inputName(r.trace.path)}: ${plural(r.trace.counts.hosts, 'host')}`;
}

/** The window as words, to the second (the JSON keeps the microseconds): `600–9240 s of trace time (2.4 h)`. */
function windowText(r: ClustersReplayReport): string {
  const span = r.trace.end - r.trace.start;
  return `${Math.round(r.trace.start)}–${Math.round(r.trace.end)} s of trace time (${+(span / 3600).toFixed(2)} h)`;
}

/**
 * The page data: what was read and left out, the metric table with a bar chart per metric, the
 * hosts' load and the queue over time (each line thinned to its bins' extremes by
 * `minMaxIndices`, so no peak is lost), and the gang counts per rule.
 */
export function clustersReplayPage(r: ClustersReplayReport, title = clustersReplayTitle(r)): ComparisonPage {
  const t = r.trace, c = t.counts;
  const facts: [string, string][] = [
    ['Trace', t.path],
    ['Window', windowText(r)],
    ['Rows read', `${t.rows}${t.skippedLines ? ` (${plural(t.skippedLines, 'bad line')} skipped)` : ''}`],
    ['Virtual clusters', `${c.gangs} of ${plural(c.jobs, 'job')} (${plural(c.tasks, 'task')}), one per job, its tasks the members`],
    ['Hosts', `${c.hosts} machines present at the window start${c.hostsWithoutCapacity ? ` (${c.hostsWithoutCapacity} without a capacity left out)` : ''}`],
  ];
  const left: string[] = [];
  if (c.jobsWithoutRequest) left.push(`${plural(c.jobsWithoutRequest, 'job')} without any request`);
  if (c.jobsTooLarge) left.push(`${plural(c.jobsTooLarge, 'job')} over ${MAX_CLUSTER_NODES} tasks`);
  if (left.length) facts.push(['Jobs left out', left.join(', ')]);
  const later = c.machinesAddedLater + c.machinesRemoved + c.machinesUpdated;
  if (later) facts.push([`Machine events inside the window (${r.machineEvents === 'apply' ? 'applied: ADD and REMOVE; an UPDATE is counted' : 'not applied'})`, `${c.machinesAddedLater} added, ${c.machinesRemoved} removed, ${c.machinesUpdated} updated`]);
  if (c.jobsUnequalRequests) facts.push(['Jobs whose tasks\' requests differ (members get the largest)', String(c.jobsUnequalRequests)]);
  if (c.jobsNotEnding) facts.push(['Jobs not ending inside the window (held to its end)', String(c.jobsNotEnding)]);
  facts.push(['Load sampled every', `${r.sampleSeconds} s of trace time`]);
  if (t.firstProblems.length) facts.push(['First bad lines', t.firstProblems.join('; ')]);
  if (r.interrupted) facts.push(['Status', 'INTERRUPTED — only the finished placements are shown']);
  const policies = r.runs.map((x) => x.placement);
  const line = (key: Exclude<keyof ClustersSeries, 'time'>) => r.runs.map((run) => {
    const s = run.series;
    // Min–max decimation, not a stride: a peak of waiting gangs between two kept points would vanish from the chart.
    const idx = minMaxIndices(s[key]);
    return { policy: run.placement, x: idx.map((i) => +(s.time[i]! / 3600).toFixed(6)), y: idx.map((i) => finite(s[key][i])) };
  });
  return {
    title,
    interrupted: r.interrupted,
    facts,
    metrics: CLUSTERS_REPLAY_COLUMNS.map((k) => {
      const u = k.seconds ? durationUnit(r.runs.map((run) => finite(k.value(run)))) : undefined;
      return { key: k.key, label: k.label, axis: k.axis, ...(k.zeroNote ? { zeroNote: k.zeroNote } : {}), ...(u && u.seconds !== 1 ? { chart: { by: u.seconds, axis: axisInUnit(k.axis, u) } } : {}) };
    }),
    policies,
    colors: PLACEMENT_COLORS,
    summary: r.runs.map((run) => ({ policy: run.placement, runs: 1, values: CLUSTERS_REPLAY_COLUMNS.map((k) => finite(k.value(run))) })),
    series: SERIES.map((s) => ({ key: s.key, label: `${s.label}, every ${r.sampleSeconds} s`, axis: s.axis, ...(s.zeroNote ? { zeroNote: s.zeroNote } : {}), lines: line(s.key) })),
    info: {
      keys: ['gangs asked', 'never fitting the empty hosts', 'passes of the FIFO order', 'deleted inside the window', 'samples', ...(r.machineEvents === 'apply' ? MACHINE_KEYS.map(([, label]) => label) : [])],
      runs: r.runs.map((run) => ({ policy: run.placement, values: [run.gangs.asked, run.gangs.neverFit, run.gangs.passes, run.gangs.deleted, run.samples, ...(run.machines ? MACHINE_KEYS.map(([k]) => run.machines![k]) : [])] })),
    },
    sweep: [],
  };
}

/** Renders the report as one self-contained HTML page (generic shell of src/report/html.ts). */
export function renderClustersReplayHtml(r: ClustersReplayReport): string {
  return renderPage(clustersReplayPage(r), TEXT);
}

/** Writes {@link renderClustersReplayHtml}, creating the folder if needed. */
export function writeClustersReplayHtml(path: string, r: ClustersReplayReport): void {
  writeTextFile(path, renderClustersReplayHtml(r));
}

/** The CSV's columns after the rule: every count and metric of a run (not its series). */
const CSV_KEYS = [
  'asked', 'placedAtOnce', 'placedAfterWait', 'waitingAtEnd', 'neverFit', 'passes', 'deleted', 'meanWait', 'p95Wait', 'membersPlaced',
  'meanHostsInUse', 'meanGini', 'meanStrandedCpu', 'meanStrandedMem', 'peakCpuFraction', 'peakMemFraction', 'samples',
] as const;

/**
 * CSV text: one row per rule with every count and metric (`CSV_KEYS`), whether the machine events
 * were applied and what they did (empty cells when not), the trace and the sampling interval, the same columns whether some rule finished or none; an interrupted report
 * adds an `interrupted` column (`true`), as the other CSVs do.
 */
export function clustersReplayCsv(r: ClustersReplayReport): string {
  const marked = r.interrupted;
  const header = ['placement', ...CSV_KEYS, 'machineEvents', ...MACHINE_KEYS.map(([k]) => k), 'trace', 'windowStart', 'windowEnd', 'hosts', 'sampleSeconds', ...(marked ? ['interrupted'] : [])];
  const rows = r.runs.map((run) => {
    // The gang counts and the run's own metrics, by key.
    const v: Record<(typeof CSV_KEYS)[number], number | null> = { ...run.gangs, ...run };
    // The machine outcomes' columns are empty when the events were not applied.
    return [run.placement, ...CSV_KEYS.map((k) => v[k]), r.machineEvents, ...MACHINE_KEYS.map(([k]) => run.machines?.[k]), r.trace.path, r.trace.start, r.trace.end, r.trace.counts.hosts, r.sampleSeconds, ...(marked ? [true] : [])];
  });
  return csvText(header, rows);
}

/** Writes {@link clustersReplayCsv}, creating the folder if needed. */
export function writeClustersReplayCsv(path: string, r: ClustersReplayReport): void {
  writeTextFile(path, clustersReplayCsv(r));
}
