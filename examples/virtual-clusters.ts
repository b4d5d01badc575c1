// The README's virtual-cluster example: a host application embeds a manager, creates a tenant's
// cluster, scales it and drives it with JSON commands.
// Run: npx tsx examples/virtual-clusters.ts   (the test suite runs it: test/docklet/example.test.ts)
import { VirtualClusters } from '../src/index.ts';

export function main(log: (text: string) => void = (t) => process.stdout.write(t)) {
  using vc = new VirtualClusters({ hosts: [{ id: 'h1', cpu: 16, mem: 64 }, { id: 'h2', cpu: 16, mem: 64 }, { id: 'h3', cpu: 16, mem: 64 }] });
  vc.quota('acme', { cpu: 12 });                                            // over the tenant's placed members
  const web = vc.create({ name: 'web', tenant: 'acme', nodes: 4, demand: { cpu: 2, mem: 4 } }); // spread: h1 h2 h3 h1
  log(`web: ${web.members.map((m) => `${m.id}@${m.host}`).join(' ')}\n`);
  vc.scale('web', 5);                                                       // one more member, all-or-nothing
  const refused = vc.apply({ op: 'scale', name: 'web', nodes: 8 });         // 16 cpu > quota 12
  log(`${refused.ok ? 'scaled' : `${refused.error.code}: ${refused.error.message}`}\n`);
  vc.apply({ op: 'stop', name: 'web' });                                    // resources released, definition kept
  const started = vc.apply({ op: 'start', name: 'web' });
  log(`${JSON.stringify(started.ok && started.result.members.map((m) => m.host))}\n`);
  return { web, refused, started };
}

if (import.meta.url === `file://${process.argv[1]}`) main();
