/** Shared by the Docklet tests: managers of both engines, and a manager's whole observable state. */
import { VirtualClusters, type VirtualClustersOptions } from '../../src/systems/docklet/virtual-clusters.ts';
import type { HostInput } from '../../src/systems/docklet/model.ts';

export const ENGINES = ['wasm', 'reference'] as const;

/** `n` hosts h0 … h(n−1) of the same capacity. */
export function sameHosts(n: number, cpu = 8, mem = 32): HostInput[] {
  return Array.from({ length: n }, (_, i) => ({ id: `h${i}`, cpu, mem }));
}

export function manager(engine: (typeof ENGINES)[number], hosts: HostInput[], options: Omit<VirtualClustersOptions, 'hosts' | 'engine'> = {}): VirtualClusters {
  return new VirtualClusters({ ...options, engine, hosts });
}

/** Everything a host application can read: hosts, every cluster's status, the quotas of `tenants` (as JSON text: bits of -0 aside, equal text = equal state). */
export function snapshot(vc: VirtualClusters, tenants: readonly string[] = []): string {
  return JSON.stringify({
    hosts: vc.hosts(),
    clusters: vc.list().map((c) => vc.status(c.name)),
    quotas: tenants.map((t) => vc.quota(t)),
  });
}

/** The member count per host id of one status. */
export function perHost(members: readonly { host: string | null }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of members) if (m.host !== null) out[m.host] = (out[m.host] ?? 0) + 1;
  return out;
}
