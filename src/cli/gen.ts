/**
 * `fairfit gen`: writes a synthetic trace in the Google 2011 format
 * ({@link generateTrace}). The result (JSON) on stdout, messages on stderr.
 *
 * @module
 */
import type { Command } from 'commander';
import { FairfitError } from '../errors.ts';
import { GEN_BYTES_PER_TASK, generateTrace, maxGenTasks } from '../io/generate.ts';
import { BYTES_PER_MACHINE, maxMachines } from '../systems/giantvm/replay-params.ts';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { checkOutputFile } from '../report/file.ts';
import { invalid, parseNumber } from '../runner/checks.ts';
import { withOptionNames, withSignalsHeld } from './common.ts';

/** The command-line option of each {@link generateTrace} key an error may name (`gzipLevel` → `gzip-level`). */
const GEN_FLAGS: Readonly<Record<string, string>> = {
  gzipLevel: 'gzip-level', usageParts: 'usage-parts', longRunMeanDays: 'long-run-mean-days', resubmittedShare: 'resubmitted-share', resubmissions: 'resubmissions',
};

/** A number flag's parser: plain decimal notation, as every other command takes (Number() took 0x10, 0b11 and 0o7). */
function num(field: string): (v: string) => number {
  return (v: string) => parseNumber(v, `--${field}`);
}

/** Registers `fairfit gen`. */
export function registerGen(program: Command): void {
  program
    .command('gen')
    .description('write a synthetic Google-2011-format trace (gzip); same seed → identical bytes')
    .requiredOption('--out <dir>', 'output folder (task_events/, task_usage/, machine_events/)')
    .option('--machines <M>', `number of machines, at most what a replay holds (${maxMachines()} here)`, num('machines'), 100)
    .option('--tasks <N>', `number of tasks, at least 1 and at most ${maxGenTasks()} here (2^31 − 1, or half the memory at ${GEN_BYTES_PER_TASK} bytes each)`, num('tasks'), 5000)
    .option('--days <D>', 'trace length in days (fractions allowed)', num('days'), 1)
    .option('--seed <S>', 'PRNG seed, an integer in [-2^31, 2^32 − 1]', num('seed'), 1)
    .option('--no-usage', 'do not write task_usage')
    .option('--gzip-level <L>', 'gzip level 1–9', num('gzip-level'), 1)
    .option('--usage-parts <P>', 'task_usage part files, each covering consecutive windows (time order across parts) (default 1; refused with --no-usage)', num('usage-parts'))
    .option('--long-run-mean-days <D>', 'long-running tasks end after an exponential time of this mean (days) instead of at the trace end', num('long-run-mean-days'))
    .option('--resubmissions', 'tasks interrupted (EVICT, KILL, FAIL, …) and SUBMITted again, fitted to the real sample (with task_usage: rows for each run, on its machine)')
    .option('--resubmitted-share <S>', 'with --resubmissions: share of tasks interrupted at least once, 0–1 (default the fitted 0.026; not fitted when set)', num('resubmitted-share'))
    .action(async (o: { out: string; machines: number; tasks: number; days: number; seed: number; usage: boolean; gzipLevel: number; usageParts?: number; longRunMeanDays?: number; resubmissions?: boolean; resubmittedShare?: number }) => {
      // A larger cluster could be written, slowly, but no replay could read it back (`--machines trace`):
      // the replay's bound, here (the generator itself knows nothing of replays).
      // A trace without tasks cannot be replayed (NO_DATA); the API refuses it too, this says why in the CLI's words.
      if (o.tasks < 1) invalid('tasks', `must be at least 1 (a trace without tasks has nothing to replay), got ${o.tasks}`);
      if (o.resubmittedShare !== undefined && o.resubmissions !== true) invalid('resubmitted-share', 'only takes effect with --resubmissions');
      if (o.usageParts !== undefined && !o.usage) invalid('usage-parts', 'only takes effect when task_usage is written (not with --no-usage)');
      if (o.out.trim() === '') invalid('--out', 'an empty path: give a folder name');
      if (o.out === '-') invalid('--out', "'-' (standard output) cannot hold a trace folder: give a folder name");
      const most = maxMachines();
      if (o.machines > most) throw new FairfitError('INVALID_OPTION', `machines: at most ${most} machines fit a replay of the trace (${BYTES_PER_MACHINE / 1024} KB per machine, the smaller of 4 GiB of WebAssembly memory and half of this computer's ${(totalmem() / 1024 ** 3).toFixed(0)} GiB), got ${o.machines}`, { field: 'machines' });
      // The folder must take files before any work (OUTPUT_ERROR naming it, exit 1); a signal meanwhile
      // cannot leave the probe file behind.
      await withSignalsHeld(() => checkOutputFile(join(o.out, 'task_events', 'part-00000-of-00001.csv.gz')));
      const t0 = performance.now();
      // Progress only for a person watching: never when stderr is a file or a pipe.
      let last = 0;
      const onProgress = process.stderr.isTTY
        ? (done: number, total: number): void => {
            const now = performance.now();
            if (now - last < 200 && done < total) return;
            last = now;
            process.stderr.write(`\rfairfit gen: task_usage window ${done}/${total}${done === total ? '\n' : ''}`);
          }
        : undefined;
      // Ctrl-C or SIGTERM once files are being written: they are removed and none is renamed into place
      // (exit 130, `ABORTED`). Before, nothing is written and the signal simply ends the process.
      const controller = new AbortController();
      const stop = (sig: NodeJS.Signals): void => {
        if (controller.signal.aborted) return;
        if (last > 0) process.stderr.write('\n'); // after the progress line
        controller.abort(new FairfitError('ABORTED', `interrupted by ${sig}`));
      };
      const catchSignals = (): void => {
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      };
      let r;
      try {
        r = await withOptionNames(GEN_FLAGS, () => generateTrace({ machines: o.machines, tasks: o.tasks, days: o.days, seed: o.seed, out: o.out, usage: o.usage, gzipLevel: o.gzipLevel, usageParts: o.usageParts, longRunMeanDays: o.longRunMeanDays, resubmissions: o.resubmissions === true, resubmittedShare: o.resubmittedShare, onProgress, signal: controller.signal, onPlanned: catchSignals }));
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      process.stderr.write(`fairfit gen: wrote ${r.files.length} files in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    });
}
