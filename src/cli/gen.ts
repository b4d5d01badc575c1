/**
 * `fairfit gen`: writes a synthetic trace in the Google 2011 format, and
 * `fairfit inspect`: reads a trace and prints what was read and skipped
 * (the `--strict` switch of the readers). Data (JSON) on stdout, messages
 * on stderr.
 *
 * @module
 */
import type { Command } from 'commander';
import { FairfitError } from '../errors.ts';
import { generateTrace } from '../io/generate.ts';
import { readGoogleTrace } from '../io/google/trace-folder.ts';
import { readSwf } from '../io/swf.ts';
import { readAlibabaMachines } from '../io/alibaba.ts';

function num(field: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new FairfitError('INVALID_OPTION', `--${field} must be a number, got "${v}"`, { field });
    return n;
  };
}

/** Registers `fairfit gen` and `fairfit inspect`. */
export function registerGen(program: Command): void {
  program
    .command('gen')
    .description('write a synthetic Google-2011-format trace (gzip); same seed → identical bytes')
    .requiredOption('--out <dir>', 'output folder (task_events/, task_usage/, machine_events/)')
    .option('--machines <M>', 'number of machines', num('machines'), 100)
    .option('--tasks <N>', 'number of tasks', num('tasks'), 5000)
    .option('--days <D>', 'trace length in days (fractions allowed)', num('days'), 1)
    .option('--seed <S>', 'PRNG seed (integer)', num('seed'), 1)
    .option('--no-usage', 'do not write task_usage')
    .option('--gzip-level <L>', 'gzip level 1–9', num('gzip-level'), 1)
    .action(async (o: { out: string; machines: number; tasks: number; days: number; seed: number; usage: boolean; gzipLevel: number }) => {
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
      const r = await generateTrace({ machines: o.machines, tasks: o.tasks, days: o.days, seed: o.seed, out: o.out, usage: o.usage, gzipLevel: o.gzipLevel, onProgress });
      process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      process.stderr.write(`fairfit gen: wrote ${r.files.length} files in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    });

  program
    .command('inspect <path>')
    .description('read a trace (Google 2011 folder, SWF file, or Alibaba 2018 folder) and print counts and skipped lines')
    .option('--format <f>', 'google | swf | alibaba', 'google')
    .option('--strict', 'stop at the first bad line (exit 1 with file:line: reason)')
    .action(async (path: string, o: { format: string; strict?: boolean }) => {
      const strict = o.strict === true;
      let out: Record<string, unknown>;
      if (o.format === 'google') {
        const t = await readGoogleTrace(path, { strict });
        out = { format: 'google2011', tasks: t.tasks.count, usageRows: t.usage?.count ?? 0, machineEvents: t.machineEvents?.count ?? 0, start: t.start, end: t.end, summary: t.summary };
      } else if (o.format === 'swf') {
        const t = await readSwf(path, { strict });
        out = { format: 'swf', tasks: t.tasks.count, start: t.start, end: t.end, summary: t.summary };
      } else if (o.format === 'alibaba') {
        const t = await readAlibabaMachines(path, { strict });
        out = { format: 'alibaba2018', machines: t.machines.machines, machineRows: t.machines.count, usageRows: t.usage?.count ?? 0, summary: t.summary };
      } else {
        throw new FairfitError('INVALID_OPTION', `--format must be google, swf or alibaba, got "${o.format}"`, { field: 'format' });
      }
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      const s = out.summary as { skipped: number; firstProblems: string[] };
      if (s.skipped > 0) process.stderr.write(`fairfit inspect: skipped ${s.skipped} line(s); first: ${s.firstProblems.join(' | ')}\n`);
    });
}
