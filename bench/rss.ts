/**
 * Peak RSS next to every speed figure (issue 13): the process's peak resident
 * memory (all threads) since the previous call. On Linux the peak is reset
 * after each reading ("5" into /proc/self/clear_refs sets VmHWM to the current
 * RSS), so a case's figure is its own peak; where that is not possible the
 * field says it is the process's peak so far.
 *
 * Units: kB of /proc (KiB) / 1024, so MiB (2^20 bytes), and the rows say MiB. Until
 * 4 Dec 2026 they said "MB" for the same numbers: every peak RSS "MB" in
 * docs/results.md is MiB (× 1.049 for 10^6-byte MB).
 */
import { readFileSync, writeFileSync } from 'node:fs';

let resettable: boolean | undefined;

/**
 * This process's own peak RSS, kB: VmHWM of /proc/self/status. Not getrusage's maxRSS where /proc
 * has it: in a spawned child that also counts the parent's RSS at the fork (bench/peak-rss.cjs).
 */
export function peakKb(): number {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux: the process's peak from getrusage
  }
  return process.resourceUsage().maxRSS;
}

function reset(): void {
  if (resettable === false) return;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    resettable = true;
  } catch {
    resettable = false;
  }
}

/** Starts a case: its peak is measured from here. */
export function startCase(): void {
  reset();
}

/**
 * The peak RSS since the previous `startCase` / `casePeak` (then starts the
 * next case), as a field for a row's `extra`.
 */
export function casePeak(): Record<string, number> {
  const mb = Math.round(peakKb() / 1024);
  const key = resettable ? 'peak RSS MiB' : 'peak RSS MiB (process so far)';
  reset();
  return { [key]: mb };
}

/** Whether a row's `extra` already has a peak RSS figure. */
export function hasPeak(extra: Record<string, unknown> | undefined): boolean {
  return Object.keys(extra ?? {}).some((k) => /peak RSS/i.test(k));
}
