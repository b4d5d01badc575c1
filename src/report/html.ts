/**
 * The HTML report shell: one self-contained file (no network, no other files)
 * with Chart.js inlined and the page data embedded as JSON. A system hands
 * over a {@link ComparisonPage}: a title, facts (label → value), table
 * columns, one summary row per compared variant with its colour, and chart
 * specs (time series per variant, and values against a swept parameter). The
 * page script here draws it: a summary table, one bar chart per column, one
 * line chart per time series, one line chart per swept parameter and column.
 *
 * The numbers behind the charts are computed by the system in TypeScript
 * (tested); the page script only draws them. A system shortens each time
 * series to at most {@link MAX_POINTS} points (or fewer), so the page stays
 * light whatever the trace length: GiantVM averages consecutive points into
 * buckets with {@link bucketMeans}; IPTAS keeps each bucket's lowest and
 * highest point with {@link minMaxIndices}.
 *
 * Lines with exactly the same points (equal x and y arrays as drawn) hide each
 * other: under every line chart the page names the lines that coincide, so a
 * line drawn under another is not read as missing.
 *
 * A page that compares no variants (the Docklet manager's state) is a
 * {@link SectionPage} instead: facts, tables and charts in the order the system
 * gives them, drawn by {@link renderSectionPage} with the same shell, style and
 * script helpers.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Most points drawn per line in the over-time charts (a chart 440 px wide shows no more). */
export const MAX_POINTS = 240;

/**
 * One line of an over-time chart: a variant's thinned series (x: hours since
 * the trace start). Variants are keyed `policy` in the page data, the field
 * name the embedded JSON has always used.
 */
export interface ChartLine {
  policy: string;
  x: number[];
  y: (number | null)[];
}

/** What the page script draws (embedded in the page as JSON), as a system builds it. */
export interface ComparisonPage {
  title: string;
  interrupted: boolean;
  /** Label → value pairs shown at the top (trace, modes, seed…). */
  facts: [string, string][];
  /**
   * Table columns (and one bar chart each). `axis`: the header and axis title
   * in words with units (default the key); `zeroNote`: what the page says
   * instead of a chart when the column is 0 for every variant; `chart`: the bar
   * chart draws the column in another unit ({@link ChartScale}), the table keeps it.
   */
  metrics: { key: string; label: string; axis?: string; zeroNote?: string; chart?: ChartScale }[];
  /** The compared variants, in table order. */
  policies: string[];
  colors: Record<string, string>;
  /**
   * One table row per variant: its value in each column, and how many runs it stands for; `sd`, when
   * `summarySpread` is given, the ±1 standard deviation of each column over those runs (shown in the
   * table and as whiskers on the bars).
   */
  summary: { policy: string; runs: number; values: (number | null)[]; sd?: (number | null)[] }[];
  /** What the summary's `sd` is taken over (`'5 seeds'`); absent: the summary has no sd. */
  summarySpread?: string;
  /** Line charts over time, one per series key, one line per variant (empty: no such section). */
  series: { key: string; label: string; axis?: string; zeroNote?: string; lines: ChartLine[]; /** The x values are whole numbers (counts such as waves): ticks at whole numbers only. */ wholeX?: boolean; /** This chart's x axis title, when it is not the page's time axis (`PageText.timeAxis`), e.g. waves. */ xAxis?: string }[];
  /** A details table: one row per key, one column per run (no keys: no such section). */
  info: { keys: string[]; runs: { policy: string; values: (number | string | null)[] }[] };
  /**
   * Sweep charts: a column against a swept parameter, one line per variant (empty: no such section; non-empty, or a `summarySpread`, also adds a runs column to the table).
   * `sd` (same length as `y`), when given, is drawn as a ±1 standard deviation whisker at each point (clipped to the plot area: an end cut at the edge gets an arrowhead pointing out instead of a cap); `spread` says over what.
   * A chart whose means are all 0 (or missing) is replaced by `zeroNote`, as for the other charts.
   * `lines` are the view the page opens with (with `held`, over the other swept values, in whatever way the system says: the title reads "mean over the other swept values"; without, it says nothing of other values).
   * `held`, when a second parameter was swept: the same chart with that parameter held at each of its values, `held.lines[k]` (shaped as `lines`) at `held.values[k]`.
   * The page then offers one labelled `<select>` per `param` above the sweep charts ("mean over all" or one of `held.values`) and redraws that param's charts from the lines chosen, without reloading.
   */
  sweep: { param: string; paramLabel: string; values: (number | string)[]; metric: string; label: string; axis?: string; zeroNote?: string; spread?: string; lines: SweepLine[]; held?: { param: string; paramLabel: string; values: (number | string)[]; lines: SweepLine[][] } }[];
}

/**
 * How a column's bar chart draws its values when not in the table's unit: each value (and sd) divided by
 * `by`, under the y axis title `axis`. The table keeps the values as given, under the column's own `axis`
 * (a makespan of 7948936 s is drawn as 92 days; the table and the CSV keep the seconds).
 */
export interface ChartScale {
  by: number;
  axis: string;
}

/** A unit of time a duration is drawn in, and its length in seconds. */
export interface DurationUnit {
  unit: 's' | 'min' | 'h' | 'days';
  seconds: number;
}

/**
 * The unit to draw durations given in seconds in, from their range: the largest finite |value| up to
 * 2 minutes in seconds, up to 2 hours in minutes, up to 2 days in hours, beyond in days (so an axis
 * reads 0 … 92 days, not 0 … 8e6 s). No finite value: seconds.
 */
export function durationUnit(seconds: readonly (number | null)[]): DurationUnit {
  let max = 0;
  for (const v of seconds) if (typeof v === 'number' && Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  if (max > 2 * 86400) return { unit: 'days', seconds: 86400 };
  if (max > 2 * 3600) return { unit: 'h', seconds: 3600 };
  if (max > 120) return { unit: 'min', seconds: 60 };
  return { unit: 's', seconds: 1 };
}

/** An axis title given in seconds (`mean wait (s)`) in the unit `u` (`mean wait (h)`). */
export function axisInUnit(axis: string, u: DurationUnit): string {
  return axis.replace('(s)', `(${u.unit})`);
}

/** One line of a sweep chart: a variant's value at each swept value, with an optional ±1 sd each. */
export interface SweepLine {
  policy: string;
  y: (number | null)[];
  sd?: (number | null)[];
}

/** Words of the page that name what a system compares. */
export interface PageText {
  /** What one compared variant is called (table header, bar chart axis, section headings), e.g. `'policy'`. */
  variant: string;
  /** The x axis of the over-time charts. */
  timeAxis: string;
}

/**
 * What a page title calls an input file or folder: the last part of its path (a folder's name, without a
 * trailing slash), or the path itself when it has no such part (`standard input`).
 */
export function inputName(path: unknown): string {
  if (typeof path !== 'string') return 'in-memory input';
  const trimmed = path.replace(/[\\/]+$/, '');
  const last = trimmed.split(/[\\/]/).pop();
  return last || path;
}

/** A finite number, or null (how the page data writes a missing value). */
export const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/**
 * Indices of the points kept when a series of `y.length` points is drawn with
 * at most `max` (≥ 2) of them, by min–max decimation: the points are cut into
 * B = ⌊(max − 2) / 2⌋ buckets of consecutive indices (bucket b is
 * [⌊b·n/B⌋, ⌊(b+1)·n/B⌋)), and each bucket keeps the index of its smallest and
 * of its largest finite y (the first one on ties); the first and last points
 * are kept too, and all of them are returned once each, in increasing order. A
 * series of at most `max` points is kept whole.
 *
 * Picking every k-th point would drop a spike between two kept points; here
 * the line drawn through the kept points reaches every bucket's extremes, so
 * its envelope is the series' own. Non-finite values are never an extreme (a
 * bucket of them keeps nothing). Deterministic: it depends on the values only.
 */
export function minMaxIndices(y: ArrayLike<number>, max = MAX_POINTS): number[] {
  const n = y.length;
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(0, Math.floor((max - 2) / 2));
  const keep: number[] = [0];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let lo = -1;
    let hi = -1;
    for (let i = start; i < end; i++) {
      const v = y[i]!;
      if (!Number.isFinite(v)) continue;
      if (lo < 0 || v < y[lo]!) lo = i;
      if (hi < 0 || v > y[hi]!) hi = i;
    }
    if (lo < 0) continue;
    // In time order, so the line goes through the two extremes in the order they happened.
    for (const i of lo < hi ? [lo, hi] : [hi, lo]) if (i > keep[keep.length - 1]!) keep.push(i);
  }
  if (keep[keep.length - 1] !== n - 1) keep.push(n - 1);
  return keep;
}

/**
 * A series shortened to at most `max` points by averaging: the points are cut
 * into equal runs of consecutive samples, each drawn as its mean x and the mean
 * of its finite y (null when none). Unlike picking every k-th sample this keeps
 * what happened between the kept points (a spike, a share that alternates per
 * cycle), so the line reads as a rate per interval rather than a barcode.
 * `digits` significant digits are kept (the page draws at most 4).
 *
 * With `weights`, each bucket's y is the weighted mean Σ w·y / Σ w over its
 * points with a finite y and a weight > 0 (null when there are none): a point
 * of weight 0 does not count at all. That makes a ratio per point add up
 * correctly over a bucket, e.g. a share of migrations weighted by the
 * migrations of each point (a point without migrations has no share), or a
 * count per cycle weighted by the cycles each point covers.
 */
export function bucketMeans(x: ArrayLike<number>, y: ArrayLike<number>, max = MAX_POINTS, digits = 4, weights?: ArrayLike<number>): { x: number[]; y: (number | null)[] } {
  const n = Math.min(x.length, y.length, weights ? weights.length : Infinity);
  const size = Math.max(1, Math.ceil(n / max));
  const xs: number[] = [];
  const ys: (number | null)[] = [];
  const round = (v: number) => (v === 0 ? 0 : Number(v.toPrecision(digits)));
  for (let b = 0; b < n; b += size) {
    const e = Math.min(n, b + size);
    let sx = 0;
    let sy = 0;
    let k = 0;
    for (let i = b; i < e; i++) {
      sx += x[i]!;
      const v = y[i]!;
      const w = weights ? weights[i]! : 1;
      if (Number.isFinite(v) && Number.isFinite(w) && w > 0) {
        sy += w * v;
        k += w;
      }
    }
    xs.push(Number((sx / (e - b)).toFixed(4)));
    ys.push(k ? round(sy / k) : null);
  }
  return { x: xs, y: ys };
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

/** A JavaScript string literal (single quotes) of `s`. */
function jsString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * What every page script starts with: Chart.js defaults, the chart counter, and the helpers that make
 * cards, axes, notes and charts (`draw`: tooltips in the tables' number format, whole-number ticks for
 * counts, ±1 sd whiskers) and format numbers (`fmt` as the tables, `tick` as the axes).
 */
const SCRIPT_HELPERS = String.raw`
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
  // A card with a title and a canvas, put at the end of parent (or before 'before'); returns the canvas.
  function card(parent, title, before) {
    var c = el('div', 'card');
    c.appendChild(el('h3', null, title));
    var box = el('div', 'chart');
    var canvas = document.createElement('canvas');
    box.appendChild(canvas);
    c.appendChild(box);
    parent.insertBefore(c, before || null);
    return canvas;
  }
  // Lines drawn with exactly the same points hide each other (the first dataset is drawn on top): groups of
  // two or more lines whose x (when given) and y arrays are equal, each group in line order. A line with no
  // value drawn coincides with nothing.
  function coinciding(lines) {
    var groups = [], keys = [];
    lines.forEach(function (l) {
      if (!l.y.some(function (v) { return v !== null; })) return;
      var key = JSON.stringify([l.x || null, l.y]), k = keys.indexOf(key);
      if (k < 0) { keys.push(key); groups.push([l.policy]); } else groups[k].push(l.policy);
    });
    return groups.filter(function (g) { return g.length > 1; });
  }
  function names(g) {
    return g.length === 2 ? g[0] + ' and ' + g[1] : g.slice(0, -1).join(', ') + ' and ' + g[g.length - 1];
  }
  // Lines (or groups of coinciding lines) equal at 90 % or more of their points but not all, over the same x:
  // each hides the other there (EASY and FCFS on the NASA log: the same value at 230 of 232 points).
  // Returns [first group, second group, points equal, points] in line order.
  function nearlyCoinciding(lines, groups) {
    var reps = [];
    lines.forEach(function (l) {
      if (!l.y.some(function (v) { return v !== null; })) return;
      var g = groups.filter(function (gr) { return gr.indexOf(l.policy) >= 0; })[0];
      if (g && g[0] !== l.policy) return;
      reps.push({ line: l, group: g || [l.policy] });
    });
    var out = [];
    for (var i = 0; i < reps.length; i++) for (var j = i + 1; j < reps.length; j++) {
      var a = reps[i].line, b = reps[j].line;
      if (a.y.length !== b.y.length || JSON.stringify(a.x || null) !== JSON.stringify(b.x || null)) continue;
      var n = 0, same = 0;
      for (var k = 0; k < a.y.length; k++) {
        if (a.y[k] === null && b.y[k] === null) continue;
        n++;
        if (a.y[k] === b.y[k]) same++;
      }
      if (same < n && same >= 0.9 * n) out.push([reps[i].group, reps[j].group, same, n]);
    }
    return out;
  }
  // Under a line chart: which lines coincide, wholly or at most points, so a line hidden under another is not read as missing.
  function coincideNote(canvas, lines) {
    var groups = coinciding(lines);
    var near = nearlyCoinciding(lines, groups);
    if (!groups.length && !near.length) return;
    // As drawn: the page holds each value to 4 significant digits (thinned series), so lines equal here may differ further down.
    var text = groups.map(function (g) { return names(g) + ' coincide as drawn: the same values at every point (only ' + g[0] + "'s colour shows)"; })
      .concat(near.map(function (p) { return names(p[0].concat(p[1])) + ' coincide as drawn at ' + p[2] + ' of ' + p[3] + ' points (only ' + p[0][0] + "'s colour shows there)"; }))
      .join('; ');
    canvas.closest('.card').appendChild(el('p', 'note coincide', text + '.'));
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
  // A card that says why there is no chart (a metric 0 in every run), instead of an empty axis.
  function note(parent, title, text, before) {
    var c = el('div', 'card');
    c.appendChild(el('h3', null, title));
    c.appendChild(el('p', 'zero', text));
    parent.insertBefore(c, before || null);
    return c;
  }
  // No value at all (every line null: an interrupted sweep's held value where no run finished), which flat() also accepts.
  function empty(lines) {
    return lines.every(function (l) { return l.y.every(function (v) { return v === null; }); });
  }
  // ±1 sd whiskers for datasets (lines, and bars over seeds) that carry an 'sd' array (Chart.js has no error bars of its own).
  // A bar chart's y range takes its whiskers in (barRange). A sweep chart's follows the means, so a long whisker
  // is cut at the plot's edge rather than drawn over the tick labels, axis titles or legend. An end inside the
  // plot gets the usual cap; a cut end gets an arrowhead pointing out of the plot instead, so a cut whisker
  // cannot be read as a short one.
  var whiskers = {
    id: 'whiskers',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx, y = chart.scales.y, area = chart.chartArea;
      ctx.save();
      ctx.beginPath();
      ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      ctx.clip();
      chart.data.datasets.forEach(function (ds, i) {
        if (!ds.sd || !chart.isDatasetVisible(i)) return;
        chart.getDatasetMeta(i).data.forEach(function (pt, j) {
          var m = ds.data[j], d = ds.sd[j];
          if (m === null || d === null || d === undefined || !(d > 0)) return;
          var hi = y.getPixelForValue(m + d), lo = y.getPixelForValue(m - d);
          if (hi > area.bottom || lo < area.top) return; // wholly off the plot: nothing to show
          var top = Math.max(hi, area.top), bottom = Math.min(lo, area.bottom);
          ctx.strokeStyle = ds.borderColor; ctx.fillStyle = ds.borderColor; ctx.lineWidth = 1;
          ctx.beginPath();
          ctx.moveTo(pt.x, top); ctx.lineTo(pt.x, bottom);
          if (hi >= area.top) { ctx.moveTo(pt.x - 3, top); ctx.lineTo(pt.x + 3, top); }
          if (lo <= area.bottom) { ctx.moveTo(pt.x - 3, bottom); ctx.lineTo(pt.x + 3, bottom); }
          ctx.stroke();
          if (hi < area.top) arrowOut(ctx, pt.x, area.top, 1);
          if (lo > area.bottom) arrowOut(ctx, pt.x, area.bottom, -1);
        });
      });
      ctx.restore();
    }
  };
  // A filled arrowhead with its tip on the plot's edge and its base 6 px inside (inward 1: down from the top edge, -1: up from the bottom).
  function arrowOut(ctx, x, edge, inward) {
    ctx.beginPath();
    ctx.moveTo(x, edge);
    ctx.lineTo(x - 4, edge + 6 * inward);
    ctx.lineTo(x + 4, edge + 6 * inward);
    ctx.closePath();
    ctx.fill();
  }
  function draw(canvas, config) {
    config.options = config.options || {};
    // A point reads as the table shows it: mean ± sd with an sd (Chart.js showed the mean alone), else fmt (Chart.js's
    // own format showed 8.3e-5 as 0 and 1986.128 as 1,986.128).
    config.options.plugins = config.options.plugins || {};
    // A config's own tooltip options (a filter) are kept; the label is always this one.
    var tip = config.options.plugins.tooltip || {};
    tip.callbacks = { label: function (ctx) {
      var sd = ctx.dataset.sd ? ctx.dataset.sd[ctx.dataIndex] : null, raw = ctx.raw, v = raw !== null && typeof raw === 'object' ? raw.y : raw;
      return (ctx.dataset.label || '') + ': ' + (typeof v !== 'number' ? ctx.formattedValue : typeof sd === 'number' ? pm(v, sd) : fmt(v));
    } };
    config.options.plugins.tooltip = tip;
    // Counts (every value drawn a whole number): ticks at whole numbers only, not 0, 0.2 … 2 or 14, 14.1 … 15.
    var ys = [];
    config.data.datasets.forEach(function (ds) {
      ds.data.forEach(function (v) { var y = v !== null && typeof v === 'object' ? v.y : v; if (typeof y === 'number' && isFinite(y)) ys.push(y); });
    });
    if (ys.length && ys.every(function (y) { return Number.isInteger(y); })) config.options.scales.y.ticks.precision = 0;
    config.plugins = [whiskers];
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    new Chart(canvas, config);
    count++;
  }
  function fmt(v) {
    if (v === null) return '—';
    if (Number.isInteger(v)) return String(v);
    var a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
  }
  // Mean ± sd with the same number of decimals, both: the sd's at 2 significant digits (0 to 10 decimals; an sd of 0
  // takes the mean's as fmt shows it). "760 ± 2.405" showed the sd more finely than the mean: it reads 759.9 ± 2.4.
  function pm(v, d) {
    var dec;
    if (d > 0 && isFinite(d)) dec = 1 - Math.floor(Math.log10(d));
    else {
      var f = fmt(v), dot = f.indexOf('.');
      dec = f.indexOf('e') >= 0 ? 3 - Math.floor(Math.log10(Math.abs(v))) : dot < 0 ? 0 : f.length - dot - 1;
    }
    dec = Math.min(10, Math.max(0, dec));
    return v.toFixed(dec) + ' ± ' + Math.abs(d).toFixed(dec);
  }
  // Axis ticks: at most 4 significant digits, plain decimals from 1e-4 up (0.0005), else short exponents (5e-5, 2.5e7).
  function tick(v) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return v;
    var r = Number(v.toPrecision(4)), a = Math.abs(r);
    if (a === 0) return '0';
    if (a >= 1e-4 && a < 1e6) return String(r);
    return r.toExponential().replace('e+', 'e');
  }
`;

/** What every page script ends with: the scroll-fade cue of wide tables, then `data-charts` (the charts drawn) on <html>. */
const SCRIPT_END = String.raw`
  // Each table box that scrolls sideways says on which sides more of it is (the CSS fades them).
  var boxes = Array.prototype.slice.call(document.querySelectorAll('.scroll'));
  function cue(box) {
    var right = box.scrollWidth - box.clientWidth - box.scrollLeft;
    box.classList.toggle('more-left', box.scrollLeft > 1);
    box.classList.toggle('more-right', right > 1);
  }
  function cueAll() { boxes.forEach(cue); }
  boxes.forEach(function (box) { box.addEventListener('scroll', function () { cue(box); }, { passive: true }); });
  window.addEventListener('resize', cueAll);
  // A closed <details> box has no width: measured again when opened.
  Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) { d.addEventListener('toggle', cueAll); });
  cueAll();
  document.documentElement.setAttribute('data-charts', String(count));
`;

/** The page script: draws the charts from the embedded data, then sets `data-charts` on <html>. */
const pageScript = (text: PageText): string => String.raw`
(function () {
  var data = JSON.parse(document.getElementById('fairfit-data').textContent);
${SCRIPT_HELPERS}
  function zeroText(item, lines) {
    // Interrupted before any run finished: there is nothing to draw, not a metric that is 0.
    if (data.summary.length === 0) return 'No run finished (interrupted): nothing to draw.';
    if (lines && empty(lines)) return 'No run finished at these values (interrupted): nothing to draw.';
    return item.zeroNote || (item.label + ' is 0 throughout, for every ' + ${jsString(text.variant)} + '.');
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
  head.appendChild(el('th', null, ${jsString(text.variant)}));
  var runsColumn = data.sweep.length > 0 || !!data.summarySpread;
  if (runsColumn) head.appendChild(el('th', null, 'runs'));
  data.metrics.forEach(function (m) { var th = el('th', null, m.axis || m.key); th.title = m.label + ' (' + m.key + ')'; head.appendChild(th); });
  table.appendChild(head);
  data.summary.forEach(function (s) {
    var tr = el('tr');
    var name = el('td', 'policy', s.policy);
    name.style.borderLeft = '6px solid ' + data.colors[s.policy];
    tr.appendChild(name);
    if (runsColumn) tr.appendChild(el('td', null, String(s.runs)));
    s.values.forEach(function (v, j) {
      var d = data.summarySpread && s.sd ? s.sd[j] : null;
      tr.appendChild(el('td', 'num', d === null || d === undefined || v === null ? fmt(v) : pm(v, d)));
    });
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

  // A bar chart's y range holds each mean ± sd (Chart.js fits the means only: 5964 ± 207 had its whisker cut at 6000).
  // Bars start at 0; a range going below 0 (a negative mean, or an sd longer than its mean) reaches the lowest end.
  function barRange(values, sd) {
    var hi = -Infinity, lo = Infinity;
    values.forEach(function (v, i) {
      var d = sd && typeof sd[i] === 'number' && sd[i] > 0 ? sd[i] : 0;
      if (v === null) return;
      hi = Math.max(hi, v + d); lo = Math.min(lo, v - d);
    });
    var r = { beginAtZero: true };
    if (hi > 0) r.suggestedMax = hi;
    if (lo < 0) r.suggestedMin = lo;
    return r;
  }
  var bars = document.getElementById('bars');
  data.metrics.forEach(function (m, j) {
    var title = m.label + (data.summarySpread ? ' (mean over ' + data.summarySpread + '; whiskers ±1 sd)' : data.sweep.length ? ' (mean over configurations)' : '');
    if (data.summary.every(function (s) { return s.values[j] === 0 || s.values[j] === null; })) { note(bars, title, zeroText(m)); return; }
    // A column drawn in another unit (m.chart: a long duration in days) is divided here; the table keeps the values.
    var by = m.chart ? m.chart.by : 1;
    var scaled = function (v) { return v === null || v === undefined ? null : v / by; };
    var sd = data.summarySpread ? data.summary.map(function (s) { return s.sd ? scaled(s.sd[j]) : null; }) : undefined;
    var values = data.summary.map(function (s) { return scaled(s.values[j]); });
    var range = barRange(values, sd);
    range.ticks = { callback: tick };
    draw(card(bars, title), {
      type: 'bar',
      data: {
        labels: data.summary.map(function (s) { return s.policy; }),
        // The tooltip names the value as the axis does, with its unit (a column drawn in another unit: that unit).
        datasets: [{ label: m.chart ? m.chart.axis : m.axis || m.label, data: values,
          sd: sd, borderColor: '#333',
          backgroundColor: data.summary.map(function (s) { return data.colors[s.policy]; }) }]
      },
      options: { plugins: { legend: { display: false } },
        scales: { x: axis(${jsString(text.variant)}, { ticks: { autoSkip: false, maxRotation: 45 } }), y: axis(m.chart ? m.chart.axis : m.axis || m.key, range) } }
    });
  });

  var over = document.getElementById('series');
  if (!data.series.length) document.getElementById('series-section').hidden = true;
  data.series.forEach(function (s) {
    if (flat(s.lines)) { note(over, s.label, zeroText(s, s.lines)); return; }
    var canvas = card(over, s.label);
    coincideNote(canvas, s.lines);
    draw(canvas, {
      type: 'line',
      data: { datasets: s.lines.map(function (l) {
        return { label: l.policy, borderColor: data.colors[l.policy], backgroundColor: data.colors[l.policy],
          // A line of one value has no segment to draw: its point is drawn instead (it showed an empty plot).
          data: l.x.map(function (x, i) { return { x: x, y: l.y[i] }; }), pointRadius: l.y.filter(function (v) { return v !== null; }).length === 1 ? 3 : 0, borderWidth: 1.5, spanGaps: true };
      }) },
      options: { parsing: false, interaction: { mode: 'nearest', intersect: false },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        scales: { x: axis(s.xAxis || ${jsString(text.timeAxis)}, s.wholeX ? { type: 'linear', ticks: { precision: 0 } } : { type: 'linear' }), y: axis(s.axis || s.key, { ticks: { callback: tick } }) } }
    });
  });

  var sw = document.getElementById('sweep');
  if (!data.sweep.length) document.getElementById('sweep-section').hidden = true;
  if (data.sweep.some(function (s) { return s.lines.some(function (l) { return l.sd; }); })) document.getElementById('sweep-note').hidden = false;
  // The card of sweep chart i: its lines over all the other swept values (k = -1, as the page opens), or
  // with the other parameter held at s.held.values[k]. A redraw replaces the card where it stands.
  var sweepCards = [];
  function drawSweep(i, k) {
    var s = data.sweep[i], old = sweepCards[i], next = old ? old.nextSibling : null;
    var lines = k < 0 ? s.lines : s.held.lines[k];
    // "mean over the other swept values" only when another parameter was swept (held): with one swept, there is none.
    var where = k >= 0 ? 'at ' + s.held.paramLabel + ' ' + String(s.held.values[k]) : s.held ? 'mean over the other swept values' : '';
    var said = [where, s.spread ? 'whiskers ±1 sd over ' + s.spread : ''].filter(Boolean).join('; ');
    var title = s.label + ' vs ' + s.paramLabel + (said ? ' (' + said + ')' : '');
    if (old) {
      var was = old.querySelector('canvas');
      if (was) { Chart.getChart(was).destroy(); count--; }
      sw.removeChild(old);
    }
    if (flat(lines)) { sweepCards[i] = note(sw, title, zeroText(s, lines), next); return; }
    var canvas = card(sw, title, next);
    sweepCards[i] = canvas.closest('.card');
    coincideNote(canvas, lines);
    draw(canvas, {
      type: 'line',
      data: { labels: s.values.map(String), datasets: lines.map(function (l) {
        return { label: l.policy, borderColor: data.colors[l.policy], backgroundColor: data.colors[l.policy],
          data: l.y, sd: l.sd, pointRadius: 3, borderWidth: 1.5 };
      }) },
      options: { plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        // offset: the first and last values half a step inside the plot, so their whiskers' caps and arrowheads are not cut in half.
        scales: { x: axis(s.paramLabel, { offset: true }), y: axis(s.axis || s.metric, { ticks: { callback: tick } }) } }
    });
  }
  data.sweep.forEach(function (s, i) { drawSweep(i, -1); });
  // Two parameters swept: one select per chart kind (charts vs machines, vs overcommit…) holds the other
  // parameter at one of its values, or back at the mean over all of them. Only the data's lines are drawn.
  var kinds = [];
  data.sweep.forEach(function (s) { if (s.held && kinds.indexOf(s.param) < 0) kinds.push(s.param); });
  var holds = document.getElementById('sweep-hold');
  kinds.forEach(function (param, j) {
    var first = data.sweep.filter(function (s) { return s.param === param && s.held; })[0];
    var wrap = el('div', 'hold');
    var label = el('label', null, 'Charts vs ' + first.paramLabel + ' — ' + first.held.paramLabel + ': ');
    var select = el('select');
    select.id = 'sweep-hold-' + j;
    select.setAttribute('data-param', param);
    label.htmlFor = select.id;
    var all = el('option', null, 'mean over all');
    all.value = '-1';
    select.appendChild(all);
    first.held.values.forEach(function (v, k) {
      var o = el('option', null, String(v));
      o.value = String(k);
      select.appendChild(o);
    });
    select.addEventListener('change', function () {
      var k = Number(select.value);
      data.sweep.forEach(function (s, i) { if (s.param === param && s.held) drawSweep(i, k); });
      document.documentElement.setAttribute('data-charts', String(count));
    });
    wrap.appendChild(label);
    wrap.appendChild(select);
    holds.appendChild(wrap);
  });
  if (kinds.length) holds.hidden = false;
${SCRIPT_END}
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
dt { font-weight: 600; color: #444; }
/* anywhere, not break-all: a long path may break where it must, a word like coarse_grained stays whole when it fits. */
dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; background: #fff; font-size: 13px; }
th, td { padding: 5px 10px; border-bottom: 1px solid #e2e2e2; text-align: right; }
th:first-child, td.policy { text-align: left; font-family: ui-monospace, Menlo, Consolas, monospace; }
td.num { font-variant-numeric: tabular-nums; }
/* A text column reads from the left; a long one (a message) keeps a width a phone does not break a word a line. */
th.text, td.text { text-align: left; }
td.long { min-width: 18em; }
/* A table wider than the screen scrolls inside its box: the page itself never scrolls sideways. */
.scroll { overflow-x: auto; max-width: 100%; }
/* ... and fades at each side where more of it is (the page script sets the classes): a phone shows no scrollbar until touched. */
.scroll.more-right { -webkit-mask-image: linear-gradient(to left, transparent, #000 48px); mask-image: linear-gradient(to left, transparent, #000 48px); }
.scroll.more-left { -webkit-mask-image: linear-gradient(to right, transparent, #000 48px); mask-image: linear-gradient(to right, transparent, #000 48px); }
.scroll.more-left.more-right { -webkit-mask-image: linear-gradient(to right, transparent, #000 48px, #000 calc(100% - 48px), transparent); mask-image: linear-gradient(to right, transparent, #000 48px, #000 calc(100% - 48px), transparent); }
/* Cards 440 px or wider, but never wider than the page (a phone); min-width 0 lets a chart shrink with its card. */
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(440px, 100%), 1fr)); gap: 16px; }
.card { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px 14px; min-width: 0; }
/* A chart of many bars takes the grid's whole width. */
.card.wide { grid-column: 1 / -1; }
.chart { position: relative; height: 300px; }
details { margin-top: 12px; font-size: 14px; } summary { cursor: pointer; font-weight: 600; }
#interrupted { background: #fff3cd; border: 1px solid #e0b100; padding: 8px 12px; margin-top: 12px; border-radius: 4px; }
p.zero { color: #555; font-size: 14px; margin: 24px 8px; }
p.note { color: #444; font-size: 13px; margin: 0 0 10px; }
.card p.coincide { margin: 8px 0 0; }
#sweep-hold { margin: 0 0 12px; font-size: 14px; }
div.hold { display: inline-block; margin: 0 28px 6px 0; }
div.hold select { font: inherit; margin-left: 4px; }
footer { color: #666; font-size: 12px; margin-top: 30px; }
/* A phone (last, to override the rules above): narrower margins, each fact's value under its label (beside a long label it had a few letters a line). */
@media (max-width: 600px) {
  header { padding: 14px 12px; } main { padding: 8px 12px 30px; }
  /* A long title took 3 to 5 lines at 22 px on a 420 px screen. */
  header h1 { font-size: 17px; line-height: 1.3; }
  dl { grid-template-columns: minmax(0, 1fr); gap: 0; } dd { margin: 0 0 6px 12px; }
  th { min-width: 6em; }
}`;

/** One self-contained page: the head (title, style), the header, `main` (HTML lines), then the page data as JSON, Chart.js and `script`. */
function pageHtml(title: string, main: readonly string[], data: unknown, script: string): string {
  // Inside <script type="application/json"> only "</script" and "<!--" are dangerous; escaping every "<" covers both.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<header><h1 id="title">${escapeHtml(title)}</h1></header>`,
    '<main>',
    ...main,
    '<footer>Generated by fairfit. Charts drawn with Chart.js (MIT), inlined in this file.</footer>',
    '</main>',
    `<script type="application/json" id="fairfit-data">${json}</script>`,
    // chart.umd.js contains no "</script"; guard anyway so a future version cannot break the page.
    `<script>${chartJsSource().replace(/<\/script/gi, '<\\/script')}</script>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Renders a system's page data as one self-contained HTML page. */
export function renderPage(data: ComparisonPage, text: PageText): string {
  return pageHtml(data.title, [
    '<div id="interrupted" hidden>This run was interrupted (Ctrl-C): the charts show only the runs that finished.</div>',
    '<section><h2>Trace and modes</h2><dl id="facts"></dl></section>',
    `<section><h2>Metrics per ${escapeHtml(text.variant)}</h2><div class="scroll"><table id="summary"></table></div></section>`,
    '<section id="info-section"><details><summary>Run details: modes and counts per run</summary><div class="scroll"><table id="info"></table></div></details></section>',
    `<section><h2>Each metric per ${escapeHtml(text.variant)}</h2><div class="grid" id="bars"></div></section>`,
    '<section id="series-section"><h2>Over time</h2><div class="grid" id="series"></div></section>',
    '<section id="sweep-section"><h2>Sweep results</h2>',
    '<p class="note" id="sweep-note" hidden>Whiskers are ±1 sd. The y axis follows the means, so a longer whisker is cut at the edge of the plot: a cut end has an arrowhead pointing out of the plot instead of a cap.</p>',
    '<div id="sweep-hold" hidden><p class="note">Two parameters were swept: each chart below first shows the mean over the values of the parameter it is not drawn against. Choose one of its values to hold it there instead.</p></div>',
    '<div class="grid" id="sweep"></div></section>',
  ], data, pageScript(text));
}

// ------------------------------------------------------------------ pages of sections

/**
 * A report page that is not a comparison of variants (the Docklet manager's state): a title and
 * sections in order, each facts, a table or a grid of charts. Drawn by the same shell, style and
 * chart helpers as a {@link ComparisonPage} (number format, tooltips, phone layout, the scroll-fade
 * cue of wide tables).
 */
export interface SectionPage {
  title: string;
  /** When given, a banner at the top says it (the run was interrupted, and what the page then shows). */
  interrupted?: string;
  sections: PageSection[];
}

/** One section of a {@link SectionPage}: a heading, an optional note under it, and its content. */
export type PageSection =
  | { kind: 'facts'; heading: string; note?: string; facts: [string, string][] }
  | { kind: 'table'; heading: string; note?: string; table: PageTable }
  | { kind: 'charts'; heading: string; note?: string; charts: PageChart[] };

/**
 * A table: its columns, then rows of cells (a number is shown as the tables show numbers, 4 significant
 * digits; null as `—`). The first column names the row (left-aligned); a `text` column is left-aligned
 * too, and a `long` one (a message) also keeps a width of its own (the table then scrolls on a phone
 * rather than breaking the message a word a line). It scrolls in its own box when wider than the page.
 */
export interface PageTable {
  /** The `id` of the `<table>` (for tests and links). */
  id: string;
  columns: { label: string; /** What the column means (the header's tooltip). */ title?: string; text?: boolean; long?: boolean }[];
  rows: (number | string | null)[][];
  /** A colour per row (null: none), shown as a bar left of the row's name: the row's colour in the charts. */
  rowColors?: (string | null)[];
  /** A line under the table (the rows left out of a long one). */
  more?: string;
}

/** One chart of a {@link PageSection}: bars over named categories, or lines over a numeric x. */
export type PageChart = BarChart | LineChart;

/** What both kinds of chart have. */
interface ChartBase {
  /** The card's title. */
  title: string;
  xAxis: string;
  yAxis: string;
  /** A fixed y range (shares: [0, 1]); default from the data, bars from 0. */
  yRange?: [number, number];
  /** The card takes the whole width of the grid (a chart of many bars). */
  wide?: boolean;
  /** What the card says instead of a chart when every value is 0 or missing. */
  zeroNote?: string;
}

/** Bars, one group per label; with `stacked`, a label's datasets stacked in one bar (the tooltip lists each non-zero part). */
export interface BarChart extends ChartBase {
  kind: 'bars';
  labels: string[];
  datasets: { label: string; color: string; data: (number | null)[] }[];
  stacked?: boolean;
}

/** Lines over a numeric x ({@link ChartLine}s, coloured by `colors[line.policy]`); lines that coincide are named under the chart. */
export interface LineChart extends ChartBase {
  kind: 'lines';
  lines: ChartLine[];
  colors: Record<string, string>;
  /** The x values are counts: ticks at whole numbers only. */
  wholeX?: boolean;
}

/** The script of a {@link SectionPage}: builds the sections from the embedded data, draws the charts, sets `data-charts`. */
const sectionScript = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('fairfit-data').textContent);
${SCRIPT_HELPERS}
  if (data.interrupted) {
    var banner = document.getElementById('interrupted');
    banner.textContent = data.interrupted;
    banner.hidden = false;
  }
  function table(parent, t) {
    var box = el('div', 'scroll'), tb = el('table'), head = el('tr');
    tb.id = t.id;
    t.columns.forEach(function (c) { var th = el('th', c.text || c.long ? 'text' : null, c.label); if (c.title) th.title = c.title; head.appendChild(th); });
    tb.appendChild(head);
    t.rows.forEach(function (r, i) {
      var tr = el('tr');
      r.forEach(function (v, j) {
        var c = t.columns[j], td = el('td', j === 0 ? 'policy' : c.long ? 'text long' : c.text ? 'text' : 'num', typeof v === 'number' ? fmt(v) : v === null ? '—' : v);
        if (j === 0 && t.rowColors && t.rowColors[i]) td.style.borderLeft = '6px solid ' + t.rowColors[i];
        tr.appendChild(td);
      });
      tb.appendChild(tr);
    });
    box.appendChild(tb);
    parent.appendChild(box);
    if (t.more) parent.appendChild(el('p', 'note', t.more));
  }
  function yAxis(c, extra) {
    extra.ticks = { callback: tick };
    if (c.yRange) { extra.min = c.yRange[0]; extra.max = c.yRange[1]; }
    return axis(c.yAxis, extra);
  }
  function chart(grid, c) {
    var values = c.kind === 'bars' ? c.datasets : c.lines.map(function (l) { return { data: l.y }; });
    var zero = values.every(function (d) { return d.data.every(function (v) { return v === 0 || v === null; }); });
    if (zero) { var n = note(grid, c.title, c.zeroNote || (c.title + ': 0 throughout.')); if (c.wide) n.classList.add('wide'); return; }
    var canvas = card(grid, c.title);
    if (c.wide) canvas.closest('.card').classList.add('wide');
    if (c.kind === 'bars') {
      draw(canvas, {
        type: 'bar',
        data: { labels: c.labels, datasets: c.datasets.map(function (d) { return { label: d.label, data: d.data, backgroundColor: d.color, borderColor: d.color }; }) },
        options: { interaction: { mode: 'index', intersect: false },
          plugins: { legend: { display: c.datasets.length > 1, position: 'bottom', labels: { boxWidth: 12 } },
            tooltip: { filter: function (item) { return item.raw !== 0 && item.raw !== null; } } },
          scales: { x: axis(c.xAxis, { stacked: !!c.stacked, ticks: { maxRotation: 60 } }), y: yAxis(c, { stacked: !!c.stacked, beginAtZero: true }) } }
      });
      return;
    }
    coincideNote(canvas, c.lines);
    draw(canvas, {
      type: 'line',
      data: { datasets: c.lines.map(function (l) {
        return { label: l.policy, borderColor: c.colors[l.policy], backgroundColor: c.colors[l.policy],
          data: l.x.map(function (x, i) { return { x: x, y: l.y[i] }; }), pointRadius: l.y.filter(function (v) { return v !== null; }).length === 1 ? 3 : 0, borderWidth: 1.5, spanGaps: true };
      }) },
      options: { parsing: false, interaction: { mode: 'nearest', intersect: false },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        // The x axis ends at the data (Chart.js rounds it up to a tick: 11 commands drew to 12).
        scales: { x: axis(c.xAxis, c.wholeX ? { type: 'linear', bounds: 'data', ticks: { precision: 0 } } : { type: 'linear', bounds: 'data' }), y: yAxis(c, {}) } }
    });
  }
  var main = document.getElementById('sections');
  data.sections.forEach(function (s) {
    var sec = el('section');
    sec.appendChild(el('h2', null, s.heading));
    if (s.note) sec.appendChild(el('p', 'note', s.note));
    main.appendChild(sec);
    if (s.kind === 'facts') {
      var dl = el('dl');
      s.facts.forEach(function (f) { dl.appendChild(el('dt', null, f[0])); dl.appendChild(el('dd', null, f[1])); });
      sec.appendChild(dl);
    } else if (s.kind === 'table') table(sec, s.table);
    else {
      var grid = el('div', 'grid');
      sec.appendChild(grid);
      s.charts.forEach(function (c) { chart(grid, c); });
    }
  });
${SCRIPT_END}
})();
`;

/** Renders a {@link SectionPage} as one self-contained HTML page (as {@link renderPage}: Chart.js inlined, the data embedded as JSON). */
export function renderSectionPage(page: SectionPage): string {
  return pageHtml(page.title, ['<div id="interrupted" hidden></div>', '<div id="sections"></div>'], page, sectionScript);
}
