/**
 * The HTML report: one self-contained file (no network, no other files) with
 * Chart.js inlined and the report data embedded as JSON. It shows the trace and
 * the modes that produced the runs, a metric table, one bar chart per metric
 * (policies side by side), one line chart per time series (policies over
 * time), and for a sweep each metric against machines and against overcommit.
 *
 * The numbers behind the charts are computed here in TypeScript (tested); the
 * page script only draws them. Series longer than {@link MAX_POINTS} are
 * thinned by a fixed stride (first point of every stride, plus the last), so
 * the page stays light whatever the trace length; the JSON keeps every point.
 *
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isSweepReport, type ReplayReport } from '../sim/types.ts';
import { POLICIES, type PolicyName, type RunResult } from '../systems/giantvm/types.ts';
import { METRIC_COLUMNS } from './csv.ts';
import { formatMetric, summarizeByPolicy } from './table.ts';

/** Most points drawn per line in the over-time charts. */
export const MAX_POINTS = 600;

/** Human labels of the run metrics (SPEC §6). */
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

/** One line of an over-time chart: a policy's thinned series as hours since the trace start. */
export interface ChartLine {
  policy: PolicyName;
  x: number[];
  y: (number | null)[];
}

/** What the page script draws (embedded in the page as JSON). */
export interface ReportData {
  title: string;
  interrupted: boolean;
  /** Label → value pairs shown at the top (trace, modes, seed…). */
  facts: [string, string][];
  metrics: { key: string; label: string }[];
  policies: PolicyName[];
  colors: Record<string, string>;
  /** Per-policy means of every metric (one run each for a plain replay). */
  summary: { policy: PolicyName; runs: number; values: (number | null)[] }[];
  /** Series over time, per series key (replays only: a sweep has too many runs to overlay). */
  series: { key: string; label: string; lines: ChartLine[] }[];
  /** The runs' `info` records (modes and counts) as a table: one row per key, one column per run (replays only). */
  info: { keys: string[]; runs: { policy: PolicyName; values: (number | string | null)[] }[] };
  /** Sweep charts: metric vs a swept parameter, one line per policy (mean over the other dimensions). */
  sweep: { param: 'machines' | 'overcommit'; paramLabel: string; values: (number | string)[]; metric: string; label: string; lines: { policy: PolicyName; y: (number | null)[] }[] }[];
}

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Indices kept when thinning a series of length n to at most `max` points. */
export function thinIndices(n: number, max = MAX_POINTS): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const stride = Math.ceil(n / (max - 1));
  const out: number[] = [];
  for (let i = 0; i < n - 1; i += stride) out.push(i);
  out.push(n - 1);
  return out;
}

function describe(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatMetric(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(describe).join(', ');
  return JSON.stringify(v);
}

/** Distinct values of one parameter over the runs, in first-seen order. */
function distinct<T>(runs: RunResult[], pick: (r: RunResult) => T): T[] {
  const seen: T[] = [];
  for (const r of runs) {
    const v = pick(r);
    if (!seen.includes(v)) seen.push(v);
  }
  return seen;
}

/** Builds everything the page draws from a replay or sweep report. */
export function reportData(report: ReplayReport, title = `fairfit — GiantVM cell-rebalancing ${isSweepReport(report) ? 'sweep' : 'replay'}`): ReportData {
  const runs = report.runs;
  const policies = distinct(runs, (r) => r.policy);
  const metrics = [...METRIC_COLUMNS.map((k) => ({ key: k as string, label: METRIC_LABELS[k]! }))];
  const summary = summarizeByPolicy(report).map((s) => ({ policy: s.policy, runs: s.runs, values: METRIC_COLUMNS.map((k) => finite(s.metrics[k])) }));

  const t = report.trace;
  const facts: [string, string][] = [];
  const add = (label: string, v: unknown) => {
    if (v !== undefined) facts.push([label, describe(v)]);
  };
  add('Trace', t.path ?? t.source);
  add('Format', t.format);
  add('Tasks', t.tasks);
  add('Usage windows', t.usageWindows);
  add('Usage mode', t.usage);
  const machineMode = (m: unknown): string => (m === 'trace' ? 'the machines of machine_events' : `${describe(m)} identical machines`);
  add('Machine mode', t.machines === undefined ? undefined : Array.isArray(t.machines) ? `swept: ${t.machines.map(machineMode).join('; ')}` : machineMode(t.machines));
  add('Seed', t.seed);
  add('Seeds', t.seeds);
  const p0 = runs[0]?.params;
  if (p0) {
    add('Cell size', p0.cellSize);
    add('Interval (ticks)', p0.interval);
    add('Capacity', p0.capacity);
    if (!isSweepReport(report)) add('Overcommit ratio', p0.overcommit);
  }
  if (isSweepReport(report)) {
    add('Swept overcommit', report.sweep.overcommit);
    add('Configurations', `${report.sweep.completed} of ${report.sweep.configurations} finished`);
  }
  const i0 = runs[0]?.info;
  if (i0) {
    add('Usage resolved', i0.usageFallbackToRequest !== undefined ? `${describe(i0.usage)}; ${describe(i0.tasksWithWindows)} tasks with usage windows, ${describe(i0.usageFallbackToRequest)} fell back to request` : i0.usage);
    // A sweep's first run speaks for one machine count only; the swept values are listed above.
    if (!isSweepReport(report)) add('Machines resolved', i0.machinesMode === undefined ? undefined : `${describe(i0.machinesMode)}: ${describe(i0.machines)} machines in ${describe(i0.cells)} cells`);
  }
  add('Policies', policies);
  add('Skipped input lines', t.skipped);
  if (report.interrupted) facts.push(['Status', 'INTERRUPTED — only the finished runs are shown']);

  const series: ReportData['series'] = [];
  if (!isSweepReport(report)) {
    const uniq = [...new Set(runs.flatMap((r) => Object.keys(r.series).filter((k) => k !== 'time')))];
    // series.time is trace time in seconds (replay-core); trace.start is µs.
    const origin = typeof t.start === 'number' && Number.isFinite(t.start) ? t.start / 1e6 : undefined;
    for (const key of uniq) {
      const lines: ChartLine[] = [];
      for (const r of runs) {
        const time = r.series.time;
        const ys = r.series[key];
        if (!time || !ys) continue;
        const t0 = origin ?? time[0] ?? 0;
        const idx = thinIndices(Math.min(time.length, ys.length));
        lines.push({ policy: r.policy, x: idx.map((i) => +((time[i]! - t0) / 3600).toFixed(6)), y: idx.map((i) => finite(ys[i])) });
      }
      if (lines.length) series.push({ key, label: SERIES_LABELS[key] ?? key, lines });
    }
  }

  const sweep: ReportData['sweep'] = [];
  if (isSweepReport(report)) {
    const dims = [
      { param: 'machines' as const, paramLabel: 'machines', values: report.sweep.machines as (number | string)[], pick: (r: RunResult) => r.params.machines as number | string },
      { param: 'overcommit' as const, paramLabel: 'overcommit ratio', values: report.sweep.overcommit as (number | string)[], pick: (r: RunResult) => r.params.overcommit as number | string },
    ];
    for (const m of METRIC_COLUMNS) {
      for (const d of dims) {
        const lines = policies.map((policy) => ({
          policy,
          y: d.values.map((v) => {
            let sum = 0;
            let n = 0;
            for (const r of runs) {
              if (r.policy !== policy || d.pick(r) !== v) continue;
              const x = r.metrics[m];
              if (Number.isFinite(x)) {
                sum += x;
                n++;
              }
            }
            return n ? sum / n : null;
          }),
        }));
        sweep.push({ param: d.param, paramLabel: d.paramLabel, values: d.values, metric: m, label: METRIC_LABELS[m]!, lines });
      }
    }
  }

  const info: ReportData['info'] = { keys: [], runs: [] };
  if (!isSweepReport(report)) {
    info.keys = [...new Set(runs.flatMap((r) => Object.keys(r.info ?? {})))];
    info.runs = runs.map((r) => ({ policy: r.policy, values: info.keys.map((k) => { const v = r.info?.[k]; return typeof v === 'string' ? v : finite(v); }) }));
  }

  return { title, interrupted: report.interrupted === true, facts, metrics, policies, colors: POLICY_COLORS, summary, series, info, sweep };
}

let chartJs: string | undefined;

/** The Chart.js UMD bundle, read once from node_modules (chart.js is a runtime dependency). */
export function chartJsSource(): string {
  if (chartJs === undefined) {
    const require = createRequire(import.meta.url);
    // The package's exports map hides dist/chart.umd.js; resolve the main entry and look beside it.
    const main = require.resolve('chart.js');
    chartJs = readFileSync(join(dirname(main), 'chart.umd.js'), 'utf8');
  }
  return chartJs;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page script: draws the charts from the embedded data, then sets `data-charts` on <html>. */
const PAGE_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('fairfit-data').textContent);
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#222';
  var count = 0;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function card(parent, title) {
    var c = el('div', 'card');
    c.appendChild(el('h3', null, title));
    var box = el('div', 'chart');
    var canvas = document.createElement('canvas');
    box.appendChild(canvas);
    c.appendChild(box);
    parent.appendChild(c);
    return canvas;
  }
  function axis(title, extra) {
    var a = { title: { display: true, text: title, font: { weight: 'bold' } }, grid: { color: '#e5e5e5' } };
    for (var k in extra) a[k] = extra[k];
    return a;
  }
  // A series that never leaves 0 (e.g. no overcommit) gets a 0-based axis instead of Chart.js's symmetric -1..1.
  function flat(lines) {
    return lines.every(function (l) { return l.y.every(function (v) { return v === 0 || v === null; }); });
  }
  function draw(canvas, config) {
    config.options = config.options || {};
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    new Chart(canvas, config);
    count++;
  }
  document.title = data.title;
  document.getElementById('title').textContent = data.title;
  var facts = document.getElementById('facts');
  data.facts.forEach(function (f) {
    facts.appendChild(el('dt', null, f[0]));
    facts.appendChild(el('dd', null, f[1]));
  });
  if (data.interrupted) document.getElementById('interrupted').hidden = false;

  var table = document.getElementById('summary');
  var head = el('tr');
  head.appendChild(el('th', null, 'policy'));
  if (data.sweep.length) head.appendChild(el('th', null, 'runs'));
  data.metrics.forEach(function (m) { var th = el('th', null, m.key); th.title = m.label; head.appendChild(th); });
  table.appendChild(head);
  function fmt(v) {
    if (v === null) return '—';
    if (Number.isInteger(v)) return String(v);
    var a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
  }
  data.summary.forEach(function (s) {
    var tr = el('tr');
    var name = el('td', 'policy', s.policy);
    name.style.borderLeft = '6px solid ' + data.colors[s.policy];
    tr.appendChild(name);
    if (data.sweep.length) tr.appendChild(el('td', null, String(s.runs)));
    s.values.forEach(function (v) { tr.appendChild(el('td', 'num', fmt(v))); });
    table.appendChild(tr);
  });

  var info = document.getElementById('info');
  if (!data.info.keys.length) document.getElementById('info-section').hidden = true;
  else {
    var ih = el('tr');
    ih.appendChild(el('th', null, ''));
    data.info.runs.forEach(function (r) { ih.appendChild(el('th', null, r.policy)); });
    info.appendChild(ih);
    data.info.keys.forEach(function (k, j) {
      var tr = el('tr');
      tr.appendChild(el('td', 'policy', k));
      data.info.runs.forEach(function (r) { var v = r.values[j]; tr.appendChild(el('td', 'num', typeof v === 'number' ? fmt(v) : v === null ? '—' : v)); });
      info.appendChild(tr);
    });
  }

  var bars = document.getElementById('bars');
  data.metrics.forEach(function (m, j) {
    draw(card(bars, m.label + (data.sweep.length ? ' (mean over configurations)' : '')), {
      type: 'bar',
      data: {
        labels: data.summary.map(function (s) { return s.policy; }),
        datasets: [{ label: m.label, data: data.summary.map(function (s) { return s.values[j]; }),
          backgroundColor: data.summary.map(function (s) { return data.colors[s.policy]; }) }]
      },
      options: { plugins: { legend: { display: false } },
        scales: { x: axis('policy', { ticks: { autoSkip: false, maxRotation: 45 } }), y: axis(m.key, { beginAtZero: true, ticks: { callback: fmt } }) } }
    });
  });

  var over = document.getElementById('series');
  if (!data.series.length) document.getElementById('series-section').hidden = true;
  data.series.forEach(function (s) {
    draw(card(over, s.label), {
      type: 'line',
      data: { datasets: s.lines.map(function (l) {
        return { label: l.policy, borderColor: data.colors[l.policy], backgroundColor: data.colors[l.policy],
          data: l.x.map(function (x, i) { return { x: x, y: l.y[i] }; }), pointRadius: 0, borderWidth: 1.5, spanGaps: true };
      }) },
      options: { parsing: false, interaction: { mode: 'nearest', intersect: false },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        scales: { x: axis('hours since trace start', { type: 'linear' }), y: axis(s.key, flat(s.lines) ? { min: 0, suggestedMax: 1, ticks: { callback: fmt } } : { ticks: { callback: fmt } }) } }
    });
  });

  var sw = document.getElementById('sweep');
  if (!data.sweep.length) document.getElementById('sweep-section').hidden = true;
  data.sweep.forEach(function (s) {
    draw(card(sw, s.label + ' vs ' + s.paramLabel + ' (mean over the other swept values)'), {
      type: 'line',
      data: { labels: s.values.map(String), datasets: s.lines.map(function (l) {
        return { label: l.policy, borderColor: data.colors[l.policy], backgroundColor: data.colors[l.policy],
          data: l.y, pointRadius: 3, borderWidth: 1.5 };
      }) },
      options: { plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        scales: { x: axis(s.paramLabel), y: axis(s.metric, { ticks: { callback: fmt } }) } }
    });
  });
  document.documentElement.setAttribute('data-charts', String(count));
})();
`;

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #222; background: #f6f6f4; }
header { background: #1f3a5f; color: #fff; padding: 18px 28px; }
header h1 { margin: 0; font-size: 22px; font-weight: 600; }
main { padding: 12px 28px 40px; max-width: 1500px; }
h2 { font-size: 18px; margin: 26px 0 10px; border-bottom: 1px solid #ccc; padding-bottom: 4px; }
h3 { font-size: 14px; margin: 0 0 6px; font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 3px 18px; margin: 12px 0; font-size: 14px; }
dt { font-weight: 600; color: #444; } dd { margin: 0; word-break: break-all; }
table { border-collapse: collapse; background: #fff; font-size: 13px; }
th, td { padding: 5px 10px; border-bottom: 1px solid #e2e2e2; text-align: right; }
th:first-child, td.policy { text-align: left; font-family: ui-monospace, Menlo, Consolas, monospace; }
td.num { font-variant-numeric: tabular-nums; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 16px; }
.card { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px 14px; }
.chart { position: relative; height: 280px; }
details { margin-top: 12px; font-size: 14px; } summary { cursor: pointer; font-weight: 600; }
#interrupted { background: #fff3cd; border: 1px solid #e0b100; padding: 8px 12px; margin-top: 12px; border-radius: 4px; }
footer { color: #666; font-size: 12px; margin-top: 30px; }
`;

/** Renders a replay or sweep report as one self-contained HTML page. */
export function renderHtml(report: ReplayReport, options: { title?: string } = {}): string {
  const data = reportData(report, options.title);
  // Inside <script type="application/json"> only "</script" and "<!--" are dangerous; escaping every "<" covers both.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(data.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<header><h1 id="title">${escapeHtml(data.title)}</h1></header>`,
    '<main>',
    '<div id="interrupted" hidden>This run was interrupted (Ctrl-C): the charts show only the runs that finished.</div>',
    '<section><h2>Trace and modes</h2><dl id="facts"></dl></section>',
    '<section><h2>Metrics per policy</h2><table id="summary"></table></section>',
    '<section id="info-section"><details><summary>Run details: modes and counts per run</summary><table id="info"></table></details></section>',
    '<section><h2>Each metric per policy</h2><div class="grid" id="bars"></div></section>',
    '<section id="series-section"><h2>Over time</h2><div class="grid" id="series"></div></section>',
    '<section id="sweep-section"><h2>Sweep results</h2><div class="grid" id="sweep"></div></section>',
    '<footer>Generated by fairfit. Charts drawn with Chart.js (MIT), inlined in this file.</footer>',
    '</main>',
    `<script type="application/json" id="fairfit-data">${json}</script>`,
    // chart.umd.js contains no "</script"; guard anyway so a future version cannot break the page.
    `<script>${chartJsSource().replace(/<\/script/gi, '<\\/script')}</script>`,
    `<script>${PAGE_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Writes the HTML report, creating the folder if needed. */
export function writeHtml(path: string, report: ReplayReport, options: { title?: string } = {}): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderHtml(report, options));
}
