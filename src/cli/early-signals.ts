/**
 * SIGINT and SIGTERM kept, not acted on, until a command takes them over:
 * `fairfit worker` acts on a signal that came while it started (loading its
 * modules, connecting to Redis) once it has started, as on one that comes
 * after. The entry (main.ts) starts keeping them before it loads the program,
 * ≈ 0.15–0.3 s of module loading during which a signal, with no handler yet,
 * ended the process by the signal (exit 143 or 130) without a word.
 *
 * This module imports nothing: it is loaded before anything else.
 *
 * @module
 */

const kept: NodeJS.Signals[] = [];
let keeping = false;

const keep = (sig: NodeJS.Signals): void => {
  kept.push(sig);
  // A second signal while starting: leave at once (EXIT_FAILURE of common.ts, which is not loaded yet),
  // as a second signal to a started worker abandons its jobs.
  if (kept.length > 1) process.exit(1);
};

/** From now on SIGINT and SIGTERM are kept until {@link takeSignals} (a second one exits 1 at once). Idempotent. */
export function keepSignals(): void {
  if (keeping) return;
  keeping = true;
  process.on('SIGINT', keep);
  process.on('SIGTERM', keep);
}

/** Stops keeping signals and returns those kept, first first. */
export function takeSignals(): NodeJS.Signals[] {
  if (keeping) {
    process.off('SIGINT', keep);
    process.off('SIGTERM', keep);
    keeping = false;
  }
  return kept.splice(0);
}
