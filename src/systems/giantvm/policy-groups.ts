/**
 * Policy groups: consecutive configurations that differ only in their policy
 * (a sweep's innermost loop, a replay of all eight policies). A group is
 * prepared once, and under synthetic usage its policies run in lockstep
 * (`simulateCellsInLockstep`: each window period drawn once for all of them).
 *
 * @module
 */
import type { CellRange } from './prepare.ts';
import type { ResolvedParams } from './replay-params.ts';

/**
 * Index ranges of consecutive configurations that differ only in their
 * policy (a sweep's innermost loop): one pool task each, so a worker prepares
 * the trace once for the whole group.
 */
export function policyGroups(configs: ResolvedParams[]): CellRange[] {
  const out: CellRange[] = [];
  let key: string | undefined;
  for (const [i, params] of configs.entries()) {
    const { policy: _policy, ...rest } = params;
    const k = JSON.stringify(rest);
    const last = out.at(-1);
    if (last && k === key) last.count++;
    else out.push({ first: i, count: 1 });
    key = k;
  }
  return out;
}

/**
 * The configurations that run together in one thread: policy groups under synthetic usage (in
 * lockstep, sharing the draws), single configurations otherwise (nothing to share; each finishes,
 * and counts on an abort, on its own).
 */
export function lockstepGroups(configs: ResolvedParams[]): CellRange[] {
  return policyGroups(configs).flatMap((g) => configs[g.first]!.usage === 'synthetic' ? [g] : Array.from({ length: g.count }, (_, i) => ({ first: g.first + i, count: 1 })));
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Pool tasks for `groups` on `workers` workers when there are too few groups to give each worker
 * whole ones: each group cut into k consecutive chunks of near-equal size, k the least for which
 * every worker gets as many chunks (k·groups a multiple of `workers`), at most one configuration a
 * chunk. Under synthetic usage a chunk's policies run in lockstep and share its draws, so fewer,
 * bigger chunks draw less: all eight policies on 2 workers are 2 chunks of 4, not 8 tasks of 1.
 */
export function lockstepChunks(groups: CellRange[], workers: number): CellRange[] {
  const k = workers / gcd(groups.length, workers);
  const out: CellRange[] = [];
  for (const { first, count } of groups) {
    const n = Math.min(k, count);
    for (let i = 0; i < n; i++) {
      const a = first + Math.floor((i * count) / n), b = first + Math.floor(((i + 1) * count) / n);
      out.push({ first: a, count: b - a });
    }
  }
  return out;
}
