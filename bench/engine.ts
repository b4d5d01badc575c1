/**
 * The embeddable IPTAS engine: one round with 10^6 waiting tasks on 10^4
 * nodes (the filling round and the steady rounds after it), the same round
 * shape against the plain-TypeScript reference engine at a size it can do
 * (ratio), snapshot + restore of 10^6 tasks, and the NASA iPSC SWF log
 * through `scheduleJobs` with the WebAssembly engine against the reference
 * (when ../shared is present): interleaved in this process, and each engine
 * in a process of its own (engine-nasa.ts), `purge` of 10^6 ended tasks among
 * 10^5 live ones, and `fairfit schedule`'s three algorithms on the first 10,000
 * Google tasks (when ../shared is present).
 */
import { existsSync } from 'node:fs';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { Engine } from '../src/engine/engine.ts';
import { readSwf } from '../src/io/swf.ts';
import { Rng } from '../src/rng.ts';
import type { IptasEngine } from '../src/systems/iptas/engine-api.ts';
import { ReferenceEngine } from '../src/systems/iptas/reference-engine.ts';
import { jobsFromSwf } from '../src/systems/iptas/schedule-trace.ts';
import type { BenchRow } from './run.ts';
import { casePeak } from './rss.ts';
import { alternated, median } from './measure.ts';
import { NASA, nasaRun, nasaTurns } from './engine-nasa.ts';
import { scheduleLog } from '../src/systems/iptas/schedule-log.ts';

const GOOGLE = new URL('../../shared/traces/google2011', import.meta.url).pathname;

/** Fills an engine with `nodes` nodes and `tasks` waiting tasks (seeded, the same for both engines). */
function fill(e: IptasEngine & { addNodes?: Engine['addNodes'] }, nodes: number, tasks: number): void {
  const r = new Rng(1);
  const specs = Array.from({ length: nodes }, () => ({ capacity: [4 + r.below(60), 16 + r.below(240)], speed: 1 + r.next() }));
  if (e.addNodes) e.addNodes(specs);
  else for (const s of specs) e.addNode(s);
  for (let i = 0; i < tasks; i++) e.submit({ id: `t${i}`, user: `u${r.below(1000)}`, demand: [0.5 + r.below(8), 1 + r.below(32)], dataGB: r.below(300), requestTime: 60 + r.below(3600) });
}

/** The handles of an engine's running tasks, from its state (submission order). */
function runningHandles(e: Engine): Int32Array {
  return Int32Array.from(e.state().tasks.filter((t) => t.state === 'running'), (t) => e.handleOf(t.id));
}

/** ms of the first round (it fills the empty cluster) and the median of the next `steady` rounds. */
function rounds(e: IptasEngine, steady: number): { first: number; steady: number; placed: number; waiting: number } {
  let t = performance.now();
  const r0 = e.runRound(0);
  const first = performance.now() - t;
  const times: number[] = [];
  for (let k = 1; k <= steady; k++) {
    t = performance.now();
    e.runRound(k);
    times.push(performance.now() - t);
  }
  return { first, steady: median(times), placed: r0.placements.length, waiting: r0.waiting.length };
}

/**
 * `purge` of 10^6 ended tasks among 10^5 live ones (1.1 × 10^6 rows, the live ones scattered: 5 × 10^4
 * running and 5 × 10^4 waiting again after a failure), on 10^3 nodes: the one call's time, the rows
 * and memory before and after. Exported for a run of its own (`npx tsx -e` on it; the whole engine
 * suite takes minutes).
 */
export function purgeCase(): BenchRow {
  const live = 100_000, ended = 1_000_000, n = live + ended;
  const e = new Engine({ ringCapacity: 2048 }, { taskCapacity: 1 << 21, nodeCapacity: 1024 });
  // Each node holds 1,100 tasks (first fit fills them one after the other): one round places every task.
  e.addNodes(Array.from({ length: 1000 }, () => ({ capacity: [1100, 1100] })));
  const r = new Rng(3);
  const batch = 10_000;
  for (let at = 0; at < n; at += batch) {
    e.submitMany(Array.from({ length: batch }, (_, k) => ({ id: `t${at + k}`, user: `u${r.below(1000)}`, demand: [1, 1], dataGB: r.below(300), requestTime: 60 + r.below(3600) })));
  }
  e.runRoundHandles(0);
  e.drainDispatchMany(Array.from({ length: 1000 }, (_, i) => i));
  // Which tasks stay live: 10^5 handles drawn at random (a partial shuffle), half of them retried (waiting again).
  const order = Int32Array.from({ length: n }, (_, k) => k);
  for (let k = 0; k < live; k++) {
    const j = k + r.below(n - k);
    const x = order[k]!;
    order[k] = order[j]!;
    order[j] = x;
  }
  const keep = new Uint8Array(n);
  for (let k = 0; k < live; k++) keep[order[k]!] = 1;
  const done = new Int32Array(ended);
  let m = 0;
  for (let h = 0; h < n; h++) if (!keep[h]) done[m++] = h;
  e.completeMany(done, { status: 'ok', actualTime: 30 });
  e.completeMany(order.subarray(0, live / 2).slice().sort(), { status: 'failed', actualTime: 1 });
  const memory = e.memoryUsed, before = e.counts();
  const c = process.cpuUsage();
  const t = performance.now();
  const forgot = e.purge();
  const ms = performance.now() - t;
  const u = process.cpuUsage(c);
  const rows = e.state().tasks.length;
  const row: BenchRow = {
    name: 'purge: 10^6 ended tasks among 10^5 live (scattered), 10^3 nodes', impl: 'wasm Engine', meanMs: ms,
    extra: {
      'cpu ms': Math.round((u.user + u.system) / 1000), forgotten: forgot, 'rows after': rows, 'waiting, running': `${before.waiting}, ${before.running}`,
      'memoryUsed MiB (unchanged)': `${(memory / 2 ** 20).toFixed(0)} → ${(e.memoryUsed / 2 ** 20).toFixed(0)}`, runs: 1, ...casePeak(),
    },
  };
  e.close();
  return row;
}

export async function engineSuite(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // The NASA log through the trace driver, IPTAS with each engine (first: the big cases below leave a large heap behind).
  if (existsSync(NASA)) {
    const jobs = jobsFromSwf(await readSwf(NASA));
    // A warm-up of each, then the two interleaved (this machine's load drifts): medians of 7.
    // The warm-ups' schedules compared byte for byte: both engines must do the same work.
    const json: string[] = [];
    const first = nasaRun(jobs, 'wasm', (s) => json.push(JSON.stringify(s)))[0];
    nasaRun(jobs, 'reference', (s) => json.push(JSON.stringify(s)));
    const same = json[0] === json[1] ? 'yes' : 'NO';
    const w: [number, number][] = [];
    const r: [number, number][] = [];
    for (let k = 0; k < 7; k++) {
      w.push(nasaRun(jobs, 'wasm'));
      r.push(nasaRun(jobs, 'reference'));
    }
    const nasaPeak = casePeak();
    const wall = (xs: [number, number][]): number => median(xs.map((x) => x[0]));
    const cpu = (xs: [number, number][]): number => median(xs.map((x) => x[1]));
    rows.push({
      name: `NASA iPSC SWF log (${jobs.length} jobs), iptas, 128 nodes`, impl: 'wasm Engine', meanMs: wall(w),
      extra: { 'x reference': +(wall(r) / wall(w)).toFixed(1), 'cpu ms': +cpu(w).toFixed(0), 'x reference (cpu)': +(cpu(r) / cpu(w)).toFixed(1), 'first run ms': +first.toFixed(0), 'same schedule JSON': same, ...nasaPeak },
    });
    rows.push({ name: `NASA iPSC SWF log (${jobs.length} jobs), iptas, 128 nodes`, impl: 'ReferenceEngine', meanMs: wall(r), extra: { 'cpu ms': +cpu(r).toFixed(0), ...nasaPeak } });
    // The same, each engine in a warm process of its own (engine-nasa.ts says why), the two taking turns: 5 runs
    // of the WebAssembly engine, then 1 of the reference, 12 times; the ratio of each pair, then their median.
    const turns = await nasaTurns(12, 5);
    const tw = turns.wasm.wall.map((x, k) => [x, turns.wasm.cpu[k]!] as [number, number]);
    const tr = turns.reference.wall.map((x, k) => [x, turns.reference.cpu[k]!] as [number, number]);
    const alone = `NASA iPSC SWF log (${jobs.length} jobs), iptas, 128 nodes, each engine in its own process`;
    rows.push({
      name: alone, impl: 'wasm Engine', meanMs: wall(tw),
      extra: {
        'x reference': +median(turns.ratios).toFixed(1), 'pair ratios (min–max)': `${Math.min(...turns.ratios).toFixed(1)}–${Math.max(...turns.ratios).toFixed(1)}`,
        'pairs ≥ 20×': `${turns.ratios.filter((x) => x >= 20).length} of ${turns.ratios.length}`, 'x reference (medians)': +(wall(tr) / wall(tw)).toFixed(1),
        'cpu ms': +cpu(tw).toFixed(0), 'x reference (cpu)': +(cpu(tr) / cpu(tw)).toFixed(1), runs: tw.length, 'warm-up runs': turns.warmup.wasm, 'peak RSS MiB': turns.peakMB.wasm,
      },
    });
    rows.push({ name: alone, impl: 'ReferenceEngine', meanMs: wall(tr), extra: { 'cpu ms': +cpu(tr).toFixed(0), runs: tr.length, 'warm-up runs': turns.warmup.reference, 'peak RSS MiB': turns.peakMB.reference } });
  } else {
    console.log('engine suite: NASA log case skipped (../shared/traces not present)');
  }
  // 10^6 waiting tasks on 10^4 nodes, WebAssembly only (the reference would take hours).
  {
    // A host that reserves 10^6 rows for its round latency: the pages touched up front.
    const e = new Engine({}, { taskCapacity: 1 << 20, nodeCapacity: 1 << 14, prefault: true });
    fill(e, 10_000, 1_000_000);
    const r = rounds(e, 5);
    const roundPeak = casePeak();
    rows.push({ name: 'round: 10^6 waiting tasks, 10^4 nodes — filling round', impl: 'wasm Engine', meanMs: r.first, extra: { placed: r.placed, ...roundPeak } });
    rows.push({ name: 'round: 10^6 waiting tasks, 10^4 nodes — steady round (median of 5)', impl: 'wasm Engine', meanMs: r.steady, extra: { waiting: r.waiting, ...roundPeak } });
    // Pages touched for the first time, counted by the kernel (minor page faults, 4 KiB each): an RSS
    // difference undercounts them when a collection gives pages back in between.
    const faultMiB = (): number => (process.resourceUsage().minorPageFault * 4096) / 2 ** 20;
    const cpuMs = (since: NodeJS.CpuUsage): number => { const u = process.cpuUsage(since); return (u.user + u.system) / 1000; };
    // The collector's pauses inside each window (entries arrive after the fact: read after a turn of the loop).
    const pauses: PerformanceEntry[] = [];
    const gcSeen = new PerformanceObserver((list) => pauses.push(...list.getEntries()));
    gcSeen.observe({ entryTypes: ['gc'] });
    let m = faultMiB();
    let c = process.cpuUsage();
    let t = performance.now();
    const snapAt = t;
    const bytes = e.snapshot();
    const snap = performance.now() - t;
    const snapCpu = cpuMs(c);
    const snapMB = faultMiB() - m;
    m = faultMiB();
    c = process.cpuUsage();
    t = performance.now();
    const restoreAt = t;
    let back = Engine.restore(bytes);
    const restore = performance.now() - t;
    await new Promise((resolve) => setTimeout(resolve, 20));
    gcSeen.disconnect();
    const gcIn = (from: number, ms: number): number => pauses.filter((p) => p.startTime >= from && p.startTime < from + ms).reduce((a, p) => a + p.duration, 0);
    const gcMs = `${gcIn(snapAt, snap).toFixed(0)}, ${gcIn(restoreAt, restore).toFixed(0)}`;
    const restoreCpu = cpuMs(c);
    const restoreMB = faultMiB() - m;
    // The id map a restored engine makes when first asked for a task by id.
    t = performance.now();
    back.taskView('t0');
    const firstById = performance.now() - t;
    // The same restore again into the memory the first one gave back (Core.reuse): no fresh pages (median of 3).
    const reusedRuns: [number, number][] = [];
    for (let k = 0; k < 3; k++) {
      back.close();
      c = process.cpuUsage();
      t = performance.now();
      back = Engine.restore(bytes);
      reusedRuns.push([performance.now() - t, cpuMs(c)]);
    }
    const reused = median(reusedRuns.map((x) => x[0]));
    const reusedCpu = median(reusedRuns.map((x) => x[1]));
    // A host that snapshots periodically: the next snapshots, each a new array (median of 4), alternated with
    // snapshots into bytes it lends (Engine.snapshot(into): pages touched once, by the first).
    const again: number[] = [];
    const intoLent: number[] = [];
    const lent = new Uint8Array(bytes.length + (1 << 20));
    e.snapshot(lent);
    for (let k = 0; k < 4; k++) {
      t = performance.now();
      e.snapshot();
      again.push(performance.now() - t);
      t = performance.now();
      e.snapshot(lent);
      intoLent.push(performance.now() - t);
    }
    const steady = median(again);
    const steadyLent = median(intoLent);
    // What this machine charges for memory touched the first time.
    t = performance.now();
    new Uint8Array(1e8).fill(1);
    const touch = performance.now() - t;
    // What the first touches of the snapshot's and the restore's pages cost by themselves at that rate.
    const touchMs = (mib: number): number => (mib * 2 ** 20 * touch) / 1e8;
    rows.push({
      name: 'snapshot + restore: 10^6 tasks, 10^4 nodes', impl: 'wasm Engine', meanMs: snap + restore,
      extra: {
        'snapshot ms': +snap.toFixed(0), 'restore ms': +restore.toFixed(0), 'restore into reused memory ms': +reused.toFixed(0), 'snapshot + restore into reused memory ms': +(snap + reused).toFixed(0),
        'next snapshots ms (median of 4)': +steady.toFixed(0), 'next snapshot + restore into reused memory ms': +(steady + reused).toFixed(0),
        'next snapshots into lent bytes ms (median of 4)': +steadyLent.toFixed(0), 'next snapshot into lent bytes + restore into reused memory ms': +(steadyLent + reused).toFixed(0),
        'cpu ms (snapshot, restore, restore into reused memory)': `${snapCpu.toFixed(0)}, ${restoreCpu.toFixed(0)}, ${reusedCpu.toFixed(0)}`,
        MB: +(bytes.length / 1e6).toFixed(1), 'fresh MiB touched (snapshot, restore)': `${snapMB.toFixed(0)}, ${restoreMB.toFixed(0)}`,
        'ms of those first touches at this machine\'s rate (snapshot, restore)': `${touchMs(snapMB).toFixed(0)}, ${touchMs(restoreMB).toFixed(0)}`,
        'first call by id after restore, ms': +firstById.toFixed(0), 'first touch of 100 MB, ms': +touch.toFixed(0),
        'garbage collection pauses inside, ms (snapshot, restore)': gcMs,
        ...casePeak(),
      },
    });
    back.close();
    e.close();
  }
  // Forgetting the ended tasks of a long-running host.
  rows.push(purgeCase());
  // The same shape at 10^5 tasks on 10^3 nodes, against the reference.
  {
    const wasm = new Engine({}, { taskCapacity: 1 << 17, prefault: true });
    const ref = new ReferenceEngine();
    fill(wasm, 1000, 100_000);
    fill(ref, 1000, 100_000);
    const a = rounds(wasm, 3);
    const b = rounds(ref, 3);
    const peak = casePeak();
    // One filling round of each engine, the WebAssembly one first (not alternated): the ratio is of two single runs.
    rows.push({ name: 'round: 10^5 waiting tasks, 10^3 nodes — filling round', impl: 'wasm Engine', meanMs: a.first, extra: { 'x reference': +(b.first / a.first).toFixed(1), runs: '1 each, in turn', ...peak } });
    rows.push({ name: 'round: 10^5 waiting tasks, 10^3 nodes — filling round', impl: 'ReferenceEngine', meanMs: b.first, extra: { ...peak } });
    rows.push({ name: 'round: 10^5 waiting tasks, 10^3 nodes — steady round', impl: 'wasm Engine', meanMs: a.steady, extra: { 'x reference': +(b.steady / a.steady).toFixed(1), runs: 'median of 3 each, in turn', ...peak } });
    rows.push({ name: 'round: 10^5 waiting tasks, 10^3 nodes — steady round', impl: 'ReferenceEngine', meanMs: b.steady, extra: { ...peak } });
    // A usage report of every running task (within its demand, before any T0 ≥ 60 s: nothing is killed,
    // so each call sees the same state), as the host builds and hands it: a Map of one array per
    // task (checkLimitsHandles) against columns it refills in place (checkLimitsColumns).
    const handles = runningHandles(wasm), at = wasm.now;
    const D = 2, usage = new Float64Array(handles.length * D), demand = new Float64Array(handles.length * D);
    handles.forEach((h, k) => {
      const v = wasm.taskView(wasm.idOf(h)).demand;
      for (let d = 0; d < D; d++) demand[k * D + d] = v[d]!;
    });
    let tick = 0;
    const viaMap = (): unknown => {
      tick++;
      const m = new Map<number, number[]>();
      for (let k = 0; k < handles.length; k++) m.set(handles[k]!, [demand[k * D]! / (1 + (tick & 3)), demand[k * D + 1]! / 2]);
      return wasm.checkLimitsHandles(at, m);
    };
    const viaColumns = (): unknown => {
      tick++;
      for (let k = 0; k < handles.length; k++) {
        usage[k * D] = demand[k * D]! / (1 + (tick & 3));
        usage[k * D + 1] = demand[k * D + 1]! / 2;
      }
      return wasm.checkLimitsColumns(at, handles, usage);
    };
    const { times, ratios } = await alternated([viaColumns, viaMap], { rounds: 6, time: 3000 });
    const usagePeak = casePeak();
    const usageName = `usage report of ${handles.length} running tasks (10^3 nodes), building it included`;
    rows.push({ name: usageName, impl: 'checkLimitsColumns', meanMs: times[0]!.p50, extra: { 'x Map (median of per-round ratios)': +ratios[1]!.toFixed(2), runs: '6 alternated rounds, medians', ...usagePeak } });
    rows.push({ name: usageName, impl: 'checkLimitsHandles (Map)', meanMs: times[1]!.p50, extra: { ...usagePeak } });
    wasm.close();
  }
  // The three algorithms of `fairfit schedule` on the first 10,000 Google tasks, 100 nodes × (1, 1)
  // (the comparison of docs/results.md): the command's whole cost, the read included, one run each.
  // Last: the memory it frees would serve the snapshot above, which is measured into fresh memory.
  if (existsSync(GOOGLE)) {
    for (const algorithm of ['iptas', 'fcfs', 'easy'] as const) {
      const c = process.cpuUsage();
      const t = performance.now();
      const rep = await scheduleLog({ trace: GOOGLE, nodes: 100, nodeCapacity: [1, 1], algorithms: [algorithm], maxJobs: 10_000 });
      const ms = performance.now() - t;
      const u = process.cpuUsage(c);
      rows.push({
        name: 'schedule: first 10,000 Google tasks, 100 nodes × (1, 1), read included', impl: algorithm, meanMs: ms,
        extra: { 'cpu ms': Math.round((u.user + u.system) / 1000), 'mean wait s': +rep.runs[0]!.metrics.meanWait.toFixed(1), ...casePeak() },
      });
    }
  } else {
    console.log('engine suite: Google schedule case skipped (../shared/traces not present)');
  }
  return rows;
}
