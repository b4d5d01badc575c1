/** Running the built CLI as child processes for the queue tests: coordinators and `fairfit worker`s. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tracked } from '../children.ts';

export const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** A running fairfit process: its output so far, its exit, and a wait for a line of stderr. */
export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first match of `re` in stderr (rejects after `ms` or when the process exits first). */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
}

/** Starts fairfit (`nodeArgs` before its entry); the test file's `afterEach(killTracked)` kills it if the test did not stop it. */
export function run(args: string[], cwd?: string, nodeArgs: string[] = []): Running {
  const child = tracked(spawn(process.execPath, [...nodeArgs, MAIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: process.env.CI ?? '' } }));
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    for (const l of listeners) l();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  let exited = false;
  void exit.then(() => {
    exited = true;
    for (const l of listeners) l();
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitFor(re, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = err.match(re);
          if (m) {
            done();
            resolve(m);
          } else if (exited) {
            done();
            reject(new Error(`process exited before ${re} appeared on stderr:\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${re} did not appear on stderr within ${ms} ms:\n${err}`));
        }, ms);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Runs fairfit to completion. */
export async function fairfit(args: string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = run(args, cwd);
  const { code } = await p.exit;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/**
 * A `fairfit worker` with one thread, one job at a time. `quickTakeover`: short
 * crash detection, for a test that kills a worker mid-job (its job moves on
 * within ~4 s; a 3 s lock renewed every 1.5 s); the others keep BullMQ's 30 s
 * lock, which a loaded machine cannot make lapse, so a job runs exactly once.
 */
export function worker(url: string, cwd?: string, quickTakeover = false): Running {
  const crash = quickTakeover ? ['--lock-duration', '3000', '--stalled-interval', '1000'] : [];
  return run(['worker', '--queue', url, '--threads', '1', '--concurrency', '1', ...crash], cwd);
}

/** Stops a process (SIGTERM) and waits for it. */
export async function stop(p: Running): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await p.exit;
}
