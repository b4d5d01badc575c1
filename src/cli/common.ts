/**
 * Plumbing every command shares, whatever system it runs: exit codes, the
 * progress bar (stderr, TTY only, never with `--quiet`) and Ctrl-C handling
 * (first Ctrl-C stops and still writes the finished runs, exit 130; a second
 * one quits at once), integer options typed as text, and writing the
 * requested output files.
 *
 * @module
 */
import cliProgress from 'cli-progress';
import { invalid, parseNumber } from '../runner/checks.ts';

/** Exit code of a usage error (bad option), as `main.ts` sets it. */
export const EXIT_USAGE = 2;

/** Exit code of a runtime failure. */
export const EXIT_FAILURE = 1;

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells expect. */
export const EXIT_INTERRUPTED = 130;

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

/** Runs each writer whose path was given, in order; returns the paths written. */
export function writeOutputs(outputs: readonly [path: string | undefined, write: (path: string) => void][]): string[] {
  const written: string[] = [];
  for (const [path, write] of outputs) {
    if (!path) continue;
    write(path);
    written.push(path);
  }
  return written;
}

/** A running command's progress bar and Ctrl-C handler; call {@link Session.end} when done. */
export interface Session {
  signal: AbortSignal;
  onProgress: (done: number, total: number) => void;
  end(): void;
}

/** Starts the progress bar (stderr, TTY, not quiet) and the Ctrl-C handler. */
export function startSession(label: string, unit: string, quiet: boolean): Session {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      bar?.stop();
      bar = undefined;
      if (!quiet) process.stderr.write('\nfairfit: interrupted — stopping and writing the finished runs (Ctrl-C again to quit now)\n');
      controller.abort(new Error('interrupted'));
    } else {
      process.exit(EXIT_INTERRUPTED);
    }
  };
  process.on('SIGINT', onSigint);
  let bar: cliProgress.SingleBar | undefined;
  if (!quiet && process.stderr.isTTY) {
    bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `${label} |{bar}| {percentage}% | {runs}/{total} ${unit} | {duration_formatted} elapsed, ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
  }
  let started = false;
  return {
    signal: controller.signal,
    onProgress(done, total) {
      if (!bar) return;
      if (!started) {
        bar.start(total, 0, { runs: 0 });
        started = true;
      }
      bar.update(done, { runs: Math.floor(done + 1e-9) });
    },
    end() {
      // Idempotent: called on success before printing and again in `finally`.
      bar?.stop();
      bar = undefined;
      process.off('SIGINT', onSigint);
    },
  };
}
