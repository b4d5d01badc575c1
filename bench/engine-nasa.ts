/**
 * The NASA iPSC log through `scheduleJobs` with IPTAS, each engine in a child
 * process of its own. The engine suite uses {@link nasaTurns}: both children
 * warm, taking turns. Run as a script (`node --import tsx bench/engine-nasa.ts
 * wasm|reference RUNS`), it prints the wall and CPU ms of a warm-up and `RUNS`
 * runs of one engine as JSON.
 *
 * Why processes of their own: in one process, the reference engine's runs
 * (≈ 1.5 s, hundreds of MB of objects) leave full collections that fall inside
 * the WebAssembly engine's 0.06-s runs, and a collection that frees the last
 * objects of a run's classes also drops the optimised code built on them
 * (V8 deoptimises it, reason "weak objects"): the next run is timed while it
 * is compiled again. Measured alone, each engine runs as a host that keeps
 * one engine would see it. The suite reports both ways. Each child warms up
 * for the same time ({@link WARM_MS}) before the runs it times.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { peakKb } from './rss.ts';
import { median } from './measure.ts';
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

/** One turn of a child: the wall and CPU ms of each of its runs. */
interface Turn {
  wall: number[];
  cpu: number[];
}

/** What {@link nasaTurns} measured: each pair's ratio and every run of both engines. */
export interface NasaTurns {
  /** Per pair: the reference's run over the median of the WebAssembly turn just before it. */
  ratios: number[];
  wasm: Turn;
  reference: Turn;
  /** Warm-up runs of each child. */
  warmup: { wasm: number; reference: number };
  /** Each child's peak RSS, MiB. */
  peakMB: { wasm: number; reference: number };
}

/** A warm child of this file (`turns` mode): answers each `{ runs }` message with a {@link Turn}. */
class TurnChild {
  private readonly child: ChildProcess;
  private pending: { resolve: (m: unknown) => void; reject: (e: Error) => void } | undefined;
  /** Messages that came before anyone asked for them (the warm-up's, say). */
  private readonly early: unknown[] = [];
  private exited: number | null | undefined;
  constructor(which: 'wasm' | 'reference') {
    this.child = fork(fileURLToPath(import.meta.url), [which, 'turns'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.child.on('message', (m) => {
      const p = this.settle();
      if (p) p.resolve(m);
      else this.early.push(m);
    });
    this.child.on('exit', (code) => {
      this.exited = code;
      this.settle()?.reject(new Error(`NASA child exited (${code}) before it answered`));
    });
  }
  private settle(): TurnChild['pending'] {
    const p = this.pending;
    this.pending = undefined;
    return p;
  }
  /** The child's next message (after `send`, when given); one at a time. */
  next<T>(send?: object): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (send) this.child.send(send);
      if (this.early.length > 0) resolve(this.early.shift() as T);
      else if (this.exited !== undefined) reject(new Error(`NASA child exited (${this.exited}) before it answered`));
      else this.pending = { resolve: (m) => resolve(m as T), reject };
    });
  }
  close(): void {
    this.child.disconnect();
  }
}

/**
 * Both engines in warm child processes of their own, taking turns: `wasmRuns` runs of the
 * WebAssembly engine, then one run of the reference, `pairs` times. This machine's speed changes
 * over seconds (a run's time moves by up to 2× from one phase to the next, for both engines), so a
 * ratio is taken between runs made a second apart rather than between children run one after the
 * other (where one engine could be timed in a slow phase and the other in a fast one). Each child
 * warms up for {@link WARM_MS} first, one after the other.
 */
export async function nasaTurns(pairs: number, wasmRuns: number): Promise<NasaTurns> {
  // The second child starts once the first is warm: their warm-ups do not share the cores.
  const wasm = new TurnChild('wasm');
  let reference: TurnChild | undefined;
  try {
    const w0 = await wasm.next<{ warmup: number }>();
    reference = new TurnChild('reference');
    const r0 = await reference.next<{ warmup: number }>();
    const out: NasaTurns = { ratios: [], wasm: { wall: [], cpu: [] }, reference: { wall: [], cpu: [] }, warmup: { wasm: w0.warmup, reference: r0.warmup }, peakMB: { wasm: 0, reference: 0 } };
    for (let k = 0; k < pairs; k++) {
      const w = await wasm.next<Turn>({ runs: wasmRuns });
      const r = await reference.next<Turn>({ runs: 1 });
      out.ratios.push(r.wall[0]! / median(w.wall));
      for (const [from, into] of [[w, out.wasm], [r, out.reference]] as const) {
        into.wall.push(...from.wall);
        into.cpu.push(...from.cpu);
      }
    }
    out.peakMB.wasm = (await wasm.next<{ peakMB: number }>({ peak: true })).peakMB;
    out.peakMB.reference = (await reference.next<{ peakMB: number }>({ peak: true })).peakMB;
    return out;
  } finally {
    wasm.close();
    reference?.close();
  }
}

/** The child side of {@link nasaTurns}: warm up, say so, then run the log as asked. */
async function serveTurns(which: 'wasm' | 'reference'): Promise<void> {
  const jobs = jobsFromSwf(await readSwf(NASA));
  let warmup = 0;
  const warmUntil = performance.now() + WARM_MS;
  do {
    nasaRun(jobs, which);
    warmup++;
  } while (performance.now() < warmUntil);
  process.send!({ warmup });
  process.on('message', (m: { runs?: number; peak?: boolean }) => {
    if (m.peak) {
      process.send!({ peakMB: Math.round(peakKb() / 1024) });
      return;
    }
    const turn: Turn = { wall: [], cpu: [] };
    for (let k = 0; k < (m.runs ?? 1); k++) {
      const [wall, cpu] = nasaRun(jobs, which);
      turn.wall.push(wall);
      turn.cpu.push(cpu);
    }
    process.send!(turn);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const which = process.argv[2] === 'reference' ? 'reference' : 'wasm';
  if (process.argv[3] === 'turns') await serveTurns(which);
  else console.log(JSON.stringify(await measure(which, Number(process.argv[3] ?? 7))));
}
