/**
 * New against old, alternated in one process: `npx tsx bench/compare.ts DIR`
 * where DIR is another checkout of fairfit with its build (`npm run build`
 * there), e.g. a `git worktree` of the commit before a change. Each case runs
 * the old and the new code in turn, ROUNDS times, and reports the median time
 * of each and their ratio, for wall time and for the process's CPU time —
 * this machine's speed moves by 25–50 % within minutes, so only ratios
 * measured side by side mean anything.
 *
 * Cases: the CSV scan (a plain task_usage-shaped file through
 * `readCsvBatches`), sorted first-fit (`placeBatch`), the resident priority
 * recompute, Gini, one GiantVM replay (every policy, in this thread) and a
 * small sweep on a pool of 2 workers, one replay with synthetic usage drawn on
 * demand, and, when `COMPARE_TRACE=<folder>` names a Google 2011 trace (e.g.
 * the 614k-task one of docs/results.md), one fine_grained replay of it with
 * the trace's machines and synthetic usage. Only APIs both versions have are used.
 * `CASES=csv,priority` runs the cases whose names start with those words;
 * `ROUNDS=n` sets the rounds (default 7).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { median } from './measure.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const dirOld = process.argv[2];
if (!dirOld) {
  process.stderr.write('usage: npx tsx bench/compare.ts OTHER_CHECKOUT_DIR\n');
  process.exit(2);
}

/** What each version offers, from its package root (and `fairfit/internals` when it has one). */
async function load(dir: string): Promise<Record<string, any>> {
  const root = await import(resolve(dir, 'src/index.ts'));
  const optional = async (...paths: string[]): Promise<Record<string, unknown>> => {
    for (const p of paths) {
      try {
        return await import(resolve(dir, p));
      } catch {
        // not in this version: try the next place
      }
    }
    return {};
  };
  // Older versions exported everything from the root and kept the Google schema in one file.
  const internals = await optional('src/internals.ts');
  const schema = await optional('src/io/google/schema.ts', 'src/io/google.ts');
  return { ...schema, ...internals, ...root };
}

const NEW = await load(resolve(new URL('..', import.meta.url).pathname));
const OLD = await load(dirOld);


interface Case {
  name: string;
  run: (api: Record<string, any>) => Promise<unknown> | unknown;
}

const work = mkdtempSync(join(tmpdir(), 'fairfit-compare-'));
const trace = join(work, 'trace');
await NEW.generateTrace({ machines: 300, tasks: 30_000, days: 0.5, seed: 3, out: trace });
// A plain-CSV copy of the generated task_usage: the scan without gunzip.
const usageCsv = join(work, 'task_usage.csv');
writeFileSync(usageCsv, gunzipSync(readFileSync(join(trace, 'task_usage', 'part-00000-of-00001.csv.gz'))));
const input = await NEW.readGoogleTrace(trace, { usage: true });
const bigTrace = process.env.COMPARE_TRACE;
const bigInput = bigTrace ? await NEW.readGoogleTrace(bigTrace, { usage: false }) : undefined;

const cases: Case[] = [
  {
    name: 'csv scan: task_usage rows through readCsvBatches (plain file)',
    run: async (api) => {
      let rows = 0;
      for await (const b of api.readCsvBatches(usageCsv, api.TASK_USAGE_REPLAY_SPEC, new api.Problems(false))) rows += b.rows;
      return rows;
    },
  },
  {
    name: 'first-fit: 10^4 nodes, 2·10^5 placements in batches of 1000, then released',
    run: (api) => {
      let seed = 7;
      const next = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
      using m = new api.FirstFitMatcher(Array.from({ length: 10_000 }, () => ({ capacity: [0.5 + next(), 0.5 + next()] })));
      let placed = 0;
      for (let b = 0; b < 200; b++) {
        const demands = [Float64Array.from({ length: 1000 }, () => next() * 0.02), Float64Array.from({ length: 1000 }, () => next() * 0.02)];
        const at = m.placeBatch({ demands });
        for (const x of at) if (x >= 0) placed++;
      }
      return placed;
    },
  },
  {
    name: 'priority: resident table of 10^6 tasks, 20 recomputes',
    run: (api) => {
      using t = new api.PriorityTable(1_000_000, 1000);
      for (let i = 0; i < 1_000_000; i++) { t.dataGB[i] = (i * 7919) % 300; t.user[i] = i % 1000; t.rounds[i] = i % 13; }
      let s = 0;
      for (let r = 0; r < 20; r++) s += t.recompute()[r]!;
      return s;
    },
  },
  {
    name: 'gini: 10^6 values, 10 calls',
    run: (api) => {
      const x = Float64Array.from({ length: 1_000_000 }, (_, i) => ((i * 2654435761) % 1000003) / 1000003);
      let s = 0;
      for (let r = 0; r < 10; r++) s += api.gini(x);
      return s;
    },
  },
  {
    name: 'replay: generated 30k-task trace, 300 machines, all 8 policies in this thread',
    run: (api) => {
      // Every policy's metrics (the output compared between the versions), not only a sum of one of them.
      return api.POLICIES.map((policy: string) => api.simulate(input, { machines: 300, policy, usage: 'trace' }).metrics);
    },
  },
  {
    name: 'replay synthetic: generated 30k-task trace, 300 machines, fine_grained, usage drawn on demand',
    run: (api) => api.simulate(input, { machines: 300, policy: 'fine_grained', usage: 'synthetic' }).metrics,
  },
  ...(bigInput ? [{
    name: `replay synthetic big: ${bigTrace}, machines of the trace, fine_grained, 1 thread`,
    run: async (api: Record<string, any>) => (await api.replay({ trace: bigInput, machines: 'trace', usage: 'synthetic', policies: ['fine_grained'], series: false })).runs[0].metrics,
  }] : []),
  {
    name: 'sweep: 3 machine counts × 2 overcommits × 8 policies, pool of 2 workers',
    run: async (api) => {
      const r = await api.sweep({ trace, machines: [250, 300, 350], overcommit: [0.8, 1.2], workers: 2, usage: 'synthetic', series: false });
      return r.runs.map((x: { metrics: unknown }) => x.metrics);
    },
  },
];

console.log(`node ${process.version} · new: this checkout · old: ${dirOld} · ${ROUNDS} rounds, alternated`);
const results: { case: string; 'same output': string; 'old ms': number; 'new ms': number; 'new/old': number; 'old cpu ms': number; 'new cpu ms': number; 'cpu new/old': number }[] = [];
for (const c of cases.filter((x) => !process.env.CASES || process.env.CASES.split(',').some((w) => x.name.startsWith(w)))) {
  // Wall time, and CPU time of the process (all threads): on a shared machine the CPU time moves
  // less with the load than the wall time does.
  const times = { old: [] as number[], new: [] as number[] };
  const cpu = { old: [] as number[], new: [] as number[] };
  // One warm-up of each, then alternate (old first in even rounds, new first in odd ones).
  const outOld = await c.run(OLD);
  const outNew = await c.run(NEW);
  // Both versions must do the same work: a case whose outputs differ is still timed (a change may move last digits
  // on purpose) but says so in its row and on stderr.
  const same = JSON.stringify(outOld) === JSON.stringify(outNew);
  if (!same) process.stderr.write(`${c.name}: OUTPUTS DIFFER: old ${JSON.stringify(outOld).slice(0, 300)}, new ${JSON.stringify(outNew).slice(0, 300)}\n`);
  for (let r = 0; r < ROUNDS; r++) {
    for (const which of r % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const)) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await c.run(which === 'old' ? OLD : NEW);
      times[which].push(performance.now() - t0);
      const dc = process.cpuUsage(c0);
      cpu[which].push((dc.user + dc.system) / 1000);
    }
  }
  const o = median(times.old), n = median(times.new), co = median(cpu.old), cn = median(cpu.new);
  results.push({ case: c.name, 'same output': same ? 'yes' : 'NO', 'old ms': +o.toFixed(1), 'new ms': +n.toFixed(1), 'new/old': +(n / o).toFixed(3), 'old cpu ms': +co.toFixed(1), 'new cpu ms': +cn.toFixed(1), 'cpu new/old': +(cn / co).toFixed(3) });
  console.log(`${c.name}: old ${o.toFixed(1)} ms, new ${n.toFixed(1)} ms, new/old ${(n / o).toFixed(3)}; CPU old ${co.toFixed(1)} ms, new ${cn.toFixed(1)} ms, new/old ${(cn / co).toFixed(3)}`);
}
console.table(results);
rmSync(work, { recursive: true, force: true });
