/**
 * The CRS vs SS vs FF comparison of docs/results.md ("CRS rebalancing"):
 * the example scenario (examples/crs-campus.json), the paper preset over 20
 * seeds at three class times, and the Alibaba-derived day (when ../shared is
 * present). Prints Markdown tables. Run: `npx tsx scripts/crs-results.ts`.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { alibabaScenario } from '../src/systems/crs/alibaba-scenario.ts';
import type { RebalanceAlgorithm } from '../src/systems/crs/model.ts';
import { planRebalance } from '../src/systems/crs/plan.ts';
import { generateScenario } from '../src/systems/crs/scenario.ts';
import { readScenario } from '../src/systems/crs/scenario-schema.ts';
import { runScenario } from '../src/systems/crs/scenario-run.ts';

const ALGS: RebalanceAlgorithm[] = ['crs', 'ss', 'ff'];
const pct = (x: number) => (100 * x).toFixed(1);
const out = (s: string) => process.stdout.write(s + '\n');

const example = readScenario(fileURLToPath(new URL('../examples/crs-campus.json', import.meta.url)));
out('### examples/crs-campus.json (paper preset, seed 1, week 1 Monday section 1)\n');
out('| algorithm | moves | waves | powered off | high before → after | CPU gap before → after (points) | memory gap before → after (points) |');
out('|---|---|---|---|---|---|---|');
for (const a of ALGS) {
  const p = planRebalance(example, { algorithm: a });
  const high = (l: typeof p.before) => l.filter((u) => u.class === 'high').length;
  out(`| ${a} | ${p.moves} | ${p.waves.length} | ${p.powerOff.length} | ${high(p.before)} → ${high(p.after)} | ${pct(p.spread.before.cpu)} → ${pct(p.spread.after.cpu)} | ${pct(p.spread.before.mem)} → ${pct(p.spread.after.mem)} |`);
}

const times = [{ week: 1, day: 1, section: 1, what: 'Java + Linux in class (36 VMs)' }, { week: 1, day: 2, section: 4, what: 'C++ in class (16 VMs)' }, { week: 2, day: 1, section: 2, what: 'Networks in class (10 VMs)' }];
out('\n### Paper preset, seeds 1–20 (mean over seeds; max over seeds in brackets)\n');
out('| class time | algorithm | moves | powered off | hosts still high | CPU gap after (points) | memory gap after (points) |');
out('|---|---|---|---|---|---|---|');
for (const t of times) {
  const before = { cpu: 0, mem: 0, high: 0 };
  for (const a of ALGS) {
    let moves = 0, off = 0, high = 0, cpu = 0, mem = 0, cpuMax = 0, memMax = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const s = generateScenario({ preset: 'paper', seed, now: { week: t.week, day: t.day, section: t.section } });
      const p = planRebalance(s, { algorithm: a });
      moves += p.moves; off += p.powerOff.length; high += p.after.filter((u) => u.class === 'high').length;
      cpu += p.spread.after.cpu; mem += p.spread.after.mem;
      cpuMax = Math.max(cpuMax, p.spread.after.cpu); memMax = Math.max(memMax, p.spread.after.mem);
      if (a === 'crs') { before.cpu += p.spread.before.cpu / 20; before.mem += p.spread.before.mem / 20; before.high += p.before.filter((u) => u.class === 'high').length / 20; }
    }
    if (a === 'crs') out(`| ${t.what} | before | — | — | ${before.high.toFixed(2)} | ${pct(before.cpu)} | ${pct(before.mem)} |`);
    out(`| | ${a} | ${(moves / 20).toFixed(2)} | ${(off / 20).toFixed(2)} | ${(high / 20).toFixed(2)} | ${pct(cpu / 20)} [${pct(cpuMax)}] | ${pct(mem / 20)} [${pct(memMax)}] |`);
  }
}

const dir = fileURLToPath(new URL('../../shared/traces/alibaba2018', import.meta.url));
if (existsSync(dir)) {
  const s = await alibabaScenario(dir, { day: 2, periodMinutes: 30 });
  out(`\n### Alibaba-derived day (${s.description})\n`);
  out('| algorithm | migrations over the day | mean hosts on | mean high hosts before each plan | mean CPU gap after (points) | mean memory gap after (points) |');
  out('|---|---|---|---|---|---|');
  for (const r of runScenario(s)) {
    const n = r.periods.length;
    const m = (f: (p: (typeof r.periods)[number]) => number) => r.periods.reduce((acc, p) => acc + f(p), 0) / n;
    out(`| ${r.algorithm} | ${r.totalMoves} | ${m((p) => p.hostsOn - p.poweredOff).toFixed(1)} | ${m((p) => p.highBefore).toFixed(2)} | ${pct(m((p) => p.spreadAfter.cpu))} | ${pct(m((p) => p.spreadAfter.mem))} |`);
  }
} else {
  out('\n(Alibaba-derived day skipped: ../shared/traces/alibaba2018 is absent)');
}
