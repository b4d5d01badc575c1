/**
 * `fairfit inspect`: reads a trace (Google 2011 folder, SWF file or Alibaba
 * 2018 folder; `-` standard input, one file) and prints what was read and skipped (the `--strict` switch of
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
import { invalid } from '../runner/checks.ts';
import { describeRead, messenger, STDIN, STDIN_NAME } from './common.ts';
import { withInput } from './stdin.ts';

/** Registers `fairfit inspect`. */
export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .argument('<path>', "the trace: a Google 2011 folder or task_events file, an SWF file, or an Alibaba 2018 folder ('-': standard input, one file, plain or gzip)")
    .description('read a trace (Google 2011 folder, SWF file, or Alibaba 2018 folder) and print counts and skipped lines')
    .option('--format <f>', 'auto | google | swf | alibaba (auto: .swf/.swf.gz, or a first line starting with ";" or of 18 numbers, is SWF; a folder of machine_meta files Alibaba; else Google)', 'auto')
    .option('--strict', 'stop at the first bad line (exit 1 with file:line: reason)')
    .option('--quiet', 'no messages on stderr (errors still are)')
    .action(async (path: string, o: { format: string; strict?: boolean; quiet?: boolean }) => {
      const strict = o.strict === true;
      // Checked before standard input is read: a bad option must not wait for it.
      if (!['auto', 'google', 'swf', 'alibaba'].includes(o.format)) throw new FairfitError('INVALID_OPTION', `--format must be auto, google, swf or alibaba, got "${o.format}"`, { field: 'format' });
      if (path === STDIN && o.format === 'alibaba') invalid('--format', `alibaba reads a folder (machine_meta and machine_usage files), and ${STDIN_NAME} is one file: give the folder`);
      // `inspect -`: standard input, copied to a file first (the format detection and the reader both read it).
      const { out, detected, window } = await withInput('path', path, async (input) => input.renamed(await inspect(input.path, o.format, strict)));
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      messenger(o.quiet)(describeRead('inspect', { format: out.format as string, detected, summary: out.summary as ReadSummary, ...window }));
    });
}

/** Reads the trace at `path` as `format` (`auto`: detected): the JSON `inspect` prints, why that format, and the window. */
async function inspect(path: string, format: string, strict: boolean): Promise<{ out: Record<string, unknown>; detected: string; window: { start?: number; end?: number } }> {
  let detected = 'given by --format';
  if (format === 'auto') {
    const d = await detectTraceFormat(path);
    format = d.format;
    detected = d.reason;
  }
  if (format === 'google') {
    const t = await readGoogleTrace(path, { strict });
    const out = { format: 'google2011', tasks: t.tasks.count, usageRows: t.usage?.count ?? t.usageIndex?.count ?? 0, machineEvents: t.machineEvents?.count ?? 0, start: t.start, end: t.end, summary: t.summary };
    return { out, detected, window: { start: t.start, end: t.end } };
  }
  if (format === 'swf') {
    const t = await readSwf(path, { strict });
    // The partial-execution lines of checkpointed jobs the reader left out (their summary lines stand for them),
    // and the jobs without processors (given 1): each named only when there are some. The machine size is
    // named when it is not the log's MaxProcs header (MaxNodes or the largest job stand in).
    const partial = t.source?.['droppedPartialLines'];
    const procs = t.source?.['unknownProcessors'];
    const from = t.source?.['maxProcsFrom'];
    const out = {
      format: 'swf', tasks: t.tasks.count, ...(partial !== undefined ? { droppedPartialLines: partial } : {}), ...(procs !== undefined ? { unknownProcessors: procs } : {}),
      ...(from !== undefined ? { maxProcs: t.source?.['maxProcs'], maxProcsFrom: from } : {}), start: t.start, end: t.end, summary: t.summary,
    };
    return { out, detected, window: { start: t.start, end: t.end } };
  }
  const t = await readAlibabaMachines(path, { strict });
  return { out: { format: 'alibaba2018', machines: t.machines.machines, machineRows: t.machines.count, usageRows: t.usage?.count ?? 0, summary: t.summary }, detected, window: {} };
}
