/**
 * The NASA iPSC log through `scheduleJobs` with IPTAS, each engine in a child
 * process of its own (`node --import tsx bench/engine-nasa.ts wasm|reference RUNS`
 * prints the wall and CPU ms of a warm-up and `RUNS` runs as JSON).
 *
 * Why processes of their own: in one process, the reference engine's runs
 * (≈ 3 s, hundreds of MB of objects) leave full collections that fall inside
 * the WebAssembly engine's 0.1-s runs, and a collection that frees the last
 * objects of a run's classes also drops the optimised code built on them
 * (V8 deoptimises it, reason "weak objects"): the next run is timed while it
 * is compiled again. Measured alone, each engine runs as a host that keeps
 * one engine would see it. The suite reports both ways. Each child warms up
 * for the same time ({@link WARM_MS}) before the runs it times.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { peakKb } from './rss.ts';
import { readSwf } from '../src/io/swf.ts';
import { ReferenceEngine } from '../src/systems/iptas/reference-engine.ts';
import { jobsFromSwf, scheduleJobs, type TraceJob } from '../src/systems/iptas/schedule-trace.ts';

export const NASA = new URL('../../shared/traces/swf-nasa-ipsc-1993/NASA-iPSC-1993-3.1-cln.swf.gz', import.meta.url).pathname;

/**
 * Wall and CPU ms of each run, the first `warmup` of them the warm-up (runs until
 * {@link WARM_MS} had passed), and the child's peak RSS.
 */
export interface NasaRuns {
  warmup: number;
  wall: number[];
  cpu: number[];
  /** MiB (2^20 bytes). */
  peakMB: number;
}

/**
 * Wall and CPU ms of one run of the log through IPTAS with the given engine (the WebAssembly one is
 * the driver's default, with a row per task reserved up front). CPU time too: this machine is
 * shared, and this process's CPU time is less disturbed by the other load.
 */
export function nasaRun(jobs: readonly TraceJob[], which: 'wasm' | 'reference', onResult?: (schedule: unknown) => void): [number, number] {
  const opts = which === 'wasm' ? { algorithm: 'iptas' as const, nodes: 128 } : { algorithm: 'iptas' as const, nodes: 128, engine: (p: object) => new ReferenceEngine(p) };
  const c = process.cpuUsage();
  const t = performance.now();
  const schedule = scheduleJobs(jobs, opts);
  const u = process.cpuUsage(c);
  onResult?.(schedule);
  return [performance.now() - t, (u.user + u.system) / 1000];
}

/**
 * Warm-up of each engine, as time rather than as a count of runs: the same for both. One run of
 * the reference (1.2–2.2 s) is over a second of warm-up; one run of the WebAssembly engine (≈ 0.07 s
 * once warm) is not. Its runs in a fresh process (40 in a row, several processes): the first 2–4
 * take 1.2–3.5× the time while V8 optimises the driver's and the engine's JavaScript, and about a
 * second in, after the heap's first full collection, 4–7 runs take 1.2–1.8× again while V8
 * optimises a dozen functions anew (`--trace-opt`); after ≈ 1.5 s the runs stay within a few
 * per cent. Timed after 2 s, a child's median is that steady state; the median of the runs after
 * one warm-up run moved with how much of those two bursts it held (70–116 ms in 3 children).
 */
export const WARM_MS = 2000;

/** Runs the log in this process with the given engine: warm-up runs for {@link WARM_MS} (at least one), then `runs` more. */
async function measure(which: 'wasm' | 'reference', runs: number): Promise<NasaRuns> {
  const jobs = jobsFromSwf(await readSwf(NASA));
  const out: NasaRuns = { warmup: 0, wall: [], cpu: [], peakMB: 0 };
  const warmUntil = performance.now() + WARM_MS;
  do {
    const [wall, cpu] = nasaRun(jobs, which);
    out.wall.push(wall);
    out.cpu.push(cpu);
    out.warmup++;
  } while (performance.now() < warmUntil);
  for (let k = 0; k < runs; k++) {
    const [wall, cpu] = nasaRun(jobs, which);
    out.wall.push(wall);
    out.cpu.push(cpu);
  }
  // Its own VmHWM: this child's parent is the bench process that has just run the log in-process with both engines.
  out.peakMB = Math.round(peakKb() / 1024);
  return out;
}

/** The runs of one engine in a child process (this file run with tsx). */
export function nasaInChild(which: 'wasm' | 'reference', runs: number): NasaRuns {
  const file = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, which, String(runs)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`NASA child (${which}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as NasaRuns;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const which = process.argv[2] === 'reference' ? 'reference' : 'wasm';
  console.log(JSON.stringify(await measure(which, Number(process.argv[3] ?? 7))));
}
