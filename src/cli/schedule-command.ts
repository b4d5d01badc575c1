/**
 * `fairfit schedule`: IPTAS, FCFS and EASY backfilling on one job log (an SWF
 * file of the Parallel Workloads Archive or a Google 2011 folder, detected from
 * the path; `--trace -` standard input, src/cli/stdin.ts) and one cluster; prints a facts line and the comparison table on
 * stdout and writes JSON / CSV / HTML. A thin layer over {@link scheduleLog}:
 * every option is checked here once, with a message naming it (exit 2).
 *
 * @module
 */
import type { Command } from 'commander';
import { detectTraceFormat } from '../io/detect.ts';
import { toJson } from '../report/json.ts';
import { invalid, parseNumber } from '../runner/checks.ts';
import { ALGORITHMS, MAX_SCHEDULE_NODES, nodesBound, scheduleLog, type LogFormat } from '../systems/iptas/schedule-log.ts';
import { describeSchedule, formatScheduleTable, renderScheduleHtml, scheduleCsv } from '../systems/iptas/schedule-report.ts';
import type { Algorithm } from '../systems/iptas/schedule-trace.ts';
import { withInput } from './stdin.ts';
import { checkOutputs, DEFAULT_MAX_SKIPPED, EXIT_INTERRUPTED, intOption, maxSkippedOption, messenger, plural, sayWhenWritten, startSession, summaryWriter, withSignalsHeld, writeOutputs, REPORT_FILE, outputsAlone, type BatchCliOptions } from './common.ts';

interface ScheduleCliOptions extends BatchCliOptions {
  trace: string;
  algorithm: string;
  nodes: string;
  nodeCapacity?: string;
  format: string;
  minEpsilon?: string;
  maxJobs?: string;
}

/** `iptas,fcfs,easy` or `all` → the algorithms, in the order given. */
function parseAlgorithms(text: string): Algorithm[] {
  if (text.trim() === 'all') return [...ALGORITHMS];
  const list = text.split(',').map((s) => s.trim());
  for (const a of list) if (!(ALGORITHMS as readonly string[]).includes(a)) invalid('--algorithm', `'${a}' is not one of ${ALGORITHMS.join(', ')} (or 'all')`);
  if (new Set(list).size !== list.length) invalid('--algorithm', `'${text}' names an algorithm twice`);
  return list as Algorithm[];
}

/** `a` or `a,b` → positive finite numbers. */
function parseCapacity(text: string): number[] {
  const parts = text.split(',');
  if (parts.length > 2) invalid('--node-capacity', `'${text}' has ${parts.length} values; give processors per node (SWF) or cpu,mem (Google)`);
  return parts.map((p) => {
    const x = parseNumber(p, '--node-capacity');
    if (!(x > 0)) invalid('--node-capacity', `'${p}' must be > 0`);
    return x;
  });
}

/** Registers `fairfit schedule`. */
export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description('schedule a job log (SWF or Google 2011) with IPTAS, FCFS and EASY backfilling on one cluster and compare them (docs/model.md)')
    .requiredOption('--trace <path>', "SWF log (.swf, .swf.gz) or Google 2011 folder (task_events/) ('-': standard input, one file, plain or gzip)")
    .requiredOption('--nodes <n>', `number of identical nodes, at most ${MAX_SCHEDULE_NODES}`)
    .option('--algorithm <list>', `comma-separated list of ${ALGORITHMS.join(', ')}, or 'all'`, 'iptas,fcfs,easy')
    .option('--node-capacity <a[,b]>', 'node capacity: processors per node for SWF (default 1); cpu,mem normalised like the trace for Google (default 1,1)')
    .option('--format <f>', 'auto | swf | google (auto: .swf/.swf.gz, or a first line starting with ";" or of 18 numbers, is SWF; else Google)', 'auto')
    .option('--min-epsilon <x>', 'IPTAS: floor of ε_u in T0 = requested·max(ε_u, x)·(1 + α) (default 0, the paper\'s rule)')
    .option('--max-jobs <n>', 'schedule only the first n jobs by submit time')
    .option('--strict', 'stop at the first bad trace line instead of skipping and counting it')
    .option('--max-skipped <ratio>', `refuse the log (exit 1, before any algorithm) when more than this fraction of its lines is skipped, or a file is truncated (unless 1) (default ${DEFAULT_MAX_SKIPPED})`)
    .option('--json [file]', "write the report as JSON (alone or '-': on stdout, the table then on stderr)")
    .option('--csv [file]', "write one CSV row per algorithm (alone or '-': on stdout)")
    .option('--report [file]', `write the self-contained HTML report (alone: ${REPORT_FILE}; '-': on stdout)`)
    .hook('preAction', outputsAlone)
    .option('--quiet', 'no progress bar and no messages on stderr')
    .action(async (o: ScheduleCliOptions) => {
      const algorithms = parseAlgorithms(o.algorithm);
      const nodes = intOption(o.nodes, '--nodes');
      if (nodes < 1) invalid('--nodes', `'${o.nodes}' must be ≥ 1`);
      if (nodes > MAX_SCHEDULE_NODES) invalid('--nodes', `'${o.nodes}': ${nodesBound()}`);
      if (o.format !== 'auto' && o.format !== 'swf' && o.format !== 'google') invalid('--format', `'${o.format}' is not one of auto, swf, google`);
      const nodeCapacity = o.nodeCapacity === undefined ? undefined : parseCapacity(o.nodeCapacity);
      const minEpsilon = o.minEpsilon === undefined ? undefined : parseNumber(o.minEpsilon, '--min-epsilon');
      if (minEpsilon !== undefined && minEpsilon < 0) invalid('--min-epsilon', `'${o.minEpsilon}' must be ≥ 0`);
      const maxJobs = o.maxJobs === undefined ? undefined : intOption(o.maxJobs, '--max-jobs');
      if (maxJobs !== undefined && maxJobs < 1) invalid('--max-jobs', `'${o.maxJobs}' must be ≥ 1`);
      const maxSkipped = maxSkippedOption(o.maxSkipped);
      // Before standard input is copied (`--trace -`): a mistake must not wait for the input.
      await withSignalsHeld(() => checkOutputs([['--json', o.json], ['--csv', o.csv], ['--report', o.report]], [['--trace', o.trace]]));
      // `--trace -`: standard input, copied to a file first (the format detection and the reader both read it).
      await withInput('--trace', o.trace, async (input) => {
        const format = o.format === 'auto' ? (await detectTraceFormat(input.path)).format : (o.format as LogFormat);
        if (format === 'alibaba') invalid('--trace', `${o.trace} is an Alibaba 2018 machine trace: it has no jobs to schedule; give an SWF log or a Google 2011 folder`);
        if (nodeCapacity) {
          if (format === 'google' && nodeCapacity.length !== 2) invalid('--node-capacity', `'${o.nodeCapacity}': a Google trace needs cpu,mem (e.g. 1,1)`);
          if (format === 'swf' && (nodeCapacity.length !== 1 || !Number.isInteger(nodeCapacity[0]))) invalid('--node-capacity', `'${o.nodeCapacity}': an SWF log needs one integer, processors per node`);
        }
        const say = messenger(o.quiet);
        const session = startSession('schedule', 'algorithms', o.quiet === true);
        const t0 = performance.now();
        try {
          const report = input.renamed(await scheduleLog({
            trace: input.path,
            format: o.format as LogFormat,
            algorithms,
            nodes,
            ...(nodeCapacity ? { nodeCapacity } : {}),
            ...(minEpsilon !== undefined ? { minEpsilon } : {}),
            ...(maxJobs !== undefined ? { maxJobs } : {}),
            strict: o.strict === true,
            maxSkipped,
            signal: session.signal,
            onProgress: session.onProgress,
          }));
          session.end();
          summaryWriter([o.json, o.csv, o.report], o.quiet)(describeSchedule(report) + '\n\n' + formatScheduleTable(report));
          if (report.interrupted) say(`fairfit: interrupted after ${report.runs.length} of ${plural(algorithms.length, 'algorithm')}; outputs are marked "interrupted": true`);
          const t = report.trace;
          if (t.skippedLines > 0) say(`fairfit schedule: read ${t.format} (detected: ${t.detected}): ${plural(t.rows, 'row')}; ${plural(t.skippedLines, 'line')} skipped; first:\n  ${(t.firstProblems ?? []).join('\n  ')}`);
          const files = writeOutputs([
            [o.json, () => toJson(report)],
            [o.csv, () => scheduleCsv(report)],
            [o.report, () => renderScheduleHtml(report)],
          ]);
          sayWhenWritten(files, say, `${plural(report.runs.length, 'algorithm')} in ${((performance.now() - t0) / 1000).toFixed(1)} s${files.length ? `; wrote ${files.join(', ')}` : ''}`);
          if (report.interrupted || session.interrupted) process.exitCode = EXIT_INTERRUPTED;
        } finally {
          session.close();
        }
      });
    });
}
