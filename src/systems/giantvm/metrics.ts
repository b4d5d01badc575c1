/**
 * What the GiantVM writers show of a run: the metric columns (table, CSV,
 * charts), human labels of metrics and time series, and one fixed colour per
 * policy so a policy looks the same in every report.
 *
 * @module
 */
import { POLICIES, type PolicyName } from './types.ts';

/** The metric columns always written, in this order. */
export const METRIC_COLUMNS = ['meanCpu', 'gini', 'overcommit', 'delay', 'stretch', 'migratedMemory', 'migrations'] as const;

/** Human labels of the run metrics (docs/model.md defines each). */
export const METRIC_LABELS: Record<string, string> = {
  meanCpu: 'Mean CPU utilisation',
  gini: 'Gini of per-machine mean CPU',
  overcommit: 'Mean overcommit (usage − capacity, where positive)',
  delay: 'Mean task delay (finish − submit), s',
  stretch: 'Mean stretch (delay / trace duration)',
  migratedMemory: 'Migrated memory (Σ assigned memory)',
  migrations: 'Number of migrations',
  firstShare: 'Share moved to the least-loaded node',
  secondShare: 'Share moved to the second least-loaded node',
};

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
  firstShare: 'Share of migrations to the least-loaded node',
  secondShare: 'Share of migrations to the second least-loaded node',
};

/** Fixed colour per policy (Tableau 10), so a policy has the same colour in every report. */
export const POLICY_COLORS: Record<PolicyName, string> = Object.fromEntries(
  POLICIES.map((p, i) => [p, ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#b8860b', '#b07aa1', '#ff6f91'][i]!]),
) as Record<PolicyName, string>;
