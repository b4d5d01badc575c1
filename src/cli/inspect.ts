/**
 * `fairfit inspect`: reads a trace (Google 2011 folder, SWF file or Alibaba
 * 2018 folder) and prints what was read and skipped (the `--strict` switch of
 * the readers). Data (JSON) on stdout, messages on stderr. Without `--format`
 * the format is detected (`detectTraceFormat`, src/io/detect.ts): an SWF log is
 * announced on stderr (`format: swf (detected: …)`); a Google folder prints
 * nothing more than before (its JSON says `google2011`), so that output is
 * unchanged.
 *
 * @module
 */
import type { Command } from 'commander';
import { FairfitError } from '../errors.ts';
import { readAlibabaMachines } from '../io/alibaba.ts';
import { detectTraceFormat } from '../io/detect.ts';
import { readGoogleTrace } from '../io/google/trace-folder.ts';
import { readSwf } from '../io/swf.ts';

/** Registers `fairfit inspect`. */
export function registerInspect(program: Command): void {
  program
    .command('inspect <path>')
    .description('read a trace (Google 2011 folder, SWF file, or Alibaba 2018 folder) and print counts and skipped lines')
    .option('--format <f>', 'auto | google | swf | alibaba (auto: .swf/.swf.gz or a first line starting with ";" is SWF, else Google)', 'auto')
    .option('--strict', 'stop at the first bad line (exit 1 with file:line: reason)')
    .action(async (path: string, o: { format: string; strict?: boolean }) => {
      const strict = o.strict === true;
      let format = o.format;
      if (format === 'auto') {
        const d = await detectTraceFormat(path);
        format = d.format;
        if (d.format === 'swf') process.stderr.write(`format: swf (detected: ${d.reason})\n`);
      }
      let out: Record<string, unknown>;
      if (format === 'google') {
        const t = await readGoogleTrace(path, { strict });
        out = { format: 'google2011', tasks: t.tasks.count, usageRows: t.usage?.count ?? 0, machineEvents: t.machineEvents?.count ?? 0, start: t.start, end: t.end, summary: t.summary };
      } else if (format === 'swf') {
        const t = await readSwf(path, { strict });
        out = { format: 'swf', tasks: t.tasks.count, start: t.start, end: t.end, summary: t.summary };
      } else if (format === 'alibaba') {
        const t = await readAlibabaMachines(path, { strict });
        out = { format: 'alibaba2018', machines: t.machines.machines, machineRows: t.machines.count, usageRows: t.usage?.count ?? 0, summary: t.summary };
      } else {
        throw new FairfitError('INVALID_OPTION', `--format must be auto, google, swf or alibaba, got "${o.format}"`, { field: 'format' });
      }
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      const s = out.summary as { skipped: number; firstProblems: string[] };
      if (s.skipped > 0) process.stderr.write(`fairfit inspect: skipped ${s.skipped} line(s); first: ${s.firstProblems.join(' | ')}\n`);
    });
}
