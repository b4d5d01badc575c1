/**
 * Sweep suite: the same 12-configuration sweep (3 machine counts × 2
 * overcommit ratios × 2 policies) with 1 worker (this thread) and then with a
 * 2-thread piscina pool, in this one process, warm. The ratio is the issue's
 * item-10 figure (target ≥ 1.7×); the JSON of both runs is compared too.
 *
 * Trace: the shared real Google 2011 extract when `../shared` exists (first
 * task_events part), else a seeded trace made by `generateTrace`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './run.ts';
import { readGoogleTrace } from '../src/io/google.ts';
import type { ReplayInput } from '../src/model/tasks.ts';
import { toJson } from '../src/report/json.ts';
import { sweep, type SweepOptions } from '../src/sim/sweep.ts';

const SHARED = new URL('../../shared/traces/google2011', import.meta.url).pathname;

async function benchInput(): Promise<{ input: ReplayInput; label: string }> {
  if (existsSync(SHARED)) {
    return { input: await readGoogleTrace(SHARED, { usage: false, machineEvents: false }), label: 'google2011 part 0' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'fairfit-bench-'));
  try {
    // Loaded only here: the generator is needed only on a machine without ../shared.
    const { generateTrace } = await import('../src/io/generate.ts');
    await generateTrace({ machines: 400, tasks: 20_000, days: 0.25, seed: 7, out: dir });
    return { input: await readGoogleTrace(dir, { usage: false, machineEvents: false }), label: 'generated 20k tasks' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timed(fn: () => Promise<unknown>): Promise<{ ms: number; value: unknown }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export async function sweepSuite(): Promise<BenchRow[]> {
  const { input, label } = await benchInput();
  const base: SweepOptions = { trace: input, machines: [700, 800, 900], overcommit: [0.8, 1.1], policies: ['no_migration', 'fine_grained'], usage: 'request' };
  const configs = 12;
  // Warm-up: compile paths, JIT, page in the trace.
  await sweep({ ...base, machines: [700], overcommit: [1], policies: ['fine_grained'], workers: 1 });
  const one = await timed(() => sweep({ ...base, workers: 1 }));
  const two = await timed(() => sweep({ ...base, workers: 2 }));
  const identical = toJson(one.value) === toJson(two.value);
  const ratio = one.ms / two.ms;
  const name = `sweep ${configs} configs, ${label}`;
  return [
    { name, impl: '1 worker (this thread)', meanMs: one.ms, perSecond: (configs * 1000) / one.ms },
    { name, impl: '2 workers (piscina)', meanMs: two.ms, perSecond: (configs * 1000) / two.ms, extra: { speedup: +ratio.toFixed(2), identicalJson: String(identical) } },
  ];
}
