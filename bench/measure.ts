/** Shared timing helper for the suites: tinybench, one task at a time, mean latency in ms. */
import { Bench } from 'tinybench';

/**
 * Mean ms of one warm call of `fn`, over at least `time` ms or `iterations` calls, after a warm-up
 * of at least 5 calls (WebAssembly starts in V8's baseline tier and first calls fault in fresh pages).
 */
export async function meanMs(fn: () => unknown, opts: { time?: number; iterations?: number } = {}): Promise<number> {
  return (await timeMs(fn, opts)).mean;
}

/** Mean, median and fastest warm call of `fn`, ms: on a shared, noisy machine the median is the typical call. */
export async function timeMs(fn: () => unknown, opts: { time?: number; iterations?: number } = {}): Promise<{ mean: number; p50: number; min: number }> {
  const bench = new Bench({ time: opts.time ?? 400, iterations: opts.iterations ?? 5, warmup: true, warmupIterations: 5, warmupTime: 200 });
  bench.add('case', fn);
  await bench.run();
  const r = bench.tasks[0]!.result;
  if (r.state !== 'completed') throw new Error(`benchmark case did not complete: ${r.state === 'errored' ? r.error.message : r.state}`);
  return { mean: r.latency.mean, p50: r.latency.p50, min: r.latency.min };
}

/**
 * The median of `xs`: the middle value, or the mean of the two middle values when there is an even
 * number of them (the upper of the two, which the suites took before, is biased upwards: with 4
 * samples it is the third fastest).
 */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of no samples');
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}
