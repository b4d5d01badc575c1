/**
 * The one benchmark runner: `npm run bench [-- suite ...]`. Every suite
 * measures WebAssembly against its reference (or new against old) in this one
 * process, so the ratios are fair on a noisy machine; the table goes to stdout
 * and everything to bench/results.json (merged by suite name).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { OPT_IN, SUITES } from './suites.ts';
import { casePeak, hasPeak, startCase } from './rss.ts';
import { buildState } from '../scripts/build-state.mjs';
import { ChildTimeoutError, GIT_TIMEOUT_MS, runChild } from '../scripts/run-child.mjs';

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
const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * What was measured: the commit (and whether the tree had changes), and whether build/ and dist/
 * are a build of its sources. `npm run bench` builds first; `npx tsx bench/run.ts` does not, and then the suites run
 * the WebAssembly of build/ (every suite) and dist/cli/main.js (the giantvm-* suites' child
 * processes) as they were last built, which may not be the code of this tree.
 */
function buildInfo(): { commit: string; stale: string[] } {
  let commit = 'unknown';
  // Each git command may take GIT_TIMEOUT_MS (30 s): one that hangs (a lock, a prompt, a slow network
  // filesystem) is killed and named in a warning, and the results say the commit is unknown.
  const git = (...args: string[]): string | undefined => {
    const r = runChild('git', args, { cwd: root, encoding: 'utf8', timeout: GIT_TIMEOUT_MS });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  try {
    const head = git('rev-parse', '--short', 'HEAD');
    const status = head === undefined ? undefined : git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'assembly');
    // undefined: not a git checkout (or no git)
    if (head !== undefined && status !== undefined) commit = status !== '' ? `${head} + uncommitted changes in src/ or assembly/` : head;
  } catch (err) {
    if (!(err instanceof ChildTimeoutError)) throw err;
    console.warn(`warning: the commit is recorded as unknown: ${err.message}`);
  }
  // The build's own record (scripts/build-state.mjs): build/ and dist/ made from these very sources.
  const stale = buildState().current ? [] : ['build/ and dist/ are not a recorded build of these sources (the giantvm-* suites run dist/cli/main.js)'];
  return { commit, stale };
}

const build = buildInfo();
const machine = { node: process.version, cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, date: new Date().toISOString(), commit: build.commit, ...(build.stale.length ? { stale: build.stale } : {}) };
console.log(`node ${machine.node} · ${machine.cpu} · ${machine.cores} cores · ${machine.commit}`);
for (const s of build.stale) console.warn(`warning: ${s}: run \`npm run build\` (or \`npm run bench\`), or these figures may be of an older build`);

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
