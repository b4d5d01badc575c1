/**
 * What the GiantVM writers show of a run: the metric columns (table, CSV,
 * charts), human labels of metrics and time series, and one fixed colour per
 * policy so a policy looks the same in every report.
 *
 * @module
 */
import { DEFAULT_PARAMS } from './replay-params.ts';
import { POLICIES, type PolicyName } from './types.ts';

/** The metric columns always written, in this order. */
export const METRIC_COLUMNS = ['meanCpu', 'gini', 'overcommit', 'delay', 'stretch', 'migratedMemory', 'migrations'] as const;

/**
 * Human labels of the run metrics (docs/model.md defines each): chart titles and header tooltips. A unit
 * is stated once, in the axis title ({@link METRIC_AXES}): a unit in the label sat mid-title once the page
 * added "(mean over 3 seeds; …)" or "vs machines" after it.
 */
export const METRIC_LABELS: Record<string, string> = {
  meanCpu: 'Mean CPU utilisation',
  gini: 'Gini of per-machine mean CPU',
  overcommit: 'Mean overcommit (usage − capacity, where positive)',
  delay: 'Mean task delay (finish − submit)',
  stretch: 'Mean stretch: per task, time in the system (finish − submit) / its run time in the trace',
  migratedMemory: 'Migrated memory (Σ assigned memory)',
  migrations: 'Number of migrations',
  firstShare: 'Share moved to the least-loaded node',
  secondShare: 'Share moved to the second least-loaded node',
};

/**
 * The labels of the metrics whose meaning a rule changes, under the non-default rules
 * (docs/model.md, "`delay: 'all'`" and "`gini`"): the page's titles say which quantity the runs measured.
 */
const RULE_LABELS = {
  gini: { 'series-mean': 'Gini of machine CPU per series point, mean over time' },
  delay: {
    all: 'Mean task delay over all tasks (open ones: delay so far + remaining work)',
  },
  stretch: {
    all: 'Mean stretch over all tasks: per task, time in the system / its run time in the trace (open ones: delay so far + remaining work)',
  },
} as const;

/**
 * The metric labels for runs made under these rules (the Gini rule and the delay rule of each run):
 * METRIC_LABELS, with a rule's own label where every run used it, and a note where the runs differ.
 * A run without the rule (a report written before the rules existed) used the default.
 */
export function metricLabels(runs: readonly { gini?: string; delay?: string }[]): Record<string, string> {
  const out = { ...METRIC_LABELS };
  const ruled = (metric: 'gini' | 'delay' | 'stretch', rule: 'gini' | 'delay') => {
    const used = [...new Set(runs.map((r) => r[rule] ?? DEFAULT_PARAMS[rule]))];
    if (used.length > 1) out[metric] = `${METRIC_LABELS[metric]} (${rule} rule differs between runs: ${used.join(', ')})`;
    else if (used.length === 1) out[metric] = (RULE_LABELS[metric] as Record<string, string>)[used[0]!] ?? METRIC_LABELS[metric]!;
  };
  ruled('gini', 'gini');
  ruled('delay', 'delay');
  ruled('stretch', 'delay');
  return out;
}

/** Labels of the time series (RunResult.series keys). */
export const SERIES_LABELS: Record<string, string> = {
  meanCpu: 'Mean CPU utilisation',
  gini: 'Gini of machine CPU',
  overcommit: 'Overcommit (usage − capacity)',
  migratedMemory: 'Memory migrated per cycle',
  migratedMemoryCumulative: 'Memory migrated, cumulative',
  migrations: 'Migrations per cycle',
  running: 'Running tasks',
  pending: 'Pending tasks',
  firstShare: 'Share of migrations to the least-loaded node (of the migrations in each interval)',
  secondShare: 'Share of migrations to the second least-loaded node (of the migrations in each interval)',
};

/**
 * Table headers and axis titles in words, with units. Short: a y axis title is
 * drawn along the plot, which has room for about 25 characters when the legend
 * takes two rows (test/report checks each title fits).
 */
export const METRIC_AXES: Record<string, string> = {
  meanCpu: 'mean CPU utilisation',
  gini: 'Gini of CPU (0 = even)',
  overcommit: 'overcommit (norm. CPU)',
  delay: 'mean delay (s)',
  stretch: 'mean stretch',
  migratedMemory: 'migrated memory (norm.)',
  migrations: 'migrations',
  firstShare: 'share to least-loaded',
  secondShare: 'share to 2nd least-loaded',
};

/** Axis titles of the time series, in words with units (as short as METRIC_AXES). */
export const SERIES_AXES: Record<string, string> = {
  meanCpu: 'mean CPU utilisation',
  gini: 'Gini of CPU (0 = even)',
  overcommit: 'overcommit (norm. CPU)',
  migratedMemory: 'memory / cycle (norm.)',
  migratedMemoryCumulative: 'memory (norm.)',
  migrations: 'migrations per cycle',
  running: 'running tasks',
  pending: 'pending tasks',
  firstShare: 'share of migrations',
  secondShare: 'share of migrations',
};

/**
 * Points per line of a series chart when fewer than the default read better:
 * per-cycle counts are spiky and a share alternates between 0 and 1 from one
 * cycle to the next, so they are averaged over longer intervals.
 */
export const SERIES_POINTS: Record<string, number> = {
  migratedMemory: 120,
  migrations: 120,
  firstShare: 36,
  secondShare: 36,
};

/** Series whose JSON points are sums over a point's ticks, charted per rebalancing cycle (divided by the cycles each point covers). */
export const PER_CYCLE: ReadonlySet<string> = new Set(['migrations', 'migratedMemory']);

/** Series that are a share of a point's migrations (0 where none moved), charted weighted by each point's migrations. */
export const SHARE_OF_MIGRATIONS: ReadonlySet<string> = new Set(['firstShare', 'secondShare']);

/** What a chart says instead of drawing an axis when a metric or series is 0 in every run. */
export const ZERO_NOTES: Record<string, string> = {
  overcommit: 'No overcommit in any run: no machine used more CPU than its capacity.',
  migratedMemory: 'No memory migrated in any run.',
  migratedMemoryCumulative: 'No memory migrated in any run.',
  migrations: 'No migrations in any run.',
  pending: 'No task waited in any run.',
  firstShare: 'No migrations in any run, so no shares.',
  secondShare: 'No migrations in any run, so no shares.',
};

/** Fixed colour per policy (Tableau 10), so a policy has the same colour in every report. */
export const POLICY_COLORS: Record<PolicyName, string> = Object.fromEntries(
  POLICIES.map((p, i) => [p, ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#b8860b', '#b07aa1', '#ff6f91'][i]!]),
) as Record<PolicyName, string>;
