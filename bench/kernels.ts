/**
 * Kernel suite: every WebAssembly kernel against its plain-TypeScript
 * reference at 10^3, 10^5 and 10^6 elements, and sorted first-fit with 10k
 * nodes × 2 dimensions at ~90 % fill (tree vs linear scan). Each kernel and its
 * reference are timed in alternating rounds (measure.ts, `alternated`), so the
 * ratio of a case is taken over the same stretch of the machine's load.
 */
import type { BenchRow } from './run.ts';
import { alternated, meanMs, type timeMs } from './measure.ts';
import { casePeak } from './rss.ts';
import { GiniTracker, gini } from '../src/kernels/gini.ts';
import { giniReference } from '../src/reference/gini.ts';
import { capacityWeights } from '../src/kernels/capacity.ts';
import { capacityWeightsReference } from '../src/reference/capacity.ts';
import { PriorityTable, recomputePriorities } from '../src/kernels/priority.ts';
import { recomputePrioritiesReference } from '../src/reference/priority.ts';
import { FirstFitMatcher } from '../src/kernels/firstfit.ts';
import { LinearFirstFit } from '../src/reference/firstfit.ts';
import { Rng } from '../src/rng.ts';
import { Core } from '../src/wasm/module.ts';

const SIZES = [1e3, 1e5, 1e6];

type Times = Awaited<ReturnType<typeof timeMs>>;

/**
 * Rows for one case; rates from the medians (the typical warm call on a noisy machine), the ratio
 * `refOverWasm` the median of alternated rounds' ratios (measure.ts, `alternated`).
 */
function pair(rows: BenchRow[], name: string, n: number, wasm: Times, ref: Times, refOverWasm: number, impl = 'wasm', withRef = true): void {
  // One peak for the case (both implementations ran in it).
  const peak = casePeak();
  rows.push({ name, impl, meanMs: wasm.mean, perSecond: (n * 1000) / wasm.p50, extra: { 'p50 ms': +wasm.p50.toFixed(3), 'min ms': +wasm.min.toFixed(3), 'ref/wasm (p50, alternated)': +refOverWasm.toFixed(2), ...peak } });
  if (withRef) rows.push({ name, impl: 'reference', meanMs: ref.mean, perSecond: (n * 1000) / ref.p50, extra: { 'p50 ms': +ref.p50.toFixed(3), 'min ms': +ref.min.toFixed(3), ...peak } });
}

/** `wasm` and `ref` timed in alternation; the rows of the case. */
async function pairOf(rows: BenchRow[], name: string, n: number, wasm: () => unknown, ref: () => unknown): Promise<void> {
  const { times: [w, r], ratios: [, rw] } = await alternated([wasm, ref]);
  pair(rows, name, n, w!, r!, rw!);
}

export async function kernelSuite(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const r = new Rng(42);
  for (const n of SIZES) {
    const x = Float64Array.from({ length: n }, () => r.next() * 10);
    await pairOf(rows, `gini n=${n}`, n, () => gini(x), () => giniReference(x));
  }
  rows.push(await giniTrackerCase(12_500, 30));
  for (const n of SIZES) {
    const cols = { speed: Float64Array.from({ length: n }, () => 1 + r.next()), vcpus: Float64Array.from({ length: n }, () => 1 + r.below(64)), mem: Float64Array.from({ length: n }, () => r.next() * 256) };
    await pairOf(rows, `capacityWeights n=${n}`, n, () => capacityWeights(cols), () => capacityWeightsReference(cols));
  }
  for (const n of SIZES) {
    const users = 1000;
    const c = { dataGB: Float64Array.from({ length: n }, () => r.next() * 200), user: Int32Array.from({ length: n }, () => r.below(users)), rounds: Int32Array.from({ length: n }, () => r.below(20)), running: Int32Array.from({ length: users }, () => r.below(8)) };
    const t = new PriorityTable(n, users);
    t.dataGB.set(c.dataGB); t.user.set(c.user); t.rounds.set(c.rounds); t.running.set(c.running);
    // The reference, the copying kernel and the resident table, in alternation.
    const { times: [ref, wasm, resident], ratios: [, wasmOverRef, residentOverRef] } = await alternated([() => recomputePrioritiesReference(c), () => recomputePriorities(c), () => t.recompute()]);
    pair(rows, `recomputePriorities n=${n}`, n, wasm!, ref!, 1 / wasmOverRef!);
    pair(rows, `recomputePriorities n=${n}`, n, resident!, ref!, 1 / residentOverRef!, 'wasm resident (PriorityTable)', false);
    t.close();
  }
  for (const placements of SIZES) rows.push(...(await firstFitCase(10_000, placements, Math.min(placements, 20_000))));
  rows.push(...(await v8MathPairs(1e6)));
  return rows;
}

/**
 * A Docklet replay's sample: the Gini of n hosts' shares of which `changed` changed since the last
 * sample (values in [0, 1] in steps of 1/64, so many are equal), the tracker (kept sorted between
 * calls) against `gini` (every value sorted again), in alternation; each call first changes its own
 * copy of the values the same way.
 */
async function giniTrackerCase(n: number, changed: number): Promise<BenchRow> {
  const r = new Rng(5);
  const start = Float64Array.from({ length: n }, () => r.below(65) / 64);
  const arms = [0, 1].map((k) => ({ x: start.slice(), r: new Rng(9), k }));
  const step = (a: (typeof arms)[number]): void => {
    for (let j = 0; j < changed; j++) a.x[a.r.below(n)] = a.r.below(65) / 64;
  };
  using tracker = new GiniTracker();
  const { times: [t, g], ratios: [, gOverT] } = await alternated([
    () => { step(arms[0]!); return tracker.gini(arms[0]!.x); },
    () => { step(arms[1]!); return gini(arms[1]!.x); },
  ]);
  return { name: `Gini of ${n} values, ${changed} changed since the last call`, impl: 'GiniTracker (kept sorted)', meanMs: t!.mean, perSecond: 1000 / t!.p50, extra: { 'p50 ms': +t!.p50.toFixed(4), 'gini p50 ms': +g!.p50.toFixed(4), 'gini/tracker (p50, alternated)': +gOverT!.toFixed(2), ...casePeak() } };
}

/**
 * The synthetic usage's exp, log and sine–cosine (V8's algorithms ported to WebAssembly), two at
 * a time (SIMD: v8Exp2, v8Log2, v8SinCos2, as the draws call them) against one at a time, on n
 * arguments of the draws' ranges: exp over [−5, 5], log over the units (0, 1), angles over [0, 2π).
 */
async function v8MathPairs(n: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const r = new Rng(7);
  const cases = [[0, 'exp', () => r.next() * 10 - 5], [1, 'log', () => (r.below(2 ** 32) + 0.5) / 2 ** 32], [5, 'sin and cos (one reduction)', () => 2 * Math.PI * r.next()]] as const;
  for (const [fn, name, arg] of cases) {
    const xs = Float64Array.from({ length: n }, arg);
    const core = new Core();
    const x = core.alloc(n * 8), out = core.alloc(n * 8);
    core.f64(x, n).set(xs);
    const { times: [pairs, one], ratios: [, oneOverTwo] } = await alternated([() => core.exports.v8MathFill2(fn, x, n, out), () => core.exports.v8MathFill(fn, x, n, out)]);
    const peak = casePeak();
    rows.push({ name: `V8 ${name} in WebAssembly, n=${n}`, impl: 'two at a time (SIMD)', meanMs: pairs!.mean, perSecond: (n * 1000) / pairs!.p50, extra: { 'p50 ms': +pairs!.p50.toFixed(3), 'one/two (p50, alternated)': +oneOverTwo!.toFixed(2), ...peak } });
    rows.push({ name: `V8 ${name} in WebAssembly, n=${n}`, impl: 'one at a time', meanMs: one!.mean, perSecond: (n * 1000) / one!.p50, extra: { 'p50 ms': +one!.p50.toFixed(3), ...peak } });
  }
  return rows;
}

/**
 * Placements per second at ~90 % fill, the steady state of first-fit: the 90 %
 * weakest of n nodes (capacity (1, 1)) are full, the strongest 10 % empty. Then
 * batches of 1000 tasks (δ uniform in [0, 0.02]², 10 % large) are placed and
 * released again, so every query meets the same fill. The linear reference is
 * O(n) per query, so it runs at most `refPlacements`; rates are compared.
 */
async function firstFitCase(n: number, placements: number, refPlacements: number): Promise<BenchRow[]> {
  const nodes = Array.from({ length: n }, (_, i) => ({ capacity: [1, 1], vcpus: 1 + (i % 4), mem: 1 + (i % 3) }));
  const r = new Rng(placements);
  const batch = Math.min(1000, placements);
  const demands = [Float64Array.from({ length: batch }, () => r.next() * 0.02), Float64Array.from({ length: batch }, () => r.next() * 0.02)];
  const sizes = Uint8Array.from({ length: batch }, (_, j) => (j % 10 === 0 ? 1 : 0));
  const full = Math.round(n * 0.9);
  const fill = { demands: [new Float64Array(full).fill(1), new Float64Array(full).fill(1)], sizes: new Uint8Array(full) };
  const run = (m: FirstFitMatcher | LinearFirstFit, total: number) => {
    let placed = 0;
    for (let done = 0; done < total; done += batch) {
      const at = m.placeBatch({ demands, sizes });
      const ok = [...at.keys()].filter((j) => at[j]! >= 0);
      placed += ok.length;
      m.releaseBatch(ok.map((j) => at[j]!), demands.map((c) => ok.map((j) => c[j]!)));
    }
    return placed;
  };
  const wasm = new FirstFitMatcher(nodes);
  wasm.placeBatch(fill);
  const ref = new LinearFirstFit(nodes);
  ref.placeBatch(fill);
  const used = 1 - wasm.residuals().reduce((a, b) => a + b, 0) / (2 * n);
  const wasmMs = await meanMs(() => run(wasm, placements), { iterations: 3, time: 100 });
  const refMs = await meanMs(() => run(ref, refPlacements), { iterations: 2, time: 100 });
  wasm.close();
  const wRate = (placements * 1000) / wasmMs, rRate = (refPlacements * 1000) / refMs;
  const peak = casePeak();
  const name = `firstFit ${n} nodes × 2, ${placements} placements, fill ${(used * 100).toFixed(0)} %`;
  return [
    { name, impl: 'wasm (tree)', meanMs: wasmMs, perSecond: wRate, extra: { 'ref/wasm': +(wRate / rRate).toFixed(1), ...peak } },
    { name, impl: 'reference (linear)', meanMs: refMs, perSecond: rRate, extra: { placements: refPlacements, ...peak } },
  ];
}
