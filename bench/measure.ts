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
export async function timeMs(fn: () => unknown, opts: { time?: number; iterations?: number; warmup?: boolean } = {}): Promise<{ mean: number; p50: number; min: number }> {
  const bench = new Bench({ time: opts.time ?? 400, iterations: opts.iterations ?? 5, warmup: opts.warmup ?? true, warmupIterations: 5, warmupTime: 200 });
  bench.add('case', fn);
  await bench.run();
  const r = bench.tasks[0]!.result;
  if (r.state !== 'completed') throw new Error(`benchmark case did not complete: ${r.state === 'errored' ? r.error.message : r.state}`);
  return { mean: r.latency.mean, p50: r.latency.p50, min: r.latency.min };
}

/**
 * Several functions timed in alternation: `rounds` rounds (400 ms each by default, split over the
 * rounds), the order reversed every other round, each function warmed up in the first round only.
 * Returns each function's times (mean of the rounds' means, median of their medians, fastest
 * call) and, for each function against the first, the median over rounds of that round's ratio of
 * medians (`ratios[i]` = fns[i] / fns[0], so > 1 when the first is faster): a drift in the
 * machine's speed hits both sides of a ratio alike, which timing one function after the other
 * (400 ms each) did not ensure.
 */
export async function alternated(fns: (() => unknown)[], opts: { rounds?: number; time?: number } = {}): Promise<{ times: { mean: number; p50: number; min: number }[]; ratios: number[] }> {
  const rounds = opts.rounds ?? 4;
  const per = fns.map(() => [] as { mean: number; p50: number; min: number }[]);
  for (let r = 0; r < rounds; r++) {
    const order = fns.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) per[i]!.push(await timeMs(fns[i]!, { time: (opts.time ?? 400) / rounds, warmup: r === 0 }));
  }
  const times = per.map((ts) => ({ mean: ts.reduce((a, t) => a + t.mean, 0) / ts.length, p50: median(ts.map((t) => t.p50)), min: Math.min(...ts.map((t) => t.min)) }));
  const ratios = per.map((ts) => median(ts.map((t, r) => t.p50 / per[0]![r]!.p50)));
  return { times, ratios };
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
