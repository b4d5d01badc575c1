// GiantVM's live rebalancer (algorithm 3-1 of seed 004, its rebalance.sh) as an agent for the guest:
// every period it reads each NUMA node's steal time from /proc/stat, asks fairfit's pure decision
// function what to do, prints the decision as one JSON line, and — only with --apply — pins every
// process (taskset -a -p -c), IRQ (/proc/irq/*/smp_affinity_list) and workqueue to the chosen node.
//
// Run: npx tsx examples/giantvm-rebalance.ts [--interval 2] [--threshold 50] [--count N]
//        [--nodes "0-3;4-7"] [--apply]
// Nodes come from /sys/devices/system/node/node*/cpulist unless --nodes gives them.
// The test suite runs it for two short periods without --apply (test/giantvm/live-rebalancer.test.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { liveRebalancerState, liveRebalanceStep, parseCpuList, parseProcStatSteal, stealPerNode } from '../src/index.ts';

/** The CPUs of each NUMA node: from --nodes, else sysfs, else every CPU as node 0. */
function numaNodes(spec: string | undefined): number[][] {
  if (spec) return spec.split(';').map(parseCpuList);
  const dir = '/sys/devices/system/node';
  const nodes = existsSync(dir) ? readdirSync(dir).filter((n) => /^node\d+$/.test(n)).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))) : [];
  if (nodes.length) return nodes.map((n) => parseCpuList(readFileSync(`${dir}/${n}/cpulist`, 'utf8')));
  return [parseProcStatSteal(readFileSync('/proc/stat', 'utf8')).map((_, i) => i)];
}

/** SET_AFFINITY_ALL: every task, IRQ and workqueue onto `cpus`; returns how many writes failed. */
function setAffinityAll(cpus: number[]): number {
  const list = cpus.join(',');
  let failed = 0;
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    if (spawnSync('taskset', ['-a', '-p', '-c', list, pid], { stdio: 'ignore' }).status !== 0) failed++;
  }
  const irqs = existsSync('/proc/irq') ? readdirSync('/proc/irq').filter((n) => /^\d+$/.test(n)) : [];
  for (const irq of irqs) {
    try { writeFileSync(`/proc/irq/${irq}/smp_affinity_list`, list); } catch { failed++; }
  }
  const mask = cpus.reduce((m, c) => m | (1n << BigInt(c)), 0n).toString(16);
  try { writeFileSync('/sys/devices/virtual/workqueue/cpumask', mask); } catch { failed++; }
  return failed;
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function main(args: string[] = process.argv.slice(2), log: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const nodes = numaNodes(arg(args, '--nodes'));
  const apply = args.includes('--apply');
  const count = Number(arg(args, '--count') ?? Infinity);
  let state = liveRebalancerState({ intervalSeconds: Number(arg(args, '--interval') ?? 2), threshold: Number(arg(args, '--threshold') ?? 50) });
  log(JSON.stringify({ nodes: nodes.map((c) => c.join(',')), apply, threshold: state.threshold, intervalSeconds: state.intervalSeconds }));
  if (apply) log(JSON.stringify({ kind: 'pin', node: state.node, failed: setAffinityAll(nodes[state.node]!) }));
  let periods = 0;
  // The first reading is the baseline; then one decision per period.
  for (let k = 0; k <= count; k++) {
    if (k > 0) await new Promise((r) => setTimeout(r, state.intervalSeconds * 1000));
    const step = liveRebalanceStep(state, stealPerNode(parseProcStatSteal(readFileSync('/proc/stat', 'utf8')), nodes));
    state = step.state;
    if (k > 0) periods++;
    const d = step.decision;
    log(JSON.stringify({ time: new Date().toISOString(), ...d }));
    if (d.kind === 'move' && apply) log(JSON.stringify({ kind: 'pin', node: d.to, failed: setAffinityAll(nodes[d.to]!) }));
  }
  return periods;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
