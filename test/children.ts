/**
 * Child processes a test starts and stops itself, killed after the test when
 * it did not: a test that fails or times out before it stops them would
 * otherwise leave them running after the file, since vitest ends its worker
 * but not the worker's children (a queue worker or coordinator whose Redis is
 * gone then retries for ever, a sweep runs for minutes).
 * A file that tracks children runs `afterEach(killTracked)`.
 */
import type { ChildProcess } from 'node:child_process';

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
