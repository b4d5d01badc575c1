/** Shared timing helper for the suites: tinybench, one task at a time, mean latency in ms. */
import { Bench } from 'tinybench';

/** Mean ms of one call of `fn`, over at least `time` ms or `iterations` calls (after tinybench's warm-up). */
export async function meanMs(fn: () => unknown, opts: { time?: number; iterations?: number } = {}): Promise<number> {
  const bench = new Bench({ time: opts.time ?? 400, iterations: opts.iterations ?? 5 });
  bench.add('case', fn);
  await bench.run();
  const r = bench.tasks[0]!.result;
  if (r.state !== 'completed') throw new Error(`benchmark case did not complete: ${r.state === 'errored' ? r.error.message : r.state}`);
  return r.latency.mean;
}
