// The README's rebalancing example: a host application hands fairfit its hosts, course VMs and their
// recent use, and gets back waves of migrations it can run one after the other.
// Run: npx tsx examples/rebalance.ts   (the test suite runs it: test/crs/example.test.ts)
import { DecisionPeriod, planRebalance, placeCourseVms, type RebalanceInput } from '../src/index.ts';

export function main(log: (text: string) => void = (t) => process.stdout.write(t)) {
  const java = { name: 'Java', firstWeek: 1, lastWeek: 16, lessons: [{ section: 1, day: 1 }] };
  const input: RebalanceInput = {
    hosts: [{ name: 'node1', cpu: 8, mem: 16 }, { name: 'node2', cpu: 8, mem: 16 }, { name: 'node3', cpu: 8, mem: 16 }],
    courses: [java],
    vms: [
      ...[1, 2, 3, 4, 5, 6, 7].map((i) => ({ name: `java-${i}`, host: 'node1', cpu: 1, mem: 2, course: 'Java', use: { cpu: 0.9, mem: [1.5, 1.7] } })),
      { name: 'lab-db', host: 'node2', cpu: 2, mem: 4, use: { cpu: 1.2, mem: 3 } },
    ],
  };
  const plan = planRebalance(input, { algorithm: 'crs' });      // also 'ss', 'ff'; thresholds, any/all, bounds…
  for (const [i, wave] of plan.waves.entries()) log(`wave ${i + 1}: ${wave.map((m) => `${m.vm} ${m.from}→${m.to} (${m.phase})`).join(', ')}\n`);
  log(`power off: ${plan.powerOff.join(', ') || 'none'}; CPU gap ${plan.spread.before.cpu.toFixed(2)} → ${plan.spread.after.cpu.toFixed(2)}\n`);
  const period = new DecisionPeriod();                            // T = λ·Δt, Δt from reported migration times
  period.reportMigration(7.5);
  // A new course VM, placed by timetable on the hosts left on after the plan, beside the VMs where the plan put them.
  const where = new Map(plan.waves.flat().map((m) => [m.vm, m.to]));
  const on = input.hosts.filter((h) => !plan.powerOff.includes(h.name));
  const existing = input.vms.filter((v) => v.course).map((v) => ({ name: v.name, cpu: v.cpu, mem: v.mem, course: v.course!, host: where.get(v.name) ?? v.host }));
  const placed = placeCourseVms(on, [java], [{ name: 'java-8', cpu: 1, mem: 2, course: 'Java' }], { existing });
  log(`next decision in ${period.period} s; java-8 → ${placed[0]!.kind === 'placed' ? placed[0]!.host : 'nowhere'}\n`);
  return { plan, placed, period: period.period };
}

if (import.meta.url === `file://${process.argv[1]}`) main();
