/**
 * `fairfit inspect`: reads a trace (Google 2011 folder, SWF file or Alibaba
 * 2018 folder) and prints what was read and skipped (the `--strict` switch of
 * the readers). Data (JSON) on stdout; on stderr the format chosen and why
 * (detected by `detectTraceFormat`, src/io/detect.ts, unless `--format`
 * names it), and the lines skipped with the first problems (`--quiet`
 * silences both).
 *
 * @module
 */
import type { Command } from 'commander';
import { FairfitError } from '../errors.ts';
import { readAlibabaMachines } from '../io/alibaba.ts';
import type { ReadSummary } from '../io/csv/problems.ts';
import { detectTraceFormat } from '../io/detect.ts';
import { readGoogleTrace } from '../io/google/trace-folder.ts';
import { readSwf } from '../io/swf.ts';
import { describeRead, messenger } from './common.ts';

/** Registers `fairfit inspect`. */
export function registerInspect(program: Command): void {
  program
    .command('inspect <path>')
    .description('read a trace (Google 2011 folder, SWF file, or Alibaba 2018 folder) and print counts and skipped lines')
    .option('--format <f>', 'auto | google | swf | alibaba (auto: .swf/.swf.gz or a first line starting with ";" is SWF, a folder of machine_meta files Alibaba, else Google)', 'auto')
    .option('--strict', 'stop at the first bad line (exit 1 with file:line: reason)')
    .option('--quiet', 'no messages on stderr (errors still are)')
    .action(async (path: string, o: { format: string; strict?: boolean; quiet?: boolean }) => {
      const strict = o.strict === true;
      let format = o.format;
      let detected = 'given by --format';
      if (format === 'auto') {
        const d = await detectTraceFormat(path);
        format = d.format;
        detected = d.reason;
      }
      let out: Record<string, unknown>;
      let window: { start?: number; end?: number } = {};
      if (format === 'google') {
        const t = await readGoogleTrace(path, { strict });
        out = { format: 'google2011', tasks: t.tasks.count, usageRows: t.usage?.count ?? t.usageIndex?.count ?? 0, machineEvents: t.machineEvents?.count ?? 0, start: t.start, end: t.end, summary: t.summary };
        window = { start: t.start, end: t.end };
      } else if (format === 'swf') {
        const t = await readSwf(path, { strict });
        // The partial-execution lines of checkpointed jobs the reader left out (their summary lines stand for them),
        // and the jobs without processors (given 1): each named only when there are some. The machine size is
        // named when it is not the log's MaxProcs header (MaxNodes or the largest job stand in).
        const partial = t.source?.['droppedPartialLines'];
        const procs = t.source?.['unknownProcessors'];
        const from = t.source?.['maxProcsFrom'];
        out = {
          format: 'swf', tasks: t.tasks.count, ...(partial !== undefined ? { droppedPartialLines: partial } : {}), ...(procs !== undefined ? { unknownProcessors: procs } : {}),
          ...(from !== undefined ? { maxProcs: t.source?.['maxProcs'], maxProcsFrom: from } : {}), start: t.start, end: t.end, summary: t.summary,
        };
        window = { start: t.start, end: t.end };
      } else if (format === 'alibaba') {
        const t = await readAlibabaMachines(path, { strict });
        out = { format: 'alibaba2018', machines: t.machines.machines, machineRows: t.machines.count, usageRows: t.usage?.count ?? 0, summary: t.summary };
      } else {
        throw new FairfitError('INVALID_OPTION', `--format must be auto, google, swf or alibaba, got "${o.format}"`, { field: 'format' });
      }
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      messenger(o.quiet)(describeRead('inspect', { format: out.format as string, detected, summary: out.summary as ReadSummary, ...window }));
    });
}
