/**
 * Plumbing every command shares, whatever system it runs: exit codes, the
 * progress bar (stderr, TTY only, never with `--quiet`), signal handling
 * (the first SIGINT or SIGTERM stops the runs and the finished ones are still
 * written; any further signal, in any rhythm, changes nothing: exit 130),
 * integer options typed as text, what was read and skipped (stderr), and the
 * requested output files (checked before the work, written all-or-nothing).
 *
 * @module
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import cliProgress from 'cli-progress';
import { FairfitError, plural } from '../errors.ts';
import type { ReadSummary } from '../io/csv/problems.ts';
import { checkOutputFile, writeTexts, writeTextsUntil } from '../report/file.ts';
import { invalid, parseNumber } from '../runner/checks.ts';

/** Exit code of a usage error (bad option), as `program.ts` sets it. */
export const EXIT_USAGE = 2;

/** Exit code of a runtime failure. */
export const EXIT_FAILURE = 1;

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells expect. */
export const EXIT_INTERRUPTED = 130;

export { plural };

/**
 * Calls `fn`; an `INVALID_OPTION` it throws whose field is an API key in
 * `flags` (`minMove`) is thrown again naming the command-line option instead
 * (`min-move: must be …`), so that a bad option is named as it was typed.
 * Other errors pass unchanged.
 */
export async function withOptionNames<T>(flags: Readonly<Record<string, string>>, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw renameOptionError(e, flags);
  }
}

/** The error of {@link withOptionNames}: `e` renamed when it names an API key of `flags`, else `e`. */
export function renameOptionError(e: unknown, flags: Readonly<Record<string, string>>): unknown {
  if (!(e instanceof FairfitError) || e.code !== 'INVALID_OPTION') return e;
  const field = e.details?.field;
  if (typeof field !== 'string' || !Object.hasOwn(flags, field)) return e;
  const flag = flags[field]!;
  // The API writes `field must be …` or `field: …`; the CLI writes `option: …`.
  const rest = e.message.startsWith(`${field}:`) ? e.message.slice(field.length + 1).trimStart() : e.message.startsWith(`${field} `) ? e.message.slice(field.length + 1) : e.message;
  return new FairfitError('INVALID_OPTION', `${flag}: ${rest}`, { ...e.details, field: flag }, { cause: e });
}

/** Parses an integer option given as text. */
export function intOption(text: string, field: string): number {
  const n = parseNumber(text, field);
  if (!Number.isInteger(n)) invalid(field, `'${text}' is not an integer`);
  return n;
}

/** Writes stderr messages unless `quiet`. */
export function messenger(quiet: boolean | undefined): (s: string) => void {
  return (s: string) => {
    if (!quiet) process.stderr.write(s + '\n');
  };
}

/** An option and the path given to it (undefined when the option was not given). */
export type PathOption = readonly [option: string, path: string | undefined];

/** The output path that means standard output (`--json -`), as for most command-line tools. */
export const STDOUT = '-';

/** Where `--report` alone (no file) writes: a file of the current folder. */
export const REPORT_FILE = 'report.html';

/** The flags of the batch commands that read a trace and write a report (`replay`, `sweep`, `schedule`, `clusters-replay`), as commander hands them over. */
export interface BatchCliOptions {
  strict?: boolean;
  maxSkipped?: string;
  json?: string;
  csv?: string;
  report?: string;
  quiet?: boolean;
}

/**
 * A command's `preAction` hook for its outputs `--json [file]`, `--csv [file]` and `--report [file]`:
 * given alone (no file, as in `--json --report`), `--json` and `--csv` write on standard output and
 * `--report` writes {@link REPORT_FILE}. (With the file required, `--json --report` wrote the JSON into
 * a file named `--report` and no report at all.)
 */
export function outputsAlone(_: unknown, action: { getOptionValue(key: string): unknown; setOptionValue(key: string, value: unknown): unknown }): void {
  for (const [key, alone] of [['json', STDOUT], ['csv', STDOUT], ['report', REPORT_FILE]] as const) {
    if (action.getOptionValue(key) === true) action.setOptionValue(key, alone);
  }
}

/** An output path as messages name it: `standard output` for {@link STDOUT}. */
export function shownPath(path: string): string {
  return path === STDOUT ? 'standard output' : path;
}

/** The input path that means standard input (`--trace -`, `inspect -`, `--input -`; src/cli/stdin.ts reads it). */
export const STDIN = '-';

/** What messages and outputs call standard input, in place of the temporary copy the readers read. */
export const STDIN_NAME = 'standard input';

/** An input path as messages and outputs name it: `standard input` for {@link STDIN}. */
export function shownInput(path: string): string {
  return path === STDIN ? STDIN_NAME : path;
}

/**
 * Writes a command's summary (its table): on stdout, or, when one of `outputs` goes to stdout
 * (`--json -`), on stderr unless `quiet`, so that stdout holds that output alone (`| jq`).
 */
export function summaryWriter(outputs: readonly (string | undefined)[], quiet: boolean | undefined): (text: string) => void {
  if (!outputs.includes(STDOUT)) return (text) => process.stdout.write(text);
  return (text) => {
    if (!quiet) process.stderr.write(text);
  };
}

/**
 * Checks the output paths given, before any work: `-` (standard output) for
 * one of them at most (`INVALID_OPTION`, exit 2); not the same path twice,
 * not a folder, in a folder that exists (or can be created) and takes a new
 * file (`OUTPUT_ERROR` naming the path, exit 1); not empty (`INVALID_OPTION`
 * naming the option, exit 2: an unset shell variable must not lose the
 * output without a word); and not an input (a trace,
 * a scenario) nor inside an input folder, which the write would replace or
 * mix into the next read (`INVALID_OPTION` naming the option, exit 2). An
 * input `-` is standard input, no file: a file named `-` may be written.
 */
export function checkOutputs(outputs: readonly PathOption[], inputs: readonly PathOption[] = []): void {
  // An empty path (an unset shell variable) would lose the output without a word.
  for (const [option, p] of outputs) if (p !== undefined && p.trim() === '') invalid(option, 'an empty path: give a file name, or leave the option out');
  const given = outputs.filter((o): o is [string, string] => o[1] !== undefined && o[1] !== '');
  const seen = new Map<string, string>();
  let toStdout: string | undefined;
  for (const [option, p] of given) {
    if (p === STDOUT) {
      // Two outputs on one stream could not be told apart.
      if (toStdout !== undefined) invalid(option, `'-' (standard output) is also given to ${toStdout}: only one output can go there`);
      toStdout = option;
      continue;
    }
    // Two outputs on one path: a bad combination of options (as an output that is an input), not a failed write.
    const first = seen.get(p);
    if (first !== undefined) invalid(option, `${p} is also the path of ${first}: each output needs its own file`);
    seen.set(p, option);
    for (const [inputOption, input] of inputs) if (input !== undefined && input !== '' && input !== STDIN) checkNotInput(option, p, inputOption, input);
    checkOutputFile(p);
  }
}

/** `path` with the symbolic links of its existing part resolved (the rest, not created yet, appended as given). */
function realPath(path: string): string {
  const rest: string[] = [];
  let d = resolve(path);
  while (!existsSync(d)) {
    rest.unshift(basename(d));
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return join(realpathSync(d), ...rest);
}

/** Refuses an output that is the input (same path, link or hard link) or lies inside an input folder. */
function checkNotInput(option: string, output: string, inputOption: string, input: string): void {
  if (!existsSync(input)) return; // the reader reports a missing input
  const out = realPath(output);
  const inp = realPath(input);
  const inStat = statSync(inp);
  const outStat = existsSync(out) ? statSync(out) : undefined;
  const same = out === inp || (outStat !== undefined && outStat.ino === inStat.ino && outStat.dev === inStat.dev);
  if (same) invalid(option, `${output} is the input given to ${inputOption}; writing it would replace the input: give another file name`);
  if (inStat.isDirectory() && out.startsWith(inp.endsWith(sep) ? inp : inp + sep)) {
    invalid(option, `${output} lies inside the input folder given to ${inputOption} (${input}); writing there would change what is read: give a file outside it`);
  }
}

/**
 * Writes every output whose path was given, all-or-nothing (temporary files
 * renamed at the end), the one given `-` on stdout once the files are in
 * place; returns the paths written (`standard output` for `-`). A failure
 * names the path given, not the temporary file.
 */
export function writeOutputs(outputs: readonly [path: string | undefined, render: () => string][]): string[] {
  const given = outputs.filter((o): o is [string, () => string] => o[0] !== undefined && o[0] !== '');
  // Rendered before the files are written and printed after: a failed write prints nothing.
  const text = given.find(([p]) => p === STDOUT)?.[1]();
  const files = writeTexts(given.filter(([p]) => p !== STDOUT));
  return printed(files, text);
}

/** `files`, and `text` printed on stdout when an output went there (named in the list returned). */
function printed(files: string[], text: string | undefined): string[] {
  if (text === undefined) return files;
  process.stdout.write(text);
  return [...files, shownPath(STDOUT)];
}

/**
 * Says `line` (what a command wrote) once standard output has taken the text written to it, when
 * `written` ({@link writeOutputs}' list) names it: not at all when that write failed, whose
 * `IO_ERROR` line (src/cli/program.ts) then says what happened. Said at once, the line claimed an
 * output that a full disk had refused. Without standard output in the list, said at once.
 */
export function sayWhenWritten(written: readonly string[], say: (s: string) => void, line: string): void {
  if (!written.includes(shownPath(STDOUT))) {
    say(line);
    return;
  }
  // Writes complete in order: this empty one's callback comes after the text's, with an error if the stream failed.
  process.stdout.write('', (err) => {
    if (!err) say(line);
  });
}

/**
 * {@link writeOutputs} for a command without a session (`rebalance`,
 * `gen-scenario`: their work is synchronous, and until it writes Ctrl-C simply
 * ends it, nothing written). From the call on, SIGINT and SIGTERM are caught
 * and the files written asynchronously, so the handler runs while they are:
 * a signal before they are all in place removes them and renames none
 * (`ABORTED`, exit 130, as `fairfit gen`); one after only sets exit code 130
 * (the handler stays, as a session's). `start` runs once the signals are
 * caught (the message saying what is written).
 */
export async function writeOutputsStoppable(outputs: readonly [path: string | undefined, render: () => string][], start?: () => void): Promise<string[]> {
  const given = outputs.filter((o): o is [string, () => string] => o[0] !== undefined && o[0] !== '');
  const files = given.filter(([p]) => p !== STDOUT);
  const controller = new AbortController();
  let written = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (written) process.exitCode = EXIT_INTERRUPTED;
    else controller.abort(new FairfitError('ABORTED', `interrupted by ${sig}: no output file written`));
  };
  // Standard output alone leaves no file to remove: Ctrl-C still ends the command at once.
  if (files.length > 0) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  start?.();
  const text = given.find(([p]) => p === STDOUT)?.[1]();
  const paths = await writeTextsUntil(files, controller.signal);
  written = true;
  return printed(paths, text);
}

/**
 * Runs `check` (the output checks, which create and remove a probe file) with
 * SIGINT and SIGTERM caught: a signal cannot end the process between a probe's
 * creation and its removal, which left the probe behind. A signal that came
 * meanwhile is `ABORTED` (exit 130) once the check is done; after it, signals
 * end the process again, as before (nothing is written yet).
 */
export async function withSignalsHeld(check: () => void): Promise<void> {
  let caught: NodeJS.Signals | undefined;
  const hold = (sig: NodeJS.Signals): void => {
    caught ??= sig;
  };
  process.on('SIGINT', hold);
  process.on('SIGTERM', hold);
  try {
    check();
    // A signal that came during `check` reaches `hold` in the event loop's next poll phase: an
    // immediate scheduled from an immediate runs after one, whichever phase this code runs in.
    await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
  } finally {
    process.off('SIGINT', hold);
    process.off('SIGTERM', hold);
  }
  if (caught !== undefined) throw new FairfitError('ABORTED', `interrupted by ${caught}`);
}

/** The default of `--max-skipped`: a trace with more than 10 % of its lines skipped is refused. */
export const DEFAULT_MAX_SKIPPED = 0.1;

/** Parses `--max-skipped`: a fraction in [0, 1]. */
export function maxSkippedOption(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_SKIPPED;
  const x = parseNumber(text, 'max-skipped');
  if (!(x >= 0 && x <= 1)) invalid('max-skipped', `'${text}' must be a fraction in [0, 1]`);
  return x;
}

function duration(us: number): string {
  const s = us / 1e6;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  if (s < 3 * 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

/**
 * What a command says on stderr once a trace is read (nothing with
 * `--quiet`): the format and why, rows, the window, and, when any, the
 * task_usage rows left out (their task is not in task_events), the lines
 * skipped and corrupt files with the first problems.
 */
export function describeRead(cmd: string, r: { format: string; detected: string; summary: ReadSummary; start?: number; end?: number; usageUnmatched?: number }): string {
  const s = r.summary;
  const window = r.start !== undefined && r.end !== undefined && r.end > r.start ? `, window ${duration(r.end - r.start)}` : '';
  let text = `fairfit ${cmd}: read ${r.format} (detected: ${r.detected}): ${plural(s.rows, 'row')} from ${plural(s.files.length, 'file')}${window}`;
  if ((r.usageUnmatched ?? 0) > 0) text += `; ${plural(r.usageUnmatched!, 'task_usage row')} of tasks not in task_events left out`;
  if (s.skipped > 0 || (s.corruptFiles ?? 0) > 0) {
    text += `; ${s.skipped} line${s.skipped === 1 ? '' : 's'} skipped`;
    if (s.corruptFiles) text += `, ${s.corruptFiles} file${s.corruptFiles === 1 ? '' : 's'} truncated or corrupt`;
    text += `; first:\n  ${s.firstProblems.slice(0, 5).join('\n  ')}`;
  }
  return text;
}

/**
 * The progress bar's times: cli-progress's own format for a number of seconds, and `?` for an ETA
 * not estimated yet — cli-progress holds it as text then ('0' before the first update, 'INF' while
 * nothing is done, 'NULL'), which its format showed as `ETA 0s`, `ETA NFs` and `ETA LLs` (the last
 * two characters, padded for two digits) during a first run that can take minutes.
 */
export function progressTime(t: unknown, options: cliProgress.Options, roundToMultipleOf: number): string {
  if (typeof t !== 'number' || !Number.isFinite(t)) return '?';
  return cliProgress.Format.TimeFormat(t, options, roundToMultipleOf);
}

/** A running command's progress bar and signal handler. */
export interface Session {
  signal: AbortSignal;
  onProgress: (done: number, total: number) => void;
  /** True once a SIGINT or SIGTERM arrived (the exit code is then 130). */
  readonly interrupted: boolean;
  /**
   * On a terminal (not quiet), a line saying the input is being read, with the seconds elapsed,
   * until {@link Session.readDone}: a long read (minutes on the whole Google trace) showed nothing.
   */
  reading(what: string): void;
  /** Erases the reading line (idempotent). */
  readDone(): void;
  /** Stops the progress bar (idempotent); signals are still caught. */
  end(): void;
  /** Stops the bar (idempotent): call after the outputs are written; later signals only set exit code 130. */
  close(): void;
}

/**
 * Starts the progress bar (stderr, TTY, not quiet) and the SIGINT/SIGTERM
 * handler: the first signal aborts the runs (the finished ones are written);
 * later ones only say so again. The handler stays until the process exits,
 * so a signal while (or after) the outputs are written does not cut them.
 * `written`: what the messages say will be written (default `the finished runs`).
 */
export function startSession(label: string, unit: string, quiet: boolean, written = 'the finished runs'): Session {
  const controller = new AbortController();
  let interrupts = 0;
  let closed = false;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    // After the outputs are written a signal changes nothing but the exit code.
    if (closed) {
      process.exitCode = EXIT_INTERRUPTED;
      return;
    }
    readDone();
    bar?.stop();
    bar = undefined;
    if (interrupts === 1) {
      if (!quiet) process.stderr.write(`\nfairfit: ${sig} — stopping; ${written} will be written (exit 130)\n`);
      controller.abort(new FairfitError('ABORTED', `interrupted by ${sig}`));
    } else if (interrupts === 2 && !quiet) {
      process.stderr.write(`fairfit: already stopping; writing ${written}\n`);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let bar: cliProgress.SingleBar | undefined;
  if (!quiet && process.stderr.isTTY) {
    bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `${label} |{bar}| {percentage}% | {runs}/{total} ${unit} | {duration_formatted} elapsed, ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
        formatTime: progressTime,
      },
      cliProgress.Presets.shades_classic,
    );
  }
  let started = false;
  let readTimer: NodeJS.Timeout | undefined;
  const readDone = (): void => {
    if (readTimer === undefined) return;
    clearInterval(readTimer);
    readTimer = undefined;
    process.stderr.write('\r\x1b[2K');
  };
  return {
    signal: controller.signal,
    reading(what) {
      if (!bar) return; // a terminal, not quiet: where the bar would be
      const t0 = performance.now();
      const show = () => process.stderr.write(`\r\x1b[2Kfairfit ${label}: reading ${what}… ${Math.floor((performance.now() - t0) / 1000)}s elapsed`);
      show();
      readTimer = setInterval(show, 1000);
      readTimer.unref();
    },
    readDone,
    get interrupted() {
      return interrupts > 0;
    },
    onProgress(done, total) {
      if (!bar) return;
      if (!started) {
        bar.start(total, 0, { runs: 0 });
        started = true;
      }
      bar.update(done, { runs: Math.floor(done + 1e-9) });
    },
    end() {
      readDone();
      bar?.stop();
      bar = undefined;
    },
    close() {
      readDone();
      bar?.stop();
      bar = undefined;
      closed = true; // the handler stays until the process exits: a late signal must not kill it halfway
    },
  };
}
