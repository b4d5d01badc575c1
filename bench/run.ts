/**
 * The one benchmark runner: `npm run bench [-- suite ...]`. Every suite
 * measures WebAssembly against its reference (or new against old) in this one
 * process, so the ratios are fair on a noisy machine; the table goes to stdout
 * and everything to bench/results.json (merged by suite name).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import { OPT_IN, SUITES } from './suites.ts';
import { casePeak, hasPeak, startCase } from './rss.ts';

export interface BenchRow {
  /** What was measured, e.g. "gini n=1e6". */
  name: string;
  /** Implementation, e.g. "wasm" or "reference". */
  impl: string;
  /**
   * Time of one run in ms. Despite the name, not always a mean: each suite says which statistic
   * (mean, median, best of rounds, a single run) of which clock (wall or process CPU) in its header
   * and, where it is not a mean, in the row's name or `extra`.
   */
  meanMs: number;
  /** Items per second, when the case has an item count. */
  perSecond?: number;
  /** Anything else worth keeping (peak memory, ratios…). */
  extra?: Record<string, number | string>;
}

const wanted = process.argv.slice(2);
const file = new URL('./results.json', import.meta.url);
const results: Record<string, unknown> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
const machine = { node: process.version, cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, date: new Date().toISOString() };
console.log(`node ${machine.node} · ${machine.cpu} · ${machine.cores} cores`);

for (const [name, suite] of Object.entries(SUITES)) {
  if (wanted.length ? !wanted.includes(name) : OPT_IN.has(name)) continue;
  console.log(`\n## ${name}`);
  startCase();
  const rows: BenchRow[] = await suite();
  // Rows whose suite measures no peak of its own get the suite's (each suite's cases say theirs).
  const suitePeak = Object.fromEntries(Object.entries(casePeak()).map(([k, v]) => [`${k} (whole suite)`, v]));
  for (const r of rows) if (!hasPeak(r.extra)) r.extra = { ...r.extra, ...suitePeak };
  console.table(rows.map((r) => ({ case: r.name, impl: r.impl, 'ms (see suite)': +r.meanMs.toFixed(3), 'per s': r.perSecond ? Math.round(r.perSecond) : '', ...r.extra })));
  results[name] = { machine, rows };
}
writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote ${file.pathname}`);
