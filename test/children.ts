/**
 * Child processes of the tests.
 *
 * Those a test runs synchronously (spawnSync, execSync, execFileSync) are given a
 * timeout: vitest's test timeout cannot interrupt a blocking call, so a command that
 * hung would hold its vitest worker until CI's 90-minute limit, naming nothing.
 *
 * Those a test starts and stops itself are killed after the test when
 * it did not: a test that fails or times out before it stops them would
 * otherwise leave them running after the file, since vitest ends its worker
 * but not the worker's children (a queue worker or coordinator whose Redis is
 * gone then retries for ever, a sweep runs for minutes).
 * A file that tracks children runs `afterEach(killTracked)`.
 */
import { spawnSync, type ChildProcess, type SpawnSyncOptions, type SpawnSyncOptionsWithBufferEncoding, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns } from 'node:child_process';

const live = new Map<ChildProcess, Promise<void>>();

/** `child`, killed by the next `killTracked()` if it is still running then. */
export function tracked<T extends ChildProcess>(child: T): T {
  // No pid: it did not start (its 'error' event says why, to whoever listens), there is nothing to kill.
  if (child.pid === undefined) return child;
  const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  live.set(child, ended);
  void ended.then(() => live.delete(child));
  return child;
}

/** SIGKILLs the tracked children still running and waits until they have exited. */
export async function killTracked(): Promise<void> {
  const left = [...live];
  live.clear();
  for (const [child] of left) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(left.map(([, ended]) => ended));
}

/**
 * How long a child run synchronously may take before it is killed: 5 minutes. A command that hangs (a
 * deadlock, a worker thread that never ends, a read waiting on a terminal) would otherwise block its
 * vitest worker until CI's 90-minute limit, since vitest's own timeout cannot interrupt a blocking call.
 * The slowest healthy ones (typedoc and tsc over the sources in test/docs, up to ≈ 60 s on a loaded
 * 2-core machine; the golden and full-output runs, tens of seconds) stay far below it, and it is above
 * the 120 s test timeout of vitest.config.ts: a command slow but still running is reported by vitest's
 * timeout as before, never cut short by this one.
 */
export const SYNC_CHILD_TIMEOUT_MS = 5 * 60_000;

/**
 * The options of a synchronous child, before its own (which win): the timeout, and SIGKILL as the
 * signal, since the fairfit command handles SIGINT and SIGTERM itself and one that hung may never act on them.
 * The signal reaches the child alone: a command run through a shell (sh -c, bash -c, execSync) may leave
 * the process that hung running, orphaned, but the test fails and the run goes on (spawnSync has no
 * process group to kill).
 */
export const SYNC_CHILD = { timeout: SYNC_CHILD_TIMEOUT_MS, killSignal: 'SIGKILL' } as const;

/** The command line `command args…` as a shell would read it, each argument cut to 500 characters. */
function commandLine(command: string, args: readonly string[]): string {
  const cut = (a: string) => (a.length > 500 ? `${a.slice(0, 500)}…` : a);
  return [command, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${cut(a).replaceAll("'", "'\\''")}'`)).join(' ');
}

/** The error of a synchronous child killed at its timeout, naming the command and ending with its stderr so far. */
function timedOut(command: string, args: readonly string[], ms: number, stderr: unknown): Error {
  const said = String(stderr ?? '').slice(-2000);
  return new Error(`timed out after ${Math.round(ms / 100) / 10} s and killed: ${commandLine(command, args)}` + (said ? `\nits stderr so far:\n${said}` : ''));
}

/**
 * spawnSync with SYNC_CHILD before `options`; throws when the child was killed at its timeout, naming
 * the command. Its result otherwise, as spawnSync's (a command that did not start has `error` set, as there).
 */
export function spawnSyncChild(command: string, args: readonly string[], options: SpawnSyncOptionsWithStringEncoding): SpawnSyncReturns<string>;
export function spawnSyncChild(command: string, args: readonly string[], options?: SpawnSyncOptionsWithBufferEncoding): SpawnSyncReturns<Buffer>;
export function spawnSyncChild(command: string, args: readonly string[], options: SpawnSyncOptions = {}): SpawnSyncReturns<string | Buffer> {
  const all = { ...SYNC_CHILD, ...options };
  const r = spawnSync(command, args, all);
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') throw timedOut(command, args, all.timeout, r.stderr);
  return r;
}

/**
 * `run()`, an execSync or execFileSync given SYNC_CHILD: its error when the child was killed at the
 * timeout (which says only "spawnSync /bin/sh ETIMEDOUT") replaced by one naming the command it ran.
 */
export function namingTimeout<T>(run: () => T): T {
  const t0 = performance.now();
  try {
    return run();
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { spawnargs?: string[]; stderr?: unknown };
    if (err.code === 'ETIMEDOUT') throw timedOut(err.path ?? '?', err.spawnargs ?? [], performance.now() - t0, err.stderr);
    throw e;
  }
}
