// Child processes the build and the benchmarks run synchronously, each with a timeout: a child
// that hangs (a compiler stuck, a git waiting on a lock or a prompt, a replay that never ends)
// otherwise holds `npm run build` or `npm run bench` for ever, naming nothing. The timeouts are
// generous (the healthy runs stay far below them); the child is then killed with SIGKILL, since
// the fairfit command handles SIGTERM itself and one that hung may never act on it, and the
// error names the command it ran (spawnSync's own says only "spawnSync node ETIMEDOUT").
import { spawnSync } from 'node:child_process';

/** One step of the build (each AssemblyScript target, tsc): 10 minutes; each takes seconds to a minute. */
export const BUILD_STEP_TIMEOUT_MS = 10 * 60_000;
/** One git command of the benchmarks (`rev-parse`, `status`): 30 s; each takes milliseconds. */
export const GIT_TIMEOUT_MS = 30_000;

/** The command line `command args…` as a shell would read it, each argument cut to 500 characters. */
export function commandLine(command, args) {
  const cut = (a) => (a.length > 500 ? `${a.slice(0, 500)}…` : a);
  return [command, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${cut(a).replaceAll("'", "'\\''")}'`)).join(' ');
}

/** Thrown by {@link runChild} when the child was killed at its timeout. */
export class ChildTimeoutError extends Error {
  constructor(command, args, timeoutMs, stderr) {
    const said = String(stderr ?? '').slice(-2000);
    super(`timed out after ${Math.round(timeoutMs / 100) / 10} s and killed: ${commandLine(command, args)}` + (said ? `\nits stderr so far:\n${said}` : ''));
    this.name = 'ChildTimeoutError';
    this.command = command;
    this.args = [...args];
    this.timeoutMs = timeoutMs;
  }
}

/**
 * spawnSync(command, args, options) killed with SIGKILL after `options.timeout` ms (required);
 * throws a {@link ChildTimeoutError} naming the command when that happened. Its result otherwise,
 * as spawnSync's (a command that did not start has `error` set, as there).
 */
export function runChild(command, args, options) {
  const timeout = options?.timeout;
  if (typeof timeout !== 'number' || !(timeout > 0) || !Number.isFinite(timeout)) throw new TypeError(`runChild: a timeout in ms > 0 is required, got ${String(timeout)}`);
  const r = spawnSync(command, args, { killSignal: 'SIGKILL', ...options });
  if (r.error?.code === 'ETIMEDOUT') throw new ChildTimeoutError(command, args, timeout, r.stderr);
  return r;
}
