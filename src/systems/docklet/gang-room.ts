/**
 * How many identical members the hosts have room for, and what runs out on each host: the
 * explanation a `NO_FIT` refusal gives (docs/model.md "Docklet virtual clusters", "Why a gang
 * does not fit").
 *
 * Members of one gang are identical and hosts do not share resources, so host h takes exactly
 * `k(h)` more of them, the members added one by one (the placers' own float sums) until the next
 * would not fit, whatever the order the placer visits the hosts in. A greedy placer that stops only
 * when no host fits has therefore placed Σ k(h), the most any arrangement can: for one gang the
 * greedy placement is exact, not an approximation.
 *
 * @module
 */
import type { HostColumns, Resources } from './model.ts';

/** What the hosts can still take of one gang's members. */
export interface GangRoom {
  /** Members the hosts take in all (Σ k(h)), at most the `limit` asked. */
  room: number;
  /** Hosts where cpu stops the next member and mem would not. */
  cpuShort: number;
  /** Hosts where mem stops the next member and cpu would not. */
  memShort: number;
  /** Hosts where both stop it. */
  bothShort: number;
}

/**
 * Members of demand (cpu, mem) one host of capacity (capCpu, capMem) takes on top of its use
 * (useCpu, useMem), added one by one with the placers' own sums (`use + δ ≤ C`), at most `limit`.
 * The placers' fit rule, said here once for every count of room.
 */
export function hostTakes(capCpu: number, capMem: number, useCpu: number, useMem: number, cpu: number, mem: number, limit: number): number {
  let k = 0, uc = useCpu, um = useMem;
  while (k < limit && uc + cpu <= capCpu && um + mem <= capMem) {
    uc += cpu;
    um += mem;
    k++;
  }
  return k;
}

/**
 * {@link hostTakes}'s count and the use after those members (`[k, useCpu, useMem]`, the same sums),
 * from which the caller tells what stops the next.
 */
export function hostRoom(capCpu: number, capMem: number, useCpu: number, useMem: number, cpu: number, mem: number, limit: number): [k: number, useCpu: number, useMem: number] {
  const k = hostTakes(capCpu, capMem, useCpu, useMem, cpu, mem, limit);
  let uc = useCpu, um = useMem;
  for (let i = 0; i < k; i++) {
    uc += cpu;
    um += mem;
  }
  return [k, uc, um];
}

/**
 * The room of `hosts` for members of `demand`, counting at most `limit` members (the search stops
 * there: a gang of that many fits). Hosts in `skip` are left out (a drain's hosts).
 */
export function gangRoom(hosts: HostColumns, demand: Resources, limit: number, skip?: ReadonlySet<number>): GangRoom {
  const { capCpu, capMem, useCpu, useMem } = hosts;
  const out: GangRoom = { room: 0, cpuShort: 0, memShort: 0, bothShort: 0 };
  for (let h = 0; h < capCpu.length; h++) {
    if (skip?.has(h) === true) continue;
    const [k, uc, um] = hostRoom(capCpu[h]!, capMem[h]!, useCpu[h]!, useMem[h]!, demand.cpu, demand.mem, limit - out.room);
    out.room += k;
    if (out.room >= limit) return out;
    const cpu = !(uc + demand.cpu <= capCpu[h]!);
    const mem = !(um + demand.mem <= capMem[h]!);
    if (cpu && mem) out.bothShort++;
    else if (cpu) out.cpuShort++;
    else out.memShort++;
  }
  return out;
}

/** `gangRoom`'s counts as words: "cpu runs out first on 3 hosts, mem on 1, both at once on 2". */
export function shortWords(r: GangRoom): string {
  const parts: string[] = [];
  const hosts = (n: number): string => `${n} host${n === 1 ? '' : 's'}`;
  if (r.cpuShort > 0) parts.push(`cpu on ${hosts(r.cpuShort)}`);
  if (r.memShort > 0) parts.push(`mem on ${hosts(r.memShort)}`);
  if (r.bothShort > 0) parts.push(`both on ${hosts(r.bothShort)}`);
  return parts.length === 0 ? 'no host to place on' : `what runs out: ${parts.join(', ')}`;
}
