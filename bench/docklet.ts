/**
 * Docklet virtual clusters (src/systems/docklet/): the WebAssembly placer against its
 * plain-TypeScript twin, through the same `VirtualClusters` API, timed in alternation in this
 * one process (`alternated`: median of the rounds' medians, ms per call, wall clock).
 * - place: a 1,000-member cluster created (spread, then pack) and deleted on 10^4 hosts that
 *   already carry a background of 5,000 members of other clusters; the same for a 1-member cluster;
 * - a 20,000-member cluster (spread) created and deleted on the same hosts;
 * - a dry run of a 1,000-member create, against the copy from a snapshot it used to be and the command itself;
 * - churn: 300 seeded create / scale / delete commands (clusters of 1–64 members) on the same hosts,
 *   ending with every cluster it made deleted, so each call starts from the same state.
 */
import { Rng } from '../src/rng.ts';
import { VirtualClusters } from '../src/systems/docklet/virtual-clusters.ts';
import type { DockletCommand } from '../src/systems/docklet/command-schema.ts';
import type { BenchRow } from './run.ts';
import { alternated } from './measure.ts';

const HOSTS = 10_000;

function seeded(engine: 'wasm' | 'reference'): VirtualClusters {
  const vc = new VirtualClusters({ engine, hosts: Array.from({ length: HOSTS }, (_, i) => ({ id: `h${i}`, cpu: 32 + 32 * (i % 3), mem: 128 + 128 * (i % 4) })) });
  for (let k = 0; k < 10; k++) vc.create({ name: `bg${k}`, tenant: 'bg', nodes: 500, demand: { cpu: 1 + (k % 4), mem: 2 + 2 * (k % 5) }, placement: k % 2 ? 'pack' : 'spread' });
  return vc;
}

function churn(seed: number): DockletCommand[] {
  const rng = new Rng(seed);
  const live: string[] = [];
  const out: DockletCommand[] = [];
  let next = 0;
  for (let i = 0; i < 300; i++) {
    const u = rng.next();
    if (live.length === 0 || u < 0.4) {
      const name = `c${next++}`;
      live.push(name);
      out.push({ op: 'create', name, tenant: `t${next % 7}`, nodes: 1 + Math.floor(rng.next() * 64), demand: { cpu: 0.5 + Math.floor(rng.next() * 8) / 2, mem: 1 + Math.floor(rng.next() * 16) }, placement: rng.next() < 0.3 ? 'pack' : 'spread' });
    } else if (u < 0.8) {
      out.push({ op: 'scale', name: live[Math.floor(rng.next() * live.length)]!, nodes: Math.floor(rng.next() * 96) });
    } else {
      out.push({ op: 'delete', name: live.splice(Math.floor(rng.next() * live.length), 1)[0]! });
    }
  }
  for (const name of live) out.push({ op: 'delete', name });
  return out;
}

export async function dockletSuite(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const wasm = seeded('wasm');
  const ref = seeded('reference');
  const same = (): string => (JSON.stringify(wasm.hosts()) === JSON.stringify(ref.hosts()) ? 'yes' : 'NO');
  for (const placement of ['spread', 'pack'] as const) {
    const spec = { name: 'big', tenant: 'acme', nodes: 1000, demand: { cpu: 2, mem: 8 }, placement };
    const run = (vc: VirtualClusters) => () => { vc.create(spec); vc.delete('big'); };
    const { times, ratios } = await alternated([run(wasm), run(ref)], { rounds: 4, time: 4000 });
    const name = `place 1,000 members (${placement}) + delete, 10^4 hosts`;
    rows.push({ name, impl: 'wasm', meanMs: times[0]!.p50, perSecond: 1000 / (times[0]!.p50 / 1000), extra: { 'x reference': +ratios[1]!.toFixed(2), 'same hosts': same() } });
    rows.push({ name, impl: 'reference', meanMs: times[1]!.p50, perSecond: 1000 / (times[1]!.p50 / 1000) });
  }
  {
    // The gangs of a trace replay and of a drain's moves: a few members each. Since 7 Dec (forty-eighth
    // session) the placer keeps only the gang's first hosts in its one pass, where it made a heap of them all.
    for (const placement of ['spread', 'pack'] as const) {
      const spec = { name: 'one', tenant: 'acme', nodes: 1, demand: { cpu: 1, mem: 3 }, placement };
      const run = (vc: VirtualClusters) => () => { vc.create(spec); vc.delete('one'); };
      const { times, ratios } = await alternated([run(wasm), run(ref)], { rounds: 4, time: 2000 });
      const name = `place a 1-member gang (${placement}) + delete, 10^4 hosts`;
      rows.push({ name, impl: 'wasm', meanMs: times[0]!.p50, perSecond: 1000 / times[0]!.p50, extra: { 'x reference': +ratios[1]!.toFixed(2), 'same hosts': same() } });
      rows.push({ name, impl: 'reference', meanMs: times[1]!.p50, perSecond: 1000 / times[1]!.p50 });
    }
  }
  {
    // A gang far larger than the hosts: the heap's O(hosts + members · log hosts) against the reference's scan of every host per member.
    const spec = { name: 'huge', tenant: 'acme', nodes: 20_000, demand: { cpu: 1, mem: 2 }, placement: 'spread' as const };
    const run = (vc: VirtualClusters) => () => { vc.create(spec); vc.delete('huge'); };
    const { times, ratios } = await alternated([run(wasm), run(ref)], { rounds: 2, time: 4000 });
    const name = 'place 20,000 members (spread) + delete, 10^4 hosts';
    rows.push({ name, impl: 'wasm', meanMs: times[0]!.p50, perSecond: 1000 / (times[0]!.p50 / 1000), extra: { 'x reference': +ratios[1]!.toFixed(2), 'same hosts': same() } });
    rows.push({ name, impl: 'reference', meanMs: times[1]!.p50, perSecond: 1000 / (times[1]!.p50 / 1000) });
  }
  {
    // A dry run rolls the manager back after the command; until 7 Dec it ran the command on a copy
    // restored from a snapshot (`copied`, kept here as the old way, for the ratio).
    const command = { op: 'create', name: 'probe', tenant: 'acme', nodes: 1000, demand: { cpu: 2, mem: 8 } } as const;
    const dry = () => { if (!wasm.apply({ ...command, dryRun: true }).ok) throw new Error('dry run refused'); };
    const copied = () => {
      const copy = VirtualClusters.restore(wasm.snapshot());
      try { if (!copy.apply(command).ok) throw new Error('refused'); } finally { copy.close(); }
    };
    const real = () => { wasm.apply(command); wasm.delete('probe'); };
    const { times, ratios } = await alternated([dry, copied, real], { rounds: 4, time: 4000 });
    const name = 'dry run of a 1,000-member create, 10^4 hosts (5,000 members)';
    rows.push({ name, impl: 'wasm (roll back)', meanMs: times[0]!.p50, perSecond: 1000 / times[0]!.p50, extra: { 'x copy from snapshot (before 7 Dec)': +ratios[1]!.toFixed(2), 'x the command + delete': +ratios[2]!.toFixed(2) } });
    rows.push({ name, impl: 'wasm (copy from snapshot)', meanMs: times[1]!.p50, perSecond: 1000 / times[1]!.p50 });
    rows.push({ name, impl: 'wasm (the command + delete)', meanMs: times[2]!.p50, perSecond: 1000 / times[2]!.p50 });
  }
  const commands = churn(7);
  let refused = 0;
  const run = (vc: VirtualClusters, count: boolean) => () => { for (const c of commands) if (!vc.apply(c).ok && count) refused++; };
  run(wasm, true)();
  const { times, ratios } = await alternated([run(wasm, false), run(ref, false)], { rounds: 4, time: 4000 });
  const name = `churn: ${commands.length} create/scale/delete, 10^4 hosts`;
  rows.push({ name, impl: 'wasm', meanMs: times[0]!.p50, perSecond: commands.length / (times[0]!.p50 / 1000), extra: { 'x reference': +ratios[1]!.toFixed(2), refused, 'same hosts': same() } });
  rows.push({ name, impl: 'reference', meanMs: times[1]!.p50, perSecond: commands.length / (times[1]!.p50 / 1000) });
  wasm.close();
  ref.close();
  return rows;
}
