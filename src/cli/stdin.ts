/**
 * `-` as an input path: standard input, for the inputs that are one file (an
 * SWF log, a Google 2011 task_events file, a rebalancing scenario), as for
 * most command-line tools. The readers read a path more than once (the format
 * detection's first line, the SWF header, the whole read, worker threads by
 * path), so standard input is copied once to a temporary file, streamed (never
 * held in memory), and the readers get that file's path. Everything they say
 * about it (messages, `file:line` problems, `source.path`, a report's paths)
 * is renamed `standard input` where the command hands it on ({@link StdinInput.renamed},
 * and the errors {@link withInput} throws), instead of threading a display
 * name through every reader and worker. The copy is removed when the command
 * ends, fails or is stopped by SIGINT/SIGTERM (a process killed outright
 * leaves it to the next run's sweep of dead processes' folders, as every
 * {@link TempFolder}).
 *
 * @module
 */
import { createWriteStream, writeSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { FairfitError } from '../errors.ts';
import { TempFolder } from '../io/temp-files.ts';
import { invalid } from '../runner/checks.ts';
import { EXIT_INTERRUPTED, STDIN, STDIN_NAME } from './common.ts';

/** The input a command reads: the path given, or the copy of standard input. */
export interface StdinInput {
  /** The path to read. */
  readonly path: string;
  /**
   * `value` with the copy's path replaced by `standard input` in every string (plain objects and
   * arrays are copied where something changed, never changed in place: the readers may still hold
   * them); `value` itself for a file given by name.
   */
  renamed<T>(value: T): T;
}

/** `value` with `from` replaced by `to` in its strings, copied along the way to each change only. */
function renameIn<T>(value: T, from: string, to: string): T {
  if (typeof value === 'string') return (value.includes(from) ? value.replaceAll(from, to) : value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      // Numbers (the long series of a report) cannot hold a path.
      if (typeof v !== 'string' && (v === null || typeof v !== 'object')) continue;
      const r = renameIn(v, from, to);
      if (r !== v) (out ??= value.slice())[i] = r;
    }
    return (out ?? value) as T;
  }
  // Class instances (a spilled table, a typed array) are not reports' text: left as they are.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const r = renameIn(v, from, to);
    if (r !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = r;
  }
  return (out ?? value) as T;
}

/** `e` with the copy's path said as `standard input` (in its message and details), else `e` itself. */
function renamedError(e: unknown, from: string): unknown {
  if (!(e instanceof Error) || !e.message.includes(from)) return e;
  const message = e.message.replaceAll(from, STDIN_NAME);
  if (e instanceof FairfitError) {
    const renamed = new FairfitError(e.code, message, renameIn({ ...e.details }, from, STDIN_NAME), { cause: e });
    // `--debug` prints the stack: the place that threw, not this renaming.
    if (e.stack !== undefined) renamed.stack = e.stack.replaceAll(from, STDIN_NAME);
    return renamed;
  }
  // A Node error (ENOSPC…): program.ts reports it as IO_ERROR from its message.
  e.message = message;
  return e;
}

/** A turn of the event loop's poll phase, where a signal that came meanwhile reaches its listeners (as in `withSignalsHeld`). */
const signalsHeard = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

/**
 * Copies standard input to a file of `folder`, streamed. A terminal is refused
 * (`INVALID_OPTION` naming `option`: it would wait for typing). SIGINT and
 * SIGTERM stop the copy (`ABORTED`, exit 130); the folder is removed on any failure.
 */
async function copyStdin(option: string, folder: TempFolder): Promise<string> {
  // Before anything is made: the check needs no file, and a mistake must not wait for input.
  if (process.stdin.isTTY) invalid(option, `${STDIN_NAME} is a terminal: pipe a file into it`);
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => controller.abort(new FairfitError('ABORTED', `interrupted by ${sig}`));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const path = folder.next('stdin');
    try {
      await pipeline(process.stdin, createWriteStream(path, { flags: 'wx' }), { signal: controller.signal });
    } catch (e) {
      if (controller.signal.aborted) throw controller.signal.reason;
      throw new FairfitError('IO_ERROR', `${STDIN_NAME}: cannot copy it to ${path} (${e instanceof Error ? e.message : String(e)})`, { file: path }, { cause: e });
    }
    return path;
  } catch (e) {
    folder.remove();
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Runs `run` on the input `given` to `option`: the path itself, or for {@link STDIN}
 * a copy of standard input, removed once `run` is done, has failed, or a signal
 * came. While the copy exists, SIGINT and SIGTERM are watched: when the command
 * has its own handler (a session, the output check, the writing of outputs), it
 * stops the command, which ends through here; when it has none (`inspect`, and
 * the steps before a session), the copy is removed and the process ends as a
 * signal would end it, `ABORTED`, exit 130. The errors `run` throws name
 * `standard input`, not the copy.
 */
export async function withInput<T>(option: string, given: string, run: (input: StdinInput) => Promise<T>): Promise<T> {
  if (given !== STDIN) return run({ path: given, renamed: (v) => v });
  const folder = new TempFolder('fairfit-stdin-', 'the copy of standard input');
  const onSignal = (sig: NodeJS.Signals): void => {
    if (process.listenerCount(sig) > 1) return;
    folder.remove();
    // At once, as the signal would have ended it: the command must not go on to print or write anything.
    try {
      writeSync(2, `fairfit: ABORTED: interrupted by ${sig}\n`);
    } catch {
      // stderr closed: the exit code still says it.
    }
    process.exit(EXIT_INTERRUPTED);
  };
  // Watched from before the copy (whose own handler stops it meanwhile), so that no signal falls between the two.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const path = await copyStdin(option, folder);
    try {
      return await run({ path, renamed: (v) => renameIn(v, path, STDIN_NAME) });
    } catch (e) {
      throw renamedError(e, path);
    }
  } finally {
    // A signal during synchronous work (reading a scenario) is heard only now: it must still find the listener.
    await signalsHeard();
    folder.remove();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
